# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The own JKS/JCEKS codec, judged by keytool: stores keytool makes are read (keys, chains, secret keys,
creation dates, modified-UTF-8 aliases), what we write keytool reads, and bad bytes end in our errors.

Needs no Ansible (runs with --noconftest on the floor Python): the fixtures are defined here.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import atexit
import binascii
import hashlib
import os
import pathlib
import random
import shutil
import struct
import subprocess
import tempfile
import threading
import time

import pytest

from cryptography.hazmat.primitives import serialization

from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils import _jks as jks
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model

from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import Pki, der_of, key_der_of

JKS_PASSWORD = u'St\u00f6re-pass'  # JKS protects with UTF-16 code units, so non-ASCII works there
JCEKS_PASSWORD = 'Jceks-Pass1'  # JCEKS keys take printable ASCII only
OWN_PASSWORD = 'Own-Key-Pass2'
P12_PASSWORD = 'changeit'
EMOJI_ALIAS = u'\U0001F600-emoji'  # outside the BMP: a surrogate pair in Java's modified UTF-8
CLEF_ALIAS = u'\U0001D11E-own'
CAFE_ALIAS = u'caf\u00e9-\u043a\u043b\u044e\u0447'
ERRORS = (model.CorruptStoreError, model.WrongPasswordError, model.UnsupportedStoreError)
CODEC_ERRORS = (jks.JksFormatError, jks.JksPasswordError, jks.JksUnsupportedError)


# ---- keytool-made stores ------------------------------------------------------------------


# Session scope: pytest-xdist (ansible-test units) interleaves test modules on each worker, and a
# module-scoped fixture would then be rebuilt (20 keytool runs, ~25 s) every time a worker came back here.
@pytest.fixture(scope='session')
def keytool_path():
    path = shutil.which('keytool')
    if path is None:
        pytest.skip('keytool (a JDK) is not installed: the JKS/JCEKS interop tests need it as the oracle')
    return path


def _keytool(keytool_path, args, stdin=None):
    env = dict(os.environ, LC_ALL='C.UTF-8', LANG='C.UTF-8')
    # a JVM that starts fast: the fixtures run keytool about twenty times
    jvm = ['-J-Duser.language=en', '-J-Duser.country=US', '-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC']
    proc = subprocess.run([keytool_path] + jvm + list(args), env=env,
                          input=(stdin or '').encode('utf-8'), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=180, check=False)
    output = proc.stdout.decode('utf-8', 'replace')
    assert proc.returncode == 0, output
    return output


def _listing(output):
    """keytool -list -v -> {alias: (entry type, [SHA-256 of each certificate])}."""
    out = {}
    for block in output.split('Alias name: ')[1:]:
        lines = block.splitlines()
        kind = [line.split(': ', 1)[1] for line in lines if line.startswith('Entry type: ')][0]
        sha256 = [line.split('SHA256: ', 1)[1].strip() for line in lines if 'SHA256: ' in line]
        out[lines[0].strip()] = (kind, sha256)
    return out


class Built(object):
    """A store keytool made: path, password, and when each alias was created (ms window)."""

    def __init__(self, path, store_type, password):
        self.path, self.store_type, self.password = path, store_type, password
        self.windows = {}
        self.data = None


def _build(keytool_path, built, steps):
    common = ['-keystore', built.path, '-storetype', built.store_type.upper(), '-storepass', built.password]
    for alias, args in steps:
        start = int(time.time() * 1000) - 1
        _keytool(keytool_path, args + common)
        built.windows[alias] = (start, int(time.time() * 1000) + 1)
    with open(built.path, 'rb') as handle:
        built.data = handle.read()


# ansible-test runs every test in a fork of its xdist worker (its ansible_forked plugin), so a session
# fixture would be rebuilt by every test (20 keytool runs, ~25 s each time: the units stage took 290 s).
# What the worker builds before it forks is inherited: tests/unit/plugins/conftest.py calls
# warm_fork_cache() from pytest_collection_finish, and stores() then only reads the memo.
_FORK_CACHE = {}


def warm_fork_cache():
    path = shutil.which('keytool')
    if path is not None and 'stores' not in _FORK_CACHE:
        folder = tempfile.mkdtemp(prefix='javasec-test-jks-')
        atexit.register(shutil.rmtree, folder, True)  # the worker's exit; forks leave by os._exit
        _FORK_CACHE['stores'] = _build_stores(path, pathlib.Path(folder))


@pytest.fixture(scope='session')
def stores(keytool_path, tmp_path_factory):
    """A JKS and a JCEKS store made by keytool (in two threads: keytool is slow to start)."""
    if 'stores' not in _FORK_CACHE:
        _FORK_CACHE['stores'] = _build_stores(keytool_path, tmp_path_factory.mktemp('jks'))
    return _FORK_CACHE['stores']


