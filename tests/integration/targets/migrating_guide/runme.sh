#!/usr/bin/env bash
# Runs the "after" playbooks of docs/migrating.md (the ```yaml block after each <!-- after: NAME --> marker) as
# they are written there, twice each: the first run must change something, the second nothing. keytool then
# judges the stores they wrote.
set -euo pipefail

# The collection root holds docs/: four levels up in the tree, more where ansible-test runs a copy of the
# target (tests/output/.tmp/integration/<target>-<random>/): look upwards.
root="$(cd "$(dirname "$0")" && pwd)"
while [[ "$root" != / && ! -f "$root/docs/migrating.md" ]]; do root="$(dirname "$root")"; done
GUIDE="$root/docs/migrating.md"
[[ -f "$GUIDE" ]] || { echo "docs/migrating.md not found above $(dirname "$0")"; exit 1; }
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
D="$WORK/migrate"
mkdir -p "$D"

# fixtures: a CA, a server key and certificate signed by it, the chain, and a PKCS12 file of them
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/ca.key" -out "$D/ca.pem" -days 30 -subj "/O=javasec/CN=Migrate CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$D/server.key" -out "$D/server.csr" -subj "/CN=server.example.com" 2>/dev/null
openssl x509 -req -in "$D/server.csr" -CA "$D/ca.pem" -CAkey "$D/ca.key" -CAcreateserial -days 20 -out "$D/server.crt" 2>/dev/null
cp "$D/ca.pem" "$D/chain.pem"
openssl pkcs12 -export -in "$D/server.crt" -inkey "$D/server.key" -certfile "$D/ca.pem" -name server \
    -out "$D/server.p12" -passout pass:changeit-p12 2>/dev/null

python3 - "$GUIDE" "$WORK" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r'<!-- after: ([\w-]+) -->\n```yaml\n(.*?)```', text, re.S)
assert [name for name, _ in blocks] == ['java_cert', 'java_keystore', 'keytool', 'java_ks'], blocks
for name, body in blocks:
    open('%s/%s.yml' % (sys.argv[2], name), 'w').write(body)
PY

for name in java_cert java_keystore keytool java_ks; do
    for run in 1 2; do
        ansible-playbook -i localhost, -c local -e "migrate_dir=$D" -e "ansible_python_interpreter=$(command -v python)" \
            "$WORK/$name.yml" "$@" | tee "$WORK/$name.$run.log"
        recap="$(grep -E '^localhost +:' "$WORK/$name.$run.log")"
        if [[ $run == 1 && $recap == *"changed=0 "* ]]; then echo "$name: the first run changed nothing: $recap"; exit 1; fi
        if [[ $run == 2 && $recap != *"changed=0 "* ]]; then echo "$name: second run is not idempotent: $recap"; exit 1; fi
        if [[ $recap != *"failed=0 "* ]]; then echo "$name failed: $recap"; exit 1; fi
    done
done

# keytool reads what the playbooks wrote
list() { keytool -J-Duser.language=en -list -v -keystore "$D/$1" -storepass "$2"; }
check() { # store password pattern...
    local store=$1 pass=$2 out; shift 2
    out="$(list "$store" "$pass")"
    for pattern in "$@"; do
        grep -qE "$pattern" <<< "$out" || { echo "$store: no match for '$pattern'"; echo "$out"; exit 1; }
    done
}
check truststore.jks changeit-trust 'Keystore type: JKS' 'contains 1 entry' 'Alias name: company-root' 'trustedCertEntry'
check keystore.p12 changeit-keys 'Keystore type: PKCS12' 'Alias name: server' 'PrivateKeyEntry' 'Certificate chain length: 2'
check keystore.jks changeit-keys 'Keystore type: JKS' 'Certificate chain length: 2' 'Owner: CN=server.example.com'
check generated.p12 changeit-keys 'Alias name: server' 'Owner: CN=localhost' 'DNSName: localhost'
check truststore.p12 changeit-trust 'Alias name: company-root' 'Owner: CN=Migrate CA, O=javasec'
check puppet-keystore.jks changeit-keys 'Certificate chain length: 2' 'Issuer: CN=Migrate CA, O=javasec'
check puppet-truststore.jks changeit-trust 'contains 1 entry' 'trustedCertEntry'
echo "migrating_guide: the 4 after playbooks ran, idempotent, and keytool reads their 7 stores"
