#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet benchmark of the server_tls role (issue 11; not part of the test suite).

For each fleet size (local connection, one folder per host, forks as given) and in one run:

* first   ansible-playbook javasec.keystore.server_tls with a local CA on fresh folders
* re-run  the same playbook again: nothing to change (every task asserted `changed=0`)
* floor   a play with exactly as many ansible.builtin.stat executions as the re-run had: per host as
          many stat tasks as every host ran modules, plus run_once stat tasks for what ran once (the
          CA's tasks on the controller): what Ansible itself needs for that many module executions

Module executions are counted, not guessed: every module runs through a small interpreter wrapper (set as
ansible_python_interpreter for all hosts, delegated ones included) that logs its AnsiballZ file and execs
the Python. A loop's items are executions of their own (kept remote files would count a loop once: its items
share one remote tmp folder). Ratio = re-run / floor; the goal of issue 11 is <= 1.3 at 100 hosts,
and a first run that grows linearly with the hosts (seconds per host alike at each size).

Usage:  python benchmarks/fleet_bench.py [--hosts 1,10,50,100] [--forks 20] [--repeat 1] [--per-task]
A shared or busy machine moves a single pair by 20% (the same code measured 1.29x and 1.56x at 100 hosts):
--repeat 3 alternates three pairs and reports the median one.
The Python running it needs ansible-core and cryptography; it is also the managed nodes' Python.
Results: a table on stdout and JSON in benchmarks/results/fleet-<time>.json, with the seconds of every task of
each run across all hosts (benchmarks/callback_plugins/fleet_task_times.py; --per-task prints the median
re-run's) and the CPU seconds of each run (on 2 cores a fleet run is CPU-bound: CPU spent anywhere, controller
or modules, is wall time).
"""

from __future__ import absolute_import, division, print_function

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
RESULTS = os.path.join(HERE, 'results')
PASSWORD = 'fleet-bench-pass'

SERVER_VARS = '''
server_tls_source: local_ca
server_tls_keystore_password: {password}
local_ca_password: {password}
local_ca_dir: {base}/ca
server_tls_keystore_path: "{base}/hosts/{{{{ inventory_hostname }}}}/keystore.p12"
server_tls_truststore_path: "{base}/hosts/{{{{ inventory_hostname }}}}/truststore.p12"
javasec_gather_facts: false
'''


def ansible_bin(name):
    """The ansible-core entry point beside the running Python (a venv), else the one on PATH."""
    candidate = os.path.join(os.path.dirname(sys.executable), name)
    return candidate if os.path.exists(candidate) else name


def recap(output):
    """{host: {'ok': n, 'changed': n, 'failed': n}} from ansible-playbook's PLAY RECAP."""
    hosts = {}
    for host, ok, changed, unreachable, failed in re.findall(
            r'^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', output, re.M):
        hosts[host] = {'ok': int(ok), 'changed': int(changed), 'failed': int(failed) + int(unreachable)}
    return hosts


