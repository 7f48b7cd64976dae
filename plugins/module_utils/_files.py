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


def read_file(path: str) -> Optional[bytes]:
    """Return the bytes of path, or None when it does not exist."""
    if os.path.isdir(path):
        raise StoreFileError('%s is a directory, not a keystore file' % path)
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except IOError as exc:
        if exc.errno == errno.ENOENT:
            return None
        raise StoreFileError('cannot read %s: %s' % (path, os.strerror(exc.errno or 0)))


def write_target(path: str) -> str:
    """The file a write of path replaces: path itself, or the file its symbolic link(s) lead to.

    keytool writes through a link, and distributions rely on it: Debian's and RHEL's JDK ship
    lib/security/cacerts as a link to the system's shared Java CA store, which replacing the link by a
    regular file would silently cut off from the OS CA updates.
    """
    return os.path.realpath(path)


@contextlib.contextmanager
def locked(path: str) -> Iterator[None]:
    """Hold an exclusive advisory lock for a read-modify-write of path (of its target, when it is a link).

    The lock is taken on the directory: the store file itself is replaced by rename, so a lock
    on its inode would not serialize writers, and a lock file would litter the directory.
    """
    directory = os.path.dirname(write_target(path))
    if not os.path.isdir(directory):
        raise StoreFileError('directory %s does not exist' % directory)
    if fcntl is None:
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def write_atomic(path: str, data: bytes, move: Optional[Callable[[str, str], object]] = None) -> None:
    """Write data next to path in a 0600 temp file, fsync it, then move it over path.

    A symbolic link is written through: the temp file goes beside the file it leads to and replaces that
    one, so the link stays (see write_target).
    """
    path = write_target(path)
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
