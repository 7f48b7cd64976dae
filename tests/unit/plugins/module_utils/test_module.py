# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_module, the Ansible glue: the error boundary, the sessions stores are opened through, and the writer of
public files, each driven by a real AnsibleModule (only exit_json/fail_json are caught)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import fcntl
import hashlib
import json
import os
import stat
import struct
import threading
import time

import pytest

from ansible.module_utils import basic

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _jks as jks
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils import _module as glue
from ansible_collections.javasec.keystore.plugins.module_utils import _pkcs12 as p12
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import (
    KEY_PASSWORD, STORE_PASSWORD, T_TRUST, der_of, key_der_of)

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    patch_module_args = None


class Failed(Exception):
    def __init__(self, result):
        super().__init__(result)
        self.result = result


def _fail_json(self, msg, **kwargs):
    kwargs.pop('exception', None)
    kwargs.update(failed=True, msg=msg)
    raise Failed(kwargs)


def _exit_json(self, **kwargs):  # pragma: no cover - the glue never exits on its own
    raise AssertionError('exit_json(%r)' % (kwargs,))


@pytest.fixture
def make_module(monkeypatch):
    """make_module(spec, check_mode=False, diff=False, **params) -> a real AnsibleModule over those params."""
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', _fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', _exit_json)

    def make(spec, check_mode=False, diff=False, **params):
        args = dict(params, _ansible_check_mode=check_mode, _ansible_diff=diff)
        if patch_module_args is not None:
            context = patch_module_args(args)
        else:  # pragma: no cover - older ansible-core
            from unittest import mock
            context = mock.patch.object(basic, '_ANSIBLE_ARGS',
                                        json.dumps({'ANSIBLE_MODULE_ARGS': args}).encode('utf-8'))
        with context:
            return basic.AnsibleModule(argument_spec=spec, supports_check_mode=True, add_file_common_args=True)

    return make


def _failure(function, *args, **kwargs):
    with pytest.raises(Failed) as info:
        function(*args, **kwargs)
    result = info.value.result
    assert STORE_PASSWORD not in json.dumps(result) and KEY_PASSWORD not in json.dumps(result)
    return result


def _write(path, data, mode=None):
    with open(path, 'wb') as handle:
        handle.write(data)
    if mode is not None:
        os.chmod(path, mode)


def _read(path):
    with open(path, 'rb') as handle:
        return handle.read()


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def p12_path(pki, tmp_path):
    path = str(tmp_path / 'store.p12')
    _write(path, pki.store_bytes('pkcs12'), 0o640)
    return path


@pytest.fixture
def small_p12(pki, tmp_path):
    """One key entry and one trusted certificate: legacy PKCS#12 (RC2 in Python) is slow on big stores."""
    store = model.Keystore('pkcs12')
    store.add(model.PrivateKeyEntry('ed25519', [der_of(pki.ed_cert)], key_der_of(pki.ed_key), timestamp=T_TRUST))
    store.add(model.TrustedCertEntry('root-ca', der_of(pki.root), timestamp=T_TRUST))
    path = str(tmp_path / 'small.p12')
    _write(path, codec.dump_bytes(store, STORE_PASSWORD), 0o640)
    return path


@pytest.fixture
def jks_path(pki, tmp_path):
    path = str(tmp_path / 'store.jks')
    _write(path, pki.store_bytes('jks', own_password=True))
    return path


def _jceks_bytes(pki, password=STORE_PASSWORD):
    """A JCEKS store of one trusted certificate: for those, JCEKS is JKS with another magic number."""
    body = codec.JCEKS_MAGIC + jks.dumps([jks.TrustedCertEntry('root-ca', T_TRUST, der_of(pki.root))],
                                         password)[4:-20]
    return body + hashlib.sha1(password.encode('utf-16-be') + b'Mighty Aphrodite' + body).digest()


# ---- located and fail -----------------------------------------------------------------------------


ERRORS = [model.KeystoreError, model.WrongPasswordError, model.WrongKeyPasswordError, model.CorruptStoreError,
          model.UnsupportedStoreError, model.AliasClashError, model.StoreFileError, model.CertificateInputError]


