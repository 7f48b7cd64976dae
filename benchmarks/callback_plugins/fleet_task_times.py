# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Wall time of every task across all hosts, for benchmarks/fleet_bench.py --per-task (not shipped).

A task's time runs from its start to the next task's start (the linear strategy starts a task when every host
has finished the one before), so the times add up to the play. Written to $FLEET_TASK_TIMES as a JSON list of
[name, seconds].
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = '''
name: fleet_task_times
type: aggregate
short_description: wall time per task for the fleet benchmark
description: Writes the wall time of every task across all hosts to the JSON file named by FLEET_TASK_TIMES.
'''

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'fleet_task_times'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._tasks = []  # [name, seconds]
        self._current = None

    def _next(self, name):
        now = time.monotonic()
        if self._current is not None:
            self._current[1] = round(now - self._current[1], 3)
            self._tasks.append(self._current)
        self._current = [name, now] if name is not None else None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._next(task.get_name())

    def v2_playbook_on_handler_task_start(self, task):
        self._next(task.get_name())

    def v2_playbook_on_stats(self, stats):
        self._next(None)
        path = os.environ.get('FLEET_TASK_TIMES')
        if path:
            with open(path, 'w') as handle:
                json.dump(self._tasks, handle)
