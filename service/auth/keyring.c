/* The key ring: file keys, identity providers' keys, and the thread that refreshes them. */
#include "auth/keyring.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "core/log.h"

/* Merges the file's keys and every IdP's into a new current set and swaps it in.
 * Called with the write lock held. On allocation failure the old set stays. */
static void rebuild_locked(struct keyring *k)
{
    struct keyset *parts[IDP_MAX + 1];
    struct keyset *merged;
    size_t n = 0;

    parts[n++] = k->file_keys;
    for (size_t i = 0; i < k->n_idps; i++)
        parts[n++] = k->idps[i].keys;
    merged = keyset_merge(parts, n);
    if (merged == NULL) {
        log_line("error", "out of memory merging verification keys; old keys kept", NULL);
        return;
    }
    keyset_free(k->current);
    k->current = merged;
    /* A kid may now name another key: nothing verified under the old set may count. */
    sigcache_clear(k->sigs);
}

/* Fetches idp's keys and records the outcome. The caller holds idp->fetch_lock, and no
 * keyring lock: the fetch may take up to the timeout. Returns 0 when keys were fetched. */
static int refresh_locked(struct keyring *k, struct idp *idp)
{
    char err[512] = "";
    long after = k->settings.refresh_min_s;
    struct keyset *fresh = idp_fetch_keys(idp, &k->settings, &after, err, sizeof(err));
    time_t now = time(NULL);
    int was_failing;

    pthread_rwlock_wrlock(&k->lock);
    was_failing = idp->failing;
    if (fresh != NULL) {
        /* The same keys again (the usual case) keep the signature cache. */
        int changed = !keyset_equal(idp->keys, fresh);
        keyset_free(idp->keys);
        idp->keys = fresh;
        idp->last_success = now;
        idp->next_refresh = now + after;
        idp->failing = 0;
        idp->error[0] = '\0';
        if (changed)
            rebuild_locked(k);
    } else {
        idp->failing = 1;
        idp->next_refresh = now + k->settings.refresh_min_s;
        snprintf(idp->error, sizeof(idp->error), "%.255s", err);
    }
    pthread_rwlock_unlock(&k->lock);

    if (fresh != NULL && was_failing)
        log_line("info", "identity provider reachable again",
                 json_pack("{s:s, s:i}", "issuer", idp->issuer, "keys", (int)keyset_count(fresh)));
    else if (fresh == NULL)
        log_line("warn", "identity provider keys not refreshed; last good keys kept",
                 json_pack("{s:s, s:s}", "issuer", idp->issuer, "error", err));
    return fresh != NULL ? 0 : -1;
}

static void *refresher(void *arg)
{
    struct keyring *k = arg;

    pthread_mutex_lock(&k->wake_lock);
    while (!k->stopping) {
        time_t now = time(NULL), next = now + k->settings.refresh_max_s;

        pthread_rwlock_rdlock(&k->lock);
        for (size_t i = 0; i < k->n_idps; i++) {
            if (k->idps[i].next_refresh < next)
                next = k->idps[i].next_refresh;
        }
        pthread_rwlock_unlock(&k->lock);
        if (next > now) {
            /* Woken by the time, by keyring_reload (fetch now) or keyring_destroy (stop):
             * each is looked at again from the top. */
            struct timespec until = { .tv_sec = next, .tv_nsec = 0 };
            pthread_cond_timedwait(&k->wake, &k->wake_lock, &until);
            continue;
        }
        pthread_mutex_unlock(&k->wake_lock);
        for (size_t i = 0; i < k->n_idps; i++) {
            struct idp *idp = &k->idps[i];
            int due;
            pthread_rwlock_rdlock(&k->lock);
            due = idp->next_refresh <= time(NULL);
            pthread_rwlock_unlock(&k->lock);
            if (!due)
                continue;
            pthread_mutex_lock(&idp->fetch_lock);
            refresh_locked(k, idp);
            pthread_mutex_unlock(&idp->fetch_lock);
        }
        pthread_mutex_lock(&k->wake_lock);
    }
    pthread_mutex_unlock(&k->wake_lock);
    return NULL;
}

int keyring_init(struct keyring *k, const char *path, const char *idps_json,
                 const struct idp_settings *settings, char *err, size_t errlen)
{
    memset(k, 0, sizeof(*k));
    pthread_rwlock_init(&k->lock, NULL);
    pthread_mutex_init(&k->wake_lock, NULL);
    pthread_cond_init(&k->wake, NULL);
    k->settings = *settings;
    snprintf(k->path, sizeof(k->path), "%s", path ? path : "");
    curl_global_init(CURL_GLOBAL_DEFAULT);
    k->sigs = sigcache_create();
    if (k->sigs == NULL) {
        snprintf(err, errlen, "out of memory for the signature cache");
        return -1;
    }
    if (k->path[0] != '\0') {
        k->file_keys = keyset_load(k->path, err, errlen);
        if (k->file_keys == NULL)
            return -1;
    }
    if (idps_json != NULL && idps_json[0] != '\0') {
        char why[400];
        if (idp_parse_config(idps_json, k->idps, IDP_MAX, &k->n_idps, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "FREMDRIFT_OIDC_ISSUERS%s%s", why[0] == '[' ? "" : ": ", why);
            return -1;
        }
    }
    for (size_t i = 0; i < k->n_idps; i++) {
        k->mapped[i].issuer = k->idps[i].issuer;
        k->mapped[i].map = &k->idps[i].map;
        pthread_mutex_lock(&k->idps[i].fetch_lock);
        refresh_locked(k, &k->idps[i]);
        pthread_mutex_unlock(&k->idps[i].fetch_lock);
    }
    pthread_rwlock_wrlock(&k->lock);
    rebuild_locked(k);
    pthread_rwlock_unlock(&k->lock);
    /* Without any key no token could be checked: refuse to start. */
    if (keyset_count(k->current) == 0) {
        int n = snprintf(err, errlen, "no verification key at all: ");
        if (k->n_idps == 0)
            snprintf(err + n, errlen - (size_t)n, "set FREMDRIFT_JWT_KEYS or FREMDRIFT_OIDC_ISSUERS");
        else
            snprintf(err + n, errlen - (size_t)n, "identity provider %s: %s", k->idps[0].issuer,
                     k->idps[0].error);
        return -1;
    }
    return 0;
}

