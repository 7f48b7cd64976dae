# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The cryptography calls that differ between versions, and the one dependency check.

PRIVATE: this is not a public API of the collection and may change at any time.

Managed nodes run the distribution's python3-cryptography: 3.4.8 (Ubuntu 22.04), 36.0 (RHEL 9),
38.0 (Debian 12), 41.0 (Ubuntu 24.04) or the newest. Everything newer than 3.4 that the collection
uses goes through this file, with a fallback that gives the same answer on 3.4, so that an old
library never makes a feature quietly fail (an AttributeError caught as "not signed" once made
every CA-signed chain look incomplete on Debian 12).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib
import re
import traceback


# The oldest release tested (Ubuntu 22.04's python3-cryptography): scripts/test's floor lane.
MINIMUM_VERSION = '3.4.8'

try:
    import cryptography
    # InvalidSignature: for _signatures and the callers' except clauses (support.InvalidSignature)
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm  # pylint: disable=unused-import
except ImportError:
    IMPORT_ERROR = traceback.format_exc()
    CRYPTOGRAPHY_VERSION = None

    class InvalidSignature(Exception):
        """Stands in so that except clauses stay valid when cryptography is missing."""

    class UnsupportedAlgorithm(Exception):
        """Stands in so that except clauses stay valid when cryptography is missing."""
else:
    IMPORT_ERROR = None
    CRYPTOGRAPHY_VERSION = cryptography.__version__


class LazyModule:
    """Stands for a cryptography module until code first uses one of its attributes, then imports it.

    Importing cryptography's X.509 layer costs more than all else a no-op task does on the managed
    node (the overhead section of benchmarks/truststore_bench.py measures a no-op task against
    ansible.builtin.stat); a task that finds nothing to change never parses
    a certificate, so it should not pay for it. Attribute use only: `x509.Name`, `rsa.RSAPublicKey`.
    """

    def __init__(self, name):
        self._name = name
        self._module = None

    def __getattr__(self, attribute):
        if attribute.startswith('__'):  # copy, pickle and pytest probe dunders: not ours to import for
            raise AttributeError(attribute)
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)

    def __repr__(self):
        return '<lazy module %s>' % self._name


def lazy(name):
    """A LazyModule for name (nothing is imported until first use)."""
    return LazyModule(name)


def answer_from(module_name, load):
    """A module __getattr__ (PEP 562) for module_name that answers from the module load() imports and returns.

    How the engine keeps what only a change needs out of what a run that changes nothing imports (issue 11: every
    module run compiles its module_utils from the AnsiballZ zip, twice): a module's cold half goes to a file of
    its own, which load() imports with a plain import statement (so that AnsiballZ packs it), and callers keep
    their names (certs.load_cert ...).
    """
    def __getattr__(name):
        if name.startswith('__'):  # copy, pickle and pytest probe dunders: not ours to import for
            raise AttributeError(name)
        try:
            return getattr(load(), name)
        except AttributeError:
            raise AttributeError('module %r has no attribute %r' % (module_name, name))
    return __getattr__


x509 = lazy('cryptography.x509')
hashes = lazy('cryptography.hazmat.primitives.hashes')
serialization = lazy('cryptography.hazmat.primitives.serialization')
padding = lazy('cryptography.hazmat.primitives.asymmetric.padding')
dsa = lazy('cryptography.hazmat.primitives.asymmetric.dsa')
ec = lazy('cryptography.hazmat.primitives.asymmetric.ec')
ed448 = lazy('cryptography.hazmat.primitives.asymmetric.ed448')
ed25519 = lazy('cryptography.hazmat.primitives.asymmetric.ed25519')
rsa = lazy('cryptography.hazmat.primitives.asymmetric.rsa')


def _triple_des():
    # 3DES (JCEKS keys, legacy PKCS#12 keys) moved to hazmat.decrepit in 43 and is leaving primitives:
    # one import here for both codecs
    try:
        from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES as cipher
    except ImportError:  # cryptography < 43
        try:
            from cryptography.hazmat.primitives.ciphers.algorithms import TripleDES as cipher
        except ImportError:
            cipher = None
    return cipher


TripleDES = _triple_des()


def version_tuple(text):
    """(major, minor, patch) of a version string such as '3.4.8', '41.0.7' or '42.0.0rc1'."""
    numbers = [int(n) for n in re.findall(r'\d+', re.match(r'^[\d.]*', text or '').group(0))[:3]]
    return tuple(numbers + [0] * (3 - len(numbers)))


VERSION = version_tuple(CRYPTOGRAPHY_VERSION) if CRYPTOGRAPHY_VERSION else None

# Certificate.verify_directly_issued_by (cryptography 40). Tests set this to False to run the
# fallback on a new library.
HAS_VERIFY_DIRECTLY_ISSUED_BY = VERSION is not None and VERSION >= (40, 0, 0)

# keytool -keyalg RSASSA-PSS writes keys whose algorithm is id-RSASSA-PSS; cryptography loads them
# (as RSA keys) only from 38 on.
RSASSA_PSS_KEYS_VERSION = (38, 0, 0)


def dependency_problem():
    """None when cryptography is usable here, else (message, traceback or None) for the task's failure."""
    if IMPORT_ERROR is not None:
        return 'the cryptography library (>= %s) is not installed for this Python' % MINIMUM_VERSION, IMPORT_ERROR
    if VERSION < version_tuple(MINIMUM_VERSION):
        return ('cryptography %s is installed, the collection needs cryptography >= %s (install the '
                "distribution's python3-cryptography package)" % (CRYPTOGRAPHY_VERSION, MINIMUM_VERSION)), None
    return None


def needs_version(what, version):
    """The message for a feature this cryptography cannot provide."""
    return '%s needs cryptography >= %s on the managed node; it has %s' % (
        what, '.'.join(str(n) for n in version[:2]), CRYPTOGRAPHY_VERSION)


# ---- signatures (in _signatures) -------------------------------------------------------------------


def _signatures():
    """_signatures, imported on first use: a task that changes nothing verifies no signature (issue 11: fleet
    cost)."""
    from ansible_collections.javasec.keystore.plugins.module_utils import _signatures as signatures
    return signatures


# support.is_issued_by and the rest of _signatures, for their callers
__getattr__ = answer_from(__name__, _signatures)


class CryptographyTooOld(UnsupportedAlgorithm):
    """This cryptography cannot do what a newer one can; the message names the version needed."""
