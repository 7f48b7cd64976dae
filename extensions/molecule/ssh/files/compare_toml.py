"""Compare a deployment.toml with the stock one: valid TOML, unmanaged tables and comments unchanged.

Usage: compare_toml.py STOCK NEW PASSWORD... -> prints a JSON summary; exits 1 when something other than the
managed tables ([keystore.*], [truststore], [secrets]) changed or the file is not valid TOML.
The PASSWORDs (keystore's, truststore's, then the other secure vault secrets) are never printed: a password field
is reported as its $secret{...} reference, as "password N" when it holds the Nth one in plain text, else "other";
plaintext_found lists the N of every password that appears anywhere in NEW's text.
"""
import json
import sys
import tomllib

MANAGED = ('keystore', 'truststore', 'secrets')
FIELDS = (
    ('keystore', 'primary', 'password'), ('keystore', 'primary', 'key_password'),
    ('keystore', 'tls', 'password'), ('keystore', 'tls', 'key_password'),
    ('keystore', 'internal', 'password'), ('keystore', 'internal', 'key_password'),
    ('truststore', 'password'),
)

passwords = sys.argv[3:]
with open(sys.argv[1], 'rb') as handle:
    stock = tomllib.load(handle)
with open(sys.argv[2], 'rb') as handle:
    new = tomllib.load(handle)
stock_text = open(sys.argv[1]).read().splitlines()
new_raw = open(sys.argv[2]).read()
new_text = new_raw.splitlines()

problems = []
for table in set(stock) | set(new):
    if table not in MANAGED and stock.get(table) != new.get(table):
        problems.append('table %s changed' % table)
section = None
for line in stock_text:
    if line.startswith('['):
        section = line.strip('[]').split('.')[0]
    if section not in MANAGED and (line.startswith('#') or '#' in line) and line not in new_text:
        problems.append('line lost: %s' % line)


def field(path):
    value = new
    for key in path:
        value = value.get(key, {}) if isinstance(value, dict) else None
    if isinstance(value, str) and value.startswith('$secret{'):
        return value
    if value in passwords:
        return 'password %d' % passwords.index(value)
    return 'other'


internal = new.get('keystore', {}).get('internal', {})
summary = {
    'problems': problems,
    'keystore_tables': sorted(new.get('keystore', {})),
    'primary_file_name': new.get('keystore', {}).get('primary', {}).get('file_name'),
    'primary_type': new.get('keystore', {}).get('primary', {}).get('type'),
    'primary_alias': new.get('keystore', {}).get('primary', {}).get('alias'),
    'truststore_file_name': new.get('truststore', {}).get('file_name'),
    'internal_file_name': internal.get('file_name'),
    'internal_type': internal.get('type'),
    'internal_alias': internal.get('alias'),
    'fields': {'.'.join(path): field(path) for path in FIELDS},
    'secrets': sorted(new.get('secrets', {})),
    'plaintext_found': [number for number, password in enumerate(passwords) if password in new_raw],
}
print(json.dumps(summary))
sys.exit(1 if problems else 0)
