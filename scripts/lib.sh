# Shell functions shared by the scripts; source it, do not run it.

# A TCP port on 127.0.0.1 that nothing answers on right now.
free_port() {
    for _ in $(seq 1 100); do
        local p=$(( (RANDOM % 25000) + 30000 ))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# start_cluster NAME [--throwaway]: a fresh cluster on a free port, retried on another
# port when the chosen one turns out to be taken. Prints the port.
start_cluster() {
    local name=$1 mode=${2:-} port
    for _ in 1 2 3 4 5; do
        port=$(free_port) || return 1
        if "$repo/scripts/pg.sh" start "$name" "$port" $mode >&2; then
            echo "$port"
            return 0
        fi
        "$repo/scripts/pg.sh" destroy "$name" >/dev/null 2>&1
    done
    echo "could not start a PostgreSQL cluster" >&2
    return 1
}

# wait_ready URL PID: polls URL until it answers 200, the process dies, or 10 s pass.
wait_ready() {
    local url=$1 pid=$2
    for _ in $(seq 1 100); do
        curl -sf "$url" >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# spec_modules SPEC_DIR: api-spec's pinned node modules (Redocly for bundling and lint,
# ajv and yaml for the contract check), installed with npm ci when any is missing.
spec_modules() {
    local spec=$1
    if [ ! -x "$spec/node_modules/.bin/redocly" ] || [ ! -d "$spec/node_modules/ajv" ] ||
        [ ! -d "$spec/node_modules/ajv-formats" ] || [ ! -d "$spec/node_modules/yaml" ]; then
        echo "installing api-spec's node modules (npm ci)"
        (cd "$spec" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}

# spec_bundle SPEC_DIR OUT LABEL: bundles SPEC_DIR/openapi.yaml and its parts into OUT.
# On failure prints Redocly's log and "LABEL: api-spec/ does not bundle", and returns 1.
spec_bundle() {
    local spec=$1 out=$2 label=$3
    (cd "$spec" && node_modules/.bin/redocly bundle openapi.yaml --output "$out" --lint-config off \
        >"$out.log" 2>&1) || {
        cat "$out.log" >&2
        echo "$label: api-spec/ does not bundle" >&2
        return 1
    }
}

# browser_modules: tests/browser's pinned node modules (puppeteer-core, axe-core), installed
# with npm ci when missing.
browser_modules() {
    local dir="$repo/tests/browser"
    if [ ! -f "$dir/node_modules/puppeteer-core/package.json" ] || [ ! -f "$dir/node_modules/axe-core/axe.min.js" ]; then
        echo "installing the browser tests' node modules (npm ci)"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
}
