#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: wso2_secrets
short_description: Encrypt WSO2 secure vault secrets into deployment.toml as the product's cipher tool does
version_added: 0.2.0
description:
  - Writes the V([secrets]) table of a WSO2 product's C(deployment.toml) with each plaintext of O(secrets) encrypted
    as C(ciphertool.sh -Dconfigure) encrypts it, without Java, the product or a typed-in password - so that the other
    tables can refer to them as V($secret{alias}).
  - Asymmetric (default) - the RSA public key of the certificate under O(alias) in the internal keystore, with
    O(transformation) (the tool's default V(RSA) is PKCS#1 v1.5), the ciphertext base64-encoded.
  - Symmetric (WSO2 Identity Server 7 C(-Dsymmetric)) - the AES secret key under O(alias) of a PKCS12 internal
    keystore, AES/GCM/NoPadding with a random 128-byte IV, written as the tool's self-contained base64 JSON
    (C(cipherText), C(iv)).
  - Encryption is randomized; a value is rewritten only when the keystore's key no longer decrypts it to the wanted
    plaintext - a changed plaintext changes exactly that value, a new key (or mode or transformation) re-encrypts
    all.
  - Other keys of V([secrets]) and every other line of the file are kept. The keystore is read on the managed node
    (its keys never leave it); the file is edited on the controller as M(javasec.keystore.toml_settings) does.
  - Plaintexts are never logged, returned or shown in the diff.
extends_documentation_fragment:
  - javasec.keystore.attributes
  - javasec.keystore.attributes.action
  - javasec.keystore.attributes.files
  - javasec.keystore.attributes.idempotent
options:
  path:
    description:
      - Path of C(deployment.toml) on the managed node. It must exist.
    type: path
    required: true
  secrets:
    description:
      - Plaintext secrets by alias (the keys of the V([secrets]) table), for example V(keystore_password).
      - Never logged or returned.
    type: dict
    required: true
  keystore_path:
    description:
      - The internal keystore (C([keystore.internal]), or the primary one when the product has none) on the managed
        node.
    type: path
    required: true
  keystore_password:
    description:
      - Password of the internal keystore.
    type: str
    required: true
  key_password:
    description:
      - Password of the key under O(alias) when it differs from O(keystore_password) (JKS only; WSO2 wants them equal).
    type: str
  alias:
    description:
      - Alias of the key pair (asymmetric) or of the AES secret key (symmetric) - C([keystore.internal]) C(alias).
    type: str
    required: true
  mode:
    description:
      - V(asymmetric) (RSA with the certificate's public key) or V(symmetric) (AES secret key, IS 7.x).
    type: str
    choices: [asymmetric, symmetric]
    default: asymmetric
  transformation:
    description:
      - The Java cipher transformation - the tool's C(-Dorg.wso2.CipherTransformation). Default V(RSA) (what the
        tool uses without it, PKCS#1 v1.5) or V(AES/GCM/NoPadding).
      - Any other value must also be set as C(secretRepositories.file.algorithm) in C(secret-conf.properties), as the
        tool does (the V(javasec.keystore.wso2) role does it).
    type: str
    choices: [RSA, RSA/ECB/PKCS1Padding, RSA/ECB/OAEPwithSHA1andMGF1Padding, RSA/ECB/OAEPWithSHA-256AndMGF1Padding,
              AES/GCM/NoPadding]
  backup:
    description:
      - Create a backup file including the timestamp information so you can get the original file back if you
        somehow clobbered it incorrectly.
    type: bool
    default: false
  _current:
    description:
      - Internal, set by the action plugin of this module; do not set it. The current values of the V([secrets])
        table for the aliases of O(secrets).
    type: dict
attributes:
  action:
    support: full
    details:
      - The file is read from the managed node, the values are encrypted on the node, and the file is edited on the
        controller and written back on the node.
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff is the text of the file before and after, with every value of V([secrets]) masked.
  safe_file_operations:
    support: full
  idempotent:
    support: full
notes:
  - The product reads the internal keystore's password at start-up from C(password-tmp) or C(password-persist) in its
    home or from the console; the V(javasec.keystore.wso2) role's C(wso2_encrypt_secrets) sets this up (see
    docs/wso2-secure-vault.md).
requirements:
  - tomlkit >= 0.11.1 on the controller; cryptography >= 3.4.8 on the managed node.
seealso:
  - module: javasec.keystore.toml_settings
  - module: javasec.keystore.secret_key
author:
  - javasec.keystore contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Encrypt the keystore and admin passwords of WSO2 API Manager
  javasec.keystore.wso2_secrets:
    path: /opt/wso2am/repository/conf/deployment.toml
    keystore_path: /opt/wso2am/repository/resources/security/internal.jks
    keystore_password: "{{ vault_internal_keystore_password }}"
    alias: wso2carbon
    secrets:
      keystore_password: "{{ vault_keystore_password }}"
      admin_password: "{{ vault_admin_password }}"

- name: Symmetric encryption of WSO2 Identity Server 7 (an AES key in a PKCS12 internal keystore)
  javasec.keystore.wso2_secrets:
    path: /opt/wso2is/repository/conf/deployment.toml
    keystore_path: /opt/wso2is/repository/resources/security/internal.p12
    keystore_password: "{{ vault_internal_keystore_password }}"
    alias: securevault
    mode: symmetric
    secrets:
      keystore_password: "{{ vault_keystore_password }}"
'''

RETURN = r'''
encrypted:
  description: Aliases whose value was (or in check mode would be) encrypted anew.
  returned: always
  type: list
  elements: str
  sample: [keystore_password]
kept:
  description: Aliases whose current value already decrypts to the wanted plaintext with the keystore's key.
  returned: always
  type: list
  elements: str
  sample: [admin_password]
references:
  description: The V($secret{alias}) reference of each alias, to put where the plaintext used to be.
  returned: always
  type: dict
  sample: {keystore_password: "$secret{keystore_password}"}
backup_file:
  description: Name of the backup file that was created.
  returned: changed and if O(backup) is V(true)
  type: str
'''

from ansible.module_utils.basic import AnsibleModule

# first: the engine modules below compile once, not twice, from the AnsiballZ zip (see _compile_once)
from ansible_collections.javasec.keystore.plugins.module_utils import _compile_once  # noqa: F401 pylint: disable=unused-import
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils import _secrets as secrets
from ansible_collections.javasec.keystore.plugins.module_utils._module import ReadSession, fail, located

TRANSFORMATIONS = ['RSA', 'RSA/ECB/PKCS1Padding', 'RSA/ECB/OAEPwithSHA1andMGF1Padding',
                   'RSA/ECB/OAEPWithSHA-256AndMGF1Padding', 'AES/GCM/NoPadding']


def argument_spec():
    return dict(
        path=dict(type='path', required=True),
        secrets=dict(type='dict', required=True, no_log=True),
        keystore_path=dict(type='path', required=True),
        keystore_password=dict(type='str', required=True, no_log=True),
        key_password=dict(type='str', no_log=True),
        alias=dict(type='str', required=True),
        mode=dict(type='str', default='asymmetric', choices=['asymmetric', 'symmetric']),
        transformation=dict(type='str', choices=TRANSFORMATIONS),
        backup=dict(type='bool', default=False),
        # the values the file holds: ciphertexts, which must come back unmasked when they are kept
        _current=dict(type='dict'),
    )


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True)
    params = module.params
    if params['_current'] is None:
        module.fail_json(msg='javasec.keystore.wso2_secrets edits deployment.toml through its action plugin; it cannot '
                             'run as a module alone')
    key_passwords = {params['alias']: params['key_password']} if params['key_password'] else {}
    session = ReadSession(module, path=params['keystore_path'], password=params['keystore_password'],
                          key_passwords=key_passwords)
    store = session.load()
    try:
        key = secrets.vault_key(store, params['alias'], params['mode'], params['transformation'])
        plan = secrets.plan_secrets(key, params['secrets'], params['_current'])
    except model.KeystoreError as exc:
        fail(module, located(session.path, exc))
    # The values are ciphertexts (they go into the file as they are); no plaintext is returned.
    module.exit_json(changed=bool(plan.encrypted), values=plan.values, encrypted=plan.encrypted, kept=plan.kept)


if __name__ == '__main__':
    main()
