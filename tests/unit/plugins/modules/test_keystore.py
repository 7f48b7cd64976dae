# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""javasec.keystore.keystore: main() with patched module arguments."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import hashlib
import json
import os
import subprocess

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.modules import keystore as keystore_module
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import (
    KEY_PASSWORD, STORE_PASSWORD, der_of, key_der_of)


NEW_PASSWORD = 'N3w-St0re-Pa55!'


@pytest.fixture
def keystore(run_module):
    """Run the module; every result (success or failure) is checked for leaked passwords."""
    def run(check_mode=False, diff=False, **args):
        args.setdefault('password', STORE_PASSWORD)
        result = run_module(keystore_module, args, check_mode=check_mode, diff=diff)
        text = json.dumps(result, default=str)
        for secret in (STORE_PASSWORD, NEW_PASSWORD, KEY_PASSWORD):
            assert secret not in text
        return result
    return run


def _state(path):
    """Content hash, mode and inode of a file (None when missing)."""
    if not os.path.exists(path):
        return None
    with open(path, 'rb') as handle:
        data = handle.read()
    st = os.stat(path)
    return hashlib.sha256(data).hexdigest(), st.st_mode & 0o7777, st.st_ino, st.st_uid


def _load(path, password=STORE_PASSWORD, key_passwords=None):
    with open(path, 'rb') as handle:
        return codec.load_bytes(handle.read(), password, key_passwords)


def _write(path, data, mode=0o640):
    with open(path, 'wb') as handle:
        handle.write(data)
    os.chmod(path, mode)


# ---- creating ----------------------------------------------------------------------------------


@pytest.mark.parametrize('store_type', [None, 'pkcs12', 'jks'])
def test_create_check_real_check_real(keystore, tmp_path, store_type):
    path = str(tmp_path / 'new.store')
    args = dict(path=path)
    if store_type:
        args['store_type'] = store_type
    expected_type = store_type or 'pkcs12'

    result = keystore(check_mode=True, **args)
    assert result['changed'] is True
    assert result['store_type'] == expected_type
    assert result['entries'] == 0 and result['aliases'] == []
    assert not os.path.exists(path)
    assert os.listdir(str(tmp_path)) == []

    result = keystore(**args)
    assert result['changed'] is True
    assert result['store_type'] == expected_type
    assert result['password_changed'] is False and result['replaced'] is False
    assert result['entries'] == 0
    assert os.stat(path).st_mode & 0o777 == 0o600
    store = _load(path)
    assert store.store_type == expected_type and len(store.entries) == 0
    if expected_type == 'pkcs12':
        assert result['pkcs12_encryption'] == 'modern'
        assert store.encryption == 'modern'
    else:
        assert 'pkcs12_encryption' not in result
    before = _state(path)

    result = keystore(check_mode=True, **args)
    assert result['changed'] is False
    result = keystore(**args)
    assert result['changed'] is False
    assert result['store_type'] == expected_type
    assert _state(path) == before
    assert os.listdir(str(tmp_path)) == ['new.store']


def test_create_with_mode_and_legacy(keystore, tmp_path):
    path = str(tmp_path / 'legacy.p12')
    result = keystore(path=path, mode='0640', pkcs12_encryption='legacy')
    assert result['changed'] and result['pkcs12_encryption'] == 'legacy'
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert _load(path).encryption == 'legacy'
    assert keystore(path=path, mode='0640', pkcs12_encryption='legacy')['changed'] is False
    # only the mode changes: reported, store bytes kept
    digest = _state(path)[0]
    result = keystore(path=path, mode='0600')
    assert result['changed'] is True
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert _state(path)[0] == digest


def test_existing_store_keeps_its_mode_and_type(keystore, pki, tmp_path):
    path = str(tmp_path / 'store.jks')
    _write(path, pki.store_bytes('jks'), 0o644)
    before = _state(path)
    result = keystore(path=path)
    assert result['changed'] is False
    assert result['store_type'] == 'jks'
    assert result['entries'] == 5
    assert sorted(result['aliases']) == ['ec-server', 'ed25519', 'other-root', 'root-ca', 'rsa-server']
    assert _state(path) == before


def test_missing_directory_fails(keystore, tmp_path):
    result = keystore(path=str(tmp_path / 'nope' / 'store.p12'))
    assert result['failed'] is True
    assert 'does not exist' in result['msg']


# ---- converting --------------------------------------------------------------------------------


