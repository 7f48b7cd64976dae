"""What an execution environment built with ansible-builder gets from this collection.

ansible-builder reads a collection's dependencies when it builds an image; `ansible-builder introspect`
prints what it read, without building anything. These tests run it (from PATH: tests/requirements.txt pins
it) on the collection and compare with what requirements.txt and bindep.txt say and with what the
collection needs: cryptography (modules run on the controller) and tomlkit (deployment.toml is edited on
the controller), nothing of pyjks.
"""

import os
import re
import shutil
import subprocess

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# what pyjks pulled in; none of it may come back into an image
PYJKS_FAMILY = {'pyjks', 'twofish', 'javaobj-py3', 'pycryptodomex', 'pyasn1', 'pyasn1-modules'}
# the first word of a PEP 508 line, normalized as PEP 503 does
NAME_RE = re.compile(r'^\s*([A-Za-z0-9][A-Za-z0-9._-]*)')


def normalize(name):
    return re.sub(r'[-_.]+', '-', name).lower()


def requirement_lines(path):
    """Non-blank lines without comments, as ansible-builder reads them."""
    lines = []
    with open(path, encoding='utf-8') as handle:
        for line in handle:
            line = re.sub(r'(?:^|\s+)#.*$', '', line).strip()
            if line:
                lines.append(line)
    return lines


def requirement_name(line):
    match = NAME_RE.match(line)
    assert match, 'not a requirement line: %r' % line
    return normalize(match.group(1))


@pytest.fixture(scope='module')
def introspected(tmp_path_factory):
    """`ansible-builder introspect --sanitize` on a collections folder holding this collection."""
    builder = shutil.which('ansible-builder')
    if builder is None:
        pytest.fail('ansible-builder is not on PATH: pip install -r tests/requirements.txt (it pins ansible-builder)')
    folder = tmp_path_factory.mktemp('collections')
    # introspect walks <folder>/ansible_collections/<namespace>/<name>; a symlink to the checkout is enough
    namespace = folder / 'ansible_collections' / 'javasec'
    namespace.mkdir(parents=True)
    (namespace / 'keystore').symlink_to(ROOT, target_is_directory=True)
    result = subprocess.run([builder, 'introspect', '--sanitize', str(folder)],
                            capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, 'ansible-builder introspect failed:\n%s%s' % (result.stdout, result.stderr)
    # the YAML document follows a "# Dependency data" comment line and a '---'
    data = yaml.safe_load(result.stdout[result.stdout.index('---'):])
    assert isinstance(data, dict), result.stdout
    return data


def strip_source(lines):
    """Drop the '  # from collection javasec.keystore' that introspect appends to every line."""
    suffix = '  # from collection javasec.keystore'
    for line in lines:
        assert line.endswith(suffix), 'requirement from another collection: %r' % line
    return [line[:-len(suffix)] for line in lines]


def test_meta_names_only_what_builders_read():
    with open(os.path.join(ROOT, 'meta', 'execution-environment.yml'), encoding='utf-8') as handle:
        meta = yaml.safe_load(handle)
    assert meta['dependencies'] == {'python': 'requirements.txt', 'system': 'bindep.txt'}
    # a collection's additional_build_steps are never run by ansible-builder: a pyjks step there was dead
    assert set(meta) == {'version', 'dependencies'}


def test_python_requirements(introspected):
    python = strip_source(introspected['python'] or [])
    names = [requirement_name(line) for line in python]
    assert 'cryptography' in names, python
    assert 'tomlkit' in names, python
    assert not PYJKS_FAMILY & set(names), python
    # introspect reads requirements.txt whole: nothing is lost or added on the way into the image
    assert python == requirement_lines(os.path.join(ROOT, 'requirements.txt'))


def test_cryptography_floor_is_the_roles(introspected):
    """requirements.txt and the prerequisites role promise the same oldest cryptography."""
    with open(os.path.join(ROOT, 'roles', 'prerequisites', 'vars', 'main.yml'), encoding='utf-8') as handle:
        floor = str(yaml.safe_load(handle)['_prerequisites_cryptography_floor'])
    python = strip_source(introspected['python'] or [])
    specifiers = [line for line in python if requirement_name(line) == 'cryptography']
    assert len(specifiers) == 1, python
    match = re.fullmatch(r'cryptography>=([0-9][0-9.]*)(?:,[^;]*)?(?:;.*)?', re.sub(r'\s+', '', specifiers[0]))
    assert match and match.group(1) == floor, (specifiers, floor)


def test_system_requirements(introspected):
    system = strip_source(introspected['system'] or [])
    assert system == requirement_lines(os.path.join(ROOT, 'bindep.txt'))