def _build_stores(keytool_path, folder):
    pki = Pki()
    chain_p12 = str(folder / 'chain.p12')
    source = model.Keystore('pkcs12')
    source.add(model.PrivateKeyEntry('rsa-chain', pki.rsa_chain, key_der_of(pki.rsa_key)))
    source.add(model.PrivateKeyEntry('ec-chain', pki.ec_chain, key_der_of(pki.ec_key)))
    with open(chain_p12, 'wb') as handle:
        handle.write(codec.dump_bytes(source, P12_PASSWORD))
    root_pem, other_pem = str(folder / 'root.pem'), str(folder / 'other.pem')
    for path, cert in ((root_pem, pki.root), (other_pem, pki.other_root)):
        with open(path, 'wb') as handle:
            handle.write(cert.public_bytes(serialization.Encoding.PEM))

    def genkeypair(alias, password, *algorithm, **options):
        common_name = alias.encode('ascii', 'replace').decode('ascii')
        return (alias, list(options.get('jvm', [])) + [
            '-genkeypair', '-alias', alias, '-dname', 'CN=%s' % common_name, '-validity', '30',
            '-keypass', password] + list(algorithm))

    def import_chain(alias, password, jvm=()):
        return (alias, list(jvm) + [
            '-importkeystore', '-srckeystore', chain_p12, '-srcstoretype', 'PKCS12', '-srcstorepass', P12_PASSWORD,
            '-srcalias', alias, '-destalias', alias, '-destkeypass', password, '-noprompt'])

    jks_store = Built(str(folder / 'keytool.jks'), 'jks', JKS_PASSWORD)
    jks_steps = [
        genkeypair(CAFE_ALIAS, JKS_PASSWORD, '-keyalg', 'EC', '-groupname', 'secp256r1'),
        genkeypair(EMOJI_ALIAS, JKS_PASSWORD, '-keyalg', 'DSA', '-keysize', '2048'),
        genkeypair('own', OWN_PASSWORD, '-keyalg', 'RSA', '-keysize', '2048'),
        ('trusted', ['-importcert', '-noprompt', '-alias', 'trusted', '-file', root_pem]),
        import_chain('rsa-chain', JKS_PASSWORD),
    ]
    # JCEKS seals at 200,000 MD5 iterations by default (about 0.2 s per key in Python); two keys keep the
    # default, the others take the JDK's floor so that the tests stay quick
    fast = ['-J-Djdk.jceks.iterationCount=10000']
    jceks_store = Built(str(folder / 'keytool.jceks'), 'jceks', JCEKS_PASSWORD)
    jceks_steps = [
        genkeypair(CAFE_ALIAS, JCEKS_PASSWORD, '-keyalg', 'EC', '-groupname', 'secp384r1'),
        genkeypair('dsa', JCEKS_PASSWORD, '-keyalg', 'DSA', '-keysize', '2048', jvm=fast),
        genkeypair(CLEF_ALIAS, OWN_PASSWORD, '-keyalg', 'RSA', '-keysize', '2048', jvm=fast),
        ('other-root', ['-importcert', '-noprompt', '-alias', 'other-root', '-file', other_pem]),
        ('aes', ['-genseckey', '-alias', 'aes', '-keyalg', 'AES', '-keysize', '256', '-keypass', JCEKS_PASSWORD]),
        ('hmac', fast + ['-genseckey', '-alias', 'hmac', '-keyalg', 'HmacSHA256', '-keysize', '256',
                         '-keypass', JCEKS_PASSWORD]),
        ('desede', fast + ['-genseckey', '-alias', 'desede', '-keyalg', 'DESede', '-keysize', '168',
                           '-keypass', JCEKS_PASSWORD]),
        ('secret-own', fast + ['-genseckey', '-alias', 'secret-own', '-keyalg', 'AES', '-keysize', '128',
                               '-keypass', OWN_PASSWORD]),
        import_chain('ec-chain', JCEKS_PASSWORD, fast),
    ]
    failures = []

    def run(built, steps):
        try:
            _build(keytool_path, built, steps)
            # Java's own reading of the store, as PKCS12 (keys re-protected by Java): the oracle for key bytes
            p12 = built.path + '.p12'
            _keytool(keytool_path, ['-importkeystore', '-srckeystore', built.path, '-srcstoretype',
                                    built.store_type.upper(), '-srcstorepass', built.password, '-destkeystore', p12,
                                    '-deststoretype', 'PKCS12', '-deststorepass', P12_PASSWORD],
                     stdin=(OWN_PASSWORD + '\n') * 4)
            with open(p12, 'rb') as handle:
                built.java_view = codec.load_bytes(handle.read(), P12_PASSWORD)
            built.listing = _listing(_keytool(keytool_path, ['-list', '-v', '-keystore', built.path, '-storetype',
                                                             built.store_type.upper(), '-storepass', built.password]))
        except AssertionError as exc:  # reported in the main thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=args) for args in ((jks_store, jks_steps),
                                                                    (jceks_store, jceks_steps))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    jceks_store.opened = codec.load_bytes(jceks_store.data, JCEKS_PASSWORD,
                                          {CLEF_ALIAS: OWN_PASSWORD, 'secret-own': OWN_PASSWORD})
    jceks_store.sealed = codec.load_bytes(jceks_store.data, JCEKS_PASSWORD)
    return {'pki': pki, 'jks': jks_store, 'jceks': jceks_store, 'folder': folder}


