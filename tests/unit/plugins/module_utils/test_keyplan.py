# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planners of key_entry, cert_reply and keystore on plain Keystore objects (no AnsibleModule, no files)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

import pytest

from cryptography.hazmat.primitives import serialization

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _keyplan as keyplan
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import (
    KEY_PASSWORD, STORE_PASSWORD, der_of, key_der_of, pem_of)

NEW_PASSWORD = 'N3w-St0re-Pa55!'
EC_OPTIONS = keyplan.KeyOptions(key_type='ec', subject='CN=app.example.test,O=javasec', validity_days=30)
UTC = datetime.timezone.utc


def _leaf(chain):
    return certs.load_cert(chain[0])


def _key_algorithm(key_der):
    return certs.public_key_info(certs.load_key(key_der))


def _store(*entries, store_type='pkcs12'):
    store = model.Keystore(store_type)
    for entry in entries:
        store.add(entry)
    return store


def _trusted(alias, cert):
    return model.TrustedCertEntry(alias, der_of(cert))


def _pem(*objs):
    return b''.join(pem_of(o) for o in objs)


@pytest.fixture(scope='module')
def inter_again(pki):
    """The intermediate CA of the test PKI issued a second time (same name and key, other serial): a chain
    can be completed with either, so the order of the issuer pools decides."""
    return pki.cert(u'Test Intermediate CA', pki.inter_key, u'Test Root CA', pki.root_key, ca=True, days=900)


@pytest.fixture
def generated():
    """A self-signed EC entry as key_entry creates it with EC_OPTIONS."""
    plan = keyplan.plan_generate(None, EC_OPTIONS)
    return model.PrivateKeyEntry('app', plan.chain, key_der=plan.key_der)


# ---- chain of a key -------------------------------------------------------------------------------


def test_chain_for_key_picks_the_leaf_of_the_key_and_orders_issuers(pki):
    public = certs.public_der(pki.rsa_key.public_key())
    given = [der_of(pki.root), der_of(pki.ec_leaf), der_of(pki.rsa_leaf)]
    chain = keyplan.chain_for_key(public, given, [der_of(pki.inter)])
    assert chain == pki.rsa_chain
    assert keyplan.chain_for_key(public, [der_of(pki.ec_leaf)], [der_of(pki.inter), der_of(pki.root)]) is None


def test_chain_for_key_names_the_missing_issuer_and_where_it_looked(pki):
    public = certs.public_der(pki.rsa_key.public_key())
    with pytest.raises(model.CertificateInputError) as info:
        keyplan.chain_for_key(public, [der_of(pki.rsa_leaf)], [der_of(pki.root)], what='the CA reply',
                              extra_source='truststore_path')
    message = str(info.value)
    assert 'the CA reply' in message and 'truststore_path' in message
    assert 'O=javasec test,CN=Test Intermediate CA' in message
    # without validation the chain stops where the issuers stop
    assert keyplan.chain_for_key(public, [der_of(pki.rsa_leaf)], [der_of(pki.root)], validate=False) == \
        [der_of(pki.rsa_leaf)]


def test_chain_for_key_refuses_an_expired_leaf_only_when_asked(pki):
    public = certs.public_der(pki.other_root_key.public_key())
    assert keyplan.chain_for_key(public, [der_of(pki.expired)], []) == [der_of(pki.expired)]
    with pytest.raises(model.CertificateInputError, match='expired'):
        keyplan.chain_for_key(public, [der_of(pki.expired)], [], allow_expired=False)


def test_certificates_of_keeps_order_and_names_the_option(pki):
    texts = [('certificate', pem_of(pki.rsa_leaf)), ('chain', _pem(pki.inter, pki.root).decode('ascii'))]
    assert keyplan.certificates_of(texts) == pki.rsa_chain
    with pytest.raises(model.CertificateInputError, match='chain_path'):
        keyplan.certificates_of([('chain_path', b'not a certificate')])


# ---- key_entry: import ----------------------------------------------------------------------------------


