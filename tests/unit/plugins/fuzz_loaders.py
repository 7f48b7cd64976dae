# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fuzzing of every loader the modules feed with outside bytes.

Each loader gets mutated copies of valid inputs made at run time; every input must end in a result or
in the engine's own KeystoreError family: any other exception is a crash, a call over the time limit a
hang candidate, and an error message that holds the password a leak.

Run by scripts/fuzz-loaders (the long run) and by tests/unit/plugins/module_utils/test_fuzz_loaders.py
(a bounded run with a fixed seed). Input number i of a loader is mutated as random.Random('seed:loader:i')
says; the seeds themselves hold fresh keys and salts at every run, so --save keeps the inputs of the
findings, and --seed S --loader L --index I replays the same mutations.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import base64
import collections
import faulthandler
import hashlib
import ipaddress
import os
import random
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import warnings

import cryptography
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _csr as csrlib
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue
from ansible_collections.javasec.keystore.plugins.module_utils import _jks as jks
from ansible_collections.javasec.keystore.plugins.module_utils import _keyplan as keyplan
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils import _pkcs12 as p12
from ansible_collections.javasec.keystore.plugins.module_utils import _truststore as truststore
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import (
    KEY_PASSWORD, STORE_PASSWORD, Pki, der_of, key_der_of)

try:
    from ansible_collections.javasec.keystore.plugins.plugin_utils import _toml_edit as toml_edit
except ImportError:  # ansible-core missing (a bare lane venv): the TOML loader is the controller's, skip it
    toml_edit = None
else:
    if toml_edit.tomlkit_version_problem():
        toml_edit = None

LOADERS = ('jks', 'jceks', 'pkcs12', 'pem', 'csr', 'key', 'toml')
# The standalone run's share of the inputs; PKCS#12 gets more: it has the most structure behind one MAC.
WEIGHTS = {'jks': 16, 'jceks': 14, 'pkcs12': 24, 'pem': 14, 'csr': 10, 'key': 10, 'toml': 12}
WRONG_PASSWORD = 'Wr0ng-Pa55w0rd?'
KEY_PASSPHRASE = b'K3y-Pa55phrase!'
TOML_SECRET = u'T0ml-S3cret-Value!'
SECRETS = (STORE_PASSWORD, KEY_PASSWORD, WRONG_PASSWORD, KEY_PASSPHRASE.decode('ascii'), TOML_SECRET)
# Seeds are made with this many PBE/MAC iterations: a mutated store is read in milliseconds, not 0.25 s, and
# every code path is the same as with Java's 10000.
FAST_ITERATIONS = 16
SLOW_SECONDS = 2.0
TOML_PATH = '/conf/deployment.toml'
AES_SEED_KEY = bytes(bytearray(range(16)))

Seed = collections.namedtuple('Seed', 'name data fields fix')
Finding = collections.namedtuple('Finding', 'kind loader index seed_name mutations detail data')


class Hang(BaseException):
    """Raised by the alarm: not an Exception, so no except clause of the engine can swallow it."""


# ---- seeds ----------------------------------------------------------------------------------


def _der_fields(data, base=0, depth=0, out=None):
    """(offset, size) of the length octets of every DER element in data, also inside OCTET STRINGs that
    hold DER (PKCS#12 nests its structures in them)."""
    out = [] if out is None else out
    pos = 0
    while pos < len(data) and depth < 32:
        try:
            tag, start, end, nxt = der._read_header(data, pos)
        except der.DerError:
            return out
        out.append((base + pos + 1, start - pos - 1))
        if tag & 0x20 or tag == der.OCTET_STRING:
            _der_fields(data[start:end], base + start, depth + 1, out)
        pos = nxt
    return out


def _jks_fields(data):
    """(offset, size) of the counts, lengths and tags of a JKS/JCEKS body, plus the DER inside its blobs."""
    fields = [(4, 4), (8, 4)]
    pos = 12

    def u32(at):
        return struct.unpack('>I', data[at:at + 4])[0]

    def u16(at):
        return struct.unpack('>H', data[at:at + 2])[0]

    version = u32(4)

    def blob(at):
        fields.append((at, 4))
        size = u32(at)
        _der_fields(data[at + 4:at + 4 + size], at + 4, 0, fields)
        return at + 4 + size

    def cert(at):
        if version == 2:
            fields.append((at, 2))
            at += 2 + u16(at)
        return blob(at)

    for dummy in range(u32(8)):
        tag = u32(pos)
        fields.append((pos, 4))
        fields.append((pos + 4, 2))
        pos += 4 + 2 + u16(pos + 4) + 8
        if tag == 1:
            pos = blob(pos)
            fields.append((pos, 4))
            count = u32(pos)
            pos += 4
            for dummy in range(count):
                pos = cert(pos)
        elif tag == 2:
            pos = cert(pos)
        else:
            # a serialized SealedObject: its lengths are u16/u32 too, but walking Java's stream format
            # here would be a second parser; random length corruption covers it
            return fields
    return fields


