# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The secret-key and secure-vault planners (Java judges the formats in the secret_key integration target)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import json

import pytest

pytest.importorskip('cryptography')

from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec  # noqa: E402
from ansible_collections.javasec.keystore.plugins.module_utils import _issue as issue  # noqa: E402
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model  # noqa: E402
from ansible_collections.javasec.keystore.plugins.module_utils import _secrets as secrets  # noqa: E402


def test_generated_keys_have_their_size_and_are_kept():
    store = model.Keystore()
    plan = secrets.plan_secret_key(store, 'k', 'present', 'aes', 128)
    assert (plan.changed, plan.action, plan.algorithm, plan.size) == (True, 'created', 'AES', 128)
    plain = store.get('k').plain
    again = secrets.plan_secret_key(store, 'K', 'present', 'AES')
    assert (again.changed, again.action, again.size) == (False, 'kept', 128)
    assert store.get('k').plain == plain


def test_a_key_of_another_algorithm_is_an_error_not_a_new_key():
    store = model.Keystore()
    secrets.plan_secret_key(store, 'k', 'present', 'AES', 256)
    with pytest.raises(secrets.SecretInputError, match='never regenerated'):
        secrets.plan_secret_key(store, 'k', 'present', 'HmacSHA256')
    with pytest.raises(secrets.SecretInputError, match='bits long'):
        secrets.plan_secret_key(store, 'n', 'present', 'AES', 100)


def test_import_compares_values_and_never_echoes_them():
    store = model.Keystore()
    value = secrets.decode_value('00' * 16, 'hex')
    assert secrets.plan_secret_key(store, 'k', 'present', 'AES', value=value).action == 'created'
    assert secrets.plan_secret_key(store, 'k', 'present', 'AES', value=value).changed is False
    assert secrets.plan_secret_key(store, 'k', 'present', 'AES', value=b'\x01' * 16).action == 'replaced'
    with pytest.raises(secrets.SecretInputError) as error:
        secrets.decode_value('not-hex-secret', 'hex')
    assert 'not-hex-secret' not in str(error.value)


def test_desede_written_with_the_oid_java_writes_and_parity():
    store = model.Keystore()
    secrets.plan_secret_key(store, 'd', 'present', 'DESede')
    plain = store.get('d').plain
    algorithm, key = secrets.unwrap(plain)
    assert algorithm == 'DESede' and len(key) == 24
    assert all(bin(b).count('1') % 2 == 1 for b in bytearray(key))
    reread = codec.load_bytes(codec.dump_bytes(store, 'pw'), 'pw')
    assert secrets.unwrap(reread.get('d').plain) == (algorithm, key)


def test_absent():
    store = model.Keystore()
    secrets.plan_secret_key(store, 'k', 'present')
    assert secrets.plan_secret_key(store, 'k', 'absent').action == 'removed'
    assert secrets.plan_secret_key(store, 'k', 'absent').changed is False


@pytest.fixture(scope='module')
def rsa_store():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    name = issue.parse_subject('CN=vault')
    cert = issue.build_certificate(name, key.public_key(), name, key, 30)
    store = model.Keystore()
    store.add(model.PrivateKeyEntry('internal', [cert], key_der=der_key))
    secrets.plan_secret_key(store, 'aes', 'present', 'AES', 256)
    return store


@pytest.mark.parametrize('mode,alias,transformation', [
    ('asymmetric', 'internal', None),
    ('asymmetric', 'internal', 'RSA/ECB/OAEPwithSHA1andMGF1Padding'),
    ('asymmetric', 'internal', 'RSA/ECB/OAEPWithSHA-256AndMGF1Padding'),
    ('symmetric', 'aes', None),
])
def test_plan_keeps_what_decrypts_and_reencrypts_the_rest(rsa_store, mode, alias, transformation):
    key = secrets.vault_key(rsa_store, alias, mode, transformation)
    wanted = {'a': 'pässword', 'b': 'other'}
    first = secrets.plan_secrets(key, wanted, {'b': '[other]'})
    assert first.encrypted == ['a', 'b'] and first.kept == []
    assert all(secrets.decrypt(key, first.values[n]) == wanted[n] for n in wanted)
    second = secrets.plan_secrets(key, wanted, first.values)
    assert second.encrypted == [] and second.values == first.values
    third = secrets.plan_secrets(key, dict(wanted, a='new'), first.values)
    assert third.encrypted == ['a'] and third.values['b'] == first.values['b']


def test_symmetric_value_is_the_tools_self_contained_json(rsa_store):
    key = secrets.vault_key(rsa_store, 'aes', 'symmetric')
    value = secrets.encrypt(key, 'x')
    inner = base64.b64decode(value)
    assert inner.startswith(b'{"cipherText":"') and b'=' not in inner  # Gson escapes '=' as \u003d
    holder = json.loads(inner.decode('ascii'))
    assert len(base64.b64decode(holder['iv'])) == 128
    assert len(base64.b64decode(holder['cipherText'])) == 1 + 16  # plaintext + 128-bit tag


def test_another_key_or_mode_does_not_decrypt(rsa_store):
    asym = secrets.vault_key(rsa_store, 'internal', 'asymmetric')
    sym = secrets.vault_key(rsa_store, 'aes', 'symmetric')
    assert secrets.decrypt(sym, secrets.encrypt(asym, 'x')) is None
    assert secrets.decrypt(asym, secrets.encrypt(sym, 'x')) is None
    oaep = secrets.vault_key(rsa_store, 'internal', 'asymmetric', 'RSA/ECB/OAEPwithSHA1andMGF1Padding')
    assert secrets.decrypt(oaep, secrets.encrypt(asym, 'x')) is None
    assert secrets.decrypt(asym, 'not base64 !') is None


def test_vault_key_errors(rsa_store):
    with pytest.raises(secrets.SecretInputError, match='does not exist'):
        secrets.vault_key(rsa_store, 'missing', 'asymmetric')
    with pytest.raises(secrets.SecretInputError, match='secret key entry'):
        secrets.vault_key(rsa_store, 'internal', 'symmetric')
    with pytest.raises(secrets.SecretInputError, match='private key entry'):
        secrets.vault_key(rsa_store, 'aes', 'asymmetric')
    with pytest.raises(secrets.SecretInputError, match='not supported'):
        secrets.vault_key(rsa_store, 'internal', 'asymmetric', 'RSA/ECB/NoPadding')