def test_import_completes_the_chain_from_ca_and_store(pki):
    material = keyplan.KeyMaterial(key=pem_of(pki.rsa_key), certificates=[('certificate', pem_of(pki.rsa_leaf))],
                                   ca=pem_of(pki.inter))
    store = _store(_trusted('root', pki.root))
    plan = keyplan.plan_import(store, None, material)
    assert plan.reason == 'created' and plan.warnings == ()
    assert plan.key_der == key_der_of(pki.rsa_key)
    assert [certs.fingerprint(c) for c in plan.chain] == [certs.fingerprint(c) for c in pki.rsa_chain]

    # the same import again changes nothing; a shorter chain in the store is completed
    entry = model.PrivateKeyEntry('server', plan.chain, key_der=plan.key_der)
    assert keyplan.plan_import(store, entry, material) == keyplan.UNCHANGED
    short = model.PrivateKeyEntry('server', pki.rsa_chain[:1], key_der=plan.key_der)
    assert keyplan.plan_import(store, short, material).reason == 'chain_updated'
    other = model.PrivateKeyEntry('server', pki.ec_chain, key_der=key_der_of(pki.ec_key))
    assert keyplan.plan_import(store, other, material).reason == 'rekeyed'


def test_import_prefers_ca_path_to_the_store_trust(pki, inter_again):
    store = _store(_trusted('inter', pki.inter), _trusted('root', pki.root))
    material = keyplan.KeyMaterial(key=key_der_of(pki.rsa_key), certificates=[('certificate', der_of(pki.rsa_leaf))],
                                   ca=pem_of(inter_again))
    chain = keyplan.plan_import(store, None, material).chain
    assert chain == [der_of(pki.rsa_leaf), der_of(inter_again), der_of(pki.root)]


def test_import_without_validation_keeps_what_is_given(pki):
    material = keyplan.KeyMaterial(key=pem_of(pki.rsa_key), certificates=[('certificate', pem_of(pki.rsa_leaf))],
                                   validate_chain=False)
    assert keyplan.plan_import(_store(), None, material).chain == [der_of(pki.rsa_leaf)]
    with pytest.raises(model.CertificateInputError, match='Test Intermediate CA'):
        keyplan.plan_import(_store(), None, material._replace(validate_chain=True))


@pytest.mark.parametrize('material, message', [
    (dict(certificates=[('certificate', 'ec')]), 'does not match the certificate: none of the 1 given'),
    (dict(certificates=[]), 'importing a key needs its certificate'),
    (dict(certificates=[('certificate', 'rsa')], key='encrypted'), 'encrypted, give its passphrase'),
], ids=['mismatch', 'no-certificate', 'encrypted-key'])
def test_import_errors(pki, material, message):
    material = dict(material)
    if material.get('key') == 'encrypted':
        material['key'] = pki.rsa_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(KEY_PASSWORD.encode('ascii')))
    else:
        material['key'] = pem_of(pki.rsa_key)
    material['certificates'] = [(o, pem_of(pki.ec_leaf if c == 'ec' else pki.rsa_leaf))
                                for o, c in material['certificates']]
    material['ca'] = _pem(pki.inter, pki.root)
    with pytest.raises(model.CertificateInputError) as info:
        keyplan.plan_import(_store(), None, keyplan.KeyMaterial(**material))
    assert message in str(info.value)
    assert KEY_PASSWORD not in str(info.value)


def test_import_from_a_store_picks_the_alias(pki):
    source = pki.store('jks', secrets=False)
    material = keyplan.KeyMaterial(source=source, source_path='/src/store.jks')
    with pytest.raises(model.KeystoreError) as info:
        keyplan.plan_import(_store(), None, material)
    assert str(info.value) == ('/src/store.jks holds 3 private key entries; set src_alias to one of: rsa-server, '
                               'ec-server, ed25519')
    with pytest.raises(model.KeystoreError, match='holds no such private key entry'):
        keyplan.plan_import(_store(), None, material._replace(source_alias='root-ca'))
    plan = keyplan.plan_import(_store(), None, material._replace(source_alias='EC-Server'))
    assert plan.reason == 'created'
    assert plan.key_der == key_der_of(pki.ec_key) and plan.chain == pki.ec_chain


