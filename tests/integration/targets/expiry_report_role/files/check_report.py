# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Structure of an expiry-report.html, as JSON on stdout, for the assertions of the expiry_report target.

Parses the whole page with html.parser (tags must nest and close), decodes the report data embedded in
<script type="application/json" id="report-data"> (the page's script draws the tables from it in the browser;
tests/report/ checks that in Chromium), and lists the scripts and every http(s) reference.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re
import sys
from html.parser import HTMLParser

VOID = {'area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr'}


class Report(HTMLParser):
    def __init__(self):
        super(Report, self).__init__(convert_charrefs=True)
        self.stack = []
        self.errors = []
        self.tables = {}
        self.table = None
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in VOID:
            self.stack.append(tag)
        if tag == 'table':
            self.table = attrs.get('id')
            self.tables[self.table] = []
        elif tag == 'tr' and self.table and 'tbody' in self.stack:
            # cells: the text of each cell; heads: its first line (before a <br>, e.g. the alias)
            self.row = {'class': attrs.get('class', ''), 'id': attrs.get('id'), 'cells': [], 'heads': []}
        elif tag == 'td' and self.row is not None:
            self.cell = []
        elif tag == 'br':
            self.handle_starttag_br()

    def handle_startendtag(self, tag, attrs):
        # <rect/> and friends in the inline SVG: no end tag to wait for.
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append('line %d: </%s> closes <%s>' % (self.getpos()[0], tag, self.stack[-1] if self.stack else ''))
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if tag == 'td' and self.cell is not None:
            chunks = [' '.join(c.split()) for c in self.cell]
            chunks = [c for c in chunks if c]
            self.row['cells'].append(' '.join(chunks))
            self.row['heads'].append(chunks[0] if chunks else '')
            self.cell = None
        elif tag == 'tr' and self.row is not None:
            self.tables[self.table].append(self.row)
            self.row = None
        elif tag == 'table':
            self.table = None

    def handle_starttag_br(self):
        if self.cell is not None:
            self.cell.append('')

    def handle_data(self, data):
        if self.cell is not None:
            if self.cell and self.cell[-1] == '':
                self.cell[-1] = data
            elif self.cell:
                self.cell[-1] += data
            else:
                self.cell.append(data)


def main():
    with open(sys.argv[1], 'rb') as f:
        text = f.read().decode('utf-8')
    parser = Report()
    parser.feed(text)
    parser.close()
    if parser.stack:
        parser.errors.append('unclosed at the end: %s' % ', '.join(parser.stack))

    data = re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text, re.S)
    print(json.dumps({
        'errors': parser.errors,
        'tables': parser.tables,
        'data': json.loads(data.group(1)) if data else None,
        # the raw embedded text: what the page's HTML parser sees, so markup in it must be escaped
        'data_text': data.group(1) if data else '',
        'urls': sorted(set(re.findall(r'''https?://[^\s"'<>)\\]*''', text))),
        'scripts': re.findall(r'<script\b[^>]*>', text, re.I),
        'external_attributes': re.findall(r'''(?:src|href)\s*=\s*["'](?!#)[^"']*''', text),
    }))


if __name__ == '__main__':
    main()
