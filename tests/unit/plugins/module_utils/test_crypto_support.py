# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The version-dependent cryptography calls: each fallback runs on every cryptography (forced on new ones)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime

import pytest

pytest.importorskip('cryptography')

from cryptography import x509  # noqa: E402
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs  # noqa: E402
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec  # noqa: E402
from ansible_collections.javasec.keystore.plugins.module_utils import _csr as csrlib  # noqa: E402
from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue  # noqa: E402
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model  # noqa: E402
from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support  # noqa: E402
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der  # noqa: E402

NOW = datetime.datetime(2024, 1, 1)
SHA256_OID = '2.16.840.1.101.3.4.2.1'


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _pss_algorithm(salt=32):
    """AlgorithmIdentifier of RSASSA-PSS with SHA-256, MGF1-SHA-256 and the given salt length."""
    sha256 = der.algorithm(SHA256_OID, der.null())
    params = der.seq(der.explicit(0, sha256), der.explicit(1, der.algorithm(support.OID_MGF1, sha256)),
                     der.explicit(2, der.integer(salt)))
    return der.algorithm(support.OID_RSASSA_PSS, params)


def _bit_string(data):
    return der.tlv(0x03, b'\x00' + data)


def _resign_pss(signed_der, key, is_cert=True, salt=32):
    """The certificate (or CSR) re-signed by RSA key with RSASSA-PSS, built as DER: CertificateBuilder
    has no PSS before cryptography 41."""
    outer = der.raw_children(der.read(signed_der, der.SEQUENCE)[1])
    body = outer[0]
    if is_cert:  # the TBSCertificate repeats the signature algorithm
        fields = der.raw_children(der.read(body, der.SEQUENCE)[1])
        index = 2 if fields[0][:1] == b'\xa0' else 1
        fields[index] = _pss_algorithm(salt)
        body = der.seq(*fields)
    signature = key.sign(body, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt), hashes.SHA256())
    return der.seq(body, _pss_algorithm(salt), _bit_string(signature))


def _hash_for(key):
    return None if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)) else hashes.SHA256()


def _cert(subject, public_key, issuer, signing_key, pss=False, ca=False):
    builder = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
               .public_key(public_key).serial_number(x509.random_serial_number())
               .not_valid_before(NOW).not_valid_after(NOW + datetime.timedelta(days=3650)))
    if ca:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
    cert = builder.sign(signing_key, _hash_for(signing_key))
    if pss:
        return x509.load_der_x509_certificate(_resign_pss(cert.public_bytes(serialization.Encoding.DER), signing_key))
    return cert


KEY_MAKERS = {
    'rsa': lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    'rsa-pss': lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    'ec': lambda: ec.generate_private_key(ec.SECP384R1()),
    'ed25519': ed25519.Ed25519PrivateKey.generate,
    'ed448': ed448.Ed448PrivateKey.generate,
    'dsa': lambda: dsa.generate_private_key(key_size=2048),
}
_KEYS = {}


def _key(kind, index=0):
    if (kind, index) not in _KEYS:
        _KEYS[(kind, index)] = KEY_MAKERS[kind]()
    return _KEYS[(kind, index)]


@pytest.fixture(params=[True, False], ids=['native-if-present', 'fallback'])
def path(request, monkeypatch):
    """Run a test with Certificate.verify_directly_issued_by when this cryptography has it, and with the
    fallback by key type (which cryptography < 40 always uses)."""
    if not request.param:
        monkeypatch.setattr(support, 'HAS_VERIFY_DIRECTLY_ISSUED_BY', False)
    return request.param


@pytest.fixture(params=sorted(KEY_MAKERS))
def issuer_kind(request):
    return request.param


