# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""javasec.keystore.csr and javasec.keystore.cert_export: main() with patched module arguments."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import json
import os

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils import _pkcs12 as p12
from ansible_collections.javasec.keystore.plugins.modules import cert_export as cert_export_module
from ansible_collections.javasec.keystore.plugins.modules import csr as csr_module
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import (
    KEY_PASSWORD, STORE_PASSWORD, der_of, key_der_of)

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402


def _spki(key):
    return key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def _write(path, data):
    with open(path, 'wb') as handle:
        handle.write(data)


def _read(path):
    with open(path, 'rb') as handle:
        return handle.read()


@pytest.fixture
def store_path(pki, tmp_path):
    path = str(tmp_path / 'store.p12')
    _write(path, pki.store_bytes('pkcs12'))
    return path


@pytest.fixture
def jks_path(pki, tmp_path):
    path = str(tmp_path / 'store.jks')
    _write(path, pki.store_bytes('jks', own_password=True))
    return path


def _no_secrets(result, pki):
    text = json.dumps(result, default=str)
    assert STORE_PASSWORD not in text and KEY_PASSWORD not in text
    for key in (pki.rsa_key, pki.ec_key, pki.ed_key):
        assert key_der_of(key)[-16:].hex() not in text.lower()


@pytest.fixture
def csr(run_module, pki):
    def run(check_mode=False, diff=False, **args):
        args.setdefault('password', STORE_PASSWORD)
        result = run_module(csr_module, args, check_mode=check_mode, diff=diff)
        _no_secrets(result, pki)
        return result
    return run


@pytest.fixture
def cert_export(run_module, pki):
    def run(check_mode=False, diff=False, **args):
        args.setdefault('password', STORE_PASSWORD)
        result = run_module(cert_export_module, args, check_mode=check_mode, diff=diff)
        _no_secrets(result, pki)
        return result
    return run


# ---- csr --------------------------------------------------------------------------------


def test_csr_defaults_from_the_certificate(csr, pki, store_path):
    result = csr(path=store_path, alias='RSA-Server')
    assert result['changed'] is False
    assert result['alias'] == 'rsa-server'
    request = x509.load_pem_x509_csr(result['csr'].encode('ascii'))
    assert request.is_signature_valid
    assert request.public_key().public_bytes(serialization.Encoding.DER,
                                             serialization.PublicFormat.SubjectPublicKeyInfo) == _spki(pki.rsa_key)
    assert request.subject == pki.rsa_leaf.subject
    assert request.subject.public_bytes() == pki.rsa_leaf.subject.public_bytes()
    sans = request.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert list(sans) == [x509.DNSName(u'rsa.example.com'), x509.DNSName(u'www.example.com')]
    assert result['subject_alt_names'] == ['DNS:rsa.example.com', 'DNS:www.example.com']
    assert result['signature_algorithm'] == 'SHA256withRSA'
    assert request.signature_hash_algorithm.name == 'sha256'
    assert result['public_key_sha256'] == certs.fingerprint(_spki(pki.rsa_key))
    assert result['key_usage'] == [] and result['extended_key_usage'] == []


