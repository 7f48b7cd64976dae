# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Worker of test_interop_concurrency: THREADS writers, each adding one trusted certificate to a store
with a full locked read-modify-write, all started at once (after GO_FILE appears).

Usage: python concurrent_writer.py STORE PASSWORD CERT_DIR FIRST COUNT GO_FILE
(the password comes from the environment variable JAVASEC_TEST_PASSWORD when PASSWORD is '-').
Prints 'ready' when its threads wait for GO_FILE, then 'written N'. Exit code 1 on any error.
"""

from __future__ import absolute_import, division, print_function

import os
import sys
import threading
import time
import traceback

from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _files as files
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model


def main():
    store, password, cert_dir, first, count, go_file = sys.argv[1:7]
    if password == '-':
        password = os.environ['JAVASEC_TEST_PASSWORD']
    first, count = int(first), int(count)
    barrier = threading.Barrier(count)
    errors = []
    written = []

    def writer(number):
        alias = 'cert-%03d' % number
        with open(os.path.join(cert_dir, '%03d.der' % number), 'rb') as handle:
            cert = handle.read()
        try:
            barrier.wait(timeout=120)
            with files.locked(store):
                current = codec.load_bytes(files.read_file(store), password)
                current.add(model.TrustedCertEntry(alias, cert))
                files.write_atomic(store, codec.dump_bytes(current, password))
            written.append(alias)
        except Exception:
            errors.append('%s: %s' % (alias, traceback.format_exc()))

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(first, first + count)]
    print('ready', flush=True)
    deadline = time.time() + 120
    while not os.path.exists(go_file):
        if time.time() > deadline:
            print('no go file', flush=True)
            return 1
        time.sleep(0.005)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for error in errors:
        print(error, flush=True)
    print('written %d' % len(written), flush=True)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
