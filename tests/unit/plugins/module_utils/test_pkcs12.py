# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The own PKCS#12 codec: KDF test vectors, PBE round trips, files of OpenSSL and cryptography, BER input."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import binascii
import hashlib
import random
import shutil
import subprocess
import time

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils import _pkcs12 as p12
from ansible_collections.javasec.keystore.plugins.module_utils import _pkcs12_write as p12_write

from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import (
    STORE_PASSWORD, der_of, key_der_of, pem_of)

pkcs12 = pytest.importorskip('cryptography.hazmat.primitives.serialization.pkcs12')
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402

OPENSSL = shutil.which('openssl')
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason='openssl is not installed')


def unhex(text):
    return binascii.unhexlify(text.replace(' ', '').replace(':', ''))


# ---- the RFC 7292 appendix B key derivation ---------------------------------------------


def test_kdf_known_vector_long_key():
    # Vector of Go's golang.org/x/crypto/pkcs12 (TestThatPBKDFWorksCorrectlyForLongKeys): password "sesame",
    # salt ff*8, 2048 iterations, purpose 1 (key), 24 bytes (more than one SHA-1 block).
    key = p12.pkcs12_kdf('sha1', u'sesame', b'\xff' * 8, 1, 2048, 24)
    assert key == unhex('7cd9fd3e2b3be7691a44e3bef0f9ea0fb9b897d4e325d9d1')


def test_kdf_known_vector_leading_zero_block():
    # Go's TestThatPBKDFHandlesLeadingZeros: I_j gets a leading zero byte in step 6C; empty password
    # (BMPString of "" is just the 00 00 terminator).
    key = p12.pkcs12_kdf('sha1', u'', unhex('f37e05b518324b4b'), 1, 2048, 24)
    assert key == unhex('00f759ff47d14dd03665d5943cb3c4a39a2555c02aed66e1')


def test_kdf_purposes_differ_and_prefix_stable():
    salt = b'\x01\x02\x03\x04\x05\x06\x07\x08'
    keys = [p12.pkcs12_kdf('sha1', u'pw', salt, purpose, 100, 20) for purpose in (1, 2, 3)]
    assert len(set(keys)) == 3
    # a longer output starts with the shorter one
    assert p12.pkcs12_kdf('sha1', u'pw', salt, 1, 100, 45)[:20] == keys[0]
    assert len(p12.pkcs12_kdf('sha256', u'pw', salt, 3, 7, 5)) == 5


def _openssl_kdf(hash_name, password, salt, purpose, iterations, size):
    bmp = binascii.hexlify(password.encode('utf-16-be') + b'\x00\x00').decode('ascii')
    cmd = [OPENSSL, 'kdf', '-keylen', str(size), '-kdfopt', 'digest:%s' % hash_name.upper(),
           '-kdfopt', 'hexpass:%s' % bmp, '-kdfopt', 'hexsalt:%s' % binascii.hexlify(salt).decode('ascii'),
           '-kdfopt', 'iter:%d' % iterations, '-kdfopt', 'id:%d' % purpose, 'PKCS12KDF']
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        pytest.skip('this openssl has no PKCS12KDF (OpenSSL >= 3.0 needed): %s' % proc.stderr[:200])
    return unhex(proc.stdout.decode('ascii').strip())


