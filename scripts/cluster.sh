#!/usr/bin/env bash
# A local high-availability set-up on loopback: etcd, two PostgreSQL 15 nodes managed by
# Patroni (a primary and a synchronous standby), three fremdrift processes, HAProxy in
# front of them. State under var/NAME/ of the checkout; PostgreSQL's files where the
# postgres user can reach them (var/NAME/pg, or /var/tmp/fremdrift-* as root).
#   cluster.sh start NAME     create once, then start whatever of it is not running
#   cluster.sh stop NAME      stop everything of NAME, keep all data
#   cluster.sh destroy NAME   stop and delete everything of NAME
#   cluster.sh status NAME    Patroni's view, HAProxy's view, the ports
# FREMDRIFT_BIN_DIR (default build/release) says which build runs; CLUSTER_KEYS a
# directory of development keys (default var/NAME; `make cluster` uses var/dev so that
# `make token` signs for it); HA_DB_ROUTE how the services find the primary: `libpq`
# (default: multi-host connection string, target_session_attrs=read-write) or `haproxy`
# (HAProxy's PostgreSQL front, which follows Patroni's REST API).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:?usage: cluster.sh start|stop|destroy|status NAME}
name=${2:?cluster name}
state="$repo/var/$name"
pgbin=/usr/lib/postgresql/15/bin
bindir=${FREMDRIFT_BIN_DIR:-$repo/${BUILD:-build}/release}
. "$repo/scripts/lib.sh"
. "$repo/scripts/cluster-config.sh"

is_root() { [ "$(id -u)" -eq 0 ]; }

# Where PostgreSQL's data, Patroni's configuration and their logs live: a directory the
# user that runs PostgreSQL owns (the postgres user as root, since PostgreSQL refuses root).
pg_home() {
    if [ -f "$state/pgdir" ]; then cat "$state/pgdir"; return; fi
    local dir="$state/pg"
    mkdir -p "$dir"
    if is_root; then
        chown postgres: "$dir"
        if ! (cd / && runuser -u postgres -- test -w "$dir" -a -x "$dir") 2>/dev/null; then
            rmdir "$dir"
            dir="/var/tmp/fremdrift-$(printf '%s' "$state" | sha256sum | cut -c1-16)"
            mkdir -p "$dir"
            chown postgres: "$dir"
        fi
    fi
    chmod 700 "$dir"
    echo "$dir" > "$state/pgdir"
    echo "$dir"
}

# The prefix that runs a command as the user that runs PostgreSQL.
pg_user() {
    if is_root; then
        pg_as=(env HOME="$pgdir" setpriv --reuid=postgres --regid=postgres --init-groups --)
    else
        pg_as=()
    fi
}

as_pg() { (cd "$pgdir" && exec "${pg_as[@]}" "$@"); }

# running NAME: whether the process recorded in $state/pids/NAME.pid still runs and is
# the program we started (a pid can be reused).
running() {
    local f="$state/pids/$1.pid" pid
    [ -f "$f" ] || return 1
    pid=$(cat "$f")
    kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

# What the command line of each part contains.
program_of() {
    case "$1" in
        pg*) echo patroni ;;
        svc*) echo "fremdrift serve" ;;
        *) echo "$1" ;;
    esac
}

# stop_one NAME PATTERN SECONDS: SIGTERM to a process we started, SIGKILL after SECONDS.
stop_one() {
    local what=$1 pattern=$2 limit=$3 pid
    running "$what" "$pattern" || { rm -f "$state/pids/$what.pid"; return 0; }
    pid=$(cat "$state/pids/$what.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((limit * 10))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "cluster.sh: $what did not stop in ${limit}s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$state/pids/$what.pid"
}

# A PostgreSQL left running by a Patroni that had to be killed: stopped by its data dir.
stop_orphan_postgres() {
    local data="$pgdir/$1/data"
    [ -f "$data/postmaster.pid" ] || return 0
    as_pg "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 0
    as_pg "$pgbin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
}

# The ports, chosen once so that a restarted cluster keeps its addresses.
choose_ports() {
    [ -f "$state/ports" ] && return 0
    local taken=" " v p
    {
        for v in ETCD_PORT ETCD_PEER_PORT PG1_PORT PG2_PORT REST1_PORT REST2_PORT API_PORT \
            PGLB_PORT STATS_PORT SVC1_PORT SVC2_PORT SVC3_PORT; do
            p=$(free_port)
            while [[ "$taken" == *" $p "* ]]; do p=$(free_port); done
            taken="$taken$p "
            echo "$v=$p"
        done
    } > "$state/ports.new"
    mv "$state/ports.new" "$state/ports"
}

# in_use PORT: whether something answers on 127.0.0.1:PORT.
in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The services and HAProxy bind their ports a minute after they were chosen (PostgreSQL
# bootstraps in between): a port some other program has taken since is replaced, and
# HAProxy restarted if it already runs, so that its configuration names the new one.
reclaim_ports() {
    local v part changed=0 p
    for v in API_PORT PGLB_PORT STATS_PORT SVC1_PORT SVC2_PORT SVC3_PORT; do
        case "$v" in SVC*) part="svc${v:3:1}" ;; *) part=haproxy ;; esac
        running "$part" "$(program_of "$part")" && continue
        in_use "${!v}" || continue
        p=$(free_port)
        echo "cluster.sh: port ${!v} ($v) is taken; using $p" >&2
        sed -i "s/^$v=.*/$v=$p/" "$state/ports"
        printf -v "$v" '%s' "$p"
        changed=1
    done
    [ "$changed" -eq 1 ] && stop_one haproxy haproxy 10
    return 0
}

