# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_files: symbolic links written through, non-regular files refused, lock timeout, stale temp files (issue 9)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import subprocess
import sys
import threading
import time

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _files as files
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.modules import trusted_cert
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import STORE_PASSWORD, der_of, pem_of

LOCK_HOLDER = '''
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
sys.stdout.write('locked\\n')
sys.stdout.flush()
sys.stdin.read()
'''


def _read(path):
    with open(path, 'rb') as handle:
        return handle.read()


@pytest.fixture
def debian_jdk(tmp_path):
    """Debian's layout: the JDK's lib/security/cacerts is a relative link to /etc/ssl/certs/java/cacerts."""
    shared = tmp_path / 'etc' / 'ssl' / 'certs' / 'java'
    security = tmp_path / 'usr' / 'lib' / 'jvm' / 'java-17' / 'lib' / 'security'
    shared.mkdir(parents=True)
    security.mkdir(parents=True)
    target = shared / 'cacerts'
    link = security / 'cacerts'
    os.symlink(os.path.relpath(str(target), str(security)), str(link))
    return str(link), str(target)


def test_write_atomic_writes_through_a_link(debian_jdk):
    link, target = debian_jdk
    files.write_atomic(link, b'first')  # a link to a file that does not exist yet: created where it leads
    files.write_atomic(link, b'second', move=os.rename)
    assert os.path.islink(link) and os.readlink(link).startswith('..')
    assert _read(target) == b'second'
    assert sorted(os.listdir(os.path.dirname(target))) == ['cacerts']
    assert sorted(os.listdir(os.path.dirname(link))) == ['cacerts']


