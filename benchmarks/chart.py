# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""SVG bar chart of a truststore benchmark result (benchmarks/truststore_bench.py), no plotting library.

    python benchmarks/chart.py benchmarks/results/truststore-<time>.json [out.svg]

Grouped horizontal bars on a log scale: for JKS and PKCS12, first run and re-run, the task time of
javasec.keystore.trusted_cert, community.general.java_cert and the wall time of a keytool loop.
"""

from __future__ import absolute_import, division, print_function

import json
import math
import sys
from xml.sax.saxutils import escape

STORE_TYPES = ('pkcs12', 'jks')
CONTENDERS = (
    ('ours', 'task', 'javasec.keystore.trusted_cert (one task)', '#2b7bb9'),
    ('java_cert', 'task', 'community.general.java_cert (loop)', '#d95f02'),
    ('keytool', 'wall', 'keytool -importcert shell loop', '#7f7f7f'),
)
PHASES = (('first', 'first run'), ('rerun', 're-run'))

LEFT, RIGHT, TOP, BAR, GAP, GROUP_GAP, WIDTH = 150, 90, 58, 14, 3, 18, 760


def _seconds(medians, name, kind):
    value = (medians.get(name) or {}).get(kind)
    return value if value and value > 0 else None


def import_chart(result, title=None):
    """SVG text of the import section of a benchmark result (dict as written to the JSON file)."""
    medians = result['import']['medians']
    groups = []
    for store_type in STORE_TYPES:
        for phase, label in PHASES:
            bars = [(text, colour, _seconds(medians, '%s %s %s' % (key, store_type, phase), kind))
                    for key, kind, text, colour in CONTENDERS]
            groups.append(('%s, %s' % (store_type.upper(), label), bars))
    values = [entry[2] for group in groups for entry in group[1] if entry[2]]
    low = 10 ** math.floor(math.log10(min(values)))
    high = 10 ** math.ceil(math.log10(max(values)))
    span = WIDTH - LEFT - RIGHT

    def x(value):
        return LEFT + span * (math.log10(value) - math.log10(low)) / (math.log10(high) - math.log10(low))

    height = TOP + len(groups) * (3 * (BAR + GAP) + GROUP_GAP) + 40
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
           'font-family="sans-serif" font-size="12">' % (WIDTH, height, WIDTH, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="20" font-size="14" font-weight="bold">%s</text>' % (
               LEFT, escape(title or 'Import the OS CA bundle into a truststore: seconds, log scale'))]
    lx = 20
    for text, colour, dummy in groups[0][1]:
        out.append('<rect x="%d" y="30" width="10" height="10" fill="%s"/>' % (lx, colour))
        out.append('<text x="%d" y="39" font-size="11">%s</text>' % (lx + 14, escape(text)))
        lx += 14 + int(len(text) * 6.2) + 18  # about 6 px a character at 11 px
    decade = low
    bottom = height - 30
    while decade <= high:
        gx = x(decade)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (gx, TOP - 6, gx, bottom))
        out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s s</text>' % (
            gx, bottom + 14, ('%g' % decade)))
        decade *= 10
    y = TOP
    for label, bars in groups:
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (LEFT - 8, y + 1.5 * (BAR + GAP) + 4,
                                                                        escape(label)))
        for dummy, colour, value in bars:
            if value:
                out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>' % (
                    LEFT, y, max(x(value) - LEFT, 1), BAR, colour))
                out.append('<text x="%.1f" y="%d" font-size="11">%s</text>' % (
                    x(value) + 4, y + BAR - 3, ('%.2f s' % value) if value < 10 else ('%.0f s' % value)))
            else:
                out.append('<text x="%d" y="%d" font-size="11" fill="#999">not measured</text>'
                           % (LEFT + 4, y + BAR - 3))
            y += BAR + GAP
        y += GROUP_GAP
    out.append('</svg>')
    return '\n'.join(out) + '\n'


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    with open(argv[1]) as handle:
        result = json.load(handle)
    target = argv[2] if len(argv) > 2 else argv[1].rsplit('.', 1)[0] + '.svg'
    with open(target, 'w') as handle:
        handle.write(import_chart(result))
    print(target)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
