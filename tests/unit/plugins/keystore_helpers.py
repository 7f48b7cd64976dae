# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared test helpers: a small PKI built with cryptography and keystores built from it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

from cryptography import x509
from cryptography.x509.oid import NameOID
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model

STORE_PASSWORD = 'St0re-Pa55w0rd!'
KEY_PASSWORD = 'K3y-0wn-Pa55!'
# Fixed creation dates (ms since the epoch) so round trips can compare them exactly.
T_RSA = 1700000000123
T_EC = 1700000100456
T_ED = 1700000200789
T_OWN = 1700000300000
T_TRUST = 1700000400000
T_TRUST2 = 1700000500000
T_AES = 1700000600000
T_HMAC = 1700000700000
AES_KEY = bytes(bytearray(range(32)))
HMAC_KEY = b'\x5a' * 32


def _name(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, u'javasec test')])


def der_of(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def key_der_of(key):
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def pem_of(obj):
    if hasattr(obj, 'public_bytes') and not hasattr(obj, 'private_bytes'):
        return obj.public_bytes(serialization.Encoding.PEM)
    return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


class Pki(object):
    """Root CA (EC P-384) -> intermediate CA (EC P-256) -> RSA and EC leaves; Ed25519 and extra roots."""

    def __init__(self):
        self.now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        self.root_key = ec.generate_private_key(ec.SECP384R1())
        self.root = self.cert(u'Test Root CA', self.root_key, u'Test Root CA', self.root_key, ca=True, days=3650)
        self.inter_key = ec.generate_private_key(ec.SECP256R1())
        self.inter = self.cert(u'Test Intermediate CA', self.inter_key, u'Test Root CA', self.root_key, ca=True,
                               days=1825)
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rsa_leaf = self.cert(u'rsa.example.com', self.rsa_key, u'Test Intermediate CA', self.inter_key,
                                  days=365, sans=[u'rsa.example.com', u'www.example.com'])
        self.ec_key = ec.generate_private_key(ec.SECP256R1())
        self.ec_leaf = self.cert(u'ec.example.com', self.ec_key, u'Test Intermediate CA', self.inter_key, days=20)
        self.ed_key = ed25519.Ed25519PrivateKey.generate()
        self.ed_cert = self.cert(u'ed25519 self-signed', self.ed_key, u'ed25519 self-signed', self.ed_key, days=100)
        self.other_root_key = ec.generate_private_key(ec.SECP256R1())
        self.other_root = self.cert(u'Other Root CA', self.other_root_key, u'Other Root CA', self.other_root_key,
                                    ca=True, days=3000)
        self.expired = self.cert(u'expired', self.other_root_key, u'expired', self.other_root_key, ca=True,
                                 days=-10)

    def cert(self, subject, key, issuer, issuer_key, ca=False, days=365, sans=None):
        start = self.now - datetime.timedelta(days=max(1, -days + 30))
        builder = (x509.CertificateBuilder()
                   .subject_name(_name(subject))
                   .issuer_name(_name(issuer))
                   .public_key(key.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(start)
                   .not_valid_after(self.now + datetime.timedelta(days=days, hours=12))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if sans:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]),
                                            critical=False)
        algorithm = None if isinstance(issuer_key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
        return builder.sign(issuer_key, algorithm)

    # DER views used everywhere
    @property
    def rsa_chain(self):
        return [der_of(self.rsa_leaf), der_of(self.inter), der_of(self.root)]

    @property
    def ec_chain(self):
        return [der_of(self.ec_leaf), der_of(self.inter), der_of(self.root)]

    def store(self, store_type='pkcs12', encryption='modern', secrets=True, own_password=False):
        """A store with every kind of entry the target type can hold."""
        store = model.Keystore(store_type, encryption)
        store.add(model.PrivateKeyEntry('rsa-server', self.rsa_chain, key_der_of(self.rsa_key), timestamp=T_RSA))
        store.add(model.PrivateKeyEntry('ec-server', self.ec_chain, key_der_of(self.ec_key), timestamp=T_EC))
        store.add(model.PrivateKeyEntry('ed25519', [der_of(self.ed_cert)], key_der_of(self.ed_key),
                                        timestamp=T_ED))
        if own_password:
            store.add(model.PrivateKeyEntry('own-password', [der_of(self.ed_cert)], key_der_of(self.ed_key),
                                            timestamp=T_OWN, key_password=KEY_PASSWORD))
        store.add(model.TrustedCertEntry('root-ca', der_of(self.root), timestamp=T_TRUST))
        store.add(model.TrustedCertEntry('other-root', der_of(self.other_root), timestamp=T_TRUST2))
        if secrets:
            store.add(model.SecretKeyEntry('aes-key', model.wrap_secret_key('AES', AES_KEY), timestamp=T_AES))
            store.add(model.SecretKeyEntry('hmac-key', model.wrap_secret_key('HmacSHA256', HMAC_KEY),
                                           timestamp=T_HMAC))
        return store

    def store_bytes(self, store_type='pkcs12', encryption='modern', password=STORE_PASSWORD, **kwargs):
        store = self.store(store_type, encryption, secrets=store_type != 'jks', **kwargs)
        return codec.dump_bytes(store, password, store_type, encryption)
