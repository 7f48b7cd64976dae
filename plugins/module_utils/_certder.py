# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Facts of X.509 certificates read from their DER, without cryptography.

PRIVATE: this is not a public API of the collection and may change at any time.

Importing cryptography's X.509 layer costs a module run more than the work of a task that changes nothing
(issue 10: trusted_cert; issue 11: key_entry on every host of a fleet). So the common runs read what they report
or compare here, and every reader answers None for whatever it finds unusual: the caller then asks
cryptography, and both paths give the same answers (tests/unit/plugins/module_utils/test_certder.py).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import ipaddress
import re
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

from ansible_collections.javasec.keystore.plugins.module_utils import _der as der


class Facts(NamedTuple):
    """What the planner reports or filters on; None where the DER holds something this reader leaves
    to cryptography."""
    subject: Optional[str]
    not_after: Optional[datetime.datetime]
    is_ca: Optional[bool]


# cryptography's short names in RFC 4514 strings (the same list from 3.4 to today); others print as the OID
# (keyed by the OID's DER content: a bundle has thousands of attributes to name)
_ATTRIBUTE_NAMES = {
    b'\x55\x04\x03': 'CN', b'\x55\x04\x07': 'L', b'\x55\x04\x08': 'ST', b'\x55\x04\x0a': 'O',
    b'\x55\x04\x0b': 'OU', b'\x55\x04\x06': 'C', b'\x55\x04\x09': 'STREET',
    b'\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19': 'DC', b'\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x01': 'UID',
}
_UTF8, _PRINTABLE, _T61, _IA5, _BMP = 0x0C, 0x13, 0x14, 0x16, 0x1E
_ASCII_ONLY = (_PRINTABLE, _T61, _IA5)
_PRINTABLE_CHARS = re.compile(r"[A-Za-z0-9 '()+,\-./:=?]*\Z")
_UTC_TIME = re.compile(r'\d{12}Z\Z')
_GENERALIZED_TIME = re.compile(r'\d{14}Z\Z')
_BASIC_CONSTRAINTS = b'\x55\x1d\x13'  # 2.5.29.19, as DER content


def tbs_fields(cert_der):
    """(tag, content) of the TBSCertificate fields from the serial number on; DerError when it is not a
    certificate's shape."""
    outer = der.children(der.read(cert_der, der.SEQUENCE)[1])
    if [tag for tag, dummy in outer] != [der.SEQUENCE, der.SEQUENCE, 0x03]:
        raise der.DerError('not a certificate')
    fields = der.children(outer[0][1])
    if fields and fields[0][0] == 0xA0:
        fields = fields[1:]
    if [tag for tag, dummy in fields[:6]] != [der.INTEGER] + [der.SEQUENCE] * 5:
        raise der.DerError('not a certificate')
    return fields


_NEEDS_ESCAPE = re.compile(r'[\\"+,;<>\x00]|\A[# ]| \Z')


def _escape(value):
    # cryptography's _escape_dn_value; a value of one space is escaped differently across its versions
    if not _NEEDS_ESCAPE.search(value):
        return value
    for char in '\\"+,;<>':
        value = value.replace(char, '\\' + char)
    value = value.replace('\0', '\\00')
    if value[:1] in ('#', ' '):
        value = '\\' + value
    if value[-1:] == ' ':
        value = value[:-1] + '\\ '
    return value


def _attribute_value(tag, raw):
    """The text cryptography makes of a name attribute, or None when its versions could differ on it."""
    try:
        if tag == _UTF8:
            value = raw.decode('utf-8')
        elif tag in _ASCII_ONLY:
            # cryptography 3.4 (OpenSSL) reads T61String as Latin-1, later ones as UTF-8: ASCII reads alike
            value = raw.decode('ascii')
            if tag == _PRINTABLE and not _PRINTABLE_CHARS.match(value):
                return None
        elif tag == _BMP:
            value = raw.decode('utf-16-be')
            if any(ord(char) > 0xFFFF for char in value):
                return None  # a surrogate pair: OpenSSL (cryptography 3.4) reads UCS-2
        else:
            return None  # UniversalString, VisibleString (3.4 refuses it), bit strings...: left to cryptography
    except UnicodeDecodeError:
        return None
    return None if value == ' ' else value


def _single_valued(name):
    """(attribute OID as DER content, value) of each RDN of a Name's content, or None when one is multi-valued
    (cryptography 3.4 orders its attributes as a set iterates) or holds a value _attribute_value leaves alone."""
    out = []
    for tag, rdn in der.children(name):
        attributes = der.children(rdn) if tag == der.SET else []
        if len(attributes) != 1 or attributes[0][0] != der.SEQUENCE:
            return None
        parts = der.children(attributes[0][1])
        if len(parts) != 2 or parts[0][0] != der.OID:
            return None
        value = _attribute_value(*parts[1])
        if value is None:
            return None
        out.append((parts[0][1], value))
    return out


