/* /v1/cases/{case_id}/interventions and /v1/interventions: requesting, reading and listing
 * interventions, the steps after the request (start, end, cancel, progress; legal states in
 * intervention_rules.c; starting issues the sub-decision through decision_make), and the
 * records every change leaves (intervention_record, also used by review completion). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/cases/case_path.h"
#include "api/decisions/decision_issue.h"
#include "api/handlers.h"
#include "api/interventions/interventions.h"
#include "api/resource.h"
#include "http/page.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/calendar.h"
#include "law/intervention_rules.h"
#include "law/validate.h"

#define HOURS_DO_NOT_APPLY "does not apply to this type of intervention (its reference attributes say so)"

static struct resource view(const struct intervention_row *row)
{
    struct resource v = {"intervention", "/v1/interventions", row->id, row->citizen_id, row->municipality,
                         row->version, row->doc};
    return v;
}

enum db_status intervention_record(struct request *rq, const char *id, const char *event, const char *action,
                                   struct intervention_row *row)
{
    const char *const events[] = {event, NULL};
    int found = 0;
    enum db_status st = intervention_fetch(rq->db, id, 0, row, &found);
    if (st == DB_OK && !found)
        st = DB_ERROR;
    if (st == DB_OK) {
        struct resource v = view(row);
        st = resource_record_change(rq, &v, action, events);
    }
    if (st != DB_OK)
        intervention_row_clear(row);
    return st;
}

/* The records and the reply every successful change ends with. */
static void finish_write(struct request *rq, struct reply *r, const char *id, const char *event,
                         const char *action, int status)
{
    struct intervention_row row;
    enum db_status st = intervention_record(rq, id, event, action, &row);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return;
    }
    struct resource v = view(&row);
    resource_reply_change(r, status, &v);
    intervention_row_clear(&row);
}

/* hours_per_week of the body: 0.5 to 37 in tenths of an hour, as the sub-decision takes
 * them; out gets the numeric text when valid. */
static int check_hours(struct check *c, char out[24])
{
    double hours;
    int got = check_number(c, "hours_per_week", 0, 0.5, 37, &hours);
    if (got == CHECK_OK && intervention_hours_text(hours, out) != 0) {
        check_fail(c, "hours_per_week", "must be given in tenths of an hour (at most one decimal)");
        return CHECK_INVALID;
    }
    return got;
}

/* The type code names, in force on the day the intervention was requested (on); records
 * in c when none is, or when has_hours and hours do not apply to it. Returns 0 with
 * id_out ("" when none is in force), or -1 with the database error set. */
static int resolve_type(struct request *rq, struct reply *r, struct check *c, const char *code, const char *on,
                        int has_hours, char id_out[24])
{
    struct intervention_type t;
    enum db_status st = intervention_type_fetch(rq->db, code, on, &t);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return -1;
    }
    if (!*t.id)
        check_fail(c, "type", "no such intervention type is in force on requested_on (see /v1/reference)");
    else if (has_hours && !intervention_hours_apply(t.attributes))
        check_fail(c, "hours_per_week", HOURS_DO_NOT_APPLY);
    snprintf(id_out, 24, "%s", t.id);
    json_decref(t.attributes);
    return 0;
}

