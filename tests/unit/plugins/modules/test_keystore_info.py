# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""javasec.keystore.keystore_info: main() with patched module arguments."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import json
import os

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.modules import keystore_info as info_module
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import (
    AES_KEY, HMAC_KEY, KEY_PASSWORD, STORE_PASSWORD, T_RSA, der_of, key_der_of)

from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402


@pytest.fixture
def keystore_info(run_module, pki):
    def run(check_mode=False, **args):
        args.setdefault('password', STORE_PASSWORD)
        result = run_module(info_module, args, check_mode=check_mode)
        text = json.dumps(result, default=str)
        assert STORE_PASSWORD not in text and KEY_PASSWORD not in text
        for raw in [key_der_of(k) for k in (pki.rsa_key, pki.ec_key, pki.ed_key)] + [AES_KEY, HMAC_KEY]:
            assert raw[-16:].hex() not in text.lower()
            assert base64.b64encode(raw[-15:]).decode('ascii') not in text
        assert result.get('changed', False) is False
        return result
    return run


def _write(path, data):
    with open(path, 'wb') as handle:
        handle.write(data)


def test_missing_file(keystore_info, tmp_path):
    result = keystore_info(path=str(tmp_path / 'missing.p12'), expiring_within_days=30)
    assert result['exists'] is False
    assert result['entries'] == []
    assert result['expiring'] == []
    assert 'store_type' not in result


@pytest.mark.parametrize('encryption', ['modern', 'legacy'])
def test_pkcs12_report(keystore_info, pki, tmp_path, encryption):
    path = str(tmp_path / 'store.p12')
    _write(path, pki.store_bytes('pkcs12', encryption))
    for check_mode in (False, True):
        result = keystore_info(check_mode=check_mode, path=path)
        assert result['exists'] is True
        assert result['store_type'] == 'pkcs12'
        assert result['pkcs12_encryption'] == encryption
        assert 'expiring' not in result
        entries = dict((e['alias'], e) for e in result['entries'])
        assert sorted(entries) == ['aes-key', 'ec-server', 'ed25519', 'hmac-key', 'other-root', 'root-ca',
                                   'rsa-server']
        rsa = entries['rsa-server']
        assert rsa['type'] == 'private_key'
        assert rsa['chain_length'] == 3
        assert (rsa['algorithm'], rsa['size']) == ('RSA', 2048)
        assert rsa['sha256'] == certs.fingerprint(der_of(pki.rsa_leaf))
        assert [c['sha256'] for c in rsa['chain']] == [certs.fingerprint(c) for c in pki.rsa_chain]
        assert rsa['days_remaining'] == 365
        assert rsa['key_protection'] == 'store_password'
        assert rsa['creation_date'].startswith('2023-11-14T22:13:20')
        assert entries['ec-server']['days_remaining'] == 20
        assert entries['ed25519']['chain_length'] == 1
        root = entries['root-ca']
        assert root['type'] == 'trusted_cert'
        assert root['sha256'] == certs.fingerprint(der_of(pki.root))
        assert root['is_ca'] is True and root['self_signed'] is True
        assert root['creation_date'] is None
        assert (entries['aes-key']['type'], entries['aes-key']['algorithm'], entries['aes-key']['size']) == \
            ('secret_key', 'AES', 256)
        assert entries['hmac-key']['algorithm'] == 'HmacSHA256'


def test_jks_key_protection(keystore_info, pki, tmp_path):
    path = str(tmp_path / 'store.jks')
    _write(path, codec.dump_bytes(pki.store('jks', secrets=False, own_password=True), STORE_PASSWORD))
    result = keystore_info(path=path)
    assert result['store_type'] == 'jks'
    assert 'pkcs12_encryption' not in result
    entries = dict((e['alias'], e) for e in result['entries'])
    assert entries['own-password']['key_protection'] == 'unknown_password'
    assert entries['own-password']['chain_length'] == 1
    assert entries['rsa-server']['creation_date'] == '2023-11-14T22:13:20Z'
    assert entries['root-ca']['creation_date'] is not None
    result = keystore_info(path=path, key_passwords={'OWN-PASSWORD': KEY_PASSWORD})
    entries = dict((e['alias'], e) for e in result['entries'])
    assert entries['own-password']['key_protection'] == 'own_password'
    result = keystore_info(path=path, key_passwords={'own-password': 'not-the-key-password'})
    assert result['failed'] is True
    assert result['error_type'] == 'WrongKeyPasswordError'
    assert 'not-the-key-password' not in json.dumps(result)


