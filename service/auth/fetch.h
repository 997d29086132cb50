/*
 * GET of an identity provider's small JSON documents (discovery, JWKS) with libcurl:
 * TLS verified, no redirects, time-limited and size-limited. Used only with URLs from the
 * service's configuration and from that issuer's discovery document, never with a URL a
 * token names.
 */
#ifndef FREMDRIFT_FETCH_H
#define FREMDRIFT_FETCH_H

#include <stddef.h>

struct fetch_limits {
    long timeout_s;             /* the whole transfer, connection included */
    size_t max_bytes;           /* a longer body fails the fetch */
    const char *ca_file;        /* extra CA bundle for a private IdP, or NULL/"" for the system's */
};

struct fetched {
    int status;                 /* HTTP status; the fetch fails on anything but 200 */
    char *body;                 /* NUL-terminated; the caller frees it with free() */
    size_t len;
    char cache_control[256];    /* the Cache-Control header's value, or "" */
};

/* 1 when url may be fetched: https://, or http:// to a loopback host (127.0.0.1, [::1],
 * localhost), for development and tests only. */
int fetch_url_allowed(const char *url);

/* Fetches url into out. Returns 0, or -1 with out->body NULL and a message in err. Call
 * curl_global_init() once before any thread uses this. */
int fetch_document(const char *url, const struct fetch_limits *lim, struct fetched *out,
                   char *err, size_t errlen);

#endif
