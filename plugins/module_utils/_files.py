# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""File safety in one place: read, lock, and the one atomic writer every module uses.

PRIVATE: this is not a public API of the collection and may change at any time.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import errno
import os
import re
import stat
import tempfile
import time
from typing import Callable, Iterator, List, Optional

from ansible_collections.javasec.keystore.plugins.module_utils._model import StoreFileError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None

# A temp file of write_atomic older than this is a leftover of a writer that was killed (kill -9, power loss):
# a live writer holds its file for the time of one fsync, and may hold keys since rotated out.
STALE_TEMP_SECONDS = 3600

# How long a task waits for the directory lock held by another writer before it fails (seconds).
LOCK_TIMEOUT = 60


def read_file(path: str, what: Optional[str] = None, name: Optional[str] = None) -> Optional[bytes]:
    """Return the bytes of path, or None when it does not exist; a FIFO, socket or device is refused.

    Opening a FIFO for reading blocks until a writer comes, with the directory lock held, and opening a
    device can act on it (a tape rewinds): a keystore, a PEM file or a CSR is a regular file, so nothing else
    is opened. what names the option of an input file (not a keystore) in the messages; name, when given, is
    the whole name of the file in them (a caller whose label holds the path already).
    """
    if name is None:
        name = path if what is None else '%s %s' % (what, path)
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return None
        raise StoreFileError('cannot read %s: %s' % (name, os.strerror(exc.errno or 0)))
    if stat.S_ISDIR(st.st_mode):
        raise StoreFileError('%s is a directory, not a %s' % (name, 'keystore file' if what is None else 'file'))
    if not stat.S_ISREG(st.st_mode):
        raise StoreFileError('%s is not a regular file (%s), so it is not opened' % (name, _file_kind(st.st_mode)))
    try:
        # O_NONBLOCK: should path become a FIFO after the check, opening it still returns at once
        fd = os.open(path, os.O_RDONLY | getattr(os, 'O_NONBLOCK', 0))
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return None
        raise StoreFileError('cannot read %s: %s' % (name, os.strerror(exc.errno or 0)))
    with os.fdopen(fd, 'rb') as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise StoreFileError('%s is not a regular file (%s), so it is not read' % (name, _file_kind(mode)))
        try:
            return handle.read()
        except (IOError, OSError) as exc:
            raise StoreFileError('cannot read %s: %s' % (name, os.strerror(exc.errno or 0)))


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, 'a FIFO'), (stat.S_ISSOCK, 'a socket'), (stat.S_ISCHR, 'a character device'),
                       (stat.S_ISBLK, 'a block device'), (stat.S_ISDIR, 'a directory')):
        if test(mode):
            return kind
    return 'not a file'


def write_target(path: str, follow: bool = True) -> str:
    """The file a write of path replaces: the file its symbolic link(s) lead to, or with follow=False path itself.

    keytool writes through a link, and distributions rely on it: Debian's and RHEL's JDK ship
    lib/security/cacerts as a link to the system's shared Java CA store, which replacing the link by a
    regular file would silently cut off from the OS CA updates. follow=False is the operator asking for
    exactly that (a JDK of its own): the link is replaced, whatever it leads to stays as it is. Links among
    the directories are resolved either way, so that every writer of one directory takes the same lock.
    """
    if follow:
        return os.path.realpath(path)
    path = os.path.abspath(path)
    return os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))


@contextlib.contextmanager
def locked(path: str, follow: bool = True) -> Iterator[None]:
    """Hold an exclusive advisory lock for a read-modify-write of path (of its target, when it is a link
    followed: see write_target).

    The lock is taken on the directory: the store file itself is replaced by rename, so a lock
    on its inode would not serialize writers, and a lock file would litter the directory.
    """
    directory = os.path.dirname(write_target(path, follow))
    if not os.path.isdir(directory):
        raise StoreFileError('directory %s does not exist' % directory)
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError as exc:
        raise StoreFileError('cannot lock %s: %s' % (directory, os.strerror(exc.errno or 0)))
    try:
        _lock(fd, directory, LOCK_TIMEOUT)
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def _lock(fd: int, directory: str, timeout: float) -> None:
    """flock fd, waiting at most timeout seconds: anyone who can open the directory can hold its flock,
    and a task must fail then, not hang forever."""
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except (IOError, OSError) as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise StoreFileError('cannot lock %s: %s' % (directory, os.strerror(exc.errno or 0)))
        left = deadline - time.monotonic()
        if left <= 0:
            raise StoreFileError(
                'the store is locked by another process: the lock on directory %s was not released within %d '
                'seconds (another task or process writing there, or one holding a flock on the directory)'
                % (directory, timeout))
        time.sleep(min(delay, left))
        delay = min(delay * 2, 0.5)


def write_atomic(path: str, data: bytes, move: Optional[Callable[[str, str], object]] = None,
                 follow: bool = True) -> None:
    """Write data next to path in a 0600 temp file, fsync it, then move it over path.

    A symbolic link is written through: the temp file goes beside the file it leads to and replaces that
    one, so the link stays (see write_target). With follow=False the temp file replaces the link itself.
    """
    path = write_target(path, follow)
    directory = os.path.dirname(path)
    remove_stale_temp_files(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
    except OSError as exc:
        raise StoreFileError('cannot write in %s: %s' % (directory, os.strerror(exc.errno or 0)))
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if move is None:
            os.replace(tmp, path)
        else:
            move(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def remove_file(path: str) -> bool:
    """Remove path the way rm does: a symbolic link goes, never the file it leads to (a distribution's shared
    CA store). Returns False when there was nothing to remove. Call it under locked(path, follow=False).
    """
    try:
        st = os.lstat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return False
        raise StoreFileError('cannot remove %s: %s' % (path, os.strerror(exc.errno or 0)))
    if stat.S_ISDIR(st.st_mode):
        raise StoreFileError('%s is a directory, not a keystore file' % path)
    try:
        os.unlink(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return False
        raise StoreFileError('cannot remove %s: %s' % (path, os.strerror(exc.errno or 0)))
    if not stat.S_ISLNK(st.st_mode):
        # a killed writer's copies of the removed store may hold its keys; those of a link's target stay with it
        remove_stale_temp_files(path)
    return True


def remove_stale_temp_files(path: str, max_age: float = STALE_TEMP_SECONDS) -> List[str]:
    """Remove the temp files write_atomic left beside path (a writer killed between mkstemp and rename).

    Only our own: the exact name mkstemp gives for path, a regular file (not a link) of this user, not changed
    for max_age seconds (so not one a writer without the lock is still writing). Returns the removed paths.
    """
    directory, name = os.path.split(path)
    # tempfile's names: prefix + 8 characters of 'abcdefghijklmnopqrstuvwxyz0123456789_' + suffix
    pattern = re.compile(r'\A\.%s\.[a-z0-9_]{8}\.tmp\Z' % re.escape(name))
    removed = []
    try:
        names = os.listdir(directory or '.')
    except OSError:
        return removed  # the write that follows reports an unusable directory
    deadline = time.time() - max_age
    for candidate in names:
        if not pattern.match(candidate):
            continue
        leftover = os.path.join(directory, candidate)
        try:
            st = os.lstat(leftover)
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and st.st_mtime < deadline:
                os.unlink(leftover)
                removed.append(leftover)
        except OSError:
            continue  # gone already, or not ours to remove: it never blocks the write
    return removed
