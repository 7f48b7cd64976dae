# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The node side of toml_settings: read and write with the standard library only.

The editing is tested in tests/unit/plugins/plugin_utils/test_toml_edit.py, the whole task in
tests/unit/plugins/action/test_toml_settings.py.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ast
import base64
import hashlib
import json
import os
import sys

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.parameters import remove_values

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None

from ansible_collections.javasec.keystore.plugins.modules import toml_settings  # noqa: E402

TEXT = b'[server]\nhostname = "localhost"\n'
NEW = b'[server]\nhostname = "apim.example.com"\n'


class ModuleExit(Exception):
    def __init__(self, result):
        super(ModuleExit, self).__init__(result)
        self.result = result


def run_module(args, check_mode=False):
    """Run main() of the module in-process; the result as Ansible would get it (no_log values removed,
    path information added, through JSON), with failed=True on fail_json."""
    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=False)
    if patch_module_args is not None:
        context = patch_module_args(args)
    else:  # pragma: no cover - older ansible-core
        from unittest import mock
        context = mock.patch.object(basic, '_ANSIBLE_ARGS', json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode('utf-8'))

    def exit_json(self, **kwargs):
        kwargs.setdefault('changed', False)
        self.add_path_info(kwargs)
        kwargs['invocation'] = {'module_args': self.params}
        raise ModuleExit(json.loads(json.dumps(remove_values(kwargs, self.no_log_values))))

    def fail_json(self, msg, **kwargs):
        kwargs.update(failed=True, msg=msg)
        raise ModuleExit(json.loads(json.dumps(remove_values(kwargs, self.no_log_values))))

    saved = basic.AnsibleModule.exit_json, basic.AnsibleModule.fail_json
    basic.AnsibleModule.exit_json, basic.AnsibleModule.fail_json = exit_json, fail_json
    try:
        with context:
            with pytest.raises(ModuleExit) as info:
                toml_settings.main()
    finally:
        basic.AnsibleModule.exit_json, basic.AnsibleModule.fail_json = saved
    return info.value.result


def write_args(path, content, old, **extra):
    return dict(path=path, tables={}, _op='write', _content=base64.b64encode(content).decode('ascii'),
                _sha256=hashlib.sha256(old).hexdigest() if old is not None else '', **extra)


@pytest.fixture
def toml_file(tmp_path):
    path = tmp_path / 'deployment.toml'
    path.write_bytes(TEXT)
    os.chmod(str(path), 0o640)
    return str(path)


# ---- read ---------------------------------------------------------------------------------------


def test_read(toml_file):
    result = run_module({'path': toml_file, 'tables': {}, '_op': 'read'})
    assert result['changed'] is False and result['exists'] is True
    assert base64.b64decode(result['content']) == TEXT
    assert result['sha256'] == hashlib.sha256(TEXT).hexdigest()
    assert result['mode'] == '0640' and result['state'] == 'file' and result['size'] == len(TEXT)
    assert result['attributes_changed'] is False


def test_read_missing_file(tmp_path):
    result = run_module({'path': str(tmp_path / 'missing.toml'), 'tables': {}, '_op': 'read'})
    assert result['exists'] is False and result['content'] is None and result['sha256'] is None


def test_read_refuses_what_is_not_a_file(tmp_path):
    result = run_module({'path': str(tmp_path), 'tables': {}, '_op': 'read'})
    assert result['failed'] and result['msg'] == '%s is not a regular file' % tmp_path


def test_read_tells_whether_the_mode_would_change_and_changes_nothing(toml_file):
    result = run_module({'path': toml_file, 'tables': {}, '_op': 'read', 'mode': '0600'})
    assert result['attributes_changed'] is True and result['changed'] is False
    assert os.stat(toml_file).st_mode & 0o777 == 0o640
    assert run_module({'path': toml_file, 'tables': {}, '_op': 'read', 'mode': '0640'})['attributes_changed'] is False


# ---- write --------------------------------------------------------------------------------------


def test_write_keeps_the_mode_of_an_existing_file(toml_file):
    result = run_module(write_args(toml_file, NEW, TEXT))
    assert result['changed'] is True and result['created'] is False and 'conflict' not in result
    with open(toml_file, 'rb') as handle:
        assert handle.read() == NEW
    assert os.stat(toml_file).st_mode & 0o777 == 0o640
    assert result['mode'] == '0640'
    assert [n for n in os.listdir(os.path.dirname(toml_file)) if n != 'deployment.toml'] == []


