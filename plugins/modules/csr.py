#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: csr
short_description: Create a PKCS#10 certificate signing request for a key entry of a Java keystore
version_added: 0.1.0
description:
  - Signs a certificate signing request (CSR) with the private key of an existing key entry, as
    C(keytool -certreq) does, and returns it and/or writes it to a file on the managed node.
  - The keystore is only read, never written. Send the CSR to a CA and import its reply with
    M(javasec.keystore.cert_reply).
  - Works in pure Python; keytool is not needed on the managed node.
extends_documentation_fragment:
  - ansible.builtin.files
  - javasec.keystore.attributes
  - javasec.keystore.attributes.files
  - javasec.keystore.attributes.idempotent
  - javasec.keystore.keystore
  - javasec.keystore.keystore.dest
options:
  alias:
    description:
      - Alias of the key entry whose key signs the request (case-insensitive).
      - Its public key is the one the request asks a certificate for.
    type: str
    required: true
  subject:
    description:
      - Subject of the request, as a distinguished name string in keytool's C(-dname) form
        (C(CN=app.example.com, OU=IT, O=Example, L=Berlin, ST=Berlin, C=DE); C(S=) is accepted for C(ST=),
        a comma inside a value is escaped as C(\,)) or as a dict of attribute to value in the same order.
      - As with keytool, the first attribute (CN) is the most specific one.
      - Default is the subject of the entry's certificate, as C(keytool -certreq) does.
    type: raw
  subject_alt_names:
    description:
      - Subject alternative names to request, each prefixed with its type - C(DNS:), C(IP:), C(URI:) or C(email:).
      - Default is the subject alternative names of the entry's certificate. An empty list requests none.
    type: list
    elements: str
  key_usage:
    description:
      - Key usages to request (a critical extension), for example V(digital_signature), V(key_encipherment),
        V(non_repudiation), V(key_agreement), V(key_cert_sign), V(crl_sign); keytool's names
        (V(digitalSignature), V(keyEncipherment)...) are accepted too.
      - Default is none.
    type: list
    elements: str
    default: []
  extended_key_usage:
    description:
      - Extended key usages to request, by name (V(server_auth), V(client_auth), V(code_signing),
        V(email_protection), V(time_stamping), V(ocsp_signing); keytool's V(serverAuth), V(clientAuth)... are
        accepted too) or dotted OID.
      - Default is none.
    type: list
    elements: str
    default: []
  signature_algorithm:
    description:
      - Algorithm of the request's signature, named as in Java (V(SHA256withRSA), V(SHA384withECDSA), V(Ed25519)...).
      - Default depends on the key, as with keytool - V(SHA256withRSA) for RSA, V(SHA256withECDSA) for P-256,
        V(SHA384withECDSA) for P-384, V(SHA512withECDSA) for P-521, V(Ed25519), V(Ed448) and V(SHA256withDSA).
    type: str
  dest:
    description:
      - Write the request as PEM to this file on the managed node.
      - An existing file that already holds a valid request for the same public key, subject, subject alternative
        names, key usages, extended key usages and signature algorithm is left alone.
      - Its directory must exist.
    type: path
  return_content:
    description:
      - Return the request (PEM) in RV(csr).
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
      - Mode of O(dest). A file this module creates gets V(0644) (a request holds no secret) unless O(mode) is set;
        an existing file keeps its mode unless O(mode) is set.
attributes:
  check_mode:
    support: full
    details:
      - The request is still created and returned; O(dest) is not written.
  diff_mode:
    support: full
    details:
      - The diff shows the metadata of the request in O(dest) before and after - subject, subject alternative names,
        key usages, extended key usages, signature algorithm and SHA-256 of the public key.
  safe_file_operations:
    support: full
    details:
      - O(dest) is written to a temporary file in the same directory and moved over the old one.
      - The keystore is only read, never written.
  idempotent:
    support: full
    details:
      - The request in O(dest) is compared by content (key, subject and extensions), not by bytes, since
        ECDSA signatures differ at every signing. Without O(dest) the module never reports a change.
notes:
  - Like C(keytool -certreq), the request carries the requested extensions in a PKCS#9 extension request
    attribute. The CA decides which of them end up in the certificate (C(openssl x509 -req -copy_extensions copy)
    copies them).
seealso:
  - module: javasec.keystore.cert_reply
  - module: javasec.keystore.key_entry
  - module: javasec.keystore.cert_export
author:
  - javasec.keystore contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Create a CSR for the WSO2 key, as keytool -certreq does
  javasec.keystore.csr:
    path: /opt/wso2/repository/resources/security/wso2carbon.jks
    password: "{{ keystore_password }}"
    alias: wso2carbon
    dest: /opt/wso2/wso2carbon.csr

- name: Request a server certificate with other names than the current certificate
  javasec.keystore.csr:
    path: /opt/app/conf/keystore.p12
    password: "{{ keystore_password }}"
    alias: app
    subject: CN=app.example.com, OU=Platform, O=Example, C=DE
    subject_alt_names:
      - DNS:app.example.com
      - DNS:app-internal.example.com
      - IP:10.0.0.15
    key_usage: [digital_signature, key_encipherment]
    extended_key_usage: [server_auth]
  register: request

- name: Hand the CSR to the CA
  ansible.builtin.copy:
    content: "{{ request.csr }}"
    dest: /srv/ca/requests/app.csr
    mode: "0644"
  delegate_to: ca.example.com
