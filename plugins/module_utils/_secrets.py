# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planners of secret keys (the secret_key module) and of WSO2 secure vault values (wso2_secrets).

PRIVATE: this is not a public API of the collection and may change at any time.

The secure vault formats are those of WSO2's own code, cited in docs/wso2-secure-vault.md:
asymmetric - base64 of Cipher.getInstance(transformation) with the certificate's public key over the
UTF-8 plaintext (wso2/cipher-tool Utils.doEncryption); symmetric - AES/GCM/NoPadding with a random
128-byte IV and a 128-bit tag, written as base64 of the JSON {"cipherText": base64, "iv": base64}
(wso2/cipher-tool 1.1.x SymmetricCipher, read back by wso2/carbon-secvault FileBaseSecretRepository).
Encryption is randomized, so idempotency is by decryption: a value is kept when the key decrypts it
to the wanted plaintext, and re-encrypted otherwise (a new plaintext, a rotated key, another mode).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import binascii
import hmac
import json
import os
from typing import Dict, List, NamedTuple, Optional

from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils._model import (
    SECRET_KEY_ALGORITHMS, KeystoreError, Keystore, PrivateKeyEntry, SecretKeyEntry, wrap_secret_key)


class SecretInputError(KeystoreError):
    """A secret key value or a vault option that cannot be used (never holds the secret)."""


# ---- secret key entries --------------------------------------------------------------------

# Sizes in bits keytool -genseckey accepts for each algorithm, the first being our default.
SECRET_KEY_SIZES = {
    'AES': (256, 128, 192),
    'DESede': (168, 112),
    'HmacSHA1': (160,),
    'HmacSHA224': (224,),
    'HmacSHA256': (256,),
    'HmacSHA384': (384,),
    'HmacSHA512': (512,),
}


def canonical_algorithm(name: str) -> str:
    for known in SECRET_KEY_SIZES:
        if known.lower() == name.lower():
            return known
    raise SecretInputError('secret key algorithm %s is not supported (choose one of %s)'
                           % (name, ', '.join(sorted(SECRET_KEY_SIZES))))


def wrap(algorithm: str, key: bytes) -> bytes:
    """The PKCS#8-style plain form of a secret key, with the OID Java itself writes (the model's table:
    Java 11-25 write DESede as OIW 1.3.14.3.2.17, see docs/wso2-secure-vault.md)."""
    return wrap_secret_key(algorithm, key)


def unwrap(plain: bytes):
    """(algorithm or OID, key bytes) of a plain secret key."""
    fields = der.children(der.read(plain, der.SEQUENCE)[1])
    oid = der.read_oid(der.children(fields[1][1])[0][1])
    key = der.octets(*fields[2])
    return SECRET_KEY_ALGORITHMS.get(oid, oid), key


def _des_parity(key: bytes) -> bytes:
    """Odd parity in every byte, as Java's DESede key generator sets it."""
    out = bytearray()
    for byte in bytearray(key):
        high = byte & 0xFE
        out.append(high | (bin(high).count('1') + 1) % 2)
    return bytes(out)


def key_bytes(algorithm: str, size: int) -> int:
    if algorithm == 'DESede':
        return 24  # 112- and 168-bit keys are both stored as three 8-byte DES keys (keytool does so)
    return size // 8


def generate(algorithm: str, size: Optional[int]) -> bytes:
    sizes = SECRET_KEY_SIZES[algorithm]
    size = size or sizes[0]
    if size not in sizes:
        raise SecretInputError('%s keys are %s bits long, not %d' % (algorithm, ' or '.join(map(str, sizes)), size))
    key = os.urandom(key_bytes(algorithm, size))
    if algorithm == 'DESede':
        key = _des_parity(key)
        if size == 112:
            key = key[:16] + key[:8]
    return key


def decode_value(value: str, value_format: str) -> bytes:
    """Key bytes of a given value; errors never repeat it."""
    try:
        if value_format == 'hex':
            return binascii.unhexlify(''.join(value.split()))
        if value_format == 'base64':
            return base64.b64decode(''.join(value.split()).encode('ascii'), validate=True)
    except (ValueError, TypeError, UnicodeEncodeError):
        raise SecretInputError('value is not valid %s' % value_format)
    return value.encode('utf-8')


class SecretKeyPlan(NamedTuple):
    changed: bool
    action: str  # created, kept, replaced, removed, absent
    algorithm: Optional[str]
    size: Optional[int]
    store: Keystore


