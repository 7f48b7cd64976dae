# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a module run that changes nothing imports of the engine (issue 11: fleet cost).

Every module run compiles what it imports from the AnsiballZ zip, twice (Python's zipimport compiles a module
once to name its file and once to run it, and keeps no bytecode), so the engine keeps what only a change needs
(writers, generators, signature checks, other modules' planners) in modules a no-change run never imports.
Here the real modules run in a fresh interpreter, as on a managed node, on stores they leave alone.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import (
    STORE_PASSWORD, der_of, key_der_of, pem_of)

PREFIX = 'ansible_collections.javasec.keystore.plugins.'

# Imported only to change something: a no-change run must never need them.
COLD = {'module_utils.' + name for name in ('_certparse', '_chainplan', '_dump', '_issue', '_pkcs12_write', '_signatures')}

RUN = '''
import atexit, json, runpy, sys
prefix, module, report = sys.argv[1:4]
def write_report():
    with open(report, 'w') as handle:
        json.dump(sorted(m[len(prefix):] for m in sys.modules if m.startswith(prefix)), handle)
atexit.register(write_report)
sys.argv = [module, sys.argv[4]]  # AnsibleModule reads its arguments from the file named here
runpy.run_module(prefix + 'modules.' + module, run_name='__main__')
'''


def _run(tmp_path, module, args):
    """The module's result and the engine modules it imported."""
    args_file, report = tmp_path / 'args.json', tmp_path / 'imported.json'
    args_file.write_text(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    out = subprocess.run([sys.executable, '-c', RUN, PREFIX, module, str(report), str(args_file)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
    result = json.loads(out.stdout)
    return result, set(json.loads(report.read_text()))


def _store(pki, store_type):
    store = model.Keystore(store_type, 'modern')
    store.add(model.PrivateKeyEntry('server', pki.rsa_chain, key_der_of(pki.rsa_key)))
    store.add(model.PrivateKeyEntry('ed25519', [der_of(pki.ed_cert)], key_der_of(pki.ed_key)))
    store.add(model.TrustedCertEntry('root-ca', der_of(pki.root)))
    store.add(model.TrustedCertEntry('inter', der_of(pki.inter)))
    return codec.dump_bytes(store, STORE_PASSWORD, store_type)


@pytest.mark.parametrize('store_type', ['pkcs12', 'jks'])
def test_key_entry_that_changes_nothing_imports_no_cold_module(pki, tmp_path, store_type):
    path = tmp_path / 'keystore'
    path.write_bytes(_store(pki, store_type))
    base = dict(path=str(path), password=STORE_PASSWORD)
    ca_signed = dict(base, alias='server', key_type='rsa', key_size=2048, subject=pki.rsa_leaf.subject.rfc4514_string(),
                     subject_alt_names=['DNS:rsa.example.com', 'DNS:www.example.com'], renew_before_days=30)
    self_signed = dict(base, alias='ed25519', key_type='ed25519', subject=pki.ed_cert.subject.rfc4514_string(),
                       renew_before_days=30)
    before = path.read_bytes()
    for args, chain_length in ((ca_signed, 3), (self_signed, 1)):
        result, imported = _run(tmp_path, 'key_entry', args)
        assert (result['changed'], result['certificate_matches'], len(result['chain'])) == (False, True, chain_length)
        assert imported & COLD == set(), 'a key_entry run that changes nothing imported %s' % sorted(imported & COLD)
        assert 'module_utils._keyplan' in imported  # the report sees the engine at all
    assert path.read_bytes() == before

    # the judge: the same task on a leaf with other names must make a certificate, which needs _issue
    result, imported = _run(tmp_path, 'key_entry', dict(self_signed, subject='CN=renamed'))
    assert (result['changed'], result['change_reason']) == (True, 'chain_updated')
    assert {'module_utils._issue', 'module_utils._dump'} <= imported


@pytest.mark.parametrize('store_type', ['pkcs12', 'jks'])
def test_trusted_cert_that_changes_nothing_imports_no_cold_module(pki, tmp_path, store_type):
    path = tmp_path / 'truststore'
    path.write_bytes(_store(pki, store_type))
    args = dict(path=str(path), password=STORE_PASSWORD, bundle=(pem_of(pki.inter) + pem_of(pki.root)).decode())
    result, imported = _run(tmp_path, 'trusted_cert', args)
    assert (result['changed'], sorted(c['alias'] for c in result['unchanged'])) == (False, ['inter', 'root-ca'])
    assert imported & COLD == set(), 'a trusted_cert run that changes nothing imported %s' % sorted(imported & COLD)
    assert 'module_utils._truststore' in imported

    result, imported = _run(tmp_path, 'trusted_cert', dict(args, bundle=pem_of(pki.other_root).decode()))
    assert result['changed'] and 'module_utils._dump' in imported
