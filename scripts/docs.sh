#!/usr/bin/env bash
# Builds the API reference page served at /docs from openapi.yaml into OUT_DIR, with the
# Redocly CLI pinned in api-spec/ (api-spec/docs/build.mjs says how). `make build` runs it
# whenever openapi.yaml changes, so the page and the contract the binary serves are built
# from the same file and cannot drift apart.
#   scripts/docs.sh OUT_DIR
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
. "$repo/scripts/lib.sh"
out=${1:?usage: scripts/docs.sh OUT_DIR}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

command -v node >/dev/null 2>&1 || { echo "docs.sh: node is missing; run scripts/deps.sh" >&2; exit 1; }
spec_modules "$repo/api-spec"
rm -rf "$out"
mkdir -p "$out"
(cd "$repo/api-spec" && node docs/build.mjs "$repo/openapi.yaml" "$out")
echo "docs: $out built from openapi.yaml"
