#!/usr/bin/env bash
# Check mode of a first deployment of server_tls (issue 9, item 8), for the sources self_signed, provided (PEM and
# PKCS12) and local_ca, one host each: --check on fresh folders reports changes and writes nothing (find), the
# real run creates the stores (keytool judges them), --check again reports nothing to change.
# Then the local_ca re-run path (issue 11): with nothing due the request, signing and reply do not run and the
# published fingerprint is keytool's; other names, a due certificate and a new CA each get a new certificate.
# server_tls brings the CA itself for the local_ca host; when the CA's argument check fails on the first local_ca
# host, the others fail on a clear message.
set -euo pipefail

WORK="$(mktemp -d "${TMPDIR:-/tmp}/server_tls_role.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
FIX="$WORK/fixtures" DEPLOY="$WORK/deploy"
mkdir -p "$FIX" "$DEPLOY"
fail() { echo "FAILED: $*" >&2; exit 1; }

# provided material: a CA, a server key and certificate signed by it, the same as PKCS12
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$FIX/ca.key" -out "$FIX/ca.pem" -days 30 -subj "/CN=Provided CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$FIX/server.key" -out "$FIX/server.csr" -subj "/CN=provided" 2>/dev/null
openssl x509 -req -in "$FIX/server.csr" -CA "$FIX/ca.pem" -CAkey "$FIX/ca.key" -CAcreateserial -days 20 \
    -out "$FIX/server.pem" 2>/dev/null
openssl pkcs12 -export -in "$FIX/server.pem" -inkey "$FIX/server.key" -certfile "$FIX/ca.pem" -name server \
    -out "$FIX/server.p12" -passout pass:changeit-p12 2>/dev/null

PY="$(command -v python)"
cat > "$WORK/inventory.yml" <<INV
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: $PY
    server_tls_keystore_password: changeit-ks
    server_tls_key_type: ec
    server_tls_keystore_path: "$DEPLOY/{{ inventory_hostname }}/conf/tls/keystore.p12"
    local_ca_dir: "$DEPLOY/local-ca"
    local_ca_password: changeit-ca
    local_ca_key_type: ec
  hosts:
    self_signed:
      server_tls_source: self_signed
    provided_pem:
      server_tls_source: provided
      server_tls_provided_private_key: "{{ lookup('file', '$FIX/server.key') }}"
      server_tls_provided_certificate: "{{ lookup('file', '$FIX/server.pem') }}"
      server_tls_provided_chain: "{{ lookup('file', '$FIX/ca.pem') }}"
    provided_p12:
      server_tls_source: provided
      server_tls_provided_pkcs12: "$FIX/server.p12"
      server_tls_provided_pkcs12_password: changeit-p12
  children:
    local_ca:
      hosts:
        from_local_ca:
          server_tls_source: local_ca
          server_tls_truststore_path: "$DEPLOY/{{ inventory_hostname }}/conf/tls/truststore.p12"
INV

HOSTS=(self_signed provided_pem provided_p12 from_local_ca)
play() { # NAME ansible-playbook-args...
    local name=$1
    shift
    echo "=== $name"
    ansible-playbook -i "$WORK/inventory.yml" "$(dirname "$0")/site.yml" "$@" 2>&1 | tee "$WORK/$name.log" || true
}
changed() { sed -nE "s/^$1 +: .*changed=([0-9]+).*/\1/p" "$WORK/$2.log"; }
failed() { sed -nE "s/^$1 +: .*failed=([0-9]+).*/\1/p" "$WORK/$2.log"; }

# 1. --check of a first deployment: every host changes, nothing is written under the deployment folder
play check-fresh --check
for host in "${HOSTS[@]}"; do
    [[ "$(failed "$host" check-fresh)" == 0 ]] || fail "check-fresh: $host failed"
    [[ "$(changed "$host" check-fresh)" -gt 0 ]] || fail "check-fresh: $host reports no change"
done
written="$(find "$DEPLOY" -mindepth 1)"
[[ -z "$written" ]] || fail "check mode wrote: $written"
grep -q "the keystore $DEPLOY/from_local_ca/conf/tls/keystore.p12 does not exist yet" "$WORK/check-fresh.log" \
    || fail "check-fresh: no line saying why the CSR, signing and CA reply are not previewed"

