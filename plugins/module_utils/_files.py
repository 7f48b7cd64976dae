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
import tempfile
from typing import Callable, Iterator, Optional

from ansible_collections.javasec.keystore.plugins.module_utils._model import StoreFileError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None


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
