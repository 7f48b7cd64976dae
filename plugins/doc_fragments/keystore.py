# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # Options every module that opens a keystore shares.
    DOCUMENTATION = r'''
options:
  path:
    description:
      - Path of the keystore file on the managed node.
      - The type of an existing file is detected from its content (JKS, JCEKS or PKCS12), never from its name.
    type: path
    required: true
    aliases: [keystore_path]
  password:
    description:
      - The keystore password. It also protects every key entry that has no password of its own.
      - Never logged, never returned.
    type: str
    required: true
    aliases: [keystore_pass]
  key_passwords:
    description:
      - Passwords of JKS key entries that are protected by a password other than the store password, by alias.
      - Entries whose password is not given are kept exactly as they are; they are only needed to convert
        such an entry to PKCS12 or to change its protection.
    type: dict
    default: {}
requirements:
  - cryptography >= 3.4.8 on the managed node - the distribution's C(python3-cryptography) package is enough
    (3.4.8 of Ubuntu 22.04, 36.0 of RHEL 9, 38.0 of Debian 12, 41.0 of Ubuntu 24.04, or newer)
notes:
  - Aliases are compared case-insensitively, and written in lowercase to JKS (a mixed-case alias in a JKS
    file is unreachable for keytool).
  - PKCS12 files are written as Java 17 writes them - key bags in a data safe, certificates in an encrypted
    safe, trusted certificates marked with Oracle's trusted-key-usage attribute - so that keytool and JSSE
    read them like their own.
'''

    # Options of modules that write a keystore.
    WRITE = r'''
options:
  pkcs12_encryption:
    description:
      - How PKCS12 stores are protected when written.
      - V(modern) is Java 17's default (PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC for keys and
        certificates, HMAC-SHA256 integrity, 10000 iterations). Java 8 before 8u301 and Java 11 before
        11.0.12 cannot read it.
      - V(legacy) uses pbeWithSHAAnd3-KeyTripleDES-CBC for keys, pbeWithSHAAnd40BitRC2-CBC for certificates
        and an HMAC-SHA1 integrity check, readable by every Java version.
      - When not set, an existing store keeps the protection it has and a new store is V(modern).
    type: str
    choices: [modern, legacy]
  backup:
    description:
      - Create a backup file including the timestamp information so you can get the original keystore back
        if you somehow clobbered it incorrectly.
    type: bool
    default: false
'''
