# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Keystore bytes <-> the model: type detection, JKS/JCEKS and PKCS#12 mapping, lossless rewrite.

PRIVATE: this is not a public API of the collection and may change at any time.

Everything the engine does not touch survives a rewrite: other keys (also ones protected by a
password it does not know), secret keys, trusted certificates, chains, creation dates and
PKCS#12 bags it does not interpret.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time
from typing import Dict, Optional

from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils import _pkcs12 as p12
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils._model import (
    UNKNOWN_PASSWORD, CorruptStoreError, Keystore, PrivateKeyEntry, Sealed, SecretKeyEntry,
    TrustedCertEntry, UnsupportedStoreError, WrongKeyPasswordError, WrongPasswordError, secret_key_info,
    wrap_secret_key)


# _jks's own, here so that telling the type apart does not import it (below)
JKS_MAGIC = b'\xfe\xed\xfe\xed'

JCEKS_MAGIC = b'\xce\xce\xce\xce'


def jks_codec():
    """The JKS/JCEKS codec, imported on first use: a task on a PKCS#12 store does not compile it (issue 11:
    every module execution compiles its module_utils from the AnsiballZ zip, which holds no bytecode)."""
    from ansible_collections.javasec.keystore.plugins.module_utils import _jks
    return _jks


def _writing():
    """_dump, imported on first use: a task that changes nothing writes nothing (issue 11: fleet cost)."""
    from ansible_collections.javasec.keystore.plugins.module_utils import _dump
    return _dump


# codec.dump_bytes and codec.change_password, for their many callers
__getattr__ = support.answer_from(__name__, _writing)


def detect_type(data: bytes) -> str:
    if not data:
        raise CorruptStoreError('the file is empty')
    if data[:4] == JKS_MAGIC:
        return 'jks'
    if data[:4] == JCEKS_MAGIC:
        return 'jceks'
    if data[:1] == b'\x30':
        return 'pkcs12'
    if data.lstrip()[:10] == b'-----BEGIN':
        raise UnsupportedStoreError('the file is PEM text, not a JKS or PKCS#12 keystore')
    raise CorruptStoreError('the file is neither a JKS, JCEKS nor PKCS#12 keystore')


def _timestamp_from_key_id(key_id):
    if key_id and key_id.startswith(b'Time '):
        try:
            return int(key_id[5:].decode('ascii'))
        except (UnicodeDecodeError, ValueError):
            return None
    return None


def _load_jks(data, password, key_passwords):
    jks = jks_codec()
    try:
        raw = jks.loads(data, password, key_passwords)
    except jks.JksPasswordError:
        raise WrongPasswordError('keystore password was incorrect (integrity check failed)')
    except jks.JksKeyPasswordError as exc:
        raise WrongKeyPasswordError('key password for alias "%s" was incorrect' % exc.alias)
    except jks.JksUnsupportedError as exc:
        raise UnsupportedStoreError('unsupported %s file: %s' % (detect_type(data).upper(), exc))
    except jks.JksFormatError as exc:
        raise CorruptStoreError('the %s file is truncated or corrupt: %s' % (detect_type(data).upper(), exc))
    store = Keystore(raw.store_type)
    for item in raw.entries:
        if isinstance(item, jks.PrivateKeyEntry):
            entry = PrivateKeyEntry(item.alias, item.chain, key_der=item.key, timestamp=item.timestamp)
            if item.key is None:
                entry.sealed = Sealed(raw.store_type, item.protected)
                entry.key_password = UNKNOWN_PASSWORD
            else:
                own = key_passwords.get(item.alias.lower())
                entry.key_password = own if own not in (None, password) else None
            store.add(entry)
        elif isinstance(item, jks.TrustedCertEntry):
            store.add(TrustedCertEntry(item.alias, item.cert, item.timestamp))
        else:
            entry = SecretKeyEntry(item.alias, timestamp=item.timestamp)
            try:
                entry.plain = None if item.key is None else wrap_secret_key(item.algorithm, item.key)
            except UnsupportedStoreError:  # an algorithm without an OID (a PBE password) stays as Java sealed it
                entry.plain = None
            if entry.plain is None:
                entry.sealed = Sealed(raw.store_type, item.sealed)
            store.add(entry)
    return store


def _issuer_of(cert_der, candidates, parsed_cert):
    """The bag among candidates that issued cert_der: same raw name, verified signature preferred."""
    issuer = certs.raw_names(cert_der)[0]
    matches = [b for b in candidates if certs.raw_names(b.value)[1] == issuer]
    if len(matches) < 2:
        # nothing to choose: no parsing, so reading a store needs no cryptography X.509 (issue 11: fleet cost)
        return matches[0] if matches else None
    cert = parsed_cert(cert_der)
    for cand in matches:
        cand_cert = parsed_cert(cand.value)
        try:
            if cert is not None and cand_cert is not None and support.is_issued_by(cert, cand_cert):
                return cand
        except support.CryptographyTooOld as exc:
            raise UnsupportedStoreError(str(exc))
    return matches[0] if matches else None