# 2. the real deployment
play deploy
for host in "${HOSTS[@]}"; do
    [[ "$(failed "$host" deploy)" == 0 && "$(changed "$host" deploy)" -gt 0 ]] || fail "deploy: $host"
done
chain() { # HOST: the number of certificates keytool shows in the chain of alias server
    keytool -list -v -keystore "$DEPLOY/$1/conf/tls/keystore.p12" -storetype PKCS12 -storepass changeit-ks \
        -alias server | sed -nE 's/^Certificate chain length: ([0-9]+)/\1/p'
}
[[ "$(chain self_signed)" == 1 ]] || fail "self_signed: chain length $(chain self_signed)"
[[ "$(chain provided_pem)" == 2 && "$(chain provided_p12)" == 2 ]] || fail "provided: chain lengths"
[[ "$(chain from_local_ca)" == 2 ]] || fail "local_ca: chain length $(chain from_local_ca)"
keytool -list -v -keystore "$DEPLOY/from_local_ca/conf/tls/keystore.p12" -storetype PKCS12 -storepass changeit-ks \
    -alias server | grep -q "^Issuer: CN=javasec local root CA, O=javasec" || fail "local_ca: not issued by the local CA"
ca_sha256="$(keytool -printcert -file "$DEPLOY/local-ca/ca.pem" | sed -nE 's/^[[:space:]]*SHA256: //p')"
trusted="$(keytool -list -keystore "$DEPLOY/from_local_ca/conf/tls/truststore.p12" -storetype PKCS12 \
    -storepass changeit-ks | sed -nE 's/^Certificate fingerprint \(SHA-256\): //p')"
[[ -n "$ca_sha256" && "$trusted" == "$ca_sha256" ]] || fail "local_ca: the truststore holds $trusted, not the CA $ca_sha256"

# 3. --check again: nothing to change
play check-again --check
for host in "${HOSTS[@]}"; do
    [[ "$(failed "$host" check-again)" == 0 && "$(changed "$host" check-again)" == 0 ]] || fail "check-again: $host"
done

leaf() { # HOST: keytool's SHA-256 of the leaf of alias server
    keytool -list -v -keystore "$DEPLOY/$1/conf/tls/keystore.p12" -storetype PKCS12 -storepass changeit-ks \
        -alias server | sed -nE 's/^[[:space:]]*SHA256: //p' | head -1
}
issuer() { # HOST: keytool's SHA-256 of the second certificate of the chain
    keytool -list -v -keystore "$DEPLOY/$1/conf/tls/keystore.p12" -storetype PKCS12 -storepass changeit-ks \
        -alias server | sed -nE 's/^[[:space:]]*SHA256: //p' | sed -n 2p
}
published() { sed -nE "s/.*\"published $1 ([^ \"]+)\".*/\1/p" "$WORK/$2.log"; }

# 4. a real re-run: nothing changes, no request is made, and every host published keytool's fingerprint
play rerun
for host in "${HOSTS[@]}"; do
    [[ "$(failed "$host" rerun)" == 0 && "$(changed "$host" rerun)" == 0 ]] || fail "rerun: $host"
    [[ "$(published "$host" rerun)" == "$(leaf "$host")" ]] \
        || fail "rerun: $host published $(published "$host" rerun), keytool says $(leaf "$host")"
done
! grep -q "Create the certificate request from the key entry" "$WORK/rerun.log" || fail "rerun: a request was made"
# server_tls brings the CA itself, with the variables of a host whose source is local_ca: from_local_ca, the last
# host of the play (a run_once for the whole play would have taken self_signed, the first)
grep -A1 "local_ca : Create the root CA key entry" "$WORK/deploy.log" | grep -q "changed: \[from_local_ca -> localhost\]" \
    || fail "deploy: the CA was not created for from_local_ca"
ran="$(grep -A2 "local_ca : Validating arguments" "$WORK/rerun.log" | grep "^ok: " || true)"
[[ "$ran" == "ok: [from_local_ca]" ]] || fail "rerun: the local_ca role ran for: $ran"
first_leaf="$(leaf from_local_ca)"

