# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_issue: subjects, alternative names, key usages, signature algorithms and the certificates we sign."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import ipaddress

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, rsa  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID  # noqa: E402


def _fail(function, *args, **kwargs):
    with pytest.raises(model.CertificateInputError) as info:
        function(*args, **kwargs)
    return str(info.value)


# ---- subjects ----------------------------------------------------------------------------------


def test_parse_subject_dname_order_as_keytool():
    """keytool -dname lists CN first; in DER the CN comes last, so RFC 4514 reads back as given."""
    name = issue.parse_subject('CN=app.example.com, OU=Ops, O=Example, L=Berlin, ST=Berlin, C=DE')
    assert name.rfc4514_string() == 'CN=app.example.com,OU=Ops,O=Example,L=Berlin,ST=Berlin,C=DE'
    assert [a.oid for a in name] == [NameOID.COUNTRY_NAME, NameOID.STATE_OR_PROVINCE_NAME, NameOID.LOCALITY_NAME,
                                     NameOID.ORGANIZATION_NAME, NameOID.ORGANIZATIONAL_UNIT_NAME,
                                     NameOID.COMMON_NAME]


def test_parse_subject_escaped_comma_and_s_alias():
    name = issue.parse_subject('CN=web,OU=Ops\\, Platform,O=Example\\, Inc.,S=Bavaria,C=DE')
    assert name.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == 'Ops, Platform'
    assert name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == 'Example, Inc.'
    assert name.get_attributes_for_oid(NameOID.STATE_OR_PROVINCE_NAME)[0].value == 'Bavaria'
    assert name.rfc4514_string() == 'CN=web,OU=Ops\\, Platform,O=Example\\, Inc.,ST=Bavaria,C=DE'


def test_parse_subject_long_names_and_extra_attributes():
    name = issue.parse_subject('commonName=a,emailAddress=ops@example.com,DC=example,DC=com,serialNumber=42,'
                               'street=Main St 1')
    oids = [a.oid for a in reversed(list(name))]
    assert oids == [NameOID.COMMON_NAME, NameOID.EMAIL_ADDRESS, NameOID.DOMAIN_COMPONENT, NameOID.DOMAIN_COMPONENT,
                    NameOID.SERIAL_NUMBER, NameOID.STREET_ADDRESS]


def test_parse_subject_dict_form():
    name = issue.parse_subject({'CN': 'app', 'organizational_unit': 'Ops, Platform', 'organization': 'Example',
                                'country': 'DE', 'st': 'Bavaria'})
    assert name.rfc4514_string() == 'CN=app,OU=Ops\\, Platform,O=Example,C=DE,ST=Bavaria'
    assert issue.parse_subject({'cn': 7}).get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == '7'
    assert issue.parse_subject({'CN': 'a', 'O': 'b'}) == issue.parse_subject('CN=a,O=b')


def _rdns(name):
    """The RDNs of a Name as written in a dname (most specific first), each a sorted list of (OID, value)."""
    return [sorted((a.oid.dotted_string, a.value) for a in rdn) for rdn in reversed(name.rdns)]


CN, O, OU, C, ST, UID, DC = '2.5.4.3', '2.5.4.10', '2.5.4.11', '2.5.4.6', '2.5.4.8', '0.9.2342.19200300.100.1.1', \
    '0.9.2342.19200300.100.1.25'


