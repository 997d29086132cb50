/* ulfius/libmicrohttpd set-up and the signal loop. */
#include "http/server.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ulfius.h>

#include "core/log.h"
#include "http/app.h"
#include "http/router.h"

/* Threading, chosen by measuring (make bench; figures in tests/bench/README.md):
 * libmicrohttpd's own pool of epoll workers, as many as there are pooled database
 * connections. A worker blocks while its request waits for PostgreSQL, so fewer workers
 * than connections starve synchronous commits of group commit (2 workers: 507 writes/s
 * against 2,300 with 6), while thread-per-connection gave the same throughput as the pool
 * with a p99 three to four times higher. Statement timeouts keep a worker from being held
 * long; idle and slow clients cost a socket, not a thread, and the connection timeout
 * closes them. */
static int start(struct _u_instance *u, struct app *app, struct sockaddr_in *addr)
{
    int threads = app->cfg.threads ? app->cfg.threads : app->cfg.db_pool_size;
    struct MHD_OptionItem options[] = {
        {MHD_OPTION_THREAD_POOL_SIZE, threads, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, app->cfg.max_connections, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, app->cfg.connection_timeout_s, NULL},
        {MHD_OPTION_SOCK_ADDR, 0, addr},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)mhd_request_completed, NULL},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)ulfius_uri_logger, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
    return ulfius_start_framework_with_mhd_options(u, flags, options);
}

static void wait_for_in_flight(struct app *app)
{
    struct timespec tick = {0, 20 * 1000000L};
    int waited_ms = 0;
    while (atomic_load(&app->in_flight) > 0 && waited_ms < app->cfg.shutdown_grace_s * 1000) {
        nanosleep(&tick, NULL);
        waited_ms += 20;
    }
}

int server_run(struct app *app)
{
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)app->cfg.port);
    if (inet_pton(AF_INET, app->cfg.bind_address, &addr.sin_addr) != 1) {
        fprintf(stderr, "config: FREMDRIFT_BIND must be an IPv4 address\n");
        return -1;
    }

    struct _u_instance u;
    if (ulfius_init_instance(&u, (unsigned)app->cfg.port, &addr, NULL) != U_OK)
        return -1;
    /* One more byte than the limit, so a body ulfius cut short can be told from one that
     * is exactly at the limit. */
    u.max_post_body_size = (size_t)app->cfg.max_body_bytes + 1;
    u.allowed_post_processor = U_POST_PROCESS_NONE;
    ulfius_set_default_endpoint(&u, router_callback, app);

    /* Signals are taken synchronously by this thread alone; block them before the
     * server's threads start so they inherit the mask. */
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (start(&u, app, &addr) != U_OK) {
        log_line("error", "could not listen", json_pack("{s:s, s:i}", "bind", app->cfg.bind_address,
                                                         "port", app->cfg.port));
        ulfius_clean_instance(&u);
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

    /* Stop accepting, let requests in flight finish, then close everything. */
    MHD_socket listener = MHD_quiesce_daemon(u.mhd_daemon);
    wait_for_in_flight(app);
    ulfius_stop_framework(&u);
    ulfius_clean_instance(&u);
    /* libmicrohttpd hands the listening socket to us once quiesced; its threads may use it
     * until they are stopped, so it is closed only now. */
    if (listener != MHD_INVALID_SOCKET)
        close(listener);
    log_line("info", "stopped", NULL);
    return 0;
}