def test_convert_jks_to_pkcs12_and_back(keystore, pki, tmp_path):
    path = str(tmp_path / 'store')
    _write(path, pki.store_bytes('jks'))
    original = _load(path)
    before = _state(path)

    result = keystore(check_mode=True, path=path, store_type='pkcs12')
    assert result['changed'] is True
    assert result['converted_from'] == 'jks'
    assert result['store_type'] == 'pkcs12'
    assert _state(path) == before

    result = keystore(path=path, store_type='pkcs12', backup=True)
    assert result['changed'] is True
    assert result['converted_from'] == 'jks'
    assert sorted(result['aliases']) == sorted(original.aliases())
    assert result['entries'] == 5
    with open(result['backup_file'], 'rb') as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == before[0]
    converted = _load(path)
    assert converted.store_type == 'pkcs12' and converted.encryption == 'modern'
    assert converted.get('rsa-server').key_der == key_der_of(pki.rsa_key)
    assert converted.get('rsa-server').chain == pki.rsa_chain
    assert converted.get('root-ca').cert == der_of(pki.root)
    # an existing store keeps owner and mode through the conversion
    assert _state(path)[1] == 0o640

    for check_mode in (True, False):
        result = keystore(check_mode=check_mode, path=path, store_type='pkcs12')
        assert result['changed'] is False
        assert 'converted_from' not in result

    result = keystore(path=path, store_type='jks')
    assert result['changed'] is True and result['converted_from'] == 'pkcs12'
    back = _load(path)
    assert back.store_type == 'jks'
    assert back.get('ec-server').key_der == key_der_of(pki.ec_key)
    assert back.get('ec-server').chain == pki.ec_chain
    assert keystore(path=path, store_type='jks')['changed'] is False


def test_convert_pkcs12_with_secret_keys_to_jks_fails(keystore, pki, tmp_path):
    path = str(tmp_path / 'store.p12')
    _write(path, pki.store_bytes('pkcs12'))
    before = _state(path)
    result = keystore(path=path, store_type='jks')
    assert result['failed'] is True
    assert 'secret key entry' in result['msg'] and path in result['msg']
    assert result['error_type'] == 'UnsupportedStoreError'
    assert _state(path) == before


def test_convert_jks_key_with_own_password(keystore, pki, tmp_path):
    path = str(tmp_path / 'store.jks')
    _write(path, codec.dump_bytes(pki.store('jks', secrets=False, own_password=True), STORE_PASSWORD))
    before = _state(path)
    # without the key password the entry cannot be converted: a clear failure, file untouched
    result = keystore(path=path, store_type='pkcs12')
    assert result['failed'] is True
    assert 'own-password' in result['msg']
    assert _state(path) == before
    # with it, the key is re-protected by the store password (with a warning)
    result = keystore(path=path, store_type='pkcs12', key_passwords={'own-password': KEY_PASSWORD})
    assert result['changed'] is True
    assert any('own-password' in w and 'own password' in w for w in result['warnings'])
    store = _load(path)
    assert store.get('own-password').key_der == key_der_of(pki.ed_key)
    assert store.get('own-password').key_password is None


# ---- password change ------------------------------------------------------------------------------


@pytest.mark.parametrize('store_type', ['pkcs12', 'jks'])
def test_new_password_is_idempotent(keystore, pki, tmp_path, store_type):
    path = str(tmp_path / 'store')
    _write(path, pki.store_bytes(store_type))
    before = _state(path)
    args = dict(path=path, password=STORE_PASSWORD, new_password=NEW_PASSWORD)

    result = keystore(check_mode=True, **args)
    assert result['changed'] is True and result['password_changed'] is True
    assert _state(path) == before

    result = keystore(**args)
    assert result['changed'] is True and result['password_changed'] is True
    assert result['store_type'] == store_type
    with pytest.raises(model.WrongPasswordError):
        _load(path, STORE_PASSWORD)
    store = _load(path, NEW_PASSWORD)
    assert store.get('rsa-server').key_der == key_der_of(pki.rsa_key)
    after = _state(path)

    # the same task again: the store already opens with the new password
    for check_mode in (True, False):
        result = keystore(check_mode=check_mode, **args)
        assert result['changed'] is False
        assert result['password_changed'] is False
    assert _state(path) == after
    # and with just the new password as password
    assert keystore(path=path, password=NEW_PASSWORD)['changed'] is False


