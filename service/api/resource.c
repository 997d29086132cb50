/* The read, change and search epilogues shared by the resource handlers; see resource.h.
 * One place decides what a read or a change leaves behind (access-log row, events) and
 * what its answer carries (ETag, Location), so the resources cannot drift apart. */
#include "api/resource.h"

#include <stdio.h>
#include <stdlib.h>

#include "api/access_log/access_log.h"
#include "api/integration/events.h"
#include "http/page.h"
#include "http/reply.h"
#include "http/request.h"

int resource_found(struct reply *r, enum db_status st, int found, const char *type)
{
    if (st != DB_OK)
        reply_db_error(r, st);
    else if (!found)
        reply_not_found(r, type);
    else
        return 0;
    return -1;
}

static void reply_read(struct request *rq, struct reply *r, const struct resource *res, int conditional)
{
    enum db_status st = access_log_write(rq, "read", res->type, res->id, res->citizen_id, NULL);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return;
    }
    reply_header(r, "ETag", "\"%ld\"", res->version);
    if (conditional && request_if_none_match(rq, res->version))
        r->status = 304;
    else
        reply_json(r, 200, json_incref(res->doc));
}

void resource_reply_read(struct request *rq, struct reply *r, const struct resource *res)
{
    reply_read(rq, r, res, 1);
}

void resource_reply_read_computed(struct request *rq, struct reply *r, const struct resource *res)
{
    reply_read(rq, r, res, 0);
}

enum db_status resource_record_change(struct request *rq, const struct resource *res, const char *action,
                                      const char *const *events)
{
    enum db_status st = access_log_write(rq, action, res->type, res->id, res->citizen_id, NULL);
    if (st != DB_OK)
        return st;
    char version[24], *doc_text = json_dumps(res->doc, JSON_COMPACT);
    if (!doc_text)
        return DB_ERROR;
    snprintf(version, sizeof(version), "%ld", res->version);
    for (size_t i = 0; st == DB_OK && events[i]; i++)
        st = events_emit(rq, events[i], res->type, res->id, version, res->municipality, doc_text);
    free(doc_text);
    return st;
}

void resource_reply_change(struct reply *r, int status, const struct resource *res)
{
    reply_header(r, "ETag", "\"%ld\"", res->version);
    reply_header(r, "Location", "%s/%s", res->collection, res->id);
    reply_json(r, status, json_incref(res->doc));
}

int resource_updated(struct reply *r, enum db_status st, int updated, const char *type)
{
    if (st != DB_OK)
        reply_db_error(r, st);
    else if (!updated)
        reply_problem(r, PROBLEM_PRECONDITION_FAILED, "The %s has changed since you read it.", type);
    else
        return 0;
    return -1;
}

void resource_finish_change(struct request *rq, struct reply *r, enum db_status fetched, int found,
                            const struct resource *res, const char *action, const char *const *events, int status)
{
    enum db_status st = fetched == DB_OK && !found ? DB_ERROR : fetched;
    if (st == DB_OK)
        st = resource_record_change(rq, res, action, events);
    if (st != DB_OK)
        reply_db_error(r, st);
    else
        resource_reply_change(r, status, res);
}

enum db_status resource_log_search(struct request *rq, const char *type, const char *citizen_id, json_t *criteria)
{
    enum db_status st = access_log_write(rq, "search", type, NULL, citizen_id, criteria);
    json_decref(criteria);
    return st;
}

/* A string member of item, or of the document an event item carries in data. */
static json_t *item_member(json_t *item, const char *key)
{
    json_t *v = json_object_get(item, key);
    return json_is_string(v) ? v : json_object_get(json_object_get(item, "data"), key);
}

json_t *resource_uses_shown(json_t *items)
{
    json_t *uses = json_array(), *item;
    size_t i;
    json_array_foreach(items, i, item) {
        json_t *citizen = item_member(item, "citizen_id"), *municipality = item_member(item, "municipality");
        if (json_is_string(citizen))
            json_array_append_new(uses, json_pack("{s:O, s:O}", "citizen_id", citizen, "municipality",
                                                  json_is_string(municipality) ? municipality : json_null()));
    }
    return uses;
}

enum db_status resource_log_search_found(struct request *rq, const char *type, json_t *items,
                                         const char *citizen_id, json_t *criteria)
{
    json_t *uses = resource_uses_shown(items);
    enum db_status st = access_log_write_each(rq, "search", type, uses, citizen_id, criteria);
    json_decref(uses);
    json_decref(criteria);
    return st;
}

void resource_reply_found_page(struct request *rq, struct reply *r, enum db_status st, PGresult *res,
                               const struct page *p, const char *type, const char *citizen_id, json_t *criteria)
{
    json_t *doc = st == DB_OK ? page_document(res, p) : NULL;
    PQclear(res);
    if (st == DB_OK && !doc)
        st = DB_ERROR;
    if (st == DB_OK)
        st = resource_log_search_found(rq, type, json_object_get(doc, "items"), citizen_id, criteria);
    else
        json_decref(criteria);
    if (st != DB_OK) {
        json_decref(doc);
        reply_db_error(r, st);
        return;
    }
    reply_json(r, 200, doc);
}