def test_csr_dest_idempotent_check_mode_and_change(csr, store_path, tmp_path):
    dest = str(tmp_path / 'req.csr')
    checked = csr(check_mode=True, path=store_path, alias='ec-server', dest=dest)
    assert checked['changed'] is True
    assert not os.path.exists(dest)

    first = csr(diff=True, path=store_path, alias='ec-server', dest=dest)
    assert first['changed'] is True
    assert first['diff']['before'] == {'state': 'absent'}
    assert first['diff']['after']['signature_algorithm'] == 'SHA256withECDSA'
    assert first['csr'] == _read(dest).decode('ascii')
    assert oct(os.stat(dest).st_mode & 0o777) == '0o644'
    content = _read(dest)

    again = csr(path=store_path, alias='ec-server', dest=dest)
    assert again['changed'] is False
    assert again['csr'] == first['csr']
    assert _read(dest) == content

    new_san = dict(path=store_path, alias='ec-server', dest=dest,
                   subject_alt_names=['DNS:ec.example.com', 'IP:10.1.2.3'],
                   key_usage=['digital_signature'], extended_key_usage=['server_auth', '1.2.3.4'])
    predicted = csr(check_mode=True, **new_san)
    assert predicted['changed'] is True
    assert _read(dest) == content
    changed = csr(**new_san)
    assert changed['changed'] is True
    request = x509.load_pem_x509_csr(_read(dest))
    sans = list(request.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    assert sans[1] == x509.IPAddress(ipaddress.ip_address(u'10.1.2.3'))
    ku = request.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.digital_signature and not ku.value.key_encipherment
    assert changed['extended_key_usage'] == ['server_auth', '1.2.3.4']
    assert csr(**new_san)['changed'] is False


def test_csr_subject_order_is_keytool_order(csr, store_path):
    result = csr(path=store_path, alias='rsa-server', subject='CN=app.example.com, OU=IT, O=Ex\\, Inc., S=Berlin, C=DE',
                 subject_alt_names=[])
    request = x509.load_pem_x509_csr(result['csr'].encode('ascii'))
    # keytool -dname "CN=..., C=DE" encodes C first and CN last.
    assert [a.oid for a in request.subject] == [NameOID.COUNTRY_NAME, NameOID.STATE_OR_PROVINCE_NAME,
                                                NameOID.ORGANIZATION_NAME, NameOID.ORGANIZATIONAL_UNIT_NAME,
                                                NameOID.COMMON_NAME]
    assert result['subject'] == 'CN=app.example.com,OU=IT,O=Ex\\, Inc.,ST=Berlin,C=DE'
    assert result['subject_alt_names'] == []
    assert len(request.extensions) == 0
    subject = {'CN': 'app.example.com', 'OU': 'IT', 'O': 'Ex, Inc.', 'ST': 'Berlin', 'C': 'DE'}
    as_dict = csr(path=store_path, alias='rsa-server', subject=subject)
    assert as_dict['subject'] == result['subject']


@pytest.mark.parametrize('alias, algorithm', [('ed25519', 'Ed25519'), ('ec-server', 'SHA256withECDSA')])
def test_csr_default_signature_algorithm(csr, pki, store_path, alias, algorithm):
    result = csr(path=store_path, alias=alias)
    assert result['signature_algorithm'] == algorithm
    assert x509.load_pem_x509_csr(result['csr'].encode('ascii')).is_signature_valid


def test_csr_signature_algorithm_change_is_a_change(csr, store_path, tmp_path):
    dest = str(tmp_path / 'req.csr')
    assert csr(path=store_path, alias='rsa-server', dest=dest)['changed'] is True
    result = csr(path=store_path, alias='rsa-server', dest=dest, signature_algorithm='sha512withrsa')
    assert result['changed'] is True
    assert result['signature_algorithm'] == 'SHA512withRSA'
    assert x509.load_pem_x509_csr(_read(dest)).signature_hash_algorithm.name == 'sha512'


def test_csr_replaces_a_request_of_another_key_and_garbage(csr, store_path, tmp_path):
    dest = str(tmp_path / 'req.csr')
    _write(dest, b'garbage')
    os.chmod(dest, 0o640)
    result = csr(diff=True, path=store_path, alias='ed25519', dest=dest)
    assert result['changed'] is True
    assert result['diff']['before'] == {'state': 'not a certificate request'}
    assert oct(os.stat(dest).st_mode & 0o777) == '0o640'
    other = csr(path=store_path, alias='rsa-server', dest=dest)
    assert other['changed'] is True
    assert other['public_key_sha256'] != result['public_key_sha256']


@pytest.mark.parametrize('args, message', [
    (dict(alias='nope'), 'alias "nope" does not exist in the keystore (aliases: rsa-server, ec-server'),
    (dict(alias='root-ca'), 'alias "root-ca" is a trusted cert entry, not a private key entry'),
    (dict(alias='aes-key'), 'alias "aes-key" is a secret key entry, not a private key entry'),
    (dict(alias='rsa-server', password='wrong'), 'keystore password was incorrect'),
    (dict(alias='rsa-server', signature_algorithm='SHA256withECDSA'), 'does not fit an RSA key'),
    (dict(alias='ed25519', signature_algorithm='SHA256withRSA'), 'does not fit an Ed25519 key'),
    (dict(alias='rsa-server', signature_algorithm='MD5withRSA'), 'does not fit an RSA key'),
    (dict(alias='rsa-server', subject='CN'), 'is not NAME=value'),
    (dict(alias='rsa-server', subject=['CN=a']), 'the subject must be a string (CN=...,O=...) or a dict, not a list'),
    (dict(alias='rsa-server', key_usage=['sign_everything']), 'unknown key usage'),
])
def test_csr_errors(csr, store_path, tmp_path, args, message):
    dest = str(tmp_path / 'req.csr')
    result = csr(path=store_path, dest=dest, **args)
    assert result['failed'] is True
    assert message in result['msg']
    assert not os.path.exists(dest)


def test_dest_is_a_directory(csr, cert_export, store_path, tmp_path):
    for run in (csr, cert_export):
        result = run(path=store_path, alias='rsa-server', dest=str(tmp_path))
        assert result['failed'] is True
        assert result['msg'] == 'dest %s is a directory' % tmp_path


def test_csr_missing_store(csr, tmp_path):
    result = csr(path=str(tmp_path / 'nope.p12'), alias='a')
    assert result['failed'] is True
    assert 'the keystore does not exist' in result['msg']


def test_csr_jks_key_with_own_password(csr, pki, jks_path):
    sealed = csr(path=jks_path, alias='own-password')
    assert sealed['failed'] is True
    assert '"own-password"' in sealed['msg'] and 'key_passwords' in sealed['msg']
    wrong = csr(path=jks_path, alias='own-password', key_passwords={'own-password': 'wrong'})
    assert wrong['failed'] is True and 'incorrect' in wrong['msg']
    result = csr(path=jks_path, alias='own-password', key_passwords={'OWN-PASSWORD': KEY_PASSWORD})
    assert result['public_key_sha256'] == certs.fingerprint(_spki(pki.ed_key))
    assert result['signature_algorithm'] == 'Ed25519'


def test_csr_pkcs12_key_with_own_password(csr, pki, tmp_path):
    """A PKCS12 file (written by another tool) whose key has a password other than the store password."""
    scheme = p12.key_scheme('modern')
    epki = p12.encrypt_epki(key_der_of(pki.rsa_key), KEY_PASSWORD, scheme)
    key_bags = [p12.key_bag(epki, 'sealed', b'Time 1')]
    cert_bags = [p12.cert_bag(der_of(pki.rsa_leaf), 'sealed', b'Time 1')]
    path = str(tmp_path / 'sealed.p12')
    _write(path, p12.dump(key_bags, cert_bags, STORE_PASSWORD, 'modern'))
    sealed = csr(path=path, alias='sealed')
    assert sealed['failed'] is True and 'key_passwords' in sealed['msg']
    wrong = csr(path=path, alias='sealed', key_passwords={'sealed': 'wrong'})
    assert wrong['failed'] is True and 'incorrect' in wrong['msg']
    result = csr(path=path, alias='sealed', key_passwords={'sealed': KEY_PASSWORD})
    assert result['public_key_sha256'] == certs.fingerprint(_spki(pki.rsa_key))


def test_csr_never_writes_the_store(csr, store_path, tmp_path):
    before = _read(store_path)
    stat = os.stat(store_path)
    csr(path=store_path, alias='rsa-server', dest=str(tmp_path / 'a.csr'))
    assert _read(store_path) == before
    assert os.stat(store_path).st_mtime_ns == stat.st_mtime_ns


def test_subject_name_helper():
    name = issue.parse_subject('CN=a\\,b, O=c')
    assert name.rfc4514_string() == 'CN=a\\,b,O=c'
    assert [a.oid for a in name] == [NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME]
    with pytest.raises(model.KeystoreError):
        issue.parse_subject(' , ')


# ---- cert_export ------------------------------------------------------------------------


def test_export_leaf_pem(cert_export, pki, store_path, tmp_path):
    dest = str(tmp_path / 'leaf.pem')
    checked = cert_export(check_mode=True, path=store_path, alias='rsa-server', dest=dest)
    assert checked['changed'] is True and not os.path.exists(dest)
    result = cert_export(diff=True, path=store_path, alias='rsa-server', dest=dest)
    expected = pki.rsa_leaf.public_bytes(serialization.Encoding.PEM)
    assert result['changed'] is True
    assert _read(dest) == expected
    assert result['content'] == expected.decode('ascii')
    assert result['certificates'] == [expected.decode('ascii')]
    assert result['sha256'] == [certs.fingerprint(der_of(pki.rsa_leaf))]
    assert result['subjects'] == [pki.rsa_leaf.subject.rfc4514_string()]
    assert result['entry_type'] == 'private_key'
    assert result['diff'] == {'before': {'state': 'absent'},
                              'after': {'sha256': result['sha256'], 'subjects': result['subjects']}}
    assert oct(os.stat(dest).st_mode & 0o777) == '0o644'
    assert cert_export(path=store_path, alias='rsa-server', dest=dest)['changed'] is False


def test_export_chain_and_der(cert_export, pki, store_path, tmp_path):
    result = cert_export(path=store_path, alias='ec-server', chain=True)
    assert result['sha256'] == [certs.fingerprint(d) for d in pki.ec_chain]
    assert result['content'] == ''.join(result['certificates'])
    assert len(result['certificates']) == 3
    dest = str(tmp_path / 'leaf.der')
    der = cert_export(path=store_path, alias='ec-server', format='der', dest=dest, return_content=False)
    assert der['changed'] is True
    assert _read(dest) == der_of(pki.ec_leaf)
    assert 'content' not in der and 'certificates' not in der
    assert cert_export(path=store_path, alias='ec-server', format='der', dest=dest)['changed'] is False


def test_export_trusted_and_mode(cert_export, pki, store_path, tmp_path):
    dest = str(tmp_path / 'root.pem')
    result = cert_export(path=store_path, alias='ROOT-CA', chain=True, dest=dest, mode='0600')
    assert result['entry_type'] == 'trusted_cert'
    assert result['sha256'] == [certs.fingerprint(der_of(pki.root))]
    assert oct(os.stat(dest).st_mode & 0o777) == '0o600'
    assert cert_export(path=store_path, alias='root-ca', dest=dest, mode='0644')['changed'] is True
    assert cert_export(path=store_path, alias='root-ca', dest=dest)['changed'] is False
    assert oct(os.stat(dest).st_mode & 0o777) == '0o644'


@pytest.mark.parametrize('args, message', [
    (dict(alias='nope'), 'alias "nope" does not exist'),
    (dict(alias='aes-key'), 'is a secret key entry, not a private key entry or trusted cert entry'),
    (dict(alias='rsa-server', password='wrong'), 'keystore password was incorrect'),
    (dict(alias='rsa-server', chain=True, format='der'), 'format=der holds a single certificate'),
])
def test_export_errors(cert_export, store_path, tmp_path, args, message):
    dest = str(tmp_path / 'out.pem')
    _write(dest, b'old')
    result = cert_export(path=store_path, dest=dest, **args)
    assert result['failed'] is True
    assert message in result['msg']
    assert _read(dest) == b'old'
