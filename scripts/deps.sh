#!/usr/bin/env bash
# Installs the Debian 12 packages fremdrift needs, and only those that are missing, so
# `make run` and `make test` work on a fresh machine. As root it runs apt-get itself, with
# password-less sudo it uses sudo; otherwise it prints the exact command and stops.
set -euo pipefail

# libcurl4-gnutls-dev, not -openssl-dev: Debian 12's libulfius-dev depends on the GnuTLS
# flavour and the two -dev packages conflict (installing one removes libulfius-dev). The
# service fetches identity providers' keys with it and the tests send requests with it.
packages=(gcc make pkg-config libc6-dev openssl ca-certificates curl
          libulfius-dev libmicrohttpd-dev libjansson-dev libjwt-dev libpq-dev libssl-dev
          libcriterion-dev libcurl4-gnutls-dev postgresql-15 postgresql-client-15)
# node builds the API docs page (scripts/docs.sh) that every build embeds.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
for extra in "$@"; do
    case "$extra" in
        --lint|--idp) ;;
        --browser) packages+=(chromium) ;;
        --bench) packages+=(wrk jq) ;;
        --cluster) packages+=(patroni etcd-server etcd-client haproxy) ;;
        *) echo "deps.sh: unknown option $extra" >&2; exit 2 ;;
    esac
done

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    # "hold ok installed" is installed too: a package held at its version is not missing.
    [[ "$status" == *" ok installed" ]] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo)
else
    echo "fremdrift needs these Debian packages: ${missing[*]}" >&2
    echo "Run as root:  apt-get update && $line" >&2
    exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