@pytest.mark.parametrize('subject, rdns', [
    # multi-valued RDN: one RDN of two attributes (sorted by OID here), not a CN "a+UID=b"
    ('CN=a+UID=b,O=x', [[(UID, 'b'), (CN, 'a')], [(O, 'x')]]),
    ('CN = a + UID = b , O = x', [[(UID, 'b'), (CN, 'a')], [(O, 'x')]]),
    # quoted values keep separators and spaces
    ('O="Example, Inc.",C=NL', [[(O, 'Example, Inc.')], [(C, 'NL')]]),
    ('CN="a+b;c\\"d",O=" x "', [[(CN, 'a+b;c"d')], [(O, ' x ')]]),
    # escapes: specials, a leading #, hex pairs (one UTF-8 character of two bytes), an escaped trailing space
    ('CN=a\\,b\\+c\\"d\\\\e\\;f\\<g\\>h\\=i', [[(CN, 'a,b+c"d\\e;f<g>h=i')]]),
    ('CN=\\#x', [[(CN, '#x')]]),
    ('CN=\\2C\\41\\2b', [[(CN, ',A+')]]),
    ('CN=caf\\C3\\A9,O=caf\u00e9', [[(CN, 'caf\u00e9')], [(O, 'caf\u00e9')]]),
    ('CN=trail\\ ,O=x', [[(CN, 'trail ')], [(O, 'x')]]),
    ('CN=a b  c  ', [[(CN, 'a b  c')]]),
    # #hex: the BER encoding of a string (UTF8String, PrintableString, BMPString, long form length)
    ('CN=#0c03616263', [[(CN, 'abc')]]),
    ('CN=#130161 ,O=#1e0400e90062', [[(CN, 'a')], [(O, '\u00e9b')]]),
    ('CN=#0c8103616263', [[(CN, 'abc')]]),
    # keytool -dname: ; between RDNs, S for ST, lowercase names, dotted OIDs with and without OID.
    ('CN=a;O=b', [[(CN, 'a')], [(O, 'b')]]),
    ('S=Utrecht,st=Bavaria', [[(ST, 'Utrecht')], [(ST, 'Bavaria')]]),
    ('OID.2.5.4.3=x,oid.2.5.4.10=y,2.5.4.11=z,1.2.3.4=w', [[(CN, 'x')], [(O, 'y')], [(OU, 'z')], [('1.2.3.4', 'w')]]),
    ('UID=u,DC=example,DC=com', [[(UID, 'u')], [(DC, 'example')], [(DC, 'com')]]),
    ('EMAIL=a@b,T=Mr,SURNAME=s,GIVENNAME=g,INITIALS=i,GENERATION=III,DNQ=q,SERIALNUMBER=1,IP=192.0.2.1',
     [[('1.2.840.113549.1.9.1', 'a@b')], [('2.5.4.12', 'Mr')], [('2.5.4.4', 's')], [('2.5.4.42', 'g')],
      [('2.5.4.43', 'i')], [('2.5.4.44', 'III')], [('2.5.4.46', 'q')], [('2.5.4.5', '1')],
      [('1.3.6.1.4.1.42.2.11.2.1', '192.0.2.1')]]),
    ('CN=a=b', [[(CN, 'a=b')]]),
])
def test_parse_subject_rfc4514_and_keytool_forms(subject, rdns):
    assert _rdns(issue.parse_subject(subject)) == rdns


def test_parse_subject_multi_valued_rdn_in_der():
    name = issue.parse_subject('CN=a+UID=b,O=x')
    assert len(name.rdns) == 2 and len(name.rdns[1]) == 2
    assert name.rdns[0].get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == 'x'
    assert name.rfc4514_string() in ('CN=a+UID=b,O=x', 'UID=b+CN=a,O=x')
    # the same RDN whatever order its attributes were written in: a store written by keytool compares equal
    assert name == issue.parse_subject('UID=b+CN=a,O=x')
    assert name != issue.parse_subject('CN=a,UID=b,O=x')


def test_parse_subject_dict_lists():
    name = issue.parse_subject({'CN': 'a', 'DC': ['example', 'com']})
    assert _rdns(name) == [[(CN, 'a')], [(DC, 'example')], [(DC, 'com')]]


