# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""javasec.keystore.keystore force=true: the store it replaces is always kept (issue 9, item 9)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.modules import keystore as keystore_module
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import STORE_PASSWORD

MISTYPED = 'Mistyped-Pa55'


@pytest.fixture
def keystore(run_module):
    def run(check_mode=False, **args):
        result = run_module(keystore_module, args, check_mode=check_mode)
        text = json.dumps(result, default=str)
        assert STORE_PASSWORD not in text and MISTYPED not in text
        return result
    return run


def _read(path):
    with open(path, 'rb') as handle:
        return handle.read()


@pytest.mark.parametrize('backup', [False, True])
@pytest.mark.parametrize('store_type', ['pkcs12', 'jks'])
def test_force_with_a_mistyped_password_keeps_the_store(keystore, pki, tmp_path, store_type, backup):
    path = str(tmp_path / 'store')
    original = pki.store_bytes(store_type)
    with open(path, 'wb') as handle:
        handle.write(original)
    os.chmod(path, 0o640)

    checked = keystore(check_mode=True, path=path, password=MISTYPED, force=True, store_type=store_type,
                       backup=backup)
    assert checked['changed'] is True and checked['replaced'] is True and 'backup_file' not in checked
    assert os.listdir(str(tmp_path)) == ['store']

    result = keystore(path=path, password=MISTYPED, force=True, store_type=store_type, backup=backup)
    assert result['changed'] is True and result['replaced'] is True and result['entries'] == 0
    backup_file = result['backup_file']
    assert os.path.dirname(backup_file) == str(tmp_path) and backup_file != path
    assert sorted(os.listdir(str(tmp_path))) == sorted(['store', os.path.basename(backup_file)])  # one copy
    assert _read(backup_file) == original
    assert os.stat(backup_file).st_mode & 0o777 == 0o640
    assert codec.load_bytes(_read(backup_file), STORE_PASSWORD).aliases() == codec.load_bytes(original, STORE_PASSWORD).aliases()
    assert any(w == 'the replaced store is kept as %s' % backup_file for w in result['warnings'])

    again = keystore(path=path, password=MISTYPED, force=True, store_type=store_type, backup=backup)
    assert again['changed'] is False and again['replaced'] is False and 'backup_file' not in again
    assert len(os.listdir(str(tmp_path))) == 2


def test_force_on_a_readable_store_takes_no_backup(keystore, pki, tmp_path):
    path = str(tmp_path / 'store')
    with open(path, 'wb') as handle:
        handle.write(pki.store_bytes('pkcs12'))
    result = keystore(path=path, password=STORE_PASSWORD, force=True)
    assert result['changed'] is False and 'backup_file' not in result
    assert os.listdir(str(tmp_path)) == ['store']
