# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""PKCS#12 reader and writer laid out as Java's PKCS12KeyStore does.

PRIVATE: this is not a public API of the collection and may change at any time.

Writing is in _pkcs12_write, reached from here (p12.dump, p12.key_bag ...) and imported on first use: a task that
changes nothing writes nothing (issue 11: fleet cost).

cryptography's own PKCS#12 support writes a single key and drops every key after the first
on load, together with aliases and trust flags, so it cannot be used for a keystore. This
codec keeps every entry: private keys with their chains, trusted certificates (with Oracle's
trusted-key-usage attribute, without which Java ignores them), secret keys (secretBag) and
any bag it does not interpret, which it writes back unchanged.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import hmac

from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der

try:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives import padding as sym_padding
    from cryptography.hazmat.primitives.ciphers import Cipher, modes
    from cryptography.hazmat.primitives.ciphers import algorithms as cipher_algorithms
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
except ImportError:
    pass  # _crypto_support.dependency_problem() reports it, once, for every module

TripleDES = support.TripleDES


class Pkcs12Error(Exception):
    """Base for errors of this codec; the engine maps them onto its own hierarchy."""


class Pkcs12FormatError(Pkcs12Error):
    pass


class Pkcs12PasswordError(Pkcs12Error):
    pass


class Pkcs12UnsupportedError(Pkcs12Error):
    pass


# ---- object identifiers ---------------------------------------------------------------

OID_DATA = '1.2.840.113549.1.7.1'
OID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6'
OID_KEY_BAG = '1.2.840.113549.1.12.10.1.1'
OID_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2'
OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3'
OID_SECRET_BAG = '1.2.840.113549.1.12.10.1.5'
OID_SAFE_CONTENTS_BAG = '1.2.840.113549.1.12.10.1.6'
OID_X509_CERT = '1.2.840.113549.1.9.22.1'
OID_FRIENDLY_NAME = '1.2.840.113549.1.9.20'
OID_LOCAL_KEY_ID = '1.2.840.113549.1.9.21'
OID_TRUSTED_KEY_USAGE = '2.16.840.1.113894.746875.1.1'
OID_ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0'

OID_PBES2 = '1.2.840.113549.1.5.13'
OID_PBKDF2 = '1.2.840.113549.1.5.12'
OID_PBE_SHA_3DES = '1.2.840.113549.1.12.1.3'
OID_PBE_SHA_2DES = '1.2.840.113549.1.12.1.4'
OID_PBE_SHA_RC2_128 = '1.2.840.113549.1.12.1.5'
OID_PBE_SHA_RC2_40 = '1.2.840.113549.1.12.1.6'
OID_AES_128_CBC = '2.16.840.1.101.3.4.1.2'
OID_AES_192_CBC = '2.16.840.1.101.3.4.1.22'
OID_AES_256_CBC = '2.16.840.1.101.3.4.1.42'
OID_DES_EDE3_CBC = '1.2.840.113549.3.7'

HMAC_PRF = {
    '1.2.840.113549.2.7': 'sha1',
    '1.2.840.113549.2.8': 'sha224',
    '1.2.840.113549.2.9': 'sha256',
    '1.2.840.113549.2.10': 'sha384',
    '1.2.840.113549.2.11': 'sha512',
}
PRF_OID = dict((v, k) for k, v in HMAC_PRF.items())
DIGESTS = {
    '1.3.14.3.2.26': 'sha1',
    '2.16.840.1.101.3.4.2.4': 'sha224',
    '2.16.840.1.101.3.4.2.1': 'sha256',
    '2.16.840.1.101.3.4.2.2': 'sha384',
    '2.16.840.1.101.3.4.2.3': 'sha512',
}
DIGEST_OID = dict((v, k) for k, v in DIGESTS.items())
AES_KEY_SIZES = {OID_AES_128_CBC: 16, OID_AES_192_CBC: 24, OID_AES_256_CBC: 32}

