/* Reading what a decision request says: the decision its path names, the create and
 * change bodies field by field (with the hearing's rules, the legal basis and the hours),
 * and their codes resolved in force on the decision date. See decision_input.h. */
#include "api/decisions/decision_input.h"

#include <stdio.h>
#include <string.h>

#include "api/reference/reference.h"
#include "api/resource.h"
#include "http/app.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/hearing.h"
#include "law/validate.h"

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static int has(const json_t *obj, const char *key)
{
    return json_object_get(obj, key) != NULL;
}

static int has_value(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v);
}

/* ---- the body of a create or change ---- */

/* An optional field: absent and null both mean "no value" (in a PATCH, null clears it). */
static int opt_text(struct check *c, const char *key, enum text_kind kind, size_t max, const char **out)
{
    return check_is_null(c, key) ? CHECK_ABSENT : check_text(c, key, 0, kind, max, out);
}

static int opt_date(struct check *c, const char *key, struct cal_date *d, const char **out)
{
    if (check_is_null(c, key))
        return CHECK_ABSENT;
    int got = check_date(c, key, 0, d);
    if (got == CHECK_OK)
        *out = str(c->obj, key);
    return got;
}

static int opt_uuid(struct check *c, const char *key, const char **out)
{
    return check_is_null(c, key) ? CHECK_ABSENT : check_uuid(c, key, 0, out);
}

