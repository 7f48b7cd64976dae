# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Stores made by keytool, rewritten by the engine / the keystore module / ansible's CLI, checked by keytool,
openssl and Java's own KeyStore: nothing may be lost or changed."""

from __future__ import absolute_import, division, print_function

import re

import pytest

import interop_lib as lib

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model

from cryptography import x509
from cryptography.hazmat.primitives import serialization

PKCS12_CASES = [c for c in lib.CASES if c.target_type == 'pkcs12']
MODULE_CASES = [c for c in lib.CASES if c.via in ('module', 'ansible')]
SECRET_CASES = [c for c in lib.CASES if c.source in ('secret_p12', 'secret_jceks')]
KEYTOOL_KIND = {'private_key': 'PrivateKeyEntry', 'trusted_cert': 'trustedCertEntry', 'secret_key': 'SecretKeyEntry'}


def _output(outputs, case):
    out = outputs[case.id]
    assert out.error is None, 'writing %s failed: %s' % (case.id, out.error)
    return out


def _listing(listings, path, store_type, password):
    proc, parsed = listings.get(path, store_type, password)
    assert proc.returncode == 0, 'keytool -list failed on %s:\n%s%s' % (path, proc.stdout, proc.stderr)
    return parsed


# ---- the sources are what we think they are ------------------------------------------------


@pytest.mark.parametrize('name', sorted(lib.PASSWORDS))
def test_source_store_made_by_keytool(name, sources, listings):
    src = sources[name]
    listing = _listing(listings, src.path, src.store_type, src.password)
    assert listing['type'] == lib.KEYTOOL_TYPES[src.store_type]
    assert listing['count'] == len(src.expected)
    got = dict((alias, (e['type'], e['chain_length'])) for alias, e in listing['entries'].items())
    assert got == src.expected
    for alias, entry in listing['entries'].items():
        assert len(entry['fingerprints']) == entry['chain_length'], alias
        assert entry['creation_date'], alias


def test_source_chain_is_root_intermediate_leaf(sources, listings, pki):
    src = sources['mixed_p12']
    chain = _listing(listings, src.path, src.store_type, src.password)['entries']['server']['fingerprints']
    assert chain[1:] == [lib.fingerprint(pki.der(pki.intermediate)), lib.fingerprint(pki.der(pki.root))]


@pytest.mark.parametrize('name', sorted(lib.PASSWORDS))
def test_engine_reads_source_as_keytool_does(name, sources, listings):
    src = sources[name]
    listing = _listing(listings, src.path, src.store_type, src.password)
    store = codec.load_bytes(src.path.read_bytes(), src.password, src.key_passwords)
    assert store.store_type == src.store_type
    assert sorted(store.entries) == sorted(listing['entries'])
    for alias, entry in store.entries.items():
        expected = listing['entries'][alias]
        assert KEYTOOL_KIND[entry.kind] == expected['type'], alias
        if entry.kind == 'private_key':
            assert entry.key_der is not None, 'key %s not decrypted' % alias
            assert [lib.fingerprint(c) for c in entry.chain] == expected['fingerprints'], alias
        elif entry.kind == 'trusted_cert':
            assert [lib.fingerprint(entry.cert)] == expected['fingerprints'], alias
        else:
            assert entry.plain is not None, 'secret key %s not decrypted' % alias


# ---- every rewrite: keytool sees the same store --------------------------------------------


@pytest.mark.parametrize('case', lib.CASES, ids=lib.CASE_IDS)
def test_rewrite_keytool_list_unchanged(case, sources, outputs, listings):
    src = sources[case.source]
    out = _output(outputs, case)
    before = _listing(listings, src.path, src.store_type, src.password)
    after = _listing(listings, out.path, out.store_type, out.password)
    assert after['type'] == lib.KEYTOOL_TYPES[case.target_type]
    assert after['count'] == before['count']
    assert sorted(after['entries']) == sorted(before['entries'])
    for alias, old in before['entries'].items():
        new = after['entries'][alias]
        assert new['type'] == old['type'], alias
        assert new['chain_length'] == old['chain_length'], alias
        assert new['fingerprints'] == old['fingerprints'], alias
        # PKCS12 keeps no date for trusted certificates (Java shows the load time), so only dates that
        # either format keeps are compared; Java's exact milliseconds are compared in the probe test.
        pkcs12_trusted = old['type'] == 'trustedCertEntry' and 'pkcs12' in (src.store_type, out.store_type)
        if not pkcs12_trusted:
            assert new['creation_date'] == old['creation_date'], alias