def _jks_resign(password):
    def fix(body):
        return body + hashlib.sha1(password.encode('utf-16-be') + b'Mighty Aphrodite' + body).digest()
    return fix


def _pfx(auth_safe, password, mac_hash='sha256'):
    if password is None:
        return der.seq(der.integer(3), der.seq(der.oid(p12.OID_DATA), der.explicit(0, der.octet_string(auth_safe))))
    salt = b'\x01' * 8
    mac = p12._mac(mac_hash, password, salt, FAST_ITERATIONS, auth_safe)
    mac_data = der.seq(der.seq(der.algorithm(p12.DIGEST_OID[mac_hash]), der.octet_string(mac)),
                       der.octet_string(salt), der.integer(FAST_ITERATIONS))
    return der.seq(der.integer(3), der.seq(der.oid(p12.OID_DATA), der.explicit(0, der.octet_string(auth_safe))),
                   mac_data)


def _pfx_fix(password, mac_hash):
    return lambda auth_safe: _pfx(auth_safe, password, mac_hash)


def _auth_safe_of(pfx):
    fields = der.children(der.read(pfx, der.SEQUENCE)[1])
    return der.read_octets(der.tlv(*der.children(der.children(fields[1][1])[1][1])[0]))


def _plain_safe_auth_safe(pki, scheme):
    """An authenticated safe whose certificates are not encrypted (as openssl -certpbe NONE writes), so
    that mutations reach the bag and attribute parsing behind the MAC."""
    key_id = b'Time 1700000000000'
    keys = der.seq(p12.key_bag(p12.encrypt_epki(key_der_of(pki.ec_key), STORE_PASSWORD, scheme), u'server', key_id),
                   p12.secret_bag(p12.encrypt_epki(model.wrap_secret_key('AES', AES_SEED_KEY), STORE_PASSWORD, scheme),
                                  u'aes', b'Time 1700000000001'))
    cert_safe = der.seq(p12.cert_bag(der_of(pki.ec_leaf), u'server', key_id), p12.cert_bag(der_of(pki.inter)),
                        p12.cert_bag(der_of(pki.root), u'root', b'Time 1700000000002', trusted=True))
    return der.seq(*[der.seq(der.oid(p12.OID_DATA), der.explicit(0, der.octet_string(safe)))
                     for safe in (keys, cert_safe)])


def _small_store(pki, store_type, encryption='modern', own_password=False):
    store = model.Keystore(store_type, encryption)
    store.add(model.PrivateKeyEntry('server', [der_of(pki.ec_leaf), der_of(pki.inter)], key_der_of(pki.ec_key),
                                    timestamp=1700000000000))
    store.add(model.TrustedCertEntry('root', der_of(pki.root), timestamp=1700000000002))
    if own_password:
        store.add(model.PrivateKeyEntry('own', [der_of(pki.ed_cert)], key_der_of(pki.ed_key), timestamp=1700000000003,
                                        key_password=KEY_PASSWORD))
    if store_type != 'jks':
        store.add(model.SecretKeyEntry('aes', model.wrap_secret_key('AES', AES_SEED_KEY), timestamp=1700000000001))
    return store


def _with_fast_iterations(make):
    saved = p12.ITERATIONS
    p12.ITERATIONS = FAST_ITERATIONS
    try:
        return make()
    finally:
        p12.ITERATIONS = saved


def jceks_seed(pki, keytool, workdir):
    """A JCEKS store (key with chain, trusted certificate, secret key) written by keytool, which alone
    writes that format: it converts a PKCS#12 store of ours."""
    src = os.path.join(workdir, 'seed.p12')
    dest = os.path.join(workdir, 'seed.jceks')
    with open(src, 'wb') as handle:
        handle.write(codec.dump_bytes(_small_store(pki, 'pkcs12'), STORE_PASSWORD, 'pkcs12'))
    proc = subprocess.run([keytool, '-importkeystore', '-noprompt', '-srckeystore', src, '-srcstoretype', 'PKCS12',
                           '-srcstorepass', STORE_PASSWORD, '-destkeystore', dest, '-deststoretype', 'JCEKS',
                           '-deststorepass', STORE_PASSWORD], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=120, check=False)
    if proc.returncode != 0:
        raise RuntimeError('keytool -importkeystore failed: %s' % proc.stdout.decode('utf-8', 'replace'))
    with open(dest, 'rb') as handle:
        return _fast_jceks(handle.read(), STORE_PASSWORD, pki)


def _md5_3des(salt, iterations, password, data):
    """Sun's PBEWithMD5AndTripleDES encryption (the inverse of _jks._pbe_md5_3des_decrypt; salt halves differ)."""
    from cryptography.hazmat.primitives import padding as sym_padding
    from cryptography.hazmat.primitives.ciphers import Cipher, modes
    derived = b''
    for value in (salt[:4], salt[4:]):
        for dummy in range(iterations):
            value = hashlib.md5(value + password.encode('ascii')).digest()
        derived += value
    padder = sym_padding.PKCS7(64).padder()
    encryptor = Cipher(jks.TripleDES(derived[:24]), modes.CBC(derived[24:])).encryptor()
    return encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()


