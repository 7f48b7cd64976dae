#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: cert_export
short_description: Export the certificate or the certificate chain of a Java keystore entry
version_added: 0.1.0
description:
  - Returns the certificate of a key entry or trusted certificate entry - or the whole chain of a key entry -
    and/or writes it to a file on the managed node, as C(keytool -exportcert) (DER) and
    C(keytool -exportcert -rfc) (PEM) do.
  - The keystore is only read, never written. Keys are never exported.
  - Works in pure Python; keytool is not needed on the managed node.
extends_documentation_fragment:
  - ansible.builtin.files
  - javasec.keystore.attributes
  - javasec.keystore.attributes.files
  - javasec.keystore.attributes.idempotent
  - javasec.keystore.keystore
  - javasec.keystore.keystore.dest
options:
  key_passwords:
    description:
      - Accepted for symmetry with the other modules; certificates can be read without them.
  alias:
    description:
      - Alias of the entry (case-insensitive) - a key entry or a trusted certificate entry.
    type: str
    required: true
  chain:
    description:
      - V(false) exports the entry's certificate only (for a key entry, the leaf), like C(keytool -exportcert).
      - V(true) exports the whole chain of a key entry, leaf first and root last. A trusted certificate entry
        has a single certificate.
    type: bool
    default: false
  format:
    description:
      - V(pem) writes PEM text (C(keytool -exportcert -rfc)), one block per certificate.
      - V(der) writes the binary DER certificate (C(keytool -exportcert)). DER holds a single certificate,
        so it cannot be combined with O(chain=true).
    type: str
    choices: [pem, der]
    default: pem
  dest:
    description:
      - Write the certificate(s) to this file on the managed node, in O(format).
      - A file that already holds exactly these bytes is left alone. Its directory must exist.
    type: path
  return_content:
    description:
      - Return the certificates as PEM in RV(certificates) and RV(content).
    type: bool
    default: true
  backup:
    description:
      - Before O(dest) is replaced, keep a copy of it beside it, with a timestamp in its name (RV(backup_file)).
    type: bool
    default: false
    version_added: 0.2.0
  mode:
    description:
      - Mode of O(dest). A file this module creates gets V(0644) (certificates are public) unless O(mode) is set;
        an existing file keeps its mode unless O(mode) is set.
attributes:
  check_mode:
    support: full
    details:
      - The certificates are still returned; O(dest) is not written.
  diff_mode:
    support: full
    details:
      - The diff shows the SHA-256 fingerprints and subjects of the certificates in O(dest) before and after.
  safe_file_operations:
    support: full
    details:
      - O(dest) is written to a temporary file in the same directory and moved over the old one.
      - The keystore is only read, never written.
  idempotent:
    support: full
    details:
      - O(dest) is rewritten only when its bytes differ from the export. Without O(dest) the module never
        reports a change.
seealso:
  - module: javasec.keystore.keystore_info
  - module: javasec.keystore.trusted_cert
author:
  - javasec.keystore contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Export WSO2's public certificate, as keytool -exportcert -rfc does
  javasec.keystore.cert_export:
    path: /opt/wso2/repository/resources/security/wso2carbon.jks
    password: "{{ keystore_password }}"
    alias: wso2carbon
    dest: /opt/wso2/wso2carbon.pem

- name: Export the full chain (leaf first) for a load balancer
  javasec.keystore.cert_export:
    path: /opt/app/conf/keystore.p12
    password: "{{ keystore_password }}"
    alias: app
    chain: true
  register: exported

- name: Import it into the client truststore of another host
  javasec.keystore.trusted_cert:
    path: /opt/client/truststore.p12
    password: "{{ truststore_password }}"
    bundle: "{{ exported.certificates[-1] }}"
  delegate_to: client.example.com

- name: Export a CA certificate of the truststore as DER
  javasec.keystore.cert_export:
    path: /opt/wso2/repository/resources/security/client-truststore.jks
    password: "{{ truststore_password }}"
    alias: digicertglobalrootg2
    format: der
    dest: /tmp/digicert-root.cer
    return_content: false
'''

RETURN = r'''
alias:
  description: Alias of the entry as stored.
  returned: success
  type: str
  sample: wso2carbon
entry_type:
  description: V(private_key) or V(trusted_cert).
  returned: success
  type: str
  sample: private_key
