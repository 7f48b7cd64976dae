# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Read-only access to one entry of a keystore, PKCS#10 requests and safe writes of public files.

Used by the csr and cert_export modules.

PRIVATE: this is not a public API of the collection and may change at any time.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import re
import traceback

from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils import _keystore as engine
from ansible_collections.javasec.keystore.plugins.module_utils import _pkcs12 as p12
from ansible_collections.javasec.keystore.plugins.module_utils._module import check_libraries, fail

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
except ImportError:
    IMPORT_ERROR = traceback.format_exc()
else:
    IMPORT_ERROR = None


# ---- reading one entry (no lock: the store is never written, and writers replace it by rename) ----


def open_store(module):
    """Load the keystore of module.params['path'] read-only; a missing or unreadable store fails the task."""
    check_libraries(module)
    params = module.params
    path = params['path']
    try:
        data = engine.read_file(path)
        if data is None:
            raise engine.StoreFileError('the keystore does not exist')
        return engine.load_bytes(data, params['password'], params['key_passwords'])
    except engine.KeystoreError as exc:
        fail(module, type(exc)('%s: %s' % (path, exc)))


def get_entry(module, store, alias, kinds):
    """The entry of alias, which must be one of kinds (entry classes); else a clear error."""
    path = module.params['path']
    entry = store.get(alias)
    if entry is None:
        others = ', '.join(store.aliases()) or 'none'
        fail(module, engine.KeystoreError('%s: alias "%s" does not exist in the keystore (aliases: %s)'
                                          % (path, alias, others)))
    if not isinstance(entry, kinds):
        wanted = ' or '.join(k.kind.replace('_', ' ') + ' entry' for k in kinds)
        fail(module, engine.KeystoreError('%s: alias "%s" is a %s entry, not a %s'
                                          % (path, entry.alias, entry.kind.replace('_', ' '), wanted)))
    return entry


def unsealed_key(module, entry):
    """PKCS#8 DER of the entry's private key; fails naming the alias when no given password opens it."""
    if entry.key_der is not None:
        return entry.key_der
    path = module.params['path']
    own = dict((k.lower(), v) for k, v in module.params['key_passwords'].items()).get(entry.alias.lower())
    if own is not None and entry.sealed and entry.sealed[0] == 'pkcs12':
        # The engine reads PKCS12 keys with the store password only; a key written by another
        # tool with a password of its own can still be opened here, read-only.
        try:
            return p12.decrypt_epki(entry.sealed[1], own)
        except p12.Pkcs12PasswordError:
            fail(module, engine.WrongKeyPasswordError('%s: key password for alias "%s" was incorrect'
                                                      % (path, entry.alias)))
        except (p12.Pkcs12Error, der.DerError) as exc:
            fail(module, engine.CorruptStoreError('%s: the key of alias "%s" cannot be read: %s'
                                                  % (path, entry.alias, exc)))
    fail(module, engine.WrongKeyPasswordError(
        '%s: the private key of alias "%s" is protected by a password other than the keystore password; give it '
        'in key_passwords (key_passwords: {"%s": ...})' % (path, entry.alias, entry.alias)))


# ---- names and extensions -------------------------------------------------------------------


def subject_name(subject):
    """x509.Name of a dname string or dict, in keytool's order (see _certs.parse_subject)."""
    return certs.parse_subject(subject)


def certificate_sans(cert):
    """The general names of a certificate's subject alternative name extension (empty list without one)."""
    try:
        return list(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
    except x509.ExtensionNotFound:
        return []


def key_usage_names(key_usage):
    out = []
    for name in certs.KEY_USAGES:
        try:
            if getattr(key_usage, name):
                out.append(name)
        except ValueError:  # encipher_only/decipher_only without key_agreement
            continue
    return out


_EKU_NAMES = {
    '1.3.6.1.5.5.7.3.1': 'server_auth', '1.3.6.1.5.5.7.3.2': 'client_auth', '1.3.6.1.5.5.7.3.3': 'code_signing',
    '1.3.6.1.5.5.7.3.4': 'email_protection', '1.3.6.1.5.5.7.3.8': 'time_stamping', '1.3.6.1.5.5.7.3.9': 'ocsp_signing',
}


def eku_names(eku):
    return [_EKU_NAMES.get(oid.dotted_string, oid.dotted_string) for oid in eku]


# ---- PKCS#10 ----------------------------------------------------------------------------------

_HASHES = {'SHA224': 'SHA224', 'SHA256': 'SHA256', 'SHA384': 'SHA384', 'SHA512': 'SHA512'}


def default_signature_algorithm(key):
    """What keytool picks for the key: SHA256withRSA, SHA256/384/512withECDSA by curve, Ed25519..."""
    if isinstance(key, rsa.RSAPrivateKey):
        return 'SHA256withRSA'
    if isinstance(key, ec.EllipticCurvePrivateKey):
        size = key.curve.key_size
        return 'SHA256withECDSA' if size <= 256 else ('SHA384withECDSA' if size <= 384 else 'SHA512withECDSA')
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return 'Ed25519'
    if isinstance(key, ed448.Ed448PrivateKey):
        return 'Ed448'
    if isinstance(key, dsa.DSAPrivateKey):
        return 'SHA256withDSA'
    raise certs.CertificateInputError('keys of type %s cannot sign a certificate request' % type(key).__name__)


def signature_hash(key, name):
    """(canonical Java name, hash object or None) of signature algorithm name for key; checks they fit."""
    name = name or default_signature_algorithm(key)
    upper = name.upper().replace('-', '')
    if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey)):
        wanted = 'ED25519' if isinstance(key, ed25519.Ed25519PrivateKey) else 'ED448'
        if upper not in (wanted, 'EDDSA'):
            raise certs.CertificateInputError('signature algorithm %s does not fit an %s key; use %s'
                                              % (name, wanted.title(), wanted.title()))
        return default_signature_algorithm(key), None
    suffix = 'RSA' if isinstance(key, rsa.RSAPrivateKey) else 'ECDSA' if isinstance(
        key, ec.EllipticCurvePrivateKey) else 'DSA'
    match = re.match(r'^(SHA\d+)WITH([A-Z]+)$', upper)
    if not match or match.group(2) != suffix or match.group(1) not in _HASHES:
        algorithm = engine.public_key_info(key)[0]
        raise certs.CertificateInputError(
            'signature algorithm %s does not fit a%s %s key; use SHA256with%s, SHA384with%s or SHA512with%s'
            % (name, 'n' if algorithm in ('RSA', 'EC') else '', algorithm, suffix, suffix, suffix))
    return '%swith%s' % (match.group(1), suffix), getattr(hashes, _HASHES[match.group(1)])()


