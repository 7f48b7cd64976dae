# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A synthetic fleet as the expiry_report role's read loop registers it, for the report's scale tests.

Each host has a keystore with two key entries (server, client: leaf + the shared intermediate CA) and a
truststore with the same 150 CAs (an operating-system bundle), as keystore_info returns them. Dates are
relative to NOW, so that every status occurs: expired and expiring CAs, critical and warning leaves.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import importlib.util
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
NOW = '2026-11-30T10:00:00Z'
PASSWORD = 'fleet-Secret-9'
ORGS = ['DigiCert', 'GlobalSign', 'Sectigo', 'Entrust', 'ISRG', 'Amazon', 'Microsoft', 'Buypass', 'Certum', 'QuoVadis',
        'SSL.com', 'Actalis', 'Atos', 'D-TRUST', 'HARICA']


def load_filter():
    spec = importlib.util.spec_from_file_location(
        'expiry_report_filter', os.path.join(REPO, 'plugins', 'filter', 'expiry_report.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _iso(days, seconds=0):
    base = datetime.datetime.strptime(NOW, '%Y-%m-%dT%H:%M:%SZ')
    return (base + datetime.timedelta(days=days, seconds=seconds)).strftime('%Y-%m-%dT%H:%M:%SZ')


def cert(name, issuer, days, serial):
    sha = hashlib.sha256(name.encode()).hexdigest().upper()
    return {
        'subject': name, 'issuer': issuer, 'serial': serial,
        'not_before': _iso(days - 398 if days < 1000 else -3650), 'not_after': _iso(days, 3600),
        'days_remaining': days, 'sha256': ':'.join(sha[i:i + 2] for i in range(0, 64, 2)),
    }


def trusted_cas(count=150):
    cas = []
    for n in range(count):
        # two expired, one critical, two warning, the rest 1 to 20 years
        days = {0: -40, 1: -3, 2: 4, 3: 12, 4: 25}.get(n, 400 + (n * 97) % 7000)
        name = 'CN=%s Root CA %d,O=%s,C=US' % (ORGS[n % len(ORGS)], n, ORGS[n % len(ORGS)])
        cas.append(('%sroot%d' % (ORGS[n % len(ORGS)].lower().replace('.', '').replace('-', ''), n),
                    cert(name, name, days, '%040X' % (n * 7919 + 1))))
    return cas


def fleet(hosts=1000, cas=150, domain='example.com'):
    """(host names, registered results) of a fleet."""
    trusted = trusted_cas(cas)
    intermediate = cert('CN=Example Issuing CA 1,O=Example,C=DE', 'CN=Example Root CA,O=Example,C=DE', 900, '1F' * 16)
    names, reads = [], []
    for h in range(hosts):
        host = 'app%04d.%s' % (h, domain)
        names.append(host)
        entries = []
        for k, alias in enumerate(('server', 'client')):
            # a few critical and warning leaves, the others 31..397 days
            days = 2 if h % 250 == 7 and k == 0 else 20 + h % 7 if h % 100 == 3 else 31 + (h * 37 + k * 101) % 366
            leaf = cert('CN=%s.%s,OU=%s,O=Example,C=DE' % (alias, host, alias), intermediate['subject'], days,
                        '%032X%08X' % (h, k))
            entries.append({'alias': alias, 'type': 'private_key', 'chain_length': 2, 'chain': [leaf, intermediate]})
        keystore = {'exists': True, 'store_type': 'pkcs12', 'entries': entries,
                    '_expiry_report_store': {'path': '/opt/app/conf/keystore.p12', 'password': PASSWORD,
                                             'name': 'server keystore'}}
        truststore = {'exists': True, 'store_type': 'jks',
                      'entries': [dict(c, alias=a, type='trusted_cert') for a, c in trusted],
                      '_expiry_report_store': {'path': '/opt/app/conf/truststore.jks', 'password': PASSWORD,
                                               'label': 'truststore'}}
        reads.append({'results': [keystore, truststore]})
    return names, reads


def render_page(report, title='Certificate expiry report'):
    """expiry-report.html as the role's template writes it (plain Jinja2: the template uses only | e)."""
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(os.path.join(REPO, 'roles', 'expiry_report', 'templates')),
                             autoescape=False)
    return env.get_template('expiry-report.html.j2').render(
        expiry_report_title=title, _expiry_report_built=report)
