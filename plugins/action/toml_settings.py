# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action of javasec.keystore.toml_settings: the TOML file is edited on the controller.

The toml_settings module on the managed node only reads the file and writes it back (stdlib only),
so that a node needs no tomlkit: distributions ship old tomlkit versions or none, and pip is refused
in their system Pythons (PEP 668). tomlkit belongs in the controller's Python or execution environment.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import sys

from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.javasec.keystore.plugins.plugin_utils import _toml_edit as toml_edit

MODULE = 'javasec.keystore.toml_settings'

# Edits and writes when other tasks change the file between our read and our write. Each refused
# write means another task's write succeeded, so a task fails only after 9 writes of others in a row.
MAX_ATTEMPTS = 10

FILE_ARGS = ('mode', 'owner', 'group', 'seuser', 'serole', 'selevel', 'setype', 'attributes', 'unsafe_writes')

# The options of the module, as documented. Types that the node interprets stay untouched here:
# path is a str (a type=path would expand ~ on the controller), unsafe_writes has no default (its
# fallback, ANSIBLE_UNSAFE_WRITES, is read on the node).
ARGUMENT_SPEC = dict(
    path=dict(type='str', required=True, aliases=['dest']),
    tables=dict(type='dict', required=True, no_log=True),
    state=dict(type='str', default='present', choices=['present', 'absent']),
    replace_secret_refs=dict(type='bool', default=False),
    create=dict(type='bool', default=False),
    backup=dict(type='bool', default=False),
    mode=dict(type='raw'),
    owner=dict(type='str'),
    group=dict(type='str'),
    seuser=dict(type='str'),
    serole=dict(type='str'),
    selevel=dict(type='str'),
    setype=dict(type='str'),
    attributes=dict(type='str', aliases=['attr']),
    unsafe_writes=dict(type='bool'),
)

# What the module reports about the file (AnsibleModule.add_path_info); passed on to the user.
PATH_INFO = ('uid', 'gid', 'owner', 'group', 'mode', 'state', 'size', 'secontext')


def tomlkit_message(problem):
    return ('javasec.keystore.toml_settings edits the file on the controller and needs the Python library tomlkit '
            '>= %s there, in the Python that runs Ansible (%s), but %s: install it into the controller\'s '
            'virtualenv (pip install "tomlkit>=%s") or add it to the execution environment. Managed nodes do not '
            'need it.' % (toml_edit.MIN_VERSION_TEXT, sys.executable, problem, toml_edit.MIN_VERSION_TEXT))


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = True
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        if task_vars is None:
            task_vars = {}
        problem = toml_edit.tomlkit_version_problem()
        if problem:
            result.update(failed=True, msg=tomlkit_message(problem))
            if toml_edit.TOMLKIT_IMPORT_ERROR:
                result['exception'] = toml_edit.TOMLKIT_IMPORT_ERROR
            return result
        validation, dummy = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        params = validation.validated_parameters
        try:
            return self._run(result, params, task_vars)
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)

    def _node(self, task_vars, op, params, **internal):
        """Run the module on the node for a read or a write."""
        args = dict((name, params[name]) for name in FILE_ARGS if params.get(name) is not None)
        # tables is required by the module's (documented) options; the node never needs its values.
        args.update(path=params['path'], tables={}, backup=params['backup'], _op=op)
        args.update(internal)
        return self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars)

    def _run(self, result, params, task_vars):
        state = params['state']
        result.update(changed=False, path=params['path'], changes=[], secret_refs_kept=[], tables={}, created=False)
        secrets = set()

        def finish(extra):
            result.update(extra)
            result['invocation'] = {'module_args': params}
            return remove_values(result, secrets)

        try:
            requests = toml_edit.requests_of(params['tables'], state)
        except toml_edit.TomlEditError as exc:
            return finish({'failed': True, 'msg': str(exc), 'error_type': type(exc).__name__})
        secrets = toml_edit.secret_values(requests)

        read = self._node(task_vars, 'read', params)
        for dummy in range(MAX_ATTEMPTS):
            if read.get('failed'):
                return finish(self._failure(read))
            path = read['path']
            result['path'] = path
            exists = read['exists']
            if not exists and state == 'present' and not params['create']:
                return finish({'failed': True, 'msg': '%s does not exist; set create=true to create it' % path})
            try:
                before, bom = toml_edit.decode(base64.b64decode(read['content']), path) if exists else ('', False)
                edited = toml_edit.edit(before, requests, state, params['replace_secret_refs'], path)
            except toml_edit.TomlEditError as exc:
                return finish({'failed': True, 'msg': str(exc), 'error_type': type(exc).__name__})
            result.update(changes=edited.changes, secret_refs_kept=edited.kept, tables=edited.tables)
            text_changed = edited.after != before or (not exists and state == 'present')
            status = read
            if text_changed and not self._task.check_mode:
                status = self._node(task_vars, 'write', params, _sha256=read['sha256'] or '',
                                    _content=base64.b64encode(toml_edit.encode(edited.after, bom)).decode('ascii'))
                if status.get('conflict'):
                    # the refused write says what the file holds now: edit that
                    read = status
                    continue
            elif exists and read.get('attributes_changed') and not self._task.check_mode:
                status = self._node(task_vars, 'write', params)
            if status.get('failed'):
                return finish(self._failure(status))
            break
        else:
            return finish({'failed': True, 'msg': '%s was changed by other tasks while this one wrote it, %d times in '
                                                  'a row; it is left as they wrote it' % (result['path'], MAX_ATTEMPTS)})

        changed = text_changed or bool(exists and read.get('attributes_changed')) or bool(status.get('changed'))
        result.update(changed=changed, created=text_changed and not exists)
        if text_changed and self._task.diff:
            result['diff'] = toml_edit.diff(edited, result['path'])
        if status.get('backup_file'):
            result['backup_file'] = status['backup_file']
        result.update((key, status[key]) for key in PATH_INFO if key in status)
        warnings = toml_edit.kept_warnings(edited)
        if warnings:
            result['warnings'] = warnings
        return finish({})

    @staticmethod
    def _failure(node_result):
        """The failure of a module run, without what the module returns for the action only."""
        failure = {'failed': True, 'msg': node_result.get('msg', 'the toml_settings module failed on the node')}
        for key in ('exception', 'module_stdout', 'module_stderr', 'rc'):
            if key in node_result:
                failure[key] = node_result[key]
        return failure