@pytest.mark.parametrize('days, expected', [
    (0, []),
    (21, ['ec-server']),
    (101, ['ec-server', 'ed25519']),
    (366, ['ec-server', 'ed25519', 'rsa-server']),
    (1826, ['ec-server', 'ed25519', 'rsa-server']),
    (3001, ['ec-server', 'ed25519', 'other-root', 'rsa-server']),
    (4000, ['ec-server', 'ed25519', 'other-root', 'root-ca', 'rsa-server']),
])
def test_expiring_within_days(keystore_info, pki, tmp_path, days, expected):
    path = str(tmp_path / 'store.p12')
    _write(path, pki.store_bytes('pkcs12'))
    result = keystore_info(path=path, expiring_within_days=days)
    assert sorted(result['expiring']) == expected


def test_expiring_uses_the_whole_chain_and_expired(keystore_info, pki, tmp_path):
    # a leaf valid for a year whose intermediate CA expires in 15 days; and an expired trusted cert
    short_ca_key = ec.generate_private_key(ec.SECP256R1())
    short_ca = pki.cert(u'Short-lived CA', short_ca_key, u'Test Root CA', pki.root_key, ca=True, days=15)
    leaf = pki.cert(u'leaf.example.com', pki.rsa_key, u'Short-lived CA', short_ca_key, days=365)
    chain = [der_of(leaf), der_of(short_ca), der_of(pki.root)]
    store = model.Keystore('pkcs12')
    store.add(model.PrivateKeyEntry('server', chain, key_der_of(pki.rsa_key), timestamp=T_RSA))
    store.add(model.TrustedCertEntry('expired', der_of(pki.expired)))
    path = str(tmp_path / 'store.p12')
    _write(path, codec.dump_bytes(store, STORE_PASSWORD))
    result = keystore_info(path=path, expiring_within_days=30)
    assert sorted(result['expiring']) == ['expired', 'server']
    entries = dict((e['alias'], e) for e in result['entries'])
    assert entries['expired']['days_remaining'] == -10
    assert entries['server']['days_remaining'] == 365  # the leaf's
    assert [c['days_remaining'] for c in entries['server']['chain']] == [365, 15, 3650]
    assert sorted(keystore_info(path=path, expiring_within_days=15)['expiring']) == ['expired']


@pytest.mark.parametrize('store_type', ['pkcs12', 'jks'])
def test_wrong_password(keystore_info, pki, tmp_path, store_type):
    path = str(tmp_path / 'store')
    _write(path, pki.store_bytes(store_type))
    result = keystore_info(path=path, password='wrong-password')
    assert result['failed'] is True
    assert result['error_type'] == 'WrongPasswordError'
    assert path in result['msg'] and 'password was incorrect' in result['msg']
    assert 'wrong-password' not in json.dumps(result)


@pytest.mark.parametrize('content, error_type', [
    (b'', 'CorruptStoreError'),
    (b'\x30\x82\x01\x00garbage', 'CorruptStoreError'),
    (b'-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'UnsupportedStoreError'),
], ids=['empty', 'truncated', 'pem'])
def test_unreadable_file(keystore_info, tmp_path, content, error_type):
    path = str(tmp_path / 'store')
    _write(path, content)
    result = keystore_info(path=path)
    assert result['failed'] is True
    assert result['error_type'] == error_type
    assert result['msg'].startswith(path + ': ')


def test_directory(keystore_info, tmp_path):
    result = keystore_info(path=str(tmp_path))
    assert result['failed'] is True
    assert result['error_type'] == 'StoreFileError'
    assert 'is a directory' in result['msg']
    assert os.path.isdir(str(tmp_path))
