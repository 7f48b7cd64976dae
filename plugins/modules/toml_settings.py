#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: toml_settings
short_description: Set or remove keys of tables in a TOML file (such as WSO2's deployment.toml), keeping everything else
version_added: 0.1.0
description:
  - Sets the keys of the named tables of a TOML file on the managed node, or removes tables or keys, and leaves
    every other line of the file as it is - other tables, keys, comments, blank lines, quoting and order.
  - A key that exists is changed in place (its trailing comment is kept); a new key is added after the last key of
    its table; a new table is added after the last table that shares its name's prefix (V(keystore.tls) after
    V([keystore.primary])), or at the end of the file. Comment lines that introduce the next table stay in front
    of that table.
  - Made for WSO2's C(deployment.toml) - V([keystore.primary]), V([keystore.tls]), V([keystore.internal]),
    V([truststore]) - but works with any TOML file.
  - A value that is a WSO2 secure vault reference (V($secret{alias})) is left alone unless
    O(replace_secret_refs=true), so that a vault-protected password is not overwritten by a plain one.
  - The file must be valid TOML before the task (the error names the line and column when it is not), and the
    result is read back and compared with the intended settings before it is written; the file is never left
    half-written or invalid.
  - Passwords are never returned or shown - see O(tables) and the diff_mode attribute.
extends_documentation_fragment:
  - ansible.builtin.files
options:
  path:
    description:
      - Path of the TOML file on the managed node.
    type: path
    required: true
    aliases: [dest]
  tables:
    description:
      - The tables to change, by name, each with the keys to set (O(state=present)) or remove (O(state=absent)).
      - A table name is written as in a TOML header without the brackets - V(keystore.primary), V(server),
        V(transport.https.properties), V(a."dotted.part").
      - With O(state=present) each value is a string, an integer, a float, a boolean or a list of those. A table
        that does not exist is created. An empty dictionary sets nothing; use it to read a table through
        RV(tables).
      - With O(state=absent) the keys named are removed (their values are ignored), and a table given with an
        empty dictionary is removed as a whole, with its sub-tables.
      - Marked C(no_log) so that Ansible does not log the arguments. Only values of password-like keys (see
        notes) stay hidden in the task's output; the other values are shown, in RV(tables), the diff and the
        arguments echoed with C(-vvv). Take passwords from Ansible Vault, not from plain variables.
    type: dict
    required: true
  state:
    description:
      - V(present) sets the keys of O(tables); V(absent) removes them (or the whole tables).
    type: str
    choices: [present, absent]
    default: present
  replace_secret_refs:
    description:
      - Replace a value that is a WSO2 secure vault reference (a string like V($secret{keystore_password})).
      - With V(false) such values are kept and reported in RV(secret_refs_kept).
    type: bool
    default: false
  create:
    description:
      - Create the file when it does not exist (with O(state=present)). With V(false) a missing file makes the
        task fail. A missing file with O(state=absent) is no change.
    type: bool
    default: false
  backup:
    description:
      - Create a backup file including the timestamp information so you can get the original file back if you
        somehow clobbered it incorrectly.
    type: bool
    default: false
notes:
  - Password-like keys are those whose name contains C(pass), C(pwd), C(secret), C(token), C(credential) or
    C(private) (case-insensitive), and every key of a table named C(secrets) (WSO2 secure vault). Their values
    are shown as C(********) in the diff and in RV(tables) (C(******** (changed)) in the after-text of the diff
    when the task changes them); secure vault references such as C($secret{alias}) are shown, since they hold no
    secret.
  - Ansible also hides every occurrence of the values of those keys given in O(tables) anywhere in the task's
    output; with a weak password such as V(wso2carbon) this hides parts of other values too (V(wso2carbon.jks)
    shows as C(********.jks)).
  - TOML files are read and written as UTF-8.
