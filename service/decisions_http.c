/* /v1/decisions: draft, read, list, change a draft (If-Match) and issue. Issuing checks
 * every element forvaltningsloven §§ 19, 22-25 requires against the reference attributes
 * of the kind and outcome, fixes the notification date, appeal deadline and guidance, and
 * supersedes the decision a new one replaces, all in the request's transaction. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access_log.h"
#include "calendar.h"
#include "cases.h"
#include "decisions.h"
#include "events.h"
#include "handlers.h"
#include "page.h"
#include "reference.h"
#include "reply.h"
#include "request.h"
#include "validate.h"

#define MAX_PROVISIONS 20
#define CODE_MAX 60

static const char *const not_in_force_message = "no such code is in force on the decision date (see /v1/reference)";

static void not_found(struct reply *r)
{
    reply_problem(r, PROBLEM_NOT_FOUND, "No such decision is visible to you.");
}

static void state_problem(struct reply *r, const char *state, const char *detail)
{
    reply_problem(r, PROBLEM_INVALID_STATE, "%s", detail);
    reply_problem_extend(r, "state", json_string(state));
}

/* "Today" is the Danish civil date, whatever the server's time zone. */
static struct cal_date today(void)
{
    return cal_copenhagen_date((long long)time(NULL));
}

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

/* An error at a pointer the database named. */
static void fail_at(struct check *c, const char *pointer, const char *message)
{
    json_array_append_new(c->errors, json_pack("{s:s, s:s}", "pointer", pointer, "message", message));
}

/* Moves the errors of a check on a nested object or array into c and ends it. */
static void merge(struct check *c, struct check *nested)
{
    json_array_extend(c->errors, nested->errors);
    check_end(nested);
}

