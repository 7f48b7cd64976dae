# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The DER reader of _certder against cryptography: what key_entry reports and compares on a run that changes
nothing (issue 11) must be what cryptography would have said, or be left to it (None)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import ipaddress
import itertools

import pytest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ansible_collections.javasec.keystore.plugins.module_utils import _certder as certder
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _certparse as certparse
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue
from ansible_collections.javasec.keystore.plugins.module_utils._wanted import wanted_der
from ansible_collections.javasec.keystore.plugins.module_utils import _keyplan as keyplan
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import der_of, key_der_of

NOW = datetime.datetime(2026, 11, 30, tzinfo=datetime.timezone.utc)
KEY = ec.generate_private_key(ec.SECP256R1())


def _forbid_x509(monkeypatch):
    """Make any X.509 parse through the engine fail the test."""
    def forbidden(*args, **kwargs):
        raise AssertionError('X.509 parsed on a path that must read DER only')
    # where they are defined: certs.load_cert and the engine's own calls all reach these
    for name in ('load_cert', 'load_certificates', 'derive_alias', 'build_chain'):
        monkeypatch.setattr(certparse, name, forbidden)


def _cert(name, extensions=(), key=KEY, days=30):
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(7).not_valid_before(NOW).not_valid_after(NOW + datetime.timedelta(days=days)))
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(key, None if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey))
                        else hashes.SHA256())


def _name(*pairs):
    return x509.Name([x509.RelativeDistinguishedName([x509.NameAttribute(oid, value)]) for oid, value in pairs])


def _ku(**flags):
    return x509.KeyUsage(**dict(dict.fromkeys(issue.KEY_USAGES, False), **flags))


# certificates: the subject (DER order), then the extensions
SUBJECTS = {
    'cn': _name((NameOID.COMMON_NAME, u'app.example.test')),
    'o,cn': _name((NameOID.ORGANIZATION_NAME, u'javasec'), (NameOID.COMMON_NAME, u'app.example.test')),
    'c,st,l,o,ou,cn': _name((NameOID.COUNTRY_NAME, u'NL'), (NameOID.STATE_OR_PROVINCE_NAME, u'Noord-Holland'),
                            (NameOID.LOCALITY_NAME, u'Amsterdam'), (NameOID.ORGANIZATION_NAME, u'Example, Inc.'),
                            (NameOID.ORGANIZATIONAL_UNIT_NAME, u'Ops+Platform'), (NameOID.COMMON_NAME, u'caf\u00e9')),
    'multi-valued': x509.Name([x509.RelativeDistinguishedName([
        x509.NameAttribute(NameOID.COMMON_NAME, u'a'), x509.NameAttribute(NameOID.USER_ID, u'b')])]),
    'cn printable': x509.Name([x509.RelativeDistinguishedName([
        x509.NameAttribute(NameOID.COMMON_NAME, u'app.example.test', x509.name._ASN1Type.PrintableString)])]),
}
EXTENSIONS = {
    'none': [],
    'server': [(x509.SubjectAlternativeName([x509.DNSName(u'app.example.test'),
                                             x509.IPAddress(ipaddress.ip_address(u'10.0.0.5'))]), False),
               (_ku(digital_signature=True, key_encipherment=True), True),
               (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), False),
               (x509.BasicConstraints(ca=False, path_length=None), True)],
    'eku reversed, ipv6': [
        (x509.SubjectAlternativeName([x509.DNSName(u'app.example.test'),
                                      x509.IPAddress(ipaddress.ip_address(u'2001:db8::1'))]), False),
        (_ku(digital_signature=True, key_encipherment=True), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH]), False)],
    'ca': [(x509.BasicConstraints(ca=True, path_length=0), True), (_ku(key_cert_sign=True, crl_sign=True), True)],
    'email san': [(x509.SubjectAlternativeName([x509.DNSName(u'app.example.test'),
                                                x509.RFC822Name(u'ops@example.test')]), False)],
    'encipher only': [(_ku(key_agreement=True, encipher_only=True), True)],
    'dotted eku': [(x509.ExtendedKeyUsage([x509.ObjectIdentifier('1.2.3.4')]), False)],
    'mixed case dns': [(x509.SubjectAlternativeName([x509.DNSName(u'App.example.test')]), False)],
}
# what tasks ask: (subject, subject_alt_names, key_usage, extended_key_usage, is_ca)
WANTED = [
    ('CN=app.example.test', [], [], [], False),
    ('CN=app.example.test', ['DNS:app.example.test'], [], [], False),
    ('CN=app.example.test', ['DNS:App.example.test'], [], [], False),
    ('CN=app.example.test', ['DNS:app.example.test', 'IP:10.0.0.5'], ['digitalSignature', 'keyEncipherment'],
     ['serverAuth', 'clientAuth'], False),
    ('CN=app.example.test', ['IP:10.0.0.5', 'DNS:app.example.test'], ['key_encipherment', 'digital_signature'],
     ['server_auth', 'client_auth'], False),
    ('CN=app.example.test', ['DNS:app.example.test', 'IP:2001:db8:0::1'], ['digitalSignature', 'keyEncipherment'],
     ['clientAuth', 'serverAuth'], False),
    ('CN=app.example.test', ['DNS:APP.example.test', 'IP:10.0.0.5'], ['digitalSignature', 'keyEncipherment'],
     ['serverAuth', 'clientAuth'], False),
    ('CN=app.example.test, O=javasec', [], [], [], False),
    ('O=javasec,CN=app.example.test', [], [], [], False),
    ('CN=caf\u00e9,OU=Ops\\+Platform,O="Example, Inc.",L=Amsterdam,S=Noord-Holland,C=NL', [], [], [], False),
    ('CN=app.example.test', [], ['keyCertSign', 'cRLSign'], [], True),
    ('CN=app.example.test', [], ['keyCertSign', 'cRLSign'], [], False),
    ('CN=a+UID=b', [], [], [], False),
    ('CN=app.example.test', ['DNS:app.example.test', 'email:ops@example.test'], [], [], False),
    ('CN=app.example.test', [], ['keyAgreement', 'encipher_only'], [], False),
    ('CN=app.example.test', [], ['unknown'], [], False),
    ('C=NLD,CN=app.example.test', [], [], [], False),
    ('CN=app.example.test', [], [], ['1.2.3.4'], False),
    ('2.5.4.3=app.example.test', [], [], [], False),
    ('CN=#0c106170702e6578616d706c652e74657374', [], [], [], False),
]