def _issued(kind):
    """(ca, leaf signed by ca, impostor: same name as ca but another key)."""
    ca_key, other_key = _key(kind), _key(kind, 1)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    pss = kind == 'rsa-pss'
    ca = _cert('Issuing CA', ca_key.public_key(), 'Issuing CA', ca_key, pss=pss, ca=True)
    impostor = _cert('Issuing CA', other_key.public_key(), 'Issuing CA', other_key, pss=pss, ca=True)
    leaf = _cert('server', leaf_key.public_key(), 'Issuing CA', ca_key, pss=pss)
    return ca, leaf, impostor


def test_valid_signature_passes(issuer_kind, path):
    ca, leaf, impostor = _issued(issuer_kind)
    support.verify_issued_by(leaf, ca)
    assert support.is_issued_by(leaf, ca)
    assert support.is_issued_by(ca, ca)  # self-signed


def test_signature_by_another_key_with_the_same_name_fails(issuer_kind, path):
    ca, leaf, impostor = _issued(issuer_kind)
    assert impostor.subject == ca.subject
    with pytest.raises(InvalidSignature):
        support.verify_issued_by(leaf, impostor)
    assert not support.is_issued_by(leaf, impostor)


def test_other_issuer_name_fails_before_any_signature_check(path):
    ca, leaf, impostor = _issued('ec')
    with pytest.raises(ValueError):
        support.verify_issued_by(ca, leaf)
    assert not support.is_issued_by(ca, leaf)


def test_signature_algorithm_that_does_not_fit_the_issuer_key(path):
    ca, leaf, dummy = _issued('ed25519')
    rsa_ca = _cert('Issuing CA', _key('rsa').public_key(), 'Issuing CA', _key('rsa'), ca=True)
    assert not support.is_issued_by(leaf, rsa_ca)
    rsa_leaf = _cert('server', _key('ec').public_key(), 'Issuing CA', _key('rsa'))
    assert not support.is_issued_by(rsa_leaf, ca)


def test_programming_errors_are_not_swallowed(path):
    ca, dummy, dummy2 = _issued('rsa')
    with pytest.raises(AttributeError):
        support.is_issued_by(object(), ca)


def test_pss_parameters_from_der():
    pss, hash_algorithm = support.pss_parameters(der.seq(
        der.explicit(0, der.algorithm('2.16.840.1.101.3.4.2.2', der.null())),
        der.explicit(1, der.algorithm(support.OID_MGF1, der.algorithm('2.16.840.1.101.3.4.2.2', der.null()))),
        der.explicit(2, der.integer(48))))
    assert isinstance(hash_algorithm, hashes.SHA384)
    assert isinstance(pss._mgf._algorithm, hashes.SHA384)
    assert pss._salt_length == 48
    # RFC 4055 defaults: SHA-1, MGF1 with SHA-1, 20 bytes of salt
    pss, hash_algorithm = support.pss_parameters(der.seq())
    assert isinstance(hash_algorithm, hashes.SHA1) and pss._salt_length == 20
    with pytest.raises(UnsupportedAlgorithm):
        support.pss_parameters(der.seq(der.explicit(0, der.algorithm('1.2.840.113549.2.5', der.null()))))  # MD5


def test_signature_hash_of_pss_and_pkcs1_certificates():
    ca, leaf, dummy = _issued('rsa-pss')
    hash_algorithm, pss = support.signature_hash_of(leaf)
    assert isinstance(hash_algorithm, hashes.SHA256) and pss._salt_length == 32
    ca, leaf, dummy = _issued('rsa')
    hash_algorithm, pss = support.signature_hash_of(leaf)
    assert isinstance(hash_algorithm, hashes.SHA256) and pss is None
    ca, leaf, dummy = _issued('ed448')
    assert support.signature_hash_of(leaf) == (None, None)