static int invalid(struct reply *r, struct check *c)
{
    if (!check_failed(c))
        return 0;
    reply_invalid(r, check_take_errors(c));
    return 1;
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

static int is_code(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > CODE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

struct hearing_input {
    const char *status;
    const char *sent_on;
    const char *response_deadline;
    const char *answered_on;
    const char *reason;
};

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
};

static unsigned hearing_bit(const char *status)
{
    static const char *const names[] = {"none", "sent", "answered", "not_needed"};
    for (unsigned i = 0; i < 4; i++)
        if (strcmp(names[i], status) == 0)
            return 1u << i;
    return 0;
}

static int after(struct cal_date a, struct cal_date b)
{
    return cal_to_days(a) > cal_to_days(b);
}

static void check_hearing(struct check *c, json_t *obj, struct cal_date now, struct hearing_input *h)
{
    static const char *const allowed[] = {"status", "sent_on", "response_deadline", "answered_on",
                                          "not_needed_reason", NULL};
    static const char *const statuses[] = {"none", "sent", "answered", "not_needed", NULL};
    struct check hc;
    struct cal_date sent, deadline, answered;
    check_begin(&hc, obj, "/hearing");
    check_only(&hc, allowed);
    check_choice(&hc, "status", 1, statuses, &h->status);
    int has_sent = opt_date(&hc, "sent_on", &sent, &h->sent_on) == CHECK_OK;
    int has_deadline = opt_date(&hc, "response_deadline", &deadline, &h->response_deadline) == CHECK_OK;
    int has_answered = opt_date(&hc, "answered_on", &answered, &h->answered_on) == CHECK_OK;
    opt_text(&hc, "not_needed_reason", TEXT_MULTILINE, 2000, &h->reason);
    unsigned bit = h->status ? hearing_bit(h->status) : 0;
    for (size_t i = 0; bit && i < sizeof(hearing_rules) / sizeof(hearing_rules[0]); i++) {
        int present = has_value(obj, hearing_rules[i].key);
        if (present && !(hearing_rules[i].allowed & bit))
            check_fail(&hc, hearing_rules[i].key, hearing_rules[i].not_allowed);
        else if (!present && (hearing_rules[i].required & bit))
            check_fail(&hc, hearing_rules[i].key, hearing_rules[i].missing);
    }
    if (has_sent && after(sent, now))
        check_fail(&hc, "sent_on", "must not be in the future");
    if (has_answered && after(answered, now))
        check_fail(&hc, "answered_on", "must not be in the future");
    if (has_sent && has_deadline && after(sent, deadline))
        check_fail(&hc, "response_deadline", "must not be before sent_on");
    if (has_sent && has_answered && after(sent, answered))
        check_fail(&hc, "answered_on", "must not be before sent_on");
    merge(c, &hc);
}

/* What a create or change body says after the shape checks; strings belong to the body. A
 * member is NULL when absent, null or invalid (the check then holds its error). */
struct input {
    const char *case_id;
    const char *supersedes_id;
    const char *kind;
    const char *outcome;
    const char *parent_id;
    const char *subject;
    const char *applied_for;
    const char *decided_on;
    int decided_on_ok;              /* absent, null or a valid date */
    const char *note;
    const char *facts;
    const char *reasons;
    char hours[24];                 /* "" when none */
    const char *codes[MAX_PROVISIONS];
    size_t n_codes;
    struct hearing_input hearing;
    int hearing_ok;
};

static void check_legal_basis(struct check *c, struct input *in)
{
    json_t *list = NULL;
    if (check_is_null(c, "legal_basis") || check_array(c, "legal_basis", 0, MAX_PROVISIONS, &list) != CHECK_OK)
        return;
    if (json_array_size(list) == 0) {
        check_fail(c, "legal_basis", "must name 1 to 20 legal provisions");
        return;
    }
    struct check lc;
    check_begin(&lc, list, "/legal_basis");
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
        if (!is_code(code)) {
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
    merge(c, &lc);
}

static void check_hours(struct check *c, struct input *in)
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

static void read_input(struct check *c, int creating, struct cal_date now, struct input *in)
{
    static const char *const create_fields[] = {
        "case_id", "kind", "outcome", "parent_id", "supersedes_id", "subject", "applied_for", "decided_on",
        "legal_basis", "legal_basis_note", "facts", "reasons", "hours_per_week", "hearing", NULL};
    static const char *const change_fields[] = {
        "kind", "outcome", "parent_id", "subject", "applied_for", "decided_on", "legal_basis",
        "legal_basis_note", "facts", "reasons", "hours_per_week", "hearing", NULL};
    struct cal_date d;
    memset(in, 0, sizeof(*in));
    check_only(c, creating ? create_fields : change_fields);
    if (creating) {
        check_uuid(c, "case_id", 1, &in->case_id);
        opt_uuid(c, "supersedes_id", &in->supersedes_id);
    }
    check_text(c, "kind", creating, TEXT_LINE, CODE_MAX, &in->kind);
    opt_text(c, "outcome", TEXT_LINE, CODE_MAX, &in->outcome);
    opt_uuid(c, "parent_id", &in->parent_id);
    opt_text(c, "subject", TEXT_LINE, 500, &in->subject);
    opt_text(c, "applied_for", TEXT_LINE, 2000, &in->applied_for);
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
            check_hearing(c, hearing, now, &in->hearing);
            in->hearing_ok = json_array_size(c->errors) == before;
        }
    }
}

/* ---- reference codes ---- */

struct resolved {
    char kind_id[24];
    char outcome_id[24];
    char provision_ids[MAX_PROVISIONS][24];
    const char *provisions[MAX_PROVISIONS];
    size_t n_provisions;
};

/* Looks a code up in force on date; records message at key of c when none is. Returns 0,
 * or -1 with the database error set on r. */
static int resolve(struct request *rq, struct reply *r, struct check *c, const char *kind, const char *key,
                   const char *code, const char *date, const char *message, char id[24])
{
    enum db_status st = reference_resolve(rq->db, kind, code, date, id);
    if (st != DB_OK) {
        db_reply_error(r, st);
        return -1;
    }
    if (!*id)
        check_fail(c, key, message);
    return 0;
}

/* The legal basis in force on date. Failures go to /legal_basis/<i>, or, when the codes
 * were not sent but kept from the draft whose date moved, once to key with message.
 * Returns 0, or -1 with the database error set. */
