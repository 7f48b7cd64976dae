#!/usr/bin/env bash
# Integration test of the javasec.keystore.prerequisites role on a Debian-family host (CI: Debian 12), with
# the system python3 as the managed node's Python. What is under test is the role's own "changed" count,
# so every scenario is an ansible-playbook run whose PLAY RECAP is read. Installs nothing for real, except
# python3-cryptography on a fresh machine that lacks it (the distribution lane's own prerequisite), and
# cryptography from the package index into a virtualenv made here.
set -euo pipefail

SYS_PY=/usr/bin/python3
if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null || [[ ! -x $SYS_PY ]]; then
    echo "SKIPPED prerequisites_role: needs a Debian-family host with $SYS_PY and apt"
    exit 0
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/prerequisites_role.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
INV="$WORK/inventory"
# no ansible_python_interpreter here: each scenario names its interpreter (or leaves it to the role)
echo "testhost ansible_connection=local" > "$INV"

installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]; }
fail() { echo "FAILED: $*" >&2; exit 1; }

play() { # NAME EXPECTED-CHANGED ansible-playbook-args...: run, then compare the recap's changed count
    local name=$1 want=$2 got
    shift 2
    echo "=== $name (expect changed=$want)"
    ansible-playbook -i "$INV" "$@" 2>&1 | tee "$WORK/$name.log"
    got="$(sed -nE 's/^testhost +: .*changed=([0-9]+).*/\1/p' "$WORK/$name.log" | tail -n 1)"
    [[ "$got" == "$want" ]] || fail "$name: changed=${got:-?} in the recap, expected $want"
}

site_packages() { # the distributions the system Python sees (no pip needed)
    "$SYS_PY" -c 'import importlib.metadata as m; print(sorted(str(d.metadata["Name"]) for d in m.distributions()))'
}

# 1. The system Python with the distribution's python3-cryptography: only verified (changed=0) when the
#    package is there; on a fresh machine the role installs it with apt (changed=1). Second run: changed=0.
if installed python3-cryptography; then first=0; else first=1; fi
if [[ $first == 1 && $EUID -ne 0 ]]; then
    fail "python3-cryptography is not installed and this is not root: the role cannot install it (run as root)"
fi
play system-1 "$first" role.yml -e ansible_python_interpreter="$SYS_PY" -e prereq_python="$SYS_PY" -e prereq_expect=present
installed python3-cryptography || fail "python3-cryptography is not installed after the role"
play system-2 0 role.yml -e ansible_python_interpreter="$SYS_PY" -e prereq_python="$SYS_PY" -e prereq_expect=present
# the probe's round trip only (the setup task, the install include and the re-check are skipped)
grep -q "Find the distribution and its package manager" "$WORK/system-2.log" && fail "system-2 gathered facts"
grep -q "Check the Python and its cryptography again" "$WORK/system-2.log" && fail "system-2 probed twice"

# 2. No ansible_python_interpreter: the role finds the interpreter Ansible uses (setup, python subset).
ANSIBLE_PYTHON_INTERPRETER="$SYS_PY" play discovered 0 role.yml -e prereq_python="$SYS_PY" -e prereq_expect=present

# 3. Check mode where the library is missing (played by probing a module that does not exist, and a package
#    that is not installed): reports changed, installs nothing.
missing=""
for candidate in python3-nacl python3-bcrypt python3-jwt python3-pyasn1; do
    if ! installed "$candidate" && [[ "$(apt-cache policy "$candidate" 2>/dev/null)" =~ Candidate:\ [0-9] ]]; then
        missing=$candidate
        break
    fi
done
[[ -n "$missing" ]] || fail "found no uninstalled package with an apt candidate to play the missing package"
play check 1 role.yml --check -e ansible_python_interpreter="$SYS_PY" -e prereq_python="$SYS_PY" -e prereq_expect=absent \
    -e _prerequisites_probe_module=javasec_no_such_module -e prerequisites_os_package="$missing"
installed "$missing" && fail "check mode installed $missing"

# 4. pip into the externally managed system Python: refused with the methods to use, nothing installed.
marker="$("$SYS_PY" -c 'import os, sysconfig; print(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))')"
[[ -f "$marker" ]] || fail "$SYS_PY is not externally managed ($marker missing): this test expects Debian 12 or later"
before="$(site_packages)"
play pip-refused 0 refused.yml -e ansible_python_interpreter="$SYS_PY" -e prerequisites_method=pip \
    -e _prerequisites_probe_module=javasec_no_such_module \
    -e "{\"prereq_messages\": [\"externally managed\", \"$marker\", \"prerequisites_method auto or os\", \"prerequisites_method virtualenv\"]}"
[[ "$(site_packages)" == "$before" ]] || fail "the refused pip run changed the system Python's packages"

# 5. A cryptography older than the floor (played by raising the floor): a failure naming both versions.
version="$("$SYS_PY" -c 'import cryptography; print(cryptography.__version__)')"
play too-old 0 refused.yml -e ansible_python_interpreter="$SYS_PY" -e _prerequisites_cryptography_floor=999.0 \
    -e "{\"prereq_messages\": [\"has cryptography $version\", \"need cryptography 999.0 or later\"]}"

# 6. The virtualenv method from a bare virtualenv's Python (no cryptography in it): a new virtualenv with
#    cryptography from pip; the second run only verifies. The bare one stays bare.
"$SYS_PY" -m venv "$WORK/bare" || fail "$SYS_PY -m venv failed (python3-venv missing?)"
"$WORK/bare/bin/python" -c 'import cryptography' 2>/dev/null && fail "the bare virtualenv has cryptography"
for run in 1 2; do
    play "virtualenv-$run" "$([[ $run == 1 ]] && echo 2 || echo 0)" role.yml \
        -e ansible_python_interpreter="$WORK/bare/bin/python" -e prerequisites_method=virtualenv \
        -e prerequisites_virtualenv="$WORK/venv" -e prereq_python="$WORK/venv/bin/python" -e prereq_expect=present
done
"$WORK/venv/bin/python" -c 'import cryptography.x509, sys; sys.exit(sys.prefix == sys.base_prefix)' \
    || fail "cryptography does not import in the role's virtualenv"
"$WORK/bare/bin/python" -c 'import cryptography' 2>/dev/null && fail "the role installed into the bare virtualenv"

# 7. A virtualenv that sees the system's python3-cryptography: created (changed=1), pip has nothing to add,
#    and the version is the distribution's.
for run in 1 2; do
    play "site-packages-$run" "$([[ $run == 1 ]] && echo 1 || echo 0)" role.yml \
        -e ansible_python_interpreter="$SYS_PY" -e prerequisites_method=virtualenv -e prerequisites_virtualenv_site_packages=true \
        -e prerequisites_virtualenv="$WORK/site" -e prereq_python="$WORK/site/bin/python" -e prereq_expect=present
done
[[ "$("$WORK/site/bin/python" -c 'import cryptography; print(cryptography.__version__)')" == "$version" ]] \
    || fail "the site-packages virtualenv does not use the system's cryptography $version"

echo "prerequisites_role: every scenario passed"
