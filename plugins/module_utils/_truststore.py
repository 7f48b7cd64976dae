# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planner of javasec.keystore.trusted_cert: which certificates a task names, which of them a store lacks,
and the changes that make the store trust them (or stop trusting them).

PRIVATE: this is not a public API of the collection and may change at any time.

Plain values in, plain values out: no AnsibleModule here; warnings are returned for the module to show.

Certificates are compared by the SHA-256 of their DER. The common run changes nothing (every certificate
is already trusted), so nothing here parses X.509 with cryptography until a certificate turns out to be
new: certificates are split out of PEM text, and the few facts reported for those already trusted
(subject, end of validity, CA or not) are read, with our own DER reader. Whatever that reader finds
unusual is left to cryptography, so both paths give the same answers.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import binascii
import datetime
import errno
import hashlib
import os
import re
import sys
from typing import Any, Dict, List, NamedTuple, Optional, Sequence, Set

from ansible_collections.javasec.keystore.plugins.module_utils import _certder as certder
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils import _files as files
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils._certder import Facts, read_facts
from ansible_collections.javasec.keystore.plugins.module_utils._codec import now_ms


class InputError(model.CertificateInputError):
    """A certificate input that cannot be used; the message names the item (error_type InputError)."""


class PrivateKeyInputError(InputError):
    """A public input that holds a private key. secrets: the text of the key as the task gave it, for the
    module to mask (no_log) wherever Ansible would print the task's arguments; never in the message."""

    def __init__(self, message: str, secrets: Sequence[str]) -> None:
        super().__init__(message)
        self.secrets = list(secrets)


class Candidate(NamedTuple):
    """One certificate to trust or remove: DER, SHA-256 of the DER, where it came from, lowercase alias."""
    der: bytes
    digest: bytes
    source: str
    alias: Optional[str] = None


def candidate(cert_der: bytes, source: str, alias: Optional[str] = None) -> Candidate:
    return Candidate(cert_der, hashlib.sha256(cert_der).digest(), source, alias.lower() if alias else None)


class Gathered(NamedTuple):
    candidates: List[Candidate]
    warnings: List[str]


class Selection(NamedTuple):
    kept: List[Candidate]
    excluded: List[Dict[str, Any]]  # describe() plus 'reason'


class Addition(NamedTuple):
    alias: str
    candidate: Candidate
    replaces: bool  # the alias holds another trusted certificate, which goes


class Plan(NamedTuple):
    add: List[Addition]
    remove: List[str]  # lowercase aliases of trusted certificate entries
    added: List[Dict[str, Any]]
    removed: List[Dict[str, Any]]
    unchanged: List[Dict[str, Any]]
    warnings: List[str]

    @property
    def changes(self) -> bool:
        return bool(self.add or self.remove)


# ---- facts read from the DER ----------------------------------------------------------------


def _is_certificate(data):
    try:
        certder.tbs_fields(data)
    except der.DerError:
        return False
    return True


def _parsed(cand):
    try:
        return certs.load_cert(cand.der)
    except ValueError:
        raise InputError('%s: the certificate cannot be parsed' % cand.source)


def describe(alias: Optional[str], cert_der: bytes, cert: Any = None) -> Dict[str, Any]:
    """alias, sha256, subject and not_after of a certificate (cert: cryptography's parse, when at hand)."""
    info = {'alias': alias, 'sha256': certs.fingerprint(cert_der), 'subject': None, 'not_after': None}
    facts = read_facts(cert_der, ca=False) if cert is None else None
    if facts is not None and facts.subject is not None and facts.not_after is not None:
        subject, not_after = facts.subject, facts.not_after
    else:
        try:
            cert = cert or certs.load_cert(cert_der)
            subject, not_after = cert.subject.rfc4514_string(), certs.cert_not_after(cert)
        except ValueError:
            return info  # a certificate in the store that cryptography cannot parse: report what is known
    info.update(subject=subject, not_after=certs.iso_date(not_after))
    return info


# ---- inputs ------------------------------------------------------------------------------


_PEM_BEGIN = b'-----BEGIN CERTIFICATE-----'
_PEM_END = b'-----END CERTIFICATE-----'