def _secret_key_bytes(plain):
    return der.octets(*der.children(der.read(plain, der.SEQUENCE)[1])[2])


@pytest.fixture(scope='session')
def own_pki():
    """The PKI of keystore_helpers without conftest.py (which needs Ansible)."""
    return Pki()


def _spki_of_cert(cert_der):
    """SubjectPublicKeyInfo DER of a certificate, read without cryptography (which rejects some Java DSA certs)."""
    tbs = der.raw_children(der.children(der.read(cert_der, der.SEQUENCE)[1])[0][1])
    first = 1 if tbs[0][:1] == b'\xa0' else 0
    return tbs[first + 5]


def _assert_key_matches_cert(key_der, cert_der):
    key = serialization.load_der_private_key(key_der, None)
    assert key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo) == _spki_of_cert(cert_der)


def _assert_like_keytool(store, built):
    assert sorted(store.aliases()) == sorted(built.listing)
    for alias, (kind, sha256) in built.listing.items():
        entry = store.get(alias)
        if kind == 'PrivateKeyEntry':
            assert [certs.fingerprint(c) for c in entry.chain] == sha256
        elif kind == 'trustedCertEntry':
            assert [certs.fingerprint(entry.cert)] == sha256
        else:
            assert kind == 'SecretKeyEntry' and isinstance(entry, model.SecretKeyEntry)


def test_keytool_jks_is_read(stores):
    built, pki = stores['jks'], stores['pki']
    store = codec.load_bytes(built.data, JKS_PASSWORD, {'OWN': OWN_PASSWORD})
    assert store.store_type == 'jks'
    assert sorted(store.aliases()) == sorted([CAFE_ALIAS, EMOJI_ALIAS, 'own', 'trusted', 'rsa-chain'])
    _assert_like_keytool(store, built)
    for alias, (start, end) in built.windows.items():
        assert start <= store.get(alias).timestamp <= end, alias
    for alias in (CAFE_ALIAS, EMOJI_ALIAS, 'own', 'rsa-chain'):
        entry = store.get(alias)
        _assert_key_matches_cert(entry.key_der, entry.chain[0])
        assert entry.key_der == built.java_view.get(alias).key_der  # what Java itself decrypts
        assert entry.key_password == (OWN_PASSWORD if alias == 'own' else None)
    assert [certs.entry_info(store.get(a))['algorithm'] for a in (CAFE_ALIAS, EMOJI_ALIAS, 'own')] == \
        ['EC', 'DSA', 'RSA']
    chain = store.get('rsa-chain')
    assert chain.chain == pki.rsa_chain and len(built.listing['rsa-chain'][1]) == 3
    assert serialization.load_der_private_key(chain.key_der, None).private_numbers() == \
        pki.rsa_key.private_numbers()
    assert store.get('trusted').cert == der_of(pki.root)


def test_keytool_jks_key_under_unknown_password_stays_sealed(stores):
    data = stores['jks'].data
    store = codec.load_bytes(data, JKS_PASSWORD)
    own = store.get('own')
    assert own.key_der is None and own.key_password is model.UNKNOWN_PASSWORD
    assert own.sealed[0] == 'jks' and own.sealed[1] in data
    assert certs.entry_info(own)['key_protection'] == 'unknown_password'
    assert store.get(CAFE_ALIAS).key_der is not None


def test_keytool_jceks_is_read(stores):
    built, pki = stores['jceks'], stores['pki']
    store = built.opened
    assert store.store_type == 'jceks'
    assert sorted(store.aliases()) == sorted([CAFE_ALIAS, 'dsa', CLEF_ALIAS, 'other-root', 'aes', 'hmac', 'desede',
                                              'secret-own', 'ec-chain'])
    _assert_like_keytool(store, built)
    for alias, (start, end) in built.windows.items():
        assert start <= store.get(alias).timestamp <= end, alias
    for alias in (CAFE_ALIAS, 'dsa', CLEF_ALIAS, 'ec-chain'):
        entry = store.get(alias)
        _assert_key_matches_cert(entry.key_der, entry.chain[0])
        assert entry.key_der == built.java_view.get(alias).key_der
    assert store.get(CLEF_ALIAS).key_password == OWN_PASSWORD
    assert store.get('ec-chain').chain == pki.ec_chain
    assert store.get('other-root').cert == der_of(pki.other_root)
    sizes = dict((alias, model.secret_key_info(store.get(alias).plain))
                 for alias in ('aes', 'hmac', 'desede', 'secret-own'))
    assert sizes == {'aes': ('AES', 256), 'hmac': ('HmacSHA256', 256), 'desede': ('DESede', 192),
                     'secret-own': ('AES', 128)}
    for alias in ('aes', 'hmac', 'desede', 'secret-own'):
        # the same key bytes Java exported (PKCS12 secret bags); DES keys are serialized as KeyRep
        assert _secret_key_bytes(store.get(alias).plain) == _secret_key_bytes(built.java_view.get(alias).plain)


