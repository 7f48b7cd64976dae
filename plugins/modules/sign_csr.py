#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: sign_csr
short_description: Sign a PKCS#10 CSR with a CA key entry kept in a keystore
version_added: 0.1.0
description:
  - Issues a certificate for a CSR with the private key of a CA entry of a keystore (what C(keytool -gencert) does),
    and returns it with the CA chain, ready for M(javasec.keystore.cert_reply).
  - The CSR's signature is verified. Subject and subject alternative names are copied from the CSR unless overridden.
  - Idempotent - when O(dest) already holds a certificate issued by this CA for the same public key, subject, names and
    usages, valid for more than O(renew_before_days), it is returned unchanged and nothing is signed.
  - "Meant to run where the CA lives, usually the controller (C(delegate_to: localhost))."
extends_documentation_fragment:
  - ansible.builtin.files
  - javasec.keystore.attributes
  - javasec.keystore.attributes.files
  - javasec.keystore.attributes.idempotent
  - javasec.keystore.keystore.dest
options:
  ca_path:
    description: Keystore (JKS or PKCS12) holding the CA's private key entry.
    type: path
    required: true
  ca_password:
    description: Password of O(ca_path) (and of the CA key).
    type: str
    required: true
  ca_alias:
    description: Alias of the CA's private key entry in O(ca_path).
    type: str
    required: true
  csr:
    description: The CSR, PEM or DER content.
    type: str
  csr_path:
    description: Path of the CSR file.
    type: path
  dest:
    description:
      - Where to keep the issued certificate (PEM). Needed for idempotency; without it every run signs anew.
      - Its directory must exist.
    type: path
  backup:
    description:
      - Before O(dest) is replaced, keep a copy of it beside it, with a timestamp in its name (RV(backup_file)).
    type: bool
    default: false
    version_added: 0.2.0
  validity_days:
    description: Validity of the issued certificate in days.
    type: int
    default: 365
  renew_before_days:
    description: Issue a new certificate when the one in O(dest) expires within this many days.
    type: int
    default: 30
  subject:
    description: Subject of the certificate (dname string or dictionary); default the CSR's subject.
    type: raw
  subject_alt_names:
    description:
      - Subject alternative names (V(DNS:name), V(IP:address), ...); default those requested in the CSR.
    type: list
    elements: str
  key_usage:
    description: Key usage of the certificate; default V(digitalSignature) and V(keyEncipherment), or CA usages when O(is_ca).
    type: list
    elements: str
  extended_key_usage:
    description: Extended key usage; default V(serverAuth) and V(clientAuth) unless O(is_ca).
    type: list
    elements: str
  is_ca:
    description: Issue a CA certificate (basicConstraints CA:true), for an intermediate CA.
    type: bool
    default: false
  path_length:
    description: Path length constraint of a CA certificate.
    type: int
  signature_algorithm:
    description: Signature algorithm, for example V(SHA256withRSA); default by the CA key type.
    type: str
  mode:
    description:
      - Mode of O(dest). A file this module creates gets V(0644) (a certificate holds no secret) unless O(mode) is
        set; an existing file keeps its mode unless O(mode) is set.
attributes:
  check_mode:
    support: full
    details:
      - The certificate is still issued and returned; O(dest) is not written.
  diff_mode:
    support: full
    details:
      - The diff shows the SHA-256 fingerprint, subject and end of validity of the certificate in O(dest) before and
        after, never the certificate itself.
  safe_file_operations:
    support: full
    details:
      - O(dest) is written to a temporary file in the same directory, synced and moved over the old one.
      - The CA keystore is only read, never written.
  idempotent:
    support: full
    details:
      - Only with O(dest) - the certificate in it is compared by content (issuer, public key, subject, names, usages,
        signature hash) and kept until O(renew_before_days). Without O(dest) every run signs a new certificate and
        reports a change.
requirements:
  - cryptography >= 3.4.8 where the module runs (usually the controller, see the description)
notes:
  - The CA's private key never leaves O(ca_path) and is never returned; only certificates are.
seealso:
  - module: javasec.keystore.csr
  - module: javasec.keystore.cert_reply
