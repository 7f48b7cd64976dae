# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The planners of key entries made from given material: a key's chain from given certificates, key_entry's
imports, cert_reply's CA replies and the keystore module's store-level changes.

PRIVATE: this is not a public API of the collection and may change at any time.

Reached through _keyplan (keyplan.plan_import, keyplan.plan_reply, keyplan.plan_store ...), which imports this
module on first use: a key_entry task that generates, or finds nothing to change, needs none of it, and every
module run compiles what it imports from the AnsiballZ zip, twice (issue 11: fleet cost).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import List, Mapping, NamedTuple, Optional, Sequence, Tuple

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils._keyplan import UNCHANGED, KeyMaterial, KeyPlan, Text


# ---- a key's chain from given certificates (key_entry imports, cert_reply) --------------------------


def trusted_certs(store: model.Keystore) -> List[bytes]:
    """The certificates of the store's trusted entries, in store order."""
    return [e.cert for e in store.entries.values() if isinstance(e, model.TrustedCertEntry)]


def certificates_of(texts: Sequence[Tuple[str, Text]]) -> List[bytes]:
    """DER certificates of (option, PEM or DER) pairs, in order; errors name the option."""
    out: List[bytes] = []
    for option, text in texts:
        out.extend(certs.load_certificates(text, option))
    return out


def _public_key_of(cert_der: bytes) -> bytes:
    return certs.public_der(certs.cert_public_key(certs.load_cert(cert_der)))


def chain_for_key(public_key: bytes, given: Sequence[bytes], more: Sequence[bytes], validate: bool = True,
                  what: str = 'certificate', extra_source: str = 'ca_path',
                  allow_expired: bool = True) -> Optional[List[bytes]]:
    """The chain, leaf first, of the key whose SubjectPublicKeyInfo (DER) is public_key, or None when no
    certificate of given carries it.

    The leaf is the first of given that carries the key; issuers are looked for in given, then in more,
    in that order: the first valid issuer wins, so the order decides between two certificates of one CA
    (re-issued or cross-signed with the same key).
    """
    leaf = next((c for c in given if _public_key_of(c) == public_key), None)
    if leaf is None:
        return None
    if not allow_expired:
        certs.check_validity(leaf, what)
    return certs.complete_chain(leaf, list(given) + list(more), validate, what, extra_source)


# ---- key_entry's imports ------------------------------------------------------------------------------


def _source_key(material: KeyMaterial) -> model.PrivateKeyEntry:
    """The one private key entry of src_path (src_alias picks one when there are several)."""
    keys = [e for e in material.source.entries.values() if isinstance(e, model.PrivateKeyEntry)]
    chosen = keys
    if material.source_alias:
        chosen = [e for e in keys if e.alias.lower() == material.source_alias.lower()]
    if len(chosen) != 1:
        raise model.KeystoreError('%s holds %s; set src_alias to one of: %s' % (
            material.source_path, 'no such private key entry' if not chosen else '%d private key entries' % len(chosen),
            ', '.join(e.alias for e in keys)))
    if chosen[0].key_der is None:
        raise model.WrongKeyPasswordError('the key of "%s" in %s cannot be decrypted with src_password'
                                          % (chosen[0].alias, material.source_path))
    return chosen[0]


def plan_import(store: model.Keystore, entry: Optional[model.PrivateKeyEntry], material: KeyMaterial) -> KeyPlan:
    """Import a key with its chain, completed from the given certificates, src_path's and the store's trusted
    entries, and ca_path. From src_path, the chain options only add issuers."""
    pool: List[bytes] = []
    if material.source is not None:
        source_entry = _source_key(material)
        key_der, given = source_entry.key_der, list(source_entry.chain)
        pool.extend(trusted_certs(material.source))
        pool.extend(certificates_of(material.certificates))
    else:
        key_der = certs.load_private_key(material.key, material.passphrase)
        given = certificates_of(material.certificates)
        if not given:
            raise model.CertificateInputError('importing a key needs its certificate (certificate or certificate_path)')
    if material.ca is not None:
        pool.extend(certs.load_certificates(material.ca, 'ca_path'))
    public_key = certs.public_der(certs.load_key(key_der).public_key())
    chain = chain_for_key(public_key, given, pool + trusted_certs(store), material.validate_chain,
                          'the imported certificate')
    if chain is None:
        raise model.CertificateInputError('the private key does not match the certificate: none of the %d given '
                                          'certificate(s) carries its public key' % len(given))
    if entry is None:
        return KeyPlan('created', key_der, chain)
    same_key = bool(entry.chain) and _public_key_of(entry.chain[0]) == public_key
    if same_key and entry.chain == chain:
        return UNCHANGED
    return KeyPlan('chain_updated' if same_key else 'rekeyed', key_der, chain)


# ---- cert_reply ---------------------------------------------------------------------------------------


class ReplyPlan(NamedTuple):
    """reason is chain_updated when the reply changes the entry's chain, else None; chain is the entry's
    chain after the task, leaf first."""
    reason: Optional[str]
    chain: List[bytes]


