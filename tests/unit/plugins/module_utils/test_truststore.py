# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The trusted_cert planner alone: plain Keystore objects in, plans (aliases, fingerprints, facts) out."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import datetime
import json
import os
import subprocess
import sys

import pytest

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.name import _ASN1Type
from cryptography.x509.oid import NameOID, ObjectIdentifier

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _certparse as certparse
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils import _truststore as truststore
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import STORE_PASSWORD, der_of, pem_of

NOW = datetime.datetime(2025, 6, 1, tzinfo=datetime.timezone.utc)


def _fp(cert):
    return certs.fingerprint(der_of(cert))


def _subject(cert):
    return cert.subject.rfc4514_string()


def _trusted_store(pki, *aliased):
    store = model.Keystore('pkcs12')
    for alias, cert in aliased:
        store.add(model.TrustedCertEntry(alias, der_of(cert), 1700000000000))
    return store


def _candidates(*certs_and_aliases):
    return [truststore.candidate(der_of(cert), 'item %d' % n, alias)
            for n, (cert, alias) in enumerate(certs_and_aliases)]


@pytest.fixture
def no_x509(monkeypatch):
    """Make any X.509 parse through the engine fail the test: what the no-op path must never do."""
    def forbidden(*args, **kwargs):
        raise AssertionError('X.509 parsed on a path that must compare DER only')
    # where they are defined: certs.load_cert and the engine's own calls all reach these
    for name in ('load_cert', 'load_certificates', 'derive_alias', 'build_chain'):
        monkeypatch.setattr(certparse, name, forbidden)


# ---- inputs ------------------------------------------------------------------------------


def test_bundle_split_without_cryptography(pki, no_x509):
    text = b'# corporate roots\n' + pem_of(pki.root) + b'comment between\n' + pem_of(pki.inter) + pem_of(pki.root)
    assert truststore.certificates_in(text, 'bundle') == [der_of(pki.root), der_of(pki.inter), der_of(pki.root)]
    assert truststore.certificates_in(der_of(pki.other_root), 'x') == [der_of(pki.other_root)]


def test_unusual_input_is_left_to_cryptography(pki):
    old_label = pem_of(pki.root).replace(b' CERTIFICATE-----', b' X509 CERTIFICATE-----')
    assert truststore.certificates_in(old_label, 'bundle') == [der_of(pki.root)]


@pytest.mark.parametrize('data, message', [
    (b'-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n', 'b: certificate #1 is not valid PEM'),
    (b'junk', 'b: neither PEM certificates nor a DER certificate'),
    (b'-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', 'b: PEM text without a CERTIFICATE block'),
])
def test_bad_input_words_the_error_as_before(data, message):
    with pytest.raises(truststore.InputError) as info:
        truststore.certificates_in(data, 'b')
    assert str(info.value) == message
    assert isinstance(info.value, model.KeystoreError)


@pytest.mark.parametrize('label', ['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY',
                                   'OPENSSH PRIVATE KEY'])
def test_private_key_blocks_are_refused_with_the_text_to_mask(pki, label):
    key = ('-----BEGIN %s-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END %s-----' % (label, label))
    text = pem_of(pki.root).decode('ascii') + key + '\n' + pem_of(pki.inter).decode('ascii')
    with pytest.raises(truststore.PrivateKeyInputError) as info:
        truststore.certificates_in(text, 'bundle')
    assert str(info.value).startswith('bundle holds a private key (1 PEM private key block)')
    assert 'c2VjcmV0' not in str(info.value)
    assert info.value.secrets == [key]
    assert isinstance(info.value, truststore.InputError)


