#!/usr/bin/env bash
# `make test`: a throwaway PostgreSQL cluster on a free port, the service built with
# AddressSanitizer and UBSan running as a real process, then: the OpenAPI lint, the layer
# check of service/, the schema check (a fresh and an upgraded database end identical), the
# unit tests, the integration tests over HTTP, the resilience test (PostgreSQL stopped and
# started under the running service), the contract check of every recorded response, and
# the citizen's portal and the docs page in headless chromium (tests/browser), a clean
# SIGTERM shutdown with no leak, and the high-availability fault test (tests/ha: a
# Patroni cluster, failover under load, about two minutes). Exits non-zero on any failure.
# TESTS=<criterion filter> (e.g. TESTS='events/*') runs only the matching integration and
# resilience tests, for a quick loop while working on one suite; TESTS=browser runs only
# the browser tests; `make test` runs all.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
. scripts/lib.sh
name="test-$$"
state="$repo/var/$name"
asan="$repo/${BUILD:-build}/asan"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

service_pid=""
cleanup() {
    if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
        kill -TERM "$service_pid" 2>/dev/null
        wait "$service_pid" 2>/dev/null
    fi
    # Before pg.sh destroy, which removes $state and with it the IdPs' pid files.
    scripts/idp.sh stop "$state/idp" >/dev/null 2>&1
    scripts/idp.sh stop "$state/idp-other" >/dev/null 2>&1
    scripts/pg.sh destroy "$name" >/dev/null 2>&1
}
trap cleanup EXIT

failures=0
passed=0
failed=0
note_failure() { echo "FAILED: $*" >&2; failures=$((failures + 1)); }

