# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Making keys and certificates: subjects, alternative names, key usages, signature algorithms,
key generation and the certificates we sign (keytool -genkeypair, -gencert, -selfcert).

PRIVATE: this is not a public API of the collection and may change at any time.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import ipaddress
import re
from typing import Any, Dict, List, NamedTuple, Optional, Tuple, Union

from ansible_collections.javasec.keystore.plugins.module_utils import _certder as certder
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils._model import CertificateInputError

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

# Attribute names of a dname: RFC 4514's, the keywords Java's X500Name takes in keytool -dname (S for ST,
# T, IP, DNQ, EMAIL ...) and long forms. Dotted OIDs (2.5.4.3 or OID.2.5.4.3) name any other attribute.
# By dotted string: some NameOID constants (INITIALS) are missing from older cryptography.
_SUBJECT_ATTRIBUTES = {
    'CN': '2.5.4.3', 'SURNAME': '2.5.4.4', 'SERIALNUMBER': '2.5.4.5', 'C': '2.5.4.6', 'L': '2.5.4.7',
    'ST': '2.5.4.8', 'S': '2.5.4.8', 'STREET': '2.5.4.9', 'O': '2.5.4.10', 'OU': '2.5.4.11', 'T': '2.5.4.12',
    'TITLE': '2.5.4.12', 'GIVENNAME': '2.5.4.42', 'INITIALS': '2.5.4.43', 'GENERATION': '2.5.4.44',
    'DNQ': '2.5.4.46', 'DNQUALIFIER': '2.5.4.46', 'EMAILADDRESS': '1.2.840.113549.1.9.1',
    'EMAIL': '1.2.840.113549.1.9.1', 'DC': '0.9.2342.19200300.100.1.25', 'UID': '0.9.2342.19200300.100.1.1',
    'USERID': '0.9.2342.19200300.100.1.1', 'IP': '1.3.6.1.4.1.42.2.11.2.1',
    'COMMONNAME': '2.5.4.3', 'ORGANIZATIONALUNIT': '2.5.4.11', 'ORGANIZATIONALUNITNAME': '2.5.4.11',
    'ORGANIZATION': '2.5.4.10', 'ORGANIZATIONNAME': '2.5.4.10', 'LOCALITY': '2.5.4.7', 'LOCALITYNAME': '2.5.4.7',
    'STATE': '2.5.4.8', 'STATEORPROVINCENAME': '2.5.4.8', 'COUNTRY': '2.5.4.6', 'COUNTRYNAME': '2.5.4.6',
    'STREETADDRESS': '2.5.4.9', 'DOMAINCOMPONENT': '0.9.2342.19200300.100.1.25',
}
_DOTTED_OID = re.compile(r'^(?:OID\.)?([0-2](?:\.(?:0|[1-9][0-9]*))+)$', re.IGNORECASE)
# ASN.1 string types a #hex value (RFC 4514 section 2.4) may hold, with the codec of their content.
_BER_STRINGS = {0x0c: 'utf-8', 0x12: 'ascii', 0x13: 'ascii', 0x14: 'latin-1', 0x16: 'ascii', 0x1a: 'ascii',
                0x1c: 'utf-32-be', 0x1e: 'utf-16-be'}
_SEPARATORS = ',;+'
_HEX = '0123456789abcdefABCDEF'


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


def _ber_string(hex_text: str, name: str) -> str:
    """The text of a #hex value: the BER encoding of one ASN.1 string."""
    if len(hex_text) % 2 or any(c not in _HEX for c in hex_text):
        raise CertificateInputError('subject attribute %s: "#%s" is not an even number of hex digits' % (name, hex_text))
    data = bytes.fromhex(hex_text)
    if len(data) < 2 or data[0] not in _BER_STRINGS:
        raise CertificateInputError('subject attribute %s: "#%s" is not a BER encoded string' % (name, hex_text))
    length, start = data[1], 2
    if length & 0x80:
        count, start = length & 0x7f, 2 + (length & 0x7f)
        length = int.from_bytes(data[2:start], 'big') if 0 < count <= 4 else -1
    if length != len(data) - start:
        raise CertificateInputError('subject attribute %s: the length of "#%s" does not match its content'
                                    % (name, hex_text))
    try:
        return data[start:].decode(_BER_STRINGS[data[0]])
    except UnicodeDecodeError:
        raise CertificateInputError('subject attribute %s: "#%s" holds an invalid string' % (name, hex_text))


