# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Ansible glue, the only engine file that knows AnsibleModule: argument specs, the one dependency check,
the one error boundary, and the sessions every module opens stores through (read-only, or locked read-write)
plus the writer of public files (CSRs, exported certificates).

PRIVATE: this is not a public API of the collection and may change at any time.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import sys
from typing import TypeVar

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _files as files
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model

KeystoreErrorT = TypeVar('KeystoreErrorT', bound=model.KeystoreError)


def store_argument_spec():
    """Options of every module that opens a keystore (doc fragment javasec.keystore.keystore)."""
    return dict(
        # aliases: the names of community.general's java_cert/java_keystore (docs/migrating.md)
        path=dict(type='path', required=True, aliases=['keystore_path']),
        password=dict(type='str', required=True, no_log=True, aliases=['keystore_pass']),
        key_passwords=dict(type='dict', default={}, no_log=True),
    )


def write_argument_spec():
    """Options of modules that write a keystore (doc fragment javasec.keystore.keystore.write)."""
    spec = store_argument_spec()
    spec.update(
        pkcs12_encryption=dict(type='str', choices=['modern', 'legacy']),
        backup=dict(type='bool', default=False),
    )
    spec.update(follow_argument_spec())
    return spec


def follow_argument_spec():
    """follow, of every module that writes a file (a store: in write_argument_spec; a dest: doc fragment
    javasec.keystore.keystore.dest). True writes through a symbolic link, False replaces the link."""
    # ansible.builtin.file's name and default (copy and template default to false, which would cut
    # Debian's and RHEL's JDK cacerts link off the OS CA store: see files.write_target)
    return dict(follow=dict(type='bool', default=True))


def check_libraries(module):
    """The one dependency check: fail with one clear message when cryptography is missing or older than
    the collection needs on the managed node (JKS and JCEKS need nothing else: _jks.py is ours)."""
    problem = support.dependency_problem()
    if problem is not None:
        message, exception = problem
        if exception is not None:
            module.fail_json(msg=missing_required_lib('cryptography >= %s' % support.MINIMUM_VERSION),
                             exception=exception)
        module.fail_json(msg='%s (Python %s on the managed node)' % (message, sys.executable),
                         cryptography_version=support.CRYPTOGRAPHY_VERSION)


def read_target_file(module, path, what):
    """Bytes of a file on the managed node named by option what; a clear failure otherwise.

    Read by files.read_file, so a FIFO or a device given as a certificate or CSR is refused, not opened
    (a FIFO would hang the task).
    """
    try:
        data = files.read_file(path, what)
    except model.KeystoreError as exc:
        fail(module, exc)
    if data is None:
        fail(module, 'cannot read %s %s: %s' % (what, path, os.strerror(errno.ENOENT)))
    return data


def fail(module, error, **result):
    """The one error boundary: one clear message, and error_type for engine errors (never a secret)."""
    if isinstance(error, model.KeystoreError):
        result['error_type'] = type(error).__name__
    module.fail_json(msg=str(error), **result)


def located(path: str, error: KeystoreErrorT) -> KeystoreErrorT:
    """The same error, of the same type, with the file it is about in front of its message (once)."""
    if str(error).startswith(path):
        return error
    return type(error)('%s: %s' % (path, error))