def _load_pkcs12(data, password, key_passwords):
    try:
        bags, info = p12.load(data, password)
    except p12.Pkcs12PasswordError:
        raise WrongPasswordError('keystore password was incorrect (PKCS#12 integrity check failed)')
    except p12.Pkcs12UnsupportedError as exc:
        raise UnsupportedStoreError('unsupported PKCS#12 file: %s' % exc)
    except p12.Pkcs12FormatError as exc:
        raise CorruptStoreError('the PKCS#12 file is truncated or corrupt: %s' % exc)
    legacy = info.get('mac') == 'sha1' or info.get('cert_protection', p12.OID_PBES2) != p12.OID_PBES2
    store = Keystore('pkcs12', 'legacy' if legacy else 'modern')
    cert_bags = [b for b in bags if b.bag_type == p12.OID_CERT_BAG]
    chain_certs = [b for b in cert_bags if not b.trusted]
    parsed = {}

    def parsed_cert(cert_der):
        """The cryptography object, or None for a certificate it cannot parse (kept as bytes)."""
        if cert_der not in parsed:
            try:
                parsed[cert_der] = certs.load_cert(cert_der)
            except ValueError:
                parsed[cert_der] = None
        return parsed[cert_der]

    used = set()
    unnamed = [0]

    def name_of(bag):
        if bag.friendly_name:
            return bag.friendly_name
        unnamed[0] += 1
        return str(unnamed[0])

    for bag in bags:
        if bag.bag_type in (p12.OID_SHROUDED_KEY_BAG, p12.OID_KEY_BAG):
            alias = name_of(bag)
            entry = PrivateKeyEntry(alias, [], timestamp=_timestamp_from_key_id(bag.local_key_id),
                                    local_key_id=bag.local_key_id)
            if bag.bag_type == p12.OID_KEY_BAG:
                entry.key_der = bag.value
            else:
                try:
                    entry.key_der = p12.decrypt_epki(bag.value, password)
                except p12.Pkcs12PasswordError:
                    own = key_passwords.get(alias.lower())
                    if own is None:
                        entry.sealed = Sealed('pkcs12', bag.value)
                        entry.key_password = UNKNOWN_PASSWORD
                    else:
                        try:
                            entry.key_der = p12.decrypt_epki(bag.value, own)
                        except p12.Pkcs12PasswordError:
                            raise WrongKeyPasswordError('key password for alias "%s" was incorrect' % alias)
                        entry.key_password = own
                except (p12.Pkcs12Error, der.DerError) as exc:
                    raise CorruptStoreError('the key of alias "%s" cannot be read: %s' % (alias, exc))
            leaf = None
            for cand in chain_certs:
                if bag.local_key_id is not None and cand.local_key_id == bag.local_key_id:
                    leaf = cand
                    break
            if leaf is None and bag.friendly_name:
                for cand in chain_certs:
                    if cand.friendly_name == bag.friendly_name and cand.local_key_id is None:
                        leaf = cand
                        break
            if leaf is not None:
                used.add(id(leaf))
                chain = [leaf.value]
                try:
                    while certs.raw_names(chain[-1])[0] != certs.raw_names(chain[-1])[1]:
                        nxt = _issuer_of(chain[-1], chain_certs, parsed_cert)
                        if nxt is None or nxt.value in chain:
                            break
                        chain.append(nxt.value)
                        for b in chain_certs:
                            if b.value == nxt.value:
                                used.add(id(b))
                except der.DerError:
                    raise CorruptStoreError('the PKCS#12 file holds a certificate that is not valid DER')
                entry.chain = chain
            store.add(entry)
        elif bag.bag_type == p12.OID_SECRET_BAG:
            alias = name_of(bag)
            entry = SecretKeyEntry(alias, timestamp=_timestamp_from_key_id(bag.local_key_id),
                                   local_key_id=bag.local_key_id)
            try:
                entry.plain = p12.decrypt_epki(bag.value, password)
                # what keystore_info reports of it, and a check that the plain bytes are a wrapped key
                secret_key_info(entry.plain)
            except (p12.Pkcs12Error, der.DerError, IndexError):
                # Java too loads such a store and fails only when the key is asked for
                entry.plain = None
                entry.sealed = Sealed('pkcs12', bag.raw)
            store.add(entry)
    for bag in cert_bags:
        if bag.trusted:
            store.add(TrustedCertEntry(name_of(bag), bag.value, _timestamp_from_key_id(bag.local_key_id)))
        elif id(bag) not in used:
            store.extra_bags.append((bag.raw, bag.encrypted))
    for bag in bags:
        if bag.bag_type == 'opaque':
            store.extra_bags.append((bag.raw, bag.encrypted))
    return store


def load_bytes(data: bytes, password: str, key_passwords: Optional[Dict[str, str]] = None) -> Keystore:
    """Parse keystore bytes of any supported type (detected by content)."""
    if support.IMPORT_ERROR is not None:
        raise UnsupportedStoreError('the cryptography library is required')
    key_passwords = {k.lower(): v for k, v in (key_passwords or {}).items()}
    store_type = detect_type(data)
    if store_type in ('jks', 'jceks'):
        return _load_jks(data, password, key_passwords)
    return _load_pkcs12(data, password, key_passwords)


def now_ms() -> int:
    return int(time.time() * 1000)


def check_pkcs12_password(password: str, option: str = 'password') -> None:
    """Refuse a PKCS12 password Java cannot use, naming option (never the value).

    Java derives PKCS12 keys through PBEKeySpec, whose keys (com.sun.crypto.provider.PBEKey) refuse every
    character outside printable ASCII: a store with such a password (a trailing newline from a vault slip,
    a tab, DEL, a non-ASCII letter) is one no Java reader opens, so it must never be written.
    """
    if any(not 0x20 <= ord(char) <= 0x7E for char in password):
        raise UnsupportedStoreError(
            '%s has a character Java cannot use in a PKCS12 password: only printable ASCII (0x20-0x7E) works; a '
            'control character (a trailing newline, a tab, DEL) or a non-ASCII character makes a store that '
            'keytool and Java cannot open' % option)
