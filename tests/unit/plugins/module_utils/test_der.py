# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DER/BER helpers of the PKCS#12 codec: encodings checked byte for byte and against pyasn1."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _der as der

pyasn1_encoder = pytest.importorskip('pyasn1.codec.der.encoder')
univ = pytest.importorskip('pyasn1.type.univ')
char = pytest.importorskip('pyasn1.type.char')


# ---- lengths ---------------------------------------------------------------------------


@pytest.mark.parametrize('length, header', [
    (0, b'\x04\x00'),
    (1, b'\x04\x01'),
    (127, b'\x04\x7f'),
    (128, b'\x04\x81\x80'),
    (255, b'\x04\x81\xff'),
    (256, b'\x04\x82\x01\x00'),
    (65535, b'\x04\x82\xff\xff'),
    (65536, b'\x04\x83\x01\x00\x00'),
    (0x1000000, b'\x04\x84\x01\x00\x00\x00'),
])
def test_tlv_length_forms_and_round_trip(length, header):
    content = (bytes(bytearray(range(251))) * (length // 251 + 1))[:length]
    encoded = der.tlv(der.OCTET_STRING, content)
    assert encoded[:len(header)] == header
    assert len(encoded) == len(header) + length
    assert der.read(encoded) == (der.OCTET_STRING, content)
    assert der.read_octets(encoded) == content
    # Same bytes as a reference DER encoder.
    if length <= 65536:
        assert encoded == pyasn1_encoder.encode(univ.OctetString(content))


def test_long_length_inside_sequence_children():
    big = b'\xab' * 300
    small = b'\x01\x02'
    encoded = der.seq(der.octet_string(big), der.octet_string(small), der.null())
    assert encoded[:4] == b'\x30\x82\x01\x36'  # 4 + 300 + 4 + 2 = 310 = 0x136
    tag, content = der.read(encoded, der.SEQUENCE)
    assert tag == der.SEQUENCE
    assert der.children(content) == [(der.OCTET_STRING, big), (der.OCTET_STRING, small), (der.NULL, b'')]
    raws = der.raw_children(content)
    assert raws == [der.octet_string(big), der.octet_string(small), b'\x05\x00']
    assert b''.join(raws) == content


def test_children_expect_checks_every_tag():
    content = der.integer(1) + der.integer(2)
    assert der.children(content, expect=der.INTEGER) == [(der.INTEGER, b'\x01'), (der.INTEGER, b'\x02')]
    with pytest.raises(der.DerError, match='unexpected ASN.1 tag 0x05'):
        der.children(content + der.null(), expect=der.INTEGER)


def test_read_expect_tag_mismatch():
    with pytest.raises(der.DerError, match=r'unexpected ASN.1 tag 0x04 \(expected 0x30\)'):
        der.read(der.octet_string(b'x'), der.SEQUENCE)


@pytest.mark.parametrize('data, message', [
    (b'', 'truncated'),
    (b'\x30', 'truncated'),
    (b'\x04\x05abc', 'truncated'),
    (b'\x04\x82\x01', 'invalid ASN.1 length'),
    (b'\x04\x85\x01\x00\x00\x00\x00' + b'\x00' * 8, 'invalid ASN.1 length'),
    (b'\x04\x01ab', 'trailing bytes'),
    (b'\x1f\x01\x00', 'high tag numbers'),
    (b'\x04\x80\x00\x00', 'indefinite length on a primitive'),
    (b'\x30\x80\x02\x01\x01', 'truncated indefinite-length'),
    (b'\x30\x80\x02\x05\x01\x00\x00', 'truncated'),
])
def test_malformed_input_raises_der_error(data, message):
    with pytest.raises(der.DerError, match=message):
        der.read(data)
    assert issubclass(der.DerError, ValueError)


# ---- BER forms seen in PKCS#12 files of other tools ----------------------------------


def test_indefinite_length_sequence():
    inner = der.integer(3) + der.octet_string(b'abc')
    data = b'\x30\x80' + inner + b'\x00\x00'
    tag, content = der.read(data)
    assert tag == der.SEQUENCE
    assert content == inner
    assert der.children(content) == [(der.INTEGER, b'\x03'), (der.OCTET_STRING, b'abc')]


def test_nested_indefinite_lengths_and_end_of_contents_inside():
    # [0] EXPLICIT (indefinite) { SEQUENCE (indefinite) { INTEGER 7, OCTET STRING "\x00\x00" } }
    inner_seq = b'\x30\x80' + der.integer(7) + der.octet_string(b'\x00\x00') + b'\x00\x00'
    data = b'\xa0\x80' + inner_seq + b'\x00\x00'
    tag, content = der.read(data)
    assert tag == 0xA0
    assert content == inner_seq
    assert der.raw_children(content) == [inner_seq]
    (child_tag, child_content), = der.children(content)
    assert child_tag == der.SEQUENCE
    assert der.children(child_content) == [(der.INTEGER, b'\x07'), (der.OCTET_STRING, b'\x00\x00')]


def test_indefinite_length_followed_by_sibling():
    first = b'\x30\x80' + der.null() + b'\x00\x00'
    second = der.integer(5)
    assert der.raw_children(first + second) == [first, second]
    assert der.children(first + second) == [(der.SEQUENCE, der.null()), (der.INTEGER, b'\x05')]


def test_constructed_octet_string_definite_and_indefinite():
    segments = [b'hello ', b'', b'BER ', b'world']
    body = b''.join(der.octet_string(s) for s in segments)
    definite = der.tlv(0x24, body)
    indefinite = b'\x24\x80' + body + b'\x00\x00'
    for data in (definite, indefinite):
        assert der.read_octets(data) == b'hello BER world'
    # a constructed segment inside a constructed OCTET STRING
    nested = b'\x24\x80' + der.octet_string(b'ab') + der.tlv(0x24, der.octet_string(b'cd') + der.octet_string(b'ef')) \
        + b'\x00\x00'
    assert der.read_octets(nested) == b'abcdef'
    # the implicitly tagged [0] form used for encryptedContent
    assert der.octets(0x80, b'plain') == b'plain'
    assert der.octets(0xA0, der.octet_string(b'pl') + der.octet_string(b'ain')) == b'plain'


def test_long_length_constructed_octet_string():
    chunks = [bytes(bytearray([i])) * 1000 for i in range(5)]
    data = der.tlv(0x24, b''.join(der.octet_string(c) for c in chunks))
    assert data[:2] == b'\x24\x82'
    assert der.read_octets(data) == b''.join(chunks)


# ---- primitive values ----------------------------------------------------------------


@pytest.mark.parametrize('value', [0, 1, 127, 128, 255, 256, 10000, 2 ** 63, 2 ** 64 + 1, -1, -128, -129, -256, -65536])
def test_integer_round_trip_and_reference(value):
    encoded = der.integer(value)
    assert encoded == pyasn1_encoder.encode(univ.Integer(value))
    tag, content = der.read(encoded, der.INTEGER)
    assert der.read_int(content) == value


def test_integer_known_bytes():
    assert der.integer(0) == b'\x02\x01\x00'
    assert der.integer(128) == b'\x02\x02\x00\x80'
    assert der.integer(10000) == b'\x02\x02\x27\x10'
    assert der.integer(-129) == b'\x02\x02\xff\x7f'


@pytest.mark.parametrize('dotted', [
    '1.2.840.113549.1.12.10.1.2',
    '1.2.840.113549.1.9.21',
    '2.16.840.1.113894.746875.1.1',
    '2.16.840.1.101.3.4.1.42',
    '1.3.14.3.2.26',
    '2.5.29.37.0',
    '0.9.2342.19200300.100.1.1',
    '2.999.3',
    '1.2.4294967296',
])
def test_oid_round_trip_and_reference(dotted):
    encoded = der.oid(dotted)
    assert encoded == pyasn1_encoder.encode(univ.ObjectIdentifier(dotted))
    tag, content = der.read(encoded, der.OID)
    assert der.read_oid(content) == dotted


def test_oid_known_bytes():
    assert der.oid('1.2.840.113549.1.7.1') == bytes(bytearray.fromhex('06092a864886f70d010701'))


def test_empty_oid_rejected():
    with pytest.raises(der.DerError, match='empty object identifier'):
        der.read_oid(b'')


def test_bmp_string_and_reference():
    text = u'Sch\u00fcssel-\u20ac'
    encoded = der.bmp_string(text)
    assert encoded == pyasn1_encoder.encode(char.BMPString(text))
    tag, content = der.read(encoded, der.BMP_STRING)
    assert content.decode('utf-16-be') == text


def test_set_of_sorts_encodings():
    parts = [der.octet_string(b'\x02'), der.integer(9), der.octet_string(b'\x01'), der.null()]
    encoded = der.set_of(parts)
    tag, content = der.read(encoded, der.SET)
    assert der.raw_children(content) == sorted(parts)
    assert der.raw_children(content) == [der.integer(9), der.octet_string(b'\x01'), der.octet_string(b'\x02'),
                                         der.null()]


def test_explicit_algorithm_and_null():
    assert der.null() == b'\x05\x00'
    assert der.explicit(0, der.null()) == b'\xa0\x02\x05\x00'
    assert der.explicit(3, b'') == b'\xa3\x00'
    alg = der.algorithm('1.3.14.3.2.26')
    assert alg == bytes(bytearray.fromhex('300906052b0e03021a0500'))
    with_params = der.algorithm('1.2.840.113549.3.7', der.octet_string(b'12345678'))
    fields = der.children(der.read(with_params, der.SEQUENCE)[1])
    assert der.read_oid(fields[0][1]) == '1.2.840.113549.3.7'
    assert fields[1] == (der.OCTET_STRING, b'12345678')


def test_sequence_round_trip_matches_reference():
    ref = univ.Sequence()
    ref.setComponentByPosition(0, univ.Integer(3))
    ref.setComponentByPosition(1, univ.OctetString(b'x' * 200))
    ref.setComponentByPosition(2, univ.ObjectIdentifier('1.2.840.113549.1.7.1'))
    ours = der.seq(der.integer(3), der.octet_string(b'x' * 200), der.oid('1.2.840.113549.1.7.1'))
    assert ours == pyasn1_encoder.encode(ref)