def test_pss_csr_facts():
    """csr.signature_hash_algorithm raises UnsupportedAlgorithm for a PSS CSR on cryptography 3.4 to 41."""
    key = _key('rsa')
    csr = x509.CertificateSigningRequestBuilder().subject_name(_name('pss-csr')).sign(key, hashes.SHA256())
    pss_csr = x509.load_der_x509_csr(_resign_pss(csr.public_bytes(serialization.Encoding.DER), key, is_cert=False))
    assert pss_csr.is_signature_valid
    facts = csrlib.csr_facts(pss_csr)
    assert facts['signature_algorithm'] == 'RSASSA-PSS'
    assert facts['subject'] == 'CN=pss-csr'
    assert csrlib.csr_facts(csr)['signature_algorithm'] == 'SHA256withRSA'


def test_build_chain_picks_the_issuer_that_signed(issuer_kind, path):
    """The bug of issue 8: on cryptography < 40 every CA-signed chain looked incomplete."""
    ca, leaf, impostor = _issued(issuer_kind)
    leaf_der, ca_der, impostor_der = [c.public_bytes(serialization.Encoding.DER) for c in (leaf, ca, impostor)]
    chain, missing = certs.build_chain(leaf_der, [impostor_der, ca_der])
    assert missing is None
    assert chain == [leaf_der, ca_der]
    chain, missing = certs.build_chain(leaf_der, [impostor_der])
    assert chain == [leaf_der] and missing == 'CN=Issuing CA'
    assert certs.complete_chain(leaf_der, [impostor_der, ca_der]) == [leaf_der, ca_der]


class _Bag(object):
    def __init__(self, value):
        self.value = value


def test_pkcs12_chain_prefers_the_verified_issuer(path):
    ca, leaf, impostor = _issued('rsa-pss')
    leaf_der, ca_der, impostor_der = [c.public_bytes(serialization.Encoding.DER) for c in (leaf, ca, impostor)]
    bags = [_Bag(impostor_der), _Bag(ca_der)]
    found = codec._issuer_of(leaf_der, bags, x509.load_der_x509_certificate)
    assert found.value == ca_der


def test_version_tuple():
    assert support.version_tuple('3.4.8') == (3, 4, 8)
    assert support.version_tuple('41.0') == (41, 0, 0)
    assert support.version_tuple('42.0.0rc1') == (42, 0, 0)
    assert support.VERSION >= (3, 4, 0)


def test_dependency_check_names_the_version(monkeypatch):
    assert support.dependency_problem() is None
    monkeypatch.setattr(support, 'VERSION', (2, 8, 0))
    monkeypatch.setattr(support, 'CRYPTOGRAPHY_VERSION', '2.8')
    message, exception = support.dependency_problem()
    assert 'cryptography 2.8 is installed' in message and '>= 3.4' in message
    assert exception is None
    monkeypatch.setattr(support, 'IMPORT_ERROR', 'Traceback: No module named cryptography')
    message, exception = support.dependency_problem()
    assert 'not installed' in message and exception.startswith('Traceback')


class _PssKeyCertificate(object):
    """What cryptography < 38 gives for a keytool -keyalg RSASSA-PSS certificate."""
    subject = _name('pss-key')

    def public_key(self):
        raise UnsupportedAlgorithm('Unsupported key type.')


def test_rsassa_pss_key_on_old_cryptography_names_the_version(monkeypatch):
    monkeypatch.setattr(support, 'VERSION', (3, 4, 8))
    monkeypatch.setattr(support, 'CRYPTOGRAPHY_VERSION', '3.4.8')
    with pytest.raises(model.CertificateInputError) as info:
        certs.cert_public_key(_PssKeyCertificate())
    assert 'needs cryptography >= 38.0' in str(info.value) and 'it has 3.4.8' in str(info.value)
    assert '"CN=pss-key"' in str(info.value)

    def unsupported(data, password=None, backend=None):
        raise UnsupportedAlgorithm('Unsupported key type.')
    monkeypatch.setattr(certs.serialization, 'load_der_private_key', unsupported)
    with pytest.raises(model.CertificateInputError) as info:
        certs.load_key(b'\x30\x00', 'the key of alias "k"')
    assert str(info.value).startswith('the key of alias "k": ') and 'cryptography >= 38.0' in str(info.value)
    with pytest.raises(model.CertificateInputError) as info:
        certs.load_private_key(b'\x30\x00')
    assert 'cryptography >= 38.0' in str(info.value)