int decision_is_code(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > DECISION_CODE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

enum { H_NONE = 1, H_SENT = 2, H_ANSWERED = 4, H_NOT_NEEDED = 8 };

/* Which hearing fields go with which status: a hearing record that says two things at
 * once (a reason why none was needed, and an answer) is refused rather than guessed at. */
static const struct {
    const char *key;
    unsigned allowed;
    unsigned required;
    const char *not_allowed;
    const char *missing;
} hearing_rules[] = {
    {"sent_on", H_SENT | H_ANSWERED, H_SENT, "only with status sent or answered",
     "required when the hearing was sent"},
    {"response_deadline", H_SENT | H_ANSWERED, H_SENT, "only with status sent or answered",
     "required when the hearing was sent"},
    {"answered_on", H_ANSWERED, H_ANSWERED, "only with status answered", "required when the citizen answered"},
    {"not_needed_reason", H_NOT_NEEDED, H_NOT_NEEDED, "only with status not_needed",
     "required: why no hearing was needed"},
    {"urgency_reason", H_SENT | H_ANSWERED, 0, "only with status sent or answered", NULL},
};

static unsigned hearing_bit(const char *status)
{
    static const char *const names[] = {"none", "sent", "answered", "not_needed"};
    for (unsigned i = 0; i < 4; i++)
        if (strcmp(names[i], status) == 0)
            return 1u << i;
    return 0;
}

/* The answer period: at least min_days from sending to the response deadline, unless the
 * hearing says why the matter was too urgent to wait (then the letter prints the reason). */
static void check_answer_period(struct check *hc, struct cal_date sent, struct cal_date deadline, int min_days,
                                const char *urgency_reason)
{
    if (urgency_reason || hearing_period_ok(sent, deadline, min_days))
        return;
    char message[160];
    snprintf(message, sizeof(message),
             "must give the citizen at least %d days after sent_on to answer, or give urgency_reason", min_days);
    check_fail(hc, "response_deadline", message);
}

static void check_hearing(struct check *c, json_t *obj, const struct decision_read_rules *rules,
                          struct decision_hearing_input *h)
{
    static const char *const allowed[] = {"status", "sent_on", "response_deadline", "answered_on",
                                          "not_needed_reason", "urgency_reason", NULL};
    struct cal_date today = rules->today;
    static const char *const statuses[] = {"none", "sent", "answered", "not_needed", NULL};
    struct check hc;
    struct cal_date sent, deadline, answered;
    check_begin_member(&hc, c, obj, "hearing");
    check_only(&hc, allowed);
    check_choice(&hc, "status", 1, statuses, &h->status);
    int has_sent = opt_date(&hc, "sent_on", &sent, &h->sent_on) == CHECK_OK;
    int has_deadline = opt_date(&hc, "response_deadline", &deadline, &h->response_deadline) == CHECK_OK;
    int has_answered = opt_date(&hc, "answered_on", &answered, &h->answered_on) == CHECK_OK;
    opt_text(&hc, "not_needed_reason", TEXT_MULTILINE, 2000, &h->reason);
    opt_text(&hc, "urgency_reason", TEXT_MULTILINE, 2000, &h->urgency_reason);
    unsigned bit = h->status ? hearing_bit(h->status) : 0;
    for (size_t i = 0; bit && i < sizeof(hearing_rules) / sizeof(hearing_rules[0]); i++) {
        int present = has_value(obj, hearing_rules[i].key);
        if (present && !(hearing_rules[i].allowed & bit))
            check_fail(&hc, hearing_rules[i].key, hearing_rules[i].not_allowed);
        else if (!present && (hearing_rules[i].required & bit))
            check_fail(&hc, hearing_rules[i].key, hearing_rules[i].missing);
    }
    if (has_sent && cal_after(sent, today))
        check_fail(&hc, "sent_on", "must not be in the future");
    if (has_answered && cal_after(answered, today))
        check_fail(&hc, "answered_on", "must not be in the future");
    if (has_sent && has_deadline && cal_after(sent, deadline))
        check_fail(&hc, "response_deadline", "must not be before sent_on");
    else if (has_sent && has_deadline)
        check_answer_period(&hc, sent, deadline, rules->hearing_min_days, h->urgency_reason);
    if (has_sent && has_answered && cal_after(sent, answered))
        check_fail(&hc, "answered_on", "must not be before sent_on");
    check_merge(c, &hc);
}

static void check_legal_basis(struct check *c, struct decision_input *in)
{
    json_t *list = NULL;
    if (check_is_null(c, "legal_basis") ||
        check_array(c, "legal_basis", 0, DECISION_MAX_PROVISIONS, &list) != CHECK_OK)
        return;
    if (json_array_size(list) == 0) {
        check_fail(c, "legal_basis", "must name 1 to 20 legal provisions");
        return;
    }
    struct check lc;
    check_begin_member(&lc, c, list, "legal_basis");
    size_t i;
    json_t *item;
    /* codes[i] stays NULL for an item that is wrong in itself, so the others are still
     * looked up and one 422 names every wrong item. */
    json_array_foreach(list, i, item) {
        char index[24];
        snprintf(index, sizeof(index), "%zu", i);
        const char *code = json_string_value(item);
        in->codes[i] = NULL;
        in->n_codes = i + 1;
        if (!decision_is_code(code)) {
            check_fail(&lc, index, "must be a legal_provision code");
            continue;
        }
        int repeated = 0;
        for (size_t k = 0; k < i; k++)
            repeated |= in->codes[k] && strcmp(in->codes[k], code) == 0;
        if (repeated)
            check_fail(&lc, index, "names a provision already in the list");
        else
            in->codes[i] = code;
    }
    check_merge(c, &lc);
}

static void check_hours(struct check *c, struct decision_input *in)
{
    double hours;
    if (check_is_null(c, "hours_per_week") || check_number(c, "hours_per_week", 0, 0.5, 37, &hours) != CHECK_OK)
        return;
    /* numeric(4,1) keeps a tenth of an hour: a finer value would be changed silently. */
    long tenths = (long)(hours * 10.0 + 0.5);
    double off = hours * 10.0 - (double)tenths;
    if (off < -1e-6 || off > 1e-6)
        check_fail(c, "hours_per_week", "must be given in tenths of an hour (at most one decimal)");
    else
        snprintf(in->hours, sizeof(in->hours), "%ld.%ld", tenths / 10, tenths % 10);
}

void decision_check_application(struct check *c, const char *applied_for, const char *applied_on,
                                const char *notice_sent_on)
{
    if (applied_on && !applied_for)
        check_fail(c, "applied_on", "is the day an application was received: give applied_for too");
    if (notice_sent_on && !applied_for)
        check_fail(c, "processing_notice", "answers an application: give applied_for too");
}

/* The letter that told the citizen when to expect a decision: both days, not in the
 * future when sent, and the promised day not before it. */
static void check_processing_notice(struct check *c, json_t *obj, struct cal_date today, struct decision_input *in)
{
    static const char *const allowed[] = {"sent_on", "answer_expected_by", NULL};
    struct check nc;
    struct cal_date sent, expected;
    check_begin_member(&nc, c, obj, "processing_notice");
    check_only(&nc, allowed);
    int has_sent = check_date(&nc, "sent_on", 1, &sent) == CHECK_OK;
    int has_expected = check_date(&nc, "answer_expected_by", 1, &expected) == CHECK_OK;
    if (has_sent && cal_after(sent, today))
        check_fail(&nc, "sent_on", "must not be in the future");
    if (has_sent && has_expected && cal_after(sent, expected))
        check_fail(&nc, "answer_expected_by", "must not be before sent_on");
    if (has_sent && has_expected && !check_failed(&nc)) {
        in->notice_sent_on = str(obj, "sent_on");
        in->notice_expected_by = str(obj, "answer_expected_by");
    }
    check_merge(c, &nc);
}

struct decision_read_rules decision_read_rules_now(const struct request *rq)
{
    struct decision_read_rules rules = {cal_today(), rq->app->cfg.hearing_min_days};
    return rules;
}

void decision_read_body(struct check *c, int creating, const struct decision_read_rules *rules,
                        struct decision_input *in)
{
    struct cal_date today = rules->today;
    static const char *const create_fields[] = {
        "case_id", "kind", "outcome", "parent_id", "supersedes_id", "subject", "applied_for", "applied_on",
        "processing_notice", "decided_on", "legal_basis", "legal_basis_note", "facts", "reasons",
        "hours_per_week", "hearing", NULL};
    static const char *const change_fields[] = {
        "kind", "outcome", "parent_id", "subject", "applied_for", "applied_on", "processing_notice", "decided_on",
        "legal_basis", "legal_basis_note", "facts", "reasons", "hours_per_week", "hearing", NULL};
    struct cal_date d;
    memset(in, 0, sizeof(*in));
    in->today = today;
    check_only(c, creating ? create_fields : change_fields);
    if (creating) {
        check_uuid(c, "case_id", 1, &in->case_id);
        opt_uuid(c, "supersedes_id", &in->supersedes_id);
    }
    check_text(c, "kind", creating, TEXT_LINE, DECISION_CODE_MAX, &in->kind);
    opt_text(c, "outcome", TEXT_LINE, DECISION_CODE_MAX, &in->outcome);
    opt_uuid(c, "parent_id", &in->parent_id);
    opt_text(c, "subject", TEXT_LINE, 500, &in->subject);
    opt_text(c, "applied_for", TEXT_LINE, 2000, &in->applied_for);
    if (opt_date(c, "applied_on", &d, &in->applied_on) == CHECK_OK && cal_after(d, today))
        check_fail(c, "applied_on", "must not be in the future");
    json_t *notice = NULL;
    if (!check_is_null(c, "processing_notice") &&
        check_object(c, "processing_notice", 0, &notice) == CHECK_OK)
        check_processing_notice(c, notice, today, in);
    if (creating)
        decision_check_application(c, in->applied_for, in->applied_on, in->notice_sent_on);
    in->decided_on_ok = opt_date(c, "decided_on", &d, &in->decided_on) != CHECK_INVALID;
    check_legal_basis(c, in);
    opt_text(c, "legal_basis_note", TEXT_MULTILINE, 4000, &in->note);
    opt_text(c, "facts", TEXT_MULTILINE, 20000, &in->facts);
    opt_text(c, "reasons", TEXT_MULTILINE, 20000, &in->reasons);
    check_hours(c, in);
    in->hearing.status = "none";
    in->hearing_ok = 1;
    json_t *hearing = NULL;
    if (!check_is_null(c, "hearing")) {
        int got = check_object(c, "hearing", 0, &hearing);
        in->hearing_ok = got != CHECK_INVALID;
        if (got == CHECK_OK) {
            size_t before = json_array_size(c->errors);
            in->hearing.status = NULL;
            check_hearing(c, hearing, rules, &in->hearing);
            in->hearing_ok = json_array_size(c->errors) == before;
        }
    }
}

/* ---- reference codes ---- */

void decision_resolution_date(const char *decided_on, struct cal_date today, char out[CAL_ISO_SIZE])
{
    if (decided_on)
        snprintf(out, CAL_ISO_SIZE, "%s", decided_on);
    else
        cal_format_iso(today, out);
}

int decision_resolve_provisions(struct request *rq, struct reply *r, struct check *c, const char *const *codes,
                                size_t n, const char *date, const char *key, const char *message,
                                struct decision_refs *out)
{
    struct check lc;
    check_begin_member(&lc, c, NULL, "legal_basis");
    out->n_provisions = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char index[24];
        snprintf(index, sizeof(index), "%zu", i);
        out->provision_ids[i][0] = '\0';
        out->provisions[i] = out->provision_ids[i];
        out->n_provisions++;
        if (codes[i])
            rc = reference_resolve_field(rq->db, r, &lc, "legal_provision", index, codes[i], date,
                                         DECISION_NOT_IN_FORCE, out->provision_ids[i]);
    }
    if (key && check_failed(&lc)) {
        check_fail(c, key, message);
        check_end(&lc);
    } else {
        check_merge(c, &lc);
    }
    return rc;
}