def test_keytool_jceks_unknown_passwords_stay_sealed(stores):
    data, store = stores['jceks'].data, stores['jceks'].sealed
    own = store.get(CLEF_ALIAS)
    assert own.key_der is None and own.key_password is model.UNKNOWN_PASSWORD and own.sealed[1] in data
    secret = store.get('secret-own')
    assert secret.plain is None and secret.sealed[0] == 'jceks' and secret.sealed[1] in data
    assert certs.entry_info(secret)['algorithm'] is None
    with pytest.raises(model.KeystoreError, match='"secret-own"'):
        codec.dump_bytes(store, JCEKS_PASSWORD, 'pkcs12')


@pytest.mark.parametrize('kind', ['jks', 'jceks'])
def test_wrong_store_password(stores, kind):
    with pytest.raises(model.WrongPasswordError) as exc:
        codec.load_bytes(stores[kind].data, 'Wrong-Pass9')
    assert 'Wrong-Pass9' not in str(exc.value)


@pytest.mark.parametrize('kind, alias', [('jks', 'own'), ('jceks', CLEF_ALIAS), ('jceks', 'secret-own')])
def test_wrong_own_key_password(stores, kind, alias):
    built = stores[kind]
    with pytest.raises(model.WrongKeyPasswordError, match='alias "%s"' % alias) as exc:
        codec.load_bytes(built.data, built.password, {alias: 'Wrong-Key9'})
    assert 'Wrong-Key9' not in str(exc.value) and built.password not in str(exc.value)


def test_our_jks_is_read_by_keytool(stores, keytool_path):
    built = stores['jks']
    store = codec.load_bytes(built.data, JKS_PASSWORD, {'own': OWN_PASSWORD})
    path = str(stores['folder'] / 'ours.jks')
    with open(path, 'wb') as handle:
        handle.write(codec.dump_bytes(store, JKS_PASSWORD))
    listing = _listing(_keytool(keytool_path, ['-list', '-v', '-keystore', path, '-storetype', 'JKS',
                                               '-storepass', JKS_PASSWORD]))
    assert listing == built.listing
    # Java decrypts the keys we protected (own password included) to the same PKCS#8
    p12 = path + '.p12'
    _keytool(keytool_path, ['-importkeystore', '-srckeystore', path, '-srcstoretype', 'JKS', '-srcstorepass',
                            JKS_PASSWORD, '-destkeystore', p12, '-deststoretype', 'PKCS12', '-deststorepass',
                            P12_PASSWORD], stdin=OWN_PASSWORD + '\n')
    with open(p12, 'rb') as handle:
        java_view = codec.load_bytes(handle.read(), P12_PASSWORD)
    for alias in (CAFE_ALIAS, EMOJI_ALIAS, 'own', 'rsa-chain'):
        assert java_view.get(alias).key_der == store.get(alias).key_der


def test_jceks_converted_to_jks_is_read_by_keytool(stores, keytool_path):
    built = stores['jceks']
    store = codec.load_bytes(built.data, JCEKS_PASSWORD, {CLEF_ALIAS: OWN_PASSWORD})  # a store of its own
    for alias in ('aes', 'hmac', 'desede', 'secret-own'):
        store.remove(alias)
    path = str(stores['folder'] / 'converted.jks')
    with open(path, 'wb') as handle:
        handle.write(codec.dump_bytes(store, JCEKS_PASSWORD, 'jks'))
    listing = _listing(_keytool(keytool_path, ['-list', '-v', '-keystore', path, '-storetype', 'JKS',
                                               '-storepass', JCEKS_PASSWORD]))
    expected = dict((alias, value) for alias, value in built.listing.items() if value[0] != 'SecretKeyEntry')
    assert listing == expected


def _with_digest(body, password):
    return body + hashlib.sha1(password.encode('utf-16-be') + b'Mighty Aphrodite' + body).digest()


def test_jceks_holding_jks_protected_keys(stores):
    """JceKeyStore reads keys under the JKS KeyProtector too (old JDKs and converted files have them)."""
    data = stores['jks'].data
    as_jceks = _with_digest(jks.JCEKS_MAGIC + data[4:-20], JKS_PASSWORD)
    store = codec.load_bytes(as_jceks, JKS_PASSWORD, {'own': OWN_PASSWORD})
    assert store.store_type == 'jceks'
    reference = codec.load_bytes(data, JKS_PASSWORD, {'own': OWN_PASSWORD})
    for alias in reference.aliases():
        assert getattr(store.get(alias), 'key_der', None) == getattr(reference.get(alias), 'key_der', None)


