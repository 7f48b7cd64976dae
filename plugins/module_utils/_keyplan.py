# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Planners of the modules that own private keys and the store itself: key_entry (generate, import, renew),
cert_reply (install a CA reply) and keystore (create, convert, change the password, replace when forced).

A planner takes a Keystore and plain values (file options already read by the module) and returns a
small named tuple with the warnings the module should show; it never touches a file or AnsibleModule.
Errors are KeystoreError subclasses whose messages never hold a secret.

PRIVATE: this is not a public API of the collection and may change at any time.

Here: key_entry's options and generating planner, and what a run that changes nothing needs. The planners of
given material (imports, CA replies, store-level changes) are in _chainplan, reached from here (keyplan.plan_reply
...) and imported on first use (issue 11: fleet cost).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
from typing import Any, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

from ansible_collections.javasec.keystore.plugins.module_utils import _certder as certder
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils._wanted import (
    check_rsa_key_size, check_validity_days, wanted_der)

Text = Union[bytes, str]


def _chains():
    """_chainplan, imported on first use (see its docstring)."""
    from ansible_collections.javasec.keystore.plugins.module_utils import _chainplan
    return _chainplan


# keyplan.plan_import, plan_reply, plan_store and the rest of _chainplan, for their callers
__getattr__ = support.answer_from(__name__, _chains)


def _issue():
    """_issue, imported on first use: only a task that makes a key or a certificate needs it, and every module run
    compiles what it imports from the AnsiballZ zip, twice (issue 11: fleet cost)."""
    from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue
    return issue


# ---- key_entry ----------------------------------------------------------------------------------------


class KeyOptions(NamedTuple):
    """What a key_entry task asks of a generated (self-signed) entry; the defaults are the module's.

    key_size and curve are None when the task does not set them: the default of the key type applies
    (2048 bits, secp256r1), and a value set for another key type is reported when a key is generated.
    """
    key_type: str = 'rsa'
    key_size: Optional[int] = None
    curve: Optional[str] = None
    subject: Any = None  # a dname string or a dict, None to keep the subject when renewing
    subject_alt_names: Sequence[str] = ()
    validity_days: int = 365
    signature_algorithm: Optional[str] = None
    key_usage: Sequence[str] = ()
    extended_key_usage: Sequence[str] = ()
    is_ca: bool = False
    renew_before_days: Optional[int] = None
    rekey: bool = False
    force: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> 'KeyOptions':
        """The options of params; one that is None (not set by the task) takes the default above."""
        return cls(**dict((name, params[name]) for name in cls._fields if params.get(name) is not None))

    @property
    def rsa_key_size(self) -> int:
        return DEFAULT_RSA_KEY_SIZE if self.key_size is None else self.key_size

    @property
    def ec_curve(self) -> str:
        return self.curve or DEFAULT_CURVE

    def ignored_key_options(self) -> Tuple[str, ...]:
        """Warnings for key_size or curve set for a key type that does not use them."""
        warnings = []
        if self.key_size is not None and self.key_type != 'rsa':
            warnings.append('key_size %s does not apply to an %s key (%s); it is ignored' % (
                self.key_size, self.key_type,
                'its size follows curve %s' % self.ec_curve if self.key_type == 'ec' else 'its size is fixed'))
        if self.curve is not None and self.key_type != 'ec':
            warnings.append('curve %s does not apply to an %s key; it is ignored' % (self.curve, self.key_type))
        return tuple(warnings)


DEFAULT_RSA_KEY_SIZE = 2048
DEFAULT_CURVE = 'secp256r1'

# What a task does decides which options apply: an option set for the other case would be ignored silently.
KEY_SOURCE_OPTIONS = ('private_key', 'private_key_path', 'src_path')
GENERATION_OPTIONS = ('subject', 'subject_alt_names', 'validity_days', 'signature_algorithm', 'key_usage',
                      'extended_key_usage', 'is_ca', 'key_type', 'key_size', 'curve', 'rekey', 'force')
