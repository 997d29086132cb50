#!/usr/bin/env bash
# `make spec`: bundles the contract's parts under api-spec/ into the single openapi.yaml
# at the repository root, which the service embeds at build time and serves at
# GET /openapi.yaml. Installs api-spec's pinned node modules first when they are missing.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
spec="$repo/api-spec"

if [ ! -x "$spec/node_modules/.bin/redocly" ]; then
    echo "installing api-spec's node modules (npm ci)"
    (cd "$spec" && npm ci --no-audit --no-fund --loglevel=error)
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fremdrift-spec.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
(cd "$spec" && node_modules/.bin/redocly bundle openapi.yaml --output "$tmp/openapi.yaml" --lint-config off >"$tmp/bundle.log" 2>&1) || {
    cat "$tmp/bundle.log" >&2
    echo "spec: api-spec/ does not bundle" >&2
    exit 1
}
if cmp -s "$tmp/openapi.yaml" "$repo/openapi.yaml"; then
    echo "openapi.yaml is up to date"
else
    cp "$tmp/openapi.yaml" "$repo/openapi.yaml"
    echo "openapi.yaml regenerated from api-spec/ (make build embeds it in the service)"
fi
