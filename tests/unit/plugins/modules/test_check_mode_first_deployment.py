# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check mode previews a first deployment (issue 9, item 8): a store whose directory an earlier task would
create is reported as created, and nothing is written; for real, the missing directory is still an error."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible_collections.javasec.keystore.plugins.modules import key_entry as key_entry_module
from ansible_collections.javasec.keystore.plugins.modules import keystore as keystore_module
from ansible_collections.javasec.keystore.plugins.modules import trusted_cert as trusted_cert_module
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import STORE_PASSWORD, pem_of


@pytest.mark.parametrize('name', ['key_entry', 'trusted_cert', 'keystore'])
def test_check_mode_on_a_missing_directory(run_module, pki, tmp_path, name):
    module, args = {
        'key_entry': (key_entry_module, dict(alias='server', subject='CN=server.example.com', key_type='ec')),
        'trusted_cert': (trusted_cert_module, dict(bundle=pem_of(pki.root).decode('ascii'))),
        'keystore': (keystore_module, dict()),
    }[name]
    path = str(tmp_path / 'opt' / 'app' / 'store.p12')
    args = dict(args, path=path, password=STORE_PASSWORD, mode='0640')

    result = run_module(module, args, check_mode=True, diff=True)
    assert result.get('failed') is not True, result
    assert result['changed'] is True
    assert os.listdir(str(tmp_path)) == []
    if name == 'trusted_cert':
        assert [a['subject'] for a in result['added']] == ['O=javasec test,CN=Test Root CA']
        assert result['entries'] == 1 and result['store_type'] == 'pkcs12'
    if name == 'key_entry':
        assert result['change_reason'] == 'created' and result['chain'][0]['subject'] == 'CN=server.example.com'
    if name == 'keystore':
        assert result['entries'] == 0 and result['store_type'] == 'pkcs12'

    result = run_module(module, args)
    assert result['failed'] is True and 'does not exist' in result['msg']
    assert os.listdir(str(tmp_path)) == []

    os.makedirs(os.path.dirname(path))
    result = run_module(module, args)
    assert result['changed'] is True and os.stat(path).st_mode & 0o777 == 0o640
    assert run_module(module, args, check_mode=True)['changed'] is False
