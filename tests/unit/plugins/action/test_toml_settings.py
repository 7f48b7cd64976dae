# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The toml_settings task as a whole: the action on the controller, the module (run in-process) on the node."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
from unittest import mock

import pytest

from ansible.errors import AnsibleActionFail

tomlkit = pytest.importorskip('tomlkit')

from ansible_collections.javasec.keystore.plugins.action import toml_settings as action  # noqa: E402
from ansible_collections.javasec.keystore.plugins.plugin_utils import _toml_edit as toml_edit  # noqa: E402
from ansible_collections.javasec.keystore.tests.unit.plugins.modules.test_toml_settings import (  # noqa: E402
    run_module)
from ansible_collections.javasec.keystore.tests.unit.plugins.plugin_utils.toml_samples import (  # noqa: E402
    NEW_PASSWORD, STOCK, WSO2_TABLES, lines_outside)


class Task(object):
    """What ActionBase reads of a task."""

    def __init__(self, args, check_mode, diff):
        self.args = args
        self.check_mode = check_mode
        self.diff = diff
        self.async_val = 0
        self.action = 'javasec.keystore.toml_settings'


@pytest.fixture
def run_task():
    """run_task(args, check_mode=False, diff=False, before_node=None) -> (result, the module runs as
    [(op, args)]). before_node(op, args) runs before each module run (another task's write, say)."""

    def run(args, check_mode=False, diff=False, before_node=None):
        calls = []
        connection = mock.MagicMock()
        connection._shell.tmpdir = None
        plugin = action.ActionModule(Task(args, check_mode, diff), connection, play_context=mock.MagicMock(),
                                     loader=None, templar=None, shared_loader_obj=None)

        def execute_module(module_name=None, module_args=None, task_vars=None, **kwargs):
            assert module_name == 'javasec.keystore.toml_settings'
            calls.append((module_args['_op'], module_args))
            if before_node is not None:
                before_node(module_args['_op'], module_args)
            return run_module(module_args, check_mode=check_mode)

        plugin._execute_module = execute_module
        plugin._remove_tmp_path = lambda path: None
        result = plugin.run(task_vars={})
        return json.loads(json.dumps(result)), calls

    return run


@pytest.fixture
def stock(tmp_path):
    path = tmp_path / 'deployment.toml'
    path.write_text(STOCK)
    os.chmod(str(path), 0o644)
    return str(path)


def read(path):
    with open(path) as handle:
        return handle.read()


def ops(calls):
    return [op for op, dummy in calls]


# ---- the WSO2 use -------------------------------------------------------------------------


def test_wso2_change_then_no_change(run_task, stock):
    result, calls = run_task({'path': stock, 'tables': WSO2_TABLES})
    assert result['changed'] is True and 'failed' not in result
    assert ops(calls) == ['read', 'write']
    after = read(stock)
    assert lines_outside(after, set(WSO2_TABLES)) == lines_outside(STOCK, set(WSO2_TABLES))
    assert tomlkit.parse(after).unwrap()['truststore']['password'] == NEW_PASSWORD
    assert result['path'] == stock and result['created'] is False
    assert result['secret_refs_kept'] == ['keystore.primary.password']
    assert [w for w in result['warnings'] if 'keystore.primary.password is a secure vault reference' in w]
    assert {'table': 'keystore.tls', 'key': None, 'action': 'added'} in result['changes']
    assert result['tables']['truststore'] == {'file_name': 'client-truststore.jks', 'type': 'JKS',
                                              'password': '********'}
    # what the module said of the file, as before
    assert result['mode'] == '0644' and result['state'] == 'file' and result['size'] == len(after.encode('utf-8'))
    # the node never gets the values of the tables
    assert all(args['tables'] == {} for dummy, args in calls)
    assert 'diff' not in result

    again, calls = run_task({'path': stock, 'tables': WSO2_TABLES})
    assert again['changed'] is False and again['changes'] == []
    assert ops(calls) == ['read']
    assert read(stock) == after
    assert again['mode'] == '0644'