def _rfc4514(name):
    """cryptography's Name.rfc4514_string() of a Name's content, or None (then cryptography answers)."""
    attributes = _single_valued(name)
    if attributes is None:
        return None
    return ','.join(reversed(['%s=%s' % (_ATTRIBUTE_NAMES.get(oid) or der.read_oid(oid), _escape(value))
                              for oid, value in attributes]))


def _time(tag, raw):
    text = raw.decode('ascii', 'replace')
    if tag == 0x17 and _UTC_TIME.match(text):
        year = int(text[:2])
        year, rest = year + (1900 if year >= 50 else 2000), text[2:]
    elif tag == 0x18 and _GENERALIZED_TIME.match(text):
        year, rest = int(text[:4]), text[4:]
    else:
        return None
    numbers = [int(rest[i:i + 2]) for i in range(0, 10, 2)]
    try:
        return datetime.datetime(year, *numbers, tzinfo=datetime.timezone.utc)
    except ValueError:
        return None


def _is_ca(extra_fields):
    found = []
    for tag, content in extra_fields:
        if tag == 0xA3:  # [3] extensions
            for dummy, extension in der.children(der.read(content, der.SEQUENCE)[1], der.SEQUENCE):
                parts = der.children(extension)
                if parts and parts[0] == (der.OID, _BASIC_CONSTRAINTS):
                    found.append(parts[-1])
    if not found:
        return False
    if len(found) > 1 or found[0][0] != der.OCTET_STRING:
        return None
    items = der.children(der.read(found[0][1], der.SEQUENCE)[1])
    if items and items[0][0] == 0x01:  # cA BOOLEAN; DER writes TRUE as FF and leaves a FALSE out
        return True if items[0][1] == b'\xff' else None
    return False


def _end_of_validity(fields):
    """notAfter of tbs_fields' Validity, or None (DerError for a Validity that is not DER)."""
    validity = der.children(fields[3][1])
    return _time(*validity[1]) if len(validity) == 2 else None


def read_facts(cert_der: bytes, ca: bool = True) -> Facts:
    """Subject (RFC 4514, as cryptography writes it), end of validity and (when ca) the CA flag, from
    the DER alone."""
    try:
        fields = tbs_fields(cert_der)
        return Facts(_rfc4514(fields[4][1]), _end_of_validity(fields), _is_ca(fields[6:]) if ca else None)
    except der.DerError:
        return Facts(None, None, None)


# ---- what key_entry reports and compares on every run (issue 11) ------------------------------------


def not_after(cert_der: bytes) -> Optional[datetime.datetime]:
    """End of validity, or None."""
    try:
        return _end_of_validity(tbs_fields(cert_der))
    except der.DerError:
        return None


def summary(cert_der: bytes) -> Optional[Tuple[str, str, datetime.datetime]]:
    """(subject, issuer, end of validity) as cryptography gives them (RFC 4514 strings), or None."""
    try:
        fields = tbs_fields(cert_der)
        subject, issuer, end = _rfc4514(fields[4][1]), _rfc4514(fields[2][1]), _end_of_validity(fields)
    except der.DerError:
        return None
    return None if subject is None or issuer is None or end is None else (subject, issuer, end)


_RSA, _EC, _ED25519 = '1.2.840.113549.1.1.1', '1.2.840.10045.2.1', '1.3.101.112'
# the named curves key_entry generates, by OID, and cryptography's key_size of each
_CURVE_SIZES = {'1.2.840.10045.3.1.7': 256, '1.3.132.0.34': 384, '1.3.132.0.35': 521}


def public_key_info(cert_der: bytes) -> Optional[Tuple[str, int]]:
    """(algorithm, size) of the certificate's key as _certs.public_key_info names them, for the RSA, EC (the
    three named curves) and Ed25519 keys key_entry generates; None for any other."""
    try:
        spki = der.children(tbs_fields(cert_der)[5][1])
        if len(spki) != 2 or spki[0][0] != der.SEQUENCE or spki[1][0] != 0x03:
            return None
        algorithm = der.children(spki[0][1])
        oid = der.read_oid(algorithm[0][1]) if algorithm and algorithm[0][0] == der.OID else None
        key = spki[1][1]
        if key[:1] != b'\x00':  # unused bits of the BIT STRING
            return None
        if oid == _RSA:
            numbers = der.children(der.read(key[1:], der.SEQUENCE)[1])
            if len(numbers) != 2 or numbers[0][0] != der.INTEGER or numbers[0][1][:1] >= b'\x80':
                return None
            return 'RSA', int.from_bytes(numbers[0][1], 'big').bit_length()
        if oid == _EC and len(algorithm) == 2 and algorithm[1][0] == der.OID:
            size = _CURVE_SIZES.get(der.read_oid(algorithm[1][1]))
            return ('EC', size) if size else None
        if oid == _ED25519 and len(algorithm) == 1 and len(key) == 33:
            return 'Ed25519', 255
    except (der.DerError, IndexError):
        return None
    return None