@pytest.mark.parametrize('error_class', ERRORS, ids=[c.__name__ for c in ERRORS])
def test_located_keeps_the_type_and_names_the_file(error_class):
    original = error_class('something is wrong')
    error = glue.located('/etc/ssl/store.p12', original)
    assert error.__class__ is error_class  # exactly, not a base class
    assert str(error) == '/etc/ssl/store.p12: something is wrong'
    assert str(original) == 'something is wrong'


@pytest.mark.parametrize('error_class', ERRORS, ids=[c.__name__ for c in ERRORS])
def test_fail_sets_error_type_of_engine_errors(make_module, error_class):
    module = make_module(glue.store_argument_spec(), path='/x', password=STORE_PASSWORD)
    result = _failure(glue.fail, module, glue.located('/x', error_class('bad')), changed=False, alias='web')
    assert result == {'failed': True, 'msg': '/x: bad', 'error_type': error_class.__name__, 'changed': False,
                      'alias': 'web'}


def test_fail_with_a_message_has_no_error_type(make_module):
    module = make_module(glue.store_argument_spec(), path='/x', password=STORE_PASSWORD)
    assert _failure(glue.fail, module, 'plain words') == {'failed': True, 'msg': 'plain words'}


# ---- ReadSession ---------------------------------------------------------------------------------


def _reader(make_module, path, password=STORE_PASSWORD, **params):
    module = make_module(glue.store_argument_spec(), path=path, password=password, **params)
    return glue.ReadSession(module)


def test_read_session_loads_pkcs12_and_jks(make_module, p12_path, jks_path):
    assert _reader(make_module, p12_path).load().aliases() == [
        'rsa-server', 'ec-server', 'ed25519', 'aes-key', 'hmac-key', 'root-ca', 'other-root']
    store = _reader(make_module, jks_path).load()
    assert store.store_type == 'jks' and 'own-password' in store.aliases()


def test_read_session_explicit_path_and_password_win(make_module, pki, p12_path, tmp_path):
    """sign_csr opens its CA store with its own options (ca_path, ca_password), not path/password."""
    module = make_module(glue.store_argument_spec(), path=str(tmp_path / 'absent'), password='not-it')
    session = glue.ReadSession(module, path=p12_path, password=STORE_PASSWORD, key_passwords={})
    assert session.load().get('root-ca').cert == der_of(pki.root)


@pytest.mark.parametrize('case, error_type, message', [
    ('missing', 'StoreFileError', 'the keystore does not exist'),
    ('password', 'WrongPasswordError', 'keystore password was incorrect (PKCS#12 integrity check failed)'),
    ('truncated', 'CorruptStoreError', 'the PKCS#12 file is truncated or corrupt'),
    ('directory', 'StoreFileError', 'is a directory, not a keystore file'),
])
def test_read_session_load_errors_name_the_file(make_module, p12_path, tmp_path, case, error_type, message):
    path, password = p12_path, STORE_PASSWORD
    if case == 'missing':
        path = str(tmp_path / 'absent.p12')
    elif case == 'password':
        password = 'Wr0ng-Pa55'
    elif case == 'truncated':
        _write(path, _read(path)[:200])
    else:
        path = str(tmp_path)
    result = _failure(_reader(make_module, path, password).load)
    assert result['error_type'] == error_type
    assert result['msg'].startswith(path + (' ' if case == 'directory' else ': '))
    assert result['msg'].count(path) == 1
    assert message in result['msg']
    assert password not in result['msg']


def test_read_session_takes_no_lock(make_module, p12_path):
    """Readers do not wait for a writer: stores are replaced by rename, never rewritten in place."""
    fd = os.open(os.path.dirname(p12_path), os.O_RDONLY)
    loaded = []
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        reader = threading.Thread(target=lambda: loaded.append(_reader(make_module, p12_path).load()))
        reader.daemon = True
        reader.start()
        reader.join(30)
        assert not reader.is_alive() and len(loaded) == 1
    finally:
        os.close(fd)


