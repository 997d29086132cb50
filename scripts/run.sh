#!/usr/bin/env bash
# `make run`: the persistent development cluster (var/dev), keys, migrations, and the
# service in the foreground on 127.0.0.1:${FREMDRIFT_PORT:-8080}. Ctrl-C stops the
# service; the cluster and its data stay until `make db-stop`.
#   run.sh [migrate]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
pg_port=${FREMDRIFT_PG_PORT:-54329}

scripts/pg.sh start dev "$pg_port"
scripts/dev-keys.sh "$repo/var/dev"
set -a
. var/dev/env
. var/dev/service.env
set +a
export FREMDRIFT_MIGRATIONS_DIR="$repo/sql"

if [ "${1:-}" = "migrate" ]; then
    exec ${BUILD:-build}/release/fremdrift migrate
fi

port=${FREMDRIFT_PORT:-8080}
cat <<MSG

fremdrift on http://127.0.0.1:$port  (PostgreSQL on 127.0.0.1:$pg_port, data in var/dev)
Get a token in another terminal, then call the API:
  TOKEN=\$(make -s token ROLE=caseworker SUB=cw-1 MUNICIPALITY=101)
  curl -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:$port/v1/reference/target_group
Ctrl-C stops the service; \`make db-stop\` stops PostgreSQL.

MSG
exec ${BUILD:-build}/release/fremdrift serve