void api_interventions_create(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"type", "requested_on", "planned_start", "provider", "hours_per_week",
                                          NULL};
    struct cal_date today = cal_today(), requested, planned;
    const char *type = NULL, *provider = NULL;
    char hours[24] = "", requested_text[CAL_ISO_SIZE] = "", type_id[24] = "";
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_text(&c, "type", 1, TEXT_LINE, 60, &type);
    int has_requested = check_past_date(&c, "requested_on", 1, today, &requested) == CHECK_OK;
    int has_planned = check_date(&c, "planned_start", 0, &planned) == CHECK_OK;
    check_text(&c, "provider", 0, TEXT_LINE, 200, &provider);
    int has_hours = check_hours(&c, hours) == CHECK_OK;
    if (has_requested && has_planned && cal_after(requested, planned))
        check_fail(&c, "planned_start", "must not be before requested_on");
    if (has_requested)
        cal_format_iso(requested, requested_text);
    struct case_row cs;
    if ((type && has_requested && resolve_type(rq, r, &c, type, requested_text, has_hours, type_id) != 0) ||
        reply_check_invalid(r, &c) || case_path_fetch(rq, r, 1, &cs) != 0) {
        check_end(&c);
        return;
    }
    check_end(&c);
    if (strcmp(cs.status, "open") != 0) {
        reply_state_problem(r, cs.status, "The case is %s: no intervention can be requested on it.", cs.status);
        case_row_clear(&cs);
        return;
    }
    struct intervention_new in = {
        .case_id = cs.id,
        .type_id = type_id,
        .requested_on = requested_text,
        .planned_start = has_planned ? json_string_value(json_object_get(rq->body, "planned_start")) : NULL,
        .provider = provider,
        .hours_per_week = has_hours ? hours : NULL,
    };
    char id[37];
    enum db_status st = intervention_insert(rq->db, &in, id);
    if (st != DB_OK)
        reply_db_error(r, st);
    else
        finish_write(rq, r, id, "intervention.created", "create", 201);
    case_row_clear(&cs);
}

void api_interventions_get(struct request *rq, struct reply *r)
{
    const char *id = request_param(rq, "intervention_id");
    struct intervention_row row;
    int found = 0;
    enum db_status st = text_is_uuid(id) ? intervention_fetch(rq->db, id, 0, &row, &found) : DB_OK;
    if (resource_found(r, st, found, "intervention") != 0)
        return;
    struct resource v = view(&row);
    resource_reply_read(rq, r, &v);
    intervention_row_clear(&row);
}

/* Staff list their municipality's interventions on a case, a citizen those on their own:
 * one query, row-level security deciding the rows. */
void api_interventions_list(struct request *rq, struct reply *r)
{
    struct page p;
    if (page_from_query(rq, r, &p) != 0)
        return;
    const char *status = request_query(rq, "status");
    enum intervention_status s;
    if (status && intervention_status_parse(status, &s) != 0) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "status is requested, started, ended or cancelled.");
        return;
    }
    struct case_row cs;
    if (case_path_fetch(rq, r, 0, &cs) != 0)
        return;
    enum db_status st = resource_log_search(rq, "intervention", cs.citizen_id,
                                            json_pack("{s:s, s:s?}", "case_id", cs.id, "status", status));
    PGresult *res = NULL;
    if (st == DB_OK)
        st = intervention_list(rq->db, cs.id, status, &p, &res);
    page_reply_result(r, st, res, &p);
    case_row_clear(&cs);
}

static const char *step_text(enum intervention_action action)
{
    switch (action) {
    case INTERVENTION_START:
        return "starting it";
    case INTERVENTION_END:
        return "ending it";
    case INTERVENTION_CANCEL:
        return "cancelling it";
    case INTERVENTION_PROGRESS:
        break;
    }
    return "noting progress";
}

/* 409 naming the intervention's state and, from the transition table, where the step is
 * legal. */
static void refuse_step(struct reply *r, const char *state, enum intervention_action action)
{
    unsigned states = intervention_states_allowing(action);
    char allowed[64] = "";
    for (int s = 0; s < INTERVENTION_STATUS_COUNT; s++)
        if (states & (1u << s)) {
            size_t used = strlen(allowed);
            snprintf(allowed + used, sizeof(allowed) - used, "%s%s", used ? " or " : "",
                     intervention_status_name((enum intervention_status)s));
        }
    reply_state_problem(r, state, "The intervention is %s; %s is possible only while it is %s.", state,
                        step_text(action), allowed);
}

/* Locks the intervention the path names and checks that the step is legal in its state,
 * then that the caller's If-Match (version; -1 when the step takes none) still holds. The
 * state comes first so a repeated step answers which state the intervention is in. Then
 * records in c when the step's date (key: on) precedes what the step follows. Returns 0
 * with row (the caller clears it), or -1 with the reply set. */