def test_read_session_entry(make_module, p12_path):
    session = _reader(make_module, p12_path)
    store = session.load()
    assert session.entry(store, 'RSA-Server', (model.PrivateKeyEntry,)).alias == 'rsa-server'
    assert session.entry(store, 'root-ca', (model.PrivateKeyEntry, model.TrustedCertEntry)).alias == 'root-ca'
    missing = _failure(session.entry, store, 'nope', (model.PrivateKeyEntry,))
    assert missing['msg'] == ('%s: alias "nope" does not exist in the keystore (aliases: rsa-server, ec-server, '
                              'ed25519, aes-key, hmac-key, root-ca, other-root)' % p12_path)
    assert missing['error_type'] == 'KeystoreError'
    kind = _failure(session.entry, store, 'root-ca', (model.PrivateKeyEntry,))
    assert kind['msg'] == '%s: alias "root-ca" is a trusted cert entry, not a private key entry' % p12_path
    assert kind['error_type'] == 'KeystoreError'
    two = _failure(session.entry, store, 'aes-key', (model.PrivateKeyEntry, model.TrustedCertEntry))
    assert two['msg'].endswith('alias "aes-key" is a secret key entry, not a private key entry or trusted cert entry')
    empty = model.Keystore()
    assert _failure(session.entry, empty, 'x', (model.PrivateKeyEntry,))['msg'].endswith('(aliases: none)')


def test_read_session_private_key_of_jks(make_module, pki, jks_path):
    session = _reader(make_module, jks_path)
    store = session.load()
    assert session.private_key(store.get('rsa-server')) == key_der_of(pki.rsa_key)
    sealed = _failure(session.private_key, store.get('own-password'))
    assert sealed['error_type'] == 'WrongKeyPasswordError'
    assert sealed['msg'] == (
        '%s: the private key of alias "own-password" is protected by a password other than the keystore password; '
        'give it in key_passwords (key_passwords: {"own-password": ...})' % jks_path)
    opened = _reader(make_module, jks_path, key_passwords={'Own-Password': KEY_PASSWORD})
    assert opened.private_key(opened.load().get('own-password')) == key_der_of(pki.ed_key)


def test_read_session_private_key_of_pkcs12_with_its_own_password(make_module, pki, tmp_path):
    """A PKCS12 file from another tool whose key has a password of its own: readable, read-only."""
    epki = p12.encrypt_epki(key_der_of(pki.rsa_key), KEY_PASSWORD, p12.key_scheme('modern'))
    path = str(tmp_path / 'sealed.p12')
    _write(path, p12.dump([p12.key_bag(epki, 'sealed', b'Time 1')],
                          [p12.cert_bag(der_of(pki.rsa_leaf), 'sealed', b'Time 1')], STORE_PASSWORD, 'modern'))
    session = _reader(make_module, path, key_passwords={'SEALED': KEY_PASSWORD})
    assert session.private_key(session.load().get('sealed')) == key_der_of(pki.rsa_key)
    without = _reader(make_module, path)
    assert _failure(without.private_key, without.load().get('sealed'))['error_type'] == 'WrongKeyPasswordError'
    wrong = _reader(make_module, path, key_passwords={'sealed': 'Wr0ng-Pa55'})
    result = _failure(wrong.load)  # the codec already tries the key's own password
    assert result == {'failed': True, 'error_type': 'WrongKeyPasswordError',
                      'msg': '%s: key password for alias "sealed" was incorrect' % path}


# ---- StoreSession, load_or_create, save_if_changed -----------------------------------------------------


def _writer(make_module, path, check_mode=False, diff=False, **params):
    params.setdefault('password', STORE_PASSWORD)
    module = make_module(glue.entry_argument_spec(), check_mode=check_mode, diff=diff, path=path, **params)
    return module, glue.StoreSession(module)


def _locked_by_someone(path):
    fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (IOError, OSError) as exc:
        assert exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK)
        return True
    finally:
        os.close(fd)
    return False


def test_store_session_holds_the_directory_lock(make_module, p12_path):
    module, session = _writer(make_module, p12_path)
    with session:
        assert _locked_by_someone(p12_path)
        assert session.exists and session.detected_type() == 'pkcs12'
    assert not _locked_by_someone(p12_path)