certificates:
  description: The exported certificates as PEM, leaf first.
  returned: when O(return_content=true)
  type: list
  elements: str
  sample: ["-----BEGIN CERTIFICATE-----\nMIID...\n-----END CERTIFICATE-----\n"]
content:
  description:
    - The exported certificates as one PEM text (RV(certificates) joined) - what O(dest) holds with O(format=pem).
    - Also PEM when O(format=der).
  returned: when O(return_content=true)
  type: str
  sample: "-----BEGIN CERTIFICATE-----\nMIID...\n-----END CERTIFICATE-----\n"
sha256:
  description: SHA-256 fingerprints of the exported certificates, as keytool prints them, leaf first.
  returned: success
  type: list
  elements: str
  sample: ["03:CC:2D:BA:94:73:F5:66:35:21:51:5D:96:C8:51:E4:10:A1:74:B8:18:2A:FB:32:5F:83:3D:C2:F5:A9:FA:A6"]
subjects:
  description: Subjects of the exported certificates (RFC 4514 strings), leaf first.
  returned: success
  type: list
  elements: str
  sample: ["CN=app.example.com,O=Example,C=DE", "CN=Example Issuing CA,O=Example,C=DE"]
dest:
  description: The file the certificates are written to.
  returned: when O(dest) is set
  type: str
  sample: /opt/wso2/wso2carbon.pem
backup_file:
  description: Name of the backup of O(dest) that was created.
  returned: when O(dest) was replaced and O(backup=true)
  type: str
  sample: /opt/app/conf/app.pem.2024-01-01@12:00:00~
'''

from ansible.module_utils.basic import AnsibleModule

# first: the engine modules below compile once, not twice, from the AnsiballZ zip (see _compile_once)
from ansible_collections.javasec.keystore.plugins.module_utils import _compile_once  # noqa: F401 pylint: disable=unused-import
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils._module import (
    PublicFile, ReadSession, fail, follow_argument_spec, located, store_argument_spec)


def file_facts(data):
    """Fingerprints and subjects of the certificates in a file's bytes, for the diff."""
    if data is None:
        return {'state': 'absent'}
    try:
        ders = certs.load_certificates(data, 'dest')
    except (model.KeystoreError, ValueError):
        return {'state': 'not certificates'}
    return {'sha256': [certs.fingerprint(d) for d in ders],
            'subjects': [certs.load_cert(d).subject.rfc4514_string() for d in ders]}


def main():
    argument_spec = store_argument_spec()
    argument_spec.update(follow_argument_spec())
    argument_spec.update(
        alias=dict(type='str', required=True),
        chain=dict(type='bool', default=False),
        format=dict(type='str', default='pem', choices=['pem', 'der']),
        dest=dict(type='path'),
        return_content=dict(type='bool', default=True),
        backup=dict(type='bool', default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, add_file_common_args=True)
    params = module.params
    dest = params['dest']
    if params['format'] == 'der' and params['chain']:
        module.fail_json(msg='format=der holds a single certificate and cannot be used with chain=true; '
                             'use format=pem for the chain')

    session = ReadSession(module)
    store = session.load()
    entry = session.entry(store, params['alias'], (model.PrivateKeyEntry, model.TrustedCertEntry))
    ders = [entry.cert] if isinstance(entry, model.TrustedCertEntry) else list(entry.chain)
    if not ders:
        fail(module, located(session.path, model.KeystoreError('the key entry "%s" has no certificate' % entry.alias)))
    if not params['chain']:
        ders = ders[:1]
    pems = [certs.pem(d) for d in ders]

    result = {
        'changed': False,
        'alias': entry.alias,
        'entry_type': entry.kind,
        'sha256': [certs.fingerprint(d) for d in ders],
        'subjects': [certs.load_cert(d).subject.rfc4514_string() for d in ders],
    }
    if dest is not None:
        result['dest'] = dest
        data = ders[0] if params['format'] == 'der' else ''.join(pems).encode('ascii')
        target = PublicFile(module, dest)
        existing = target.read()
        if existing != data:
            target.write(data, result)
            if module._diff:
                result['diff'] = {'before': file_facts(existing), 'after': file_facts(data)}
        target.apply_attributes(result, created=existing is None)
    if params['return_content']:
        result['certificates'] = pems
        result['content'] = ''.join(pems)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
