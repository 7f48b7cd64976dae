#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: trusted_cert
short_description: Trust (or stop trusting) many certificates in a Java truststore (JKS or PKCS12) in one task
version_added: 0.1.0
description:
  - Makes certificates trusted certificate entries of a JKS or PKCS12 keystore, or removes them.
  - Takes any mix of certificates given inline or as files on the managed node (O(certificates)), PEM
    bundles (O(bundle), O(bundle_path)) and the chains TLS servers present (O(urls)).
  - However many certificates are given, the store is read once and written at most once, atomically.
    Any bad input makes the task fail before the store is touched.
  - Certificates are compared by content (SHA-256), not by alias. A certificate that is already trusted
    under any alias is not added again; it is reported in RV(unchanged) with the alias it has.
  - Private key and secret key entries are never modified or removed.
  - An input that holds a PEM private key (a combined key and certificate C(server.pem) given as O(bundle),
    C(content) or C(path) of O(certificates), or O(bundle_path)) makes the task fail before the store
    is touched; the key is masked in the task's printed arguments and never appears in the message.
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
  state:
    description:
      - V(present) adds the given certificates that the store does not trust yet, creating the store when
        the file does not exist.
      - V(absent) removes the trusted certificate entries named in O(aliases) and those holding any of the
        given certificates (under whatever alias). A missing store is left missing.
    type: str
    choices: [present, absent]
    default: present
  store_type:
    description:
      - Type of a store this module creates. A new store is V(pkcs12) unless set.
      - When set and an existing store has another type, the task fails and the store is left untouched;
        this module never converts a store. Convert it with M(javasec.keystore.keystore) (its O(javasec.keystore.keystore#module:store_type)
        option), which does so losslessly.
      - When not set, an existing store keeps its type.
      - JCEKS stores are refused (they can be read but not written); convert them with M(javasec.keystore.keystore).
    type: str
    choices: [jks, pkcs12]
  certificates:
    description:
      - Certificates to trust (or, with O(state=absent), to remove), one item per certificate.
      - An item whose content or file holds several certificates adds every one of them, each with a derived alias;
        O(certificates[].alias) can then not be set.
    type: list
    elements: dict
    default: []
    suboptions:
      content:
        description:
          - The certificate as PEM text, or base64 of its DER or PEM form (what M(ansible.builtin.slurp) returns).
          - Mutually exclusive with O(certificates[].path).
        type: str
      path:
        description:
          - Path of a PEM or DER certificate file on the managed node.
          - Mutually exclusive with O(certificates[].content).
        type: path
      alias:
        description:
          - Alias of the entry; written in lowercase.
          - When not set, the alias is derived from the certificate - its common name, lowercased, with
            every run of other characters than letters and digits replaced by C(-), followed by C(-) and the
            first 8 hex digits of its SHA-256 fingerprint (for example C(isrg-root-x1-96bcec06)) - and a
            suffix C(-2), C(-3)... is added in the unlikely case that this alias is taken.
          - When the alias holds another trusted certificate, that certificate is replaced. When it holds a
            key entry the task fails.
        type: str
  bundle:
    description:
      - PEM text with any number of certificates (for example a CA bundle); one entry per certificate, with
        derived aliases (see O(certificates[].alias)).
      - Text outside the C(BEGIN)/C(END) lines (comments) is ignored.
    type: str
  bundle_path:
    description:
      - Path of a PEM bundle (or a DER certificate) on the managed node; one entry per certificate, with
        derived aliases.
    type: path
    aliases: [cert_path]
  urls:
    description:
      - TLS servers whose presented certificates to trust. The managed node connects to each server and
        completes a TLS handshake without verifying anything - that is trust on first use, so make sure the
        network path can be trusted, or compare the returned fingerprints with known ones.
      - The presented certificates are ordered from the leaf up along the issuer path; certificates the
        server sends that are not on the path of its leaf certificate are ignored.
      - Python 3.10 and later read the whole presented chain. Older Pythons read it from a TLS 1.2
        handshake; from a server that speaks only TLS 1.3 they get only the leaf, and the task warns.
      - An unreachable server makes the task fail before the store is touched.
    type: list
    elements: dict
    default: []
    suboptions:
      host:
        description: Host name or IP address of the server.
        type: str
        required: true
      port:
        description: TCP port of the server.
        type: int
        default: 443
      sni:
        description:
          - Server name sent in the TLS handshake (SNI), to pick one of several virtual hosts.
          - Defaults to O(urls[].host). No server name is sent for an IP address, nor when this is an empty string.
        type: str
      timeout:
        description: Seconds to wait for the connection and for each read of the handshake.
        type: float
        default: 10
      trust:
        description:
          - Which of the presented certificates to trust.
          - V(chain) trusts every certificate of the presented path, leaf to top. It keeps working when the
            server renews its leaf certificate under the same CA and does not depend on whether the server
            sends its root.
          - V(leaf) trusts only the server's own certificate (pinning); it has to be trusted again on every
            renewal.
          - V(root) trusts only the top-most certificate of the path - the root CA when the server sends it,
            otherwise (with a warning) the highest intermediate it sends.
        type: str
        choices: [leaf, root, chain]
        default: chain
      alias:
        description:
          - Alias of the first certificate trusted (the leaf for V(leaf) and V(chain), the top one for
            V(root)); the other certificates of a chain get derived aliases.
        type: str
  aliases:
    description:
      - With O(state=absent), aliases of trusted certificate entries to remove (case-insensitive). Aliases
        that do not exist are ignored; an alias of a key entry makes the task fail.
      - Not allowed with O(state=present).
    type: list
    elements: str
    default: []
  exclusive:
    description:
      - With O(state=present), make the trusted certificate entries of the store exactly the given
        certificates (after O(ca_only) and O(expired) filtering) - every other trusted certificate entry is
        removed, and so are extra aliases of a given certificate that the store trusts more than once.
      - Key entries and secret keys are kept as they are.
      - With no certificate to keep (none given, or every given one left out by O(ca_only) or O(expired)),
        the task fails, since it would remove every trusted certificate entry (an empty variable or a
        failed lookup looks just like that), unless O(allow_empty=true).
    type: bool
    default: false
  allow_empty:
    description:
      - With O(exclusive=true), allow the list of certificates to keep to be empty, so that every trusted
        certificate entry is removed on purpose.
    type: bool
    default: false
    version_added: 0.2.0
  ca_only:
    description:
      - With O(state=present), only take certificates whose basic constraints extension says CA:true; the
        others are reported in RV(excluded).
    type: bool
    default: false
  expired:
    description:
      - With O(state=present), what to do with given certificates that have expired.
      - V(import) adds them anyway and warns.
      - V(skip) leaves them out (reported in RV(excluded)).
      - V(fail) makes the task fail before the store is touched.
    type: str
    choices: [import, skip, fail]
    default: import
  mode:
    description:
      - A store created by this module gets mode V(0600) unless O(mode) is set. An existing store keeps its
        mode unless O(mode) is set.
notes:
  - The JSSE trust manager (Java's default) trusts a chain when any certificate of it is a trusted
    certificate entry, so trusting only an intermediate or only the leaf is enough for Java clients.
seealso:
  - module: javasec.keystore.keystore
  - module: javasec.keystore.keystore_info
author:
  - javasec.keystore contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Trust the operating system's CA bundle in a new JKS truststore, in one task
  javasec.keystore.trusted_cert:
    path: /opt/app/conf/truststore.jks
    password: "{{ truststore_password }}"
    store_type: jks
    bundle_path: /etc/ssl/certs/ca-certificates.crt
    ca_only: true
    expired: skip

- name: Trust the corporate CAs from the controller, under chosen aliases
  javasec.keystore.trusted_cert:
    path: /opt/app/conf/truststore.p12
    password: "{{ truststore_password }}"
    certificates:
      - alias: corp-root
        content: "{{ lookup('ansible.builtin.file', 'files/corp-root.pem') }}"
      - alias: corp-issuing
        path: /etc/pki/ca-trust/source/anchors/corp-issuing.pem

- name: Trust the CA chain an internal service presents
  javasec.keystore.trusted_cert:
    path: /opt/app/conf/truststore.p12
    password: "{{ truststore_password }}"
    urls:
      - host: ldap.internal.example
        port: 636
        trust: root
  register: trusted

- name: Make the truststore hold exactly these CAs (key entries are kept)
  javasec.keystore.trusted_cert:
    path: /opt/app/conf/keystore.p12
    password: "{{ keystore_password }}"
    bundle: "{{ lookup('ansible.builtin.file', 'files/allowed-cas.pem') }}"
    exclusive: true

- name: Stop trusting a CA, by alias and by content
  javasec.keystore.trusted_cert:
    path: /opt/app/conf/truststore.p12
    password: "{{ truststore_password }}"
    state: absent
    aliases:
      - old-corp-root
    certificates:
      - path: /etc/pki/retired/compromised-ca.pem
'''

RETURN = r'''
added:
  description: Certificates that were (or in check mode would be) added.
  returned: always
  type: list
  elements: dict
  contains:
    alias:
      description: Alias of the entry.
      type: str
      sample: isrg-root-x1-96bcec06
    sha256:
      description: SHA-256 fingerprint of the certificate, as keytool prints it.
      type: str
      sample: "96:BC:EC:06:26:49:76:F3:74:60:77:9A:CF:28:C5:A7:CF:E8:A3:C0:AA:E1:1A:8F:FC:EE:05:C0:BD:DF:08:C6"
    subject:
      description: Subject of the certificate (RFC 4514).
      type: str
      sample: CN=ISRG Root X1,O=Internet Security Research Group,C=US
    not_after:
      description: End of validity of the certificate (UTC, ISO 8601).
      type: str
      sample: "2035-06-04T11:04:38Z"
removed:
  description:
    - Trusted certificate entries that were (or in check mode would be) removed, with the same keys as RV(added).
    - An entry whose certificate is replaced under the same alias appears both here and in RV(added).
  returned: always
  type: list
  elements: dict
  sample: []
unchanged:
  description: Given certificates that the store already trusts, with the alias they have in the store.
  returned: always
  type: list
  elements: dict
  sample: []
excluded:
  description:
    - Given certificates left out by O(ca_only) or O(expired=skip); the keys of RV(added) (C(alias) is the
      alias it was given, if any) plus C(reason).
    - Named C(skipped) in 0.1.0, a key Ansible reads as the task being skipped, so a task that added
      certificates was shown as skipped and its handlers did not run.
  returned: always
  type: list
  elements: dict
  sample: [{alias: null, sha256: "AB:...", subject: CN=www.example.com, not_after: "2020-01-01T00:00:00Z",
            reason: not a CA certificate}]
store_type:
  description: Type of the store after the task; absent when the store does not exist.
  returned: when the store exists or is created
  type: str
  sample: pkcs12
entries:
  description: Number of entries (of all types) in the store after the task.
  returned: when the store exists or is created
  type: int
  sample: 142
backup_file:
  description: Name of the backup file that was created.
  returned: changed and if O(backup) is V(true)
  type: str
  sample: /opt/app/conf/truststore.p12.2024-01-01@12:00:00~
'''


from ansible.module_utils.basic import AnsibleModule

# first: the engine modules below compile once, not twice, from the AnsiballZ zip (see _compile_once)
from ansible_collections.javasec.keystore.plugins.module_utils import _compile_once  # noqa: F401 pylint: disable=unused-import
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils import _truststore as truststore
from ansible_collections.javasec.keystore.plugins.module_utils._module import (
    StoreSession, check_libraries, entry_argument_spec, fail, load_or_create, located, save_if_changed)


def argument_spec():
    spec = entry_argument_spec()
    spec.update(
        state=dict(type='str', default='present', choices=['present', 'absent']),
        certificates=dict(
            type='list', elements='dict', default=[],
            options=dict(
                content=dict(type='str'),
                path=dict(type='path'),
                alias=dict(type='str'),
            ),
            mutually_exclusive=[('content', 'path')],
            required_one_of=[('content', 'path')],
        ),
        bundle=dict(type='str'),
        bundle_path=dict(type='path', aliases=['cert_path']),
        urls=dict(
            type='list', elements='dict', default=[],
            options=dict(
                host=dict(type='str', required=True),
                port=dict(type='int', default=443),
                sni=dict(type='str'),
                timeout=dict(type='float', default=10),
                trust=dict(type='str', default='chain', choices=['leaf', 'root', 'chain']),
                alias=dict(type='str'),
            ),
        ),
        aliases=dict(type='list', elements='str', default=[]),
        exclusive=dict(type='bool', default=False),
        allow_empty=dict(type='bool', default=False),
        ca_only=dict(type='bool', default=False),
        expired=dict(type='str', default='import', choices=['import', 'skip', 'fail']),
    )
    return spec


def main():
    module = AnsibleModule(argument_spec=argument_spec(), supports_check_mode=True, add_file_common_args=True)
    params = module.params
    present = params['state'] == 'present'
    result = {'changed': False, 'path': params['path'], 'added': [], 'removed': [], 'unchanged': [], 'excluded': []}
    if present and params['aliases']:
        module.fail_json(msg='aliases selects entries to remove; it needs state=absent', **result)
    if not present and params['exclusive']:
        module.fail_json(msg='exclusive needs state=present', **result)
    check_libraries(module)

    try:
        gathered = truststore.gather(params['certificates'], params['bundle'], params['bundle_path'], params['urls'])
        unique = truststore.deduplicate(gathered.candidates)
        for warning in gathered.warnings + unique.warnings:
            module.warn(warning)
        candidates = unique.candidates
        if present:
            selection = truststore.select(candidates, params['ca_only'], params['expired'])
            candidates, result['excluded'] = selection.kept, selection.excluded
            if params['exclusive'] and not candidates and not params['allow_empty']:
                raise truststore.InputError(
                    'exclusive=true with no certificate to keep (%s) would remove every trusted certificate entry; '
                    'set allow_empty=true to do that on purpose'
                    % ('every given certificate is excluded by ca_only or expired' if result['excluded']
                       else 'no certificate is given'))
    except truststore.PrivateKeyInputError as exc:
        # the key is in the task's arguments, which Ansible returns as invocation (-vvv, ansible.log)
        module.no_log_values.update(exc.secrets)
        fail(module, exc, **result)
    except model.KeystoreError as exc:
        fail(module, exc, **result)

    with StoreSession(module) as session:
        store, created = load_or_create(module, session)
        if created and not present:
            module.exit_json(**result)
        before = certs.summary(None if created else store) if module._diff else None
        try:
            if present:
                plan = truststore.plan_present(store, candidates, params['exclusive'])
            else:
                plan = truststore.plan_absent(store, candidates, params['aliases'])
        except truststore.InputError as exc:
            fail(module, exc, **result)
        except model.KeystoreError as exc:
            fail(module, located(session.path, exc), **result)
        result.update(added=plan.added, removed=plan.removed, unchanged=plan.unchanged)
        for warning in plan.warnings:
            module.warn(warning)
        truststore.apply_plan(store, plan)
        save_if_changed(module, session, before, store, plan.changes, created, result)
        result.update(store_type=store.store_type, entries=len(store.entries))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