def requested_extensions(sans, key_usage, extended_key_usage):
    """[(extension value, critical)] as keytool -ext writes them: KU critical, SAN and EKU not."""
    out = []
    if sans:
        out.append((x509.SubjectAlternativeName(sans), False))
    if key_usage:
        out.append((certs.key_usage_extension(key_usage), True))
    if extended_key_usage:
        out.append((certs.eku_extension(extended_key_usage), False))
    return out


def build_csr(key, name, extensions, hash_algorithm):
    builder = x509.CertificateSigningRequestBuilder().subject_name(name)
    for value, critical in extensions:
        builder = builder.add_extension(value, critical=critical)
    return builder.sign(key, hash_algorithm)


def load_csr(data):
    """A CSR from PEM (also keytool's NEW CERTIFICATE REQUEST) or DER bytes; None when it is not one."""
    if data is None:
        return None
    try:
        if b'-----BEGIN' in data:
            data = data.replace(b'NEW CERTIFICATE REQUEST-----', b'CERTIFICATE REQUEST-----')
            return x509.load_pem_x509_csr(data)
        return x509.load_der_x509_csr(data)
    except ValueError:
        return None


def _signature_name(csr):
    # csr.signature_hash_algorithm raises UnsupportedAlgorithm for RSASSA-PSS on 3.4 to 41 at least.
    algorithm, pss = support.signature_hash(csr)
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


def csr_facts(csr):
    """Public metadata of a CSR, for diffs and results."""
    facts = {
        'subject': csr.subject.rfc4514_string(),
        'subject_alt_names': [],
        'key_usage': [],
        'extended_key_usage': [],
        'public_key_sha256': engine.fingerprint(certs.public_der(certs.cert_public_key(csr, 'the CSR'))),
        'signature_algorithm': _signature_name(csr),
    }
    for ext in csr.extensions:
        if isinstance(ext.value, x509.SubjectAlternativeName):
            facts['subject_alt_names'] = engine.general_names(ext.value)
        elif isinstance(ext.value, x509.KeyUsage):
            facts['key_usage'] = key_usage_names(ext.value)
        elif isinstance(ext.value, x509.ExtendedKeyUsage):
            facts['extended_key_usage'] = eku_names(ext.value)
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
    wanted = dict((value.oid.dotted_string, (critical, value)) for value, critical in extensions)
    return _extensions(csr) == wanted


def csr_pem(csr):
    return csr.public_bytes(serialization.Encoding.PEM).decode('ascii')


# ---- public files on the managed node ---------------------------------------------------------


def read_dest(module, dest):
    """Bytes of dest, None when it does not exist; fails when it is a directory or its directory is missing."""
    directory = os.path.dirname(os.path.abspath(dest))
    if not os.path.isdir(directory):
        fail(module, engine.StoreFileError('directory %s of dest does not exist' % directory))
    if os.path.isdir(dest):
        fail(module, engine.StoreFileError('dest %s is a directory' % dest))
    try:
        return engine.read_file(dest)
    except engine.KeystoreError as exc:
        fail(module, exc)


def write_dest(module, dest, data, result):
    """Write data to dest atomically (temp file in the same directory, then atomic_move); not in check mode."""
    if not module.check_mode:
        try:
            engine.write_atomic(dest, data, move=module.atomic_move)
        except engine.KeystoreError as exc:
            fail(module, exc)
    result['changed'] = True


def apply_dest_attributes(module, dest, result, created):
    """Owner, group, mode... of dest; a file this task creates gets mode 0644 unless mode is set."""
    file_args = module.load_file_common_arguments(module.params, path=dest)
    if file_args.get('mode') is None and created:
        file_args['mode'] = '0644'
    if module.check_mode and not os.path.exists(dest):
        return
    result['changed'] = module.set_fs_attributes_if_different(file_args, result.get('changed', False))
