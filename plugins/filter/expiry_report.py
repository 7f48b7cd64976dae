# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The data of the expiry_report role: one row per distinct certificate of a fleet's keystores.

Built here in Python rather than in Jinja: at fleet scale (1,000 hosts x 150 trusted CAs) a Jinja loop
that appends to a list copies it on every step, and the same operating-system CA repeated per host made a
report of 150,000 rows nobody reads. Everything here is a pure function of the keystore_info results, so it
is tested without Ansible (tests/report/).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import datetime
import json
import math

try:
    from ansible.errors import AnsibleFilterError
except ImportError:  # the benchmark and the tests import this file without Ansible
    AnsibleFilterError = ValueError

FORMAT = 2
ISO = '%Y-%m-%dT%H:%M:%SZ'
STATUSES = ('expired', 'critical', 'warning', 'ok')
KINDS = ('key', 'chain', 'trusted')
METRIC_CERT = 'javasec_keystore_certificate_not_after_timestamp_seconds'
METRIC_READABLE = 'javasec_keystore_store_readable'
METRIC_EXISTS = 'javasec_keystore_store_exists'
METRIC_GENERATED = 'javasec_keystore_report_generated_timestamp_seconds'


def _epoch(text):
    return calendar.timegm(datetime.datetime.strptime(text, ISO).timetuple())


def _status(days, warn, critical):
    if days < 0:
        return 'expired'
    if days < critical:
        return 'critical'
    if days < warn:
        return 'warning'
    return 'ok'


def _holdings(result, include_chain):
    """(alias, kind, chain_index, certificate) for each certificate of one keystore_info result."""
    for entry in result.get('entries') or []:
        kind = entry.get('type')
        if kind == 'trusted_cert':
            if entry.get('sha256'):
                yield entry['alias'], 'trusted', None, entry
        elif kind == 'private_key':
            chain = entry.get('chain') or []
            for index, cert in enumerate(chain if include_chain else chain[:1]):
                yield entry['alias'], 'key' if index == 0 else 'chain', index, cert


def build(reads, hosts, warn_days=30, critical_days=7, include_chain=True, now=None, title='Certificate expiry report',
          failed_hosts=None):
    """The report data as plain values: stores, distinct certificates with their holders, summary.

    reads[i] is what the role's read loop registered on hosts[i] (a dict with 'results'). Only the
    store's path, name and label are taken from each loop item: its password is never read.
    """
    if len(reads) != len(hosts):
        raise AnsibleFilterError('expiry_report: %d register results for %d hosts' % (len(reads), len(hosts)))
    warn, critical = int(warn_days), int(critical_days)
    if now is None:
        now = datetime.datetime.now(datetime.timezone.utc).strftime(ISO)
    generated = _epoch(now)
    stores, certs = [], {}
    for host, read in zip(hosts, reads):
        for result in (read or {}).get('results') or []:
            item = result.get('_expiry_report_store') or {}
            exists = result.get('exists')
            store = {
                'id': len(stores),
                'host': host,
                'path': item.get('path'),
                'name': item.get('name') or item.get('label') or '',
                'status': 'unreadable' if exists is None else 'ok' if exists else 'missing',
                'error': (result.get('msg') or 'unknown error') if exists is None else None,
                'store_type': result.get('store_type'),
                'entries': len(result.get('entries') or []),
                'certificates': 0,
            }
            stores.append(store)
            for alias, kind, index, cert in _holdings(result, include_chain):
                store['certificates'] += 1
                row = certs.get(cert['sha256'])
                if row is None:
                    not_after = _epoch(cert['not_after'])
                    days = int(math.floor((not_after - generated) / 86400.0))
                    row = certs[cert['sha256']] = {
                        'sha256': cert['sha256'],
                        'subject': cert.get('subject', ''),
                        'issuer': cert.get('issuer', ''),
                        'serial': cert.get('serial', ''),
                        'not_before': cert.get('not_before'),
                        'not_after': cert['not_after'],
                        'days_remaining': days,
                        'status': _status(days, warn, critical),
                        'kinds': set(),
                        '_groups': {},
                    }
                row['kinds'].add(kind)
                row['_groups'].setdefault((alias, index), []).append(store['id'])
    rows = sorted(certs.values(), key=lambda r: (r['days_remaining'], r['not_after'], r['subject'], r['sha256']))
    for row in rows:
        groups = row.pop('_groups')
        row['kinds'] = [k for k in KINDS if k in row['kinds']]
        row['holders'] = [{'alias': alias, 'chain_index': index, 'stores': ids}
                          for (alias, index), ids in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1] or 0))]
    summary = {
        'hosts': len(set(s['host'] for s in stores)),
        'stores': len(stores),
        'missing': sum(1 for s in stores if s['status'] == 'missing'),
        'unreadable': sum(1 for s in stores if s['status'] == 'unreadable'),
        'certificates': len(rows),
        'holdings': sum(s['certificates'] for s in stores),
        'trusted_only': sum(1 for r in rows if r['kinds'] == ['trusted']),
    }
    for status in STATUSES:
        summary[status] = sum(1 for r in rows if r['status'] == status)
    return {
        'format': FORMAT,
        'title': title,
        'generated_at': now,
        'warn_days': warn,
        'critical_days': critical,
        'include_chain': bool(include_chain),
        'failed_hosts': sorted(failed_hosts or []),
        'summary': summary,
        'stores': stores,
        'certificates': rows,
    }


