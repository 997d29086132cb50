#!/usr/bin/env bash
# schema-check.sh STATE_DIR FREMDRIFT_BINARY: a database created from scratch and one
# upgraded from the schema as it was before functions moved to sql/functions/ end
# identical: the same `pg_dump --schema-only`, the same recorded migrations and repeatable
# files. Runs on the cluster whose env file is STATE_DIR/env (scripts/pg.sh), in two
# databases of its own that it drops again. Exits 1, with the difference, when they differ.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
state=${1:?state dir of a running cluster}
fremdrift=${2:?the fremdrift binary}
pgbin=/usr/lib/postgresql/15/bin
# The last commit whose migrations still held the functions: the schema every existing
# installation was migrated with. Upgrading from it must change nothing.
before_split=3a9e009a2a674f055afd253f25963fd8d75c8463

set -a
. "$state/env"
set +a
export PGOPTIONS='-c client_min_messages=warning'
work=$(mktemp -d)
cleanup() {
    for db in schema_fresh schema_upgraded; do
        "$pgbin/psql" -X -q "$FREMDRIFT_PG_SUPERUSER_URL" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

su_psql() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$FREMDRIFT_PG_SUPERUSER_URL" "$@"; }
db_url() { echo "${FREMDRIFT_MIGRATION_DATABASE_URL%/*}/$1"; }
migrate() {
    local db=$1 dir=$2
    FREMDRIFT_MIGRATION_DATABASE_URL=$(db_url "$db") FREMDRIFT_MIGRATIONS_DIR=$dir \
        "$fremdrift" migrate > "$work/migrate-$db.log" 2>&1 || {
        echo "schema-check: migrating $db from $dir failed:" >&2
        cat "$work/migrate-$db.log" >&2
        exit 1
    }
}

if ! git -C "$repo" cat-file -e "$before_split^{commit}" 2>/dev/null; then
    echo "schema-check: commit $before_split is not in this clone's history; clone without --depth" >&2
    exit 1
fi
mkdir -p "$work/before/functions"
git -C "$repo" archive "$before_split" sql | tar -x -C "$work/before" --strip-components=1

for db in schema_fresh schema_upgraded; do
    su_psql -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db OWNER fremdrift_owner TEMPLATE template0" \
        -c "GRANT CONNECT ON DATABASE $db TO fremdrift_app" >/dev/null
done
migrate schema_fresh "$repo/sql"
migrate schema_upgraded "$work/before"
migrate schema_upgraded "$repo/sql"

# pg_dump's \restrict lines carry a random key per run.
dump() {
    local db=$1 url
    url="${FREMDRIFT_PG_SUPERUSER_URL%/*}/$db"
    "$pgbin/pg_dump" --schema-only "$url" | grep -v '^\\\(un\)\?restrict '
    "$pgbin/psql" -X -q -At "$url" -c "SELECT 'migration', version, checksum FROM schema_migrations ORDER BY version" \
        -c "SELECT 'repeatable', name, checksum FROM schema_repeatables ORDER BY name"
}
dump schema_fresh > "$work/fresh.sql"
dump schema_upgraded > "$work/upgraded.sql"
if ! diff -u "$work/fresh.sql" "$work/upgraded.sql" > "$work/diff"; then
    echo "schema-check: a fresh database and one upgraded from $before_split differ:" >&2
    head -n 80 "$work/diff" >&2
    exit 1
fi
echo "schema-check: fresh and upgraded databases are identical ($(grep -c . "$work/fresh.sql") lines of schema)"
grep -h "schema up to date" "$work/migrate-schema_upgraded.log" | tail -n 1
