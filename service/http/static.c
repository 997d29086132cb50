/* Static files from the table scripts/embed.sh generates. The decision to embed rather
 * than read a directory: the binary then serves exactly the portal and the docs it was
 * built with (the docs from the very openapi.yaml it embeds), a deployment has one
 * artefact to ship, and a URL can only ever name a table entry — there is no file system
 * path to traverse. A change to the portal is a rebuild, like any change to the service. */
#include "http/static.h"

#include <string.h>
#include <ulfius.h>

#include "http/app.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/static_files.h"

/* The docs page is Redoc, which sets styles from script (styled-components) and runs its
 * search in a worker made from a blob: its styles and that worker are allowed, inline
 * script is not. The page holds no token and no personal data. */
static const char docs_csp[] =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

const struct static_file *static_find(const char *url_path)
{
    if (strcmp(url_path, "/portal/") == 0)
        url_path = "/portal/index.html";
    else if (strcmp(url_path, "/docs") == 0 || strcmp(url_path, "/docs/") == 0)
        url_path = "/docs/index.html";
    for (size_t i = 0; i < n_static_files; i++)
        if (strcmp(static_files[i].path, url_path) == 0)
            return &static_files[i];
    return NULL;
}

int static_etag_matches(const char *header, const char *etag)
{
    size_t etag_len = strlen(etag);
    const char *p = header;
    while (*p) {
        p += strspn(p, " \t,");
        if (!*p)
            break;
        size_t len = strcspn(p, ",");
        size_t trimmed = len;
        while (trimmed > 0 && (p[trimmed - 1] == ' ' || p[trimmed - 1] == '\t'))
            trimmed--;
        const char *tag = p;
        if (trimmed >= 2 && strncmp(tag, "W/", 2) == 0) {
            tag += 2;
            trimmed -= 2;
        }
        if ((trimmed == 1 && *tag == '*') || (trimmed == etag_len && strncmp(tag, etag, etag_len) == 0))
            return 1;
        p += len;
    }
    return 0;
}

static void security_headers(struct request *rq, struct reply *r, const char *path)
{
    int docs = strncmp(path, "/docs/", 6) == 0;
    reply_header(r, "Content-Security-Policy", "%s", docs ? docs_csp : rq->app->portal.csp);
    reply_header(r, "Referrer-Policy", "no-referrer");
    reply_header(r, "X-Frame-Options", "DENY");
    reply_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    reply_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    reply_header(r, "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
}

void api_static_file(struct request *rq, struct reply *r)
{
    const struct static_file *f = static_find(rq->u->url_path);
    if (!f) {
        reply_problem(r, PROBLEM_NOT_FOUND, "No such file.");
        return;
    }
    const char *inm = request_header(rq, "If-None-Match");
    if (inm && static_etag_matches(inm, f->etag))
        reply_text(r, 304, NULL, NULL, 0);
    else
        reply_static(r, 200, f->content_type, f->start, (size_t)(f->end - f->start));
    /* Stored, but checked with the ETag before every use: the file names carry no
     * version, so a cached copy must never outlive a deployment. */
    reply_header(r, "ETag", "%s", f->etag);
    reply_header(r, "Cache-Control", "no-cache");
    security_headers(rq, r, f->path);
}

void api_portal_redirect(struct request *rq, struct reply *r)
{
    reply_text(r, 308, NULL, NULL, 0);
    reply_header(r, "Location", "/portal/");
    security_headers(rq, r, rq->u->url_path);
}
