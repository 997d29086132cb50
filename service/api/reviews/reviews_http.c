/* /v1/cases/{case_id}/reviews and /v1/reviews/{review_id}: schedule a review, list and
 * read reviews, and the staff sections a PATCH sets (If-Match); with the steps every
 * review handler shares (reviews_http.h). Sections the citizen writes are
 * review_sections_http.c, completion review_complete_http.c. */
#include "api/reviews/reviews_http.h"

#include <stdlib.h>
#include <string.h>

#include "api/cases/case_path.h"
#include "api/handlers.h"
#include "api/reference/reference.h"
#include "api/resource.h"
#include "api/reviews/review_complete.h"
#include "http/app.h"
#include "http/page.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/calendar.h"
#include "law/validate.h"

static struct resource view(const struct review_row *row)
{
    struct resource v = {"review", "/v1/reviews", row->id, row->citizen_id, row->municipality, row->version,
                         row->doc};
    return v;
}

int review_from_path(struct request *rq, struct reply *r, int for_update, struct review_row *row)
{
    const char *id = request_param(rq, "review_id");
    int found = 0;
    enum db_status st = text_is_uuid(id) ? review_fetch(rq->db, id, for_update, row, &found) : DB_OK;
    return resource_found(r, st, found, "review");
}

static void completed_problem(struct reply *r)
{
    reply_state_problem(r, "completed", "The review is completed: it cannot change.");
}

int review_writable(struct reply *r, struct review_row *row, long version)
{
    if (strcmp(row->status, "scheduled") != 0)
        completed_problem(r);
    else if (row->version != version)
        reply_problem(r, PROBLEM_PRECONDITION_FAILED,
                      "The review has changed since you read it; read it again and retry.");
    else
        return 0;
    review_row_clear(row);
    return -1;
}

int review_context_of(struct request *rq, struct reply *r, const struct review_row *row,
                      struct review_context *ctx)
{
    char id[24];
    memset(ctx, 0, sizeof(*ctx));
    ctx->today = cal_today();
    ctx->hearing_min_days = rq->app->cfg.hearing_min_days;
    if (cal_parse_iso(row->meeting_on, &ctx->meeting_on) != 0) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return -1;
    }
    enum db_status st = reference_resolve(rq->db, "decision_kind", "ressourceforloeb", row->meeting_on, id);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return -1;
    }
    ctx->ressourceforloeb = *id != '\0';
    return 0;
}

int review_scales_of(struct request *rq, struct reply *r, const struct review_row *row, struct review_scales *s)
{
    PGresult *res;
    memset(s, 0, sizeof(*s));
    enum db_status st = review_indicator_rows(rq->db, row->meeting_on, &res);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return -1;
    }
    int failed = 0;
    for (int i = 0; !failed && i < PQntuples(res); i++) {
        json_t *attributes = json_loads(PQgetvalue(res, i, 1), 0, NULL);
        failed = review_scales_add(s, PQgetvalue(res, i, 0), attributes) != 0;
        json_decref(attributes);
    }
    PQclear(res);
    if (failed)
        reply_problem(r, PROBLEM_INTERNAL, "An indicator's reference row documents no usable scale.");
    return failed ? -1 : 0;
}

void review_finish_write(struct request *rq, struct reply *r, enum db_status st, int updated, const char *id,
                         const char *const *events, const char *action, int status)
{
    /* The guard trigger speaks when the checks above it were raced: a review completed
     * meanwhile, or a column the caller may not change. */
    if (st == DB_INVALID_STATE) {
        completed_problem(r);
        return;
    }
    if (st == DB_NOT_VISIBLE) {
        reply_not_found(r, "review");
        return;
    }
    if (resource_updated(r, st, updated, "review") != 0)
        return;
    struct review_row row;
    int found = 0;
    st = review_fetch(rq->db, id, 0, &row, &found);
    struct resource v = view(&row);
    resource_finish_change(rq, r, st, found, &v, action, events, status);
    review_row_clear(&row);
}

/* meeting_at, when given, is the meeting's time and must fall on its day in Denmark. */
static void check_meeting_at(struct check *c, int has_day, struct cal_date day, const char **out)
{
    long long at;
    if (check_is_null(c, "meeting_at") || check_text(c, "meeting_at", 0, TEXT_LINE, 40, out) != CHECK_OK)
        return;
    if (!review_parse_timestamp(*out, &at)) {
        check_fail(c, "meeting_at", "must be an RFC 3339 date-time with a time zone");
        *out = NULL;
        return;
    }
    struct cal_date local = cal_copenhagen_date(at);
    if (has_day && cal_to_days(local) != cal_to_days(day))
        check_fail(c, "meeting_at", "must fall on meeting_on (Danish time)");
}

/* The case's open review, if any, answers 409 naming it: one scheduled review per case. It
 * is looked up before the insert, since a refused insert ends what the transaction can
 * still read; a racing insert still meets the unique index. Returns 1 with the reply set
 * (the 409 or the database error), else 0. */
static int open_review_conflict(struct request *rq, struct reply *r, const char *case_id)
{
    char open[37];
    enum db_status st = review_open_id(rq->db, case_id, open);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return 1;
    }
    if (!*open)
        return 0;
    reply_problem(r, PROBLEM_CONFLICT, "The case already has a scheduled review; complete it first.");
    reply_problem_extend(r, "review_id", json_string(open));
    return 1;
}