class Fleet:
    def __init__(self, workdir, hosts, forks):
        self.base = os.path.join(workdir, 'fleet-%d' % hosts)
        self.hosts = ['h%03d' % number for number in range(hosts)]
        self.forks = forks
        os.makedirs(os.path.join(self.base, 'hosts'))
        collections = os.path.join(self.base, 'collections', 'ansible_collections', 'javasec')
        os.makedirs(collections)
        os.symlink(REPO, os.path.join(collections, 'keystore'))
        self.inventory = os.path.join(self.base, 'inventory.ini')
        with open(self.inventory, 'w', encoding='utf-8') as handle:
            handle.write('[fleet]\n' + ''.join('%s\n' % host for host in self.hosts))
            handle.write('[fleet:vars]\nansible_connection=local\n')
        # one line per module execution: $1 is the AnsiballZ file the connection runs
        self.interpreter = os.path.join(self.base, 'python')
        with open(self.interpreter, 'w', encoding='utf-8') as handle:
            handle.write('#!/bin/sh\necho "$1" >> "$FLEET_BENCH_LOG"\nexec %s "$@"\n' % sys.executable)
        os.chmod(self.interpreter, 0o755)
        self.extra = os.path.join(self.base, 'vars.yml')
        with open(self.extra, 'w', encoding='utf-8') as handle:
            handle.write(SERVER_VARS.format(password=PASSWORD, base=self.base))

    def env(self, log, times):
        env = dict(os.environ)
        env.update(
            FLEET_BENCH_LOG=log,
            ANSIBLE_PIPELINING='false',  # the wrapper logs the AnsiballZ file it is given: no pipelining
            ANSIBLE_COLLECTIONS_PATH=os.path.join(self.base, 'collections'),
            ANSIBLE_FORKS=str(self.forks),
            ANSIBLE_LOCAL_TEMP=os.path.join(self.base, 'local-tmp'),
            ANSIBLE_NOCOLOR='1',
            ANSIBLE_LOCALHOST_WARNING='false',
            ANSIBLE_DEPRECATION_WARNINGS='false',
            ANSIBLE_RETRY_FILES_ENABLED='false',
            ANSIBLE_DISPLAY_SKIPPED_HOSTS='false',
            # wall time per task (benchmarks/callback_plugins): where a re-run spends what the floor does not
            ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback_plugins'),
            ANSIBLE_CALLBACKS_ENABLED='fleet_task_times',
            FLEET_TASK_TIMES=times,
        )
        return env

    def play(self, label, argv):
        """Wall seconds, recap, module executions, [task, seconds] and CPU seconds (user + system of
        ansible-playbook, its workers and the modules: this machine's 2 cores make a fleet run CPU-bound) of one
        ansible-playbook run."""
        log = os.path.join(self.base, 'executions-%s.log' % label)
        times = os.path.join(self.base, 'tasks-%s.json' % label)
        start, cpu_start = time.monotonic(), _children_cpu()
        proc = subprocess.run([ansible_bin('ansible-playbook'), '-i', self.inventory, '-e',
                               'ansible_python_interpreter=' + self.interpreter] + argv, env=self.env(log, times),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, check=False)
        wall, cpu = time.monotonic() - start, _children_cpu() - cpu_start
        hosts = recap(proc.stdout)
        if proc.returncode != 0 or sorted(hosts) != sorted(self.hosts + (['localhost'] if 'localhost' in hosts else [])):
            sys.stderr.write(proc.stdout[-4000:])
            raise SystemExit('%s run failed (exit %d)' % (label, proc.returncode))
        with open(times, encoding='utf-8') as handle:
            tasks = json.load(handle)
        executions = {}
        with open(log, encoding='utf-8') as handle:
            for line in handle:
                name = os.path.basename(line.strip())[len('AnsiballZ_'):-len('.py')]
                executions[name] = executions.get(name, 0) + 1
        return wall, hosts, executions, tasks, cpu

    def server_tls(self, label):
        return self.play(label, ['javasec.keystore.server_tls', '-e', '@' + self.extra])

    def floor(self, per_host, once, label='floor'):
        """per_host stat tasks on every host, then once more stat tasks run_once (the CA's tasks)."""
        playbook = os.path.join(self.base, 'floor.yml')
        with open(playbook, 'w', encoding='utf-8') as handle:
            handle.write('- hosts: fleet\n  gather_facts: false\n  tasks:\n')
            for number in range(per_host + once):
                handle.write('    - name: stat %d\n      ansible.builtin.stat:\n        path: %s\n%s'
                             % (number, self.base, '      run_once: true\n' if number >= per_host else ''))
        return self.play(label, [playbook])


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine():
    load = os.getloadavg()
    return {'cpus': os.cpu_count(), 'load_before': [round(value, 2) for value in load],
            'python': platform.python_version(),
            'ansible_core': subprocess.run([ansible_bin('ansible'), '--version'], stdout=subprocess.PIPE,
                                           universal_newlines=True, check=True).stdout.splitlines()[0]}


