# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""javasec.keystore.key_entry: options that do not apply to what the task does are no longer ignored
silently (issue 9): the module's own defaults must not look like options the task set."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import os

from ansible_collections.javasec.keystore.plugins.modules import key_entry
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import STORE_PASSWORD, pem_of


def _run(run_module, **args):
    args.setdefault('password', STORE_PASSWORD)
    args.setdefault('alias', 'server')
    return run_module(key_entry, args)


def _digest(path):
    with open(path, 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_generation_options_with_an_import_fail_before_the_store_is_touched(run_module, tmp_path, pki):
    path = str(tmp_path / 'store.p12')
    key = pem_of(pki.ec_key).decode()
    result = _run(run_module, path=path, private_key=key, certificate=pem_of(pki.ec_leaf).decode(), subject='CN=other',
                  validity_days=30)
    assert result['failed'] is True
    assert result['msg'] == ('subject and validity_days only apply when key_entry generates a key; with private_key '
                             'the key and its certificate are imported as they are: remove them')
    assert not os.path.exists(path)


def test_import_options_without_a_key_fail_instead_of_generating(run_module, tmp_path, pki):
    path = str(tmp_path / 'store.p12')
    assert _run(run_module, path=path, subject='CN=server', key_type='ec')['changed'] is True
    before = _digest(path)
    result = _run(run_module, path=path, subject='CN=server', key_type='ec', certificate=pem_of(pki.ec_leaf).decode())
    assert result['failed'] is True
    assert result['msg'].startswith('certificate only apply when key_entry imports a key')
    assert _digest(path) == before


def test_key_size_of_an_ec_key_warns_once_when_the_key_is_made(run_module, tmp_path):
    path = str(tmp_path / 'store.p12')
    first = _run(run_module, path=path, subject='CN=server', key_type='ec', key_size=4096)
    assert first['changed'] is True
    assert first['warnings'] == ['key_size 4096 does not apply to an ec key (its size follows curve secp256r1); '
                                 'it is ignored']
    again = _run(run_module, path=path, subject='CN=server', key_type='ec', key_size=4096)
    assert again['changed'] is False and again['warnings'] == []
    # the defaults the module fills in are not options the task set: no warning for a plain EC key
    plain = _run(run_module, path=str(tmp_path / 'plain.p12'), subject='CN=server', key_type='ec')
    assert plain['changed'] is True and plain['warnings'] == []
