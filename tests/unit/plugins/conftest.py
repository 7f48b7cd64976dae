# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared fixtures: the test PKI, keytool, and a runner for the modules' main()."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import shutil
import subprocess

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None

pytest.importorskip('cryptography')

from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import Pki  # noqa: E402


_FORK_CACHE = {}


def pytest_collection_finish(session):
    """ansible-test runs each test in a fork of its worker, where session fixtures do not survive: costly
    shared material (the test PKI, 0.5 s; a test module's warm_fork_cache()) is built here once per worker,
    before the forks, which inherit it."""
    if any('pki' in getattr(item, 'fixturenames', ()) for item in session.items):
        _FORK_CACHE.setdefault('pki', Pki())
    warmed = set()
    for item in session.items:
        module = getattr(item, 'module', None)
        warm = getattr(module, 'warm_fork_cache', None)
        if warm is not None and module not in warmed:
            warmed.add(module)
            warm()


@pytest.fixture(scope='session')
def pki():
    if 'pki' not in _FORK_CACHE:
        _FORK_CACHE['pki'] = Pki()
    return _FORK_CACHE['pki']


@pytest.fixture(scope='session')
def keytool():
    path = shutil.which('keytool')
    if path is None:
        pytest.skip('keytool (a JDK) is not installed')
    try:
        subprocess.run([path, '-help'], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:  # pragma: no cover - broken JDK
        pytest.skip('keytool does not run: %s' % exc)
    return path


# ---- running modules -------------------------------------------------------------------


class ModuleExit(Exception):
    def __init__(self, result):
        super(ModuleExit, self).__init__(result)
        self.result = result


def _exit_json(self, **kwargs):
    kwargs.setdefault('changed', False)
    kwargs['warnings'] = list(ansible_warnings.get_warning_messages())
    raise ModuleExit(kwargs)


def _fail_json(self, msg, **kwargs):
    kwargs.pop('exception', None)
    kwargs['failed'] = True
    kwargs['msg'] = msg
    kwargs['warnings'] = list(ansible_warnings.get_warning_messages())
    raise ModuleExit(kwargs)


@pytest.fixture
def run_module(monkeypatch):
    """run_module(module, args, check_mode=False, diff=False) -> the result dict (failed=True on fail_json).

    The dict is what the module passed to exit_json/fail_json, before Ansible's no_log masking, so
    tests can check that no secret is in it at all.
    """
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', _fail_json)

    def run(module, args, check_mode=False, diff=False):
        ansible_warnings._global_warnings.clear()
        args = dict(args)
        args['_ansible_check_mode'] = check_mode
        args['_ansible_diff'] = diff
        if patch_module_args is not None:
            context = patch_module_args(args)
        else:  # pragma: no cover - older ansible-core
            from unittest import mock
            context = mock.patch.object(basic, '_ANSIBLE_ARGS',
                                        json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode('utf-8'))
        with context:
            with pytest.raises(ModuleExit) as info:
                module.main()
        return info.value.result

    return run
