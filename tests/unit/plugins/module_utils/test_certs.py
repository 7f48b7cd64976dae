# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""_certs: certificate input (PEM, DER, bundles), keys that match, chains, aliases, and the facts
keystore_info and diffs report (never key material)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import binascii
import datetime
import json
import random
import subprocess

import pytest

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.tests.unit.plugins.keystore_helpers import (
    AES_KEY, HMAC_KEY, KEY_PASSWORD, STORE_PASSWORD, T_RSA, der_of, key_der_of, pem_of)

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

ROOT = 'O=javasec test,CN=Test Root CA'
INTER = 'O=javasec test,CN=Test Intermediate CA'


def _fail(function, *args, **kwargs):
    with pytest.raises(model.CertificateInputError) as info:
        function(*args, **kwargs)
    return str(info.value)


def _secrets(pki):
    """Text that must never appear in facts: passwords, and key bytes as hex and base64."""
    values = [STORE_PASSWORD, KEY_PASSWORD, binascii.hexlify(AES_KEY).decode('ascii'),
              base64.b64encode(AES_KEY).decode('ascii'), binascii.hexlify(HMAC_KEY).decode('ascii')]
    for key in (pki.rsa_key, pki.ec_key, pki.ed_key):
        tail = key_der_of(key)[-24:]
        values += [binascii.hexlify(tail).decode('ascii'), base64.b64encode(tail).decode('ascii')]
    return values


# ---- load_certificates -------------------------------------------------------------------------


def test_load_one_pem_certificate_as_der(pki):
    assert certs.load_certificates(pem_of(pki.root)) == [der_of(pki.root)]


def test_load_pem_bundle_keeps_input_order(pki):
    bundle = pem_of(pki.root) + pem_of(pki.rsa_leaf) + pem_of(pki.inter)
    assert certs.load_certificates(bundle) == [der_of(pki.root), der_of(pki.rsa_leaf), der_of(pki.inter)]


def test_load_pem_text_around_blocks_crlf_and_str(pki):
    """What people paste: text before and between blocks (openssl x509 -text), Windows line ends, str."""
    text = ('subject=CN=Test Intermediate CA\r\n' + pem_of(pki.inter).decode('ascii').replace('\n', '\r\n')
            + 'Certificate:\n    Data: ...\n' + pem_of(pki.root).decode('ascii') + '\n# end\n')
    assert certs.load_certificates(text) == [der_of(pki.inter), der_of(pki.root)]


def test_load_x509_certificate_label(pki):
    pem = pem_of(pki.ec_leaf).replace(b'CERTIFICATE-----', b'X509 CERTIFICATE-----')
    assert certs.load_certificates(pem) == [der_of(pki.ec_leaf)]


def test_load_one_der_certificate(pki):
    assert certs.load_certificates(der_of(pki.ed_cert)) == [der_of(pki.ed_cert)]


def test_concatenated_der_is_refused(pki):
    message = _fail(certs.load_certificates, der_of(pki.root) + der_of(pki.inter), 'ca_path')
    assert message == 'ca_path: neither PEM certificates nor a DER certificate'


@pytest.mark.parametrize('data', [b'', b'not a certificate', bytes(bytearray(range(256)))],
                         ids=['empty', 'text', 'binary'])
def test_garbage_is_refused(data):
    assert _fail(certs.load_certificates, data, 'certificate') == \
        'certificate: neither PEM certificates nor a DER certificate'


def test_pem_without_certificate_block_is_refused(pki):
    """A private key given where a certificate belongs: say so, and never echo the key."""
    key_pem = pem_of(pki.rsa_key)
    message = _fail(certs.load_certificates, key_pem, 'chain')
    assert message == 'chain: PEM text without a CERTIFICATE block'


def test_broken_block_is_named_by_its_position(pki):
    good = pem_of(pki.inter)
    lines = pem_of(pki.root).split(b'\n')
    lines[3] = b'!' * len(lines[3])  # not base64 any more
    message = _fail(certs.load_certificates, good + b'\n'.join(lines), 'ca_path')
    assert message == 'ca_path: certificate #2 is not valid PEM'


# ---- keys --------------------------------------------------------------------------------------