'''

RETURN = r'''
csr:
  description: The request, PEM. When O(dest) already held a matching request, that one.
  returned: when O(return_content=true)
  type: str
  sample: "-----BEGIN CERTIFICATE REQUEST-----\nMIIC...\n-----END CERTIFICATE REQUEST-----\n"
alias:
  description: Alias of the key entry as stored.
  returned: success
  type: str
  sample: wso2carbon
subject:
  description: Subject of the request (RFC 4514 string, most specific attribute first).
  returned: success
  type: str
  sample: CN=app.example.com,OU=Platform,O=Example,C=DE
subject_alt_names:
  description: Requested subject alternative names (C(DNS:name), C(IP:address), C(URI:uri), C(email:address)).
  returned: success
  type: list
  elements: str
  sample: ["DNS:app.example.com", "IP:10.0.0.15"]
key_usage:
  description: Requested key usages.
  returned: success
  type: list
  elements: str
  sample: [digital_signature, key_encipherment]
extended_key_usage:
  description: Requested extended key usages (name or dotted OID).
  returned: success
  type: list
  elements: str
  sample: [server_auth]
signature_algorithm:
  description: Algorithm of the request's signature.
  returned: success
  type: str
  sample: SHA256withRSA
public_key_sha256:
  description: SHA-256 of the public key (SubjectPublicKeyInfo DER), uppercase hex bytes separated by colons.
  returned: success
  type: str
  sample: "5B:0C:8E:61:2A:D4:1F:9A:77:03:E2:B6:4C:91:0D:58:AF:36:C4:12:E9:7B:85:20:6D:F1:3A:CE:94:07:B2:68"
dest:
  description: The file the request is written to.
  returned: when O(dest) is set
  type: str
  sample: /opt/wso2/wso2carbon.csr
backup_file:
  description: Name of the backup of O(dest) that was created.
  returned: when O(dest) was replaced and O(backup=true)
  type: str
  sample: /opt/app/conf/app.csr.2024-01-01@12:00:00~
'''

from ansible.module_utils.basic import AnsibleModule

# first: the engine modules below compile once, not twice, from the AnsiballZ zip (see _compile_once)
from ansible_collections.javasec.keystore.plugins.module_utils import _compile_once  # noqa: F401 pylint: disable=unused-import
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _csr as csrlib
from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils._module import (
    PublicFile, ReadSession, fail, follow_argument_spec, store_argument_spec)


def requested(module, entry, key):
    """(name, extensions, signature algorithm name, hash) the task asks for; defaults from the leaf certificate."""
    params = module.params
    leaf = certs.load_cert(entry.chain[0]) if entry.chain else None
    subject = params['subject']
    if subject is None and leaf is None:
        fail(module, model.KeystoreError('alias "%s" has no certificate to take the subject from; set subject'
                                         % entry.alias))
    try:
        name = leaf.subject if subject is None else issue.parse_subject(subject)
        if params['subject_alt_names'] is None:
            sans = certs.certificate_sans(leaf) if leaf is not None else []
        else:
            sans = issue.parse_sans(params['subject_alt_names'])
        extensions = csrlib.requested_extensions(sans, params['key_usage'], params['extended_key_usage'])
        algorithm, hash_algorithm = issue.signature_for(key, params['signature_algorithm'])
    except (model.KeystoreError, ValueError) as exc:
        fail(module, exc)
    return name, extensions, algorithm, hash_algorithm


def main():
    argument_spec = store_argument_spec()
    argument_spec.update(follow_argument_spec())
    argument_spec.update(
        alias=dict(type='str', required=True),
        subject=dict(type='raw'),
        subject_alt_names=dict(type='list', elements='str'),
        key_usage=dict(type='list', elements='str', default=[]),
        extended_key_usage=dict(type='list', elements='str', default=[]),
        signature_algorithm=dict(type='str'),
        dest=dict(type='path'),
        return_content=dict(type='bool', default=True),
        backup=dict(type='bool', default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True, add_file_common_args=True)
    params = module.params
    dest = params['dest']

    session = ReadSession(module)
    store = session.load()
    entry = session.entry(store, params['alias'], (model.PrivateKeyEntry,))
    try:
        key = certs.load_key(session.private_key(entry), 'the private key of alias "%s"' % entry.alias)
    except model.CertificateInputError as exc:
        fail(module, exc)
    except ValueError as exc:
        fail(module, model.CorruptStoreError('the private key of alias "%s" cannot be loaded: %s'
                                             % (entry.alias, exc)))
    public_key_der = certs.public_der(key.public_key())
    name, extensions, algorithm, hash_algorithm = requested(module, entry, key)

    result = {'changed': False, 'alias': entry.alias}
    existing = None
    if dest is not None:
        result['dest'] = dest
        target = PublicFile(module, dest)
        existing_data = target.read()
        existing = csrlib.load_csr(existing_data)
        if not csrlib.csr_matches(existing, public_key_der, name, extensions, algorithm):
            request = csrlib.build_csr(key, name, extensions, hash_algorithm)
            target.write(csrlib.csr_pem(request).encode('ascii'), result)
            if module._diff:
                before = csrlib.csr_facts(existing) if existing is not None else (
                    {'state': 'absent'} if existing_data is None else {'state': 'not a certificate request'})
                result['diff'] = {'before': before, 'after': csrlib.csr_facts(request)}
        else:
            request = existing
        target.apply_attributes(result, created=existing_data is None)
    else:
        request = csrlib.build_csr(key, name, extensions, hash_algorithm)

    result.update(csrlib.csr_facts(request))
    if params['return_content']:
        result['csr'] = csrlib.csr_pem(request)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
