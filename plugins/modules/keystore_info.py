#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: keystore_info
short_description: Read a Java keystore (JKS, JCEKS or PKCS12) and report every entry
version_added: 0.1.0
description:
  - Reports the store type and, for every entry, its alias, type and creation date; for key entries the
    algorithm, size and the whole certificate chain; for trusted certificates the certificate; for secret
    keys the algorithm and size.
  - Never returns passwords or key material.
extends_documentation_fragment:
  - javasec.keystore.keystore
  - javasec.keystore.attributes
  - javasec.keystore.attributes.idempotent
  - javasec.keystore.attributes.info_module
options:
  expiring_within_days:
    description:
      - Also list in RV(expiring) the aliases whose certificate (for key entries, any certificate of the chain)
        expires within this many days or has expired.
    type: int
seealso:
  - module: javasec.keystore.keystore
author:
  - javasec.keystore contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Read the WSO2 keystore
  javasec.keystore.keystore_info:
    path: /opt/wso2/repository/resources/security/wso2carbon.jks
    password: "{{ keystore_password }}"
    expiring_within_days: 30
  register: ks

- name: Fail when a certificate expires within 30 days
  ansible.builtin.assert:
    that: ks.expiring | length == 0
    fail_msg: "Expiring soon: {{ ks.expiring | join(', ') }}"
'''

RETURN = r'''
exists:
  description: Whether the keystore file exists. When it does not, no other key is returned but RV(entries) (empty).
  returned: always
  type: bool
  sample: true
store_type:
  description: Type detected from the file content.
  returned: when the file exists
  type: str
  sample: pkcs12
pkcs12_encryption:
  description: V(modern) (PBES2/AES, HMAC-SHA256) or V(legacy) (3DES/RC2, HMAC-SHA1) protection of a PKCS12 store.
  returned: when the store is PKCS12
  type: str
  sample: modern
entries:
  description: Every entry of the store, in file order.
  returned: always
  type: list
  elements: dict
  contains:
    alias:
      description: The alias.
      type: str
      sample: wso2carbon
    type:
      description: V(private_key), V(trusted_cert), V(secret_key) or V(unknown).
      type: str
      sample: private_key
    creation_date:
      description: Creation date (ISO 8601, UTC) as stored; null when the format keeps none (PKCS12 trusted certificates).
      type: str
      sample: "2026-01-31T10:00:00Z"
    algorithm:
      description: Key algorithm (V(RSA), V(EC), V(Ed25519), V(AES)...); for key and secret key entries.
      type: str
      sample: RSA
    size:
      description: Key size in bits; for key and secret key entries.
      type: int
      sample: 2048
    key_protection:
      description: >-
        V(store_password), V(own_password) (a JKS key with its own password that was given in O(key_passwords)) or
        V(unknown_password) (a key that the given passwords do not open; it is kept as it is).
      type: str
      sample: store_password
    chain_length:
      description: Number of certificates in the chain of a key entry.
      type: int
      sample: 3
    chain:
      description: The certificates of a key entry, leaf first, each with the keys described for a certificate below.
      type: list
      elements: dict
    subject:
      description: Subject of the certificate (trusted certificates); the leaf's for key entries is in RV(entries[].chain).
      type: str
      sample: CN=ca.example.com
    issuer:
      description: Issuer of the certificate.
      type: str
    serial:
      description: Serial number, hexadecimal.
      type: str
    not_before:
      description: Start of validity (ISO 8601, UTC).
      type: str
    not_after:
      description: End of validity (ISO 8601, UTC); for key entries, the leaf's.
      type: str
    days_remaining:
      description: Whole days until the certificate (for key entries, the leaf) expires; negative once expired.
      type: int
    sha256:
      description: SHA-256 fingerprint as keytool prints it; for key entries, the leaf's.
      type: str
      sample: "03:CC:2D:BA:94:73:F5:66:35:21:51:5D:96:C8:51:E4:10:A1:74:B8:18:2A:FB:32:5F:83:3D:C2:F5:A9:FA:A6"
    sha1:
      description: SHA-1 fingerprint.
      type: str
    subject_alt_names:
      description: Subject alternative names as C(DNS:name), C(IP:address), C(URI:uri), C(email:address).
      type: list
      elements: str
    is_ca:
      description: Whether basicConstraints marks the certificate as a CA.
      type: bool
    self_signed:
      description: Whether subject and issuer are the same.
      type: bool
expiring:
  description: Aliases with a certificate expiring within O(expiring_within_days) days (or already expired).
  returned: when O(expiring_within_days) is set
  type: list
  elements: str
  sample: [wso2carbon]
'''

from ansible.module_utils.basic import AnsibleModule

# first: the engine modules below compile once, not twice, from the AnsiballZ zip (see _compile_once)
from ansible_collections.javasec.keystore.plugins.module_utils import _compile_once  # noqa: F401 pylint: disable=unused-import
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils._module import ReadSession, store_argument_spec


def _expiring(info, days):
    chain = info.get('chain') or ([info] if 'days_remaining' in info else [])
    return any(c['days_remaining'] is not None and c['days_remaining'] < days for c in chain)


def main():
    argument_spec = store_argument_spec()
    argument_spec.update(expiring_within_days=dict(type='int'))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    store = ReadSession(module).load(missing_ok=True)
    result = {'changed': False, 'exists': store is not None, 'entries': []}
    if store is not None:
        result['store_type'] = store.store_type
        if store.store_type == 'pkcs12':
            result['pkcs12_encryption'] = store.encryption
        result['entries'] = [certs.entry_info(e) for e in store.entries.values()]
    if params['expiring_within_days'] is not None:
        result['expiring'] = [e['alias'] for e in result['entries'] if _expiring(e, params['expiring_within_days'])]
    module.exit_json(**result)


if __name__ == '__main__':
    main()