@needs_openssl
@pytest.mark.parametrize('hash_name, password, salt, purpose, iterations, size', [
    ('sha1', u'changeit', b'\x11' * 20, 1, 10000, 24),
    ('sha1', u'changeit', b'\x11' * 20, 2, 10000, 8),
    ('sha1', u'changeit', b'\x11' * 20, 3, 10000, 20),
    ('sha1', u'changeit', b'\x22' * 8, 1, 1, 5),
    ('sha256', u'St0re-Pa55w0rd!', bytes(bytearray(range(20))), 3, 10000, 32),
    ('sha256', u'p\u00e4ssw\u00f6rd\u20ac', bytes(bytearray(range(7))), 1, 3, 70),
    ('sha384', u'x' * 70, b'\x33' * 65, 3, 2, 48),
    ('sha512', u'', b'\x44' * 16, 3, 2048, 64),
    ('sha512', u'long password ' * 10, b'\x55' * 129, 1, 5, 150),
])
def test_kdf_matches_openssl(hash_name, password, salt, purpose, iterations, size):
    ours = p12.pkcs12_kdf(hash_name, password, salt, purpose, iterations, size)
    assert len(ours) == size
    assert ours == _openssl_kdf(hash_name, password, salt, purpose, iterations, size)


# ---- password-based encryption -----------------------------------------------------------


@pytest.fixture
def fixed_random(monkeypatch):
    """Deterministic salts and IVs (os.urandom), so that wrong-password checks cannot flake."""
    rng = random.Random(20240501)
    monkeypatch.setattr(p12_write.os, 'urandom', lambda n: bytes(bytearray(rng.getrandbits(8) for dummy in range(n))))
    return rng


@pytest.mark.parametrize('scheme, alg_oid', [
    ('pbes2-aes256', p12.OID_PBES2),
    ('pbe-sha-3des', p12.OID_PBE_SHA_3DES),
    ('pbe-sha-rc2-40', p12.OID_PBE_SHA_RC2_40),
])
def test_pbe_round_trip_and_parameters(fixed_random, scheme, alg_oid):
    plain = b'PKCS#8 stand-in ' * 9 + b'tail'
    alg, ciphertext = p12.pbe_encrypt(scheme, u'pw\u00fc', plain)
    assert plain not in ciphertext
    content = der.read(alg, der.SEQUENCE)[1]
    fields = der.children(content)
    assert der.read_oid(fields[0][1]) == alg_oid
    if scheme == 'pbes2-aes256':
        kdf, cipher = der.children(fields[1][1])
        kdf_fields = der.children(kdf[1])
        assert der.read_oid(kdf_fields[0][1]) == p12.OID_PBKDF2
        salt, iterations, key_length, prf = der.children(kdf_fields[1][1])
        assert len(salt[1]) == 20
        assert der.read_int(iterations[1]) == 10000
        assert der.read_int(key_length[1]) == 32
        assert der.read_oid(der.children(prf[1])[0][1]) == '1.2.840.113549.2.9'  # hmacWithSHA256
        cipher_fields = der.children(cipher[1])
        assert der.read_oid(cipher_fields[0][1]) == p12.OID_AES_256_CBC
        assert len(cipher_fields[1][1]) == 16
    else:
        salt, iterations = der.children(fields[1][1])
        assert len(salt[1]) == 20
        assert der.read_int(iterations[1]) == 10000
    assert p12.pbe_decrypt(content, u'pw\u00fc', ciphertext) == plain
    with pytest.raises(p12.Pkcs12PasswordError):
        p12.pbe_decrypt(content, u'pw', ciphertext)


def test_pbes2_interoperates_with_cryptography(pki):
    # cryptography writes PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) encrypted PKCS#8; decrypt it with our code
    encrypted = pki.ec_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                         serialization.BestAvailableEncryption(b'Pa55-for-pkcs8'))
    assert p12.decrypt_epki(encrypted, u'Pa55-for-pkcs8') == key_der_of(pki.ec_key)
    # and the other way round: cryptography decrypts what we encrypt
    ours = p12.encrypt_epki(key_der_of(pki.ec_key), u'Pa55-for-pkcs8', 'pbes2-aes256')
    loaded = serialization.load_der_private_key(ours, b'Pa55-for-pkcs8')
    assert key_der_of(loaded) == key_der_of(pki.ec_key)


def test_unknown_encryption_profile_is_a_clear_error():
    with pytest.raises(p12.Pkcs12UnsupportedError, match='unknown PKCS#12 encryption profile'):
        p12.dump([], [], u'pw', 'medium')


