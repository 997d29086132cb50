#!/usr/bin/env bash
# Checks recorded responses against the contract:
#   scripts/contract.sh RECORDING.jsonl
# RECORDING holds one JSON line per response, as tests/support/http_client.c records them
# when FREMDRIFT_TEST_RECORD is set. Every violation is printed; exits non-zero on any,
# and when the recording is missing or empty.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/lib.sh"
spec="$repo/api-spec"
if [ $# -ne 1 ]; then
    echo "usage: scripts/contract.sh RECORDING.jsonl" >&2
    exit 2
fi
spec_modules "$spec"
exec node "$spec/contract-check.mjs" "$repo/openapi.yaml" "$1"
