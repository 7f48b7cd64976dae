# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What a task asks of a certificate, read from its options without cryptography: dname strings, key usage and
extended key usage names, and the checks of key sizes and validity that come before making anything.

PRIVATE: this is not a public API of the collection and may change at any time.

Making keys and certificates from these options is _issue's. A key_entry task that changes nothing only compares
the leaf it finds with what the task asks (wanted_der), so it imports this module and not _issue: every module
run compiles what it imports from the AnsiballZ zip, twice (issue 11: fleet cost).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import re
from typing import Any, List, Optional, Tuple

from ansible_collections.javasec.keystore.plugins.module_utils import _certder as certder
from ansible_collections.javasec.keystore.plugins.module_utils._model import CertificateInputError


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


_EKU_NAMES = {
    '1.3.6.1.5.5.7.3.1': 'server_auth', '1.3.6.1.5.5.7.3.2': 'client_auth', '1.3.6.1.5.5.7.3.3': 'code_signing',
    '1.3.6.1.5.5.7.3.4': 'email_protection', '1.3.6.1.5.5.7.3.8': 'time_stamping', '1.3.6.1.5.5.7.3.9': 'ocsp_signing',
}


# the dotted OIDs of the ExtendedKeyUsageOID names that EKU_NAMES gives
_EKU_OIDS = {name.upper(): oid for oid, name in _EKU_NAMES.items()}


# ---- keys and validity -------------------------------------------------------------------------


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
