#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: cert_reply
short_description: Install a CA-signed certificate (CA reply) onto an existing private key entry
version_added: 0.1.0
description:
  - What C(keytool -importcert -alias KEY -file signed.crt) does - replaces the chain of a private key entry with the
    certificate a CA issued for its key, and the CA chain, keeping the key.
  - The reply must carry the entry's public key; a reply for another key is refused.
  - The chain is ordered leaf to root and completed from the reply, O(chain), the trusted entries of the store and
    those of O(truststore_path); when it cannot be completed the task fails naming the missing issuer (keytool's
    "Failed to establish chain from reply").
  - Renewing a CA-signed certificate is the same task with the new reply.
  - No change when the installed chain already equals the reply's chain.
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
    description: Alias of the private key entry.
    type: str
    required: true
  certificate:
    description: The CA reply (PEM, possibly with the chain, or DER), from the controller.
    type: str
  certificate_path:
    description: Path on the managed node of the CA reply.
    type: path
  chain:
    description: CA certificates (PEM, any order), from the controller.
    type: str
  chain_path:
    description: Path on the managed node of CA certificates (PEM, any order).
    type: path
  truststore_path:
    description: A keystore on the managed node whose trusted entries may complete the chain.
    type: path
  truststore_password:
    description: Password of O(truststore_path).
    type: str
  validate_chain:
    description: Fail when the chain cannot be completed to a self-signed root (else store what there is).
    type: bool
    default: true
  allow_expired:
    description: Install a reply that has already expired (by default this is refused).
    type: bool
    default: false
seealso:
  - module: javasec.keystore.csr
  - module: javasec.keystore.key_entry
author:
  - javasec.keystore contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Install the certificate the CA signed from our CSR
  javasec.keystore.cert_reply:
    path: /opt/wso2/repository/resources/security/wso2carbon.jks
    password: "{{ keystore_password }}"
    alias: wso2carbon
    certificate: "{{ lookup('ansible.builtin.file', 'signed/' ~ inventory_hostname ~ '.crt') }}"
    chain: "{{ lookup('ansible.builtin.file', 'ca-chain.pem') }}"
'''

RETURN = r'''
alias:
  description: Alias of the entry.
  returned: always
  type: str
change_reason:
  description: V(chain_updated) when the chain was replaced, else null.
  returned: always
  type: str
sha256:
  description: SHA-256 fingerprint of the leaf certificate.
  returned: success
  type: str
chain:
  description: The installed chain, leaf first (subject, issuer, not_after, sha256).
  returned: success
  type: list
  elements: dict
backup_file:
  description: Name of the backup file that was created.
  returned: changed and if O(backup) is V(true)
  type: str
'''

from ansible.module_utils.basic import AnsibleModule

# first: the engine modules below compile once, not twice, from the AnsiballZ zip (see _compile_once)
from ansible_collections.javasec.keystore.plugins.module_utils import _compile_once  # noqa: F401 pylint: disable=unused-import
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _keyplan as keyplan
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils._module import (
    StoreSession, check_libraries, fail, located, read_target_file, save_if_changed, write_argument_spec)

CERTIFICATE_OPTIONS = ('certificate', 'certificate_path', 'chain', 'chain_path')


def main():
    argument_spec = write_argument_spec()
    argument_spec.update(
        alias=dict(type='str', required=True),
        certificate=dict(type='str'),
        certificate_path=dict(type='path'),
        chain=dict(type='str'),
        chain_path=dict(type='path'),
        truststore_path=dict(type='path'),
        truststore_password=dict(type='str', no_log=True),
        validate_chain=dict(type='bool', default=True),
        allow_expired=dict(type='bool', default=False),
    )
    module = AnsibleModule(
        argument_spec=argument_spec, supports_check_mode=True, add_file_common_args=True,
        mutually_exclusive=[('certificate', 'certificate_path')],
        required_one_of=[('certificate', 'certificate_path')],
        required_together=[('truststore_path', 'truststore_password')],
    )
    check_libraries(module)
    params = module.params
    alias = params['alias'].lower()
    result = {'changed': False, 'alias': alias, 'change_reason': None}
    texts = [(o, read_target_file(module, params[o], o) if o.endswith('_path') else params[o])
             for o in CERTIFICATE_OPTIONS if params[o] is not None]
    try:
        given = keyplan.certificates_of(texts)
    except model.KeystoreError as exc:
        fail(module, exc)
    pool = []
    if params['truststore_path']:
        data = read_target_file(module, params['truststore_path'], 'truststore_path')
        try:
            pool = keyplan.trusted_certs(codec.load_bytes(data, params['truststore_password']))
        except model.KeystoreError as exc:
            fail(module, located(params['truststore_path'], exc))

    with StoreSession(module) as session:
        store = session.load()
        if store is None:
            fail(module, '%s does not exist; a CA reply needs the key entry it was issued for' % session.path)
        before = certs.summary(store)
        try:
            plan = keyplan.plan_reply(store, alias, given, pool, params['validate_chain'], params['allow_expired'],
                                      session.path)
        except model.KeystoreError as exc:
            fail(module, exc)
        keyplan.apply_reply(store, alias, plan)
        result['change_reason'] = plan.reason
        save_if_changed(module, session, before, store, plan.reason is not None, False, result)
        result.update(sha256=certs.fingerprint(plan.chain[0]), chain=certs.chain_summary(plan.chain))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
