# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_csr: reading PKCS#10 requests (ours and keytool's), their facts, and whether one still asks for what a task wants."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil
import subprocess

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _csr as csrlib
from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import STORE_PASSWORD

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402

SUBJECT = 'CN=app.example.com,OU=Ops\\, Platform,O=Example,L=Berlin,S=Bavaria,C=DE'
SANS = ['DNS:app.example.com', 'IP:10.0.0.5']
KU = ['digitalSignature', 'keyEncipherment']
EKU = ['serverAuth', 'clientAuth']


def _spki(key):
    return certs.public_der(key.public_key())


def _wanted(sans=None, key_usage=None, eku=None, subject=SUBJECT):
    return (issue.parse_subject(subject),
            csrlib.requested_extensions(issue.parse_sans(SANS if sans is None else sans),
                                        KU if key_usage is None else key_usage, EKU if eku is None else eku))


def _csr(key, signature_algorithm=None, **kwargs):
    name, extensions = _wanted(**kwargs)
    return csrlib.build_csr(key, name, extensions, issue.signature_for(key, signature_algorithm).hash)


def _matches(csr, key, signature_algorithm, **kwargs):
    name, extensions = _wanted(**kwargs)
    return csrlib.csr_matches(csr, _spki(key), name, extensions, signature_algorithm)


@pytest.mark.parametrize('kind, algorithm', [('rsa_key', 'SHA256withRSA'), ('ec_key', 'SHA256withECDSA'),
                                             ('ed_key', 'Ed25519')])
def test_csr_matches_what_it_was_made_for(pki, kind, algorithm):
    key = getattr(pki, kind)
    csr = _csr(key)
    assert _matches(csr, key, algorithm) is True
    # parsed content, not bytes: a re-read PEM still matches
    assert _matches(csrlib.load_csr(csrlib.csr_pem(csr).encode('ascii')), key, algorithm) is True


@pytest.mark.parametrize('change', ['key', 'subject', 'sans', 'san_order', 'key_usage', 'eku', 'no_eku',
                                    'signature_algorithm'])
def test_csr_matches_false_per_field(pki, change):
    csr = _csr(pki.ec_key)
    args = {'key': pki.ec_key, 'signature_algorithm': 'SHA256withECDSA'}
    if change == 'key':
        args['key'] = pki.inter_key
    elif change == 'subject':
        args['subject'] = SUBJECT.replace('Berlin', 'Munich')
    elif change == 'sans':
        args['sans'] = SANS + ['DNS:www.example.com']
    elif change == 'san_order':
        args['sans'] = list(reversed(SANS))
    elif change == 'key_usage':
        args['key_usage'] = ['digitalSignature']
    elif change == 'eku':
        args['eku'] = ['serverAuth']
    elif change == 'no_eku':
        args['eku'] = []
    else:
        args['signature_algorithm'] = 'SHA384withECDSA'
    assert _matches(csr, **args) is False


def test_csr_matches_criticality(pki):
    csr = _csr(pki.rsa_key)
    name, extensions = _wanted()
    flipped = [(value, not critical) if isinstance(value, x509.KeyUsage) else (value, critical)
               for value, critical in extensions]
    assert csrlib.csr_matches(csr, _spki(pki.rsa_key), name, extensions, 'SHA256withRSA') is True
    assert csrlib.csr_matches(csr, _spki(pki.rsa_key), name, flipped, 'SHA256withRSA') is False


def test_csr_matches_refuses_none_and_a_broken_signature(pki):
    assert _matches(None, pki.rsa_key, 'SHA256withRSA') is False
    good = _csr(pki.rsa_key).public_bytes(serialization.Encoding.DER)
    broken = csrlib.load_csr(good[:-1] + bytes(bytearray([good[-1] ^ 1])))
    assert broken is not None and broken.subject == issue.parse_subject(SUBJECT)
    assert _matches(broken, pki.rsa_key, 'SHA256withRSA') is False


def test_requested_extensions():
    assert csrlib.requested_extensions([], [], []) == []
    values = csrlib.requested_extensions(issue.parse_sans(SANS), KU, EKU)
    assert [(type(v).__name__, critical) for v, critical in values] == [
        ('SubjectAlternativeName', False), ('KeyUsage', True), ('ExtendedKeyUsage', False)]


