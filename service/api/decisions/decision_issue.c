/* Issuing a decision: the checks the law asks of an issued decision, the issuing
 * transaction (notification date, appeal deadline and guidance, superseding, the remitted
 * appeals it answers), and decision_make, which drafts and issues a decision for another
 * resource through the same steps as the HTTP handlers. See decision_issue.h. */
#include "api/decisions/decision_issue.h"

#include <stdio.h>
#include <string.h>

#include "api/access_log/access_log.h"
#include "api/decisions/decision_input.h"
#include "api/integration/events.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/hearing.h"
#include "law/validate.h"

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* A date of the hearing as the document has it; NULL when it has none. */
static const struct cal_date *hearing_date(const json_t *hearing, const char *key, struct cal_date *out)
{
    return cal_parse_iso(str(hearing, key), out) == 0 ? out : NULL;
}

/* A decision is made after its hearing has ended (forvaltningsloven § 19). The hearing's
 * dates record what happened; a decision date before its end is what is wrong, and is
 * refused: the draft's decided_on when it has one (dated), else the notification date
 * (notified_on of the issue). decided is that date. Without a date of its own, a decision
 * notified while the hearing is still open is the 409 of hearing_open instead. */
static void check_hearing_dates(struct check *c, const json_t *doc, struct cal_date decided, int dated)
{
    const json_t *h = json_object_get(doc, "hearing");
    struct cal_date sent, deadline, answered;
    const struct hearing_dates dates = {
        str(h, "status"),
        hearing_date(h, "sent_on", &sent),
        hearing_date(h, "response_deadline", &deadline),
        hearing_date(h, "answered_on", &answered),
    };
    unsigned found = hearing_conflicts(&dates, decided);
    const char *message = NULL;
    if (found & HEARING_DECIDED_BEFORE_SENT)
        message = "must not be before the hearing was sent (hearing.sent_on): a decision is made after the hearing";
    else if (found & HEARING_ANSWERED_AFTER_DECISION)
        message = "must not be before the citizen answered the hearing (hearing.answered_on): the decision takes "
                  "the answer into account";
    else if (dated && (found & HEARING_DECIDED_WHILE_OPEN))
        message = "must be after the hearing's response deadline, unless the citizen's answer is recorded: the "
                  "citizen may answer until then";
    if (message)
        check_fail(c, dated ? "decided_on" : "notified_on", message);
}

/* Every element the law requires of the decision, each missing one recorded in c with its
 * pointer. What is required follows the reference attributes of the kind and outcome; an
 * attribute that is absent counts the stricter way. notified is NULL when the date was
 * invalid. Returns 0, or -1 with the database error set. */
static int check_issuable(struct request *rq, struct reply *r, struct check *c, const struct decision_row *row,
                          const struct cal_date *notified)
{
    const json_t *d = row->doc, *oa = row->outcome_attributes, *ka = row->kind_attributes;
    if (!oa)
        check_fail(c, "outcome", "required: what the decision grants or refuses");
    if (!str(d, "subject"))
        check_fail(c, "subject", "required: what the decision is about");
    if (json_array_size(json_object_get(d, "legal_basis")) == 0)
        check_fail(c, "legal_basis", "name at least one provision the decision is made under (forvaltningsloven § 24)");
    /* Facts and reasons may be left out only when the outcome says the citizen got exactly
     * what was applied for (forvaltningsloven § 22); without an outcome they are required. */
    if (!oa || !json_is_false(json_object_get(oa, "reasons_required"))) {
        if (!str(d, "facts"))
            check_fail(c, "facts", "required: the facts the decision relies on (forvaltningsloven § 24)");
        if (!str(d, "reasons"))
            check_fail(c, "reasons", "required: the main considerations behind the decision (forvaltningsloven § 24)");
    }
    const char *hearing = str(json_object_get(d, "hearing"), "status");
    if (oa && !json_is_false(json_object_get(oa, "adverse")) && (!hearing || strcmp(hearing, "none") == 0))
        check_fail(c, "hearing",
                   "a decision against the citizen records the hearing: sent, answered or not_needed with a reason "
                   "(forvaltningsloven § 19)");
    const json_t *hours = json_object_get(d, "hours_per_week");
    if (json_is_true(json_object_get(ka, "requires_hours_per_week")) && (!hours || json_is_null(hours)))
        check_fail(c, "hours_per_week", "required for this kind of decision");
    if (json_is_string(json_object_get(ka, "requires_parent")) && !*row->parent_id)
        check_fail(c, "parent_id", "required: this kind of decision belongs under an issued decision in force");
    if (*row->parent_id && decision_check_parent(rq, r, c, row->parent_id, row->case_id, row->kind_id) != 0)
        return -1;
    if (!notified)
        return 0;
    struct cal_date decided = *notified;
    int dated = *row->decided_on && cal_parse_iso(row->decided_on, &decided) == 0;
    if (dated && cal_after(decided, *notified))
        check_fail(c, "decided_on", "must not be after the notification date");
    check_hearing_dates(c, d, decided, dated);
    enum db_status st = DB_OK;
    if (*row->supersedes_id) {
        /* A replacement notified before the decision it replaces would rewrite history. */
        struct decision_row old;
        struct cal_date old_notified;
        int found = 0;
        st = decision_fetch(rq->db, row->supersedes_id, 0, &old, &found);
        if (st != DB_OK) {
            reply_db_error(r, st);
            return -1;
        }
        if (found && cal_parse_iso(str(old.doc, "notified_on"), &old_notified) == 0 &&
            cal_after(old_notified, *notified))
            check_fail(c, "notified_on", "must not be before the notification of the decision this one supersedes");
        decision_row_clear(&old);
    }
    char on[CAL_ISO_SIZE];
    cal_format_iso(decided, on);
    PGresult *res;
    st = decision_references_not_in_force(rq->db, row->id, on, &res);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return -1;
    }
    for (int i = 0; i < PQntuples(res); i++)
        check_fail_pointer(c, PQgetvalue(res, i, 0), "not in force on the decision date; choose a code in force then");
    PQclear(res);
    return 0;
}