def test_import_from_a_store_takes_issuers_from_chain_and_its_trust(pki):
    source = _store(model.PrivateKeyEntry('only', pki.rsa_chain[:1], key_der=key_der_of(pki.rsa_key)),
                    _trusted('root', pki.root))
    material = keyplan.KeyMaterial(source=source, source_path='src.p12',
                                   certificates=[('chain', pem_of(pki.inter))])
    assert keyplan.plan_import(_store(), None, material).chain == pki.rsa_chain
    # without the chain option the intermediate is missing
    with pytest.raises(model.CertificateInputError, match='Test Intermediate CA'):
        keyplan.plan_import(_store(), None, material._replace(certificates=[]))


def test_import_from_a_store_with_a_sealed_key(pki):
    sealed = model.PrivateKeyEntry('locked', pki.rsa_chain, sealed=model.Sealed('jks', b'blob'))
    material = keyplan.KeyMaterial(source=_store(sealed, store_type='jks'), source_path='src.jks')
    with pytest.raises(model.WrongKeyPasswordError, match='the key of "locked" in src.jks cannot be decrypted'):
        keyplan.plan_import(_store(), None, material)


# ---- key_entry: generate and renew -------------------------------------------------------------------------


def test_generate_creates_a_self_signed_entry_once(generated):
    cert = _leaf(generated.chain)
    assert len(generated.chain) == 1
    assert cert.subject == cert.issuer
    assert cert.subject.rfc4514_string() == 'CN=app.example.test,O=javasec'
    assert _key_algorithm(generated.key_der) == ('EC', 256)
    assert certs.key_matches_cert(generated.key_der, generated.chain[0])
    assert keyplan.plan_generate(generated, EC_OPTIONS) == keyplan.UNCHANGED


def test_generate_rsa_with_extensions(pki):
    wanted = keyplan.KeyOptions(subject={'CN': 'ca.example.test'}, key_size=2048, is_ca=True,
                                subject_alt_names=['DNS:ca.example.test'], key_usage=['keyCertSign'],
                                extended_key_usage=['serverAuth'])
    plan = keyplan.plan_generate(None, wanted)
    assert plan.reason == 'created' and _key_algorithm(plan.key_der) == ('RSA', 2048)
    info = certs.cert_info(plan.chain[0])
    assert info['is_ca'] is True and info['subject_alt_names'] == ['DNS:ca.example.test']
    entry = model.PrivateKeyEntry('ca', plan.chain, key_der=plan.key_der)
    assert keyplan.plan_generate(entry, wanted) == keyplan.UNCHANGED
    assert keyplan.plan_generate(entry, wanted._replace(extended_key_usage=['clientAuth'])).reason == 'chain_updated'


def test_generate_needs_a_subject():
    with pytest.raises(model.KeystoreError, match='subject is required'):
        keyplan.plan_generate(None, EC_OPTIONS._replace(subject=None))


def test_force_and_key_type_rekey_a_self_signed_entry(generated):
    forced = keyplan.plan_generate(generated, EC_OPTIONS._replace(force=True))
    assert forced.reason == 'rekeyed' and forced.key_der != generated.key_der
    ed = keyplan.plan_generate(generated, EC_OPTIONS._replace(key_type='ed25519'))
    assert ed.reason == 'rekeyed' and _key_algorithm(ed.key_der)[0] == 'Ed25519'
    p384 = keyplan.plan_generate(generated, EC_OPTIONS._replace(curve='secp384r1'))
    assert p384.reason == 'rekeyed' and _key_algorithm(p384.key_der) == ('EC', 384)
    empty = model.PrivateKeyEntry('app', [], key_der=generated.key_der)
    assert keyplan.plan_generate(empty, EC_OPTIONS).reason == 'rekeyed'


def test_ca_signed_entry_is_left_alone_with_a_warning(pki):
    entry = model.PrivateKeyEntry('rsa-server', pki.rsa_chain, key_der=key_der_of(pki.rsa_key))
    plan = keyplan.plan_generate(entry, EC_OPTIONS)
    assert plan.reason is None and plan.key_der is None and plan.chain is None
    assert len(plan.warnings) == 1
    assert 'rsa-server' in plan.warnings[0] and 'CA-signed' in plan.warnings[0] and 'force' in plan.warnings[0]
    # the right key type but expiring: no change and no warning (the module reports needs_renewal)
    soon = datetime.datetime.now(UTC) + datetime.timedelta(days=400)
    rsa_wanted = EC_OPTIONS._replace(key_type='rsa', renew_before_days=30)
    assert keyplan.plan_generate(entry, rsa_wanted, now=soon) == keyplan.UNCHANGED
    assert keyplan.plan_generate(entry, rsa_wanted._replace(force=True)).reason == 'rekeyed'