class ReadSession:
    """A store opened read-only (csr, cert_export, sign_csr): no lock, since writers replace stores by rename.

    Every failure ends the task through fail() with the store's path in the message.
    """

    def __init__(self, module, path=None, password=None, key_passwords=None):
        self.module = module
        self.path = path or module.params['path']
        self.password = password if password is not None else module.params['password']
        self.key_passwords = key_passwords if key_passwords is not None else module.params.get('key_passwords') or {}

    def load(self, missing_ok=False):
        """The keystore; an unreadable store fails the task, a missing one too unless missing_ok (then None)."""
        check_libraries(self.module)
        try:
            data = files.read_file(self.path)
            if data is None:
                if missing_ok:
                    return None
                raise model.StoreFileError('the keystore does not exist')
            return codec.load_bytes(data, self.password, self.key_passwords)
        except model.KeystoreError as exc:
            fail(self.module, located(self.path, exc))

    def entry(self, store, alias, kinds):
        """The entry of alias, which must be one of kinds (entry classes); else a clear error."""
        entry = store.get(alias)
        if entry is None:
            others = ', '.join(store.aliases()) or 'none'
            fail(self.module, located(self.path, model.KeystoreError(
                'alias "%s" does not exist in the keystore (aliases: %s)' % (alias, others))))
        if not isinstance(entry, kinds):
            wanted = ' or '.join(k.kind.replace('_', ' ') + ' entry' for k in kinds)
            fail(self.module, located(self.path, model.KeystoreError(
                'alias "%s" is a %s entry, not a %s' % (entry.alias, entry.kind.replace('_', ' '), wanted))))
        return entry

    def private_key(self, entry):
        """PKCS#8 DER of the entry's private key; fails naming the alias when no given password opens it."""
        if entry.key_der is not None:
            return entry.key_der
        # The codec already tried the key_passwords given for this alias (a wrong one fails load()),
        # so a key still sealed here is one whose password the task did not give.
        fail(self.module, located(self.path, model.WrongKeyPasswordError(
            'the private key of alias "%s" is protected by a password other than the keystore password; give it '
            'in key_passwords (key_passwords: {"%s": ...})' % (entry.alias, entry.alias))))


class PublicFile:
    """A file of public data a module writes (a CSR, an exported certificate): read, atomic write, attributes.

    Goes through the same writer as the keystores (temp file beside it, fsync, rename) so a crash never
    leaves half a file; a file this task creates gets mode 0644 unless mode is set.
    """

    def __init__(self, module, path, option='dest'):
        self.module = module
        self.path = path
        self.option = option
        self.follow = module.params.get('follow', True)
        self.data = None

    def read(self):
        """Bytes of the file, None when it does not exist; fails when it is a directory or has no directory."""
        directory = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(directory):
            fail(self.module, model.StoreFileError('directory %s of %s does not exist' % (directory, self.option)))
        if os.path.isdir(self.path):
            fail(self.module, model.StoreFileError('%s %s is a directory' % (self.option, self.path)))
        try:
            self.data = files.read_file(self.path)
        except model.KeystoreError as exc:
            fail(self.module, exc)
        return self.data

    def write(self, data, result):
        """Write data (not in check mode), with backup when asked; sets result['changed']."""
        module = self.module
        if not module.check_mode:
            if self.data is not None and module.params.get('backup'):
                result['backup_file'] = module.backup_local(self.path)
            try:
                files.write_atomic(self.path, data, move=module.atomic_move, follow=self.follow)
            except model.KeystoreError as exc:
                fail(module, exc)
            self.data = data
        result['changed'] = True

    def apply_attributes(self, result, created):
        if _link_to_replace(self.path, self.follow, self.data):
            self.write(self.data, result)
        # owner and mode belong to the file a link leads to (written through, see files.write_target), or
        # to the file that replaced the link
        file_args = self.module.load_file_common_arguments(self.module.params, path=files.write_target(self.path))
        if file_args.get('mode') is None and created:
            file_args['mode'] = '0644'
        if self.module.check_mode and not os.path.exists(self.path):
            return
        result['changed'] = self.module.set_fs_attributes_if_different(file_args, result.get('changed', False))


