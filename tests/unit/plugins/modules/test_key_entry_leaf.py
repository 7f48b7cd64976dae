# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""javasec.keystore.key_entry returns its leaf (PEM) and whether it carries what the task asks for (issue 11):
server_tls skips the request, the signing, the reply and the export on a re-run when nothing is due, so what
these returns say has to be exactly what the CA path would do."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.modules import cert_export, cert_reply, csr, key_entry, sign_csr
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import STORE_PASSWORD
from ansible_collections.javasec.keystore.tests.unit.plugins.modules.test_sign_csr import CA_PASSWORD, _ca_store

SUBJECT = 'CN=app.example.com,O=Example'
SANS = ['DNS:app.example.com', 'IP:10.0.0.5']
KU = ['digitalSignature', 'keyEncipherment']
EKU = ['serverAuth', 'clientAuth']


def _entry(run_module, path, **args):
    args = dict(dict(path=path, password=STORE_PASSWORD, alias='server', key_type='ec', subject=SUBJECT,
                     subject_alt_names=SANS, key_usage=KU, extended_key_usage=EKU), **args)
    return run_module(key_entry, args)


def _ca_signed(run_module, pki, tmp_path):
    """A key entry whose leaf the intermediate CA issued (key_entry, csr, sign_csr, cert_reply as server_tls does)."""
    path = str(tmp_path / 'server.p12')
    ca_path = str(tmp_path / 'ca.p12')
    with open(ca_path, 'wb') as handle:
        handle.write(_ca_store(pki))
    assert _entry(run_module, path)['changed'] is True
    request = run_module(csr, dict(path=path, password=STORE_PASSWORD, alias='server', subject=SUBJECT,
                                   subject_alt_names=SANS))
    signed = run_module(sign_csr, dict(ca_path=ca_path, ca_password=CA_PASSWORD, ca_alias='ca', csr=request['csr'],
                                       key_usage=KU, extended_key_usage=EKU))
    reply = run_module(cert_reply, dict(path=path, password=STORE_PASSWORD, alias='server',
                                        certificate=signed['chain']))
    assert reply['changed'] is True
    return path, signed


def test_the_returned_leaf_is_what_cert_export_exports(run_module, tmp_path):
    path = str(tmp_path / 'server.p12')
    created = _entry(run_module, path)
    again = _entry(run_module, path)
    exported = run_module(cert_export, dict(path=path, password=STORE_PASSWORD, alias='server'))
    assert created['changed'] is True and again['changed'] is False
    assert again['certificate'] == exported['content'] == created['certificate']
    assert again['sha256'] == exported['sha256'][0] == certs.fingerprint(certs.load_certificates(again['certificate'])[0])
    assert again['certificate_matches'] is True


def test_a_ca_signed_leaf_matches_the_request_it_was_issued_for(run_module, pki, tmp_path):
    path, signed = _ca_signed(run_module, pki, tmp_path)
    result = _entry(run_module, path)
    assert result['changed'] is False
    assert result['certificate_matches'] is True
    assert result['sha256'] == signed['sha256']
    assert len(result['chain']) == 3
    # what a role compares with the fingerprint of the CA it signs with
    assert result['chain'][1]['sha256'] == certs.fingerprint(certs.load_certificates(signed['chain'])[1])


def test_a_ca_signed_leaf_is_kept_but_reported_when_the_task_asks_for_other_names(run_module, pki, tmp_path):
    path, signed = _ca_signed(run_module, pki, tmp_path)
    for change in (dict(subject_alt_names=SANS + ['DNS:new.example.com']), dict(subject='CN=other.example.com'),
                   dict(extended_key_usage=['serverAuth']), dict(key_usage=['digitalSignature'])):
        result = _entry(run_module, path, **change)
        assert result['changed'] is False, change
        assert result['certificate_matches'] is False, change
        assert result['sha256'] == signed['sha256'], change


def test_without_a_subject_and_on_import_the_leaf_always_matches(run_module, pki, tmp_path):
    path, signed = _ca_signed(run_module, pki, tmp_path)
    result = run_module(key_entry, dict(path=path, password=STORE_PASSWORD, alias='server', key_type='ec'))
    assert result['changed'] is False and result['certificate_matches'] is True


def test_a_wrong_subject_on_a_ca_signed_entry_is_one_clear_error(run_module, pki, tmp_path):
    path, signed = _ca_signed(run_module, pki, tmp_path)
    with open(path, 'rb') as handle:
        before = handle.read()
    result = _entry(run_module, path, subject='CN=a,,')
    assert result['failed'] is True
    assert 'subject' in result['msg'] and 'Traceback' not in result['msg']
    with open(path, 'rb') as handle:
        assert handle.read() == before
