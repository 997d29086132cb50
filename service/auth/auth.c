/* Key ring and bearer-token extraction. Verification holds a read lock so a SIGHUP
 * reload never frees keys under a request that is using them, and the reload empties the
 * signature cache under the write lock, so no entry outlives the keys it was verified with. */
#include "auth/auth.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

int keyring_init(struct keyring *k, const char *path, char *err, size_t errlen)
{
    memset(k, 0, sizeof(*k));
    pthread_rwlock_init(&k->lock, NULL);
    snprintf(k->path, sizeof(k->path), "%s", path);
    k->current = keyset_load(path, err, errlen);
    if (!k->current)
        return -1;
    if (keyset_count(k->current) == 0) {
        snprintf(err, errlen, "%s: no verification key configured", path);
        keyset_free(k->current);
        k->current = NULL;
        return -1;
    }
    k->sigs = sigcache_create();
    if (!k->sigs) {
        snprintf(err, errlen, "out of memory for the signature cache");
        keyset_free(k->current);
        k->current = NULL;
        return -1;
    }
    return 0;
}

int keyring_reload(struct keyring *k, char *err, size_t errlen)
{
    struct keyset *fresh = keyset_load(k->path, err, errlen);
    if (!fresh)
        return -1;
    if (keyset_count(fresh) == 0) {
        snprintf(err, errlen, "%s: no verification key configured", k->path);
        keyset_free(fresh);
        return -1;
    }
    pthread_rwlock_wrlock(&k->lock);
    struct keyset *old = k->current;
    k->current = fresh;
    /* A kid may now name another key: nothing verified under the old set may count. */
    sigcache_clear(k->sigs);
    pthread_rwlock_unlock(&k->lock);
    keyset_free(old);
    return 0;
}

void keyring_destroy(struct keyring *k)
{
    keyset_free(k->current);
    k->current = NULL;
    sigcache_free(k->sigs);
    k->sigs = NULL;
    pthread_rwlock_destroy(&k->lock);
}

enum token_result auth_verify(struct keyring *k, const struct token_policy *policy,
                              const char *authorization, struct claims *out)
{
    const char *token = NULL;
    if (authorization && strncasecmp(authorization, "Bearer ", 7) == 0) {
        token = authorization + 7;
        while (*token == ' ')
            token++;
    }
    pthread_rwlock_rdlock(&k->lock);
    enum token_result r = token_verify(k->current, k->sigs, policy, token, time(NULL), out);
    pthread_rwlock_unlock(&k->lock);
    return r;
}
