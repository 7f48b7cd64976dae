# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""PKCS#12 writing, laid out as Java's PKCS12KeyStore does: SafeBags, password-based encryption and the MAC.

PRIVATE: this is not a public API of the collection and may change at any time.

Reached through _pkcs12 (p12.dump, p12.key_bag ...), which imports this module on first use: a task that
changes nothing writes nothing, and every module run compiles what it imports from the AnsiballZ zip, twice
(issue 11: fleet cost).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils import _pkcs12 as p12
from ansible_collections.javasec.keystore.plugins.module_utils._pkcs12 import (
    DIGEST_OID, OID_AES_256_CBC, OID_ANY_EXTENDED_KEY_USAGE, OID_CERT_BAG, OID_DATA, OID_ENCRYPTED_DATA,
    OID_FRIENDLY_NAME, OID_LOCAL_KEY_ID, OID_PBE_SHA_3DES, OID_PBE_SHA_RC2_40, OID_PBES2, OID_PBKDF2, OID_SECRET_BAG,
    OID_SHROUDED_KEY_BAG, OID_TRUSTED_KEY_USAGE, OID_X509_CERT, PRF_OID, PROFILES, SALT_SIZE, Pkcs12UnsupportedError,
    _mac, _pbe_pkcs12, _pbes2)


# ---- password-based encryption --------------------------------------------------------
# (p12.ITERATIONS: the tests' fuzzer lowers it)


def pbe_encrypt(scheme, password, data):
    """Encrypt data; return (AlgorithmIdentifier DER, ciphertext)."""
    salt = os.urandom(SALT_SIZE)
    if scheme == 'pbes2-aes256':
        iv = os.urandom(16)
        params = der.seq(
            der.seq(der.oid(OID_PBKDF2),
                    der.seq(der.octet_string(salt), der.integer(p12.ITERATIONS), der.integer(32),
                            der.algorithm(PRF_OID['sha256']))),
            der.seq(der.oid(OID_AES_256_CBC), der.octet_string(iv)))
        alg = der.seq(der.oid(OID_PBES2), params)
    else:
        oid = OID_PBE_SHA_3DES if scheme == 'pbe-sha-3des' else OID_PBE_SHA_RC2_40
        alg = der.seq(der.oid(oid), der.seq(der.octet_string(salt), der.integer(p12.ITERATIONS)))
    content = der.read(alg, der.SEQUENCE)[1]
    fields = der.children(content)
    oid = der.read_oid(fields[0][1])
    params = der.tlv(*fields[1])
    if oid == OID_PBES2:
        return alg, _pbes2(params, password, data, False)
    return alg, _pbe_pkcs12(oid, params, password, data, False)


def encrypt_epki(plain, password, scheme):
    alg, enc = pbe_encrypt(scheme, password, plain)
    return der.seq(alg, der.octet_string(enc))


# ---- writing ---------------------------------------------------------------------------


def _attributes(friendly_name=None, local_key_id=None, trusted=False):
    attrs = []
    if friendly_name is not None:
        attrs.append(der.seq(der.oid(OID_FRIENDLY_NAME), der.set_of([der.bmp_string(friendly_name)])))
    if local_key_id is not None:
        attrs.append(der.seq(der.oid(OID_LOCAL_KEY_ID), der.set_of([der.octet_string(local_key_id)])))
    if trusted:
        attrs.append(der.seq(der.oid(OID_TRUSTED_KEY_USAGE), der.set_of([der.oid(OID_ANY_EXTENDED_KEY_USAGE)])))
    return der.set_of(attrs) if attrs else b''


def key_bag(epki, friendly_name, local_key_id):
    return der.seq(der.oid(OID_SHROUDED_KEY_BAG), der.explicit(0, epki), _attributes(friendly_name, local_key_id))


def secret_bag(epki, friendly_name, local_key_id):
    value = der.seq(der.oid(OID_SHROUDED_KEY_BAG), der.explicit(0, der.octet_string(epki)))
    return der.seq(der.oid(OID_SECRET_BAG), der.explicit(0, value), _attributes(friendly_name, local_key_id))


def cert_bag(cert_der, friendly_name=None, local_key_id=None, trusted=False):
    value = der.seq(der.oid(OID_X509_CERT), der.explicit(0, der.octet_string(cert_der)))
    return der.seq(der.oid(OID_CERT_BAG), der.explicit(0, value), _attributes(friendly_name, local_key_id, trusted))


def dump(key_bags, cert_bags, password, encryption='modern'):
    """Assemble a PKCS#12 file from encoded SafeBags.

    key_bags go into a plain data ContentInfo (they are shrouded themselves), cert_bags into
    one encryptedData ContentInfo, as Java does; the MAC covers the whole authenticated safe.
    """
    if encryption not in PROFILES:
        raise Pkcs12UnsupportedError('unknown PKCS#12 encryption profile %s' % encryption)
    dummy, cert_scheme, mac_hash = PROFILES[encryption]
    infos = []
    if key_bags:
        safe = der.seq(*key_bags)
        infos.append(der.seq(der.oid(OID_DATA), der.explicit(0, der.octet_string(safe))))
    if cert_bags:
        safe = der.seq(*cert_bags)
        alg, ciphertext = pbe_encrypt(cert_scheme, password, safe)
        eci = der.seq(der.oid(OID_DATA), alg, der.tlv(0x80, ciphertext))
        encrypted = der.seq(der.integer(0), eci)
        infos.append(der.seq(der.oid(OID_ENCRYPTED_DATA), der.explicit(0, encrypted)))
    auth_safe = der.seq(*infos)
    salt = os.urandom(SALT_SIZE)
    mac = _mac(mac_hash, password, salt, p12.ITERATIONS, auth_safe)
    mac_data = der.seq(der.seq(der.algorithm(DIGEST_OID[mac_hash]), der.octet_string(mac)),
                       der.octet_string(salt), der.integer(p12.ITERATIONS))
    return der.seq(der.integer(3),
                   der.seq(der.oid(OID_DATA), der.explicit(0, der.octet_string(auth_safe))),
                   mac_data)


def key_scheme(encryption):
    return PROFILES[encryption][0]
