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
  follow:
    description:
      - What a write does when O(path) is a symbolic link, as O(ansible.builtin.file#module:follow) and keytool do.
      - V(true) writes through the link - the file it leads to is replaced (temporary file and lock beside that
        file) and the link stays. This keeps a JDK's C(lib/security/cacerts), a link to the distribution's
        shared Java CA store on Debian and RHEL, the shared store.
      - V(false) replaces the link itself by a regular file holding the store, also when nothing else changes;
        the file the link led to is left untouched. Use it to give a JDK a truststore of its own.
      - Unlike C(ansible.builtin.copy), the default is V(true), so that a task never silently cuts a JDK off the
        CA updates of its distribution.
    type: bool
    default: true
    version_added: 0.2.0
'''

    # follow of modules that write a file named by dest (use with ansible.builtin.files).
    DEST = r'''
options:
  follow:
    description:
      - What a write does when O(dest) is a symbolic link, as O(ansible.builtin.file#module:follow) does.
      - V(true) writes through the link - the file it leads to is replaced (temporary file beside that file) and
        the link stays.
      - V(false) replaces the link itself by a regular file, also when the content does not change; the file the
        link led to is left untouched.
    type: bool
    default: true
    version_added: 0.2.0
'''
