# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Certificates and keys through cryptography: what keystore_info reports, PEM/DER input, keys that match
certificates, chain building and stable aliases.

PRIVATE: this is not a public API of the collection and may change at any time.

Reached through _certs (certs.load_cert and the like), which imports this module on first use: a task that
changes nothing needs none of it, and every module run compiles what it imports from the AnsiballZ zip, twice
(issue 11: fleet cost).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import datetime
import re
from typing import Any, Dict, Iterable, List, Optional, Union

from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils._certs import (
    PEM_CERT, fingerprint, iso_date, raw_spki, to_bytes)
# cryptography's modules, imported on first use (see _crypto_support.LazyModule); missing cryptography is
# reported once, by _crypto_support.dependency_problem()
from ansible_collections.javasec.keystore.plugins.module_utils._crypto_support import (
    dsa, ec, ed448, ed25519, rsa, serialization, x509)
from ansible_collections.javasec.keystore.plugins.module_utils._model import (
    CertificateInputError, Entry, PrivateKeyEntry, SecretKeyEntry, TrustedCertEntry, secret_key_info)


def parse_errors():
    """cryptography's errors for malformed certificates and CSRs that are not ValueError: an unknown version, an
    extension twice (which Java refuses too), a general name 3.4.8 cannot represent (x400Address ...)."""
    return (x509.InvalidVersion, x509.DuplicateExtension,
            getattr(x509, 'UnsupportedGeneralNameType', x509.DuplicateExtension))


def load_cert(cert_der):
    """cryptography's certificate; ValueError for bytes it cannot parse, also for a version it does not know
    or an extension given twice (every caller handles ValueError, none cryptography's other error types)."""
    try:
        cert = x509.load_der_x509_certificate(cert_der)
        # extensions are parsed on first use: a duplicate would raise there, wherever a caller looks at one
        cert.extensions  # pylint: disable=pointless-statement
    except parse_errors() as exc:
        raise ValueError(str(exc) or type(exc).__name__)
    return cert


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


_SPKI_ALGORITHMS = {'1.2.840.113549.1.1.10': 'RSASSA-PSS'}


def _spki_algorithm(spki_der):
    """keytool's name of the key algorithm in a SubjectPublicKeyInfo, or its OID."""
    try:
        algorithm = der.children(der.children(der.read(spki_der, der.SEQUENCE)[1])[0][1])[0]
        oid = der.read_oid(algorithm[1])
    except (der.DerError, IndexError):  # IndexError: an empty SEQUENCE
        return None
    return _SPKI_ALGORITHMS.get(oid, oid)


def _unparsed_cert_info(cert_der, error):
    try:
        spki = raw_spki(cert_der)
    except der.DerError:  # not even the shape of a certificate
        spki = None
    try:
        algorithm, size = public_key_info(serialization.load_der_public_key(spki))
    except (ValueError, TypeError, support.UnsupportedAlgorithm):
        algorithm, size = (_spki_algorithm(spki) if spki is not None else None), None
    info = dict.fromkeys(('subject', 'issuer', 'serial', 'not_before', 'not_after', 'days_remaining',
                          'subject_alt_names', 'is_ca', 'self_signed'))
    info.update(sha256=fingerprint(cert_der), sha1=fingerprint(cert_der, 'sha1'), public_key_algorithm=algorithm,
                public_key_size=size, parse_error='the cryptography library cannot parse this certificate (%s)' % error)
    return info


def cert_info(cert_der: bytes, now: Optional[datetime.datetime] = None) -> Dict[str, Any]:
    """Public facts about a certificate (nothing secret)."""
    try:
        cert = load_cert(cert_der)
    except ValueError as exc:
        return _unparsed_cert_info(cert_der, exc)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    try:
        not_after = cert_not_after(cert)
        try:
            algorithm, size = public_key_info(cert.public_key())
        except support.UnsupportedAlgorithm:
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
    except ValueError as exc:
        # cryptography parses names, extensions and the key on first use: one it cannot parse is reported
        # like a certificate it cannot load at all
        return _unparsed_cert_info(cert_der, exc)