def test_gather_items_files_and_bundles(pki, tmp_path, no_x509):
    (tmp_path / 'inter.der').write_bytes(der_of(pki.inter))
    (tmp_path / 'bundle.pem').write_bytes(pem_of(pki.root) + pem_of(pki.other_root))
    gathered = truststore.gather(
        certificates=[{'content': pem_of(pki.root).decode('ascii'), 'alias': 'My-Root'},
                      {'content': base64.b64encode(pem_of(pki.rsa_leaf)).decode('ascii')},  # what slurp returns
                      {'path': str(tmp_path / 'inter.der')}],
        bundle=pem_of(pki.ec_leaf).decode('ascii'), bundle_path=str(tmp_path / 'bundle.pem'))
    assert [(c.der, c.alias, c.source) for c in gathered.candidates] == [
        (der_of(pki.root), 'my-root', 'certificates[0]'),
        (der_of(pki.rsa_leaf), None, 'certificates[1]'),
        (der_of(pki.inter), None, 'certificates[2] (%s)' % (tmp_path / 'inter.der')),
        (der_of(pki.ec_leaf), None, 'bundle certificate #1'),
        (der_of(pki.root), None, 'bundle_path (%s) certificate #1' % (tmp_path / 'bundle.pem')),
        (der_of(pki.other_root), None, 'bundle_path (%s) certificate #2' % (tmp_path / 'bundle.pem'))]
    assert gathered.warnings == []


@pytest.mark.parametrize('item, message', [
    ({'content': 'not a certificate!'}, 'certificates[0]: neither PEM text nor base64 of a DER or PEM certificate'),
    ({'path': '/nonexistent/x.pem'}, 'certificates[0] (/nonexistent/x.pem): cannot read the file: No such file'),
    ({'content': 'ROOT', 'alias': ' '}, 'certificates[0]: alias must not be empty'),
    ({'content': 'ROOT+INTER', 'alias': 'x'}, 'certificates[0]: holds 2 certificates but has an alias'),
])
def test_gather_refuses_bad_items(pki, item, message):
    pems = {'ROOT': pem_of(pki.root), 'ROOT+INTER': pem_of(pki.root) + pem_of(pki.inter)}
    if item.get('content') in pems:
        item = dict(item, content=pems[item['content']].decode('ascii'))
    with pytest.raises(truststore.InputError) as info:
        truststore.gather(certificates=[item])
    assert str(info.value).startswith(message)


def test_gather_refuses_a_fifo_at_once(tmp_path):
    # open() of a FIFO blocks until a writer comes, with the truststore's lock held
    fifo = str(tmp_path / 'bundle.pem')
    os.mkfifo(fifo)
    for kwargs, what in (({'bundle_path': fifo}, 'bundle_path'), ({'certificates': [{'path': fifo}]}, 'certificates[0]')):
        with pytest.raises(truststore.InputError) as info:
            truststore.gather(**kwargs)
        assert str(info.value) == '%s (%s) is not a regular file (a FIFO), so it is not opened' % (what, fifo)


def test_deduplicate(pki):
    given = [truststore.candidate(der_of(pki.root), 'bundle certificate #1'),
             truststore.candidate(der_of(pki.inter), 'certificates[0]', 'Inter'),
             truststore.candidate(der_of(pki.root), 'certificates[1]', 'Corp-Root'),  # names the first
             truststore.candidate(der_of(pki.inter), 'certificates[2]', 'other')]  # a second name: warned
    unique = truststore.deduplicate(given)
    assert [(c.der, c.alias, c.source) for c in unique.candidates] == [
        (der_of(pki.root), 'corp-root', 'bundle certificate #1'), (der_of(pki.inter), 'inter', 'certificates[0]')]
    assert unique.warnings == ['certificates[2] is the same certificate as certificates[0]; it is given the alias '
                               '"inter", not "other"']
    with pytest.raises(truststore.InputError) as info:
        truststore.deduplicate(_candidates((pki.root, 'same'), (pki.inter, 'SAME')))
    assert str(info.value) == 'alias "same" is given to two different certificates (item 0 and item 1)'


# ---- filters -----------------------------------------------------------------------------


