# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""No module returns a key that Ansible itself interprets (issue 9, item 1).

trusted_cert 0.1.0 returned `skipped` (the certificates it left out): Ansible read it as "the task was skipped",
showed a task that added 139 certificates as `skipping` and never ran its handler. Every module's RETURN
documentation and every result key its source sets literally are checked against the keys ansible-core reads
from a task result.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import glob
import os

import pytest
import yaml

from ansible import constants as ansible_constants

try:
    from ansible.executor import task_result as ansible_task_result
except ImportError:  # pragma: no cover - the module exists in every ansible-core we support
    ansible_task_result = None

PLUGINS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))) + '/plugins'
MODULES = sorted(glob.glob(os.path.join(PLUGINS, 'modules', '*.py')))
ACTIONS = sorted(glob.glob(os.path.join(PLUGINS, 'action', '*.py')))

# Keys of a task result that ansible-core (2.17-2.21) reads, with where: a module returning one of them with its
# own meaning changes how the task is counted, shown or retried.
INTERPRETED = {
    'changed': 'the task is changed (TaskResult.is_changed, handlers)',
    'failed': 'the task failed (TaskResult.is_failed)',
    'failed_when_result': 'replaces failed (TaskResult.is_failed)',
    'skipped': 'the task is shown and counted as skipped and notifies no handler (TaskResult.is_skipped)',
    'skip_reason': 'printed as the reason of a skip (callbacks)',
    'false_condition': 'printed as the reason of a skip (callbacks)',
    'unreachable': 'the host is marked unreachable (TaskResult.is_unreachable)',
    'rc': 'a non-zero rc marks the task failed when failed is missing (TaskExecutor)',
    'results': 'read as the results of a loop (TaskResult, callbacks)',
    'item': 'read as the loop item (callbacks)',
    'attempts': 'set by until/retries (TaskExecutor)',
    'retries': 'set by until/retries (TaskExecutor)',
    'invocation': 'the module arguments, added by AnsibleModule and removed by no_log handling',
    'exception': 'a traceback, printed by callbacks',
    'warnings': 'printed as warnings (AnsibleModule.warn is the way)',
    'deprecations': 'printed as deprecation warnings',
    'msg': 'printed by callbacks as the task message',
    'diff': 'printed by --diff',
    'add_host': 'adds a host to the inventory (strategy, constants.INTERNAL_RESULT_KEYS)',
    'add_group': 'adds a group to the inventory (strategy, constants.INTERNAL_RESULT_KEYS)',
    'ansible_facts': 'merged into the host facts (TaskExecutor)',
    'ansible_stats': 'custom statistics (set_stats)',
    'ansible_job_id': 'async job handling',
    'started': 'async job handling',
    'finished': 'async job handling: an async task polls until it is true',
    'stdout': 'printed by callbacks; stdout_lines derived from it',
    'stderr': 'printed by callbacks; stderr_lines derived from it',
    'stdout_lines': 'derived from stdout',
    'stderr_lines': 'derived from stderr',
    'module_stdout': 'what Ansible reports when a module output is not JSON',
    'module_stderr': 'what Ansible reports when a module output is not JSON',
}
RESERVED_PREFIXES = ('ansible_', '_ansible_')

# What the installed ansible-core says on top of the list above (private names: read when they exist).
for _name in getattr(ansible_constants, 'INTERNAL_RESULT_KEYS', ()) + getattr(ansible_constants, 'RESTRICTED_RESULT_KEYS', ()):
    INTERPRETED.setdefault(_name, 'ansible.constants')
for _attribute in ('_IGNORE', '_PRESERVE'):
    for _name in getattr(ansible_task_result, _attribute, ()):
        INTERPRETED.setdefault(_name, 'ansible.executor.task_result.%s' % _attribute)

# Keys a module may document or set because it gives them Ansible's own meaning.
DOCUMENTED_OK = {
    'diff',  # the before/after of --diff
}
SET_OK = {'changed', 'failed', 'msg', 'diff'}
# An action plugin stands in for AnsibleModule: it adds invocation and warnings as AnsibleModule would, and hands
# back what a failed module returned as Ansible would have shown it.
ACTION_SET_OK = SET_OK | {'invocation', 'warnings', 'exception', 'rc', 'module_stdout', 'module_stderr'}


def reserved(key):
    return key in INTERPRETED or key.startswith(RESERVED_PREFIXES)