# 5. other names: the CA issues a certificate with them
play renamed -e '{"server_tls_subject_alt_names": ["DNS:renamed.example"]}'
[[ "$(failed from_local_ca renamed)" == 0 && "$(changed from_local_ca renamed)" -gt 0 ]] || fail "renamed: no change"
keytool -list -v -keystore "$DEPLOY/from_local_ca/conf/tls/keystore.p12" -storetype PKCS12 -storepass changeit-ks \
    -alias server | grep -q "DNSName: renamed.example" || fail "renamed: the new name is not in the certificate"
[[ "$(chain from_local_ca)" == 2 && "$(issuer from_local_ca)" == "$ca_sha256" ]] || fail "renamed: chain"
[[ "$(published from_local_ca renamed)" == "$(leaf from_local_ca)" && "$(leaf from_local_ca)" != "$first_leaf" ]] \
    || fail "renamed: published $(published from_local_ca renamed), keytool says $(leaf from_local_ca)"
play renamed-again -e '{"server_tls_subject_alt_names": ["DNS:renamed.example"]}'
[[ "$(changed from_local_ca renamed-again)" == 0 ]] || fail "renamed-again: changed"

# 6. due (renewal window longer than the validity): a new certificate on every run
renamed_leaf="$(leaf from_local_ca)"
play due -e '{"server_tls_subject_alt_names": ["DNS:renamed.example"], "server_tls_renew_before_days": 1000}'
[[ "$(failed from_local_ca due)" == 0 && "$(leaf from_local_ca)" != "$renamed_leaf" ]] || fail "due: not renewed"
[[ "$(published from_local_ca due)" == "$(leaf from_local_ca)" ]] || fail "due: published the old certificate"

# 7. a new CA (another folder): the leaf is issued by it, and the truststore trusts it
play new-ca -e "local_ca_dir=$DEPLOY/local-ca-2" -e '{"server_tls_subject_alt_names": ["DNS:renamed.example"]}'
new_ca="$(keytool -printcert -file "$DEPLOY/local-ca-2/ca.pem" | sed -nE 's/^[[:space:]]*SHA256: //p')"
[[ "$(failed from_local_ca new-ca)" == 0 && -n "$new_ca" && "$(issuer from_local_ca)" == "$new_ca" ]] \
    || fail "new-ca: issued by $(issuer from_local_ca), the new CA is $new_ca"
play new-ca-again -e "local_ca_dir=$DEPLOY/local-ca-2" -e '{"server_tls_subject_alt_names": ["DNS:renamed.example"]}'
[[ "$(changed from_local_ca new-ca-again)" == 0 ]] || fail "new-ca-again: changed"
! grep -q "Create the certificate request from the key entry" "$WORK/new-ca-again.log" || fail "new-ca-again: request"
# 8. the CA's argument check runs on the first local_ca host only: when it fails there, the other local_ca hosts
# fail on a clear message and change nothing (instead of asking the CA again on every run without its facts)
sed 's/^        from_local_ca:$/        bad_ca:\n          server_tls_source: local_ca\n          local_ca_key_type: bogus\n        from_local_ca:/' \
    "$WORK/inventory.yml" > "$WORK/inventory-bad-ca.yml"
before_leaf="$(leaf from_local_ca)"
ansible-playbook -i "$WORK/inventory-bad-ca.yml" -l bad_ca,from_local_ca "$(dirname "$0")/site.yml" \
    -e "local_ca_dir=$DEPLOY/local-ca-2" -e '{"server_tls_subject_alt_names": ["DNS:renamed.example"]}' \
    > "$WORK/bad-ca.log" 2>&1 && fail "bad-ca: the play passed"
grep -q "fatal: \[bad_ca\]: .*value of local_ca_key_type must be one of" "$WORK/bad-ca.log" || fail "bad-ca: no argument error"
grep -q "fatal: \[from_local_ca\]: .*the local CA was not set up in this play" "$WORK/bad-ca.log" \
    || fail "bad-ca: from_local_ca did not fail on the missing CA"
[[ "$(changed from_local_ca bad-ca)" == 0 && "$(leaf from_local_ca)" == "$before_leaf" ]] || fail "bad-ca: changed"
echo "server_tls_role: check mode of a first deployment previewed, deployed, then nothing to change; re-runs issue"
echo "  a new certificate only for other names, when due and for a new CA"