def test_store_session_releases_the_lock_when_the_task_fails(make_module, p12_path):
    module, session = _writer(make_module, p12_path, password='Wr0ng-Pa55')
    with pytest.raises(Failed) as info:
        with session:
            session.load()
    assert info.value.result['error_type'] == 'WrongPasswordError'
    assert info.value.result['msg'].startswith(p12_path + ': keystore password was incorrect')
    assert not _locked_by_someone(p12_path)


def test_store_session_in_a_missing_directory(make_module, tmp_path):
    missing = str(tmp_path / 'nodir')
    module, session = _writer(make_module, os.path.join(missing, 'store.p12'))
    result = _failure(session.__enter__)
    assert result == {'failed': True, 'error_type': 'StoreFileError', 'msg': 'directory %s does not exist' % missing}


def test_load_or_create_a_new_store_mode_0600(make_module, pki, tmp_path):
    path = str(tmp_path / 'new.jks')
    old_umask = os.umask(0o022)
    try:
        module, session = _writer(make_module, path, diff=True, store_type='jks')
        with session:
            store, created = glue.load_or_create(module, session)
            assert created is True and session.exists is False and session.detected_type() is None
            assert (store.store_type, store.aliases()) == ('jks', [])
            store.add(model.TrustedCertEntry('root-ca', der_of(pki.root), timestamp=T_TRUST))
            result = glue.save_if_changed(module, session, {}, store, True, created, {})
    finally:
        os.umask(old_umask)
    assert result['changed'] is True
    assert _mode(path) == 0o600
    assert codec.load_bytes(_read(path), STORE_PASSWORD).get('root-ca').cert == der_of(pki.root)
    assert result['diff'] == {'before': {}, 'after': {
        'store_type': 'jks', 'entries': {'root-ca': 'trusted_cert ' + certs.fingerprint(der_of(pki.root))}}}
    assert os.listdir(str(tmp_path)) == ['new.jks']


def test_load_or_create_defaults_and_mode_option(make_module, tmp_path):
    path = str(tmp_path / 'new.p12')
    module, session = _writer(make_module, path, mode='0640', pkcs12_encryption='legacy')
    with session:
        store, created = glue.load_or_create(module, session)
        assert created and (store.store_type, store.encryption) == ('pkcs12', 'legacy')
        result = glue.save_if_changed(module, session, {}, store, False, created, {})
    assert result['changed'] is True and 'diff' not in result
    assert _mode(path) == 0o640
    assert codec.load_bytes(_read(path), STORE_PASSWORD).encryption == 'legacy'


def test_load_or_create_check_mode_writes_nothing(make_module, tmp_path):
    path = str(tmp_path / 'new.p12')
    module, session = _writer(make_module, path, check_mode=True)
    with session:
        store, created = glue.load_or_create(module, session)
        result = glue.save_if_changed(module, session, {}, store, True, created, {})
    assert result['changed'] is True
    assert os.listdir(str(tmp_path)) == []


def test_load_or_create_refuses_another_store_type(make_module, p12_path):
    before = _read(p12_path)
    module, session = _writer(make_module, p12_path, store_type='jks')
    with session:
        result = _failure(glue.load_or_create, module, session)
    assert result['msg'] == ('%s is a PKCS12 store, not JKS; convert it first with javasec.keystore.keystore '
                             '(store_type: jks)' % p12_path)
    assert _read(p12_path) == before


def test_load_or_create_refuses_jceks(make_module, pki, tmp_path):
    path = str(tmp_path / 'store.jceks')
    _write(path, _jceks_bytes(pki))
    module, session = _writer(make_module, path)
    with session:
        assert session.detected_type() == 'jceks'
        result = _failure(glue.load_or_create, module, session)
    assert result['msg'] == ('%s is a JCEKS store, which cannot be written; convert it first with '
                             'javasec.keystore.keystore (store_type: pkcs12)' % path)
    assert _read(path) == _jceks_bytes(pki)