def plan_reply(store: model.Keystore, alias: str, given: Sequence[bytes], pool: Sequence[bytes] = (),
               validate: bool = True, allow_expired: bool = False, path: str = 'the keystore') -> ReplyPlan:
    """Install a CA reply (keytool -importcert on a key entry): its leaf must carry the entry's key; issuers
    come from the reply, the store's trusted entries, then pool (truststore_path)."""
    entry = store.get(alias)
    if not isinstance(entry, model.PrivateKeyEntry) or not entry.chain:
        raise model.KeystoreError('alias "%s" is not a private key entry of %s' % (alias, path))
    chain = chain_for_key(_public_key_of(entry.chain[0]), given, trusted_certs(store) + list(pool), validate,
                          'the CA reply', 'truststore_path', allow_expired)
    if chain is None:
        subjects = ', '.join('"%s"' % certs.load_cert(c).subject.rfc4514_string() for c in given)
        raise model.CertificateInputError('the reply is not for the key of alias "%s": none of its certificates '
                                          '(%s) carries that public key' % (alias, subjects))
    return ReplyPlan('chain_updated' if chain != entry.chain else None, chain)


def apply_reply(store: model.Keystore, alias: str, plan: ReplyPlan) -> None:
    if plan.reason is not None:
        entry = store.get(alias)
        entry.chain = list(plan.chain)
        entry.timestamp = codec.now_ms()


# ---- keystore -----------------------------------------------------------------------------------------


class Opened(NamedTuple):
    """The store as read (None when force replaces an unreadable one) and the password that opened it."""
    store: Optional[model.Keystore]
    password: Optional[str]
    warnings: Tuple[str, ...] = ()


def open_store(data: bytes, path: str, password: str, new_password: Optional[str] = None,
               key_passwords: Optional[Mapping[str, str]] = None, force: bool = False) -> Opened:
    """Read an existing store with password, or with new_password (a password change that already ran).

    An unreadable store is an error of its own type naming path, unless force: then it is to be replaced.
    """
    try:
        return Opened(codec.load_bytes(data, password, key_passwords), password)
    except model.WrongPasswordError as exc:
        first_error: model.KeystoreError = exc
        if new_password is not None:
            try:
                return Opened(codec.load_bytes(data, new_password, key_passwords), new_password)
            except model.KeystoreError:
                pass  # the first error says more: the store is not one new_password opens either
    except model.KeystoreError as exc:
        first_error = exc
    if not force:
        raise type(first_error)('%s: %s (set force=true to replace it with an empty store)' % (path, first_error))
    return Opened(None, None, ('%s could not be read (%s); it is replaced by an empty store because force=true'
                               % (path, first_error),))


class StorePlan(NamedTuple):
    """How to write the store: as store_type, with encryption (PKCS12) and password; write is False when
    the file already is what the task asks."""
    store: model.Keystore
    store_type: str
    encryption: str
    password: str
    write: bool
    converted_from: Optional[str] = None
    password_changed: bool = False
    warnings: Tuple[str, ...] = ()


def _drop_own_key_passwords(store: model.Keystore) -> List[str]:
    """Java's PKCS12 protects every key with the store password: keys with a password of their own lose it."""
    warnings = []
    for entry in store.entries.values():
        if isinstance(entry, model.PrivateKeyEntry) and entry.key_der is not None and entry.key_password is not None:
            entry.key_password = None
            warnings.append('the key of alias "%s" had its own password; PKCS12 protects it with the store password'
                            % entry.alias)
    return warnings


def plan_store(before: Optional[model.Keystore], opened_with: Optional[str], password: str,
               new_password: Optional[str] = None, store_type: Optional[str] = None,
               encryption: Optional[str] = None) -> StorePlan:
    """Create (before is None), convert, re-encrypt or re-password a store.

    before is changed in place into what will be written (keys follow the new password; a converted
    PKCS12 cannot keep a key's own password): take its summary for the diff first.
    """
    store = before if before is not None else model.Keystore(store_type or 'pkcs12', encryption or 'modern')
    target_type = store_type or store.store_type
    target_encryption = encryption or store.encryption
    target_password = new_password if new_password is not None else password
    if target_type == 'pkcs12':
        # Also when nothing is to be written: a store with such a password is one Java cannot open.
        codec.check_pkcs12_password(target_password, 'new_password' if new_password is not None else 'password')
    write, converted_from, password_changed, warnings = before is None, None, False, []
    if before is not None:
        if target_type != before.store_type:
            converted_from, write = before.store_type, True
            if target_type == 'pkcs12':
                warnings.extend(_drop_own_key_passwords(store))
        if target_type == 'pkcs12' and target_encryption != before.encryption:
            write = True
        if target_password != opened_with:
            write = password_changed = True
            codec.change_password(store, target_password)
    if write and target_type == 'jceks':
        raise model.UnsupportedStoreError('writing JCEKS keystores is not supported; set store_type to pkcs12 or jks '
                                          'to convert the store')
    return StorePlan(store, target_type, target_encryption, target_password, write, converted_from,
                     password_changed, tuple(warnings))