static int resolve_provisions(struct request *rq, struct reply *r, struct check *c, const char *const *codes,
                              size_t n, const char *date, const char *key, const char *message,
                              struct resolved *out)
{
    struct check lc;
    check_begin(&lc, NULL, "/legal_basis");
    out->n_provisions = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char index[24];
        snprintf(index, sizeof(index), "%zu", i);
        out->provision_ids[i][0] = '\0';
        out->provisions[i] = out->provision_ids[i];
        out->n_provisions++;
        if (codes[i])
            rc = resolve(rq, r, &lc, "legal_provision", index, codes[i], date, not_in_force_message,
                         out->provision_ids[i]);
    }
    if (key && check_failed(&lc)) {
        check_fail(c, key, message);
        check_end(&lc);
    } else {
        merge(c, &lc);
    }
    return rc;
}

/* The date codes resolve on: the decision date if there is one, else today. */
static void resolution_date(const char *decided_on, struct cal_date now, char out[CAL_ISO_SIZE])
{
    if (decided_on)
        snprintf(out, CAL_ISO_SIZE, "%s", decided_on);
    else
        cal_format_iso(now, out);
}

/* ---- the end of every change ---- */

/* Reads the decision again, writes its access-log row and its event. On DB_OK the caller
 * owns row and clears it. */
static enum db_status record_change(struct request *rq, const char *id, const char *event, const char *action,
                                    struct decision_row *row)
{
    int found = 0;
    enum db_status st = decision_fetch(rq->db, id, 0, row, &found);
    if (st == DB_OK && !found)
        st = DB_ERROR;
    if (st == DB_OK)
        st = access_log_write(rq, action, "decision", row->id, row->citizen_id, NULL);
    if (st == DB_OK) {
        char version[24], *doc_text = json_dumps(row->doc, JSON_COMPACT);
        snprintf(version, sizeof(version), "%ld", row->version);
        st = doc_text ? events_emit(rq, event, "decision", row->id, version, row->municipality, doc_text)
                      : DB_ERROR;
        free(doc_text);
    }
    if (st != DB_OK)
        decision_row_clear(row);
    return st;
}

static void reply_decision(struct reply *r, int status, const struct decision_row *row)
{
    reply_header(r, "ETag", "\"%ld\"", row->version);
    reply_header(r, "Location", "/v1/decisions/%s", row->id);
    reply_json(r, status, json_incref(row->doc));
}

static void finish_write(struct request *rq, struct reply *r, const char *id, const char *event,
                         const char *action, int status)
{
    struct decision_row row;
    enum db_status st = record_change(rq, id, event, action, &row);
    if (st != DB_OK) {
        db_reply_error(r, st);
        return;
    }
    reply_decision(r, status, &row);
    decision_row_clear(&row);
}

/* ---- create ---- */

/* Checks parent_id: an issued decision in force on the case, of the kind the decision
 * belongs under. Returns 0, or -1 with the database error set. */
static int check_parent(struct request *rq, struct reply *r, struct check *c, const char *parent_id,
                        const char *case_id, const char *kind_id)
{
    int ok = 0;
    enum db_status st = decision_parent_ok(rq->db, parent_id, case_id, kind_id, &ok);
    if (st != DB_OK) {
        db_reply_error(r, st);
        return -1;
    }
    if (!ok)
        check_fail(c, "parent_id",
                   "must be an issued decision in force on the same case, of the kind this decision belongs "
                   "under (for a single intervention: the overall decision)");
    return 0;
}

