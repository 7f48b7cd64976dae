# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Signatures of certificates and CSRs on every cryptography release we support: the signature algorithm read
from the DER (RSASSA-PSS included), and verification by the issuer's key type where cryptography has no
verify_directly_issued_by (before 40).

PRIVATE: this is not a public API of the collection and may change at any time.

Reached through _crypto_support (support.is_issued_by and the like), which imports this module on first use: a
task that changes nothing verifies no signature, and every module run compiles what it imports from the
AnsiballZ zip, twice (issue 11: fleet cost). The version facts stay there (support.VERSION ...), where the
tests set them.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils._crypto_support import (
    CryptographyTooOld, InvalidSignature, UnsupportedAlgorithm, dsa, ec, ed448, ed25519, hashes, padding, rsa,
    serialization)


OID_RSASSA_PSS = '1.2.840.113549.1.1.10'


OID_MGF1 = '1.2.840.113549.1.1.8'


_HASH_OIDS = {
    '1.3.14.3.2.26': 'SHA1',
    '2.16.840.1.101.3.4.2.4': 'SHA224',
    '2.16.840.1.101.3.4.2.1': 'SHA256',
    '2.16.840.1.101.3.4.2.2': 'SHA384',
    '2.16.840.1.101.3.4.2.3': 'SHA512',
}


def _hash_of_algorithm(algorithm_der):
    """hashes.<X>() of a DER AlgorithmIdentifier of a digest."""
    fields = der.children(der.read(algorithm_der, der.SEQUENCE)[1])
    if not fields or fields[0][0] != der.OID:
        raise der.DerError('an algorithm identifier without an OID')
    dotted = der.read_oid(fields[0][1])
    if dotted not in _HASH_OIDS:
        raise UnsupportedAlgorithm('digest %s is not supported' % dotted)
    return getattr(hashes, _HASH_OIDS[dotted])()


def signature_algorithm(signed_der):
    """(dotted OID, parameters DER or None) of the signatureAlgorithm of a certificate or CSR in DER.

    Read from the DER, since Certificate.signature_algorithm_parameters only exists from cryptography 41.
    """
    outer = der.raw_children(der.read(signed_der, der.SEQUENCE)[1])
    if len(outer) != 3:
        raise der.DerError('not a signed structure (certificate or CSR)')
    fields = der.raw_children(der.read(outer[1], der.SEQUENCE)[1])
    dotted = der.read_oid(der.read(fields[0], der.OID)[1])
    return dotted, (fields[1] if len(fields) > 1 else None)


def pss_parameters(params_der):
    """(padding.PSS, hash) of RSASSA-PSS-params (RFC 4055), defaults included (SHA-1, MGF1-SHA1, salt 20)."""
    hash_algorithm = mgf_hash = hashes.SHA1()
    salt_length = 20
    if params_der is not None and params_der[:1] != b'\x05':  # absent parameters may be written as NULL
        for tag, content in der.children(der.read(params_der, der.SEQUENCE)[1]):
            if tag == 0xA0:
                hash_algorithm = _hash_of_algorithm(content)
            elif tag == 0xA1:
                mgf = der.raw_children(der.read(content, der.SEQUENCE)[1])
                if der.read_oid(der.read(mgf[0], der.OID)[1]) != OID_MGF1 or len(mgf) < 2:
                    raise UnsupportedAlgorithm('RSASSA-PSS with a mask generation function other than MGF1')
                mgf_hash = _hash_of_algorithm(mgf[1])
            elif tag == 0xA2:
                salt_length = der.read_int(der.read(content, der.INTEGER)[1])
            elif tag == 0xA3:
                if der.read_int(der.read(content, der.INTEGER)[1]) != 1:
                    raise UnsupportedAlgorithm('RSASSA-PSS with a trailer field other than 1')
    return padding.PSS(mgf=padding.MGF1(mgf_hash), salt_length=salt_length), hash_algorithm


