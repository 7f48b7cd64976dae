# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""JSSE accepts the stores the collection writes: a TLS handshake over 127.0.0.1 in one JVM
(java/JsseCheck.java, single-file source launch), server keystore and client truststore written by
the engine; the client checks the chain against the truststore and the host name."""

from __future__ import absolute_import, division, print_function

import pytest

import interop_lib as lib

GOOD = [
    # label, keystore format, truststore format
    ('keystore-p12-modern+truststore-p12-modern', 'pkcs12-modern', 'trust-pkcs12-modern'),
    ('keystore-p12-legacy+truststore-jks', 'pkcs12-legacy', 'trust-jks'),
    ('keystore-jks+truststore-p12-legacy', 'jks', 'trust-pkcs12-legacy'),
]
# Negative control: a truststore without our root CA must make the handshake fail.
BAD = ('keystore-p12-modern+unrelated-truststore', 'pkcs12-modern', 'untrusted-pkcs12-modern')


def _type(fmt):
    return 'jks' if fmt.endswith('jks') else 'pkcs12'


@pytest.fixture(scope='module')
def handshakes(dev_jdk, matrix_stores):
    if dev_jdk.major != 17:
        pytest.fail('the JSSE check wants a Java 17 JDK with jdk.compiler; found only %r' % dev_jdk)
    paths = matrix_stores['paths']
    combos = [(label, paths[ks], _type(ks), lib.MATRIX_PASSWORD, paths[ts], _type(ts), lib.TRUST_PASSWORD)
              for label, ks, ts in GOOD + [BAD]]
    proc, results = lib.jsse_handshakes(dev_jdk, combos)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return results


@pytest.mark.parametrize('label', [g[0] for g in GOOD])
def test_jsse_handshake_with_our_stores(label, handshakes, matrix_stores):
    fields = handshakes[label]
    assert fields[0] == 'OK', fields
    protocol, cipher, chain_length, subject = fields[1:5]
    assert protocol == 'TLSv1.3'
    assert cipher.startswith('TLS_')
    assert int(chain_length) == 3  # the server sent leaf, intermediate and root from our keystore
    assert 'CN=localhost' in subject


def test_jsse_rejects_chain_not_in_truststore(handshakes):
    fields = handshakes[BAD[0]]
    assert fields[0] == 'FAIL', fields
    assert 'unable to find valid certification path' in fields[1] or 'PKIX path building failed' in fields[1]