/* The hearing is open while it was sent and the citizen may still answer: on or before
 * the response deadline. A decision notified on a day the hearing was still open would
 * be made before the citizen could answer, so the notification date counts as well as
 * today. Returns 1 with the 409 set. */
static int hearing_open(struct reply *r, const struct decision_row *row, struct cal_date notified)
{
    const json_t *h = json_object_get(row->doc, "hearing");
    const char *status = str(h, "status"), *deadline_text = str(h, "response_deadline");
    struct cal_date deadline;
    if (!status || strcmp(status, "sent") != 0 || cal_parse_iso(deadline_text, &deadline) != 0 ||
        cal_after(notified, deadline))
        return 0;
    reply_state_problem(r, "hearing_open",
                        "The hearing of the citizen runs until its response deadline %s: the decision can be "
                        "notified only after that date, or once the citizen has answered.",
                        deadline_text);
    reply_problem_extend(r, "response_deadline", json_string(deadline_text));
    return 1;
}

/* Records the new decision on each appeal whose remittal took force from the decision it
 * supersedes: the timeline step, and its access-log row and event. */
static enum db_status record_after_remittal(struct request *rq, const char *old_id, const char *new_id,
                                            const char *on)
{
    PGresult *res;
    enum db_status st = decision_record_after_remittal(rq->db, old_id, new_id, on, &res);
    for (int i = 0; st == DB_OK && i < PQntuples(res); i++) {
        const char *appeal = PQgetvalue(res, i, 0);
        st = access_log_write(rq, "update", "appeal", appeal, PQgetvalue(res, i, 3), NULL);
        if (st == DB_OK)
            st = events_emit(rq, "appeal.new_decision_issued", "appeal", appeal, PQgetvalue(res, i, 1),
                             PQgetvalue(res, i, 2), PQgetvalue(res, i, 4));
    }
    PQclear(res);
    return st;
}

/* Supersedes the decision the new one replaces. Returns 0, or -1 with the reply set. */
static int supersede(struct request *rq, struct reply *r, const struct decision_row *row, const char *on)
{
    char reason[32];
    int done = 0;
    enum db_status st = decision_supersede(rq->db, row->supersedes_id, row->id, reason, &done);
    if (st == DB_OK && !done) {
        /* Only its own successor can supersede a decision (supersedes_id is unique), so
         * this is a decision that was never issued: say what it is. */
        struct decision_row old;
        int found = 0;
        st = decision_fetch(rq->db, row->supersedes_id, 0, &old, &found);
        if (st == DB_OK) {
            reply_state_problem(r, found ? old.status : "unknown",
                                "The decision this one supersedes is %s, not issued.",
                                found ? old.status : "not visible");
            decision_row_clear(&old);
            return -1;
        }
    }
    if (st == DB_OK && strcmp(reason, "remitted") == 0)
        st = record_after_remittal(rq, row->supersedes_id, row->id, on);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return -1;
    }
    return 0;
}

