#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Truststore benchmark of javasec.keystore.trusted_cert (not part of the test suite).

Measures, in one run and side by side (medians of --runs runs, interleaved so that machine load
hits every contender alike):

* import: the OS CA bundle into an empty JKS and PKCS12 truststore, then the same again with
  nothing to change, by
    (a) javasec.keystore.trusted_cert - one task (ansible-playbook against localhost)
    (b) community.general.java_cert   - one task per certificate (loop)
    (c) a keytool -importcert shell loop (re-run: keytool -list per alias, import when missing)
  Times are reported both as the wall time of the whole command (ansible-playbook start-up
  included) and as the time of the task(s) alone (from a timing callback).
* scaling: engine load + add one certificate + save, for stores of 100, 1,000, 10,000 entries.
* overhead: a no-op trusted_cert task vs ansible.builtin.stat on the same host.

community.general is taken from the `ansible` package on PyPI (pip download --no-deps, extracted
into benchmarks/results/cache/, which git ignores) unless --collections-path already has it.

Usage:  python benchmarks/truststore_bench.py [--runs 3] [--sections import,scaling,overhead]
The Python running this script must have ansible-core and cryptography; it is also the
Python of the managed node (localhost). Results: a table on stdout and JSON in benchmarks/results/.
"""

from __future__ import absolute_import, division, print_function

import argparse
import datetime
import glob
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, 'results')
CACHE = os.path.join(RESULTS, 'cache')
PASSWORD = 'changeit'
STORE_TYPES = ('pkcs12', 'jks')

CALLBACK = '''
from __future__ import absolute_import, division, print_function
__metaclass__ = type
import json
import os
import time
from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'bench_timer'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self.rows = []
        self.current = None

    def _close(self):
        if self.current is not None:
            self.rows.append([self.current[0], time.perf_counter() - self.current[1]])
            self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self.current = (task.get_name(), time.perf_counter())

    def v2_playbook_on_stats(self, stats):
        self._close()
        with open(os.environ['BENCH_TIMER_OUT'], 'w') as handle:
            json.dump(self.rows, handle)
'''


# ---- environment -------------------------------------------------------------------------


def run(argv, env=None, check=True, **kwargs):
    return subprocess.run(argv, env=env, check=check, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, **kwargs)


def machine():
    cpu = ''
    try:
        with open('/proc/cpuinfo') as handle:
            for line in handle:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except IOError:
        cpu = platform.processor()
    java = run(['java', '-version'], check=False).stderr.splitlines()
    ansible = run([ansible_bin('ansible-playbook'), '--version'], check=False).stdout.splitlines()
    commit = run(['git', '-C', REPO, 'rev-parse', 'HEAD'], check=False).stdout.strip()
    return {
        'commit': commit or None,
        'nproc': os.cpu_count(),
        'cpu': cpu,
        'os': platform.platform(),
        'python': platform.python_version(),
        'java': java[0] if java else None,
        'ansible': ansible[0] if ansible else None,
        'load_average_at_start': list(os.getloadavg()),
    }


def ansible_bin(name):
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.path.exists(candidate) else (shutil.which(name) or name)


def community_general(paths):
    """A collections directory holding community.general (downloaded once into the cache)."""
    for path in paths:
        if os.path.exists(os.path.join(path, 'ansible_collections', 'community', 'general', 'plugins', 'modules',
                                       'java_cert.py')):
            return path
    target = os.path.join(CACHE, 'collections')
    if os.path.exists(os.path.join(target, 'ansible_collections', 'community', 'general')):
        return target
    download = os.path.join(CACHE, 'download')
    if not os.path.isdir(download):
        os.makedirs(download)
    wheels = glob.glob(os.path.join(download, 'ansible-12.*.whl'))
    if not wheels:
        print('downloading the ansible 12.x package (for community.general) into %s' % download)
        run([sys.executable, '-m', 'pip', 'download', '--no-deps', '--only-binary', ':all:', '-d', download,
             'ansible==12.*'])
        wheels = glob.glob(os.path.join(download, 'ansible-12.*.whl'))
    prefix = 'ansible_collections/community/general/'
    with zipfile.ZipFile(sorted(wheels)[-1]) as wheel:
        for name in wheel.namelist():
            if name.startswith(prefix):
                wheel.extract(name, target)
    return target


def community_general_version(path):
    with open(os.path.join(path, 'ansible_collections', 'community', 'general', 'MANIFEST.json')) as handle:
        return json.load(handle)['collection_info']['version']


class Ansible(object):
    """Runs playbooks against localhost with this Python and a timing callback."""

    def __init__(self, workdir, collections):
        self.workdir = workdir
        own = os.path.join(workdir, 'collections')
        os.makedirs(os.path.join(own, 'ansible_collections', 'javasec'))
        os.symlink(REPO, os.path.join(own, 'ansible_collections', 'javasec', 'keystore'))
        callbacks = os.path.join(workdir, 'callback_plugins')
        os.makedirs(callbacks)
        with open(os.path.join(callbacks, 'bench_timer.py'), 'w') as handle:
            handle.write(CALLBACK)
        self.inventory = os.path.join(workdir, 'inventory')
        with open(self.inventory, 'w') as handle:
            handle.write('localhost ansible_connection=local ansible_python_interpreter=%s\n' % sys.executable)
        self.env = dict(os.environ)
        self.env.update(
            ANSIBLE_COLLECTIONS_PATH=os.pathsep.join([own] + collections),
            ANSIBLE_CALLBACK_PLUGINS=callbacks,
            ANSIBLE_CALLBACKS_ENABLED='bench_timer',
            ANSIBLE_DISPLAY_OK_HOSTS='false',
            ANSIBLE_DISPLAY_SKIPPED_HOSTS='false',
            ANSIBLE_LOCALHOST_WARNING='false',
            ANSIBLE_DEPRECATION_WARNINGS='false',
            ANSIBLE_ACTION_WARNINGS='false',
            ANSIBLE_SYSTEM_WARNINGS='false',
            ANSIBLE_RETRY_FILES_ENABLED='false',
            ANSIBLE_HOST_KEY_CHECKING='false',
        )

    def playbook(self, name, tasks, extra_vars=None):
        path = os.path.join(self.workdir, name + '.yml')
        with open(path, 'w') as handle:
            json.dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}], handle, indent=1)
        argv = [ansible_bin('ansible-playbook'), '-i', self.inventory, path]
        if extra_vars:
            vars_file = os.path.join(self.workdir, name + '.vars.json')
            with open(vars_file, 'w') as handle:
                json.dump(extra_vars, handle)
            argv += ['-e', '@' + vars_file]
        return argv

    def time(self, argv):
        """(wall seconds, [(task name, seconds)...]) of one ansible-playbook run."""
        out = os.path.join(self.workdir, 'timer.json')
        env = dict(self.env, BENCH_TIMER_OUT=out)
        start = time.perf_counter()
        proc = run(argv, env=env, check=False)
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError('%s failed:\n%s\n%s' % (' '.join(argv), proc.stdout[-3000:], proc.stderr[-3000:]))
        with open(out) as handle:
            return wall, json.load(handle)


# ---- the bundle --------------------------------------------------------------------------


def import_collection(workdir):
    path = os.path.join(workdir, 'collections')
    if path not in sys.path:
        sys.path.insert(0, path)


def split_bundle(bundle, directory):
    """One PEM file per certificate of the bundle, with the alias trusted_cert would derive."""
    import_collection(os.path.dirname(directory))
    from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
    with open(bundle, 'rb') as handle:
        ders = certs.load_certificates(handle.read(), bundle)
    os.makedirs(directory)
    items, seen = [], set()
    for der in ders:
        if der in seen:
            continue
        seen.add(der)
        alias = certs.derive_alias(der)
        path = os.path.join(directory, alias + '.pem')
        with open(path, 'w') as handle:
            handle.write(certs.pem(der))
        items.append({'alias': alias, 'path': path})
    return items


def shell_loop(path, items, store, store_type, idempotent):
    lines = ['#!/bin/bash', 'set -e']
    for item in items:
        cmd = ('keytool -importcert -noprompt -alias %s -file %s -keystore %s -storepass %s -storetype %s >/dev/null 2>&1'
               % (item['alias'], item['path'], store, PASSWORD, store_type.upper()))
        if idempotent:
            cmd = ('keytool -list -alias %s -keystore %s -storepass %s >/dev/null 2>&1 || %s'
                   % (item['alias'], store, PASSWORD, cmd))
        lines.append(cmd)
    with open(path, 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    return ['bash', path]


def keytool_count(store):
    out = run(['keytool', '-list', '-keystore', store, '-storepass', PASSWORD]).stdout
    match = re.search(r'Your keystore contains ([0-9]+) entr', out)
    return int(match.group(1)) if match else None


# ---- sections ----------------------------------------------------------------------------


def median(values):
    return statistics.median(values) if values else None


def bench_import(ansible, workdir, bundle, runs, java_cert_runs):
    items = split_bundle(bundle, os.path.join(workdir, 'certs'))
    print('import: %d distinct certificates from %s' % (len(items), bundle))
    samples = {}

    def record(key, wall, tasks):
        samples.setdefault(key, {'wall': [], 'task': []})
        samples[key]['wall'].append(wall)
        samples[key]['task'].append(sum(t[1] for t in tasks))

    counts = {}
    for number in range(runs):
        for store_type in STORE_TYPES:
            ext = 'p12' if store_type == 'pkcs12' else 'jks'
            stores = dict((tool, os.path.join(workdir, '%s-%d.%s' % (tool, number, ext)))
                          for tool in ('ours', 'java_cert', 'keytool'))
            ours = ansible.playbook('ours-' + store_type, [{
                'name': 'trusted_cert', 'javasec.keystore.trusted_cert': {
                    'path': stores['ours'], 'password': PASSWORD, 'store_type': store_type, 'bundle_path': bundle}}])
            java_cert = ansible.playbook('java_cert-' + store_type, [{
                'name': 'java_cert', 'loop': '{{ bench_certs }}', 'loop_control': {'label': '{{ item.alias }}'},
                'community.general.java_cert': {
                    'cert_path': '{{ item.path }}', 'cert_alias': '{{ item.alias }}', 'keystore_path': stores['java_cert'],
                    'keystore_pass': PASSWORD, 'keystore_create': True, 'keystore_type': store_type}}],
                {'bench_certs': items})
            for phase in ('first', 'rerun'):
                wall, tasks = ansible.time(ours)
                record(('ours', store_type, phase), wall, tasks)
                if number < java_cert_runs:
                    wall, tasks = ansible.time(java_cert)
                    record(('java_cert', store_type, phase), wall, tasks)
                script = shell_loop(os.path.join(workdir, 'loop-%s-%s.sh' % (store_type, phase)), items,
                                    stores['keytool'], store_type, phase == 'rerun')
                start = time.perf_counter()
                run(script)
                wall = time.perf_counter() - start
                record(('keytool', store_type, phase), wall, [['loop', wall]])
                print('  run %d %-6s %-5s ours %.2fs  java_cert %s  keytool loop %.1fs' % (
                    number + 1, store_type, phase, samples[('ours', store_type, phase)]['wall'][-1],
                    '%.1fs' % samples[('java_cert', store_type, phase)]['wall'][-1] if number < java_cert_runs else '-',
                    wall))
                sys.stdout.flush()
            for tool, store in stores.items():
                if os.path.exists(store):
                    counts['%s %s' % (tool, store_type)] = keytool_count(store)
    out = {'certificates': len(items), 'entries_written': counts, 'runs': runs, 'java_cert_runs': java_cert_runs,
           'samples': dict(('%s %s %s' % k, v) for k, v in samples.items()), 'medians': {}, 'ratios': {}}
    for key, value in samples.items():
        out['medians']['%s %s %s' % key] = {'wall': median(value['wall']), 'task': median(value['task'])}
    for store_type in STORE_TYPES:
        for phase in ('first', 'rerun'):
            ours = out['medians']['ours %s %s' % (store_type, phase)]
            for other in ('java_cert', 'keytool'):
                theirs = out['medians'].get('%s %s %s' % (other, store_type, phase))
                if theirs:
                    out['ratios']['%s/ours %s %s' % (other, store_type, phase)] = {
                        'wall': theirs['wall'] / ours['wall'], 'task': theirs['task'] / ours['task']}
    return out


def bench_scaling(workdir, runs):
    import_collection(workdir)
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
    from ansible_collections.javasec.keystore.plugins.module_utils import _model as model
    from ansible_collections.javasec.keystore.plugins.module_utils import _truststore as truststore

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)

    def cert(number):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, u'Scaling CA %d' % number)])
        return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(number + 1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER))

    sizes = (100, 1000, 10000)
    pool = [cert(n) for n in range(max(sizes) + 1)]
    out = {}
    for store_type in STORE_TYPES:
        for size in sizes:
            store = model.Keystore(store_type)
            for number in range(size):
                store.add(model.TrustedCertEntry('ca-%d' % number, pool[number], 1700000000000))
            data = codec.dump_bytes(store, PASSWORD)
            new = truststore.candidate(pool[size], 'benchmark')
            phases = {'load': [], 'plan+add': [], 'save': [], 'total': []}
            for dummy in range(max(runs, 3)):
                t0 = time.perf_counter()
                loaded = codec.load_bytes(data, PASSWORD)
                t1 = time.perf_counter()
                plan = truststore.plan_present(loaded, [new], False)
                truststore.apply_plan(loaded, plan)
                t2 = time.perf_counter()
                written = codec.dump_bytes(loaded, PASSWORD)
                t3 = time.perf_counter()
                assert len(loaded.entries) == size + 1 and written
                for name, value in (('load', t1 - t0), ('plan+add', t2 - t1), ('save', t3 - t2), ('total', t3 - t0)):
                    phases[name].append(value)
            out['%s %d' % (store_type, size)] = dict((k, median(v)) for k, v in phases.items())
            out['%s %d' % (store_type, size)]['bytes'] = len(data)
            print('  scaling %-6s %6d entries: %.3fs' % (store_type, size, out['%s %d' % (store_type, size)]['total']))
            sys.stdout.flush()
    for store_type in STORE_TYPES:
        for small, big in ((100, 1000), (1000, 10000)):
            ratio = out['%s %d' % (store_type, big)]['total'] / out['%s %d' % (store_type, small)]['total']
            out['%s %dx%d ratio' % (store_type, big, small)] = ratio
    return out


def bench_overhead(ansible, workdir, bundle, runs):
    small = os.path.join(workdir, 'overhead-small.p12')
    large = os.path.join(workdir, 'overhead-large.p12')
    cert_dir = os.path.join(workdir, 'certs')
    one = sorted(glob.glob(os.path.join(cert_dir, '*.pem')))[0] if os.path.isdir(cert_dir) else None
    if one is None:
        one = split_bundle(bundle, cert_dir)[0]['path']
    repeat = max(10, runs * 4)
    setup = [
        {'name': 'setup small', 'javasec.keystore.trusted_cert': {'path': small, 'password': PASSWORD,
                                                                  'certificates': [{'path': one}]}},
        {'name': 'setup large', 'javasec.keystore.trusted_cert': {'path': large, 'password': PASSWORD,
                                                                  'bundle_path': bundle}},
    ]
    tasks = list(setup)
    for number in range(repeat):
        tasks.append({'name': 'stat %d' % number, 'ansible.builtin.stat': {'path': small}})
        tasks.append({'name': 'noop %d' % number, 'javasec.keystore.trusted_cert': {
            'path': small, 'password': PASSWORD, 'certificates': [{'path': one}]}})
        tasks.append({'name': 'noop-bundle %d' % number, 'javasec.keystore.trusted_cert': {
            'path': large, 'password': PASSWORD, 'bundle_path': bundle}})
    wall, rows = ansible.time(ansible.playbook('overhead', tasks))
    by_kind = {}
    for name, seconds in rows:
        kind = name.rsplit(' ', 1)[0]
        by_kind.setdefault(kind, []).append(seconds)
    out = {'repeat': repeat}
    for kind in ('stat', 'noop', 'noop-bundle'):
        out[kind] = {'median': median(by_kind[kind]), 'min': min(by_kind[kind])}
    out['ratio noop/stat'] = out['noop']['median'] / out['stat']['median']
    out['ratio noop-bundle/stat'] = out['noop-bundle']['median'] / out['stat']['median']
    # Whole ansible-playbook processes, one task each, in interleaved pairs: what a user waits for.
    plays = {'stat': ansible.playbook('process-stat', [tasks[2]]),
             'noop': ansible.playbook('process-noop', [tasks[3]])}
    walls = {'stat': [], 'noop': []}
    for dummy in range(max(5, runs * 2)):
        for kind in ('stat', 'noop'):
            walls[kind].append(ansible.time(plays[kind])[0])
    out['process'] = {kind: {'median': median(values), 'min': min(values)} for kind, values in walls.items()}
    out['process']['pairs'] = len(walls['stat'])
    out['ratio process noop/stat'] = out['process']['noop']['median'] / out['process']['stat']['median']
    return out


# ---- report ------------------------------------------------------------------------------


def report(result):
    lines = []
    imp = result.get('import')
    if imp:
        lines.append('Import of %d certificates (median of %d runs; java_cert: %d runs), seconds' % (
            imp['certificates'], imp['runs'], imp['java_cert_runs']))
        header = ('type', 'phase', 'trusted_cert wall/task', 'java_cert wall/task', 'keytool loop')
        lines.append('%-8s %-6s %-22s %-22s %-22s' % header)
        for store_type in STORE_TYPES:
            for phase in ('first', 'rerun'):
                cells = []
                for tool in ('ours', 'java_cert'):
                    med = imp['medians'].get('%s %s %s' % (tool, store_type, phase))
                    cells.append('%8.2f / %8.3f' % (med['wall'], med['task']) if med else '-')
                loop = imp['medians']['keytool %s %s' % (store_type, phase)]['wall']
                lines.append('%-8s %-6s %-22s %-22s %8.2f' % (store_type, phase, cells[0], cells[1], loop))
        lines.append('Ratios (other / trusted_cert), wall and task time:')
        for key, value in sorted(imp['ratios'].items()):
            lines.append('  %-32s wall %7.1fx   task %7.1fx' % (key, value['wall'], value['task']))
    scaling = result.get('scaling')
    if scaling:
        lines.append('Scaling: engine load + add one + save (median), seconds')
        for key in sorted(k for k in scaling if 'ratio' not in k):
            row = scaling[key]
            lines.append('  %-14s load %.3f  plan+add %.4f  save %.3f  total %.3f  (%d bytes)' % (
                key, row['load'], row['plan+add'], row['save'], row['total'], row['bytes']))
        for key in sorted(k for k in scaling if 'ratio' in k):
            lines.append('  %-24s %.2f' % (key, scaling[key]))
    overhead = result.get('overhead')
    if overhead:
        lines.append('Per-task overhead (median of %d, seconds): stat %.3f, no-op trusted_cert %.3f (ratio %.2f), '
                     'no-op with the whole bundle %.3f (ratio %.2f)' % (
                         overhead['repeat'], overhead['stat']['median'], overhead['noop']['median'],
                         overhead['ratio noop/stat'], overhead['noop-bundle']['median'],
                         overhead['ratio noop-bundle/stat']))
        if 'process' in overhead:
            lines.append('Whole ansible-playbook process, one task (median of %d interleaved pairs): stat %.3f s, '
                         'no-op trusted_cert %.3f s (ratio %.2f)' % (
                             overhead['process']['pairs'], overhead['process']['stat']['median'],
                             overhead['process']['noop']['median'], overhead['ratio process noop/stat']))
    return '\n'.join(lines)


def markdown(result):
    """The tables of docs/benchmarks.md."""
    lines = []
    imp = result.get('import')
    if imp:
        lines += ['| store | run | trusted_cert wall | trusted_cert task | java_cert wall | java_cert task | keytool loop |',
                  '|---|---|---:|---:|---:|---:|---:|']
        for store_type in STORE_TYPES:
            for phase in ('first', 'rerun'):
                ours = imp['medians']['ours %s %s' % (store_type, phase)]
                theirs = imp['medians'].get('java_cert %s %s' % (store_type, phase)) or {'wall': None, 'task': None}
                loop = imp['medians']['keytool %s %s' % (store_type, phase)]['wall']
                cells = [ours['wall'], ours['task'], theirs['wall'], theirs['task'], loop]
                lines.append('| %s | %s | %s |' % (store_type.upper(), 'first' if phase == 'first' else 're-run',
                                                   ' | '.join('-' if c is None else '%.2f s' % c for c in cells)))
        lines += ['', '| ratio (median / median) | wall | task |', '|---|---:|---:|']
        for key in sorted(imp['ratios']):
            value = imp['ratios'][key]
            lines.append('| %s | %.0fx | %.0fx |' % (key, value['wall'], value['task']))
    scaling = result.get('scaling')
    if scaling:
        lines += ['', '| store | entries | load | plan + add | save | total | file size |', '|---|---:|---:|---:|---:|---:|---:|']
        for store_type in STORE_TYPES:
            for size in (100, 1000, 10000):
                row = scaling['%s %d' % (store_type, size)]
                lines.append('| %s | %d | %.3f s | %.4f s | %.3f s | %.3f s | %d KiB |' % (
                    store_type.upper(), size, row['load'], row['plan+add'], row['save'], row['total'], row['bytes'] // 1024))
    overhead = result.get('overhead')
    if overhead:
        noop, bundle = overhead['noop']['median'], overhead['noop-bundle']['median']
        lines += ['', '| task (median of %d) | seconds | ratio to stat |' % overhead['repeat'], '|---|---:|---:|',
                  '| ansible.builtin.stat | %.3f | 1.00 |' % overhead['stat']['median'],
                  '| trusted_cert, no-op, 1 certificate | %.3f | %.2f |' % (noop, overhead['ratio noop/stat']),
                  '| trusted_cert, no-op, the whole bundle | %.3f | %.2f |' % (bundle, overhead['ratio noop-bundle/stat'])]
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--java-cert-runs', type=int, default=None, help='runs of the slow java_cert loop '
                        '(default: --runs)')
    parser.add_argument('--bundle', default='/etc/ssl/certs/ca-certificates.crt')
    parser.add_argument('--sections', default='import,scaling,overhead')
    parser.add_argument('--collections-path', action='append', default=[],
                        help='a collections directory that already holds community.general')
    parser.add_argument('--keep', action='store_true', help='keep the work directory')
    parser.add_argument('--markdown', metavar='RESULT_JSON', help='print the tables of a result as Markdown and exit')
    args = parser.parse_args()
    if args.markdown:
        with open(args.markdown) as handle:
            print(markdown(json.load(handle)))
        return
    warnings.simplefilter('ignore')  # cryptography warns about a negative serial number in some OS bundles
    sections = args.sections.split(',')
    java_cert_runs = args.runs if args.java_cert_runs is None else args.java_cert_runs

    workdir = tempfile.mkdtemp(prefix='javasec-bench-')
    started = time.time()
    try:
        collections = [community_general(args.collections_path)] if 'import' in sections else []
        ansible = Ansible(workdir, collections)
        result = {'machine': machine(), 'started': datetime.datetime.now(datetime.timezone.utc).isoformat(),
                  'command': ' '.join([os.path.basename(sys.executable)] + sys.argv)}
        if collections:
            result['community_general'] = community_general_version(collections[0])
        print('machine: %s' % json.dumps(result['machine']))
        if 'import' in sections:
            result['import'] = bench_import(ansible, workdir, args.bundle, args.runs, java_cert_runs)
        if 'scaling' in sections:
            result['scaling'] = bench_scaling(workdir, args.runs)
        if 'overhead' in sections:
            result['overhead'] = bench_overhead(ansible, workdir, args.bundle, args.runs)
        result['load_average_at_end'] = list(os.getloadavg())
        result['duration'] = time.time() - started
    finally:
        if args.keep:
            print('work directory kept: %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if not os.path.isdir(RESULTS):
        os.makedirs(RESULTS)
    name = os.path.join(RESULTS, 'truststore-%s.json' % time.strftime('%Y%m%dT%H%M%S'))
    with open(name, 'w') as handle:
        json.dump(result, handle, indent=1, sort_keys=True)
    print(report(result))
    print('results: %s' % name)
    if result.get('import'):
        sys.path.insert(0, HERE)
        import chart  # benchmarks/chart.py: the SVG beside the JSON, for docs/benchmarks.md
        with open(name[:-len('.json')] + '.svg', 'w') as handle:
            handle.write(chart.import_chart(result))
        print('chart: %s' % name[:-len('.json')] + '.svg')


if __name__ == '__main__':
    main()
