#!/usr/bin/env bash
# `make token ROLE=… SUB=… MUNICIPALITY=… [CPR=…]`: a development token valid for one
# hour, signed with the development key of var/dev (created by `make run`).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
role=${1:-} sub=${2:-} municipality=${3:-} cpr=${4:-}
if [ -z "$role" ] || [ -z "$sub" ]; then
    echo "usage: make token ROLE=<citizen|caseworker|team_lead|integration|appeals_board|auditor> SUB=<id> [MUNICIPALITY=<NNN>] [CPR=<DDMMYYSSSS>]" >&2
    exit 2
fi
"$repo/scripts/dev-keys.sh" "$repo/var/dev"
set -a
. "$repo/var/dev/service.env"
set +a
exec "$repo/${BUILD:-build}/release/fremdrift-token" --key "$FREMDRIFT_SIGNING_KEY" --kid dev-es256 --alg ES256 \
    --issuer "$FREMDRIFT_JWT_ISSUERS" --audience "$FREMDRIFT_JWT_AUDIENCE" \
    --role "$role" --sub "$sub" --municipality "$municipality" --cpr "$cpr"
