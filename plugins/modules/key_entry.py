#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: key_entry
short_description: Generate or import a private key entry (key and certificate chain) in a Java keystore
version_added: 0.1.0
description:
  - Manages one private-key entry - a key with its certificate chain, leaf first - in a JKS or PKCS12 keystore,
    creating the store when it is missing. Every other entry of the store is kept as it is.
  - B(Generate) (what C(keytool -genkeypair) does) when no import option is given - a new key and a self-signed
    certificate, with subject alternative names and a validity of O(validity_days) (365 by default, not keytool's 90).
  - B(Import) (what C(openssl pkcs12 -export) plus C(keytool -importkeystore) do) when O(private_key),
    O(private_key_path) or O(src_path) is given - the key must match the leaf certificate; the chain is ordered leaf
    to root whatever order it came in, each signature is verified, and missing intermediates or the root are
    taken from the store's trusted entries or O(ca_path), as C(keytool -trustcacerts) does.
  - Idempotent by content - the same key with the same full chain is no change, whatever alias or order it came in.
  - B(Renew) with O(renew_before_days) - a self-signed entry whose certificate expires within that many days is
    re-issued on the same key (what C(keytool -selfcert) does), or on a new key with O(rekey=true). A CA-signed entry
    is reported with RV(needs_renewal); renew it with M(javasec.keystore.csr) and M(javasec.keystore.cert_reply).
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
      - Alias of the entry. Written in lowercase.
    type: str
    required: true
    aliases: [name, cert_alias]
  state:
    description:
      - V(present) makes sure the entry exists as described; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
  store_type:
    description:
      - Type of the store when this task creates it. An existing store of another type makes the task fail; convert
        it with M(javasec.keystore.keystore).
    type: str
    aliases: [keystore_type]
    choices: [jks, pkcs12]
  key_password:
    description:
      - Password of this key entry. Defaults to the store password.
      - Only JKS can protect a key with its own password; for PKCS12 a different value is refused, since Java cannot
        open such a store.
      - WSO2 products need the key password to equal the store password.
    type: str
  key_type:
    description:
      - Algorithm of a generated key. Default V(rsa).
      - Like the other options of a generated key (O(subject) to O(is_ca), O(rekey), O(force)), it cannot be set
        with O(private_key), O(private_key_path) or O(src_path), which import a key as it is; the task fails
        instead of ignoring it.
    type: str
    choices: [rsa, ec, ed25519]
  key_size:
    description:
      - Size of a generated RSA key in bits. Default V(2048).
      - Set for an EC or Ed25519 key, it is ignored with a warning when the key is generated.
    type: int
  curve:
    description:
      - Curve of a generated EC key. Default V(secp256r1).
      - Set for an RSA or Ed25519 key, it is ignored with a warning when the key is generated.
    type: str
    choices: [secp256r1, secp384r1, secp521r1]
  subject:
    description:
      - "Subject of a generated certificate, as a dname string in RFC 4514 form the way C(keytool -dname) takes it
        (V(CN=host,OU=IT,O=Example,L=City,ST=State,C=NL)), or a dictionary of names and values or lists of values
        (V({CN: host, O: Example, DC: [example, com]}))."
      - "The string may hold multi-valued RDNs (V(CN=host+UID=42,O=Example)), quoted values (C(O=\"Example, Inc.\")),
        escapes (C(\\,) C(\\+) C(\\\") C(\\\\) C(\\#), hex pairs such as C(\\2C)), C(#)-hex BER values, C(;) between RDNs,
        spaces around separators, keytool's names (V(S) for V(ST), V(T), V(EMAIL), V(DNQ), V(UID), V(IP) ...) and
        dotted OIDs (V(2.5.4.3=host) or V(OID.2.5.4.3=host))."
      - Required to generate a new entry.
    type: raw
  subject_alt_names:
    description:
      - Subject alternative names of a generated certificate, each with its type - V(DNS:host.example.com),
        V(IP:192.0.2.1), V(URI:https://host), V(email:ops@example.com).
      - Without them clients verifying host names fail with "No subject alternative DNS name matching".
    type: list
    elements: str
    default: []
  validity_days:
    description: Validity of a generated certificate in days. Default V(365) (keytool's is 90).
    type: int
  signature_algorithm:
    description:
      - Signature algorithm of a generated certificate, for example V(SHA256withRSA) or V(SHA384withECDSA).
      - Default - SHA-256 (SHA-384 or SHA-512 for larger EC curves); Ed25519 has its own.
    type: str
  key_usage:
    description:
      - Key usage of a generated certificate, for example V(digitalSignature), V(keyEncipherment),
        V(dataEncipherment) (needed by WSO2's cipher tool), V(keyCertSign).
    type: list
    elements: str
    default: []
  extended_key_usage:
    description: Extended key usage of a generated certificate, for example V(serverAuth), V(clientAuth), or an OID.
    type: list
    elements: str
    default: []
  is_ca:
    description: Whether a generated certificate is a CA (basicConstraints CA:true).
    type: bool
    default: false
  private_key:
    description: The private key to import, PEM (PKCS#1, SEC1 or PKCS#8, encrypted or not) or DER, from the controller.
    type: str
  private_key_path:
    description: Path on the managed node of the private key to import.
    type: path
  private_key_passphrase:
    description:
      - Passphrase of an encrypted O(private_key) or O(private_key_path).
      - O(certificate), O(certificate_path), O(chain), O(chain_path), O(ca_path), O(private_key_passphrase),
        O(src_password) and O(src_alias) only apply to an import; without O(private_key), O(private_key_path) or
        O(src_path) the task fails instead of generating a key and ignoring them.
    type: str
  certificate:
    description:
      - The certificate of the key (PEM or DER), from the controller. It may also carry the chain; the leaf is
        found by matching the key.
    type: str
  certificate_path:
    description: Path on the managed node of the certificate of the key.
    type: path
  chain:
    description: CA certificates of the chain (PEM, any order), from the controller.
    type: str
  chain_path:
    description: Path on the managed node of the CA certificates of the chain (PEM, any order).
    type: path
  src_path:
    description:
      - Import the key and chain from this PKCS12/PFX or JKS file on the managed node instead
        (what C(keytool -importkeystore) does).
    type: path
    aliases: [pkcs12_path]
  src_password:
    description: Password of O(src_path).
    type: str
    aliases: [pkcs12_password]
  src_alias:
    description: Alias of the entry in O(src_path). Defaults to its only private key entry.
    type: str
    aliases: [pkcs12_alias]
  ca_path:
    description: A PEM file on the managed node with CA certificates used to complete the chain.
    type: path
  validate_chain:
    description:
      - Verify every signature of the chain and fail, naming the missing issuer, when it cannot be completed to a
        self-signed root.
      - With V(false) an incomplete chain is stored as it is.
    type: bool
    default: true
  renew_before_days:
    description:
      - Renew a self-signed entry whose certificate expires within this many days (or has expired).
    type: int
  rekey:
    description: Renew with a new key instead of the current one. Needs O(renew_before_days).
    type: bool
    default: false
  force:
    description: Generate a new key and certificate even when the entry exists.
    type: bool
    default: false
seealso:
  - module: javasec.keystore.csr
  - module: javasec.keystore.cert_reply
  - module: javasec.keystore.keystore_info
author:
  - javasec.keystore contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Generate a server key the way WSO2 needs it (key password = store password)
  javasec.keystore.key_entry:
    path: /opt/wso2/repository/resources/security/wso2carbon.jks
    store_type: jks
    password: "{{ keystore_password }}"
    alias: wso2carbon
    subject: "CN={{ inventory_hostname }},OU=IT,O=Example,C=NL"
    subject_alt_names:
      - "DNS:{{ inventory_hostname }}"
      - "DNS:{{ ansible_facts['fqdn'] }}"
      - "IP:{{ ansible_facts['default_ipv4']['address'] }}"
    key_usage: [digitalSignature, keyEncipherment, dataEncipherment]
    extended_key_usage: [serverAuth, clientAuth]
    validity_days: 825
    renew_before_days: 30

- name: Import an existing key, certificate and CA chain
  javasec.keystore.key_entry:
    path: /opt/app/conf/keystore.p12
    password: "{{ keystore_password }}"
    alias: server
    private_key: "{{ lookup('ansible.builtin.file', 'server.key') }}"
    certificate: "{{ lookup('ansible.builtin.file', 'server.crt') }}"
    chain: "{{ lookup('ansible.builtin.file', 'ca-chain.pem') }}"

- name: Take the key out of a PFX file
  javasec.keystore.key_entry:
    path: /opt/app/conf/keystore.jks
    password: "{{ keystore_password }}"
    alias: server
    src_path: /tmp/server.pfx
    src_password: "{{ pfx_password }}"
'''

RETURN = r'''
alias:
  description: Alias of the entry.
  returned: always
  type: str
  sample: wso2carbon
change_reason:
  description: V(created), V(chain_updated) (same key, new chain), V(renewed) (same key, new certificate),
    V(rekeyed) (new key), V(removed), or null when nothing changed.
  returned: always
  type: str
  sample: created
sha256:
  description: SHA-256 fingerprint of the leaf certificate.
  returned: state is present
  type: str
chain:
  description: The chain, leaf first.
  returned: state is present
  type: list
  elements: dict
  contains:
    subject:
      description: Subject.
      type: str
    issuer:
      description: Issuer.
      type: str
    not_after:
      description: End of validity (ISO 8601, UTC).
      type: str
    sha256:
      description: SHA-256 fingerprint.
      type: str
certificate:
  description:
    - The leaf certificate (PEM), what M(javasec.keystore.cert_export) would export, so a role needs no second task for it.
  returned: state is present
  type: str
  version_added: 0.2.0
certificate_matches:
  description:
    - Whether the leaf certificate carries the O(subject), O(subject_alt_names), O(key_usage), O(extended_key_usage) and
      O(is_ca) of this task; always true when O(subject) is not set or the entry is imported.
    - A CA-signed entry is never changed for these options, so V(false) tells that it needs a new certificate from its CA
      (M(javasec.keystore.csr) and M(javasec.keystore.cert_reply)).
  returned: state is present
  type: bool
  version_added: 0.2.0
days_remaining:
  description: Whole days until the leaf certificate expires.
  returned: state is present
  type: int
needs_renewal:
  description: Whether the leaf expires within O(renew_before_days) and this task could not renew it (CA-signed).
  returned: state is present
  type: bool
store_type:
  description: Type of the store.
  returned: always
  type: str
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
    StoreSession, entry_argument_spec, fail, load_or_create, located, read_target_file, save_if_changed)

CERTIFICATE_OPTIONS = ('certificate', 'certificate_path', 'chain', 'chain_path')


def read_material(module):
    """The import options as the planner takes them: files read, src_path opened."""
    params = module.params
    source = None
    if params['src_path']:
        if params['src_password'] is None:
            fail(module, 'src_password is required with src_path')
        try:
            source = codec.load_bytes(read_target_file(module, params['src_path'], 'src_path'), params['src_password'])
        except model.KeystoreError as exc:
            fail(module, located(params['src_path'], exc))
    key = params['private_key']
    if key is None and params['private_key_path']:
        key = read_target_file(module, params['private_key_path'], 'private_key_path')
    texts = [(o, read_target_file(module, params[o], o) if o.endswith('_path') else params[o])
             for o in CERTIFICATE_OPTIONS if params[o] is not None]
    ca = read_target_file(module, params['ca_path'], 'ca_path') if params['ca_path'] else None
    return keyplan.KeyMaterial(key, params['private_key_passphrase'], source, params['src_path'], params['src_alias'],
                               texts, ca, params['validate_chain'])


def main():
    argument_spec = entry_argument_spec()
    argument_spec['store_type']['aliases'] = ['keystore_type']
    argument_spec.update(
        alias=dict(type='str', required=True, aliases=['name', 'cert_alias']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        key_password=dict(type='str', no_log=True),
        # no defaults here: the planner tells an option the task set from one it omitted (see KeyOptions)
        key_type=dict(type='str', choices=['rsa', 'ec', 'ed25519']),
        key_size=dict(type='int'),
        curve=dict(type='str', choices=['secp256r1', 'secp384r1', 'secp521r1']),
        subject=dict(type='raw'),
        subject_alt_names=dict(type='list', elements='str', default=[]),
        validity_days=dict(type='int'),
        signature_algorithm=dict(type='str'),
        key_usage=dict(type='list', elements='str', default=[]),
        extended_key_usage=dict(type='list', elements='str', default=[]),
        is_ca=dict(type='bool', default=False),
        private_key=dict(type='str', no_log=True),
        private_key_path=dict(type='path'),
        private_key_passphrase=dict(type='str', no_log=True),
        certificate=dict(type='str'),
        certificate_path=dict(type='path'),
        chain=dict(type='str'),
        chain_path=dict(type='path'),
        src_path=dict(type='path', aliases=['pkcs12_path']),
        src_password=dict(type='str', no_log=True, aliases=['pkcs12_password']),
        src_alias=dict(type='str', aliases=['pkcs12_alias']),
        ca_path=dict(type='path'),
        validate_chain=dict(type='bool', default=True),
        renew_before_days=dict(type='int'),
        rekey=dict(type='bool', default=False),
        force=dict(type='bool', default=False),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        supports_check_mode=True,
        add_file_common_args=True,
        mutually_exclusive=[
            ('private_key', 'private_key_path', 'src_path'),
            ('certificate', 'certificate_path', 'src_path'),
        ],
    )
    params = module.params
    alias = params['alias'].lower()
    if params['key_password'] is not None:
        params['key_passwords'] = dict(params['key_passwords'] or {}, **{alias: params['key_password']})
    result = {'changed': False, 'alias': alias, 'change_reason': None}
    importing = any(params[o] for o in keyplan.KEY_SOURCE_OPTIONS)
    try:
        keyplan.check_key_entry_options(params)
    except model.KeystoreError as exc:
        fail(module, exc)
    with StoreSession(module) as session:
        store, created = load_or_create(module, session)
        before = certs.summary(store) if not created else {}
        result['store_type'] = store.store_type
        try:
            entry = keyplan.key_entry_of(store, alias)
            if params['state'] == 'present':
                own_password = keyplan.own_key_password(store, alias, params['key_password'], params['password'])
                if importing:
                    plan = keyplan.plan_import(store, entry, read_material(module))
                else:
                    plan = keyplan.plan_generate(entry, keyplan.KeyOptions.from_params(params))
        except model.KeystoreError as exc:
            fail(module, exc)
        if params['state'] == 'absent':
            if entry is not None:
                store.remove(alias)
                result['change_reason'] = 'removed'
                save_if_changed(module, session, before, store, True, False, result)
            module.exit_json(**result)
        for warning in plan.warnings:
            module.warn(warning)
        if plan.reason is not None:
            entry = keyplan.apply_key_plan(store, alias, plan, own_password)
            result['change_reason'] = plan.reason
        save_if_changed(module, session, before, store, plan.reason is not None, created, result)
        renewal = keyplan.renewal(entry.chain[0], params['renew_before_days'])
        try:
            matches = importing or keyplan.leaf_matches(entry.chain[0], params)
        except model.KeystoreError as exc:
            fail(module, exc)
        result.update(sha256=certs.fingerprint(entry.chain[0]), chain=certs.chain_summary(entry.chain),
                      certificate=certs.pem(entry.chain[0]), certificate_matches=matches,
                      days_remaining=renewal.days_remaining, needs_renewal=renewal.needs_renewal)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
