/* ulfius/libmicrohttpd set-up and the signal loop. */
#include "http/server.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <ulfius.h>

#include "core/log.h"
#include "http/app.h"
#include "http/gate.h"
#include "http/head.h"
#include "http/next_head.h"
#include "http/router.h"

/* Threading: one thread per connection, fed by the gate (gate.h). A request blocked in
 * PostgreSQL (a lock, a slow statement) holds its own thread only, so requests that do not
 * need what it waits for are not stalled behind it, and more requests can wait for the
 * pool than it has connections, so the pool's bounded wait is what answers 503 when the
 * database is saturated. libmicrohttpd's epoll worker pool, used before, put many
 * connections on each worker: with a table locked for 20 s, /healthz on a worker whose
 * request waited for the lock went unanswered. Idle and slow clients wait at the gate,
 * which costs a socket, not a thread. Measured against the pool in tests/bench/README.md.
 * The connection's thread also checks each later request head before libmicrohttpd reads
 * it (next_head.h), which relies on this mode. */
static int start(struct _u_instance *u, struct app *app, struct gate *g)
{
    struct MHD_OptionItem options[] = {
        /* The gate keeps the count below this; libmicrohttpd's own limit is only a backstop. */
        {MHD_OPTION_CONNECTION_LIMIT, app->cfg.max_connections + 16, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, app->cfg.connection_timeout_s, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)router_request_completed, app},
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)gate_notify, g},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)next_head_uri_logger, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
                     MHD_USE_ITC | MHD_USE_NO_LISTEN_SOCKET;
    if (ulfius_start_framework_with_mhd_options(u, flags, options) != U_OK)
        return -1;
    return gate_start(g, u->mhd_daemon);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until no request has been in flight for a short while, or the deadline passes. */
static void wait_for_quiet(struct app *app, long long deadline)
{
    struct timespec tick = {0, 10 * 1000000L};
    long long quiet_since = now_ms();
    while (now_ms() < deadline) {
        if (atomic_load(&app->in_flight) > 0)
            quiet_since = now_ms();
        else if (now_ms() - quiet_since >= 100)
            return;
        nanosleep(&tick, NULL);
    }
}

/* SIGTERM: responses from now on close their connections, so keep-alive clients go
 * elsewhere; no new connection is taken; requests in flight finish and are answered.
 * Only then does no new request start work (503), and once the last answer is sent the
 * server stops. All within the grace period. */
static void drain(struct app *app, struct gate *g)
{
    long long deadline = now_ms() + (long long)app->cfg.shutdown_grace_s * 1000;
    atomic_store(&app->draining, 1);
    gate_close(g);
    wait_for_quiet(app, deadline);
    atomic_store(&app->stopping, 1);
    struct timespec tick = {0, 10 * 1000000L};
    while (atomic_load(&app->in_flight) > 0 && now_ms() < deadline)
        nanosleep(&tick, NULL);
}

void server_block_signals(sigset_t *signals)
{
    sigemptyset(signals);
    sigaddset(signals, SIGTERM);
    sigaddset(signals, SIGINT);
    sigaddset(signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, signals, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int server_run(struct app *app)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    if (inet_pton(AF_INET, app->cfg.bind_address, &addr.sin_addr) != 1) {
        fprintf(stderr, "config: FREMDRIFT_BIND must be an IPv4 address\n");
        return -1;
    }
    struct gate_options gopt = {
        .bind_address = app->cfg.bind_address,
        .port = app->cfg.port,
        .max_connections = app->cfg.max_connections,
        .per_address = app->cfg.max_connections_per_address,
        .header_timeout_ms = app->cfg.header_timeout_s * 1000,
        .max_head = HEAD_MAX,
        .max_body = app->cfg.max_body_bytes,
    };
    struct gate *g = gate_open(&gopt);
    if (!g)
        return -1;

    struct _u_instance u;
    if (ulfius_init_instance(&u, (unsigned)app->cfg.port, &addr, NULL) != U_OK) {
        gate_free(g);
        return -1;
    }
    /* One more byte than the limit, so a body ulfius cut short can be told from one that
     * is exactly at the limit. */
    u.max_post_body_size = (size_t)app->cfg.max_body_bytes + 1;
    u.allowed_post_processor = U_POST_PROCESS_NONE;
    ulfius_set_default_endpoint(&u, router_callback, app);

    sigset_t signals;
    server_block_signals(&signals);

    if (start(&u, app, g) != 0) {
        log_line("error", "could not start the HTTP server", NULL);
        ulfius_stop_framework(&u);
        ulfius_clean_instance(&u);
        gate_free(g);
        return -1;
    }
    log_line("info", "listening", json_pack("{s:s, s:i}", "bind", app->cfg.bind_address,
                                             "port", app->cfg.port));

    for (;;) {
        int sig;
        if (sigwait(&signals, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            char err[512];
            if (keyring_reload(&app->keys, err, sizeof(err)) == 0)
                log_line("info", "verification keys reloaded", NULL);
            else
                log_line("error", "key reload failed; old keys kept", json_pack("{s:s}", "error", err));
            continue;
        }
        log_line("info", "stopping", json_pack("{s:i}", "signal", sig));
        break;
    }

    drain(app, g);
    ulfius_stop_framework(&u);
    ulfius_clean_instance(&u);
    gate_free(g);
    log_line("info", "stopped", NULL);
    return 0;
}
