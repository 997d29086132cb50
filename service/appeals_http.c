/* /v1/appeals: a citizen's appeal or one staff register for them, the municipality's
 * reconsideration, Ankestyrelsen's ruling and suspensive effect. Which step is legal in
 * which state is the table in appeal_rules.c; every step writes its timeline row, its
 * access-log row and its event in the request's transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access_log.h"
#include "appeal_rules.h"
#include "appeals.h"
#include "calendar.h"
#include "events.h"
#include "handlers.h"
#include "page.h"
#include "reply.h"
#include "request.h"
#include "roles.h"
#include "validate.h"

/* The Danish civil date: deadlines and "not in the future" are Danish days. */
static struct cal_date today(void)
{
    return cal_copenhagen_date((long long)time(NULL));
}

static void not_found(struct reply *r)
{
    reply_problem(r, PROBLEM_NOT_FOUND, "No such appeal is visible to you.");
}

static void invalid_state(struct reply *r, const char *state, const char *detail)
{
    reply_problem(r, PROBLEM_INVALID_STATE, "%s", detail);
    reply_problem_extend(r, "state", json_string(state));
}

static int invalid(struct reply *r, struct check *c)
{
    if (!check_failed(c))
        return 0;
    reply_invalid(r, check_take_errors(c));
    return 1;
}

/* A date that cannot lie after today: what was received, decided or ruled has happened. */
static int past_date(struct check *c, const char *key, int required, struct cal_date now, struct cal_date *out)
{
    struct cal_date d;
    int got = check_date(c, key, required, &d);
    if (got == CHECK_OK && cal_to_days(d) > cal_to_days(now)) {
        check_fail(c, key, "must not be in the future");
        return CHECK_INVALID;
    }
    if (got == CHECK_OK)
        *out = d;
    return got;
}

/* A step dated before the step it answers would make the timeline and the statistics'
 * day counts lie. */
static void not_before(struct check *c, const char *key, struct cal_date d, const char *earlier_iso,
                       const char *message)
{
    struct cal_date earlier;
    if (cal_parse_iso(earlier_iso, &earlier) == 0 && cal_to_days(d) < cal_to_days(earlier))
        check_fail(c, key, message);
}

static void open_appeal_conflict(struct reply *r, const char *appeal_id)
{
    reply_problem(r, PROBLEM_CONFLICT,
                  "An appeal against this decision is already open; add to it rather than filing another.");
    if (appeal_id && *appeal_id)
        reply_problem_extend(r, "appeal_id", json_string(appeal_id));
}

/* Appends a timeline step; details is stolen. */
static enum db_status add_step(struct request *rq, const char *appeal_id, const char *step, const char *on,
                               json_t *details)
{
    char *text = details ? json_dumps(details, JSON_COMPACT) : NULL;
    json_decref(details);
    if (!text)
        return DB_ERROR;
    enum db_status st = appeal_step_insert(rq->db, appeal_id, step, on, text);
    free(text);
    return st;
}

/* The access-log row, the events and the reply every successful change ends with.
 * events is NULL-terminated. */
static void finish_write(struct request *rq, struct reply *r, const char *id, const char *const *events,
                         const char *action, int status)
{
    struct appeal_row row;
    int found;
    enum db_status st = appeal_fetch(rq->db, id, 0, &row, &found);
    if (st == DB_OK && !found)
        st = DB_ERROR;
    char version[24] = "", *doc_text = NULL;
    if (st == DB_OK) {
        snprintf(version, sizeof(version), "%ld", row.version);
        st = access_log_write(rq, action, "appeal", row.id, row.citizen_id, NULL);
    }
    if (st == DB_OK) {
        doc_text = json_dumps(row.doc, JSON_COMPACT);
        if (!doc_text)
            st = DB_ERROR;
    }
    for (size_t i = 0; st == DB_OK && events[i]; i++)
        st = events_emit(rq, events[i], "appeal", row.id, version, row.municipality, doc_text);
    free(doc_text);
    if (st != DB_OK) {
        appeal_row_clear(&row);
        db_reply_error(r, st);
        return;
    }
    reply_header(r, "ETag", "\"%ld\"", row.version);
    reply_header(r, "Location", "/v1/appeals/%s", row.id);
    reply_json(r, status, json_incref(row.doc));
    appeal_row_clear(&row);
}

