/* Discovery and JWKS fetches for one identity provider, and its configuration. */
#include "auth/idp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "auth/cache_control.h"
#include "auth/jwk.h"

static const char *const issuer_members[] = { "issuer", "claims", "ecdsa_low_s_only" };

static int parse_one(json_t *entry, size_t i, struct idp *idp, char *err, size_t errlen)
{
    const char *name, *url;
    json_t *value, *claims, *low_s;
    char why[200];

    if (!json_is_object(entry)) {
        snprintf(err, errlen, "[%zu] must be an object", i);
        return -1;
    }
    json_object_foreach(entry, name, value) {
        size_t m = 0;
        while (m < 3 && strcmp(name, issuer_members[m]) != 0)
            m++;
        if (m == 3) {
            snprintf(err, errlen, "[%zu]: unknown member \"%.64s\"", i, name);
            return -1;
        }
    }
    url = json_string_value(json_object_get(entry, "issuer"));
    if (url == NULL || url[0] == '\0' || strlen(url) > KEYS_ISSUER_MAX) {
        snprintf(err, errlen, "[%zu].issuer: required, a URL of at most %d characters", i,
                 KEYS_ISSUER_MAX);
        return -1;
    }
    if (!fetch_url_allowed(url)) {
        snprintf(err, errlen, "[%zu].issuer: %.200s must be https:// (http:// only for 127.0.0.1, "
                              "[::1] or localhost)", i, url);
        return -1;
    }
    claims = json_object_get(entry, "claims");
    if (claims != NULL && !json_is_object(claims)) {
        snprintf(err, errlen, "[%zu].claims must be an object", i);
        return -1;
    }
    if (claim_map_from_json(claims, &idp->map, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "[%zu].claims: %s", i, why);
        return -1;
    }
    low_s = json_object_get(entry, "ecdsa_low_s_only");
    if (low_s != NULL && !json_is_boolean(low_s)) {
        snprintf(err, errlen, "[%zu].ecdsa_low_s_only must be true or false", i);
        return -1;
    }
    idp->low_s_only = json_is_true(low_s);
    strcpy(idp->issuer, url);
    return 0;
}

int idp_parse_config(const char *json, struct idp *idps, size_t max, size_t *n, char *err,
                     size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loads(json, JSON_REJECT_DUPLICATES, &jerr), *entry;
    size_t i;
    int rc = -1;

    *n = 0;
    if (!json_is_array(root)) {
        snprintf(err, errlen, "must be a JSON array of issuers (%s)", root ? "not an array" : jerr.text);
        goto done;
    }
    if (json_array_size(root) > max) {
        snprintf(err, errlen, "at most %zu issuers", max);
        goto done;
    }
    json_array_foreach(root, i, entry) {
        struct idp *idp = &idps[i];
        memset(idp, 0, sizeof(*idp));
        pthread_mutex_init(&idp->fetch_lock, NULL);
        *n = i + 1;
        if (parse_one(entry, i, idp, err, errlen) != 0)
            goto done;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(idps[j].issuer, idp->issuer) == 0) {
                snprintf(err, errlen, "[%zu].issuer: configured twice", i);
                goto done;
            }
        }
    }
    rc = 0;
done:
    json_decref(root);
    return rc;
}

/* The jwks_uri of the issuer's discovery document, which must name this very issuer. */
static int discover(const struct idp *idp, const struct idp_settings *s, char *jwks_uri,
                    size_t cap, char *err, size_t errlen)
{
    char url[KEYS_ISSUER_MAX + 64];
    size_t len = strlen(idp->issuer);
    struct fetched doc;
    json_t *root;
    const char *iss, *uri;
    int rc = -1;

    /* OpenID Connect Discovery §4: the issuer with any trailing slash removed. */
    while (len > 0 && idp->issuer[len - 1] == '/')
        len--;
    snprintf(url, sizeof(url), "%.*s/.well-known/openid-configuration", (int)len, idp->issuer);
    if (fetch_document(url, &s->limits, &doc, err, errlen) != 0)
        return -1;
    root = json_loadb(doc.body, doc.len, JSON_REJECT_DUPLICATES, NULL);
    iss = json_string_value(json_object_get(root, "issuer"));
    uri = json_string_value(json_object_get(root, "jwks_uri"));
    if (!json_is_object(root))
        snprintf(err, errlen, "%.200s: not a JSON object", url);
    else if (iss == NULL || strcmp(iss, idp->issuer) != 0)
        snprintf(err, errlen, "%.200s: issuer is not %.200s", url, idp->issuer);
    else if (uri == NULL || strlen(uri) >= cap || !fetch_url_allowed(uri)
             || (strncmp(idp->issuer, "https:", 6) == 0 && strncmp(uri, "https:", 6) != 0))
        snprintf(err, errlen, "%.200s: jwks_uri missing, too long, or not https", url);
    else {
        strcpy(jwks_uri, uri);
        rc = 0;
    }
    json_decref(root);
    free(doc.body);
    return rc;
}

struct keyset *idp_fetch_keys(const struct idp *idp, const struct idp_settings *s,
                              long *refresh_after, char *err, size_t errlen)
{
    char jwks_uri[1024], why[256];
    struct fetched doc;
    struct keyset *ks;

    if (discover(idp, s, jwks_uri, sizeof(jwks_uri), err, errlen) != 0)
        return NULL;
    if (fetch_document(jwks_uri, &s->limits, &doc, err, errlen) != 0)
        return NULL;
    ks = jwk_parse_set(doc.body, doc.len, idp->issuer, idp->low_s_only, why, sizeof(why));
    if (ks == NULL)
        snprintf(err, errlen, "%.300s: %s", jwks_uri, why);
    *refresh_after = cache_control_refresh_after(cache_control_max_age(doc.cache_control),
                                                 s->refresh_min_s, s->refresh_max_s);
    free(doc.body);
    return ks;
}

void idp_destroy(struct idp *idp)
{
    keyset_free(idp->keys);
    idp->keys = NULL;
    pthread_mutex_destroy(&idp->fetch_lock);
}