def test_select_defaults_read_nothing(pki, monkeypatch):
    monkeypatch.setattr(truststore, 'read_facts', None)  # calling it would fail the test
    given = _candidates((pki.expired, None), (pki.rsa_leaf, None))
    assert truststore.select(given) == truststore.Selection(given, [])


def test_select_filters(pki, no_x509):
    given = _candidates((pki.root, None), (pki.expired, 'old'), (pki.rsa_leaf, None))
    selection = truststore.select(given, ca_only=True, expired='skip')
    assert [c.der for c in selection.kept] == [der_of(pki.root)]
    assert selection.excluded == [
        {'alias': 'old', 'sha256': _fp(pki.expired), 'subject': _subject(pki.expired),
         'not_after': certs.iso_date(certs.cert_not_after(pki.expired)), 'reason': 'expired'},
        {'alias': None, 'sha256': _fp(pki.rsa_leaf), 'subject': 'O=javasec test,CN=rsa.example.com',
         'not_after': certs.iso_date(certs.cert_not_after(pki.rsa_leaf)), 'reason': 'not a CA certificate'}]
    assert [c.der for c in truststore.select(given, expired='skip').kept] == [der_of(pki.root), der_of(pki.rsa_leaf)]
    with pytest.raises(truststore.InputError) as info:
        truststore.select(given, expired='fail')
    assert str(info.value) == 'item 1: the certificate %s expired on %s (expired=fail)' % (
        _subject(pki.expired), certs.cert_not_after(pki.expired).isoformat())


# ---- facts from the DER match cryptography's -------------------------------------------


def _made(names, days=30, constraints=None, extensions=()):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(names)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(7).not_valid_before(NOW - datetime.timedelta(days=abs(days) + 1))
               .not_valid_after(NOW + datetime.timedelta(days=days)))
    if constraints is not None:
        builder = builder.add_extension(constraints, critical=True)
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.sign(key, hashes.SHA256())


def _attr(oid, value, kind=None):
    return x509.NameAttribute(oid, value) if kind is None else x509.NameAttribute(oid, value, _type=kind)


def _cryptography_facts(cert):
    constraints = certs.extension(cert, 'BasicConstraints')
    return truststore.Facts(_subject(cert), certs.cert_not_after(cert), bool(constraints and constraints.ca))


READ_BY_OUR_DER_READER = {
    'plain': ([_attr(NameOID.COUNTRY_NAME, u'DE'), _attr(NameOID.ORGANIZATION_NAME, u'Corp'),
               _attr(NameOID.COMMON_NAME, u'Root CA')], {}),
    'escaped': ([_attr(NameOID.COMMON_NAME, u'#a, b+c;"d"<e>\\f '), _attr(NameOID.ORGANIZATIONAL_UNIT_NAME, u' lead'),
                 _attr(NameOID.LOCALITY_NAME, u'nul\x00inside')], {}),
    'string types': ([_attr(NameOID.COMMON_NAME, u'Gr\u00fc\u00dfe \u6771\u4eac', _ASN1Type.BMPString),
                      _attr(NameOID.ORGANIZATION_NAME, u'T61 ascii (c) 1999', _ASN1Type.T61String),
                      _attr(NameOID.EMAIL_ADDRESS, u'ca@example.com', _ASN1Type.IA5String),
                      _attr(NameOID.COUNTRY_NAME, u'US', _ASN1Type.PrintableString),
                      _attr(NameOID.STATE_OR_PROVINCE_NAME, u'caf\u00e9', _ASN1Type.UTF8String)], {}),
    'short names': ([_attr(NameOID.DOMAIN_COMPONENT, u'example'), _attr(NameOID.USER_ID, u'u1'),
                     _attr(NameOID.STREET_ADDRESS, u'Main St 1'), _attr(ObjectIdentifier('1.2.3.4.5'), u'x'),
                     _attr(NameOID.SERIAL_NUMBER, u'42')], {}),
    'empty value': ([_attr(NameOID.ORGANIZATION_NAME, u'')], {}),
    'ca with path length': ([_attr(NameOID.COMMON_NAME, u'CA')],
                            {'constraints': x509.BasicConstraints(ca=True, path_length=0)}),
    'not a ca': ([_attr(NameOID.COMMON_NAME, u'leaf')],
                 {'constraints': x509.BasicConstraints(ca=False, path_length=None),
                  'extensions': [x509.SubjectKeyIdentifier(b'\x01' * 20)]}),
    'no extensions': ([_attr(NameOID.COMMON_NAME, u'v3 without extensions')], {}),
    'GeneralizedTime': ([_attr(NameOID.COMMON_NAME, u'after 2049')], {'days': 365 * 40}),
    'expired': ([_attr(NameOID.COMMON_NAME, u'old')], {'days': -3}),
    'UTCTime of the 1990s': ([_attr(NameOID.COMMON_NAME, u'older')], {'days': -365 * 27}),
}


