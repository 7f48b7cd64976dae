# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The model -> keystore bytes: JKS and PKCS#12 writing, and a new store password.

PRIVATE: this is not a public API of the collection and may change at any time.

Reached through _codec (codec.dump_bytes, codec.change_password), which imports this module on first use: a
task that changes nothing writes nothing, and every module run compiles what it imports from the AnsiballZ zip,
twice (issue 11: fleet cost).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Optional

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _pkcs12 as p12
from ansible_collections.javasec.keystore.plugins.module_utils._model import (
    KeystoreError, Keystore, PrivateKeyEntry, SecretKeyEntry, TrustedCertEntry, UnsupportedStoreError)


def _dump_jks(store, password):
    jks = codec.jks_codec()
    if store.extra_bags:
        raise UnsupportedStoreError(
            'the keystore holds %d PKCS#12 bag(s) that belong to no entry (for example certificates without '
            'an alias); JKS cannot represent them, keep the store as PKCS12' % len(store.extra_bags))
    items = []
    for entry in store.entries.values():
        stamp = entry.timestamp if entry.timestamp is not None else codec.now_ms()
        if isinstance(entry, PrivateKeyEntry):
            if entry.key_der is None:
                if entry.sealed.store_type != 'jks':
                    raise KeystoreError('the key of alias "%s" cannot be decrypted with the store password, so it '
                                        'cannot be converted; give its key password' % entry.alias)
                protected = entry.sealed.blob
            else:
                key_password = entry.key_password if entry.key_password is not None else password
                protected = jks.protect_key(entry.key_der, key_password)
            items.append(jks.PrivateKeyEntry(entry.alias, stamp, protected, entry.chain, None))
        elif isinstance(entry, TrustedCertEntry):
            items.append(jks.TrustedCertEntry(entry.alias, stamp, entry.cert))
        else:
            raise UnsupportedStoreError('JKS cannot hold the secret key entry "%s"; keep the store as PKCS12'
                                        % entry.alias)
    try:
        return jks.dumps(items, password)
    except jks.JksUnsupportedError as exc:
        raise UnsupportedStoreError('cannot write JKS: %s' % exc)


def _dump_pkcs12(store, password, encryption, password_option='password'):
    codec.check_pkcs12_password(password, password_option)
    scheme = p12.key_scheme(encryption)
    key_bags, cert_bags, written_chain = [], [], set()
    key_ids = set()

    def unique_key_id(entry):
        key_id = entry.local_key_id
        if key_id is None or key_id in key_ids:
            stamp = entry.timestamp if entry.timestamp is not None else codec.now_ms()
            key_id = ('Time %d' % stamp).encode('ascii')
            while key_id in key_ids:
                stamp += 1
                key_id = ('Time %d' % stamp).encode('ascii')
        key_ids.add(key_id)
        return key_id

    for entry in store.entries.values():
        if isinstance(entry, PrivateKeyEntry):
            if entry.key_der is None:
                if entry.sealed.store_type != 'pkcs12':
                    raise KeystoreError('the key of alias "%s" is protected by a password other than the store '
                                        'password and PKCS12 cannot hold it; give its key password so it can be '
                                        're-protected' % entry.alias)
                epki = entry.sealed.blob
            else:
                if entry.key_password is not None and entry.key_password != password:
                    raise KeystoreError('PKCS12 keystores cannot protect the key of alias "%s" with a password '
                                        'other than the store password (Java does not support it)' % entry.alias)
                epki = p12.encrypt_epki(entry.key_der, password, scheme)
            key_id = unique_key_id(entry)
            key_bags.append(p12.key_bag(epki, entry.alias, key_id))
            if entry.chain:
                cert_bags.append(p12.cert_bag(entry.chain[0], entry.alias, key_id))
                for cert in entry.chain[1:]:
                    if cert not in written_chain:
                        written_chain.add(cert)
                        cert_bags.append(p12.cert_bag(cert))
        elif isinstance(entry, SecretKeyEntry):
            if entry.plain is None:
                if entry.sealed.store_type != 'pkcs12':
                    raise KeystoreError('the secret key "%s" cannot be decrypted, so it cannot be converted'
                                        % entry.alias)
                key_bags.append(entry.sealed.blob)
                continue
            epki = p12.encrypt_epki(entry.plain, password, scheme)
            key_bags.append(p12.secret_bag(epki, entry.alias, unique_key_id(entry)))
        elif isinstance(entry, TrustedCertEntry):
            cert_bags.append(p12.cert_bag(entry.cert, entry.alias, None, trusted=True))
    for raw, encrypted in store.extra_bags:
        (cert_bags if encrypted else key_bags).append(raw)
    return p12.dump(key_bags, cert_bags, password, encryption)


def dump_bytes(store: Keystore, password: str, store_type: Optional[str] = None,
               encryption: Optional[str] = None, password_option: str = 'password') -> bytes:
    """Serialize the store (as store_type, default its own type); password_option names the option the
    password came from in the error about a password PKCS12 cannot take."""
    store_type = store_type or store.store_type
    if store_type == 'jks':
        return _dump_jks(store, password)
    if store_type == 'pkcs12':
        return _dump_pkcs12(store, password, encryption or store.encryption, password_option)
    if store_type == 'jceks':
        raise UnsupportedStoreError('writing JCEKS keystores is not supported; convert the store to PKCS12 '
                                    '(store_type: pkcs12) or JKS')
    raise UnsupportedStoreError('unknown keystore type %s' % store_type)


def change_password(store: Keystore, new_password: str) -> Keystore:
    """Prepare store for a new store password.

    Keys protected by the store password follow it (dump_bytes re-protects them); JKS keys with a
    password of their own keep it. A PKCS#12 key the old password could not open cannot follow.
    """
    for entry in store.entries.values():
        sealed = (isinstance(entry, PrivateKeyEntry) and entry.key_der is None) or \
            (isinstance(entry, SecretKeyEntry) and entry.plain is None)
        if sealed and store.store_type == 'pkcs12':
            raise KeystoreError('the key of alias "%s" cannot be decrypted with the store password, so it cannot '
                                'be re-protected with the new one' % entry.alias)
        if isinstance(entry, PrivateKeyEntry) and entry.key_password == new_password:
            entry.key_password = None
    return store
