/* Prometheus metrics: requests by route and status, a latency histogram per route, and
 * the database pool's gauges. Counters are atomics, so observing never takes a lock. */
#ifndef FREMDRIFT_METRICS_H
#define FREMDRIFT_METRICS_H

#include <stddef.h>

struct pool_stats;
struct metrics;
struct route;

/* One slot per route of table (borrowed; it must outlive the metrics) and one more for
 * requests no route matched. Free with metrics_destroy. */
struct metrics *metrics_create(const struct route *table, size_t n);
void metrics_destroy(struct metrics *m);

/* route == n (the count given at creation) means "no route matched". */
void metrics_observe(struct metrics *m, size_t route, int status, double seconds);

/* The exposition text; the caller frees it with free(). */
char *metrics_render(struct metrics *m, const struct pool_stats *pool, size_t *len);

#endif
