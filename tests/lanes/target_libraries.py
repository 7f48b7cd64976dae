# Copyright: javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Report, as JSON, what a lane's target interpreter offers the modules.

Run by tests/lanes/check_target.yml with the interpreter that runs the modules. A lane proves
that the modules work with only the distribution's python3-cryptography: the libraries the
collection used to need on managed nodes must not be importable there, or the lane proves nothing.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type  # pylint: disable=invalid-name

import importlib
import json
import sys

# pyjks and its dependencies, and tomlkit: none of them may be on a managed node any more
NOT_ON_NODES = ('jks', 'tomlkit', 'Cryptodome', 'Crypto', 'twofish', 'javaobj', 'pyasn1', 'pyasn1_modules')


def importable(name):
    """Return True if ``name`` can be imported by this interpreter."""
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def main():
    """Print the interpreter, its cryptography version and the unwanted libraries it has."""
    try:
        import cryptography  # pylint: disable=import-outside-toplevel
        version = cryptography.__version__
    except ImportError:
        version = None
    print(json.dumps({
        'executable': sys.executable,
        'python': '%d.%d.%d' % sys.version_info[:3],
        'cryptography': version,
        'unwanted': [name for name in NOT_ON_NODES if importable(name)],
    }))


if __name__ == '__main__':
    main()