def test_key_matches_cert(pki):
    assert certs.key_matches_cert(key_der_of(pki.rsa_key), der_of(pki.rsa_leaf)) is True
    assert certs.key_matches_cert(key_der_of(pki.ec_key), der_of(pki.ec_leaf)) is True
    assert certs.key_matches_cert(key_der_of(pki.ed_key), der_of(pki.ed_cert)) is True
    assert certs.key_matches_cert(key_der_of(pki.ec_key), der_of(pki.rsa_leaf)) is False
    # same type and curve, another key
    assert certs.key_matches_cert(key_der_of(pki.inter_key), der_of(pki.ec_leaf)) is False


def test_find_leaf_picks_the_certificate_of_the_key(pki):
    pool = [der_of(pki.root), der_of(pki.inter), der_of(pki.ec_leaf), der_of(pki.rsa_leaf)]
    assert certs.find_leaf(key_der_of(pki.rsa_key), pool) == der_of(pki.rsa_leaf)
    assert certs.find_leaf(key_der_of(pki.ed_key), pool) is None


def test_load_private_key_formats(pki):
    pkcs1 = pki.rsa_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                      serialization.NoEncryption())
    sec1_der = pki.ec_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                                        serialization.NoEncryption())
    encrypted = pki.ec_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.BestAvailableEncryption(KEY_PASSWORD.encode('ascii')))
    assert certs.load_private_key(pkcs1) == key_der_of(pki.rsa_key)
    assert certs.load_private_key(sec1_der) == key_der_of(pki.ec_key)
    assert certs.load_private_key(encrypted, KEY_PASSWORD) == key_der_of(pki.ec_key)
    assert _fail(certs.load_private_key, encrypted, what='private_key') == \
        'private_key: it is encrypted, give its passphrase'
    wrong = _fail(certs.load_private_key, encrypted, 'wrong-passphrase', what='private_key')
    assert wrong == 'private_key: cannot be read (wrong passphrase or not a private key)'
    assert 'wrong-passphrase' not in wrong


# ---- chains ------------------------------------------------------------------------------------


def test_build_chain_orders_any_pool(pki):
    pool = [der_of(pki.other_root), der_of(pki.root), der_of(pki.ec_leaf), der_of(pki.inter), der_of(pki.inter)]
    random.Random(7).shuffle(pool)
    chain, missing = certs.build_chain(der_of(pki.rsa_leaf), pool)
    assert chain == pki.rsa_chain
    assert missing is None


def test_build_chain_of_a_self_signed_certificate(pki):
    assert certs.build_chain(der_of(pki.ed_cert), pki.rsa_chain) == ([der_of(pki.ed_cert)], None)


def test_build_chain_names_the_missing_issuer(pki):
    chain, missing = certs.build_chain(der_of(pki.rsa_leaf), [der_of(pki.inter), der_of(pki.other_root)])
    assert chain == pki.rsa_chain[:2]
    assert missing == ROOT


def test_build_chain_verifies_signatures_unless_told_not_to(pki):
    """An impostor with the intermediate's name but another key is no link; by name alone it is."""
    impostor_key = ec.generate_private_key(ec.SECP256R1())
    impostor = der_of(pki.cert(u'Test Intermediate CA', impostor_key, u'Test Root CA', pki.root_key, ca=True))
    chain, missing = certs.build_chain(der_of(pki.rsa_leaf), [impostor, der_of(pki.root)])
    assert (chain, missing) == ([der_of(pki.rsa_leaf)], INTER)
    chain, missing = certs.build_chain(der_of(pki.rsa_leaf), [impostor, der_of(pki.root)], verify=False)
    assert (chain, missing) == ([der_of(pki.rsa_leaf), impostor, der_of(pki.root)], None)


def test_build_chain_ends_on_a_loop(pki):
    """Two CAs that cross-signed each other, neither self-signed: the walk stops instead of cycling."""
    key_a, key_b = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    a_by_b = der_of(pki.cert(u'CA A', key_a, u'CA B', key_b, ca=True))
    b_by_a = der_of(pki.cert(u'CA B', key_b, u'CA A', key_a, ca=True))
    leaf = der_of(pki.cert(u'leaf', pki.ec_key, u'CA A', key_a))
    chain, missing = certs.build_chain(leaf, [a_by_b, b_by_a])
    assert chain == [leaf, a_by_b, b_by_a]
    assert missing == 'O=javasec test,CN=CA A'


