# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Headless Chromium (Debian's chromium package) for the report and docs checks: DOM after the scripts ran,
and screenshots.

    python tests/report/chromium.py screenshot PAGE.html OUT.png [WIDTHxHEIGHT]
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import shutil
import subprocess
import sys
import tempfile
import time

FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--hide-scrollbars']


def binary():
    for name in ('chromium', 'chromium-browser', 'google-chrome'):
        path = shutil.which(name)
        if path:
            return path
    raise RuntimeError('no headless Chromium on PATH (Debian: apt-get install chromium)')


def _run(args, timeout=120):
    profile = tempfile.mkdtemp(prefix='javasec-chromium-')
    try:
        start = time.monotonic()
        proc = subprocess.run([binary()] + FLAGS + ['--user-data-dir=' + profile] + args, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout, check=False)
        elapsed = time.monotonic() - start
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if proc.returncode != 0:
        raise RuntimeError('chromium exited %d: %s' % (proc.returncode, proc.stderr.decode('utf-8', 'replace')[-2000:]))
    return proc.stdout.decode('utf-8'), elapsed


def dom(page):
    """(the serialized DOM once the page's scripts ran, wall seconds of the whole browser run)."""
    return _run(['--dump-dom', 'file://' + os.path.abspath(page)])


def screenshot(page, png, size='1400,1000'):
    _run(['--window-size=' + size.replace('x', ','), '--screenshot=' + os.path.abspath(png),
          'file://' + os.path.abspath(page) if '://' not in page else page])
    return png


if __name__ == '__main__':
    if len(sys.argv) >= 4 and sys.argv[1] == 'screenshot':
        print(screenshot(sys.argv[2], sys.argv[3], *(sys.argv[4:5])))
    else:
        sys.exit(__doc__)
