# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fetch the certificate chain a TLS server presents, with the standard library only.

PRIVATE: this is not a public API of the collection and may change at any time.

The handshake does not verify anything (that is the point: the chain is fetched to be trusted), so
the caller must treat the result as trust on first use.

Python's ssl module has a public way to get the whole presented chain only from 3.13 on
(SSLSocket.get_unverified_chain()); 3.10 to 3.12 have the same method on the internal _sslobj.
Older Pythons get the chain by reading the server's Certificate handshake message from the raw
records of a TLS 1.2 handshake run through memory BIOs (TLS 1.2 sends it in clear text). When
neither works (a TLS 1.3-only server on an old Python) only the leaf is returned and the caller
is told so.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import socket
import ssl

from ansible_collections.javasec.keystore.plugins.module_utils import _model as model

METHOD_API = 'get_unverified_chain'
METHOD_TLS12 = 'tls12_records'
METHOD_LEAF = 'leaf_only'

_RECORD_CHANGE_CIPHER_SPEC = 20
_RECORD_HANDSHAKE = 22
_HANDSHAKE_CERTIFICATE = 11


class TlsFetchError(model.KeystoreError):
    """The server could not be reached or did not complete a TLS handshake."""


def _context(max_tls12=False):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if max_tls12:
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    return context


def _connect(host, port, timeout):
    try:
        return socket.create_connection((host, port), timeout=timeout)
    except socket.timeout:
        raise TlsFetchError('%s:%s: connection timed out after %s seconds' % (host, port, timeout))
    except socket.gaierror as exc:
        raise TlsFetchError('%s:%s: cannot resolve the host name (%s)' % (host, port, exc.strerror or exc))
    except (OSError, IOError) as exc:
        raise TlsFetchError('%s:%s: cannot connect (%s)' % (host, port, exc.strerror or exc))


def _handshake_error(host, port, exc):
    if isinstance(exc, socket.timeout):
        return TlsFetchError('%s:%s: the TLS handshake timed out' % (host, port))
    reason = getattr(exc, 'reason', None) or getattr(exc, 'strerror', None) or str(exc) or type(exc).__name__
    return TlsFetchError('%s:%s: TLS handshake failed (%s)' % (host, port, reason))


def api_available():
    """Whether this Python can return the presented chain after a normal handshake (3.10+)."""
    if hasattr(ssl.SSLSocket, 'get_unverified_chain'):  # public from 3.13 on
        return True
    internal = getattr(getattr(ssl, '_ssl', None), '_SSLSocket', None)
    return internal is not None and hasattr(internal, 'get_unverified_chain')


def _as_der(item):
    if isinstance(item, bytes):
        return item
    return item.public_bytes(ssl._ssl.ENCODING_DER)


def _chain_via_api(host, port, server_name, timeout):
    sock = _connect(host, port, timeout)
    try:
        try:
            tls = _context().wrap_socket(sock, server_hostname=server_name)
        except (ssl.SSLError, OSError, IOError, ValueError) as exc:
            raise _handshake_error(host, port, exc)
        try:
            if hasattr(tls, 'get_unverified_chain'):  # Python 3.13+
                chain = tls.get_unverified_chain()
            else:  # Python 3.10 - 3.12: the same method, on the internal object
                chain = tls._sslobj.get_unverified_chain()
            chain = [_as_der(c) for c in chain or []]
            if not chain:
                leaf = tls.getpeercert(binary_form=True)
                chain = [leaf] if leaf else []
            return chain
        finally:
            tls.close()
    finally:
        sock.close()


def parse_server_records(data):
    """The certificates (DER, in the order sent) of the first Certificate handshake message in the raw
    TLS records a server sent, or None when there is none in clear text (TLS 1.3 encrypts it)."""
    data = bytes(data)
    handshake = bytearray()
    pos = 0
    while pos + 5 <= len(data):
        record_type = data[pos]
        length = int.from_bytes(data[pos + 3:pos + 5], 'big')
        fragment = data[pos + 5:pos + 5 + length]
        if len(fragment) < length:
            break
        pos += 5 + length
        if record_type == _RECORD_CHANGE_CIPHER_SPEC:
            break  # everything after this is encrypted
        if record_type == _RECORD_HANDSHAKE:
            handshake += fragment
    pos = 0
    while pos + 4 <= len(handshake):
        message_type = handshake[pos]
        length = int.from_bytes(handshake[pos + 1:pos + 4], 'big')
        body = bytes(handshake[pos + 4:pos + 4 + length])
        if len(body) < length:
            return None
        if message_type == _HANDSHAKE_CERTIFICATE:
            return _parse_certificate_list(body)
        pos += 4 + length
    return None