def _secret_key_spec_stream(algorithm, key):
    """ObjectOutputStream's bytes of new javax.crypto.spec.SecretKeySpec(key, algorithm)."""
    def utf(text):
        return struct.pack('>H', len(text)) + text.encode('ascii')
    return (b'\xac\xed\x00\x05\x73\x72' + utf('javax.crypto.spec.SecretKeySpec')
            + struct.pack('>q', 6577238317307289933) + b'\x02\x00\x02'
            + b'L' + utf('algorithm') + b'\x74' + utf('Ljava/lang/String;')
            + b'[' + utf('key') + b'\x74' + utf('[B') + b'\x78\x70'
            + b'\x74' + utf(algorithm)
            + b'\x75\x72' + utf('[B') + struct.pack('>q', -5984413125824719648) + b'\x02\x00\x00\x78\x70'
            + struct.pack('>I', len(key)) + key)


def _fast_jceks(data, password, pki):
    """The JCEKS store keytool wrote, its keys re-protected with FAST_ITERATIONS: Java 17 uses 200000
    (jdk.jceks.iterationCount takes no lower value), seconds of MD5 in Python for every mutated input.
    The plain keys are ours (the PKCS#8 key and the AES key keytool converted), not decrypted: that would
    cost the same seconds once."""
    store_type, version, entries, reader = jks._parse(data)
    salt = b'\x01\x02\x03\x04\x05\x06\x07\x08'
    params = der.seq(der.octet_string(salt), der.integer(FAST_ITERATIONS))
    body = bytearray(data[:4] + struct.pack('>II', version, len(entries)))
    for entry in entries:
        if isinstance(entry, jks.TrustedCertEntry):
            body += struct.pack('>I', 2) + jks.java_utf(entry.alias) + struct.pack('>Q', entry.timestamp)
            body += jks.java_utf('X.509') + struct.pack('>I', len(entry.cert)) + entry.cert
        elif isinstance(entry, jks.PrivateKeyEntry):
            plain = key_der_of(pki.ec_key)
            protected = der.seq(der.algorithm(jks.OID_PBE_MD5_3DES, params),
                                der.octet_string(_md5_3des(salt, FAST_ITERATIONS, password, plain)))
            body += struct.pack('>I', 1) + jks.java_utf(entry.alias) + struct.pack('>Q', entry.timestamp)
            body += struct.pack('>I', len(protected)) + protected + struct.pack('>I', len(entry.chain))
            for cert in entry.chain:
                body += jks.java_utf('X.509') + struct.pack('>I', len(cert)) + cert
        else:
            fields = jks._read_sealed_object(jks._Reader(entry.sealed))
            old_params, old_content = fields['encodedParams'], fields['encryptedContent']
            content = _md5_3des(salt, FAST_ITERATIONS, password, _secret_key_spec_stream('AES', AES_SEED_KEY))
            sealed = entry.sealed.replace(struct.pack('>I', len(old_params)) + old_params,
                                          struct.pack('>I', len(params)) + params)
            sealed = sealed.replace(struct.pack('>I', len(old_content)) + old_content,
                                    struct.pack('>I', len(content)) + content)
            body += struct.pack('>I', 3) + jks.java_utf(entry.alias) + struct.pack('>Q', entry.timestamp) + sealed
    return _jks_resign(password)(bytes(body))


def _csr(key, sans, algorithm, keytool_label=False, encoding=serialization.Encoding.PEM):
    builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, u'fuzz.example.com'),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, u'javasec fuzz')]))
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.DNSName(u'fuzz.example.com'), x509.IPAddress(ipaddress.ip_address(u'192.0.2.7'))]),
            critical=False)
        builder = builder.add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                                        critical=True)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    data = builder.sign(key, algorithm).public_bytes(encoding)
    if keytool_label:
        data = data.replace(b'CERTIFICATE REQUEST-----', b'NEW CERTIFICATE REQUEST-----')
    return data


def _trusted_pem(cert_der):
    """openssl x509 -trustout: the certificate followed by OpenSSL's trust settings."""
    aux = der.seq(der.seq(der.oid('1.3.6.1.5.5.7.3.1')))
    body = base64.encodebytes(cert_der + aux)
    return b'-----BEGIN TRUSTED CERTIFICATE-----\n' + body + b'-----END TRUSTED CERTIFICATE-----\n'