def _source(path):
    with open(path, 'rb') as handle:
        return handle.read().decode('utf-8')


def _return_doc(path):
    """The RETURN documentation of a module (a dict of top-level keys), read without importing it."""
    for node in ast.parse(_source(path)).body:
        if isinstance(node, ast.Assign) and any(getattr(t, 'id', None) == 'RETURN' for t in node.targets):
            return yaml.safe_load(node.value.value) or {}
    return None


def _str(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _dict_keys(node):
    """Literal keys of {'a': ...} and dict(a=...)."""
    if isinstance(node, ast.Dict):
        return [k for k in (_str(key) for key in node.keys if key is not None) if k]
    if isinstance(node, ast.Call) and getattr(node.func, 'id', None) == 'dict':
        return [kw.arg for kw in node.keywords if kw.arg]
    return []


RESULT_NAMES = ('result', 'res', 'results')
RESULT_CALLS = ('exit_json', 'fail_json', 'fail')


def set_keys(source):
    """(key, line) of every result key the source sets literally: result['k'] = ..., result.update(k=...)
    or ({...}), result.setdefault('k', ...), result = {...} / dict(...), exit_json(k=...), fail_json(k=...)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and getattr(target.value, 'id', None) in RESULT_NAMES:
                    key = target.slice
                    if type(key).__name__ == 'Index':  # Python 3.8 wraps the subscript
                        key = key.value
                    key = _str(key)
                    if key:
                        found.append((key, node.lineno))
                elif getattr(target, 'id', None) in RESULT_NAMES:
                    found += [(key, node.lineno) for key in _dict_keys(node.value)]
        elif isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, 'attr', None) or getattr(func, 'id', None)
            owner = getattr(getattr(func, 'value', None), 'id', None)
            if name in RESULT_CALLS or (name == 'update' and owner in RESULT_NAMES):
                found += [(kw.arg, node.lineno) for kw in node.keywords if kw.arg]
                for arg in node.args:
                    found += [(key, node.lineno) for key in _dict_keys(arg)]
            elif name == 'setdefault' and owner in RESULT_NAMES and node.args and _str(node.args[0]):
                found.append((_str(node.args[0]), node.lineno))
    return found


def _id(path):
    return os.path.relpath(path, PLUGINS)


def test_every_module_is_checked():
    names = [os.path.basename(p) for p in MODULES]
    assert 'trusted_cert.py' in names and 'sign_csr.py' in names and len(names) >= 11
    assert all(_return_doc(p) for p in MODULES), 'a module without RETURN documentation'


@pytest.mark.parametrize('path', MODULES, ids=_id)
def test_documented_return_keys_are_not_ansible_s(path):
    doc = _return_doc(path)
    bad = sorted('%s (%s)' % (key, INTERPRETED.get(key, 'ansible_ prefix')) for key in doc
                 if reserved(key) and key not in DOCUMENTED_OK)
    assert not bad, '%s documents return keys Ansible interprets: %s' % (_id(path), ', '.join(bad))


@pytest.mark.parametrize('path', MODULES + ACTIONS, ids=_id)
def test_result_keys_set_in_the_source_are_not_ansible_s(path):
    allowed = ACTION_SET_OK if path in ACTIONS else SET_OK
    bad = sorted('%s (line %d: %s)' % (key, line, INTERPRETED.get(key, 'ansible_ prefix'))
                 for key, line in set_keys(_source(path)) if reserved(key) and key not in allowed)
    assert not bad, '%s sets result keys Ansible interprets: %s' % (_id(path), ', '.join(bad))


@pytest.mark.parametrize('source, key', [
    ("result = {'changed': False, 'skipped': []}", 'skipped'),
    ("result['skipped'] = []", 'skipped'),
    ("result.update(skipped=[])", 'skipped'),
    ("result.update({'results': []})", 'results'),
    ("module.exit_json(changed=True, ansible_facts={})", 'ansible_facts'),
    ("module.exit_json(**dict(result, rc=1))", None),  # not literal: out of reach, not a false alarm
    ("fail(module, error, unreachable=True)", 'unreachable'),
    ("result.setdefault('item', 1)", 'item'),
])
def test_the_scan_sees_what_trusted_cert_0_1_0_did(source, key):
    keys = [k for k, _line in set_keys(source) if reserved(k) and k not in SET_OK]
    assert keys == ([key] if key else [])
