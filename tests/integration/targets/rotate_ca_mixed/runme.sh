#!/usr/bin/env bash
# CA rotation (issue 11) with rotate_ca_new=intermediate - a new intermediate under the same old root - on a mixed
# inventory: two server_tls hosts and one WSO2 Micro Integrator (wso2carbon.jks + client-truststore.jks, same key
# re-certified), local connection, each host in its own folder. No Java server: keytool judges the stores after
# every phase (issuer chain of each leaf, what each truststore holds), the restart logs count one restart per host
# and phase that changed it, `all` again changes nothing, and `--tags status` prints every host's issuer.
set -euo pipefail
shopt -s inherit_errexit

if [[ -n "${OUTPUT_DIR:-}" ]]; then
    OUT="$OUTPUT_DIR/rotate_ca_mixed"
    rm -rf "$OUT"
else
    OUT="$(mktemp -d "${TMPDIR:-/tmp}/rotate_ca_mixed.XXXXXX")"
    trap 'rm -rf "$OUT"' EXIT
fi
mkdir -p "$OUT/logs"
HERE="$(cd "$(dirname "$0")" && pwd)"
fail() { echo "FAILED: $*" >&2; exit 1; }

ROOT="CN=Mixed Root CA, O=rotate-mixed"
OLD_INT="CN=Mixed Issuing CA 1, O=rotate-mixed"
NEW_INT="CN=Mixed Issuing CA 2, O=rotate-mixed"
SHIPPED="CN=localhost, O=WSO2, L=Mountain View, ST=CA, C=US"
HOSTS=(plain-a plain-b mi)

cat > "$OUT/inventory.yml" <<INV
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: $(command -v python)
    javasec_gather_facts: false
    rc_root: "$OUT/{{ inventory_hostname }}"
    local_ca_dir: "$OUT/ca-old"
    local_ca_password: ca-old-pw
    local_ca_key_type: ec
    local_ca_intermediate: true
    local_ca_root_subject: "CN=Mixed Root CA,O=rotate-mixed"
    local_ca_intermediate_subject: "CN=Mixed Issuing CA 1,O=rotate-mixed"
    rc_old_intermediate: "{{ lookup('ansible.builtin.file', local_ca_dir ~ '/issued/intermediate.pem') }}"
    rotate_ca_new: intermediate
    rotate_ca_new_dir: "$OUT/ca-new"
    rotate_ca_intermediate_subject: "CN=Mixed Issuing CA 2,O=rotate-mixed"
  children:
    plain:
      vars:
        server_tls_source: local_ca
        server_tls_keystore_password: plain-store-pw
        server_tls_subject: "CN={{ inventory_hostname }},O=rotate-mixed"
        server_tls_subject_alt_names: ["DNS:{{ inventory_hostname }}"]
        server_tls_ca_certificates: ["{{ rc_old_intermediate }}"]
        server_tls_peer_trust: true
        server_tls_peer_hosts: "{{ groups['all'] }}"
        server_tls_restart_command: "sh -c 'echo restarted >> {{ rc_root }}/restarts.log'"
      hosts:
        plain-a:
          server_tls_key_type: ec
          server_tls_keystore_path: "{{ rc_root }}/keystore.p12"
          server_tls_truststore_path: "{{ rc_root }}/truststore.p12"
        plain-b:
          server_tls_keystore_type: jks
          server_tls_keystore_path: "{{ rc_root }}/keystore.jks"
          server_tls_truststore_type: jks
          server_tls_truststore_path: "{{ rc_root }}/truststore.jks"
          # trusts the intermediates, not the root: the one way to cut the old intermediate's leaves off at retire
          server_tls_trust_local_ca: false
          rotate_ca_rekey: false
    wso2:
      hosts:
        mi:
          wso2_product: mi
          wso2_product_version: 4.4.0
          wso2_product_home: "{{ rc_root }}/wso2mi-4.4.0"
          wso2_keystore_password: mi-store-pw
          wso2_tls_source: local_ca
          wso2_tls_subject: "CN=mi,O=rotate-mixed"
          wso2_subject_alt_names: ["DNS:mi"]
          wso2_trusted_certificates: ["{{ rc_old_intermediate }}"]
          wso2_restart_command: "sh -c 'echo restarted >> {{ rc_root }}/restarts.log'"