@pytest.mark.parametrize('bad', ['N3w-St0re-Pa55!\n', 'N3w\tSt0re', 'N3w-St0re\x7f'], ids=['newline', 'tab', 'del'])
def test_pkcs12_password_java_cannot_use_is_refused(keystore, pki, tmp_path, bad):
    """new_password on a working store, or password of a new store: refused naming the option, file untouched."""
    path = str(tmp_path / 'store.p12')
    _write(path, pki.store_bytes('pkcs12'))
    before = _state(path)
    for check_mode in (True, False):
        result = keystore(check_mode=check_mode, path=path, new_password=bad)
        assert result['failed'] is True and result['error_type'] == 'UnsupportedStoreError'
        assert result['msg'].startswith('new_password has a character Java cannot use in a PKCS12 password')
        assert bad not in json.dumps(result) and bad.strip() not in json.dumps(result)
    assert _state(path) == before
    assert _load(path).aliases() == _load(path).aliases() and _load(path).get('rsa-server') is not None

    new_path = str(tmp_path / 'new.p12')
    result = keystore(path=new_path, password=bad)
    assert result['failed'] is True and result['msg'].startswith('password has a character Java cannot use')
    assert not os.path.exists(new_path)
    # a JKS store protects with UTF-16 code units: Java opens it, so it is not refused
    assert keystore(path=new_path, password=bad, store_type='jks')['changed'] is True
    assert _load(new_path, bad).store_type == 'jks'


def test_new_password_equal_to_password_is_no_change(keystore, pki, tmp_path):
    path = str(tmp_path / 'store.p12')
    _write(path, pki.store_bytes('pkcs12'))
    result = keystore(path=path, new_password=STORE_PASSWORD)
    assert result['changed'] is False and result['password_changed'] is False


def test_pkcs12_encryption_switch(keystore, pki, tmp_path):
    path = str(tmp_path / 'store.p12')
    _write(path, pki.store_bytes('pkcs12', 'modern'))
    for target in ('legacy', 'modern'):
        before = _state(path)
        result = keystore(check_mode=True, path=path, pkcs12_encryption=target)
        assert result['changed'] is True and result['pkcs12_encryption'] == target
        assert _state(path) == before
        result = keystore(path=path, pkcs12_encryption=target)
        assert result['changed'] is True and result['pkcs12_encryption'] == target
        store = _load(path)
        assert store.encryption == target
        assert store.get('aes-key').plain == pki.store().get('aes-key').plain
        assert keystore(path=path, pkcs12_encryption=target)['changed'] is False
        # without the option the store keeps its protection
        assert keystore(path=path)['pkcs12_encryption'] == target


# ---- unreadable stores ------------------------------------------------------------------------------


@pytest.mark.parametrize('store_type', ['pkcs12', 'jks'])
def test_wrong_password_fails_and_leaves_file(keystore, pki, tmp_path, store_type):
    path = str(tmp_path / 'store')
    _write(path, pki.store_bytes(store_type), 0o604)
    before = _state(path)
    for args in (dict(), dict(store_type='jks' if store_type == 'pkcs12' else 'pkcs12'),
                 dict(new_password=NEW_PASSWORD), dict(pkcs12_encryption='legacy')):
        result = keystore(path=path, password='wrong-password', **args)
        assert result['failed'] is True
        assert 'password was incorrect' in result['msg']
        assert 'force=true' in result['msg']
        assert path in result['msg']
        assert _state(path) == before
    assert os.listdir(str(tmp_path)) == ['store']


@pytest.mark.parametrize('content', [b'', b'garbage that is not a keystore', b'-----BEGIN CERTIFICATE-----\n',
                                     b'\xfe\xed\xfe\xed\x00\x00'], ids=['empty', 'garbage', 'pem', 'truncated-jks'])
def test_force_replaces_unreadable_store(keystore, tmp_path, content):
    path = str(tmp_path / 'store.p12')
    _write(path, content, 0o640)
    before = _state(path)

    result = keystore(path=path)
    assert result['failed'] is True
    assert 'force=true' in result['msg']
    assert _state(path) == before

    result = keystore(check_mode=True, path=path, force=True)
    assert result['changed'] is True and result['replaced'] is True
    assert _state(path) == before

    result = keystore(path=path, force=True)
    assert result['changed'] is True and result['replaced'] is True
    assert result['entries'] == 0 and result['store_type'] == 'pkcs12'
    assert any('replaced by an empty store' in w for w in result['warnings'])
    store = _load(path)
    assert len(store.entries) == 0

    result = keystore(path=path, force=True)
    assert result['changed'] is False and result['replaced'] is False