def test_complete_chain(pki):
    pool = [der_of(pki.root), der_of(pki.inter)]
    assert certs.complete_chain(der_of(pki.ec_leaf), pool) == pki.ec_chain


def test_complete_chain_explains_the_missing_issuer(pki):
    message = _fail(certs.complete_chain, der_of(pki.rsa_leaf), [der_of(pki.inter)], what='alias "web"',
                    extra_source='ca_certificates')
    assert message == (
        'cannot build the chain of alias "web": the issuer "%s" of "%s" is neither in the given chain, nor a '
        'trusted entry of the keystore, nor in ca_certificates; add it (or set validate_chain=false)'
        % (ROOT, INTER))


def test_complete_chain_without_validation_keeps_the_partial_chain(pki):
    assert certs.complete_chain(der_of(pki.rsa_leaf), [der_of(pki.inter)], validate=False) == pki.rsa_chain[:2]


# ---- aliases -----------------------------------------------------------------------------------


def test_derive_alias_is_stable_and_distinct(pki):
    alias = certs.derive_alias(der_of(pki.rsa_leaf))
    digest = certs.fingerprint(der_of(pki.rsa_leaf)).replace(':', '').lower()
    assert alias == 'rsa-example-com-' + digest[:8]
    assert certs.derive_alias(der_of(pki.rsa_leaf)) == alias
    assert certs.derive_alias(certs.load_certificates(pem_of(pki.rsa_leaf))[0]) == alias
    # same CN, another certificate: another alias
    again = der_of(pki.cert(u'rsa.example.com', pki.rsa_key, u'Test Intermediate CA', pki.inter_key))
    assert certs.derive_alias(again) != alias
    assert certs.derive_alias(again).startswith('rsa-example-com-')


def _self_signed(name):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return der_of(cert)


def test_derive_alias_without_common_name_and_with_odd_characters():
    no_cn = _self_signed(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, u'ACME Corp.')]))
    assert certs.derive_alias(no_cn).startswith('acme-corp-')
    odd = _self_signed(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u'  *.Zürich (Root) CA  ')]))
    assert certs.derive_alias(odd).startswith('z-rich-root-ca-')
    long_cn = _self_signed(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u'x' * 60)]))
    base, digest = certs.derive_alias(long_cn).rsplit('-', 1)
    assert base == 'x' * 40 and len(digest) == 8
    symbols = _self_signed(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u'***')]))
    assert certs.derive_alias(symbols).startswith('cert-')


# ---- facts -------------------------------------------------------------------------------------


def test_cert_info(pki):
    now = pki.now
    info = certs.cert_info(der_of(pki.rsa_leaf), now=now)
    assert info == {
        'subject': 'O=javasec test,CN=rsa.example.com',
        'issuer': INTER,
        'serial': '%X' % pki.rsa_leaf.serial_number,
        'not_before': certs.iso_date(certs.cert_not_before(pki.rsa_leaf)),
        'not_after': certs.iso_date(certs.cert_not_after(pki.rsa_leaf)),
        'days_remaining': 365,
        'sha256': certs.fingerprint(der_of(pki.rsa_leaf)),
        'sha1': certs.fingerprint(der_of(pki.rsa_leaf), 'sha1'),
        'subject_alt_names': ['DNS:rsa.example.com', 'DNS:www.example.com'],
        'is_ca': False,
        'self_signed': False,
        'public_key_algorithm': 'RSA',
        'public_key_size': 2048,
    }
    root = certs.cert_info(der_of(pki.root), now=now)
    assert (root['is_ca'], root['self_signed'], root['public_key_algorithm'], root['public_key_size']) == \
        (True, True, 'EC', 384)
    assert certs.cert_info(der_of(pki.expired), now=now)['days_remaining'] == -10
    assert certs.cert_info(der_of(pki.ed_cert))['public_key_algorithm'] == 'Ed25519'


def test_fingerprint_is_keytool_style(pki):
    value = certs.fingerprint(b'abc')
    assert value.startswith('BA:78:16:BF:8F:01:CF:EA') and len(value) == 32 * 3 - 1
    assert certs.fingerprint(b'abc', 'sha1') == 'A9:99:3E:36:47:06:81:6A:BA:3E:25:71:78:50:C2:6C:9C:D0:D8:9D'


