# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RC2 in CBC mode (RFC 2268), written out in Python.

PRIVATE: this is not a public API of the collection and may change at any time.

Why we carry a cipher of 1987: Java before 8u301/11.0.12 and OpenSSL 1.x encrypt the certificates
of every PKCS#12 file with pbeWithSHAAnd40BitRC2-CBC, and `pkcs12_encryption: legacy` must write
it for those JDKs. cryptography exposes RC2 only from 43 on (in `hazmat.decrepit`), and the
distributions' cryptography (3.4.8 on Ubuntu 22.04, 36 on RHEL 9, 38 on Debian 12) has none, so a
managed node would otherwise need pycryptodomex, which fleets do not carry. The data it handles
is certificates (public), so its speed matters more than side channels; cryptography's own RC2 (43+)
is no help even where it exists, as it takes 128-bit keys only.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import struct

# PITABLE of RFC 2268 section 2: a permutation of 0..255 derived from the digits of pi.
_PITABLE = bytes.fromhex(
    'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2'
    '179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82'
    '54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626'
    '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7'
    '08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec'
    'c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731'
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9'
    '0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad')

_MASK = 0xFFFF
_BLOCK = struct.Struct('<4H')


def expand_key(key, effective_bits=None):
    """The 64 16-bit subkeys K[0..63] of RFC 2268 section 2 (effective key bits default to the key's size)."""
    if not 1 <= len(key) <= 128:
        raise ValueError('RC2 keys are 1 to 128 bytes long')
    bits = len(key) * 8 if effective_bits is None else effective_bits
    if not 1 <= bits <= 1024:
        raise ValueError('RC2 effective key bits must be 1 to 1024')
    expanded = bytearray(key) + bytearray(128 - len(key))
    size = len(key)
    for i in range(size, 128):
        expanded[i] = _PITABLE[(expanded[i - 1] + expanded[i - size]) & 0xFF]
    t8 = (bits + 7) // 8
    tm = 0xFF >> (8 * t8 - bits)
    expanded[128 - t8] = _PITABLE[expanded[128 - t8] & tm]
    for i in range(127 - t8, -1, -1):
        expanded[i] = _PITABLE[expanded[i + 1] ^ expanded[i + t8]]
    return struct.unpack('<64H', bytes(expanded))


def _encrypt_block(k, r0, r1, r2, r3):
    j = 0
    for rounds in (5, 6, 5):
        for dummy in range(rounds):
            # mixing round: R[i] += K[j] + (R[i-1] & R[i-2]) + (~R[i-1] & R[i-3]), then rotate left by 1, 2, 3, 5
            r0 = (r0 + k[j] + (r3 & r2) + (~r3 & r1)) & _MASK
            r0 = ((r0 << 1) | (r0 >> 15)) & _MASK
            r1 = (r1 + k[j + 1] + (r0 & r3) + (~r0 & r2)) & _MASK
            r1 = ((r1 << 2) | (r1 >> 14)) & _MASK
            r2 = (r2 + k[j + 2] + (r1 & r0) + (~r1 & r3)) & _MASK
            r2 = ((r2 << 3) | (r2 >> 13)) & _MASK
            r3 = (r3 + k[j + 3] + (r2 & r1) + (~r2 & r0)) & _MASK
            r3 = ((r3 << 5) | (r3 >> 11)) & _MASK
            j += 4
        if j < 64:
            # mashing round: R[i] += K[R[i-1] & 63]
            r0 = (r0 + k[r3 & 63]) & _MASK
            r1 = (r1 + k[r0 & 63]) & _MASK
            r2 = (r2 + k[r1 & 63]) & _MASK
            r3 = (r3 + k[r2 & 63]) & _MASK
    return r0, r1, r2, r3


def _decrypt_block(k, r0, r1, r2, r3):
    j = 63
    for rounds in (5, 6, 5):
        for dummy in range(rounds):
            # r-mixing round: the inverse of the mixing round, words in reverse order
            r3 = ((r3 >> 5) | (r3 << 11)) & _MASK
            r3 = (r3 - k[j] - (r2 & r1) - (~r2 & r0)) & _MASK
            r2 = ((r2 >> 3) | (r2 << 13)) & _MASK
            r2 = (r2 - k[j - 1] - (r1 & r0) - (~r1 & r3)) & _MASK
            r1 = ((r1 >> 2) | (r1 << 14)) & _MASK
            r1 = (r1 - k[j - 2] - (r0 & r3) - (~r0 & r2)) & _MASK
            r0 = ((r0 >> 1) | (r0 << 15)) & _MASK
            r0 = (r0 - k[j - 3] - (r3 & r2) - (~r3 & r1)) & _MASK
            j -= 4
        if j > 0:
            r3 = (r3 - k[r2 & 63]) & _MASK
            r2 = (r2 - k[r1 & 63]) & _MASK
            r1 = (r1 - k[r0 & 63]) & _MASK
            r0 = (r0 - k[r3 & 63]) & _MASK
    return r0, r1, r2, r3


def encrypt_block(key, block, effective_bits=None):
    """One 8-byte block in ECB mode (for the RFC's test vectors)."""
    return _BLOCK.pack(*_encrypt_block(expand_key(key, effective_bits), *_BLOCK.unpack(block)))


def decrypt_block(key, block, effective_bits=None):
    return _BLOCK.pack(*_decrypt_block(expand_key(key, effective_bits), *_BLOCK.unpack(block)))


def _cbc_start(key, iv, data, effective_bits):
    """(subkeys, IV as four words) after checking the CBC arguments."""
    if len(iv) != 8 or len(data) % 8:
        raise ValueError('RC2-CBC needs an 8-byte IV and whole 8-byte blocks')
    return expand_key(key, effective_bits), _BLOCK.unpack(iv)


def cbc_encrypt(key, iv, data, effective_bits=None):
    """CBC over data whose length is a multiple of 8 (the caller pads)."""
    k, prev = _cbc_start(key, iv, data, effective_bits)
    out = []
    for (p0, p1, p2, p3) in _BLOCK.iter_unpack(data):
        prev = _encrypt_block(k, p0 ^ prev[0], p1 ^ prev[1], p2 ^ prev[2], p3 ^ prev[3])
        out.append(_BLOCK.pack(*prev))
    return b''.join(out)


def cbc_decrypt(key, iv, data, effective_bits=None):
    """The inverse of cbc_encrypt; padding is the caller's to check."""
    k, prev = _cbc_start(key, iv, data, effective_bits)
    out = []
    for block in _BLOCK.iter_unpack(data):
        d0, d1, d2, d3 = _decrypt_block(k, *block)
        out.append(_BLOCK.pack(d0 ^ prev[0], d1 ^ prev[1], d2 ^ prev[2], d3 ^ prev[3]))
        prev = block
    return b''.join(out)