def _dn_value(text: str, pos: int, name: str) -> Tuple[str, int]:
    """The value that starts at pos (after the '=' and spaces), and the position after it and its trailing spaces.

    Unquoted values end at an unescaped , ; or +, without their unescaped trailing spaces; quoted ones (RFC 2253
    and 1779, which keytool takes) keep every character between the quotes. Escapes: \\ and a special
    character, or two hex digits of a UTF-8 byte (\\C3\\A9 is one character).
    """
    end = len(text)
    if pos < end and text[pos] == '#':
        stop = pos + 1
        while stop < end and text[stop] not in _SEPARATORS and not text[stop].isspace():
            stop += 1
        value = _ber_string(text[pos + 1:stop], name)
        while stop < end and text[stop].isspace():
            stop += 1
        if stop < end and text[stop] not in _SEPARATORS:
            raise CertificateInputError('subject attribute %s: text after the #hex value' % name)
        return value, stop
    quoted = pos < end and text[pos] == '"'
    if quoted:
        pos += 1
    out = bytearray()
    kept = 0  # length of out that trailing spaces must not eat (escaped or quoted characters)
    while True:
        if pos >= end:
            if quoted:
                raise CertificateInputError('subject attribute %s: the quoted value has no closing quote' % name)
            break
        char = text[pos]
        if char == '\\':
            pair = text[pos + 1:pos + 3]
            if len(pair) == 2 and all(c in _HEX for c in pair):
                out.extend(bytes.fromhex(pair))
                pos += 3
            elif pos + 1 < end:
                out.extend(text[pos + 1].encode('utf-8'))
                pos += 2
            else:
                raise CertificateInputError('subject attribute %s: the value ends with a lone backslash' % name)
            kept = len(out)
            continue
        if quoted and char == '"':
            pos += 1
            kept = len(out)
            while pos < end and text[pos].isspace():
                pos += 1
            if pos < end and text[pos] not in _SEPARATORS:
                raise CertificateInputError('subject attribute %s: text after the closing quote' % name)
            break
        if not quoted and char in _SEPARATORS:
            break
        out.extend(char.encode('utf-8'))
        pos += 1
        if quoted:
            kept = len(out)
    while len(out) > kept and out[-1:] == b' ':
        del out[-1]
    try:
        return out.decode('utf-8'), pos
    except UnicodeDecodeError:
        raise CertificateInputError('subject attribute %s: the escaped bytes are not UTF-8' % name)


def _parse_dname(text: str) -> List[List[Tuple[str, str]]]:
    """The RDNs of a dname string as written (most specific first), each a list of (attribute, value).

    RFC 4514 plus what Java's X500Name (keytool -dname) also takes: ; between RDNs, spaces around , + =,
    quoted values.
    """
    rdns: List[List[Tuple[str, str]]] = [[]]
    pos, end = 0, len(text)
    while True:
        equals = pos
        while equals < end and text[equals] not in '=' + _SEPARATORS:
            equals += 1
        name = text[pos:equals].strip()
        if equals >= end or text[equals] != '=':
            if not name:
                raise CertificateInputError('the subject "%s" has an empty part' % text)
            raise CertificateInputError('subject part "%s" is not NAME=value' % name)
        if not name:
            raise CertificateInputError('the subject "%s" has a value without an attribute name' % text)
        pos = equals + 1
        while pos < end and text[pos] == ' ':
            pos += 1
        value, pos = _dn_value(text, pos, name)
        rdns[-1].append((name, value))
        if pos >= end:
            return rdns
        if text[pos] != '+':
            rdns.append([])
        pos += 1


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


KEY_USAGES = ('digital_signature', 'content_commitment', 'key_encipherment', 'data_encipherment',
              'key_agreement', 'key_cert_sign', 'crl_sign', 'encipher_only', 'decipher_only')

EKU_NAMES = {
    'server_auth': 'SERVER_AUTH', 'serverauth': 'SERVER_AUTH', 'client_auth': 'CLIENT_AUTH',
    'clientauth': 'CLIENT_AUTH', 'code_signing': 'CODE_SIGNING', 'codesigning': 'CODE_SIGNING',
    'email_protection': 'EMAIL_PROTECTION', 'emailprotection': 'EMAIL_PROTECTION',
    'time_stamping': 'TIME_STAMPING', 'timestamping': 'TIME_STAMPING', 'ocsp_signing': 'OCSP_SIGNING',
    'ocspsigning': 'OCSP_SIGNING',
}


def _key_usage_flags(names):
    flags = dict.fromkeys(KEY_USAGES, False)
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
    return flags


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