@pytest.mark.parametrize('subject, message', [
    ('CN=a,XX=b', 'unknown subject attribute XX'),
    ({'CN': 'a', 'nickname': 'b'}, 'unknown subject attribute nickname'),
    ('CN=a,just text', 'subject part "just text" is not NAME=value'),
    ('', 'the subject is empty'),
    (' , ,', 'the subject is empty'),
    ({}, 'the subject is empty'),
    ('CN=a,', 'the subject "CN=a," has an empty part'),
    ('CN=a,,O=b', 'the subject "CN=a,,O=b" has an empty part'),
    ('CN=a+', 'the subject "CN=a+" has an empty part'),
    ('=x,O=b', 'the subject "=x,O=b" has a value without an attribute name'),
    ('CN=a, =x', 'the subject "CN=a, =x" has a value without an attribute name'),
    ('O="Example, Inc.', 'subject attribute O: the quoted value has no closing quote'),
    ('O="Example\\"', 'subject attribute O: the quoted value has no closing quote'),
    ('O="Example" Inc.', 'subject attribute O: text after the closing quote'),
    ('CN=abc\\', 'subject attribute CN: the value ends with a lone backslash'),
    ('CN=\\C3', 'subject attribute CN: the escaped bytes are not UTF-8'),
    ('CN=#x', 'subject attribute CN: "#x" is not an even number of hex digits'),
    ('CN=#0c', 'subject attribute CN: "#0c" is not a BER encoded string'),
    ('CN=#020101', 'subject attribute CN: "#020101" is not a BER encoded string'),
    ('CN=#0c0561', 'subject attribute CN: the length of "#0c0561" does not match its content'),
    ('1.40.1=x', 'subject attribute 1.40.1 is not a valid OID'),
    ('OID.x=1', 'unknown subject attribute OID.x'),
    ('CN=a+CN=a', 'subject RDN CN+CN: duplicate attributes are not allowed'),
    ('CN=#0c0161 xO=b', 'subject attribute CN: text after the #hex value'),  # before: CN=a,O=b
    ('CN=', 'subject attribute CN: the value must be a non-empty string'),  # before: accepted by cryptography 3.4.8
    ({'CN': None}, 'subject attribute CN: the value must be a non-empty string'),  # before: CN=None
    (['CN=a'], 'the subject must be a string (CN=...,O=...) or a dict, not a list'),  # before: AttributeError
    (5, 'the subject must be a string (CN=...,O=...) or a dict, not a int'),
])
def test_parse_subject_errors(subject, message):
    assert _fail(issue.parse_subject, subject) == message


def test_parse_subject_values_cryptography_refuses():
    """cryptography's own limits (a country is two letters) are input errors naming the attribute."""
    assert _fail(issue.parse_subject, 'CN=a,C=NLD').startswith('subject attribute C: ')


# ---- subject alternative names -----------------------------------------------------------------


def test_parse_sans_each_type():
    sans = issue.parse_sans(['DNS:app.example.com', 'dns:*.example.com', 'IP:10.0.0.5', 'ip:2001:db8::1',
                             'URI:https://app.example.com/x', 'email:ops@example.com', 'RFC822:sec@example.com'])
    assert sans == [x509.DNSName(u'app.example.com'), x509.DNSName(u'*.example.com'),
                    x509.IPAddress(ipaddress.ip_address(u'10.0.0.5')),
                    x509.IPAddress(ipaddress.ip_address(u'2001:db8::1')),
                    x509.UniformResourceIdentifier(u'https://app.example.com/x'),
                    x509.RFC822Name(u'ops@example.com'), x509.RFC822Name(u'sec@example.com')]
    # and back as the facts report them
    assert certs.general_names(sans) == ['DNS:app.example.com', 'DNS:*.example.com', 'IP:10.0.0.5',
                                         'IP:2001:db8::1', 'URI:https://app.example.com/x', 'email:ops@example.com',
                                         'email:sec@example.com']
    assert issue.parse_sans(None) == [] and issue.parse_sans([]) == []


@pytest.mark.parametrize('value, message', [
    ('app.example.com', 'subject alternative name "app.example.com" needs a type prefix (DNS:, IP:, URI:, email:)'),
    ('IP:10.0.0.300', '"10.0.0.300" is not an IP address'),
    ('IP:app.example.com', '"app.example.com" is not an IP address'),
    ('RID:1.2.3.4', 'unsupported subject alternative name type RID'),
    ('dirName:CN=x', 'unsupported subject alternative name type DIRNAME'),
])
def test_parse_sans_errors(value, message):
    assert _fail(issue.parse_sans, ['DNS:ok.example.com', value]) == message