def test_entry_info_of_a_private_key_holds_no_key_material(pki):
    entry = model.PrivateKeyEntry('rsa-server', pki.rsa_chain, key_der_of(pki.rsa_key), timestamp=T_RSA)
    info = certs.entry_info(entry, now=pki.now)
    assert info['alias'] == 'rsa-server' and info['type'] == 'private_key'
    assert info['creation_date'] == '2023-11-14T22:13:20Z'
    assert info['chain_length'] == 3
    assert [c['subject'] for c in info['chain']] == ['O=javasec test,CN=rsa.example.com', INTER, ROOT]
    assert (info['algorithm'], info['size'], info['key_protection']) == ('RSA', 2048, 'store_password')
    assert info['sha256'] == certs.fingerprint(der_of(pki.rsa_leaf))
    text = json.dumps(info)
    for secret in _secrets(pki):
        assert secret.lower() not in text.lower()


def test_entry_info_key_protection(pki):
    own = model.PrivateKeyEntry('own', [der_of(pki.ed_cert)], key_der_of(pki.ed_key), key_password=KEY_PASSWORD)
    sealed = model.PrivateKeyEntry('sealed', [der_of(pki.ed_cert)], None, sealed=model.Sealed('jks', b'\x00' * 40),
                                   key_password=model.UNKNOWN_PASSWORD)
    assert certs.entry_info(own)['key_protection'] == 'own_password'
    assert KEY_PASSWORD not in json.dumps(certs.entry_info(own))
    assert certs.entry_info(sealed)['key_protection'] == 'unknown_password'


def test_entry_info_of_trusted_and_secret_entries(pki):
    trusted = certs.entry_info(model.TrustedCertEntry('root-ca', der_of(pki.root), timestamp=0), now=pki.now)
    assert trusted['type'] == 'trusted_cert' and trusted['creation_date'] == '1970-01-01T00:00:00Z'
    assert trusted['subject'] == ROOT and trusted['sha256'] == certs.fingerprint(der_of(pki.root))
    secret = certs.entry_info(model.SecretKeyEntry('aes-key', model.wrap_secret_key('AES', AES_KEY)))
    assert secret == {'alias': 'aes-key', 'type': 'secret_key', 'creation_date': None, 'algorithm': 'AES',
                      'size': 256}
    sealed = certs.entry_info(model.SecretKeyEntry('x', sealed=model.Sealed('jceks', b'\x01' * 16)))
    assert (sealed['algorithm'], sealed['size']) == (None, None)


def test_summary_is_metadata_only(pki):
    store = pki.store('pkcs12', own_password=False)
    out = certs.summary(store)
    assert out['store_type'] == 'pkcs12' and out['pkcs12_encryption'] == 'modern'
    assert list(out['entries']) == ['rsa-server', 'ec-server', 'ed25519', 'root-ca', 'other-root', 'aes-key',
                                    'hmac-key']
    assert out['entries']['rsa-server'] == 'private_key ' + certs.fingerprint(der_of(pki.rsa_leaf))
    assert out['entries']['root-ca'] == 'trusted_cert ' + certs.fingerprint(der_of(pki.root))
    assert out['entries']['aes-key'] == 'secret_key'
    text = json.dumps(out)
    for secret in _secrets(pki):
        assert secret.lower() not in text.lower()
    jks = certs.summary(pki.store('jks', secrets=False))
    assert 'pkcs12_encryption' not in jks and jks['store_type'] == 'jks'
    assert certs.summary(None) == {}


# ---- certificates cryptography cannot parse -----------------------------------------------------


def _unparsable(cert, version=True):
    """cert re-encoded with NULL parameters after its ECDSA signature algorithm, as Java writes for DSA:
    valid DER that cryptography refuses. Without version, also a v1 certificate (no [0] version field)."""
    outer = der.raw_children(der.read(der_of(cert), der.SEQUENCE)[1])
    algorithm = der.seq(der.read(outer[1], der.SEQUENCE)[1], der.null())
    fields = der.raw_children(der.read(outer[0], der.SEQUENCE)[1])
    fields[2] = algorithm
    if not version:
        fields = fields[1:]
    return der.seq(der.seq(*fields), algorithm, outer[2])