# cryptography's NameAttribute length limits (by UTF-8 bytes): a value outside them is parse_subject's error
_LENGTH_LIMITS = {'2.5.4.6': (2, 2), '2.5.4.3': (1, 64)}


def wanted_der(subject: Any, subject_alt_names: Optional[List[str]], key_usage: List[str],
               extended_key_usage: List[str], is_ca: bool) -> Optional[certder.Wanted]:
    """What a task asks of a leaf, in the terms of _certder.leaf_matches: single-valued RDNs of the attributes
    _SUBJECT_ATTRIBUTES names, DNS and IP names, named usages. None for anything else, and for input that
    parse_subject, parse_sans or the usage parsers would refuse: the comparison through cryptography then
    decides, or raises their error."""
    if not isinstance(subject, str) or not subject.strip(' ,;+'):
        return None
    try:
        rdns = _parse_dname(subject)
    except CertificateInputError:
        return None
    attributes = []
    for rdn in reversed(rdns):  # DER order
        if len(rdn) != 1 or _DOTTED_OID.match(rdn[0][0]):
            return None
        oid = _SUBJECT_ATTRIBUTES.get(rdn[0][0].upper().replace('_', ''))
        low, high = _LENGTH_LIMITS.get(oid, (1, None))
        size = len(rdn[0][1].encode('utf-8'))
        if oid is None or size < low or (high is not None and size > high):
            return None
        attributes.append((oid, rdn[0][1]))
    sans = []
    for value in subject_alt_names or []:
        kind, dummy, name = value.partition(':')
        kind = kind.strip().upper()
        try:
            if kind == 'DNS' and dummy:
                name.encode('ascii')
                sans.append(('DNS', name))
            elif kind == 'IP' and dummy:
                sans.append(('IP', ipaddress.ip_address(name)))
            else:
                return None
        except (UnicodeEncodeError, ValueError):
            return None
    bits = None
    if key_usage:
        try:
            flags = _key_usage_flags(key_usage)
        except CertificateInputError:
            return None
        if flags['encipher_only'] or flags['decipher_only']:
            return None
        bits = frozenset(index for index, name in enumerate(KEY_USAGES[:7]) if flags[name])
    ekus = None
    if extended_key_usage:
        names = [EKU_NAMES.get(name.strip().lower()) for name in extended_key_usage]
        if None in names:
            return None  # dotted OIDs (cryptography checks their arcs) and unknown names
        ekus = tuple(_EKU_OIDS[name] for name in names)
    return certder.Wanted(tuple(attributes), tuple(sans), bits, ekus, bool(is_ca))


def key_usage_names(key_usage: 'x509.KeyUsage') -> List[str]:
    out = []
    for name in KEY_USAGES:
        try:
            if getattr(key_usage, name):
                out.append(name)
        except ValueError:  # encipher_only/decipher_only without key_agreement
            continue
    return out


_EKU_NAMES = {
    '1.3.6.1.5.5.7.3.1': 'server_auth', '1.3.6.1.5.5.7.3.2': 'client_auth', '1.3.6.1.5.5.7.3.3': 'code_signing',
    '1.3.6.1.5.5.7.3.4': 'email_protection', '1.3.6.1.5.5.7.3.8': 'time_stamping', '1.3.6.1.5.5.7.3.9': 'ocsp_signing',
}


# the dotted OIDs of the ExtendedKeyUsageOID names that EKU_NAMES gives
_EKU_OIDS = {name.upper(): oid for oid, name in _EKU_NAMES.items()}


def eku_names(eku: 'x509.ExtendedKeyUsage') -> List[str]:
    return [_EKU_NAMES.get(oid.dotted_string, oid.dotted_string) for oid in eku]


# ---- keys, signature algorithms and certificates ----------------------------------------------


# Java refuses RSA keys under 1024 bits (jdk.certpath.disabledAlgorithms: RSA keySize < 1024), and
# cryptography's own floor moved from 512 to 1024 bits: one clear error on every version instead.
MINIMUM_RSA_KEY_SIZE = 1024


def check_rsa_key_size(key_size: int) -> None:
    if key_size < MINIMUM_RSA_KEY_SIZE:
        raise CertificateInputError('key_size %d is too small for an RSA key: Java refuses RSA keys under %d bits; '
                                    'use 2048 or more' % (key_size, MINIMUM_RSA_KEY_SIZE))


def check_validity_days(validity_days: int) -> None:
    if validity_days < 1:
        raise CertificateInputError('validity_days must be 1 or more (got %d): a certificate valid for no day is '
                                    'expired when it is made' % validity_days)


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
