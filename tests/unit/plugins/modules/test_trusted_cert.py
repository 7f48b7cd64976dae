# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""javasec.keystore.trusted_cert: main() with patched module arguments."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import hashlib
import json
import os

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils import _tls as tls
from ansible_collections.javasec.keystore.plugins.modules import trusted_cert
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import (
    STORE_PASSWORD, der_of, pem_of)
from ansible_collections.javasec.keystore.tests.unit.plugins.tls_server import TlsServer, closed_port


@pytest.fixture
def run(run_module):
    def runner(check_mode=False, diff=False, **args):
        args.setdefault('password', STORE_PASSWORD)
        result = run_module(trusted_cert, args, check_mode=check_mode, diff=diff)
        assert STORE_PASSWORD not in json.dumps(result, default=str)
        return result
    return runner


def _digest(path):
    with open(path, 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def _load(path):
    with open(path, 'rb') as handle:
        return codec.load_bytes(handle.read(), STORE_PASSWORD)


def _trusted(path):
    """alias -> SHA-256 fingerprint of the trusted entries."""
    return dict((e.alias, certs.fingerprint(e.cert)) for e in _load(path).entries.values()
                if isinstance(e, model.TrustedCertEntry))


def _fp(cert):
    return certs.fingerprint(der_of(cert))


def _write_pem(tmp_path, name, *objs):
    path = tmp_path / name
    path.write_bytes(b''.join(pem_of(o) for o in objs))
    return str(path)


@pytest.fixture
def bundle(pki):
    return b''.join(pem_of(c) for c in (pki.root, pki.inter, pki.other_root)).decode('ascii')


def test_bundle_check_real_check_real(run, tmp_path, pki, bundle):
    path = str(tmp_path / 'ts.p12')
    first = run(check_mode=True, path=path, bundle=bundle)
    assert first['changed'] and not os.path.exists(path)
    second = run(path=path, bundle=bundle)
    assert second['changed']
    assert [a['sha256'] for a in second['added']] == [_fp(pki.root), _fp(pki.inter), _fp(pki.other_root)]
    assert second['added'] == first['added']
    assert [a['alias'] for a in second['added']] == [certs.derive_alias(der_of(c))
                                                     for c in (pki.root, pki.inter, pki.other_root)]
    assert second['added'][0]['subject'] == 'O=javasec test,CN=Test Root CA'
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert second['store_type'] == 'pkcs12' and second['entries'] == 3
    digest = _digest(path)
    third = run(check_mode=True, path=path, bundle=bundle)
    fourth = run(path=path, bundle=bundle)
    assert not third['changed'] and not fourth['changed']
    assert fourth['unchanged'] == second['added'] and fourth['added'] == []
    assert _digest(path) == digest


@pytest.mark.parametrize('store_type', ['jks', 'pkcs12'])
def test_key_entries_untouched_by_exclusive(run, tmp_path, pki, store_type):
    path = str(tmp_path / 'store')
    store = pki.store(store_type, secrets=store_type != 'jks')
    (tmp_path / 'store').write_bytes(codec.dump_bytes(store, STORE_PASSWORD))
    before = _load(path)
    result = run(path=path, certificates=[{'content': pem_of(pki.inter).decode('ascii'), 'alias': 'Inter'}],
                 exclusive=True, diff=True)
    assert result['changed']
    assert sorted(r['alias'] for r in result['removed']) == ['other-root', 'root-ca']
    assert [a['alias'] for a in result['added']] == ['inter']
    after = _load(path)
    for alias, entry in before.entries.items():
        if not isinstance(entry, model.TrustedCertEntry):
            new = after.entries[alias]
            assert type(new) is type(entry)
            assert vars(new) == vars(entry)
    assert _trusted(path) == {'inter': _fp(pki.inter)}
    assert set(result['diff']['before']['entries']) - set(result['diff']['after']['entries']) == \
        set(['root-ca', 'other-root'])
    again = run(path=path, certificates=[{'content': pem_of(pki.inter).decode('ascii'), 'alias': 'Inter'}],
                exclusive=True)
    assert not again['changed']


def test_exclusive_drops_extra_aliases_of_a_given_certificate(run, tmp_path, pki):
    path = str(tmp_path / 'ts.p12')
    store = model.Keystore()
    store.add(model.TrustedCertEntry('first', der_of(pki.root)))
    store.add(model.TrustedCertEntry('second', der_of(pki.root)))
    (tmp_path / 'ts.p12').write_bytes(codec.dump_bytes(store, STORE_PASSWORD))
    result = run(path=path, certificates=[{'content': pem_of(pki.root).decode('ascii'), 'alias': 'second'}],
                 exclusive=True)
    assert [u['alias'] for u in result['unchanged']] == ['second']
    assert [r['alias'] for r in result['removed']] == ['first']
    assert _trusted(path) == {'second': _fp(pki.root)}


@pytest.mark.parametrize('args, why', [
    (dict(), 'no certificate is given'),
    (dict(certificates=[], urls=[]), 'no certificate is given'),
    (dict(certificates=[{'content': 'PEM'}], ca_only=True), 'every given certificate is excluded by ca_only or expired'),
])
def test_exclusive_with_nothing_to_keep_needs_allow_empty(run, tmp_path, pki, args, why):
    path = str(tmp_path / 'store')
    (tmp_path / 'store').write_bytes(codec.dump_bytes(pki.store('pkcs12'), STORE_PASSWORD))
    trusted, digest = _trusted(path), _digest(path)
    assert len(trusted) == 2
    if args.get('ca_only'):
        args['certificates'] = [{'content': pem_of(pki.rsa_leaf).decode('ascii')}]
    result = run(path=path, exclusive=True, **args)
    assert result['failed'] and result['error_type'] == 'InputError'
    assert result['msg'] == ('exclusive=true with no certificate to keep (%s) would remove every trusted certificate '
                             'entry; set allow_empty=true to do that on purpose' % why)
    assert _digest(path) == digest
    result = run(path=path, exclusive=True, allow_empty=True, **args)
    assert result['changed'] and sorted(r['alias'] for r in result['removed']) == sorted(trusted)
    assert _trusted(path) == {}
    assert len(_load(path).entries) == len(pki.store('pkcs12').entries) - 2
    assert not run(path=path, exclusive=True, allow_empty=True, **args)['changed']


def test_duplicates_and_existing_aliases(run, tmp_path, pki):
    path = str(tmp_path / 'ts.p12')
    run(path=path, certificates=[{'content': pem_of(pki.root).decode('ascii'), 'alias': 'MyRoot'}])
    der_b64 = base64.b64encode(der_of(pki.root)).decode('ascii')
    pem_file = _write_pem(tmp_path, 'inter.pem', pki.inter)
    result = run(path=path, certificates=[
        {'content': der_b64, 'alias': 'another'},       # already trusted as myroot
        {'path': pem_file},                              # new
        {'content': pem_of(pki.inter).decode('ascii'), 'alias': 'Inter-CA'},  # same, later explicit alias
    ], bundle=pem_of(pki.inter).decode('ascii'))
    assert [u['alias'] for u in result['unchanged']] == ['myroot']
    assert [a['alias'] for a in result['added']] == ['inter-ca']
    assert _trusted(path) == {'myroot': _fp(pki.root), 'inter-ca': _fp(pki.inter)}


def test_explicit_alias_replaces_trusted_certificate(run, tmp_path, pki):
    path = str(tmp_path / 'ts.p12')
    run(path=path, certificates=[{'content': pem_of(pki.root).decode('ascii'), 'alias': 'corp'}])
    result = run(path=path, certificates=[{'content': pem_of(pki.other_root).decode('ascii'), 'alias': 'corp'}])
    assert result['changed']
    assert [r['sha256'] for r in result['removed']] == [_fp(pki.root)]
    assert [a['sha256'] for a in result['added']] == [_fp(pki.other_root)]
    assert _trusted(path) == {'corp': _fp(pki.other_root)}


def test_alias_held_by_a_certificate_that_is_also_given(run, tmp_path, pki):
    path = str(tmp_path / 'ts.p12')
    run(path=path, certificates=[{'content': pem_of(pki.root).decode('ascii'), 'alias': 'corp'}])
    digest = _digest(path)
    result = run(path=path, certificates=[{'content': pem_of(pki.root).decode('ascii')},
                                          {'content': pem_of(pki.other_root).decode('ascii'), 'alias': 'corp'}])
    assert result['failed'] and 'holds a certificate that is also given' in result['msg']
    assert _digest(path) == digest


def test_derived_alias_never_collides(run, tmp_path, pki):
    path = str(tmp_path / 'ts.p12')
    taken = certs.derive_alias(der_of(pki.root))
    run(path=path, certificates=[{'content': pem_of(pki.other_root).decode('ascii'), 'alias': taken}])
    result = run(path=path, certificates=[{'content': pem_of(pki.root).decode('ascii')}])
    assert [a['alias'] for a in result['added']] == [taken + '-2']


def test_alias_clash_with_key_entry(run, tmp_path, pki):
    path = str(tmp_path / 'ks.p12')
    (tmp_path / 'ks.p12').write_bytes(pki.store_bytes())
    digest = _digest(path)
    result = run(path=path, certificates=[{'content': pem_of(pki.inter).decode('ascii'), 'alias': 'RSA-Server'}])
    assert result['failed'] and result['error_type'] == 'AliasClashError'
    assert 'alias "rsa-server" belongs to a private key entry' in result['msg']
    result = run(path=path, state='absent', aliases=['aes-key'])
    assert result['failed'] and 'belongs to a secret key entry' in result['msg']
    assert _digest(path) == digest


def test_absent_by_alias_and_content(run, tmp_path, pki):
    path = str(tmp_path / 'ks.p12')
    (tmp_path / 'ks.p12').write_bytes(pki.store_bytes())
    check = run(check_mode=True, path=path, state='absent', aliases=['ROOT-CA', 'missing'])
    assert check['changed'] and [r['alias'] for r in check['removed']] == ['root-ca']
    result = run(path=path, state='absent', aliases=['ROOT-CA', 'missing'])
    assert result['changed'] and 'root-ca' not in _trusted(path)
    result = run(path=path, state='absent', certificates=[{'content': pem_of(pki.other_root).decode('ascii')}])
    assert [r['alias'] for r in result['removed']] == ['other-root']
    assert _trusted(path) == {}
    assert len(_load(path).entries) == 5  # three keys and two secret keys stay
    assert not run(path=path, state='absent', aliases=['root-ca'])['changed']
    missing = str(tmp_path / 'missing.p12')
    assert not run(path=missing, state='absent', aliases=['x'])['changed']
    assert not os.path.exists(missing)


def test_filters(run, tmp_path, pki):
    path = str(tmp_path / 'ts.p12')
    args = dict(path=path, certificates=[{'content': pem_of(c).decode('ascii')}
                                         for c in (pki.root, pki.expired, pki.rsa_leaf)])
    result = run(expired='fail', **args)
    assert result['failed'] and 'certificates[1]: the certificate' in result['msg'] and 'expired on' in result['msg']
    assert not os.path.exists(path)
    result = run(expired='skip', ca_only=True, **args)
    assert [a['sha256'] for a in result['added']] == [_fp(pki.root)]
    assert [(s['sha256'], s['reason']) for s in result['excluded']] == [
        (_fp(pki.expired), 'expired'), (_fp(pki.rsa_leaf), 'not a CA certificate')]
    result = run(**args)
    assert [a['sha256'] for a in result['added']] == [_fp(pki.expired), _fp(pki.rsa_leaf)]
    assert any('expired' in w for w in result['warnings'])


@pytest.mark.parametrize('args, message', [
    (dict(bundle='-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n'),
     'bundle: certificate #1 is not valid PEM'),
    (dict(certificates=[{'content': 'not a certificate!'}]), 'certificates[0]: neither PEM text nor base64'),
    (dict(certificates=[{'content': base64.b64encode(b'junk').decode('ascii')}]),
     'certificates[0]: neither PEM certificates nor a DER certificate'),
    (dict(bundle_path='/nonexistent/bundle.pem'), 'bundle_path (/nonexistent/bundle.pem): cannot read'),
    (dict(aliases=['x']), 'needs state=absent'),
    (dict(state='absent', exclusive=True), 'exclusive needs state=present'),
    (dict(store_type='jks'), 'is a PKCS12 store, not JKS; convert it first with javasec.keystore.keystore'),
    (dict(password='wrong'), 'password was incorrect'),
])
def test_bad_inputs_leave_the_store_alone(run, tmp_path, pki, args, message):
    path = str(tmp_path / 'ts.p12')
    run(path=path, certificates=[{'content': pem_of(pki.root).decode('ascii')}])
    digest = _digest(path)
    args.setdefault('certificates', [{'content': pem_of(pki.other_root).decode('ascii')}])
    result = run(path=path, **args)
    assert result['failed'], result
    assert message in result['msg']
    assert _digest(path) == digest


def test_item_with_many_certificates_and_an_alias(run, tmp_path, pki):
    result = run(path=str(tmp_path / 'ts.p12'), certificates=[{'path': _write_pem(tmp_path, 'b.pem', pki.root, pki.inter),
                                                              'alias': 'x'}])
    assert result['failed'] and 'holds 2 certificates but has an alias' in result['msg']


def test_two_certificates_one_alias(run, tmp_path, pki):
    result = run(path=str(tmp_path / 'ts.p12'), certificates=[
        {'content': pem_of(pki.root).decode('ascii'), 'alias': 'same'},
        {'content': pem_of(pki.inter).decode('ascii'), 'alias': 'SAME'}])
    assert result['failed'] and 'alias "same" is given to two different certificates' in result['msg']


@pytest.mark.parametrize('trust, expected', [
    ('leaf', ['rsa_leaf']),
    ('root', ['root']),
    ('chain', ['rsa_leaf', 'inter', 'root']),
])
def test_urls(run, tmp_path, pki, trust, expected):
    path = str(tmp_path / 'ts.jks')
    with TlsServer(pki.rsa_key, [pki.rsa_leaf, pki.inter, pki.root]) as server:
        url = {'host': '127.0.0.1', 'port': server.port, 'trust': trust, 'alias': 'Server'}
        result = run(path=path, store_type='jks', urls=[url])
        again = run(path=path, urls=[url])
    assert [a['sha256'] for a in result['added']] == [_fp(getattr(pki, name)) for name in expected]
    assert result['added'][0]['alias'] == 'server'
    assert not again['changed']
    assert sorted(_trusted(path).values()) == sorted(a['sha256'] for a in result['added'])


def test_url_root_not_sent(run, tmp_path, pki):
    with TlsServer(pki.rsa_key, [pki.rsa_leaf, pki.inter]) as server:
        result = run(path=str(tmp_path / 'ts.p12'), urls=[{'host': '127.0.0.1', 'port': server.port, 'trust': 'root'}])
    assert [a['sha256'] for a in result['added']] == [_fp(pki.inter)]
    assert any('does not send a self-signed root' in w for w in result['warnings'])


def test_url_leaf_only_fallback_warns(run, tmp_path, pki, monkeypatch):
    real = tls.fetch_chain
    monkeypatch.setattr(tls, 'fetch_chain', lambda *a: real(*a, methods=(tls.METHOD_LEAF,)))
    with TlsServer(pki.rsa_key, [pki.rsa_leaf, pki.inter, pki.root]) as server:
        result = run(path=str(tmp_path / 'ts.p12'), urls=[{'host': '127.0.0.1', 'port': server.port}])
    assert [a['sha256'] for a in result['added']] == [_fp(pki.rsa_leaf)]
    assert any('only its leaf certificate is trusted' in w for w in result['warnings'])


def test_unreachable_url(run, tmp_path, pki):
    path = str(tmp_path / 'ts.p12')
    run(path=path, certificates=[{'content': pem_of(pki.root).decode('ascii')}])
    digest = _digest(path)
    result = run(path=path, certificates=[{'content': pem_of(pki.inter).decode('ascii')}],
                 urls=[{'host': '127.0.0.1', 'port': closed_port(), 'timeout': 3}])
    assert result['failed'] and result['msg'].startswith('urls[0]: 127.0.0.1:')
    assert 'cannot connect' in result['msg']
    assert _digest(path) == digest


def test_pkcs12_encryption_change_rewrites(run, tmp_path, pki):
    path = str(tmp_path / 'ts.p12')
    args = dict(path=path, certificates=[{'content': pem_of(pki.root).decode('ascii')}])
    run(**args)
    result = run(pkcs12_encryption='legacy', **args)
    assert result['changed'] and _load(path).encryption == 'legacy'
    assert not run(pkcs12_encryption='legacy', **args)['changed']
    assert not run(**args)['changed']


def _key_pem(key, encrypted=False):
    from cryptography.hazmat.primitives import serialization
    encryption = (serialization.BestAvailableEncryption(b'secret-pass') if encrypted
                  else serialization.NoEncryption())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             encryption).decode('ascii')