def make_seeds(pki, keytool=None, workdir=None):
    """{loader: [Seed]}: valid inputs of every loader (JCEKS only with keytool)."""
    seeds = {name: [] for name in LOADERS}

    def add(loader, name, data, fields=None, fix=None):
        seeds[loader].append(Seed(name, bytes(data), fields if fields is not None else _der_fields(data), fix))

    # JKS, and JKS bodies re-signed after mutation so that mutations reach past the integrity digest
    for own in (False, True):
        data = codec.dump_bytes(_small_store(pki, 'jks', own_password=own), STORE_PASSWORD, 'jks')
        name = 'jks-own-password' if own else 'jks'
        add('jks', name, data, _jks_fields(data))
        add('jks', name + '-resigned', data[:-20], _jks_fields(data), _jks_resign(STORE_PASSWORD))
    if keytool is not None:
        data = jceks_seed(pki, keytool, workdir)
        add('jceks', 'jceks', data, _jks_fields(data))
        add('jceks', 'jceks-resigned', data[:-20], _jks_fields(data), _jks_resign(STORE_PASSWORD))

    # PKCS#12 as we write it (both profiles), and authenticated safes re-MACed (or MAC-less) after mutation
    for encryption in ('modern', 'legacy'):
        data = _with_fast_iterations(lambda: codec.dump_bytes(_small_store(pki, 'pkcs12', encryption), STORE_PASSWORD,
                                                              'pkcs12', encryption))
        add('pkcs12', 'p12-' + encryption, data)
        mac_hash = 'sha256' if encryption == 'modern' else 'sha1'
        if encryption == 'modern':
            add('pkcs12', 'p12-modern-remac', _auth_safe_of(data), None, _pfx_fix(STORE_PASSWORD, mac_hash))
        scheme = p12.key_scheme(encryption)
        plain = _with_fast_iterations(lambda: _plain_safe_auth_safe(pki, scheme))
        add('pkcs12', 'p12-%s-plain-certs-remac' % encryption, plain, None, _pfx_fix(STORE_PASSWORD, mac_hash))
        add('pkcs12', 'p12-%s-plain-certs-nomac' % encryption, plain, None, _pfx_fix(None, mac_hash))

    # certificate bundles (trusted_cert, cert_reply, key_entry's certificates)
    chain = [der_of(pki.ec_leaf), der_of(pki.inter), der_of(pki.root)]
    bundle = b''.join(certs.pem(c).encode('ascii') for c in chain)
    add('pem', 'pem-bundle', bundle)
    add('pem', 'pem-bundle-commented',
        b'# the chain\nsubject=CN = leaf\n' + bundle.replace(b'\n-----BEGIN', b'\n\nissuer=x\n-----BEGIN'))
    add('pem', 'der-cert', der_of(pki.rsa_leaf))
    add('pem', 'der-ed25519', der_of(pki.ed_cert))
    add('pem', 'trusted-pem', _trusted_pem(der_of(pki.root)) + certs.pem(der_of(pki.inter)).encode('ascii'))
    add('pem', 'pem-x509-label',
        certs.pem(der_of(pki.other_root)).replace('CERTIFICATE', 'X509 CERTIFICATE').encode('ascii'))
    add('pem', 'pem-with-key', certs.pem(der_of(pki.ed_cert)).encode('ascii') + pki.ed_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))

    # CSRs (sign_csr, and the csr module's existing dest)
    add('csr', 'csr-ec-sans', _csr(pki.ec_key, True, hashes.SHA256()))
    add('csr', 'csr-ec-der', _csr(pki.inter_key, True, hashes.SHA384(), encoding=serialization.Encoding.DER))
    add('csr', 'csr-rsa-keytool', _csr(pki.rsa_key, False, hashes.SHA256(), keytool_label=True))
    add('csr', 'csr-ed25519', _csr(pki.ed_key, True, None))

    # private keys (key_entry's key/key_path)
    pkcs8, pem, clear = serialization.PrivateFormat.PKCS8, serialization.Encoding.PEM, serialization.NoEncryption()
    add('key', 'key-ec-pkcs8-pem', pki.ec_key.private_bytes(pem, pkcs8, clear))
    add('key', 'key-ec-sec1-pem', pki.ec_key.private_bytes(pem, serialization.PrivateFormat.TraditionalOpenSSL, clear))
    add('key', 'key-rsa-pkcs8-der', key_der_of(pki.rsa_key))
    add('key', 'key-ed25519-pem', pki.ed_key.private_bytes(pem, pkcs8, clear))
    # encrypted the way keytool -importkeystore + openssl would leave it, with few iterations
    epki = _with_fast_iterations(lambda: p12.encrypt_epki(key_der_of(pki.ec_key), KEY_PASSPHRASE.decode('ascii'),
                                                          'pbes2-aes256'))
    add('key', 'key-ec-encrypted-pem', b'-----BEGIN ENCRYPTED PRIVATE KEY-----\n'
        + base64.encodebytes(epki) + b'-----END ENCRYPTED PRIVATE KEY-----\n')
    add('key', 'key-ec-encrypted-der', epki)

    # TOML (toml_settings and wso2_secrets, on the controller)
    if toml_edit is not None:
        from ansible_collections.javasec.keystore.tests.unit.plugins.plugin_utils.toml_samples import STOCK
        stock = STOCK.encode('utf-8')
        add('toml', 'toml-stock', stock, [])
        add('toml', 'toml-bom', b'\xef\xbb\xbf' + stock, [])
        add('toml', 'toml-inline', b'[a]\nb = { c = 1, d = [1, 2, {e = "x"}] }\n"q.k" = \'\'\'multi\nline\'\'\'\n'
            b'[[a.f]]\ng = 1979-05-27T07:32:00Z\n[keystore.tls]\npassword = "old"\n', [])
    return seeds


