#!/usr/bin/env bash
# `make test-ha`: a throwaway HA cluster (scripts/cluster.sh) and the fault test against it
# (faults.mjs), bounded in time. Everything it started is stopped and deleted on exit,
# pass or fail; the logs of the last run are kept in var/ha-test-last/.
#   FREMDRIFT_BIN_DIR  which build runs (default build/release)
#   HA_DB_ROUTE        libpq (default) or haproxy: how the services find the primary
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
name="ha-test-$$"
state="$repo/var/$name"
export FREMDRIFT_BIN_DIR=${FREMDRIFT_BIN_DIR:-$repo/${BUILD:-build}/release}
# The writers and the reader are a handful of subjects sending many requests each.
export FREMDRIFT_RATE_LIMIT_PER_MINUTE=60000 FREMDRIFT_RATE_LIMIT_BURST=1000
# Its own pool and timeouts, whatever the caller (scripts/test.sh) set for its suites.
export FREMDRIFT_DB_POOL_SIZE=4 FREMDRIFT_DB_CONNECT_TIMEOUT_S=5
unset CLUSTER_KEYS

keep_logs() {
    local out="$repo/var/ha-test-last" pgdir
    rm -rf "$out"
    mkdir -p "$out"
    cp "$state"/*.log "$state"/haproxy/haproxy.cfg "$state"/haproxy/haproxy.log "$out"/ 2>/dev/null
    pgdir=$(cat "$state/pgdir" 2>/dev/null) &&
        for node in pg1 pg2; do cp "$pgdir/$node/patroni.log" "$out/$node-patroni.log" 2>/dev/null; done
}

rc=1
cleanup() {
    keep_logs
    [ "$rc" -eq 0 ] || echo "test-ha: the logs are in var/ha-test-last/" >&2
    scripts/cluster.sh destroy "$name" >/dev/null 2>&1
}
trap cleanup EXIT
trap 'exit 1' INT TERM

echo "== HA cluster (route to the primary: ${HA_DB_ROUTE:-libpq})"
started=$(date +%s)
if ! timeout 300 scripts/cluster.sh start "$name"; then
    echo "test-ha: the cluster did not start"
    echo "ha: 0 passed, 1 failed"
    exit 1
fi
echo "cluster up in $(( $(date +%s) - started )) s"
echo "== fault test"
timeout --signal=KILL 360 node tests/ha/faults.mjs "$state" "$FREMDRIFT_BIN_DIR" 2>&1 | tee "$state/faults.out"
node_rc=${PIPESTATUS[0]}
passed=0 failed=0
line=$(grep -a '^faults: [0-9]* passed, [0-9]* failed' "$state/faults.out" | tail -n 1)
if [ -n "$line" ]; then
    passed=$(sed -E 's/faults: ([0-9]+) passed.*/\1/' <<<"$line")
    failed=$(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")
fi
[ "$node_rc" -eq 0 ] || [ "$failed" -gt 0 ] || { echo "FAIL the fault test exited $node_rc"; failed=$((failed + 1)); }

# The instances still running stop on SIGTERM, and none (a sanitizer build included)
# reported a memory error or leak, the killed one included.
scripts/cluster.sh stop "$name"
if grep -aqE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$state"/svc*.log; then
    grep -aA20 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$state"/svc*.log | head -n 40
    echo "FAIL the service instances stop without a sanitizer report"
    failed=$((failed + 1))
elif [ "$(grep -al '"msg":"stopped"' "$state"/svc*.log | wc -l)" -lt 2 ]; then
    echo "FAIL the surviving service instances log a clean stop"
    failed=$((failed + 1))
else
    echo "ok   the surviving service instances stop cleanly, no sanitizer report"
    passed=$((passed + 1))
fi
echo
echo "ha: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && rc=0
exit "$rc"