def _by_cryptography(monkeypatch, leaf, wanted):
    with monkeypatch.context() as patched:
        patched.setattr(certder, 'leaf_matches', lambda *args: None)
        return keyplan._cert_matches(wanted, leaf)


def test_leaf_matches_as_cryptography_judges(monkeypatch):
    decided = 0
    for (subject_case, name), (extension_case, extensions) in itertools.product(SUBJECTS.items(), EXTENSIONS.items()):
        leaf = der_of(_cert(name, extensions))
        for subject, sans, ku, eku, is_ca in WANTED:
            wanted = keyplan.KeyOptions(subject=subject, subject_alt_names=sans, key_usage=ku,
                                        extended_key_usage=eku, is_ca=is_ca)
            der_wanted = wanted_der(subject, sans, ku, eku, is_ca)
            fast = certder.leaf_matches(leaf, der_wanted) if der_wanted is not None else None
            case = (subject_case, extension_case, subject, sans, ku, eku, is_ca)
            try:
                expected = _by_cryptography(monkeypatch, leaf, wanted)
            except model.CertificateInputError as exc:
                # input the comparison through cryptography refuses: the reader must not answer it
                assert fast is None, case
                with pytest.raises(model.CertificateInputError, match=str(exc)):
                    keyplan._cert_matches(wanted, leaf)
                continue
            if fast is not None:
                decided += 1
                assert fast is expected, case
            assert keyplan._cert_matches(wanted, leaf) is expected, case
    # the reader must answer the common cases itself, or it saves nothing
    assert decided > len(SUBJECTS) * len(EXTENSIONS) * len(WANTED) // 3


@pytest.mark.parametrize('wanted', [
    ('CN=a+UID=b', [], [], [], False),  # multi-valued RDN
    ('2.5.4.3=x', [], [], [], False),  # dotted OID: cryptography checks its arcs
    ('C=NLD', [], [], [], False),  # C is two letters: parse_subject's error
    ('CN=' + 'x' * 65, [], [], [], False),  # CN is at most 64
    ('CN=x', ['URI:https://x'], [], [], False),
    ('CN=x', ['IP:not-an-address'], [], [], False),  # parse_sans' error
    ('CN=x', ['DNS:caf\u00e9'], [], [], False),
    ('CN=x', [], ['unknown'], [], False),
    ('CN=x', [], ['keyAgreement', 'decipher_only'], [], False),
    ('CN=x', [], [], ['1.3.6.1.5.5.7.3.1'], False),
    ({'CN': 'x'}, [], [], [], False),
    ('', [], [], [], False),
])
def test_what_the_reader_leaves_to_cryptography(wanted):
    assert wanted_der(*wanted) is None


def test_common_wanted_in_der_terms():
    wanted = wanted_der('CN=h000', ['DNS:h000', 'IP:10.0.0.5'], ['digitalSignature', 'keyEncipherment'],
                        ['serverAuth', 'clientAuth'], False)
    assert wanted == certder.Wanted((('2.5.4.3', 'h000'),), (('DNS', 'h000'), ('IP', ipaddress.ip_address('10.0.0.5'))),
                                    frozenset([0, 2]), ('1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'), False)


