# Run by the prerequisites role with the Python it checks: python probe.py MODULE
# Prints one JSON line about that Python and whether MODULE (cryptography) imports, and its version.
# Kept to syntax that Python 2.7 and 3.6 still parse, so that a too old interpreter gets the role's
# clear message instead of a SyntaxError.
import importlib
import json
import os
import sys
import sysconfig


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else 'cryptography'
    # old virtualenv (< 20) sets real_prefix; venv makes prefix differ from base_prefix
    in_venv = hasattr(sys, 'real_prefix') or sys.prefix != getattr(sys, 'base_prefix', sys.prefix)
    # PEP 668: the marker lies in the stdlib folder; a virtual environment is never externally managed
    marker = os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')
    info = {
        'executable': sys.executable,
        'python': '%d.%d.%d' % tuple(sys.version_info[:3]),
        'prefix': sys.prefix,
        'venv': in_venv,
        'externally_managed': marker if not in_venv and os.path.isfile(marker) else '',
        'pip': False,
        'version': None,
        'error': '',
    }
    try:
        importlib.import_module('pip')
        info['pip'] = True
    except ImportError:
        pass
    try:
        module = importlib.import_module(name)
        info['version'] = str(getattr(module, '__version__', '0'))
    except ImportError as error:
        info['error'] = str(error)
    print(json.dumps(info))


if __name__ == '__main__':
    main()
