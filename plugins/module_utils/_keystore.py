# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The keystore engine: a small model of a Java keystore, lossless JKS/PKCS#12 codecs and safe file writes.

PRIVATE: this is not a public API of the collection and may change at any time.

Everything the engine does not touch survives a rewrite: other keys (also ones protected by a
password it does not know), secret keys, trusted certificates, chains, creation dates and
PKCS#12 bags it does not interpret.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import datetime
import errno
import hashlib
import os
import tempfile
import time
import traceback
from collections import OrderedDict

from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils import _jks as jks
from ansible_collections.javasec.keystore.plugins.module_utils import _pkcs12 as p12

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None

CRYPTOGRAPHY_IMPORT_ERROR = p12.CRYPTOGRAPHY_IMPORT_ERROR
try:
    from cryptography import x509
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
except ImportError:
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()


JKS_MAGIC = jks.JKS_MAGIC
JCEKS_MAGIC = jks.JCEKS_MAGIC
STORE_TYPES = ('jks', 'pkcs12')
UNKNOWN_PASSWORD = object()  # key_password of a key whose own password was not given


# ---- errors ------------------------------------------------------------------------------


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


# ---- model -------------------------------------------------------------------------------


class Entry(object):
    kind = 'unknown'

    def __init__(self, alias, timestamp=None):
        self.alias = alias
        self.timestamp = timestamp  # milliseconds since the epoch, None when the format kept none


class PrivateKeyEntry(Entry):
    """A private key with its certificate chain, leaf first.

    key_der is the plain PKCS#8 key, or None when the key could not be decrypted; then
    sealed = (store type, protected blob) is written back as it was read.
    key_password is None when the key is protected by the store password.
    """
    kind = 'private_key'

    def __init__(self, alias, chain, key_der=None, timestamp=None, key_password=None, sealed=None,
                 local_key_id=None):
        super(PrivateKeyEntry, self).__init__(alias, timestamp)
        self.chain = list(chain)
        self.key_der = key_der
        self.key_password = key_password
        self.sealed = sealed
        self.local_key_id = local_key_id


class TrustedCertEntry(Entry):
    kind = 'trusted_cert'

    def __init__(self, alias, cert, timestamp=None):
        super(TrustedCertEntry, self).__init__(alias, timestamp)
        self.cert = cert


class SecretKeyEntry(Entry):
    """A secret key; plain is the PKCS#8-style wrapping Java uses in PKCS#12 (algorithm OID + key)."""
    kind = 'secret_key'

    def __init__(self, alias, plain=None, timestamp=None, sealed=None, local_key_id=None):
        super(SecretKeyEntry, self).__init__(alias, timestamp)
        self.plain = plain
        self.sealed = sealed
        self.local_key_id = local_key_id


class Keystore(object):
    """An ordered set of entries, keyed by lowercase alias, plus PKCS#12 bags kept verbatim."""

    def __init__(self, store_type='pkcs12', encryption='modern'):
        self.store_type = store_type
        self.encryption = encryption
        self.entries = OrderedDict()
        self.extra_bags = []  # PKCS#12 bags no entry owns: (raw DER, was encrypted)

    def get(self, alias):
        return self.entries.get(alias.lower())

    def add(self, entry, replace=False):
        key = entry.alias.lower()
        if key in self.entries and not replace:
            raise AliasClashError('alias "%s" already exists in the keystore' % entry.alias)
        self.entries[key] = entry

    def remove(self, alias):
        return self.entries.pop(alias.lower(), None)

    def aliases(self):
        return [e.alias for e in self.entries.values()]


# ---- certificate helpers -----------------------------------------------------------------


def fingerprint(data, algorithm='sha256'):
    """keytool-style fingerprint: uppercase hex bytes separated by colons."""
    digest = hashlib.new(algorithm, data).hexdigest().upper()
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def load_cert(cert_der):
    return x509.load_der_x509_certificate(cert_der)