@pytest.mark.parametrize('case', lib.CASES, ids=lib.CASE_IDS)
def test_rewrite_private_keys_decrypt_in_keytool(case, sources, outputs, listings, main_jdk):
    """keytool -certreq signs with every private key: the key decrypts and matches its certificate."""
    src = sources[case.source]
    out = _output(outputs, case)
    source_store = codec.load_bytes(src.path.read_bytes(), src.password, src.key_passwords)
    after = _listing(listings, out.path, out.store_type, out.password)
    aliases = [a for a, e in after['entries'].items() if e['type'] == 'PrivateKeyEntry']
    assert aliases or case.source == 'secret_p12'

    def certreq(alias):
        return lib.keytool_certreq(main_jdk, out.path, out.store_type, out.password, alias,
                                   out.key_passwords.get(alias), check=False)

    for alias, (proc, csr) in zip(aliases, lib.parallel(certreq, aliases)):
        assert proc.returncode == 0, 'keytool -certreq -alias %s failed:\n%s%s' % (alias, proc.stdout, proc.stderr)
        assert csr is not None, alias
        assert csr.is_signature_valid, alias
        leaf_der = source_store.get(alias).chain[0]
        assert lib.fingerprint(leaf_der) == after['entries'][alias]['fingerprints'][0], alias
        leaf = x509.load_der_x509_certificate(leaf_der)
        assert lib.public_der(csr.public_key()) == lib.public_der(leaf.public_key()), alias


# ---- Java's own KeyStore: exact dates, keys sign, secret key bytes ---------------------------


@pytest.mark.parametrize('case', lib.CASES, ids=lib.CASE_IDS)
def test_rewrite_java_keystore_sees_same_entries(case, sources, outputs, java_probe):
    src = sources[case.source]
    out = _output(outputs, case)
    before = java_probe[str(src.path)]
    after = java_probe[str(out.path)]
    assert 'error' not in before, before
    assert 'error' not in after, after
    assert after['count'] == before['count']
    assert sorted(after['entries']) == sorted(before['entries'])
    for alias, old in before['entries'].items():
        new = after['entries'][alias]
        assert old['kind'] != 'error', (alias, old)
        assert new['kind'] == old['kind'], (alias, new)
        assert new['fingerprints'] == old['fingerprints'], alias
        if old['kind'] == 'private':
            assert old['detail'].endswith('signature-ok'), (alias, old)
        # secret keys: same algorithm and the same bytes (SHA-256 of getEncoded()); keys: same algorithm
        assert new['detail'] == old['detail'], alias
        pkcs12_trusted = old['kind'] == 'trusted' and 'pkcs12' in (src.store_type, out.store_type)
        if not pkcs12_trusted:
            assert new['millis'] == old['millis'], 'creation date of %s changed' % alias


@pytest.mark.parametrize('case', SECRET_CASES, ids=[c.id for c in SECRET_CASES])
def test_rewrite_secret_key_bytes_identical(case, sources, outputs, listings):
    src = sources[case.source]
    out = _output(outputs, case)
    before = codec.load_bytes(src.path.read_bytes(), src.password)
    after = codec.load_bytes(out.path.read_bytes(), out.password)
    secrets = [e for e in before.entries.values() if e.kind == 'secret_key']
    assert secrets
    listing = _listing(listings, out.path, out.store_type, out.password)
    for entry in secrets:
        assert listing['entries'][entry.alias]['type'] == 'SecretKeyEntry'
        assert after.get(entry.alias).plain == entry.plain, entry.alias
        algorithm, size = model.secret_key_info(entry.plain)
        assert (algorithm, size) in (('AES', 256), ('HmacSHA256', 256)), entry.alias