void api_decisions_create(struct request *rq, struct reply *r)
{
    struct check c;
    struct input in;
    struct resolved res;
    struct case_row cs;
    struct decision_row old;
    int case_found = 0, old_found = 0;
    struct cal_date now = today();
    memset(&res, 0, sizeof(res));
    memset(&cs, 0, sizeof(cs));
    memset(&old, 0, sizeof(old));
    check_begin(&c, rq->body, "");
    read_input(&c, 1, now, &in);

    /* Everything that can be wrong with the request is collected before answering, so
     * one 422 names every field. The case is locked so it cannot close meanwhile. */
    enum db_status st = in.case_id ? case_fetch(rq->db, in.case_id, 1, &cs, &case_found) : DB_OK;
    if (st == DB_OK && in.case_id && !case_found)
        check_fail(&c, "case_id", "no such case is visible to you");
    char on[CAL_ISO_SIZE];
    resolution_date(in.decided_on, now, on);
    int failed = st != DB_OK;
    if (st != DB_OK)
        db_reply_error(r, st);
    if (!failed && in.decided_on_ok) {
        failed = (in.kind && resolve(rq, r, &c, "decision_kind", "kind", in.kind, on, not_in_force_message,
                                     res.kind_id) != 0) ||
                 (in.outcome && resolve(rq, r, &c, "decision_outcome", "outcome", in.outcome, on,
                                        not_in_force_message, res.outcome_id) != 0) ||
                 resolve_provisions(rq, r, &c, in.codes, in.n_codes, on, NULL, NULL, &res) != 0;
    }
    if (!failed && in.parent_id && case_found)
        failed = check_parent(rq, r, &c, in.parent_id, cs.id, *res.kind_id ? res.kind_id : NULL) != 0;
    if (!failed && in.supersedes_id) {
        st = decision_fetch(rq->db, in.supersedes_id, 0, &old, &old_found);
        if (st != DB_OK) {
            db_reply_error(r, st);
            failed = 1;
        } else if (!old_found) {
            check_fail(&c, "supersedes_id", "no such decision is visible to you");
        } else if (case_found && strcmp(old.case_id, cs.id) != 0) {
            check_fail(&c, "supersedes_id", "must be a decision on the same case");
        }
    }

    if (!failed && !invalid(r, &c)) {
        if (strcmp(cs.status, "open") != 0) {
            state_problem(r, cs.status, "The case is closed: no new decision can be made on it.");
        } else if (old_found && strcmp(old.status, "issued") != 0) {
            reply_problem(r, PROBLEM_INVALID_STATE,
                          "Only an issued decision can be superseded; that decision is %s.", old.status);
            reply_problem_extend(r, "state", json_string(old.status));
        } else {
            struct decision_fields f = {
                .kind_id = res.kind_id,
                .outcome_id = in.outcome ? res.outcome_id : NULL,
                .parent_id = in.parent_id,
                .subject = in.subject,
                .applied_for = in.applied_for,
                .decided_on = in.decided_on,
                .legal_basis_note = in.note,
                .facts = in.facts,
                .reasons = in.reasons,
                .hours_per_week = *in.hours ? in.hours : NULL,
                .hearing_status = in.hearing.status,
                .hearing_sent_on = in.hearing.sent_on,
                .hearing_response_deadline = in.hearing.response_deadline,
                .hearing_answered_on = in.hearing.answered_on,
                .hearing_not_needed_reason = in.hearing.reason,
            };
            char id[37];
            st = decision_insert(rq->db, cs.id, in.supersedes_id, &f, id);
            if (st == DB_OK)
                st = decision_set_provisions(rq->db, id, res.provisions, res.n_provisions);
            if (st == DB_UNIQUE)
                reply_problem(r, PROBLEM_CONFLICT,
                              "Another decision already supersedes that decision; change that draft instead.");
            else if (st != DB_OK)
                db_reply_error(r, st);
            else
                finish_write(rq, r, id, "decision.created", "create", 201);
        }
    }
    decision_row_clear(&old);
    case_row_clear(&cs);
    check_end(&c);
}

/* ---- read and list ---- */

void api_decisions_get(struct request *rq, struct reply *r)
{
    const char *id = request_param(rq, "decision_id");
    struct decision_row row;
    int found = 0;
    memset(&row, 0, sizeof(row));
    enum db_status st = text_is_uuid(id) ? decision_fetch(rq->db, id, 0, &row, &found) : DB_OK;
    if (st != DB_OK) {
        db_reply_error(r, st);
        return;
    }
    if (!found) {
        not_found(r);
        return;
    }
    st = access_log_write(rq, "read", "decision", row.id, row.citizen_id, NULL);
    if (st != DB_OK)
        db_reply_error(r, st);
    else {
        reply_header(r, "ETag", "\"%ld\"", row.version);
        reply_json(r, 200, json_incref(row.doc));
    }
    decision_row_clear(&row);
}

/* Staff list their municipality's decisions, a citizen their own: the same query, with
 * row-level security deciding which rows each sees. */