@pytest.mark.parametrize('case', sorted(READ_BY_OUR_DER_READER))
def test_facts_from_der_match_cryptography(case):
    names, options = READ_BY_OUR_DER_READER[case]
    cert = _made(names, **options)
    facts = truststore.read_facts(der_of(cert))
    assert None not in facts, 'the DER reader left this case to cryptography'
    assert facts == _cryptography_facts(cert)


def test_facts_of_the_test_pki(pki):
    for cert in (pki.root, pki.inter, pki.rsa_leaf, pki.ec_leaf, pki.ed_cert, pki.other_root, pki.expired):
        assert truststore.read_facts(der_of(cert)) == _cryptography_facts(cert)


def _described_by_cryptography(alias, cert_der):
    try:
        cert = x509.load_der_x509_certificate(cert_der)
    except ValueError:
        return {'alias': alias, 'sha256': certs.fingerprint(cert_der), 'subject': None, 'not_after': None}
    return {'alias': alias, 'sha256': certs.fingerprint(cert_der), 'subject': _subject(cert),
            'not_after': certs.iso_date(certs.cert_not_after(cert))}


LEFT_TO_CRYPTOGRAPHY = {
    'multi-valued RDN': [x509.RelativeDistinguishedName([_attr(NameOID.COMMON_NAME, u'a'),
                                                         _attr(NameOID.ORGANIZATION_NAME, u'b')])],
    'one space': [x509.RelativeDistinguishedName([_attr(NameOID.COMMON_NAME, u' ')])],
    'UniversalString': [x509.RelativeDistinguishedName([_attr(NameOID.COMMON_NAME, u'u', _ASN1Type.UniversalString)])],
    'VisibleString': [x509.RelativeDistinguishedName([_attr(NameOID.COMMON_NAME, u'v', _ASN1Type.VisibleString)])],
    'non-ASCII T61String': [x509.RelativeDistinguishedName([_attr(NameOID.COMMON_NAME, u'caf\u00e9',
                                                                  _ASN1Type.T61String)])],
}


@pytest.mark.parametrize('case', sorted(LEFT_TO_CRYPTOGRAPHY))
def test_unusual_names_are_left_to_cryptography(case):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(LEFT_TO_CRYPTOGRAPHY[case])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(9).not_valid_before(NOW).not_valid_after(NOW + datetime.timedelta(days=9))
            .sign(key, hashes.SHA256()))
    assert truststore.read_facts(der_of(cert)).subject is None
    assert truststore.describe('a', der_of(cert)) == _described_by_cryptography('a', der_of(cert))


@pytest.mark.parametrize('case', ['not a certificate', 'PrintableString with *'])
def test_describe_what_cryptography_may_not_parse(case):
    if case == 'not a certificate':
        cert_der = b'\x30\x03\x02\x01\x05'
    else:  # cryptography 50 refuses '*' in a PrintableString, 41 takes it: the DER reader leaves it alone
        cert_der = der_of(_made([_attr(NameOID.COMMON_NAME, u'*.example.com')])).replace(
            b'\x0c\x0d*.example.com', b'\x13\x0d*.example.com')
        assert truststore.read_facts(cert_der).subject is None
    assert truststore.describe('broken', cert_der) == _described_by_cryptography('broken', cert_der)


