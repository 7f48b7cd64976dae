# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The expiry report at fleet scale: 1,000 hosts x (150 trusted CAs + 2 key entries), from the filter plugin
to the page in headless Chromium, and its Prometheus text parsed by prometheus_client.

Run by the docs stage of scripts/test (its venv has prometheus_client, jinja2 and Debian's chromium).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import calendar
import json
import os
import re
import sys
import time

import pytest
from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import chromium  # noqa: E402
import fleet  # noqa: E402

FILTER = fleet.load_filter()
HOSTS, CAS = 1000, 150
PAGE_LIMIT = 1000 * 1000
RENDER_LIMIT_MS = 2000


def epoch(text):
    return calendar.timegm(time.strptime(text, '%Y-%m-%dT%H:%M:%SZ'))


@pytest.fixture(scope='module')
def big():
    names, reads = fleet.fleet(HOSTS, CAS)
    start = time.monotonic()
    report = FILTER.expiry_report(reads, names, now=fleet.NOW, failed_hosts=['down01.example.com'])
    seconds = time.monotonic() - start
    print('\nfilter: %d hosts in %.2f s' % (HOSTS, seconds))
    return names, reads, report


@pytest.fixture(scope='module')
def page(big, tmp_path_factory):
    path = str(tmp_path_factory.mktemp('report') / 'expiry-report.html')
    with open(path, 'w') as handle:
        handle.write(fleet.render_page(big[2]))
    return path


def test_one_row_per_distinct_certificate(big):
    names, reads, report = big
    data = json.loads(report['json'])
    rows = data['certificates']
    # 150 CAs + 2 leaves per host + the one intermediate CA shared by every chain
    assert len(rows) == CAS + 2 * HOSTS + 1
    assert data['summary']['holdings'] == HOSTS * (CAS + 4)
    assert data['summary']['trusted_only'] == CAS
    assert data['summary']['stores'] == 2 * HOSTS and data['summary']['hosts'] == HOSTS
    assert [r['not_after'] for r in rows] == sorted(r['not_after'] for r in rows)
    assert rows[0]['status'] == 'expired' and rows[0]['kinds'] == ['trusted']
    ca = next(r for r in rows if r['subject'].startswith('CN=DigiCert Root CA 0,'))
    assert ca['holders'] == [{'alias': 'digicertroot0', 'chain_index': None,
                              'stores': list(range(1, 2 * HOSTS, 2))}]
    intermediate = next(r for r in rows if r['subject'].startswith('CN=Example Issuing CA 1'))
    assert intermediate['kinds'] == ['chain']
    assert [(h['alias'], h['chain_index'], len(h['stores'])) for h in intermediate['holders']] == [
        ('client', 1, HOSTS), ('server', 1, HOSTS)]
    leaf = next(r for r in rows if r['subject'].startswith('CN=server.app0007.'))
    assert leaf['status'] == 'critical' and leaf['days_remaining'] == 2
    assert data['stores'][leaf['holders'][0]['stores'][0]]['host'] == 'app0007.example.com'
    assert data['failed_hosts'] == ['down01.example.com']
    for text in (report['json'], report['page'], report['prometheus']):
        assert fleet.PASSWORD not in text


def test_page_embeds_the_same_rows(big):
    data = json.loads(big[2]['json'])
    page = json.loads(big[2]['page'])
    assert [c[0] for c in page['C']] == [r['sha256'].replace(':', '') for r in data['certificates']]
    assert [page['D'][c[1]] for c in page['C']] == [r['subject'] for r in data['certificates']]
    assert [c[5] for c in page['C']] == [epoch(r['not_after']) for r in data['certificates']]
    # the CAs trusted by every host share one list of stores
    trusted = [c for c in page['C'] if c[6] == 4]
    assert len(trusted) == CAS and len(set(c[7][0][2] for c in trusted)) == 1


def test_page_size(page):
    size = os.path.getsize(page)
    print('\npage: %d bytes' % size)
    assert size < PAGE_LIMIT


def test_markup_in_data_cannot_escape_the_script():
    names, reads = fleet.fleet(2, 1)
    reads[0]['results'][0]['_expiry_report_store']['name'] = '</script><script>alert(1)</script>'
    html = fleet.render_page(FILTER.expiry_report(reads, names, now=fleet.NOW), title='<b>T</b> & "x"')
    assert html.count('</script>') == 2 and '<b>T</b>' not in html
    assert '&lt;b&gt;T&lt;/b&gt; &amp; &#34;x&#34;' in html


def test_renders_in_chromium(page):
    dom, wall = chromium.dom(page)
    body = re.search(r'<body[^>]*>', dom).group(0)
    render_ms = int(re.search(r'data-render-ms="(\d+)"', body).group(1))
    rows = re.findall(r'<tr class="cert status-(\w+)" data-i="(\d+)"', dom)
    print('\nchromium: render %d ms (script: parse, decode, filter, sort, draw, layout), whole browser run %.2f s, '
          '%d rows drawn' % (render_ms, wall, len(rows)))
    assert render_ms < RENDER_LIMIT_MS
    # the first screen: soonest first, trusted-only CAs folded into one row, the timeline limited to what
    # needs attention (2 expired, 5 critical and 22 warning certificates here: 29 bars)
    assert len(rows) == 100
    assert rows[0] == ('critical', str(next(i for i, c in enumerate(json.loads(open_data(dom))['C']) if c[6] != 4)))
    assert re.search(r'<tr class="fold" id="fold"><td colspan="7">[^<]*150 trusted certificates', dom)
    assert len(re.findall(r'<g class="bar status-\w+"><title>', dom)) == 29
    assert 'Show 200 more (1901 not shown)' in dom
    assert 'down01.example.com' in re.search(r'<div id="failed">.*?</div>', dom, re.S).group(0)


def open_data(dom):
    return re.search(r'<script type="application/json" id="report-data">(.*?)</script>', dom, re.S).group(1)


def test_prometheus_series_count(big):
    text = big[2]['prometheus']
    print('\nprometheus: %d bytes, %d lines' % (len(text), text.count('\n')))
    assert len(re.findall(r'(?m)^javasec_keystore_certificate_not_after_timestamp_seconds\{', text)) == HOSTS * (CAS + 4)


def test_prometheus_textfile():
    # prometheus_client parses some 2,000 samples a second: 100 hosts, the 1,000-host file is counted above
    hosts = 100
    names, reads = fleet.fleet(hosts, CAS)
    report = FILTER.expiry_report(reads, names, now=fleet.NOW)
    data = json.loads(report['json'])
    families = {f.name: f for f in text_string_to_metric_families(report['prometheus'])}
    cert = families['javasec_keystore_certificate_not_after_timestamp_seconds']
    assert cert.type == 'gauge'
    assert len(cert.samples) == hosts * (CAS + 4)
    labels = set(tuple(sorted(s.labels.items())) for s in cert.samples)
    assert len(labels) == len(cert.samples), 'duplicate series'
    by_key = dict(((s.labels['host'], s.labels['alias'], s.labels['chain_index']), s) for s in cert.samples)
    leaf = by_key[('app0007.example.com', 'server', '0')]
    expected = next(r for r in data['certificates'] if r['subject'].startswith('CN=server.app0007.'))
    assert leaf.value == epoch(expected['not_after'])
    assert leaf.labels == {'host': 'app0007.example.com', 'store': '/opt/app/conf/keystore.p12', 'alias': 'server',
                           'kind': 'key', 'chain_index': '0'}
    assert by_key[('app0007.example.com', 'server', '1')].labels['kind'] == 'chain'
    assert by_key[('app0099.example.com', 'digicertroot0', '')].labels['kind'] == 'trusted'
    readable = families['javasec_keystore_store_readable']
    assert readable.type == 'gauge' and len(readable.samples) == 2 * hosts
    assert set(s.value for s in readable.samples) == {1.0}
    assert families['javasec_keystore_report_generated_timestamp_seconds'].samples[0].value == epoch(fleet.NOW)


def test_prometheus_labels_are_escaped_and_stores_counted():
    names, reads = fleet.fleet(2, 1)
    names[0] = 'odd"host\\name'
    reads[0]['results'][0]['_expiry_report_store']['path'] = '/srv/a "quoted"\npath.p12'
    reads[1]['results'][0] = {'exists': False, 'entries': [], '_expiry_report_store': {'path': '/missing.p12'}}
    reads[1]['results'][1] = {'failed': True, 'msg': '/t.jks: keystore password was incorrect',
                              '_expiry_report_store': {'path': '/t.jks'}}
    text = FILTER.expiry_report(reads, names, now=fleet.NOW)['prometheus']
    families = {f.name: f for f in text_string_to_metric_families(text)}
    hosts = set(s.labels['host'] for s in families['javasec_keystore_certificate_not_after_timestamp_seconds'].samples)
    assert hosts == {'odd"host\\name'}
    stores = dict((s.labels['store'], s.value) for s in families['javasec_keystore_store_readable'].samples)
    assert stores == {'/srv/a "quoted"\npath.p12': 1, '/opt/app/conf/truststore.jks': 1, '/missing.p12': 0, '/t.jks': 0}
    exists = dict((s.labels['store'], s.value) for s in families['javasec_keystore_store_exists'].samples)
    assert exists['/missing.p12'] == 0 and exists['/t.jks'] == 1
