# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""csr and cert_export: backup of the dest they replace, and cert_export's example feeding trusted_cert
(issue 9, "Also found")."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest
import yaml

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.modules import cert_export as cert_export_module
from ansible_collections.javasec.keystore.plugins.modules import csr as csr_module
from ansible_collections.javasec.keystore.plugins.modules import trusted_cert as trusted_cert_module
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import STORE_PASSWORD, der_of, pem_of


@pytest.fixture
def store_path(pki, tmp_path):
    path = str(tmp_path / 'store.p12')
    with open(path, 'wb') as handle:
        handle.write(pki.store_bytes('pkcs12'))
    return path


def _read(path):
    with open(path, 'rb') as handle:
        return handle.read()


@pytest.mark.parametrize('module, args', [
    (csr_module, dict(alias='rsa-server')),
    (cert_export_module, dict(alias='rsa-server')),
], ids=['csr', 'cert_export'])
@pytest.mark.parametrize('backup', [True, False])
def test_backup_of_a_replaced_dest(run_module, pki, store_path, tmp_path, module, args, backup):
    dest = str(tmp_path / 'out' / 'dest.pem')
    os.mkdir(str(tmp_path / 'out'))
    old = pem_of(pki.other_root)  # neither a request of the key nor its certificate: it is replaced
    with open(dest, 'wb') as handle:
        handle.write(old)
    run = dict(args, path=store_path, password=STORE_PASSWORD, dest=dest, backup=backup)

    checked = run_module(module, run, check_mode=True)
    assert checked['changed'] is True and 'backup_file' not in checked
    assert os.listdir(str(tmp_path / 'out')) == ['dest.pem']

    result = run_module(module, run)
    assert result['changed'] is True and not result.get('failed'), result
    assert _read(dest) != old
    if backup:
        assert os.path.dirname(result['backup_file']) == str(tmp_path / 'out')
        assert _read(result['backup_file']) == old
        assert sorted(os.listdir(str(tmp_path / 'out'))) == sorted(['dest.pem', os.path.basename(result['backup_file'])])
    else:
        assert 'backup_file' not in result and os.listdir(str(tmp_path / 'out')) == ['dest.pem']

    again = run_module(module, run)
    assert again['changed'] is False and 'backup_file' not in again
    assert len(os.listdir(str(tmp_path / 'out'))) == (2 if backup else 1)


def test_new_dest_has_no_backup(run_module, store_path, tmp_path):
    dest = str(tmp_path / 'new.csr')
    result = run_module(csr_module, dict(path=store_path, password=STORE_PASSWORD, alias='rsa-server', dest=dest,
                                         backup=True))
    assert result['changed'] is True and 'backup_file' not in result
    assert sorted(os.listdir(str(tmp_path))) == ['new.csr', 'store.p12']


def test_cert_export_example_feeds_trusted_cert(run_module, pki, store_path, tmp_path):
    """The example's tasks, with their Jinja rendered as Ansible does (native types), run in order."""
    jinja2 = pytest.importorskip('jinja2.nativetypes')
    tasks = yaml.safe_load(cert_export_module.EXAMPLES)
    export = next(t for t in tasks if t.get('register') == 'exported')['javasec.keystore.cert_export']
    trust = next(t for t in tasks if 'javasec.keystore.trusted_cert' in t)['javasec.keystore.trusted_cert']
    exported = run_module(cert_export_module, dict(export, path=store_path, password=STORE_PASSWORD,
                                                   alias='rsa-server'))
    assert len(exported['certificates']) == 3  # leaf, intermediate, root

    args = {}
    for name, value in trust.items():
        if isinstance(value, str) and '{{' in value and 'password' not in name:
            value = jinja2.NativeEnvironment().from_string(value).render(exported=exported)
        args[name] = value
    args.update(path=str(tmp_path / 'client.p12'), password=STORE_PASSWORD)
    result = run_module(trusted_cert_module, args)
    assert result['changed'] is True and not result.get('failed'), result
    assert [a['sha256'] for a in result['added']] == [certs.fingerprint(der_of(pki.root))]
