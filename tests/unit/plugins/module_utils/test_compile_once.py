# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_compile_once: the engine's modules compile once, not twice, when imported from a zip as AnsiballZ does.

The imports run in a fresh interpreter (-I: nothing but the zip on the path for the collection), as on a
managed node, with compile() counted per file.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import json
import os
import subprocess
import sys
import zipfile
import zipimport

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _compile_once as compile_once

PACKAGE = 'ansible_collections.javasec.keystore.plugins.module_utils'
MODULE_UTILS = os.path.dirname(compile_once.__file__)
MODULES = os.path.join(os.path.dirname(MODULE_UTILS), 'modules')

# a module of the package that imports a sibling and raises: nested imports and tracebacks
BOOM = '''
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der


def boom():
    raise ValueError('boom %d' % der.SEQUENCE)
'''

RUN = '''
import builtins, collections, importlib, json, os, sys, traceback
zip_path, first = sys.argv[1], sys.argv[2] == 'first'
counts = collections.Counter()
real_compile = builtins.compile
def counting_compile(source, filename, *args, **kwargs):
    counts[os.path.basename(str(filename))] += 1
    return real_compile(source, filename, *args, **kwargs)
builtins.compile = counting_compile
sys.path.insert(0, zip_path)
package = sys.argv[3]
if first:
    importlib.import_module(package + '._compile_once')
boom = importlib.import_module(package + '._boom')
der = sys.modules[package + '._der']
try:
    boom.boom()
except ValueError:
    trace = traceback.format_exc()
try:
    importlib.import_module(package + '._absent')
    missing = None
except ImportError as error:
    missing = type(error).__name__
print(json.dumps({'counts': counts, 'file': der.__file__, 'loader': type(der.__loader__).__name__,
                  'encoded': der.seq(der.integer(5)).hex(),
                  'trace': trace, 'missing': missing}))
'''


@pytest.fixture(scope='module')
def payload(tmp_path_factory):
    """A zip laid out as AnsiballZ lays out a collection's module_utils."""
    path = str(tmp_path_factory.mktemp('ansiballz') / 'payload.zip')
    with zipfile.ZipFile(path, 'w') as archive:
        parts = PACKAGE.split('.')
        for depth in range(1, len(parts) + 1):
            archive.writestr('/'.join(parts[:depth]) + '/__init__.py', '')
        for name in ('_compile_once', '_der'):
            archive.write(os.path.join(MODULE_UTILS, name + '.py'), '/'.join(parts) + '/' + name + '.py')
        archive.writestr('/'.join(parts) + '/_boom.py', BOOM)
    return path


def _imports(payload, first):
    out = subprocess.run([sys.executable, '-I', '-c', RUN, payload, 'first' if first else 'plain', PACKAGE],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_modules_compile_once_from_the_zip(payload):
    plain, once = _imports(payload, False), _imports(payload, True)
    # Python's own zipimport compiles twice (CPython gh-141276); a Python that fixes it would compile once
    assert plain['counts']['_der.py'] in (1, 2) and plain['loader'] == 'zipimporter'
    assert once['loader'] == 'CompileOnce'
    assert once['counts']['_der.py'] == 1 and once['counts']['_boom.py'] == 1
    # the same module, under the same file name, as zipimport gives
    assert once['file'] == plain['file'] == os.sep.join([payload] + PACKAGE.split('.') + ['_der.py'])
    assert once['encoded'] == plain['encoded']
    # tracebacks show the source line, read from the zip
    assert "raise ValueError('boom %d' % der.SEQUENCE)" in once['trace']
    assert 'ValueError: boom 48' in once['trace']
    # a module the zip lacks fails as it always did
    assert once['missing'] == plain['missing'] == 'ModuleNotFoundError'


def test_finder_answers_for_its_package_only(payload):
    importer = zipimport.zipimporter(os.sep.join([payload] + PACKAGE.split('.')) + os.sep)
    finder = compile_once.CompileOnce(importer)
    spec = finder.find_spec(PACKAGE + '._der')
    assert spec.loader is finder and spec.origin.endswith(os.sep + '_der.py') and spec.has_location
    assert finder.find_spec('json') is None
    assert finder.find_spec(PACKAGE + 'x._der') is None
    assert finder.find_spec(PACKAGE + '._absent') is None
    assert finder.find_spec(PACKAGE + '.sub._der') is None


def test_does_nothing_outside_a_zip():
    before = list(sys.meta_path)
    assert compile_once.install(None) is None
    assert compile_once.install(compile_once.__loader__) is None  # imported here from the file system
    assert sys.meta_path == before
    assert not any(isinstance(finder, compile_once.CompileOnce) for finder in sys.meta_path)


def _engine_imports(path):
    """The names of the engine modules a module file imports at its top level, in order."""
    with open(path, encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    names = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and (node.module or '').startswith(PACKAGE):
            if node.module == PACKAGE:
                names.extend(alias.name for alias in node.names)
            else:
                names.append(node.module.rpartition('.')[2])
    return names


@pytest.mark.parametrize('module', sorted(name[:-3] for name in os.listdir(MODULES) if name.endswith('.py')))
def test_modules_import_it_first(module):
    """Every module that imports the engine at its top imports _compile_once before the rest of it."""
    names = _engine_imports(os.path.join(MODULES, module + '.py'))
    if names:
        assert names[0] == '_compile_once', names
