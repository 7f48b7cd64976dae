# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Certificates and keys in: PEM/DER parsing, chain building, stable aliases, key generation.

PRIVATE: this is not a public API of the collection and may change at any time.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import ipaddress
import re
import traceback

from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _keystore as engine

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
except ImportError:
    IMPORT_ERROR = traceback.format_exc()
else:
    IMPORT_ERROR = None

PEM_CERT = re.compile(b'-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----.+?-----END (?:X509 |TRUSTED )?CERTIFICATE-----',
                      re.DOTALL)


class CertificateInputError(engine.KeystoreError):
    """Input that is not what it claims to be (bad PEM, key that does not match...)."""


def to_bytes(data):
    return data.encode('utf-8') if not isinstance(data, bytes) else data


def load_certificates(data, what='input'):
    """All certificates of PEM text (one or many) or of one DER certificate, as DER bytes in input order."""
    data = to_bytes(data)
    blocks = PEM_CERT.findall(data)
    if blocks:
        out = []
        for index, block in enumerate(blocks):
            try:
                cert = x509.load_pem_x509_certificate(block)
            except ValueError:
                raise CertificateInputError('%s: certificate #%d is not valid PEM' % (what, index + 1))
            out.append(cert.public_bytes(serialization.Encoding.DER))
        return out
    if b'-----BEGIN' in data:
        raise CertificateInputError('%s: PEM text without a CERTIFICATE block' % what)
    try:
        return [x509.load_der_x509_certificate(data).public_bytes(serialization.Encoding.DER)]
    except ValueError:
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


def public_der(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_matches_cert(key_der, cert_der):
    return public_der(load_key(key_der).public_key()) == public_der(cert_public_key(engine.load_cert(cert_der)))


def _signed_by(cert, issuer):
    try:
        return support.is_issued_by(cert, issuer)
    except support.CryptographyTooOld as exc:
        raise CertificateInputError(str(exc))


def build_chain(leaf_der, candidates, verify=True):
    """Order a chain leaf -> root from the leaf and any pool of certificates (DER), in any order.

    With verify, each link must be a valid signature by the next certificate. Returns
    (chain, missing_issuer): missing_issuer is the RFC 4514 name of the issuer that could not be
    found, or None when the chain ends in a self-signed certificate.
    """
    pool = []
    for der_bytes in candidates:
        if der_bytes != leaf_der and all(der_bytes != d for d, c in pool):
            pool.append((der_bytes, engine.load_cert(der_bytes)))
    chain = [leaf_der]
    cert = engine.load_cert(leaf_der)
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


def complete_chain(leaf_der, pool, validate=True, what='certificate', extra_source='ca_path'):
    """build_chain, failing with an explanation when an issuer is missing (unless validate is off)."""
    chain, missing = build_chain(leaf_der, pool, verify=validate)
    if missing is not None and validate:
        raise CertificateInputError(
            'cannot build the chain of %s: the issuer "%s" of "%s" is neither in the given chain, nor a trusted '
            'entry of the keystore, nor in %s; add it (or set validate_chain=false)'
            % (what, missing, engine.load_cert(chain[-1]).subject.rfc4514_string(), extra_source))
    return chain


def check_validity(cert_der, what='certificate'):
    """Refuse an expired certificate (keytool only warns; a server with it fails every handshake)."""
    cert = engine.load_cert(cert_der)
    now = datetime.datetime.now(datetime.timezone.utc)
    not_after = engine.cert_not_after(cert)
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
        if public_der(cert_public_key(engine.load_cert(cert_der))) == wanted:
            return cert_der
    return None


def chain_summary(chain):
    out = []
    for cert_der in chain:
        cert = engine.load_cert(cert_der)
        out.append({'subject': cert.subject.rfc4514_string(), 'issuer': cert.issuer.rfc4514_string(),
                    'not_after': engine.iso_date(engine.cert_not_after(cert)), 'sha256': engine.fingerprint(cert_der)})
    return out


_SLUG = re.compile(r'[^a-z0-9]+')


def derive_alias(cert_der):
    """Stable lowercase alias: CN (or first RDN) slug plus the first 8 hex digits of the SHA-256."""
    cert = engine.load_cert(cert_der)
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME) or list(cert.subject)
    base = _SLUG.sub('-', str(names[0].value).lower()).strip('-')[:40] if names else 'cert'
    return '%s-%s' % (base or 'cert', engine.fingerprint(cert_der).replace(':', '')[:8].lower())


# ---- generation --------------------------------------------------------------------------