@pytest.mark.parametrize('version', [True, False], ids=['v3', 'v1'])
def test_raw_names_of_a_certificate_cryptography_cannot_parse(pki, version):
    data = _unparsable(pki.ec_leaf, version)
    with pytest.raises(ValueError):
        x509.load_der_x509_certificate(data)
    issuer, subject = certs.raw_names(data)
    assert issuer == pki.inter.subject.public_bytes()
    assert subject == pki.ec_leaf.subject.public_bytes()
    assert certs.raw_spki(data) == pki.ec_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def test_raw_names_agree_with_cryptography(pki):
    for cert in (pki.root, pki.rsa_leaf, pki.ed_cert):
        assert certs.raw_names(der_of(cert)) == (cert.issuer.public_bytes(), cert.subject.public_bytes())


def test_cert_info_of_a_certificate_cryptography_cannot_parse(pki):
    data = _unparsable(pki.ec_leaf)
    info = certs.cert_info(data)
    assert info['sha256'] == certs.fingerprint(data) and info['sha1'] == certs.fingerprint(data, 'sha1')
    assert (info['public_key_algorithm'], info['public_key_size']) == ('EC', 256)
    assert info['parse_error'].startswith('the cryptography library cannot parse this certificate (')
    assert info['subject'] is None and info['not_after'] is None and info['is_ca'] is None
    entry = certs.entry_info(model.TrustedCertEntry('java-dsa', data, timestamp=T_RSA))
    assert entry['alias'] == 'java-dsa' and entry['sha256'] == certs.fingerprint(data)


def test_openssl_trusted_certificate_pem_gives_the_certificate(pki, tmp_path):
    """openssl x509 -trustout writes TRUSTED CERTIFICATE: the certificate followed by OpenSSL's trust settings."""
    plain = tmp_path / 'plain.pem'
    plain.write_bytes(pki.root.public_bytes(serialization.Encoding.PEM))
    trusted = subprocess.run(['openssl', 'x509', '-in', str(plain), '-trustout', '-addtrust', 'serverAuth'],
                             check=True, stdout=subprocess.PIPE).stdout
    assert trusted.startswith(b'-----BEGIN TRUSTED CERTIFICATE-----')
    assert certs.load_certificates(trusted, 'bundle') == [pki.root.public_bytes(serialization.Encoding.DER)]
    broken = trusted.replace(b'-----BEGIN TRUSTED CERTIFICATE-----\n', b'-----BEGIN TRUSTED CERTIFICATE-----\n!!')
    with pytest.raises(model.CertificateInputError, match='bundle: certificate #1 is not valid PEM'):
        certs.load_certificates(broken, 'bundle')


# ---- certificates cryptography loads but cannot read in full (found by tests/unit/plugins/fuzz_loaders.py) ----


def _fuzzed_cert(pki, old, new):
    data = der_of(pki.rsa_leaf)
    assert old in data
    return data.replace(old, new, 1)  # the first: the version, or the subject's CN (the SAN comes later)


def test_cert_info_of_a_certificate_with_a_malformed_subject(pki):
    # the CN is no UTF-8: cryptography loads the certificate and raises ValueError on cert.subject only
    fuzzed = _fuzzed_cert(pki, b'rsa.example.com', b'rsa\xffexample.com')
    certs.load_cert(fuzzed)
    info = certs.cert_info(fuzzed)  # before: ValueError out of keystore_info
    assert info['subject'] is None and info['not_after'] is None
    assert info['sha256'] == certs.fingerprint(fuzzed)
    assert info['public_key_algorithm'] == 'RSA' and info['public_key_size'] == 2048
    assert 'cannot parse this certificate' in info['parse_error']


def _with_an_extension_twice(builder, key):
    """DER signed by key with one private extension twice (builders refuse that: the second OID is patched)."""
    for last in (1, 2):
        builder = builder.add_extension(x509.UnrecognizedExtension(
            x509.ObjectIdentifier('1.3.6.1.4.1.99999.%d' % last), b'\x05\x00'), critical=False)
    data = builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    assert data.count(b'\x86\x8d\x1f\x02') == 1
    return data.replace(b'\x86\x8d\x1f\x02', b'\x86\x8d\x1f\x01')