class _Table(object):
    """Strings stored once in the page, referred to by index."""

    def __init__(self):
        self.items, self.index = [], {}

    def __call__(self, value):
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.items)
            self.items.append(value)
        return found


def page_data(data):
    """The compact form the HTML page embeds: every string once, holders as shared store sets.

    A CA trusted by every host is one row whose holders are one list of store numbers, shared with every
    other CA held by the same stores, so that 1,000 hosts x 150 CAs stays a few hundred kilobytes.
    """
    hosts, paths, names, dns, aliases, sets = _Table(), _Table(), _Table(), _Table(), _Table(), _Table()
    stores = []
    for s in data['stores']:
        stores.append([hosts(s['host']), paths(s['path']), names(s['name']), STATUS_CODES[s['status']],
                       s['store_type'] or '', s['entries'], s['certificates'], s['error']])
    certs = []
    for c in data['certificates']:
        kinds = sum(1 << KINDS.index(k) for k in c['kinds'])
        holders = [[aliases(h['alias']), -1 if h['chain_index'] is None else h['chain_index'], sets(tuple(h['stores']))]
                   for h in c['holders']]
        certs.append([c['sha256'].replace(':', ''), dns(c['subject']), dns(c['issuer']), c['serial'],
                      _epoch(c['not_before']) if c['not_before'] else None, _epoch(c['not_after']), kinds, holders])
    return {
        't': data['title'], 'g': _epoch(data['generated_at']), 'w': data['warn_days'], 'c': data['critical_days'],
        'ic': data['include_chain'], 'fh': data['failed_hosts'], 'H': hosts.items, 'P': paths.items,
        'N': names.items, 'S': stores, 'D': dns.items, 'A': aliases.items, 'X': [list(s) for s in sets.items],
        'C': certs,
    }


STATUS_CODES = {'ok': 0, 'missing': 1, 'unreadable': 2}


def script_json(value):
    """JSON that is safe inside <script type="application/json">: no '</script>', no HTML entity."""
    text = json.dumps(value, separators=(',', ':'), ensure_ascii=False)
    return (text.replace('&', '\\u0026').replace('<', '\\u003c').replace('>', '\\u003e')
            .replace(u'\u2028', '\\u2028').replace(u'\u2029', '\\u2029'))


def _label(value):
    return '"%s"' % str(value).replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')


def prometheus(data):
    """node_exporter textfile collector format: one not_after gauge per certificate held, store gauges."""
    stores = data['stores']
    lines = [
        '# HELP %s End of validity (Unix time) of a certificate held in a Java keystore.' % METRIC_CERT,
        '# TYPE %s gauge' % METRIC_CERT,
    ]
    for c in data['certificates']:
        not_after = _epoch(c['not_after'])
        for h in c['holders']:
            kind = 'trusted' if h['chain_index'] is None else 'key' if h['chain_index'] == 0 else 'chain'
            for sid in h['stores']:
                s = stores[sid]
                lines.append('%s{host=%s,store=%s,alias=%s,kind=%s,chain_index=%s} %d' % (
                    METRIC_CERT, _label(s['host']), _label(s['path']), _label(h['alias']), _label(kind),
                    _label('' if h['chain_index'] is None else h['chain_index']), not_after))
    for metric, text, value in (
            (METRIC_READABLE, '1 when the keystore was read, 0 when it is missing or cannot be read.',
             lambda s: 1 if s['status'] == 'ok' else 0),
            (METRIC_EXISTS, '1 when the keystore file exists.', lambda s: 0 if s['status'] == 'missing' else 1)):
        lines.append('# HELP %s %s' % (metric, text))
        lines.append('# TYPE %s gauge' % metric)
        for s in stores:
            lines.append('%s{host=%s,store=%s} %d' % (metric, _label(s['host']), _label(s['path']), value(s)))
    lines.append('# HELP %s When the expiry report was generated (Unix time).' % METRIC_GENERATED)
    lines.append('# TYPE %s gauge' % METRIC_GENERATED)
    lines.append('%s %d' % (METRIC_GENERATED, _epoch(data['generated_at'])))
    return '\n'.join(lines) + '\n'


def expiry_report(reads, hosts, warn_days=30, critical_days=7, include_chain=True, now=None,
                  title='Certificate expiry report', failed_hosts=None):
    data = build(reads, hosts, warn_days, critical_days, include_chain, now, title, failed_hosts)
    return {
        'summary': data['summary'],
        'generated_at': data['generated_at'],
        'failed_hosts': data['failed_hosts'],
        'json': json.dumps(data, indent=1, sort_keys=True) + '\n',
        'page': script_json(page_data(data)),
        'prometheus': prometheus(data),
    }


class FilterModule(object):
    def filters(self):
        return {'expiry_report': expiry_report}
