/* /v1/citizens and /v1/me: registering, finding by CPR (in a POST body: a CPR number
 * never goes in a URL) and reading citizens. */
#include <string.h>

#include "api/access_log/access_log.h"
#include "api/citizens/citizens.h"
#include "api/handlers.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/cpr.h"
#include "law/validate.h"

#define CPR_MESSAGE "must be a CPR number: 10 digits (DDMMYYSSSS or DDMMYY-SSSS) with a real birth date"

/* Reads and validates body.cpr; 0 with cpr filled, or -1 with a 422 set. */
static int body_cpr(struct request *rq, struct reply *r, const char *const *allowed, char cpr[11],
                    const char **name)
{
    struct check c;
    const char *raw = NULL;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    /* Not check_text: its message could be fine, but a CPR gets its own wording. */
    json_t *v = json_object_get(rq->body, "cpr");
    if (!v)
        check_fail(&c, "cpr", "required");
    else if (!json_is_string(v) || cpr_validate((raw = json_string_value(v)), cpr) != 0)
        check_fail(&c, "cpr", CPR_MESSAGE);
    if (name)
        check_text(&c, "name", 0, TEXT_LINE, 200, name);
    int bad = reply_check_invalid(r, &c);
    check_end(&c);
    return bad ? -1 : 0;
}

static void reply_citizen(struct reply *r, int status, json_t *doc)
{
    reply_header(r, "Location", "/v1/citizens/%s", json_string_value(json_object_get(doc, "id")));
    reply_json(r, status, doc);
}

void api_citizens_create(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"cpr", "name", NULL};
    char cpr[11];
    const char *name = NULL;
    if (body_cpr(rq, r, allowed, cpr, &name) != 0)
        return;
    json_t *doc;
    int created = 0;
    enum db_status st = citizen_register(rq, cpr, name, &doc, &created);
    memset(cpr, 0, sizeof(cpr));
    if (st != DB_OK) {
        reply_db_error(r, st);
        return;
    }
    const char *id = json_string_value(json_object_get(doc, "id"));
    st = access_log_write(rq, "create", "citizen", id, id, NULL);
    if (st != DB_OK) {
        json_decref(doc);
        reply_db_error(r, st);
        return;
    }
    reply_citizen(r, created ? 201 : 200, doc);
}

void api_citizens_search(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"cpr", NULL};
    char cpr[11], masked[12];
    if (body_cpr(rq, r, allowed, cpr, NULL) != 0)
        return;
    cpr_mask(cpr, masked);
    json_t *doc;
    enum db_status st = citizen_find_by_cpr(rq, cpr, &doc);
    memset(cpr, 0, sizeof(cpr));
    if (st != DB_OK) {
        reply_db_error(r, st);
        return;
    }
    /* Searches are logged whether or not they find someone, so the reply is a list and
     * an empty result still commits its log row. */
    const char *id = doc ? json_string_value(json_object_get(doc, "id")) : NULL;
    json_t *criteria = json_pack("{s:s}", "cpr", masked);
    st = access_log_write(rq, "search", "citizen", id, id, criteria);
    json_decref(criteria);
    if (st != DB_OK) {
        json_decref(doc);
        reply_db_error(r, st);
        return;
    }
    json_t *items = json_array();
    if (doc)
        json_array_append_new(items, doc);
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void read_citizen(struct request *rq, struct reply *r, const char *id)
{
    json_t *doc;
    enum db_status st = citizen_fetch(rq, id, &doc);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return;
    }
    if (!doc) {
        reply_not_found(r, "citizen");
        return;
    }
    const char *doc_id = json_string_value(json_object_get(doc, "id"));
    st = access_log_write(rq, "read", "citizen", doc_id, doc_id, NULL);
    if (st != DB_OK) {
        json_decref(doc);
        reply_db_error(r, st);
        return;
    }
    reply_json(r, 200, doc);
}

void api_citizens_get(struct request *rq, struct reply *r)
{
    const char *id = request_param(rq, "citizen_id");
    if (!text_is_uuid(id)) {
        reply_not_found(r, "citizen");
        return;
    }
    read_citizen(rq, r, id);
}

void api_me_citizen(struct request *rq, struct reply *r)
{
    read_citizen(rq, r, NULL);
}