# ---- files written by OpenSSL --------------------------------------------------------------


OPENSSL_VARIANTS = {
    'default': ([], 'sha256', 'modern'),
    'legacy': (['-legacy'], 'sha1', 'legacy'),
    'macalg-sha1': (['-macalg', 'sha1'], 'sha1', 'legacy'),
    '3des-everywhere': (['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'], 'sha1',
                        'legacy'),
    'aes128-aes192-sha512': (['-keypbe', 'AES-128-CBC', '-certpbe', 'AES-192-CBC', '-macalg', 'sha512'], 'sha512',
                             'modern'),
    'plain-certs': (['-certpbe', 'NONE'], 'sha256', 'modern'),
}


@pytest.fixture(scope='module')
def pem_files(pki, tmp_path_factory):
    base = tmp_path_factory.mktemp('pem')
    (base / 'key.pem').write_bytes(pem_of(pki.rsa_key))
    (base / 'leaf.pem').write_bytes(pem_of(pki.rsa_leaf))
    (base / 'ca.pem').write_bytes(pem_of(pki.inter) + pem_of(pki.root))
    return base


@needs_openssl
@pytest.mark.parametrize('variant', sorted(OPENSSL_VARIANTS))
def test_openssl_export_is_read(pki, pem_files, tmp_path, variant):
    extra, mac, encryption = OPENSSL_VARIANTS[variant]
    out = tmp_path / 'out.p12'
    proc = subprocess.run([OPENSSL, 'pkcs12', '-export', '-inkey', str(pem_files / 'key.pem'),
                           '-in', str(pem_files / 'leaf.pem'), '-certfile', str(pem_files / 'ca.pem'),
                           '-name', 'Server', '-passout', 'pass:' + STORE_PASSWORD, '-out', str(out)] + extra,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        pytest.skip('openssl cannot write this variant: %s' % proc.stderr[:300])
    data = out.read_bytes()

    bags, info = p12.load(data, STORE_PASSWORD)
    assert info['mac'] == mac
    certs = [b.value for b in bags if b.bag_type == p12.OID_CERT_BAG]
    assert sorted(certs) == sorted(pki.rsa_chain)
    keys = [b for b in bags if b.bag_type == p12.OID_SHROUDED_KEY_BAG]
    assert len(keys) == 1 and keys[0].friendly_name == u'Server'
    # OpenSSL's localKeyId is the SHA-1 of the certificate
    assert keys[0].local_key_id == hashlib.sha1(der_of(pki.rsa_leaf)).digest()

    store = codec.load_bytes(data, STORE_PASSWORD)
    assert store.store_type == 'pkcs12'
    assert store.encryption == encryption
    assert store.aliases() == [u'Server']
    entry = store.get('server')
    assert entry.kind == 'private_key'
    assert entry.key_der == key_der_of(pki.rsa_key)
    assert entry.chain == pki.rsa_chain
    assert store.extra_bags == []

    with pytest.raises(model.WrongPasswordError) as exc:
        codec.load_bytes(data, 'not-' + STORE_PASSWORD)
    assert STORE_PASSWORD not in str(exc.value)
    with pytest.raises(p12.Pkcs12PasswordError, match='MAC verification failed'):
        p12.load(data, 'not-' + STORE_PASSWORD)


def _openssl_info(path, password, legacy):
    cmd = [OPENSSL, 'pkcs12', '-in', str(path), '-passin', 'pass:' + password, '-nodes', '-info']
    if legacy:
        cmd.append('-legacy')
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    return proc.returncode, proc.stdout.decode('ascii', 'replace'), proc.stderr.decode('ascii', 'replace')


@needs_openssl
@pytest.mark.parametrize('encryption', ['modern', 'legacy'])
def test_openssl_reads_what_we_write(pki, tmp_path, encryption):
    path = tmp_path / 'ours.p12'
    path.write_bytes(pki.store_bytes('pkcs12', encryption))
    rc, out, err = _openssl_info(path, STORE_PASSWORD, encryption == 'legacy')
    if rc != 0 and encryption == 'legacy' and 'legacy' in err.lower():
        pytest.skip('openssl has no legacy provider: %s' % err[:200])
    assert rc == 0, err
    expected_mac = 'sha256' if encryption == 'modern' else 'sha1'
    assert 'MAC: %s' % expected_mac in err
    assert 'Iteration 10000' in err
    if encryption == 'modern':
        assert 'PBES2, PBKDF2, AES-256-CBC, Iteration 10000, PRF hmacWithSHA256' in err
    else:
        assert 'pbeWithSHA1And40BitRC2-CBC, Iteration 10000' in err
        assert 'pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 10000' in err
    # every certificate and the three private keys come out, with their friendly names
    for cert in (pki.rsa_leaf, pki.ec_leaf, pki.inter, pki.root, pki.ed_cert, pki.other_root):
        body = pem_of(cert).decode('ascii')
        assert body in out
    assert out.count('-----BEGIN PRIVATE KEY-----') == 3
    for alias in ('rsa-server', 'ec-server', 'ed25519', 'root-ca', 'other-root', 'aes-key', 'hmac-key'):
        assert 'friendlyName: %s' % alias in out
    # the trusted certificates carry Oracle's trusted key usage attribute
    assert out.count('2.16.840.1.113894.746875.1.1') == 2
    rc, dummy, err = _openssl_info(path, 'wrong-password', encryption == 'legacy')
    assert rc != 0
    assert 'mac verify' in err.lower()


# ---- files written by cryptography -----------------------------------------------------------


def _cryptography_encryptions():
    # cryptography writes PBES2/AES only from 38 on; before, its best is 3DES with a SHA-1 MAC
    best = 'modern' if support.VERSION >= (38, 0, 0) else 'legacy'
    out = [('best-available', serialization.BestAvailableEncryption, best)]
    try:
        builder = serialization.PrivateFormat.PKCS12.encryption_builder
        out.append(('3des-sha1', lambda pw: builder().kdf_rounds(3000).key_cert_algorithm(
            pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(hashes.SHA1()).build(pw), 'legacy'))
        out.append(('aes-sha256', lambda pw: builder().kdf_rounds(3000).key_cert_algorithm(
            pkcs12.PBES.PBESv2SHA256AndAES256CBC).hmac_hash(hashes.SHA256()).build(pw), 'modern'))
    except AttributeError:  # cryptography < 38
        pass
    return out


@pytest.mark.parametrize('name, make, encryption', _cryptography_encryptions(), ids=lambda v: v if isinstance(v, str)
                         else '')
@pytest.mark.parametrize('ca_order', ['inter-root', 'root-inter'])
def test_cryptography_pkcs12_is_read_with_chain(pki, name, make, encryption, ca_order):
    cas = [pki.inter, pki.root] if ca_order == 'inter-root' else [pki.root, pki.inter]
    data = pkcs12.serialize_key_and_certificates(b'my-alias', pki.rsa_key, pki.rsa_leaf, cas,
                                                 make(STORE_PASSWORD.encode('utf-8')))
    store = codec.load_bytes(data, STORE_PASSWORD)
    assert store.encryption == encryption
    assert store.aliases() == [u'my-alias']
    entry = store.get('my-alias')
    assert entry.key_der == key_der_of(pki.rsa_key)
    assert entry.chain == pki.rsa_chain
    assert entry.local_key_id == hashlib.sha1(der_of(pki.rsa_leaf)).digest()
    assert entry.timestamp is None
    assert store.extra_bags == []


def test_cryptography_reads_what_we_write(pki):
    store = model.Keystore('pkcs12')
    store.add(model.PrivateKeyEntry('rsa-server', pki.rsa_chain, key_der_of(pki.rsa_key), timestamp=1))
    store.add(model.TrustedCertEntry('root-ca', der_of(pki.other_root)))
    data = codec.dump_bytes(store, STORE_PASSWORD)
    key, cert, extra = pkcs12.load_key_and_certificates(data, STORE_PASSWORD.encode('utf-8'))
    assert key_der_of(key) == key_der_of(pki.rsa_key)
    assert der_of(cert) == der_of(pki.rsa_leaf)
    assert sorted(der_of(c) for c in extra) == sorted([der_of(pki.inter), der_of(pki.root),
                                                       der_of(pki.other_root)])
    if hasattr(pkcs12, 'load_pkcs12'):  # cryptography 36
        loaded = pkcs12.load_pkcs12(data, STORE_PASSWORD.encode('utf-8'))
        assert loaded.cert.friendly_name == b'rsa-server'
    with pytest.raises(ValueError):
        pkcs12.load_key_and_certificates(data, b'wrong')


def test_no_encryption_pkcs12_of_cryptography(pki):
    data = pkcs12.serialize_key_and_certificates(b'plain', pki.ec_key, pki.ec_leaf, [pki.inter, pki.root],
                                                 serialization.NoEncryption())
    bags, info = p12.load(data, u'')
    assert [b.bag_type for b in bags if b.bag_type != p12.OID_CERT_BAG] == [p12.OID_KEY_BAG]
    store = codec.load_bytes(data, u'')
    assert store.get('plain').key_der == key_der_of(pki.ec_key)
    assert store.get('plain').chain == pki.ec_chain


# ---- our writer's layout and the reader on hand-made structures ---------------------------


def test_dump_layout_is_javas(pki, fixed_random):
    data = pki.store_bytes('pkcs12', 'modern')
    version, auth_safe, mac_data = der.children(der.read(data, der.SEQUENCE)[1])
    assert der.read_int(version[1]) == 3
    content = der.read_octets(der.tlv(*der.children(der.children(auth_safe[1])[1][1])[0]))
    infos = der.children(der.read(content, der.SEQUENCE)[1])
    assert [der.read_oid(der.children(ci)[0][1]) for dummy, ci in infos] == [p12.OID_DATA, p12.OID_ENCRYPTED_DATA]
    mac_fields = der.children(mac_data[1])
    assert der.read_int(mac_fields[2][1]) == 10000
    assert len(mac_fields[1][1]) == 20
    bags, info = p12.load(data, STORE_PASSWORD)
    assert info == {'mac': 'sha256', 'cert_protection': p12.OID_PBES2}
    kinds = [(b.bag_type, b.friendly_name, b.encrypted, b.trusted) for b in bags]
    assert kinds[:5] == [
        (p12.OID_SHROUDED_KEY_BAG, u'rsa-server', False, False),
        (p12.OID_SHROUDED_KEY_BAG, u'ec-server', False, False),
        (p12.OID_SHROUDED_KEY_BAG, u'ed25519', False, False),
        (p12.OID_SECRET_BAG, u'aes-key', False, False),
        (p12.OID_SECRET_BAG, u'hmac-key', False, False),
    ]
    certs = kinds[5:]
    assert (p12.OID_CERT_BAG, u'root-ca', True, True) in certs
    assert (p12.OID_CERT_BAG, u'other-root', True, True) in certs
    # the shared intermediate and root of the two chains are written once each, without a name
    assert certs.count((p12.OID_CERT_BAG, None, True, False)) == 2
    assert len(certs) == 2 + 2 + 3
    key_ids = dict((b.friendly_name, b.local_key_id) for b in bags if b.bag_type == p12.OID_SHROUDED_KEY_BAG)
    assert key_ids['rsa-server'] == b'Time 1700000000123'


def _ber_pfx(data):
    """Re-encode a PFX with indefinite lengths and the authSafe as chunked constructed OCTET STRING."""
    version, auth_safe, mac_data = der.raw_children(der.read(data, der.SEQUENCE)[1])
    oid, wrapped = der.raw_children(der.read(auth_safe, der.SEQUENCE)[1])
    content = der.read_octets(der.read(wrapped)[1])
    chunks = b''.join(der.octet_string(content[i:i + 1000]) for i in range(0, len(content), 1000))
    ber_wrapped = b'\xa0\x80' + b'\x24\x80' + chunks + b'\x00\x00' + b'\x00\x00'
    ber_auth_safe = b'\x30\x80' + oid + ber_wrapped + b'\x00\x00'
    return b'\x30\x80' + version + ber_auth_safe + mac_data + b'\x00\x00'


def test_ber_indefinite_length_pfx_is_read(pki):
    data = pki.store_bytes('pkcs12', 'modern')
    ber = _ber_pfx(data)
    assert ber != data and ber[:2] == b'\x30\x80'
    store = codec.load_bytes(ber, STORE_PASSWORD)
    reference = codec.load_bytes(data, STORE_PASSWORD)
    assert sorted(store.aliases()) == sorted(reference.aliases())
    assert store.get('rsa-server').chain == pki.rsa_chain
    assert store.get('rsa-server').key_der == key_der_of(pki.rsa_key)
    with pytest.raises(model.WrongPasswordError):
        codec.load_bytes(ber, 'wrong')


def _pfx(auth_safe_content_infos, password=STORE_PASSWORD, mac=True, digest_oid=None):
    auth_safe = der.seq(*auth_safe_content_infos)
    parts = [der.integer(3), der.seq(der.oid(p12.OID_DATA), der.explicit(0, der.octet_string(auth_safe)))]
    if mac:
        salt = b'\x07' * 20
        digest = p12._mac('sha256', password, salt, 100, auth_safe)
        parts.append(der.seq(der.seq(der.algorithm(digest_oid or p12.DIGEST_OID['sha256']), der.octet_string(digest)),
                             der.octet_string(salt), der.integer(100)))
    return der.seq(*parts)


def _data_ci(bags):
    return der.seq(der.oid(p12.OID_DATA), der.explicit(0, der.octet_string(der.seq(*bags))))


def test_nested_safe_contents_and_utf8_friendly_name(pki):
    cert = der_of(pki.other_root)
    attrs = der.set_of([
        der.seq(der.oid(p12.OID_FRIENDLY_NAME), der.set_of([der.tlv(der.UTF8_STRING, u'utf8-n\u00e4me'.encode('utf-8'))])),
        der.seq(der.oid(p12.OID_TRUSTED_KEY_USAGE), der.set_of([der.oid(p12.OID_ANY_EXTENDED_KEY_USAGE)])),
    ])
    cert_value = der.seq(der.oid(p12.OID_X509_CERT), der.explicit(0, der.octet_string(cert)))
    cert_bag = der.seq(der.oid(p12.OID_CERT_BAG), der.explicit(0, cert_value), attrs)
    nested = der.seq(der.oid(p12.OID_SAFE_CONTENTS_BAG), der.explicit(0, der.seq(cert_bag)))
    data = _pfx([_data_ci([nested])])
    bags, info = p12.load(data, STORE_PASSWORD)
    assert len(bags) == 1
    assert bags[0].value == cert and bags[0].trusted and bags[0].friendly_name == u'utf8-n\u00e4me'
    store = codec.load_bytes(data, STORE_PASSWORD)
    assert store.aliases() == [u'utf8-n\u00e4me']
    assert store.get(u'UTF8-N\u00c4ME').cert == cert


def test_unsigned_pfx_without_mac(pki):
    bag = p12.cert_bag(der_of(pki.root), u'root', None, trusted=True)
    data = _pfx([_data_ci([bag])], mac=False)
    bags, info = p12.load(data, u'anything')
    assert info['mac'] is None
    assert [b.friendly_name for b in bags] == [u'root']


@pytest.mark.parametrize('mutate, error, message', [
    (lambda d: der.seq(der.integer(2), *der.raw_children(der.read(d, der.SEQUENCE)[1])[1:]),
     p12.Pkcs12FormatError, 'version 3'),
    (lambda d: der.seq(der.integer(3), der.seq(der.oid('1.2.840.113549.1.7.2'), der.explicit(0, der.seq()))),
     p12.Pkcs12UnsupportedError, 'public-key integrity'),
    (lambda d: _pfx([_data_ci([])], digest_oid='1.2.840.113549.2.5'), p12.Pkcs12UnsupportedError, 'MAC algorithm'),
    (lambda d: _pfx([der.seq(der.oid('1.2.840.113549.1.7.3'), der.explicit(0, der.seq()))]),
     p12.Pkcs12UnsupportedError, 'content type'),
    (lambda d: d[:-1], p12.Pkcs12FormatError, 'malformed'),
    (lambda d: der.seq(der.integer(3)), p12.Pkcs12FormatError, 'malformed'),
])
def test_reader_errors(pki, mutate, error, message):
    data = mutate(_pfx([_data_ci([p12.cert_bag(der_of(pki.root), u'root', None, trusted=True)])]))
    with pytest.raises(error, match=message):
        p12.load(data, STORE_PASSWORD)
    mapped = {p12.Pkcs12FormatError: model.CorruptStoreError,
              p12.Pkcs12UnsupportedError: model.UnsupportedStoreError}[error]
    with pytest.raises(mapped) as exc:
        codec.load_bytes(data, STORE_PASSWORD)
    assert STORE_PASSWORD not in str(exc.value)


def test_unsupported_pbes2_cipher_is_reported(pki):
    params = der.seq(der.seq(der.oid(p12.OID_PBKDF2), der.seq(der.octet_string(b'\x01' * 8), der.integer(10))),
                     der.seq(der.oid('1.2.410.200004.1.4'), der.octet_string(b'\x00' * 16)))  # SEED-CBC
    alg = der.seq(der.oid(p12.OID_PBES2), params)
    epki = der.seq(alg, der.octet_string(b'\x00' * 32))
    with pytest.raises(p12.Pkcs12UnsupportedError, match='1.2.410.200004.1.4'):
        p12.decrypt_epki(epki, u'pw')
    with pytest.raises(p12.Pkcs12UnsupportedError, match='not supported'):
        p12.decrypt_epki(der.seq(der.algorithm('1.2.840.113549.1.5.3'), der.octet_string(b'\x00' * 16)), u'pw')


def test_mac_depends_on_every_byte(pki):
    data = bytearray(pki.store_bytes('pkcs12', 'modern'))
    # flip one bit in the middle of the authenticated safe
    data[len(data) // 2] ^= 0x01
    with pytest.raises((p12.Pkcs12PasswordError, p12.Pkcs12FormatError)):
        p12.load(bytes(data), STORE_PASSWORD)


# ---- found by tests/unit/plugins/fuzz_loaders.py ---------------------------------------------


def _pfx_iterations(auth_safe_content_infos, iterations):
    """_pfx with the MAC iteration count given (the MAC is not computed: the count is refused first)."""
    auth_safe = der.seq(*auth_safe_content_infos)
    mac_data = der.seq(der.seq(der.algorithm(p12.DIGEST_OID['sha256']), der.octet_string(b'\x00' * 32)),
                       der.octet_string(b'\x07' * 20), der.integer(iterations))
    return der.seq(der.integer(3), der.seq(der.oid(p12.OID_DATA), der.explicit(0, der.octet_string(auth_safe))),
                   mac_data)


@pytest.mark.parametrize('iterations, error, message', [
    (2 ** 31 - 1, model.UnsupportedStoreError, 'MAC iteration count 2147483647 is above the 1000000'),
    (p12.MAX_KDF_ITERATIONS + 1, model.UnsupportedStoreError, 'above the 1000000 this reader accepts'),
    (0, model.CorruptStoreError, 'MAC iteration count 0 is not positive'),
])
def test_mac_iteration_count_is_bounded(pki, iterations, error, message):
    # before: 2**31 rounds of SHA-256 in Python (hours) for a length-corrupted or crafted count
    data = _pfx_iterations([_data_ci([p12.cert_bag(der_of(pki.root), u'root', None, trusted=True)])], iterations)
    started = time.time()
    with pytest.raises(error, match=message):
        codec.load_bytes(data, STORE_PASSWORD)
    assert time.time() - started < 5


def _epki(iterations, kdf='pbes2'):
    if kdf == 'pbes2':
        params = der.seq(der.seq(der.oid(p12.OID_PBKDF2), der.seq(der.octet_string(b'\x01' * 8), der.integer(iterations))),
                         der.seq(der.oid(p12.OID_AES_256_CBC), der.octet_string(b'\x00' * 16)))
        return der.seq(der.seq(der.oid(p12.OID_PBES2), params), der.octet_string(b'\x00' * 32))
    params = der.seq(der.octet_string(b'\x01' * 8), der.integer(iterations))
    return der.seq(der.seq(der.oid(p12.OID_PBE_SHA_3DES), params), der.octet_string(b'\x00' * 32))


@pytest.mark.parametrize('epki, message', [
    (_epki(2 ** 40), 'PBKDF2 iteration count 1099511627776 is above the 5000000'),
    (_epki(p12.MAX_KDF_ITERATIONS + 1, 'pkcs12'), 'PKCS#12 PBE iteration count 1000001 is above'),
], ids=['pbkdf2', 'pkcs12-kdf'])
def test_key_encryption_iteration_count_is_bounded(epki, message):
    started = time.time()
    with pytest.raises(p12.Pkcs12UnsupportedError, match=message):
        p12.decrypt_epki(epki, STORE_PASSWORD)
    assert time.time() - started < 5


@pytest.mark.parametrize('epki', [
    der.seq(der.seq(der.oid(p12.OID_PBES2)), der.octet_string(b'\x00' * 16), der.null()),  # three elements
    der.seq(der.seq(), der.octet_string(b'\x00' * 16)),  # an AlgorithmIdentifier without OID
    der.seq(der.seq(der.oid(p12.OID_PBE_SHA_3DES), der.seq(der.octet_string(b'\x01' * 8))),  # no iteration count
            der.octet_string(b'\x00' * 16)),
    der.seq(der.tlv(der.SEQUENCE, b'\x06\x84\xff\xff'), der.octet_string(b'\x00' * 16)),  # a length beyond it
], ids=['three-elements', 'no-oid', 'no-iterations', 'bad-inner-length'])
def test_malformed_encrypted_key_is_a_format_error(pki, epki):
    # before: ValueError (unpacking), IndexError or DerError came out of decrypt_epki; _codec maps only
    # Pkcs12Error, so a key bag crashed load_bytes and a secret bag did too
    with pytest.raises(p12.Pkcs12FormatError, match='malformed'):
        p12.decrypt_epki(epki, STORE_PASSWORD)
    key_bag = der.seq(der.oid(p12.OID_SHROUDED_KEY_BAG), der.explicit(0, epki), p12._attributes(u'key', b'Time 1'))
    with pytest.raises(model.CorruptStoreError, match='the key of alias "key" cannot be read'):
        codec.load_bytes(_pfx([_data_ci([key_bag])]), STORE_PASSWORD)
    secret = p12.secret_bag(epki, u'secret', b'Time 2')
    store = codec.load_bytes(_pfx([_data_ci([secret])]), STORE_PASSWORD)
    entry = store.get(u'secret')
    assert entry.plain is None and entry.sealed.store_type == 'pkcs12'  # kept as it was, like Java
