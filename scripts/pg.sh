#!/usr/bin/env bash
# Local PostgreSQL 15 clusters for development and tests, kept under var/<name>/ of the repo.
#   pg.sh start NAME PORT [--throwaway]   create (once) and start; create roles and database
#   pg.sh stop NAME                       stop, keep the data
#   pg.sh destroy NAME                    stop and delete everything of NAME
#   pg.sh destroy-all                     destroy every cluster of this checkout (make db-destroy)
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user, and
# when that user cannot reach the checkout (a clone under /root or a mktemp dir) the data
# directory lives in /var/tmp instead, with its location recorded in var/NAME/datadir and
# the var/NAME it belongs to in its `checkout` file (the checkout may be deleted first).
# Connections go over TCP on 127.0.0.1 only, with passwords kept in var/NAME/pgpass.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
pgbin=/usr/lib/postgresql/15/bin
cmd=${1:?usage: pg.sh start|stop|destroy NAME [PORT] | destroy-all}

# Every var/NAME that holds a cluster's state: the development one, and any test cluster
# a killed `make test` left behind.
if [ "$cmd" = destroy-all ]; then
    for state in "$repo"/var/*/; do
        [ -f "$state/passwords" ] || [ -f "$state/datadir" ] || continue
        echo "destroying the cluster $(basename "$state")"
        "$0" destroy "$(basename "$state")"
    done
    exit 0
fi
name=${2:?cluster name}
state="$repo/var/$name"

as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

datadir() {
    if [ -f "$state/datadir" ]; then cat "$state/datadir"; return; fi
    local dir="$state/data"
    if [ "$(id -u)" -eq 0 ]; then
        mkdir -p "$dir"
        chown postgres: "$dir"
        if ! (cd / && runuser -u postgres -- test -w "$dir" -a -x "$dir") 2>/dev/null; then
            rmdir "$dir"
            local key
            key=$(printf '%s' "$state" | sha256sum | cut -c1-16)
            dir="/var/tmp/fremdrift-$key"
            mkdir -p "$dir"
            chown postgres: "$dir"
            chmod 700 "$dir"
            echo "$state" > "$dir/checkout"
            dir="$dir/data"
        fi
    fi
    echo "$dir" > "$state/datadir"
    echo "$dir"
}

secret() { openssl rand -hex 24; }

superuser_psql() {
    local port=$1; shift
    PGPASSFILE="$state/pgpass" "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 \
        "host=127.0.0.1 port=$port user=postgres dbname=postgres" "$@"
}

init_cluster() {
    local data=$1 su_pw
    su_pw=$(secret)
    local pwfile
    pwfile="$(dirname "$data")/.initpw.$$"
    mkdir -p "$(dirname "$data")"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$(dirname "$data")"
    printf '%s\n' "$su_pw" > "$pwfile"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$pwfile"
    chmod 600 "$pwfile"
    as_pg "$pgbin/initdb" -D "$data" -U postgres --pwfile="$pwfile" --auth=scram-sha-256 \
        --locale=C.UTF-8 --encoding=UTF8 >"$state/initdb.log" 2>&1 \
        || { rm -f "$pwfile"; cat "$state/initdb.log" >&2; exit 1; }
    rm -f "$pwfile"
    printf '%s\n%s\n%s\n' "$su_pw" "$(secret)" "$(secret)" > "$state/passwords"
    chmod 600 "$state/passwords"
}

write_pgpass() {
    local port=$1 su owner app
    { read -r su; read -r owner; read -r app; } < "$state/passwords"
    umask 077
    printf '127.0.0.1:%s:*:postgres:%s\n127.0.0.1:%s:*:fremdrift_owner:%s\n127.0.0.1:%s:*:fremdrift_app:%s\n' \
        "$port" "$su" "$port" "$owner" "$port" "$app" > "$state/pgpass"
    cat > "$state/env" <<ENV
PGPASSFILE=$state/pgpass
FREMDRIFT_DATABASE_URL=postgresql://fremdrift_app@127.0.0.1:$port/fremdrift
FREMDRIFT_MIGRATION_DATABASE_URL=postgresql://fremdrift_owner@127.0.0.1:$port/fremdrift
FREMDRIFT_PG_SUPERUSER_URL=postgresql://postgres@127.0.0.1:$port/postgres
ENV
}

# Roles and database: scripts/bootstrap.sql, shared with the HA cluster (cluster.sh).
bootstrap() {
    local port=$1 su owner app
    { read -r su; read -r owner; read -r app; } < "$state/passwords"
    superuser_psql "$port" -v owner_pw="$owner" -v app_pw="$app" -f "$repo/scripts/bootstrap.sql"
}

case "$cmd" in
start)
    port=${3:?port}
    throwaway=${4:-}
    mkdir -p "$state"
    chmod 700 "$state"
    data=$(datadir)
    [ -f "$data/PG_VERSION" ] || init_cluster "$data"
    write_pgpass "$port"
    opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200"
    # A throwaway cluster dies with the test run, so durability buys nothing there.
    [ "$throwaway" = "--throwaway" ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if as_pg "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        running_port=$(sed -n 4p "$data/postmaster.pid" 2>/dev/null || true)
        if [ "$running_port" != "$port" ]; then
            echo "pg.sh: cluster $name already runs on port $running_port; stop it first (make db-stop)" >&2
            exit 1
        fi
    else
        log="$(dirname "$data")/$name.log"
        if ! as_pg "$pgbin/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "$opts" start >/dev/null; then
            echo "pg.sh: PostgreSQL did not start on port $port; its log says:" >&2
            tail -n 20 "$log" >&2 || true
            exit 1
        fi
    fi
    bootstrap "$port"
    ;;
stop)
    [ -f "$state/datadir" ] || exit 0
    data=$(cat "$state/datadir")
    if [ -f "$data/postmaster.pid" ]; then
        as_pg "$pgbin/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    fi
    ;;
destroy)
    "$0" stop "$name"
    if [ -f "$state/datadir" ]; then
        data=$(cat "$state/datadir")
        case "$data" in
            /var/tmp/fremdrift-*) rm -rf "$(dirname "$data")" ;;
            *) rm -rf "$data" ;;
        esac
    fi
    rm -rf "$state"
    ;;
*)
    echo "usage: pg.sh start|stop|destroy NAME [PORT]" >&2
    exit 2
    ;;
esac