# ---- mutations ------------------------------------------------------------------------------


INTERESTING_8 = (0x00, 0x01, 0x7F, 0x80, 0x81, 0x82, 0x84, 0xFF)
INTERESTING_LENGTHS = (0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF)


def _bit_flip(rng, data, seed, others):
    if not data:
        return data, 'bitflip-empty'
    out = bytearray(data)
    count = rng.choice((1, 1, 2, 4, 8))
    for dummy in range(count):
        pos = rng.randrange(len(out))
        out[pos] ^= 1 << rng.randrange(8)
    return bytes(out), 'bitflip*%d' % count


def _byte_set(rng, data, seed, others):
    if not data:
        return data, 'set-empty'
    out = bytearray(data)
    pos = rng.randrange(len(out))
    out[pos] = rng.choice(INTERESTING_8) if rng.random() < 0.5 else rng.randrange(256)
    return bytes(out), 'set@%d' % pos


def _insert(rng, data, seed, others):
    pos = rng.randrange(len(data) + 1)
    size = rng.choice((1, 1, 2, 4, 16, 100))
    chunk = bytes(rng.randrange(256) for dummy in range(size))
    return data[:pos] + chunk + data[pos:], 'insert@%d+%d' % (pos, size)


def _delete(rng, data, seed, others):
    if not data:
        return data, 'delete-empty'
    pos = rng.randrange(len(data))
    size = min(len(data) - pos, rng.choice((1, 1, 2, 4, 16, 100)))
    return data[:pos] + data[pos + size:], 'delete@%d-%d' % (pos, size)


def _truncate(rng, data, seed, others):
    size = rng.randrange(len(data) + 1)
    return data[:size], 'truncate@%d' % size


def _length_field(rng, data, seed, others):
    """Corrupt a length, count or tag field of the seed's structure (DER lengths, JKS u16/u32 fields)."""
    if not seed.fields:
        return _byte_set(rng, data, seed, others)
    pos, size = rng.choice(seed.fields)
    if pos + size > len(data):
        return _bit_flip(rng, data, seed, others)
    old = int.from_bytes(data[pos:pos + size], 'big')
    choice = rng.randrange(4)
    if choice == 0:
        new = ((old + rng.choice((-2, -1, 1, 2))) % (1 << (8 * size))).to_bytes(size, 'big')
    elif choice == 1 and size > 1:
        new = (rng.choice(INTERESTING_LENGTHS) % (1 << (8 * size))).to_bytes(size, 'big')
    elif choice != 3 or size > 1:
        new = rng.randrange(1 << (8 * size)).to_bytes(size, 'big')
    else:
        # a DER length octet: long forms, indefinite, or more length octets than the data has
        new = bytes([rng.choice((0x80, 0x81, 0x82, 0x84, 0x85, 0x88, 0xFF, 0x00, 0x7F))])
        new += bytes(rng.randrange(256) for dummy in range(new[0] & 0x7F if new[0] & 0x80 and new[0] < 0x89 else 0))
    return data[:pos] + new + data[pos + size:], 'length@%d:%s' % (pos, new.hex())


def _splice(rng, data, seed, others):
    other = rng.choice(others).data
    cut = rng.randrange(len(data) + 1)
    start = rng.randrange(len(other) + 1)
    return data[:cut] + other[start:], 'splice@%d+other@%d' % (cut, start)


def _repeat(rng, data, seed, others):
    if not data:
        return data, 'repeat-empty'
    pos = rng.randrange(len(data))
    size = rng.choice((1, 2, 2, 4, 8, 32, 200))
    block = data[pos:pos + size]
    times = rng.choice((2, 3, 10, 100, 1000)) if size <= 8 else rng.choice((2, 3, 10))
    return data[:pos] + block * times + data[pos:], 'repeat@%d:%dx%d' % (pos, len(block), times)


def _text_edit(rng, data, seed, others):
    """Text-level changes for PEM and TOML: lines dropped, doubled or swapped, delimiters and labels broken."""
    lines = data.split(b'\n')
    choice = rng.randrange(5)
    i = rng.randrange(len(lines))
    if choice == 0:
        del lines[i]
    elif choice == 1:
        lines.insert(i, lines[rng.randrange(len(lines))])
    elif choice == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif choice == 3:
        token = rng.choice((b'-----', b'[', b']', b'[[', b'=', b'"', b"'''", b'"""', b'{', b'}', b',', b'\\u',
                            b'\\', b'#', b'\r', b'\x00', b'.', b'BEGIN', b'END', b'\xff', b'1e999', b'inf', b'nan'))
        pos = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:pos] + token + lines[i][pos:]
    else:
        lines[i] = lines[i][:rng.randrange(len(lines[i]) + 1)]
    return b'\n'.join(lines), 'text%d@line%d' % (choice, i)