def test_load_csr_pem_der_and_garbage(pki):
    csr = _csr(pki.rsa_key)
    pem = csr.public_bytes(serialization.Encoding.PEM)
    der = csr.public_bytes(serialization.Encoding.DER)
    assert csrlib.load_csr(pem).public_bytes(serialization.Encoding.DER) == der
    assert csrlib.load_csr(der).public_bytes(serialization.Encoding.DER) == der
    assert csrlib.load_csr(None) is None
    assert csrlib.load_csr(b'') is None
    assert csrlib.load_csr(b'not a request') is None
    assert csrlib.load_csr(pki.rsa_leaf.public_bytes(serialization.Encoding.PEM)) is None
    assert csrlib.load_csr(pki.rsa_leaf.public_bytes(serialization.Encoding.DER)) is None


def test_csr_facts(pki):
    facts = csrlib.csr_facts(_csr(pki.root_key))
    assert facts == {
        'subject': 'CN=app.example.com,OU=Ops\\, Platform,O=Example,L=Berlin,ST=Bavaria,C=DE',
        'subject_alt_names': ['DNS:app.example.com', 'IP:10.0.0.5'],
        'key_usage': ['digital_signature', 'key_encipherment'],
        'extended_key_usage': ['server_auth', 'client_auth'],
        'public_key_sha256': certs.fingerprint(_spki(pki.root_key)),
        'signature_algorithm': 'SHA384withECDSA',
    }
    bare = csrlib.build_csr(pki.ed_key, issue.parse_subject('CN=bare'), [], None)
    assert csrlib.csr_facts(bare) == {'subject': 'CN=bare', 'subject_alt_names': [], 'key_usage': [],
                                      'extended_key_usage': [], 'signature_algorithm': 'Ed25519',
                                      'public_key_sha256': certs.fingerprint(_spki(pki.ed_key))}
    rsa512 = csrlib.build_csr(pki.rsa_key, issue.parse_subject('CN=x'), [], hashes.SHA512())
    assert csrlib.csr_facts(rsa512)['signature_algorithm'] == 'SHA512withRSA'


def _keytool(args):
    env = dict(os.environ, LC_ALL='C.UTF-8', LANG='C.UTF-8')
    jvm = ['-J-Duser.language=en', '-J-Duser.country=US', '-J-XX:TieredStopAtLevel=1', '-J-XX:+UseSerialGC']
    proc = subprocess.run([shutil.which('keytool')] + jvm + args, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=180, check=False)
    output = proc.stdout.decode('utf-8', 'replace')
    assert proc.returncode == 0, output
    return output


def test_keytool_certreq(keytool, tmp_path):
    """keytool -certreq is the oracle: its NEW CERTIFICATE REQUEST header loads, its facts are what was asked,
    and csr_matches says yes to exactly what keytool wrote (keytool's -ext ku is not critical)."""
    store, request = str(tmp_path / 'app.p12'), str(tmp_path / 'app.csr')
    common = ['-keystore', store, '-storetype', 'PKCS12', '-storepass', STORE_PASSWORD, '-alias', 'app']
    _keytool(['-genkeypair', '-keyalg', 'RSA', '-keysize', '2048', '-dname', SUBJECT] + common)
    _keytool(['-certreq', '-file', request, '-ext', 'san=dns:app.example.com,ip:10.0.0.5',
              '-ext', 'ku=digitalSignature,keyEncipherment', '-ext', 'eku=serverAuth,clientAuth'] + common)
    with open(request, 'rb') as handle:
        data = handle.read()
    assert data.startswith(b'-----BEGIN NEW CERTIFICATE REQUEST-----')
    csr = csrlib.load_csr(data)
    assert csr is not None and csr.is_signature_valid

    with open(store, 'rb') as handle:
        cert_der = codec.load_bytes(handle.read(), STORE_PASSWORD).get('app').chain[0]
    spki = certs.public_der(certs.load_cert(cert_der).public_key())
    facts = csrlib.csr_facts(csr)
    assert facts == {
        'subject': 'CN=app.example.com,OU=Ops\\, Platform,O=Example,L=Berlin,ST=Bavaria,C=DE',
        'subject_alt_names': ['DNS:app.example.com', 'IP:10.0.0.5'],
        'key_usage': ['digital_signature', 'key_encipherment'],
        'extended_key_usage': ['server_auth', 'client_auth'],
        'public_key_sha256': certs.fingerprint(spki),
        'signature_algorithm': 'SHA256withRSA',  # keytool's default for RSA 2048, and ours
    }
    name, extensions = _wanted()
    as_keytool = [(value, False) for value, _critical in extensions]
    assert csrlib.csr_matches(csr, spki, name, as_keytool, 'SHA256withRSA') is True
    assert csrlib.csr_matches(csr, spki, name, extensions, 'SHA256withRSA') is False  # we ask for KU critical
    assert csrlib.csr_matches(csr, spki, name, as_keytool, 'SHA384withRSA') is False