# ---- plans -------------------------------------------------------------------------------


def test_no_op_compares_der_only(pki, no_x509):
    store = _trusted_store(pki, ('root-ca', pki.root), ('Inter', pki.inter), ('copy', pki.root))
    store.add(model.PrivateKeyEntry('server', pki.rsa_chain, None))
    given = _candidates((pki.inter, None), (pki.root, 'COPY'))
    plan = truststore.plan_present(store, given)
    assert plan == truststore.Plan([], [], [], [], plan.unchanged, [])
    assert [(u['alias'], u['sha256'], u['subject']) for u in plan.unchanged] == [
        ('Inter', _fp(pki.inter), 'O=javasec test,CN=Test Intermediate CA'),
        ('copy', _fp(pki.root), 'O=javasec test,CN=Test Root CA')]
    assert plan.unchanged[0]['not_after'] == certs.iso_date(certs.cert_not_after(pki.inter))
    assert not plan.changes
    plan = truststore.plan_present(store, given, exclusive=True)
    assert plan.add == [] and plan.unchanged == truststore.plan_present(store, given).unchanged
    assert plan.remove == ['root-ca']  # exclusive: the other alias of the root goes, the key entry stays
    assert [(r['alias'], r['sha256']) for r in plan.removed] == [('root-ca', _fp(pki.root))]


NO_OP_RUN = '''
import json, sys
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _truststore as truststore
store_path, bundle_path, password = sys.argv[1:]
with open(store_path, 'rb') as handle:
    store = codec.load_bytes(handle.read(), password)
gathered = truststore.gather(bundle_path=bundle_path)
kept = truststore.select(truststore.deduplicate(gathered.candidates).candidates).kept
plan = truststore.plan_present(store, kept)
print(json.dumps({'changes': plan.changes, 'unchanged': [u['alias'] for u in plan.unchanged],
                  'x509': sorted(m for m in sys.modules if m.startswith('cryptography.x509'))}))
'''


@pytest.mark.parametrize('store_type', ['jks', 'pkcs12'])
def test_no_op_run_does_not_import_x509(pki, tmp_path, store_type):
    """A fresh interpreter: load the store, read the bundle, plan - and cryptography.x509 never loaded."""
    store = _trusted_store(pki, ('root-ca', pki.root), ('inter', pki.inter))
    (tmp_path / 'store').write_bytes(codec.dump_bytes(store, STORE_PASSWORD, store_type))
    (tmp_path / 'bundle.pem').write_bytes(pem_of(pki.inter) + pem_of(pki.root))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run([sys.executable, '-c', NO_OP_RUN, str(tmp_path / 'store'), str(tmp_path / 'bundle.pem'),
                          STORE_PASSWORD], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True)
    assert json.loads(out.stdout.decode('utf-8')) == {'changes': False, 'unchanged': ['inter', 'root-ca'], 'x509': []}


def test_plan_present_adds_with_derived_and_given_aliases(pki):
    derived = certs.derive_alias(der_of(pki.root))
    store = _trusted_store(pki, (derived, pki.other_root), ('corp', pki.ec_leaf))
    store.add(model.PrivateKeyEntry('server', pki.rsa_chain, None))
    given = _candidates((pki.root, None), (pki.inter, derived + '-2'), (pki.rsa_leaf, 'corp'))
    plan = truststore.plan_present(store, given, now=NOW)
    assert [(a.alias, a.candidate.der, a.replaces) for a in plan.add] == [
        (derived + '-3', der_of(pki.root), False),  # -2 is reserved by the explicit alias given next
        (derived + '-2', der_of(pki.inter), False),
        ('corp', der_of(pki.rsa_leaf), True)]
    assert [(a['alias'], a['sha256'], a['subject']) for a in plan.added] == [
        (derived + '-3', _fp(pki.root), 'O=javasec test,CN=Test Root CA'),
        (derived + '-2', _fp(pki.inter), 'O=javasec test,CN=Test Intermediate CA'),
        ('corp', _fp(pki.rsa_leaf), 'O=javasec test,CN=rsa.example.com')]
    assert plan.remove == ['corp'] and [r['sha256'] for r in plan.removed] == [_fp(pki.ec_leaf)]
    assert plan.unchanged == [] and plan.warnings == [] and plan.changes


