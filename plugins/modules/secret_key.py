#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: secret_key
short_description: Generate or import a secret key entry (AES, HMAC, DESede) in a PKCS12 keystore
version_added: 0.2.0
description:
  - Replaces C(keytool -genseckey) and C(keytool -importpass) for secret keys - for example the AES key of WSO2
    Identity Server 7's symmetric secure vault (an internal keystore of type PKCS12 holding a secret key).
  - O(state=present) without O(value) generates a random key when the alias does not exist. An existing secret key
    is never regenerated; when it is of another algorithm or size the task fails instead of replacing it.
  - With O(value), the entry holds exactly that key afterwards (compared in constant time).
  - Keys are written as Java writes them (a PKCS#12 secret bag with the algorithm's object identifier), so that
    C(KeyStore.getKey) of Java 11 to 25 returns them with their algorithm name.
  - Secret keys are never returned, logged or shown in the diff.
  - JCEKS stores are read (RV(algorithm) and RV(key_size) of an existing key are reported) but not written; JKS cannot
    hold secret keys.
extends_documentation_fragment:
  - ansible.builtin.files
  - javasec.keystore.keystore
  - javasec.keystore.keystore.write
  - javasec.keystore.attributes
  - javasec.keystore.attributes.files
  - javasec.keystore.attributes.idempotent
  - javasec.keystore.attributes.store
options:
  alias:
    description:
      - Alias of the secret key entry.
    type: str
    required: true
  state:
    description:
      - V(present) makes sure a secret key exists under O(alias); V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  algorithm:
    description:
      - Algorithm of the key, as keytool's C(-keyalg) names it.
    type: str
    choices: [AES, HmacSHA1, HmacSHA224, HmacSHA256, HmacSHA384, HmacSHA512, DESede]
    default: AES
  size:
    description:
      - Key size in bits (keytool's C(-keysize)). Default 256 for AES and DESede's 168; HMAC keys are as long as
        their hash.
    type: int
  value:
    description:
      - The key to import instead of a generated one, encoded as O(value_format) says.
      - Never logged or returned.
    type: str
  value_format:
    description:
      - How O(value) is encoded - V(base64) or V(hex) key bytes, or V(text) (its UTF-8 bytes, for HMAC secrets
        that are text).
    type: str
    choices: [base64, hex, text]
    default: base64
  store_type:
    description:
      - Only V(pkcs12) stores can hold secret keys; a new store is PKCS12.
    type: str
    choices: [pkcs12]
notes:
  - keytool lists the entry as C(SecretKeyEntry); C(keystore_info) reports its algorithm and size.
seealso:
  - module: javasec.keystore.keystore_info
  - module: javasec.keystore.wso2_secrets
author:
  - javasec.keystore contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: The AES key of WSO2 Identity Server's symmetric secure vault
  javasec.keystore.secret_key:
    path: /opt/wso2is/repository/resources/security/internal.p12
    password: "{{ internal_keystore_password }}"
    alias: securevault
    algorithm: AES
    size: 256

- name: An HMAC secret that already exists elsewhere
  javasec.keystore.secret_key:
    path: /opt/app/conf/keys.p12
    password: "{{ keystore_password }}"
    alias: jwt-hmac
    algorithm: HmacSHA256
    value: "{{ vault_jwt_hmac_base64 }}"

- name: Remove a secret key
  javasec.keystore.secret_key:
    path: /opt/app/conf/keys.p12
    password: "{{ keystore_password }}"
    alias: old-key
    state: absent
'''

RETURN = r'''
action:
  description: V(created), V(replaced) (O(value) differed), V(kept), V(removed) or V(absent) (nothing to remove).
  returned: always
  type: str
  sample: created
algorithm:
  description: Algorithm of the key under O(alias) after the task.
  returned: when O(state=present)
  type: str
  sample: AES
key_size:
  description:
    - Size in bits of the key under O(alias) after the task (C(size), as for every module that returns C(path), is
      the size of the file).
  returned: when O(state=present)
  type: int
  sample: 256
store_type:
  description: Type of the store.
  returned: always
  type: str
  sample: pkcs12
backup_file:
  description: Name of the backup file that was created.
  returned: changed and if O(backup) is V(true)
  type: str
  sample: /opt/app/conf/keys.p12.2024-01-01@12:00:00~
'''

from ansible.module_utils.basic import AnsibleModule

# first: the engine modules below compile once, not twice, from the AnsiballZ zip (see _compile_once)
from ansible_collections.javasec.keystore.plugins.module_utils import _compile_once  # noqa: F401 pylint: disable=unused-import
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils import _secrets as secrets
from ansible_collections.javasec.keystore.plugins.module_utils._module import (
    StoreSession, fail, load_or_create, located, save_if_changed, write_argument_spec)


def jceks_report(module, session, result):
    """A JCEKS store is read, never written: report the key, or fail when a change is needed."""
    store = session.load()
    entry = store.get(module.params['alias'])
    if module.params['state'] == 'absent' and entry is None:
        module.exit_json(action='absent', store_type='jceks', **result)
    if isinstance(entry, model.SecretKeyEntry) and entry.plain is not None and module.params['value'] is None:
        algorithm, key = secrets.unwrap(entry.plain)
        if module.params['state'] == 'present' and algorithm.lower() == module.params['algorithm'].lower():
            module.exit_json(action='kept', store_type='jceks', algorithm=algorithm,
                             key_size=secrets.size_of(algorithm, key), **result)
    fail(module, located(session.path, model.UnsupportedStoreError(
        'JCEKS stores cannot be written; convert the store first with javasec.keystore.keystore (store_type: pkcs12)')))


def main():
    argument_spec = write_argument_spec()
    argument_spec.update(
        alias=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        algorithm=dict(type='str', default='AES',
                       choices=['AES', 'HmacSHA1', 'HmacSHA224', 'HmacSHA256', 'HmacSHA384', 'HmacSHA512', 'DESede']),
        size=dict(type='int'),
        value=dict(type='str', no_log=True),
        value_format=dict(type='str', default='base64', choices=['base64', 'hex', 'text']),
        store_type=dict(type='str', choices=['pkcs12']),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, add_file_common_args=True)
    params = module.params
    result = {'changed': False, 'path': params['path']}
    with StoreSession(module) as session:
        if session.exists and session.detected_type() == 'jceks':
            jceks_report(module, session, result)
        if params['state'] == 'absent' and not session.exists:
            module.exit_json(action='absent', **result)
        store, created = load_or_create(module, session)
        if store.store_type != 'pkcs12':
            fail(module, located(session.path, model.UnsupportedStoreError(
                'a %s store cannot hold secret keys; convert it first with javasec.keystore.keystore '
                '(store_type: pkcs12)' % store.store_type.upper())))
        before = {} if created else certs.summary(store)
        try:
            value = None
            if params['value'] is not None:
                value = secrets.decode_value(params['value'], params['value_format'])
            plan = secrets.plan_secret_key(store, params['alias'], params['state'], params['algorithm'],
                                           params['size'], value, timestamp=codec.now_ms())
        except model.KeystoreError as exc:
            fail(module, located(session.path, exc))
        save_if_changed(module, session, before, store, plan.changed, created, result)
        result.update(action=plan.action, store_type=store.store_type)
        if params['state'] == 'present':
            result.update(algorithm=plan.algorithm, key_size=plan.size)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
