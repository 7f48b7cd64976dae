# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Minimal DER reader and writer for the PKCS#12 codec.

PRIVATE: this is not a public API of the collection and may change at any time.

The PKCS#12 hot path (thousands of certificate bags in a truststore) is dominated by
ASN.1 decoding; a generic ASN.1 library spends most of a load there. The structures of
PKCS#12 are few and shallow, so the codec walks them with these helpers instead. The
reader also accepts the BER forms seen in PKCS#12 files written by other tools
(indefinite lengths, constructed OCTET STRINGs).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class DerError(ValueError):
    """The bytes are not the DER/BER structure that was expected."""


SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
OCTET_STRING = 0x04
NULL = 0x05
OID = 0x06
BMP_STRING = 0x1E
UTF8_STRING = 0x0C


def _read_header(data, pos):
    """Return (tag, content_start, content_end, next_pos) of the element at pos."""
    size = len(data)
    if pos + 2 > size:
        raise DerError('truncated ASN.1 element')
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise DerError('high tag numbers are not used in PKCS#12')
    length = data[pos + 1]
    pos += 2
    if length == 0x80:
        if not tag & 0x20:
            raise DerError('indefinite length on a primitive element')
        start = pos
        while True:
            if pos + 2 > size:
                raise DerError('truncated indefinite-length element')
            if data[pos] == 0 and data[pos + 1] == 0:
                return tag, start, pos, pos + 2
            pos = _read_header(data, pos)[3]
    if length & 0x80:
        count = length & 0x7F
        if count > 4 or pos + count > size:
            raise DerError('invalid ASN.1 length')
        length = int.from_bytes(bytes(data[pos:pos + count]), 'big')
        pos += count
    end = pos + length
    if end > size:
        raise DerError('truncated ASN.1 element')
    return tag, pos, end, end


def element_end(data, pos=0):
    """Offset just past the element that starts at pos (data may go on after it)."""
    return _read_header(data, pos)[3]


def read(data, expect=None):
    """Decode exactly one element spanning all of data; return (tag, content bytes)."""
    tag, start, end, nxt = _read_header(data, 0)
    if nxt != len(data):
        raise DerError('trailing bytes after ASN.1 element')
    if expect is not None and tag != expect:
        raise DerError('unexpected ASN.1 tag 0x%02x (expected 0x%02x)' % (tag, expect))
    return tag, bytes(data[start:end])


def children(content, expect=None):
    """List the (tag, content) pairs of the elements concatenated in content."""
    out = []
    pos = 0
    size = len(content)
    while pos < size:
        tag, start, end, pos = _read_header(content, pos)
        out.append((tag, bytes(content[start:end])))
    if expect is not None:
        for tag, dummy in out:
            if tag != expect:
                raise DerError('unexpected ASN.1 tag 0x%02x (expected 0x%02x)' % (tag, expect))
    return out


def raw_children(content):
    """List the complete encodings (header included) of the elements in content."""
    out = []
    pos = 0
    while pos < len(content):
        nxt = _read_header(content, pos)[3]
        out.append(bytes(content[pos:nxt]))
        pos = nxt
    return out


def octets(tag, content):
    """Content of an OCTET STRING (or implicitly tagged one), primitive or constructed (BER)."""
    if tag & 0x20:
        return b''.join(octets(t, c) for t, c in children(content))
    return content


def read_octets(data):
    tag, content = read(data)
    return octets(tag, content)


def read_oid(content):
    values = []
    acc = 0
    for byte in bytearray(content):
        acc = (acc << 7) | (byte & 0x7F)
        if not byte & 0x80:
            values.append(acc)
            acc = 0
    if not values:
        raise DerError('empty object identifier')
    first = min(values[0] // 40, 2)
    return '.'.join(str(v) for v in [first, values[0] - 40 * first] + values[1:])


def read_int(content):
    return int.from_bytes(content, 'big', signed=True)


# ---- encoding -------------------------------------------------------------------------


def tlv(tag, content):
    length = len(content)
    if length < 0x80:
        return bytes((tag, length)) + content
    raw = length.to_bytes((length.bit_length() + 7) // 8, 'big')
    return bytes((tag, 0x80 | len(raw))) + raw + content


def seq(*parts):
    return tlv(SEQUENCE, b''.join(parts))


def set_of(parts):
    """DER SET OF: elements sorted by their encodings."""
    return tlv(SET, b''.join(sorted(parts)))


def octet_string(value):
    return tlv(OCTET_STRING, value)


def integer(value):
    length = value.bit_length() // 8 + 1
    return tlv(INTEGER, value.to_bytes(length, 'big', signed=True))


def null():
    return b'\x05\x00'


def oid(dotted):
    parts = [int(p) for p in dotted.split('.')]
    values = [parts[0] * 40 + parts[1]] + parts[2:]
    out = bytearray()
    for value in values:
        chunk = [value & 0x7F]
        value >>= 7
        while value:
            chunk.append(0x80 | (value & 0x7F))
            value >>= 7
        out.extend(reversed(chunk))
    return tlv(OID, bytes(out))


def bmp_string(text):
    return tlv(BMP_STRING, text.encode('utf-16-be'))


def explicit(number, content):
    """[number] EXPLICIT wrapping the already encoded content."""
    return tlv(0xA0 | number, content)


def algorithm(dotted, params=None):
    return seq(oid(dotted), null() if params is None else params)
