# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

# Sign a CSR with a CA key, with a validity entirely in the past (OpenSSL 3.0 cannot set -not_before/-not_after).
# usage: sign_expired.py CSR CA_CERT CA_KEY OUT
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization


def main(csr_path, ca_cert_path, ca_key_path, out_path):
    with open(csr_path, 'rb') as f:
        csr = x509.load_pem_x509_csr(f.read())
    with open(ca_cert_path, 'rb') as f:
        ca_cert = x509.load_pem_x509_certificate(f.read())
    with open(ca_key_path, 'rb') as f:
        ca_key = serialization.load_pem_private_key(f.read(), password=None)
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(csr.subject)
               .issuer_name(ca_cert.subject)
               .public_key(csr.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(days=60))
               .not_valid_after(now - datetime.timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False))
    cert = builder.sign(ca_key, hashes.SHA256())
    with open(out_path, 'wb') as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


if __name__ == '__main__':
    main(*sys.argv[1:5])