BINARY_MUTATORS = (_bit_flip, _bit_flip, _byte_set, _insert, _delete, _truncate, _length_field, _length_field,
                   _length_field, _splice, _repeat)
TEXT_MUTATORS = BINARY_MUTATORS + (_text_edit, _text_edit, _text_edit, _text_edit)


def mutate(rng, seed, others, text=False):
    """A mutated input of seed (1 to 4 stacked mutations) and the names of the mutations."""
    data = seed.data
    names = []
    mutators = TEXT_MUTATORS if text else BINARY_MUTATORS
    for dummy in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
        data, name = rng.choice(mutators)(rng, data, seed, others)
        names.append(name)
    if seed.fix is not None:
        data = seed.fix(data)
    return data, names


# ---- the loaders, as the modules call them ----------------------------------------------------


def _store(rng, data):
    """codec.load_bytes (type detection included) with the right password, a wrong one or own key
    passwords, then the diff summary and what keystore_info reports of every entry."""
    choice = rng.random()
    if choice < 0.7:
        store = codec.load_bytes(data, STORE_PASSWORD)
    elif choice < 0.85:
        store = codec.load_bytes(data, WRONG_PASSWORD)
    else:
        store = codec.load_bytes(data, STORE_PASSWORD, {'own': KEY_PASSWORD, 'server': WRONG_PASSWORD})
    certs.summary(store)
    for entry in store.entries.values():  # what keystore_info reports
        certs.entry_info(entry)
    return store


class _CsrContext(object):
    """What sign_csr signs with: a CA certificate and key made once."""
    ca_key = None
    ca_cert = None

    @classmethod
    def get(cls, pki):
        if cls.ca_key is None:
            cls.ca_key = pki.inter_key
            cls.ca_cert = x509.load_der_x509_certificate(der_of(pki.inter))
        return cls


def _pem(rng, data, pki):
    if rng.random() < 0.7:
        found = truststore.certificates_in(data, 'bundle')
        for cert_der in found:
            truststore.describe(None, cert_der)
            truststore.read_facts(cert_der)
    else:
        found = keyplan.certificates_of([('certificates', data.decode('latin-1'))])
        for cert_der in found:
            certs.cert_info(cert_der)
    return found


def _csr_load(rng, data, pki):
    """sign_csr: load, signature, subject, requested SANs, the CSR's key, signing; csr: facts and match."""
    csr = csrlib.load_csr(data)
    if csr is None:
        raise model.CertificateInputError('the CSR cannot be parsed (neither PEM nor DER PKCS#10)')
    csrlib.csr_matches(csr, b'', csr.subject, [], 'SHA256withECDSA')
    csrlib.csr_facts(csr)
    if not csr.is_signature_valid:
        raise model.CertificateInputError('the CSR signature is not valid')
    requested = certs.extension(csr, 'SubjectAlternativeName')
    sans = list(requested) if requested is not None else []
    ca = _CsrContext.get(pki)
    return issue.build_certificate(csr.subject, certs.cert_public_key(csr, 'the CSR'), ca.ca_cert.subject, ca.ca_key,
                                   30, sans, ['digitalSignature'], ['serverAuth'],
                                   issuer_public_key=certs.cert_public_key(ca.ca_cert))


def _key(rng, data, pki, seed=None):
    # as key_entry's key_passphrase: given for an encrypted key (now and then a wrong one), else not
    encrypted = seed is None or 'encrypted' in seed.name
    passphrase = (KEY_PASSPHRASE if rng.random() < 0.8 else b'wrong') if encrypted else None
    return certs.load_private_key(data, passphrase, 'key_path')


def _toml(rng, data, pki):
    text, bom = toml_edit.decode(data, TOML_PATH)
    if rng.random() < 0.2:
        return toml_edit.load_document(text, TOML_PATH).unwrap()
    state = 'present' if rng.random() < 0.75 else 'absent'
    tables = {'keystore.tls': {'file_name': 'x.jks', 'password': TOML_SECRET},
              'server': {'offset': 10},
              'apim.gateway.environment': {'name': 'x'}} if state == 'present' else {'truststore': {}, 'a': {'b': 1}}
    requests = toml_edit.requests_of(tables, state)
    edited = toml_edit.edit(text, requests, state, rng.random() < 0.5, TOML_PATH)
    toml_edit.diff(edited, TOML_PATH)
    toml_edit.kept_warnings(edited)
    toml_edit.encode(edited.after, bom)
    return edited