/* Issues the checked draft: dates, guidance, superseding, records. */
static enum decision_result issue(struct request *rq, struct reply *r, const struct decision_row *draft,
                                  struct cal_date notified, struct decision_row *issued)
{
    struct cal_date deadline = cal_appeal_deadline(notified);
    struct cal_date plain = cal_add_days(notified, CAL_APPEAL_DAYS);
    char notified_iso[CAL_ISO_SIZE], deadline_iso[CAL_ISO_SIZE], plain_iso[CAL_ISO_SIZE];
    char deadline_text[CAL_DANISH_SIZE];
    cal_format_iso(notified, notified_iso);
    cal_format_iso(deadline, deadline_iso);
    cal_format_iso(plain, plain_iso);
    cal_format_danish(deadline, deadline_text);
    struct decision_issue is = {
        .notified_on = notified_iso,
        .appeal_deadline = deadline_iso,
        .deadline_text = deadline_text,
        .deadline_moved_from = cal_to_days(plain) != cal_to_days(deadline) ? plain_iso : NULL,
    };
    int done = 0;
    enum db_status st = decision_issue(rq->db, draft->id, draft->version, &is, &done);
    if (st == DB_OK && !done) {
        /* The draft is locked and its version checked, so only the reference data can be
         * missing: a decision is never issued without appeal guidance. */
        reply_problem(r, PROBLEM_INTERNAL, "No appeal guidance is in force on the notification date.");
        return DECISION_REFUSED;
    }
    if (st == DB_OK && *draft->supersedes_id && supersede(rq, r, draft, notified_iso) != 0)
        return DECISION_REFUSED;
    if (st == DB_OK)
        st = decision_record(rq, draft->id, "decision.issued", "update", issued);
    if (st == DB_OK && *draft->supersedes_id) {
        struct decision_row old;
        st = decision_record(rq, draft->supersedes_id, "decision.superseded", "update", &old);
        if (st == DB_OK)
            decision_row_clear(&old);
        else
            decision_row_clear(issued);
    }
    if (st != DB_OK) {
        reply_db_error(r, st);
        return DECISION_REFUSED;
    }
    return DECISION_DONE;
}

enum decision_result decision_issue_draft(struct request *rq, struct reply *r, struct check *c,
                                          const struct decision_row *draft, const struct cal_date *notified,
                                          struct decision_row *issued)
{
    memset(issued, 0, sizeof(*issued));
    if (notified && cal_after(*notified, cal_today())) {
        check_fail(c, "notified_on", "must not be in the future");
        notified = NULL;
    }
    if (check_issuable(rq, r, c, draft, notified) != 0)
        return DECISION_REFUSED;
    if (check_failed(c) || !notified)
        return DECISION_INVALID;
    if (hearing_open(r, draft, *notified))
        return DECISION_REFUSED;
    return issue(rq, r, draft, *notified, issued);
}

/* Adds the members of texts whose value is not NULL; 1 when that failed. */
static int put_texts(json_t *obj, const char *const (*texts)[2], size_t n)
{
    int failed = !obj;
    for (size_t i = 0; !failed && i < n; i++)
        failed = texts[i][1] && json_object_set_new(obj, texts[i][0], json_string(texts[i][1])) != 0;
    return failed;
}

json_t *decision_spec_body(const struct decision_spec *spec)
{
    const char *const texts[][2] = {
        {"case_id", spec->case_id},
        {"kind", spec->kind},
        {"outcome", spec->outcome},
        {"parent_id", spec->parent_id},
        {"supersedes_id", spec->supersedes_id},
        {"subject", spec->subject},
        {"applied_for", spec->applied_for},
        {"decided_on", spec->decided_on},
        {"legal_basis_note", spec->legal_basis_note},
        {"facts", spec->facts},
        {"reasons", spec->reasons},
    };
    const struct decision_hearing_spec *h = &spec->hearing;
    const char *const hearing_texts[][2] = {
        {"status", h->status},
        {"sent_on", h->sent_on},
        {"response_deadline", h->response_deadline},
        {"answered_on", h->answered_on},
        {"not_needed_reason", h->not_needed_reason},
        {"urgency_reason", h->urgency_reason},
    };
    json_t *body = json_object();
    int failed = put_texts(body, texts, sizeof(texts) / sizeof(texts[0]));
    if (!failed && spec->n_legal_basis > 0) {
        json_t *list = json_array();
        for (size_t i = 0; i < spec->n_legal_basis; i++)
            failed |= json_array_append_new(list, json_string(spec->legal_basis[i])) != 0;
        failed |= json_object_set_new(body, "legal_basis", list) != 0;
    }
    if (!failed && spec->hours_per_week > 0)
        failed = json_object_set_new(body, "hours_per_week", json_real(spec->hours_per_week)) != 0;
    if (!failed && h->status) {
        json_t *hearing = json_object();
        failed = put_texts(hearing, hearing_texts, sizeof(hearing_texts) / sizeof(hearing_texts[0]));
        failed |= json_object_set_new(body, "hearing", hearing) != 0;
    }
    if (failed) {
        json_decref(body);
        return NULL;
    }
    return body;
}

enum decision_result decision_make(struct request *rq, struct reply *r, struct check *c,
                                   const struct decision_spec *spec, struct cal_date notified_on,
                                   char id_out[37])
{
    json_t *body = decision_spec_body(spec);
    if (!body) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return DECISION_REFUSED;
    }
    struct check dc;
    struct decision_row draft, issued;
    check_begin(&dc, body, c->prefix);
    /* The draft was written by this transaction, so no one else can change it before it
     * is issued: it needs no lock. */
    enum decision_result res = decision_create(rq, r, &dc, &draft);
    if (res == DECISION_DONE) {
        res = decision_issue_draft(rq, r, &dc, &draft, &notified_on, &issued);
        decision_row_clear(&draft);
    }
    if (res == DECISION_DONE) {
        snprintf(id_out, 37, "%s", issued.id);
        decision_row_clear(&issued);
    }
    check_merge(c, &dc);
    json_decref(body);
    return res;
}
