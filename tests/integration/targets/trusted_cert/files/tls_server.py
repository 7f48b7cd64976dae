#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test PKI and TLS servers for the trusted_cert integration target.

Creates in DIR: root-a -> int-a -> leaf-a (served with its whole chain), root-b -> leaf-b (a server
signed by another CA), five more CAs (ca1..ca5, also concatenated in bundle.pem with comments), an
expired CA and garbage.pem. Then serves TLS on two ports of 127.0.0.1 and writes state.json with
its pid, the ports and a port nothing listens on. Exits by itself after LIFETIME seconds.
"""

from __future__ import absolute_import, division, print_function

import datetime
import json
import os
import socket
import ssl
import sys
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NOW = datetime.datetime.now(datetime.timezone.utc)


def make(name, issuer=None, ca=False, days=30, past=False):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'javasec test')])
    issuer_name, issuer_key = (issuer[1].subject, issuer[0]) if issuer else (subject, key)
    start = NOW - datetime.timedelta(days=400 if past else 1)
    end = NOW - datetime.timedelta(days=2) if past else NOW + datetime.timedelta(days=days)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if not ca:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.DNSName(u'localhost'), x509.IPAddress(__import__('ipaddress').ip_address(u'127.0.0.1'))]),
            critical=False)
    return key, builder.sign(issuer_key, hashes.SHA256())


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode('ascii')


def fingerprint(cert):
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def write(directory, name, text):
    with open(os.path.join(directory, name), 'w') as handle:
        handle.write(text)


def serve(listener, context):
    while True:
        conn, dummy = listener.accept()
        conn.settimeout(10)
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                try:
                    tls.recv(1)
                except (ssl.SSLError, OSError):
                    pass
        except (ssl.SSLError, OSError):
            conn.close()


def listen(directory, name, key, chain):
    write(directory, name + '-server.pem', ''.join(pem(c) for c in chain))
    write(directory, name + '-server.key', key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode('ascii'))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.path.join(directory, name + '-server.pem'), os.path.join(directory, name + '-server.key'))
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', 0))
    listener.listen(16)
    thread = threading.Thread(target=serve, args=(listener, context))
    thread.daemon = True
    thread.start()
    return listener.getsockname()[1]


def main():
    directory = sys.argv[1]
    lifetime = int(sys.argv[2]) if len(sys.argv) > 2 else 900
    if not os.path.isdir(directory):
        os.makedirs(directory)
    root_a = make(u'Root A', ca=True, days=3650)
    int_a = make(u'Intermediate A', issuer=root_a, ca=True, days=365)
    leaf_a = make(u'localhost', issuer=int_a)
    root_b = make(u'Root B', ca=True, days=3650)
    leaf_b = make(u'localhost', issuer=root_b)
    certs = [('root-a', root_a), ('int-a', int_a), ('leaf-a', leaf_a), ('root-b', root_b), ('leaf-b', leaf_b)]
    bundle = []
    for number in range(1, 6):
        pair = make(u'Bundle CA %d' % number, ca=True, days=3650)
        certs.append(('ca%d' % number, pair))
        bundle.append('# Bundle CA %d\n%s\n' % (number, pem(pair[1])))
    certs.append(('expired', make(u'Expired CA', ca=True, past=True)))
    for name, pair in certs:
        write(directory, name + '.pem', pem(pair[1]))
    write(directory, 'bundle.pem', ''.join(bundle))
    write(directory, 'fingerprints.json', json.dumps(dict((name, fingerprint(pair[1])) for name, pair in certs)))
    write(directory, 'garbage.pem', '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n')
    good = listen(directory, 'good', leaf_a[0], [leaf_a[1], int_a[1], root_a[1]])
    other = listen(directory, 'other', leaf_b[0], [leaf_b[1], root_b[1]])
    probe = socket.socket()
    probe.bind(('127.0.0.1', 0))
    closed = probe.getsockname()[1]
    probe.close()
    state = {'pid': os.getpid(), 'good_port': good, 'other_port': other, 'closed_port': closed}
    write(directory, 'state.json.tmp', json.dumps(state))
    os.rename(os.path.join(directory, 'state.json.tmp'), os.path.join(directory, 'state.json'))
    time.sleep(lifetime)


if __name__ == '__main__':
    main()