int decision_check_parent(struct request *rq, struct reply *r, struct check *c, const char *parent_id,
                          const char *case_id, const char *kind_id)
{
    int ok = 0;
    enum db_status st = decision_parent_ok(rq->db, parent_id, case_id, kind_id, &ok);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return -1;
    }
    if (!ok)
        check_fail(c, "parent_id",
                   "must be an issued decision in force on the same case, of the kind this decision belongs "
                   "under (for a single intervention: the overall decision)");
    return 0;
}

/* ---- a change of a draft ---- */

/* The draft's current values, to be overridden by what a PATCH sends. hours is the
 * caller's buffer for the number as SQL text. */
static struct decision_fields current_fields(const struct decision_row *row, char hours[24])
{
    const json_t *d = row->doc, *h = json_object_get(d, "hearing");
    const json_t *n = json_object_get(d, "hours_per_week");
    hours[0] = '\0';
    if (json_is_number(n))
        snprintf(hours, 24, "%.1f", json_number_value(n));
    struct decision_fields f = {
        .kind_id = row->kind_id,
        .outcome_id = *row->outcome_id ? row->outcome_id : NULL,
        .parent_id = *row->parent_id ? row->parent_id : NULL,
        .subject = str(d, "subject"),
        .applied_for = str(d, "applied_for"),
        .applied_on = str(d, "applied_on"),
        .notice_sent_on = str(json_object_get(d, "processing_notice"), "sent_on"),
        .notice_expected_by = str(json_object_get(d, "processing_notice"), "answer_expected_by"),
        .decided_on = *row->decided_on ? row->decided_on : NULL,
        .legal_basis_note = str(d, "legal_basis_note"),
        .facts = str(d, "facts"),
        .reasons = str(d, "reasons"),
        .hours_per_week = *hours ? hours : NULL,
        .hearing_status = str(h, "status") ? str(h, "status") : "none",
        .hearing_sent_on = str(h, "sent_on"),
        .hearing_response_deadline = str(h, "response_deadline"),
        .hearing_answered_on = str(h, "answered_on"),
        .hearing_not_needed_reason = str(h, "not_needed_reason"),
        .hearing_urgency_reason = str(h, "urgency_reason"),
    };
    return f;
}