static int lock_step(struct request *rq, struct reply *r, struct check *c, long version,
                     enum intervention_action action, const char *key, struct cal_date on,
                     struct intervention_row *row)
{
    const char *id = request_param(rq, "intervention_id");
    int found = 0;
    enum db_status st = text_is_uuid(id) ? intervention_fetch(rq->db, id, 1, row, &found) : DB_OK;
    if (resource_found(r, st, found, "intervention") != 0)
        return -1;
    enum intervention_status status;
    int to = intervention_status_parse(row->status, &status) == 0 ? intervention_transition(status, action) : -1;
    struct cal_date requested = {0, 0, 0}, started = {0, 0, 0};
    int has_started = cal_parse_iso(row->started_on, &started) == 0;
    if (to < 0) {
        refuse_step(r, row->status, action);
    } else if (version >= 0 && row->version != version) {
        reply_problem(r, PROBLEM_PRECONDITION_FAILED,
                      "The intervention has changed since you read it; read it again and retry.");
    } else if (cal_parse_iso(row->requested_on, &requested) != 0) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
    } else {
        struct cal_date earliest = intervention_step_earliest(action, requested, has_started, started);
        if (cal_after(earliest, on))
            check_fail(c, key, has_started && action != INTERVENTION_START
                                   ? "must not be before the intervention started"
                                   : "must not be before the intervention was requested");
        return 0;
    }
    intervention_row_clear(row);
    return -1;
}

/* Ends c. When failed (the reply is set) or c holds errors (the 422 is set), releases the
 * row and returns 1. */
static int step_refused(struct reply *r, struct check *c, struct intervention_row *row, int failed)
{
    failed = failed || reply_check_invalid(r, c);
    check_end(c);
    if (failed)
        intervention_row_clear(row);
    return failed;
}

/* The end of a step: the database error, 412 when the intervention changed meanwhile, or
 * the change's records and answer. */
static void finish_step(struct request *rq, struct reply *r, enum db_status st, int updated, const char *id,
                        const char *event, int status)
{
    if (resource_updated(r, st, updated, "intervention") == 0)
        finish_write(rq, r, id, event, "update", status);
}

/* The sub-decision of the intervention being started: kind intervention, granted, under
 * the case's overall decision in force, citing the type's provisions in force on the
 * start date, decided on the start date and notified today. DECISION_INVALID leaves the
 * field errors in c (the decision's own as /decision/...); DECISION_REFUSED sets the
 * reply; DECISION_DONE fills id_out. */
static enum decision_result issue_sub_decision(struct request *rq, struct reply *r, struct check *c,
                                               const struct intervention_row *row, const char *started_on,
                                               const char *hours, char id_out[37])
{
    char parent[37], codes[INTERVENTION_MAX_PROVISIONS][64];
    size_t n = 0;
    enum db_status st = intervention_provisions_in_force(rq->db, row->id, started_on, codes, &n);
    if (st == DB_OK)
        st = intervention_overall_decision(rq->db, row->case_id, parent);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return DECISION_REFUSED;
    }
    if (n == 0) {
        check_fail(c, "started_on",
                   "none of the provisions this type of intervention is decided under is in force on that date");
        return DECISION_INVALID;
    }
    if (!*parent) {
        reply_state_problem(r, "no_overall_decision",
                            "The case has no overall decision in force: an intervention is started under the "
                            "overall decision on future interventions, so issue that first.");
        return DECISION_REFUSED;
    }
    const char *basis[INTERVENTION_MAX_PROVISIONS];
    for (size_t i = 0; i < n; i++)
        basis[i] = codes[i];
    struct decision_spec spec = {
        .case_id = row->case_id,
        .kind = "intervention",
        .outcome = "granted",
        .parent_id = parent,
        .subject = row->type_label,
        .decided_on = started_on,
        .legal_basis = basis,
        .n_legal_basis = n,
        .hours_per_week = *hours ? strtod(hours, NULL) : 0,
    };
    struct check dc;
    check_begin(&dc, NULL, "/decision");
    enum decision_result res = decision_make(rq, r, &dc, &spec, cal_today(), id_out);
    check_merge(c, &dc);
    return res;
}

