# Configuration files of the local HA cluster (scripts/cluster.sh); source it, do not run
# it. Every function reads the ports and paths cluster.sh has set: state, pgdir, the
# *_PORT variables of $state/ports, and the passwords su_pw and repl_pw.

# patroni_config NODE PG_PORT REST_PORT: one Patroni node's YAML, in $pgdir/NODE/.
# bootstrap.dcs is read once, when the cluster is first created; the rest every start.
patroni_config() {
    local node=$1 pg_port=$2 rest_port=$3 dir="$pgdir/$1"
    cat > "$dir/patroni.yml" <<YAML
scope: fremdrift-$name
namespace: /fremdrift/
name: $node
log:
  level: INFO
restapi:
  listen: 127.0.0.1:$rest_port
  connect_address: 127.0.0.1:$rest_port
etcd3:
  hosts: 127.0.0.1:$ETCD_PORT
bootstrap:
  dcs:
    # How long a leader key lives without renewal (only a dead Patroni lets it expire: a
    # crashed PostgreSQL is handled by primary_start_timeout below), how often each node
    # runs its loop, and how long it retries the DCS and PostgreSQL before giving up
    # (loop_wait + 2 * retry_timeout must not exceed ttl). Patroni's defaults but for
    # loop_wait, which bounds how soon a crash is seen.
    ttl: 30
    loop_wait: 2
    retry_timeout: 10
    # A crashed primary is not restarted in place but failed over at once, to the
    # synchronous standby, which holds every acknowledged commit.
    primary_start_timeout: 0
    synchronous_mode: true
    maximum_lag_on_failover: 1048576
    postgresql:
      use_pg_rewind: true
      use_slots: true
      remove_data_directory_on_rewind_failure: false
      parameters:
        wal_level: replica
        hot_standby: "on"
        wal_log_hints: "on"
        max_wal_senders: 5
        max_replication_slots: 5
        max_connections: 200
        wal_keep_size: 256MB
  initdb:
    - encoding: UTF8
    - locale: C.UTF-8
    - data-checksums
postgresql:
  listen: 127.0.0.1:$pg_port
  connect_address: 127.0.0.1:$pg_port
  data_dir: $dir/data
  bin_dir: /usr/lib/postgresql/15/bin
  pgpass: $dir/pgpass
  authentication:
    superuser:
      username: postgres
      password: "$su_pw"
    replication:
      username: replicator
      password: "$repl_pw"
    rewind:
      username: postgres
      password: "$su_pw"
  parameters:
    unix_socket_directories: "$dir"
  pg_hba:
    - host replication replicator 127.0.0.1/32 scram-sha-256
    - host all all 127.0.0.1/32 scram-sha-256
tags:
  nofailover: false
  noloadbalance: false
  clonefrom: false
  nosync: false
YAML
    chmod 600 "$dir/patroni.yml"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/patroni.yml"
    return 0
}

# error_page STATUS REASON DETAIL: what HAProxy answers itself, in the service's own
# problem+json form, so a client sees one kind of error whichever part failed.
error_page() {
    local status=$1 reason=$2 detail=$3 body
    body=$(printf '{"type":"https://fremdrift.dk/problems/unavailable","title":"Service temporarily unavailable","status":%s,"detail":"%s"}' \
        "$status" "$detail")
    printf 'HTTP/1.1 %s %s\r\nContent-Type: application/problem+json\r\nRetry-After: 2\r\nCache-Control: no-store\r\nConnection: close\r\nContent-Length: %s\r\n\r\n%s' \
        "$status" "$reason" "${#body}" "$body" > "$state/haproxy/$status.http"
}

# haproxy_config: the HTTP front for the three services (health-checked on /readyz) and
# a TCP front for PostgreSQL that follows Patroni's leader (GET /primary on its REST API).
haproxy_config() {
    mkdir -p "$state/haproxy"
    error_page 502 "Bad Gateway" "The service instance stopped while answering; retry with the same Idempotency-Key."
    error_page 503 "Service Unavailable" "No service instance is ready; try again shortly."
    error_page 504 "Gateway Timeout" "The service instance did not answer in time; retry with the same Idempotency-Key."
    cat > "$state/haproxy/haproxy.cfg" <<CFG
global
    maxconn 2000
    log stdout format raw daemon
    stats socket $state/haproxy/admin.sock mode 600 level admin

defaults
    mode http
    # Only what went wrong, one line each, into haproxy.log: a request whose instance
    # died, a 5xx, a client that gave up.
    log global
    option httplog
    option dontlog-normal
    timeout connect 2s
    timeout client 30s
    timeout server 15s
    timeout check 2s
    timeout http-request 10s
    # A request that cannot reach an instance at all (it died) is sent to another one;
    # a request that reached one is never resent by HAProxy: only the client, holding its
    # Idempotency-Key, knows it is safe to send again.
    retries 3
    option redispatch 1
    errorfile 502 $state/haproxy/502.http
    errorfile 503 $state/haproxy/503.http
    errorfile 504 $state/haproxy/504.http

frontend api
    bind 127.0.0.1:$API_PORT
    default_backend fremdrift

backend fremdrift
    balance leastconn
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 1s fall 2 rise 1
    server svc1 127.0.0.1:$SVC1_PORT check
    server svc2 127.0.0.1:$SVC2_PORT check
    server svc3 127.0.0.1:$SVC3_PORT check

listen postgres
    mode tcp
    option tcplog
    bind 127.0.0.1:$PGLB_PORT
    timeout client 1h
    timeout server 1h
    option httpchk GET /primary
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
    server pg1 127.0.0.1:$PG1_PORT check port $REST1_PORT
    server pg2 127.0.0.1:$PG2_PORT check port $REST2_PORT

listen stats
    bind 127.0.0.1:$STATS_PORT
    stats enable
    stats uri /
    stats refresh 2s
CFG
}