def test_renewal_keeps_key_and_subject(generated):
    later = datetime.datetime.now(UTC) + datetime.timedelta(days=25)
    wanted = EC_OPTIONS._replace(subject=None, renew_before_days=10, validity_days=90)
    assert keyplan.plan_generate(generated, wanted) == keyplan.UNCHANGED
    plan = keyplan.plan_generate(generated, wanted, now=later)
    assert plan.reason == 'renewed' and plan.key_der == generated.key_der
    old, new = _leaf(generated.chain), _leaf(plan.chain)
    assert new.subject == old.subject == new.issuer
    assert certs.cert_not_after(new) - certs.cert_not_after(old) > datetime.timedelta(days=59)
    assert certs.key_matches_cert(plan.key_der, plan.chain[0])
    # with the subject given, renewal builds the certificate from the options
    assert keyplan.plan_generate(generated, wanted._replace(subject=EC_OPTIONS.subject), now=later).reason == 'renewed'


def test_renewal_with_rekey_makes_a_new_key(generated):
    later = datetime.datetime.now(UTC) + datetime.timedelta(days=25)
    for subject in (None, EC_OPTIONS.subject):
        wanted = EC_OPTIONS._replace(subject=subject, renew_before_days=10, rekey=True)
        plan = keyplan.plan_generate(generated, wanted, now=later)
        assert plan.reason == 'rekeyed' and plan.key_der != generated.key_der
        assert _leaf(plan.chain).subject == _leaf(generated.chain).subject
        assert certs.key_matches_cert(plan.key_der, plan.chain[0])


def test_changed_subject_or_sans_update_the_chain_on_the_same_key(generated):
    for change in (dict(subject='CN=other.example.test'), dict(subject_alt_names=['DNS:app.example.test']),
                   dict(is_ca=True), dict(key_usage=['digitalSignature'])):
        plan = keyplan.plan_generate(generated, EC_OPTIONS._replace(**change))
        assert plan.reason == 'chain_updated', change
        assert plan.key_der == generated.key_der


def test_renewal_of_a_key_that_cannot_be_decrypted(generated):
    sealed = model.PrivateKeyEntry('app', generated.chain, sealed=model.Sealed('jks', b'blob'))
    with pytest.raises(model.WrongKeyPasswordError, match='"app" cannot be decrypted; give its password'):
        keyplan.plan_generate(sealed, EC_OPTIONS._replace(subject='CN=renamed'))


def test_renewal_facts(pki):
    leaf = der_of(pki.ec_leaf)  # expires in 20.5 days
    assert keyplan.renewal(leaf, None) == keyplan.Renewal(20, False)
    assert keyplan.renewal(leaf, 30) == keyplan.Renewal(20, True)
    assert keyplan.renewal(leaf, 10) == keyplan.Renewal(20, False)
    assert keyplan.renewal(leaf, 10, now=datetime.datetime.now(UTC) + datetime.timedelta(days=15)).needs_renewal


def test_key_options_from_params_take_only_their_fields():
    params = dict(EC_OPTIONS._asdict(), path='/x', password='secret', alias='app')
    assert keyplan.KeyOptions.from_params(params) == EC_OPTIONS


def test_key_options_from_params_default_what_the_task_omits():
    """The module passes None for an omitted option; the key type's own default applies."""
    params = dict(dict.fromkeys(keyplan.KeyOptions._fields), subject='CN=x', subject_alt_names=[], key_usage=[],
                  extended_key_usage=[], is_ca=False, rekey=False, force=False)
    options = keyplan.KeyOptions.from_params(params)
    assert (options.key_type, options.key_size, options.curve, options.validity_days) == ('rsa', None, None, 365)
    assert (options.rsa_key_size, options.ec_curve) == (2048, 'secp256r1')


# ---- options that do not apply to what the task does ----------------------------------------------------


