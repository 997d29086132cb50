#!/bin/bash
# Container health check: healthy when GET /readyz answers 200, i.e. the service listens
# and reaches PostgreSQL. Uses bash's /dev/tcp, so the image needs no HTTP client.
# Exit 0 healthy, 1 unhealthy (Docker's HEALTHCHECK contract).
host=${FREMDRIFT_BIND:-127.0.0.1}
[ "$host" = 0.0.0.0 ] && host=127.0.0.1
port=${FREMDRIFT_PORT:-8080}

exec 3<>"/dev/tcp/$host/$port" || exit 1
printf 'GET /readyz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$host" >&3 || exit 1
IFS= read -r -t 2 status <&3 || exit 1
[[ $status == HTTP/1.[01]" 200 "* ]] || exit 1
