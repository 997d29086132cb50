/* The route table: every endpoint of the API, who may call it and what it needs. It is
 * the one place that says which role may do what; row-level security in the database
 * then decides which rows a caller sees. */
#ifndef FREMDRIFT_ROUTES_H
#define FREMDRIFT_ROUTES_H

#include <stddef.h>

struct request;
struct reply;

enum route_db {
    ROUTE_NO_DB,
    ROUTE_DB_READ,      /* reads case data (its access-log row may commit asynchronously) */
    ROUTE_DB_WRITE,     /* changes data: always a synchronous commit */
};

struct route {
    const char *method;
    const char *path;           /* template, e.g. /v1/cases/{case_id} */
    void (*handler)(struct request *rq, struct reply *r);
    unsigned roles;             /* ROLE_* bits allowed; 0 = no token needed */
    enum route_db db;
    int json_body;              /* expects a JSON object body */
    const char *const *query;   /* query parameters accepted (NULL-terminated); NULL: none */
};

extern const struct route routes[];
extern const size_t n_routes;

#endif
