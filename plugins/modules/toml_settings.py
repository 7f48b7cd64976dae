#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: toml_settings
short_description: Set or remove keys of tables in a TOML file (such as WSO2's deployment.toml), keeping everything else
version_added: 0.1.0
description:
  - Sets the keys of the named tables of a TOML file on the managed node, or removes tables or keys, and leaves
    every other line of the file as it is - other tables, keys, comments, blank lines, quoting and order.
  - A key that exists is changed in place (its trailing comment is kept); a new key is added after the last key of
    its table; a new table is added after the last table that shares its name's prefix (V(keystore.tls) after
    V([keystore.primary])), or at the end of the file. Comment lines that introduce the next table stay in front
    of that table.
  - Made for WSO2's C(deployment.toml) - V([keystore.primary]), V([keystore.tls]), V([keystore.internal]),
    V([truststore]) - but works with any TOML file.
  - A value that is a WSO2 secure vault reference (V($secret{alias})) is left alone unless
    O(replace_secret_refs=true), so that a vault-protected password is not overwritten by a plain one.
  - The file must be valid TOML before the task (the error names the line and column when it is not), and the
    result is read back and compared with the intended settings before it is written; the file is never left
    half-written or invalid.
  - The file is edited on the controller (with tomlkit, as M(ansible.builtin.template) renders there) and written
    back by the module on the managed node, which needs nothing but Python. When another task changes the file
    between the read and the write, the write is refused and the task edits the new content, so that no change
    is lost.
  - Passwords are never returned or shown - see O(tables) and the diff_mode attribute.
extends_documentation_fragment:
  - ansible.builtin.files
  - javasec.keystore.attributes
  - javasec.keystore.attributes.action
  - javasec.keystore.attributes.files
  - javasec.keystore.attributes.idempotent
options:
  path:
    description:
      - Path of the TOML file on the managed node.
    type: path
    required: true
    aliases: [dest]
  tables:
    description:
      - The tables to change, by name, each with the keys to set (O(state=present)) or remove (O(state=absent)).
      - A table name is written as in a TOML header without the brackets - V(keystore.primary), V(server),
        V(transport.https.properties), V(a."dotted.part").
      - With O(state=present) each value is a string, an integer, a float, a boolean or a list of those. A table
        that does not exist is created. An empty dictionary sets nothing; use it to read a table through
        RV(tables).
      - With O(state=absent) the keys named are removed (their values are ignored), and a table given with an
        empty dictionary is removed as a whole, with its sub-tables.
      - Marked C(no_log) so that Ansible does not log the arguments. Only values of password-like keys (see
        notes) stay hidden in the task's output; the other values are shown, in RV(tables), the diff and the
        arguments echoed with C(-vvv). Take passwords from Ansible Vault, not from plain variables.
    type: dict
    required: true
  state:
    description:
      - V(present) sets the keys of O(tables); V(absent) removes them (or the whole tables).
    type: str
    choices: [present, absent]
    default: present
  replace_secret_refs:
    description:
      - Replace a value that is a WSO2 secure vault reference (a string like V($secret{keystore_password})).
      - With V(false) such values are kept and reported in RV(secret_refs_kept).
    type: bool
    default: false
  create:
    description:
      - Create the file when it does not exist (with O(state=present)). With V(false) a missing file makes the
        task fail. A missing file with O(state=absent) is no change.
    type: bool
    default: false
  backup:
    description:
      - Create a backup file including the timestamp information so you can get the original file back if you
        somehow clobbered it incorrectly.
    type: bool
    default: false
  _op:
    description:
      - Internal, set by the action plugin of this module; do not set it. V(read) returns the file, V(write)
        writes O(_content) if the file still has the SHA-256 O(_sha256).
    type: str
    choices: [read, write]
  _content:
    description:
      - Internal, set by the action plugin of this module; do not set it. The new content, base64-encoded.
    type: str
  _sha256:
    description:
      - Internal, set by the action plugin of this module; do not set it. SHA-256 (hex) of the content the
        controller edited; empty when the file did not exist.
    type: str