def test_version_1_store(own_pki):
    """Version 1 has no certificate type strings; Java still reads such stores."""
    pki = own_pki
    store = model.Keystore('jks')
    store.add(model.PrivateKeyEntry('k', pki.ec_chain, key_der_of(pki.ec_key), timestamp=5))
    store.add(model.TrustedCertEntry('t', der_of(pki.root), timestamp=6))
    v2 = codec.dump_bytes(store, 'pw')
    v1 = _with_digest(jks.JKS_MAGIC + struct.pack('>I', 1) + v2[8:-20].replace(b'\x00\x05X.509', b''), 'pw')
    loaded = codec.load_bytes(v1, 'pw')
    assert loaded.get('k').key_der == key_der_of(pki.ec_key) and loaded.get('k').chain == pki.ec_chain
    assert loaded.get('t').cert == der_of(pki.root) and loaded.get('t').timestamp == 6


def test_password_none_skips_integrity_and_keeps_keys_protected(stores):
    parsed = jks.loads(stores['jceks'].data[:-20] + b'\x00' * 20, None)
    assert parsed.store_type == 'jceks' and len(parsed.entries) == 9
    assert all(getattr(e, 'key', None) is None for e in parsed.entries)


# ---- the writer ---------------------------------------------------------------------------

# Output of the writer as it was before the codec moved to _jks.py (pyjks' KeyProtector encryption,
# the salt from os.urandom replaced by a counter), for the store of test_dumps_is_unchanged.
PREVIOUS_WRITER = binascii.unhexlify(''.join([
    'feedfeed00000002000000040000000100067365727665720000018bcfe5687b000000b63081b3300e060a2b060104012a02',
    '11010105000481a00708090a0b0c0d0e0f101112131415161718191ab6e0e7973fb7550638a1723dfc01516be9e4c9a768cb',
    '6ac28e4793cb36eb86c8528ec050e396413e179d2c755fffabd453f085bf88c787f9bb0429aed93a52cc51e09a3bdc8137af',
    '0ae64dc2fb50c823caa0d30765c85576b0d9766958aa073568458a598af3f243e7c7fc1418afcb26037f29141f26a4ea1043',
    '3a8d3750ee0926ac8e264a64278190ece4a2000000020005582e3530390000000530030201010005582e3530390000000530',
    '030201020000000100036f776e0000018bcfe569c8000000ae3081ab300e060a2b060104012a0211010105000481980e0f10',
    '1112131415161718191a1b1c1d1e1f20211da9e27ed14bf999f3c0c57dce547503ffb7de7c26eec1ce8a25a37669be0af227',
    'e3fef6fc7f17eea7a7892d55fc499eae5b492480a6787791e27dd91928db71c69d262f155879c28ecc3fe7eba3fbc91bb899',
    '808f664f66a951273e05770b40e2b3b97bc84a37a87567dfe28f7c116ba9307e39444a75120dd0dcf563356cb5dfde32c700',
    '0000010005582e3530390000000530030201010000000100067365616c656400000000000000010000000c300b300606012a',
    '0500040100000000010005582e35303900000006300402020103000000020012636166c3a920eda0bdedb880206e756cc080',
    '0000018bcfe56b150005582e353039000000053003020102377cbb199718ec474d855d12d0e4dfc32da49a5b',
]))


def test_dumps_is_unchanged(monkeypatch):
    counter = [0]

    def fake_urandom(size):
        counter[0] += 1
        return bytes(bytearray((counter[0] * 7 + i) & 0xFF for i in range(size)))

    monkeypatch.setattr(jks.os, 'urandom', fake_urandom)
    store = model.Keystore('jks')
    key1, key2 = bytes(bytearray(range(1, 121))), bytes(bytearray(range(200, 256))) * 2  # never parsed
    c1, c2, c3 = b'\x30\x03\x02\x01\x01', b'\x30\x03\x02\x01\x02', b'\x30\x04\x02\x02\x01\x03'
    store.add(model.PrivateKeyEntry(u'Server', [c1, c2], key1, timestamp=1700000000123))
    store.add(model.PrivateKeyEntry(u'own', [c1], key2, timestamp=1700000000456, key_password=u'k\u00e9y'))
    sealed = b'\x30\x0b\x30\x06\x06\x01\x2a\x05\x00\x04\x01\x00'
    store.add(model.PrivateKeyEntry(u'sealed', [c3], None, timestamp=1, sealed=model.Sealed('jks', sealed),
                                    key_password=model.UNKNOWN_PASSWORD))
    store.add(model.TrustedCertEntry(u'caf\u00e9 \U0001F600 nul\x00', c2, timestamp=1700000000789))
    assert codec.dump_bytes(store, u'st\u00f6re-pw') == PREVIOUS_WRITER
    assert counter[0] == 2
    # and the reader gives it all back: lower-cased alias, NUL and the surrogate pair decoded; the fake
    # sealed blob is no DER, which leaves that key protected as Java would (it fails only on use)
    parsed = jks.loads(PREVIOUS_WRITER, u'st\u00f6re-pw', {'own': u'k\u00e9y'})
    assert [e.alias for e in parsed.entries] == [u'server', u'own', u'sealed', u'caf\u00e9 \U0001F600 nul\x00']
    assert [parsed.entries[0].key, parsed.entries[1].key, parsed.entries[2].key] == [key1, key2, None]
    assert parsed.entries[2].protected == sealed
    with pytest.raises(jks.JksFormatError):
        jks.loads(PREVIOUS_WRITER, u'st\u00f6re-pw', {'sealed': 'x'})


