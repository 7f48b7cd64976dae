# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Making keys and certificates: subjects, alternative names, key usages, signature algorithms,
key generation and the certificates we sign (keytool -genkeypair, -gencert, -selfcert).

PRIVATE: this is not a public API of the collection and may change at any time.

Reading the options (dname strings, usage names, key size and validity checks) is _wanted's, which a task that
changes nothing imports without this module (issue 11: fleet cost).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import ipaddress
import re
from typing import Any, Dict, List, NamedTuple, Optional, Union

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils._model import CertificateInputError
from ansible_collections.javasec.keystore.plugins.module_utils._wanted import (
    EKU_NAMES, KEY_USAGES, _DOTTED_OID, _EKU_NAMES, _SUBJECT_ATTRIBUTES, _key_usage_flags, _parse_dname,
    check_rsa_key_size, check_validity_days)

# Imported on first use (see _crypto_support.LazyModule); missing cryptography is reported once, by
# _crypto_support.dependency_problem().
x509 = support.x509
hashes = support.hashes
serialization = support.serialization
dsa = support.dsa
ec = support.ec
ed448 = support.ed448
ed25519 = support.ed25519
rsa = support.rsa


# ---- names and extensions -------------------------------------------------------------------


def _attribute_oid(name: str) -> 'x509.ObjectIdentifier':
    dotted = _DOTTED_OID.match(name)
    if dotted:
        try:
            return x509.ObjectIdentifier(dotted.group(1))
        except ValueError:  # cryptography checks the arcs (1.40 is not an OID), in words that vary by version
            raise CertificateInputError('subject attribute %s is not a valid OID' % name)
    oid = _SUBJECT_ATTRIBUTES.get(name.upper().replace('_', ''))
    if oid is None:
        raise CertificateInputError('unknown subject attribute %s' % name)
    return x509.ObjectIdentifier(oid)


def _attribute(name: str, value: Any) -> 'x509.NameAttribute':
    oid = _attribute_oid(name)
    # cryptography 3.4.8 accepts an empty value that later releases refuse: refuse it on every release
    if value is None or not isinstance(value, (str, int, float)) or isinstance(value, bool) or str(value) == '':
        raise CertificateInputError('subject attribute %s: the value must be a non-empty string' % name)
    try:
        return x509.NameAttribute(oid, str(value))
    except ValueError as exc:  # cryptography's length checks (C is 2 letters, CN 1 to 64 characters ...)
        raise CertificateInputError('subject attribute %s: %s' % (name, exc))


def parse_subject(subject: Union[str, Dict[str, Any]]) -> 'x509.Name':
    """A dname string or a dict to an x509.Name.

    The string is RFC 4514 ('CN=a+UID=b,OU=Ops\\, Platform,O="Example, Inc.",C=NL') as keytool -dname takes it
    (S= for ST, ; between RDNs, spaces around separators, quoted values, #hex values, dotted OIDs). A dict maps
    attribute names to a value or a list of values, each its own RDN, in the dict's order.
    """
    if isinstance(subject, dict):
        rdns = [[(str(name), value)] for name, values in subject.items()
                for value in (values if isinstance(values, list) else [values])]
    elif not isinstance(subject, str):  # the option is raw: a list or a number must not end in a traceback
        raise CertificateInputError('the subject must be a string (CN=...,O=...) or a dict, not a %s'
                                    % type(subject).__name__)
    elif not subject.strip(' ,;+'):
        rdns = []
    else:
        rdns = _parse_dname(subject)
    if not rdns:
        raise CertificateInputError('the subject is empty')
    names = []
    for rdn in rdns:
        attributes = [_attribute(name, value) for name, value in rdn]
        try:
            names.append(x509.RelativeDistinguishedName(attributes))
        except ValueError as exc:  # the same attribute and value twice in one RDN
            raise CertificateInputError('subject RDN %s: %s' % ('+'.join(pair[0] for pair in rdn), exc))
    # keytool -dname and RFC 4514 list the most specific RDN (CN) first; DER stores it last.
    return x509.Name(list(reversed(names)))


def parse_sans(values: Optional[List[str]]) -> List['x509.GeneralName']:
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


def key_usage_extension(names):
    return x509.KeyUsage(**_key_usage_flags(names))


def eku_extension(names):
    oids = []
    for name in names:
        key = name.strip().lower()
        if key in EKU_NAMES:
            oids.append(getattr(x509.ExtendedKeyUsageOID, EKU_NAMES[key]))
        elif re.match(r'^[0-9]+(\.[0-9]+)+$', key):
            oids.append(x509.ObjectIdentifier(key))
        else:
            raise CertificateInputError('unknown extended key usage %s' % name)
    return x509.ExtendedKeyUsage(oids)


def key_usage_names(key_usage: 'x509.KeyUsage') -> List[str]:
    out = []
    for name in KEY_USAGES:
        try:
            if getattr(key_usage, name):
                out.append(name)
        except ValueError:  # encipher_only/decipher_only without key_agreement
            continue
    return out


