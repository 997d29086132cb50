#!/usr/bin/env bash
# `make lint`: the contract is clean. Checks that openapi.yaml is the bundle of api-spec/
# (the parts are the source; the bundle is committed because the service embeds it), then
# lints openapi.yaml with Redocly under api-spec/redocly.yaml: any error or warning fails.
# Installs api-spec's pinned node modules first when they are missing.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/lib.sh"
spec="$repo/api-spec"

spec_modules "$spec"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fremdrift-lint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

spec_bundle "$spec" "$tmp/openapi.yaml" lint
if ! cmp -s "$tmp/openapi.yaml" "$repo/openapi.yaml"; then
    diff -u "$repo/openapi.yaml" "$tmp/openapi.yaml" | head -n 40 >&2 || true
    echo "lint: openapi.yaml is not the bundle of api-spec/: run \`make spec\` (then \`make build\`)" >&2
    exit 1
fi

# The ignore file beside redocly.yaml is found relative to it, so lint from api-spec/.
cd "$spec"
if ! node_modules/.bin/redocly lint ../openapi.yaml --config redocly.yaml --lint-config error \
        --format stylish --max-problems 500 >"$tmp/lint.log" 2>&1; then
    cat "$tmp/lint.log" >&2
    echo "lint: openapi.yaml has errors" >&2
    exit 1
fi
if grep -qiE 'warning' "$tmp/lint.log"; then
    cat "$tmp/lint.log" >&2
    echo "lint: openapi.yaml has warnings; it must lint clean" >&2
    exit 1
fi
cat "$tmp/lint.log"
echo "lint: openapi.yaml is the bundle of api-spec/ and lints clean"