def parse_subject(subject):
    """A dname string ('CN=a,OU=b,O=c,L=d,ST=e,C=f'; keytool also accepts S= for ST) or a dict."""
    oids = {
        'CN': NameOID.COMMON_NAME, 'OU': NameOID.ORGANIZATIONAL_UNIT_NAME, 'O': NameOID.ORGANIZATION_NAME,
        'L': NameOID.LOCALITY_NAME, 'ST': NameOID.STATE_OR_PROVINCE_NAME, 'S': NameOID.STATE_OR_PROVINCE_NAME,
        'C': NameOID.COUNTRY_NAME, 'EMAILADDRESS': NameOID.EMAIL_ADDRESS, 'DC': NameOID.DOMAIN_COMPONENT,
        'SERIALNUMBER': NameOID.SERIAL_NUMBER, 'STREET': NameOID.STREET_ADDRESS,
    }
    aliases = {'COMMONNAME': 'CN', 'ORGANIZATIONALUNIT': 'OU', 'ORGANIZATION': 'O', 'LOCALITY': 'L',
               'STATE': 'ST', 'COUNTRY': 'C', 'EMAIL': 'EMAILADDRESS'}
    if isinstance(subject, dict):
        pairs = list(subject.items())
    else:
        pairs = []
        for part in re.split(r'(?<!\\),', subject):
            if not part.strip():
                continue
            if '=' not in part:
                raise CertificateInputError('subject part "%s" is not NAME=value' % part.strip())
            name, value = part.split('=', 1)
            pairs.append((name.strip(), value.strip().replace('\\,', ',')))
    attrs = []
    for name, value in pairs:
        key = aliases.get(name.upper().replace('_', ''), name.upper())
        if key not in oids:
            raise CertificateInputError('unknown subject attribute %s' % name)
        attrs.append(x509.NameAttribute(oids[key], str(value)))
    if not attrs:
        raise CertificateInputError('the subject is empty')
    # keytool -dname and RFC 4514 list the most specific attribute (CN) first; DER stores it last.
    return x509.Name(list(reversed(attrs)))


def parse_sans(values):
    out = []
    for value in values or []:
        if ':' not in value:
            raise CertificateInputError('subject alternative name "%s" needs a type prefix (DNS:, IP:, URI:, email:)'
                                        % value)
        kind, name = value.split(':', 1)
        kind = kind.strip().upper()
        if kind == 'DNS':
            out.append(x509.DNSName(name))
        elif kind == 'IP':
            try:
                out.append(x509.IPAddress(ipaddress.ip_address(name)))
            except ValueError:
                raise CertificateInputError('"%s" is not an IP address' % name)
        elif kind == 'URI':
            out.append(x509.UniformResourceIdentifier(name))
        elif kind in ('EMAIL', 'RFC822'):
            out.append(x509.RFC822Name(name))
        else:
            raise CertificateInputError('unsupported subject alternative name type %s' % kind)
    return out


KEY_USAGES = ('digital_signature', 'content_commitment', 'key_encipherment', 'data_encipherment',
              'key_agreement', 'key_cert_sign', 'crl_sign', 'encipher_only', 'decipher_only')
EKU_NAMES = {
    'server_auth': 'SERVER_AUTH', 'serverauth': 'SERVER_AUTH', 'client_auth': 'CLIENT_AUTH',
    'clientauth': 'CLIENT_AUTH', 'code_signing': 'CODE_SIGNING', 'codesigning': 'CODE_SIGNING',
    'email_protection': 'EMAIL_PROTECTION', 'emailprotection': 'EMAIL_PROTECTION',
    'time_stamping': 'TIME_STAMPING', 'timestamping': 'TIME_STAMPING', 'ocsp_signing': 'OCSP_SIGNING',
    'ocspsigning': 'OCSP_SIGNING',
}


def key_usage_extension(names):
    flags = dict((k, False) for k in KEY_USAGES)
    aliases = {'nonrepudiation': 'content_commitment', 'non_repudiation': 'content_commitment',
               'digitalsignature': 'digital_signature', 'keyencipherment': 'key_encipherment',
               'dataencipherment': 'data_encipherment', 'keyagreement': 'key_agreement',
               'keycertsign': 'key_cert_sign', 'crlsign': 'crl_sign'}
    for name in names:
        key = name.strip().lower()
        key = aliases.get(key.replace('_', ''), aliases.get(key, key))
        if key not in flags:
            raise CertificateInputError('unknown key usage %s' % name)
        flags[key] = True
    return x509.KeyUsage(**flags)