def test_write_new_file_is_0600(tmp_path):
    path = str(tmp_path / 'new.toml')
    result = run_module(write_args(path, NEW, None))
    assert result['changed'] is True and result['created'] is True
    assert os.stat(path).st_mode & 0o777 == 0o600
    path2 = str(tmp_path / 'new2.toml')
    run_module(write_args(path2, NEW, None, mode='0644'))
    assert os.stat(path2).st_mode & 0o777 == 0o644


def test_write_conflict_leaves_the_file(toml_file):
    # the controller edited a text the file no longer has: another task wrote it since
    result = run_module(write_args(toml_file, NEW, b'[server]\n'))
    assert result['conflict'] is True and result['changed'] is False
    # what the file holds now, for the controller to edit again
    assert base64.b64decode(result['content']) == TEXT and result['sha256'] == hashlib.sha256(TEXT).hexdigest()
    with open(toml_file, 'rb') as handle:
        assert handle.read() == TEXT
    # a file the controller saw missing that exists now is a conflict too
    assert run_module(write_args(toml_file, NEW, None))['conflict'] is True


def test_write_backup(toml_file):
    result = run_module(write_args(toml_file, NEW, TEXT, backup=True))
    with open(result['backup_file'], 'rb') as handle:
        assert handle.read() == TEXT
    assert result['backup_file'].startswith(toml_file + '.')


def test_write_attributes_only(toml_file):
    result = run_module({'path': toml_file, 'tables': {}, '_op': 'write', 'mode': '0600'})
    assert result['changed'] is True and result['mode'] == '0600'
    with open(toml_file, 'rb') as handle:
        assert handle.read() == TEXT


def test_mode_of_a_linked_file_is_applied_to_its_target_once(toml_file, tmp_path):
    # a deployment.toml behind a link (a ConfigMap mount): the mode used to be checked on the link (0777),
    # never applied to the file, and the task reported changed on every run
    link = str(tmp_path / 'linked.toml')
    os.symlink(toml_file, link)
    read = run_module({'path': link, 'tables': {}, '_op': 'read', 'mode': '0600'})
    assert read['attributes_changed'] is True
    result = run_module(write_args(link, NEW, TEXT, mode='0600'))
    assert result['changed'] is True and os.path.islink(link)
    assert os.stat(toml_file).st_mode & 0o777 == 0o600
    with open(toml_file, 'rb') as handle:
        assert handle.read() == NEW
    assert run_module({'path': link, 'tables': {}, '_op': 'write', 'mode': '0600'})['changed'] is False
    assert run_module({'path': link, 'tables': {}, '_op': 'read', 'mode': '0600'})['attributes_changed'] is False


def test_write_into_missing_folder(tmp_path):
    path = str(tmp_path / 'nowhere' / 'new.toml')
    result = run_module(write_args(path, NEW, None))
    assert result['failed'] and 'the folder %s of %s does not exist' % (tmp_path / 'nowhere', path) == result['msg']


def test_content_is_no_log(toml_file):
    result = run_module(write_args(toml_file, NEW, TEXT))
    assert result['invocation']['module_args']['_sha256'] == hashlib.sha256(TEXT).hexdigest()
    assert base64.b64encode(NEW).decode('ascii') not in json.dumps(result)


def test_needs_the_action_plugin(toml_file):
    result = run_module({'path': toml_file, 'tables': {'server': {'offset': 1}}})
    assert result['failed'] and 'action plugin' in result['msg']
    with open(toml_file, 'rb') as handle:
        assert handle.read() == TEXT


# ---- what the node needs ------------------------------------------------------------------------


def imported_modules(path):
    with open(path) as handle:
        tree = ast.parse(handle.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                yield '%s.%s' % (node.module, alias.name)


def test_the_node_side_never_imports_tomlkit():
    """The module and every module_utils of the collection it pulls in (as AnsiballZ does, transitively)."""
    prefix = 'ansible_collections.javasec.keystore.plugins.module_utils.'
    root = os.path.dirname(os.path.dirname(os.path.abspath(toml_settings.__file__)))
    todo, seen, names = [toml_settings.__file__], set(), set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in imported_modules(path):
            names.add(name.split('.')[0])
            if name.startswith(prefix):
                candidate = os.path.join(root, 'module_utils', name[len(prefix):].split('.')[0] + '.py')
                if os.path.exists(candidate):
                    todo.append(candidate)
    assert len(seen) > 1  # the engine is among them (lock and atomic writer)
    assert 'tomlkit' not in names and 'tomllib' not in names
    stdlib = getattr(sys, 'stdlib_module_names', None)
    if stdlib is not None:  # Python 3.10+
        assert names - set(stdlib) - {'ansible', 'ansible_collections', 'cryptography', 'jks'} == set()