IMPORT_ONLY_OPTIONS = ('certificate', 'certificate_path', 'chain', 'chain_path', 'ca_path', 'private_key_passphrase',
                       'src_password', 'src_alias')


def _set_options(params: Mapping[str, Any], names: Sequence[str]) -> List[str]:
    """The names the task sets: None, false and empty values are what a task that omits them gets."""
    return [name for name in names
            if not (params.get(name) is None or params.get(name) is False or params.get(name) in ('', [], ()))]


def _listed(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else '%s and %s' % (', '.join(names[:-1]), names[-1])


def check_key_entry_options(params: Mapping[str, Any]) -> None:
    """Refuse a key_entry task whose options do not fit what it does, before anything is read.

    params are the module's, where an option the task omits is None, false or empty. With state=absent
    nothing but the alias matters, and a copy of a present task is common: nothing is refused then.
    """
    if params.get('state', 'present') != 'present':
        return
    sources = _set_options(params, KEY_SOURCE_OPTIONS)
    if sources:
        ignored = _set_options(params, GENERATION_OPTIONS)
        if ignored:
            raise model.KeystoreError(
                '%s only apply when key_entry generates a key; with %s the key and its certificate are imported '
                'as they are: remove %s' % (_listed(ignored), sources[0], 'it' if len(ignored) == 1 else 'them'))
        if 'src_path' in sources and _set_options(params, ('private_key_passphrase',)):
            raise model.KeystoreError('private_key_passphrase applies to private_key and private_key_path; the key '
                                      'of src_path is opened with src_password')
        wrong = _set_options(params, ('src_password', 'src_alias')) if 'src_path' not in sources else []
        if wrong:
            raise model.KeystoreError('%s only apply with src_path, not with %s' % (_listed(wrong), sources[0]))
        return
    ignored = _set_options(params, IMPORT_ONLY_OPTIONS)
    if ignored:
        raise model.KeystoreError(
            '%s only apply when key_entry imports a key (private_key, private_key_path or src_path); without one '
            'of those it generates a new key and would ignore %s' % (_listed(ignored), 'it' if len(ignored) == 1
                                                                     else 'them'))
    if params.get('rekey') and params.get('renew_before_days') is None:
        raise model.KeystoreError('rekey only applies with renew_before_days: it renews an expiring self-signed '
                                  'entry on a new key (force replaces the key now)')


class KeyMaterial(NamedTuple):
    """What a key_entry task imports, as the module read it: file options are already read, src_path opened."""
    key: Optional[Text] = None  # private_key, or the content of private_key_path (PEM or DER)
    passphrase: Optional[str] = None
    source: Optional[model.Keystore] = None  # the store of src_path
    source_path: Optional[str] = None
    source_alias: Optional[str] = None
    certificates: Sequence[Tuple[str, Text]] = ()  # (option, PEM or DER) of certificate(_path), chain(_path)
    ca: Optional[Text] = None  # content of ca_path
    validate_chain: bool = True


class KeyPlan(NamedTuple):
    """reason is created, rekeyed, renewed or chain_updated, with the new key and chain; None (and no key
    nor chain) when the entry already is what the task asks."""
    reason: Optional[str]
    key_der: Optional[bytes]
    chain: Optional[List[bytes]]
    warnings: Tuple[str, ...] = ()


UNCHANGED = KeyPlan(None, None, None)


class Renewal(NamedTuple):
    days_remaining: int
    needs_renewal: bool


def days_left(cert_der: bytes, now: Optional[datetime.datetime] = None) -> float:
    # read from the DER: a run that changes nothing then needs no cryptography X.509 (issue 11: fleet cost)
    not_after = certder.not_after(cert_der) or certs.cert_not_after(certs.load_cert(cert_der))
    return (not_after - (now or datetime.datetime.now(datetime.timezone.utc))).total_seconds() / 86400.0


def renewal(cert_der: bytes, renew_before_days: Optional[int],
            now: Optional[datetime.datetime] = None) -> Renewal:
    """Whole days until cert_der expires, and whether that is within renew_before_days."""
    left = days_left(cert_der, now)
    return Renewal(int(left // 1), bool(renew_before_days is not None and left < renew_before_days))


def key_entry_of(store: model.Keystore, alias: str) -> Optional[model.PrivateKeyEntry]:
    """The private key entry of alias, None when there is none; another kind of entry is a clash."""
    entry = store.get(alias)
    if entry is not None and not isinstance(entry, model.PrivateKeyEntry):
        raise model.AliasClashError('alias "%s" is a %s entry, not a private key entry'
                                    % (alias, entry.kind.replace('_', ' ')))
    return entry


def own_key_password(store: model.Keystore, alias: str, key_password: Optional[str],
                     store_password: str) -> Optional[str]:
    """The password the new key of alias keeps for itself: None when the store password protects it."""
    if key_password is None or key_password == store_password:
        return None
    if store.store_type == 'pkcs12':
        raise model.KeystoreError(
            'PKCS12 keystores cannot protect the key of alias "%s" with a password other than the store password '
            '(Java does not support it); use the store password, or a JKS store' % alias)
    return key_password


def _generated(wanted: KeyOptions, key: Any = None, existing_key_der: Optional[bytes] = None) -> KeyPlan:
    """A plan without reason: the key (key, or a new one) and its self-signed certificate for the options."""
    if wanted.subject is None:
        raise model.KeystoreError('subject is required to generate a key entry')
    issue = _issue()
    warnings: Tuple[str, ...] = ()
    if key is None:
        key = issue.generate_key(wanted.key_type, wanted.rsa_key_size, wanted.ec_curve)
        warnings = wanted.ignored_key_options()
    name = issue.parse_subject(wanted.subject)
    cert = issue.build_certificate(
        name, key.public_key(), name, key, wanted.validity_days, issue.parse_sans(wanted.subject_alt_names),
        wanted.key_usage, wanted.extended_key_usage, wanted.is_ca, wanted.signature_algorithm,
        issuer_public_key=key.public_key() if wanted.is_ca else None)
    return KeyPlan(None, existing_key_der or certs.private_key_der(key), [cert], warnings)


def _key_matches(wanted: KeyOptions, leaf: bytes) -> bool:
    """Whether the key has the requested type and size (judged from the leaf's public key)."""
    info = certder.public_key_info(leaf)
    algorithm, size = info or certs.public_key_info(certs.cert_public_key(certs.load_cert(leaf)))
    if wanted.key_type == 'rsa':
        return algorithm == 'RSA' and size == wanted.rsa_key_size
    if wanted.key_type == 'ec':
        return algorithm == 'EC' and size == int(wanted.ec_curve[4:7])
    return algorithm == 'Ed25519'


def _cert_matches(wanted: KeyOptions, leaf: bytes) -> bool:
    """Whether a leaf carries the requested subject, SANs, usages and CA flag.

    Read from the DER when the task asks for what _certder reads (the common case: a run that changes nothing
    then needs no cryptography X.509, issue 11), else by cryptography; both give the same answers
    (tests/unit/plugins/module_utils/test_certder.py).
    """
    der_wanted = wanted_der(wanted.subject, wanted.subject_alt_names, wanted.key_usage,
                            wanted.extended_key_usage, wanted.is_ca)
    answer = certder.leaf_matches(leaf, der_wanted) if der_wanted is not None else None
    if answer is not None:
        return answer
    issue = _issue()
    cert = certs.load_cert(leaf)
    if cert.subject != issue.parse_subject(wanted.subject):
        return False
    wanted_sans = sorted(issue.parse_sans(wanted.subject_alt_names), key=repr)
    if sorted(certs.extension(cert, 'SubjectAlternativeName') or [], key=repr) != wanted_sans:
        return False
    if certs.cert_info(leaf)['is_ca'] != wanted.is_ca:
        return False
    ku = certs.extension(cert, 'KeyUsage')
    if wanted.key_usage:
        if ku != issue.key_usage_extension(wanted.key_usage):
            return False
    elif ku is not None:
        return False
    eku = certs.extension(cert, 'ExtendedKeyUsage')
    if wanted.extended_key_usage:
        return eku is not None and list(eku) == list(issue.eku_extension(wanted.extended_key_usage))
    return eku is None


def leaf_matches(leaf: bytes, params: Mapping[str, Any]) -> bool:
    """Whether the leaf carries what a generating task asks for (subject, SANs, usages, CA flag).

    key_entry never replaces a CA-signed entry for these options; a role compares this to know whether to ask
    its CA for a new certificate without a request and a signing on every run.
    """
    wanted = KeyOptions.from_params(params)
    return wanted.subject is None or _cert_matches(wanted, leaf)


def _self_issued(cert_der: bytes) -> bool:
    """Whether a certificate names itself as its issuer. From the DER when both names are the same bytes, as in
    every certificate keytool or this engine signs itself; else as cryptography compares names (issue 11: a
    self-signed entry that changes nothing then needs no cryptography X.509)."""
    try:
        issuer, subject = certs.raw_names(cert_der)
        if issuer == subject:
            return True
    except der.DerError:
        pass  # cert_info reports bytes that are no certificate (self_signed None)
    return bool(certs.cert_info(cert_der)['self_signed'])


def plan_generate(entry: Optional[model.PrivateKeyEntry], wanted: KeyOptions,
                  now: Optional[datetime.datetime] = None) -> KeyPlan:
    """Create, rekey or renew a self-signed entry as keytool -genkeypair/-selfcert would.

    A CA-signed entry is never replaced without force: it is only reported (warning, or needs_renewal).
    """
    # before anything is compared, so that a task that cannot work fails on every run, not only the first
    check_validity_days(wanted.validity_days)
    if wanted.key_type == 'rsa':
        check_rsa_key_size(wanted.rsa_key_size)
    if entry is None or wanted.force:
        return _generated(wanted)._replace(reason='created' if entry is None else 'rekeyed')
    if not entry.chain:
        return _generated(wanted)._replace(reason='rekeyed')
    leaf = entry.chain[0]
    self_signed = len(entry.chain) == 1 and _self_issued(leaf)
    if not _key_matches(wanted, leaf):
        if not self_signed:
            return UNCHANGED._replace(warnings=(
                'the key of "%s" is not the requested type or size, but its certificate is CA-signed; it is left '
                'alone (use force to replace it)' % entry.alias,))
        return _generated(wanted)._replace(reason='rekeyed')
    if not self_signed:
        return UNCHANGED
    expiring = wanted.renew_before_days is not None and days_left(leaf, now) < wanted.renew_before_days
    if expiring and wanted.rekey:
        if wanted.subject is None:
            issue = _issue()
            key = issue.generate_key(wanted.key_type, wanted.rsa_key_size, wanted.ec_curve)
            return KeyPlan('rekeyed', certs.private_key_der(key),
                           [issue.renew_self_signed(leaf, key, wanted.validity_days, wanted.signature_algorithm)],
                           wanted.ignored_key_options())
        return _generated(wanted)._replace(reason='rekeyed')
    if expiring or (wanted.subject is not None and not _cert_matches(wanted, leaf)):
        if entry.key_der is None:
            raise model.WrongKeyPasswordError('the key of "%s" cannot be decrypted; give its password in key_password'
                                              % entry.alias)
        key = certs.load_key(entry.key_der)
        if wanted.subject is None:
            return KeyPlan('renewed', entry.key_der,
                           [_issue().renew_self_signed(leaf, key, wanted.validity_days, wanted.signature_algorithm)])
        return _generated(wanted, key, entry.key_der)._replace(reason='renewed' if expiring else 'chain_updated')
    return UNCHANGED


def apply_key_plan(store: model.Keystore, alias: str, plan: KeyPlan,
                   key_password: Optional[str] = None) -> model.PrivateKeyEntry:
    """Put the planned entry into the store (key_password: see own_key_password) and return it."""
    entry = model.PrivateKeyEntry(alias, plan.chain, key_der=plan.key_der, timestamp=codec.now_ms(),
                                  key_password=key_password)
    store.add(entry, replace=True)
    return entry