def test_force_replaces_store_with_unknown_password(keystore, pki, tmp_path):
    path = str(tmp_path / 'store.jks')
    _write(path, pki.store_bytes('jks'))
    result = keystore(path=path, password=NEW_PASSWORD, force=True, store_type='jks')
    assert result['changed'] is True and result['replaced'] is True
    assert result['entries'] == 0
    assert len(_load(path, NEW_PASSWORD).entries) == 0


# ---- removal ----------------------------------------------------------------------------------------


def test_absent(keystore, pki, tmp_path):
    path = str(tmp_path / 'store.p12')
    _write(path, pki.store_bytes('pkcs12'))
    before = _state(path)
    result = keystore(check_mode=True, path=path, state='absent', password='unused')
    assert result['changed'] is True
    assert _state(path) == before
    result = keystore(path=path, state='absent', password='unused', diff=True)
    assert result['changed'] is True
    assert result['diff'] == {'before': {'state': 'present'}, 'after': {'state': 'absent'}}
    assert not os.path.exists(path)
    for check_mode in (True, False):
        result = keystore(check_mode=check_mode, path=path, state='absent', password='unused')
        assert result['changed'] is False


def test_absent_with_backup_and_directory(keystore, pki, tmp_path):
    path = str(tmp_path / 'store.p12')
    _write(path, pki.store_bytes('pkcs12'))
    before = _state(path)
    result = keystore(path=path, state='absent', password='unused', backup=True)
    assert result['changed'] is True
    assert not os.path.exists(path)
    with open(result['backup_file'], 'rb') as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == before[0]
    result = keystore(path=str(tmp_path), state='absent', password='unused')
    assert result['failed'] is True and 'is a directory' in result['msg']
    assert os.path.isdir(str(tmp_path))


# ---- diff and secrets -----------------------------------------------------------------------------------


def test_diff_holds_metadata_only(keystore, pki, tmp_path):
    path = str(tmp_path / 'store')
    _write(path, pki.store_bytes('jks'))
    result = keystore(path=path, store_type='pkcs12', new_password=NEW_PASSWORD, diff=True)
    assert result['changed'] is True
    diff = result['diff']
    assert diff['before']['store_type'] == 'jks'
    assert diff['after']['store_type'] == 'pkcs12'
    fp = certs.fingerprint(der_of(pki.rsa_leaf))
    assert diff['before']['entries']['rsa-server'] == 'private_key ' + fp
    assert diff['after']['entries']['rsa-server'] == 'private_key ' + fp
    assert diff['after']['entries']['root-ca'] == 'trusted_cert ' + certs.fingerprint(der_of(pki.root))
    text = json.dumps(result)
    for key in (pki.rsa_key, pki.ec_key, pki.ed_key):
        raw = key_der_of(key)
        assert raw[-16:].hex() not in text.lower()
    # a new store's diff starts from nothing
    result = keystore(path=str(tmp_path / 'fresh.p12'), diff=True)
    assert result['diff'] == {'before': {}, 'after': {'store_type': 'pkcs12', 'pkcs12_encryption': 'modern', 'entries': {}}}
    # no diff without a change
    assert 'diff' not in keystore(path=path, password=NEW_PASSWORD, diff=True)