def test_modified_utf8():
    for text in (u'', u'plain', u'nul\x00', u'caf\u00e9', u'\u20ac', u'\U0001F600', u'\uffff'):
        encoded = jks.java_utf(text)
        assert struct.unpack('>H', encoded[:2])[0] == len(encoded) - 2
        assert jks.java_utf_decode(encoded[2:]) == text
    assert jks.java_utf(u'\U0001F600')[2:] == b'\xed\xa0\xbd\xed\xb8\x80'  # a surrogate pair, 3 bytes each
    assert jks.java_utf(u'\x00')[2:] == b'\xc0\x80'


# ---- PBEWithMD5AndTripleDES ---------------------------------------------------------------

# javax.crypto Cipher "PBEWithMD5AndTripleDES" of JDK 17, password "pw-ascii", 7 iterations,
# plaintext "0123456789abcdefXYZ"; the first salt has equal halves (Java inverts the first one).
JAVA_PBE_VECTORS = [
    (b'abcdabcd', '415e37f6877b840a18f6878d68546b8fee04cacb3b3b059f'),
    (b'abcdwxyz', '1c135d69b440b756ab4b7b07a21e86b2a24cc20c5a77ab50'),
]


@pytest.mark.parametrize('salt, cipher_hex', JAVA_PBE_VECTORS)
def test_pbe_md5_triple_des_matches_java(salt, cipher_hex):
    params = der.seq(der.octet_string(salt), der.integer(7))
    plain = jks._pbe_md5_3des_decrypt(params, 'pw-ascii', binascii.unhexlify(cipher_hex), lambda p: True)
    assert plain == b'0123456789abcdefXYZ'
    with pytest.raises(jks.JksPasswordError):
        jks._pbe_md5_3des_decrypt(params, 'pw-asciI', binascii.unhexlify(cipher_hex), lambda p: p.isdigit())
    with pytest.raises(jks.JksPasswordError):  # Java's PBEKey takes printable ASCII only
        jks._pbe_md5_3des_decrypt(params, u'pw-\u00e4', binascii.unhexlify(cipher_hex), lambda p: True)


