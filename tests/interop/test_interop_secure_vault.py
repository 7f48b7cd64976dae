# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""WSO2 secure vault across the JDK matrix (issue 13): what secret_key and wso2_secrets write, read by Java.

For every JDK of JAVASEC_JDK_HOMES (11, 17, 21, 25): KeyStore.getKey returns the secret keys our engine
wrote into PKCS12 (algorithm, size, bytes), and each [secrets] value our _secrets.encrypt made decrypts
the way the product's secure vault does (VaultCheck.java, the integration target's checker: JKS and
PKCS12 internal keystores, RSA PKCS#1 and OAEP, AES/GCM symmetric) to the plaintext.
"""

from __future__ import absolute_import, division, print_function

import datetime
import hashlib
import subprocess
from pathlib import Path

import pytest

import interop_lib as lib

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
from ansible_collections.javasec.keystore.plugins.module_utils import _secrets as secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

PASSWORD = 'vault-store-pw'
CHECKER = Path(__file__).resolve().parents[1] / 'integration' / 'targets' / 'secret_key' / 'files' / 'VaultCheck.java'
PLAINTEXTS = {'keystore_password': 'ks-Secret-1', 'truststore_password': 'ts:Secret=2', 'admin_password': 'adm in 3'}
SECRET_KEYS = (('securevault', 'AES', 256), ('aes128', 'AES', 128), ('hmac', 'HmacSHA256', 256),
               ('triple', 'DESede', 168))
CASES = (  # store type, vault mode, transformation (the product's), alias
    ('jks', 'asymmetric', 'RSA', 'wso2carbon'),
    ('pkcs12', 'asymmetric', 'RSA/ECB/OAEPwithSHA1andMGF1Padding', 'wso2carbon'),
    ('pkcs12', 'symmetric', 'AES/GCM/NoPadding', 'securevault'),
)


def _jdks():
    homes = lib.jdk_homes_from_env()
    if homes is None:
        jdk = lib.system_jdk()
        return [pytest.param(jdk, id='17')] if jdk is not None else []
    return [pytest.param(lib.Jdk(home, 'JAVASEC_JDK_HOMES'), id=label)
            for label, home in sorted(homes.items(), key=lambda item: lib.label_key(item[0]))]


@pytest.fixture(scope='module')
def vault(tmp_path_factory):
    """The stores and the deployment.toml of each case, plus VaultCheck compiled for Java 11."""
    work = tmp_path_factory.mktemp('vault')
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = issue.parse_subject('CN=wso2carbon,O=Example,C=DE')
    cert = issue.build_certificate(name, key.public_key(), name, key, 365)
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    stamp = int(datetime.datetime(2026, 1, 1).timestamp() * 1000)
    made = {}
    for store_type, mode, transformation, alias in CASES:
        store = model.Keystore(store_type)
        if store_type == 'pkcs12':
            for secret_alias, algorithm, bits in SECRET_KEYS:
                store.add(model.SecretKeyEntry(secret_alias, secrets.wrap(algorithm, secrets.generate(algorithm, bits)),
                                               timestamp=stamp))
        store.add(model.PrivateKeyEntry('wso2carbon', [cert], key_der=key_der, timestamp=stamp))
        path = work / ('%s-%s.%s' % (mode, transformation.replace('/', '_'), store_type))
        path.write_bytes(codec.dump_bytes(store, PASSWORD))
        vault_key = secrets.vault_key(codec.load_bytes(path.read_bytes(), PASSWORD), alias, mode, transformation)
        toml = path.with_suffix('.toml')
        toml.write_text('[server]\nhostname = "localhost"\n\n[secrets]\n' + ''.join(
            '%s = "%s"\n' % (secret, secrets.encrypt(vault_key, text)) for secret, text in PLAINTEXTS.items()))
        made[(store_type, mode, transformation)] = (path, toml, alias, store)
    classes = work / 'classes'
    javac = lib.system_jdk().home / 'bin' / 'javac'
    subprocess.run([str(javac), '--release', '11', '-d', str(classes), str(CHECKER)], check=True)
    return made, classes


def _java(jdk, classes, *args):
    proc = subprocess.run([str(jdk.java), '-cp', str(classes), 'VaultCheck'] + [str(a) for a in args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, '%s: %s' % (jdk, proc.stderr[-2000:])
    return [line.split('\t') for line in proc.stdout.splitlines()]


@pytest.mark.parametrize('jdk', _jdks())
def test_java_reads_our_secret_keys(vault, jdk):
    made, classes = vault
    path, dummy, dummy, store = made[('pkcs12', 'symmetric', 'AES/GCM/NoPadding')]
    rows = {row[0]: row[1:] for row in _java(jdk, classes, 'keys', path, 'PKCS12', PASSWORD)}
    assert sorted(rows) == sorted(alias for alias, dummy, dummy in SECRET_KEYS)
    wanted = {}
    for alias, algorithm, dummy in SECRET_KEYS:
        plain_key = secrets.unwrap(store.get(alias).plain)[1]
        if jdk.major == 11 and algorithm != 'AES':
            # Java 11's PKCS12 KeyStore names HMAC and DESede keys by their OID (later Javas map it to the
            # name): the OID we wrote, which for DESede is the one Java itself writes
            algorithm = model.SECRET_KEY_OIDS[algorithm.upper()]
        # Java reports the bits it stores: 192 for a 168-bit DESede key (three 8-byte DES keys with parity)
        wanted[alias] = [algorithm, str(len(plain_key) * 8), hashlib.sha256(plain_key).hexdigest()]
    assert rows == wanted, jdk


@pytest.mark.parametrize('jdk', _jdks())
@pytest.mark.parametrize('case', CASES, ids=['%s-%s' % (c[0], c[2].split('/')[-1]) for c in CASES])
def test_java_decrypts_our_secrets_as_the_product_does(vault, jdk, case):
    made, classes = vault
    store_type, mode, transformation, alias = case
    path, toml, alias, dummy = made[(store_type, mode, transformation)]
    assert not any(text in toml.read_text() for text in PLAINTEXTS.values())
    rows = _java(jdk, classes, 'decrypt', path, store_type.upper(), PASSWORD, alias, mode, transformation, toml,
                 *sorted(PLAINTEXTS))
    assert dict(rows) == {secret: hashlib.sha256(text.encode('utf-8')).hexdigest()
                          for secret, text in PLAINTEXTS.items()}, jdk