/* A text member of a PATCH: kept when absent, cleared by null, else the checked value. */
static void apply_text(const json_t *body, const char *key, const char *value, const char **field)
{
    if (has(body, key))
        *field = value;
}

/* Resolves what the PATCH changes, and, when it moves the decision date, what it keeps:
 * the kind, outcome and legal basis must be in force on the decision's date. Returns 0,
 * or -1 with the database error set. */
static int resolve_change(struct request *rq, struct reply *r, struct check *c, const struct decision_input *in,
                          const struct decision_row *row, const char *on, struct decision_fields *f,
                          struct decision_refs *refs, int *provisions_changed)
{
    const json_t *body = c->obj, *d = row->doc;
    int moved = has(body, "decided_on");
    if (in->kind) {
        if (reference_resolve_field(rq->db, r, c, "decision_kind", "kind", in->kind, on, DECISION_NOT_IN_FORCE,
                                    refs->kind_id) != 0)
            return -1;
        f->kind_id = refs->kind_id;
    } else if (moved) {
        if (reference_resolve_field(rq->db, r, c, "decision_kind", "decided_on",
                                    str(json_object_get(d, "kind"), "code"), on,
                                    "the decision's kind is not in force on that date", refs->kind_id) != 0)
            return -1;
        f->kind_id = refs->kind_id;
    }
    if (has(body, "outcome") && in->outcome) {
        if (reference_resolve_field(rq->db, r, c, "decision_outcome", "outcome", in->outcome, on,
                                    DECISION_NOT_IN_FORCE, refs->outcome_id) != 0)
            return -1;
        f->outcome_id = refs->outcome_id;
    } else if (has(body, "outcome")) {
        f->outcome_id = NULL;
    } else if (moved && f->outcome_id) {
        if (reference_resolve_field(rq->db, r, c, "decision_outcome", "decided_on",
                                    str(json_object_get(d, "outcome"), "code"), on,
                                    "the decision's outcome is not in force on that date", refs->outcome_id) != 0)
            return -1;
        f->outcome_id = refs->outcome_id;
    }
    *provisions_changed = has(body, "legal_basis") || moved;
    if (has(body, "legal_basis"))
        return decision_resolve_provisions(rq, r, c, in->codes, in->n_codes, on, NULL, NULL, refs);
    if (moved) {
        const char *kept[DECISION_MAX_PROVISIONS];
        size_t n = 0, i;
        const json_t *p;
        json_array_foreach(json_object_get(d, "legal_basis"), i, p)
            if (n < DECISION_MAX_PROVISIONS && str(p, "code"))
                kept[n++] = str(p, "code");
        return decision_resolve_provisions(rq, r, c, kept, n, on, "decided_on",
                                           "a provision of the legal basis is not in force on that date", refs);
    }
    return 0;
}