def test_pbe_legacy_salt_inversion_is_tried():
    """JDKs before 17 turned equal halves [a, b, c, d] into [d, a, b, d] (a typo); their files still open."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, modes
    derived = b''
    for value in (b'dabd', b'abcd'):
        for dummy in range(3):
            value = hashlib.md5(value + b'pw').digest()
        derived += value
    padder = padding.PKCS7(64).padder()
    encryptor = Cipher(jks.TripleDES(derived[:24]), modes.CBC(derived[24:])).encryptor()
    data = encryptor.update(padder.update(b'legacy') + padder.finalize()) + encryptor.finalize()
    params = der.seq(der.octet_string(b'abcdabcd'), der.integer(3))
    assert jks._pbe_md5_3des_decrypt(params, 'pw', data, lambda p: True) == b'legacy'


@pytest.mark.parametrize('params, message', [
    (der.seq(der.octet_string(b'1234567'), der.integer(5)), '8-byte salt'),
    (der.seq(der.octet_string(b'12345678'), der.integer(0)), 'out of range'),
    (der.seq(der.octet_string(b'12345678'), der.integer(jks.MAX_PBE_ITERATIONS + 1)), 'out of range'),
    (der.seq(der.integer(5)), 'parameters'),
    (b'\x30\x05', 'parameters'),
])
def test_pbe_parameters_checked_before_work(params, message):
    start = time.time()
    with pytest.raises(jks.JksFormatError, match=message):
        jks._pbe_md5_3des_decrypt(params, 'pw', b'\x00' * 16, lambda p: True)
    assert time.time() - start < 1


# ---- malformed input ----------------------------------------------------------------------


def _small_jks(pki):
    store = model.Keystore('jks')
    store.add(model.PrivateKeyEntry(u'k\u00e9y', [der_of(pki.ec_leaf)], key_der_of(pki.ec_key), timestamp=1))
    store.add(model.TrustedCertEntry('ca', der_of(pki.root), timestamp=2))
    return codec.dump_bytes(store, 'pw')


def _assert_our_error(call, secrets):
    """Run call; return the engine error it raised (None when it loaded). Anything else fails the test."""
    try:
        call()
    except ERRORS + (model.WrongKeyPasswordError,) as exc:
        for secret in secrets:
            assert secret not in str(exc)
        return exc
    return None


def test_every_truncation_is_corrupt(stores):
    pki = stores['pki']
    for data, password in ((_small_jks(pki), 'pw'), (stores['jceks'].data, JCEKS_PASSWORD)):
        for cut in range(len(data)):
            with pytest.raises(model.CorruptStoreError, match='truncated or corrupt|empty|neither'):
                codec.load_bytes(data[:cut], password)


def test_byte_flips_end_in_our_errors(stores):
    pki = stores['pki']
    rng = random.Random(20240607)
    small = _small_jks(pki)
    keytool_jks = stores['jks'].data
    outcomes = set()
    for round_number in range(3000):
        base = small if round_number % 2 else keytool_jks
        password = 'pw' if base is small else JKS_PASSWORD
        data = bytearray(base)
        for dummy in range(rng.choice((1, 1, 2, 3))):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        exc = _assert_our_error(lambda: codec.load_bytes(bytes(data), password), [JKS_PASSWORD, OWN_PASSWORD])
        outcomes.add(type(exc).__name__)
        # with a matching digest the flip reaches the entries and the key protection
        fixed = _with_digest(bytes(data[:-20]), password)
        exc = _assert_our_error(lambda: codec.load_bytes(fixed, password, {'own': OWN_PASSWORD}),
                                [JKS_PASSWORD, OWN_PASSWORD])
        outcomes.add(type(exc).__name__)
    assert {'WrongPasswordError', 'CorruptStoreError', 'NoneType'} <= outcomes


def test_jceks_byte_flips_end_in_codec_errors(stores):
    """Without a password the JCEKS parser (Java serialization included) is fuzzed without the slow PBE."""
    data = stores['jceks'].data
    rng = random.Random(4711)
    for dummy in range(2000):
        mutated = bytearray(data)
        mutated[rng.randrange(len(mutated) - 20)] ^= 1 << rng.randrange(8)
        try:
            jks.loads(bytes(mutated), None)
        except CODEC_ERRORS:
            pass


def test_serialized_secret_key_mutations(stores):
    """The decrypted content of a sealed key: every truncation and many flips end in codec errors."""
    entry = [e for e in jks.loads(stores['jceks'].data, None).entries if e.alias == 'desede'][0]
    fields = jks._read_sealed_object(jks._Reader(entry.sealed))
    plain = jks._pbe_md5_3des_decrypt(fields['encodedParams'], JCEKS_PASSWORD, fields['encryptedContent'],
                                      lambda p: True)
    assert jks.secret_key_from_stream(plain)[0] == 'DESede'
    for cut in range(len(plain)):
        with pytest.raises(jks.JksFormatError):
            jks.secret_key_from_stream(plain[:cut])
    rng = random.Random(99)
    for dummy in range(3000):
        mutated = bytearray(plain)
        mutated[rng.randrange(len(mutated))] = rng.randrange(256)
        try:
            jks.secret_key_from_stream(bytes(mutated))
        except CODEC_ERRORS:
            pass


def _header(count, version=2, magic=jks.JKS_MAGIC):
    return magic + struct.pack('>II', version, count)


def _trusted_entry(alias):
    return struct.pack('>I', 2) + jks.java_utf(alias) + b'\x00' * 8 + jks.java_utf('X.509') + \
        struct.pack('>I', 1) + b'\x30'


@pytest.mark.parametrize('data, message', [
    (_header(0xFFFFFFFF), 'entry count'),
    (_header(1) + struct.pack('>I', 1) + jks.java_utf('a') + b'\x00' * 8 + struct.pack('>I', 0xFFFFFFF0), 'truncated'),
    (_header(1) + struct.pack('>I', 1) + jks.java_utf('a') + b'\x00' * 8 + struct.pack('>I', 0)
     + struct.pack('>I', 0x7FFFFFFF) + b'\x00' * 30, 'chain length'),
    (_header(1) + struct.pack('>I', 9) + jks.java_utf('a') + b'\x00' * 30, 'entry tag 9'),
    (_header(1) + struct.pack('>I', 3) + jks.java_utf('a') + b'\x00' * 30, 'entry tag 3'),  # secret key in JKS
    (_header(1, version=3), 'version 3'),
    (_header(1) + struct.pack('>I', 2) + b'\x00\x02\xed\xa0' + b'\x00' * 30, 'alias is not modified UTF-8'),
    (_header(2) + _trusted_entry('A') + _trusted_entry('a'), 'duplicate alias'),
    (_header(1, magic=jks.JCEKS_MAGIC) + struct.pack('>I', 3) + jks.java_utf('s') + b'\x00' * 8
     + b'\xac\xed\x00\x05\x75' + b'\x00' * 30, 'serialized'),
])
def test_malformed_headers_and_counts(data, message):
    start = time.time()
    with pytest.raises(jks.JksFormatError, match=message):
        jks.loads(data, 'pw')
    with pytest.raises(model.CorruptStoreError, match='truncated or corrupt'):
        codec.load_bytes(data, 'pw')
    assert time.time() - start < 1


def test_unknown_certificate_type_is_unsupported():
    body = _header(1) + struct.pack('>I', 2) + jks.java_utf('a') + b'\x00' * 8 + jks.java_utf('PGP') + \
        struct.pack('>I', 1) + b'\x30'
    with pytest.raises(model.UnsupportedStoreError, match='certificate type PGP'):
        codec.load_bytes(_with_digest(body, 'pw'), 'pw')


def test_unknown_key_protection(own_pki):
    """Java's JKS cannot open another algorithm either: the key stays as it is, unless its password was given."""
    pki = own_pki
    protected = der.seq(der.algorithm('1.2.3.4'), der.octet_string(b'\x00' * 40))
    body = _header(1) + struct.pack('>I', 1) + jks.java_utf('k') + b'\x00' * 8 + \
        struct.pack('>I', len(protected)) + protected + struct.pack('>I', 1) + jks.java_utf('X.509') + \
        struct.pack('>I', len(der_of(pki.root))) + der_of(pki.root)
    data = _with_digest(body, 'pw')
    assert codec.load_bytes(data, 'pw').get('k').sealed == ('jks', protected)
    with pytest.raises(model.UnsupportedStoreError, match='1.2.3.4'):
        codec.load_bytes(data, 'pw', {'k': 'own'})


