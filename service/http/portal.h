/* The citizen's portal as the service sets it up: which identity provider it signs in
 * with (FREMDRIFT_PORTAL_*), the Content-Security-Policy its page is served with, and
 * GET /portal/config.json, which tells the page that IdP. Built once at start-up. */
#ifndef FREMDRIFT_HTTP_PORTAL_H
#define FREMDRIFT_HTTP_PORTAL_H

#include <stddef.h>
#include <stdio.h>

struct config;
struct request;
struct reply;

struct portal {
    char csp[512];          /* the page's Content-Security-Policy */
    char *config_json;      /* the body of GET /portal/config.json; owned, portal_free frees */
};

/* The origin (scheme://host[:port]) of an issuer URL: https, or http on a loopback host
 * (development). 0, or -1 when the URL is not such an absolute URL or carries anything a
 * CSP source could be confused by (spaces, quotes, semicolons, commas). */
int portal_issuer_origin(const char *issuer, char *out, size_t size);

/* Fills p from cfg. Returns 0, or -1 after one message naming the bad variable on err. */
int portal_init(struct portal *p, const struct config *cfg, FILE *err);
void portal_free(struct portal *p);

/* GET /portal/config.json: issuer, client_id, scope and resource for the page's sign-in. */
void api_portal_config(struct request *rq, struct reply *r);

#endif