/* Only an issued decision still in force can be appealed, and only once at a time.
 * Returns 1 with the reply set when this one cannot. */
static int refuse_unappealable(struct reply *r, const struct appealed_decision *d)
{
    if (strcmp(d->status, "draft") == 0)
        invalid_state(r, "draft", "The decision is a draft: it has not been issued and cannot be appealed yet.");
    else if (strcmp(d->status, "issued") != 0)
        invalid_state(r, d->status, "The decision has been superseded; appeal the decision that replaced it.");
    else if (d->force_lost)
        invalid_state(r, "force_lost",
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
    struct cal_date now = today(), received = now;
    const char *decision_id = NULL, *grounds = NULL, *channel = "digital";
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, citizen ? citizen_fields : staff_fields);
    check_uuid(&c, "decision_id", 1, &decision_id);
    check_text(&c, "grounds", 0, TEXT_MULTILINE, 20000, &grounds);
    if (!citizen) {
        past_date(&c, "received_on", 1, now, &received);
        check_choice(&c, "channel", 1, staff_channels, &channel);
    }
    int bad = invalid(r, &c);
    check_end(&c);
    if (bad)
        return;

    struct appealed_decision d;
    int found;
    enum db_status st = appeal_decision_fetch(rq->db, decision_id, &d, &found);
    if (st != DB_OK) {
        db_reply_error(r, st);
        return;
    }
    if (!found) {
        reply_problem(r, PROBLEM_NOT_FOUND, "No such decision is visible to you.");
        return;
    }
    if (refuse_unappealable(r, &d))
        return;
    struct cal_date deadline;
    if (cal_parse_iso(d.appeal_deadline, &deadline) != 0) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
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
        st = add_step(rq, id, "received", received_text,
                      json_pack("{s:s, s:b, s:I}", "channel", channel, "late", lateness.late, "days_late",
                                (json_int_t)lateness.days_late));
    if (st != DB_OK) {
        db_reply_error(r, st);
        return;
    }
    finish_write(rq, r, id, events, "create", 201);
}

void api_appeals_get(struct request *rq, struct reply *r)
{
    const char *id = request_param(rq, "appeal_id");
    struct appeal_row row;
    int found = 0;
    enum db_status st = text_is_uuid(id) ? appeal_fetch(rq->db, id, 0, &row, &found) : DB_OK;
    if (st != DB_OK) {
        db_reply_error(r, st);
        return;
    }
    if (!found) {
        not_found(r);
        return;
    }
    st = access_log_write(rq, "read", "appeal", row.id, row.citizen_id, NULL);
    if (st != DB_OK) {
        appeal_row_clear(&row);
        db_reply_error(r, st);
        return;
    }
    reply_header(r, "ETag", "\"%ld\"", row.version);
    reply_json(r, 200, json_incref(row.doc));
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
    json_t *criteria = json_pack("{s:s?, s:s?}", "status", f.status, "decision_id", f.decision_id);
    enum db_status st = access_log_write(rq, "search", "appeal", NULL, NULL, criteria);
    json_decref(criteria);
    PGresult *res = NULL;
    if (st == DB_OK)
        st = appeal_list(rq->db, &f, &p, &res);
    if (st != DB_OK) {
        db_reply_error(r, st);
        return;
    }
    page_reply(r, res, &p);
    PQclear(res);
}

