"""Compare a deployment.toml with the stock one: valid TOML, unmanaged tables and comments unchanged.

Usage: compare_toml.py STOCK NEW -> prints a JSON summary; exits 1 when something other than the managed
tables ([keystore.*], [truststore]) changed or the file is not valid TOML.
"""
import json
import sys
import tomllib

MANAGED = ('keystore', 'truststore')

with open(sys.argv[1], 'rb') as handle:
    stock = tomllib.load(handle)
with open(sys.argv[2], 'rb') as handle:
    new = tomllib.load(handle)
stock_text = open(sys.argv[1]).read().splitlines()
new_text = open(sys.argv[2]).read().splitlines()

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
summary = {
    'problems': problems,
    'keystore_tables': sorted(new.get('keystore', {})),
    'primary_file_name': new.get('keystore', {}).get('primary', {}).get('file_name'),
    'primary_type': new.get('keystore', {}).get('primary', {}).get('type'),
    'primary_alias': new.get('keystore', {}).get('primary', {}).get('alias'),
    'primary_password_matches': new.get('keystore', {}).get('primary', {}).get('password') == sys.argv[3],
    'primary_key_password_matches': new.get('keystore', {}).get('primary', {}).get('key_password') == sys.argv[3],
    'truststore_file_name': new.get('truststore', {}).get('file_name'),
    'truststore_password_matches': new.get('truststore', {}).get('password') == sys.argv[3],
}
print(json.dumps(summary))
sys.exit(1 if problems else 0)