void api_interventions_start(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"started_on", "provider", "hours_per_week", NULL};
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    struct cal_date today = cal_today(), on = today;
    const char *provider = NULL;
    char hours[24] = "";
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_past_date(&c, "started_on", 1, today, &on);
    check_text(&c, "provider", 0, TEXT_LINE, 200, &provider);
    int has_hours = check_hours(&c, hours) == CHECK_OK;
    struct intervention_row row;
    if (reply_check_invalid(r, &c) ||
        lock_step(rq, r, &c, version, INTERVENTION_START, "started_on", on, &row) != 0) {
        check_end(&c);
        return;
    }
    if (has_hours && !intervention_hours_apply(row.type_attributes))
        check_fail(&c, "hours_per_week", HOURS_DO_NOT_APPLY);
    char on_text[CAL_ISO_SIZE], decision_id[37] = "";
    cal_format_iso(on, on_text);
    /* Every field error is collected before anything is issued. */
    enum decision_result res =
        check_failed(&c) ? DECISION_INVALID
                         : issue_sub_decision(rq, r, &c, &row, on_text, has_hours ? hours : row.hours_per_week,
                                              decision_id);
    if (step_refused(r, &c, &row, res == DECISION_REFUSED))
        return;
    int updated = 0;
    enum db_status st = intervention_start(rq->db, row.id, version, on_text, provider, has_hours ? hours : NULL,
                                           decision_id, &updated);
    finish_step(rq, r, st, updated, row.id, "intervention.started", 200);
    intervention_row_clear(&row);
}

/* The two steps that close an intervention: a date (today when optional and absent) and
 * a text, checked against the state and the dates, then the change. */
struct closing_step {
    const char *date_key;
    int date_required;
    const char *text_key;
    size_t text_max;
    enum intervention_action action;
    enum db_status (*change)(struct db_conn *db, const char *id, long version, const char *on, const char *text,
                             int *updated);
    const char *event;
};

static void close_intervention(struct request *rq, struct reply *r, const struct closing_step *s)
{
    const char *const allowed[] = {s->date_key, s->text_key, NULL};
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    struct cal_date today = cal_today(), on = today;
    const char *text = NULL;
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_past_date(&c, s->date_key, s->date_required, today, &on);
    check_text(&c, s->text_key, 1, TEXT_MULTILINE, s->text_max, &text);
    struct intervention_row row;
    if (reply_check_invalid(r, &c) || lock_step(rq, r, &c, version, s->action, s->date_key, on, &row) != 0) {
        check_end(&c);
        return;
    }
    if (step_refused(r, &c, &row, 0))
        return;
    char on_text[CAL_ISO_SIZE];
    cal_format_iso(on, on_text);
    int updated = 0;
    enum db_status st = s->change(rq->db, row.id, version, on_text, text, &updated);
    finish_step(rq, r, st, updated, row.id, s->event, 200);
    intervention_row_clear(&row);
}

void api_interventions_end(struct request *rq, struct reply *r)
{
    static const struct closing_step end = {"ended_on", 1, "outcome", 4000, INTERVENTION_END, intervention_end,
                                            "intervention.ended"};
    close_intervention(rq, r, &end);
}

void api_interventions_cancel(struct request *rq, struct reply *r)
{
    static const struct closing_step cancel = {"cancelled_on", 0, "reason", 2000, INTERVENTION_CANCEL,
                                               intervention_cancel, "intervention.cancelled"};
    close_intervention(rq, r, &cancel);
}

/* A progress note adds to the record rather than changing what someone read, so it needs
 * no If-Match; one that is sent is still honoured. */
void api_interventions_progress(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"noted_on", "note", NULL};
    long version = -1;
    if (request_header(rq, "If-Match") && request_if_match_version(rq, r, &version) != 0)
        return;
    struct cal_date today = cal_today(), on = today;
    const char *note = NULL;
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_past_date(&c, "noted_on", 1, today, &on);
    check_text(&c, "note", 1, TEXT_MULTILINE, 4000, &note);
    struct intervention_row row;
    if (reply_check_invalid(r, &c) ||
        lock_step(rq, r, &c, version, INTERVENTION_PROGRESS, "noted_on", on, &row) != 0) {
        check_end(&c);
        return;
    }
    if (step_refused(r, &c, &row, 0))
        return;
    char on_text[CAL_ISO_SIZE];
    cal_format_iso(on, on_text);
    int updated = 0;
    enum db_status st = intervention_add_progress(rq->db, row.id, row.version, on_text, note, &updated);
    finish_step(rq, r, st, updated, row.id, "intervention.progress", 201);
    intervention_row_clear(&row);
}