def test_save_if_changed_unchanged_writes_nothing(make_module, p12_path):
    before, stat_before = _read(p12_path), os.stat(p12_path)
    module, session = _writer(make_module, p12_path, diff=True, store_type='pkcs12', pkcs12_encryption='modern')
    with session:
        store, created = glue.load_or_create(module, session)
        assert created is False
        result = glue.save_if_changed(module, session, certs.summary(store), store, False, created, {})
    assert result == {'changed': False}
    assert _read(p12_path) == before and os.stat(p12_path).st_mtime_ns == stat_before.st_mtime_ns
    assert _mode(p12_path) == 0o640


def test_save_if_changed_pkcs12_encryption_alone_rewrites(make_module, small_p12):
    module, session = _writer(make_module, small_p12, diff=True, pkcs12_encryption='legacy', backup=True)
    with session:
        store, created = glue.load_or_create(module, session)
        before = certs.summary(store)
        result = glue.save_if_changed(module, session, before, store, False, created, {})
    assert result['changed'] is True
    assert result['diff']['before']['pkcs12_encryption'] == 'modern'
    assert result['diff']['after']['pkcs12_encryption'] == 'legacy'
    assert result['diff']['after']['entries'] == result['diff']['before']['entries']
    rewritten = codec.load_bytes(_read(small_p12), STORE_PASSWORD)
    assert rewritten.encryption == 'legacy' and rewritten.aliases() == store.aliases()
    assert _mode(small_p12) == 0o640  # an existing store keeps its mode
    assert codec.load_bytes(_read(result['backup_file']), STORE_PASSWORD).encryption == 'modern'
    text = json.dumps(result['diff'])
    assert STORE_PASSWORD not in text and 'BEGIN' not in text

    module, session = _writer(make_module, small_p12, pkcs12_encryption='legacy')
    with session:
        store, created = glue.load_or_create(module, session)
        assert glue.save_if_changed(module, session, {}, store, False, created, {}) == {'changed': False}


def test_save_if_changed_check_mode_keeps_the_file(make_module, small_p12):
    before = _read(small_p12)
    module, session = _writer(make_module, small_p12, check_mode=True, pkcs12_encryption='legacy')
    with session:
        store, created = glue.load_or_create(module, session)
        result = glue.save_if_changed(module, session, {}, store, False, created, {})
    assert result['changed'] is True
    assert _read(small_p12) == before


def test_store_session_serialize_error_names_the_file(make_module, pki, p12_path):
    module, session = _writer(make_module, p12_path)
    with session:
        store = session.load()
        result = _failure(session.serialize, store, store_type='jks')  # JKS cannot hold secret keys
    assert result['error_type'] == 'UnsupportedStoreError'
    assert result['msg'] == '%s: JKS cannot hold the secret key entry "aes-key"; keep the store as PKCS12' % p12_path


# ---- PublicFile --------------------------------------------------------------------------------------


def _public(make_module, path, check_mode=False, **params):
    spec = dict(dest=dict(type='path'), backup=dict(type='bool', default=False))
    module = make_module(spec, check_mode=check_mode, dest=path, **params)
    return glue.PublicFile(module, path)


def test_public_file_new_gets_0644(make_module, tmp_path):
    path = str(tmp_path / 'app.csr')
    old_umask = os.umask(0o077)
    try:
        target = _public(make_module, path)
        assert target.read() is None and target.data is None
        result = {}
        target.write(b'-----BEGIN CERTIFICATE REQUEST-----\n', result)
        target.apply_attributes(result, created=True)
    finally:
        os.umask(old_umask)
    assert result == {'changed': True}
    assert _read(path) == b'-----BEGIN CERTIFICATE REQUEST-----\n'
    assert _mode(path) == 0o644
    assert os.listdir(str(tmp_path)) == ['app.csr']


