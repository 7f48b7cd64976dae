# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Certificate facts a task reports without cryptography: fingerprints, PEM, chain and store summaries.

PRIVATE: this is not a public API of the collection and may change at any time.

What needs cryptography (PEM/DER input, keystore_info's facts, keys that match certificates, chain building,
stable aliases) is in _certparse, and is reached from here too: certs.load_cert imports _certparse on first
use. A task that changes nothing does not, and so does not compile it: every module run compiles what it
imports from the AnsiballZ zip, twice (issue 11: about 5 ms of a key_entry or trusted_cert run).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import datetime
import hashlib
import re
from collections import OrderedDict
from typing import Any, Dict, Optional, Tuple

from ansible_collections.javasec.keystore.plugins.module_utils import _certder as certder
from ansible_collections.javasec.keystore.plugins.module_utils import _crypto_support as support
from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils._model import Entry, Keystore, PrivateKeyEntry, TrustedCertEntry


def _parsing():
    """_certparse, imported on first use (see the module's docstring)."""
    from ansible_collections.javasec.keystore.plugins.module_utils import _certparse
    return _certparse


# certs.load_cert and the rest of _certparse, for the many callers that know them here
__getattr__ = support.answer_from(__name__, _parsing)


# ---- facts (nothing secret) ----------------------------------------------------------------


def fingerprint(data: bytes, algorithm: str = 'sha256') -> str:
    """keytool-style fingerprint: uppercase hex bytes separated by colons."""
    digest = hashlib.new(algorithm, data).hexdigest().upper()
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def iso_date(value: datetime.datetime) -> str:
    return value.strftime('%Y-%m-%dT%H:%M:%SZ')


def _raw_tbs_fields(cert_der):
    """The fields of a certificate's TBSCertificate as DER, without its optional [0] version:
    serial, signature algorithm, issuer, validity, subject, SubjectPublicKeyInfo, ...

    DerError (never IndexError) for bytes that are not that shape: a store may hold any bytes as a certificate.
    """
    outer = der.children(der.read(cert_der, der.SEQUENCE)[1])
    tbs = der.raw_children(outer[0][1]) if outer else []
    if tbs and tbs[0][:1] == b'\xa0':
        tbs = tbs[1:]
    if len(tbs) < 6:
        raise der.DerError('not a certificate (%d TBSCertificate fields)' % len(tbs))
    return tbs


def raw_names(cert_der: bytes) -> Tuple[bytes, bytes]:
    """(issuer, subject) of a certificate as DER, read without cryptography.

    cryptography rejects some certificates Java writes (DSA signatures with NULL parameters), so
    chains are built on the raw names and such certificates are kept as bytes.
    """
    fields = _raw_tbs_fields(cert_der)
    return fields[2], fields[4]


def raw_spki(cert_der: bytes) -> bytes:
    """The SubjectPublicKeyInfo of a certificate as DER."""
    return _raw_tbs_fields(cert_der)[5]


def entry_fingerprint(entry: Entry) -> Optional[str]:
    if isinstance(entry, PrivateKeyEntry):
        return fingerprint(entry.chain[0]) if entry.chain else None
    if isinstance(entry, TrustedCertEntry):
        return fingerprint(entry.cert)
    return None


def summary(store: Optional[Keystore]) -> Dict[str, Any]:
    """Metadata for diffs: type and alias -> entry type and SHA-256 (no secrets)."""
    if store is None:
        return {}
    entries = OrderedDict()
    for entry in store.entries.values():
        fp = entry_fingerprint(entry)
        entries[entry.alias] = entry.kind + (' ' + fp if fp else '')
    out = {'store_type': store.store_type, 'entries': entries}
    if store.store_type == 'pkcs12':
        out['pkcs12_encryption'] = store.encryption
    return out


PEM_CERT = re.compile(b'-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----.+?-----END (?:X509 |TRUSTED )?CERTIFICATE-----',
                      re.DOTALL)


def to_bytes(data):
    return data.encode('utf-8') if not isinstance(data, bytes) else data


def chain_summary(chain):
    out = []
    for cert_der in chain:
        # read from the DER when it can be: a key_entry run that changes nothing needs no X.509 layer (issue 11)
        facts = certder.summary(cert_der)
        if facts is None:
            parsing = _parsing()
            cert = parsing.load_cert(cert_der)
            facts = (cert.subject.rfc4514_string(), cert.issuer.rfc4514_string(), parsing.cert_not_after(cert))
        out.append({'subject': facts[0], 'issuer': facts[1], 'not_after': iso_date(facts[2]),
                    'sha256': fingerprint(cert_der)})
    return out


def pem(cert_der: bytes) -> str:
    """PEM of a certificate's DER, as cryptography's public_bytes writes it (64 characters a line)."""
    body = base64.b64encode(cert_der).decode('ascii')
    return '-----BEGIN CERTIFICATE-----\n%s\n-----END CERTIFICATE-----\n' % '\n'.join(
        body[i:i + 64] for i in range(0, len(body), 64))