# ---- openssl accepts our PKCS12 --------------------------------------------------------------


@pytest.mark.parametrize('case', PKCS12_CASES, ids=[c.id for c in PKCS12_CASES])
def test_rewrite_openssl_accepts_pkcs12(case, sources, outputs):
    src = sources[case.source]
    out = _output(outputs, case)
    legacy = case.encryption == 'legacy'
    flags = ['-legacy'] if legacy and lib.openssl_needs_legacy_flag() else []
    proc = lib.openssl(['pkcs12', '-info', '-noout', '-in', out.path, '-passin', 'pass:' + out.password] + flags)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = proc.stdout + proc.stderr
    if legacy:
        assert 'MAC: sha1' in report
        assert 'pbeWithSHA1And40BitRC2-CBC' in report
    else:
        assert 'MAC: sha256' in report
        assert 'PBES2, PBKDF2, AES-256-CBC' in report
    source_store = codec.load_bytes(src.path.read_bytes(), src.password, src.key_passwords)
    keys = [e for e in source_store.entries.values() if e.kind == 'private_key']
    secrets = [e for e in source_store.entries.values() if e.kind == 'secret_key']
    assert report.count('Secret bag') == len(secrets)
    key_scheme = 'pbeWithSHA1And3-KeyTripleDES-CBC' if legacy else 'PBES2, PBKDF2, AES-256-CBC'
    assert report.count('Shrouded Keybag: ' + key_scheme) == len(keys)
    # Every private key decrypts in openssl too and matches a leaf certificate of the store.
    proc = lib.openssl(['pkcs12', '-in', out.path, '-passin', 'pass:' + out.password, '-nocerts', '-nodes'] + flags)
    assert proc.returncode == 0, proc.stderr
    pems = re.findall(r'-----BEGIN PRIVATE KEY-----.*?-----END PRIVATE KEY-----', proc.stdout, re.S)
    assert len(pems) == len(keys)
    leaf_keys = sorted(lib.public_der(x509.load_der_x509_certificate(e.chain[0]).public_key()) for e in keys)
    got = sorted(lib.public_der(serialization.load_pem_private_key(p.encode(), None).public_key()) for p in pems)
    assert got == leaf_keys


# ---- what the modules report ---------------------------------------------------------------


@pytest.mark.parametrize('case', MODULE_CASES, ids=[c.id for c in MODULE_CASES])
def test_rewrite_module_result(case, sources, outputs):
    src = sources[case.source]
    out = _output(outputs, case)
    result = out.module_result
    assert result is not None, out.module_output
    assert result['changed'] is True
    assert result['store_type'] == case.target_type
    assert sorted(a.lower() for a in result['aliases']) == sorted(src.expected)
    assert result['entries'] == len(src.expected)
    if case.target_type != src.store_type:
        assert result['converted_from'] == src.store_type
    else:
        assert 'converted_from' not in result
    if case.target_type == 'pkcs12':
        assert result['pkcs12_encryption'] == case.encryption
    assert result['password_changed'] is bool(case.new_password)
    for secret in [out.password, src.password] + list(src.key_passwords.values()):
        assert secret not in out.module_output, 'a password was printed'
    if src.key_passwords and case.target_type == 'pkcs12':
        # keys that had their own JKS password are now protected by the store password: the task says so
        said = ' '.join(lib.collect_strings(result.get('warnings', []))) + out.module_output
        for alias in src.key_passwords:
            assert 'alias "%s" had its own password' % alias in said


def test_module_converted_store_is_idempotent(sources, outputs):
    """Running the same conversion again changes nothing."""
    case = next(c for c in lib.CASES if c.id == 'mixed_jks-module-p12')
    out = _output(outputs, case)
    before = lib.sha256_file(out.path)
    rc, result, proc = lib.run_module('keystore', dict(case.module_args, path=str(out.path), password=out.password))
    assert rc == 0, proc.stdout + proc.stderr
    assert result['changed'] is False
    assert lib.sha256_file(out.path) == before