def _pem_der(block):
    """DER of one plain PEM certificate block, or None when anything in it is unusual."""
    if not (block.startswith(_PEM_BEGIN) and block.endswith(_PEM_END)):
        return None
    try:
        data = base64.b64decode(b''.join(block[len(_PEM_BEGIN):-len(_PEM_END)].split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if _is_certificate(data) else None


# any PEM private key: PKCS#8 (plain, ENCRYPTED), RSA/EC/DSA (OpenSSL), OPENSSH; an END line that is cut off
# still ends the block at the end of the input, so a truncated key is masked whole too
_PRIVATE_KEY = re.compile(br'-----BEGIN [^-\r\n]*PRIVATE KEY[^-\r\n]*-----.*?(?:-----END [^-\r\n]*PRIVATE KEY[^-\r\n]*-----|\Z)',
                          re.DOTALL)


def refuse_private_keys(data: bytes, what: str) -> None:
    """PrivateKeyInputError when data (a public input) holds a PEM private key block.

    A combined key+certificate file (server.pem) is an easy thing to hand over as a bundle; taking only its
    certificates would leave the key in the task's arguments, which -vvv and ansible.log print whole.
    """
    blocks = _PRIVATE_KEY.findall(data)
    if blocks:
        raise PrivateKeyInputError(
            '%s holds a private key (%d PEM private key block%s); trusted_cert takes certificates only and refuses '
            'a private key in its inputs: give the certificates without the key (a key belongs in '
            'javasec.keystore.key_entry)' % (what, len(blocks), '' if len(blocks) == 1 else 's'),
            [block.decode('utf-8', 'replace') for block in blocks])


def certificates_in(data: Any, what: str = 'input') -> List[bytes]:
    """DER of every certificate in PEM text (one or many) or in one DER certificate, in input order.

    A PEM private key anywhere in data is a PrivateKeyInputError.

    Well-formed input is split without cryptography; anything unusual (other PEM labels, headers, a
    structure that is not a certificate's) goes to certs.load_certificates, which decides and words
    the error. A certificate split here is parsed by cryptography only once it turns out to be new.
    """
    data = certs.to_bytes(data)
    refuse_private_keys(data, what)
    blocks = certs.PEM_CERT.findall(data)
    if blocks:
        found = [_pem_der(block) for block in blocks]
    else:
        found = [bytes(data) if b'-----BEGIN' not in data and _is_certificate(data) else None]
    if None not in found:
        return found
    try:
        return certs.load_certificates(data, what)
    except model.CertificateInputError as exc:
        raise InputError(str(exc))


def _read_input_file(path, what):
    # the one reader: a FIFO given as a bundle would otherwise block the task, with the store's lock held
    try:
        data = files.read_file(path, what='file', name=what)  # what holds the path: 'bundle_path (/x.pem)'
    except model.StoreFileError as exc:
        raise InputError(str(exc))
    if data is None:
        raise InputError('%s: cannot read the file: %s' % (what, os.strerror(errno.ENOENT)))
    return data


def _content_bytes(content, what):
    """PEM text, or base64 of DER or PEM (ansible.builtin.slurp) -> bytes for certificates_in."""
    text = content.strip()
    if '-----BEGIN' in text:
        return text.encode('utf-8')
    try:
        return base64.b64decode(''.join(text.split()).encode('ascii'), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise InputError('%s: neither PEM text nor base64 of a DER or PEM certificate' % what)


def _url_label(index, url):
    return 'urls[%d] (%s:%s)' % (index, url['host'], url['port'])


def _select_from_chain(presented, trust, what, warnings):
    """The certificates of a presented chain (leaf first) that trust (leaf, root, chain) asks for."""
    path, dummy = certs.build_chain(presented[0], presented[1:], verify=True)
    if trust == 'leaf':
        return path[:1]
    if trust == 'root':
        top = path[-1:]
        cert = certs.load_cert(top[0])
        if cert.subject != cert.issuer:
            warnings.append('%s: the server does not send a self-signed root; the top-most certificate it sends '
                            '(%s) is trusted' % (what, cert.subject.rfc4514_string()))
        return top
    return path


def _fetch_url(index, url, warnings):
    # the TLS client (ssl) is loaded only by the tasks that name servers
    from ansible_collections.javasec.keystore.plugins.module_utils import _tls as tls

    what = _url_label(index, url)
    if not url['host']:
        raise InputError('urls[%d]: host must not be empty' % index)
    try:
        presented, method = tls.fetch_chain(url['host'], url['port'], url.get('sni'), url.get('timeout', 10))
    except tls.TlsFetchError as exc:
        raise InputError('urls[%d]: %s' % (index, exc))
    presented = [certificates_in(c, '%s certificate #%d' % (what, n + 1))[0] for n, c in enumerate(presented)]
    if method == tls.METHOD_LEAF and url.get('trust', 'chain') != 'leaf':
        warnings.append('%s: Python %d.%d could not read the certificate chain the server presents (it needs '
                        'Python 3.10+ or a server that speaks TLS 1.2); only its leaf certificate is trusted'
                        % ((what,) + tuple(sys.version_info[:2])))
    return _select_from_chain(presented, url.get('trust', 'chain'), what, warnings)


def gather(certificates: Sequence[Dict[str, Any]] = (), bundle: Optional[str] = None,
           bundle_path: Optional[str] = None, urls: Sequence[Dict[str, Any]] = ()) -> Gathered:
    """Every certificate the task names (the module's options of the same names, urls with host and port
    set), in order.

    Reads files on this host and contacts the servers of urls; any bad input raises InputError.
    """
    out, warnings = [], []
    for index, item in enumerate(certificates):
        what = 'certificates[%d]' % index
        if item.get('path') is not None:
            what += ' (%s)' % item['path']
            found = certificates_in(_read_input_file(item['path'], what), what)
        else:
            try:
                found = certificates_in(_content_bytes(item['content'], what), what)
            except PrivateKeyInputError as exc:
                # base64 content (slurp) encodes the key: the text as given is what must be masked
                raise PrivateKeyInputError(str(exc), exc.secrets + [item['content']])
        alias = item.get('alias')
        if alias is not None and not alias.strip():
            raise InputError('%s: alias must not be empty' % what)
        if alias and len(found) > 1:
            raise InputError('%s: holds %d certificates but has an alias; give one certificate per item, or use '
                             'bundle for many' % (what, len(found)))
        out.extend(candidate(c, what, alias) for c in found)
    if bundle is not None:
        out.extend(candidate(c, 'bundle certificate #%d' % (n + 1))
                   for n, c in enumerate(certificates_in(bundle, 'bundle')))
    if bundle_path is not None:
        what = 'bundle_path (%s)' % bundle_path
        out.extend(candidate(c, '%s certificate #%d' % (what, n + 1))
                   for n, c in enumerate(certificates_in(_read_input_file(bundle_path, what), what)))
    for index, url in enumerate(urls):
        what = _url_label(index, url)
        for n, cert_der in enumerate(_fetch_url(index, url, warnings)):
            out.append(candidate(cert_der, '%s certificate #%d' % (what, n + 1), url.get('alias') if n == 0 else None))
    return Gathered(out, warnings)


class Deduplicated(NamedTuple):
    candidates: List[Candidate]
    warnings: List[str]


def deduplicate(candidates: Sequence[Candidate]) -> Deduplicated:
    """One Candidate per certificate, in first-seen order; a later explicit alias names a certificate
    first given without one. The same explicit alias for two certificates is an InputError."""
    by_digest, by_alias, out, warnings = {}, {}, [], []
    for cand in candidates:
        if cand.alias:
            other = by_alias.get(cand.alias)
            if other is not None and other.digest != cand.digest:
                raise InputError('alias "%s" is given to two different certificates (%s and %s)'
                                 % (cand.alias, other.source, cand.source))
        first = by_digest.get(cand.digest)
        if first is None:
            by_digest[cand.digest] = len(out)
            if cand.alias:
                by_alias[cand.alias] = cand
            out.append(cand)
            continue
        first_cand = out[first]
        if cand.alias and first_cand.alias is None:
            out[first] = first_cand._replace(alias=cand.alias)
            by_alias[cand.alias] = out[first]
        elif cand.alias and cand.alias != first_cand.alias:
            warnings.append('%s is the same certificate as %s; it is given the alias "%s", not "%s"'
                            % (cand.source, first_cand.source, first_cand.alias, cand.alias))
    return Deduplicated(out, warnings)


def select(candidates: Sequence[Candidate], ca_only: bool = False, expired: str = 'import',
           now: Optional[datetime.datetime] = None) -> Selection:
    """Leave out (and report) what ca_only and expired=skip exclude; InputError for expired=fail."""
    if not ca_only and expired == 'import':
        return Selection(list(candidates), [])  # nothing to look at: the no-op run reads no certificate
    now = now or datetime.datetime.now(datetime.timezone.utc)
    kept, excluded = [], []
    for cand in candidates:
        facts = read_facts(cand.der, ca=ca_only)
        cert = None
        if facts.subject is None or facts.not_after is None or (ca_only and facts.is_ca is None):
            cert = _parsed(cand)
            is_ca = facts.is_ca
            if ca_only and is_ca is None:
                is_ca = _cryptography_is_ca(cert)
            facts = Facts(cert.subject.rfc4514_string(), certs.cert_not_after(cert), is_ca)
        if ca_only and not facts.is_ca:
            excluded.append(dict(describe(cand.alias, cand.der, cert), reason='not a CA certificate'))
            continue
        if facts.not_after < now:
            if expired == 'fail':
                raise InputError('%s: the certificate %s expired on %s (expired=fail)'
                                 % (cand.source, facts.subject, facts.not_after.isoformat()))
            if expired == 'skip':
                excluded.append(dict(describe(cand.alias, cand.der, cert), reason='expired'))
                continue
        kept.append(cand)
    return Selection(kept, excluded)


def _cryptography_is_ca(cert):
    constraints = certs.extension(cert, 'BasicConstraints')
    return bool(constraints is not None and constraints.ca)


# ---- planning ----------------------------------------------------------------------------


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


class _Builder:
    """The plan while it is drawn up: removals are recorded once each, in order."""

    def __init__(self, store):
        self.store = store
        self.plan = Plan([], [], [], [], [], [])
        self.removing: Set[str] = set()

    def remove(self, alias):
        key = alias.lower()
        if key not in self.removing:
            self.removing.add(key)
            self.plan.remove.append(key)
            entry = self.store.get(key)
            self.plan.removed.append(describe(entry.alias, entry.cert))


def plan_present(store: model.Keystore, candidates: Sequence[Candidate], exclusive: bool = False,
                 now: Optional[datetime.datetime] = None) -> Plan:
    """Trust every candidate the store does not trust yet (under any alias); with exclusive, stop
    trusting every other certificate. Key entries are never touched (AliasClashError instead)."""
    builder = _Builder(store)
    plan = builder.plan
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
            plan.unchanged.append(describe(keep, cand.der))
        else:
            new.append(cand)
    reserved = set(c.alias for c in new if c.alias)
    taken = set()
    for cand in new:
        cert = _parsed(cand)
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
                builder.remove(alias)
        else:
            base = alias = certs.derive_alias(cand.der)
            number = 1
            while store.get(alias) is not None or alias in reserved or alias in taken:
                number += 1
                alias = '%s-%d' % (base, number)
            replaces = False
        taken.add(alias)
        plan.add.append(Addition(alias, cand, replaces))
        plan.added.append(describe(alias, cand.der, cert))
    if exclusive:
        for entry in list(store.entries.values()):
            if isinstance(entry, model.TrustedCertEntry) and entry.alias.lower() not in kept:
                builder.remove(entry.alias)
    today = certs.iso_date(now or datetime.datetime.now(datetime.timezone.utc))
    for info in plan.added:
        if info['not_after'] and info['not_after'] < today:
            plan.warnings.append('the certificate %s (alias %s) expired on %s; it is trusted anyway (expired=import)'
                                 % (info['subject'], info['alias'], info['not_after']))
    return plan


def plan_absent(store: model.Keystore, candidates: Sequence[Candidate], aliases: Sequence[str] = ()) -> Plan:
    """Stop trusting the entries named in aliases (missing ones are ignored) and every trusted entry that
    holds one of the candidates; an alias of a key entry is an AliasClashError."""
    builder = _Builder(store)
    for alias in aliases:
        entry = store.get(alias)
        if entry is None:
            continue
        if not isinstance(entry, model.TrustedCertEntry):
            raise _key_entry_clash(entry.alias, entry)
        builder.remove(entry.alias)
    if candidates:
        wanted = set(c.digest for c in candidates)
        for entry in list(store.entries.values()):
            if isinstance(entry, model.TrustedCertEntry) and hashlib.sha256(entry.cert).digest() in wanted:
                builder.remove(entry.alias)
    return builder.plan


def apply_plan(store: model.Keystore, plan: Plan, timestamp: Optional[int] = None) -> None:
    """Make the changes of plan in store (in memory); new entries get timestamp (ms, default now)."""
    for alias in plan.remove:
        store.remove(alias)
    stamp = now_ms() if timestamp is None else timestamp
    for addition in plan.add:
        store.add(model.TrustedCertEntry(addition.alias, addition.candidate.der, stamp))