def _stream(*parts):
    return b'\xac\xed\x00\x05' + b''.join(parts)


def _class_desc(name, fields=b'\x00\x00', flags=b'\x02', superclass=b'\x70'):
    return b'\x72' + jks.java_utf(name) + b'\x00' * 8 + flags + fields + b'\x78' + superclass


@pytest.mark.parametrize('stream, message', [
    (_stream(b'\x71\x00\x7e\x00\x05'), 'unknown handle'),
    (_stream(b'\x79'), 'type code 0x79'),  # TC_RESET
    (_stream(b'\x73' + _class_desc('x', flags=b'\x06')), 'not plainly serializable'),  # externalizable
    (_stream(b'\x75' + _class_desc('[I') + b'\x00\x00\x00\x01'), 'array of \\[I'),
    (_stream(b'\x75' + _class_desc('[B') + b'\x7f\xff\xff\xff'), 'array length'),
    (_stream(b'\x73' + _class_desc('x', fields=b'\x00\x01Q' + jks.java_utf('a'))), "field type 'Q'"),
    (_stream(b'\x73' * 200), 'nested too deeply|class'),
    (_stream(b'\x73' + b'\x72' + jks.java_utf('x') + b'\x00' * 8 + b'\x02\x00\x00' + b'\x77\x05ab'), 'truncated'),
    (b'\xac\xed\x00\x04\x70', 'not a Java serialization stream'),
])
def test_object_reader_is_strict(stream, message):
    with pytest.raises(jks.JksFormatError, match=message):
        jks.secret_key_from_stream(stream)


def test_object_reader_skips_annotations_and_refuses_other_classes():
    # a class with writeObject data (SC_WRITE_METHOD) and block data in its annotation
    stream = _stream(b'\x73' + _class_desc('javax.crypto.spec.SecretKeySpec', flags=b'\x03',
                                           fields=b'\x00\x02' + b'L' + jks.java_utf('algorithm')
                                           + b'\x74' + jks.java_utf('Ljava/lang/String;')
                                           + b'[' + jks.java_utf('key') + b'\x74' + jks.java_utf('[B'))
                     + b'\x74' + jks.java_utf('AES')
                     + b'\x75' + _class_desc('[B') + b'\x00\x00\x00\x02\x01\x02' + b'\x77\x01\x00\x78')
    assert jks.secret_key_from_stream(stream) == ('AES', b'\x01\x02')
    with pytest.raises(jks.JksUnsupportedError, match='class java.lang.Object'):
        jks.secret_key_from_stream(_stream(b'\x73' + _class_desc('java.lang.Object')))


def test_alias_too_long_for_jks_is_our_error():
    # writeUTF's two-byte length: found by review (struct.error escaped the codec before)
    with pytest.raises(jks.JksUnsupportedError, match='65535'):
        jks.java_utf(u'\u20ac' * 21846)  # 3 bytes each: 65538
    assert len(jks.java_utf(u'a' * 65535)) == 65537
