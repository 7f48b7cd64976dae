# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Compile the engine's modules once when an Ansible module runs from its AnsiballZ zip.

PRIVATE: this is not a public API of the collection and may change at any time.

Why: Python imports a module from a zip file by compiling its source twice, once when the import system asks
the zipimporter for the module's file name (zipimporter.get_filename compiles the code to find it) and once to
run it, and it keeps no bytecode (CPython issue gh-141276, open; seen on 3.8 to 3.13). Ansible runs every
module from such a zip, so every run of one of our modules on a node compiled the engine twice: the second
compile took about 25 ms of a key_entry run that changes nothing (issue 11: fleet cost).

How: our modules import this module before any other of the engine's. When it was itself loaded by a
zipimporter, it puts a finder ahead of the others that answers for the modules of this package only: it reads
their source from the same zip, through that zipimporter, and compiles it once, under the same file name
zipimport gives. Anywhere else (a checkout, an installed collection, the unit tests) it does nothing; a module
it cannot read (a package, bytecode, anything unexpected) is left to Python's own import.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import sys

try:
    from importlib.machinery import ModuleSpec
    from zipimport import zipimporter
except ImportError:  # pragma: no cover - both exist on every Python 3 we run on
    ModuleSpec = zipimporter = None

_PACKAGE = __name__.rpartition('.')[0]


class CompileOnce:
    """A meta path finder and loader for the modules of _PACKAGE inside the zip that importer reads."""

    def __init__(self, importer):
        self._importer = importer

    def find_spec(self, fullname, path=None, target=None):  # pylint: disable=unused-argument
        package, dummy, name = fullname.rpartition('.')
        if package != _PACKAGE:
            return None
        try:
            if self._importer.is_package(fullname):
                return None
            source = self._importer.get_source(fullname)  # reads the member, compiles nothing
        except Exception:  # pylint: disable=broad-except
            # not in this zip, or not readable here: Python's own import says what is wrong, as it always did
            return None
        if source is None:  # bytecode only
            return None
        # the file name zipimport gives (archive, separator, path in the archive): tracebacks and coverage see
        # the same module either way
        origin = self._importer.archive + os.sep + self._importer.prefix + name + '.py'
        spec = ModuleSpec(fullname, self, origin=origin)
        spec.has_location = True
        spec.loader_state = source
        return spec

    def create_module(self, spec):  # pylint: disable=unused-argument
        return None  # Python's default module object

    def exec_module(self, module):
        spec = module.__spec__
        code = compile(spec.loader_state, spec.origin, 'exec', dont_inherit=True)
        exec(code, module.__dict__)  # pylint: disable=exec-used

    def get_source(self, fullname):
        """For tracebacks (linecache asks the module's loader for its source)."""
        return self._importer.get_source(fullname)


def install(loader):
    """Put a CompileOnce finder first on sys.meta_path when loader, this module's, is a zipimporter; once."""
    if zipimporter is None or not isinstance(loader, zipimporter):
        return None
    for finder in sys.meta_path:
        if isinstance(finder, CompileOnce):
            return finder
    finder = CompileOnce(loader)
    sys.meta_path.insert(0, finder)
    return finder


install(globals().get('__loader__'))