def bench(workdir, hosts, forks, repeat=1):
    """First run, then `repeat` pairs of re-run and floor one after the other; the ratio is the median pair's."""
    fleet = Fleet(workdir, hosts, forks)
    first, first_recap, first_exec = fleet.server_tls('first')[:3]
    unchanged = sorted(host for host, counts in first_recap.items() if host != 'localhost' and not counts['changed'])
    if unchanged:
        raise SystemExit('the first run found hosts already set up: %s' % ', '.join(unchanged))
    pairs = []
    for number in range(repeat):
        rerun, rerun_recap, rerun_exec, rerun_tasks, rerun_cpu = fleet.server_tls('rerun-%d' % number)
        changed = {host: counts['changed'] for host, counts in rerun_recap.items() if counts['changed']}
        if changed:
            raise SystemExit('the re-run changed something: %s' % changed)
        # the floor executes exactly as many modules: per host what every host ran, plus the run_once ones
        total = sum(rerun_exec.values())
        per_host = sum(count // hosts for count in rerun_exec.values())
        floor, floor_recap, floor_exec, floor_tasks, floor_cpu = fleet.floor(per_host, total - per_host * hosts, 'floor-%d' % number)
        if any(counts['changed'] for counts in floor_recap.values()) or sum(floor_exec.values()) != total:
            raise SystemExit('the floor ran %d modules, server_tls %d' % (sum(floor_exec.values()), total))
        if pairs and total != pairs[0]['executions']:
            raise SystemExit('re-run %d ran %d modules, re-run 0 %d' % (number, total, pairs[0]['executions']))
        pairs.append({'rerun_s': round(rerun, 2), 'floor_s': round(floor, 2), 'ratio': round(rerun / floor, 3),
                      'rerun_cpu_s': round(rerun_cpu, 1), 'floor_cpu_s': round(floor_cpu, 1),
                      'executions': total, 'rerun_tasks': rerun_tasks, 'floor_tasks': floor_tasks})
    median = sorted(pairs, key=lambda pair: pair['ratio'])[(len(pairs) - 1) // 2]
    return {
        'hosts': hosts, 'forks': forks,
        'first_s': round(first, 2), 'first_per_host_s': round(first / hosts, 3), 'first_executions': sum(first_exec.values()),
        'rerun_s': median['rerun_s'], 'rerun_executions': total, 'rerun_modules': rerun_exec,
        'floor_s': median['floor_s'], 'floor_executions': sum(floor_exec.values()), 'floor_stat_tasks_per_host': per_host,
        'floor_run_once_stat_tasks': total - per_host * hosts,
        'ratio': median['ratio'], 'pairs': pairs, 'rerun_tasks': median['rerun_tasks'],
        'floor_tasks': median['floor_tasks'],
    }


def print_tasks(row):
    """The median pair's re-run, task by task, beside the mean stat task of its floor."""
    # the floor's tasks are named 'stat N': the first floor_stat_tasks_per_host run on every host, the rest once
    stats = [(int(name.split()[1]), seconds) for name, seconds in row['floor_tasks'] if name.startswith('stat ')]
    per_host = [seconds for number, seconds in stats if number < row['floor_stat_tasks_per_host']]
    print('%6s median pair, seconds per task across all hosts (floor: mean stat task on every host %.2f s, %d '
          'stat tasks %.1f s):' % ('', sum(per_host) / max(len(per_host), 1), len(stats), sum(pair[1] for pair in stats)))
    for name, seconds in row['rerun_tasks']:
        if seconds >= 0.05:
            print('%6s %8.2f  %s' % ('', seconds, name[:110]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('--hosts', default='1,10,50,100', help='fleet sizes, comma-separated')
    parser.add_argument('--forks', type=int, default=20)
    parser.add_argument('--repeat', type=int, default=1,
                        help='pairs of re-run and floor per size, one after the other; the median pair is reported')
    parser.add_argument('--keep', action='store_true', help='keep the working folder (its path is printed)')
    parser.add_argument('--per-task', action='store_true',
                        help="print the median re-run's seconds per task (always in the JSON results)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.hosts.split(',')]
    result = {'date': datetime.datetime.utcnow().isoformat() + 'Z', 'machine': machine(),
              'command': 'python benchmarks/fleet_bench.py --hosts %s --forks %d --repeat %d' % (
                  args.hosts, args.forks, args.repeat),
              'commit': subprocess.run(['git', '-C', REPO, 'rev-parse', '--short', 'HEAD'], stdout=subprocess.PIPE,
                                       universal_newlines=True, check=False).stdout.strip(),
              'sizes': []}
    workdir = tempfile.mkdtemp(prefix='javasec-fleet-')
    try:
        header = ('hosts', 'first s', 's per host', 're-run s', 'modules', 'floor s', 'stats', 'ratio')
        print('%6s %9s %11s %9s %7s %9s %7s %7s' % header)
        for size in sizes:
            row = bench(workdir, size, args.forks, args.repeat)
            result['sizes'].append(row)
            print('%6d %9.1f %11.2f %9.1f %7d %9.1f %7d %6.2fx' % (
                size, row['first_s'], row['first_per_host_s'], row['rerun_s'], row['rerun_executions'],
                row['floor_s'], row['floor_executions'], row['ratio']))
            print('%6s re-run modules: %s' % ('', ', '.join('%s %d' % item for item in sorted(row['rerun_modules'].items()))))
            if args.per_task:
                print_tasks(row)
            if len(row['pairs']) > 1:
                print('%6s pairs (re-run s / floor s): %s' % ('', ', '.join(
                    '%.1f/%.1f=%.2fx' % (pair['rerun_s'], pair['floor_s'], pair['ratio']) for pair in row['pairs'])))
            print('%6s CPU seconds (re-run / floor): %s' % ('', ', '.join(
                '%.1f/%.1f' % (pair['rerun_cpu_s'], pair['floor_cpu_s']) for pair in row['pairs'])))
            sys.stdout.flush()
    finally:
        if args.keep:
            print('kept ' + workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    result['machine']['load_after'] = [round(value, 2) for value in os.getloadavg()]
    os.makedirs(RESULTS, exist_ok=True)
    name = os.path.join(RESULTS, 'fleet-%s.json' % datetime.datetime.utcnow().strftime('%Y%m%dT%H%M%S'))
    with open(name, 'w', encoding='utf-8') as handle:
        json.dump(result, handle, indent=2)
    print('load %s -> %s; results: %s' % (result['machine']['load_before'], result['machine']['load_after'], name))


if __name__ == '__main__':
    main()