def _date(timestamp):
    if timestamp is None:
        return None
    try:
        return iso_date(datetime.datetime.fromtimestamp(timestamp / 1000.0, datetime.timezone.utc))
    except (ValueError, OverflowError, OSError):
        # a JKS creation time is any 64-bit number; past year 9999 it is no date Python can show
        return None


def entry_info(entry: Entry, now: Optional[datetime.datetime] = None) -> Dict[str, Any]:
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


def _trusted_certificate_der(block):
    """The certificate of OpenSSL's TRUSTED CERTIFICATE PEM (openssl x509 -trustout): its DER is the
    certificate followed by OpenSSL's trust settings, which Java does not know and we drop."""
    body = b''.join(block.strip().splitlines()[1:-1])
    data = base64.b64decode(body, validate=True)
    end = der.element_end(data, 0)
    return data[:end]


def load_certificates(data: Union[str, bytes], what: str = 'input') -> List[bytes]:
    """All certificates of PEM text (one or many) or of one DER certificate, as DER bytes in input order."""
    data = to_bytes(data)
    blocks = PEM_CERT.findall(data)
    if blocks:
        out = []
        for index, block in enumerate(blocks):
            try:
                if block.startswith(b'-----BEGIN TRUSTED'):
                    cert = x509.load_der_x509_certificate(_trusted_certificate_der(block))
                else:
                    cert = x509.load_pem_x509_certificate(block)
            except (ValueError, x509.InvalidVersion):  # DerError and binascii.Error are ValueErrors too
                raise CertificateInputError('%s: certificate #%d is not valid PEM' % (what, index + 1))
            out.append(cert.public_bytes(serialization.Encoding.DER))
        return out
    if b'-----BEGIN' in data:
        raise CertificateInputError('%s: PEM text without a CERTIFICATE block' % what)
    try:
        return [x509.load_der_x509_certificate(data).public_bytes(serialization.Encoding.DER)]
    except (ValueError, x509.InvalidVersion):
        raise CertificateInputError('%s: neither PEM certificates nor a DER certificate' % what)


def load_private_key(data, passphrase=None, what='private key'):
    """PKCS#8 DER of a PEM or DER private key (PKCS#1, SEC1, PKCS#8, encrypted or not)."""
    data = to_bytes(data)
    password = to_bytes(passphrase) if passphrase else None
    loaders = [serialization.load_pem_private_key] if b'-----BEGIN' in data else [serialization.load_der_private_key]
    for loader in loaders:
        try:
            key = loader(data, password=password)
        except TypeError:
            raise CertificateInputError('%s: it is encrypted, give its passphrase' % what)
        except ValueError:
            raise CertificateInputError('%s: cannot be read (wrong passphrase or not a private key)' % what)
        except support.UnsupportedAlgorithm:
            raise CertificateInputError(_unsupported_key_message(what))
        return private_key_der(key)
    raise CertificateInputError('%s: cannot be read' % what)


def private_key_der(key):
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _unsupported_key_message(what):
    if support.VERSION < support.RSASSA_PSS_KEYS_VERSION:
        return support.needs_version('%s: this type of key (RSASSA-PSS, as keytool -keyalg RSASSA-PSS makes)' % what,
                                     support.RSASSA_PSS_KEYS_VERSION)
    return '%s: the cryptography library does not support this type of key' % what


def load_key(key_der, what='private key'):
    try:
        return serialization.load_der_private_key(key_der, password=None)
    except support.UnsupportedAlgorithm:
        raise CertificateInputError(_unsupported_key_message(what))


def cert_public_key(cert, what=None):
    """The public key of a certificate or CSR; a CertificateInputError naming the version needed when
    this cryptography cannot load its type (RSASSA-PSS keys before 38)."""
    try:
        return support.public_key_of(cert, what)
    except support.UnsupportedAlgorithm as exc:
        raise CertificateInputError(str(exc))


