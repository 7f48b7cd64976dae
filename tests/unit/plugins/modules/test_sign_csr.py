# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""javasec.keystore.sign_csr: main() with patched module arguments; keytool judges what we sign."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import datetime
import json
import os
import shutil
import stat
import subprocess

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _csr as csrlib
from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.modules import sign_csr as sign_csr_module
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import (
    KEY_PASSWORD, STORE_PASSWORD, T_EC, T_TRUST, der_of, key_der_of)

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID  # noqa: E402

CA_PASSWORD = 'C4-St0re-Pa55!'
SUBJECT = 'CN=app.example.com,O=Example'
SANS = ['DNS:app.example.com', 'IP:10.0.0.5']


def _write(path, data):
    with open(path, 'wb') as handle:
        handle.write(data)


def _read(path):
    with open(path, 'rb') as handle:
        return handle.read()


def _ca_store(pki, store_type='pkcs12', key_password=None):
    """The intermediate CA's key entry 'ca' (chain: intermediate, root), the root trusted, and another CA 'other'."""
    store = model.Keystore(store_type)
    store.add(model.PrivateKeyEntry('ca', [der_of(pki.inter), der_of(pki.root)], key_der_of(pki.inter_key),
                                    timestamp=T_EC, key_password=key_password))
    store.add(model.PrivateKeyEntry('other', [der_of(pki.other_root)], key_der_of(pki.other_root_key),
                                    timestamp=T_EC))
    store.add(model.TrustedCertEntry('root-ca', der_of(pki.root), timestamp=T_TRUST))
    return codec.dump_bytes(store, CA_PASSWORD, store_type)


def _csr_pem(key, subject=SUBJECT, sans=None):
    extensions = csrlib.requested_extensions(issue.parse_sans(SANS if sans is None else sans), [], [])
    return csrlib.build_csr(key, issue.parse_subject(subject), extensions, issue.signature_for(key).hash).public_bytes(
        serialization.Encoding.PEM)


@pytest.fixture
def ca_path(pki, tmp_path):
    path = str(tmp_path / 'ca.p12')
    _write(path, _ca_store(pki))
    return path


@pytest.fixture
def csr_pem(pki):
    return _csr_pem(pki.rsa_key)


def _secrets(pki):
    values = [CA_PASSWORD, STORE_PASSWORD, KEY_PASSWORD]
    for key in (pki.inter_key, pki.rsa_key, pki.other_root_key):
        tail = key_der_of(key)[-24:]
        values += [tail.hex(), base64.b64encode(tail).decode('ascii')]
    return values


@pytest.fixture
def sign(run_module, pki, ca_path, csr_pem):
    def run(check_mode=False, diff=False, **args):
        args.setdefault('ca_path', ca_path)
        args.setdefault('ca_password', CA_PASSWORD)
        args.setdefault('ca_alias', 'ca')
        if 'csr_path' not in args:
            args.setdefault('csr', csr_pem.decode('ascii'))
        result = run_module(sign_csr_module, args, check_mode=check_mode, diff=diff)
        text = json.dumps(result, default=str)
        for secret in _secrets(pki):
            assert secret.lower() not in text.lower()
        return result
    return run


def _issued(result):
    return x509.load_pem_x509_certificate(result['certificate'].encode('ascii'))


def _ext(cert, oid):
    return cert.extensions.get_extension_for_oid(oid)


def _pem_chain(text):
    return certs.load_certificates(text)


# ---- signing ----------------------------------------------------------------------------------------