TARGETS = {
    'jks': lambda rng, data, pki: _store(rng, data),
    'jceks': lambda rng, data, pki: _store(rng, data),
    'pkcs12': lambda rng, data, pki: _store(rng, data),
    'pem': _pem,
    'csr': _csr_load,
    'key': _key,
    'toml': _toml,
}
TEXT_LOADERS = ('pem', 'csr', 'key', 'toml')


# ---- the run --------------------------------------------------------------------------------


class Stats(object):
    def __init__(self):
        self.count = collections.Counter()
        self.outcomes = collections.defaultdict(collections.Counter)
        self.seconds = collections.Counter()
        self.slowest = {}
        self.findings = []


def _alarm(signum, frame):
    raise Hang()


def run_one(loader, index, seed_value, seeds, pki, stats, time_limit=None, watchdog=None):
    rng = random.Random('%s:%s:%d' % (seed_value, loader, index))
    seed = rng.choice(seeds[loader])
    data, names = mutate(rng, seed, seeds[loader], loader in TEXT_LOADERS)
    target = TARGETS[loader]
    finding = None
    if time_limit:
        signal.setitimer(signal.ITIMER_REAL, time_limit)
    if watchdog:
        # a hang in C code (OpenSSL) never returns to the alarm handler: dump the stack and stop instead
        faulthandler.dump_traceback_later(watchdog, exit=True)
    start = time.perf_counter()
    try:
        if loader == 'key':
            target(rng, data, pki, seed)
        else:
            target(rng, data, pki)
        outcome = 'ok'
    except model.KeystoreError as exc:
        outcome = type(exc).__name__
        message = str(exc)
        if any(secret in message for secret in SECRETS):
            finding = ('leak', '%s: %s' % (outcome, message))
    except Hang:
        outcome = 'hang'
        finding = ('hang', 'over %s s' % time_limit)
    except Exception as exc:  # pylint: disable=broad-except
        # the point of the fuzz: anything that is not the engine's own error is a crash to report
        outcome = 'crash'
        frame = traceback.extract_tb(sys.exc_info()[2])[-1]
        where = (os.path.basename(frame.filename), frame.lineno, frame.name)
        finding = ('crash', '%s: %s at %s:%d (%s)' % ((type(exc).__name__, str(exc)[:200]) + where))
        if os.environ.get('FUZZ_TRACEBACK'):
            traceback.print_exc()
    finally:
        if time_limit:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if watchdog:
            faulthandler.cancel_dump_traceback_later()
    elapsed = time.perf_counter() - start
    if finding is None and elapsed > SLOW_SECONDS:
        finding = ('slow', '%.2f s' % elapsed)
    stats.count[loader] += 1
    stats.outcomes[loader][outcome] += 1
    stats.seconds[loader] += elapsed
    if elapsed > stats.slowest.get(loader, (0,))[0]:
        stats.slowest[loader] = (elapsed, index)
    if finding is not None:
        stats.findings.append(Finding(finding[0], loader, index, seed.name, names, finding[1], data))
    return outcome


def run(seed_value, counts, seeds, pki, time_limit=None, progress=None, indexes=None, watchdog=None):
    """Run counts[loader] inputs of each loader; indexes (a list) replays only those input numbers."""
    stats = Stats()
    previous = signal.signal(signal.SIGALRM, _alarm) if time_limit else None
    try:
        with warnings.catch_warnings():
            # cryptography warns about what it parses (a negative serial number...): a fuzz makes thousands
            warnings.simplefilter('ignore')
            for loader in LOADERS:
                if not counts.get(loader) or not seeds.get(loader):
                    continue
                for index in (indexes if indexes is not None else range(counts[loader])):
                    run_one(loader, index, seed_value, seeds, pki, stats, time_limit, watchdog)
                    if progress and stats.count[loader] % progress == 0:
                        print('  %s: %d inputs, %.1f s, %d findings' % (
                            loader, stats.count[loader], stats.seconds[loader], len(stats.findings)), flush=True)
    finally:
        if time_limit:
            signal.signal(signal.SIGALRM, previous)
    return stats


def check_seeds(seeds, pki):
    """Every seed, unmutated, is a valid input: a fuzz of inputs the loader refuses anyway tests little.

    Returns {seed name: [(alias, kind, chain length or key size)]} of the stores, every key opened.
    """
    rng = random.Random(0)
    stores = {}
    for loader, items in seeds.items():
        for seed in items:
            data = seed.fix(seed.data) if seed.fix else seed.data
            if loader in ('jks', 'jceks', 'pkcs12'):
                store = codec.load_bytes(data, STORE_PASSWORD, {'own': KEY_PASSWORD})
                stores[seed.name] = described = []
                for entry in store.entries.values():
                    if isinstance(entry, model.PrivateKeyEntry) and entry.key_der is not None:
                        described.append((entry.alias, entry.kind, len(entry.chain)))
                    elif isinstance(entry, model.SecretKeyEntry) and entry.plain is not None:
                        expected = model.wrap_secret_key('AES', AES_SEED_KEY)
                        described.append((entry.alias, entry.kind, entry.plain == expected))
                    elif isinstance(entry, model.TrustedCertEntry):
                        described.append((entry.alias, entry.kind, 1))
                    else:
                        raise RuntimeError('seed %s: entry %s stays sealed' % (seed.name, entry.alias))
            elif loader == 'key':
                _key(rng, data, pki, seed)
            elif loader == 'toml':
                toml_edit.load_document(toml_edit.decode(data, TOML_PATH)[0], TOML_PATH)
            elif loader == 'pem' and seed.name == 'pem-with-key':
                continue  # refused by design (a private key in a public input)
            else:
                TARGETS[loader](rng, data, pki)
    return stores