def eku_names(eku: 'x509.ExtendedKeyUsage') -> List[str]:
    return [_EKU_NAMES.get(oid.dotted_string, oid.dotted_string) for oid in eku]


# ---- keys, signature algorithms and certificates ----------------------------------------------


def generate_key(key_type='rsa', key_size=None, curve=None):
    if key_type == 'rsa':
        check_rsa_key_size(key_size or 2048)
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


_HASHES = {'SHA224': 'SHA224', 'SHA256': 'SHA256', 'SHA384': 'SHA384', 'SHA512': 'SHA512'}


def default_signature_algorithm(key: Any) -> str:
    """What keytool picks for the key: SHA-256/384/512 with RSA by key size and with ECDSA by curve, Ed25519...

    keytool matches the hash to the key's strength (sun.security.util.SignatureUtil): RSA up to 3072 bits
    signs with SHA-256, up to 7680 with SHA-384, larger keys with SHA-512.
    """
    if isinstance(key, rsa.RSAPrivateKey):
        size = key.key_size
        return 'SHA256withRSA' if size <= 3072 else ('SHA384withRSA' if size <= 7680 else 'SHA512withRSA')
    if isinstance(key, ec.EllipticCurvePrivateKey):
        size = key.curve.key_size
        return 'SHA256withECDSA' if size <= 256 else ('SHA384withECDSA' if size <= 384 else 'SHA512withECDSA')
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return 'Ed25519'
    if isinstance(key, ed448.Ed448PrivateKey):
        return 'Ed448'
    if isinstance(key, dsa.DSAPrivateKey):
        return 'SHA256withDSA'
    raise CertificateInputError('keys of type %s cannot sign a certificate request' % type(key).__name__)


class SignatureAlgorithm(NamedTuple):
    """A signature algorithm as Java names it (SHA256withRSA, SHA384withECDSA, Ed25519...) and its hash."""
    name: str
    hash: Optional[object]  # a cryptography HashAlgorithm; None for EdDSA, which hashes internally


def signature_for(key: Any, name: Optional[str] = None) -> SignatureAlgorithm:
    """The algorithm key signs with: name checked against the key and made canonical, or keytool's default.

    One function for the certificates and the CSRs we sign, so that both accept and refuse the same names.
    """
    name = name or default_signature_algorithm(key)
    upper = name.upper().replace('-', '')
    if 'PSS' in upper or 'MGF1' in upper:
        # Reading the hash off the name would sign PKCS#1 v1.5 where PSS was asked for.
        raise CertificateInputError('signature algorithm %s (RSASSA-PSS) is not supported for what this collection '
                                    'signs; use SHA256withRSA, SHA384withRSA or SHA512withRSA' % name)
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        wanted = 'ED25519' if isinstance(key, ed25519.Ed25519PrivateKey) else 'ED448'
        if upper not in (wanted, 'EDDSA'):
            raise CertificateInputError('signature algorithm %s does not fit an %s key; use %s'
                                        % (name, wanted.title(), wanted.title()))
        return SignatureAlgorithm(default_signature_algorithm(key), None)
    suffix = 'RSA' if isinstance(key, rsa.RSAPrivateKey) else 'ECDSA' if isinstance(
        key, ec.EllipticCurvePrivateKey) else 'DSA'
    match = re.match(r'^(SHA\d+)WITH([A-Z]+)$', upper)
    if not match or match.group(2) != suffix or match.group(1) not in _HASHES:
        algorithm = certs.public_key_info(key)[0]
        raise CertificateInputError(
            'signature algorithm %s does not fit a%s %s key; use SHA256with%s, SHA384with%s or SHA512with%s'
            % (name, 'n' if algorithm in ('RSA', 'EC') else '', algorithm, suffix, suffix, suffix))
    return SignatureAlgorithm('%swith%s' % (match.group(1), suffix), getattr(hashes, _HASHES[match.group(1)])())


def build_certificate(subject_name, public_key, issuer_name, signing_key, validity_days, sans=None,
                      key_usage=None, extended_key_usage=None, is_ca=False, signature_algorithm=None,
                      issuer_public_key=None, not_before=None, serial=None, path_length=None):
    """Sign a certificate: subject key identifier, authority key identifier and basic constraints as keytool
    -genkeypair/-gencert write them; key usage critical as RFC 5280 asks (keytool needs ku:c= for that)."""
    check_validity_days(validity_days)
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
    cert = builder.sign(signing_key, signature_for(signing_key, signature_algorithm).hash)
    return cert.public_bytes(serialization.Encoding.DER)


def renew_self_signed(old_der, key, validity_days, signature_algorithm=None):
    """What keytool -selfcert does: a new self-signed certificate on key with the subject and extensions of old_der.

    The key identifiers are computed from key, so that this also serves a new key.
    """
    check_validity_days(validity_days)
    old = certs.load_cert(old_der)
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
    cert = builder.sign(key, signature_for(key, signature_algorithm).hash)
    return cert.public_bytes(serialization.Encoding.DER)
