# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The cryptography calls that differ between versions, and the one dependency check.

PRIVATE: this is not a public API of the collection and may change at any time.

Managed nodes run the distribution's python3-cryptography: 3.4.8 (Ubuntu 22.04), 36.0 (RHEL 9),
38.0 (Debian 12), 41.0 (Ubuntu 24.04) or the newest. Everything newer than 3.4 that the collection
uses goes through this file, with a fallback that gives the same answer on 3.4, so that an old
library never makes a feature quietly fail (an AttributeError caught as "not signed" once made
every CA-signed chain look incomplete on Debian 12).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib
import re
import traceback

from ansible_collections.javasec.keystore.plugins.module_utils import _der as der

# The oldest release tested (Ubuntu 22.04's python3-cryptography): scripts/test's floor lane.
MINIMUM_VERSION = '3.4.8'

try:
    import cryptography
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
except ImportError:
    IMPORT_ERROR = traceback.format_exc()
    CRYPTOGRAPHY_VERSION = None

    class InvalidSignature(Exception):
        """Stands in so that except clauses stay valid when cryptography is missing."""

    class UnsupportedAlgorithm(Exception):
        """Stands in so that except clauses stay valid when cryptography is missing."""
else:
    IMPORT_ERROR = None
    CRYPTOGRAPHY_VERSION = cryptography.__version__


class LazyModule:
    """Stands for a cryptography module until code first uses one of its attributes, then imports it.

    Importing cryptography's X.509 layer costs more than all else a no-op task does on the managed
    node (the overhead section of benchmarks/truststore_bench.py measures a no-op task against
    ansible.builtin.stat); a task that finds nothing to change never parses
    a certificate, so it should not pay for it. Attribute use only: `x509.Name`, `rsa.RSAPublicKey`.
    """

    def __init__(self, name):
        self._name = name
        self._module = None

    def __getattr__(self, attribute):
        if attribute.startswith('__'):  # copy, pickle and pytest probe dunders: not ours to import for
            raise AttributeError(attribute)
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)

    def __repr__(self):
        return '<lazy module %s>' % self._name


def lazy(name):
    """A LazyModule for name (nothing is imported until first use)."""
    return LazyModule(name)


x509 = lazy('cryptography.x509')
hashes = lazy('cryptography.hazmat.primitives.hashes')
serialization = lazy('cryptography.hazmat.primitives.serialization')
padding = lazy('cryptography.hazmat.primitives.asymmetric.padding')
dsa = lazy('cryptography.hazmat.primitives.asymmetric.dsa')
ec = lazy('cryptography.hazmat.primitives.asymmetric.ec')
ed448 = lazy('cryptography.hazmat.primitives.asymmetric.ed448')
ed25519 = lazy('cryptography.hazmat.primitives.asymmetric.ed25519')
rsa = lazy('cryptography.hazmat.primitives.asymmetric.rsa')


def _triple_des():
    # 3DES (JCEKS keys, legacy PKCS#12 keys) moved to hazmat.decrepit in 43 and is leaving primitives:
    # one import here for both codecs
    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES as cipher
    except ImportError:  # cryptography < 43
        try:
            from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES as cipher
        except ImportError:
            cipher = None
    return cipher


TripleDES = _triple_des()


def version_tuple(text):
    """(major, minor, patch) of a version string such as '3.4.8', '41.0.7' or '42.0.0rc1'."""
    numbers = [int(n) for n in re.findall(r'\d+', re.match(r'^[\d.]*', text or '').group(0))[:3]]
    return tuple(numbers + [0] * (3 - len(numbers)))


VERSION = version_tuple(CRYPTOGRAPHY_VERSION) if CRYPTOGRAPHY_VERSION else None

# Certificate.verify_directly_issued_by (cryptography 40). Tests set this to False to run the
# fallback on a new library.
HAS_VERIFY_DIRECTLY_ISSUED_BY = VERSION is not None and VERSION >= (40, 0, 0)

# keytool -keyalg RSASSA-PSS writes keys whose algorithm is id-RSASSA-PSS; cryptography loads them
# (as RSA keys) only from 38 on.
RSASSA_PSS_KEYS_VERSION = (38, 0, 0)

OID_RSASSA_PSS = '1.2.840.113549.1.1.10'
OID_MGF1 = '1.2.840.113549.1.1.8'
_HASH_OIDS = {
    '1.3.14.3.2.26': 'SHA1',
    '2.16.840.1.101.3.4.2.4': 'SHA224',
    '2.16.840.1.101.3.4.2.1': 'SHA256',
    '2.16.840.1.101.3.4.2.2': 'SHA384',
    '2.16.840.1.101.3.4.2.3': 'SHA512',
}


def dependency_problem():
    """None when cryptography is usable here, else (message, traceback or None) for the task's failure."""
    if IMPORT_ERROR is not None:
        return 'the cryptography library (>= %s) is not installed for this Python' % MINIMUM_VERSION, IMPORT_ERROR
    if VERSION < version_tuple(MINIMUM_VERSION):
        return ('cryptography %s is installed, the collection needs cryptography >= %s (install the '
                "distribution's python3-cryptography package)" % (CRYPTOGRAPHY_VERSION, MINIMUM_VERSION)), None
    return None


def needs_version(what, version):
    """The message for a feature this cryptography cannot provide."""
    return '%s needs cryptography >= %s on the managed node; it has %s' % (
        what, '.'.join(str(n) for n in version[:2]), CRYPTOGRAPHY_VERSION)


# ---- signatures ---------------------------------------------------------------------------------


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
    if HAS_VERIFY_DIRECTLY_ISSUED_BY:
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


class CryptographyTooOld(UnsupportedAlgorithm):
    """This cryptography cannot do what a newer one can; the message names the version needed."""


def public_key_of(obj, what=None):
    """obj.public_key() of a certificate or CSR; on cryptography before 38 an RSASSA-PSS key (keytool
    -keyalg RSASSA-PSS) raises CryptographyTooOld with a message naming the version needed."""
    try:
        return obj.public_key()
    except UnsupportedAlgorithm:
        if VERSION < RSASSA_PSS_KEYS_VERSION:
            raise CryptographyTooOld(needs_version(
                'the key of %s (an RSASSA-PSS key, as keytool -keyalg RSASSA-PSS makes)'
                % (what or '"%s"' % obj.subject.rfc4514_string()), RSASSA_PSS_KEYS_VERSION))
        raise
