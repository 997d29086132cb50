/* Authentication: the verification keys (reloadable while requests run) and the check of
 * an Authorization header. The token rules themselves live in token.c. */
#ifndef FREMDRIFT_AUTH_H
#define FREMDRIFT_AUTH_H

#include <pthread.h>
#include <stddef.h>

#include "auth/token.h"

struct keyring {
    pthread_rwlock_t lock;
    struct keyset *current;
    struct sigcache *sigs;      /* signatures verified under current; emptied when it changes */
    char path[512];
};

/*
 * Loads the key file at path and creates the signature cache; -1 with a message in err
 * when it has no usable key. keyring_destroy() frees both, also after a failed init.
 */
int keyring_init(struct keyring *k, const char *path, char *err, size_t errlen);
/* Loads the file again and swaps it in; the old keys stay in use when the new file is bad. */
int keyring_reload(struct keyring *k, char *err, size_t errlen);
void keyring_destroy(struct keyring *k);

/* Verifies "Bearer <token>" (authorization may be NULL) against the current keys. */
enum token_result auth_verify(struct keyring *k, const struct token_policy *policy,
                              const char *authorization, struct claims *out);

#endif
