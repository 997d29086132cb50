/* Per-caller rate limits (OWASP API4): a token bucket per token subject, so one runaway
 * client or stolen token cannot starve the others. The table is fixed-size and lives in
 * this process only: behind N replicas the effective limit is up to N times higher. */
#ifndef FREMDRIFT_RATELIMIT_H
#define FREMDRIFT_RATELIMIT_H

#include <stddef.h>

struct ratelimit;

/* per_minute requests sustained, burst at once. per_minute 0 disables limiting (every
 * take succeeds). Free with ratelimit_free. NULL when out of memory. */
struct ratelimit *ratelimit_create(double per_minute, double burst);
void ratelimit_free(struct ratelimit *rl);

/* Takes one request for key at time now (seconds, monotonic). Returns 1 when allowed;
 * 0 when the caller must wait, with *retry_after_s set to whole seconds (at least 1)
 * until a request will be allowed again. */
int ratelimit_take(struct ratelimit *rl, const char *key, size_t len, double now, int *retry_after_s);

#endif