# ---- requests cryptography loads but cannot read in full (found by tests/unit/plugins/fuzz_loaders.py) ----


def _fuzzed_csr(pki, old, new):
    """A DER CSR whose bytes old are replaced by new: cryptography still loads it, as it parses lazily."""
    builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([
        x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, u'subject.example')])).add_extension(
        x509.SubjectAlternativeName([x509.DNSName(u'san.example.com')]), critical=False)
    data = builder.sign(pki.ec_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    assert data.count(old) == 1
    fuzzed = data.replace(old, new)
    x509.load_der_x509_csr(fuzzed)  # the loader itself accepts it, else this tests nothing
    return fuzzed


@pytest.mark.parametrize('old, new', [
    (b'san.example.com', b'san\xffexample.com'),  # a SAN that is no IA5String: ValueError from csr.extensions
    (b'subject.example', b'subject\xffexample'),  # a CN that is no UTF-8: ValueError from csr.subject
    (bytes(bytearray([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02])),  # ecdsa-with-SHA256 -> unknown OID:
     bytes(bytearray([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x7F]))),  # UnsupportedAlgorithm
], ids=['bad-san', 'bad-subject', 'unknown-signature'])
def test_load_csr_refuses_a_request_it_cannot_read_in_full(pki, old, new):
    # before: load_csr returned it, and csr_facts/csr_matches/sign_csr raised ValueError or UnsupportedAlgorithm
    assert csrlib.load_csr(_fuzzed_csr(pki, old, new)) is None


def test_load_csr_refuses_an_extension_twice(pki):
    # DuplicateExtension is no ValueError: sign_csr and csr ended in a traceback
    builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([
        x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, u'subject.example')]))
    for last in (1, 2):
        builder = builder.add_extension(x509.UnrecognizedExtension(
            x509.ObjectIdentifier('1.3.6.1.4.1.99999.%d' % last), b'\x05\x00'), critical=False)
    data = builder.sign(pki.ec_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    assert data.count(b'\x86\x8d\x1f\x02') == 1
    fuzzed = data.replace(b'\x86\x8d\x1f\x02', b'\x86\x8d\x1f\x01')
    with pytest.raises(x509.DuplicateExtension):
        list(x509.load_der_x509_csr(fuzzed).extensions)
    assert csrlib.load_csr(fuzzed) is None
    assert csrlib.load_csr(data) is not None


def test_load_csr_refuses_an_unknown_version(pki):
    data = _fuzzed_csr(pki, b'san.example.com', b'san.example.com')
    fuzzed = data[:4] + data[4:].replace(b'\x02\x01\x00', b'\x02\x01\x05', 1)  # CertificationRequestInfo version
    assert fuzzed != data
    # before: x509.InvalidVersion (no ValueError) came out of load_csr
    assert csrlib.load_csr(fuzzed) is None
    assert csrlib.load_csr(data) is not None


def test_load_csr_refuses_an_ec_point_off_its_curve(pki):
    # cryptography 3.4.8 raised InternalError (an unmapped OpenSSL error) from csr.public_key(), later ones ValueError
    point = pki.ec_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    off_curve = point[:-1] + bytes(bytearray([point[-1] ^ 0x01]))
    data = _fuzzed_csr(pki, point, off_curve)
    assert csrlib.load_csr(data) is None
    assert csrlib.load_csr(_fuzzed_csr(pki, point, point)) is not None