void api_reviews_create(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"meeting_on", "meeting_at", NULL};
    static const char *const events[] = {"review.created", NULL};
    struct case_row cs;
    if (case_path_fetch(rq, r, 0, &cs) != 0)
        return;
    struct check c;
    struct cal_date meeting, period;
    const char *meeting_at = NULL;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    int has_day = check_date(&c, "meeting_on", 1, &meeting) == CHECK_OK;
    check_meeting_at(&c, has_day, meeting, &meeting_at);
    char period_text[11];
    enum db_status st = review_period_start(rq->db, cs.id, period_text);
    if (st == DB_OK && has_day && cal_parse_iso(period_text, &period) == 0 && cal_after(period, meeting))
        check_fail(&c, "meeting_on",
                   "must not be before the period the review covers starts (the last review's completion, or the "
                   "day the case entered its target group)");
    if (st != DB_OK)
        reply_db_error(r, st);
    else if (strcmp(cs.status, "open") != 0)
        reply_state_problem(r, cs.status, "The case is %s: no review can be scheduled on it.", cs.status);
    else if (!reply_check_invalid(r, &c) && !open_review_conflict(rq, r, cs.id)) {
        char id[37];
        const char *meeting_on = json_string_value(json_object_get(rq->body, "meeting_on"));
        st = review_insert(rq->db, cs.id, meeting_on, meeting_at, id);
        if (st == DB_UNIQUE)
            reply_problem(r, PROBLEM_CONFLICT, "The case already has a scheduled review; complete it first.");
        else if (st == DB_NOT_VISIBLE)
            reply_not_found(r, "case");
        else
            review_finish_write(rq, r, st, st == DB_OK, id, events, "create", 201);
    }
    check_end(&c);
    case_row_clear(&cs);
}

void api_reviews_list(struct request *rq, struct reply *r)
{
    struct page p;
    struct case_row cs;
    if (page_from_query(rq, r, &p) != 0 || case_path_fetch(rq, r, 0, &cs) != 0)
        return;
    enum db_status st = resource_log_search(rq, "review", cs.citizen_id, json_pack("{s:s}", "case_id", cs.id));
    PGresult *res = NULL;
    if (st == DB_OK)
        st = review_list(rq->db, cs.id, &p, &res);
    page_reply_result(r, st, res, &p);
    case_row_clear(&cs);
}

void api_reviews_get(struct request *rq, struct reply *r)
{
    struct review_row row;
    if (review_from_path(rq, r, 0, &row) != 0)
        return;
    struct resource v = view(&row);
    resource_reply_read(rq, r, &v);
    review_row_clear(&row);
}

/* The section's new value as JSON text (the caller frees it); NULL clears it. Returns 0,
 * or -1 when memory ran out. */
static int section_text(const json_t *section, char **out)
{
    *out = section ? json_dumps(section, JSON_COMPACT) : NULL;
    return section && !*out ? -1 : 0;
}

void api_reviews_update(struct request *rq, struct reply *r)
{
    static const char *const events[] = {"review.updated", NULL};
    long version;
    struct review_row row;
    struct review_context ctx;
    if (request_if_match_version(rq, r, &version) != 0 || review_from_path(rq, r, 1, &row) != 0 ||
        review_writable(r, &row, version) != 0)
        return;
    if (review_context_of(rq, r, &row, &ctx) != 0) {
        review_row_clear(&row);
        return;
    }
    struct check c;
    struct review_patch p;
    check_begin(&c, rq->body, "");
    review_read_patch(&c, &ctx, &p);
    /* Every planned intervention's type must be in force: the completion requests it as
     * that type. */
    char *wc = NULL, *od = NULL, *fu = NULL, today[CAL_ISO_SIZE];
    struct intervention_type types[REVIEW_MAX_INTERVENTIONS];
    size_t n_types;
    cal_format_iso(ctx.today, today);
    int failed =
        review_planned_types(rq, r, &c, p.overall_decision, "/overall_decision", today, types, &n_types) != 0;
    if (!failed && !reply_check_invalid(r, &c)) {
        if (section_text(p.work_capacity, &wc) != 0 || section_text(p.overall_decision, &od) != 0 ||
            section_text(p.follow_up_plan, &fu) != 0) {
            reply_problem(r, PROBLEM_INTERNAL, NULL);
        } else {
            struct review_changes ch = {
                .set_current_situation = (p.set & REVIEW_SET_CURRENT_SITUATION) != 0,
                .current_situation = p.current_situation,
                .set_work_capacity = (p.set & REVIEW_SET_WORK_CAPACITY) != 0,
                .work_capacity = wc,
                .set_overall_decision = (p.set & REVIEW_SET_OVERALL_DECISION) != 0,
                .overall_decision = od,
                .set_follow_up_plan = (p.set & REVIEW_SET_FOLLOW_UP_PLAN) != 0,
                .follow_up_plan = fu,
                .set_recommendation = (p.set & REVIEW_SET_RECOMMENDATION) != 0,
                .recommendation = p.recommendation,
                .set_citizen_present = (p.set & REVIEW_SET_CITIZEN_PRESENT) != 0,
                .citizen_present = p.citizen_present < 0 ? NULL : p.citizen_present ? "true" : "false",
            };
            int updated = 0;
            enum db_status st = review_write_sections(rq->db, row.id, version, &ch, &updated);
            review_finish_write(rq, r, st, updated, row.id, events, "update", 200);
        }
    }
    free(wc);
    free(od);
    free(fu);
    check_end(&c);
    review_row_clear(&row);
}
