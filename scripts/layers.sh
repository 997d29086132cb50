#!/usr/bin/env bash
# The wings of service/ are layers: a file may include headers of its own wing and of the
# wings below it, never of one above. law/ is pure rules and includes only law/; http/
# reaches the handlers only through the route table (api/route_table.c), so it includes
# nothing of api/. Prints every include that runs upward and exits 1 if there is one.
set -euo pipefail
cd "$(dirname "$0")/.."

# The wings each wing may include, its own among them.
allowed() {
    case $1 in
        core) echo "core" ;;
        law) echo "law" ;;
        store) echo "core law store" ;;
        auth) echo "core law store auth" ;;
        http) echo "core law store auth http" ;;
        api) echo "core law store auth http api" ;;
        *) echo "core law store auth http api" ;;   # main.c, devtoken.c: the programs
    esac
}

bad=0
while IFS= read -r file; do
    rel=${file#service/}
    wing=${rel%%/*}
    [ "$wing" = "$rel" ] && wing=top
    ok=" $(allowed "$wing") "
    while IFS= read -r inc; do
        target=${inc%%/*}
        if [ "$target" = "$inc" ] || [[ "$ok" != *" $target "* ]]; then
            echo "layers: $file includes \"$inc\": $wing/ may include only:$ok" >&2
            bad=1
        fi
    done < <(sed -nE 's/^#include "([^"]+)".*/\1/p' "$file")
done < <(find service -name '*.[ch]' | sort)

if [ "$bad" -ne 0 ]; then exit 1; fi
echo "layers: every include in service/ runs down or sideways"
