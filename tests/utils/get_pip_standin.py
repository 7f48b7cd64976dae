# Copyright: javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Offline stand-in for the get-pip script that ``ansible-test --venv`` downloads.

ansible-test bootstraps pip into each virtual environment it creates by running
``~/.ansible/test/cache/get_pip_<version>.py`` (for example ``get_pip_24_2.py``)
and downloads that file from a host this project cannot reach when it is
missing.  ``scripts/test`` copies this file to that path instead.

It installs the interpreter's bundled pip with ``ensurepip``, then runs
``python -m pip install`` with the arguments ansible-test passed (for example
``--disable-pip-version-check pip==24.2 --no-setuptools --no-wheel``), minus
``--no-setuptools`` and ``--no-wheel`` which only get-pip understands.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import os
import re
import subprocess
import sys

GET_PIP_ONLY_OPTIONS = ('--no-setuptools', '--no-wheel')


def installed(env, name):
    """Return True if the distribution ``name`` is installed in this interpreter."""
    command = [sys.executable, '-m', 'pip', 'show', '--quiet', name]
    with open(os.devnull, 'wb') as devnull:
        return subprocess.call(command, env=env, stdout=devnull, stderr=devnull) == 0


def main(argv):
    """Bootstrap pip, then install the requested packages with it."""
    args = [arg for arg in argv if arg not in GET_PIP_ONLY_OPTIONS]

    # ensurepip runs pip with PIP_CONFIG_FILE=/dev/null and without the PIP_* variables.
    # Run it in a child process so that neither leaks into the install below.
    subprocess.check_call([sys.executable, '-m', 'ensurepip'])

    # ensurepip's PIP_CONFIG_FILE=/dev/null would hide /etc/pip.conf (this machine's
    # certificate and index settings), so make sure the real install does not inherit it.
    env = dict(os.environ)
    env.pop('PIP_CONFIG_FILE', None)

    # ensurepip also installs setuptools on Python < 3.12, which get-pip would not have done.
    remove_setuptools = '--no-setuptools' in argv and not any(re.match(r'setuptools\b', arg) for arg in args)

    subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args, env=env)

    if remove_setuptools and installed(env, 'setuptools'):
        subprocess.check_call([sys.executable, '-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools'], env=env)

    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