# ---- usages ------------------------------------------------------------------------------------


def test_key_usage_keytool_and_snake_case_names():
    camel = issue.key_usage_extension(['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'keyCertSign',
                                       'cRLSign'])
    snake = issue.key_usage_extension(['digital_signature', 'content_commitment', 'key_encipherment',
                                       'key_cert_sign', 'crl_sign'])
    assert camel == snake
    assert (camel.digital_signature, camel.content_commitment, camel.key_encipherment, camel.data_encipherment,
            camel.key_agreement, camel.key_cert_sign, camel.crl_sign) == (True, True, True, False, False, True, True)
    assert issue.key_usage_names(camel) == ['digital_signature', 'content_commitment', 'key_encipherment',
                                            'key_cert_sign', 'crl_sign']


def test_key_usage_both_directions_every_flag():
    for name in issue.KEY_USAGES:
        names = [name] if name not in ('encipher_only', 'decipher_only') else ['key_agreement', name]
        assert issue.key_usage_names(issue.key_usage_extension(names)) == sorted(
            names, key=issue.KEY_USAGES.index)


def test_key_usage_unknown():
    assert _fail(issue.key_usage_extension, ['digitalSignature', 'signEverything']) == \
        'unknown key usage signEverything'


def test_eku_both_directions():
    eku = issue.eku_extension(['serverAuth', 'client_auth', 'codeSigning', 'emailProtection', 'timeStamping',
                               'OCSPSigning', '1.3.6.1.5.5.7.3.17'])
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH,
                         ExtendedKeyUsageOID.CODE_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION,
                         ExtendedKeyUsageOID.TIME_STAMPING, ExtendedKeyUsageOID.OCSP_SIGNING,
                         x509.ObjectIdentifier('1.3.6.1.5.5.7.3.17')]
    assert issue.eku_names(eku) == ['server_auth', 'client_auth', 'code_signing', 'email_protection',
                                    'time_stamping', 'ocsp_signing', '1.3.6.1.5.5.7.3.17']


def test_eku_unknown():
    assert _fail(issue.eku_extension, ['serverAuth', 'anyThing']) == 'unknown extended key usage anyThing'


# ---- signature algorithms ----------------------------------------------------------------------


def _keys(pki):
    return {'rsa': pki.rsa_key, 'ec256': pki.ec_key, 'ec384': pki.root_key,
            'ec521': ec.generate_private_key(ec.SECP521R1()), 'ed25519': pki.ed_key,
            'ed448': ed448.Ed448PrivateKey.generate()}


# What keytool 17 -genkeypair prints as the signature algorithm of each key (RSA 2048, DSA 1024/2048,
# EC by curve, EdDSA): the default every certificate and CSR we sign follows.
KEYTOOL_DEFAULTS = {'rsa': ('SHA256withRSA', hashes.SHA256), 'ec256': ('SHA256withECDSA', hashes.SHA256),
                    'ec384': ('SHA384withECDSA', hashes.SHA384), 'ec521': ('SHA512withECDSA', hashes.SHA512),
                    'ed25519': ('Ed25519', None), 'ed448': ('Ed448', None)}


def test_signature_for_defaults_as_keytool_chooses(pki):
    for kind, key in _keys(pki).items():
        name, hash_class = KEYTOOL_DEFAULTS[kind]
        chosen = issue.signature_for(key)
        assert chosen.name == name, kind
        assert chosen == issue.signature_for(key, None)
        if hash_class is None:
            assert chosen.hash is None
        else:
            assert isinstance(chosen.hash, hash_class), kind