def _module_params(**given):
    """key_entry's params as AnsibleModule hands them over for a task that sets only given."""
    params = dict.fromkeys(keyplan.KEY_SOURCE_OPTIONS + keyplan.GENERATION_OPTIONS + keyplan.IMPORT_ONLY_OPTIONS)
    params.update(state='present', subject_alt_names=[], key_usage=[], extended_key_usage=[], is_ca=False,
                  rekey=False, force=False, validate_chain=True, renew_before_days=None)
    params.update(given)
    return params


@pytest.mark.parametrize('given, message', [
    (dict(private_key='PEM', certificate='PEM', subject='CN=x'),
     'subject only apply when key_entry generates a key; with private_key the key and its certificate are imported '
     'as they are: remove it'),
    (dict(private_key_path='/k', certificate_path='/c', validity_days=30, subject_alt_names=['DNS:x'], is_ca=True),
     'subject_alt_names, validity_days and is_ca only apply when key_entry generates a key; with private_key_path '
     'the key and its certificate are imported as they are: remove them'),
    (dict(src_path='/s.p12', src_password='p', key_type='ec', key_size=4096, curve='secp384r1', rekey=True,
          force=True, signature_algorithm='SHA256withRSA', key_usage=['keyCertSign'], extended_key_usage=['serverAuth']),
     'signature_algorithm, key_usage, extended_key_usage, key_type, key_size, curve, rekey and force only apply when '
     'key_entry generates a key; with src_path the key and its certificate are imported as they are: remove them'),
    (dict(src_path='/s.p12', src_password='p', private_key_passphrase='x'),
     'private_key_passphrase applies to private_key and private_key_path; the key of src_path is opened with '
     'src_password'),
    (dict(private_key='PEM', certificate='PEM', src_password='p', src_alias='a'),
     'src_password and src_alias only apply with src_path, not with private_key'),
    (dict(subject='CN=x', certificate='PEM'),
     'certificate only apply when key_entry imports a key (private_key, private_key_path or src_path); without one '
     'of those it generates a new key and would ignore it'),
    (dict(subject='CN=x', chain_path='/c', ca_path='/ca', private_key_passphrase='x', src_password='p',
          src_alias='a'),
     'chain_path, ca_path, private_key_passphrase, src_password and src_alias only apply when key_entry imports a '
     'key (private_key, private_key_path or src_path); without one of those it generates a new key and would '
     'ignore them'),
    (dict(subject='CN=x', rekey=True),
     'rekey only applies with renew_before_days: it renews an expiring self-signed entry on a new key (force '
     'replaces the key now)'),
], ids=['import-subject', 'import-several', 'src_path-every-key-option', 'src_path-passphrase',
        'private_key-src-options', 'generate-certificate', 'generate-import-options', 'rekey-alone'])
def test_options_that_do_not_apply_fail(given, message):
    with pytest.raises(model.KeystoreError) as info:
        keyplan.check_key_entry_options(_module_params(**given))
    assert str(info.value) == message


@pytest.mark.parametrize('given', [
    dict(subject='CN=x'),
    dict(subject='CN=x', key_type='ec', key_size=4096, curve='secp384r1', validity_days=30, is_ca=True),
    dict(subject='CN=x', rekey=True, renew_before_days=30),
    # what the roles pass: an empty chain or passphrase is what "default(omit, true)" would have left out
    dict(private_key='PEM', certificate='PEM', chain='', private_key_passphrase=None, renew_before_days=30,
         validate_chain=False),
    dict(src_path='/s.p12', src_password='p', src_alias='a', chain='PEM', ca_path='/ca'),
    dict(private_key_path='/k', certificate_path='/c', private_key_passphrase='x', subject_alt_names=[], is_ca=False),
    # removing the entry ignores everything but the alias: a copy of the present task is fine
    dict(state='absent', subject='CN=x', certificate='PEM', key_size=4096),
], ids=['generate', 'generate-ec-with-rsa-size', 'rekey-with-renewal', 'import-pem', 'import-src_path',
        'import-paths', 'absent'])
def test_options_that_apply_pass(given):
    keyplan.check_key_entry_options(_module_params(**given))


