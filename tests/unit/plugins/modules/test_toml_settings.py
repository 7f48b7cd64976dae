# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common import warnings as ansible_warnings

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None

tomlkit = pytest.importorskip('tomlkit')

from ansible_collections.javasec.keystore.plugins.modules import toml_settings  # noqa: E402

STOCK = u'''# WSO2 API Manager - stock configuration
[server]
hostname = "localhost"   # change me
offset = 0

[super_admin]
username = "admin"
password = "admin"
create_admin_account = true

[user_store]
type = "database_unique_id"

[database.shared_db]
type = "h2"
url = "jdbc:h2:./repository/database/WSO2SHARED_DB;DB_CLOSE_ON_EXIT=FALSE"
username = "wso2carbon"
password = "wso2carbon"

[keystore.primary]
file_name = "wso2carbon.jks"
type = "JKS"
password = "$secret{keystore_password}"
alias = "wso2carbon"
key_password = "wso2carbon"

# Trust store of the server: CAs and peers
[truststore]
file_name = "client-truststore.jks"
type = "JKS"
password = "wso2carbon"

[[apim.gateway.environment]]
name = "Default"
type = "hybrid"
'''

NEW_PASSWORD = u'N3w-Store-Pa55!'

WSO2_TABLES = {
    'keystore.primary': {'file_name': 'wso2carbon.jks', 'type': 'JKS', 'password': NEW_PASSWORD,
                         'alias': 'wso2carbon', 'key_password': NEW_PASSWORD},
    'keystore.tls': {'file_name': 'wso2carbon.jks', 'type': 'JKS', 'password': NEW_PASSWORD,
                     'alias': 'wso2carbon', 'key_password': NEW_PASSWORD},
    'keystore.internal': {'file_name': 'wso2carbon-internal.jks', 'type': 'JKS', 'password': NEW_PASSWORD,
                          'alias': 'wso2carbon', 'key_password': NEW_PASSWORD},
    'truststore': {'file_name': 'client-truststore.jks', 'type': 'JKS', 'password': NEW_PASSWORD},
}


class ModuleExit(Exception):
    def __init__(self, result):
        super(ModuleExit, self).__init__(result)
        self.result = result


@pytest.fixture
def run_toml(monkeypatch):
    """run_toml(args, check_mode=False, diff=False) -> the result (failed=True on fail_json), before Ansible's
    own no_log masking, so that tests see whatever the module itself would return."""
    state = {}

    def exit_json(self, **kwargs):
        kwargs.setdefault('changed', False)
        kwargs['warnings'] = list(ansible_warnings.get_warning_messages())
        kwargs['_no_log_values'] = set(self.no_log_values)
        raise ModuleExit(kwargs)

    def fail_json(self, msg, **kwargs):
        kwargs.pop('exception', None)
        kwargs.update(failed=True, msg=msg)
        raise ModuleExit(kwargs)

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)

    def run(args, check_mode=False, diff=False):
        ansible_warnings._global_warnings.clear()
        args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        if patch_module_args is not None:
            context = patch_module_args(args)
        else:  # pragma: no cover - older ansible-core
            from unittest import mock
            context = mock.patch.object(basic, '_ANSIBLE_ARGS',
                                        json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode('utf-8'))
        with context:
            with pytest.raises(ModuleExit) as info:
                toml_settings.main()
        state['last'] = info.value.result
        return info.value.result

    return run


@pytest.fixture
def stock(tmp_path):
    path = tmp_path / 'deployment.toml'
    path.write_text(STOCK)
    return str(path)


def read(path):
    with open(path) as handle:
        return handle.read()


def lines_outside(text, tables):
    """The lines of text that are not inside one of the given [tables]."""
    kept, inside = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith('['):
            inside = stripped.strip('[]') in tables
        if not inside:
            kept.append(line)
    return kept


# ---- the WSO2 use -------------------------------------------------------------------------


def test_wso2_keystores_keep_every_other_line(run_toml, stock):
    result = run_toml({'path': stock, 'tables': WSO2_TABLES})
    assert result['changed'] is True
    after = read(stock)
    managed = set(WSO2_TABLES)
    assert lines_outside(after, managed) == lines_outside(STOCK, managed)
    data = tomlkit.parse(after).unwrap()
    assert data['keystore']['tls']['file_name'] == 'wso2carbon.jks'
    assert data['keystore']['internal']['file_name'] == 'wso2carbon-internal.jks'
    assert data['truststore']['password'] == NEW_PASSWORD
    # the vault reference is kept, with a warning
    assert data['keystore']['primary']['password'] == '$secret{keystore_password}'
    assert data['keystore']['primary']['key_password'] == NEW_PASSWORD
    assert result['secret_refs_kept'] == ['keystore.primary.password']
    assert any('secure vault reference' in w for w in result['warnings'])
    # the comment introducing [truststore] still does, and the new tables follow [keystore.primary]
    assert '# Trust store of the server: CAs and peers\n[truststore]' in after
    assert after.index('[keystore.primary]') < after.index('[keystore.tls]') < after.index('[keystore.internal]') \
        < after.index('# Trust store')
    assert '\n\n[keystore.tls]\n' in after and '\n\n[keystore.internal]\n' in after
    assert {'table': 'keystore.tls', 'key': None, 'action': 'added'} in result['changes']