def _parse_certificate_list(body):
    if len(body) < 3:
        return None
    total = int.from_bytes(body[:3], 'big')
    if total != len(body) - 3:
        return None
    certs = []
    pos = 3
    while pos + 3 <= len(body):
        length = int.from_bytes(body[pos:pos + 3], 'big')
        cert = body[pos + 3:pos + 3 + length]
        if len(cert) < length or not length:
            return None
        certs.append(cert)
        pos += 3 + length
    return certs or None


def _chain_via_tls12_records(host, port, server_name, timeout):
    """Run a TLS 1.2 handshake through memory BIOs and read the Certificate message off the wire.

    Returns (chain or None, leaf or None): the chain is None when no clear-text Certificate message
    was seen or it does not start with the leaf the handshake reports.
    """
    sock = _connect(host, port, timeout)
    captured = bytearray()
    try:
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        try:
            tls = _context(max_tls12=True).wrap_bio(incoming, outgoing, server_hostname=server_name)
            while True:
                try:
                    tls.do_handshake()
                    break
                except ssl.SSLWantReadError:
                    pending = outgoing.read()
                    if pending:
                        sock.sendall(pending)
                    chunk = sock.recv(65536)
                    if not chunk:
                        raise TlsFetchError('%s:%s: the server closed the connection during the TLS handshake'
                                            % (host, port))
                    captured += chunk
                    incoming.write(chunk)
        except (ssl.SSLError, OSError, IOError, ValueError) as exc:
            chain = parse_server_records(captured)
            if chain:  # the server sent its certificates before it gave up (it wants a client cert...)
                return chain, chain[0]
            raise _handshake_error(host, port, exc)
        leaf = tls.getpeercert(binary_form=True)
        chain = parse_server_records(captured)
        if chain and leaf and chain[0] != leaf:
            chain = None
        return chain, leaf
    finally:
        sock.close()


def _leaf_only(host, port, server_name, timeout):
    sock = _connect(host, port, timeout)
    try:
        try:
            tls = _context().wrap_socket(sock, server_hostname=server_name)
        except (ssl.SSLError, OSError, IOError, ValueError) as exc:
            raise _handshake_error(host, port, exc)
        try:
            leaf = tls.getpeercert(binary_form=True)
        finally:
            tls.close()
    finally:
        sock.close()
    return [leaf] if leaf else []


def fetch_chain(host, port=443, server_name=None, timeout=10.0, methods=None):
    """Certificates (DER) the server at host:port presents, in the order sent, and how they were read.

    server_name is sent as SNI (default: host; '' sends none, nor does Python send an IP address).
    methods limits the ways tried (for tests): METHOD_API, METHOD_TLS12, METHOD_LEAF.
    Returns (chain, method); method is METHOD_LEAF when only the leaf could be read.
    Raises TlsFetchError when the server cannot be reached or the handshake fails.
    """
    if server_name is None:
        server_name = host
    server_name = server_name or None  # '' sends no server name
    methods = methods or (METHOD_API, METHOD_TLS12, METHOD_LEAF)
    chain = None
    if METHOD_API in methods and api_available():
        chain = _chain_via_api(host, port, server_name, timeout)
        if chain:
            return chain, METHOD_API
    if METHOD_TLS12 in methods:
        try:
            chain, leaf = _chain_via_tls12_records(host, port, server_name, timeout)
        except TlsFetchError:
            if METHOD_LEAF not in methods:
                raise
            chain = None  # for example a server that speaks TLS 1.3 only: try a normal handshake
        if chain:
            return chain, METHOD_TLS12
    if METHOD_LEAF in methods:
        chain = _leaf_only(host, port, server_name, timeout)
        if chain:
            return chain, METHOD_LEAF
    raise TlsFetchError('%s:%s: the server presented no certificate' % (host, port))
