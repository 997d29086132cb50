/* Token buckets per caller: burst, refill, Retry-After, independence of callers. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "http/ratelimit.h"

static int take(struct ratelimit *rl, const char *who, double now, int *retry)
{
    return ratelimit_take(rl, who, strlen(who), now, retry);
}

Test(ratelimit, burst_then_refused_with_retry_after)
{
    struct ratelimit *rl = ratelimit_create(60, 5);    /* one a second, five at once */
    int retry = 0;
    for (int i = 0; i < 5; i++)
        cr_assert(take(rl, "cw-1", 100.0, &retry), "request %d of the burst refused", i + 1);
    cr_assert_not(take(rl, "cw-1", 100.0, &retry));
    cr_assert_eq(retry, 1);
    ratelimit_free(rl);
}

Test(ratelimit, tokens_come_back_at_the_rate)
{
    struct ratelimit *rl = ratelimit_create(30, 1);    /* one every two seconds */
    int retry = 0;
    cr_assert(take(rl, "a", 10.0, &retry));
    cr_assert_not(take(rl, "a", 10.5, &retry));
    cr_assert_eq(retry, 2, "1.5 s of refill left rounds up to 2, got %d", retry);
    cr_assert_not(take(rl, "a", 11.9, &retry));
    cr_assert(take(rl, "a", 12.0, &retry));
    ratelimit_free(rl);
}

Test(ratelimit, callers_do_not_share_buckets)
{
    struct ratelimit *rl = ratelimit_create(60, 2);
    int retry = 0;
    cr_assert(take(rl, "one", 0, &retry));
    cr_assert(take(rl, "one", 0, &retry));
    cr_assert_not(take(rl, "one", 0, &retry));
    cr_assert(take(rl, "two", 0, &retry), "another caller was limited by the first");
    ratelimit_free(rl);
}

Test(ratelimit, zero_rate_disables)
{
    struct ratelimit *rl = ratelimit_create(0, 1);
    int retry = 0;
    for (int i = 0; i < 10000; i++)
        cr_assert(take(rl, "x", 0, &retry));
    ratelimit_free(rl);
}

Test(ratelimit, many_callers_never_limit_a_fresh_one)
{
    /* More callers than buckets: reused buckets start full, so nobody is refused who has
     * not spent their own burst. */
    struct ratelimit *rl = ratelimit_create(60, 1);
    int retry = 0;
    char who[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(who, sizeof(who), "caller-%d", i);
        cr_assert(take(rl, who, 5.0, &retry), "%s refused on its first request", who);
    }
    ratelimit_free(rl);
}
