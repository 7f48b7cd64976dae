# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The editing of TOML text that the toml_settings action does on the controller."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest

tomlkit = pytest.importorskip('tomlkit')

from ansible_collections.javasec.keystore.plugins.plugin_utils import _toml_edit as toml_edit  # noqa: E402
from ansible_collections.javasec.keystore.tests.unit.plugins.plugin_utils.toml_samples import (  # noqa: E402
    NEW_PASSWORD, STOCK, WSO2_TABLES, lines_outside)


def run_edit(text, tables, state='present', replace_secret_refs=False):
    requests = toml_edit.requests_of(tables, state)
    return toml_edit.edit(text, requests, state, replace_secret_refs, '/conf/deployment.toml')


def data_of(text):
    return tomlkit.parse(text).unwrap()


# ---- the WSO2 use -------------------------------------------------------------------------


def test_wso2_keystores_keep_every_other_line():
    result = run_edit(STOCK, WSO2_TABLES)
    after = result.after
    managed = set(WSO2_TABLES)
    assert lines_outside(after, managed) == lines_outside(STOCK, managed)
    data = data_of(after)
    assert data['keystore']['tls']['file_name'] == 'wso2carbon.jks'
    assert data['keystore']['internal']['file_name'] == 'wso2carbon-internal.jks'
    assert data['truststore']['password'] == NEW_PASSWORD
    # the vault reference is kept, with a warning
    assert data['keystore']['primary']['password'] == '$secret{keystore_password}'
    assert data['keystore']['primary']['key_password'] == NEW_PASSWORD
    assert result.kept == ['keystore.primary.password']
    assert toml_edit.kept_warnings(result) == [
        'keystore.primary.password is a secure vault reference; it is kept (set replace_secret_refs=true to '
        'replace it)']
    # the comment introducing [truststore] still does, and the new tables follow [keystore.primary]
    assert '# Trust store of the server: CAs and peers\n[truststore]' in after
    assert after.index('[keystore.primary]') < after.index('[keystore.tls]') < after.index('[keystore.internal]') \
        < after.index('# Trust store')
    assert '\n\n[keystore.tls]\n' in after and '\n\n[keystore.internal]\n' in after
    assert {'table': 'keystore.tls', 'key': None, 'action': 'added'} in result.changes
    assert {'table': 'keystore.primary', 'key': 'key_password', 'action': 'updated'} in result.changes
    assert result.before == STOCK


def test_idempotent():
    first = run_edit(STOCK, WSO2_TABLES).after
    again = run_edit(first, WSO2_TABLES)
    assert again.changes == []
    assert again.after == first


def test_replace_secret_refs():
    result = run_edit(STOCK, WSO2_TABLES, replace_secret_refs=True)
    assert result.kept == []
    assert data_of(result.after)['keystore']['primary']['password'] == NEW_PASSWORD


def test_setting_a_secret_ref_is_allowed():
    result = run_edit(STOCK, {'truststore': {'password': '$secret{truststore_password}'}})
    assert data_of(result.after)['truststore']['password'] == '$secret{truststore_password}'


class TaggedStr(str):
    """As ansible-core 2.19 hands templated strings to action plugins."""


class TaggedInt(int):
    pass


def test_templated_values_are_plain_values():
    tables = {TaggedStr('server'): {TaggedStr('hostname'): TaggedStr('localhost'), 'offset': TaggedInt(0),
                                    'ports': (TaggedInt(1), TaggedStr('x'))}}
    requests = toml_edit.requests_of(tables, 'present')
    values = requests[0][1]
    kinds = [type(values['hostname']), type(values['offset']), type(values['ports'][0]), type(values['ports'][1])]
    assert kinds == [str, int, int, str] and values['ports'] == [1, 'x']
    result = toml_edit.edit(STOCK, requests, 'present', False, '/conf/deployment.toml')
    assert result.changes == [{'table': 'server', 'key': 'ports', 'action': 'added'}]
    assert 'ports = [1, "x"]\n' in result.after


# ---- never a password in the output ---------------------------------------------------------


def test_passwords_masked_in_diff_and_tables():
    result = run_edit(STOCK, WSO2_TABLES)
    diff = toml_edit.diff(result, '/conf/deployment.toml')
    assert NEW_PASSWORD not in json.dumps([diff, result.tables, result.changes, result.kept])
    # the old ones of the file are not shown either
    assert 'password = "wso2carbon"' not in diff['before']
    assert 'password = "admin"' not in diff['before']
    assert 'password = "********"' in diff['before']
    assert 'password = "******** (changed)"' in diff['after']
    # the rest of the text is shown as it is
    assert 'file_name = "wso2carbon-internal.jks"' in diff['after']
    assert 'hostname = "localhost"   # change me' in diff['before']
    assert '$secret{keystore_password}' in diff['after']
    assert diff['before_header'] == diff['after_header'] == '/conf/deployment.toml'
    assert result.tables['truststore'] == {'file_name': 'client-truststore.jks', 'type': 'JKS',
                                           'password': '********'}


def test_secret_values_only_hold_passwords():
    tables = dict(WSO2_TABLES, server={'offset': 1}, secrets={'admin': 'pw1', 'n': 7})
    secrets = toml_edit.secret_values(toml_edit.requests_of(tables, 'present'))
    assert secrets == {NEW_PASSWORD, 'pw1', '7'}


