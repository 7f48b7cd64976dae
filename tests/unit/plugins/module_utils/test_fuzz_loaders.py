# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A bounded run of the loader fuzz (tests/unit/plugins/fuzz_loaders.py; the long run is scripts/fuzz-loaders):
mutated stores, bundles, CSRs, keys and TOML files end in a result or a KeystoreError, never in another
exception, a hang or an error message that holds a password."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import shutil
import tempfile

import pytest

from ansible_collections.javasec.keystore.tests.unit.plugins import fuzz_loaders as fuzz
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import Pki

SEED = 'unit-2026'
# a few thousand inputs where they are cheap (key and TOML cost ~5 ms each): ~5 s of CPU in all
COUNTS = {'jks': 2500, 'jceks': 1500, 'pkcs12': 2000, 'pem': 2500, 'csr': 2000, 'key': 600, 'toml': 400}
# ansible-test runs every test in a fork of its worker: what warm_fork_cache() builds before the forks
# (tests/unit/plugins/conftest.py calls it) is inherited, so keytool runs once, not once per test
_CACHE = {}


def warm_fork_cache():
    if 'seeds' not in _CACHE:
        pki = Pki()
        workdir = tempfile.mkdtemp(prefix='fuzz-seeds-')
        try:
            _CACHE['seeds'] = fuzz.make_seeds(pki, shutil.which('keytool'), workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        _CACHE['pki'] = pki


def _material():
    warm_fork_cache()
    return _CACHE['pki'], _CACHE['seeds']


def test_seeds_are_valid_inputs():
    pki, seeds = _material()
    stores = fuzz.check_seeds(seeds, pki)
    key_chain = ('server', 'private_key', 2)
    assert stores['jks'] == [key_chain, ('root', 'trusted_cert', 1)]
    assert stores['jks-own-password-resigned'] == [key_chain, ('root', 'trusted_cert', 1), ('own', 'private_key', 1)]
    for name in ('p12-modern', 'p12-legacy', 'p12-modern-remac', 'p12-legacy-plain-certs-nomac'):
        assert sorted(stores[name]) == [('aes', 'secret_key', True), ('root', 'trusted_cert', 1), key_chain]
    if seeds['jceks']:
        # keytool's JCEKS: the key's chain (it adds the root it trusts), the trusted root and the AES key
        assert sorted(stores['jceks']) == [('aes', 'secret_key', True), ('root', 'trusted_cert', 1),
                                           ('server', 'private_key', 3)]
    assert {s.name for s in seeds['csr']} == {'csr-ec-sans', 'csr-ec-der', 'csr-rsa-keytool', 'csr-ed25519'}


@pytest.mark.parametrize('loader', fuzz.LOADERS)
def test_mutated_inputs_end_in_a_result_or_our_error(loader):
    pki, seeds = _material()
    if not seeds[loader]:
        pytest.skip({'jceks': 'keytool (a JDK) is not installed: it alone writes JCEKS seeds',
                     'toml': 'tomlkit is not installed (a controller-side loader)'}[loader])
    # time_limit: a hang would raise in the input, not stop the suite
    stats = fuzz.run(SEED, {loader: COUNTS[loader]}, seeds, pki, time_limit=30)
    failures = ['%s #%d (%s; %s): %s' % (f.kind, f.index, f.seed_name, ' '.join(f.mutations), f.detail)
                for f in stats.findings if f.kind != 'slow']
    assert not failures, '\n'.join(failures)
    assert stats.count[loader] == COUNTS[loader]
    outcomes = stats.outcomes[loader]
    assert sum(outcomes.values()) == COUNTS[loader]
    # the fuzz reaches both ends: inputs that still load and inputs refused with our errors
    assert outcomes['ok'] >= COUNTS[loader] // 100, dict(outcomes)
    errors = set(outcomes) - {'ok'}
    assert errors and errors <= {'CorruptStoreError', 'WrongPasswordError', 'WrongKeyPasswordError',
                                 'UnsupportedStoreError', 'CertificateInputError', 'InputError',
                                 'PrivateKeyInputError', 'TomlEditError'}, dict(outcomes)