def test_sign_to_dest(sign, pki, tmp_path):
    dest = str(tmp_path / 'app.pem')
    old_umask = os.umask(0o077)
    try:
        result = sign(dest=dest)
    finally:
        os.umask(old_umask)
    assert result['changed'] is True and 'failed' not in result
    cert = _issued(result)
    cert_der = cert.public_bytes(serialization.Encoding.DER)
    assert _read(dest) == result['certificate'].encode('ascii')
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o644
    assert os.listdir(str(tmp_path)) == ['app.pem', 'ca.p12']
    assert result['sha256'] == certs.fingerprint(cert_der)
    assert _pem_chain(result['chain']) == [cert_der, der_of(pki.inter), der_of(pki.root)]
    assert _pem_chain(result['ca_certificate']) == [der_of(pki.root)]
    assert cert.subject == issue.parse_subject(SUBJECT) and cert.issuer == pki.inter.subject
    assert support.is_issued_by(cert, pki.inter)
    assert certs.public_der(cert.public_key()) == certs.public_der(pki.rsa_key.public_key())
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)  # the EC P-256 CA's default
    # the defaults of a server certificate, SANs copied from the CSR
    assert [(e.oid, e.critical) for e in cert.extensions] == [
        (ExtensionOID.SUBJECT_KEY_IDENTIFIER, False), (ExtensionOID.AUTHORITY_KEY_IDENTIFIER, False),
        (ExtensionOID.SUBJECT_ALTERNATIVE_NAME, False), (ExtensionOID.KEY_USAGE, True),
        (ExtensionOID.EXTENDED_KEY_USAGE, False)]
    assert certs.general_names(_ext(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value) == \
        ['DNS:app.example.com', 'IP:10.0.0.5']
    assert issue.key_usage_names(_ext(cert, ExtensionOID.KEY_USAGE).value) == \
        ['digital_signature', 'key_encipherment']
    assert list(_ext(cert, ExtensionOID.EXTENDED_KEY_USAGE).value) == [ExtendedKeyUsageOID.SERVER_AUTH,
                                                                       ExtendedKeyUsageOID.CLIENT_AUTH]
    assert _ext(cert, ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value.key_identifier == \
        x509.SubjectKeyIdentifier.from_public_key(pki.inter_key.public_key()).digest
    lifetime = certs.cert_not_after(cert) - certs.cert_not_before(cert)
    assert lifetime == datetime.timedelta(days=365)
    assert result['not_after'] == certs.iso_date(certs.cert_not_after(cert))


def test_sign_an_intermediate_ca_from_csr_path(sign, pki, tmp_path):
    csr_path = str(tmp_path / 'sub.csr')
    _write(csr_path, _csr_pem(pki.ec_key, 'CN=Sub CA,O=Example', []).replace(
        b'CERTIFICATE REQUEST-----', b'NEW CERTIFICATE REQUEST-----'))
    result = sign(csr_path=csr_path, is_ca=True, path_length=0, validity_days=30,
                  signature_algorithm='SHA384withECDSA')
    cert = _issued(result)
    assert result['changed'] is True
    assert _ext(cert, ExtensionOID.BASIC_CONSTRAINTS).value == x509.BasicConstraints(ca=True, path_length=0)
    assert _ext(cert, ExtensionOID.BASIC_CONSTRAINTS).critical is True
    assert issue.key_usage_names(_ext(cert, ExtensionOID.KEY_USAGE).value) == \
        ['digital_signature', 'key_cert_sign', 'crl_sign']
    with pytest.raises(x509.ExtensionNotFound):
        _ext(cert, ExtensionOID.EXTENDED_KEY_USAGE)
    with pytest.raises(x509.ExtensionNotFound):
        _ext(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA384)


def test_without_dest_every_run_signs(sign):
    first, second = sign(), sign()
    assert first['changed'] is True and second['changed'] is True
    assert _issued(first).serial_number != _issued(second).serial_number


def test_idempotent_with_dest(sign, tmp_path):
    dest = str(tmp_path / 'app.pem')
    first = sign(dest=dest)
    stat_before = os.stat(dest)
    second = sign(dest=dest)
    assert second['changed'] is False
    assert second['sha256'] == first['sha256'] and second['certificate'] == first['certificate']
    assert second['chain'] == first['chain'] and second['not_after'] == first['not_after']
    assert os.stat(dest).st_mtime_ns == stat_before.st_mtime_ns
    assert _read(dest) == first['certificate'].encode('ascii')
    assert sign(dest=dest, check_mode=True)['changed'] is False


def test_idempotent_across_csrs_of_the_same_request(sign, pki, tmp_path):
    """The same request signed again (ECDSA signatures differ every time): the content decides, not bytes."""
    dest = str(tmp_path / 'app.pem')
    one, two = _csr_pem(pki.ec_key), _csr_pem(pki.ec_key)
    assert one != two
    first = sign(dest=dest, csr=one.decode('ascii'))
    second = sign(dest=dest, csr=two.decode('ascii'))
    assert first['changed'] is True and second['changed'] is False
    assert second['sha256'] == first['sha256']


@pytest.mark.parametrize('change', ['subject', 'subject_alt_names', 'key_usage', 'extended_key_usage', 'is_ca',
                                    'ca_alias', 'csr_key', 'csr_sans'])
def test_a_changed_request_signs_again(sign, pki, tmp_path, change):
    dest = str(tmp_path / 'app.pem')
    first = sign(dest=dest)
    args = {'dest': dest}
    if change == 'subject':
        args['subject'] = {'CN': 'app.example.com', 'O': 'Example', 'C': 'DE'}
    elif change == 'subject_alt_names':
        args['subject_alt_names'] = ['DNS:app.example.com']
    elif change == 'key_usage':
        args['key_usage'] = ['digitalSignature']
    elif change == 'extended_key_usage':
        args['extended_key_usage'] = ['serverAuth']
    elif change == 'is_ca':
        args['is_ca'] = True
    elif change == 'ca_alias':
        args['ca_alias'] = 'other'
    elif change == 'csr_key':
        args['csr'] = _csr_pem(pki.ec_key).decode('ascii')
    else:
        args['csr'] = _csr_pem(pki.rsa_key, sans=SANS + ['DNS:www.example.com']).decode('ascii')
    second = sign(**args)
    assert second['changed'] is True
    assert second['sha256'] != first['sha256']
    assert _read(dest) == second['certificate'].encode('ascii')
    cert = _issued(second)
    if change == 'subject':
        assert cert.subject.rfc4514_string() == 'CN=app.example.com,O=Example,C=DE'
    elif change == 'ca_alias':
        assert cert.issuer == pki.other_root.subject
        assert _pem_chain(second['chain'])[1:] == [der_of(pki.other_root)]
    elif change == 'csr_sans':
        assert certs.general_names(_ext(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value)[-1] == \
            'DNS:www.example.com'
    # and the new certificate is the one kept from now on
    assert sign(**args)['changed'] is False


@pytest.mark.parametrize('first_args, args', [
    ({'is_ca': True, 'path_length': 0}, {'is_ca': True, 'path_length': 3}),
    ({}, {'signature_algorithm': 'SHA512withECDSA'}),
])
def test_a_changed_signing_option_signs_again(sign, tmp_path, first_args, args):
    # path_length and signature_algorithm used to be ignored once dest held a certificate
    dest = str(tmp_path / 'app.pem')
    first = sign(dest=dest, **first_args)
    second = sign(dest=dest, **args)
    assert second['changed'] is True and second['sha256'] != first['sha256']
    cert = _issued(second)
    if 'path_length' in args:
        assert _ext(cert, ExtensionOID.BASIC_CONSTRAINTS).value.path_length == 3
    else:
        assert cert.signature_hash_algorithm.name == 'sha512'
    assert sign(dest=dest, **args)['changed'] is False


def test_renew_before_days(sign, tmp_path):
    dest = str(tmp_path / 'app.pem')
    first = sign(dest=dest, validity_days=10)
    due = sign(dest=dest, validity_days=10)  # renew_before_days defaults to 30
    assert due['changed'] is True and due['sha256'] != first['sha256']
    kept = sign(dest=dest, validity_days=10, renew_before_days=5)
    assert kept['changed'] is False and kept['sha256'] == due['sha256']


def test_check_mode_writes_nothing(sign, tmp_path):
    dest = str(tmp_path / 'app.pem')
    predicted = sign(dest=dest, check_mode=True)
    assert predicted['changed'] is True and not os.path.exists(dest)
    sign(dest=dest)
    before, stat_before = _read(dest), os.stat(dest)
    predicted = sign(dest=dest, check_mode=True, subject='CN=other.example.com')
    assert predicted['changed'] is True
    assert _read(dest) == before and os.stat(dest).st_mtime_ns == stat_before.st_mtime_ns
    assert os.listdir(str(tmp_path)) == ['app.pem', 'ca.p12']


def test_diff_has_metadata_only(sign, tmp_path):
    dest = str(tmp_path / 'app.pem')
    first = sign(dest=dest, diff=True)
    cert = _issued(first)
    assert first['diff'] == {'before': {'state': 'absent'}, 'after': {
        'sha256': first['sha256'], 'subject': 'CN=app.example.com,O=Example', 'not_after': first['not_after']}}
    second = sign(dest=dest, diff=True, subject='CN=app.example.com,O=Example,C=DE')
    assert second['diff']['before'] == first['diff']['after']
    assert second['diff']['after']['sha256'] == second['sha256'] != first['sha256']
    text = json.dumps([first['diff'], second['diff']])
    assert 'BEGIN' not in text and cert.public_bytes(serialization.Encoding.DER).hex().upper()[-40:] not in text
    assert 'diff' not in sign(dest=dest, diff=True, subject='CN=app.example.com,O=Example,C=DE')
    _write(dest, b'garbage')
    assert sign(dest=dest, diff=True)['diff']['before'] == {'state': 'not a certificate'}


@pytest.mark.parametrize('backup', [True, False])
def test_backup_of_a_replaced_dest(sign, pki, tmp_path, backup):
    out = tmp_path / 'out'
    out.mkdir()
    dest = str(out / 'app.pem')
    old = certs.pem(der_of(pki.other_root)).encode('ascii')  # not issued for this CSR: it is replaced
    _write(dest, old)

    checked = sign(dest=dest, backup=backup, check_mode=True)
    assert checked['changed'] is True and 'backup_file' not in checked
    assert os.listdir(str(out)) == ['app.pem'] and _read(dest) == old

    result = sign(dest=dest, backup=backup)
    assert result['changed'] is True and _read(dest) == result['certificate'].encode('ascii')
    if backup:
        assert os.path.dirname(result['backup_file']) == str(out)
        assert _read(result['backup_file']) == old
        assert sorted(os.listdir(str(out))) == sorted(['app.pem', os.path.basename(result['backup_file'])])
    else:
        assert 'backup_file' not in result and os.listdir(str(out)) == ['app.pem']

    again = sign(dest=dest, backup=backup)
    assert again['changed'] is False and 'backup_file' not in again
    assert len(os.listdir(str(out))) == (2 if backup else 1)


@pytest.mark.parametrize('follow', [True, False])
def test_dest_behind_a_symbolic_link(sign, pki, tmp_path, follow):
    shared = tmp_path / 'shared'
    shared.mkdir()
    target = str(shared / 'app.pem')
    old = certs.pem(der_of(pki.other_root)).encode('ascii')
    _write(target, old)
    link = str(tmp_path / 'app.pem')
    os.symlink(target, link)

    result = sign(dest=link, follow=follow)
    issued = result['certificate'].encode('ascii')
    assert result['changed'] is True and _read(link) == issued
    if follow:
        assert os.path.islink(link) and _read(target) == issued
    else:
        assert not os.path.islink(link) and _read(target) == old
    assert sign(dest=link, follow=follow)['changed'] is False


def test_backup_of_a_new_dest_is_none(sign, tmp_path):
    dest = str(tmp_path / 'app.pem')
    result = sign(dest=dest, backup=True)
    assert result['changed'] is True and 'backup_file' not in result
    assert sorted(os.listdir(str(tmp_path))) == ['app.pem', 'ca.p12']


# ---- errors: clear, typed, and dest untouched ----------------------------------------------------------


@pytest.fixture
def kept_dest(tmp_path):
    """A dest holding a certificate of an earlier run; every failing task must leave it as it is."""
    path = str(tmp_path / 'app.pem')
    _write(path, b'earlier certificate\n')
    os.utime(path, (1700000000, 1700000000))
    yield path
    assert _read(path) == b'earlier certificate\n'
    assert os.stat(path).st_mtime == 1700000000
    assert not [name for name in os.listdir(str(tmp_path)) if name.startswith('.')]  # no temp file left


def test_ca_keystore_missing(sign, kept_dest, tmp_path):
    missing = str(tmp_path / 'absent.p12')
    result = sign(dest=kept_dest, ca_path=missing)
    assert result['failed'] is True and result['error_type'] == 'StoreFileError'
    assert result['msg'] == '%s: the keystore does not exist' % missing


def test_ca_keystore_wrong_password(sign, ca_path, kept_dest):
    result = sign(dest=kept_dest, ca_password='Wr0ng-Pa55')
    assert result['failed'] is True and result['error_type'] == 'WrongPasswordError'
    assert result['msg'] == '%s: keystore password was incorrect (PKCS#12 integrity check failed)' % ca_path
    assert 'Wr0ng-Pa55' not in json.dumps(result)


def test_ca_alias_missing(sign, ca_path, kept_dest):
    result = sign(dest=kept_dest, ca_alias='nope')
    assert result['failed'] is True and result['error_type'] == 'KeystoreError'
    assert result['msg'] == '%s: alias "nope" does not exist in the keystore (aliases: ca, other, root-ca)' % ca_path


def test_ca_alias_of_a_trusted_certificate(sign, ca_path, kept_dest):
    result = sign(dest=kept_dest, ca_alias='root-ca')
    assert result['failed'] is True and result['error_type'] == 'KeystoreError'
    assert result['msg'] == '%s: alias "root-ca" is a trusted cert entry, not a private key entry' % ca_path


def test_ca_key_with_its_own_password(sign, pki, tmp_path, kept_dest):
    """A JKS CA whose key has a password other than ca_password: sign_csr has no key_passwords option."""
    path = str(tmp_path / 'ca.jks')
    _write(path, _ca_store(pki, 'jks', key_password=KEY_PASSWORD))
    result = sign(dest=kept_dest, ca_path=path)
    assert result['failed'] is True and result['error_type'] == 'KeystoreError'
    assert result['msg'] == ('%s: alias "ca" is not a private key entry with a certificate that the password '
                             'opens' % path)


@pytest.mark.parametrize('case', ['garbage', 'certificate', 'empty_pem'])
def test_bad_csr_one_clear_error(sign, pki, kept_dest, case):
    csr = {'garbage': 'not a request at all',
           'certificate': pki.rsa_leaf.public_bytes(serialization.Encoding.PEM).decode('ascii'),
           'empty_pem': '-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n'}[case]
    result = sign(dest=kept_dest, csr=csr)
    assert result['failed'] is True and result['error_type'] == 'CertificateInputError'
    assert result['msg'] == 'the CSR cannot be parsed (neither PEM nor DER PKCS#10)'


def test_csr_with_a_broken_signature(sign, pki, kept_dest):
    der = x509.load_pem_x509_csr(_csr_pem(pki.rsa_key)).public_bytes(serialization.Encoding.DER)
    broken = der[:-1] + bytes(bytearray([der[-1] ^ 1]))
    tmp = os.path.join(os.path.dirname(kept_dest), 'broken.csr')
    _write(tmp, broken)
    try:
        result = sign(dest=kept_dest, csr_path=tmp)
    finally:
        os.unlink(tmp)
    assert result['failed'] is True and result['error_type'] == 'CertificateInputError'
    assert result['msg'] == 'the CSR signature is not valid'


def test_csr_path_missing(sign, tmp_path, kept_dest):
    missing = str(tmp_path / 'absent.csr')
    result = sign(dest=kept_dest, csr_path=missing)
    assert result['failed'] is True
    assert result['msg'] == 'cannot read csr_path %s: No such file or directory' % missing


@pytest.mark.parametrize('args, message', [
    ({'subject': 'CN=x,XX=y'}, 'unknown subject attribute XX'),
    ({'subject_alt_names': ['app.example.com']},
     'subject alternative name "app.example.com" needs a type prefix (DNS:, IP:, URI:, email:)'),
    ({'key_usage': ['everything']}, 'unknown key usage everything'),
    ({'signature_algorithm': 'SHA256withRSA'},
     'signature algorithm SHA256withRSA does not fit an EC key; use SHA256withECDSA, SHA384withECDSA or '
     'SHA512withECDSA'),
    ({'signature_algorithm': 'RSASSA-PSS'},
     'signature algorithm RSASSA-PSS (RSASSA-PSS) is not supported for what this collection signs; use '
     'SHA256withRSA, SHA384withRSA or SHA512withRSA'),
])
def test_bad_options_one_clear_error(sign, kept_dest, args, message):
    result = sign(dest=kept_dest, **args)
    assert result['failed'] is True and result['error_type'] == 'CertificateInputError'
    assert result['msg'] == message


# ---- keytool is the judge -------------------------------------------------------------------------------


def _keytool(args, stdin=None):
    env = dict(os.environ, LC_ALL='C.UTF-8', LANG='C.UTF-8')
    jvm = ['-J-Duser.language=en', '-J-Duser.country=US', '-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC']
    proc = subprocess.run([shutil.which('keytool')] + jvm + args, env=env, input=(stdin or '').encode('ascii'),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=180, check=False)
    output = proc.stdout.decode('utf-8', 'replace')
    assert proc.returncode == 0, output
    return output


def test_keytool_certreq_signed_and_imported_as_reply(sign, keytool, pki, tmp_path):
    """A CSR keytool -certreq writes (NEW CERTIFICATE REQUEST) is signed, and keytool installs the chain we
    return as the reply to its own request, trusting only the root (two keytool runs: each JVM costs ~1 s)."""
    store, request, dest = str(tmp_path / 'app.p12'), str(tmp_path / 'app.csr'), str(tmp_path / 'app.pem')
    reply = str(tmp_path / 'reply.pem')
    self_signed = pki.cert(u'app.example.com', pki.rsa_key, u'app.example.com', pki.rsa_key)
    start = model.Keystore('pkcs12')
    start.add(model.PrivateKeyEntry('app', [der_of(self_signed)], key_der_of(pki.rsa_key), timestamp=T_EC))
    start.add(model.TrustedCertEntry('root', der_of(pki.root), timestamp=T_TRUST))
    _write(store, codec.dump_bytes(start, STORE_PASSWORD))
    common = ['-keystore', store, '-storetype', 'PKCS12', '-storepass', STORE_PASSWORD]
    _keytool(['-certreq', '-alias', 'app', '-file', request, '-ext', 'san=dns:app.example.com,ip:10.0.0.5']
             + common)
    assert _read(request).startswith(b'-----BEGIN NEW CERTIFICATE REQUEST-----')

    result = sign(csr_path=request, dest=dest)
    assert result['changed'] is True
    assert sign(csr_path=request, dest=dest)['changed'] is False
    cert = _issued(result)
    assert cert.subject == self_signed.subject
    assert certs.general_names(_ext(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value) == \
        ['DNS:app.example.com', 'IP:10.0.0.5']

    _write(reply, result['chain'].encode('ascii'))
    output = _keytool(['-importcert', '-alias', 'app', '-file', reply] + common)
    assert 'Certificate reply was installed in keystore' in output
    entry = codec.load_bytes(_read(store), STORE_PASSWORD).get('app')
    assert [certs.fingerprint(c) for c in entry.chain] == [
        result['sha256'], certs.fingerprint(der_of(pki.inter)), certs.fingerprint(der_of(pki.root))]