# Passwords: the superuser, replication, the schema owner and the service's role.
choose_passwords() {
    [ -f "$state/passwords" ] && return 0
    (umask 077; for _ in 1 2 3 4; do openssl rand -hex 24; done > "$state/passwords")
}

write_client_env() {
    local lb_hosts="127.0.0.1:$PG1_PORT,127.0.0.1:$PG2_PORT" port
    (
        umask 077
        for port in "$PG1_PORT" "$PG2_PORT" "$PGLB_PORT"; do
            printf '127.0.0.1:%s:*:postgres:%s\n127.0.0.1:%s:*:fremdrift_owner:%s\n127.0.0.1:%s:*:fremdrift_app:%s\n' \
                "$port" "$su_pw" "$port" "$owner_pw" "$port" "$app_pw"
        done > "$state/pgpass"
    )
    local app_url
    case "${HA_DB_ROUTE:-libpq}" in
        libpq) app_url="postgresql://fremdrift_app@$lb_hosts/fremdrift?target_session_attrs=read-write" ;;
        haproxy) app_url="postgresql://fremdrift_app@127.0.0.1:$PGLB_PORT/fremdrift" ;;
        *) echo "cluster.sh: HA_DB_ROUTE is libpq or haproxy" >&2; exit 2 ;;
    esac
    cat > "$state/env" <<ENV
PGPASSFILE=$state/pgpass
FREMDRIFT_DATABASE_URL=$app_url
FREMDRIFT_MIGRATION_DATABASE_URL=postgresql://fremdrift_owner@$lb_hosts/fremdrift?target_session_attrs=read-write
ENV
    echo "${HA_DB_ROUTE:-libpq}" > "$state/route"
}

# rest_get NODE_REST_PORT PATH: Patroni's REST API answer, or nothing.
rest_get() { curl -sf --max-time 2 "http://127.0.0.1:$1$2" 2>/dev/null || true; }

# The leader's PostgreSQL port, once a leader answers GET /primary.
leader_pg_port() {
    if curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$REST1_PORT/primary"; then echo "$PG1_PORT"
    elif curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$REST2_PORT/primary"; then echo "$PG2_PORT"
    else return 1; fi
}

# wait_for SECONDS WHAT COMMAND...: polls COMMAND every half second.
wait_for() {
    local limit=$1 what=$2; shift 2
    for _ in $(seq 1 $((limit * 2))); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.5
    done
    echo "cluster.sh: $what within ${limit}s failed" >&2
    return 1
}

