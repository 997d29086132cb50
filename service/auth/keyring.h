/*
 * The verification keys every request reads: the key file's (reloaded on SIGHUP) and each
 * identity provider's last good JWKS (refreshed by a background thread, and on a token
 * with an unknown kid at most once per interval). Verification holds the read lock, so a
 * swap never frees keys under a request using them; every swap empties the signature
 * cache under the write lock, so no entry outlives the keys it was verified with.
 */
#ifndef FREMDRIFT_KEYRING_H
#define FREMDRIFT_KEYRING_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "auth/idp.h"
#include "auth/keys.h"
#include "auth/sigcache.h"
#include "auth/token.h"

struct keyring {
    pthread_rwlock_t lock;
    struct keyset *current;     /* the file's keys and every IdP's, merged: what tokens meet */
    struct sigcache *sigs;      /* signatures verified under current; emptied when it changes */
    char path[512];             /* the key file, or "" */
    struct keyset *file_keys;
    struct idp idps[IDP_MAX];
    size_t n_idps;
    struct token_issuer mapped[IDP_MAX];    /* the IdPs' issuers and claim maps, for the policy */
    struct idp_settings settings;
    pthread_t refresher;
    int refresher_running;
    pthread_mutex_t wake_lock;
    pthread_cond_t wake;
    int stopping;               /* under wake_lock */
};

/* What /readyz tells about one identity provider. */
struct idp_status {
    char issuer[KEYS_ISSUER_MAX + 1];
    size_t keys;                /* kept keys; 0 = never fetched: its tokens cannot be checked */
    int reachable;              /* the last fetch succeeded */
    time_t last_success;        /* 0 = never */
    char error[256];            /* why the last fetch failed, or "" */
};

/*
 * Loads the key file at path (none when path is ""), parses idps_json (FREMDRIFT_OIDC_ISSUERS,
 * none when ""), and fetches every identity provider's keys once. Returns 0, or -1 with a
 * message in err when a configuration is bad or no key at all could be had. An identity
 * provider that cannot be reached at start-up is retried by the refresher. Call
 * keyring_destroy() also after a failure. Calls curl_global_init(): before other threads.
 */
int keyring_init(struct keyring *k, const char *path, const char *idps_json,
                 const struct idp_settings *settings, char *err, size_t errlen);

/* Starts the background refresh of the identity providers' keys (none to do: no thread). */
int keyring_start(struct keyring *k);

/* Loads the key file again (old keys kept when it is bad) and asks for every identity
 * provider's keys now. Returns -1 with a message when the file could not be loaded. */
int keyring_reload(struct keyring *k, char *err, size_t errlen);

/* Stops the refresher and frees everything. */
void keyring_destroy(struct keyring *k);

/*
 * Verifies token against the current keys. When its kid is unknown and its (unverified)
 * issuer is a configured identity provider, fetches that provider's keys once, if none was
 * fetched for an unknown kid within settings.unknown_kid_interval_s and no other fetch of
 * it is under way, and verifies again.
 */
enum token_result keyring_verify(struct keyring *k, const struct token_policy *policy,
                                 const char *token, struct claims *out);

/* Copies the state of up to max identity providers into out; returns how many. */
size_t keyring_idp_status(struct keyring *k, struct idp_status *out, size_t max);

#endif