def test_public_file_mode_option_and_existing_mode(make_module, tmp_path):
    path = str(tmp_path / 'app.pem')
    target = _public(make_module, path, mode='0640')
    result = {}
    target.write(b'one', result)
    target.apply_attributes(result, created=True)
    assert _mode(path) == 0o640

    os.chmod(path, 0o600)
    target = _public(make_module, path, backup=True)
    assert target.read() == b'one'
    result = {}
    target.write(b'two', result)
    target.apply_attributes(result, created=False)
    assert _read(path) == b'two' and _mode(path) == 0o600
    assert _read(result['backup_file']) == b'one'


def test_public_file_check_mode_writes_nothing(make_module, tmp_path):
    path = str(tmp_path / 'app.pem')
    target = _public(make_module, path, check_mode=True)
    assert target.read() is None
    result = {}
    target.write(b'data', result)
    target.apply_attributes(result, created=True)
    assert result == {'changed': True}
    assert os.listdir(str(tmp_path)) == []


def test_public_file_errors(make_module, tmp_path):
    missing = str(tmp_path / 'nodir')
    result = _failure(_public(make_module, os.path.join(missing, 'a.pem')).read)
    assert result == {'failed': True, 'error_type': 'StoreFileError',
                      'msg': 'directory %s of dest does not exist' % missing}
    result = _failure(_public(make_module, str(tmp_path)).read)
    assert result == {'failed': True, 'error_type': 'StoreFileError', 'msg': 'dest %s is a directory' % tmp_path}


def test_public_file_write_error_keeps_its_type(make_module, tmp_path):
    """A directory the writer cannot create its temp file in (a regular file here: root writes anywhere)."""
    parent = str(tmp_path / 'file')
    _write(parent, b'x')
    target = _public(make_module, os.path.join(parent, 'a.pem'))
    result = _failure(target.write, b'data', {})
    assert result['error_type'] == 'StoreFileError'
    assert result['msg'] == 'cannot write in %s: Not a directory' % parent
    assert os.listdir(str(tmp_path)) == ['file'] and _read(parent) == b'x'


def test_jceks_helper_is_a_real_jceks_store(pki):
    store = codec.load_bytes(_jceks_bytes(pki), STORE_PASSWORD)
    assert store.store_type == 'jceks' and store.get('root-ca').cert == der_of(pki.root)
    assert struct.unpack('>I', _jceks_bytes(pki)[:4])[0] == 0xCECECECE


def test_java_cert_option_names_are_aliases(make_module, p12_path):
    """keystore_path/keystore_pass (community.general java_cert, java_keystore) open the same store."""
    module = make_module(glue.store_argument_spec(), keystore_path=p12_path, keystore_pass=STORE_PASSWORD)
    assert module.params['path'] == p12_path and module.params['password'] == STORE_PASSWORD
    assert STORE_PASSWORD in module.no_log_values
    store = glue.ReadSession(module).load()
    assert store.store_type == 'pkcs12' and store.aliases()


# ---- read_target_file: one reader, a FIFO refused -----------------------------------------------------


def test_read_target_file_refuses_a_fifo_at_once(make_module, tmp_path):
    """A FIFO given as csr_path used to hang the task in open(); a watchdog opens its write end after 10 s
    so that a regression fails instead of hanging the suite."""
    fifo = str(tmp_path / 'app.csr')
    os.mkfifo(fifo)
    done = threading.Event()

    def watchdog():
        if not done.wait(10):
            try:
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
    thread = threading.Thread(target=watchdog)
    thread.start()
    module = make_module({})
    try:
        started = time.monotonic()
        result = _failure(glue.read_target_file, module, fifo, 'csr_path')
        elapsed = time.monotonic() - started
    finally:
        done.set()
        thread.join()
    assert elapsed < 1
    assert result == {'failed': True, 'error_type': 'StoreFileError',
                      'msg': 'csr_path %s is not a regular file (a FIFO), so it is not opened' % fifo}


