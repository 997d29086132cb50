/* /v1/appeals: a citizen's appeal or one staff register for them, reading and listing
 * appeals. The steps after an appeal was received are appeal_steps_http.c; every change
 * writes its timeline row, its access-log row and its event in the request's transaction. */
#include <string.h>

#include "api/appeals/appeals.h"
#include "api/appeals/appeals_http.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "auth/roles.h"
#include "http/page.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/appeal_rules.h"
#include "law/calendar.h"
#include "law/validate.h"

static struct resource view(const struct appeal_row *row)
{
    struct resource v = {"appeal", "/v1/appeals", row->id, row->citizen_id, row->municipality, row->version,
                         row->doc};
    return v;
}

void appeal_finish_write(struct request *rq, struct reply *r, const char *id, const char *const *events,
                         const char *action, int status)
{
    struct appeal_row row;
    int found = 0;
    enum db_status st = appeal_fetch(rq->db, id, 0, &row, &found);
    struct resource v = view(&row);
    resource_finish_change(rq, r, st, found, &v, action, events, status);
    appeal_row_clear(&row);
}

static void open_appeal_conflict(struct reply *r, const char *appeal_id)
{
    reply_problem(r, PROBLEM_CONFLICT,
                  "An appeal against this decision is already open; add to it rather than filing another.");
    if (appeal_id && *appeal_id)
        reply_problem_extend(r, "appeal_id", json_string(appeal_id));
}

/* Only an issued decision still in force can be appealed, and only once at a time.
 * Returns 1 with the reply set when this one cannot. */
static int refuse_unappealable(struct reply *r, const struct appealed_decision *d)
{
    if (strcmp(d->status, "draft") == 0)
        reply_state_problem(r, "draft", "The decision is a draft: it has not been issued and cannot be appealed yet.");
    else if (strcmp(d->status, "issued") != 0)
        reply_state_problem(r, d->status, "The decision has been superseded; appeal the decision that replaced it.");
    else if (d->force_lost)
        reply_state_problem(r, "force_lost",
                            "The decision lost its force by Ankestyrelsen's ruling; a new decision is to be made.");
    else if (*d->open_appeal_id)
        open_appeal_conflict(r, d->open_appeal_id);
    else
        return 0;
    return 1;
}

void api_appeals_create(struct request *rq, struct reply *r)
{
    static const char *const citizen_fields[] = {"decision_id", "grounds", NULL};
    static const char *const staff_fields[] = {"decision_id", "received_on", "channel", "grounds", NULL};
    static const char *const staff_channels[] = {"written", "oral", NULL};
    static const char *const events[] = {"appeal.received", NULL};
    /* A citizen's own appeal arrives digitally today; staff record when and how a
     * written or oral one reached the municipality. */
    int citizen = rq->role == ROLE_CITIZEN;
    struct cal_date now = cal_today(), received = now;
    const char *decision_id = NULL, *grounds = NULL, *channel = "digital";
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, citizen ? citizen_fields : staff_fields);
    check_uuid(&c, "decision_id", 1, &decision_id);
    check_text(&c, "grounds", 0, TEXT_MULTILINE, 20000, &grounds);
    if (!citizen) {
        check_past_date(&c, "received_on", 1, now, &received);
        check_choice(&c, "channel", 1, staff_channels, &channel);
    }
    int bad = reply_check_invalid(r, &c);
    check_end(&c);
    if (bad)
        return;

    struct appealed_decision d;
    int found;
    enum db_status st = appeal_decision_fetch(rq->db, decision_id, &d, &found);
    if (resource_found(r, st, found, "decision") != 0 || refuse_unappealable(r, &d))
        return;
    struct cal_date deadline, notified;
    if (cal_parse_iso(d.appeal_deadline, &deadline) != 0 || cal_parse_iso(d.notified_on, &notified) != 0) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return;
    }
    /* A citizen's own appeal is received today, on or after any notification (which is
     * never in the future); a date staff give may be wrong. */
    if (appeal_received_before_notice(received, notified)) {
        check_begin(&c, rq->body, "");
        check_fail(&c, "received_on", "must not be before the decision was notified (notified_on)");
        reply_check_invalid(r, &c);
        check_end(&c);
        return;
    }
    /* Never refused for lateness: Ankestyrelsen may hear a late appeal, so it is recorded
     * with how late it came. */
    struct appeal_lateness lateness = appeal_lateness(received, deadline);
    char received_text[CAL_ISO_SIZE], reconsider_by[CAL_ISO_SIZE], id[37];
    cal_format_iso(received, received_text);
    cal_format_iso(appeal_reconsideration_deadline(received), reconsider_by);
    struct appeal_new a = {d.id, received_text, channel, grounds, lateness.late, lateness.days_late, reconsider_by};
    st = appeal_insert(rq->db, &a, id);
    if (st == DB_UNIQUE) {
        open_appeal_conflict(r, NULL);
        return;
    }
    if (st == DB_OK)
        st = appeal_step_insert(rq->db, id, "received", received_text,
                                json_pack("{s:s, s:b, s:I}", "channel", channel, "late", lateness.late,
                                          "days_late", (json_int_t)lateness.days_late));
    if (st != DB_OK) {
        reply_db_error(r, st);
        return;
    }
    appeal_finish_write(rq, r, id, events, "create", 201);
}

void api_appeals_get(struct request *rq, struct reply *r)
{
    const char *id = request_param(rq, "appeal_id");
    struct appeal_row row;
    int found = 0;
    enum db_status st = text_is_uuid(id) ? appeal_fetch(rq->db, id, 0, &row, &found) : DB_OK;
    if (resource_found(r, st, found, "appeal") != 0)
        return;
    struct resource v = view(&row);
    resource_reply_read(rq, r, &v);
    appeal_row_clear(&row);
}

/* Staff list their municipality's appeals, a citizen their own, the board those forwarded
 * to it: one query, row-level security deciding the rows. */
void api_appeals_list(struct request *rq, struct reply *r)
{
    struct page p;
    if (page_from_query(rq, r, &p) != 0)
        return;
    struct appeal_filter f = {request_query(rq, "status"), request_query(rq, "decision_id")};
    enum appeal_status status;
    if ((f.status && appeal_status_parse(f.status, &status) != 0) || (f.decision_id && !text_is_uuid(f.decision_id))) {
        reply_problem(r, PROBLEM_BAD_REQUEST,
                      "Filters: status is received, changed_by_municipality, forwarded or ruled; "
                      "decision_id a UUID.");
        return;
    }
    PGresult *res = NULL;
    enum db_status st = appeal_list(rq->db, &f, &p, &res);
    resource_reply_found_page(rq, r, st, res, &p, "appeal", NULL,
                              json_pack("{s:s?, s:s?}", "status", f.status, "decision_id", f.decision_id));
}