# Runs one criterion binary; counts its synthesis and treats any sanitizer report in its
# output as a failure, since a leak found when a forked test exits does not fail that test.
run_suite() {
    local label=$1; shift
    local log="$state/$label.log"
    echo "== $label"
    "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    local line
    line=$(grep -a 'Synthesis:' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        local tested passing
        tested=$(sed -E 's/.*Tested: ([0-9]+).*/\1/' <<<"$line")
        passing=$(sed -E 's/.*Passing: ([0-9]+).*/\1/' <<<"$line")
        passed=$((passed + passing))
        failed=$((failed + tested - passing))
    fi
    if grep -aqE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$log"; then
        note_failure "$label: sanitizer report"
        failed=$((failed + 1))
    fi
    [ "$rc" -eq 0 ] || note_failure "$label exited $rc"
}

only="${TESTS:-}"
if [ -z "$only" ]; then
    echo "== OpenAPI lint"
    scripts/lint.sh || note_failure "OpenAPI lint"
    echo "== layers of service/"
    scripts/layers.sh || note_failure "an include runs up the layers of service/"
fi

pg_port=$(start_cluster "$name" --throwaway) || exit 1
scripts/dev-keys.sh "$state" >/dev/null
set -a
. "$state/env"
. "$state/service.env"
set +a
export FREMDRIFT_MIGRATIONS_DIR="$repo/sql"
export FREMDRIFT_DB_POOL_SIZE=6
export FREMDRIFT_DB_POOL_WAIT_MS=1000
export FREMDRIFT_DB_CONNECT_TIMEOUT_S=2
export FREMDRIFT_SHUTDOWN_GRACE_S=10
export FREMDRIFT_CONNECTION_TIMEOUT_S=3
# Every test client comes from 127.0.0.1: the per-address limit is tested on a service of
# its own (resilience phase).
export FREMDRIFT_MAX_CONNECTIONS_PER_ADDRESS=0
export FREMDRIFT_CORS_ORIGINS=https://portal.example
# Generous for the suites, whose actors are mostly unique; the limit itself is tested by
# the resilience phase on a service of its own.
export FREMDRIFT_RATE_LIMIT_PER_MINUTE=60000 FREMDRIFT_RATE_LIMIT_BURST=1000
# The default processing deadlines, and one for a type of intervention of its own, which
# the worklist suite shows replacing the general one.
export FREMDRIFT_PROCESSING_DEADLINES="application=42,intervention_request=30,intervention_request.uddannelse=14"

"$asan/fremdrift" migrate > "$state/migrate.log" 2>&1 || { cat "$state/migrate.log"; exit 1; }
if [ -z "$only" ]; then
    echo "== schema: a fresh database and an upgraded one end identical"
    scripts/schema-check.sh "$state" "$asan/fremdrift" || note_failure "fresh and upgraded schemas differ"
fi

service_port=$(free_port) || exit 1
export FREMDRIFT_PORT=$service_port

# The development identity provider (tests/idp), started before the service, which reads
# its keys at start-up; and a second one the service is not configured for. The JWKS's
# short max-age makes the service refresh every 2 s, so rotation and outage tests are quick.
IDP_JWKS_MAX_AGE=2 IDP_PORTAL_REDIRECT_URIS="http://127.0.0.1:$service_port/portal/" \
    scripts/idp.sh start "$state/idp" >/dev/null || exit 1
scripts/idp.sh start "$state/idp-other" >/dev/null || exit 1
export FREMDRIFT_TEST_IDP_ISSUER FREMDRIFT_TEST_OTHER_IDP_ISSUER
FREMDRIFT_TEST_IDP_ISSUER=$(sed -n 's/^FREMDRIFT_TEST_IDP_ISSUER=//p' "$state/idp/idp.env")
FREMDRIFT_TEST_OTHER_IDP_ISSUER=$(sed -n 's/^FREMDRIFT_TEST_IDP_ISSUER=//p' "$state/idp-other/idp.env")
export FREMDRIFT_TEST_PORTAL_REDIRECT="http://127.0.0.1:$service_port/portal/"
# One IdP for citizens and staff: a `roles` claim names a staff role; without it the token
# is a citizen's, identified by NemLog-in's CPR claim (see the README, identity providers).
export FREMDRIFT_OIDC_ISSUERS="[{\"issuer\": \"$FREMDRIFT_TEST_IDP_ISSUER\", \"claims\": {\"role\": \"citizen\",
  \"role_claim\": \"roles\", \"cpr_claim\": \"dk:gov:saml:attribute:CprNumberIdentifier\"}}]"
export FREMDRIFT_OIDC_REFRESH_MIN_S=1 FREMDRIFT_OIDC_UNKNOWN_KID_INTERVAL_S=5
# The citizen's portal signs in with the same IdP.
export FREMDRIFT_PORTAL_ISSUER=$FREMDRIFT_TEST_IDP_ISSUER FREMDRIFT_PORTAL_SCOPE="openid fremdrift"
"$asan/fremdrift" serve > "$state/service.log" 2>&1 &
service_pid=$!
wait_ready "http://127.0.0.1:$service_port/readyz" "$service_pid" || {
    echo "the service did not become ready; its log:" >&2
    tail -n 30 "$state/service.log" >&2
    exit 1
}

export FREMDRIFT_TEST_URL="http://127.0.0.1:$service_port"
export FREMDRIFT_TEST_STATE="$state"
export FREMDRIFT_TEST_PG_NAME="$name"
export FREMDRIFT_TEST_PG_PORT="$pg_port"
export FREMDRIFT_TEST_RECORD="$state/responses.jsonl"
export FREMDRIFT_TEST_SERVICE_LOG="$state/service.log"

export FREMDRIFT_TEST_TOKEN_TOOL="$asan/fremdrift-token"
# Outside the throwaway state, which is deleted at the end: the screenshots stay to be seen.
export FREMDRIFT_TEST_BROWSER_OUT="$repo/var/test-output/browser"
run_browser() {
    browser_modules || { note_failure "browser tests: npm ci in tests/browser failed"; return; }
    run_suite browser node tests/browser/run.mjs
}

if [ "$only" = browser ]; then
    run_browser
elif [ -n "$only" ]; then
    run_suite selected "$asan/integration-tests" --filter "$only" --jobs 1
else
    run_suite unit "$asan/unit-tests" --jobs 2
    run_suite integration "$asan/integration-tests" --filter '!(resilience|oidc)/*' --jobs 4
    # One at a time: these rotate the IdP's keys and take its JWKS down.
    run_suite oidc "$asan/integration-tests" --filter 'oidc/*' --jobs 1
    run_suite resilience "$asan/integration-tests" --filter 'resilience/*' --jobs 1
    run_browser
fi

if [ "$only" != browser ]; then
    echo "== contract check of recorded responses"
    scripts/contract.sh "$FREMDRIFT_TEST_RECORD" || note_failure "responses do not match openapi.yaml"
fi

echo "== shutdown"
kill -TERM "$service_pid"
wait "$service_pid"
rc=$?
service_pid=""
if [ "$rc" -ne 0 ] || grep -aqE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$state/service.log"; then
    grep -aA30 -E 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$state/service.log" | head -n 60 >&2
    note_failure "the service exited $rc on SIGTERM or reported a sanitizer error"
    failed=$((failed + 1))
fi
grep -aq '"msg":"stopped"' "$state/service.log" || note_failure "the service did not log a clean stop"

# The fault test runs on a cluster of its own, with the sanitizer build of this run.
if [ -z "$only" ]; then
    echo "== high availability (tests/ha)"
    FREMDRIFT_BIN_DIR="$asan" tests/ha/run.sh 2>&1 | tee "$state/ha.log"
    ha_rc=${PIPESTATUS[0]}
    line=$(grep -a '^ha: [0-9]* passed, [0-9]* failed' "$state/ha.log" | tail -n 1)
    if [ -n "$line" ]; then
        passed=$((passed + $(sed -E 's/ha: ([0-9]+) passed.*/\1/' <<<"$line")))
        failed=$((failed + $(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$line")))
    fi
    [ "$ha_rc" -eq 0 ] || note_failure "high availability test exited $ha_rc"
fi

echo
echo "tests: $passed passed, $failed failed"
[ "$failures" -eq 0 ] && [ "$failed" -eq 0 ]