ITERATIONS = 10000
SALT_SIZE = 20
# Iteration counts read from a file are bounded, or a crafted (or corrupted) count keeps a task busy for
# hours: PBKDF2 (OpenSSL) takes Java's own limit (PKCS12KeyStore refuses more than 5000000); the PKCS#12 KDF
# of the MAC and of the legacy ciphers runs in Python, about a second per million, so it takes 1000000,
# a hundred times what Java, OpenSSL and Windows write.
MAX_PBKDF2_ITERATIONS = 5000000
MAX_KDF_ITERATIONS = 1000000

# (key protection, certificate protection, MAC digest) for each encryption profile.
PROFILES = {
    'modern': ('pbes2-aes256', 'pbes2-aes256', 'sha256'),
    'legacy': ('pbe-sha-3des', 'pbe-sha-rc2-40', 'sha1'),
}


# ---- password-based encryption --------------------------------------------------------


def _bmp_password(password):
    """PKCS#12 passwords are BMPStrings with a two-byte NUL terminator (RFC 7292 B.1); None is OpenSSL's
    absent password, zero bytes."""
    if password is None:
        return b''
    return password.encode('utf-16-be') + b'\x00\x00'


def pkcs12_kdf(hash_name, password, salt, purpose, iterations, size):
    """RFC 7292 appendix B.2 key derivation: purpose 1 = key, 2 = IV, 3 = MAC key."""
    new_hash = getattr(hashlib, hash_name)  # the constructor: a third faster than hashlib.new in the loop
    u = new_hash().digest_size
    v = 128 if hash_name in ('sha384', 'sha512') else 64
    pwd = _bmp_password(password)

    def fill(data):
        if not data:
            return b''
        count = (len(data) + v - 1) // v * v
        return (data * (count // len(data) + 1))[:count]

    block = bytearray(fill(salt) + fill(pwd))
    diversifier = bytes([purpose]) * v
    out = b''
    while len(out) < size:
        digest = new_hash(diversifier + bytes(block)).digest()
        for dummy in range(iterations - 1):
            digest = new_hash(digest).digest()
        out += digest
        if len(out) >= size:
            break
        b_value = int.from_bytes((digest * (v // u + 1))[:v], 'big')
        for start in range(0, len(block), v):
            chunk = int.from_bytes(bytes(block[start:start + v]), 'big')
            chunk = (chunk + b_value + 1) % (1 << (8 * v))
            block[start:start + v] = chunk.to_bytes(v, 'big')
    return out[:size]


def _iterations(content, limit, what):
    """The iteration count INTEGER content, refused above limit (see MAX_KDF_ITERATIONS) or below 1."""
    iterations = der.read_int(content)
    if iterations < 1:
        raise Pkcs12FormatError('%s iteration count %d is not positive' % (what, iterations))
    if iterations > limit:
        raise Pkcs12UnsupportedError('%s iteration count %d is above the %d this reader accepts'
                                     % (what, iterations, limit))
    return iterations


def _cbc(cipher, iv, data, decrypt):
    ctx = Cipher(cipher, modes.CBC(iv))
    block = cipher.block_size
    if decrypt:
        dec = ctx.decryptor()
        padded = dec.update(data) + dec.finalize()
        unpad = sym_padding.PKCS7(block).unpadder()
        return unpad.update(padded) + unpad.finalize()
    pad = sym_padding.PKCS7(block).padder()
    padded = pad.update(data) + pad.finalize()
    enc = ctx.encryptor()
    return enc.update(padded) + enc.finalize()


def _rc2_cbc(key, iv, data, decrypt):
    # Our own RC2 (see _rc2.py for why): cryptography has none before 43, and its RC2 takes
    # 128-bit keys only, while PKCS#12's pbeWithSHAAnd40BitRC2-CBC uses 40-bit ones. Imported here: only
    # legacy files use it, and every module execution compiles what it imports (issue 11).
    from ansible_collections.javasec.keystore.plugins.module_utils import _rc2
    if decrypt:
        plain = _rc2.cbc_decrypt(key, iv, data)
        pad = plain[-1] if plain else 0
        if not 1 <= pad <= 8 or plain[-pad:] != bytes([pad]) * pad:
            raise ValueError('bad padding')
        return plain[:-pad]
    pad = 8 - len(data) % 8
    return _rc2.cbc_encrypt(key, iv, data + bytes([pad]) * pad)


def _triple_des():
    if TripleDES is None:
        raise Pkcs12UnsupportedError('3DES (legacy PKCS#12 key encryption) is not available in this cryptography')
    return TripleDES


def _pbes2(params, password, data, decrypt):
    kdf, scheme = der.children(der.read(params, der.SEQUENCE)[1])
    kdf_oid, kdf_params = der.children(kdf[1])
    if der.read_oid(kdf_oid[1]) != OID_PBKDF2:
        raise Pkcs12UnsupportedError('PBES2 key derivation %s is not supported' % der.read_oid(kdf_oid[1]))
    fields = der.children(kdf_params[1])
    salt = der.octets(*fields[0])
    iterations = _iterations(fields[1][1], MAX_PBKDF2_ITERATIONS, 'PBKDF2')
    prf = 'sha1'
    for tag, content in fields[2:]:
        if tag == der.SEQUENCE:
            prf_oid = der.read_oid(der.children(content)[0][1])
            if prf_oid not in HMAC_PRF:
                raise Pkcs12UnsupportedError('PBKDF2 PRF %s is not supported' % prf_oid)
            prf = HMAC_PRF[prf_oid]
    scheme_fields = der.children(scheme[1])
    scheme_oid = der.read_oid(scheme_fields[0][1])
    iv = der.octets(*scheme_fields[1])
    if scheme_oid in AES_KEY_SIZES:
        size = AES_KEY_SIZES[scheme_oid]
        make = cipher_algorithms.AES
    elif scheme_oid == OID_DES_EDE3_CBC:
        size = 24
        make = _triple_des()
    else:
        raise Pkcs12UnsupportedError('PBES2 cipher %s is not supported' % scheme_oid)
    key = PBKDF2HMAC(algorithm=getattr(hashes, prf.upper())(), length=size, salt=salt,
                     iterations=iterations).derive(password.encode('utf-8'))
    return _cbc(make(key), iv, data, decrypt)


def _pbe_pkcs12(oid, params, password, data, decrypt):
    fields = der.children(der.read(params, der.SEQUENCE)[1])
    salt = der.octets(*fields[0])
    iterations = _iterations(fields[1][1], MAX_KDF_ITERATIONS, 'PKCS#12 PBE')
    if oid in (OID_PBE_SHA_3DES, OID_PBE_SHA_2DES):
        size = 24 if oid == OID_PBE_SHA_3DES else 16
        key = pkcs12_kdf('sha1', password, salt, 1, iterations, size)
        if size == 16:
            key = key + key[:8]
        iv = pkcs12_kdf('sha1', password, salt, 2, iterations, 8)
        return _cbc(_triple_des()(key), iv, data, decrypt)
    size = 16 if oid == OID_PBE_SHA_RC2_128 else 5
    key = pkcs12_kdf('sha1', password, salt, 1, iterations, size)
    iv = pkcs12_kdf('sha1', password, salt, 2, iterations, 8)
    return _rc2_cbc(key, iv, data, decrypt)


def pbe_decrypt(alg_id, password, data):
    """Decrypt data protected with the AlgorithmIdentifier alg_id (DER content of the SEQUENCE)."""
    try:
        fields = der.children(alg_id)
        oid = der.read_oid(fields[0][1])
        params = der.tlv(*fields[1]) if len(fields) > 1 else b''
    except (der.DerError, IndexError) as exc:
        raise Pkcs12FormatError('malformed encryption algorithm (%s)' % exc)
    try:
        if oid == OID_PBES2:
            return _pbes2(params, password, data, True)
        if oid in (OID_PBE_SHA_3DES, OID_PBE_SHA_2DES, OID_PBE_SHA_RC2_128, OID_PBE_SHA_RC2_40):
            return _pbe_pkcs12(oid, params, password, data, True)
    except IndexError as exc:  # parameters with fields missing
        raise Pkcs12FormatError('malformed encryption parameters (%s)' % exc)
    except ValueError:
        raise Pkcs12PasswordError('decryption failed')
    raise Pkcs12UnsupportedError('encryption algorithm %s is not supported' % oid)


def _check_pkcs8(plain):
    """A wrong password passes the CBC padding check about once in 250 tries; its output is no PKCS#8."""
    try:
        fields = der.children(der.read(plain, der.SEQUENCE)[1])
        if [tag for tag, dummy in fields[:3]] != [der.INTEGER, der.SEQUENCE, der.OCTET_STRING]:
            raise der.DerError('not a PKCS#8 structure')
    except der.DerError:
        raise Pkcs12PasswordError('decryption failed')
    return plain


def decrypt_epki(epki_der, password):
    """EncryptedPrivateKeyInfo DER -> plain PKCS#8 DER (or a PKCS#8-wrapped secret key); only Pkcs12Error
    subclasses for bytes that are not one."""
    try:
        alg, enc = der.children(der.read(epki_der, der.SEQUENCE)[1])
        ciphertext = der.octets(*enc)
    except ValueError as exc:  # a DerError, or not two elements
        raise Pkcs12FormatError('malformed EncryptedPrivateKeyInfo (%s)' % exc)
    return _check_pkcs8(pbe_decrypt(alg[1], password, ciphertext))


def _mac(hash_name, password, salt, iterations, data):
    key = pkcs12_kdf(hash_name, password, salt, 3, iterations, hashlib.new(hash_name).digest_size)
    return hmac.new(key, data, hash_name).digest()


# ---- reading ---------------------------------------------------------------------------


class Bag(object):
    """One SafeBag: its type, value and the attributes Java uses."""

    __slots__ = ('bag_type', 'value', 'friendly_name', 'local_key_id', 'trusted', 'raw', 'encrypted')

    def __init__(self, bag_type, value, friendly_name=None, local_key_id=None, trusted=False, raw=None,
                 encrypted=True):
        self.bag_type = bag_type
        self.value = value
        self.friendly_name = friendly_name
        self.local_key_id = local_key_id
        self.trusted = trusted
        self.raw = raw
        self.encrypted = encrypted


def _parse_attributes(content):
    friendly, key_id, trusted = None, None, False
    for dummy, attr in der.children(content):
        fields = der.children(attr)
        oid = der.read_oid(fields[0][1])
        values = der.children(fields[1][1])
        if not values:
            continue
        tag, value = values[0]
        if oid == OID_FRIENDLY_NAME:
            friendly = value.decode('utf-16-be') if tag == der.BMP_STRING else value.decode('utf-8', 'replace')
        elif oid == OID_LOCAL_KEY_ID:
            key_id = der.octets(tag, value)
        elif oid == OID_TRUSTED_KEY_USAGE:
            trusted = True
    return friendly, key_id, trusted


def _parse_safe_contents(data, password, bags, encrypted):
    for raw in der.raw_children(der.read(data, der.SEQUENCE)[1]):
        fields = der.children(der.read(raw, der.SEQUENCE)[1])
        bag_type = der.read_oid(fields[0][1])
        value = der.children(fields[1][1])[0]
        friendly, key_id, trusted = (None, None, False)
        if len(fields) > 2 and fields[2][0] == der.SET:
            friendly, key_id, trusted = _parse_attributes(fields[2][1])
        if bag_type == OID_SAFE_CONTENTS_BAG:
            _parse_safe_contents(der.tlv(*value), password, bags, encrypted)
            continue
        if bag_type == OID_CERT_BAG:
            cert_fields = der.children(value[1])
            if der.read_oid(cert_fields[0][1]) == OID_X509_CERT:
                cert = der.octets(*der.children(cert_fields[1][1])[0])
                bags.append(Bag(bag_type, cert, friendly, key_id, trusted, raw, encrypted))
                continue
        elif bag_type in (OID_SHROUDED_KEY_BAG, OID_KEY_BAG):
            bags.append(Bag(bag_type, der.tlv(*value), friendly, key_id, trusted, raw, encrypted))
            continue
        elif bag_type == OID_SECRET_BAG:
            secret_fields = der.children(value[1])
            if der.read_oid(secret_fields[0][1]) == OID_SHROUDED_KEY_BAG:
                epki = der.octets(*der.children(secret_fields[1][1])[0])
                bags.append(Bag(bag_type, epki, friendly, key_id, trusted, raw, encrypted))
                continue
        bags.append(Bag('opaque', None, friendly, key_id, trusted, raw, encrypted))


def load(data, password):
    """Parse a PKCS#12 file. Return (list of Bag, info dict). Raises Pkcs12Error subclasses."""
    try:
        fields = der.children(der.read(data, der.SEQUENCE)[1])
        if der.read_int(fields[0][1]) != 3:
            raise Pkcs12FormatError('not a PKCS#12 version 3 file')
        auth_safe = der.children(fields[1][1])
        if der.read_oid(auth_safe[0][1]) != OID_DATA:
            raise Pkcs12UnsupportedError('public-key integrity mode PKCS#12 files are not supported')
        content = der.read_octets(der.tlv(*der.children(auth_safe[1][1])[0]))
        info = {'mac': None}
        if len(fields) > 2:
            mac_fields = der.children(fields[2][1])
            digest_info = der.children(mac_fields[0][1])
            digest_oid = der.read_oid(der.children(digest_info[0][1])[0][1])
            if digest_oid not in DIGESTS:
                raise Pkcs12UnsupportedError('MAC algorithm %s is not supported' % digest_oid)
            expected = der.octets(*digest_info[1])
            salt = der.octets(*mac_fields[1])
            iterations = _iterations(mac_fields[2][1], MAX_KDF_ITERATIONS, 'MAC') if len(mac_fields) > 2 else 1
            hash_name = DIGESTS[digest_oid]
            # OpenSSL (through cryptography 38 among others) keys the MAC of a password-less file with the
            # absent password, not the empty one; OpenSSL accepts both for an empty password.
            candidates = (password, None) if password == u'' else (password,)
            if not any(hmac.compare_digest(_mac(hash_name, pw, salt, iterations, content), expected)
                       for pw in candidates):
                raise Pkcs12PasswordError('MAC verification failed')
            info['mac'] = hash_name
        bags = []
        for tag, ci in der.children(der.read(content, der.SEQUENCE)[1]):
            ci_fields = der.children(ci)
            ci_type = der.read_oid(ci_fields[0][1])
            inner = der.children(ci_fields[1][1])[0]
            if ci_type == OID_DATA:
                _parse_safe_contents(der.read_octets(der.tlv(*inner)), password, bags, False)
            elif ci_type == OID_ENCRYPTED_DATA:
                enc_fields = der.children(inner[1])
                eci = der.children(enc_fields[1][1])
                ciphertext = der.octets(0x24 if eci[2][0] & 0x20 else 0x04, eci[2][1])
                info['cert_protection'] = der.read_oid(der.children(eci[1][1])[0][1])
                plain = pbe_decrypt(eci[1][1], password, ciphertext)
                _parse_safe_contents(plain, password, bags, True)
            else:
                raise Pkcs12UnsupportedError('PKCS#12 content type %s is not supported' % ci_type)
        return bags, info
    except (der.DerError, IndexError) as exc:
        raise Pkcs12FormatError('malformed PKCS#12 structure (%s)' % exc)


# ---- writing (in _pkcs12_write) -------------------------------------------------------------


def _writing():
    """_pkcs12_write, imported on first use (see the module's docstring)."""
    from ansible_collections.javasec.keystore.plugins.module_utils import _pkcs12_write
    return _pkcs12_write


# p12.dump, p12.key_bag and the rest of _pkcs12_write, for their callers
__getattr__ = support.answer_from(__name__, _writing)
