# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A subject string means to key_entry what it means to keytool -dname: keytool prints the same Owner for
the certificate key_entry makes from the string as for the one keytool -genkeypair -dname makes."""

from __future__ import absolute_import, division, print_function

import re

import interop_lib as lib

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _keyplan as keyplan
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model

PASSWORD = 'changeit'

# The forms keytool takes that a split on commas got wrong: multi-valued RDNs, quotes, escapes, hex values,
# ; between RDNs, spaces around separators, S for ST, UID, dotted OIDs, a #BER value.
DNAMES = [
    'CN=a+UID=b,O=x',
    'CN=web, OU = Ops\\, Platform ; O="Example, Inc.",S=Utrecht,C=NL',
    'CN=\\#x\\2C\\41\\+\\"q\\"\\\\,DC=example,DC=com',
    'OID.2.5.4.3=oid,T=Mr,EMAIL=ops@example.com,2.5.4.10=#0c03616263',
]


def _owners(listing):
    """{alias: Owner line} of a keytool -list -v listing."""
    return dict(re.findall(r'^Alias name: (\S+)$.*?^Owner: ([^\n]*)$', listing, re.M | re.S))


def test_subjects_read_by_keytool_as_keytool_dname(main_jdk, tmp_path):
    ours = model.Keystore('pkcs12', 'modern')
    for index, dname in enumerate(DNAMES):
        plan = keyplan.plan_generate(None, keyplan.KeyOptions(key_type='ec', subject=dname))
        keyplan.apply_key_plan(ours, 'dn%d' % index, plan)
    (tmp_path / 'ours.p12').write_bytes(codec.dump_bytes(ours, PASSWORD))

    for index, dname in enumerate(DNAMES):
        main_jdk.keytool_run(['-genkeypair', '-keystore', tmp_path / 'keytool.p12', '-storetype', 'PKCS12',
                              '-storepass', PASSWORD, '-alias', 'dn%d' % index, '-keyalg', 'EC', '-dname', dname])
    theirs = _owners(lib.keytool_list(main_jdk, tmp_path / 'keytool.p12', 'pkcs12', PASSWORD)[0].stdout)
    mine = _owners(lib.keytool_list(main_jdk, tmp_path / 'ours.p12', 'pkcs12', PASSWORD)[0].stdout)
    assert mine == theirs
    assert mine['dn0'] == 'CN=a + UID=b, O=x'
    assert mine['dn1'] == 'CN=web, OU="Ops, Platform", O="Example, Inc.", ST=Utrecht, C=NL'
    assert mine['dn3'] == 'CN=oid, T=Mr, EMAILADDRESS=ops@example.com, O=abc'
