# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Bad inputs make javasec.keystore.keystore and keystore_info fail with one clear message, and leave
the file exactly as it was (content, owner, mode); new stores are created with mode 0600."""

from __future__ import absolute_import, division, print_function

import contextlib
import os
import random
import shutil
import subprocess

import pytest

import interop_lib as lib

IS_ROOT = os.geteuid() == 0
OWNER = (4321, 4321)  # a foreign owner makes "owner unchanged" meaningful (root only)

BAD_FILES = {
    # kind: (what the message must say (all of these, case-insensitive), error_type)
    'wrong-password-pkcs12': (['password was incorrect'], 'WrongPasswordError'),
    'wrong-password-jks': (['password was incorrect'], 'WrongPasswordError'),
    'truncated-pkcs12': (['truncated or corrupt'], 'CorruptStoreError'),
    'truncated-jks': (['truncated or corrupt'], 'CorruptStoreError'),
    'truncated-jceks': (['truncated or corrupt'], 'CorruptStoreError'),
    'random-bytes': (['neither a JKS, JCEKS nor PKCS#12'], 'CorruptStoreError'),
    'empty-file': (['empty'], 'CorruptStoreError'),
    'pem-file': (['PEM'], 'UnsupportedStoreError'),
    'directory': (['is a directory'], 'StoreFileError'),
}


def _make_bad(kind, sources, pki, directory):
    """Create the bad input in directory; return (path, password)."""
    p12, jks = sources['mixed_p12'], sources['mixed_jks']
    path = directory / ('store-' + kind)
    password = p12.password
    if kind == 'wrong-password-pkcs12':
        shutil.copyfile(str(p12.path), str(path))
        password = 'not-the-Password'
    elif kind == 'wrong-password-jks':
        shutil.copyfile(str(jks.path), str(path))
        password = 'not-the-Password'
    elif kind == 'truncated-pkcs12':
        data = p12.path.read_bytes()
        path.write_bytes(data[:len(data) // 2])
    elif kind == 'truncated-jks':
        data = jks.path.read_bytes()
        path.write_bytes(data[:len(data) // 2])
        password = jks.password
    elif kind == 'truncated-jceks':
        jceks = sources['secret_jceks']
        data = jceks.path.read_bytes()
        path.write_bytes(data[:-100])
        password = jceks.password
    elif kind == 'random-bytes':
        data = bytearray(random.Random(20240607).getrandbits(8) for dummy in range(4096))
        data[0] = 0x42  # not the first byte of any keystore type
        path.write_bytes(bytes(data))
    elif kind == 'empty-file':
        path.write_bytes(b'')
    elif kind == 'pem-file':
        path.write_bytes(lib.Pki.pem(pki.root))
    elif kind == 'directory':
        path.mkdir()
        (path / 'inside').write_text('x')
    if IS_ROOT:
        os.chown(str(path), *OWNER)
    os.chmod(str(path), 0o750 if path.is_dir() else 0o640)
    return path, password


def _assert_one_clear_failure(rc, result, proc, path, keywords, error_type, secrets):
    output = proc.stdout + proc.stderr
    assert rc != 0, output
    assert result is not None, output
    assert result.get('failed') is True, result
    msg = result['msg']
    assert isinstance(msg, str) and msg and '\n' not in msg, msg
    for word in keywords:
        assert word.lower() in msg.lower(), msg
    assert str(path) in msg, msg
    assert 'Traceback' not in output
    assert 'exception' not in result, result.get('exception')
    if error_type:
        assert result.get('error_type') == error_type, result
    for secret in secrets:
        assert secret not in output, 'a password was printed'


@pytest.mark.parametrize('module', ['keystore', 'keystore_info'])
@pytest.mark.parametrize('kind', sorted(BAD_FILES))
def test_bad_input_fails_clearly_and_changes_nothing(kind, module, sources, pki, tmp_path):
    keywords, error_type = BAD_FILES[kind]
    path, password = _make_bad(kind, sources, pki, tmp_path)
    before, listing = lib.file_state(path), lib.dir_listing(tmp_path)
    args = {'path': str(path), 'password': password}
    if module == 'keystore':
        args['store_type'] = 'jks'  # the task would write: a conversion
    rc, result, proc = lib.run_module(module, args)
    if module == 'keystore' and kind not in ('directory',):
        keywords = keywords + ['force=true']  # and the way out
    if module == 'keystore' and kind != 'directory':
        error_type = None  # keystore reports unreadable stores without error_type (keystore_info has it)
    _assert_one_clear_failure(rc, result, proc, path, keywords, error_type, [password])
    assert lib.file_state(path) == before
    assert lib.dir_listing(tmp_path) == listing, 'files were left behind'


# ---- a directory nobody may write to -------------------------------------------------------------


def _writable(directory):
    probe = directory / '.write-probe'
    try:
        probe.write_text('x')
    except OSError:
        return False
    probe.unlink()
    return True


@contextlib.contextmanager
def unwritable_directory(directory):
    """Make directory unwritable for this process: mode 0555 for a normal user; for root, whom modes
    do not stop, the immutable attribute (chattr +i) or else a read-only bind mount."""
    undo = []
    try:
        if not IS_ROOT:
            os.chmod(str(directory), 0o555)
            undo.append(lambda: os.chmod(str(directory), 0o755))
        else:
            proc = subprocess.run(['chattr', '+i', str(directory)], capture_output=True, text=True, check=False) \
                if shutil.which('chattr') else None
            if proc is not None and proc.returncode == 0:
                undo.append(lambda: subprocess.run(['chattr', '-i', str(directory)], check=True))
            else:
                proc = subprocess.run(['mount', '--bind', '-o', 'ro', str(directory), str(directory)],
                                      capture_output=True, text=True, check=False)
                if proc.returncode == 0:
                    undo.append(lambda: subprocess.run(['umount', str(directory)], check=True))
        if _writable(directory):
            pytest.skip('cannot make a directory unwritable for uid %d here (no chattr +i, no read-only bind '
                        'mount); the unwritable-directory case is covered where root has CAP_LINUX_IMMUTABLE'
                        % os.geteuid())
        yield directory
    finally:
        for action in reversed(undo):
            action()


def test_new_store_in_unwritable_directory_fails_clearly(tmp_path):
    directory = tmp_path / 'locked'
    directory.mkdir()
    path = directory / 'new.p12'
    with unwritable_directory(directory):
        before = lib.file_state(directory)
        rc, result, proc = lib.run_module('keystore', {'path': str(path), 'password': 'new-Store!pass'})
        _assert_one_clear_failure(rc, result, proc, directory, ['cannot write'], 'StoreFileError', ['new-Store!pass'])
        assert lib.dir_listing(directory) == []
        assert lib.file_state(directory) == before


def test_conversion_in_unwritable_directory_fails_clearly_and_changes_nothing(sources, tmp_path):
    src = sources['mixed_p12']
    directory = tmp_path / 'locked'
    directory.mkdir()
    path = directory / 'store.p12'
    shutil.copyfile(str(src.path), str(path))
    if IS_ROOT:
        os.chown(str(path), *OWNER)
    os.chmod(str(path), 0o640)
    before = lib.file_state(path)
    with unwritable_directory(directory):
        for module_args in ({'store_type': 'jks'}, {'new_password': 'rotated-Store!pass'}):
            args = dict(module_args, path=str(path), password=src.password)
            rc, result, proc = lib.run_module('keystore', args)
            _assert_one_clear_failure(rc, result, proc, directory, ['cannot write'], 'StoreFileError',
                                      [src.password, 'rotated-Store!pass'])
            assert lib.file_state(path) == before
            assert lib.dir_listing(directory) == ['store.p12']


# ---- what succeeds keeps the file's metadata ----------------------------------------------------


@pytest.mark.parametrize('store_type', ['pkcs12', 'jks'])
def test_new_store_has_mode_0600(store_type, tmp_path, main_jdk):
    path = tmp_path / ('new.' + store_type)
    password = 'new-Store!pass'
    rc, result, proc = lib.run_module('keystore', {'path': str(path), 'password': password, 'store_type': store_type},
                                      check_mode=True)
    assert rc == 0 and result['changed'] is True, proc.stdout + proc.stderr
    assert not path.exists(), 'check mode created the store'
    rc, result, proc = lib.run_module('keystore', {'path': str(path), 'password': password, 'store_type': store_type},
                                      umask=0o022)
    assert rc == 0, proc.stdout + proc.stderr
    assert result['changed'] is True and result['entries'] == 0
    assert oct(os.stat(str(path)).st_mode & 0o7777) == oct(0o600)
    assert result['mode'] == '0600'
    proc, listing = lib.keytool_list(main_jdk, path, store_type, password)
    assert listing['type'] == lib.KEYTOOL_TYPES[store_type]
    assert listing['count'] == 0
    # a second run changes nothing
    rc, result, proc = lib.run_module('keystore', {'path': str(path), 'password': password, 'store_type': store_type})
    assert rc == 0 and result['changed'] is False, proc.stdout + proc.stderr


def test_new_store_with_explicit_mode(tmp_path):
    path = tmp_path / 'shared.p12'
    rc, result, proc = lib.run_module('keystore', {'path': str(path), 'password': 'new-Store!pass', 'mode': '0640'})
    assert rc == 0, proc.stdout + proc.stderr
    assert oct(os.stat(str(path)).st_mode & 0o7777) == oct(0o640)


def test_conversion_keeps_owner_and_mode(sources, tmp_path, main_jdk):
    src = sources['mixed_p12']
    path = tmp_path / 'store.p12'
    shutil.copyfile(str(src.path), str(path))
    if IS_ROOT:
        os.chown(str(path), *OWNER)
    os.chmod(str(path), 0o640)
    before = lib.file_state(path)
    rc, result, proc = lib.run_module('keystore', {'path': str(path), 'password': src.password, 'store_type': 'jks'})
    assert rc == 0, proc.stdout + proc.stderr
    after = lib.file_state(path)
    assert after['sha256'] != before['sha256']
    assert (after['uid'], after['gid'], after['mode']) == (before['uid'], before['gid'], before['mode'])
    assert path.read_bytes()[:4] == b'\xfe\xed\xfe\xed'
    assert lib.dir_listing(tmp_path) == ['store.p12']
