/* GET /v1/stats/appeals: a municipality's decisions and appeals over a period, as SQL
 * appeal_statistics() computes them. Aggregates only, so no access-log row; which
 * municipality the caller may ask about is the SQL function's check. */
#include <string.h>

#include "appeals.h"
#include "calendar.h"
#include "handlers.h"
#include "reply.h"
#include "request.h"

static int is_municipality_code(const char *s)
{
    return strlen(s) == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' &&
           s[2] <= '9';
}

void api_stats_appeals(struct request *rq, struct reply *r)
{
    const char *municipality = request_query(rq, "municipality");
    const char *from = request_query(rq, "from");
    const char *to = request_query(rq, "to");
    struct cal_date f, t;
    if (!municipality || !from || !to) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "municipality, from and to are all required.");
        return;
    }
    if (!is_municipality_code(municipality) || cal_parse_iso(from, &f) != 0 || cal_parse_iso(to, &t) != 0) {
        reply_problem(r, PROBLEM_BAD_REQUEST,
                      "municipality is a three-digit municipality code; from and to are dates (YYYY-MM-DD).");
        return;
    }
    if (cal_after(f, t)) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "from must not be after to.");
        return;
    }
    PGresult *res = NULL;
    enum db_status st = appeal_stats(rq->db, municipality, from, to, &res);
    if (st == DB_NOT_VISIBLE) {
        reply_problem(r, PROBLEM_NOT_FOUND, "No statistics for that municipality are visible to you.");
        return;
    }
    if (st != DB_OK) {
        db_reply_error(r, st);
        return;
    }
    const char *text = db_value(res, 0, 0);
    json_t *doc = text ? json_loads(text, 0, NULL) : NULL;
    PQclear(res);
    if (!doc) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return;
    }
    reply_json(r, 200, doc);
}
