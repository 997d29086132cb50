/* The common ends of the handlers of a stored resource (a case, a decision, an appeal):
 * every such resource is a JSON document with an id, a version (its ETag), the citizen it
 * concerns and a municipality, and every read, search and change of one is written to the
 * access log (and a change to the event outbox) in the request's transaction. */
#ifndef FREMDRIFT_RESOURCE_H
#define FREMDRIFT_RESOURCE_H

#include <jansson.h>

#include "store/db.h"

struct request;
struct reply;
struct page;

/* A fetched resource as the epilogues see it; every member is borrowed from its row. */
struct resource {
    const char *type;           /* "case": the access log's resource_type, the events' and the 404's */
    const char *collection;     /* "/v1/cases": the Location is collection/id */
    const char *id;
    const char *citizen_id;
    const char *municipality;
    long version;
    json_t *doc;
};

/* After a fetch of a resource of type: 0 when it was found; otherwise -1 with the reply
 * set (the database error st, or 404). */
int resource_found(struct reply *r, enum db_status st, int found, const char *type);

/* The end of a read: its access-log row, then 200 with the ETag and the document (or the
 * database error); 304 with the ETag alone when If-None-Match names it. A 304 is logged
 * as a read too: it tells the caller that the personal data they hold is the current
 * data, which is a use of it (DESIGN). */
void resource_reply_read(struct request *rq, struct reply *r, const struct resource *res);

/* resource_reply_read for a document with values computed from today's date (a case's
 * flags and next review), which change without a new version: its ETag cannot tell that
 * a copy is current, so the read never answers 304. */
void resource_reply_read_computed(struct request *rq, struct reply *r, const struct resource *res);

/* The records of a change: the access-log row (action "create" or "update") and one event
 * per type in events (NULL-terminated), each carrying the document. */
enum db_status resource_record_change(struct request *rq, const struct resource *res, const char *action,
                                      const char *const *events);

/* The answer to a change: ETag, Location and the document with status. */
void resource_reply_change(struct reply *r, int status, const struct resource *res);

/* After an UPDATE guarded by the version the caller read (st, and updated: whether it
 * matched): 0 when the resource changed; otherwise -1 with the reply set (the database
 * error, or 412 when someone changed the resource meanwhile). */
int resource_updated(struct reply *r, enum db_status st, int updated, const char *type);

/* The end of a successful change, given the resource read again after it (fetched and
 * found: the outcome of that read; res is not used unless it found the resource):
 * resource_record_change, then resource_reply_change; or the database error (a resource
 * that vanished from its own transaction is a bug: 500). */
void resource_finish_change(struct request *rq, struct reply *r, enum db_status fetched, int found,
                            const struct resource *res, const char *action, const char *const *events, int status);

/* The access-log row of a search of resources of type, with its criteria (stolen; they
 * must hold no CPR in clear). citizen_id may be NULL. */
enum db_status resource_log_search(struct request *rq, const char *type, const char *citizen_id, json_t *criteria);

/* What a search's answer showed: for each of items (a borrowed array of documents, or of
 * events with their document in data) that names a citizen, {"citizen_id", "municipality"}
 * (null when the item names none). A new array the caller json_decref's. */
json_t *resource_uses_shown(json_t *items);

/* Logs a search whose answer names citizens: one row for each citizen and municipality
 * that items show (resource_uses_shown), so that each citizen's own log shows the use and
 * each municipality's auditors see the uses of their own data and of no other's; one row
 * naming citizen_id (may be NULL) when items name nobody. Takes criteria. */
enum db_status resource_log_search_found(struct request *rq, const char *type, json_t *items,
                                         const char *citizen_id, json_t *criteria);

/* Replies with the page of rows (seq, document) in res after logging it as a search that
 * found its items (resource_log_search_found); on a failed st, or a failure to log, the
 * problem instead. PQclear()s res; takes criteria. */
void resource_reply_found_page(struct request *rq, struct reply *r, enum db_status st, PGresult *res,
                               const struct page *p, const char *type, const char *citizen_id, json_t *criteria);

#endif