def test_check_mode_and_diff(run_task, stock):
    result, calls = run_task({'path': stock, 'tables': WSO2_TABLES}, check_mode=True, diff=True)
    assert result['changed'] is True and ops(calls) == ['read']
    assert read(stock) == STOCK
    assert result['tables']['keystore.tls']['file_name'] == 'wso2carbon.jks'
    assert 'password = "******** (changed)"' in result['diff']['after']
    assert 'password = "********"' in result['diff']['before']
    assert result['diff']['before_header'] == stock


def test_no_password_in_the_output(run_task, stock):
    result, dummy = run_task({'path': stock, 'tables': dict(WSO2_TABLES, server={'offset': 1})}, diff=True)
    dumped = json.dumps(result)
    assert NEW_PASSWORD not in dumped
    # other values are shown, in the arguments echoed with -vvv too
    args = result['invocation']['module_args']
    assert args['tables']['server'] == {'offset': 1}
    assert args['tables']['truststore']['type'] == 'JKS'
    assert args['tables']['truststore']['password'] != NEW_PASSWORD


def test_weak_password_is_hidden_everywhere(run_task, stock):
    """As Ansible does with no_log values: a password is hidden wherever it appears."""
    tables = {'truststore': {'password': 'wso2carbon'}, 'server': {'offset': 1}}
    result, dummy = run_task({'path': stock, 'tables': tables}, diff=True)
    assert 'wso2carbon' not in json.dumps(result)
    assert 'file_name = "********.jks"' in result['diff']['before']


def test_replace_secret_refs(run_task, stock):
    result, dummy = run_task({'path': stock, 'tables': WSO2_TABLES, 'replace_secret_refs': True})
    assert result['secret_refs_kept'] == [] and 'warnings' not in result
    assert tomlkit.parse(read(stock)).unwrap()['keystore']['primary']['password'] == NEW_PASSWORD


def test_backup(run_task, stock):
    result, dummy = run_task({'path': stock, 'tables': {'server': {'offset': 1}}, 'backup': True})
    assert read(result['backup_file']) == STOCK
    assert 'offset = 1\n' in read(stock)


# ---- files --------------------------------------------------------------------------------------


def test_file_mode_alone(run_task, stock):
    result, calls = run_task({'path': stock, 'tables': {}, 'mode': '0640'}, check_mode=True)
    assert result['changed'] is True and ops(calls) == ['read']
    assert os.stat(stock).st_mode & 0o777 == 0o644
    result, calls = run_task({'path': stock, 'tables': {}, 'mode': '0640'})
    assert result['changed'] is True and ops(calls) == ['read', 'write']
    assert os.stat(stock).st_mode & 0o777 == 0o640 and result['mode'] == '0640'
    assert read(stock) == STOCK
    result, calls = run_task({'path': stock, 'tables': {}, 'mode': '0640'})
    assert result['changed'] is False and ops(calls) == ['read']


def test_existing_file_keeps_its_mode(run_task, stock):
    os.chmod(stock, 0o664)
    run_task({'path': stock, 'tables': {'server': {'offset': 1}}})
    assert os.stat(stock).st_mode & 0o777 == 0o664


def test_missing_file_needs_create(run_task, tmp_path):
    path = str(tmp_path / 'new.toml')
    result, calls = run_task({'path': path, 'tables': {'a.b': {'x': 1}}})
    assert result['failed'] and 'create=true' in result['msg'] and ops(calls) == ['read']
    result, dummy = run_task({'path': path, 'tables': {'a.b': {'x': 1}}, 'create': True}, check_mode=True)
    assert result['changed'] and result['created'] and not os.path.exists(path)
    result, dummy = run_task({'path': path, 'tables': {'a.b': {'x': 1}}, 'create': True})
    assert result['changed'] and result['created']
    assert read(path) == '[a.b]\nx = 1\n'
    # it holds passwords: 0600 unless the task says otherwise
    assert os.stat(path).st_mode & 0o777 == 0o600
    result, dummy = run_task({'path': path, 'tables': {'a.b': {'x': 1}}, 'create': True})
    assert result['changed'] is False and result['created'] is False


def test_dest_alias_and_tilde_left_to_the_node(run_task, stock, monkeypatch):
    monkeypatch.setenv('HOME', os.path.dirname(stock))
    result, calls = run_task({'dest': '~/deployment.toml', 'tables': {'server': {'offset': 2}}})
    assert calls[0][1]['path'] == '~/deployment.toml'
    assert result['path'] == stock and 'offset = 2\n' in read(stock)