def test_a_certificate_with_an_extension_twice_is_malformed(pki):
    # DuplicateExtension is no ValueError: it came out of keystore_info and key_entry as a traceback
    builder = x509.CertificateBuilder().subject_name(pki.root.subject).issuer_name(pki.root.subject).public_key(
        pki.ec_key.public_key()).serial_number(7).not_valid_before(datetime.datetime(2020, 1, 1)).not_valid_after(
        datetime.datetime(2040, 1, 1))
    data = _with_an_extension_twice(builder, pki.ec_key)
    with pytest.raises(x509.DuplicateExtension):
        x509.load_der_x509_certificate(data).extensions  # pylint: disable=expression-not-assigned
    with pytest.raises(ValueError):
        certs.load_cert(data)
    info = certs.cert_info(data)
    assert info['subject'] is None and info['sha256'] == certs.fingerprint(data)
    assert 'cannot parse this certificate' in info['parse_error']


@pytest.mark.parametrize('data', [b'\x30\x00', b'\x30\x03\x30\x01\x00', b'\x30\x05\x30\x03\x02\x01\x01'],
                         ids=['empty', 'tbs-one-byte', 'tbs-serial-only'])
def test_cert_info_of_bytes_that_are_no_certificate(data):
    # a JKS holds whatever bytes as a certificate; before: IndexError from raw_spki in _unparsed_cert_info
    info = certs.cert_info(data)
    assert info['sha256'] == certs.fingerprint(data)
    assert info['public_key_algorithm'] is None and info['subject'] is None
    with pytest.raises(der.DerError):
        certs.raw_names(data)


def test_entry_info_of_a_jks_trusted_cert_that_is_garbage():
    from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
    store = model.Keystore('jks')
    store.add(model.TrustedCertEntry('junk', b'\x30\x03\x02\x01\x05', timestamp=T_RSA))
    loaded = codec.load_bytes(codec.dump_bytes(store, STORE_PASSWORD, 'jks'), STORE_PASSWORD)
    info = certs.entry_info(loaded.entries['junk'])
    assert info['alias'] == 'junk' and info['type'] == 'trusted_cert' and info['subject'] is None


def test_certificate_of_an_unknown_version_is_an_input_error(pki):
    # TBSCertificate [0] { INTEGER 2 } (v3) -> 18: x509.InvalidVersion, which is no ValueError
    fuzzed = _fuzzed_cert(pki, b'\xa0\x03\x02\x01\x02', b'\xa0\x03\x02\x01\x12')
    with pytest.raises(ValueError, match='version'):
        certs.load_cert(fuzzed)
    with pytest.raises(model.CertificateInputError, match='neither PEM certificates nor a DER certificate'):
        certs.load_certificates(fuzzed, 'bundle')
    with pytest.raises(model.CertificateInputError, match='certificate #1 is not valid PEM'):
        certs.load_certificates(certs.pem(der_of(pki.root)).replace(
            certs.pem(der_of(pki.root)).splitlines()[1], base64.b64encode(fuzzed[:48]).decode('ascii')), 'bundle')
    assert certs.cert_info(fuzzed)['parse_error'].startswith('the cryptography library cannot parse')


@pytest.mark.parametrize('timestamp', [2 ** 63 - 1, -2 ** 63, 2 ** 51], ids=['max', 'min', 'year-73380'])
def test_entry_info_of_a_creation_time_past_any_date(timestamp):
    # found by tests/unit/plugins/fuzz_loaders.py: a JKS creation time is any 64-bit number; keystore_info
    # raised ValueError/OverflowError from datetime.fromtimestamp
    entry = model.SecretKeyEntry('k', model.wrap_secret_key('AES', AES_KEY), timestamp=timestamp)
    assert certs.entry_info(entry)['creation_date'] is None
    assert certs.entry_info(model.SecretKeyEntry('k', None, timestamp=0))['creation_date'] == '1970-01-01T00:00:00Z'


def test_unparsed_certificate_with_an_empty_key_algorithm():
    # found by tests/unit/plugins/fuzz_loaders.py: an empty AlgorithmIdentifier in the SubjectPublicKeyInfo
    # made _spki_algorithm raise IndexError out of cert_info
    spki = der.seq(der.seq(), der.tlv(0x03, b'\x00'))
    tbs = der.seq(der.integer(1), der.seq(), der.seq(), der.seq(), der.seq(), spki)
    cert = der.seq(tbs, der.seq(), der.tlv(0x03, b'\x00'))
    info = certs.cert_info(cert)
    assert info['public_key_algorithm'] is None and info['sha256'] == certs.fingerprint(cert)
