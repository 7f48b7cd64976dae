# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action of javasec.keystore.wso2_secrets: read deployment.toml, encrypt on the node, edit on the controller.

A module of its own rather than a mode of toml_settings: the encryption needs the internal keystore's
private or secret key, which stays on the managed node (the wso2_secrets module decrypts and encrypts
there), while TOML is edited with tomlkit on the controller. The file is read and written through the
toml_settings module's read/write operations, so that both modules share one writer with the same
conflict check (a write is refused when another task changed the file since it was read).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64

from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

from ansible_collections.javasec.keystore.plugins.action.toml_settings import MAX_ATTEMPTS, tomlkit_message
from ansible_collections.javasec.keystore.plugins.plugin_utils import _toml_edit as toml_edit

MODULE = 'javasec.keystore.wso2_secrets'
TOML_MODULE = 'javasec.keystore.toml_settings'
TABLE = 'secrets'

NODE_OPTIONS = ('keystore_path', 'keystore_password', 'key_password', 'alias', 'mode', 'transformation')

ARGUMENT_SPEC = dict(
    path=dict(type='str', required=True),
    secrets=dict(type='dict', required=True, no_log=True),
    keystore_path=dict(type='str', required=True),
    keystore_password=dict(type='str', required=True, no_log=True),
    key_password=dict(type='str', no_log=True),
    alias=dict(type='str', required=True),
    mode=dict(type='str', default='asymmetric', choices=['asymmetric', 'symmetric']),
    transformation=dict(type='str'),
    backup=dict(type='bool', default=False),
)


def flat_table(table, prefix=''):
    """alias -> value of a [secrets] table; dotted keys (log4j.appender.X.password) are aliases too."""
    out = {}
    for key, value in (table or {}).items():
        name = prefix + str(key)
        if isinstance(value, dict):
            out.update(flat_table(value, name + '.'))
        else:
            out[name] = value
    return out


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = True
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        problem = toml_edit.tomlkit_version_problem()
        if problem:
            result.update(failed=True, msg=tomlkit_message(problem))
            return result
        validation, dummy = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        params = validation.validated_parameters
        secrets = set(str(v) for v in (params['secrets'] or {}).values() if v)
        secrets.update(str(params[k]) for k in ('keystore_password', 'key_password') if params.get(k))
        try:
            out = self._run(result, params, task_vars or {})
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        shown = dict(params)
        shown['secrets'] = dict((alias, toml_edit.MASK) for alias in params['secrets'])
        for name in ('keystore_password', 'key_password'):
            if shown.get(name) is not None:
                shown[name] = toml_edit.MASK
        out['invocation'] = {'module_args': shown}
        return remove_values(out, secrets)

    def _toml(self, task_vars, params, op, **internal):
        args = dict(path=params['path'], tables={}, backup=params['backup'], _op=op)
        args.update(internal)
        return self._execute_module(module_name=TOML_MODULE, module_args=args, task_vars=task_vars)

    def _run(self, result, params, task_vars):
        path = params['path']
        result.update(changed=False, path=path, encrypted=[], kept=[],
                      references=dict((alias, '$secret{%s}' % alias) for alias in params['secrets']))
        read = self._toml(task_vars, params, 'read')
        for dummy in range(MAX_ATTEMPTS):
            if read.get('failed'):
                return self._failure(result, read)
            if not read['exists']:
                result.update(failed=True, msg='%s does not exist' % read['path'])
                return result
            try:
                before, bom = toml_edit.decode(base64.b64decode(read['content']), read['path'])
                data = toml_edit.load_document(before, read['path']).unwrap()
            except toml_edit.TomlEditError as exc:
                result.update(failed=True, msg=str(exc), error_type=type(exc).__name__)
                return result
            table = data.get(TABLE)
            current = flat_table(table if isinstance(table, dict) else {})
            args = dict((k, params[k]) for k in NODE_OPTIONS if params.get(k) is not None)
            args.update(path=path, secrets=params['secrets'],
                        _current=dict((a, current[a]) for a in params['secrets'] if isinstance(current.get(a), str)))
            plan = self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars)
            if plan.get('failed'):
                return self._failure(result, plan)
            result.update(encrypted=plan['encrypted'], kept=plan['kept'])
            try:
                requests = toml_edit.requests_of({TABLE: plan['values']}, 'present')
                edited = toml_edit.edit(before, requests, 'present', True, read['path'])
            except toml_edit.TomlEditError as exc:
                result.update(failed=True, msg=str(exc), error_type=type(exc).__name__)
                return result
            changed = edited.after != before
            status = read
            if changed and not self._task.check_mode:
                status = self._toml(task_vars, params, 'write', _sha256=read['sha256'],
                                    _content=base64.b64encode(toml_edit.encode(edited.after, bom)).decode('ascii'))
                if status.get('conflict'):
                    read = status
                    continue
                if status.get('failed'):
                    return self._failure(result, status)
            break
        else:
            result.update(failed=True, msg='%s was changed by other tasks while this one wrote it, %d times in a row'
                          % (path, MAX_ATTEMPTS))
            return result
        result['changed'] = changed
        if changed and self._task.diff:
            result['diff'] = toml_edit.diff(edited, read['path'])
        if status.get('backup_file'):
            result['backup_file'] = status['backup_file']
        return result

    @staticmethod
    def _failure(result, node_result):
        result.update(failed=True, msg=node_result.get('msg', 'the module failed on the node'))
        for key in ('error_type', 'exception', 'module_stdout', 'module_stderr', 'rc'):
            if key in node_result:
                result[key] = node_result[key]
        return result
