#!/usr/bin/env bash
# `make spec`: bundles the contract's parts under api-spec/ into the single openapi.yaml
# at the repository root, which the service embeds at build time and serves at
# GET /openapi.yaml. Installs api-spec's pinned node modules first when they are missing.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/lib.sh"
spec="$repo/api-spec"

spec_modules "$spec"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fremdrift-spec.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
spec_bundle "$spec" "$tmp/openapi.yaml" spec
if cmp -s "$tmp/openapi.yaml" "$repo/openapi.yaml"; then
    echo "openapi.yaml is up to date"
else
    cp "$tmp/openapi.yaml" "$repo/openapi.yaml"
    echo "openapi.yaml regenerated from api-spec/ (make build embeds it in the service)"
fi
