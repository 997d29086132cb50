/* Connection pool: a fixed array of slots guarded by one mutex, a condition variable for
 * waiters, and lazy (re)connection done outside the lock so one slow connect never
 * blocks the other request threads. */
#include "core/log.h"
#include "store/db_conn.h"
#include "store/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pool {
    struct pool_options opt;
    char *url;
    struct db_conn *conns;
    int *free_stack;
    int n_free;
    pthread_mutex_t lock;
    pthread_cond_t available;
    struct pool_stats stats;
};

struct pool *pool_create(const struct pool_options *opt)
{
    struct pool *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->opt = *opt;
    p->url = strdup(opt->url);
    p->opt.url = p->url;
    p->conns = calloc((size_t)opt->size, sizeof(*p->conns));
    p->free_stack = calloc((size_t)opt->size, sizeof(int));
    if (!p->url || !p->conns || !p->free_stack) {
        free(p->url);
        free(p->conns);
        free(p->free_stack);
        free(p);
        return NULL;
    }
    for (int i = 0; i < opt->size; i++) {
        p->conns[i].opt = &p->opt;
        p->free_stack[i] = opt->size - 1 - i;
    }
    p->n_free = opt->size;
    p->stats.size = opt->size;
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&p->available, &attr);
    pthread_condattr_destroy(&attr);
    return p;
}

void pool_destroy(struct pool *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->opt.size; i++) {
        if (p->conns[i].pg)
            PQfinish(p->conns[i].pg);
        db_conn_forget_prepared(&p->conns[i]);
        free(p->conns[i].prepared);
    }
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->available);
    free(p->conns);
    free(p->free_stack);
    free(p->url);
    free(p);
}

static PGconn *connect_server(const struct pool_options *opt)
{
    char timeout[16], options[160];
    snprintf(timeout, sizeof(timeout), "%d", opt->connect_timeout_s);
    /* UTC so timestamps render the same everywhere; idle transactions are cut off so a
     * stuck request cannot hold row locks for ever. */
    snprintf(options, sizeof(options),
             "-c statement_timeout=%d -c TimeZone=UTC -c idle_in_transaction_session_timeout=%d",
             opt->statement_timeout_ms, opt->statement_timeout_ms * 4);
    const char *keys[] = {"dbname", "connect_timeout", "options", "application_name",
                          "client_encoding", NULL};
    const char *values[] = {opt->url, timeout, options, "fremdrift", "UTF8", NULL};
    return PQconnectdbParams(keys, values, 1);
}

int pool_reconnect(struct db_conn *c)
{
    db_conn_forget_prepared(c);
    if (c->pg)
        PQfinish(c->pg);
    c->pg = connect_server(c->opt);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        c->broken = 1;
        return -1;
    }
    c->broken = 0;
    return 0;
}

static void give_back(struct pool *p, struct db_conn *c)
{
    pthread_mutex_lock(&p->lock);
    p->free_stack[p->n_free++] = (int)(c - p->conns);
    p->stats.in_use--;
    pthread_cond_signal(&p->available);
    pthread_mutex_unlock(&p->lock);
}

static int deadline_passed(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > deadline->tv_sec ||
           (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

struct db_conn *pool_acquire(struct pool *p, enum db_status *why)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += p->opt.wait_ms / 1000;
    deadline.tv_nsec += (long)(p->opt.wait_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }

    pthread_mutex_lock(&p->lock);
    if (p->n_free == 0)
        p->stats.waits++;
    while (p->n_free == 0) {
        int rc = pthread_cond_timedwait(&p->available, &p->lock, &deadline);
        if (p->n_free == 0 && (rc == ETIMEDOUT || deadline_passed(&deadline))) {
            p->stats.timeouts++;
            pthread_mutex_unlock(&p->lock);
            *why = DB_BUSY;
            return NULL;
        }
    }
    struct db_conn *c = &p->conns[p->free_stack[--p->n_free]];
    p->stats.in_use++;
    pthread_mutex_unlock(&p->lock);

    int fresh = 0;
    if (!c->pg || c->broken || PQstatus(c->pg) != CONNECTION_OK) {
        fresh = 1;
        if (pool_reconnect(c) != 0) {
            pthread_mutex_lock(&p->lock);
            p->stats.failures++;
            pthread_mutex_unlock(&p->lock);
            give_back(p, c);
            *why = DB_UNAVAILABLE;
            return NULL;
        }
    }
    if (fresh) {
        pthread_mutex_lock(&p->lock);
        p->stats.connects++;
        pthread_mutex_unlock(&p->lock);
    }
    if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        db_command(c, "ROLLBACK");
    /* A connection idle in the pool looks healthy to libpq until it is used, even when
     * PostgreSQL has restarted since: its first statement may reconnect once (db.c). */
    c->untried = !fresh;
    *why = DB_OK;
    return c;
}

void pool_release(struct pool *p, struct db_conn *c)
{
    if (!c)
        return;
    /* Never hand the next request a connection with an open or failed transaction. */
    if (!c->broken && c->pg && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        db_command(c, "ROLLBACK");
    give_back(p, c);
}

void pool_get_stats(struct pool *p, struct pool_stats *out)
{
    pthread_mutex_lock(&p->lock);
    *out = p->stats;
    pthread_mutex_unlock(&p->lock);
}
