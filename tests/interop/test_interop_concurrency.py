# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Concurrent writers do not lose entries: 2 processes x 50 threads, each adding its own trusted
certificate with `with files.locked(path): read_file + load_bytes / add / dump_bytes / write_atomic`."""

from __future__ import absolute_import, division, print_function

import os
import subprocess
import sys

import pytest

import interop_lib as lib

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _files as files
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model

from cryptography.hazmat.primitives.asymmetric import ec

PROCESSES = 2
WRITERS = 50
PASSWORD = 'concurrent-Store!pass'


@pytest.fixture(scope='module')
def cert_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp('certs')
    key = ec.generate_private_key(ec.SECP256R1())
    fingerprints = {}
    for number in range(PROCESSES * WRITERS):
        der = lib.Pki.der(lib.make_cert('concurrent writer %03d' % number, key, 1000 + number))
        (directory / ('%03d.der' % number)).write_bytes(der)
        fingerprints['cert-%03d' % number] = lib.fingerprint(der)
    return directory, fingerprints


@pytest.mark.parametrize('store_type', ['pkcs12', 'jks'])
def test_concurrent_writers_lose_nothing(store_type, cert_dir, tmp_path, main_jdk):
    certs, fingerprints = cert_dir
    directory = tmp_path / 'shared'
    directory.mkdir()
    store = directory / ('store.' + ('p12' if store_type == 'pkcs12' else 'jks'))
    files.write_atomic(str(store), codec.dump_bytes(model.Keystore(store_type), PASSWORD))
    go_file = tmp_path / 'go'
    env = lib.module_env()
    env['JAVASEC_TEST_PASSWORD'] = PASSWORD
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'concurrent_writer.py')
    procs = [subprocess.Popen([sys.executable, script, str(store), '-', str(certs), str(p * WRITERS), str(WRITERS),
                               str(go_file)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
             for p in range(PROCESSES)]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == 'ready'
        go_file.write_text('go')
        outputs = [proc.communicate(timeout=240)[0] for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    for proc, output in zip(procs, outputs):
        assert proc.returncode == 0, output
        assert 'written %d' % WRITERS in output, output

    proc, listing = lib.keytool_list(main_jdk, store, store_type, PASSWORD)
    assert listing['count'] == PROCESSES * WRITERS
    assert sorted(listing['entries']) == sorted(fingerprints)
    for alias, entry in listing['entries'].items():
        assert entry['type'] == 'trustedCertEntry'
        assert entry['fingerprints'] == [fingerprints[alias]]
    assert lib.dir_listing(directory) == [store.name], 'temporary files were left behind'
    assert oct(os.stat(str(store)).st_mode & 0o777) == oct(0o600)
