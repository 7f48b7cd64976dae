# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_tls: reading the chain a TLS server presents, by every method."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import struct

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _tls as tls
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import der_of
from ansible_collections.javasec.keystore.tests.unit.plugins.tls_server import TlsServer, closed_port


def _u24(value):
    return struct.pack('>I', value)[1:]


def _record(record_type, payload):
    return struct.pack('>BHH', record_type, 0x0303, len(payload)) + payload


def _certificate_message(certs):
    body = b''.join(_u24(len(c)) + c for c in certs)
    body = _u24(len(body)) + body
    return b'\x0b' + _u24(len(body)) + body


def test_parse_records_split_over_several_records():
    certs = [b'\x30leaf' * 50, b'\x30intermediate' * 30]
    handshake = b'\x02' + _u24(4) + b'helo' + _certificate_message(certs) + b'\x0e' + _u24(0)
    data = _record(22, handshake[:10]) + _record(22, handshake[10:77]) + _record(22, handshake[77:])
    assert tls.parse_server_records(data) == certs


def test_parse_records_stops_at_change_cipher_spec():
    certs = [b'\x30leaf']
    data = _record(22, b'\x02' + _u24(4) + b'helo') + _record(20, b'\x01') + _record(22, _certificate_message(certs))
    assert tls.parse_server_records(data) is None


@pytest.mark.parametrize('data', [
    b'',
    b'\x16\x03\x03\x00\x10short',
    _record(22, b'\x0b' + _u24(100) + b'truncated'),
    _record(22, b'\x0b' + _u24(4) + _u24(9) + b'x'),
    _record(21, b'\x02\x28'),  # an alert
])
def test_parse_records_garbage(data):
    assert tls.parse_server_records(data) is None


@pytest.fixture(scope='module')
def server_chain(pki):
    return pki.rsa_key, [pki.rsa_leaf, pki.inter, pki.root]


@pytest.mark.parametrize('methods, expected_method', [
    (None, tls.METHOD_API),
    ((tls.METHOD_TLS12,), tls.METHOD_TLS12),
])
def test_fetch_whole_chain(server_chain, pki, methods, expected_method):
    if expected_method == tls.METHOD_API and not tls.api_available():
        pytest.skip('Python < 3.10')
    with TlsServer(*server_chain) as server:
        chain, method = tls.fetch_chain('127.0.0.1', server.port, timeout=5, methods=methods)
    assert method == expected_method
    assert chain == pki.rsa_chain


def test_fetch_leaf_only(server_chain, pki):
    with TlsServer(*server_chain) as server:
        chain, method = tls.fetch_chain('127.0.0.1', server.port, timeout=5, methods=(tls.METHOD_LEAF,))
    assert (chain, method) == ([der_of(pki.rsa_leaf)], tls.METHOD_LEAF)


def test_tls13_only_server_without_api_falls_back_to_leaf(server_chain, pki):
    with TlsServer(*server_chain, tls13_only=True) as server:
        chain, method = tls.fetch_chain('127.0.0.1', server.port, timeout=5, methods=(tls.METHOD_TLS12, tls.METHOD_LEAF))
        assert (chain, method) == ([der_of(pki.rsa_leaf)], tls.METHOD_LEAF)
        with pytest.raises(tls.TlsFetchError, match='TLS handshake failed'):
            tls.fetch_chain('127.0.0.1', server.port, timeout=5, methods=(tls.METHOD_TLS12,))


def test_tls12_server_with_api(server_chain, pki):
    if not tls.api_available():
        pytest.skip('Python < 3.10')
    with TlsServer(*server_chain, max_tls12=True) as server:
        chain, method = tls.fetch_chain('127.0.0.1', server.port, timeout=5)
    assert (chain, method) == (pki.rsa_chain, tls.METHOD_API)


def test_connection_refused():
    with pytest.raises(tls.TlsFetchError, match=r'^127\.0\.0\.1:[0-9]+: cannot connect'):
        tls.fetch_chain('127.0.0.1', closed_port(), timeout=5)


def test_not_tls(pki):
    import socket
    import threading
    listener = socket.socket()
    listener.bind(('127.0.0.1', 0))
    listener.listen(1)

    def answer():
        conn, dummy = listener.accept()
        conn.recv(1024)
        conn.sendall(b'HTTP/1.0 400 Bad Request\r\n\r\n')
        conn.close()

    thread = threading.Thread(target=answer)
    thread.daemon = True
    thread.start()
    try:
        with pytest.raises(tls.TlsFetchError, match='TLS handshake failed|closed the connection'):
            tls.fetch_chain('127.0.0.1', listener.getsockname()[1], timeout=5, methods=(tls.METHOD_API, tls.METHOD_TLS12))
    finally:
        listener.close()


@pytest.mark.parametrize('methods', [None, (tls.METHOD_TLS12,), (tls.METHOD_LEAF,)])
def test_no_server_name(server_chain, pki, methods):
    with TlsServer(*server_chain) as server:
        chain, dummy = tls.fetch_chain('127.0.0.1', server.port, server_name='', timeout=5, methods=methods)
    assert chain[0] == der_of(pki.rsa_leaf)


def test_bad_server_name(server_chain):
    if not tls.api_available():
        pytest.skip('Python < 3.10')
    with TlsServer(*server_chain) as server:
        with pytest.raises(tls.TlsFetchError, match='TLS handshake failed'):
            tls.fetch_chain('127.0.0.1', server.port, server_name='.bad', timeout=5, methods=(tls.METHOD_API,))