def test_signature_for_large_rsa_keys_as_keytool_chooses():
    # keytool 17 -genkeypair -keyalg RSA -keysize 4096 prints (SHA384withRSA): the hash follows the key's strength
    for size, name in ((3072, 'SHA256withRSA'), (4096, 'SHA384withRSA')):
        key = rsa.generate_private_key(public_exponent=65537, key_size=size)
        assert issue.signature_for(key).name == name, size
        assert issue.default_signature_algorithm(key) == name, size


def test_signature_for_dsa():
    key = dsa.generate_private_key(1024)
    assert issue.signature_for(key).name == 'SHA256withDSA'
    assert issue.signature_for(key, 'sha384withdsa').name == 'SHA384withDSA'
    assert _fail(issue.signature_for, key, 'SHA256withRSA') == \
        'signature algorithm SHA256withRSA does not fit a DSA key; use SHA256withDSA, SHA384withDSA or SHA512withDSA'


@pytest.mark.parametrize('kind, given, canonical', [
    ('rsa', 'sha384withrsa', 'SHA384withRSA'),
    ('rsa', 'SHA-512withRSA', 'SHA512withRSA'),
    ('rsa', 'SHA224withRSA', 'SHA224withRSA'),
    ('ec256', 'sha512WithEcdsa', 'SHA512withECDSA'),
    ('ec384', 'SHA256withECDSA', 'SHA256withECDSA'),
    ('ed25519', 'ed25519', 'Ed25519'),
    ('ed25519', 'EdDSA', 'Ed25519'),
    ('ed448', 'EdDSA', 'Ed448'),
])
def test_signature_for_canonical_names(pki, kind, given, canonical):
    chosen = issue.signature_for(_keys(pki)[kind], given)
    assert chosen.name == canonical
    if canonical.startswith('SHA'):
        assert chosen.hash.name == canonical[:6].lower()


@pytest.mark.parametrize('kind, given, message', [
    ('rsa', 'SHA256withECDSA',
     'signature algorithm SHA256withECDSA does not fit an RSA key; use SHA256withRSA, SHA384withRSA or SHA512withRSA'),
    ('rsa', 'Ed25519',
     'signature algorithm Ed25519 does not fit an RSA key; use SHA256withRSA, SHA384withRSA or SHA512withRSA'),
    ('rsa', 'SHA1withRSA',
     'signature algorithm SHA1withRSA does not fit an RSA key; use SHA256withRSA, SHA384withRSA or SHA512withRSA'),
    ('rsa', 'MD5withRSA',
     'signature algorithm MD5withRSA does not fit an RSA key; use SHA256withRSA, SHA384withRSA or SHA512withRSA'),
    ('ec256', 'SHA256withRSA',
     'signature algorithm SHA256withRSA does not fit an EC key; use SHA256withECDSA, SHA384withECDSA or '
     'SHA512withECDSA'),
    ('ed25519', 'SHA256withRSA', 'signature algorithm SHA256withRSA does not fit an Ed25519 key; use Ed25519'),
    ('ed25519', 'Ed448', 'signature algorithm Ed448 does not fit an Ed25519 key; use Ed25519'),
    ('ed448', 'Ed25519', 'signature algorithm Ed25519 does not fit an Ed448 key; use Ed448'),
])
def test_signature_for_mismatch(pki, kind, given, message):
    assert _fail(issue.signature_for, _keys(pki)[kind], given) == message


@pytest.mark.parametrize('given', ['RSASSA-PSS', 'SHA256withRSA/PSS', 'SHA256withRSAandMGF1', 'rsassa-pss'])
def test_signature_for_refuses_pss(pki, given):
    """Reading the hash off a PSS name would sign PKCS#1 v1.5 where PSS was asked for."""
    message = _fail(issue.signature_for, pki.rsa_key, given)
    assert message == ('signature algorithm %s (RSASSA-PSS) is not supported for what this collection signs; use '
                       'SHA256withRSA, SHA384withRSA or SHA512withRSA' % given)


# ---- certificates ------------------------------------------------------------------------------


def _ext(cert, oid):
    return cert.extensions.get_extension_for_oid(oid)


