/* Metrics storage and text exposition. Status codes map to a fixed list of slots so the
 * memory is allocated once at start-up and no request ever allocates for metrics. */
#include "http/metrics.h"
#include "http/routes.h"
#include "store/pool.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static const int statuses[] = {200, 201, 204, 400, 401, 403, 404, 405, 406, 409, 410,
                               412, 413, 415, 422, 428, 429, 500, 503, 0};
#define N_STATUS (sizeof(statuses) / sizeof(statuses[0]))

static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define N_BOUNDS (sizeof(bounds) / sizeof(bounds[0]))

struct route_metrics {
    atomic_ulong by_status[N_STATUS];
    atomic_ulong buckets[N_BOUNDS + 1];
    atomic_ulong micros_sum;
};

struct metrics {
    const struct route *table;
    size_t n;
    struct route_metrics *routes;   /* n + 1 */
};

struct metrics *metrics_create(const struct route *table, size_t n)
{
    struct metrics *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->routes = calloc(n + 1, sizeof(*m->routes));
    if (!m->routes) {
        free(m);
        return NULL;
    }
    m->table = table;
    m->n = n;
    return m;
}

void metrics_destroy(struct metrics *m)
{
    if (!m)
        return;
    free(m->routes);
    free(m);
}

static size_t status_slot(int status)
{
    for (size_t i = 0; i + 1 < N_STATUS; i++)
        if (statuses[i] == status)
            return i;
    return N_STATUS - 1;
}

void metrics_observe(struct metrics *m, size_t route, int status, double seconds)
{
    if (route > m->n)
        route = m->n;
    struct route_metrics *r = &m->routes[route];
    atomic_fetch_add_explicit(&r->by_status[status_slot(status)], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < N_BOUNDS && seconds > bounds[b])
        b++;
    atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->micros_sum, (unsigned long)(seconds * 1e6), memory_order_relaxed);
}

/* A growable text buffer for the exposition; aborts cleanly on allocation failure. */
struct text {
    char *data;
    size_t len, cap;
    int failed;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct text *t, const char *fmt, ...)
{
    if (t->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->data ? t->data + t->len : NULL, t->data ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->failed = 1;
            return;
        }
        if (t->data && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        }
        size_t cap = (t->cap ? t->cap * 2 : 8192) + (size_t)n;
        char *grown = realloc(t->data, cap);
        if (!grown) {
            t->failed = 1;
            return;
        }
        t->data = grown;
        t->cap = cap;
    }
}

static void route_labels(const struct metrics *m, size_t i, const char **method, const char **path)
{
    *method = i < m->n ? m->table[i].method : "";
    *path = i < m->n ? m->table[i].path : "unmatched";
}

char *metrics_render(struct metrics *m, const struct pool_stats *pool, size_t *len)
{
    struct text t = {0};
    const char *method, *path;

    put(&t, "# HELP fremdrift_http_requests_total HTTP requests by route and status.\n"
            "# TYPE fremdrift_http_requests_total counter\n");
    for (size_t i = 0; i <= m->n; i++) {
        route_labels(m, i, &method, &path);
        for (size_t s = 0; s < N_STATUS; s++) {
            unsigned long v = atomic_load_explicit(&m->routes[i].by_status[s], memory_order_relaxed);
            if (!v)
                continue;
            if (statuses[s])
                put(&t, "fremdrift_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %lu\n",
                    method, path, statuses[s], v);
            else
                put(&t, "fremdrift_http_requests_total{method=\"%s\",route=\"%s\",status=\"other\"} %lu\n",
                    method, path, v);
        }
    }

    put(&t, "# HELP fremdrift_http_request_duration_seconds Time from request to response.\n"
            "# TYPE fremdrift_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i <= m->n; i++) {
        route_labels(m, i, &method, &path);
        unsigned long cumulative = 0;
        for (size_t b = 0; b <= N_BOUNDS; b++) {
            cumulative += atomic_load_explicit(&m->routes[i].buckets[b], memory_order_relaxed);
            if (b < N_BOUNDS)
                put(&t, "fremdrift_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} %lu\n",
                    method, path, bounds[b], cumulative);
            else
                put(&t, "fremdrift_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %lu\n",
                    method, path, cumulative);
        }
        put(&t, "fremdrift_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n",
            method, path, atomic_load_explicit(&m->routes[i].micros_sum, memory_order_relaxed) / 1e6);
        put(&t, "fremdrift_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %lu\n",
            method, path, cumulative);
    }

    put(&t, "# HELP fremdrift_db_pool_size PostgreSQL connections in the pool.\n"
            "# TYPE fremdrift_db_pool_size gauge\nfremdrift_db_pool_size %d\n"
            "# HELP fremdrift_db_pool_in_use Pooled connections taken by requests.\n"
            "# TYPE fremdrift_db_pool_in_use gauge\nfremdrift_db_pool_in_use %d\n"
            "# HELP fremdrift_db_pool_waits_total Checkouts that had to wait for a connection.\n"
            "# TYPE fremdrift_db_pool_waits_total counter\nfremdrift_db_pool_waits_total %lu\n"
            "# HELP fremdrift_db_pool_timeouts_total Checkouts that gave up waiting (503).\n"
            "# TYPE fremdrift_db_pool_timeouts_total counter\nfremdrift_db_pool_timeouts_total %lu\n"
            "# HELP fremdrift_db_connects_total Connections (re)established.\n"
            "# TYPE fremdrift_db_connects_total counter\nfremdrift_db_connects_total %lu\n"
            "# HELP fremdrift_db_connect_failures_total Connection attempts that failed.\n"
            "# TYPE fremdrift_db_connect_failures_total counter\nfremdrift_db_connect_failures_total %lu\n",
        pool->size, pool->in_use, pool->waits, pool->timeouts, pool->connects, pool->failures);

    if (t.failed) {
        free(t.data);
        return NULL;
    }
    *len = t.len;
    return t.data;
}