def test_locked_locks_the_directory_of_the_target(debian_jdk):
    link, target = debian_jdk
    probe = [sys.executable, '-c', LOCK_HOLDER.replace('fcntl.LOCK_EX', 'fcntl.LOCK_EX | fcntl.LOCK_NB')]
    with files.locked(link):
        held = subprocess.run(probe + [os.path.dirname(target)], input='', universal_newlines=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        free = subprocess.run(probe + [os.path.dirname(link)], input='', universal_newlines=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    assert held.returncode != 0 and 'BlockingIOError' in held.stderr  # writers of the target are serialized
    assert free.returncode == 0 and free.stdout == 'locked\n'


@pytest.fixture
def run_trusted_cert(run_module):
    def runner(check_mode=False, **args):
        args.setdefault('password', STORE_PASSWORD)
        return run_module(trusted_cert, args, check_mode=check_mode)
    return runner


def test_trusted_cert_through_the_jdk_cacerts_link(run_trusted_cert, pki, debian_jdk):
    """The issue's case: a CA added on the JDK path reaches the shared store, and the link stays a link."""
    link, target = debian_jdk
    store = model.Keystore('pkcs12', 'modern')
    store.add(model.TrustedCertEntry('os-root', der_of(pki.other_root), 1))
    with open(target, 'wb') as handle:
        handle.write(codec.dump_bytes(store, STORE_PASSWORD))
    os.chmod(target, 0o644)

    bundle = pem_of(pki.root).decode('ascii')
    result = run_trusted_cert(path=link, bundle=bundle)
    assert result['changed'] is True, result
    assert os.path.islink(link)
    loaded = codec.load_bytes(_read(target), STORE_PASSWORD)
    fingerprints = sorted(certs.fingerprint(entry.cert) for entry in loaded.entries.values())
    assert fingerprints == sorted([certs.fingerprint(der_of(pki.root)), certs.fingerprint(der_of(pki.other_root))])
    assert os.stat(target).st_mode & 0o777 == 0o644  # the shared store keeps its mode
    assert run_trusted_cert(path=link, bundle=bundle)['changed'] is False
    # mode is applied to the target (a link's own mode cannot be set on Linux, so it would never settle)
    assert run_trusted_cert(path=link, bundle=bundle, mode='0640')['changed'] is True
    assert os.stat(target).st_mode & 0o777 == 0o640
    assert run_trusted_cert(path=link, bundle=bundle, mode='0640')['changed'] is False
    assert os.path.islink(link)


def test_stale_temp_files_removed_on_next_write(tmp_path):
    """A kill -9 between mkstemp and rename leaves .<name>.XXXXXXXX.tmp (perhaps with keys since rotated out)."""
    path = str(tmp_path / 'store.p12')
    old = time.time() - files.STALE_TEMP_SECONDS - 60
    leftovers = {
        '.store.p12.k3_x9a0q.tmp': old,   # ours and stale: removed
        '.store.p12.abcdefgh.tmp': time.time(),  # ours but fresh (a writer may hold it): kept
        '.store.p12.ABCDEFGH.tmp': old,   # not a name mkstemp makes: kept
        '.other.p12.k3_x9a0q.tmp': old,   # another file's: kept
        '.store.p12.k3_x9a0q.tmp.bak': old,
        'store.p12.k3_x9a0q.tmp': old,
    }
    for name, mtime in leftovers.items():
        (tmp_path / name).write_bytes(b'partial key material')
        os.utime(str(tmp_path / name), (mtime, mtime))
    os.symlink(str(tmp_path / 'store.p12.k3_x9a0q.tmp'), str(tmp_path / '.store.p12.linkxxxx.tmp'))
    os.utime(str(tmp_path / '.store.p12.linkxxxx.tmp'), (old, old), follow_symlinks=False)

    files.write_atomic(path, b'store')
    expected = sorted(set(leftovers) - {'.store.p12.k3_x9a0q.tmp'} | {'store.p12', '.store.p12.linkxxxx.tmp'})
    assert sorted(os.listdir(str(tmp_path))) == expected
    assert _read(path) == b'store'


def test_stale_temp_files_of_a_link_target_removed_beside_the_target(debian_jdk):
    link, target = debian_jdk
    leftover = os.path.join(os.path.dirname(target), '.cacerts.0a1b2c3d.tmp')
    with open(leftover, 'wb') as handle:
        handle.write(b'partial')
    os.utime(leftover, (0, 0))
    files.write_atomic(link, b'store')
    assert sorted(os.listdir(os.path.dirname(target))) == ['cacerts']


@pytest.fixture
def fifo(tmp_path):
    """A FIFO as store path; a watchdog ends a blocked open after 10 s so a regression fails, not hangs."""
    path = str(tmp_path / 'store.p12')
    os.mkfifo(path)
    done = threading.Event()

    def watchdog():
        if not done.wait(10):
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass

    thread = threading.Thread(target=watchdog)
    thread.start()
    yield path
    done.set()
    thread.join()


def test_read_file_refuses_a_fifo_without_opening_it(fifo):
    started = time.monotonic()
    with pytest.raises(model.StoreFileError, match=r'store\.p12 is not a regular file \(a FIFO\), so it is not opened'):
        files.read_file(fifo)
    assert time.monotonic() - started < 5


def test_read_file_refuses_a_device():
    with pytest.raises(model.StoreFileError, match='^/dev/null is not a regular file \\(a character device\\)'):
        files.read_file('/dev/null')


def test_read_file_missing_and_dangling_link(tmp_path):
    assert files.read_file(str(tmp_path / 'missing.p12')) is None
    os.symlink(str(tmp_path / 'nowhere'), str(tmp_path / 'dangling.p12'))
    assert files.read_file(str(tmp_path / 'dangling.p12')) is None


def test_trusted_cert_on_a_fifo_fails_clearly_and_releases_the_lock(run_trusted_cert, pki, fifo):
    started = time.monotonic()
    result = run_trusted_cert(path=fifo, bundle=pem_of(pki.root).decode('ascii'))
    assert time.monotonic() - started < 5
    assert result['failed'] is True and result['error_type'] == 'StoreFileError'
    assert result['msg'] == '%s is not a regular file (a FIFO), so it is not opened' % fifo
    with files.locked(fifo):  # released: taken again at once
        pass


def test_lock_timeout_says_the_store_is_locked(tmp_path, monkeypatch):
    path = str(tmp_path / 'store.p12')
    holder = subprocess.Popen([sys.executable, '-c', LOCK_HOLDER, str(tmp_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, universal_newlines=True)
    try:
        assert holder.stdout.readline() == 'locked\n'
        monkeypatch.setattr(files, 'LOCK_TIMEOUT', 1)
        started = time.monotonic()
        with pytest.raises(model.StoreFileError) as info:
            with files.locked(path):
                pytest.fail('the lock was taken while another process held it')  # pragma: no cover
        waited = time.monotonic() - started
        assert 1 <= waited < 4
        assert str(info.value) == (
            'the store is locked by another process: the lock on directory %s was not released within 1 seconds '
            '(another task or process writing there, or one holding a flock on the directory)' % tmp_path)
    finally:
        holder.communicate('')
    with files.locked(path):  # released by the holder: taken at once
        pass
    assert os.listdir(str(tmp_path)) == []


# ---- follow: false replaces the link; state=absent removes a link, never its target ---------------------


def _shared_store(pki, target):
    """The distribution's shared store at target (mode 0644), as a PKCS12 with one OS CA; returns its bytes."""
    store = model.Keystore('pkcs12', 'modern')
    store.add(model.TrustedCertEntry('os-root', der_of(pki.other_root), 1))
    data = codec.dump_bytes(store, STORE_PASSWORD)
    with open(target, 'wb') as handle:
        handle.write(data)
    os.chmod(target, 0o644)
    return data


def test_write_atomic_follow_false_replaces_the_link(debian_jdk):
    link, target = debian_jdk
    with open(target, 'wb') as handle:
        handle.write(b'shared')
    target_inode = os.stat(target).st_ino
    files.write_atomic(link, b'own', move=os.rename, follow=False)
    assert not os.path.islink(link) and _read(link) == b'own'
    assert _read(target) == b'shared' and os.stat(target).st_ino == target_inode
    assert sorted(os.listdir(os.path.dirname(target))) == ['cacerts']
    assert sorted(os.listdir(os.path.dirname(link))) == ['cacerts']


def test_write_target_follow_false_resolves_linked_directories_only(tmp_path):
    real = tmp_path / 'real'
    real.mkdir()
    os.symlink(str(real), str(tmp_path / 'alias'))
    os.symlink('elsewhere.p12', str(real / 'store.p12'))
    path = str(tmp_path / 'alias' / 'store.p12')
    assert files.write_target(path, follow=False) == str(real / 'store.p12')
    assert files.write_target(path) == str(real / 'elsewhere.p12')


def test_locked_follow_false_locks_the_directory_of_the_link(debian_jdk):
    link, target = debian_jdk
    probe = [sys.executable, '-c', LOCK_HOLDER.replace('fcntl.LOCK_EX', 'fcntl.LOCK_EX | fcntl.LOCK_NB')]
    with files.locked(link, follow=False):
        held = subprocess.run(probe + [os.path.dirname(link)], input='', universal_newlines=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        free = subprocess.run(probe + [os.path.dirname(target)], input='', universal_newlines=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    assert held.returncode != 0 and 'BlockingIOError' in held.stderr
    assert free.returncode == 0 and free.stdout == 'locked\n'


def test_trusted_cert_follow_false_gives_the_jdk_a_store_of_its_own(run_trusted_cert, pki, debian_jdk):
    link, target = debian_jdk
    shared = _shared_store(pki, target)
    bundle = pem_of(pki.root).decode('ascii')
    result = run_trusted_cert(path=link, bundle=bundle, follow=False)
    assert result['changed'] is True, result
    assert not os.path.islink(link)
    assert _read(target) == shared  # the distribution's store did not get the CA
    loaded = codec.load_bytes(_read(link), STORE_PASSWORD)
    assert sorted(certs.fingerprint(entry.cert) for entry in loaded.entries.values()) == sorted(
        [certs.fingerprint(der_of(pki.root)), certs.fingerprint(der_of(pki.other_root))])
    assert os.stat(link).st_mode & 0o777 == 0o644  # the mode of the store it replaces
    assert run_trusted_cert(path=link, bundle=bundle, follow=False)['changed'] is False
    assert sorted(os.listdir(os.path.dirname(link))) == ['cacerts']


def test_trusted_cert_follow_false_replaces_the_link_when_nothing_else_changes(run_trusted_cert, pki, debian_jdk):
    """The CA is in the shared store already: the link still becomes a file of its own (same bytes)."""
    link, target = debian_jdk
    shared = _shared_store(pki, target)
    bundle = pem_of(pki.other_root).decode('ascii')
    assert run_trusted_cert(path=link, bundle=bundle)['changed'] is False  # follow: true, the default
    assert os.path.islink(link)
    result = run_trusted_cert(path=link, bundle=bundle, follow=False, check_mode=True)
    assert result['changed'] is True and os.path.islink(link)
    result = run_trusted_cert(path=link, bundle=bundle, follow=False)
    assert result['changed'] is True
    assert not os.path.islink(link) and _read(link) == shared and _read(target) == shared
    assert run_trusted_cert(path=link, bundle=bundle, follow=False)['changed'] is False


def test_remove_file_removes_a_link_never_its_target(debian_jdk, tmp_path):
    link, target = debian_jdk
    with open(target, 'wb') as handle:
        handle.write(b'shared')
    assert files.remove_file(link) is True
    assert not os.path.lexists(link) and _read(target) == b'shared'
    assert files.remove_file(link) is False
    os.symlink(str(tmp_path / 'nowhere'), link)  # a dangling link is removed too
    assert files.remove_file(link) is True and not os.path.lexists(link)


def test_remove_file_removes_stale_temp_copies_of_the_store(tmp_path):
    path = str(tmp_path / 'store.p12')
    for name in ('store.p12', '.store.p12.k3_x9a0q.tmp'):
        (tmp_path / name).write_bytes(b'keys')
    os.utime(str(tmp_path / '.store.p12.k3_x9a0q.tmp'), (0, 0))
    assert files.remove_file(path) is True
    assert os.listdir(str(tmp_path)) == []


def test_remove_file_errors_are_store_file_errors(tmp_path, monkeypatch):
    with pytest.raises(model.StoreFileError, match='^%s is a directory, not a keystore file$' % tmp_path):
        files.remove_file(str(tmp_path))
    path = str(tmp_path / 'store.p12')
    (tmp_path / 'store.p12').write_bytes(b'keys')

    def read_only(name):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), name)
    monkeypatch.setattr(os, 'unlink', read_only)
    with pytest.raises(model.StoreFileError, match='^cannot remove %s: Read-only file system$' % path):
        files.remove_file(path)
    monkeypatch.undo()
    assert _read(path) == b'keys'


def test_locked_on_an_unreadable_directory_is_a_store_file_error(tmp_path, monkeypatch):
    real_open = os.open

    def denied(name, flags, *args):
        if name == str(tmp_path):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), name)
        return real_open(name, flags, *args)
    monkeypatch.setattr(os, 'open', denied)
    with pytest.raises(model.StoreFileError, match='^cannot lock %s: Permission denied$' % tmp_path):
        with files.locked(str(tmp_path / 'store.p12')):
            pytest.fail('locked without a lock')  # pragma: no cover