def _report(stats, seed_value, total_seconds, out=sys.stdout):
    print('seed %s: %d inputs in %.1f s' % (seed_value, sum(stats.count.values()), total_seconds), file=out)
    for loader in LOADERS:
        if stats.count[loader]:
            slow = stats.slowest.get(loader, (0, 0))
            print('  %-7s %7d inputs %7.1f s  slowest %.3f s (#%d)  %s' % (
                loader, stats.count[loader], stats.seconds[loader], slow[0], slow[1],
                ', '.join('%s %d' % kv for kv in stats.outcomes[loader].most_common())), file=out)
    kinds = collections.Counter(f.kind for f in stats.findings)
    print('findings: %s' % (', '.join('%s %d' % kv for kv in sorted(kinds.items())) or 'none'), file=out)
    grouped = collections.OrderedDict()
    for finding in stats.findings:
        key = (finding.kind, finding.loader, finding.detail.split(' (')[0] if finding.kind == 'crash' else finding.kind)
        grouped.setdefault(key, []).append(finding)
    for (kind, loader, dummy), items in grouped.items():
        first = items[0]
        print('  %s %s x%d, e.g. --loader %s --index %d (seed %s; %s): %s' % (
            kind, loader, len(items), loader, first.index, first.seed_name, ' '.join(first.mutations), first.detail),
            file=out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--seed', default=None, help='random seed (default: a new one, printed)')
    parser.add_argument('--total', type=int, default=105000, help='inputs in all, shared by WEIGHTS')
    parser.add_argument('--per-loader', type=int, default=None, help='inputs of each loader (instead of --total)')
    parser.add_argument('--loader', action='append', choices=LOADERS, help='only these loaders')
    parser.add_argument('--index', type=int, action='append', help='replay only these input numbers')
    parser.add_argument('--time-limit', type=float, default=10.0, help='seconds before an input counts as a hang')
    parser.add_argument('--save', default=None, help='directory to write the inputs of findings to')
    parser.add_argument('--progress', type=int, default=5000, help='print a line every N inputs of a loader')
    args = parser.parse_args(argv)
    seed_value = args.seed if args.seed is not None else '%d' % random.SystemRandom().randrange(10 ** 9)
    loaders = args.loader or [name for name in LOADERS if name != 'toml' or toml_edit is not None]
    if args.per_loader is not None:
        counts = {name: args.per_loader for name in loaders}
    else:
        weight = sum(WEIGHTS[name] for name in loaders)
        counts = {name: -(-args.total * WEIGHTS[name] // weight) for name in loaders}
    print('fuzz-loaders: seed %s (replay with --seed %s), Python %s, cryptography %s' % (
        seed_value, seed_value, sys.version.split()[0], cryptography.__version__), flush=True)
    started = time.perf_counter()
    pki = Pki()
    keytool = shutil.which('keytool')
    workdir = tempfile.mkdtemp(prefix='fuzz-loaders-')
    try:
        seeds = make_seeds(pki, keytool, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if keytool is None:
        print('keytool not found: no JCEKS seed, JCEKS skipped', flush=True)
    if toml_edit is None:
        print('no usable tomlkit/ansible-core here: TOML (a controller-side loader) skipped', flush=True)
    check_seeds(seeds, pki)
    made = ', '.join('%s %d' % (k, len(v)) for k, v in seeds.items() if v)
    print('seeds: %s (%.1f s)' % (made, time.perf_counter() - started), flush=True)
    started = time.perf_counter()
    stats = run(seed_value, counts, seeds, pki, args.time_limit, args.progress, args.index,
                watchdog=max(60.0, args.time_limit * 6))
    _report(stats, seed_value, time.perf_counter() - started)
    if args.save and stats.findings:
        os.makedirs(args.save, exist_ok=True)
        for finding in stats.findings:
            name = '%s-%s-%d.bin' % (finding.kind, finding.loader, finding.index)
            with open(os.path.join(args.save, name), 'wb') as handle:
                handle.write(finding.data)
        print('inputs of the findings written to %s' % args.save)
    return 1 if any(f.kind in ('crash', 'hang', 'leak') for f in stats.findings) else 0


if __name__ == '__main__':
    sys.exit(main())