void api_decisions_list(struct request *rq, struct reply *r)
{
    static const char *const statuses[] = {"draft", "issued", "superseded", NULL};
    struct page p;
    if (page_from_query(rq, r, &p) != 0)
        return;
    struct decision_filter f = {
        .case_id = request_query(rq, "case_id"),
        .status = request_query(rq, "status"),
        .kind = request_query(rq, "kind"),
    };
    int status_ok = !f.status;
    for (size_t i = 0; f.status && statuses[i]; i++)
        status_ok |= strcmp(statuses[i], f.status) == 0;
    if (!status_ok || (f.kind && !is_code(f.kind)) || (f.case_id && !text_is_uuid(f.case_id))) {
        reply_problem(r, PROBLEM_BAD_REQUEST,
                      "Filters: case_id is a UUID, status draft, issued or superseded, kind a decision_kind code.");
        return;
    }
    json_t *criteria = json_pack("{s:s?, s:s?, s:s?}", "case_id", f.case_id, "status", f.status, "kind", f.kind);
    enum db_status st = access_log_write(rq, "search", "decision", NULL, NULL, criteria);
    json_decref(criteria);
    PGresult *res = NULL;
    if (st == DB_OK)
        st = decision_list(rq->db, &f, &p, &res);
    if (st != DB_OK) {
        db_reply_error(r, st);
        return;
    }
    page_reply(r, res, &p);
    PQclear(res);
}

/* ---- change a draft ---- */

/* Locks the decision and checks that it is a draft and the caller's If-Match holds. The
 * state is checked first: an issued decision never changes, whatever version the caller
 * read. Returns 0 with row filled (caller clears), or -1 with the reply set. */
static int lock_draft(struct request *rq, struct reply *r, long version, struct decision_row *row)
{
    const char *id = request_param(rq, "decision_id");
    int found = 0;
    memset(row, 0, sizeof(*row));
    enum db_status st = text_is_uuid(id) ? decision_fetch(rq->db, id, 1, row, &found) : DB_OK;
    if (st != DB_OK) {
        db_reply_error(r, st);
        return -1;
    }
    if (!found) {
        not_found(r);
        return -1;
    }
    if (strcmp(row->status, "draft") != 0) {
        reply_problem(r, PROBLEM_INVALID_STATE,
                      "The decision is %s and cannot change; make a new decision that supersedes it.",
                      row->status);
        reply_problem_extend(r, "state", json_string(row->status));
    } else if (row->version != version) {
        reply_problem(r, PROBLEM_PRECONDITION_FAILED,
                      "The decision has changed since you read it; read it again and retry.");
    } else {
        return 0;
    }
    decision_row_clear(row);
    return -1;
}

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
static int resolve_change(struct request *rq, struct reply *r, struct check *c, const json_t *body,
                          const struct input *in, const struct decision_row *row, const char *on,
                          struct decision_fields *f, struct resolved *res, int *provisions_changed)
{
    const json_t *d = row->doc;
    int moved = has(body, "decided_on");
    if (in->kind) {
        if (resolve(rq, r, c, "decision_kind", "kind", in->kind, on, not_in_force_message, res->kind_id) != 0)
            return -1;
        f->kind_id = res->kind_id;
    } else if (moved) {
        if (resolve(rq, r, c, "decision_kind", "decided_on", str(json_object_get(d, "kind"), "code"), on,
                    "the decision's kind is not in force on that date", res->kind_id) != 0)
            return -1;
        f->kind_id = res->kind_id;
    }
    if (has(body, "outcome") && in->outcome) {
        if (resolve(rq, r, c, "decision_outcome", "outcome", in->outcome, on, not_in_force_message,
                    res->outcome_id) != 0)
            return -1;
        f->outcome_id = res->outcome_id;
    } else if (has(body, "outcome")) {
        f->outcome_id = NULL;
    } else if (moved && f->outcome_id) {
        if (resolve(rq, r, c, "decision_outcome", "decided_on", str(json_object_get(d, "outcome"), "code"), on,
                    "the decision's outcome is not in force on that date", res->outcome_id) != 0)
            return -1;
        f->outcome_id = res->outcome_id;
    }
    *provisions_changed = has(body, "legal_basis") || moved;
    if (has(body, "legal_basis"))
        return resolve_provisions(rq, r, c, in->codes, in->n_codes, on, NULL, NULL, res);
    if (moved) {
        const char *kept[MAX_PROVISIONS];
        size_t n = 0, i;
        const json_t *p;
        json_array_foreach(json_object_get(d, "legal_basis"), i, p)
            if (n < MAX_PROVISIONS && str(p, "code"))
                kept[n++] = str(p, "code");
        return resolve_provisions(rq, r, c, kept, n, on, "decided_on",
                                  "a provision of the legal basis is not in force on that date", res);
    }
    return 0;
}

