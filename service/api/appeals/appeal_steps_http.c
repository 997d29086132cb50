/* The steps that change an appeal after it was received: the municipality's
 * reconsideration, Ankestyrelsen's ruling and suspensive effect. Which step is legal in
 * which state is the table in appeal_rules.c; every step writes its timeline row, its
 * access-log row and its event in the request's transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/access_log/access_log.h"
#include "api/appeals/appeals.h"
#include "api/appeals/appeals_http.h"
#include "api/handlers.h"
#include "api/integration/events.h"
#include "api/resource.h"
#include "auth/roles.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/appeal_rules.h"
#include "law/calendar.h"
#include "law/validate.h"

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
        reply_state_problem(r, state, "The appeal is %s; %s is possible only while it is %s.", state,
                            step_text(action), allowed);
    else
        reply_state_problem(r, state, "The appeal is %s; %s is not possible.", state, step_text(action));
}

/* A step dated before the step it answers would make the timeline and the statistics'
 * day counts lie. A ruling answers the forwarding; every other step the appeal itself. */
static void not_before_answered(struct check *c, const char *key, struct cal_date on, const struct appeal_row *row,
                                enum appeal_action action)
{
    int ruling = action == APPEAL_RULE;
    struct cal_date earlier;
    if (cal_parse_iso(ruling ? row->forwarded_on : row->received_on, &earlier) == 0 && cal_after(earlier, on))
        check_fail(c, key, ruling ? "must not be before the appeal was forwarded"
                                  : "must not be before the appeal was received");
}

/* Locks the appeal and checks that the step is legal in its state, then that the caller's
 * If-Match still holds. The state comes first so a repeated step answers which state the
 * appeal is in. Then records in c when the step's date (key: on) precedes the step it
 * answers. Returns 0 with row (caller clears) and the next status, or -1 with the reply
 * set. */
static int lock_appeal(struct request *rq, struct reply *r, struct check *c, long version,
                       enum appeal_action action, const char *key, struct cal_date on, struct appeal_row *row,
                       enum appeal_status *next)
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
    if (st == DB_OK && !found && *hidden) {
        refuse_step(r, hidden, action, actor);
        return -1;
    }
    if (resource_found(r, st, found, "appeal") != 0)
        return -1;
    enum appeal_status status;
    int to = appeal_status_parse(row->status, &status) == 0 ? appeal_transition(status, action, actor) : -1;
    if (to < 0) {
        refuse_step(r, row->status, action, actor);
    } else if (row->version != version) {
        reply_problem(r, PROBLEM_PRECONDITION_FAILED,
                      "The appeal has changed since you read it; read it again and retry.");
    } else {
        *next = (enum appeal_status)to;
        not_before_answered(c, key, on, row, action);
        return 0;
    }
    appeal_row_clear(row);
    return -1;
}

/* Ends c. When failed (the reply is set) or c holds errors (the 422 is set), releases the
 * row and returns 1. */
static int step_refused(struct reply *r, struct check *c, struct appeal_row *row, int failed)
{
    failed = failed || reply_check_invalid(r, c);
    check_end(c);
    if (failed)
        appeal_row_clear(row);
    return failed;
}

/* The end of a step: the database error, 412 when the appeal changed meanwhile, or the
 * change's records and answer. */