def plan_secret_key(store: Keystore, alias: str, state: str, algorithm: Optional[str] = None,
                    size: Optional[int] = None, value: Optional[bytes] = None,
                    timestamp: Optional[int] = None) -> SecretKeyPlan:
    """What the secret_key module does to store (changed in place).

    present without a value: an existing secret key is kept whatever it holds (never regenerated), but
    one of another algorithm or size is an error, not a silent mismatch; with a value, the entry holds
    exactly that value afterwards.
    """
    entry = store.get(alias)
    if entry is not None and not isinstance(entry, SecretKeyEntry):
        raise SecretInputError('alias "%s" is a %s entry, not a secret key' % (entry.alias, entry.kind.replace('_', ' ')))
    if state == 'absent':
        if entry is None:
            return SecretKeyPlan(False, 'absent', None, None, store)
        store.remove(alias)
        return SecretKeyPlan(True, 'removed', None, None, store)
    wanted = canonical_algorithm(algorithm or 'AES')
    if entry is not None and entry.plain is None:
        raise SecretInputError('the secret key "%s" cannot be decrypted with the store password' % entry.alias)
    current = unwrap(entry.plain) if entry is not None else None
    if value is not None:
        if wanted == 'AES' and len(value) * 8 not in SECRET_KEY_SIZES['AES']:
            raise SecretInputError('an AES key is 16, 24 or 32 bytes long, the value has %d' % len(value))
        if current is not None and current[0] == wanted and hmac.compare_digest(current[1], value):
            return SecretKeyPlan(False, 'kept', wanted, len(value) * 8, store)
        key = value
    elif current is not None:
        have_size = size_of(current[0], current[1])
        if current[0] != wanted or (size is not None and have_size != size):
            asked = wanted + (' of %d bits' % size if size else '')
            raise SecretInputError(
                'alias "%s" holds a %s key of %d bits, not %s; a secret key is never regenerated: remove it first '
                '(state: absent) or use another alias' % (entry.alias, current[0], have_size, asked))
        return SecretKeyPlan(False, 'kept', current[0], have_size, store)
    else:
        key = generate(wanted, size)
    new = SecretKeyEntry(entry.alias if entry is not None else alias, wrap(wanted, key), timestamp=timestamp)
    store.add(new, replace=True)
    return SecretKeyPlan(True, 'replaced' if entry is not None else 'created', wanted, size_of(wanted, key), store)


def size_of(algorithm: str, key: bytes) -> int:
    if algorithm == 'DESede':
        return 112 if key[16:] == key[:8] else 168
    return len(key) * 8


# ---- secure vault --------------------------------------------------------------------------

DEFAULT_ASYMMETRIC = 'RSA'  # what ciphertool.sh uses without -Dorg.wso2.CipherTransformation
DEFAULT_SYMMETRIC = 'AES/GCM/NoPadding'
GCM_IV_BYTES = 128  # the tool's GCM_IV_LENGTH = 128 is used as a byte count
GCM_TAG_BITS = 128


def _oaep(digest, mgf_digest):
    return support.padding.OAEP(mgf=support.padding.MGF1(algorithm=mgf_digest()), algorithm=digest(), label=None)


def asymmetric_padding(transformation: str):
    """The padding of a Java RSA transformation (SunJCE's meaning: OAEPWith<H>AndMGF1Padding keeps MGF1-SHA1)."""
    name = transformation.replace(' ', '').lower()
    if name in ('rsa', 'rsa/ecb/pkcs1padding', 'rsa/none/pkcs1padding'):
        return support.padding.PKCS1v15()
    hashes = support.hashes
    oaep = {
        'rsa/ecb/oaeppadding': (hashes.SHA1, hashes.SHA1),
        'rsa/ecb/oaepwithsha1andmgf1padding': (hashes.SHA1, hashes.SHA1),
        'rsa/ecb/oaepwithsha-1andmgf1padding': (hashes.SHA1, hashes.SHA1),
        'rsa/ecb/oaepwithsha-256andmgf1padding': (hashes.SHA256, hashes.SHA1),
    }
    if name in oaep:
        return _oaep(*oaep[name])
    raise SecretInputError('transformation %s is not supported for asymmetric secure vault encryption (use RSA, '
                           'RSA/ECB/PKCS1Padding, RSA/ECB/OAEPwithSHA1andMGF1Padding or '
                           'RSA/ECB/OAEPWithSHA-256AndMGF1Padding)' % transformation)


class VaultKey(NamedTuple):
    mode: str  # asymmetric or symmetric
    transformation: str
    public_key: object  # cryptography public key (asymmetric)
    private_key: object  # cryptography private key (asymmetric)
    secret: Optional[bytes]  # AES key bytes (symmetric)