requirements:
  - tomlkit >= 0.11
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
    details:
      - The diff is the text of the file before and after, with the values of password-like keys masked.
  safe_file_operations:
    description: Uses strict file operations to ensure proper permissions and avoid data corruption.
    support: full
    details:
      - The new text is written to a temporary file in the same directory and moved over the old file.
  idempotent:
    description: When run twice in a row with the same arguments, the second run reports no change.
    support: full
seealso:
  - module: community.general.ini_file
  - module: javasec.keystore.key_entry
author:
  - javasec.keystore contributors (!UNKNOWN)
'''

EXAMPLES = r'''
- name: Point WSO2 API Manager at its new keystore
  javasec.keystore.toml_settings:
    path: /opt/wso2am/repository/conf/deployment.toml
    tables:
      keystore.primary:
        file_name: wso2carbon.jks
        type: JKS
        password: "{{ vault_wso2_keystore_password }}"
        alias: wso2carbon
        key_password: "{{ vault_wso2_keystore_password }}"
      truststore:
        file_name: client-truststore.jks
        type: JKS
        password: "{{ vault_wso2_truststore_password }}"
    backup: true

- name: Tune the HTTPS transport (other settings of the file are kept)
  javasec.keystore.toml_settings:
    path: /opt/wso2is/repository/conf/deployment.toml
    tables:
      transport.https.properties:
        maxThreads: 400
        compression: "on"
      server:
        hostname: "{{ ansible_facts['fqdn'] }}"

- name: Drop the separate TLS keystore (WSO2 then uses the primary one)
  javasec.keystore.toml_settings:
    path: /opt/wso2am/repository/conf/deployment.toml
    state: absent
    tables:
      keystore.tls: {}

- name: Read the internal keystore settings (passwords come back masked)
  javasec.keystore.toml_settings:
    path: /opt/wso2am/repository/conf/deployment.toml
    tables:
      keystore.internal: {}
  check_mode: true
  register: internal
'''

RETURN = r'''
path:
  description: Path of the file.
  returned: always
  type: str
  sample: /opt/wso2am/repository/conf/deployment.toml
changes:
  description:
    - What was (or in check mode would be) changed, one item per key or table - never with values.
  returned: always
  type: list
  elements: dict
  contains:
    table:
      description: Name of the table.
      type: str
      sample: keystore.primary
    key:
      description: The key; null for a table as a whole.
      type: str
      sample: alias
    action:
      description: V(added), V(updated) or V(removed).
      type: str
      sample: updated
  sample: [{table: keystore.primary, key: alias, action: updated}, {table: keystore.tls, key: null, action: added}]
secret_refs_kept:
  description: Keys (V(table.key)) whose secure vault reference was kept although O(tables) gave another value.
  returned: always
  type: list
  elements: str
  sample: [keystore.primary.password]
tables:
  description:
    - The tables named in O(tables) as they are after the task (in check mode - as they would be), by name, with
      every value of a password-like key masked; null for a table that does not exist.
  returned: always
  type: dict
  sample: {keystore.primary: {file_name: wso2carbon.jks, type: JKS, password: "********", alias: wso2carbon}}
created:
  description: Whether the task created the file.
  returned: always
  type: bool
  sample: false
backup_file:
  description: Name of the backup file that was created.
  returned: changed and if O(backup) is V(true)
  type: str
  sample: /opt/wso2am/repository/conf/deployment.toml.12345.2024-01-01@12:00:00~