def test_certificate_signature_algorithm_names():
    key = _key('rsa')
    assert issue.signature_for(_key('ed448')) == ('Ed448', None)
    assert issue.signature_for(_key('ed25519'), 'Ed25519') == ('Ed25519', None)
    chosen = issue.signature_for(key, 'sha384withrsa')
    assert chosen.name == 'SHA384withRSA' and isinstance(chosen.hash, hashes.SHA384)
    with pytest.raises(model.CertificateInputError, match='does not fit an RSA key'):
        issue.signature_for(key, 'SHA256withECDSA')
    for name in ('RSASSA-PSS', 'SHA256withRSAandMGF1', 'SHA256withRSA/PSS'):
        with pytest.raises(model.CertificateInputError) as info:
            issue.signature_for(key, name)
        assert 'RSASSA-PSS' in str(info.value)


def test_ed448_issuer_signs_a_certificate():
    """certs.signature_hash gave SHA-256 to an Ed448 key, which cryptography refuses."""
    key = _key('ed448')
    cert_der = issue.build_certificate(_name('ed448 ca'), key.public_key(), _name('ed448 ca'), key, 30, is_ca=True)
    cert = x509.load_der_x509_certificate(cert_der)
    assert support.is_issued_by(cert, cert)


class _IssuerWithPssKey(object):
    """A real CA certificate whose key, as on cryptography < 38 for RSASSA-PSS keys, cannot be loaded."""

    def __init__(self, cert):
        self._cert = cert

    def __getattr__(self, name):
        return getattr(self._cert, name)

    def public_key(self):
        raise UnsupportedAlgorithm('Unsupported key type.')


def test_issuer_key_this_cryptography_cannot_load_is_not_reported_as_a_missing_issuer(monkeypatch):
    # found by review: "issuer not found" for an RSASSA-PSS CA on 3.4.8/36 was the misleading error of issue 8
    monkeypatch.setattr(support, 'HAS_VERIFY_DIRECTLY_ISSUED_BY', False)
    monkeypatch.setattr(support, 'VERSION', (36, 0, 2))
    monkeypatch.setattr(support, 'CRYPTOGRAPHY_VERSION', '36.0.2')
    ca, leaf, dummy = _issued('rsa')
    issuer = _IssuerWithPssKey(ca)
    with pytest.raises(support.CryptographyTooOld, match='cryptography >= 38.0'):
        support.is_issued_by(leaf, issuer)
    with pytest.raises(model.CertificateInputError, match='it has 36.0.2'):
        certs._signed_by(leaf, issuer)
    leaf_der, ca_der = [c.public_bytes(serialization.Encoding.DER) for c in (leaf, ca)]

    def parse(data):
        cert = x509.load_der_x509_certificate(data)
        return _IssuerWithPssKey(cert) if data == ca_der else cert
    # two certificates with the issuer's name: the signature decides, and this cryptography cannot check it
    with pytest.raises(model.UnsupportedStoreError, match='cryptography >= 38.0'):
        codec._issuer_of(leaf_der, [_Bag(ca_der), _Bag(ca_der)], parse)
    # one: nothing to choose, nothing parsed (issue 11), so the store loads
    only = _Bag(ca_der)
    assert codec._issuer_of(leaf_der, [only], None) is only
    # where a newer cryptography would not help, an unloadable key is just "cannot be checked"
    monkeypatch.setattr(support, 'VERSION', (41, 0, 7))
    assert support.is_issued_by(leaf, issuer) is False
    assert support.is_issued_by(leaf, ca) is True
