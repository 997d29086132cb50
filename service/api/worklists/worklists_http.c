/* GET /v1/worklists/{name}: what needs attention in the caller's municipality, one row
 * per thing to do, each saying since when and why. Every list is a SQL function of the
 * same shape (sql/functions/worklists.sql) that runs as the caller, so row-level security scopes it; this
 * file only maps names to functions and pages them by (since, resource id). */
#include <stdio.h>
#include <string.h>

#include "api/handlers.h"
#include "api/resource.h"
#include "http/app.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/calendar.h"
#include "law/settings.h"
#include "law/validate.h"
#include "store/db.h"

#define ROW_JSON                                                                                   \
    "SELECT w.since, w.resource_id, json_build_object('case_id', w.case_id, 'citizen_id', w.citizen_id, " \
    "'caseworker', w.caseworker, 'resource_type', w.resource_type, 'resource_id', w.resource_id, "      \
    "'since', w.since, 'why', w.why, 'details', w.details)::text FROM "
/* Each function returns one page itself (from the stored rows, through an index); the
 * order is repeated here so the page's rows come out in it. */
#define PAGE_ARGS "$1::text, $2::date, $3::uuid, $4::integer"
#define PAGE_ORDER " w ORDER BY w.since, w.resource_id"

enum extra { NO_EXTRA, FLAG_CODE, WAIT_DAYS, DEADLINES };

struct worklist {
    const char *name;
    const struct db_stmt *stmt;
    enum extra extra;
    const char *flag;           /* FLAG_CODE: the case_flags() code */
};

static const struct db_stmt reviews_due = {"worklist_reviews_due",
                                           ROW_JSON "worklist_reviews_due(" PAGE_ARGS ")" PAGE_ORDER};
static const struct db_stmt reconsiderations = {"worklist_appeal_reconsiderations",
                                                ROW_JSON "worklist_appeal_reconsiderations(" PAGE_ARGS ")" PAGE_ORDER};
static const struct db_stmt hearings = {"worklist_hearings_overdue",
                                        ROW_JSON "worklist_hearings_overdue(" PAGE_ARGS ")" PAGE_ORDER};
static const struct db_stmt remitted = {"worklist_remitted_decisions",
                                        ROW_JSON "worklist_remitted_decisions(" PAGE_ARGS ")" PAGE_ORDER};
static const struct db_stmt long_waits = {"worklist_long_waits",
                                          ROW_JSON "worklist_long_waits(" PAGE_ARGS ", $5::integer)" PAGE_ORDER};
static const struct db_stmt deadlines = {"worklist_processing_deadlines",
                                         ROW_JSON "worklist_processing_deadlines(" PAGE_ARGS ", $5::jsonb)" PAGE_ORDER};
static const struct db_stmt flagged = {"worklist_flag", ROW_JSON "worklist_flag($5, " PAGE_ARGS ")" PAGE_ORDER};

static const struct worklist lists[] = {
    {"reviews-due", &reviews_due, NO_EXTRA, NULL},
    {"appeal-reconsiderations", &reconsiderations, NO_EXTRA, NULL},
    {"hearings-overdue", &hearings, NO_EXTRA, NULL},
    {"remitted-decisions", &remitted, NO_EXTRA, NULL},
    {"long-waits", &long_waits, WAIT_DAYS, NULL},
    {"processing-deadlines", &deadlines, DEADLINES, NULL},
    {"exemptions-expiring", &flagged, FLAG_CODE, "exemption_expiring"},
    {"kontanthjaelp-year-without-assessment", &flagged, FLAG_CODE, "kontanthjaelp_year_without_assessment"},
    {"fleksjob-low-hours-without-progression", &flagged, FLAG_CODE, "fleksjob_low_hours_without_progression"},
    {"review-overdue", &flagged, FLAG_CODE, "review_overdue"},
};

static const struct worklist *find(const char *name)
{
    for (size_t i = 0; name && i < sizeof(lists) / sizeof(lists[0]); i++)
        if (strcmp(lists[i].name, name) == 0)
            return &lists[i];
    return NULL;
}

/* The cursor is "YYYY-MM-DD_<uuid>" of the last row seen: opaque to clients. */
static int read_cursor(const char *cursor, char since[11], char id[37])
{
    struct cal_date d;
    if (!cursor) {
        snprintf(since, 11, "0001-01-01");
        snprintf(id, 37, "00000000-0000-0000-0000-000000000000");
        return 0;
    }
    if (strlen(cursor) != 47 || cursor[10] != '_')
        return -1;
    memcpy(since, cursor, 10);
    since[10] = '\0';
    memcpy(id, cursor + 11, 36);
    id[36] = '\0';
    return cal_parse_iso(since, &d) == 0 && text_is_uuid(id) ? 0 : -1;
}

void api_worklist(struct request *rq, struct reply *r)
{
    const struct worklist *w = find(request_param(rq, "name"));
    if (!w) {
        reply_problem(r, PROBLEM_NOT_FOUND, "No worklist of that name; see the API description.");
        return;
    }
    const char *caseworker = request_query(rq, "caseworker"), *limit = request_query(rq, "limit");
    char since[11], id[37], limit_plus_one[16], extra[SETTINGS_DEADLINES_JSON_MAX] = "";
    int n = 25;
    if (limit && (sscanf(limit, "%d", &n) != 1 || n < 1 || n > 100 || strspn(limit, "0123456789") != strlen(limit))) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "limit must be an integer from 1 to 100.");
        return;
    }
    if (read_cursor(request_query(rq, "cursor"), since, id) != 0 ||
        (caseworker && !text_is_identifier(caseworker))) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "cursor is not one this service gave out, or caseworker is malformed.");
        return;
    }
    snprintf(limit_plus_one, sizeof(limit_plus_one), "%d", n + 1);
    if (w->extra == FLAG_CODE)
        snprintf(extra, sizeof(extra), "%s", w->flag);
    else if (w->extra == WAIT_DAYS)
        snprintf(extra, sizeof(extra), "%d", rq->app->cfg.long_wait_days);
    else if (w->extra == DEADLINES &&
             settings_deadlines_json(rq->app->cfg.processing_deadlines, rq->claims.municipality, extra,
                                     sizeof(extra)) != 0) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return;
    }
    const char *values[] = {caseworker, since, id, limit_plus_one, extra};

    PGresult *res = NULL;
    enum db_status st = db_exec(rq->db, w->stmt, w->extra == NO_EXTRA ? 4 : 5, values, &res);
    if (st != DB_OK) {
        PQclear(res);
        reply_db_error(r, st);
        return;
    }
    int rows = PQntuples(res), shown = rows > n ? n : rows;
    json_t *items = json_array();
    for (int i = 0; i < shown; i++)
        json_array_append_new(items, json_loads(PQgetvalue(res, i, 2), 0, NULL));
    json_t *next = json_null();
    if (rows > n) {
        char cursor[48];
        snprintf(cursor, sizeof(cursor), "%s_%s", PQgetvalue(res, shown - 1, 0), PQgetvalue(res, shown - 1, 1));
        json_decref(next);
        next = json_string(cursor);
    }
    PQclear(res);
    /* Each row names a citizen: the list is a search of their data. */
    st = resource_log_search_found(rq, "worklist", items, NULL,
                                   json_pack("{s:s, s:s?}", "worklist", w->name, "caseworker", caseworker));
    if (st != DB_OK) {
        json_decref(items);
        json_decref(next);
        reply_db_error(r, st);
        return;
    }
    reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_cursor", next));
}