# ---- keystore_info reports what keytool lists --------------------------------------------------


def _compare_info_with_keytool(result, listing, key_passwords):
    assert sorted(e['alias'].lower() for e in result['entries']) == sorted(listing['entries'])
    for info in result['entries']:
        expected = listing['entries'][info['alias'].lower()]
        assert KEYTOOL_KIND[info['type']] == expected['type'], info['alias']
        if info['type'] == 'private_key':
            assert info['chain_length'] == expected['chain_length']
            assert [c['sha256'] for c in info['chain']] == expected['fingerprints']
            own = info['alias'].lower() in key_passwords
            assert info['key_protection'] == ('own_password' if own else 'store_password'), info['alias']
        elif info['type'] == 'trusted_cert':
            assert [info['sha256']] == expected['fingerprints']
        else:
            assert info['algorithm'] in ('AES', 'HmacSHA256') and info['size'] == 256
        for secret in ('key_der', 'plain', 'private_key', 'password'):
            assert secret not in info


@pytest.mark.parametrize('name', sorted(lib.PASSWORDS))
def test_keystore_info_matches_keytool(name, sources, listings):
    src = sources[name]
    listing = _listing(listings, src.path, src.store_type, src.password)
    rc, result, proc = lib.run_module('keystore_info', {
        'path': str(src.path), 'password': src.password, 'key_passwords': src.key_passwords})
    assert rc == 0, proc.stdout + proc.stderr
    assert result['exists'] is True
    assert result['store_type'] == src.store_type
    _compare_info_with_keytool(result, listing, src.key_passwords)
    assert src.password not in proc.stdout


def test_keystore_info_via_ansible_cli(sources, listings, tmp_path):
    src = sources['mixed_jks']
    listing = _listing(listings, src.path, src.store_type, src.password)
    rc, result, proc = lib.run_ansible_adhoc('keystore_info', {
        'path': str(src.path), 'password': src.password, 'key_passwords': src.key_passwords}, tmp_path)
    assert rc == 0, proc.stdout + proc.stderr
    assert result is not None, proc.stdout
    assert result['store_type'] == 'jks'
    _compare_info_with_keytool(result, listing, src.key_passwords)


# ---- conversions that must refuse, leaving the store alone --------------------------------------


def test_jks_cannot_hold_secret_keys(sources, copy_store):
    src = sources['secret_p12']
    store = codec.load_bytes(src.path.read_bytes(), src.password)
    with pytest.raises(model.UnsupportedStoreError, match='JKS cannot hold the secret key entry "aes-key"'):
        codec.dump_bytes(store, src.password, 'jks')
    path = copy_store(src.path)
    state = lib.file_state(path)
    rc, result, proc = lib.run_module('keystore', {'path': str(path), 'password': src.password, 'store_type': 'jks'})
    assert rc != 0
    assert result['failed'] is True
    assert 'JKS cannot hold the secret key entry' in result['msg']
    assert '\n' not in result['msg']
    assert lib.file_state(path) == state


def test_jks_key_with_unknown_own_password_is_not_converted(sources, copy_store):
    """Without its key password a sealed JKS key cannot go to PKCS12: fail, name the alias, change nothing."""
    src = sources['mixed_jks']
    path = copy_store(src.path)
    state = lib.file_state(path)
    rc, result, proc = lib.run_module('keystore', {'path': str(path), 'password': src.password,
                                                   'store_type': 'pkcs12'})
    assert rc != 0, proc.stdout
    assert result['failed'] is True
    assert 'key password' in result['msg']
    named = re.search(r'alias "([^"]+)"', result['msg'])
    assert named and named.group(1) in src.key_passwords, result['msg']
    assert '\n' not in result['msg']
    assert lib.file_state(path) == state
    assert lib.dir_listing(path.parent) == [path.name]
