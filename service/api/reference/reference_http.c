/* GET /v1/reference/{kind}: the rows of one kind of reference data, optionally only
 * those in force on a date. */
#include <string.h>

#include "api/handlers.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/calendar.h"
#include "store/db.h"

static const struct db_stmt list_kind = {
    "reference_list",
    "SELECT count(*) > 0, coalesce(json_agg(reference_document(r) ORDER BY r.code, r.valid_from) "
    "FILTER (WHERE $2::date IS NULL OR (r.valid_from <= $2::date "
    "AND (r.valid_to IS NULL OR r.valid_to > $2::date))), '[]')::text "
    "FROM reference_items r WHERE r.kind = $1"};

void api_reference_list(struct request *rq, struct reply *r)
{
    const char *on = request_query(rq, "on");
    struct cal_date d;
    if (on && cal_parse_iso(on, &d) != 0) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "The query parameter on must be a date (YYYY-MM-DD).");
        return;
    }
    const char *values[] = {request_param(rq, "kind"), on};
    PGresult *res;
    enum db_status st = db_exec(rq->db, &list_kind, 2, values, &res);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return;
    }
    int known = strcmp(db_value(res, 0, 0), "t") == 0;
    json_t *items = json_loads(db_value(res, 0, 1), 0, NULL);
    PQclear(res);
    if (!items) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return;
    }
    if (!known) {
        json_decref(items);
        reply_problem(r, PROBLEM_NOT_FOUND, "No reference data of that kind.");
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}