static void finish_step(struct request *rq, struct reply *r, enum db_status st, int updated, const char *id,
                        const char *const *events)
{
    if (resource_updated(r, st, updated, "appeal") == 0)
        appeal_finish_write(rq, r, id, events, "update", 200);
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
        reply_db_error(r, st);
        return -1;
    }
    if (!found || strcmp(d.status, "draft") == 0 || strcmp(d.supersedes_id, row->decision_id) != 0)
        check_fail(c, "new_decision_id", "must be an issued decision that supersedes the appealed one");
    return 0;
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
    struct cal_date now = cal_today(), on = now;
    const char *outcome = NULL, *new_decision = NULL, *statement = NULL;
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_choice(&c, "outcome", 1, outcomes, &outcome);
    check_past_date(&c, "reconsidered_on", 0, now, &on);
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
    /* An unknown outcome (no rule) has failed the check, so the lock is never tried. */
    if (reply_check_invalid(r, &c) ||
        lock_appeal(rq, r, &c, version, rule->action, "reconsidered_on", on, &row, &next) != 0) {
        check_end(&c);
        return;
    }
    struct cal_date deadline;
    int failed = cal_parse_iso(row.reconsideration_deadline, &deadline) != 0;
    if (failed)
        reply_problem(r, PROBLEM_INTERNAL, NULL);
    else if (rule->needs_new_decision && new_decision)
        failed = check_new_decision(rq, r, &c, &row, new_decision) != 0;
    if (step_refused(r, &c, &row, failed))
        return;

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
        st = appeal_step_insert(rq->db, row.id, rule->step, on_text,
                                json_pack("{s:s, s:b, s:s?}", "outcome", outcome, "late", rc.late,
                                          "new_decision_id", new_decision));
    finish_step(rq, r, st, updated, row.id, forwarded ? forwarded_events : closed_events);
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
    struct cal_date now = cal_today(), on = now;
    const char *outcome = NULL, *reference = NULL, *note = NULL;
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_choice(&c, "outcome", 1, outcomes, &outcome);
    check_past_date(&c, "ruled_on", 1, now, &on);
    check_text(&c, "reference", 0, TEXT_LINE, 200, &reference);
    check_text(&c, "note", 0, TEXT_MULTILINE, 20000, &note);
    struct appeal_row row;
    enum appeal_status next;
    if (reply_check_invalid(r, &c) || lock_appeal(rq, r, &c, version, APPEAL_RULE, "ruled_on", on, &row, &next) != 0) {
        check_end(&c);
        return;
    }
    if (step_refused(r, &c, &row, 0))
        return;

    char on_text[CAL_ISO_SIZE];
    cal_format_iso(on, on_text);
    int updated = 0;
    enum db_status st = appeal_rule(rq->db, row.id, version, outcome, on_text, reference, note, &updated);
    if (st == DB_OK && updated)
        st = appeal_step_insert(rq->db, row.id, "ruled", on_text,
                                json_pack("{s:s, s:s?}", "outcome", outcome, "reference", reference));
    /* Changed in part by the municipality, the appeal concerns the new decision: that is
     * the one the board's ruling takes force from. */
    const char *reason = appeal_ruling_force_lost_reason(outcome);
    if (st == DB_OK && updated && reason)
        st = take_force(rq, *row.new_decision_id ? row.new_decision_id : row.decision_id, on_text, reason);
    finish_step(rq, r, st, updated, row.id, events);
    appeal_row_clear(&row);
}

void api_appeals_suspensive_effect(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"granted", "decided_on", "note", NULL};
    static const char *const events[] = {"appeal.suspensive_effect", NULL};
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    struct cal_date now = cal_today(), on = now;
    const char *note = NULL;
    int granted = 0;
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_bool(&c, "granted", 1, &granted);
    check_past_date(&c, "decided_on", 0, now, &on);
    check_text(&c, "note", 0, TEXT_MULTILINE, 4000, &note);
    struct appeal_row row;
    enum appeal_status next;
    if (reply_check_invalid(r, &c) ||
        lock_appeal(rq, r, &c, version, APPEAL_SUSPENSIVE_EFFECT, "decided_on", on, &row, &next) != 0) {
        check_end(&c);
        return;
    }
    if (step_refused(r, &c, &row, 0))
        return;

    const char *decision = granted ? "granted" : "refused";
    char on_text[CAL_ISO_SIZE];
    cal_format_iso(on, on_text);
    int updated = 0;
    enum db_status st = appeal_set_suspensive_effect(rq->db, row.id, version, decision, on_text, note, &updated);
    if (st == DB_OK && updated)
        st = appeal_step_insert(rq->db, row.id, "suspensive_effect", on_text, json_pack("{s:s}", "decision", decision));
    finish_step(rq, r, st, updated, row.id, events);
    appeal_row_clear(&row);
}
