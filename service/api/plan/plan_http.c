/* The citizen's plan (Min Plan): GET /v1/cases/{case_id}/plan for staff and the citizen,
 * GET /v1/me/plan for the citizen's open cases. plan_document() builds it in SQL; each
 * plan read is written to the access log. */
#include "api/access_log/access_log.h"
#include "api/handlers.h"
#include "api/reviews/reviews.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/validate.h"

/* A plan parsed from row i of res (columns case_id_col, citizen_col, doc_col) after its
 * access-log row. Returns the document (the caller json_decref()s it), or NULL with the
 * reply set. */
static json_t *read_plan(struct request *rq, struct reply *r, const PGresult *res, int i, int case_col,
                         int citizen_col, int doc_col)
{
    json_t *doc = json_loads(PQgetvalue(res, i, doc_col), 0, NULL);
    if (!doc) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return NULL;
    }
    const char *citizen = citizen_col < 0 ? json_string_value(json_object_get(doc, "citizen_id"))
                                          : PQgetvalue(res, i, citizen_col);
    const char *case_id = case_col < 0 ? json_string_value(json_object_get(doc, "case_id"))
                                       : PQgetvalue(res, i, case_col);
    enum db_status st = access_log_write(rq, "read", "plan", case_id, citizen, NULL);
    if (st != DB_OK) {
        json_decref(doc);
        reply_db_error(r, st);
        return NULL;
    }
    return doc;
}

void api_case_plan(struct request *rq, struct reply *r)
{
    const char *id = request_param(rq, "case_id");
    PGresult *res = NULL;
    enum db_status st = text_is_uuid(id) ? review_plan(rq->db, id, &res) : DB_OK;
    if (st != DB_OK) {
        reply_db_error(r, st);
        return;
    }
    if (!res) {
        reply_not_found(r, "case");
        return;
    }
    json_t *doc = read_plan(rq, r, res, 0, -1, -1, 0);
    PQclear(res);
    if (doc)
        reply_json(r, 200, doc);
}

void api_me_plan(struct request *rq, struct reply *r)
{
    PGresult *res;
    enum db_status st = review_my_plans(rq->db, &res);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return;
    }
    json_t *plans = json_array();
    for (int i = 0; plans && i < PQntuples(res); i++) {
        json_t *doc = read_plan(rq, r, res, i, 0, 1, 2);
        if (!doc) {
            json_decref(plans);
            plans = NULL;
        } else {
            json_array_append_new(plans, doc);
        }
    }
    PQclear(res);
    if (plans)
        reply_json(r, 200, json_pack("{s:o}", "plans", plans));
}