def _key_lines(key_pem):
    """The base64 lines of a PEM key: any of them in a result is key material."""
    return [line for line in key_pem.splitlines() if line and not line.startswith('-----') and ':' not in line]


@pytest.mark.parametrize('where', ['bundle', 'content', 'content_base64', 'path', 'bundle_path'])
def test_private_key_in_public_input_is_refused_and_masked(monkeypatch, run, tmp_path, pki, where):
    from ansible.module_utils import basic
    from ansible.module_utils.common.parameters import remove_values
    path = str(tmp_path / 'ts.p12')
    run(path=path, certificates=[{'content': pem_of(pki.root).decode('ascii')}])
    digest = _digest(path)
    key_pem = _key_pem(pki.rsa_key)
    server_pem = pem_of(pki.rsa_leaf).decode('ascii') + key_pem + pem_of(pki.inter).decode('ascii')
    args = {
        'bundle': dict(bundle=server_pem),
        'content': dict(certificates=[{'content': server_pem}]),
        'content_base64': dict(certificates=[{'content': base64.b64encode(server_pem.encode()).decode('ascii')}]),
        'path': dict(certificates=[{'path': _write_pem(tmp_path, 'server.pem', pki.rsa_leaf)}]),
        'bundle_path': dict(bundle_path=_write_pem(tmp_path, 'server.pem', pki.rsa_leaf)),
    }[where]
    if where in ('path', 'bundle_path'):
        with open(str(tmp_path / 'server.pem'), 'a') as handle:
            handle.write(key_pem)
    seen = {}
    patched_fail = basic.AnsibleModule.fail_json

    def fail_json(self, msg, **kwargs):
        # what Ansible prints (-vvv, ansible.log): the result with the task's arguments, masked
        seen['printed'] = remove_values(dict(kwargs, msg=msg, invocation={'module_args': self.params}),
                                        self.no_log_values)
        patched_fail(self, msg, **kwargs)

    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    result = run(path=path, **args)
    assert result['failed'] and 'holds a private key (1 PEM private key block)' in result['msg'], result
    assert result['error_type'] == 'PrivateKeyInputError'
    printed = json.dumps(seen['printed'], default=str)
    for text in (json.dumps(result, default=str), printed):
        assert 'PRIVATE KEY-----' not in text.replace('PEM private key', '')
        assert not [line for line in _key_lines(key_pem) if line in text]
    if where == 'content_base64':
        assert base64.b64encode(server_pem.encode()).decode('ascii') not in printed
    assert _digest(path) == digest


@pytest.mark.parametrize('key', ['encrypted', 'pkcs8', 'truncated'])
def test_every_private_key_form_is_refused(run, tmp_path, pki, key):
    from cryptography.hazmat.primitives import serialization
    if key == 'encrypted':
        key_pem = _key_pem(pki.ec_key, encrypted=True)
    else:
        key_pem = pki.ec_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode('ascii')
        if key == 'truncated':
            key_pem = key_pem[:-40]
    result = run(path=str(tmp_path / 'ts.p12'), bundle=key_pem + pem_of(pki.root).decode('ascii'))
    assert result['failed'] and 'bundle holds a private key' in result['msg']
    assert not [line for line in _key_lines(key_pem) if line in json.dumps(result)]
    assert not os.path.exists(str(tmp_path / 'ts.p12'))
