# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Editing of TOML text with tomlkit for the toml_settings action, on the controller.

PRIVATE: this is not a public API of the collection and may change at any time.

Everything here works on text and plain values: the action plugin reads the file from the managed
node and writes the result back through the toml_settings module, so that the node needs no tomlkit.
Messages never hold a value of the file or of the request (values may be passwords).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import copy
import re
import traceback

from ansible.module_utils.common.text.converters import to_native

from ansible_collections.javasec.keystore.plugins.module_utils._model import KeystoreError

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

# tomlkit 0.11.0 cannot update a table that exists (issue 8); 0.11.1 and later pass every test.
TOMLKIT_MIN_VERSION = (0, 11, 1)
MIN_VERSION_TEXT = '.'.join(str(n) for n in TOMLKIT_MIN_VERSION)

MASK = '********'
CHANGED_MASK = '******** (changed)'
SECRET_KEY = re.compile(r'pass|pwd|secret|token|credential|private', re.IGNORECASE)
SECRET_REF = re.compile(r'^\s*\$secret\{[^{}]*\}\s*$')
SCALARS = (str, bool, int, float)
BOM = b'\xef\xbb\xbf'


def tomlkit_version_problem():
    """Why the tomlkit at hand cannot be used (the import error or a too old version), or None."""
    if TOMLKIT_IMPORT_ERROR:
        return 'it cannot be imported'
    version = getattr(tomlkit, '__version__', '')
    numbers = tuple(int(part) for part in re.findall(r'\d+', version)[:3])
    if numbers < TOMLKIT_MIN_VERSION:
        return 'version %s is installed' % (version or 'unknown')
    return None


class TomlEditError(KeystoreError):
    """A request that cannot be applied to the document; the message never holds a value.

    Part of the one error hierarchy, so that the action plugin reports error_type as the modules do."""


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


def secret_values(requests):
    """The values to hide in the task's output: the leaves of the values of password-like keys.

    tables is no_log, so that Ansible never logs the arguments; but hiding every value of it -
    V(JKS), V(1) - wherever it appears in the output would garble the diff. Only the values of
    password-like keys stay hidden everywhere.
    """
    secrets = set()
    for segments, values in requests:
        for key, value in values.items():
            if is_secret_key(segments, key):
                secrets.update(leaves(value))
    return secrets


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


# ---- the API of the action plugin -----------------------------------------------------------


Edit = collections.namedtuple('Edit', ['before', 'after', 'changes', 'kept', 'tables'])
Edit.__doc__ = """The outcome of an edit: the text before and after, the changes (dicts without values),
the secure vault references kept (sorted 'table.key' names) and the masked tables that were named."""


def plain_data(value):
    """value with every str, int, float, bool, dict and list as the plain type.

    Task arguments reach an action plugin as the templating left them: ansible-core 2.19 tags
    strings and numbers with subclasses, which tomlkit would write and compare differently.
    """
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, dict):
        return dict((plain_data(k), plain_data(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [plain_data(v) for v in value]
    return value


def requests_of(tables, state):
    """The (segments, values) of each table of O(tables), checked; raises TomlEditError."""
    requests = []
    for name, values in plain_data(tables).items():
        segments = parse_table_name(name)
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise TomlEditError('tables.%s: give a dictionary of keys (an empty one for the whole table with '
                                'state=absent)' % name)
        for key in values:
            if not isinstance(key, str) or not key:
                raise TomlEditError('tables.%s: keys must be non-empty strings' % name)
            if state == 'present':
                check_value(values[key], 'tables.%s.%s' % (name, key))
        requests.append((segments, values))
    return requests


def decode(data, path):
    """(text, whether it starts with a UTF-8 BOM) of the bytes of the file."""
    bom = data.startswith(BOM)
    try:
        return (data[len(BOM):] if bom else data).decode('utf-8'), bom
    except UnicodeDecodeError as exc:
        raise TomlEditError('%s is not UTF-8 (byte %d), so not a TOML file; it is left unchanged' % (path, exc.start))


def encode(text, bom):
    return (BOM if bom else b'') + text.encode('utf-8')


def edit(text, requests, state, replace_secret_refs, path):
    """Apply the requests to the TOML text; raises TomlEditError (the text is then not to be written)."""
    doc = load_document(text, path)
    data = doc.unwrap()
    changes, kept = apply(doc, requests, state, replace_secret_refs)
    after = doc.as_string() if changes else text
    if changes:
        verify(after, expected_data(data, requests, state, kept), path)
    tables = table_report(tomlkit.parse(after), requests)
    return Edit(text, after, changes, sorted('%s.%s' % ('.'.join(s), k) for s, k in kept), tables)


def kept_warnings(result):
    return ['%s is a secure vault reference; it is kept (set replace_secret_refs=true to replace it)' % name
            for name in result.kept]


def diff(result, path):
    """The before/after texts of the diff, with the values of password-like keys masked."""
    changed_secrets = frozenset((tuple(parse_table_name(c['table'])), c['key']) for c in result.changes
                                if c['action'] == 'updated' and c['key'] is not None)
    return {
        'before_header': path,
        'after_header': path,
        'before': mask_document(result.before),
        'after': mask_document(result.after, changed_secrets),
    }
