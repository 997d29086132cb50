/* GET /v1/stats/…: a municipality's figures over a period, each computed by one SQL
 * function (appeal_statistics, progress_statistics, waiting_statistics) that checks which
 * municipality the caller may ask about and withholds groups too small to be anonymous.
 * Aggregates only, so no access-log row. */
#include <string.h>

#include "api/handlers.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/calendar.h"
#include "store/db.h"

static const struct db_stmt appeals = {"stats_appeals", "SELECT appeal_statistics($1, $2::date, $3::date)::text"};
static const struct db_stmt progress = {"stats_progress", "SELECT progress_statistics($1, $2::date, $3::date)::text"};
static const struct db_stmt waiting = {"stats_waiting", "SELECT waiting_statistics($1, $2::date, $3::date)::text"};

static int is_municipality_code(const char *s)
{
    return strlen(s) == 3 && strspn(s, "0123456789") == 3;
}

static void statistics(struct request *rq, struct reply *r, const struct db_stmt *stmt)
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
    const char *values[] = {municipality, from, to};
    PGresult *res = NULL;
    enum db_status st = db_exec_row(rq->db, stmt, 3, values, &res);
    if (st == DB_NOT_VISIBLE) {
        reply_problem(r, PROBLEM_NOT_FOUND, "No statistics for that municipality are visible to you.");
        return;
    }
    if (st != DB_OK || !res) {
        PQclear(res);
        reply_db_error(r, st == DB_OK ? DB_ERROR : st);
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

void api_stats_appeals(struct request *rq, struct reply *r)
{
    statistics(rq, r, &appeals);
}

void api_stats_progress(struct request *rq, struct reply *r)
{
    statistics(rq, r, &progress);
}

void api_stats_waiting_times(struct request *rq, struct reply *r)
{
    statistics(rq, r, &waiting);
}
