/* What a handler sees of one request: the caller's verified claims, the parsed body, the
 * path parameters and the open database transaction. */
#ifndef FREMDRIFT_REQUEST_H
#define FREMDRIFT_REQUEST_H

#include <jansson.h>

#include "auth/token.h"

struct _u_request;
struct app;
struct db_conn;
struct route;
struct reply;

#define REQUEST_MAX_PARAMS 4
#define REQUEST_PARAM_LEN 64

struct request {
    const struct _u_request *u;
    const struct route *route;
    struct app *app;
    char id[72];
    struct claims claims;
    unsigned role;                  /* ROLE_* bit; 0 on public routes */
    char cpr_hash_hex[65];          /* citizens: keyed hash of their CPR claim */
    json_t *body;                   /* owned by the router */
    struct db_conn *db;             /* inside the request's transaction */
    int n_params;
    char params[REQUEST_MAX_PARAMS][REQUEST_PARAM_LEN];
};

/* The path parameter named in the route template ("{case_id}" → "case_id"), or NULL. */
const char *request_param(const struct request *rq, const char *name);
/* A header (name matched case-insensitively) or NULL. Belongs to the request. */
const char *request_header(const struct request *rq, const char *name);
/* A query argument or NULL. Belongs to the request. */
const char *request_query(const struct request *rq, const char *name);
/* 0 when every query argument is in allowed (NULL-terminated; NULL allows none); else a
 * 400 on r and -1. The router applies it with the route's list. */
int request_only_query(const struct request *rq, struct reply *r, const char *const *allowed);

/* Reads If-Match as a strong ETag of the form "<version>": 0 and the version, or -1 with
 * 428 (missing) or 412 (not one of ours) set on r. */
int request_if_match_version(const struct request *rq, struct reply *r, long *version);

/* 1 when If-None-Match names the ETag "<version>" (weakly: W/"<version>" too, as RFC 9110
 * compares for GET) or is "*"; 0 when it is absent or names only others. */
int request_if_none_match(const struct request *rq, long version);

#endif
