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
      - With no certificate given, every trusted certificate entry is removed.
    type: bool
    default: false
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

import base64
import binascii
import datetime
import hashlib
import sys

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils import _tls as tls
from ansible_collections.javasec.keystore.plugins.module_utils._module import (
    StoreSession, check_libraries, entry_argument_spec, fail, load_or_create, save_if_changed)


class InputError(model.KeystoreError):
    """A certificate input that cannot be used; the message names the item."""


class Candidate(object):
    """One certificate to trust or remove, with where it came from."""

    __slots__ = ('der', 'digest', 'alias', 'source', '_cert')

    def __init__(self, cert_der, source, alias=None):
        self.der = cert_der
        self.digest = hashlib.sha256(cert_der).digest()
        self.alias = alias.lower() if alias else None
        self.source = source
        self._cert = None

    @property
    def cert(self):
        if self._cert is None:
            self._cert = certs.load_cert(self.der)
        return self._cert


# ---- inputs ------------------------------------------------------------------------------


def _read_target_file(path, what):
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        raise InputError('%s: cannot read the file: %s' % (what, exc.strerror or exc))


def _parse(data, what):
    try:
        return certs.load_certificates(data, what)
    except model.CertificateInputError as exc:
        raise InputError(str(exc))


def _content_bytes(content, what):
    """PEM text, or base64 of DER or PEM (ansible.builtin.slurp) -> bytes for load_certificates."""
    text = content.strip()
    if '-----BEGIN' in text:
        return text.encode('utf-8')
    try:
        return base64.b64decode(''.join(text.split()).encode('ascii'), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise InputError('%s: neither PEM text nor base64 of a DER or PEM certificate' % what)


def _url_label(index, url):
    return 'urls[%d] (%s:%s)' % (index, url['host'], url['port'])


def _select_from_chain(module, presented, url, what):
    """The certificates of a presented chain that url['trust'] asks for, leaf first."""
    path, dummy = certs.build_chain(presented[0], presented[1:], verify=True)
    if url['trust'] == 'leaf':
        return path[:1]
    if url['trust'] == 'root':
        top = path[-1:]
        cert = certs.load_cert(top[0])
        if cert.subject != cert.issuer:
            module.warn('%s: the server does not send a self-signed root; the top-most certificate it sends (%s) '
                        'is trusted' % (what, cert.subject.rfc4514_string()))
        return top
    return path


def fetch_url(module, index, url):
    what = _url_label(index, url)
    if not url['host']:
        raise InputError('urls[%d]: host must not be empty' % index)
    try:
        presented, method = tls.fetch_chain(url['host'], url['port'], url['sni'], url['timeout'])
    except tls.TlsFetchError as exc:
        raise InputError('%s: %s' % ('urls[%d]' % index, exc))
    presented = [_parse(c, '%s certificate #%d' % (what, n + 1))[0] for n, c in enumerate(presented)]
    if method == tls.METHOD_LEAF and url['trust'] != 'leaf':
        module.warn('%s: Python %d.%d could not read the certificate chain the server presents (it needs Python '
                    '3.10+ or a server that speaks TLS 1.2); only its leaf certificate is trusted'
                    % ((what,) + tuple(sys.version_info[:2])))
    return _select_from_chain(module, presented, url, what)


def gather(module):
    """Every certificate the task names, in order, as Candidates. Reads files and contacts servers."""
    params = module.params
    out = []
    for index, item in enumerate(params['certificates']):
        what = 'certificates[%d]' % index
        if item['path'] is not None:
            what += ' (%s)' % item['path']
            found = _parse(_read_target_file(item['path'], what), what)
        else:
            found = _parse(_content_bytes(item['content'], what), what)
        if item['alias'] is not None and not item['alias'].strip():
            raise InputError('%s: alias must not be empty' % what)
        if item['alias'] and len(found) > 1:
            raise InputError('%s: holds %d certificates but has an alias; give one certificate per item, or use '
                             'bundle for many' % (what, len(found)))
        out.extend(Candidate(c, what, item['alias']) for c in found)
    if params['bundle'] is not None:
        out.extend(Candidate(c, 'bundle certificate #%d' % (n + 1), None)
                   for n, c in enumerate(_parse(params['bundle'], 'bundle')))
    if params['bundle_path'] is not None:
        what = 'bundle_path (%s)' % params['bundle_path']
        data = _read_target_file(params['bundle_path'], what)
        out.extend(Candidate(c, '%s certificate #%d' % (what, n + 1), None)
                   for n, c in enumerate(_parse(data, what)))
    for index, url in enumerate(params['urls']):
        chain = fetch_url(module, index, url)
        what = _url_label(index, url)
        for n, cert_der in enumerate(chain):
            out.append(Candidate(cert_der, '%s certificate #%d' % (what, n + 1), url['alias'] if n == 0 else None))
    return out


def deduplicate(module, candidates):
    """One Candidate per certificate; the same explicit alias for two certificates is an error."""
    by_digest, by_alias, out = {}, {}, []
    for cand in candidates:
        if cand.alias:
            other = by_alias.get(cand.alias)
            if other is not None and other.digest != cand.digest:
                raise InputError('alias "%s" is given to two different certificates (%s and %s)'
                                 % (cand.alias, other.source, cand.source))
        first = by_digest.get(cand.digest)
        if first is None:
            by_digest[cand.digest] = cand
            if cand.alias:
                by_alias[cand.alias] = cand
            out.append(cand)
            continue
        if cand.alias and first.alias is None:
            first.alias = cand.alias
            by_alias[cand.alias] = first
        elif cand.alias and cand.alias != first.alias:
            module.warn('%s is the same certificate as %s; it is given the alias "%s", not "%s"'
                        % (cand.source, first.source, first.alias, cand.alias))
    return out


# ---- facts -------------------------------------------------------------------------------


def _is_ca(cert):
    constraints = certs.extension(cert, 'BasicConstraints')
    return bool(constraints is not None and constraints.ca)


def describe(alias, cert_der, cert=None):
    info = {'alias': alias, 'sha256': certs.fingerprint(cert_der), 'subject': None, 'not_after': None}
    try:
        cert = cert or certs.load_cert(cert_der)
        info['subject'] = cert.subject.rfc4514_string()
        info['not_after'] = certs.iso_date(certs.cert_not_after(cert))
    except ValueError:
        pass  # a certificate in the store that cryptography cannot parse: report what is known
    return info


def apply_filters(module, candidates, excluded):
    """Drop (and report) what ca_only / expired: skip leave out; fail on expired: fail."""
    params = module.params
    now = datetime.datetime.now(datetime.timezone.utc)
    kept = []
    for cand in candidates:
        try:
            cert = cand.cert
        except ValueError:
            raise InputError('%s: the certificate cannot be parsed' % cand.source)
        if params['ca_only'] and not _is_ca(cert):
            excluded.append(dict(describe(cand.alias, cand.der, cert), reason='not a CA certificate'))
            continue
        if certs.cert_not_after(cert) < now:
            if params['expired'] == 'fail':
                raise InputError('%s: the certificate %s expired on %s (expired=fail)'
                                 % (cand.source, cert.subject.rfc4514_string(), certs.cert_not_after(cert).isoformat()))
            if params['expired'] == 'skip':
                excluded.append(dict(describe(cand.alias, cand.der, cert), reason='expired'))
                continue
        kept.append(cand)
    return kept


# ---- planning ----------------------------------------------------------------------------


class Plan(object):
    def __init__(self):
        self.add = []         # (alias, Candidate, replaces existing entry)
        self.remove = []      # lowercase aliases of trusted entries to drop
        self.removing = set()  # the same, for lookups
        self.added = []
        self.removed = []
        self.unchanged = []

    @property
    def changes(self):
        return bool(self.add or self.remove)


def _trusted_index(store):
    """SHA-256 digest -> aliases (store order) of the store's trusted certificate entries."""
    index = {}
    for entry in store.entries.values():
        if isinstance(entry, model.TrustedCertEntry):
            index.setdefault(hashlib.sha256(entry.cert).digest(), []).append(entry.alias)
    return index


def _key_entry_clash(alias, entry):
    return model.AliasClashError(
        'alias "%s" belongs to a %s entry; trusted_cert never changes or removes key entries, choose another '
        'alias' % (alias, entry.kind.replace('_', ' ')))


def _remove(plan, store, alias):
    key = alias.lower()
    if key not in plan.removing:
        plan.removing.add(key)
        plan.remove.append(key)
        entry = store.get(key)
        plan.removed.append(describe(entry.alias, entry.cert))


def plan_present(store, candidates, exclusive):
    plan = Plan()
    index = _trusted_index(store)
    kept = set()  # lowercase aliases of trusted entries that stay
    new = []
    for cand in candidates:
        aliases = index.get(cand.digest)
        if aliases:
            keep = aliases[0]
            for alias in aliases:
                if cand.alias and alias.lower() == cand.alias:
                    keep = alias
            kept.add(keep.lower())
            plan.unchanged.append(describe(keep, cand.der, cand.cert))
        else:
            new.append(cand)
    reserved = set(c.alias for c in new if c.alias)
    taken = set()
    for cand in new:
        if cand.alias:
            alias = cand.alias
            entry = store.get(alias)
            replaces = entry is not None
            if replaces:
                if not isinstance(entry, model.TrustedCertEntry):
                    raise _key_entry_clash(alias, entry)
                if alias in kept:
                    raise model.AliasClashError(
                        'alias "%s" holds a certificate that is also given (%s is trusted there already), so '
                        '%s cannot take that alias; choose another alias' % (alias, entry.alias, cand.source))
                _remove(plan, store, alias)
        else:
            base = alias = certs.derive_alias(cand.der)
            number = 1
            while store.get(alias) is not None or alias in reserved or alias in taken:
                number += 1
                alias = '%s-%d' % (base, number)
            replaces = False
        taken.add(alias)
        plan.add.append((alias, cand, replaces))
        plan.added.append(describe(alias, cand.der, cand.cert))
    if exclusive:
        for entry in list(store.entries.values()):
            if isinstance(entry, model.TrustedCertEntry) and entry.alias.lower() not in kept:
                _remove(plan, store, entry.alias)
    return plan


def plan_absent(store, candidates, aliases):
    plan = Plan()
    for alias in aliases:
        entry = store.get(alias)
        if entry is None:
            continue
        if not isinstance(entry, model.TrustedCertEntry):
            raise _key_entry_clash(entry.alias, entry)
        _remove(plan, store, entry.alias)
    if candidates:
        wanted = set(c.digest for c in candidates)
        for entry in list(store.entries.values()):
            if isinstance(entry, model.TrustedCertEntry) and hashlib.sha256(entry.cert).digest() in wanted:
                _remove(plan, store, entry.alias)
    return plan


def apply_plan(store, plan):
    for alias in plan.remove:
        store.remove(alias)
    stamp = codec.now_ms()
    for alias, cand, dummy in plan.add:
        store.add(model.TrustedCertEntry(alias, cand.der, stamp))


# ---- main --------------------------------------------------------------------------------


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
        bundle_path=dict(type='path'),
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
        candidates = deduplicate(module, gather(module))
        if present:
            candidates = apply_filters(module, candidates, result['excluded'])
    except model.KeystoreError as exc:
        fail(module, exc, **result)

    with StoreSession(module) as session:
        store, created = load_or_create(module, session)
        if created and not present:
            module.exit_json(**result)
        before = certs.summary(None if created else store) if module._diff else None
        try:
            if present:
                plan = plan_present(store, candidates, params['exclusive'])
            else:
                plan = plan_absent(store, candidates, params['aliases'])
        except model.KeystoreError as exc:
            fail(module, type(exc)('%s: %s' % (session.path, exc)), **result)
        result.update(added=plan.added, removed=plan.removed, unchanged=plan.unchanged)
        now = certs.iso_date(datetime.datetime.now(datetime.timezone.utc))
        for info in plan.added:
            if info['not_after'] and info['not_after'] < now:
                module.warn('the certificate %s (alias %s) expired on %s; it is trusted anyway (expired=import)'
                            % (info['subject'], info['alias'], info['not_after']))
        apply_plan(store, plan)
        save_if_changed(module, session, before, store, plan.changes, created, result)
        result.update(store_type=store.store_type, entries=len(store.entries))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
