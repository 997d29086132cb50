/* Serves the embedded static files: the citizen's portal under /portal/ and the API docs
 * page under /docs. Files are looked up by their exact URL path in a table fixed at build
 * time, never on disk, so no request can reach anything else. */
#ifndef FREMDRIFT_HTTP_STATIC_H
#define FREMDRIFT_HTTP_STATIC_H

#include <stddef.h>

struct request;
struct reply;
struct static_file;

/* The file that answers a URL path (a directory path answers with its index.html), or
 * NULL. */
const struct static_file *static_find(const char *url_path);

/* 1 when an If-None-Match header value names etag (weakly compared, or "*"). */
int static_etag_matches(const char *if_none_match, const char *etag);

/* GET /portal/…, /docs, /docs/…: the file with its content type, ETag, caching and
 * security headers, or 304 when the caller has it already. */
void api_static_file(struct request *rq, struct reply *r);

/* GET /portal: 308 to /portal/, where the page's relative URLs resolve. */
void api_portal_redirect(struct request *rq, struct reply *r);

#endif
