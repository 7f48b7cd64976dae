# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""javasec.keystore.key_entry: inputs that made tracebacks or a silently expired certificate (issue 9 item 5)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import os

import pytest

from ansible_collections.javasec.keystore.plugins.modules import key_entry
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import STORE_PASSWORD


@pytest.fixture
def run(run_module):
    def runner(**args):
        args.setdefault('password', STORE_PASSWORD)
        args.setdefault('alias', 'server')
        args.setdefault('subject', 'CN=server.example.com')
        return run_module(key_entry, args)
    return runner


def _digest(path):
    with open(path, 'rb') as handle:
        return hashlib.sha256(handle.read()).hexdigest()


@pytest.mark.parametrize('options, message', [
    (dict(key_size=512), 'key_size 512 is too small for an RSA key: Java refuses RSA keys under 1024 bits; '
                         'use 2048 or more'),
    (dict(key_size=100), 'key_size 100 is too small for an RSA key'),
    (dict(validity_days=-5), 'validity_days must be 1 or more (got -5): a certificate valid for no day is '
                             'expired when it is made'),
    (dict(validity_days=0), 'validity_days must be 1 or more (got 0)'),
], ids=['key_size-512', 'key_size-100', 'validity_days-negative', 'validity_days-zero'])
def test_bad_generation_options_fail_clearly(run, tmp_path, options, message):
    path = str(tmp_path / 'store.p12')
    result = run(path=path, **options)
    assert result['failed'] is True and result['error_type'] == 'CertificateInputError'
    assert result['msg'].startswith(message)
    assert not os.path.exists(path)

    # on an existing entry too, every run (not only when a certificate is to be made)
    assert run(path=path, key_type='ec', curve='secp256r1')['changed'] is True
    before = _digest(path)
    again = run(path=path, key_type='ec', curve='secp256r1', **options)
    if 'validity_days' in options:
        assert again['failed'] is True and again['msg'].startswith(message)
    else:  # key_size does not apply to an EC key
        assert again['changed'] is False
    assert _digest(path) == before


def test_jks_alias_too_long_fails_clearly(run, tmp_path):
    path = str(tmp_path / 'store.jks')
    result = run(path=path, store_type='jks', alias='a' * 70000, key_type='ec')
    assert result['failed'] is True and result['error_type'] == 'UnsupportedStoreError'
    assert result['msg'] == ('%s: cannot write JKS: an alias of 70000 bytes in modified UTF-8 is too long for JKS '
                             '(65535 at most)' % path)
    assert not os.path.exists(path)