def cert_not_after(cert):
    value = getattr(cert, 'not_valid_after_utc', None)
    if value is None:
        value = cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    return value


def cert_not_before(cert):
    value = getattr(cert, 'not_valid_before_utc', None)
    if value is None:
        value = cert.not_valid_before.replace(tzinfo=datetime.timezone.utc)
    return value


def public_key_info(public_key):
    """(algorithm, size) of a public or private key object, named as keytool does."""
    if isinstance(public_key, (rsa.RSAPublicKey, rsa.RSAPrivateKey)):
        return 'RSA', public_key.key_size
    if isinstance(public_key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)):
        return 'EC', public_key.curve.key_size
    if isinstance(public_key, (ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey)):
        return 'Ed25519', 255
    if isinstance(public_key, (ed448.Ed448PublicKey, ed448.Ed448PrivateKey)):
        return 'Ed448', 448
    if isinstance(public_key, (dsa.DSAPublicKey, dsa.DSAPrivateKey)):
        return 'DSA', public_key.key_size
    return type(public_key).__name__, None


def general_names(names):
    """Subject alternative names as strings: DNS:, IP:, URI:, email:, dirName:, RID:."""
    out = []
    for name in names:
        if isinstance(name, x509.DNSName):
            out.append('DNS:%s' % name.value)
        elif isinstance(name, x509.IPAddress):
            out.append('IP:%s' % name.value)
        elif isinstance(name, x509.UniformResourceIdentifier):
            out.append('URI:%s' % name.value)
        elif isinstance(name, x509.RFC822Name):
            out.append('email:%s' % name.value)
        elif isinstance(name, x509.DirectoryName):
            out.append('dirName:%s' % name.value.rfc4514_string())
        elif isinstance(name, x509.RegisteredID):
            out.append('RID:%s' % name.value.dotted_string)
        else:
            out.append('%s:%s' % (type(name).__name__, name.value))
    return out