def public_der(public_key: Any) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_matches_cert(key_der: bytes, cert_der: bytes) -> bool:
    return public_der(load_key(key_der).public_key()) == public_der(cert_public_key(load_cert(cert_der)))


def _signed_by(cert, issuer):
    try:
        return support.is_issued_by(cert, issuer)
    except support.CryptographyTooOld as exc:
        raise CertificateInputError(str(exc))


def build_chain(leaf_der: bytes, candidates: Iterable[bytes], verify: bool = True) -> List[bytes]:
    """Order a chain leaf -> root from the leaf and any pool of certificates (DER), in any order.

    With verify, each link must be a valid signature by the next certificate. Returns
    (chain, missing_issuer): missing_issuer is the RFC 4514 name of the issuer that could not be
    found, or None when the chain ends in a self-signed certificate.
    """
    pool = []
    for der_bytes in candidates:
        if der_bytes != leaf_der and all(der_bytes != d for d, c in pool):
            pool.append((der_bytes, load_cert(der_bytes)))
    chain = [leaf_der]
    cert = load_cert(leaf_der)
    while cert.subject != cert.issuer:
        found = None
        for cand_der, cand in pool:
            if cand_der not in chain and (_signed_by(cert, cand) if verify else cand.subject == cert.issuer):
                found = (cand_der, cand)
                break
        if found is None:
            return chain, cert.issuer.rfc4514_string()
        chain.append(found[0])
        cert = found[1]
    return chain, None


def complete_chain(leaf_der: bytes, pool: Iterable[bytes], validate: bool = True, what: str = 'certificate',
                   extra_source: str = 'ca_path') -> List[bytes]:
    """build_chain, failing with an explanation when an issuer is missing (unless validate is off)."""
    chain, missing = build_chain(leaf_der, pool, verify=validate)
    if missing is not None and validate:
        raise CertificateInputError(
            'cannot build the chain of %s: the issuer "%s" of "%s" is neither in the given chain, nor a trusted '
            'entry of the keystore, nor in %s; add it (or set validate_chain=false)'
            % (what, missing, load_cert(chain[-1]).subject.rfc4514_string(), extra_source))
    return chain


def check_validity(cert_der, what='certificate'):
    """Refuse an expired certificate (keytool only warns; a server with it fails every handshake)."""
    cert = load_cert(cert_der)
    now = datetime.datetime.now(datetime.timezone.utc)
    not_after = cert_not_after(cert)
    if not_after < now:
        raise CertificateInputError('%s "%s" expired on %s' % (
            what, cert.subject.rfc4514_string(), not_after.strftime('%Y-%m-%d %H:%M:%S UTC')))


def extension(cert, name):
    """The value of the extension class x509.<name> of cert, or None."""
    try:
        return cert.extensions.get_extension_for_class(getattr(x509, name)).value
    except x509.ExtensionNotFound:
        return None


def find_leaf(key_der, certs):
    """The certificate whose public key is the key's, or None."""
    wanted = public_der(load_key(key_der).public_key())
    for cert_der in certs:
        if public_der(cert_public_key(load_cert(cert_der))) == wanted:
            return cert_der
    return None


_SLUG = re.compile(r'[^a-z0-9]+')


def derive_alias(cert_der: bytes) -> str:
    """Stable lowercase alias: CN (or first RDN) slug plus the first 8 hex digits of the SHA-256."""
    cert = load_cert(cert_der)
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME) or list(cert.subject)
    base = _SLUG.sub('-', str(names[0].value).lower()).strip('-')[:40] if names else 'cert'
    return '%s-%s' % (base or 'cert', fingerprint(cert_der).replace(':', '')[:8].lower())


def certificate_sans(cert):
    """The general names of a certificate's subject alternative name extension (empty list without one)."""
    try:
        return list(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    except x509.ExtensionNotFound:
        return []
