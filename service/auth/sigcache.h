/*
 * Memo of bearer tokens whose signature verified under the current key set, so that a
 * client re-sending the same token skips libjwt's ~270 us parse-and-verify. It certifies
 * the signature only: token_verify() still runs every other check on every request.
 */
#ifndef FREMDRIFT_SIGCACHE_H
#define FREMDRIFT_SIGCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIGCACHE_DIGEST_LEN 32
#define SIGCACHE_SLOTS 4096

struct sigcache;

/*
 * A cache of SIGCACHE_SLOTS entries, allocated once here and never again. Returns NULL
 * when out of memory or when OpenSSL has no SHA-256. The caller frees it with
 * sigcache_free(). All functions below may be called from many threads at once.
 */
struct sigcache *sigcache_create(void);

/* Frees a cache from sigcache_create(); NULL is allowed. No other thread may still use it. */
void sigcache_free(struct sigcache *c);

/* SHA-256 of token[0..len): the key the cache is indexed by. Takes no lock. -1 on failure. */
int sigcache_digest(const struct sigcache *c, const char *token, size_t len,
                    unsigned char digest[SIGCACHE_DIGEST_LEN]);

/* 1 when an entry with exactly this digest was added and now <= its exp, else 0. */
int sigcache_lookup(struct sigcache *c, const unsigned char digest[SIGCACHE_DIGEST_LEN],
                    time_t now);

/*
 * Records that the token with this digest verified, until exp (the token's own exp).
 * A hit is trusted as a verified signature, so only token_verify() calls this, and only
 * after every check passed. When the set is full an entry is evicted, never refused.
 */
void sigcache_add(struct sigcache *c, const unsigned char digest[SIGCACHE_DIGEST_LEN],
                  int64_t exp, time_t now);

/* Forgets every entry: call when the key set they were verified under is replaced. */
void sigcache_clear(struct sigcache *c);

#endif