int decision_apply_change(struct request *rq, struct reply *r, struct check *c, const struct decision_input *in,
                          const struct decision_row *row, struct decision_fields *f, char hours[24],
                          struct decision_refs *refs, int *provisions_changed)
{
    const json_t *body = c->obj;
    memset(refs, 0, sizeof(*refs));
    *provisions_changed = 0;
    *f = current_fields(row, hours);
    apply_text(body, "subject", in->subject, &f->subject);
    apply_text(body, "applied_for", in->applied_for, &f->applied_for);
    apply_text(body, "applied_on", in->applied_on, &f->applied_on);
    /* The notice is one record: a PATCH replaces it (null: none). */
    if (has(body, "processing_notice")) {
        f->notice_sent_on = in->notice_sent_on;
        f->notice_expected_by = in->notice_expected_by;
    }
    if (has(body, "applied_for") || has(body, "applied_on") || has(body, "processing_notice"))
        decision_check_application(c, f->applied_for, f->applied_on, f->notice_sent_on);
    apply_text(body, "decided_on", in->decided_on, &f->decided_on);
    apply_text(body, "legal_basis_note", in->note, &f->legal_basis_note);
    apply_text(body, "facts", in->facts, &f->facts);
    apply_text(body, "reasons", in->reasons, &f->reasons);
    apply_text(body, "parent_id", in->parent_id, &f->parent_id);
    if (has(body, "hours_per_week"))
        f->hours_per_week = *in->hours ? in->hours : NULL;
    /* The hearing is one record: a PATCH replaces all of it (null: no hearing). */
    if (has(body, "hearing") && in->hearing_ok) {
        f->hearing_status = in->hearing.status;
        f->hearing_sent_on = in->hearing.sent_on;
        f->hearing_response_deadline = in->hearing.response_deadline;
        f->hearing_answered_on = in->hearing.answered_on;
        f->hearing_not_needed_reason = in->hearing.reason;
        f->hearing_urgency_reason = in->hearing.urgency_reason;
    }
    char on[CAL_ISO_SIZE];
    decision_resolution_date(f->decided_on, in->today, on);
    if (in->decided_on_ok && resolve_change(rq, r, c, in, row, on, f, refs, provisions_changed) != 0)
        return -1;
    if (f->parent_id && (has(body, "parent_id") || has(body, "kind")))
        return decision_check_parent(rq, r, c, f->parent_id, row->case_id, *f->kind_id ? f->kind_id : NULL);
    return 0;
}

/* ---- the decision the path names ---- */

int decision_from_path(struct request *rq, struct reply *r, int for_update, struct decision_row *row)
{
    const char *id = request_param(rq, "decision_id");
    int found = 0;
    memset(row, 0, sizeof(*row));
    enum db_status st = text_is_uuid(id) ? decision_fetch(rq->db, id, for_update, row, &found) : DB_OK;
    return resource_found(r, st, found, "decision");
}