INV

# store paths and passwords per host: keystore truststore alias password
declare -A KS TS ALIAS PW
KS[plain-a]="$OUT/plain-a/keystore.p12" TS[plain-a]="$OUT/plain-a/truststore.p12" ALIAS[plain-a]=server PW[plain-a]=plain-store-pw
KS[plain-b]="$OUT/plain-b/keystore.jks" TS[plain-b]="$OUT/plain-b/truststore.jks" ALIAS[plain-b]=server PW[plain-b]=plain-store-pw
MI_SEC="$OUT/mi/wso2mi-4.4.0/repository/resources/security"
KS[mi]="$MI_SEC/wso2carbon.jks" TS[mi]="$MI_SEC/client-truststore.jks" ALIAS[mi]=wso2carbon PW[mi]=mi-store-pw

play() { # NAME ansible-playbook-args...: the log is kept; the recap must show no failure
    local name=$1 start=$SECONDS
    shift
    echo "=== $name"
    ansible-playbook -i "$OUT/inventory.yml" "$@" > "$OUT/logs/$name.log" 2>&1 \
        || { cat "$OUT/logs/$name.log"; fail "$name: ansible-playbook exited non-zero"; }
    for host in "${HOSTS[@]}"; do
        grep -qE "^$host +: .*unreachable=0 +failed=0 " "$OUT/logs/$name.log" \
            || { cat "$OUT/logs/$name.log"; fail "$name: $host is not in the recap, or failed"; }
    done
    echo "    $((SECONDS - start)) s"
}
changed() { # HOST NAME: the changes of HOST over every recap of the run (one per playbook)
    sed -nE "s/^$1 +: .*changed=([0-9]+).*/\1/p" "$OUT/logs/$2.log" | awk '{ n += $1 } END { print n + 0 }'
}
rotate() { play "$1" javasec.keystore.rotate_ca "${@:2}" -e "rotate_ca_phase=$1"; }
restarts() { if [[ -f "$OUT/$1/restarts.log" ]]; then wc -l < "$OUT/$1/restarts.log"; else echo 0; fi; }
expect_restarts() { # N: every host restarted N times since the setup
    for host in "${HOSTS[@]}"; do
        [[ "$(restarts "$host")" == "$1" ]] || fail "$host: $(restarts "$host") restarts since the setup, expected $1"
    done
}
digest() { sha256sum "${KS[@]}" "${TS[@]}" "$OUT/ca-old/ca.p12" "$@" | sed "s|$OUT/||"; }

kt() { # keytool; its warnings (JKS is proprietary...) kept out of the test's output, shown when it fails
    keytool -J-Duser.language=en -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC "$@" 2> "$OUT/logs/keytool.err" \
        || { cat "$OUT/logs/keytool.err" >&2; fail "keytool failed (above)"; }
}
# The key entry's chain as keytool prints it, one "Owner/Issuer" pair a line, leaf first.
chain() { # HOST
    kt -list -v -keystore "${KS[$1]}" -storepass "${PW[$1]}" -alias "${ALIAS[$1]}" > "$OUT/logs/ks-$1.txt"
    grep -qx "Certificate chain length: 3" "$OUT/logs/ks-$1.txt" \
        || { cat "$OUT/logs/ks-$1.txt"; fail "$1: the chain length is not 3"; }
    paste -d'|' <(sed -n 's/^Owner: //p' "$OUT/logs/ks-$1.txt") <(sed -n 's/^Issuer: //p' "$OUT/logs/ks-$1.txt") \
        | sed 's/|/ <- /'
}
expect_chain() { # HOST ISSUING-CA LEAF: leaf <- issuing CA, issuing CA <- root, root <- root
    local got want
    got="$(chain "$1")"
    want="$(printf '%s\n' "$3 <- $2" "$2 <- $ROOT" "$ROOT <- $ROOT")"
    [[ "$got" == "$want" ]] || fail "$1: the chain of ${ALIAS[$1]} is
$got
expected
$want"
}
leaf_subject() { echo "CN=$1, O=rotate-mixed"; }
# The subject of every trusted entry of a truststore (keytool -list -v), sorted, one a line.
trusted() { # HOST
    kt -list -v -keystore "${TS[$1]}" -storepass "${PW[$1]}" > "$OUT/logs/ts-$1.txt"
    [[ "$(grep -c '^Entry type: trustedCertEntry' "$OUT/logs/ts-$1.txt")" == "$(grep -c '^Alias name: ' "$OUT/logs/ts-$1.txt")" ]] \
        || fail "$1: the truststore holds other entries than trusted certificates"
    sed -n 's/^Owner: //p' "$OUT/logs/ts-$1.txt" | sort
}
expect_trusted() { # HOST SUBJECT...
    local host=$1 got want
    shift
    got="$(trusted "$host")"
    want="$(printf '%s\n' "$@" | sort)"
    [[ "$got" == "$want" ]] || fail "$host: the truststore trusts
$got
expected
$want"
}
PEERS=("$(leaf_subject plain-a)" "$(leaf_subject plain-b)" "$(leaf_subject mi)")