@pytest.mark.parametrize('options, warnings', [
    (dict(key_type='ec', key_size=4096),
     ('key_size 4096 does not apply to an ec key (its size follows curve secp256r1); it is ignored',)),
    (dict(key_type='rsa', key_size=3072, curve='secp384r1'),
     ('curve secp384r1 does not apply to an rsa key; it is ignored',)),
    (dict(key_type='ed25519', key_size=2048, curve='secp256r1'),
     ('key_size 2048 does not apply to an ed25519 key (its size is fixed); it is ignored',
      'curve secp256r1 does not apply to an ed25519 key; it is ignored')),
    (dict(key_type='ec', curve='secp384r1'), ()),
    (dict(key_type='rsa', key_size=3072), ()),
], ids=['ec-key_size', 'rsa-curve', 'ed25519-both', 'ec-curve', 'rsa-key_size'])
def test_key_options_of_another_key_type_warn_when_a_key_is_made(options, warnings):
    """Playbooks pass key_size (or a curve) whatever the key type, as the roles did: a warning, not a failure."""
    wanted = EC_OPTIONS._replace(**options)
    created = keyplan.plan_generate(None, wanted)
    assert created.reason == 'created' and created.warnings == warnings
    algorithm, size = certs.public_key_info(certs.cert_public_key(_leaf(created.chain)))
    assert (algorithm, size) == {'ec': ('EC', 384 if options.get('curve') == 'secp384r1' else 256),
                                 'rsa': ('RSA', options.get('key_size')), 'ed25519': ('Ed25519', 255)}[wanted.key_type]
    # an entry that already is what the task asks makes no key: nothing to warn about
    entry = model.PrivateKeyEntry('app', created.chain, key_der=created.key_der)
    assert keyplan.plan_generate(entry, wanted) == keyplan.UNCHANGED
    # a forced new key is made again with the same options
    assert keyplan.plan_generate(entry, wanted._replace(force=True)).warnings == warnings


def test_alias_and_key_password_checks(pki):
    store = _store(_trusted('rootca', pki.root))
    with pytest.raises(model.AliasClashError, match='alias "rootca" is a trusted cert entry'):
        keyplan.key_entry_of(store, 'rootca')
    assert keyplan.key_entry_of(store, 'new') is None
    assert keyplan.own_key_password(store, 'new', None, STORE_PASSWORD) is None
    assert keyplan.own_key_password(store, 'new', STORE_PASSWORD, STORE_PASSWORD) is None
    with pytest.raises(model.KeystoreError) as info:
        keyplan.own_key_password(store, 'new', KEY_PASSWORD, STORE_PASSWORD)
    assert 'PKCS12' in str(info.value) and KEY_PASSWORD not in str(info.value)
    assert keyplan.own_key_password(_store(store_type='jks'), 'new', KEY_PASSWORD, STORE_PASSWORD) == KEY_PASSWORD


def test_apply_key_plan_replaces_the_entry(pki, generated):
    store = _store(generated, store_type='jks')
    plan = keyplan.KeyPlan('rekeyed', key_der_of(pki.ec_key), pki.ec_chain)
    entry = keyplan.apply_key_plan(store, 'app', plan, KEY_PASSWORD)
    assert store.get('app') is entry and store.aliases() == ['app']
    assert entry.chain == pki.ec_chain and entry.key_password == KEY_PASSWORD and entry.timestamp > 0


# ---- cert_reply ---------------------------------------------------------------------------------------------


@pytest.fixture
def csr_store(pki):
    """A store whose 'server' entry still holds the self-signed certificate keytool -genkeypair made."""
    self_signed = pki.cert(u'rsa.example.com', pki.rsa_key, u'rsa.example.com', pki.rsa_key)
    return _store(model.PrivateKeyEntry('server', [der_of(self_signed)], key_der=key_der_of(pki.rsa_key),
                                        timestamp=1), _trusted('root', pki.root))


def test_reply_installs_the_chain_once(pki, csr_store):
    given = [der_of(pki.rsa_leaf), der_of(pki.inter)]
    plan = keyplan.plan_reply(csr_store, 'server', given)
    assert plan == keyplan.ReplyPlan('chain_updated', pki.rsa_chain)
    keyplan.apply_reply(csr_store, 'server', plan)
    entry = csr_store.get('server')
    assert entry.chain == pki.rsa_chain and entry.timestamp > 1
    assert entry.key_der == key_der_of(pki.rsa_key)
    again = keyplan.plan_reply(csr_store, 'server', given)
    assert again == keyplan.ReplyPlan(None, pki.rsa_chain)
    keyplan.apply_reply(csr_store, 'server', again)
    assert csr_store.get('server').chain == pki.rsa_chain


