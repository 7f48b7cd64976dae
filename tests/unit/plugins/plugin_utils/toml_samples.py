# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A stock WSO2 deployment.toml and the tables the wso2 role sets, shared by the toml_settings tests."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

STOCK = u'''# WSO2 API Manager - stock configuration
[server]
hostname = "localhost"   # change me
offset = 0

[super_admin]
username = "admin"
password = "admin"
create_admin_account = true

[user_store]
type = "database_unique_id"

[database.shared_db]
type = "h2"
url = "jdbc:h2:./repository/database/WSO2SHARED_DB;DB_CLOSE_ON_EXIT=FALSE"
username = "wso2carbon"
password = "wso2carbon"

[keystore.primary]
file_name = "wso2carbon.jks"
type = "JKS"
password = "$secret{keystore_password}"
alias = "wso2carbon"
key_password = "wso2carbon"

# Trust store of the server: CAs and peers
[truststore]
file_name = "client-truststore.jks"
type = "JKS"
password = "wso2carbon"

[[apim.gateway.environment]]
name = "Default"
type = "hybrid"
'''

NEW_PASSWORD = u'N3w-Store-Pa55!'

WSO2_TABLES = {
    'keystore.primary': {'file_name': 'wso2carbon.jks', 'type': 'JKS', 'password': NEW_PASSWORD,
                         'alias': 'wso2carbon', 'key_password': NEW_PASSWORD},
    'keystore.tls': {'file_name': 'wso2carbon.jks', 'type': 'JKS', 'password': NEW_PASSWORD,
                     'alias': 'wso2carbon', 'key_password': NEW_PASSWORD},
    'keystore.internal': {'file_name': 'wso2carbon-internal.jks', 'type': 'JKS', 'password': NEW_PASSWORD,
                          'alias': 'wso2carbon', 'key_password': NEW_PASSWORD},
    'truststore': {'file_name': 'client-truststore.jks', 'type': 'JKS', 'password': NEW_PASSWORD},
}


def lines_outside(text, tables):
    """The lines of text that are not inside one of the given [tables]."""
    kept, inside = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith('['):
            inside = stripped.strip('[]') in tables
        if not inside:
            kept.append(line)
    return kept