def test_absent_on_missing_file(run_task, tmp_path):
    path = str(tmp_path / 'missing.toml')
    result, calls = run_task({'path': path, 'state': 'absent', 'tables': {'a': {}}})
    assert result['changed'] is False and not os.path.exists(path) and ops(calls) == ['read']


def test_invalid_toml_is_left_unchanged(run_task, tmp_path):
    path = tmp_path / 'bad.toml'
    path.write_text(u'[server]\nhostname = "x"\noffset = = 1\n')
    result, calls = run_task({'path': str(path), 'tables': {'server': {'offset': 2}}})
    assert result['failed'] and 'line 3' in result['msg'] and ops(calls) == ['read']
    assert path.read_text() == u'[server]\nhostname = "x"\noffset = = 1\n'


def test_not_a_regular_file(run_task, tmp_path):
    result, dummy = run_task({'path': str(tmp_path), 'tables': {'a': {'b': 1}}})
    assert result['failed'] and result['msg'] == '%s is not a regular file' % tmp_path


def test_bad_request_fails_before_the_node(run_task, stock):
    result, calls = run_task({'path': stock, 'tables': {'server': {'k': None}}})
    assert result['failed'] and 'state=absent' in result['msg'] and calls == []


def test_unknown_option(run_task, stock):
    with pytest.raises(AnsibleActionFail) as info:
        run_task({'path': stock, 'tables': {}, 'colour': 'blue'})
    assert 'colour' in str(info.value)


# ---- concurrent tasks ---------------------------------------------------------------------------


def test_a_write_in_between_is_not_lost(run_task, stock):
    """Another task writes the file after our read: our write is refused, we edit what it wrote."""
    state = {'done': False}

    def other_task(op, args):
        if op == 'write' and not state['done']:
            state['done'] = True
            other, dummy = run_task({'path': stock, 'tables': {'server': {'offset': 7}}})
            assert other['changed'] is True

    result, calls = run_task({'path': stock, 'tables': {'truststore': {'type': 'PKCS12'}}}, before_node=other_task)
    assert result['changed'] is True and ops(calls) == ['read', 'write', 'write']
    data = tomlkit.parse(read(stock)).unwrap()
    assert data['server']['offset'] == 7 and data['truststore']['type'] == 'PKCS12'


def test_a_file_that_keeps_changing(run_task, stock):
    counter = {'n': 0}

    def other_task(op, args):
        if op == 'write':
            counter['n'] += 1
            with open(stock, 'a') as handle:
                handle.write('# touched %d\n' % counter['n'])

    result, calls = run_task({'path': stock, 'tables': {'server': {'offset': 9}}}, before_node=other_task)
    assert result['failed'] and 'changed by other tasks' in result['msg']
    assert ops(calls) == ['read'] + ['write'] * action.MAX_ATTEMPTS
    assert 'offset = 9' not in read(stock) and read(stock).endswith('# touched %d\n' % action.MAX_ATTEMPTS)


# ---- the controller -----------------------------------------------------------------------------


def test_missing_tomlkit_on_the_controller(run_task, stock, monkeypatch):
    monkeypatch.setattr(toml_edit, 'TOMLKIT_IMPORT_ERROR', 'Traceback: no tomlkit')
    result, calls = run_task({'path': stock, 'tables': {}})
    assert result['failed'] and calls == []
    assert 'needs the Python library tomlkit >= 0.11.1 there' in result['msg']
    assert 'it cannot be imported' in result['msg'] and 'Managed nodes do not need it' in result['msg']
    assert result['exception'] == 'Traceback: no tomlkit'


def test_too_old_tomlkit_on_the_controller(run_task, stock, monkeypatch):
    monkeypatch.setattr(toml_edit.tomlkit, '__version__', '0.11.0')
    result, calls = run_task({'path': stock, 'tables': {'server': {'offset': 1}}})
    assert result['failed'] and calls == []
    assert 'version 0.11.0 is installed' in result['msg'] and 'tomlkit>=0.11.1' in result['msg']
    assert read(stock) == STOCK
