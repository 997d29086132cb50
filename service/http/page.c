/* Pagination helpers. The cursor is the last row's sequence number in base 10; clients
 * are told it is opaque so that it can change form later. */
#include "http/page.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "http/reply.h"
#include "http/request.h"

int page_limit_from_query(const struct request *rq, struct reply *r, struct page *p)
{
    const char *limit = request_query(rq, "limit");
    char *end;
    p->limit = 25;
    if (limit) {
        errno = 0;
        long n = strtol(limit, &end, 10);
        if (errno || end == limit || *end || n < 1 || n > 100) {
            reply_problem(r, PROBLEM_BAD_REQUEST, "limit must be an integer from 1 to 100.");
            return -1;
        }
        p->limit = (int)n;
    }
    snprintf(p->fetch, sizeof(p->fetch), "%d", p->limit + 1);
    return 0;
}

int page_from_query(const struct request *rq, struct reply *r, struct page *p)
{
    const char *cursor = request_query(rq, "cursor");
    char *end;
    if (page_limit_from_query(rq, r, p) != 0)
        return -1;
    long long after = 0;
    if (cursor) {
        errno = 0;
        after = strtoll(cursor, &end, 10);
        if (errno || end == cursor || *end || after < 0) {
            reply_problem(r, PROBLEM_BAD_REQUEST, "cursor is not one this service gave out.");
            return -1;
        }
    }
    snprintf(p->after, sizeof(p->after), "%lld", after);
    return 0;
}

json_t *page_document(const PGresult *res, const struct page *p)
{
    int rows = PQntuples(res);
    int shown = rows > p->limit ? p->limit : rows;
    json_t *items = json_array();
    for (int i = 0; i < shown; i++) {
        json_t *doc = json_loads(PQgetvalue(res, i, 1), 0, NULL);
        if (!doc) {
            json_decref(items);
            return NULL;
        }
        json_array_append_new(items, doc);
    }
    json_t *next = rows > p->limit ? json_string(PQgetvalue(res, shown - 1, 0)) : json_null();
    return json_pack("{s:o, s:o}", "items", items, "next_cursor", next);
}

int page_reply(struct reply *r, const PGresult *res, const struct page *p)
{
    json_t *doc = page_document(res, p);
    if (!doc) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return -1;
    }
    reply_json(r, 200, doc);
    return 0;
}

void page_reply_result(struct reply *r, enum db_status st, PGresult *res, const struct page *p)
{
    if (st != DB_OK)
        reply_db_error(r, st);
    else
        page_reply(r, res, p);
    PQclear(res);
}