def eku_extension(names):
    oids = []
    for name in names:
        key = name.strip().lower()
        if key in EKU_NAMES:
            oids.append(getattr(ExtendedKeyUsageOID, EKU_NAMES[key]))
        elif re.match(r'^[0-9]+(\.[0-9]+)+$', key):
            oids.append(x509.ObjectIdentifier(key))
        else:
            raise CertificateInputError('unknown extended key usage %s' % name)
    return x509.ExtendedKeyUsage(oids)


def generate_key(key_type='rsa', key_size=None, curve=None):
    if key_type == 'rsa':
        return rsa.generate_private_key(public_exponent=65537, key_size=key_size or 2048)
    if key_type == 'ec':
        curves = {'secp256r1': ec.SECP256R1, 'secp384r1': ec.SECP384R1, 'secp521r1': ec.SECP521R1,
                  'p-256': ec.SECP256R1, 'p-384': ec.SECP384R1, 'p-521': ec.SECP521R1}
        name = (curve or 'secp256r1').lower()
        if name not in curves:
            raise CertificateInputError('unsupported curve %s' % curve)
        return ec.generate_private_key(curves[name]())
    if key_type == 'ed25519':
        return ed25519.Ed25519PrivateKey.generate()
    raise CertificateInputError('unsupported key type %s' % key_type)


def signature_hash(key, signature_algorithm=None):
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        return None
    if signature_algorithm:
        name = signature_algorithm.upper().replace('-', '')
        if 'PSS' in name or 'MGF1' in name:
            # Reading the hash off the name would sign PKCS#1 v1.5 where PSS was asked for.
            raise CertificateInputError('signature algorithm %s (RSASSA-PSS) is not supported for the certificates '
                                        'this collection signs; use SHA256withRSA, SHA384withRSA or SHA512withRSA'
                                        % signature_algorithm)
        for candidate in ('SHA512', 'SHA384', 'SHA256', 'SHA224', 'SHA1'):
            if name.startswith(candidate):
                return getattr(hashes, candidate)()
        raise CertificateInputError('unsupported signature algorithm %s' % signature_algorithm)
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.key_size > 256:
        return hashes.SHA384() if key.curve.key_size <= 384 else hashes.SHA512()
    return hashes.SHA256()


def build_certificate(subject_name, public_key, issuer_name, signing_key, validity_days, sans=None,
                      key_usage=None, extended_key_usage=None, is_ca=False, signature_algorithm=None,
                      issuer_public_key=None, not_before=None, serial=None, path_length=None):
    """Sign a certificate; the extensions follow what keytool -genkeypair/-gencert writes."""
    now = not_before or (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5))
    builder = (x509.CertificateBuilder()
               .subject_name(subject_name)
               .issuer_name(issuer_name)
               .public_key(public_key)
               .serial_number(serial or x509.random_serial_number())
               .not_valid_before(now)
               .not_valid_after(now + datetime.timedelta(days=validity_days)))
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    if issuer_public_key is not None:
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public_key),
                                        critical=False)
    if is_ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if key_usage:
        builder = builder.add_extension(key_usage_extension(key_usage), critical=True)
    if extended_key_usage:
        builder = builder.add_extension(eku_extension(extended_key_usage), critical=False)
    cert = builder.sign(signing_key, signature_hash(signing_key, signature_algorithm))
    return cert.public_bytes(serialization.Encoding.DER)


def renew_self_signed(old_der, key, validity_days, signature_algorithm=None):
    """What keytool -selfcert does: a new self-signed certificate on key with the subject and extensions of old_der.

    The key identifiers are computed from key, so that this also serves a new key.
    """
    old = engine.load_cert(old_der)
    now = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=5)
    builder = (x509.CertificateBuilder()
               .subject_name(old.subject)
               .issuer_name(old.subject)
               .public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now)
               .not_valid_after(now + datetime.timedelta(days=validity_days)))
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    for ext in old.extensions:
        if isinstance(ext.value, x509.SubjectKeyIdentifier):
            continue
        if isinstance(ext.value, x509.AuthorityKeyIdentifier):
            builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()),
                                            critical=ext.critical)
            continue
        builder = builder.add_extension(ext.value, critical=ext.critical)
    cert = builder.sign(key, signature_hash(key, signature_algorithm))
    return cert.public_bytes(serialization.Encoding.DER)


def pem(cert_der):
    return engine.load_cert(cert_der).public_bytes(serialization.Encoding.PEM).decode('ascii')