def test_read_target_file_reads_and_names_the_option(make_module, tmp_path):
    module = make_module({})
    path = str(tmp_path / 'ca.pem')
    _write(path, b'-----BEGIN CERTIFICATE-----\n')
    assert glue.read_target_file(module, path, 'ca_path') == b'-----BEGIN CERTIFICATE-----\n'
    result = _failure(glue.read_target_file, module, str(tmp_path / 'missing.pem'), 'ca_path')
    assert result == {'failed': True, 'msg': 'cannot read ca_path %s: No such file or directory' % (
        tmp_path / 'missing.pem')}
    result = _failure(glue.read_target_file, module, str(tmp_path), 'ca_path')
    assert result == {'failed': True, 'error_type': 'StoreFileError',
                      'msg': 'ca_path %s is a directory, not a file' % tmp_path}
    result = _failure(glue.read_target_file, module, '/dev/null', 'src_path')
    assert result['msg'] == 'src_path /dev/null is not a regular file (a character device), so it is not opened'


# ---- follow: through the link (default) or replacing it ------------------------------------------------


@pytest.fixture
def linked(tmp_path):
    """dest/path is a link into another directory, whose file holds b'shared' (mode 0644)."""
    shared = tmp_path / 'shared'
    own = tmp_path / 'own'
    shared.mkdir()
    own.mkdir()
    target = str(shared / 'file')
    _write(target, b'shared', 0o644)
    link = str(own / 'file')
    os.symlink(target, link)
    return link, target


def test_write_argument_spec_follow_defaults_to_true(make_module, p12_path):
    module = make_module(glue.write_argument_spec(), path=p12_path, password=STORE_PASSWORD)
    assert module.params['follow'] is True
    assert glue.follow_argument_spec() == {'follow': {'type': 'bool', 'default': True}}


@pytest.mark.parametrize('follow', [True, False])
def test_public_file_follow(make_module, linked, follow):
    link, target = linked
    spec = dict(dest=dict(type='path'), backup=dict(type='bool', default=False))
    spec.update(glue.follow_argument_spec())
    module = make_module(spec, dest=link, follow=follow)
    public = glue.PublicFile(module, link)
    assert public.read() == b'shared'
    result = {}
    public.write(b'new', result)
    public.apply_attributes(result, created=False)
    assert result == {'changed': True}
    assert _read(link) == b'new'
    if follow:
        assert os.path.islink(link) and _read(target) == b'new'
    else:
        assert not os.path.islink(link) and _read(target) == b'shared' and _mode(link) == 0o644
    assert sorted(os.listdir(os.path.dirname(link))) == ['file']
    assert sorted(os.listdir(os.path.dirname(target))) == ['file']


def test_public_file_follow_false_replaces_an_unchanged_link(make_module, linked):
    link, target = linked
    spec = dict(dest=dict(type='path'))
    spec.update(glue.follow_argument_spec())
    public = glue.PublicFile(make_module(spec, dest=link, follow=False), link)
    assert public.read() == b'shared'
    result = {'changed': False}
    public.apply_attributes(result, created=False)
    assert result == {'changed': True}
    assert not os.path.islink(link) and _read(link) == b'shared' and _read(target) == b'shared'
    public = glue.PublicFile(make_module(spec, dest=link, follow=False), link)
    public.read()
    result = {'changed': False}
    public.apply_attributes(result, created=False)
    assert result == {'changed': False}


@pytest.mark.parametrize('follow', [True, False])
def test_store_session_follow(make_module, pki, tmp_path, follow):
    shared = tmp_path / 'shared'
    shared.mkdir()
    target = str(shared / 'cacerts')
    _write(target, pki.store_bytes('pkcs12'), 0o644)
    before = _read(target)
    link = str(tmp_path / 'cacerts')
    os.symlink(target, link)
    module, session = _writer(make_module, link, follow=follow)
    result = {'changed': False}
    with session:
        assert _locked_by_someone(target if follow else link)
        store, created = glue.load_or_create(module, session)
        store.add(model.TrustedCertEntry('added', der_of(pki.other_root), 1))
        glue.save_if_changed(module, session, {}, store, True, created, result)
    assert result['changed'] is True
    assert os.path.islink(link) is follow
    assert 'added' in codec.load_bytes(_read(link), STORE_PASSWORD).aliases()
    assert (_read(target) == before) is not follow
    assert sorted(os.listdir(str(tmp_path))) == ['cacerts', 'shared']
    assert sorted(os.listdir(str(shared))) == ['cacerts']
