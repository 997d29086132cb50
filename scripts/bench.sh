#!/usr/bin/env bash
# `make bench`, part 1: on a fresh cluster (fsync on, as in production) generate
# BENCH_CITIZENS citizens with cases, start the release build, and measure GET /v1/cases/{id}
# with wrk next to the same SQL statements run by pgbench as the service's role. The two
# run interleaved in BENCH_CASE_ROUNDS rounds (wrk, then pgbench, each for
# BENCH_SECONDS / rounds), so load drift on the shared machine hits both alike; the ratio is
# of their summed throughput and must stay >= 0.8. Part 2 (scripts/bench_lists.sh, the
# worklists at two data shapes) follows unless BENCH_PARTS names only "cases".
# Ports: BENCH_PG_PORT and BENCH_PORT (free ones when unset). Every failure names itself.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
. scripts/lib.sh
name=bench
state="$repo/var/$name"
citizens=${BENCH_CITIZENS:-100000}
duration=${BENCH_SECONDS:-20}
rounds=${BENCH_CASE_ROUNDS:-4}
connections=${BENCH_CONNECTIONS:-16}
read_commit=${FREMDRIFT_READ_COMMIT:-sync}
parts=${BENCH_PARTS:-cases,lists}
min_ratio=0.8
pgbin=/usr/lib/postgresql/15/bin

service_pid=""
cleanup() {
    [ -n "$service_pid" ] && kill -TERM "$service_pid" 2>/dev/null && wait "$service_pid" 2>/dev/null
    scripts/pg.sh destroy "$name" >/dev/null 2>&1 || true
}
trap cleanup EXIT
die() { echo "bench (cases): FAILED: $*" >&2; exit 1; }