def test_reply_prefers_the_store_trust_to_the_truststore(pki, csr_store, inter_again):
    csr_store.add(_trusted('inter', pki.inter))
    plan = keyplan.plan_reply(csr_store, 'server', [der_of(pki.rsa_leaf)], [der_of(inter_again)])
    assert plan.chain == pki.rsa_chain


def test_reply_completes_from_the_truststore(pki, csr_store):
    with pytest.raises(model.CertificateInputError) as info:
        keyplan.plan_reply(csr_store, 'server', [der_of(pki.rsa_leaf)])
    assert 'truststore_path' in str(info.value) and 'Test Intermediate CA' in str(info.value)
    plan = keyplan.plan_reply(csr_store, 'server', [der_of(pki.rsa_leaf)], [der_of(pki.inter)])
    assert len(plan.chain) == 3 and plan.chain[1] == der_of(pki.inter)
    assert keyplan.plan_reply(csr_store, 'server', [der_of(pki.rsa_leaf)], validate=False).chain == \
        [der_of(pki.rsa_leaf)]


def test_reply_for_another_key(pki, csr_store):
    with pytest.raises(model.CertificateInputError) as info:
        keyplan.plan_reply(csr_store, 'server', [der_of(pki.ec_leaf), der_of(pki.inter)])
    assert str(info.value).startswith('the reply is not for the key of alias "server"')
    assert '("O=javasec test,CN=ec.example.com", "O=javasec test,CN=Test Intermediate CA")' in str(info.value)


@pytest.mark.parametrize('alias', ['root', 'nosuchalias'])
def test_reply_needs_a_private_key_entry(pki, csr_store, alias):
    with pytest.raises(model.KeystoreError) as info:
        keyplan.plan_reply(csr_store, alias, [der_of(pki.rsa_leaf)], path='/opt/app/keystore.p12')
    assert str(info.value) == 'alias "%s" is not a private key entry of /opt/app/keystore.p12' % alias


def test_expired_reply(pki):
    store = _store(model.PrivateKeyEntry('old', [der_of(pki.other_root)], key_der=None,
                                         sealed=model.Sealed('pkcs12', b'blob')))
    with pytest.raises(model.CertificateInputError, match='the CA reply "O=javasec test,CN=expired" expired on'):
        keyplan.plan_reply(store, 'old', [der_of(pki.expired)])
    plan = keyplan.plan_reply(store, 'old', [der_of(pki.expired)], allow_expired=True)
    assert plan == keyplan.ReplyPlan('chain_updated', [der_of(pki.expired)])


# ---- keystore ------------------------------------------------------------------------------------------------


def test_open_store_with_password_or_new_password(pki):
    data = pki.store_bytes('jks')
    opened = keyplan.open_store(data, 'store.jks', STORE_PASSWORD)
    assert opened.password == STORE_PASSWORD and opened.warnings == ()
    assert sorted(opened.store.aliases()) == ['ec-server', 'ed25519', 'other-root', 'root-ca', 'rsa-server']
    opened = keyplan.open_store(data, 'store.jks', 'wrong-password', STORE_PASSWORD)
    assert opened.password == STORE_PASSWORD and opened.store.store_type == 'jks'


@pytest.mark.parametrize('data, error', [(None, model.WrongPasswordError), (b'garbage', model.KeystoreError)],
                         ids=['wrong-password', 'garbage'])
def test_unreadable_store_fails_or_is_replaced_when_forced(pki, data, error):
    data = data or pki.store_bytes('pkcs12')
    with pytest.raises(error) as info:
        keyplan.open_store(data, '/opt/store.p12', 'wrong-password', NEW_PASSWORD)
    message = str(info.value)
    assert message.startswith('/opt/store.p12: ') and message.endswith('(set force=true to replace it with an '
                                                                       'empty store)')
    assert 'wrong-password' not in message and NEW_PASSWORD not in message
    opened = keyplan.open_store(data, '/opt/store.p12', 'wrong-password', NEW_PASSWORD, force=True)
    assert opened.store is None and opened.password is None
    assert len(opened.warnings) == 1 and opened.warnings[0].startswith('/opt/store.p12 could not be read (')
    assert 'replaced by an empty store because force=true' in opened.warnings[0]


