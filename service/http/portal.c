/* The portal's sign-in settings and its Content-Security-Policy. The page reads the IdP
 * from GET /portal/config.json rather than having it baked into its files, so one build
 * serves any deployment; the CSP lets the page talk to exactly that IdP and itself. */
#include "http/portal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "http/app.h"
#include "http/reply.h"
#include "http/request.h"

static int loopback_host(const char *host, size_t len)
{
    static const char *const names[] = {"127.0.0.1", "localhost", "[::1]"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i]) == len && strncmp(names[i], host, len) == 0)
            return 1;
    return 0;
}

int portal_issuer_origin(const char *issuer, char *out, size_t size)
{
    size_t scheme;
    if (strncmp(issuer, "https://", 8) == 0)
        scheme = 8;
    else if (strncmp(issuer, "http://", 7) == 0)
        scheme = 7;
    else
        return -1;
    for (const char *c = issuer; *c; c++)
        if (*c <= ' ' || *c == '"' || *c == '\'' || *c == ';' || *c == ',' || *c == '\\' || *c == 0x7f)
            return -1;
    const char *authority = issuer + scheme;
    size_t len = strcspn(authority, "/?#");
    if (len == 0 || memchr(authority, '@', len))
        return -1;
    const char *colon = authority[0] == '[' ? memchr(authority, ']', len) : authority;
    if (!colon)
        return -1;
    colon = memchr(colon, ':', len - (size_t)(colon - authority));
    size_t host_len = colon ? (size_t)(colon - authority) : len;
    if (host_len == 0)
        return -1;
    if (colon) {
        size_t digits = len - host_len - 1;
        if (digits == 0 || digits > 5 || strspn(colon + 1, "0123456789") < digits)
            return -1;
    }
    if (scheme == 7 && !loopback_host(authority, host_len))
        return -1;
    if (scheme + len + 1 > size)
        return -1;
    memcpy(out, issuer, scheme + len);
    out[scheme + len] = '\0';
    return 0;
}

int portal_init(struct portal *p, const struct config *cfg, FILE *err)
{
    memset(p, 0, sizeof(*p));
    char origin[256] = "";
    if (*cfg->portal_issuer && portal_issuer_origin(cfg->portal_issuer, origin, sizeof(origin)) != 0) {
        fprintf(err, "config: FREMDRIFT_PORTAL_ISSUER must be an https URL (http only on 127.0.0.1, "
                     "localhost or [::1]) without spaces, quotes, commas or semicolons\n");
        return -1;
    }
    /* No inline script or style anywhere in the page, and Trusted Types enforced so that no
     * string can ever become markup or script: the page builds its DOM node by node. */
    int n = snprintf(p->csp, sizeof(p->csp),
                     "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                     "connect-src 'self'%s%s; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; "
                     "require-trusted-types-for 'script'; trusted-types 'none'",
                     *origin ? " " : "", origin);
    if (n < 0 || (size_t)n >= sizeof(p->csp)) {
        fprintf(err, "config: FREMDRIFT_PORTAL_ISSUER is too long\n");
        return -1;
    }
    json_t *doc = json_pack("{s:s?, s:s, s:s, s:s?}", "issuer", *cfg->portal_issuer ? cfg->portal_issuer : NULL,
                            "client_id", cfg->portal_client_id, "scope", cfg->portal_scope, "resource",
                            *cfg->portal_resource ? cfg->portal_resource : NULL);
    p->config_json = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!p->config_json) {
        fprintf(err, "config: the portal settings are not valid UTF-8\n");
        return -1;
    }
    return 0;
}

void portal_free(struct portal *p)
{
    free(p->config_json);
    p->config_json = NULL;
}

void api_portal_config(struct request *rq, struct reply *r)
{
    char *copy = strdup(rq->app->portal.config_json);
    if (!copy) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return;
    }
    reply_text(r, 200, "application/json", copy, strlen(copy));
}
