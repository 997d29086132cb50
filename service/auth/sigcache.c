/*
 * The verified-signature memo: a fixed 4-way set-associative table of SHA-256 digests of
 * whole tokens, with striped mutexes so that request threads rarely meet on a lock and no
 * lock is held while hashing. Sized once at creation; a full set evicts, it never grows.
 */
#include "auth/sigcache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#define SIGCACHE_WAYS 4
#define SIGCACHE_SETS (SIGCACHE_SLOTS / SIGCACHE_WAYS)
#define SIGCACHE_STRIPES 64
#define SIGCACHE_CACHE_LINE 64

_Static_assert(SIGCACHE_SLOTS % SIGCACHE_WAYS == 0, "slots must fill whole sets");
_Static_assert((SIGCACHE_SETS & (SIGCACHE_SETS - 1)) == 0, "set count must be a power of two");
_Static_assert(SIGCACHE_SETS % SIGCACHE_STRIPES == 0, "every stripe must guard as many sets");
_Static_assert(SIGCACHE_SETS <= 1 << 24, "set_of() reads 24 bits of the digest");

struct entry {
    unsigned char digest[SIGCACHE_DIGEST_LEN];
    int64_t exp;
    bool live;
};

/* One lock per cache line, so two cores taking different stripes do not share a line. */
struct stripe {
    _Alignas(SIGCACHE_CACHE_LINE) pthread_mutex_t lock;
};

struct sigcache {
    struct stripe stripes[SIGCACHE_STRIPES];
    /* Fetched once: with EVP_sha256(), OpenSSL 3 fetches the implementation again on every
     * digest, through its shared method store. */
    EVP_MD *sha256;
    struct entry sets[SIGCACHE_SETS][SIGCACHE_WAYS];
};

struct sigcache *sigcache_create(void)
{
    /* sizeof is a multiple of the alignment, as aligned_alloc() requires. */
    struct sigcache *c = aligned_alloc(_Alignof(struct sigcache), sizeof(*c));

    if (c == NULL)
        return NULL;
    memset(c, 0, sizeof(*c));
    c->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (c->sha256 == NULL) {
        free(c);
        return NULL;
    }
    for (size_t i = 0; i < SIGCACHE_STRIPES; i++)
        pthread_mutex_init(&c->stripes[i].lock, NULL);
    return c;
}

void sigcache_free(struct sigcache *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < SIGCACHE_STRIPES; i++)
        pthread_mutex_destroy(&c->stripes[i].lock);
    EVP_MD_free(c->sha256);
    free(c);
}

int sigcache_digest(const struct sigcache *c, const char *token, size_t len,
                    unsigned char digest[SIGCACHE_DIGEST_LEN])
{
    unsigned int n = 0;

    if (EVP_Digest(token, len, digest, &n, c->sha256, NULL) != 1 || n != SIGCACHE_DIGEST_LEN)
        return -1;
    return 0;
}

/* SHA-256 output is uniform, and only verified tokens are ever stored, so no caller can
 * aim many entries at one set. */
static size_t set_of(const unsigned char digest[SIGCACHE_DIGEST_LEN])
{
    size_t v = (size_t)digest[0] | (size_t)digest[1] << 8 | (size_t)digest[2] << 16;

    return v & (SIGCACHE_SETS - 1);
}

static pthread_mutex_t *lock_of(struct sigcache *c, size_t set)
{
    return &c->stripes[set % SIGCACHE_STRIPES].lock;
}

/* All 32 bytes, compared in constant time: a hit must mean this exact token. */
static bool same_digest(const struct entry *e, const unsigned char digest[SIGCACHE_DIGEST_LEN])
{
    return CRYPTO_memcmp(e->digest, digest, SIGCACHE_DIGEST_LEN) == 0;
}

int sigcache_lookup(struct sigcache *c, const unsigned char digest[SIGCACHE_DIGEST_LEN],
                    time_t now)
{
    size_t set = set_of(digest);
    int hit = 0;

    pthread_mutex_lock(lock_of(c, set));
    for (size_t w = 0; w < SIGCACHE_WAYS; w++) {
        const struct entry *e = &c->sets[set][w];
        if (e->live && (int64_t)now <= e->exp && same_digest(e, digest)) {
            hit = 1;
            break;
        }
    }
    pthread_mutex_unlock(lock_of(c, set));
    return hit;
}

void sigcache_add(struct sigcache *c, const unsigned char digest[SIGCACHE_DIGEST_LEN],
                  int64_t exp, time_t now)
{
    size_t set = set_of(digest);
    struct entry *ways = c->sets[set], *victim = NULL;

    /* A token accepted within the clock-skew leeway must not evict a live entry. */
    if (exp < (int64_t)now)
        return;
    pthread_mutex_lock(lock_of(c, set));
    for (size_t w = 0; w < SIGCACHE_WAYS; w++) {
        if (ways[w].live && same_digest(&ways[w], digest)) {
            victim = &ways[w];
            break;
        }
    }
    /* Otherwise a free or dead way, else the entry that would die first anyway. */
    for (size_t w = 0; victim == NULL && w < SIGCACHE_WAYS; w++) {
        if (!ways[w].live || ways[w].exp < (int64_t)now)
            victim = &ways[w];
    }
    if (victim == NULL) {
        victim = &ways[0];
        for (size_t w = 1; w < SIGCACHE_WAYS; w++) {
            if (ways[w].exp < victim->exp)
                victim = &ways[w];
        }
    }
    memcpy(victim->digest, digest, SIGCACHE_DIGEST_LEN);
    victim->exp = exp;
    victim->live = true;
    pthread_mutex_unlock(lock_of(c, set));
}

void sigcache_clear(struct sigcache *c)
{
    for (size_t s = 0; s < SIGCACHE_STRIPES; s++) {
        pthread_mutex_lock(&c->stripes[s].lock);
        for (size_t set = s; set < SIGCACHE_SETS; set += SIGCACHE_STRIPES)
            memset(c->sets[set], 0, sizeof(c->sets[set]));
        pthread_mutex_unlock(&c->stripes[s].lock);
    }
}