def test_plan_new_store():
    plan = keyplan.plan_store(None, None, STORE_PASSWORD)
    assert (plan.store_type, plan.encryption, plan.password, plan.write) == ('pkcs12', 'modern', STORE_PASSWORD, True)
    assert plan.converted_from is None and plan.password_changed is False and len(plan.store.entries) == 0
    plan = keyplan.plan_store(None, None, STORE_PASSWORD, NEW_PASSWORD, 'jks', 'legacy')
    assert (plan.store.store_type, plan.store_type, plan.password) == ('jks', 'jks', NEW_PASSWORD)


def test_plan_existing_store_without_change(pki):
    store = pki.store('pkcs12')
    plan = keyplan.plan_store(store, STORE_PASSWORD, STORE_PASSWORD, STORE_PASSWORD, 'pkcs12', 'modern')
    assert plan.write is False and plan.store is store and plan.warnings == ()
    assert keyplan.plan_store(store, NEW_PASSWORD, STORE_PASSWORD, NEW_PASSWORD).write is False


def test_plan_conversion_drops_own_key_passwords(pki):
    store = pki.store('jks', secrets=False, own_password=True)
    plan = keyplan.plan_store(store, STORE_PASSWORD, STORE_PASSWORD, store_type='pkcs12')
    assert plan.write and plan.converted_from == 'jks' and plan.store_type == 'pkcs12'
    assert plan.password_changed is False
    assert plan.warnings == ('the key of alias "own-password" had its own password; PKCS12 protects it with the '
                             'store password',)
    assert store.get('own-password').key_password is None
    data = codec.dump_bytes(plan.store, plan.password, plan.store_type, plan.encryption)
    assert codec.load_bytes(data, STORE_PASSWORD).get('own-password').key_der == key_der_of(pki.ed_key)


def test_plan_encryption_and_password_changes(pki):
    plan = keyplan.plan_store(pki.store('pkcs12'), STORE_PASSWORD, STORE_PASSWORD, encryption='legacy')
    assert plan.write and plan.encryption == 'legacy' and plan.converted_from is None
    # pkcs12_encryption means nothing to JKS
    assert keyplan.plan_store(pki.store('jks', secrets=False), STORE_PASSWORD, STORE_PASSWORD,
                              encryption='legacy').write is False
    store = pki.store('jks', secrets=False, own_password=True)
    plan = keyplan.plan_store(store, STORE_PASSWORD, STORE_PASSWORD, NEW_PASSWORD)
    assert plan.write and plan.password_changed and plan.password == NEW_PASSWORD and plan.store_type == 'jks'
    assert store.get('own-password').key_password == KEY_PASSWORD  # JKS keys keep a password of their own
    data = codec.dump_bytes(plan.store, plan.password, plan.store_type)
    assert codec.load_bytes(data, NEW_PASSWORD, {'own-password': KEY_PASSWORD}).get('rsa-server').key_der == \
        key_der_of(pki.rsa_key)


def test_plan_password_change_of_a_sealed_pkcs12_key_fails(pki):
    store = _store(model.PrivateKeyEntry('locked', pki.rsa_chain, sealed=model.Sealed('pkcs12', b'blob')))
    with pytest.raises(model.KeystoreError, match='"locked" cannot be decrypted with the store password'):
        keyplan.plan_store(store, STORE_PASSWORD, STORE_PASSWORD, NEW_PASSWORD)


def test_plan_jceks_is_read_only(pki):
    store = model.Keystore('jceks')
    assert keyplan.plan_store(store, STORE_PASSWORD, STORE_PASSWORD).write is False
    with pytest.raises(model.UnsupportedStoreError, match='writing JCEKS keystores is not supported'):
        keyplan.plan_store(store, STORE_PASSWORD, STORE_PASSWORD, NEW_PASSWORD)
    plan = keyplan.plan_store(store, STORE_PASSWORD, STORE_PASSWORD, store_type='pkcs12')
    assert plan.write and plan.converted_from == 'jceks'
