# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fixtures of the interop tests: real keytool-made stores, their rewrites, keytool listings.

Expensive things (keytool runs, a JVM per Java probe) are session-scoped and batched, so the
whole suite stays within a few minutes on two cores.

JDKs: JAVASEC_JDK_HOMES (major=/java/home, colon-separated; scripts/jdk-matrix prints it) names the
JDKs of the Java matrix. The main tests use its Java 17, else the keytool on PATH.
"""

from __future__ import absolute_import, division, print_function

import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import interop_lib as lib  # noqa: E402  (needs the sys.path entry above)


# ---- JDKs ----------------------------------------------------------------------------------


@pytest.fixture(scope='session')
def main_jdk():
    """Java 17 that makes the source stores and checks every rewrite."""
    homes = lib.jdk_homes_from_env()
    if homes and '17' in homes:
        jdk = lib.Jdk(homes['17'], 'JAVASEC_JDK_HOMES')
    else:
        jdk = lib.system_jdk()
    if jdk is None or not jdk.keytool.exists():
        pytest.fail('no keytool: install a JDK 17 (keytool on PATH) or set JAVASEC_JDK_HOMES')
    return jdk


@pytest.fixture(scope='session')
def dev_jdk(main_jdk):
    """A full JDK (with jdk.compiler, for `java File.java`), Java 17 preferred: runs the Java probes."""
    candidates = [main_jdk, lib.system_jdk()]
    homes = lib.jdk_homes_from_env() or {}
    candidates += [lib.Jdk(home, 'JAVASEC_JDK_HOMES') for label, home in sorted(homes.items())]
    candidates = [c for c in candidates if c is not None and c.java.exists()]
    with_compiler = [c for c in candidates if c.has_module('jdk.compiler')]
    preferred = [c for c in with_compiler if c.major == 17] or with_compiler
    if not preferred:
        pytest.fail('no JDK with the jdk.compiler module (needed for single-file `java File.java`) among %s'
                    % candidates)
    return preferred[0]


# ---- the source stores, made by keytool ----------------------------------------------------


@pytest.fixture(scope='session')
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp('interop')


@pytest.fixture(scope='session')
def pki():
    return lib.Pki()


@pytest.fixture(scope='session')
def sources(main_jdk, pki, workdir):
    return lib.build_sources(main_jdk, pki, workdir / 'sources')


@pytest.fixture(scope='session')
def outputs(sources, workdir):
    return lib.build_outputs(sources, workdir / 'out')


class Listings(object):
    """keytool -list -v of a store, run once per (path, password) and cached."""

    def __init__(self, jdk):
        self.jdk = jdk
        self._cache = {}
        self._lock = threading.Lock()

    def get(self, path, store_type, password):
        key = (str(path), store_type, password)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
        value = lib.keytool_list(self.jdk, path, store_type, password, check=False)
        with self._lock:
            self._cache[key] = value
        return value

    def prefetch(self, items):
        lib.parallel(lambda item: self.get(*item), items)


@pytest.fixture(scope='session')
def listings(main_jdk, sources, outputs):
    cache = Listings(main_jdk)
    items = [(s.path, s.store_type, s.password) for s in sources.values()]
    items += [(o.path, o.store_type, o.password) for o in outputs.values() if o.error is None]
    cache.prefetch(items)
    return cache


@pytest.fixture(scope='session')
def java_probe(dev_jdk, sources, outputs, workdir):
    """What Java's own KeyStore sees in every source and rewrite (one JVM for all of them)."""
    stores = [(s.path, s.store_type, s.password, s.key_passwords) for s in sources.values()]
    stores += [(o.path, o.store_type, o.password, o.key_passwords) for o in outputs.values() if o.error is None]
    return lib.java_store_probe(dev_jdk, stores, workdir)


# ---- stores for the Java matrix and the JSSE check -----------------------------------------


@pytest.fixture(scope='session')
def matrix_stores(sources, pki, workdir):
    return lib.build_matrix_stores(sources, pki, workdir / 'matrix')


# ---- reporting -----------------------------------------------------------------------------


@pytest.fixture(scope='session')
def matrix_report(tmp_path_factory):
    """Collects the Java matrix results; written as JSON and printed at the end of the run."""
    report = lib.MATRIX_RESULTS
    report['json_path'] = str(tmp_path_factory.getbasetemp() / 'java-matrix.json')
    return report


def pytest_terminal_summary(terminalreporter):
    report = lib.MATRIX_RESULTS
    if not report.get('rows'):
        return
    terminalreporter.section('Java matrix: keytool -list / -certreq of stores written by the collection')
    for line in lib.matrix_table(report['rows']).splitlines():
        terminalreporter.write_line(line)
    if report.get('json_path'):
        terminalreporter.write_line('(also written to %s)' % report['json_path'])


# ---- helpers as fixtures -------------------------------------------------------------------


@pytest.fixture
def copy_store(tmp_path):
    """Copy a store into this test's directory (modules change stores in place)."""
    def copy(path, name=None):
        dest = tmp_path / (name or Path(path).name)
        shutil.copyfile(str(path), str(dest))
        return dest
    return copy