@pytest.mark.parametrize('key, expected', [
    (rsa.generate_private_key(65537, 2048), ('RSA', 2048)),
    (rsa.generate_private_key(65537, 3072), ('RSA', 3072)),
    (ec.generate_private_key(ec.SECP256R1()), ('EC', 256)),
    (ec.generate_private_key(ec.SECP384R1()), ('EC', 384)),
    (ec.generate_private_key(ec.SECP521R1()), ('EC', 521)),
    (ed25519.Ed25519PrivateKey.generate(), ('Ed25519', 255)),
    (ed448.Ed448PrivateKey.generate(), None),
    (ec.generate_private_key(ec.SECP256K1()), None),
], ids=['rsa2048', 'rsa3072', 'p256', 'p384', 'p521', 'ed25519', 'ed448', 'secp256k1'])
def test_public_key_info_as_cryptography(key, expected):
    cert = _cert(_name((NameOID.COMMON_NAME, u'k')), key=key)
    assert certder.public_key_info(der_of(cert)) == expected
    if expected is not None:
        assert expected == certs.public_key_info(cert.public_key())


def test_summary_and_pem_as_cryptography(pki):
    for cert in (pki.root, pki.inter, pki.rsa_leaf, pki.ec_leaf, pki.ed_cert, pki.expired):
        cert_der = der_of(cert)
        assert certder.summary(cert_der) == (cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(),
                                             certs.cert_not_after(cert))
        assert certs.pem(cert_der) == cert.public_bytes(serialization.Encoding.PEM).decode('ascii')
    odd = _cert(SUBJECTS['multi-valued'])
    assert certder.summary(der_of(odd)) is None  # left to cryptography: chain_summary still answers
    assert certs.chain_summary([der_of(odd)])[0]['subject'] == odd.subject.rfc4514_string()


def test_unchanged_ca_signed_entry_reads_der_only(pki, monkeypatch):
    """What key_entry does on every run for a CA-signed entry that is what the task asks: no X.509 parse."""
    store = model.Keystore('pkcs12')
    store.add(model.PrivateKeyEntry('server', pki.rsa_chain, key_der_of(pki.rsa_key)))
    data = codec.dump_bytes(store, 'changeit')
    _forbid_x509(monkeypatch)
    loaded = codec.load_bytes(data, 'changeit')
    entry = keyplan.key_entry_of(loaded, 'server')
    assert entry.chain == pki.rsa_chain
    leaf = pki.rsa_chain[0]
    options = keyplan.KeyOptions(key_type='rsa', subject=pki.rsa_leaf.subject.rfc4514_string())
    assert keyplan.plan_generate(entry, options, NOW) is keyplan.UNCHANGED
    # the test PKI's leaf: two DNS names, no key usage nor EKU
    asked = {'subject': options.subject, 'subject_alt_names': ['DNS:www.example.com', 'DNS:rsa.example.com'],
             'key_usage': [], 'extended_key_usage': [], 'is_ca': False}
    assert keyplan.leaf_matches(leaf, asked) is True
    assert keyplan.leaf_matches(leaf, dict(asked, subject_alt_names=['DNS:rsa.example.com'])) is False
    assert keyplan.leaf_matches(leaf, dict(asked, subject='CN=other')) is False
    assert keyplan.renewal(leaf, 30, NOW).days_remaining > 0
    assert [c['sha256'] for c in certs.chain_summary(entry.chain)] == [certs.fingerprint(c) for c in pki.rsa_chain]
    assert certs.pem(leaf).startswith('-----BEGIN CERTIFICATE-----\n')


def test_key_usage_with_padding_bits_is_left_to_cryptography():
    # found by review: cryptography 3.4 (OpenSSL) clears the unused bits of the BIT STRING, later versions refuse the
    # certificate; counting them gave 3.4 the opposite answer
    cert_der = der_of(_cert(_name((NameOID.COMMON_NAME, u'app')),
                            [(_ku(digital_signature=True, key_encipherment=True), True)]))
    assert b'\x03\x02\x05\xa0' in cert_der
    wanted = wanted_der('CN=app', [], ['digitalSignature', 'keyEncipherment'], [], False)
    assert certder.leaf_matches(cert_der, wanted) is True
    padded = cert_der.replace(b'\x03\x02\x05\xa0', b'\x03\x02\x07\xa0')
    assert certder.leaf_matches(padded, wanted) is None
    assert certder.leaf_matches(padded, wanted_der('CN=app', [], ['digitalSignature'], [], False)) is None
