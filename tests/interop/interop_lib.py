# -*- coding: utf-8 -*-
# Copyright (c) javasec.keystore contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Helpers of the interop tests: JDKs and keytool, openssl, the Java probes, the modules.

Nothing here asserts; the tests do. conftest.py puts this directory on sys.path.
"""

from __future__ import absolute_import, division, print_function

import base64
import datetime
import hashlib
import ipaddress
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ansible_collections.javasec.keystore.plugins.module_utils import _der as der
from ansible_collections.javasec.keystore.plugins.module_utils import _certs as certs
from ansible_collections.javasec.keystore.plugins.module_utils import _codec as codec
from ansible_collections.javasec.keystore.plugins.module_utils import _model as model

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = Path(__file__).resolve().parent
JAVA_DIR = HERE / 'java'

# The collection as the tests import it: <parent>/ansible_collections/javasec/keystore/plugins/module_utils.
# Not resolved: a symlinked collection must keep its ansible_collections/... path.
COLLECTION_ROOT = Path(os.path.abspath(model.__file__)).parents[2]
COLLECTIONS_PARENT = COLLECTION_ROOT.parents[2]
if COLLECTION_ROOT.parents[1].name != 'ansible_collections':  # pragma: no cover - set-up error
    raise RuntimeError('the collection is not imported from an ansible_collections tree: %s' % COLLECTION_ROOT)

# Fast JVM start for short-lived tools; fixed locale and time zone so that keytool's text is parseable.
JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto', '-XX:-UsePerfData',
               '-Duser.language=en', '-Duser.country=US', '-Duser.timezone=UTC']
JAVA_TIMEOUT = 180
KEYTOOL_TYPES = {'jks': 'JKS', 'pkcs12': 'PKCS12', 'jceks': 'JCEKS'}
DEFAULT_LABELS = ('11', '17', '21', '25')


def tool_env(**extra):
    env = dict(os.environ)
    env['TZ'] = 'UTC'
    env['LC_ALL'] = 'C.UTF-8'  # Java decodes arguments (passwords) with the locale's charset
    env.pop('JAVA_TOOL_OPTIONS', None)
    env.pop('_JAVA_OPTIONS', None)
    env.pop('JDK_JAVA_OPTIONS', None)
    env.update(extra)
    return env


def sha256_file(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def parallel(func, items, workers=2):
    """Run func over items on `workers` threads (the machine has 2 cores); keep the order."""
    items = list(items)
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(func, items))


# ---- JDKs ----------------------------------------------------------------------------------


def parse_version(text):
    """'11.0.13' -> (11, 0, 13); '1.8.0_301' -> (8, 0, 301); '17' -> (17, 0, 0)."""
    text = text.strip().strip('"')
    if text.startswith('1.'):
        match = re.match(r'1\.(\d+)\.(\d+)(?:_(\d+))?', text)
        return (int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))
    numbers = [int(n) for n in re.findall(r'\d+', text.split('+')[0].split('-')[0])[:3]]
    while len(numbers) < 3:
        numbers.append(0)
    return tuple(numbers)


class Jdk(object):
    """A Java home with bin/keytool (and bin/java)."""

    def __init__(self, home, origin):
        self.home = Path(home)
        self.origin = origin
        self.keytool = self.home / 'bin' / 'keytool'
        self.java = self.home / 'bin' / 'java'
        self._release = None
        self._version = None

    def __repr__(self):
        return 'Jdk(%s, %s)' % (self.home, self.version_string)

    @property
    def release(self):
        if self._release is None:
            self._release = {}
            path = self.home / 'release'
            if path.is_file():
                for line in path.read_text(errors='replace').splitlines():
                    if '=' in line:
                        key, value = line.split('=', 1)
                        self._release[key.strip()] = value.strip().strip('"')
        return self._release

    @property
    def version_string(self):
        if self._version is None:
            version = self.release.get('JAVA_VERSION')
            if not version:
                proc = subprocess.run([str(self.java), '-version'], capture_output=True, encoding='utf-8',
                                      errors='replace', timeout=JAVA_TIMEOUT, env=tool_env(), check=False)
                match = re.search(r'version "([^"]+)"', proc.stderr)
                version = match.group(1) if match else '0'
            self._version = version
        return self._version

    @property
    def version(self):
        return parse_version(self.version_string)

    @property
    def major(self):
        return self.version[0]

    def has_module(self, name):
        modules = self.release.get('MODULES')
        return modules is not None and name in modules.split()

    def keytool_run(self, args, check=True, timeout=JAVA_TIMEOUT):
        cmd = [str(self.keytool)] + ['-J' + o for o in JVM_OPTIONS] + [str(a) for a in args]
        proc = subprocess.run(cmd, capture_output=True, encoding='utf-8', errors='replace', timeout=timeout,
                              env=tool_env(), stdin=subprocess.DEVNULL, check=False)
        if check and proc.returncode != 0:
            raise AssertionError('keytool failed (rc=%d): %s\nstdout:\n%s\nstderr:\n%s'
                                 % (proc.returncode, ' '.join(_redact(cmd)), proc.stdout, proc.stderr))
        return proc

    def java_source(self, source, args, timeout=JAVA_TIMEOUT):
        """Single-file source launch: java [options] File.java args."""
        cmd = [str(self.java)] + JVM_OPTIONS + [str(source)] + [str(a) for a in args]
        return subprocess.run(cmd, capture_output=True, encoding='utf-8', errors='replace', timeout=timeout,
                              env=tool_env(), stdin=subprocess.DEVNULL, check=False)


def _redact(cmd):
    out, hide = [], False
    for part in cmd:
        out.append('***' if hide else part)
        hide = part in ('-storepass', '-keypass', '-srcstorepass', '-deststorepass', '-srckeypass', '-destkeypass')
    return out


def jdk_homes_from_env(value=None):
    """Parse JAVASEC_JDK_HOMES: {label: java home}; None when it is not set.

    The value is colon-separated label=/java/home entries. A label is a Java major version ('11') or a
    more exact version ('11.0.10') for a second JDK of the same major, e.g.
    '11=/jdk/11.0.13:11.0.10=/jdk/11.0.10:17=/jdk/17'.
    """
    value = os.environ.get('JAVASEC_JDK_HOMES') if value is None else value
    if value is None or not value.strip():
        return None
    homes = {}
    for part in value.split(':'):
        part = part.strip()
        if not part:
            continue
        label, sep, home = part.partition('=')
        if not sep or not re.match(r'^\d+(\.\d+)*$', label.strip()) or not home:
            raise ValueError('JAVASEC_JDK_HOMES entry %r is not major=/path/to/java_home' % part)
        homes[label.strip()] = home
    return homes


def label_key(label):
    return tuple(int(n) for n in label.split('.'))


def system_jdk():
    """The JDK of the keytool on PATH (the machine's Java 17), or None."""
    keytool = shutil.which('keytool')
    if not keytool:
        return None
    return Jdk(Path(os.path.realpath(keytool)).parents[1], 'PATH')


# ---- keytool output ------------------------------------------------------------------------


def parse_keytool_list(text):
    """Parse `keytool -list -v`: {'type': ..., 'count': n, 'entries': {alias: {...}}}."""
    store_type = re.search(r'^Keystore type: (\S+)', text, re.M)
    count = re.search(r'^Your keystore contains (\d+) entr', text, re.M)
    entries = {}
    for block in re.split(r'^Alias name: ', text, flags=re.M)[1:]:
        alias = block.split('\n', 1)[0].strip()
        date = re.search(r'^Creation date: (.+)$', block, re.M)
        kind = re.search(r'^Entry type: (\S+)', block, re.M)
        chain = re.search(r'^Certificate chain length: (\d+)', block, re.M)
        fingerprints = re.findall(r'^\s*SHA256: ([0-9A-F]{2}(?::[0-9A-F]{2}){31})\s*$', block, re.M)
        entry = {
            'creation_date': date.group(1).strip() if date else None,
            'type': kind.group(1) if kind else None,
            'fingerprints': fingerprints,
        }
        if entry['type'] == 'PrivateKeyEntry':
            entry['chain_length'] = int(chain.group(1)) if chain else None
        elif entry['type'] == 'trustedCertEntry':
            entry['chain_length'] = 1
        else:
            entry['chain_length'] = 0
        entries[alias] = entry
    return {
        'type': store_type.group(1) if store_type else None,
        'count': int(count.group(1)) if count else None,
        'entries': entries,
    }


def keytool_list(jdk, path, store_type, password, check=True):
    proc = jdk.keytool_run(['-list', '-v', '-keystore', path, '-storetype', KEYTOOL_TYPES[store_type],
                            '-storepass', password], check=check)
    return proc, (parse_keytool_list(proc.stdout) if proc.returncode == 0 else None)


def keytool_certreq(jdk, path, store_type, password, alias, key_password=None, check=True):
    """Return (proc, CSR object or None)."""
    args = ['-certreq', '-alias', alias, '-keystore', path, '-storetype', KEYTOOL_TYPES[store_type],
            '-storepass', password]
    if key_password is not None:
        args += ['-keypass', key_password]
    proc = jdk.keytool_run(args, check=check)
    csr = None
    if proc.returncode == 0:
        match = re.search(r'-----BEGIN NEW CERTIFICATE REQUEST-----.*?-----END NEW CERTIFICATE REQUEST-----',
                          proc.stdout, re.S)
        if match:
            pem = match.group(0).replace('NEW CERTIFICATE REQUEST', 'CERTIFICATE REQUEST')
            csr = x509.load_pem_x509_csr(pem.encode('ascii'))
    return proc, csr


def public_der(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def pem_to_der(pem):
    body = b''.join(line for line in pem.splitlines() if line and not line.startswith(b'-----'))
    return base64.b64decode(body)


def cert_spki(cert_der):
    """SubjectPublicKeyInfo DER of a certificate, read without cryptography (which rejects some Java certs)."""
    tbs = der.raw_children(der.children(der.read(cert_der, der.SEQUENCE)[1])[0][1])
    first = 1 if tbs[0][0] == 0xA0 else 0  # [0] version
    return tbs[first + 5]  # serial, signature, issuer, validity, subject, subjectPublicKeyInfo


def csr_spki(csr_der):
    info = der.raw_children(der.children(der.read(csr_der, der.SEQUENCE)[1])[0][1])
    return info[2]  # version, subject, subjectPKInfo


def fingerprint(cert_der):
    return certs.fingerprint(cert_der)


# ---- openssl -------------------------------------------------------------------------------


def openssl(args, check=False):
    return subprocess.run(['openssl'] + [str(a) for a in args], capture_output=True, encoding='utf-8',
                          errors='replace', timeout=120, env=tool_env(), stdin=subprocess.DEVNULL,
                          check=False)


def openssl_needs_legacy_flag():
    """OpenSSL 3 moved RC2 (legacy PKCS#12 certificate encryption) into the legacy provider."""
    proc = openssl(['version'])
    match = re.search(r'OpenSSL (\d+)\.', proc.stdout)
    return bool(match) and int(match.group(1)) >= 3


# ---- the Java probes -----------------------------------------------------------------------


def java_store_probe(jdk, stores, workdir):
    """Run StoreProbe.java once over many stores.

    stores: list of (path, store type, password, {alias: key password}).
    Returns {path: {'error': str} or {'count': n, 'entries': {alias: {...}}}}.
    """
    spec = Path(workdir) / 'probe-spec.tsv'
    lines = []
    for path, store_type, password, key_passwords in stores:
        fields = [str(path), KEYTOOL_TYPES[store_type], password]
        fields += ['%s=%s' % item for item in sorted((key_passwords or {}).items())]
        lines.append('\t'.join(fields))
    spec.write_text('\n'.join(lines) + '\n')
    os.chmod(str(spec), 0o600)
    proc = jdk.java_source(JAVA_DIR / 'StoreProbe.java', [spec])
    if proc.returncode != 0:
        raise AssertionError('StoreProbe.java failed (rc=%d):\n%s\n%s' % (proc.returncode, proc.stdout, proc.stderr))
    results = {}
    for line in proc.stdout.splitlines():
        fields = line.split('\t')
        if fields[0] == 'STORE':
            results[fields[1]] = {'count': int(fields[2]), 'entries': {}}
        elif fields[0] == 'ERROR':
            results[fields[1]] = {'error': fields[2]}
        elif fields[0] == 'ENTRY':
            path, alias, kind, millis, chain_length, fps, detail = fields[1:8]
            results[path]['entries'][alias] = {
                'kind': kind, 'millis': int(millis), 'chain_length': int(chain_length),
                'fingerprints': fps.split(',') if fps else [], 'detail': detail,
            }
    return results


def jsse_handshakes(jdk, combos):
    """combos: list of (label, keystore, type, password, truststore, type, password). Returns {label: fields}."""
    args = []
    for label, ks, ks_type, ks_pass, ts, ts_type, ts_pass in combos:
        args += [label, ks, KEYTOOL_TYPES[ks_type], ks_pass, ts, KEYTOOL_TYPES[ts_type], ts_pass]
    proc = jdk.java_source(JAVA_DIR / 'JsseCheck.java', args)
    results = {}
    for line in proc.stdout.splitlines():
        fields = line.split('\t')
        if fields[0] == 'RESULT':
            results[fields[1]] = fields[2:]
    return proc, results


# ---- the modules ---------------------------------------------------------------------------


def collect_strings(value):
    """Every string inside a JSON value (module warnings are strings or, raw from ansible-core 2.19, dicts)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for item in value for s in collect_strings(item)]
    return []


def module_env():
    paths = [str(COLLECTIONS_PARENT)]
    if os.environ.get('PYTHONPATH'):
        paths.append(os.environ['PYTHONPATH'])
    return tool_env(PYTHONPATH=os.pathsep.join(paths))


def _parse_json_tail(text):
    start = text.find('{')
    if start < 0:
        return None
    try:
        return json.JSONDecoder().raw_decode(text[start:])[0]
    except ValueError:
        return None


def run_module(name, args, check_mode=False, umask=0o022):
    """Run a module of the collection as Ansible runs it on a managed node (args from a file).

    Returns (rc, result dict or None, CompletedProcess).
    """
    payload = dict(args)
    if check_mode:
        payload['_ansible_check_mode'] = True
    fd, argsfile = tempfile.mkstemp(prefix='javasec-module-args-', suffix='.json')
    try:
        with os.fdopen(fd, 'w') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': payload}, handle)
        proc = subprocess.run(
            [sys.executable, '-m', 'ansible_collections.javasec.keystore.plugins.modules.%s' % name, argsfile],
            capture_output=True, encoding='utf-8', errors='replace', timeout=300, env=module_env(),
            stdin=subprocess.DEVNULL, preexec_fn=lambda: os.umask(umask), cwd=tempfile.gettempdir(), check=False)
    finally:
        os.unlink(argsfile)
    return proc.returncode, _parse_json_tail(proc.stdout), proc


def find_ansible_cli():
    beside = Path(sys.executable).parent / 'ansible'
    if beside.exists():
        return str(beside)
    return shutil.which('ansible')


def run_ansible_adhoc(module, args, workdir):
    """`ansible localhost -m javasec.keystore.<module> -a <json>` with this collection on the path.

    Returns (rc, result dict or None, CompletedProcess).
    """
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / 'ansible.cfg'
    config.write_text('[defaults]\n')
    env = tool_env(
        ANSIBLE_CONFIG=str(config),
        ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS_PARENT),
        ANSIBLE_HOME=str(workdir / 'home'),
        ANSIBLE_LOCAL_TEMP=str(workdir / 'tmp'),
        ANSIBLE_LOCALHOST_WARNING='False',
        ANSIBLE_INVENTORY_UNPARSED_WARNING='False',
        ANSIBLE_DEPRECATION_WARNINGS='False',
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_FORCE_COLOR='0',
        ANSIBLE_STDOUT_CALLBACK='minimal',
    )
    cmd = [find_ansible_cli(), 'localhost', '-i', 'localhost,', '-c', 'local',
           '-e', 'ansible_python_interpreter=%s' % sys.executable,
           '-m', 'javasec.keystore.%s' % module, '-a', json.dumps(args)]
    proc = subprocess.run(cmd, capture_output=True, encoding='utf-8', errors='replace', timeout=300, env=env,
                          cwd=str(workdir), stdin=subprocess.DEVNULL, check=False)
    match = re.search(r'^localhost \| [A-Z!]+ => ', proc.stdout, re.M)
    result = _parse_json_tail(proc.stdout[match.end():]) if match else None
    return proc.returncode, result, proc


# ---- a small PKI made with cryptography -------------------------------------------------------


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


class Pki(object):
    """Root CA -> intermediate CA (made here); leaves are keytool keys whose CSRs the intermediate signs."""

    def __init__(self):
        now = _now()
        self.root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'javasec interop root CA'),
                               x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'javasec')])
        self.root = self._ca_cert(root_name, root_name, self.root_key.public_key(), self.root_key, now, 1)
        self.inter_key = ec.generate_private_key(ec.SECP256R1())
        inter_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'javasec interop intermediate CA'),
                                x509.NameAttribute(NameOID.ORGANIZATION_NAME, 'javasec')])
        self.intermediate = self._ca_cert(inter_name, root_name, self.inter_key.public_key(), self.root_key, now, 0)
        other_key = ec.generate_private_key(ec.SECP384R1())
        other_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'javasec unrelated CA')])
        self.other = self._ca_cert(other_name, other_name, other_key.public_key(), other_key, now, 0)

    @staticmethod
    def _ca_cert(subject, issuer, public_key, signing_key, now, path_length):
        builder = (x509.CertificateBuilder()
                   .subject_name(subject).issuer_name(issuer).public_key(public_key)
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1))
                   .not_valid_after(now + datetime.timedelta(days=3650))
                   .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                key_encipherment=False, data_encipherment=False,
                                                key_agreement=False, key_cert_sign=True, crl_sign=True,
                                                encipher_only=False, decipher_only=False), critical=True)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False))
        return builder.sign(signing_key, hashes.SHA256())

    def sign_leaf(self, csr_pem):
        """Sign a keytool CSR as a TLS server certificate for 127.0.0.1/localhost."""
        csr = x509.load_pem_x509_csr(csr_pem)
        now = _now()
        builder = (x509.CertificateBuilder()
                   .subject_name(csr.subject).issuer_name(self.intermediate.subject)
                   .public_key(csr.public_key())
                   .serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(hours=1))
                   .not_valid_after(now + datetime.timedelta(days=365))
                   .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                   .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                                key_encipherment=True, data_encipherment=False,
                                                key_agreement=False, key_cert_sign=False, crl_sign=False,
                                                encipher_only=False, decipher_only=False), critical=True)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
                   .add_extension(x509.SubjectAlternativeName([
                       x509.DNSName('localhost'),
                       x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]), critical=False)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(csr.public_key()), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.inter_key.public_key()),
                                  critical=False))
        return builder.sign(self.inter_key, hashes.SHA256())

    @staticmethod
    def pem(*certs):
        return b''.join(c.public_bytes(serialization.Encoding.PEM) for c in certs)

    @staticmethod
    def der(cert):
        return cert.public_bytes(serialization.Encoding.DER)


def make_cert(common_name, key, serial):
    """A small self-signed certificate (for the concurrency test's many trusted entries)."""
    now = _now()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .sign(key, hashes.SHA256()))


# ---- file state ------------------------------------------------------------------------------


def file_state(path):
    """What must not change when a task fails: content hash, owner, group and mode."""
    st = os.lstat(str(path))
    return {
        'sha256': sha256_file(path) if stat.S_ISREG(st.st_mode) else None,
        'uid': st.st_uid,
        'gid': st.st_gid,
        'mode': oct(stat.S_IMODE(st.st_mode)),
        'is_dir': stat.S_ISDIR(st.st_mode),
    }


def dir_listing(path):
    return sorted(os.listdir(str(path)))


# ---- the source stores, made by keytool at test time -------------------------------------------

PASSWORDS = {
    'mixed_p12': 'p12-Store!pass',
    'mixed_jks': 'jks-Store!pass',
    'secret_p12': 'secret-P12!pass',
    'secret_jceks': 'jceks-Store!pass',
}
OWN_KEY_PASSWORD = 'own-Key!pass'
UNICODE_ALIAS = u'schl\u00fcssel-\u20ac'


class SourceStore(object):
    def __init__(self, name, path, store_type, password, key_passwords, expected):
        self.name = name
        self.path = Path(path)
        self.store_type = store_type
        self.password = password
        self.key_passwords = key_passwords  # alias -> own key password (JKS)
        self.expected = expected  # alias -> (keytool entry type, chain length)

    def __repr__(self):
        return 'SourceStore(%s)' % self.name


def keytool_csr_pem(text):
    match = re.search(r'-----BEGIN NEW CERTIFICATE REQUEST-----.*?-----END NEW CERTIFICATE REQUEST-----', text, re.S)
    if not match:
        raise AssertionError('keytool -certreq printed no CSR:\n%s' % text)
    return match.group(0).replace('NEW CERTIFICATE REQUEST', 'CERTIFICATE REQUEST').encode('ascii')


def build_sources(jdk, pki, directory):
    """Make the source stores with keytool (PKCS12, JKS, PKCS12 with secret keys, JCEKS)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    root_pem = directory / 'root-ca.pem'
    root_pem.write_bytes(pki.pem(pki.root))
    other_pem = directory / 'other-ca.pem'
    other_pem.write_bytes(pki.pem(pki.other))
    kt = jdk.keytool_run
    key_entry = ('PrivateKeyEntry', 1)
    trusted = ('trustedCertEntry', 1)
    secret = ('SecretKeyEntry', 0)

    def mixed():
        p12 = directory / 'mixed.p12'
        password = PASSWORDS['mixed_p12']
        base = ['-keystore', p12, '-storetype', 'PKCS12', '-storepass', password]
        kt(['-genkeypair', '-alias', 'ec-key', '-keyalg', 'EC', '-groupname', 'secp384r1',
            '-dname', 'CN=ec-key,O=javasec', '-validity', '365'] + base)
        kt(['-genkeypair', '-alias', 'ed-key', '-keyalg', 'Ed25519', '-dname', 'CN=ed-key,O=javasec',
            '-validity', '365'] + base)
        # Ed448 under a non-ASCII (but BMP) alias
        kt(['-genkeypair', '-alias', UNICODE_ALIAS, '-keyalg', 'Ed448', '-dname', 'CN=ed448-key,O=javasec',
            '-validity', '365'] + base)
        kt(['-genkeypair', '-alias', 'server', '-keyalg', 'RSA', '-keysize', '2048',
            '-dname', 'CN=localhost,O=javasec', '-validity', '365'] + base)
        csr = keytool_csr_pem(kt(['-certreq', '-alias', 'server'] + base).stdout)
        chain_pem = directory / 'server-chain.pem'
        chain_pem.write_bytes(pki.pem(pki.sign_leaf(csr), pki.intermediate, pki.root))
        kt(['-importcert', '-alias', 'root-ca', '-file', root_pem, '-noprompt'] + base)
        # The CA reply: leaf, intermediate, root; keytool replaces the self-signed certificate by the chain.
        kt(['-importcert', '-alias', 'server', '-file', chain_pem, '-noprompt'] + base)
        kt(['-importcert', '-alias', 'other-ca', '-file', other_pem, '-noprompt'] + base)
        p12_store = SourceStore('mixed_p12', p12, 'pkcs12', password, {}, {
            'ec-key': key_entry, 'ed-key': key_entry, UNICODE_ALIAS: key_entry,
            'server': ('PrivateKeyEntry', 3),
            'root-ca': trusted, 'other-ca': trusted})

        # JKS from the PKCS12 by keytool: imported keys keep the PKCS12 password as their own key
        # password; two of them are re-protected with the JKS store password, and one more key gets
        # a third password. So: 2 keys protected by the store password, 3 by a password of their own.
        jks_path = directory / 'mixed.jks'
        jks_password = PASSWORDS['mixed_jks']
        jbase = ['-keystore', jks_path, '-storetype', 'JKS', '-storepass', jks_password]
        kt(['-importkeystore', '-srckeystore', p12, '-srcstoretype', 'PKCS12', '-srcstorepass', password,
            '-destkeystore', jks_path, '-deststoretype', 'JKS', '-deststorepass', jks_password, '-noprompt'])
        for alias in ('ec-key', 'server'):
            kt(['-keypasswd', '-alias', alias, '-keypass', password, '-new', jks_password] + jbase)
        kt(['-genkeypair', '-alias', 'own-rsa', '-keyalg', 'RSA', '-keysize', '2048',
            '-dname', 'CN=own-rsa,O=javasec', '-validity', '365', '-keypass', OWN_KEY_PASSWORD] + jbase)
        expected = dict(p12_store.expected)
        expected['own-rsa'] = key_entry
        jks_store = SourceStore('mixed_jks', jks_path, 'jks', jks_password,
                                {'ed-key': password, UNICODE_ALIAS: password, 'own-rsa': OWN_KEY_PASSWORD},
                                expected)
        return [p12_store, jks_store]

    def secret_p12():
        path = directory / 'secret.p12'
        password = PASSWORDS['secret_p12']
        base = ['-keystore', path, '-storetype', 'PKCS12', '-storepass', password]
        kt(['-genseckey', '-alias', 'aes-key', '-keyalg', 'AES', '-keysize', '256'] + base)
        kt(['-genseckey', '-alias', 'hmac-key', '-keyalg', 'HmacSHA256', '-keysize', '256'] + base)
        kt(['-importcert', '-alias', 'root-ca', '-file', root_pem, '-noprompt'] + base)
        return [SourceStore('secret_p12', path, 'pkcs12', password, {}, {
            'aes-key': secret, 'hmac-key': secret, 'root-ca': trusted})]

    def secret_jceks():
        path = directory / 'secret.jceks'
        password = PASSWORDS['secret_jceks']
        base = ['-keystore', path, '-storetype', 'JCEKS', '-storepass', password]
        kt(['-genseckey', '-alias', 'aes-key', '-keyalg', 'AES', '-keysize', '256', '-keypass', password] + base)
        kt(['-genkeypair', '-alias', 'rsa-key', '-keyalg', 'RSA', '-keysize', '2048',
            '-dname', 'CN=jceks-rsa,O=javasec', '-validity', '365', '-keypass', password] + base)
        kt(['-importcert', '-alias', 'root-ca', '-file', root_pem, '-noprompt'] + base)
        return [SourceStore('secret_jceks', path, 'jceks', password, {}, {
            'aes-key': secret, 'rsa-key': key_entry, 'root-ca': trusted})]

    def run(job):
        return job()

    stores = {}
    for group in parallel(run, [mixed, secret_p12, secret_jceks]):
        for store in group:
            stores[store.name] = store
    return stores


# ---- the rewrites under test ----------------------------------------------------------------


class Case(object):
    """One rewrite of a source store: by the engine, the module, or ansible's ad-hoc CLI."""

    def __init__(self, case_id, source, via, target_type, encryption=None, module_args=None, new_password=None):
        self.id = case_id
        self.source = source
        self.via = via
        self.target_type = target_type
        self.encryption = encryption
        self.module_args = module_args or {}
        self.new_password = new_password

    def __repr__(self):
        return self.id


JKS_KEY_PASSWORDS = {'ed-key': PASSWORDS['mixed_p12'], UNICODE_ALIAS: PASSWORDS['mixed_p12'],
                     'own-rsa': OWN_KEY_PASSWORD}

CASES = [
    Case('mixed_p12-engine-p12-modern', 'mixed_p12', 'engine', 'pkcs12', 'modern'),
    Case('mixed_p12-engine-p12-legacy', 'mixed_p12', 'engine', 'pkcs12', 'legacy'),
    Case('mixed_p12-engine-jks', 'mixed_p12', 'engine', 'jks'),
    Case('mixed_p12-engine-jks-then-p12', 'mixed_p12', 'engine-2hop', 'pkcs12', 'modern'),
    Case('mixed_p12-module-jks', 'mixed_p12', 'module', 'jks', module_args={'store_type': 'jks'}),
    Case('mixed_p12-module-p12-legacy', 'mixed_p12', 'module', 'pkcs12', 'legacy',
         module_args={'pkcs12_encryption': 'legacy'}),
    Case('mixed_p12-module-new-password', 'mixed_p12', 'module', 'pkcs12', 'modern',
         module_args={'new_password': 'rotated-P12!pass'}, new_password='rotated-P12!pass'),
    Case('mixed_jks-module-new-password', 'mixed_jks', 'module', 'jks',
         module_args={'new_password': 'rotated-JKS!pass'}, new_password='rotated-JKS!pass'),
    Case('mixed_jks-engine-jks', 'mixed_jks', 'engine', 'jks'),
    Case('mixed_jks-engine-jks-sealed', 'mixed_jks', 'engine-sealed', 'jks'),
    Case('mixed_jks-engine-p12-modern', 'mixed_jks', 'engine', 'pkcs12', 'modern'),
    Case('mixed_jks-engine-p12-legacy', 'mixed_jks', 'engine', 'pkcs12', 'legacy'),
    Case('mixed_jks-module-p12', 'mixed_jks', 'module', 'pkcs12', 'modern',
         module_args={'store_type': 'pkcs12', 'key_passwords': JKS_KEY_PASSWORDS}),
    Case('mixed_jks-ansible-p12-legacy', 'mixed_jks', 'ansible', 'pkcs12', 'legacy',
         module_args={'store_type': 'pkcs12', 'pkcs12_encryption': 'legacy', 'key_passwords': JKS_KEY_PASSWORDS}),
    Case('secret_p12-engine-p12-modern', 'secret_p12', 'engine', 'pkcs12', 'modern'),
    Case('secret_p12-engine-p12-legacy', 'secret_p12', 'engine', 'pkcs12', 'legacy'),
    Case('secret_p12-module-p12-legacy', 'secret_p12', 'module', 'pkcs12', 'legacy',
         module_args={'pkcs12_encryption': 'legacy'}),
    Case('secret_p12-module-new-password', 'secret_p12', 'module', 'pkcs12', 'modern',
         module_args={'new_password': 'rotated-Secret!pass'}, new_password='rotated-Secret!pass'),
    Case('secret_jceks-engine-p12-modern', 'secret_jceks', 'engine', 'pkcs12', 'modern'),
    Case('secret_jceks-engine-p12-legacy', 'secret_jceks', 'engine', 'pkcs12', 'legacy'),
    Case('secret_jceks-module-p12', 'secret_jceks', 'module', 'pkcs12', 'modern',
         module_args={'store_type': 'pkcs12'}),
]
CASE_IDS = [c.id for c in CASES]


class Output(object):
    def __init__(self, case, path, store_type, password, key_passwords):
        self.case = case
        self.path = Path(path)
        self.store_type = store_type
        self.password = password
        self.key_passwords = key_passwords
        self.error = None
        self.module_rc = None
        self.module_result = None
        self.module_output = None


def _without_own_passwords(store):
    """What the module does when converting to PKCS12: one password for the whole store."""
    for entry in store.entries.values():
        if isinstance(entry, model.PrivateKeyEntry) and entry.key_der is not None:
            entry.key_password = None
    return store


def build_output(case, source, directory):
    suffix = '.jks' if case.target_type == 'jks' else '.p12'
    path = Path(directory) / (case.id + suffix)
    password = case.new_password or source.password
    key_passwords = source.key_passwords if case.target_type == 'jks' else {}
    out = Output(case, path, case.target_type, password, key_passwords)
    data = source.path.read_bytes()
    try:
        if case.via == 'engine':
            store = codec.load_bytes(data, source.password, source.key_passwords)
            if case.target_type == 'pkcs12':
                _without_own_passwords(store)
            path.write_bytes(codec.dump_bytes(store, source.password, case.target_type, case.encryption))
        elif case.via == 'engine-sealed':
            # No key passwords given: keys with their own password stay sealed and must be kept verbatim.
            store = codec.load_bytes(data, source.password)
            path.write_bytes(codec.dump_bytes(store, source.password, case.target_type, case.encryption))
        elif case.via == 'engine-2hop':
            store = codec.load_bytes(data, source.password, source.key_passwords)
            jks_bytes = codec.dump_bytes(store, source.password, 'jks')
            store = codec.load_bytes(jks_bytes, source.password)
            path.write_bytes(codec.dump_bytes(store, source.password, case.target_type, case.encryption))
        elif case.via in ('module', 'ansible'):
            shutil.copyfile(str(source.path), str(path))
            args = dict(case.module_args, path=str(path), password=source.password)
            if case.via == 'module':
                rc, result, proc = run_module('keystore', args)
            else:
                rc, result, proc = run_ansible_adhoc('keystore', args, Path(directory) / ('ansible-' + case.id))
            out.module_rc, out.module_result = rc, result
            out.module_output = proc.stdout + proc.stderr
            if rc != 0:
                out.error = 'module failed (rc=%s): %s' % (rc, out.module_output)
        else:  # pragma: no cover - a typo in CASES
            raise ValueError(case.via)
    except Exception as exc:  # recorded: every test of this case fails with it, the others run
        out.error = '%s: %s' % (type(exc).__name__, exc)
    return out


def build_outputs(sources, directory):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    outs = parallel(lambda case: build_output(case, sources[case.source], directory), CASES)
    return dict((o.case.id, o) for o in outs)


# ---- the Java matrix ----------------------------------------------------------------------------

MATRIX_PASSWORD = 'matrix-Store!pass'
TRUST_PASSWORD = 'trust-Store!pass'
MATRIX_FORMATS = ('jks', 'pkcs12-modern', 'pkcs12-legacy')
MATRIX_RESULTS = {'rows': []}


def build_matrix_stores(sources, pki, directory):
    """A key with its 3-certificate chain and the trusted root, written as JKS, modern and legacy PKCS12,
    and truststores (root CA only; an unrelated CA only) for the JSSE check."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    src = sources['mixed_p12']
    store = codec.load_bytes(src.path.read_bytes(), src.password)
    for alias in list(store.entries):
        if alias not in ('server', 'root-ca'):
            store.remove(alias)
    paths = {}
    for fmt in MATRIX_FORMATS:
        store_type, encryption = ('jks', None) if fmt == 'jks' else ('pkcs12', fmt.split('-')[1])
        path = directory / ('matrix-%s.%s' % (fmt, 'jks' if store_type == 'jks' else 'p12'))
        path.write_bytes(codec.dump_bytes(store, MATRIX_PASSWORD, store_type, encryption))
        paths[fmt] = path
    for name, cert in (('trust', pki.root), ('untrusted', pki.other)):
        trust = model.Keystore('pkcs12', 'modern')
        trust.add(model.TrustedCertEntry(name + '-ca', pki.der(cert)))
        for fmt in MATRIX_FORMATS:
            store_type, encryption = ('jks', None) if fmt == 'jks' else ('pkcs12', fmt.split('-')[1])
            path = directory / ('%s-%s.%s' % (name, fmt, 'jks' if store_type == 'jks' else 'p12'))
            path.write_bytes(codec.dump_bytes(trust, TRUST_PASSWORD, store_type, encryption))
            paths['%s-%s' % (name, fmt)] = path
    leaf = store.get('server').chain
    return {'paths': paths, 'chain': list(leaf), 'root': pki.der(pki.root)}


def _cell(result):
    """'ok', or the outcome with the last part of Java's message: 'unreadable (Algorithm ... not available)'."""
    if ': ' not in result:
        return result
    outcome, message = result.split(': ', 1)
    return '%s (%s)' % (outcome, message.rsplit('Exception: ', 1)[-1])


def matrix_table(rows):
    header = ['Java', 'version', 'source'] + list(MATRIX_FORMATS)
    lines = [header]
    for row in sorted(rows, key=lambda r: label_key(r['label'])):
        cells = [_cell(row['results'][f]) for f in MATRIX_FORMATS]
        lines.append([row['label'], row['version'], row['origin']] + cells)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = []
    for number, line in enumerate(lines):
        text.append(' | '.join(cell.ljust(width) for cell, width in zip(line, widths)))
        if number == 0:
            text.append('-+-'.join('-' * width for width in widths))
    return '\n'.join(text)