# HAProxy counts a server up until its first check says otherwise, so at start it may
# send a connection to the standby: wait until exactly one PostgreSQL server is up.
primary_via_haproxy() {
    [ "$(curl -sf --max-time 2 "http://127.0.0.1:$STATS_PORT/;csv" |
        awk -F, '$1 == "postgres" && $2 ~ /^pg/ && $18 == "UP"' | wc -l)" -eq 1 ] &&
    [ "$(PGPASSFILE="$state/pgpass" "$pgbin/psql" -X -A -t \
        "host=127.0.0.1 port=$PGLB_PORT user=postgres dbname=postgres connect_timeout=2" \
        -c 'SELECT pg_is_in_recovery()')" = f ]
}
# A Patroni whose bootstrap failed (it happens on a loaded machine: it then renames the
# data directory to data.failed and exits) is started again: the other node has taken
# the leader key meanwhile, and this one clones it as its standby.
standby_or_restart() {
    has_sync_standby && return 0
    running pg1 patroni || start_patroni pg1 "$PG1_PORT" "$REST1_PORT"
    running pg2 patroni || start_patroni pg2 "$PG2_PORT" "$REST2_PORT"
    return 1
}
etcd_healthy() { curl -sf --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
has_sync_standby() { rest_get "$REST1_PORT" /cluster | grep -q '"role": *"sync_standby"'; }

start_etcd() {
    running etcd etcd && return 0
    mkdir -p "$state/etcd"
    etcd --name "$name" --data-dir "$state/etcd/data" \
        --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
        --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
        --initial-cluster "$name=http://127.0.0.1:$ETCD_PEER_PORT" \
        >> "$state/etcd/etcd.log" 2>&1 < /dev/null &
    echo $! > "$state/pids/etcd.pid"
    wait_for 30 "etcd answering on $ETCD_PORT" etcd_healthy || { tail -n 20 "$state/etcd/etcd.log" >&2; exit 1; }
}

start_patroni() {
    local node=$1 pg_port=$2 rest_port=$3
    running "$node" "patroni" && return 0
    mkdir -p "$pgdir/$node"
    is_root && chown postgres: "$pgdir/$node"
    chmod 700 "$pgdir/$node"
    patroni_config "$node" "$pg_port" "$rest_port"
    # Started here rather than through as_pg so that $! is Patroni's own pid.
    (cd "$pgdir" && exec "${pg_as[@]}" patroni "$pgdir/$node/patroni.yml") \
        >> "$pgdir/$node/patroni.log" 2>&1 < /dev/null &
    echo $! > "$state/pids/$node.pid"
}

start_service() {
    local svc=$1 port=$2
    running "$svc" "fremdrift serve" && return 0
    (
        set -a
        . "$keys/service.env"
        . "$state/env"
        set +a
        unset FREMDRIFT_MIGRATION_DATABASE_URL
        export FREMDRIFT_BIND=127.0.0.1 FREMDRIFT_PORT=$port FREMDRIFT_MIGRATIONS_DIR="$repo/sql"
        # A node that is down refuses at once on loopback; the timeout only bounds a slow one.
        export FREMDRIFT_DB_CONNECT_TIMEOUT_S=${FREMDRIFT_DB_CONNECT_TIMEOUT_S:-5}
        exec "$bindir/fremdrift" serve
    ) >> "$state/$svc.log" 2>&1 < /dev/null &
    echo $! > "$state/pids/$svc.pid"
}

# await_service NAME: waits for its /readyz. A service that cannot reach PostgreSQL at
# start-up exits; on a loaded machine the first connection can time out, so such a
# service is started again, three times at most.
await_service() {
    local svc=$1 port_var="SVC${1:3:1}_PORT" attempt
    for attempt in 1 2 3; do
        wait_ready "http://127.0.0.1:${!port_var}/readyz" "$(cat "$state/pids/$svc.pid")" && return 0
        running "$svc" "fremdrift serve" && break
        echo "cluster.sh: $svc stopped at start-up (attempt $attempt): $(tail -n 1 "$state/$svc.log")" >&2
        sleep 2
        start_service "$svc" "${!port_var}"
    done
    wait_ready "http://127.0.0.1:${!port_var}/readyz" "$(cat "$state/pids/$svc.pid")" && return 0
    echo "cluster.sh: $svc did not become ready" >&2
    tail -n 20 "$state/$svc.log" >&2
    return 1
}

start_haproxy() {
    running haproxy haproxy && return 0
    haproxy_config
    haproxy -f "$state/haproxy/haproxy.cfg" -c -q || exit 1
    haproxy -f "$state/haproxy/haproxy.cfg" -db >> "$state/haproxy/haproxy.log" 2>&1 < /dev/null &
    echo $! > "$state/pids/haproxy.pid"
}

load_state() {
    # shellcheck disable=SC1091
    . "$state/ports"
    { read -r su_pw; read -r repl_pw; read -r owner_pw; read -r app_pw; } < "$state/passwords"
    pgdir=$(pg_home)
    pg_user
    keys=${CLUSTER_KEYS:-$state}
}

start() {
    [ -x "$bindir/fremdrift" ] || { echo "cluster.sh: no $bindir/fremdrift; build it first" >&2; exit 1; }
    mkdir -p "$state/pids"
    chmod 700 "$state"
    choose_ports
    choose_passwords
    load_state
    "$repo/scripts/dev-keys.sh" "$keys" >/dev/null
    write_client_env

    start_etcd
    start_patroni pg1 "$PG1_PORT" "$REST1_PORT"
    start_patroni pg2 "$PG2_PORT" "$REST2_PORT"
    wait_for 120 "a Patroni leader" leader_pg_port || { tail -n 30 "$pgdir"/pg*/patroni.log >&2; exit 1; }
    wait_for 120 "a synchronous standby" standby_or_restart || { tail -n 30 "$pgdir"/pg*/patroni.log >&2; exit 1; }

    local leader
    leader=$(leader_pg_port)
    PGPASSFILE="$state/pgpass" "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 \
        "host=127.0.0.1 port=$leader user=postgres dbname=postgres" \
        -v owner_pw="$owner_pw" -v app_pw="$app_pw" -f "$repo/scripts/bootstrap.sql"
    (
        set -a
        . "$keys/service.env"
        . "$state/env"
        set +a
        export FREMDRIFT_MIGRATIONS_DIR="$repo/sql"
        "$bindir/fremdrift" migrate
    ) >> "$state/migrate.log" 2>&1 || { tail -n 20 "$state/migrate.log" >&2; exit 1; }

    # HAProxy first: with HA_DB_ROUTE=haproxy the services reach PostgreSQL through it.
    reclaim_ports
    write_client_env
    start_haproxy
    wait_for 30 "the primary through HAProxy's PostgreSQL front" primary_via_haproxy || exit 1
    start_service svc1 "$SVC1_PORT"
    start_service svc2 "$SVC2_PORT"
    start_service svc3 "$SVC3_PORT"
    local svc
    for svc in svc1 svc2 svc3; do
        await_service "$svc" || exit 1
    done
    wait_for 30 "HAProxy routing to a ready service" \
        curl -sf --max-time 2 "http://127.0.0.1:$API_PORT/readyz" || exit 1
    print_summary
}

print_summary() {
    cat <<MSG
cluster $name is up (services reach PostgreSQL through: $(cat "$state/route"))
  API through HAProxy   http://127.0.0.1:$API_PORT
  HAProxy statistics    http://127.0.0.1:$STATS_PORT/
  services              127.0.0.1:$SVC1_PORT, :$SVC2_PORT, :$SVC3_PORT (logs in var/$name/svc*.log)
  PostgreSQL nodes      pg1 127.0.0.1:$PG1_PORT, pg2 127.0.0.1:$PG2_PORT; primary via HAProxy 127.0.0.1:$PGLB_PORT
  Patroni REST          pg1 127.0.0.1:$REST1_PORT, pg2 127.0.0.1:$REST2_PORT
  etcd                  127.0.0.1:$ETCD_PORT
  Patroni's view        patronictl -c $pgdir/pg1/patroni.yml list
MSG
}

stop() {
    [ -f "$state/ports" ] || return 0
    load_state
    stop_one haproxy haproxy 10
    stop_one svc1 "fremdrift serve" 30
    stop_one svc2 "fremdrift serve" 30
    stop_one svc3 "fremdrift serve" 30
    # The standby first: a leader stopped first would hand its role to the standby.
    local first=pg2 second=pg1
    curl -sf --max-time 2 -o /dev/null "http://127.0.0.1:$REST2_PORT/primary" && { first=pg1; second=pg2; }
    stop_one "$first" patroni 60
    stop_one "$second" patroni 60
    stop_orphan_postgres pg1
    stop_orphan_postgres pg2
    stop_one etcd etcd 10
}

status() {
    [ -f "$state/ports" ] || { echo "cluster $name does not exist"; return 1; }
    load_state
    local what
    for what in etcd pg1 pg2 svc1 svc2 svc3 haproxy; do
        if running "$what" "$(program_of "$what")"; then echo "$what: running (pid $(cat "$state/pids/$what.pid"))"
        else echo "$what: stopped"; fi
    done
    if running etcd etcd; then
        echo
        patronictl -c "$pgdir/pg1/patroni.yml" list
    fi
    if running haproxy haproxy; then
        echo
        echo "HAProxy (backend server status):"
        curl -sf --max-time 2 "http://127.0.0.1:$STATS_PORT/;csv" | awk -F, 'NR > 1 && $2 !~ /FRONTEND|BACKEND/ {print "  " $1 "/" $2 ": " $18}'
    fi
    echo
    print_summary
}

destroy() {
    stop
    if [ -f "$state/pgdir" ]; then
        local dir
        dir=$(cat "$state/pgdir")
        case "$dir" in
            /var/tmp/fremdrift-*) rm -rf "$dir" ;;
        esac
    fi
    rm -rf "$state"
}

case "$cmd" in
    start) start ;;
    stop) stop ;;
    destroy) destroy ;;
    status) status ;;
    *) echo "usage: cluster.sh start|stop|destroy|status NAME" >&2; exit 2 ;;
esac