def test_secrets_table_is_masked():
    text = u'[secrets]\nadmin = "[plain]"\nother = "$secret{x}"\n'
    masked = toml_edit.mask_document(text)
    assert '[plain]' not in masked and '$secret{x}' in masked


# ---- values -------------------------------------------------------------------------------------


def test_types_are_strict():
    assert run_edit(STOCK, {'server': {'offset': 0}}).changes == []
    after = run_edit(STOCK, {'server': {'offset': '0'}}).after
    assert 'offset = "0"\n' in after
    result = run_edit(after, {'super_admin': {'create_admin_account': 1}})
    assert result.changes == [{'table': 'super_admin', 'key': 'create_admin_account', 'action': 'updated'}]
    assert run_edit(result.after, {'super_admin': {'create_admin_account': 1}}).changes == []


def test_trailing_comment_kept_on_update():
    after = run_edit(STOCK, {'server': {'hostname': 'apim.example.com', 'ports': [9443, 8243]}}).after
    assert 'hostname = "apim.example.com"   # change me\n' in after
    assert 'offset = 0\nports = [9443, 8243]\n\n[super_admin]' in after


def test_read_only_with_empty_table():
    result = run_edit(STOCK, {'keystore.internal': {}, 'keystore.primary': {}})
    assert result.changes == [] and result.after == STOCK
    assert result.tables['keystore.internal'] is None
    assert result.tables['keystore.primary']['key_password'] == '********'
    assert result.tables['keystore.primary']['password'] == '$secret{keystore_password}'


# ---- state=absent -------------------------------------------------------------------------------


def test_absent_keys_and_tables():
    text = run_edit(STOCK, WSO2_TABLES).after
    result = run_edit(text, {'keystore.tls': {}, 'keystore.internal': {}, 'truststore': {'type': None},
                             'nothing.here': {}}, state='absent')
    assert sorted((c['table'], c['action']) for c in result.changes) == [
        ('keystore.internal', 'removed'), ('keystore.tls', 'removed'), ('truststore', 'removed')]
    after = result.after
    assert '[keystore.tls]' not in after and '[keystore.internal]' not in after
    assert '# Trust store of the server: CAs and peers\n[truststore]\nfile_name' in after
    assert 'type' not in data_of(after)['truststore']
    assert run_edit(after, {'keystore.tls': {}}, state='absent').changes == []


def test_absent_on_empty_text():
    result = run_edit(u'', {'a': {}}, state='absent')
    assert result.changes == [] and result.after == u''


def test_new_file_text():
    result = run_edit(u'', {'a.b': {'x': 1}})
    assert result.after == u'[a.b]\nx = 1\n'
    assert result.changes == [{'table': 'a.b', 'key': None, 'action': 'added'}]


# ---- what the file holds ------------------------------------------------------------------------


def test_invalid_toml_is_refused_with_position():
    with pytest.raises(toml_edit.TomlEditError) as info:
        run_edit(u'[server]\nhostname = "x"\noffset = = 1\n', {'server': {'offset': 2}})
    message = str(info.value)
    assert 'line 3' in message and 'column' in message and 'left unchanged' in message


def test_bom_and_encoding():
    text, bom = toml_edit.decode(b'\xef\xbb\xbf[a]\nx = "\xc3\xa9"\n', '/f.toml')
    assert (text, bom) == (u'[a]\nx = "\xe9"\n', True)
    assert toml_edit.encode(text, bom) == b'\xef\xbb\xbf[a]\nx = "\xc3\xa9"\n'
    assert toml_edit.decode(b'[a]\n', '/f.toml') == (u'[a]\n', False)
    with pytest.raises(toml_edit.TomlEditError) as info:
        toml_edit.decode(b'[a]\nx = "\xff"\n', '/f.toml')
    assert 'not UTF-8 (byte 9)' in str(info.value) and '/f.toml' in str(info.value)


# ---- odd layouts --------------------------------------------------------------------------------


def test_out_of_order_tables():
    text = u'[keystore.primary]\na = 1\n\n[truststore]\nb = 2\n\n[keystore.tls]\nc = 3\n'
    after = run_edit(text, {'keystore.internal': {'d': 4}, 'keystore.primary': {'a': 5}}).after
    assert after == u'[keystore.primary]\na = 5\n\n[truststore]\nb = 2\n\n[keystore.tls]\nc = 3\n\n' \
        u'[keystore.internal]\nd = 4\n'


def test_dotted_keys_and_quoted_names():
    after = run_edit(u'[k]\np.alias = "x"\n\n["a.b"]\nz = 1\n', {'k.p': {'alias': 'y'}, '"a.b"': {'z': 2}}).after
    assert data_of(after) == {'k': {'p': {'alias': 'y'}}, 'a.b': {'z': 2}}


@pytest.mark.parametrize('tables, message', [
    ({'a]\nx = 1\n[b': {'k': 1}}, 'invalid table name'),
    ({'server': {'k': None}}, 'state=absent'),
    ({'server': {'k': {'nested': 1}}}, 'not dict'),
    ({'server': 'text'}, 'dictionary'),
    ({'server': {'': 1}}, 'non-empty strings'),
    ({'server.hostname': {'k': 1}}, 'is a value'),
    ({'apim.gateway.environment': {'k': 1}}, 'array of tables'),
])
def test_bad_requests(tables, message):
    with pytest.raises(toml_edit.TomlEditError) as info:
        run_edit(STOCK, tables)
    assert message in str(info.value)