def signature_hash_of(signed):
    """(hash or None, PSS padding or None) of a Certificate or CertificateSigningRequest.

    signature_hash_algorithm raises UnsupportedAlgorithm for RSASSA-PSS before cryptography 41, and
    from 41 on it does not say that the signature is PSS; both come from the DER here.
    """
    dotted, params = signature_algorithm(signed.public_bytes(serialization.Encoding.DER))
    if dotted == OID_RSASSA_PSS:
        pss, hash_algorithm = pss_parameters(params)
        return hash_algorithm, pss
    return signed.signature_hash_algorithm, None


def verify_signature(public_key, signature, data, hash_algorithm, pss=None):
    """Raise InvalidSignature unless signature is public_key's over data; by key type, as community.crypto does.

    UnsupportedAlgorithm for a key type that cannot sign certificates.
    """
    if isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(signature, data, pss if pss is not None else padding.PKCS1v15(), hash_algorithm)
    elif pss is not None:
        raise InvalidSignature('an RSASSA-PSS signature by a key that is not RSA')
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(signature, data, ec.ECDSA(hash_algorithm))
    elif isinstance(public_key, dsa.DSAPublicKey):
        public_key.verify(signature, data, hash_algorithm)
    elif isinstance(public_key, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
        public_key.verify(signature, data)
    else:
        raise UnsupportedAlgorithm('%s keys cannot sign certificates' % type(public_key).__name__)


def _verify_by_key_type(cert, issuer):
    hash_algorithm, pss = signature_hash_of(cert)
    public_key = public_key_of(issuer)  # before the try: a TypeError there is not a signature mismatch
    try:
        verify_signature(public_key, cert.signature, cert.tbs_certificate_bytes, hash_algorithm, pss)
    except TypeError:
        # a hash given to EdDSA, or none to RSA/ECDSA/DSA: the algorithm does not fit the issuer's key
        raise InvalidSignature('the signature algorithm does not fit the issuer key')


def verify_issued_by(cert, issuer):
    """Raise unless issuer issued cert: ValueError when cert's issuer name is not issuer's subject,
    InvalidSignature when issuer's key did not sign it, UnsupportedAlgorithm when it cannot be checked.

    Certificate.verify_directly_issued_by (cryptography 40) when present, else the same check by the
    issuer's key type: RSA PKCS#1 v1.5 and PSS (parameters from the signature algorithm), ECDSA, DSA,
    Ed25519 and Ed448.
    """
    if cert.issuer != issuer.subject:
        raise ValueError('the issuer name of the certificate is not the subject of the issuer')
    if support.HAS_VERIFY_DIRECTLY_ISSUED_BY:
        try:
            cert.verify_directly_issued_by(issuer)
            return
        except (UnsupportedAlgorithm, TypeError):
            pass  # DSA keys, or PSS on cryptography 40: the fallback knows them
    _verify_by_key_type(cert, issuer)


def is_issued_by(cert, issuer):
    """Whether issuer's key signed cert and the names chain; False also when the signature cannot be checked.

    CryptographyTooOld is raised, not turned into False: "not the issuer" would send the user looking for a
    missing certificate (issue 8) when what is missing is a newer cryptography.
    """
    try:
        verify_issued_by(cert, issuer)
    except CryptographyTooOld:
        raise
    except (InvalidSignature, UnsupportedAlgorithm, ValueError):
        return False
    return True


def public_key_of(obj, what=None):
    """obj.public_key() of a certificate or CSR; on cryptography before 38 an RSASSA-PSS key (keytool
    -keyalg RSASSA-PSS) raises CryptographyTooOld with a message naming the version needed."""
    try:
        return obj.public_key()
    except UnsupportedAlgorithm:
        if support.VERSION < support.RSASSA_PSS_KEYS_VERSION:
            raise CryptographyTooOld(support.needs_version(
                'the key of %s (an RSASSA-PSS key, as keytool -keyalg RSASSA-PSS makes)'
                % (what or '"%s"' % obj.subject.rfc4514_string()), support.RSASSA_PSS_KEYS_VERSION))
        raise
