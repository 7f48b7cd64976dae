# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # The one wording of each attribute. A module names its `support` (and `details`) in its own `attributes:`
    # block, or takes a ready-made set below; Ansible merges the two per attribute.
    # Every module: check mode and diff mode.
    DOCUMENTATION = r'''
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
'''

    # Modules that write a file (a keystore, a PEM file, a TOML file).
    FILES = r'''
options: {}
attributes:
  safe_file_operations:
    description: Uses strict file operations to ensure proper permissions and avoid data corruption.
'''

    IDEMPOTENT = r'''
options: {}
attributes:
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change.
'''

    # Modules with an action plugin; use with DOCUMENTATION.
    ACTION = r'''
options: {}
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on
      the controller.
'''

    # Support of the modules that read, lock and rewrite a keystore; use with DOCUMENTATION, FILES and IDEMPOTENT.
    STORE = r'''
options: {}
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
    details:
      - The diff holds metadata only - the store type and, by alias, the entry type and certificate SHA-256
        fingerprint - never passwords or key material.
  safe_file_operations:
    support: full
    details:
      - The new store is written to a temporary file created with mode 0600 in the same directory, synced,
        and moved over the old one; a failure leaves the original byte-identical.
      - The read-modify-write holds an exclusive advisory lock (C(flock)) on the directory, so concurrent
        tasks on one host never lose each other's entries.
  idempotent:
    support: full
    details:
      - Entries are compared by content (SHA-256 of the key and of every certificate of the chain), not by alias.
'''

    # Support of read-only modules; use with DOCUMENTATION and IDEMPOTENT.
    INFO_MODULE = r'''
options: {}
attributes:
  check_mode:
    support: full
    details:
      - This action does not modify state.
  diff_mode:
    support: N/A
    details:
      - This action does not modify state.
  idempotent:
    support: full
'''