'''

import copy
import os
import re
import tempfile
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.text.converters import to_native

TOMLKIT_IMPORT_ERROR = None
try:
    import tomlkit
    from tomlkit.container import Container
    from tomlkit.exceptions import ParseError as TomlkitParseError, TOMLKitError
    from tomlkit.items import AoT, Comment, InlineTable, Null, Table, Whitespace
except ImportError:
    TOMLKIT_IMPORT_ERROR = traceback.format_exc()

try:
    import tomllib
except ImportError:  # Python < 3.11: tomlkit alone checks the result
    tomllib = None

MASK = '********'
CHANGED_MASK = '******** (changed)'
SECRET_KEY = re.compile(r'pass|pwd|secret|token|credential|private', re.IGNORECASE)
SECRET_REF = re.compile(r'^\s*\$secret\{[^{}]*\}\s*$')
SCALARS = (str, bool, int, float)


class TomlEditError(Exception):
    """A request that cannot be applied to the document; the message never holds a value."""


# ---- names and values --------------------------------------------------------------------


def parse_table_name(name):
    """The key segments of a table name written as in a TOML header (without brackets)."""
    if not isinstance(name, str) or not name.strip() or '\n' in name or '\r' in name:
        raise TomlEditError('invalid table name %r' % (name,))
    try:
        probe = tomlkit.parse('[%s]\n' % name).unwrap()
    except (TOMLKitError, ValueError):
        raise TomlEditError('invalid table name %r: write it as in a TOML header, for example keystore.primary '
                            'or a."dotted.part"' % (name,))
    segments = []
    node = probe
    while node:
        if not isinstance(node, dict) or len(node) != 1:
            raise TomlEditError('invalid table name %r' % (name,))
        segment = list(node)[0]
        segments.append(segment)
        node = node[segment]
    if node != {}:
        raise TomlEditError('invalid table name %r' % (name,))
    return segments


def is_secret_key(table_segments, key):
    return bool(SECRET_KEY.search(key)) or (bool(table_segments) and table_segments[-1] == 'secrets')


def is_secret_ref(value):
    return isinstance(value, str) and bool(SECRET_REF.match(value))


def check_value(value, where):
    if isinstance(value, SCALARS):
        return
    if isinstance(value, list):
        for element in value:
            if isinstance(element, list) or not isinstance(element, SCALARS):
                raise TomlEditError('%s: list elements must be strings, numbers or booleans' % where)
        return
    raise TomlEditError('%s: the value must be a string, a number, a boolean or a list of those, not %s%s'
                        % (where, type(value).__name__,
                           ' (use state=absent to remove a key)' if value is None else ''))


def same_value(current, wanted):
    """Strict equality: TOML types matter (true is not 1, "1" is not 1)."""
    if isinstance(current, bool) or isinstance(wanted, bool):
        return isinstance(current, bool) and isinstance(wanted, bool) and current == wanted
    if isinstance(current, list) and isinstance(wanted, list):
        return len(current) == len(wanted) and all(same_value(c, w) for c, w in zip(current, wanted))
    if isinstance(current, (int, float)) and isinstance(wanted, (int, float)):
        return type(current) is type(wanted) and current == wanted
    return type(current) is type(wanted) and current == wanted


def plain(value):
    return value.unwrap() if hasattr(value, 'unwrap') else value


def mask_plain(data, segments=()):
    """A copy of unwrapped table data with the values of password-like keys masked."""
    if not isinstance(data, dict):
        return data
    masked = {}
    for key, value in data.items():
        if isinstance(value, dict):
            masked[key] = mask_plain(value, tuple(segments) + (key,))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            masked[key] = [mask_plain(v, tuple(segments) + (key,)) for v in value]
        elif is_secret_key(segments, key) and not is_secret_ref(value):
            masked[key] = MASK
        else:
            masked[key] = value
    return masked


def leaves(value):
    """Stringified leaves of a value, as Ansible collects no_log values."""
    if isinstance(value, str):
        if value:
            yield value
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, (int, float)):
        yield str(value)
    elif isinstance(value, dict):
        for element in value.values():
            yield from leaves(element)
    elif isinstance(value, (list, tuple)):
        for element in value:
            yield from leaves(element)


def narrow_no_log(module, requests):
    """Keep only the values of password-like keys among the no_log values that O(tables) brought in.

    tables is no_log, so that Ansible never logs the arguments; but Ansible would then hide every
    value of it - V(JKS), V(1) - wherever it appears in the output, which garbles the diff. The
    values of password-like keys stay hidden everywhere.
    """
    secrets, others = set(), set()
    for segments, values in requests:
        for key, value in values.items():
            (secrets if is_secret_key(segments, key) else others).update(leaves(value))
    module.no_log_values.difference_update(others - secrets)
    module.no_log_values.update(secrets)


# ---- reading -------------------------------------------------------------------------------


def parse_error_position(exc):
    line = getattr(exc, 'line', None)
    col = getattr(exc, 'col', None)
    message = re.sub(r'\s*at line \d+ col \d+\s*$', '', str(exc))
    if line is not None:
        return 'line %s, column %s: %s' % (line, col, message)
    return message


def load_document(text, path):
    try:
        doc = tomlkit.parse(text)
    except TomlkitParseError as exc:
        raise TomlEditError('%s is not valid TOML (%s); it is left unchanged' % (path, parse_error_position(exc)))
    except (TOMLKitError, ValueError) as exc:
        raise TomlEditError('%s is not valid TOML (%s); it is left unchanged' % (path, to_native(exc)))
    if tomllib is not None:
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise TomlEditError('%s is not valid TOML (%s); it is left unchanged' % (path, to_native(exc)))
    return doc


def body(node):
    if isinstance(node, Container):
        return node.body
    return node.value.body


def is_header_table(key, item):
    """Whether a body item renders as its own [header] (not a key line or a dotted key)."""
    return key is not None and not key.is_dotted() and isinstance(item, (Table, AoT))


def find_tables(node, segments, name):
    """Every table-like item at segments under node, in document order (out-of-order chunks too)."""
    if not segments:
        return [node]
    found = []
    for key, item in body(node):
        if key is None or key.key != segments[0]:
            continue
        if isinstance(item, (Table, InlineTable)):
            found.extend(find_tables(item, segments[1:], name))
        elif isinstance(item, AoT):
            raise TomlEditError('%s: %s is an array of tables ([[...]]), which this module does not change'
                                % (name, segments[0]))
        else:
            raise TomlEditError('%s: %s is a value, not a table' % (name, segments[0]))
    return found


def existing_prefix(doc, segments, name):
    """(length, node) of the longest existing prefix of segments; node is its last chunk in the file."""
    node = doc
    for length in range(len(segments)):
        chunks = find_tables(node, segments[length:length + 1], name)
        if not chunks:
            return length, node
        node = chunks[-1]
    return len(segments), node


def get_table(doc, segments, name):
    """The table at segments: a real one (headed, inline or dotted) before an implicit super table."""
    chunks = find_tables(doc, segments, name)
    if not chunks:
        return None
    for chunk in chunks:
        if not (isinstance(chunk, Table) and chunk.is_super_table()):
            return chunk
    return chunks[0]


# ---- writing -------------------------------------------------------------------------------


def content_end(container_body):
    """Index after the last key line of a body (before sub-tables and the trailing comments)."""
    end = 0
    for index, (key, item) in enumerate(container_body):
        if key is not None and not is_header_table(key, item):
            end = index + 1
    return end


def last_leaf(node):
    """The table whose body is rendered last under node."""
    while True:
        items = [(k, i) for k, i in body(node) if not isinstance(i, Null)]
        if not items:
            return node
        key, item = items[-1]
        if isinstance(item, AoT) and item.body:
            node = item.body[-1]
        elif is_header_table(key, item) or (isinstance(item, Table) and item.is_super_table()):
            node = item
        else:
            return node


def detach_trailing_comments(node):
    """Pop the comment lines that end node's body (they introduce what follows); return them and
    whether a blank line is left in front of the insertion point."""
    items = body(node)
    moved = []
    while items and items[-1][0] is None and isinstance(items[-1][1], (Comment, Null)):
        moved.insert(0, items.pop()[1])
    index = len(items)
    blank = False
    while index > 0 and items[index - 1][0] is None and isinstance(items[index - 1][1], (Whitespace, Comment, Null)):
        if isinstance(items[index - 1][1], Whitespace) and '\n' in items[index - 1][1].as_string():
            blank = True
            break
        index -= 1
    return [m for m in moved if not isinstance(m, Null)], blank


def new_item(value):
    return tomlkit.item(value)


def add_table(doc, segments, values, name):
    length, parent = existing_prefix(doc, segments, name)
    relative = segments[length:]
    if isinstance(parent, InlineTable):
        leaf = tomlkit.inline_table()
        for key, value in values.items():
            leaf[key] = value
        node = leaf
        for segment in reversed(relative[1:]):
            outer = tomlkit.inline_table()
            outer[segment] = node
            node = outer
        parent[relative[0]] = node
        return
    leaf = tomlkit.table()
    for key, value in values.items():
        leaf.add(key, new_item(value))
    node = leaf
    for segment in reversed(relative[1:]):
        outer = tomlkit.table(is_super_table=True)
        outer.append(segment, node)
        node = outer

    at_end = last_leaf(doc) is last_leaf(parent)
    if at_end:
        text = doc.as_string()
        indent = '' if not text or text.endswith('\n\n') else '\n' if text.endswith('\n') else '\n\n'
    else:
        moved, blank = detach_trailing_comments(last_leaf(parent))
        indent = '' if blank else '\n'
        leaf.value.append(None, Whitespace('\n'))
        for comment in moved:
            leaf.value.append(None, comment)
    parent.append(relative[0], node)
    # tomlkit may add a line of its own in front of a new table: set the separation exactly.
    leaf.trivia.indent = ''
    node.trivia.indent = indent


def set_key(table, segments, key, value, name):
    """Set one key of an existing table; returns 'added', 'updated' or None."""
    if key in table:
        current = table[key]
        if isinstance(current, (Table, InlineTable, AoT)) or isinstance(plain(current), dict):
            raise TomlEditError('%s: %s is a table, not a value' % (name, key))
        if same_value(plain(current), value):
            return None
        table[key] = new_item(value)
        return 'updated'
    if isinstance(table, InlineTable) or (isinstance(table, Table) and table.is_super_table()):
        table[key] = value
        return 'added'
    items = body(table)
    index = content_end(items)
    if index >= len(items):
        table.append(key, new_item(value))
    else:
        table.value._insert_at(index, key, new_item(value))  # pylint: disable=protected-access
    return 'added'


def remove_table(doc, segments, name):
    """Remove every chunk of the table at segments; comments that introduce the next table stay."""
    parent_segments = segments[:-1]
    parents = find_tables(doc, parent_segments, name) if parent_segments else [doc]
    removed = False
    for parent in parents:
        items = body(parent)
        for index, (key, item) in enumerate(items):
            if key is None or key.key != segments[-1] or not isinstance(item, (Table, InlineTable)):
                continue
            moved = []
            if isinstance(item, Table) and is_header_table(key, item):
                moved, dummy = detach_trailing_comments(last_leaf(item))
            if isinstance(parent, InlineTable):
                del parent[key.key]
            else:
                parent.remove(key.key)
                if moved:
                    items[index] = (None, Whitespace(''.join(m.as_string() for m in moved)))
            removed = True
            break
    return removed


# ---- the plan ------------------------------------------------------------------------------


def expected_data(data, requests, state, kept):
    """What the file must read back as: the unwrapped data with the requests applied."""
    data = copy.deepcopy(data)
    for segments, values in requests:
        if state == 'present':
            if not values:
                continue
            node = data
            for segment in segments:
                node = node.setdefault(segment, {})
            for key, value in values.items():
                if (tuple(segments), key) not in kept:
                    node[key] = value
        else:
            node = data
            for segment in segments[:-1]:
                node = node.get(segment) if isinstance(node, dict) else None
                if node is None:
                    break
            if not isinstance(node, dict) or segments[-1] not in node:
                continue
            if values:
                table = node[segments[-1]]
                for key in values:
                    table.pop(key, None)
            else:
                del node[segments[-1]]
    return data


def apply(doc, requests, state, replace_secret_refs):
    """Change doc in place; returns (changes, kept secret refs as (segments, key))."""
    changes, kept = [], set()
    for segments, values in requests:
        name = '.'.join(segments)
        table = get_table(doc, segments, name)
        if state == 'present':
            if not values:
                continue
            if table is None:
                add_table(doc, segments, values, name)
                changes.append({'table': name, 'key': None, 'action': 'added'})
                continue
            for key, value in values.items():
                if key in table and is_secret_ref(plain(table[key])) and not replace_secret_refs \
                        and not same_value(plain(table[key]), value):
                    kept.add((tuple(segments), key))
                    continue
                action = set_key(table, segments, key, value, name)
                if action:
                    changes.append({'table': name, 'key': key, 'action': action})
        else:
            if table is None:
                continue
            if not values:
                if remove_table(doc, segments, name):
                    changes.append({'table': name, 'key': None, 'action': 'removed'})
                continue
            for key in values:
                if key in table:
                    if isinstance(table[key], (Table, AoT)):
                        raise TomlEditError('%s: %s is a table; remove it as the table %s.%s' % (name, key, name, key))
                    del table[key]
                    changes.append({'table': name, 'key': key, 'action': 'removed'})
    return changes, kept


def mask_document(text, changed_secrets=frozenset()):
    """The text with the values of password-like keys replaced (formatting otherwise kept)."""
    if not text:
        return text
    doc = tomlkit.parse(text)

    def walk(node, segments):
        if isinstance(node, AoT):
            for element in node.body:
                walk(element, segments)
            return
        for key, item in list(body(node)):
            if key is None or isinstance(item, Null):
                continue
            if isinstance(item, (Table, InlineTable, AoT)):
                walk(item, segments + (key.key,))
            elif is_secret_key(segments, key.key) and not is_secret_ref(plain(item)):
                masked = CHANGED_MASK if (segments, key.key) in changed_secrets else MASK
                node[key.key] = masked

    walk(doc, ())
    return doc.as_string()


def verify(text, expected, path):
    try:
        reread = tomlkit.parse(text).unwrap()
        if tomllib is not None:
            tomllib.loads(text)
    except (TOMLKitError, ValueError) as exc:
        raise TomlEditError('the changed text of %s would not be valid TOML (%s); the file is left unchanged - '
                            'please report this' % (path, parse_error_position(exc)))
    # A table removed from under an implicit parent ([a.b] alone) takes the parent with it.
    if not deep_same(without_empty_tables(reread), without_empty_tables(expected)):
        raise TomlEditError('the changed text of %s does not read back as intended; the file is left unchanged - '
                            'please report this' % path)


def without_empty_tables(data):
    if not isinstance(data, dict):
        return data
    pruned = {}
    for key, value in data.items():
        value = without_empty_tables(value)
        if value != {}:
            pruned[key] = value
    return pruned


def deep_same(left, right):
    if isinstance(left, dict) and isinstance(right, dict):
        return set(left) == set(right) and all(deep_same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(deep_same(a, b) for a, b in zip(left, right))
    return same_value(left, right)


def table_report(doc, requests):
    report = {}
    data = doc.unwrap()
    for segments, dummy in requests:
        node = data
        for segment in segments:
            node = node.get(segment) if isinstance(node, dict) else None
            if node is None:
                break
        report['.'.join(segments)] = mask_plain(node, tuple(segments)) if isinstance(node, dict) else None
    return report


# ---- main ----------------------------------------------------------------------------------


def read_text(module, path):
    try:
        with open(path, 'rb') as handle:
            data = handle.read()
    except (IOError, OSError) as exc:
        module.fail_json(msg='cannot read %s: %s' % (path, exc.strerror or exc))
    bom = data.startswith(b'\xef\xbb\xbf')
    try:
        return data[3:].decode('utf-8') if bom else data.decode('utf-8'), bom
    except UnicodeDecodeError as exc:
        module.fail_json(msg='%s is not UTF-8 (byte %d), so not a TOML file; it is left unchanged' % (path, exc.start))


def write_text(module, path, text, bom, result):
    directory = os.path.dirname(path) or '.'
    if not os.path.isdir(directory):
        module.fail_json(msg='the folder %s of %s does not exist' % (directory, path), **result)
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
    try:
        with os.fdopen(fd, 'wb') as handle:
            handle.write((b'\xef\xbb\xbf' if bom else b'') + text.encode('utf-8'))
            handle.flush()
            os.fsync(handle.fileno())
        module.atomic_move(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def requests_of(module):
    requests = []
    for name, values in module.params['tables'].items():
        segments = parse_table_name(name)
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise TomlEditError('tables.%s: give a dictionary of keys (an empty one for the whole table with '
                                'state=absent)' % name)
        for key in values:
            if not isinstance(key, str) or not key:
                raise TomlEditError('tables.%s: keys must be non-empty strings' % name)
            if module.params['state'] == 'present':
                check_value(values[key], 'tables.%s.%s' % (name, key))
        requests.append((segments, values))
    return requests


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type='path', required=True, aliases=['dest']),
            tables=dict(type='dict', required=True, no_log=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            replace_secret_refs=dict(type='bool', default=False),
            create=dict(type='bool', default=False),
            backup=dict(type='bool', default=False),
        ),
        add_file_common_args=True,
        supports_check_mode=True,
    )
    if TOMLKIT_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib('tomlkit'), exception=TOMLKIT_IMPORT_ERROR)
    params = module.params
    path = params['path']
    state = params['state']
    result = {'changed': False, 'path': path, 'changes': [], 'secret_refs_kept': [], 'tables': {}, 'created': False}
    try:
        requests = requests_of(module)
    except TomlEditError as exc:
        module.fail_json(msg=str(exc), **result)
    narrow_no_log(module, requests)

    exists = os.path.exists(path)
    if exists and not os.path.isfile(path):
        module.fail_json(msg='%s is not a regular file' % path, **result)
    if not exists and state == 'present' and not params['create']:
        module.fail_json(msg='%s does not exist; set create=true to create it' % path, **result)
    before_text, bom = read_text(module, path) if exists else ('', False)

    try:
        doc = load_document(before_text, path)
        data = doc.unwrap()
        changes, kept = apply(doc, requests, state, params['replace_secret_refs'])
        after_text = doc.as_string() if changes else before_text
        if changes:
            verify(after_text, expected_data(data, requests, state, kept), path)
        result['tables'] = table_report(tomlkit.parse(after_text), requests)
    except TomlEditError as exc:
        module.fail_json(msg=str(exc), **result)
    result['changes'] = changes
    result['secret_refs_kept'] = sorted('%s.%s' % ('.'.join(s), k) for s, k in kept)
    for segments, key in sorted(kept):
        module.warn('%s.%s is a secure vault reference; it is kept (set replace_secret_refs=true to replace it)'
                    % ('.'.join(segments), key))

    changed = after_text != before_text or (not exists and state == 'present')
    if changed:
        result['changed'] = True
        result['created'] = not exists
        if module._diff:
            changed_secrets = frozenset((tuple(parse_table_name(c['table'])), c['key']) for c in changes
                                        if c['action'] == 'updated' and c['key'] is not None)
            result['diff'] = {
                'before_header': path,
                'after_header': path,
                'before': mask_document(before_text),
                'after': mask_document(after_text, changed_secrets),
            }
        if not module.check_mode:
            if exists and params['backup']:
                result['backup_file'] = module.backup_local(path)
            write_text(module, path, after_text, bom, result)
    if exists or not module.check_mode:
        if os.path.exists(path):
            file_args = module.load_file_common_arguments(module.params)
            result['changed'] = module.set_fs_attributes_if_different(file_args, result['changed'])
    module.exit_json(**result)


if __name__ == '__main__':
    main()