class StoreSession:
    """Read a store under the directory lock, let the caller change it, write it back safely.

    Use as a context manager; the lock is held until the block ends, also when fail_json exits.
    """

    def __init__(self, module, path=None, password=None, key_passwords=None):
        self.module = module
        self.path = path or module.params['path']
        self.password = password if password is not None else module.params['password']
        self.key_passwords = key_passwords if key_passwords is not None else module.params.get('key_passwords')
        self.follow = module.params.get('follow', True)
        self.data = None
        self.store = None
        self._lock = None

    def __enter__(self):
        check_libraries(self.module)
        if self.module.check_mode and not os.path.isdir(os.path.dirname(os.path.abspath(self.path))):
            # Check mode previews a first deployment, whose earlier tasks would create the directory:
            # nothing to lock or read, the store is new (data None); writes are skipped in check mode.
            return self
        try:
            self._lock = files.locked(self.path, self.follow)
            self._lock.__enter__()
            self.data = files.read_file(self.path)
        except model.KeystoreError as exc:
            self._release()
            fail(self.module, exc)
        return self

    def __exit__(self, *exc_info):
        self._release()
        return False

    def _release(self):
        if self._lock is not None:
            lock, self._lock = self._lock, None
            lock.__exit__(None, None, None)

    @property
    def exists(self):
        return self.data is not None

    def detected_type(self):
        return codec.detect_type(self.data) if self.data else None

    def load(self, password=None):
        """Parse the file (None when missing); engine errors end the task with a clear message."""
        if self.data is None:
            return None
        try:
            self.store = codec.load_bytes(self.data, password or self.password, self.key_passwords)
        except model.KeystoreError as exc:
            fail(self.module, located(self.path, exc))
        return self.store

    def serialize(self, store, password=None, store_type=None, encryption=None):
        try:
            return codec.dump_bytes(store, password or self.password, store_type, encryption)
        except model.KeystoreError as exc:
            fail(self.module, located(self.path, exc))

    def write(self, data, result):
        """Write data (unless check mode), with backup and file attributes; update result."""
        module = self.module
        if not module.check_mode:
            if self.exists and module.params.get('backup'):
                result['backup_file'] = module.backup_local(self.path)
            try:
                # A new store keeps the 0600 mode of its temp file (atomic_move would apply the umask);
                # an existing one keeps its owner, mode and SELinux context through atomic_move.
                files.write_atomic(self.path, data, move=module.atomic_move if self.exists else os.rename,
                                   follow=self.follow)
            except model.KeystoreError as exc:
                fail(module, exc)
            self.data = data
        result['changed'] = True

    def apply_file_attributes(self, result, created=False):
        """Owner, group, mode... of the store; a store we create defaults to mode 0600."""
        module = self.module
        if _link_to_replace(self.path, self.follow, self.data):
            self.write(self.data, result)
        # owner and mode belong to the file a link leads to (written through, see files.write_target), or
        # to the file that replaced the link
        file_args = module.load_file_common_arguments(module.params, path=files.write_target(self.path))
        if file_args.get('mode') is None and created:
            file_args['mode'] = '0600'
        if module.check_mode and not os.path.exists(self.path):
            return
        result['changed'] = module.set_fs_attributes_if_different(file_args, result.get('changed', False))


def _link_to_replace(path, follow, data):
    """With follow=false a link to an existing file is replaced by a regular file of the same bytes, also when
    the task changes nothing else: the operator asked for a file of its own, and a link that stayed until the
    content differs would keep following the shared file's updates until then."""
    return not follow and data is not None and os.path.islink(path)


def entry_argument_spec():
    """Options of modules that change entries of a store they may create (store_type for a new store)."""
    spec = write_argument_spec()
    spec.update(store_type=dict(type='str', choices=['jks', 'pkcs12']))
    return spec


def load_or_create(module, session):
    """The store of the session, or a new empty one of store_type (default pkcs12). Returns (store, created)."""
    params = module.params
    store = session.load()
    if store is None:
        return model.Keystore(params.get('store_type') or 'pkcs12', params.get('pkcs12_encryption') or 'modern'), True
    if params.get('store_type') and params['store_type'] != store.store_type:
        fail(module, '%s is a %s store, not %s; convert it first with javasec.keystore.keystore (store_type: %s)'
             % (session.path, store.store_type.upper(), params['store_type'].upper(), params['store_type']))
    if store.store_type == 'jceks':
        fail(module, '%s is a JCEKS store, which cannot be written; convert it first with javasec.keystore.keystore '
                     '(store_type: pkcs12)' % session.path)
    return store, False


def save_if_changed(module, session, before, store, changed, created, result):
    """Write the store when something changed (or an option such as pkcs12_encryption asks for it).

    before is certs.summary() of the store taken before it was changed ({} for a new store).
    """
    encryption = module.params.get('pkcs12_encryption') or store.encryption
    if store.store_type == 'pkcs12' and not created and encryption != store.encryption:
        changed = True
    if changed or created:
        session.write(session.serialize(store, encryption=encryption), result)
        store.encryption = encryption
        if module._diff:
            result['diff'] = {'before': before, 'after': certs.summary(store)}
    session.apply_file_attributes(result, created=created)
    return result