if [[ ",$parts," == *,cases,* ]]; then
    scripts/pg.sh destroy "$name" >/dev/null 2>&1 || true
    if [ -n "${BENCH_PG_PORT:-}" ]; then
        scripts/pg.sh start "$name" "$BENCH_PG_PORT" || die "PostgreSQL did not start on BENCH_PG_PORT=$BENCH_PG_PORT"
    else
        start_cluster "$name" >/dev/null || die "no PostgreSQL cluster"
    fi
    scripts/dev-keys.sh "$state" >/dev/null
    set -a
    . "$state/env"
    . "$state/service.env"
    set +a
    # A handful of tokens make all the load: per-caller limits would measure themselves.
    export FREMDRIFT_MIGRATIONS_DIR="$repo/sql" FREMDRIFT_READ_COMMIT="$read_commit" FREMDRIFT_RATE_LIMIT_PER_MINUTE=0
    ${BUILD:-build}/release/fremdrift migrate >/dev/null || die "migrations failed"

    echo "generating $citizens citizens with cases..."
    "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -v n="$citizens" \
        "$FREMDRIFT_MIGRATION_DATABASE_URL" -f tests/bench/generate.sql || die "generate.sql failed"
    "$pgbin/psql" -X -qAt "$FREMDRIFT_MIGRATION_DATABASE_URL" -c "SELECT id FROM cases ORDER BY seq" > "$state/ids.txt"
    : > "$state/tokens.txt"
    for i in $(seq 1 8); do
        ${BUILD:-build}/release/fremdrift-token --key "$FREMDRIFT_SIGNING_KEY" --kid dev-es256 --alg ES256 \
            --issuer "$FREMDRIFT_JWT_ISSUERS" --audience "$FREMDRIFT_JWT_AUDIENCE" \
            --role caseworker --sub "bench-$i" --municipality 101 >> "$state/tokens.txt"
    done

    port=${BENCH_PORT:-$(free_port)}
    FREMDRIFT_PORT=$port ${BUILD:-build}/release/fremdrift serve > "$state/service.log" 2>&1 &
    service_pid=$!
    wait_ready "http://127.0.0.1:$port/readyz" "$service_pid" ||
        { tail "$state/service.log" >&2; die "the service (port $port) did not become ready; its log is above"; }

    export BENCH_IDS="$state/ids.txt" BENCH_TOKENS="$state/tokens.txt"
    echo "warming up..."
    wrk -t2 -c"$connections" -d3s -s tests/bench/get_case.lua "http://127.0.0.1:$port" >/dev/null ||
        die "wrk could not reach the service"
    slice=$(( duration / rounds > 0 ? duration / rounds : 1 ))
    sync_value=off
    [ "$read_commit" = "sync" ] && sync_value=on
    mkdir -p "$state/pgbench"
    rm -f "$state/pgbench"/pgbench_log.* "$state/wrk.txt"
    wrk_requests=0 wrk_seconds=0 pg_transactions=0 pg_seconds=0
    for round in $(seq 1 "$rounds"); do
        echo "round $round of $rounds: wrk ${slice}s, pgbench ${slice}s, $connections connections each"
        wrk_out=$(wrk -t2 -c"$connections" -d"${slice}s" --latency -s tests/bench/get_case.lua "http://127.0.0.1:$port") ||
            die "wrk failed in round $round"
        line=$(grep 'wrk:' <<<"$wrk_out")
        echo "$line" >> "$state/wrk.txt"
        non2xx=$(sed -nE 's/.*non2xx=([0-9]+).*/\1/p' <<<"$line")
        [ "${non2xx:-1}" -eq 0 ] || die "GET /v1/cases/{id} answered $non2xx non-2xx responses in round $round"
        wrk_requests=$(( wrk_requests + $(sed -nE 's/.*requests=([0-9]+).*/\1/p' <<<"$line") ))
        wrk_seconds=$(( wrk_seconds + slice ))
        (cd "$state/pgbench" && "$pgbin/pgbench" -n -M prepared -c "$connections" -j 2 -T "$slice" -l \
            --log-prefix="pgbench_log.r$round" -D scale_n="$citizens" -D sync="$sync_value" \
            -f "$repo/tests/bench/get_case.pgbench" "$FREMDRIFT_DATABASE_URL") > "$state/pgbench.out" 2>&1 ||
            { tail "$state/pgbench.out" >&2; die "pgbench failed in round $round"; }
        done_tx=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$state/pgbench.out")
        [ -n "$done_tx" ] || die "pgbench reported no transactions in round $round"
        pg_transactions=$(( pg_transactions + done_tx ))
        pg_seconds=$(( pg_seconds + slice ))
    done
    # Latencies: wrk's per-round percentiles (their median); pgbench's from its logs
    # (microseconds, third field), all rounds together.
    median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
    wrk_p50=$(sed -nE 's/.*p50_ms=([0-9.]+).*/\1/p' "$state/wrk.txt" | median)
    wrk_p99=$(sed -nE 's/.*p99_ms=([0-9.]+).*/\1/p' "$state/wrk.txt" | median)
    read -r pg_p50 pg_p99 < <(cat "$state/pgbench"/pgbench_log.r* | awk '{print $3}' | sort -n |
        awk '{v[NR]=$1} END {printf "%.2f %.2f\n", v[int(NR*0.50)]/1000, v[int(NR*0.99)]/1000}')
    kill -TERM "$service_pid"
    wait "$service_pid" || true
    service_pid=""

    wrk_rps=$(awk -v n="$wrk_requests" -v s="$wrk_seconds" 'BEGIN {printf "%.0f", n / s}')
    pg_tps=$(awk -v n="$pg_transactions" -v s="$pg_seconds" 'BEGIN {printf "%.0f", n / s}')
    ratio=$(awk -v a="$wrk_rps" -v b="$pg_tps" 'BEGIN {printf "%.2f", a / b}')
    echo
    echo "== GET /v1/cases/{id} ($citizens cases, fsync on, read log commit: $read_commit, $rounds rounds interleaved)"
    printf '%-28s %10s %10s %10s\n' "" "req/s" "p50 ms" "p99 ms"
    printf '%-28s %10s %10s %10s\n' "service over HTTP (wrk)" "$wrk_rps" "$wrk_p50" "$wrk_p99"
    printf '%-28s %10s %10s %10s\n' "same SQL direct (pgbench)" "$pg_tps" "$pg_p50" "$pg_p99"
    echo "service / pgbench = $ratio"
    awk -v r="$ratio" -v m="$min_ratio" 'BEGIN {exit !(r >= m)}' ||
        die "GET /v1/cases/{id}: service / pgbench = $ratio, below $min_ratio"
    scripts/pg.sh destroy "$name" >/dev/null 2>&1 || true
fi

if [[ ",$parts," == *,lists,* ]]; then
    scripts/bench_lists.sh
fi
