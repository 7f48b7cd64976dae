#!/usr/bin/env bash
# Integration test of javasec.keystore.toml_settings with a managed node whose Python has no tomlkit (a bare
# virtualenv: nothing but the standard library), and of concurrent tasks writing one file. The controller
# (the Python running ansible-playbook) has tomlkit: the file is edited there.
set -euo pipefail
cd "$(dirname "$0")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/toml_settings.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

PY="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
"$PY" -m venv --without-pip "$WORK/node" || fail "$PY -m venv failed"
NODE_PY="$WORK/node/bin/python"
"$NODE_PY" -c 'import tomlkit' 2>/dev/null && fail "the node's virtualenv has tomlkit"

# three nodes on this machine: the concurrent play has them write one file at once
INV="$WORK/inventory"
for n in 1 2 3; do
    echo "node$n ansible_connection=local ansible_python_interpreter=$NODE_PY"
done > "$INV"

ansible-playbook -i "$INV" scenarios.yml -e toml_dir="$WORK" "$@"
ansible-playbook -i "$INV" --forks 3 concurrent.yml -e toml_dir="$WORK" "$@"
echo "toml_settings: every scenario passed"