void api_decisions_update(struct request *rq, struct reply *r)
{
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    struct decision_row row;
    if (lock_draft(rq, r, version, &row) != 0)
        return;
    struct check c;
    struct input in;
    struct resolved res;
    struct cal_date now = today();
    memset(&res, 0, sizeof(res));
    check_begin(&c, rq->body, "");
    read_input(&c, 0, now, &in);
    if (json_object_size(rq->body) == 0)
        check_fail(&c, NULL, "name at least one field to change");

    const json_t *body = rq->body;
    char hours[24];
    struct decision_fields f = current_fields(&row, hours);
    apply_text(body, "subject", in.subject, &f.subject);
    apply_text(body, "applied_for", in.applied_for, &f.applied_for);
    apply_text(body, "decided_on", in.decided_on, &f.decided_on);
    apply_text(body, "legal_basis_note", in.note, &f.legal_basis_note);
    apply_text(body, "facts", in.facts, &f.facts);
    apply_text(body, "reasons", in.reasons, &f.reasons);
    apply_text(body, "parent_id", in.parent_id, &f.parent_id);
    if (has(body, "hours_per_week"))
        f.hours_per_week = *in.hours ? in.hours : NULL;
    /* The hearing is one record: a PATCH replaces all of it (null: no hearing). */
    if (has(body, "hearing") && in.hearing_ok) {
        f.hearing_status = in.hearing.status;
        f.hearing_sent_on = in.hearing.sent_on;
        f.hearing_response_deadline = in.hearing.response_deadline;
        f.hearing_answered_on = in.hearing.answered_on;
        f.hearing_not_needed_reason = in.hearing.reason;
    }

    char on[CAL_ISO_SIZE];
    resolution_date(f.decided_on, now, on);
    int provisions_changed = 0;
    int failed = in.decided_on_ok &&
                 resolve_change(rq, r, &c, body, &in, &row, on, &f, &res, &provisions_changed) != 0;
    if (!failed && f.parent_id && (has(body, "parent_id") || has(body, "kind")))
        failed = check_parent(rq, r, &c, f.parent_id, row.case_id, *f.kind_id ? f.kind_id : NULL) != 0;

    if (!failed && !invalid(r, &c)) {
        int updated = 0;
        enum db_status st = decision_update(rq->db, row.id, version, &f, &updated);
        if (st == DB_OK && updated && provisions_changed)
            st = decision_set_provisions(rq->db, row.id, res.provisions, res.n_provisions);
        if (st != DB_OK)
            db_reply_error(r, st);
        else if (!updated)
            reply_problem(r, PROBLEM_PRECONDITION_FAILED, "The decision has changed since you read it.");
        else
            finish_write(rq, r, row.id, "decision.updated", "update", 200);
    }
    decision_row_clear(&row);
    check_end(&c);
}

/* ---- issue ---- */

