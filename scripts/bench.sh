#!/usr/bin/env bash
# `make bench`: on a fresh cluster (fsync on, as in production) generate BENCH_CITIZENS
# citizens with cases, start the release build, and measure GET /v1/cases/{id} with wrk;
# then run the same SQL statements with pgbench as the service's role. Both run in the
# same invocation on the same machine, so their ratio is what to compare.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
. scripts/lib.sh
name=bench
state="$repo/var/$name"
citizens=${BENCH_CITIZENS:-100000}
duration=${BENCH_SECONDS:-20}
connections=${BENCH_CONNECTIONS:-16}
read_commit=${FREMDRIFT_READ_COMMIT:-sync}

service_pid=""
cleanup() {
    [ -n "$service_pid" ] && kill -TERM "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
    scripts/pg.sh destroy "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT

scripts/pg.sh destroy "$name" >/dev/null 2>&1 || true
pg_port=$(start_cluster "$name")
scripts/dev-keys.sh "$state" >/dev/null
set -a
. "$state/env"
. "$state/service.env"
set +a
# A handful of tokens make all the load: per-caller limits would measure themselves.
export FREMDRIFT_MIGRATIONS_DIR="$repo/sql" FREMDRIFT_READ_COMMIT="$read_commit" FREMDRIFT_RATE_LIMIT_PER_MINUTE=0
${BUILD:-build}/release/fremdrift migrate >/dev/null

echo "generating $citizens citizens with cases..."
/usr/lib/postgresql/15/bin/psql -X -q -v ON_ERROR_STOP=1 -v n="$citizens" \
    "$FREMDRIFT_MIGRATION_DATABASE_URL" -f tests/bench/generate.sql
/usr/lib/postgresql/15/bin/psql -X -qAt "$FREMDRIFT_MIGRATION_DATABASE_URL" \
    -c "SELECT id FROM cases ORDER BY seq" > "$state/ids.txt"
: > "$state/tokens.txt"
for i in $(seq 1 8); do
    ${BUILD:-build}/release/fremdrift-token --key "$FREMDRIFT_SIGNING_KEY" --kid dev-es256 --alg ES256 \
        --issuer "$FREMDRIFT_JWT_ISSUERS" --audience "$FREMDRIFT_JWT_AUDIENCE" \
        --role caseworker --sub "bench-$i" --municipality 101 >> "$state/tokens.txt"
done

port=$(free_port)
FREMDRIFT_PORT=$port ${BUILD:-build}/release/fremdrift serve > "$state/service.log" 2>&1 &
service_pid=$!
wait_ready "http://127.0.0.1:$port/readyz" "$service_pid" || { tail "$state/service.log"; exit 1; }

export BENCH_IDS="$state/ids.txt" BENCH_TOKENS="$state/tokens.txt"
echo "warming up..."
wrk -t2 -c"$connections" -d3s -s tests/bench/get_case.lua "http://127.0.0.1:$port" >/dev/null
echo "wrk: GET /v1/cases/{id}, $connections connections, ${duration}s"
wrk_out=$(wrk -t2 -c"$connections" -d"${duration}s" --latency -s tests/bench/get_case.lua "http://127.0.0.1:$port")
echo "$wrk_out" | grep -E 'Latency|Requests/sec|wrk:|Non-2xx'
wrk_rps=$(echo "$wrk_out" | sed -nE 's/.*wrk: .* rps=([0-9]+).*/\1/p')
wrk_p50=$(echo "$wrk_out" | sed -nE 's/.*p50_ms=([0-9.]+).*/\1/p')
wrk_p99=$(echo "$wrk_out" | sed -nE 's/.*p99_ms=([0-9.]+).*/\1/p')
kill -TERM "$service_pid"
wait "$service_pid" || true
service_pid=""

sync_value=off
[ "$read_commit" = "sync" ] && sync_value=on
echo "pgbench: the same statements as the service's role, $connections clients, ${duration}s"
mkdir -p "$state/pgbench"
rm -f "$state/pgbench"/pgbench_log.*
(cd "$state/pgbench" && /usr/lib/postgresql/15/bin/pgbench -n -M prepared -c "$connections" -j 2 \
    -T "$duration" -l -D scale_n="$citizens" -D sync="$sync_value" \
    -f "$repo/tests/bench/get_case.pgbench" "$FREMDRIFT_DATABASE_URL") > "$state/pgbench.out"
grep -E 'tps|latency average' "$state/pgbench.out"
pg_tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' "$state/pgbench.out" | head -n 1)
# Per-transaction latencies (microseconds, third field) from pgbench's logs.
read -r pg_p50 pg_p99 < <(cat "$state/pgbench"/pgbench_log.* | awk '{print $3}' | sort -n |
    awk '{v[NR]=$1} END {printf "%.2f %.2f\n", v[int(NR*0.50)]/1000, v[int(NR*0.99)]/1000}')

echo
echo "== GET /v1/cases/{id} ($citizens cases, fsync on, read log commit: $read_commit)"
printf '%-28s %10s %10s %10s\n' "" "req/s" "p50 ms" "p99 ms"
printf '%-28s %10s %10s %10s\n' "service over HTTP (wrk)" "$wrk_rps" "$wrk_p50" "$wrk_p99"
printf '%-28s %10.0f %10s %10s\n' "same SQL direct (pgbench)" "$pg_tps" "$pg_p50" "$pg_p99"
awk -v a="$wrk_rps" -v b="$pg_tps" 'BEGIN {printf "service / pgbench = %.2f\n", a / b}'
