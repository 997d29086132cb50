/* Token buckets in a 4-way set-associative table keyed by a 64-bit hash of the caller.
 * Memory is fixed at start-up; when a set is full the least recently used bucket is
 * reused, which at worst forgets a quiet caller's spent tokens — it never blocks an
 * innocent one, since a reused bucket starts full. */
#include "http/ratelimit.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WAYS 4
#define SETS 2048
#define STRIPES 64

struct bucket {
    uint64_t key;       /* 0: unused */
    double tokens;
    double last;        /* when tokens was last brought up to date */
};

struct ratelimit {
    double rate;        /* tokens per second */
    double burst;
    pthread_mutex_t locks[STRIPES];
    struct bucket sets[SETS][WAYS];
};

struct ratelimit *ratelimit_create(double per_minute, double burst)
{
    struct ratelimit *rl = calloc(1, sizeof(*rl));
    if (!rl)
        return NULL;
    rl->rate = per_minute / 60.0;
    rl->burst = burst < 1 ? 1 : burst;
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_init(&rl->locks[i], NULL);
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    for (int i = 0; i < STRIPES; i++)
        pthread_mutex_destroy(&rl->locks[i]);
    free(rl);
}

/* FNV-1a: callers are authenticated subjects, not an adversary choosing collisions with
 * other people's subjects they cannot see; 0 is kept free to mark unused buckets. */
static uint64_t hash(const char *key, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

int ratelimit_take(struct ratelimit *rl, const char *key, size_t len, double now, int *retry_after_s)
{
    if (rl->rate <= 0)
        return 1;
    uint64_t h = hash(key, len);
    size_t set = (size_t)(h % SETS);
    pthread_mutex_t *lock = &rl->locks[set % STRIPES];

    pthread_mutex_lock(lock);
    struct bucket *ways = rl->sets[set], *b = NULL;
    for (int i = 0; i < WAYS && !b; i++)
        if (ways[i].key == h)
            b = &ways[i];
    if (!b) {
        b = &ways[0];
        for (int i = 0; i < WAYS && b->key != 0; i++)
            if (ways[i].key == 0 || ways[i].last < b->last)
                b = &ways[i];
        b->key = h;
        b->tokens = rl->burst;
        b->last = now;
    }
    b->tokens = fmin(rl->burst, b->tokens + (now - b->last) * rl->rate);
    b->last = now;
    int allowed = b->tokens >= 1.0;
    if (allowed) {
        b->tokens -= 1.0;
    } else {
        double wait = (1.0 - b->tokens) / rl->rate;
        *retry_after_s = wait < 1.0 ? 1 : (int)ceil(wait);
    }
    pthread_mutex_unlock(lock);
    return allowed;
}