int keyring_start(struct keyring *k)
{
    sigset_t all, old;
    int rc;

    if (k->n_idps == 0)
        return 0;
    /* The server takes SIGTERM/SIGHUP with sigwait() in the main thread: this thread must
     * never be the one a signal is delivered to, so it starts with every signal blocked. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rc = pthread_create(&k->refresher, NULL, refresher, k);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return -1;
    k->refresher_running = 1;
    return 0;
}

int keyring_reload(struct keyring *k, char *err, size_t errlen)
{
    int rc = 0;

    if (k->path[0] != '\0') {
        struct keyset *fresh = keyset_load(k->path, err, errlen);
        if (fresh == NULL) {
            rc = -1;
        } else if (keyset_count(fresh) == 0) {
            snprintf(err, errlen, "%s: no verification key configured", k->path);
            keyset_free(fresh);
            rc = -1;
        } else {
            pthread_rwlock_wrlock(&k->lock);
            keyset_free(k->file_keys);
            k->file_keys = fresh;
            rebuild_locked(k);
            pthread_rwlock_unlock(&k->lock);
        }
    }
    pthread_rwlock_wrlock(&k->lock);
    for (size_t i = 0; i < k->n_idps; i++)
        k->idps[i].next_refresh = 0;
    pthread_rwlock_unlock(&k->lock);
    pthread_mutex_lock(&k->wake_lock);
    pthread_cond_signal(&k->wake);
    pthread_mutex_unlock(&k->wake_lock);
    return rc;
}

void keyring_destroy(struct keyring *k)
{
    if (k->refresher_running) {
        pthread_mutex_lock(&k->wake_lock);
        k->stopping = 1;
        pthread_cond_signal(&k->wake);
        pthread_mutex_unlock(&k->wake_lock);
        pthread_join(k->refresher, NULL);
        k->refresher_running = 0;
    }
    for (size_t i = 0; i < k->n_idps; i++)
        idp_destroy(&k->idps[i]);
    k->n_idps = 0;
    keyset_free(k->file_keys);
    k->file_keys = NULL;
    keyset_free(k->current);
    k->current = NULL;
    sigcache_free(k->sigs);
    k->sigs = NULL;
    pthread_cond_destroy(&k->wake);
    pthread_mutex_destroy(&k->wake_lock);
    pthread_rwlock_destroy(&k->lock);
    curl_global_cleanup();
}

static enum token_result verify_now(struct keyring *k, const struct token_policy *policy,
                                    const char *token, struct claims *out)
{
    enum token_result r;

    pthread_rwlock_rdlock(&k->lock);
    r = token_verify(k->current, k->sigs, policy, token, time(NULL), out);
    pthread_rwlock_unlock(&k->lock);
    return r;
}

enum token_result keyring_verify(struct keyring *k, const struct token_policy *policy,
                                 const char *token, struct claims *out)
{
    enum token_result r = verify_now(k, policy, token, out);
    char issuer[KEYS_ISSUER_MAX + 1];
    struct idp *idp = NULL;
    int fetched = 0;

    if (r != TOKEN_UNKNOWN_KID || k->n_idps == 0 || token_peek_issuer(token, issuer, sizeof(issuer)) != 0)
        return r;
    for (size_t i = 0; i < k->n_idps && idp == NULL; i++) {
        if (strcmp(k->idps[i].issuer, issuer) == 0)
            idp = &k->idps[i];
    }
    /* Only configured issuers are ever fetched, and a request never waits for another's
     * fetch: a flood of made-up kids costs the IdP one fetch per interval. */
    if (idp == NULL || pthread_mutex_trylock(&idp->fetch_lock) != 0)
        return r;
    time_t now = time(NULL);
    if (idp->last_unknown_kid == 0 || now - idp->last_unknown_kid >= k->settings.unknown_kid_interval_s) {
        idp->last_unknown_kid = now;
        fetched = refresh_locked(k, idp) == 0;
    }
    pthread_mutex_unlock(&idp->fetch_lock);
    return fetched ? verify_now(k, policy, token, out) : r;
}

size_t keyring_idp_status(struct keyring *k, struct idp_status *out, size_t max)
{
    size_t n = 0;

    pthread_rwlock_rdlock(&k->lock);
    for (; n < k->n_idps && n < max; n++) {
        const struct idp *idp = &k->idps[n];
        snprintf(out[n].issuer, sizeof(out[n].issuer), "%s", idp->issuer);
        out[n].keys = keyset_count(idp->keys);
        out[n].reachable = !idp->failing;
        out[n].last_success = idp->last_success;
        snprintf(out[n].error, sizeof(out[n].error), "%s", idp->error);
    }
    pthread_rwlock_unlock(&k->lock);
    return n;
}