def test_idempotent(run_toml, stock):
    run_toml({'path': stock, 'tables': WSO2_TABLES})
    first = read(stock)
    again = run_toml({'path': stock, 'tables': WSO2_TABLES})
    assert again['changed'] is False
    assert again['changes'] == []
    assert read(stock) == first


def test_replace_secret_refs(run_toml, stock):
    result = run_toml({'path': stock, 'tables': WSO2_TABLES, 'replace_secret_refs': True})
    assert result['secret_refs_kept'] == []
    assert tomlkit.parse(read(stock)).unwrap()['keystore']['primary']['password'] == NEW_PASSWORD


def test_setting_a_secret_ref_is_allowed(run_toml, stock):
    run_toml({'path': stock, 'tables': {'truststore': {'password': '$secret{truststore_password}'}}})
    assert tomlkit.parse(read(stock)).unwrap()['truststore']['password'] == '$secret{truststore_password}'


# ---- never a password in the output ---------------------------------------------------------


def test_passwords_masked_in_diff_and_result(run_toml, stock):
    result = run_toml({'path': stock, 'tables': WSO2_TABLES}, diff=True)
    dumped = json.dumps({k: v for k, v in result.items() if k != '_no_log_values'})
    assert NEW_PASSWORD not in dumped
    # the old ones of the file are not shown either
    assert 'password = "wso2carbon"' not in result['diff']['before']
    assert 'password = "admin"' not in result['diff']['before']
    assert 'password = "********"' in result['diff']['before']
    assert 'password = "******** (changed)"' in result['diff']['after']
    # the rest of the text is shown as it is
    assert 'file_name = "wso2carbon-internal.jks"' in result['diff']['after']
    assert 'hostname = "localhost"   # change me' in result['diff']['before']
    assert '$secret{keystore_password}' in result['diff']['after']
    assert result['tables']['truststore'] == {'file_name': 'client-truststore.jks', 'type': 'JKS',
                                              'password': '********'}


def test_no_log_values_only_hold_passwords(run_toml, stock):
    result = run_toml({'path': stock, 'tables': dict(WSO2_TABLES, server={'offset': 1})})
    assert NEW_PASSWORD in result['_no_log_values']
    assert 'JKS' not in result['_no_log_values']
    assert '1' not in result['_no_log_values']
    assert 'wso2carbon' not in result['_no_log_values']


def test_secrets_table_is_masked():
    text = u'[secrets]\nadmin = "[plain]"\nother = "$secret{x}"\n'
    masked = toml_settings.mask_document(text)
    assert '[plain]' not in masked and '$secret{x}' in masked


# ---- modes ------------------------------------------------------------------------------------


