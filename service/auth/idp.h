/*
 * Identity providers configured by issuer URL: their signing keys are read from
 * `<issuer>/.well-known/openid-configuration` → `jwks_uri`, and fetched again when the
 * JWKS's Cache-Control says (bounded), or when a token names a kid the service does not
 * know (at most once per interval per issuer).
 */
#ifndef FREMDRIFT_IDP_H
#define FREMDRIFT_IDP_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "auth/claim_map.h"
#include "auth/fetch.h"
#include "auth/keys.h"

#define IDP_MAX 8

struct idp_settings {
    long refresh_min_s;         /* a JWKS is kept at least this long, and retried after a failure */
    long refresh_max_s;         /* and at most this long, whatever its Cache-Control says */
    long unknown_kid_interval_s;    /* fetches for an unknown kid, per issuer: at most one per this */
    struct fetch_limits limits;
};

struct idp {
    char issuer[KEYS_ISSUER_MAX + 1];
    struct claim_map map;
    int low_s_only;             /* ES256 keys refuse high-S signatures */
    pthread_mutex_t fetch_lock; /* one fetch of this issuer at a time */
    /* Set by the keyring under its write lock; read under its read lock. */
    struct keyset *keys;        /* the last keys fetched successfully; owned */
    time_t last_success;
    time_t next_refresh;
    time_t last_unknown_kid;    /* when a token's unknown kid last caused a fetch */
    int failing;                /* the last fetch failed */
    char error[256];            /* why, when failing */
};

/*
 * Parses FREMDRIFT_OIDC_ISSUERS, a JSON array of
 *   {"issuer": URL, "claims": {claim map, see claim_map.h}, "ecdsa_low_s_only": bool}
 * into idps[0..*n). Each issuer URL must be allowed by fetch_url_allowed() and appear
 * once. Returns 0, or -1 with a message. Call idp_destroy() on each filled entry.
 */
int idp_parse_config(const char *json, struct idp *idps, size_t max, size_t *n, char *err,
                     size_t errlen);

/*
 * Fetches the issuer's discovery document and JWKS now. Returns a new key set (the caller
 * owns it) and, in *refresh_after, seconds until the next scheduled fetch; or NULL with a
 * message in err. Touches no field of idp but reads its configuration.
 */
struct keyset *idp_fetch_keys(const struct idp *idp, const struct idp_settings *s,
                              long *refresh_after, char *err, size_t errlen);

void idp_destroy(struct idp *idp);

#endif
