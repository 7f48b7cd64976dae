# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""PKCS#10 certificate signing requests: build one, read one, tell whether an existing one still fits.

PRIVATE: this is not a public API of the collection and may change at any time.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from typing import Any, Dict, Optional

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _certparse as certparse
from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue

# Imported on first use (see _crypto_support.LazyModule); missing cryptography is reported once, by
# _crypto_support.dependency_problem().
x509 = support.x509
serialization = support.serialization
ec = support.ec
ed448 = support.ed448
ed25519 = support.ed25519
rsa = support.rsa

try:
    from cryptography.exceptions import InternalError
except ImportError:  # _crypto_support.dependency_problem() reports it, once, for every module
    class InternalError(Exception):
        """Stands in so that the except clause below stays valid when cryptography is missing."""


def requested_extensions(sans, key_usage, extended_key_usage):
    """[(extension value, critical)] of a request: key usage critical as RFC 5280 asks (keytool -ext ku=... marks it
    critical only with ku:c=...), SAN and EKU not."""
    out = []
    if sans:
        out.append((x509.SubjectAlternativeName(sans), False))
    if key_usage:
        out.append((issue.key_usage_extension(key_usage), True))
    if extended_key_usage:
        out.append((issue.eku_extension(extended_key_usage), False))
    return out


def build_csr(key, name, extensions, hash_algorithm):
    builder = x509.CertificateSigningRequestBuilder().subject_name(name)
    for value, critical in extensions:
        builder = builder.add_extension(value, critical=critical)
    return builder.sign(key, hash_algorithm)


def load_csr(data: Optional[bytes]) -> Optional['x509.CertificateSigningRequest']:
    """A CSR from PEM (also keytool's NEW CERTIFICATE REQUEST) or DER bytes; None when it is not one."""
    if data is None:
        return None
    try:
        if b'-----BEGIN' in data:
            data = data.replace(b'NEW CERTIFICATE REQUEST-----', b'CERTIFICATE REQUEST-----')
            csr = x509.load_pem_x509_csr(data)
        else:
            csr = x509.load_der_x509_csr(data)
        # cryptography parses a CSR's parts on first use: a malformed subject, attribute, extension or key
        # would raise ValueError later, in csr_facts or sign_csr, where nothing expects it
        csr.subject.rfc4514_string()
        list(csr.extensions)
        # UnsupportedAlgorithm: a key type or curve, or a signature algorithm, that this cryptography cannot
        # use; is_signature_valid would raise it too, so the request is as unusable as a malformed one
        _public_key(csr)
        support.signature_hash_of(csr)
    except (ValueError, support.UnsupportedAlgorithm) + certparse.parse_errors():
        return None
    return csr


def _public_key(csr):
    try:
        return csr.public_key()
    except InternalError as exc:
        # cryptography 3.4.8 (the floor) reports an EC point that is not on its curve as an OpenSSL error
        # it does not map (later releases raise ValueError): a malformed key like any other
        raise ValueError('the public key cannot be decoded: %s' % type(exc).__name__)


def _signature_name(csr):
    # csr.signature_hash_algorithm raises UnsupportedAlgorithm for RSASSA-PSS on 3.4 to 41 at least.
    algorithm, pss = support.signature_hash_of(csr)
    key = certs.cert_public_key(csr, 'the CSR')
    if isinstance(key, ed25519.Ed25519PublicKey):
        return 'Ed25519'
    if isinstance(key, ed448.Ed448PublicKey):
        return 'Ed448'
    if pss is not None:
        return 'RSASSA-PSS'
    suffix = 'RSA' if isinstance(key, rsa.RSAPublicKey) else 'ECDSA' if isinstance(
        key, ec.EllipticCurvePublicKey) else 'DSA'
    return '%swith%s' % (algorithm.name.upper() if algorithm else 'NONE', suffix)


def _extensions(csr):
    """{dotted OID: (critical, value)} of a CSR, without the subject key identifier (derived from the key)."""
    out = {}
    for ext in csr.extensions:
        if isinstance(ext.value, x509.SubjectKeyIdentifier):
            continue
        out[ext.oid.dotted_string] = (ext.critical, ext.value)
    return out


def csr_facts(csr: Any) -> Dict[str, Any]:
    """Public metadata of a CSR, for diffs and results."""
    facts = {
        'subject': csr.subject.rfc4514_string(),
        'subject_alt_names': [],
        'key_usage': [],
        'extended_key_usage': [],
        'public_key_sha256': certs.fingerprint(certs.public_der(certs.cert_public_key(csr, 'the CSR'))),
        'signature_algorithm': _signature_name(csr),
    }
    for ext in csr.extensions:
        if isinstance(ext.value, x509.SubjectAlternativeName):
            facts['subject_alt_names'] = certs.general_names(ext.value)
        elif isinstance(ext.value, x509.KeyUsage):
            facts['key_usage'] = issue.key_usage_names(ext.value)
        elif isinstance(ext.value, x509.ExtendedKeyUsage):
            facts['extended_key_usage'] = issue.eku_names(ext.value)
    return facts


def csr_matches(csr, public_key_der, name, extensions, signature_algorithm):
    """Whether an existing CSR already asks for this: same key, subject, extensions and signature algorithm.

    Compares parsed content, not bytes: (EC)DSA signatures differ at every signing.
    """
    if csr is None or not csr.is_signature_valid:
        return False
    if certs.public_der(certs.cert_public_key(csr, 'the CSR')) != public_key_der or csr.subject != name:
        return False
    if _signature_name(csr) != signature_algorithm:
        return False
    wanted = {value.oid.dotted_string: (critical, value) for value, critical in extensions}
    return _extensions(csr) == wanted


def csr_pem(csr: Any) -> str:
    return csr.public_bytes(serialization.Encoding.PEM).decode('ascii')
