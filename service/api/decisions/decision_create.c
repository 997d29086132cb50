/* Drafting a decision: the create body read and checked against the case, the reference
 * data in force on the decision date and the decision it supersedes, then inserted and
 * recorded; and the records any change of a decision leaves. See decision_create.h. */
#include "api/decisions/decision_create.h"

#include <string.h>

#include "api/cases/cases.h"
#include "api/decisions/decision_input.h"
#include "api/reference/reference.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/validate.h"

struct resource decision_resource(const struct decision_row *row)
{
    struct resource v = {"decision", "/v1/decisions", row->id, row->citizen_id, row->municipality, row->version,
                         row->doc};
    return v;
}

enum db_status decision_record(struct request *rq, const char *id, const char *event, const char *action,
                               struct decision_row *row)
{
    const char *const events[] = {event, NULL};
    int found = 0;
    enum db_status st = decision_fetch(rq->db, id, 0, row, &found);
    if (st == DB_OK && !found)
        st = DB_ERROR;
    if (st == DB_OK) {
        struct resource v = decision_resource(row);
        st = resource_record_change(rq, &v, action, events);
    }
    if (st != DB_OK)
        decision_row_clear(row);
    return st;
}

/* What a create checks against the database: the case (locked, so it cannot close
 * meanwhile), the codes in force on the decision date, the parent and the decision it
 * supersedes. Field errors go to c; returns 0, or -1 with the database error set. */
static int check_references(struct request *rq, struct reply *r, struct check *c, const struct decision_input *in,
                            struct case_row *cs, struct decision_refs *refs, struct decision_row *old,
                            int *old_found)
{
    int case_found = 0;
    enum db_status st = in->case_id ? case_fetch(rq->db, in->case_id, 1, cs, &case_found) : DB_OK;
    if (st != DB_OK) {
        reply_db_error(r, st);
        return -1;
    }
    if (in->case_id && !case_found)
        check_fail(c, "case_id", "no such case is visible to you");
    char on[CAL_ISO_SIZE];
    decision_resolution_date(in->decided_on, in->today, on);
    if (in->decided_on_ok &&
        ((in->kind && reference_resolve_field(rq->db, r, c, "decision_kind", "kind", in->kind, on,
                                              DECISION_NOT_IN_FORCE, refs->kind_id) != 0) ||
         (in->outcome && reference_resolve_field(rq->db, r, c, "decision_outcome", "outcome", in->outcome, on,
                                                 DECISION_NOT_IN_FORCE, refs->outcome_id) != 0) ||
         decision_resolve_provisions(rq, r, c, in->codes, in->n_codes, on, NULL, NULL, refs) != 0))
        return -1;
    if (in->parent_id && case_found &&
        decision_check_parent(rq, r, c, in->parent_id, cs->id, *refs->kind_id ? refs->kind_id : NULL) != 0)
        return -1;
    if (!in->supersedes_id)
        return 0;
    st = decision_fetch(rq->db, in->supersedes_id, 0, old, old_found);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return -1;
    }
    if (!*old_found)
        check_fail(c, "supersedes_id", "no such decision is visible to you");
    else if (case_found && strcmp(old->case_id, cs->id) != 0)
        check_fail(c, "supersedes_id", "must be a decision on the same case");
    return 0;
}

/* Inserts the checked draft, refusing what the states of the case and the superseded
 * decision forbid, and records it. */
static enum decision_result insert(struct request *rq, struct reply *r, const struct decision_input *in,
                                   const struct case_row *cs, const struct decision_refs *refs,
                                   const struct decision_row *old, int old_found, struct decision_row *draft)
{
    if (strcmp(cs->status, "open") != 0) {
        reply_state_problem(r, cs->status, "The case is closed: no new decision can be made on it.");
        return DECISION_REFUSED;
    }
    if (old_found && strcmp(old->status, "issued") != 0) {
        reply_state_problem(r, old->status, "Only an issued decision can be superseded; that decision is %s.",
                            old->status);
        return DECISION_REFUSED;
    }
    struct decision_fields f = {
        .kind_id = refs->kind_id,
        .outcome_id = in->outcome ? refs->outcome_id : NULL,
        .parent_id = in->parent_id,
        .subject = in->subject,
        .applied_for = in->applied_for,
        .applied_on = in->applied_on,
        .notice_sent_on = in->notice_sent_on,
        .notice_expected_by = in->notice_expected_by,
        .decided_on = in->decided_on,
        .legal_basis_note = in->note,
        .facts = in->facts,
        .reasons = in->reasons,
        .hours_per_week = *in->hours ? in->hours : NULL,
        .hearing_status = in->hearing.status,
        .hearing_sent_on = in->hearing.sent_on,
        .hearing_response_deadline = in->hearing.response_deadline,
        .hearing_answered_on = in->hearing.answered_on,
        .hearing_not_needed_reason = in->hearing.reason,
        .hearing_urgency_reason = in->hearing.urgency_reason,
    };
    char id[37];
    enum db_status st = decision_insert(rq->db, cs->id, in->supersedes_id, &f, id);
    if (st == DB_OK)
        st = decision_set_provisions(rq->db, id, refs->provisions, refs->n_provisions);
    if (st == DB_UNIQUE) {
        reply_problem(r, PROBLEM_CONFLICT,
                      "Another decision already supersedes that decision; change that draft instead.");
        return DECISION_REFUSED;
    }
    if (st == DB_OK)
        st = decision_record(rq, id, "decision.created", "create", draft);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return DECISION_REFUSED;
    }
    return DECISION_DONE;
}

enum decision_result decision_create(struct request *rq, struct reply *r, struct check *c,
                                     struct decision_row *draft)
{
    struct decision_input in;
    struct decision_refs refs;
    struct case_row cs;
    struct decision_row old;
    int old_found = 0;
    memset(&refs, 0, sizeof(refs));
    memset(&cs, 0, sizeof(cs));
    memset(&old, 0, sizeof(old));
    memset(draft, 0, sizeof(*draft));
    struct decision_read_rules rules = decision_read_rules_now(rq);
    decision_read_body(c, 1, &rules, &in);
    /* Everything that can be wrong with the request is collected before answering, so
     * one 422 names every field. */
    enum decision_result res = DECISION_REFUSED;
    if (check_references(rq, r, c, &in, &cs, &refs, &old, &old_found) == 0)
        res = check_failed(c) ? DECISION_INVALID : insert(rq, r, &in, &cs, &refs, &old, old_found, draft);
    decision_row_clear(&old);
    case_row_clear(&cs);
    return res;
}