def test_jceks_can_be_read_and_converted(keystore, keytool, tmp_path):
    path = str(tmp_path / 'store.jceks')
    subprocess.check_call([keytool, '-genseckey', '-alias', 'aes', '-keyalg', 'AES', '-keysize', '256',
                           '-keystore', path, '-storetype', 'JCEKS', '-storepass', STORE_PASSWORD,
                           '-keypass', STORE_PASSWORD], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    before = _state(path)
    result = keystore(path=path)
    assert result['changed'] is False and result['store_type'] == 'jceks' and result['aliases'] == ['aes']
    result = keystore(path=path, new_password=NEW_PASSWORD)
    assert result['failed'] is True and 'JCEKS' in result['msg']
    assert _state(path) == before
    result = keystore(path=path, store_type='pkcs12')
    assert result['changed'] is True and result['converted_from'] == 'jceks'
    assert model.secret_key_info(_load(path).get('aes').plain) == ('AES', 256)


# ---- removal: rm semantics, no password, clear errors (issue 9) ------------------------------------------


def test_absent_needs_no_password_present_does(run_module, pki, tmp_path):
    path = str(tmp_path / 'store.p12')
    _write(path, pki.store_bytes('pkcs12'))
    result = run_module(keystore_module, {'path': path, 'state': 'absent'})
    assert result['changed'] is True and not os.path.exists(path)
    result = run_module(keystore_module, {'path': path})
    assert result['failed'] is True
    assert result['msg'] == 'state is present but all of the following are missing: password'
    assert not os.path.exists(path)


def test_absent_on_a_link_removes_the_link_not_the_shared_store(run_module, pki, tmp_path):
    """The JDK's cacerts link to the distribution's shared store: rm semantics, the shared store stays."""
    shared = tmp_path / 'etc'
    shared.mkdir()
    target = str(shared / 'cacerts')
    _write(target, pki.store_bytes('pkcs12'), 0o644)
    before = _state(target)
    link = str(tmp_path / 'cacerts')
    os.symlink(target, link)
    result = run_module(keystore_module, {'path': link, 'state': 'absent'}, check_mode=True)
    assert result['changed'] is True and os.path.islink(link)
    result = run_module(keystore_module, {'path': link, 'state': 'absent', 'backup': True}, diff=True)
    assert result['changed'] is True
    assert result['diff'] == {'before': {'state': 'present'}, 'after': {'state': 'absent'}}
    assert not os.path.lexists(link)
    assert _state(target) == before
    with open(result['backup_file'], 'rb') as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == before[0]
    assert run_module(keystore_module, {'path': link, 'state': 'absent'})['changed'] is False
    os.symlink(str(tmp_path / 'nowhere'), link)  # a dangling link is removed like any other
    assert run_module(keystore_module, {'path': link, 'state': 'absent'})['changed'] is True
    assert not os.path.lexists(link)
    assert sorted(os.listdir(str(tmp_path))) == [os.path.basename(result['backup_file']), 'etc']


@pytest.mark.parametrize('code', [errno.EROFS, errno.EACCES], ids=['read-only', 'permission'])
def test_absent_on_a_read_only_filesystem_fails_clearly(run_module, pki, tmp_path, monkeypatch, code):
    path = str(tmp_path / 'store.p12')
    _write(path, pki.store_bytes('pkcs12'))
    before = _state(path)

    def refused(name, *args, **kwargs):
        raise OSError(code, os.strerror(code), name)
    monkeypatch.setattr(os, 'unlink', refused)
    result = run_module(keystore_module, {'path': path, 'state': 'absent'})
    monkeypatch.undo()
    assert result.pop('warnings', []) == []
    assert result == {'failed': True, 'error_type': 'StoreFileError', 'path': path,
                      'msg': 'cannot remove %s: %s' % (path, os.strerror(code))}
    assert _state(path) == before


# ---- follow ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize('follow', [True, False])
def test_new_password_through_a_link_or_replacing_it(keystore, pki, tmp_path, follow):
    shared = tmp_path / 'etc'
    shared.mkdir()
    target = str(shared / 'cacerts')
    _write(target, pki.store_bytes('pkcs12'), 0o644)
    before = _state(target)
    link = str(tmp_path / 'cacerts')
    os.symlink(target, link)
    result = keystore(path=link, new_password=NEW_PASSWORD, follow=follow)
    assert result['changed'] is True and result['password_changed'] is True
    assert os.path.islink(link) is follow
    assert _load(link, NEW_PASSWORD).aliases() == _load(target if follow else link, NEW_PASSWORD).aliases()
    if not follow:
        assert _state(target) == before  # the link's target is untouched
        assert os.stat(link).st_mode & 0o777 == 0o644
    assert keystore(path=link, password=NEW_PASSWORD, follow=follow)['changed'] is False
    assert sorted(os.listdir(str(shared))) == ['cacerts']


def test_follow_false_replaces_the_link_of_an_unchanged_store(keystore, pki, tmp_path):
    target = str(tmp_path / 'shared.p12')
    _write(target, pki.store_bytes('pkcs12'), 0o644)
    before = _state(target)
    link = str(tmp_path / 'store.p12')
    os.symlink(target, link)
    assert keystore(path=link)['changed'] is False and os.path.islink(link)
    result = keystore(path=link, follow=False, check_mode=True)
    assert result['changed'] is True and os.path.islink(link)
    result = keystore(path=link, follow=False)
    assert result['changed'] is True and not os.path.islink(link)
    assert _state(link)[0] == before[0] and _state(target) == before
    assert keystore(path=link, follow=False)['changed'] is False
