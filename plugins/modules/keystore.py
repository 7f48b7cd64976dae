#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: keystore
short_description: Create, convert, re-protect or remove a Java keystore (JKS or PKCS12) as a whole
version_added: 0.1.0
description:
  - Makes sure a keystore file exists (empty when new) or is absent.
  - Converts an existing store between JKS and PKCS12 without losing any entry - keys with their full
    chains, trusted certificates, secret keys and creation dates survive.
  - Changes the store password, re-protecting every key that the store password protected.
  - Works in pure Python; keytool is not needed on the managed node.
extends_documentation_fragment:
  - ansible.builtin.files
  - javasec.keystore.keystore
  - javasec.keystore.keystore.write
  - javasec.keystore.attributes
  - javasec.keystore.attributes.files
  - javasec.keystore.attributes.idempotent
  - javasec.keystore.attributes.store
options:
  password:
    description:
      - The keystore password. It also protects every key entry that has no password of its own.
      - Required when O(state=present); not used when O(state=absent).
      - Never logged, never returned.
    type: str
    required: false
  state:
    description:
      - V(present) creates an empty store when the file does not exist and leaves the entries of an
        existing store alone.
      - V(absent) removes the file the way C(rm) and O(ansible.builtin.file#module:state=absent) do - when O(path)
        is a symbolic link, the link is removed and the file it leads to (the distribution's shared CA store of a
        JDK's C(cacerts)) is left untouched, whatever O(follow) says.
    type: str
    choices: [present, absent]
    default: present
  store_type:
    description:
      - Type of the store. A new store is V(pkcs12) unless set.
      - An existing store of another type is converted losslessly. JKS key entries protected by their
        own password need that password in O(key_passwords); they are re-protected by the store password,
        since PKCS12 has one password for the whole store.
      - JCEKS stores can be read and converted, not written.
      - When not set, an existing store keeps its type.
    type: str
    aliases: [keystore_type]
    choices: [jks, pkcs12]
  new_password:
    description:
      - Change the store password to this one. Every key protected by the old store password is
        re-protected by the new one; JKS keys with their own password keep it.
      - Idempotent - when the store already opens with O(new_password), nothing changes.
      - For a PKCS12 store it must be printable ASCII (V(0x20) to V(0x7E)) like every PKCS12 password, since Java
        cannot open a PKCS12 store whose password holds a control character (a trailing newline, a tab) or a
        non-ASCII character; the task fails and the file is left untouched.
    type: str
  force:
    description:
      - Replace a store that cannot be read (wrong password, corrupt, not a keystore) by a new empty one.
      - Without it such a store makes the task fail and the file is left untouched.
      - The replaced file is always kept as a backup beside it (as O(backup=true) names it), whose name is
        returned in RV(backup_file), so that a mistyped password does not cost the entries of a store that was fine.
    type: bool
    default: false
  mode:
    description:
      - A store created by this module gets mode V(0600) unless O(mode) is set. An existing store keeps its
        mode unless O(mode) is set.
seealso:
  - module: javasec.keystore.keystore_info
author:
  - javasec.keystore contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Create an empty PKCS12 keystore (mode 0600)
  javasec.keystore.keystore:
    path: /opt/app/conf/keystore.p12
    password: "{{ keystore_password }}"

- name: Convert WSO2's JKS keystore to PKCS12, keeping every entry
  javasec.keystore.keystore:
    path: /opt/wso2/repository/resources/security/wso2carbon.jks
    password: "{{ keystore_password }}"
    store_type: pkcs12
    backup: true

- name: Rotate the store password (also idempotent on the next run)
  javasec.keystore.keystore:
    path: /opt/app/conf/keystore.p12
    password: "{{ old_keystore_password }}"
    new_password: "{{ keystore_password }}"

- name: Write PKCS12 that Java 8 can read
  javasec.keystore.keystore:
    path: /opt/legacy/truststore.p12
    password: "{{ truststore_password }}"
    pkcs12_encryption: legacy

- name: Remove a keystore (no password needed)
  javasec.keystore.keystore:
    path: /opt/app/conf/old.jks
    state: absent
'''

RETURN = r'''
store_type:
  description: Type of the store after the task (V(jks), V(pkcs12) or V(jceks)); absent when the file is absent.
  returned: state is present
  type: str
  sample: pkcs12
pkcs12_encryption:
  description: Protection of the PKCS12 store after the task.
  returned: state is present and the store is PKCS12
  type: str
  sample: modern
entries:
  description: Number of entries in the store.
  returned: state is present
  type: int
  sample: 3
aliases:
  description: Aliases of the store's entries.
  returned: state is present
  type: list
  elements: str
  sample: [wso2carbon, ca-root]
converted_from:
  description: The type the store had before a conversion.
  returned: when the store was converted
  type: str
  sample: jks
password_changed:
  description: Whether the store password was (or in check mode would be) changed.
  returned: state is present
  type: bool
  sample: false
replaced:
  description: Whether an unreadable store was replaced by an empty one (O(force=true)).
  returned: state is present
  type: bool
  sample: false
backup_file:
  description:
    - Name of the backup file that was created.
    - Also without O(backup) when O(force=true) replaced an unreadable store (RV(replaced)).
  returned: changed and if O(backup) is V(true), or when an unreadable store was replaced
  type: str
  sample: /opt/app/conf/keystore.p12.2024-01-01@12:00:00~
'''

import os

from ansible.module_utils.basic import AnsibleModule

# first: the engine modules below compile once, not twice, from the AnsiballZ zip (see _compile_once)
from ansible_collections.javasec.keystore.plugins.module_utils import _compile_once  # noqa: F401 pylint: disable=unused-import
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _files as files
from ansible_collections.javasec.keystore.plugins.module_utils import _keyplan as keyplan
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils._module import (
    StoreSession, fail, write_argument_spec)


def remove(module):
    """state=absent: rm semantics, under the directory lock so that no writer renames a store back in between."""
    path = module.params['path']
    result = {'changed': False, 'path': path}
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            raise model.StoreFileError('%s is a directory, not a keystore file' % path)
        if os.path.lexists(path):
            result['changed'] = True
            if not module.check_mode:
                with files.locked(path, follow=False):
                    if module.params['backup'] and os.path.exists(path):
                        result['backup_file'] = module.backup_local(path)
                    result['changed'] = files.remove_file(path)
    except model.KeystoreError as exc:
        fail(module, exc, path=path)
    if result['changed'] and module._diff:
        result['diff'] = {'before': {'state': 'present'}, 'after': {'state': 'absent'}}
    module.exit_json(**result)


def main():
    argument_spec = write_argument_spec()
    argument_spec.update(
        state=dict(type='str', default='present', choices=['present', 'absent']),
        store_type=dict(type='str', choices=['jks', 'pkcs12'], aliases=['keystore_type']),
        new_password=dict(type='str', no_log=True),
        force=dict(type='bool', default=False),
    )
    # state=absent reads nothing, so it needs no password; every other module keeps it required
    argument_spec['password']['required'] = False
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, add_file_common_args=True,
                           required_if=[('state', 'present', ['password'])])
    params = module.params
    if params['state'] == 'absent':
        remove(module)

    result = {'changed': False, 'path': params['path'], 'password_changed': False, 'replaced': False}
    with StoreSession(module) as session:
        opened = keyplan.Opened(None, params['password'])
        try:
            if session.exists:
                opened = keyplan.open_store(session.data, session.path, params['password'], params['new_password'],
                                            params['key_passwords'], params['force'])
                result['replaced'] = opened.store is None
            for warning in opened.warnings:
                module.warn(warning)
            before_summary = certs.summary(opened.store)
            plan = keyplan.plan_store(opened.store, opened.password, params['password'], params['new_password'],
                                      params['store_type'], params['pkcs12_encryption'])
        except model.KeystoreError as exc:
            fail(module, exc)
        for warning in plan.warnings:
            module.warn(warning)
        store = plan.store
        if result['replaced'] and not module.check_mode:
            # Kept whatever backup says: the store may be fine and only the password mistyped.
            result['backup_file'] = module.backup_local(session.path)
            module.warn('the replaced store is kept as %s' % result['backup_file'])
            module.params['backup'] = False  # session.write must not copy it a second time
        if plan.write:
            session.write(session.serialize(store, plan.password, plan.store_type, plan.encryption), result)
            store.store_type = plan.store_type
            store.encryption = plan.encryption
        session.apply_file_attributes(result, created=opened.store is None)

        if module._diff and plan.write:
            result['diff'] = {'before': before_summary, 'after': certs.summary(store)}
        if plan.converted_from is not None:
            result['converted_from'] = plan.converted_from
        result.update(store_type=store.store_type, entries=len(store.entries), aliases=store.aliases(),
                      password_changed=plan.password_changed)
        if store.store_type == 'pkcs12':
            result['pkcs12_encryption'] = store.encryption
    module.exit_json(**result)


if __name__ == '__main__':
    main()
