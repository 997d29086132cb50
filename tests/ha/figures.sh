#!/usr/bin/env bash
# The measurements behind docs/scale.md, on a throwaway HA cluster (release build, the
# default rate limit, synchronous standby, fsync on): what one caller may send through
# three replicas against one; which reads a hot standby can answer; the WAL and the
# access-log bytes of one read; and reads per second through HAProxy with the standby
# synchronous, asynchronous, and with reads' log rows committed asynchronously.
# Needs wrk (scripts/deps.sh --bench). Takes about five minutes.
#   FIGURES_CASES (default 20000), FIGURES_SECONDS (default 15)
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
. scripts/lib.sh
name="ha-figures-$$"
state="$repo/var/$name"
bin="$repo/${BUILD:-build}/release"
cases=${FIGURES_CASES:-20000}
seconds=${FIGURES_SECONDS:-15}
psql=/usr/lib/postgresql/15/bin/psql
extra_pid=""

cleanup() {
    [ -n "$extra_pid" ] && kill -TERM "$extra_pid" 2>/dev/null && wait "$extra_pid" 2>/dev/null
    scripts/cluster.sh destroy "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT
unset CLUSTER_KEYS FREMDRIFT_RATE_LIMIT_PER_MINUTE FREMDRIFT_RATE_LIMIT_BURST FREMDRIFT_READ_COMMIT

scripts/cluster.sh start "$name" > /dev/null
. "$state/ports"
set -a
. "$state/env"
. "$state/service.env"
set +a
api="http://127.0.0.1:$API_PORT"

leader_port() {
    if curl -sf -o /dev/null "http://127.0.0.1:$REST1_PORT/primary"; then echo "$PG1_PORT"; else echo "$PG2_PORT"; fi
}
standby_port() { [ "$(leader_port)" = "$PG1_PORT" ] && echo "$PG2_PORT" || echo "$PG1_PORT"; }
su_sql() { "$psql" -X -qAt -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$(leader_port) user=postgres dbname=fremdrift" "$@"; }
token() {
    "$bin/fremdrift-token" --key "$FREMDRIFT_SIGNING_KEY" --kid dev-es256 --alg ES256 \
        --issuer "$FREMDRIFT_JWT_ISSUERS" --audience "$FREMDRIFT_JWT_AUDIENCE" \
        --role "$1" --sub "$2" --municipality 101 --cpr ''
}

"$psql" -X -q -v ON_ERROR_STOP=1 -v n="$cases" "$FREMDRIFT_MIGRATION_DATABASE_URL" -f tests/bench/generate.sql
su_sql -c "SELECT id FROM cases ORDER BY seq" > "$state/ids.txt"
: > "$state/tokens.txt"
for i in 1 2 3 4 5 6 7 8; do token caseworker "figures-$i" >> "$state/tokens.txt"; done
export BENCH_IDS="$state/ids.txt" BENCH_TOKENS="$state/tokens.txt"

echo "== one caller, 300 requests at once (default limit: 600 a minute, 60 at once): answers"
one=$(token caseworker "burst-1")
two=$(token caseworker "burst-2")
burst() {
    local args=()
    for _ in $(seq 1 300); do args+=(-o /dev/null "$1/v1/reference/target_group"); done
    curl -s -Z --parallel-max 50 -H "Authorization: Bearer $2" -w '%{http_code}\n' "${args[@]}" 2>/dev/null |
        sort | uniq -c | awk '{printf "%s%s x %s", sep, $1, $2; sep = ", "} END {print ""}'
}
echo "  through HAProxy (3 replicas): $(burst "$api" "$one")"
echo "  one replica directly:         $(burst "http://127.0.0.1:$SVC1_PORT" "$two")"

# The rest measures the database, not the limit.
restart_services() {
    for svc in svc1 svc2 svc3; do kill -TERM "$(cat "$state/pids/$svc.pid")"; done
    sleep 3
    FREMDRIFT_RATE_LIMIT_PER_MINUTE=0 "$@" scripts/cluster.sh start "$name" > /dev/null
}
restart_services env

echo "== reads answered by a service connected to the hot standby only"
port=$(free_port)
(
    export FREMDRIFT_DATABASE_URL="postgresql://fremdrift_app@127.0.0.1:$(standby_port)/fremdrift"
    FREMDRIFT_PORT=$port exec "$bin/fremdrift" serve
) > "$state/standby-reader.log" 2>&1 &
extra_pid=$!
wait_ready "http://127.0.0.1:$port/readyz" "$extra_pid"
case_id=$(head -n 1 "$state/ids.txt")
citizen_id=$(su_sql -c "SELECT citizen_id FROM cases WHERE id = '$case_id'")
cw=$(token caseworker figures-standby)
tl=$(token team_lead figures-lead)
in=$(token integration figures-feed)
au=$(token auditor figures-audit)
probe() {
    local tok=$1 path=$2 out
    out=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $tok" "http://127.0.0.1:$port$path")
    printf '  %-58s %s %s\n' "$path" "$(tail -n 1 <<<"$out")" \
        "$(head -n -1 <<<"$out" | grep -o '"detail":"[^"]*"' | head -c 80 || true)"
}
probe "$cw" /v1/reference/target_group
probe "$cw" "/v1/stats/appeals?municipality=101&from=2025-01-01&to=2026-12-31"
probe "$cw" "/v1/stats/waiting-times?municipality=101&from=2025-01-01&to=2026-12-31"
probe "$tl" /v1/caseload
probe "$cw" /v1/worklists/reviews-due
probe "$cw" /v1/flags
probe "$cw" "/v1/cases/$case_id"
probe "$cw" "/v1/cases?limit=10"
probe "$cw" "/v1/citizens/$citizen_id"
probe "$cw" "/v1/cases/$case_id/plan"
probe "$cw" "/v1/decisions?case_id=$case_id"
probe "$au" "/v1/access-log?citizen_id=$citizen_id"
probe "$in" "/v1/events?after=0&limit=10"
kill -TERM "$extra_pid"
wait "$extra_pid" || true
extra_pid=""
echo "  statements that failed there (25006: read-only transaction):"
grep -o '"statement":"[^"]*","sqlstate":"[^"]*"' "$state/standby-reader.log" | sort | uniq -c | sed 's/^/   /' || true

# rate: wrk through HAProxy for $seconds; prints req/s, p50, p99.
rate() {
    wrk -t2 -c16 -d3s -s tests/bench/get_case.lua "$api" > /dev/null
    wrk -t2 -c16 -d"${seconds}s" --latency -s tests/bench/get_case.lua "$api" | sed -nE 's/^wrk: .*non2xx=([0-9]+).*rps=([0-9]+) p50_ms=([0-9.]+) p99_ms=([0-9.]+)/\2 req\/s, p50 \3 ms, p99 \4 ms, non-2xx \1/p'
}
patroni_set() {
    patronictl -c "$(cat "$state/pgdir")/pg1/patroni.yml" edit-config --force --quiet -s "$1" > /dev/null
    sleep 5
}

echo "== GET /v1/cases/{id} through HAProxy, 16 connections, ${seconds} s ($cases cases)"
log0=$(su_sql -c "SELECT count(*) FROM access_log")
wal0=$(su_sql -c "SELECT pg_current_wal_lsn()")
echo "  synchronous standby, reads' log rows committed synchronously: $(rate)"
log1=$(su_sql -c "SELECT count(*) FROM access_log")
wal1=$(su_sql -c "SELECT pg_current_wal_lsn()")
su_sql -c "VACUUM ANALYZE access_log"
echo "  WAL per read: $(su_sql -c "SELECT round(pg_wal_lsn_diff('$wal1', '$wal0') / ($log1 - $log0))") bytes"
echo "  access log on disk, table and indexes: $(su_sql -c "SELECT round(pg_total_relation_size('access_log')::numeric / count(*)) FROM access_log") bytes per row ($(su_sql -c "SELECT count(*) FROM access_log") rows)"
patroni_set synchronous_mode=false
echo "  asynchronous standby:                                         $(rate)"
patroni_set synchronous_mode=true
restart_services env FREMDRIFT_READ_COMMIT=async
echo "  synchronous standby, reads' log rows committed asynchronously: $(rate)"