static const char *step_text(enum appeal_action action)
{
    switch (action) {
    case APPEAL_RULE:
        return "a ruling";
    case APPEAL_SUSPENSIVE_EFFECT:
        return "a decision on suspensive effect";
    case APPEAL_CHANGE_IN_FULL:
    case APPEAL_CHANGE_IN_PART:
    case APPEAL_UPHOLD:
        break;
    }
    return "the municipality's reconsideration";
}

/* 409 naming the appeal's state and, from the transition table, where the step is legal. */
static void refuse_step(struct reply *r, const char *state, enum appeal_action action, enum appeal_actor actor)
{
    unsigned states = appeal_states_allowing(action, actor);
    char allowed[128] = "";
    for (int s = 0; s < APPEAL_STATUS_COUNT; s++)
        if (states & (1u << s)) {
            size_t used = strlen(allowed);
            snprintf(allowed + used, sizeof(allowed) - used, "%s%s", used ? " or " : "",
                     appeal_status_name((enum appeal_status)s));
        }
    if (*allowed)
        reply_problem(r, PROBLEM_INVALID_STATE, "The appeal is %s; %s is possible only while it is %s.", state,
                      step_text(action), allowed);
    else
        reply_problem(r, PROBLEM_INVALID_STATE, "The appeal is %s; %s is not possible.", state, step_text(action));
    reply_problem_extend(r, "state", json_string(state));
}

/* Locks the appeal and checks that the step is legal in its state, then that the caller's
 * If-Match still holds. The state comes first so a repeated step answers which state the
 * appeal is in. Returns 0 with row (caller clears) and the next status, or -1 with the
 * reply set. */
static int lock_appeal(struct request *rq, struct reply *r, long version, enum appeal_action action,
                       struct appeal_row *row, enum appeal_status *next)
{
    enum appeal_actor actor = rq->role == ROLE_APPEALS_BOARD ? APPEAL_BY_BOARD : APPEAL_BY_MUNICIPALITY;
    const char *id = request_param(rq, "appeal_id");
    int found = 0, valid_id = text_is_uuid(id);
    char hidden[32] = "";
    enum db_status st = valid_id ? appeal_fetch(rq->db, id, 1, row, &found) : DB_OK;
    /* The board can neither read nor lock an appeal that is not (or no longer) forwarded
     * to it; it still learns that appeal's state, and nothing else. */
    if (st == DB_OK && valid_id && !found && actor == APPEAL_BY_BOARD)
        st = appeal_status_for_board(rq->db, id, hidden);
    if (st != DB_OK) {
        db_reply_error(r, st);
        return -1;
    }
    if (!found) {
        if (*hidden)
            refuse_step(r, hidden, action, actor);
        else
            not_found(r);
        return -1;
    }
    enum appeal_status status;
    int to = appeal_status_parse(row->status, &status) == 0 ? appeal_transition(status, action, actor) : -1;
    if (to < 0) {
        refuse_step(r, row->status, action, actor);
    } else if (row->version != version) {
        reply_problem(r, PROBLEM_PRECONDITION_FAILED,
                      "The appeal has changed since you read it; read it again and retry.");
    } else {
        *next = (enum appeal_status)to;
        return 0;
    }
    appeal_row_clear(row);
    return -1;
}

/* The decision the municipality says replaced the appealed one must have been issued and
 * supersede it. 0, or -1 with the reply set when the database fails. */
static int check_new_decision(struct request *rq, struct reply *r, struct check *c, const struct appeal_row *row,
                              const char *id)
{
    struct appealed_decision d;
    int found;
    enum db_status st = appeal_decision_fetch(rq->db, id, &d, &found);
    if (st != DB_OK) {
        db_reply_error(r, st);
        return -1;
    }
    if (!found || strcmp(d.status, "draft") == 0 || strcmp(d.supersedes_id, row->decision_id) != 0)
        check_fail(c, "new_decision_id", "must be an issued decision that supersedes the appealed one");
    return 0;
}

static void update_conflict(struct reply *r)
{
    reply_problem(r, PROBLEM_PRECONDITION_FAILED, "The appeal has changed since you read it.");
}