def _sans(cert):
    try:
        return general_names(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    except x509.ExtensionNotFound:
        return []


def _is_ca(cert):
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def iso_date(value):
    return value.strftime('%Y-%m-%dT%H:%M:%SZ')


def _raw_tbs_fields(cert_der):
    """The fields of a certificate's TBSCertificate as DER, without its optional [0] version:
    serial, signature algorithm, issuer, validity, subject, SubjectPublicKeyInfo, ..."""
    tbs = der.raw_children(der.children(der.read(cert_der, der.SEQUENCE)[1])[0][1])
    return tbs[1:] if tbs[0][:1] == b'\xa0' else tbs


def raw_names(cert_der):
    """(issuer, subject) of a certificate as DER, read without cryptography.

    cryptography rejects some certificates Java writes (DSA signatures with NULL parameters), so
    chains are built on the raw names and such certificates are kept as bytes.
    """
    fields = _raw_tbs_fields(cert_der)
    return fields[2], fields[4]


_SPKI_ALGORITHMS = {'1.2.840.113549.1.1.10': 'RSASSA-PSS'}


def raw_spki(cert_der):
    """The SubjectPublicKeyInfo of a certificate as DER."""
    return _raw_tbs_fields(cert_der)[5]


def _spki_algorithm(spki_der):
    """keytool's name of the key algorithm in a SubjectPublicKeyInfo, or its OID."""
    try:
        algorithm = der.children(der.children(der.read(spki_der, der.SEQUENCE)[1])[0][1])[0]
        oid = der.read_oid(algorithm[1])
    except der.DerError:
        return None
    return _SPKI_ALGORITHMS.get(oid, oid)


def _unparsed_cert_info(cert_der, error):
    spki = raw_spki(cert_der)
    try:
        algorithm, size = public_key_info(serialization.load_der_public_key(spki))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        algorithm, size = _spki_algorithm(spki), None
    info = dict.fromkeys(('subject', 'issuer', 'serial', 'not_before', 'not_after', 'days_remaining',
                          'subject_alt_names', 'is_ca', 'self_signed'))
    info.update(sha256=fingerprint(cert_der), sha1=fingerprint(cert_der, 'sha1'), public_key_algorithm=algorithm,
                public_key_size=size, parse_error='the cryptography library cannot parse this certificate (%s)' % error)
    return info


def cert_info(cert_der, now=None):
    """Public facts about a certificate (nothing secret)."""
    try:
        cert = load_cert(cert_der)
    except ValueError as exc:
        return _unparsed_cert_info(cert_der, exc)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    not_after = cert_not_after(cert)
    try:
        algorithm, size = public_key_info(cert.public_key())
    except UnsupportedAlgorithm:
        # cryptography before 38 cannot load RSASSA-PSS keys (keytool -keyalg RSASSA-PSS): report the rest
        algorithm, size = _spki_algorithm(raw_spki(cert_der)), None
    return {
        'subject': cert.subject.rfc4514_string(),
        'issuer': cert.issuer.rfc4514_string(),
        'serial': '%X' % cert.serial_number,
        'not_before': iso_date(cert_not_before(cert)),
        'not_after': iso_date(not_after),
        'days_remaining': int((not_after - now).total_seconds() // 86400),
        'sha256': fingerprint(cert_der),
        'sha1': fingerprint(cert_der, 'sha1'),
        'subject_alt_names': _sans(cert),
        'is_ca': _is_ca(cert),
        'self_signed': cert.subject == cert.issuer,
        'public_key_algorithm': algorithm,
        'public_key_size': size,
    }


SECRET_KEY_ALGORITHMS = {
    '2.16.840.1.101.3.4.1': 'AES',
    '1.2.840.113549.3.7': 'DESede',
    '1.3.14.3.2.7': 'DES',
    '1.2.840.113549.2.7': 'HmacSHA1',
    '1.2.840.113549.2.8': 'HmacSHA224',
    '1.2.840.113549.2.9': 'HmacSHA256',
    '1.2.840.113549.2.10': 'HmacSHA384',
    '1.2.840.113549.2.11': 'HmacSHA512',
}
SECRET_KEY_OIDS = dict((v.upper(), k) for k, v in SECRET_KEY_ALGORITHMS.items())


def secret_key_info(plain):
    """(algorithm, size in bits) of a PKCS#8-wrapped secret key."""
    fields = der.children(der.read(plain, der.SEQUENCE)[1])
    oid = der.read_oid(der.children(fields[1][1])[0][1])
    key = der.octets(*fields[2])
    return SECRET_KEY_ALGORITHMS.get(oid, oid), len(key) * 8


def wrap_secret_key(algorithm, key):
    oid = SECRET_KEY_OIDS.get(algorithm.upper())
    if oid is None:
        raise UnsupportedStoreError('secret key algorithm %s has no known object identifier' % algorithm)
    return der.seq(der.integer(0), der.algorithm(oid), der.octet_string(key))


def entry_fingerprint(entry):
    if isinstance(entry, PrivateKeyEntry):
        return fingerprint(entry.chain[0]) if entry.chain else None
    if isinstance(entry, TrustedCertEntry):
        return fingerprint(entry.cert)
    return None


def _date(timestamp):
    if timestamp is None:
        return None
    return iso_date(datetime.datetime.fromtimestamp(timestamp / 1000.0, datetime.timezone.utc))


def entry_info(entry, now=None):
    """What keystore_info reports about an entry. Never key material."""
    info = {'alias': entry.alias, 'type': entry.kind, 'creation_date': _date(entry.timestamp)}
    if isinstance(entry, PrivateKeyEntry):
        chain = [cert_info(c, now) for c in entry.chain]
        info['chain'] = chain
        info['chain_length'] = len(chain)
        if chain:
            info['algorithm'] = chain[0]['public_key_algorithm']
            info['size'] = chain[0]['public_key_size']
            info['sha256'] = chain[0]['sha256']
            info['not_after'] = chain[0]['not_after']
            info['days_remaining'] = chain[0]['days_remaining']
        if entry.sealed is not None and entry.key_der is None:
            info['key_protection'] = 'unknown_password'
        else:
            info['key_protection'] = 'store_password' if entry.key_password is None else 'own_password'
    elif isinstance(entry, TrustedCertEntry):
        info.update(cert_info(entry.cert, now))
    elif isinstance(entry, SecretKeyEntry):
        if entry.plain is not None:
            info['algorithm'], info['size'] = secret_key_info(entry.plain)
        else:
            info['algorithm'], info['size'] = None, None
    return info


def summary(store):
    """Metadata for diffs: type and alias -> entry type and SHA-256 (no secrets)."""
    if store is None:
        return {}
    entries = OrderedDict()
    for entry in store.entries.values():
        fp = entry_fingerprint(entry)
        entries[entry.alias] = entry.kind + (' ' + fp if fp else '')
    out = {'store_type': store.store_type, 'entries': entries}
    if store.store_type == 'pkcs12':
        out['pkcs12_encryption'] = store.encryption
    return out


# ---- type detection and loading ----------------------------------------------------------


def detect_type(data):
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
                entry.sealed = (raw.store_type, item.protected)
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
                entry.sealed = (raw.store_type, item.sealed)
            store.add(entry)
    return store


def _issuer_of(cert_der, candidates, parsed_cert):
    """The bag among candidates that issued cert_der: same raw name, verified signature preferred."""
    issuer = raw_names(cert_der)[0]
    matches = [b for b in candidates if raw_names(b.value)[1] == issuer]
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
    certs = [b for b in bags if b.bag_type == p12.OID_CERT_BAG]
    chain_certs = [b for b in certs if not b.trusted]
    parsed = {}

    def parsed_cert(cert_der):
        """The cryptography object, or None for a certificate it cannot parse (kept as bytes)."""
        if cert_der not in parsed:
            try:
                parsed[cert_der] = load_cert(cert_der)
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
                        entry.sealed = ('pkcs12', bag.value)
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
                    while raw_names(chain[-1])[0] != raw_names(chain[-1])[1]:
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
            except p12.Pkcs12Error:
                entry.sealed = ('pkcs12', bag.raw)
            store.add(entry)
    for bag in certs:
        if bag.trusted:
            store.add(TrustedCertEntry(name_of(bag), bag.value, _timestamp_from_key_id(bag.local_key_id)))
        elif id(bag) not in used:
            store.extra_bags.append((bag.raw, bag.encrypted))
    for bag in bags:
        if bag.bag_type == 'opaque':
            store.extra_bags.append((bag.raw, bag.encrypted))
    return store


def load_bytes(data, password, key_passwords=None):
    """Parse keystore bytes of any supported type (detected by content)."""
    if CRYPTOGRAPHY_IMPORT_ERROR:
        raise UnsupportedStoreError('the cryptography library is required')
    key_passwords = dict((k.lower(), v) for k, v in (key_passwords or {}).items())
    store_type = detect_type(data)
    if store_type in ('jks', 'jceks'):
        return _load_jks(data, password, key_passwords)
    return _load_pkcs12(data, password, key_passwords)


# ---- writing -----------------------------------------------------------------------------


def now_ms():
    return int(time.time() * 1000)


def _dump_jks(store, password):
    if store.extra_bags:
        raise UnsupportedStoreError(
            'the keystore holds %d PKCS#12 bag(s) that belong to no entry (for example certificates without '
            'an alias); JKS cannot represent them, keep the store as PKCS12' % len(store.extra_bags))
    items = []
    for entry in store.entries.values():
        stamp = entry.timestamp if entry.timestamp is not None else now_ms()
        if isinstance(entry, PrivateKeyEntry):
            if entry.key_der is None:
                if entry.sealed[0] != 'jks':
                    raise KeystoreError('the key of alias "%s" cannot be decrypted with the store password, so it '
                                        'cannot be converted; give its key password' % entry.alias)
                protected = entry.sealed[1]
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


def _dump_pkcs12(store, password, encryption):
    if any(ord(char) > 0x7F for char in password):
        raise UnsupportedStoreError('Java cannot open a PKCS12 keystore whose password has non-ASCII characters '
                                    '(keytool refuses such passwords too); use an ASCII password')
    scheme = p12.key_scheme(encryption)
    key_bags, cert_bags, written_chain = [], [], set()
    key_ids = set()

    def unique_key_id(entry):
        key_id = entry.local_key_id
        if key_id is None or key_id in key_ids:
            stamp = entry.timestamp if entry.timestamp is not None else now_ms()
            key_id = ('Time %d' % stamp).encode('ascii')
            while key_id in key_ids:
                stamp += 1
                key_id = ('Time %d' % stamp).encode('ascii')
        key_ids.add(key_id)
        return key_id

    for entry in store.entries.values():
        if isinstance(entry, PrivateKeyEntry):
            if entry.key_der is None:
                if entry.sealed[0] != 'pkcs12':
                    raise KeystoreError('the key of alias "%s" is protected by a password other than the store '
                                        'password and PKCS12 cannot hold it; give its key password so it can be '
                                        're-protected' % entry.alias)
                epki = entry.sealed[1]
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
                if entry.sealed[0] != 'pkcs12':
                    raise KeystoreError('the secret key "%s" cannot be decrypted, so it cannot be converted'
                                        % entry.alias)
                key_bags.append(entry.sealed[1])
                continue
            epki = p12.encrypt_epki(entry.plain, password, scheme)
            key_bags.append(p12.secret_bag(epki, entry.alias, unique_key_id(entry)))
        elif isinstance(entry, TrustedCertEntry):
            cert_bags.append(p12.cert_bag(entry.cert, entry.alias, None, trusted=True))
    for raw, encrypted in store.extra_bags:
        (cert_bags if encrypted else key_bags).append(raw)
    return p12.dump(key_bags, cert_bags, password, encryption)


def dump_bytes(store, password, store_type=None, encryption=None):
    """Serialize the store (as store_type, default its own type)."""
    store_type = store_type or store.store_type
    if store_type == 'jks':
        return _dump_jks(store, password)
    if store_type == 'pkcs12':
        return _dump_pkcs12(store, password, encryption or store.encryption)
    if store_type == 'jceks':
        raise UnsupportedStoreError('writing JCEKS keystores is not supported; convert the store to PKCS12 '
                                    '(store_type: pkcs12) or JKS')
    raise UnsupportedStoreError('unknown keystore type %s' % store_type)


def change_password(store, new_password):
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


# ---- files -------------------------------------------------------------------------------


def read_file(path):
    """Return the bytes of path, or None when it does not exist."""
    if os.path.isdir(path):
        raise StoreFileError('%s is a directory, not a keystore file' % path)
    try:
        with open(path, 'rb') as handle:
            return handle.read()
    except IOError as exc:
        if exc.errno == errno.ENOENT:
            return None
        raise StoreFileError('cannot read %s: %s' % (path, os.strerror(exc.errno or 0)))


@contextlib.contextmanager
def locked(path):
    """Hold an exclusive advisory lock for a read-modify-write of path.

    The lock is taken on the directory: the store file itself is replaced by rename, so a lock
    on its inode would not serialize writers, and a lock file would litter the directory.
    """
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise StoreFileError('directory %s does not exist' % directory)
    if fcntl is None:
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def write_atomic(path, data, move=None):
    """Write data next to path in a 0600 temp file, fsync it, then move it over path."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
    except OSError as exc:
        raise StoreFileError('cannot write in %s: %s' % (directory, os.strerror(exc.errno or 0)))
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if move is None:
            os.replace(tmp, path)
        else:
            move(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def read_store(path, password, key_passwords=None):
    """Load the store at path; None when the file does not exist."""
    data = read_file(path)
    if data is None:
        return None
    return load_bytes(data, password, key_passwords)
