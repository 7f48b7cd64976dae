# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The model every layer shares: the error hierarchy, keystore entries and the keystore itself.

PRIVATE: this is not a public API of the collection and may change at any time.

Formats (_jks, _pkcs12) read and write their own structures; _codec maps them to these classes, so
planners and modules only ever see this model. No cryptography here: importing it is free.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import OrderedDict
from typing import List, NamedTuple, Optional, Tuple

from ansible_collections.javasec.keystore.plugins.module_utils import _der as der


# ---- errors: one hierarchy, messages never hold a secret -----------------------------------


class KeystoreError(Exception):
    """Base of every error the engine raises; messages never contain a secret."""


class WrongPasswordError(KeystoreError):
    pass


class WrongKeyPasswordError(KeystoreError):
    pass


class CorruptStoreError(KeystoreError):
    pass


class UnsupportedStoreError(KeystoreError):
    pass


class AliasClashError(KeystoreError):
    pass


class StoreFileError(KeystoreError):
    pass


class CertificateInputError(KeystoreError):
    """Input that is not what it claims to be (bad PEM, key that does not match...)."""


# ---- entries and the store ---------------------------------------------------------------


class Sealed(NamedTuple):
    """Key material we could not (or need not) decrypt, kept exactly as its format protected it.

    store_type is the format that sealed it ('jks', 'jceks' or 'pkcs12'): a sealed key can only be
    written back into a store of the same format, byte for byte.
    """
    store_type: str
    blob: bytes


STORE_TYPES = ('jks', 'pkcs12')

UNKNOWN_PASSWORD = object()  # key_password of a key whose own password was not given


class Entry:
    kind = 'unknown'

    def __init__(self, alias, timestamp=None):
        self.alias = alias
        self.timestamp = timestamp  # milliseconds since the epoch, None when the format kept none


class PrivateKeyEntry(Entry):
    """A private key with its certificate chain, leaf first.

    key_der is the plain PKCS#8 key, or None when the key could not be decrypted; then
    sealed (a Sealed) is written back as it was read.
    key_password is None when the key is protected by the store password.
    """
    kind = 'private_key'

    def __init__(self, alias, chain, key_der=None, timestamp=None, key_password=None, sealed=None,
                 local_key_id=None):
        super().__init__(alias, timestamp)
        self.chain = list(chain)
        self.key_der = key_der
        self.key_password = key_password
        self.sealed = sealed
        self.local_key_id = local_key_id


class TrustedCertEntry(Entry):
    kind = 'trusted_cert'

    def __init__(self, alias, cert, timestamp=None):
        super().__init__(alias, timestamp)
        self.cert = cert


class SecretKeyEntry(Entry):
    """A secret key; plain is the PKCS#8-style wrapping Java uses in PKCS#12 (algorithm OID + key)."""
    kind = 'secret_key'

    def __init__(self, alias, plain=None, timestamp=None, sealed=None, local_key_id=None):
        super().__init__(alias, timestamp)
        self.plain = plain
        self.sealed = sealed
        self.local_key_id = local_key_id


class Keystore:
    """An ordered set of entries, keyed by lowercase alias, plus PKCS#12 bags kept verbatim."""

    def __init__(self, store_type='pkcs12', encryption='modern'):
        self.store_type = store_type
        self.encryption = encryption
        self.entries = OrderedDict()
        self.extra_bags = []  # PKCS#12 bags no entry owns: (raw DER, was encrypted)

    def get(self, alias: str) -> Optional['Entry']:
        return self.entries.get(alias.lower())

    def add(self, entry: 'Entry', replace: bool = False) -> None:
        key = entry.alias.lower()
        if key in self.entries and not replace:
            raise AliasClashError('alias "%s" already exists in the keystore' % entry.alias)
        self.entries[key] = entry

    def remove(self, alias: str) -> Optional['Entry']:
        return self.entries.pop(alias.lower(), None)

    def aliases(self) -> List[str]:
        return [e.alias for e in self.entries.values()]


# ---- secret keys (the PKCS#8-style wrapping Java uses in PKCS#12) --------------------------


SECRET_KEY_ALGORITHMS = {
    '2.16.840.1.101.3.4.1': 'AES',
    '1.2.840.113549.3.7': 'DESede',  # des-ede3-cbc (RFC 8018), read; Java takes it for DESede/CBC/NoPadding
    '1.3.14.3.2.17': 'DESede',  # OIW desEDE: what keytool -genseckey -keyalg DESede writes, and we write
    '1.3.14.3.2.7': 'DES',
    '1.2.840.113549.2.7': 'HmacSHA1',
    '1.2.840.113549.2.8': 'HmacSHA224',
    '1.2.840.113549.2.9': 'HmacSHA256',
    '1.2.840.113549.2.10': 'HmacSHA384',
    '1.2.840.113549.2.11': 'HmacSHA512',
}

SECRET_KEY_OIDS = {v.upper(): k for k, v in SECRET_KEY_ALGORITHMS.items()}
SECRET_KEY_OIDS['DESEDE'] = '1.3.14.3.2.17'  # as Java writes it, whatever the order above


def secret_key_info(plain: bytes) -> Tuple[str, int]:
    """(algorithm, size in bits) of a PKCS#8-wrapped secret key."""
    fields = der.children(der.read(plain, der.SEQUENCE)[1])
    oid = der.read_oid(der.children(fields[1][1])[0][1])
    key = der.octets(*fields[2])
    return SECRET_KEY_ALGORITHMS.get(oid, oid), len(key) * 8


def wrap_secret_key(algorithm: str, key: bytes) -> bytes:
    oid = SECRET_KEY_OIDS.get(algorithm.upper())
    if oid is None:
        raise UnsupportedStoreError('secret key algorithm %s has no known object identifier' % algorithm)
    return der.seq(der.integer(0), der.algorithm(oid), der.octet_string(key))
