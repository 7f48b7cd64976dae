# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A TLS server on 127.0.0.1 in a thread, presenting a given chain (for the trusted_cert / _tls tests)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import socket
import ssl
import tempfile
import threading

from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import pem_of


class TlsServer(object):
    """with TlsServer(key, [leaf, intermediate, root], tls13_only=False) as server: server.port"""

    def __init__(self, key, chain, tls13_only=False, max_tls12=False):
        self.key = key
        self.chain = chain
        self.tls13_only = tls13_only
        self.max_tls12 = max_tls12
        self.port = None
        self._listener = None
        self._thread = None
        self._dir = None

    def __enter__(self):
        self._dir = tempfile.mkdtemp(prefix='javasec-tls-')
        cert_file = os.path.join(self._dir, 'chain.pem')
        key_file = os.path.join(self._dir, 'key.pem')
        with open(cert_file, 'wb') as handle:
            handle.write(b''.join(pem_of(c) for c in self.chain))
        with open(key_file, 'wb') as handle:
            handle.write(pem_of(self.key))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        if self.tls13_only:
            context.minimum_version = ssl.TLSVersion.TLSv1_3
        if self.max_tls12:
            context.maximum_version = ssl.TLSVersion.TLSv1_2
        self._listener = socket.socket()
        self._listener.bind(('127.0.0.1', 0))
        self._listener.listen(8)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, args=(context,))
        self._thread.daemon = True
        self._thread.start()
        return self

    def _serve(self, context):
        while True:
            try:
                conn, dummy = self._listener.accept()
            except OSError:
                return  # closed
            conn.settimeout(5)
            try:
                with context.wrap_socket(conn, server_side=True) as tls:
                    try:
                        tls.recv(1)
                    except (ssl.SSLError, OSError):
                        pass
            except (ssl.SSLError, OSError):
                conn.close()

    def __exit__(self, *exc_info):
        self._listener.close()
        for name in os.listdir(self._dir):
            os.unlink(os.path.join(self._dir, name))
        os.rmdir(self._dir)
        return False


def closed_port():
    """A port of 127.0.0.1 on which nothing listens (free a moment ago)."""
    probe = socket.socket()
    probe.bind(('127.0.0.1', 0))
    port = probe.getsockname()[1]
    probe.close()
    return port