notes:
  - Password-like keys are those whose name contains C(pass), C(pwd), C(secret), C(token), C(credential) or
    C(private) (case-insensitive), and every key of a table named C(secrets) (WSO2 secure vault). Their values
    are shown as C(********) in the diff and in RV(tables) (C(******** (changed)) in the after-text of the diff
    when the task changes them); secure vault references such as C($secret{alias}) are shown, since they hold no
    secret.
  - Ansible also hides every occurrence of the values of those keys given in O(tables) anywhere in the task's
    output; with a weak password such as V(wso2carbon) this hides parts of other values too (V(wso2carbon.jks)
    shows as C(********.jks)).
  - TOML files are read and written as UTF-8.
  - A file the task creates gets mode C(0600) unless O(mode) says otherwise (it usually holds passwords); an
    existing file keeps its mode, owner and group unless O(mode), O(owner) or O(group) are given.
requirements:
  - tomlkit >= 0.11.1 on the controller (in the Python that runs Ansible, or in the execution environment); the
    managed node needs nothing but Python.
attributes:
  action:
    support: full
    details:
      - The file is read from the managed node, edited on the controller and written back on the node.
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff is the text of the file before and after, with the values of password-like keys masked.
  safe_file_operations:
    support: full
    details:
      - The new text is written to a temporary file in the same directory, synced, and moved over the old file,
        under an advisory lock on the directory.
  idempotent:
    support: full
seealso:
  - module: community.general.ini_file
  - module: javasec.keystore.key_entry
author:
  - javasec.keystore contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Point WSO2 API Manager at its new keystore
  javasec.keystore.toml_settings:
    path: /opt/wso2am/repository/conf/deployment.toml
    tables:
      keystore.primary:
        file_name: wso2carbon.jks
        type: JKS
        password: "{{ vault_wso2_keystore_password }}"
        alias: wso2carbon
        key_password: "{{ vault_wso2_keystore_password }}"
      truststore:
        file_name: client-truststore.jks
        type: JKS
        password: "{{ vault_wso2_truststore_password }}"
    backup: true

- name: Tune the HTTPS transport (other settings of the file are kept)
  javasec.keystore.toml_settings:
    path: /opt/wso2is/repository/conf/deployment.toml
    tables:
      transport.https.properties:
        maxThreads: 400
        compression: "on"
      server:
        hostname: "{{ ansible_facts['fqdn'] }}"

- name: Drop the separate TLS keystore (WSO2 then uses the primary one)
  javasec.keystore.toml_settings:
    path: /opt/wso2am/repository/conf/deployment.toml
    state: absent
    tables:
      keystore.tls: {}

- name: Read the internal keystore settings (passwords come back masked)
  javasec.keystore.toml_settings:
    path: /opt/wso2am/repository/conf/deployment.toml
    tables:
      keystore.internal: {}
  check_mode: true
  register: internal
'''

RETURN = r'''
path:
  description: Path of the file.
  returned: always
  type: str
  sample: /opt/wso2am/repository/conf/deployment.toml
changes:
  description:
    - What was (or in check mode would be) changed, one item per key or table - never with values.
  returned: always
  type: list
  elements: dict
  contains:
    table:
      description: Name of the table.
      type: str
      sample: keystore.primary
    key:
      description: The key; null for a table as a whole.
      type: str
      sample: alias
    action:
      description: V(added), V(updated) or V(removed).
      type: str
      sample: updated
  sample: [{table: keystore.primary, key: alias, action: updated}, {table: keystore.tls, key: null, action: added}]
secret_refs_kept:
  description: Keys (V(table.key)) whose secure vault reference was kept although O(tables) gave another value.
  returned: always
  type: list
  elements: str
  sample: [keystore.primary.password]
tables:
  description:
    - The tables named in O(tables) as they are after the task (in check mode - as they would be), by name, with
      every value of a password-like key masked; null for a table that does not exist.
  returned: always
  type: dict
  sample: {keystore.primary: {file_name: wso2carbon.jks, type: JKS, password: "********", alias: wso2carbon}}
created:
  description: Whether the task created the file.
  returned: always
  type: bool
  sample: false
backup_file:
  description: Name of the backup file that was created.
  returned: changed and if O(backup) is V(true)
  type: str
  sample: /opt/wso2am/repository/conf/deployment.toml.12345.2024-01-01@12:00:00~
