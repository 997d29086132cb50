/* Keyset pagination for lists: `limit` and an opaque `cursor` in, `items` and
 * `next_cursor` out, in a stable order (the resource's sequence number). */
#ifndef FREMDRIFT_PAGE_H
#define FREMDRIFT_PAGE_H

#include <jansson.h>
#include <libpq-fe.h>

#include "store/db.h"

struct request;
struct reply;

struct page {
    int limit;
    char fetch[16];      /* limit + 1, as the SQL parameter: one extra row says "more" */
    char after[24];     /* the last sequence number already seen */
};

/* Reads limit (1..100, default 25) only, for a list with a cursor of its own. 0, or -1
 * with a 400 set on r. */
int page_limit_from_query(const struct request *rq, struct reply *r, struct page *p);

/* Reads limit (1..100, default 25) and cursor. 0, or -1 with a 400 set on r. */
int page_from_query(const struct request *rq, struct reply *r, struct page *p);

/* {"items": [...], "next_cursor": "…" | null} from rows of (seq, JSON document), which
 * the caller json_decref's; NULL when a document does not parse. */
json_t *page_document(const PGresult *res, const struct page *p);

/* Replies {"items": [...], "next_cursor": "…" | null} from rows of (seq, JSON document).
 * Returns 0, or -1 with a 500 set on r. */
int page_reply(struct reply *r, const PGresult *res, const struct page *p);

/* The end of a list: the page of res when st is DB_OK, else the database error st.
 * PQclear()s res (which may be NULL) either way. */
void page_reply_result(struct reply *r, enum db_status st, PGresult *res, const struct page *p);

#endif