def vault_key(store: Keystore, alias: str, mode: str, transformation: Optional[str] = None) -> VaultKey:
    """The key that encrypts the vault: the alias's certificate and private key, or its AES secret key."""
    entry = store.get(alias)
    if entry is None:
        raise SecretInputError('alias "%s" does not exist in the internal keystore (aliases: %s)'
                               % (alias, ', '.join(store.aliases()) or 'none'))
    if mode == 'symmetric':
        transformation = transformation or DEFAULT_SYMMETRIC
        if transformation != DEFAULT_SYMMETRIC:
            raise SecretInputError('symmetric secure vault encryption is AES/GCM/NoPadding only, not %s' % transformation)
        if not isinstance(entry, SecretKeyEntry) or entry.plain is None:
            raise SecretInputError('symmetric encryption needs a secret key entry under alias "%s" in a PKCS12 '
                                   'internal keystore, it is a %s entry' % (entry.alias, entry.kind.replace('_', ' ')))
        algorithm, key = unwrap(entry.plain)
        if algorithm != 'AES':
            raise SecretInputError('the secret key "%s" is %s, symmetric secure vault encryption needs AES'
                                   % (entry.alias, algorithm))
        return VaultKey(mode, transformation, None, None, key)
    transformation = transformation or DEFAULT_ASYMMETRIC
    asymmetric_padding(transformation)
    if not isinstance(entry, PrivateKeyEntry) or not entry.chain or entry.key_der is None:
        raise SecretInputError('asymmetric encryption needs a private key entry with its certificate under alias '
                               '"%s"' % entry.alias)
    cert = support.x509.load_der_x509_certificate(entry.chain[0])
    public = cert.public_key()
    if not isinstance(public, support.rsa.RSAPublicKey):
        raise SecretInputError('the key of alias "%s" is not an RSA key; WSO2 secure vault encrypts with RSA'
                               % entry.alias)
    private = support.serialization.load_der_private_key(entry.key_der, password=None)
    return VaultKey(mode, transformation, public, private, None)


def _gson_json(cipher_text: str, iv: str) -> bytes:
    """The JSON Gson's toJson writes for the tool's {"cipherText", "iv"} object: compact, '=' escaped."""
    text = json.dumps({'cipherText': cipher_text, 'iv': iv}, separators=(',', ':'))
    return text.replace('=', '\\u003d').encode('ascii')


def encrypt(key: VaultKey, plaintext: str) -> str:
    data = plaintext.encode('utf-8')
    if key.mode == 'symmetric':
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        iv = os.urandom(GCM_IV_BYTES)
        sealed = AESGCM(key.secret).encrypt(iv, data, None)
        inner = _gson_json(base64.b64encode(sealed).decode('ascii'), base64.b64encode(iv).decode('ascii'))
        return base64.b64encode(inner).decode('ascii')
    return base64.b64encode(key.public_key.encrypt(data, asymmetric_padding(key.transformation))).decode('ascii')


def decrypt(key: VaultKey, value: str) -> Optional[str]:
    """The plaintext of a vault value, or None when this key (and mode) cannot decrypt it."""
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode(value.strip().encode('ascii'), validate=True)
        if key.mode == 'symmetric':
            holder = json.loads(raw.decode('utf-8'))
            sealed = base64.b64decode(holder['cipherText'].encode('ascii'), validate=True)
            iv = base64.b64decode(holder['iv'].encode('ascii'), validate=True)
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM
            from cryptography.exceptions import InvalidTag
            try:
                plain = AESGCM(key.secret).decrypt(iv, sealed, None)
            except InvalidTag:
                return None
        else:
            plain = key.private_key.decrypt(raw, asymmetric_padding(key.transformation))
        return plain.decode('utf-8')
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeError, binascii.Error):
        # not base64, not the JSON holder, wrong padding or size for this key: not ours to keep
        return None


class SecretsPlan(NamedTuple):
    values: Dict[str, str]  # every wanted alias -> the value the [secrets] table must hold
    encrypted: List[str]  # aliases whose value is (re-)encrypted
    kept: List[str]  # aliases whose current value already decrypts to the wanted plaintext


def plan_secrets(key: VaultKey, wanted: Dict[str, str], current: Dict[str, str]) -> SecretsPlan:
    values, encrypted, kept = {}, [], []
    for alias in sorted(wanted):
        plaintext = wanted[alias]
        if not isinstance(plaintext, str) or plaintext == '':
            raise SecretInputError('secrets.%s: give a non-empty string' % alias)
        have = current.get(alias)
        found = decrypt(key, have) if have is not None else None
        if found is not None and hmac.compare_digest(found.encode('utf-8'), plaintext.encode('utf-8')):
            values[alias] = have
            kept.append(alias)
        else:
            values[alias] = encrypt(key, plaintext)
            encrypted.append(alias)
    return SecretsPlan(values, encrypted, kept)
