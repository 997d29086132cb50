#!/usr/bin/env bash
# The development identity provider (tests/idp: npm oidc-provider on loopback).
#   scripts/idp.sh start STATE_DIR   installs its node modules if missing (npm ci), starts it
#                                    on a free port of 127.0.0.1 in the background, waits
#                                    for discovery, writes STATE_DIR/idp.env
#   scripts/idp.sh stop STATE_DIR    stops the IdP started with that STATE_DIR
# STATE_DIR/idp.env holds FREMDRIFT_TEST_IDP_ISSUER, IDP_PID and IDP_PORT. The IdP's log is
# STATE_DIR/idp.log. IDP_PORTAL_REDIRECT_URIS and IDP_JWKS_MAX_AGE pass through to it.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/lib.sh"
idp="$repo/tests/idp"

usage() { echo "usage: scripts/idp.sh start|stop STATE_DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
verb=$1
state=$(mkdir -p "$2" && cd "$2" && pwd)

idp_modules() {
    if [ ! -f "$idp/node_modules/oidc-provider/package.json" ]; then
        command -v npm >/dev/null 2>&1 || {
            echo "idp.sh: npm is missing; run scripts/deps.sh --idp" >&2
            exit 1
        }
        echo "installing the dev IdP's node modules (npm ci)" >&2
        (cd "$idp" && npm ci --no-audit --no-fund --loglevel=error) >&2
    fi
}

start() {
    idp_modules
    if [ -f "$state/idp.env" ]; then
        local old
        old=$(sed -n 's/^IDP_PID=//p' "$state/idp.env")
        if [ -n "$old" ] && kill -0 "$old" 2>/dev/null; then
            echo "idp.sh: an IdP (pid $old) already runs for $state" >&2
            exit 1
        fi
    fi
    local port pid
    for _ in 1 2 3 4 5; do
        port=$(free_port)
        IDP_PORT=$port IDP_STATE_DIR="$state" \
            node "$idp/server.mjs" </dev/null >>"$state/idp.log" 2>&1 &
        pid=$!
        if wait_ready "http://127.0.0.1:$port/.well-known/openid-configuration" "$pid"; then
            {
                echo "FREMDRIFT_TEST_IDP_ISSUER=http://127.0.0.1:$port"
                echo "IDP_PORT=$port"
                echo "IDP_PID=$pid"
            } >"$state/idp.env"
            echo "dev IdP at http://127.0.0.1:$port (pid $pid)"
            return 0
        fi
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    echo "idp.sh: the dev IdP did not start; its log:" >&2
    tail -n 20 "$state/idp.log" >&2
    exit 1
}

stop() {
    [ -f "$state/idp.env" ] || return 0
    local pid
    pid=$(sed -n 's/^IDP_PID=//p' "$state/idp.env")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid"
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$state/idp.env"
}

case "$verb" in
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
