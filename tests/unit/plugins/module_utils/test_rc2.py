# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import random

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _rc2 as rc2

# RFC 2268 section 5: key, effective key bits, plaintext, ciphertext
RFC_2268_VECTORS = [
    ('0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'),
    ('ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'),
    ('3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'),
    ('88', 64, '0000000000000000', '61a8a244adacccf0'),
    ('88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'),
    ('88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'),
    ('88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'),
    ('88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000',
     '5b78d3a43dfff1f1'),
]


@pytest.mark.parametrize('key, bits, plain, cipher', RFC_2268_VECTORS)
def test_rfc_2268_vectors(key, bits, plain, cipher):
    assert rc2.encrypt_block(bytes.fromhex(key), bytes.fromhex(plain), bits).hex() == cipher
    assert rc2.decrypt_block(bytes.fromhex(key), bytes.fromhex(cipher), bits).hex() == plain


def test_cbc_round_trip_and_chaining():
    rng = random.Random(2268)
    for size in (5, 16, 128):
        key = bytes(rng.getrandbits(8) for dummy in range(size))
        iv = bytes(rng.getrandbits(8) for dummy in range(8))
        data = bytes(rng.getrandbits(8) for dummy in range(64))
        encrypted = rc2.cbc_encrypt(key, iv, data)
        assert rc2.cbc_decrypt(key, iv, encrypted) == data
        # CBC: two equal plaintext blocks give different ciphertext blocks
        twice = rc2.cbc_encrypt(key, iv, data[:8] * 2)
        assert twice[:8] != twice[8:]
        # the first block is ECB of plaintext XOR IV
        first = bytes(a ^ b for a, b in zip(data[:8], iv))
        assert encrypted[:8] == rc2.encrypt_block(key, first)


def test_matches_cryptography_where_it_has_rc2():
    # an independent implementation as the oracle: cryptography >= 43 has RC2 (128-bit keys only)
    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import RC2
        from cryptography.hazmat.primitives.ciphers import Cipher, modes
    except ImportError:
        pytest.skip('this cryptography has no RC2 (before 43); the RFC 2268 vectors still ran')
    key, iv, data = os.urandom(16), os.urandom(8), os.urandom(8 * 40)
    encryptor = Cipher(RC2(key), modes.CBC(iv)).encryptor()
    assert rc2.cbc_encrypt(key, iv, data) == encryptor.update(data) + encryptor.finalize()


@pytest.mark.parametrize('key, iv, data', [
    (b'', b'\0' * 8, b''),
    (b'k' * 129, b'\0' * 8, b''),
    (b'k' * 5, b'\0' * 7, b''),
    (b'k' * 5, b'\0' * 8, b'odd'),
])
def test_bad_arguments(key, iv, data):
    with pytest.raises(ValueError):
        rc2.cbc_decrypt(key, iv, data)


def test_matches_pycryptodomex_with_40_bit_keys():
    # PKCS#12's RC2 is the 40-bit one, which cryptography cannot do: pycryptodomex (a test-only oracle) can
    arc2 = pytest.importorskip('Cryptodome.Cipher.ARC2')
    rng = random.Random(40)
    for size in (5, 8, 16, 128):
        key = bytes(rng.getrandbits(8) for dummy in range(size))
        iv = bytes(rng.getrandbits(8) for dummy in range(8))
        data = bytes(rng.getrandbits(8) for dummy in range(8 * 25))
        bits = max(40, size * 8)
        reference = arc2.new(key, arc2.MODE_CBC, iv=iv, effective_keylen=bits).encrypt(data)
        assert rc2.cbc_encrypt(key, iv, data, bits) == reference
        assert rc2.cbc_decrypt(key, iv, reference, bits) == data