def test_check_mode_does_not_write(run_toml, stock):
    result = run_toml({'path': stock, 'tables': WSO2_TABLES}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert read(stock) == STOCK
    assert result['tables']['keystore.tls']['file_name'] == 'wso2carbon.jks'


def test_backup(run_toml, stock):
    result = run_toml({'path': stock, 'tables': {'server': {'offset': 1}}, 'backup': True})
    assert read(result['backup_file']) == STOCK
    assert 'offset = 1\n' in read(stock)


def test_types_are_strict(run_toml, stock):
    assert run_toml({'path': stock, 'tables': {'server': {'offset': 0}}})['changed'] is False
    result = run_toml({'path': stock, 'tables': {'server': {'offset': '0'}}})
    assert result['changed'] is True
    assert 'offset = "0"\n' in read(stock)
    result = run_toml({'path': stock, 'tables': {'super_admin': {'create_admin_account': 1}}})
    assert result['changed'] is True
    assert run_toml({'path': stock, 'tables': {'super_admin': {'create_admin_account': 1}}})['changed'] is False


def test_trailing_comment_kept_on_update(run_toml, stock):
    run_toml({'path': stock, 'tables': {'server': {'hostname': 'apim.example.com', 'ports': [9443, 8243]}}})
    after = read(stock)
    assert 'hostname = "apim.example.com"   # change me\n' in after
    assert 'offset = 0\nports = [9443, 8243]\n\n[super_admin]' in after


def test_read_only_with_empty_table(run_toml, stock):
    result = run_toml({'path': stock, 'tables': {'keystore.internal': {}, 'keystore.primary': {}}})
    assert result['changed'] is False
    assert result['tables']['keystore.internal'] is None
    assert result['tables']['keystore.primary']['key_password'] == '********'
    assert result['tables']['keystore.primary']['password'] == '$secret{keystore_password}'


# ---- state=absent -------------------------------------------------------------------------------


def test_absent_keys_and_tables(run_toml, stock):
    run_toml({'path': stock, 'tables': WSO2_TABLES})
    result = run_toml({'path': stock, 'state': 'absent',
                       'tables': {'keystore.tls': {}, 'keystore.internal': {}, 'truststore': {'type': None},
                                  'nothing.here': {}}})
    assert result['changed'] is True
    after = read(stock)
    assert '[keystore.tls]' not in after and '[keystore.internal]' not in after
    assert '# Trust store of the server: CAs and peers\n[truststore]\nfile_name' in after
    data = tomlkit.parse(after).unwrap()
    assert 'type' not in data['truststore']
    assert run_toml({'path': stock, 'state': 'absent', 'tables': {'keystore.tls': {}}})['changed'] is False


def test_absent_on_missing_file(run_toml, tmp_path):
    path = str(tmp_path / 'missing.toml')
    result = run_toml({'path': path, 'state': 'absent', 'tables': {'a': {}}})
    assert result['changed'] is False and not os.path.exists(path)


# ---- files --------------------------------------------------------------------------------------


def test_missing_file_needs_create(run_toml, tmp_path):
    path = str(tmp_path / 'new.toml')
    result = run_toml({'path': path, 'tables': {'a.b': {'x': 1}}})
    assert result['failed'] and 'create=true' in result['msg']
    result = run_toml({'path': path, 'tables': {'a.b': {'x': 1}}, 'create': True})
    assert result['changed'] and result['created']
    assert read(path) == '[a.b]\nx = 1\n'


def test_invalid_toml_is_refused_with_position(run_toml, tmp_path):
    path = tmp_path / 'bad.toml'
    path.write_text(u'[server]\nhostname = "x"\noffset = = 1\n')
    result = run_toml({'path': str(path), 'tables': {'server': {'offset': 2}}})
    assert result['failed']
    assert 'line 3' in result['msg'] and 'column' in result['msg'] and 'left unchanged' in result['msg']
    assert path.read_text() == u'[server]\nhostname = "x"\noffset = = 1\n'


def test_file_mode(run_toml, stock):
    result = run_toml({'path': stock, 'tables': {}, 'mode': '0640'})
    assert result['changed'] is True
    assert os.stat(stock).st_mode & 0o777 == 0o640


# ---- odd layouts --------------------------------------------------------------------------------


def test_out_of_order_tables(run_toml, tmp_path):
    path = tmp_path / 'o.toml'
    text = u'[keystore.primary]\na = 1\n\n[truststore]\nb = 2\n\n[keystore.tls]\nc = 3\n'
    path.write_text(text)
    run_toml({'path': str(path), 'tables': {'keystore.internal': {'d': 4}, 'keystore.primary': {'a': 5}}})
    after = path.read_text()
    assert after == u'[keystore.primary]\na = 5\n\n[truststore]\nb = 2\n\n[keystore.tls]\nc = 3\n\n' \
        u'[keystore.internal]\nd = 4\n'


def test_dotted_keys_and_quoted_names(run_toml, tmp_path):
    path = tmp_path / 'd.toml'
    path.write_text(u'[k]\np.alias = "x"\n\n["a.b"]\nz = 1\n')
    run_toml({'path': str(path), 'tables': {'k.p': {'alias': 'y'}, '"a.b"': {'z': 2}}})
    assert tomlkit.parse(path.read_text()).unwrap() == {'k': {'p': {'alias': 'y'}}, 'a.b': {'z': 2}}


@pytest.mark.parametrize('tables, message', [
    ({'a]\nx = 1\n[b': {'k': 1}}, 'invalid table name'),
    ({'server': {'k': None}}, 'state=absent'),
    ({'server': {'k': {'nested': 1}}}, 'not dict'),
    ({'server': 'text'}, 'dictionary'),
    ({'server.hostname': {'k': 1}}, 'is a value'),
    ({'apim.gateway.environment': {'k': 1}}, 'array of tables'),
])
def test_bad_requests(run_toml, stock, tables, message):
    result = run_toml({'path': stock, 'tables': tables})
    assert result['failed'] and message in result['msg']
    assert read(stock) == STOCK


def test_missing_tomlkit(run_toml, stock, monkeypatch):
    monkeypatch.setattr(toml_settings, 'TOMLKIT_IMPORT_ERROR', 'Traceback: no tomlkit')
    result = run_toml({'path': stock, 'tables': {}})
    assert result['failed'] and 'tomlkit' in result['msg']