_SAN, _KEY_USAGE, _EKU = '2.5.29.17', '2.5.29.15', '2.5.29.37'


def _extensions(extra_fields: List[Tuple[int, bytes]]) -> Optional[Dict[str, bytes]]:
    """{OID: content of the extnValue OCTET STRING} of the [3] extensions, or None for one given twice (which
    cryptography refuses) or an odd shape."""
    out: Dict[str, bytes] = {}
    for tag, content in extra_fields:
        if tag != 0xA3:
            continue
        for dummy, extension in der.children(der.read(content, der.SEQUENCE)[1], der.SEQUENCE):
            parts = der.children(extension)
            if len(parts) not in (2, 3) or parts[0][0] != der.OID or parts[-1][0] != der.OCTET_STRING:
                return None
            oid = der.read_oid(parts[0][1])
            if oid in out:
                return None
            out[oid] = parts[-1][1]
    return out


def _general_names(content: bytes) -> Optional[List[Tuple[str, Any]]]:
    """The DNS names and IP addresses of a SubjectAlternativeName, as ('DNS', str) and ('IP', ip_address);
    None when it holds any other kind of name (left to cryptography)."""
    out: List[Tuple[str, Any]] = []
    for tag, value in der.children(der.read(content, der.SEQUENCE)[1]):
        if tag == 0x82:  # [2] dNSName, IA5String
            try:
                out.append(('DNS', value.decode('ascii')))
            except UnicodeDecodeError:
                return None
        elif tag == 0x87 and len(value) in (4, 16):  # [7] iPAddress: an address, not a network
            out.append(('IP', ipaddress.ip_address(value)))
        else:
            return None
    return out


def _key_usage_bits(content: bytes) -> Optional[frozenset]:
    """The bits (0 digitalSignature ... 6 cRLSign) set in a KeyUsage; None with encipherOnly or decipherOnly
    (their meaning depends on keyAgreement in cryptography's KeyUsage)."""
    tag, bits = der.read(content)
    if tag != 0x03 or not bits or bits[0] > 7:
        return None
    if bits[0] and (len(bits) == 1 or bits[-1] & ((1 << bits[0]) - 1)):
        return None  # padding bits set: OpenSSL (cryptography 3.4) clears them, later versions refuse the certificate
    found = frozenset(index for index in range(8 * (len(bits) - 1))
                      if bits[1 + index // 8] & (0x80 >> (index % 8)))
    return None if any(index > 6 for index in found) else found


def _eku_oids(content: bytes) -> List[str]:
    return [der.read_oid(value) for dummy, value in der.children(der.read(content, der.SEQUENCE)[1], der.OID)]


class Wanted(NamedTuple):
    """What a key_entry task asks of its leaf, as the DER holds it (see _wanted.wanted_der)."""
    subject: Tuple[Tuple[str, str], ...]  # (attribute OID, value) per single-valued RDN, in DER order
    sans: Tuple[Tuple[str, Any], ...]  # ('DNS', name) and ('IP', ip_address)
    key_usage: Optional[frozenset]  # bits; None: no KeyUsage extension wanted
    eku: Optional[Tuple[str, ...]]  # OIDs in order; None: no ExtendedKeyUsage extension wanted
    is_ca: bool


def leaf_matches(cert_der: bytes, wanted: Wanted) -> Optional[bool]:
    """Whether the certificate carries the wanted subject, names, usages and CA flag, as _keyplan's
    cryptography comparison judges it; None when this reader cannot be sure (then cryptography decides)."""
    try:
        fields = tbs_fields(cert_der)
        subject = _single_valued(fields[4][1])
        extensions = _extensions(fields[6:])
        if subject is None or extensions is None:
            return None
        sans = _general_names(extensions[_SAN]) if _SAN in extensions else []
        key_usage = _key_usage_bits(extensions[_KEY_USAGE]) if _KEY_USAGE in extensions else None
        eku = tuple(_eku_oids(extensions[_EKU])) if _EKU in extensions else None
        is_ca = _is_ca(fields[6:])
    except (der.DerError, IndexError, ValueError):
        return None
    if sans is None or is_ca is None or (_KEY_USAGE in extensions and key_usage is None):
        return None
    subject_oids = tuple((der.read_oid(oid), value) for oid, value in subject)
    return (subject_oids == wanted.subject and sorted(sans, key=repr) == sorted(wanted.sans, key=repr)
            and key_usage == wanted.key_usage and eku == wanted.eku and is_ca == wanted.is_ca)