'''

import base64
import errno
import hashlib
import os
import stat

from ansible.module_utils.basic import AnsibleModule


def argument_spec():
    return dict(
        path=dict(type='path', required=True, aliases=['dest']),
        tables=dict(type='dict', required=True, no_log=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        replace_secret_refs=dict(type='bool', default=False),
        create=dict(type='bool', default=False),
        backup=dict(type='bool', default=False),
        _op=dict(type='str', choices=['read', 'write']),
        _content=dict(type='str', no_log=True),
        _sha256=dict(type='str'),
    )


def current_bytes(module, path):
    """The bytes of the file, or None when it does not exist; fails on anything but a regular file."""
    try:
        st = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return None
        module.fail_json(msg='cannot read %s: %s' % (path, os.strerror(exc.errno or 0)))
    if not stat.S_ISREG(st.st_mode):
        module.fail_json(msg='%s is not a regular file' % path)
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        module.fail_json(msg='cannot read %s: %s' % (path, os.strerror(exc.errno or 0)))


def digest(data):
    return hashlib.sha256(data).hexdigest() if data is not None else None


def attribute_arguments(module, path):
    """mode, owner, group ... for the file the content is written to: through a symbolic link, its target.

    Without a follow option Ansible works on a link itself: chmod goes through it and lchown/mode checks read the
    link's 0777, so a mode was never applied to the target and the task reported changed on every run.
    """
    from ansible_collections.javasec.keystore.plugins.module_utils import _files as files
    return module.load_file_common_arguments(module.params, path=files.write_target(path))


def file_state(module, path, data):
    """What the action edits: the content (None: no file) and its SHA-256, and whether mode, owner,
    ... would change."""
    attributes_changed = False
    if data is not None:
        # Asked in check mode, so that a task that changes nothing needs this one round trip.
        check_mode, module.check_mode = module.check_mode, True
        try:
            attributes_changed = module.set_fs_attributes_if_different(attribute_arguments(module, path), False)
        finally:
            module.check_mode = check_mode
    return dict(exists=data is not None, sha256=digest(data), attributes_changed=attributes_changed,
                content=base64.b64encode(data).decode('ascii') if data is not None else None)


def read(module, path):
    module.exit_json(changed=False, path=path, **file_state(module, path, current_bytes(module, path)))


def write(module, path):
    # Imported here: the engine imports cryptography, which a read (every run of the task) does not need.
    from ansible_collections.javasec.keystore.plugins.module_utils import _files as files
    from ansible_collections.javasec.keystore.plugins.module_utils import _model as model

    params = module.params
    result = {'changed': False, 'path': path, 'created': False}
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        module.fail_json(msg='the folder %s of %s does not exist' % (directory, path), **result)
    try:
        with files.locked(path):
            if params['_content'] is not None:
                data = current_bytes(module, path)
                # The controller edited what it read: if another task wrote the file since, its
                # change would be lost. The action edits again what the file holds now.
                if digest(data) != (params['_sha256'] or None):
                    result.update(file_state(module, path, data), conflict=True)
                    module.exit_json(**result)
                if not module.check_mode:
                    if data is not None and params['backup']:
                        result['backup_file'] = module.backup_local(path)
                    # A new file keeps the 0600 mode of its temp file (it holds passwords; atomic_move
                    # would apply the umask); an existing one keeps owner, mode and SELinux context.
                    files.write_atomic(path, base64.b64decode(params['_content']),
                                       move=module.atomic_move if data is not None else os.rename)
                result.update(changed=True, created=data is None)
            if os.path.exists(path):
                result['changed'] = module.set_fs_attributes_if_different(
                    attribute_arguments(module, path), result['changed'])
    except model.StoreFileError as exc:
        module.fail_json(msg=str(exc), **result)
    except OSError as exc:
        module.fail_json(msg='cannot write %s: %s' % (path, os.strerror(exc.errno or 0)), **result)
    module.exit_json(**result)


def main():
    module = AnsibleModule(argument_spec=argument_spec(), add_file_common_args=True, supports_check_mode=True)
    if module.params['_op'] is None:
        module.fail_json(msg='javasec.keystore.toml_settings edits the file through its action plugin, on the '
                             'controller; it cannot run as a module alone')
    if module.params['_op'] == 'read':
        read(module, module.params['path'])
    write(module, module.params['path'])


if __name__ == '__main__':
    main()