void api_appeals_reconsider(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"outcome", "reconsidered_on", "new_decision_id", "municipality_statement",
                                          NULL};
    static const char *const outcomes[] = {"changed_in_full", "changed_in_part", "upheld", NULL};
    static const char *const closed_events[] = {"appeal.reconsidered", NULL};
    static const char *const forwarded_events[] = {"appeal.reconsidered", "appeal.forwarded", NULL};
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    struct cal_date now = today(), on = now;
    const char *outcome = NULL, *new_decision = NULL, *statement = NULL;
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_choice(&c, "outcome", 1, outcomes, &outcome);
    past_date(&c, "reconsidered_on", 0, now, &on);
    check_uuid(&c, "new_decision_id", 0, &new_decision);
    check_text(&c, "municipality_statement", 0, TEXT_MULTILINE, 20000, &statement);
    const struct appeal_reconsideration_rule *rule = appeal_reconsideration_rule(outcome);
    if (rule && rule->needs_new_decision && !json_object_get(rq->body, "new_decision_id"))
        check_fail(&c, "new_decision_id",
                   "required when the municipality changed the decision: the issued decision that supersedes it");
    else if (rule && !rule->needs_new_decision && new_decision)
        check_fail(&c, "new_decision_id", "only when the municipality changed the decision");
    if (rule && rule->needs_statement && !json_object_get(rq->body, "municipality_statement"))
        check_fail(&c, "municipality_statement", "required when the appeal is forwarded to Ankestyrelsen");
    struct appeal_row row;
    enum appeal_status next;
    if (invalid(r, &c) || lock_appeal(rq, r, version, rule->action, &row, &next) != 0) {
        check_end(&c);
        return;
    }

    struct cal_date deadline;
    int failed = cal_parse_iso(row.reconsideration_deadline, &deadline) != 0;
    if (failed)
        reply_problem(r, PROBLEM_INTERNAL, NULL);
    else
        not_before(&c, "reconsidered_on", on, row.received_on, "must not be before the appeal was received");
    if (!failed && rule->needs_new_decision && new_decision)
        failed = check_new_decision(rq, r, &c, &row, new_decision) != 0;
    if (failed || invalid(r, &c)) {
        appeal_row_clear(&row);
        check_end(&c);
        return;
    }
    check_end(&c);

    char on_text[CAL_ISO_SIZE];
    cal_format_iso(on, on_text);
    int forwarded = next == APPEAL_FORWARDED;
    struct appeal_reconsideration rc = {
        .status = appeal_status_name(next),
        .outcome = outcome,
        .reconsidered_on = on_text,
        .late = appeal_reconsidered_late(on, deadline),
        .new_decision_id = new_decision,
        .statement = statement,
        .forwarded_on = forwarded ? on_text : NULL,
    };
    int updated = 0;
    enum db_status st = appeal_reconsider(rq->db, row.id, version, &rc, &updated);
    if (st == DB_OK && updated)
        st = add_step(rq, row.id, rule->step, on_text,
                      json_pack("{s:s, s:b, s:s?}", "outcome", outcome, "late", rc.late, "new_decision_id",
                                new_decision));
    if (st != DB_OK)
        db_reply_error(r, st);
    else if (!updated)
        update_conflict(r);
    else
        finish_write(rq, r, row.id, forwarded ? forwarded_events : closed_events, "update", 200);
    appeal_row_clear(&row);
}

/* The ruling takes force from the decision it concerns: the access-log row and the event
 * for that decision. A decision that already lost force keeps its first loss. */
static enum db_status take_force(struct request *rq, const char *decision_id, const char *on, const char *reason)
{
    struct appeal_force_lost lost;
    int taken;
    enum db_status st = appeal_take_force(rq->db, decision_id, on, reason, &lost, &taken);
    if (st != DB_OK || !taken)
        return st;
    st = access_log_write(rq, "update", "decision", lost.id, lost.citizen_id, NULL);
    if (st == DB_OK)
        st = events_emit(rq, "decision.lost_force", "decision", lost.id, lost.version, lost.municipality,
                         lost.doc_text);
    free(lost.doc_text);
    return st;
}

