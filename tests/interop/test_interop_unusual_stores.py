# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Stores keytool makes without complaint, at the edges: DSA keys (keytool's default key algorithm up
to JDK 15; Java 17's keytool encodes their certificates in a way the cryptography library refuses to
parse) and RSASSA-PSS keys, aliases outside Unicode's Basic Multilingual Plane in JKS, non-ASCII store
passwords.

These tests once exposed engine bugs (fixed since); they guard against their return.
"""

from __future__ import absolute_import, division, print_function

import pytest

import interop_lib as lib

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model

PASSWORD = 'unusual-Store!pass'


def _genkeypair(jdk, path, store_type, alias, keyalg, extra=()):
    jdk.keytool_run(['-genkeypair', '-alias', alias, '-keyalg', keyalg, '-dname', 'CN=%s,O=javasec' % keyalg,
                     '-validity', '30', '-keystore', path, '-storetype', lib.KEYTOOL_TYPES[store_type],
                     '-storepass', PASSWORD, '-keypass', PASSWORD] + list(extra))


# ---- DSA and RSASSA-PSS keys ---------------------------------------------------------------------------


@pytest.mark.parametrize('store_type', ['pkcs12', 'jks'])
@pytest.mark.parametrize('keyalg', ['DSA', 'RSASSA-PSS'])
def test_key_whose_java_certificate_is_unusual(keyalg, store_type, tmp_path, main_jdk):
    path = tmp_path / ('legacy.' + store_type)
    _genkeypair(main_jdk, path, store_type, 'legacy-key', keyalg, ['-keysize', '2048'])
    proc, before = lib.keytool_list(main_jdk, path, store_type, PASSWORD)
    fingerprints = before['entries']['legacy-key']['fingerprints']

    rc, result, proc = lib.run_module('keystore_info', {'path': str(path), 'password': PASSWORD})
    assert rc == 0, (proc.stdout + proc.stderr)[-1500:]
    assert [e['alias'] for e in result['entries']] == ['legacy-key']
    assert [c['sha256'] for c in result['entries'][0]['chain']] == fingerprints

    store = codec.load_bytes(path.read_bytes(), PASSWORD)
    target = 'jks' if store_type == 'pkcs12' else 'pkcs12'
    converted = tmp_path / ('converted.' + target)
    converted.write_bytes(codec.dump_bytes(store, PASSWORD, target, 'modern'))
    proc, after = lib.keytool_list(main_jdk, converted, target, PASSWORD)
    assert after['entries']['legacy-key']['fingerprints'] == fingerprints
    # keytool signs a CSR with the converted key: it decrypts and matches its certificate (compared as DER,
    # since cryptography cannot parse these certificates)
    proc = main_jdk.keytool_run(['-certreq', '-alias', 'legacy-key', '-keystore', converted,
                                 '-storetype', lib.KEYTOOL_TYPES[target], '-storepass', PASSWORD])
    csr_der = lib.pem_to_der(lib.keytool_csr_pem(proc.stdout))
    assert lib.csr_spki(csr_der) == lib.cert_spki(store.get('legacy-key').chain[0])


# ---- JKS aliases outside the Basic Multilingual Plane -------------------------------------------------

EMOJI_ALIAS = u'key-\U0001F600'


@pytest.fixture(scope='module')
def emoji_stores(main_jdk, tmp_path_factory):
    directory = tmp_path_factory.mktemp('emoji')
    jks_path, p12_path = directory / 'emoji.jks', directory / 'emoji.p12'
    _genkeypair(main_jdk, jks_path, 'jks', EMOJI_ALIAS, 'EC')
    _genkeypair(main_jdk, p12_path, 'pkcs12', EMOJI_ALIAS, 'EC')
    return jks_path, p12_path


def test_engine_reads_jks_alias_outside_bmp(emoji_stores):
    jks_path, dummy = emoji_stores
    store = codec.load_bytes(jks_path.read_bytes(), PASSWORD)
    assert store.aliases() == [EMOJI_ALIAS]


def test_engine_writes_jks_alias_outside_bmp(emoji_stores, tmp_path, main_jdk):
    dummy, p12_path = emoji_stores
    store = codec.load_bytes(p12_path.read_bytes(), PASSWORD)
    assert store.aliases() == [EMOJI_ALIAS]  # PKCS12 (BMPString friendlyName) reads fine
    path = tmp_path / 'emoji-out.jks'
    path.write_bytes(codec.dump_bytes(store, PASSWORD, 'jks'))
    proc, listing = lib.keytool_list(main_jdk, path, 'jks', PASSWORD, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert list(listing['entries']) == [EMOJI_ALIAS]


def test_pkcs12_alias_outside_bmp_round_trips(emoji_stores, tmp_path, main_jdk):
    dummy, p12_path = emoji_stores
    store = codec.load_bytes(p12_path.read_bytes(), PASSWORD)
    path = tmp_path / 'emoji-out.p12'
    path.write_bytes(codec.dump_bytes(store, PASSWORD, 'pkcs12'))
    proc, listing = lib.keytool_list(main_jdk, path, 'pkcs12', PASSWORD)
    assert list(listing['entries']) == [EMOJI_ALIAS]


# ---- passwords beyond ASCII ---------------------------------------------------------------------------

NON_ASCII_PASSWORD = u'p\u00e4ssw\u00f6rd-\u20ac'


def test_jks_with_non_ascii_password_opens_in_keytool(sources, tmp_path, main_jdk):
    """Control for the PKCS12 test below: keytool gets the non-ASCII password intact (JKS hashes UTF-16)."""
    src = sources['mixed_p12']
    store = codec.load_bytes(src.path.read_bytes(), src.password)
    path = tmp_path / 'non-ascii.jks'
    path.write_bytes(codec.dump_bytes(store, NON_ASCII_PASSWORD, 'jks'))
    proc, listing = lib.keytool_list(main_jdk, path, 'jks', NON_ASCII_PASSWORD, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(listing['entries']) == sorted(src.expected)
    proc, csr = lib.keytool_certreq(main_jdk, path, 'jks', NON_ASCII_PASSWORD, 'ec-key', check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize('encryption', ['modern', 'legacy'])
def test_pkcs12_with_non_ascii_password_is_refused_or_opens_in_keytool(encryption, sources, tmp_path, main_jdk):
    """Either the engine refuses the password clearly, or Java can open what it wrote."""
    src = sources['mixed_p12']
    store = codec.load_bytes(src.path.read_bytes(), src.password)
    try:
        data = codec.dump_bytes(store, NON_ASCII_PASSWORD, 'pkcs12', encryption)
    except model.KeystoreError as exc:
        assert 'ASCII' in str(exc)
        return
    path = tmp_path / ('non-ascii-%s.p12' % encryption)
    path.write_bytes(data)
    proc, listing = lib.keytool_list(main_jdk, path, 'pkcs12', NON_ASCII_PASSWORD, check=False)
    assert proc.returncode == 0, 'Java cannot open the PKCS12 the engine wrote: %s' % (proc.stdout + proc.stderr)
    assert sorted(listing['entries']) == sorted(src.expected)