# ---- 1. the cluster on the old CA ------------------------------------------------------------------------------------
play setup "$HERE/setup.yml"
expect_restarts 1
rm -f "$OUT"/*/restarts.log
for host in "${HOSTS[@]}"; do expect_chain "$host" "$OLD_INT" "$(leaf_subject "$host")"; done
expect_trusted plain-a "$ROOT" "$OLD_INT" "${PEERS[@]}"
expect_trusted plain-b "$OLD_INT" "${PEERS[@]}"
expect_trusted mi "$ROOT" "$OLD_INT" "$SHIPPED"
ski() { sed -n '/^SubjectKeyIdentifier/,/^]/{/0000:/p}' "$OUT/logs/ks-$1.txt" | head -1; }
declare -A SKI
for host in "${HOSTS[@]}"; do SKI[$host]="$(ski "$host")"; [[ -n "${SKI[$host]}" ]] || fail "$host: no key identifier"; done
before="$(digest)"

# ---- 2. introduce: the new intermediate (under the old root) in every truststore; keystores untouched ---------------
rotate introduce
for host in "${HOSTS[@]}"; do [[ "$(changed "$host" introduce)" -gt 0 ]] || fail "introduce changed nothing on $host"; done
expect_restarts 1
# the new CA folder: the new intermediate under the old root, and the old root itself (a complete local_ca folder)
kt -list -v -keystore "$OUT/ca-new/ca.p12" -storepass ca-old-pw > "$OUT/logs/ca-new.txt"
[[ "$(sed -nE 's/^(Alias name|Owner|Issuer): //p' "$OUT/logs/ca-new.txt" | paste -sd'|')" \
    == "intermediate|$NEW_INT|$ROOT|$ROOT|$ROOT|root|$ROOT|$ROOT" ]] \
    || { cat "$OUT/logs/ca-new.txt"; fail "the new CA folder does not hold the new intermediate under the old root, and the root"; }
[[ "$(grep -c "SHA256: $(sed -nE 's/^\s+SHA256: //p' "$OUT/logs/ca-new.txt" | tail -1)" "$OUT/logs/ts-plain-a.txt")" == 1 ]] \
    || fail "the root in the new CA folder is not the root plain-a trusts"
cmp -s "$OUT/ca-new/ca.pem" "$OUT/ca-old/ca.pem" || fail "the new CA folder's ca.pem is not the old root"
expect_trusted plain-a "$ROOT" "$OLD_INT" "$NEW_INT" "${PEERS[@]}"
expect_trusted plain-b "$OLD_INT" "$NEW_INT" "${PEERS[@]}"
expect_trusted mi "$ROOT" "$OLD_INT" "$NEW_INT" "$SHIPPED"
for host in "${HOSTS[@]}"; do
    grep -qF "$(sha256sum "${KS[$host]}" | sed "s|$OUT/||")" <<< "$before" || fail "introduce changed the keystore of $host"
done
after_introduce="$(digest)"

# ---- 3. reissue: every leaf under the new intermediate; truststores untouched ----------------------------------------
rotate reissue
for host in "${HOSTS[@]}"; do [[ "$(changed "$host" reissue)" -gt 0 ]] || fail "reissue changed nothing on $host"; done
expect_restarts 2
for host in "${HOSTS[@]}"; do
    expect_chain "$host" "$NEW_INT" "$(leaf_subject "$host")"
    grep -qF "$(sha256sum "${TS[$host]}" | sed "s|$OUT/||")" <<< "$after_introduce" || fail "reissue changed the truststore of $host"
done
# plain-a got a new key (rotate_ca_rekey default); plain-b (rekey false) and the WSO2 host kept theirs
[[ "$(ski plain-a)" != "${SKI[plain-a]}" ]] || fail "plain-a kept its key (rotate_ca_rekey is true)"
[[ "$(ski plain-b)" == "${SKI[plain-b]}" ]] || fail "plain-b got a new key (rotate_ca_rekey is false)"
[[ "$(ski mi)" == "${SKI[mi]}" ]] || fail "the WSO2 host got a new key (wso2carbon is kept by default)"
# WSO2 reads the key with the store password: the re-certified entry still opens with it
kt -certreq -alias wso2carbon -keystore "${KS[mi]}" -storepass mi-store-pw -keypass mi-store-pw > /dev/null \
    || fail "the WSO2 key no longer opens with the store password"
after_reissue="$(digest)"

# ---- 4. retire: the old intermediate and the leaves it issued leave every truststore, the shared root stays -----------
rotate retire
for host in "${HOSTS[@]}"; do [[ "$(changed "$host" retire)" -gt 0 ]] || fail "retire changed nothing on $host"; done
expect_restarts 3
expect_trusted plain-a "$ROOT" "$NEW_INT"
expect_trusted plain-b "$NEW_INT"
expect_trusted mi "$ROOT" "$NEW_INT" "$SHIPPED"
for host in "${HOSTS[@]}"; do
    grep -qF "$(sha256sum "${KS[$host]}" | sed "s|$OUT/||")" <<< "$after_reissue" || fail "retire changed the keystore of $host"
done
NEW_CA=("$OUT/ca-new/ca.p12" "$OUT/ca-new/ca.pem" "$OUT/ca-new/issued/intermediate.pem")
after_retire="$(digest "${NEW_CA[@]}")"

# ---- 5. all three phases again, and local_ca pointed at the new folder (the guide's next step): nothing to do ---------
rotate all "$HERE/new_ca_folder.yml"
for host in "${HOSTS[@]}"; do [[ "$(changed "$host" all)" == 0 ]] || fail "all again changed $host: $(grep -E "^$host " "$OUT/logs/all.log")"; done
expect_restarts 3
[[ "$(digest "${NEW_CA[@]}")" == "$after_retire" ]] || fail "all again rewrote a store"

# ---- 6. --tags status: the status play alone, whatever the phase says; every host's issuer ---------------------------
play status javasec.keystore.rotate_ca -e rotate_ca_phase=all --tags status
for host in "${HOSTS[@]}"; do
    [[ "$(changed "$host" status)" == 0 ]] || fail "status changed $host"
    line="$(awk -v h="$host" '/^(ok|changed): \[/ { cur = $2 } cur == "[" h "]" && /issued by/' "$OUT/logs/status.log")"
    want="${ALIAS[$host]} issued by CN=Mixed Issuing CA 2,O=rotate-mixed (new CA); truststore trusts the new CA: yes,"
    want+=" the old CA: no (0 entries of the old CA); key entries of the old CA: none; restart owed: no"
    [[ "$line" == *"\"msg\": \"$want\"" ]] || { cat "$OUT/logs/status.log"; fail "status of $host: $line"; }
    echo "    $host: ${want%%;*}"
done
grep -qF '"msg": "old CA: CN=Mixed Issuing CA 1,O=rotate-mixed | new CA: CN=Mixed Issuing CA 2,O=rotate-mixed"' \
    "$OUT/logs/status.log" || fail "status: no line naming the two CAs"
grep -E '^TASK \[.*(Check every host in scope|Add the new CA|Re-issue|Remove the old CA)' "$OUT/logs/status.log" \
    && fail "--tags status ran a phase"
[[ "$(digest "${NEW_CA[@]}")" == "$after_retire" ]] || fail "status wrote a store"
expect_restarts 3
echo "rotate_ca_mixed: new intermediate under the old root on 2 server_tls hosts + 1 WSO2 host: introduce, reissue, retire judged by keytool, one restart per host and phase, all again and status change nothing"