void api_appeals_rule(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"outcome", "ruled_on", "reference", "note", NULL};
    static const char *const outcomes[] = {"upheld", "changed", "remitted", "dismissed", NULL};
    static const char *const events[] = {"appeal.ruled", NULL};
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    struct cal_date now = today(), on = now;
    const char *outcome = NULL, *reference = NULL, *note = NULL;
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_choice(&c, "outcome", 1, outcomes, &outcome);
    past_date(&c, "ruled_on", 1, now, &on);
    check_text(&c, "reference", 0, TEXT_LINE, 200, &reference);
    check_text(&c, "note", 0, TEXT_MULTILINE, 20000, &note);
    struct appeal_row row;
    enum appeal_status next;
    if (invalid(r, &c) || lock_appeal(rq, r, version, APPEAL_RULE, &row, &next) != 0) {
        check_end(&c);
        return;
    }
    not_before(&c, "ruled_on", on, row.forwarded_on, "must not be before the appeal was forwarded");
    if (invalid(r, &c)) {
        appeal_row_clear(&row);
        check_end(&c);
        return;
    }
    check_end(&c);

    char on_text[CAL_ISO_SIZE];
    cal_format_iso(on, on_text);
    int updated = 0;
    enum db_status st = appeal_rule(rq->db, row.id, version, outcome, on_text, reference, note, &updated);
    if (st == DB_OK && updated)
        st = add_step(rq, row.id, "ruled", on_text,
                      json_pack("{s:s, s:s?}", "outcome", outcome, "reference", reference));
    /* Changed in part by the municipality, the appeal concerns the new decision: that is
     * the one the board's ruling takes force from. */
    const char *reason = appeal_ruling_force_lost_reason(outcome);
    if (st == DB_OK && updated && reason)
        st = take_force(rq, *row.new_decision_id ? row.new_decision_id : row.decision_id, on_text, reason);
    if (st != DB_OK)
        db_reply_error(r, st);
    else if (!updated)
        update_conflict(r);
    else
        finish_write(rq, r, row.id, events, "update", 200);
    appeal_row_clear(&row);
}

void api_appeals_suspensive_effect(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"granted", "decided_on", "note", NULL};
    static const char *const events[] = {"appeal.suspensive_effect", NULL};
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    struct cal_date now = today(), on = now;
    const char *note = NULL;
    int granted = 0;
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_bool(&c, "granted", 1, &granted);
    past_date(&c, "decided_on", 0, now, &on);
    check_text(&c, "note", 0, TEXT_MULTILINE, 4000, &note);
    struct appeal_row row;
    enum appeal_status next;
    if (invalid(r, &c) || lock_appeal(rq, r, version, APPEAL_SUSPENSIVE_EFFECT, &row, &next) != 0) {
        check_end(&c);
        return;
    }
    not_before(&c, "decided_on", on, row.received_on, "must not be before the appeal was received");
    if (invalid(r, &c)) {
        appeal_row_clear(&row);
        check_end(&c);
        return;
    }
    check_end(&c);

    const char *decision = granted ? "granted" : "refused";
    char on_text[CAL_ISO_SIZE];
    cal_format_iso(on, on_text);
    int updated = 0;
    enum db_status st = appeal_set_suspensive_effect(rq->db, row.id, version, decision, on_text, note, &updated);
    if (st == DB_OK && updated)
        st = add_step(rq, row.id, "suspensive_effect", on_text, json_pack("{s:s}", "decision", decision));
    if (st != DB_OK)
        db_reply_error(r, st);
    else if (!updated)
        update_conflict(r);
    else
        finish_write(rq, r, row.id, events, "update", 200);
    appeal_row_clear(&row);
}