def test_build_certificate_extensions_as_keytool_writes_them(pki):
    """keytool -gencert: SKI and AKI not critical, BasicConstraints and KeyUsage critical, SAN and EKU not."""
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    cert_der = issue.build_certificate(
        issue.parse_subject('CN=app.example.com,O=Example'), pki.rsa_key.public_key(), pki.inter.subject,
        pki.inter_key, 397, sans=issue.parse_sans(['DNS:app.example.com', 'IP:10.0.0.5']),
        key_usage=['digitalSignature', 'keyEncipherment'], extended_key_usage=['serverAuth', 'clientAuth'],
        issuer_public_key=pki.inter_key.public_key(), not_before=start, serial=4242)
    cert = certs.load_cert(cert_der)
    assert cert.version == x509.Version.v3
    assert cert.serial_number == 4242
    assert certs.cert_not_before(cert) == start
    assert certs.cert_not_after(cert) == start + datetime.timedelta(days=397)
    assert cert.subject.rfc4514_string() == 'CN=app.example.com,O=Example'
    assert cert.issuer == pki.inter.subject
    assert support.is_issued_by(cert, pki.inter)
    assert issue.signature_for(pki.inter_key).name == 'SHA256withECDSA'
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA256)
    found = [(e.oid, e.critical) for e in cert.extensions]
    assert found == [(ExtensionOID.SUBJECT_KEY_IDENTIFIER, False), (ExtensionOID.AUTHORITY_KEY_IDENTIFIER, False),
                     (ExtensionOID.SUBJECT_ALTERNATIVE_NAME, False), (ExtensionOID.KEY_USAGE, True),
                     (ExtensionOID.EXTENDED_KEY_USAGE, False)]
    assert _ext(cert, ExtensionOID.SUBJECT_KEY_IDENTIFIER).value == \
        x509.SubjectKeyIdentifier.from_public_key(pki.rsa_key.public_key())
    aki = _ext(cert, ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value
    assert aki.key_identifier == x509.SubjectKeyIdentifier.from_public_key(pki.inter_key.public_key()).digest
    assert certs.general_names(_ext(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value) == \
        ['DNS:app.example.com', 'IP:10.0.0.5']
    assert issue.key_usage_names(_ext(cert, ExtensionOID.KEY_USAGE).value) == \
        ['digital_signature', 'key_encipherment']
    assert issue.eku_names(_ext(cert, ExtensionOID.EXTENDED_KEY_USAGE).value) == ['server_auth', 'client_auth']


def test_build_ca_certificate_self_signed(pki):
    name = issue.parse_subject('CN=Local CA')
    cert = certs.load_cert(issue.build_certificate(
        name, pki.root_key.public_key(), name, pki.root_key, 30, key_usage=['keyCertSign', 'cRLSign'], is_ca=True,
        path_length=1, signature_algorithm='SHA512withECDSA'))
    assert [(e.oid, e.critical) for e in cert.extensions] == [
        (ExtensionOID.SUBJECT_KEY_IDENTIFIER, False), (ExtensionOID.BASIC_CONSTRAINTS, True),
        (ExtensionOID.KEY_USAGE, True)]
    assert _ext(cert, ExtensionOID.BASIC_CONSTRAINTS).value == x509.BasicConstraints(ca=True, path_length=1)
    assert isinstance(cert.signature_hash_algorithm, hashes.SHA512)
    assert support.is_issued_by(cert, cert)
    assert certs.cert_not_after(cert) - certs.cert_not_before(cert) == datetime.timedelta(days=30)


def test_build_certificate_refuses_a_mismatched_algorithm_before_signing(pki):
    name = issue.parse_subject('CN=x')
    message = _fail(issue.build_certificate, name, pki.rsa_key.public_key(), name, pki.ec_key, 1,
                    signature_algorithm='SHA256withRSA')
    assert message.startswith('signature algorithm SHA256withRSA does not fit an EC key')


def _old_self_signed(pki, key):
    name = issue.parse_subject('CN=old.example.com,OU=Ops\\, Platform,O=Example,C=DE')
    return issue.build_certificate(
        name, key.public_key(), name, key, 10, sans=issue.parse_sans(['DNS:old.example.com', 'IP:192.0.2.7']),
        key_usage=['digitalSignature', 'keyCertSign'], extended_key_usage=['serverAuth', '1.3.6.1.5.5.7.3.17'],
        is_ca=True, path_length=0, issuer_public_key=key.public_key(),
        not_before=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc), serial=7)


def test_renew_self_signed_keeps_subject_and_extensions(pki):
    old_der = _old_self_signed(pki, pki.ec_key)
    old = certs.load_cert(old_der)
    new = certs.load_cert(issue.renew_self_signed(old_der, pki.ec_key, 90))
    assert new.subject == old.subject and new.issuer == old.subject
    assert new.serial_number != old.serial_number
    assert [(e.oid, e.critical, e.value) for e in new.extensions] == \
        [(e.oid, e.critical, e.value) for e in old.extensions]
    assert certs.cert_not_after(new) - certs.cert_not_before(new) == datetime.timedelta(days=90)
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((certs.cert_not_before(new) - now).total_seconds() + 300) < 120
    assert support.is_issued_by(new, new)
    assert isinstance(new.signature_hash_algorithm, hashes.SHA256)


def test_renew_self_signed_on_a_new_key(pki):
    old_der = _old_self_signed(pki, pki.ec_key)
    new = certs.load_cert(issue.renew_self_signed(old_der, pki.root_key, 30, 'SHA512withECDSA'))
    assert new.public_key().public_numbers() == pki.root_key.public_key().public_numbers()
    ski = x509.SubjectKeyIdentifier.from_public_key(pki.root_key.public_key())
    assert _ext(new, ExtensionOID.SUBJECT_KEY_IDENTIFIER).value == ski
    assert _ext(new, ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value.key_identifier == ski.digest
    for oid in (ExtensionOID.SUBJECT_ALTERNATIVE_NAME, ExtensionOID.KEY_USAGE, ExtensionOID.EXTENDED_KEY_USAGE,
                ExtensionOID.BASIC_CONSTRAINTS):
        assert _ext(new, oid) == _ext(certs.load_cert(old_der), oid)
    assert isinstance(new.signature_hash_algorithm, hashes.SHA512)
    assert support.is_issued_by(new, new)


# ---- keys --------------------------------------------------------------------------------------


def test_generate_key_types_and_curves():
    assert certs.public_key_info(issue.generate_key('ec')) == ('EC', 256)
    assert certs.public_key_info(issue.generate_key('ec', curve='P-384')) == ('EC', 384)
    assert certs.public_key_info(issue.generate_key('ec', curve='secp521r1')) == ('EC', 521)
    assert certs.public_key_info(issue.generate_key('ed25519')) == ('Ed25519', 255)
    assert _fail(issue.generate_key, 'ec', curve='secp256k1') == 'unsupported curve secp256k1'
    assert _fail(issue.generate_key, 'dsa') == 'unsupported key type dsa'


@pytest.mark.parametrize('size', [100, 512, 1023])
def test_generate_key_refuses_rsa_keys_java_refuses(size):
    # cryptography 3.4 made 512-bit keys, newer ones raise ValueError: one clear error on every version
    with pytest.raises(model.CertificateInputError, match='^key_size %d is too small for an RSA key' % size):
        issue.generate_key('rsa', size)


@pytest.mark.parametrize('days', [0, -5])
def test_certificates_need_a_validity_of_a_day_or_more(days):
    key = issue.generate_key('ec')
    name = issue.parse_subject('CN=x')
    with pytest.raises(model.CertificateInputError, match=r'^validity_days must be 1 or more \(got %d\)' % days):
        issue.build_certificate(name, key.public_key(), name, key, days)
    cert = issue.build_certificate(name, key.public_key(), name, key, 1)
    with pytest.raises(model.CertificateInputError, match=r'^validity_days must be 1 or more \(got %d\)' % days):
        issue.renew_self_signed(cert, key, days)