/* Every element the law requires of the decision, each missing one recorded in c with its
 * pointer. What is required follows the reference attributes of the kind and outcome; an
 * attribute that is absent counts the stricter way. notified is NULL when the body's date
 * was invalid. Returns 0, or -1 with the database error set. */
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
    if (json_is_true(json_object_get(ka, "requires_hours_per_week")) && !has_value(d, "hours_per_week"))
        check_fail(c, "hours_per_week", "required for this kind of decision");
    if (json_is_string(json_object_get(ka, "requires_parent")) && !*row->parent_id)
        check_fail(c, "parent_id", "required: this kind of decision belongs under an issued decision in force");
    if (*row->parent_id && check_parent(rq, r, c, row->parent_id, row->case_id, row->kind_id) != 0)
        return -1;
    if (!notified)
        return 0;
    struct cal_date decided = *notified;
    if (*row->decided_on && cal_parse_iso(row->decided_on, &decided) == 0 && after(decided, *notified))
        check_fail(c, "decided_on", "must not be after the notification date");
    enum db_status st = DB_OK;
    if (*row->supersedes_id) {
        /* A replacement notified before the decision it replaces would rewrite history. */
        struct decision_row old;
        struct cal_date old_notified;
        int found = 0;
        st = decision_fetch(rq->db, row->supersedes_id, 0, &old, &found);
        if (st != DB_OK) {
            db_reply_error(r, st);
            return -1;
        }
        if (found && cal_parse_iso(str(old.doc, "notified_on"), &old_notified) == 0 &&
            after(old_notified, *notified))
            check_fail(c, "notified_on", "must not be before the notification of the decision this one supersedes");
        decision_row_clear(&old);
    }
    char on[CAL_ISO_SIZE];
    cal_format_iso(decided, on);
    PGresult *res;
    st = decision_references_not_in_force(rq->db, row->id, on, &res);
    if (st != DB_OK) {
        db_reply_error(r, st);
        return -1;
    }
    for (int i = 0; i < PQntuples(res); i++)
        fail_at(c, PQgetvalue(res, i, 0), "not in force on the decision date; choose a code in force then");
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
        after(notified, deadline))
        return 0;
    reply_problem(r, PROBLEM_INVALID_STATE,
                  "The hearing of the citizen runs until its response deadline %s: the decision can be notified "
                  "only after that date, or once the citizen has answered.",
                  deadline_text);
    reply_problem_extend(r, "state", json_string("hearing_open"));
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
            reply_problem(r, PROBLEM_INVALID_STATE, "The decision this one supersedes is %s, not issued.",
                          found ? old.status : "not visible");
            reply_problem_extend(r, "state", json_string(found ? old.status : "unknown"));
            decision_row_clear(&old);
            return -1;
        }
    }
    if (st == DB_OK && strcmp(reason, "remitted") == 0)
        st = record_after_remittal(rq, row->supersedes_id, row->id, on);
    if (st != DB_OK) {
        db_reply_error(r, st);
        return -1;
    }
    return 0;
}

void api_decisions_issue(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"notified_on", NULL};
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    struct decision_row row;
    if (lock_draft(rq, r, version, &row) != 0)
        return;
    struct check c;
    struct cal_date now = today(), notified = now;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    int got = check_date(&c, "notified_on", 0, &notified);
    if (got == CHECK_OK && after(notified, now)) {
        check_fail(&c, "notified_on", "must not be in the future");
        got = CHECK_INVALID;
    }
    int failed = check_issuable(rq, r, &c, &row, got == CHECK_INVALID ? NULL : &notified) != 0;
    if (failed || invalid(r, &c) || hearing_open(r, &row, notified)) {
        decision_row_clear(&row);
        check_end(&c);
        return;
    }
    check_end(&c);

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
    int issued = 0;
    enum db_status st = decision_issue(rq->db, row.id, version, &is, &issued);
    if (st != DB_OK) {
        db_reply_error(r, st);
    } else if (!issued) {
        /* The draft is locked and its version checked, so only the reference data can be
         * missing: a decision is never issued without appeal guidance. */
        reply_problem(r, PROBLEM_INTERNAL, "No appeal guidance is in force on the notification date.");
    } else if (!*row.supersedes_id || supersede(rq, r, &row, notified_iso) == 0) {
        struct decision_row issued_row, old_row;
        st = record_change(rq, row.id, "decision.issued", "update", &issued_row);
        if (st == DB_OK && *row.supersedes_id) {
            st = record_change(rq, row.supersedes_id, "decision.superseded", "update", &old_row);
            if (st == DB_OK)
                decision_row_clear(&old_row);
            else
                decision_row_clear(&issued_row);
        }
        if (st != DB_OK) {
            db_reply_error(r, st);
        } else {
            reply_decision(r, 200, &issued_row);
            decision_row_clear(&issued_row);
        }
    }
    decision_row_clear(&row);
}
