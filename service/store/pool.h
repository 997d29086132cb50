/* A bounded pool of libpq connections shared by all request threads. A request waits for
 * a free connection at most wait_ms (then 503); broken connections are re-established on
 * the next checkout, so the service recovers by itself after PostgreSQL restarts. */
#ifndef FREMDRIFT_POOL_H
#define FREMDRIFT_POOL_H

#include "store/db.h"

struct pool;

struct pool_options {
    const char *url;
    int size;
    int wait_ms;
    int connect_timeout_s;
    int statement_timeout_ms;
};

struct pool_stats {
    int size;
    int in_use;
    unsigned long waits;        /* checkouts that had to wait */
    unsigned long timeouts;     /* checkouts that gave up */
    unsigned long connects;     /* connections (re)established */
    unsigned long failures;     /* connection attempts that failed */
};

/* Returns a pool (free with pool_destroy) or NULL when out of memory. Connections are
 * opened lazily. */
struct pool *pool_create(const struct pool_options *opt);
void pool_destroy(struct pool *p);

/* A connection ready for a transaction, or NULL with *why = DB_BUSY or DB_UNAVAILABLE.
 * Give it back with pool_release. */
struct db_conn *pool_acquire(struct pool *p, enum db_status *why);
void pool_release(struct pool *p, struct db_conn *c);

/* Re-establishes c's server connection now (used when a statement finds it dead). */
int pool_reconnect(struct db_conn *c);

void pool_get_stats(struct pool *p, struct pool_stats *out);

#endif