author:
  - javasec.keystore contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Sign the host's CSR with the local CA on the controller
  javasec.keystore.sign_csr:
    ca_path: "{{ playbook_dir }}/local-ca/ca.p12"
    ca_password: "{{ local_ca_password }}"
    ca_alias: root
    csr: "{{ host_csr.csr }}"
    dest: "{{ playbook_dir }}/local-ca/issued/{{ inventory_hostname }}.pem"
    validity_days: 397
  delegate_to: localhost
  register: signed
'''

RETURN = r'''
certificate:
  description: The issued certificate (PEM).
  returned: success
  type: str
chain:
  description: The issued certificate followed by the CA chain (PEM), as a CA reply.
  returned: success
  type: str
ca_certificate:
  description: The CA's root certificate (PEM), for truststores.
  returned: success
  type: str
sha256:
  description: SHA-256 fingerprint of the issued certificate.
  returned: success
  type: str
not_after:
  description: End of validity of the issued certificate (ISO 8601, UTC).
  returned: success
  type: str
backup_file:
  description: Name of the backup of O(dest) that was created.
  returned: when O(dest) was replaced and O(backup=true)
  type: str
  sample: /srv/local-ca/issued/app.pem.2024-01-01@12:00:00~
'''

import datetime

from ansible.module_utils.basic import AnsibleModule

# first: the engine modules below compile once, not twice, from the AnsiballZ zip (see _compile_once)
from ansible_collections.javasec.keystore.plugins.module_utils import _compile_once  # noqa: F401 pylint: disable=unused-import
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _csr as csrlib
from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils._module import (
    PublicFile, ReadSession, fail, follow_argument_spec, located, read_target_file)

x509 = support.x509
serialization = support.serialization


def file_facts(data):
    """Public facts of a certificate for the diff (data: PEM or DER bytes, or None)."""
    if data is None:
        return {'state': 'absent'}
    try:
        der = certs.load_certificates(data, 'dest')[0]
    except model.KeystoreError:
        return {'state': 'not a certificate'}
    cert = certs.load_cert(der)
    return {'sha256': certs.fingerprint(der), 'subject': cert.subject.rfc4514_string(),
            'not_after': certs.iso_date(certs.cert_not_after(cert))}


def wanted_extensions(params, csr):
    sans = params['subject_alt_names']
    if sans is None:
        requested = certs.extension(csr, 'SubjectAlternativeName')
        san_objects = list(requested) if requested is not None else []
    else:
        san_objects = issue.parse_sans(sans)
    if params['key_usage'] is not None:
        key_usage = params['key_usage']
    elif params['is_ca']:
        key_usage = ['keyCertSign', 'cRLSign', 'digitalSignature']
    else:
        key_usage = ['digitalSignature', 'keyEncipherment']
    if params['extended_key_usage'] is not None:
        eku = params['extended_key_usage']
    else:
        eku = [] if params['is_ca'] else ['serverAuth', 'clientAuth']
    return san_objects, key_usage, eku


def current_is_good(current, ca_cert, ca_key, csr, subject, sans, key_usage, eku, params):
    """Whether the certificate already in dest (PEM bytes or None) is what this task would issue, and not due."""
    try:
        cert = x509.load_pem_x509_certificate(current) if current is not None else None
    except ValueError:
        cert = None
    if cert is None or cert.subject != subject or not support.is_issued_by(cert, ca_cert):
        return False
    if certs.public_der(certs.cert_public_key(cert)) != certs.public_der(certs.cert_public_key(csr, 'the CSR')):
        return False
    current_sans = certs.extension(cert, 'SubjectAlternativeName')
    if sorted(list(current_sans or []), key=repr) != sorted(sans, key=repr):
        return False
    if certs.extension(cert, 'KeyUsage') != (issue.key_usage_extension(key_usage) if key_usage else None):
        return False
    current_eku = certs.extension(cert, 'ExtendedKeyUsage')
    if list(current_eku or []) != (list(issue.eku_extension(eku)) if eku else []):
        return False
    basic = certs.extension(cert, 'BasicConstraints')
    if bool(basic and basic.ca) != params['is_ca']:
        return False
    if params['is_ca'] and basic.path_length != params['path_length']:
        return False
    # the hash this task would sign with (its signature_algorithm, else the CA key's default)
    wanted_hash = issue.signature_for(ca_key, params['signature_algorithm']).hash
    current_hash = support.signature_hash_of(cert)[0]
    if (wanted_hash and wanted_hash.name) != (current_hash and current_hash.name):
        return False
    remaining = certs.cert_not_after(cert) - datetime.datetime.now(datetime.timezone.utc)
    return remaining.total_seconds() > params['renew_before_days'] * 86400


def main():
    module = AnsibleModule(
        argument_spec=dict(
            ca_path=dict(type='path', required=True),
            ca_password=dict(type='str', required=True, no_log=True),
            ca_alias=dict(type='str', required=True),
            csr=dict(type='str'),
            csr_path=dict(type='path'),
            dest=dict(type='path'),
            backup=dict(type='bool', default=False),
            validity_days=dict(type='int', default=365),
            renew_before_days=dict(type='int', default=30),
            subject=dict(type='raw'),
            subject_alt_names=dict(type='list', elements='str'),
            key_usage=dict(type='list', elements='str'),
            extended_key_usage=dict(type='list', elements='str'),
            is_ca=dict(type='bool', default=False),
            path_length=dict(type='int'),
            signature_algorithm=dict(type='str'),
            **follow_argument_spec()
        ),
        supports_check_mode=True,
        add_file_common_args=True,
        required_one_of=[('csr', 'csr_path')],
        mutually_exclusive=[('csr', 'csr_path')],
    )
    params = module.params
    result = {'changed': False}
    session = ReadSession(module, path=params['ca_path'], password=params['ca_password'], key_passwords={})
    entry = session.entry(session.load(), params['ca_alias'], (model.PrivateKeyEntry,))
    dest = params['dest']
    target = PublicFile(module, dest) if dest else None
    try:
        if entry.key_der is None or not entry.chain:
            raise located(session.path, model.KeystoreError(
                'alias "%s" is not a private key entry with a certificate that the password opens' % entry.alias))
        ca_cert = certs.load_cert(entry.chain[0])
        ca_key = certs.load_key(entry.key_der)
        csr_data = params['csr']
        if csr_data is None:
            csr_data = read_target_file(module, params['csr_path'], 'csr_path')
        csr = csrlib.load_csr(certs.to_bytes(csr_data))
        if csr is None:
            raise model.CertificateInputError('the CSR cannot be parsed (neither PEM nor DER PKCS#10)')
        if not csr.is_signature_valid:
            raise model.CertificateInputError('the CSR signature is not valid')
        subject = issue.parse_subject(params['subject']) if params['subject'] is not None else csr.subject
        sans, key_usage, eku = wanted_extensions(params, csr)
        current = target.read() if target else None
        if target and current_is_good(current, ca_cert, ca_key, csr, subject, sans, key_usage, eku, params):
            cert_der = x509.load_pem_x509_certificate(current).public_bytes(serialization.Encoding.DER)
        else:
            cert_der = issue.build_certificate(
                subject, certs.cert_public_key(csr, 'the CSR'), ca_cert.subject, ca_key, params['validity_days'], sans,
                key_usage, eku, params['is_ca'], params['signature_algorithm'],
                issuer_public_key=certs.cert_public_key(ca_cert),
                path_length=params['path_length'])
            result['changed'] = True
            if target:
                target.write(certs.pem(cert_der).encode('ascii'), result)
                if module._diff:
                    result['diff'] = {'before': file_facts(current), 'after': file_facts(cert_der)}
    except model.KeystoreError as exc:
        fail(module, exc)
    if target:
        target.apply_attributes(result, created=current is None)
    full_chain = [cert_der] + list(entry.chain)
    result.update(
        certificate=certs.pem(cert_der),
        chain=''.join(certs.pem(c) for c in full_chain),
        ca_certificate=certs.pem(entry.chain[-1]),
        sha256=certs.fingerprint(cert_der),
        not_after=certs.iso_date(certs.cert_not_after(certs.load_cert(cert_der))),
    )
    module.exit_json(**result)


if __name__ == '__main__':
    main()