def test_plan_present_warns_of_expired_additions(pki):
    plan = truststore.plan_present(model.Keystore(), _candidates((pki.expired, 'old')))
    assert plan.warnings == ['the certificate %s (alias old) expired on %s; it is trusted anyway (expired=import)'
                             % (_subject(pki.expired), certs.iso_date(certs.cert_not_after(pki.expired)))]


def test_plan_present_refuses_alias_clashes(pki):
    store = _trusted_store(pki, ('corp', pki.root))
    store.add(model.PrivateKeyEntry('Server', pki.rsa_chain, None))
    with pytest.raises(model.AliasClashError) as info:
        truststore.plan_present(store, _candidates((pki.inter, 'server')))
    assert str(info.value) == ('alias "server" belongs to a private key entry; trusted_cert never changes or '
                               'removes key entries, choose another alias')
    with pytest.raises(model.AliasClashError) as info:
        truststore.plan_present(store, _candidates((pki.root, None), (pki.other_root, 'corp')))
    assert 'alias "corp" holds a certificate that is also given' in str(info.value)


def test_new_certificate_cryptography_cannot_parse(pki):
    empty = der.seq()  # the shape of a certificate, nothing in it
    shaped = der.seq(der.seq(der.integer(1), empty, empty, empty, empty, empty), empty, der.tlv(0x03, b'\x00'))
    with pytest.raises(truststore.InputError) as info:
        truststore.plan_present(model.Keystore(), [truststore.candidate(shaped, 'bundle certificate #3')])
    assert str(info.value) == 'bundle certificate #3: the certificate cannot be parsed'


def test_plan_absent(pki, no_x509):
    store = _trusted_store(pki, ('Root-CA', pki.root), ('again', pki.root), ('inter', pki.inter))
    store.add(model.SecretKeyEntry('aes-key', model.wrap_secret_key('AES', b'k' * 16)))
    plan = truststore.plan_absent(store, _candidates((pki.root, None), (pki.ec_leaf, None)), ['ROOT-CA', 'missing'])
    assert plan.remove == ['root-ca', 'again']
    assert [(r['alias'], r['sha256']) for r in plan.removed] == [('Root-CA', _fp(pki.root)), ('again', _fp(pki.root))]
    assert plan.add == [] and plan.unchanged == [] and plan.changes
    assert not truststore.plan_absent(store, [], ['missing']).changes
    with pytest.raises(model.AliasClashError) as info:
        truststore.plan_absent(store, [], ['AES-KEY'])
    assert 'alias "aes-key" belongs to a secret key entry' in str(info.value)


def test_apply_plan(pki):
    store = _trusted_store(pki, ('corp', pki.root), ('stale', pki.other_root))
    store.add(model.PrivateKeyEntry('server', pki.rsa_chain, None, timestamp=5))
    plan = truststore.plan_present(store, _candidates((pki.inter, 'corp'), (pki.rsa_leaf, None)))
    plan = plan._replace(remove=plan.remove + ['stale'])
    truststore.apply_plan(store, plan, timestamp=1234)
    trusted = dict((e.alias, (certs.fingerprint(e.cert), e.timestamp)) for e in store.entries.values()
                   if isinstance(e, model.TrustedCertEntry))
    assert trusted == {'corp': (_fp(pki.inter), 1234),
                       certs.derive_alias(der_of(pki.rsa_leaf)): (_fp(pki.rsa_leaf), 1234)}
    assert store.get('server').timestamp == 5
