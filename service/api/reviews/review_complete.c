/* Completing a review: the completeness check, the two decisions made through the
 * decisions module with the review's own pointers, each superseding its predecessor, the
 * planned interventions requested through the interventions module, section 1 frozen and
 * the review marked completed. See review_complete.h. */
#include "api/reviews/review_complete.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/cases/cases.h"
#include "api/decisions/decision_input.h"
#include "api/decisions/decision_issue.h"
#include "api/resource.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/danish_text.h"
#include "law/validate.h"

/* Subjects are one line of at most 500 characters; labels past this many bytes are left
 * out ("m.fl."), bytes never being fewer than characters. */
#define SUBJECT_ROOM 480

/* One completion under way; the json members are borrowed from the review document. */
struct completion {
    const struct review_row *row;
    const struct review_context *ctx;
    const json_t *wc;               /* sections.work_capacity */
    const json_t *od;               /* sections.overall_decision */
    char today[CAL_ISO_SIZE];
    struct intervention_type types[REVIEW_MAX_INTERVENTIONS];   /* of od.interventions, in force today */
    size_t n_planned;
    char placement_replaces[37];    /* the case's decisions the review's replace; "" none */
    char overall_replaces[37];
    char placement_id[37];
    char overall_id[37];
};

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

int review_planned_types(struct request *rq, struct reply *r, struct check *c, const json_t *overall,
                         const char *pointer, const char *today, struct intervention_type *types, size_t *n)
{
    size_t i;
    json_t *item;
    *n = 0;
    json_array_foreach(json_object_get(overall, "interventions"), i, item) {
        if (i == REVIEW_MAX_INTERVENTIONS)
            break;
        struct intervention_type *t = &types[(*n)++];
        memset(t, 0, sizeof(*t));
        const char *code = str(item, "type");
        if (!decision_is_code(code))
            continue;
        enum db_status st = intervention_type_fetch(rq->db, code, today, t);
        json_decref(t->attributes);
        t->attributes = NULL;
        if (st != DB_OK) {
            reply_db_error(r, st);
            return -1;
        }
        if (!*t->id) {
            char at[192];
            snprintf(at, sizeof(at), "%s/interventions/%zu/type", pointer, i);
            check_fail_pointer(c, at, "no such intervention type is in force today (see /v1/reference)");
        }
    }
    return 0;
}

/* Planned intervention i as the overall decision section has it (borrowed). */
static const json_t *planned_item(const struct completion *k, size_t i)
{
    return json_array_get(json_object_get(k->od, "interventions"), i);
}

/* The decision of kinds (see review_replaced_decision) the review's decision of that kind
 * replaces, into id_out ("" when the case has none). Superseding is what takes last year's
 * decision out of force, so the plan shows this year's alone. A decision is superseded
 * only once (supersedes_id is unique), so a draft that already supersedes it stops the
 * completion here, before anything is written: 409 naming the draft, which the caseworker
 * issues first (the review's decision then replaces that one). The decisions module's own
 * 409 still answers a draft written meanwhile, without its name: a refused insert leaves
 * nothing this transaction could look it up with. Returns 0, or -1 with the reply set. */
static int find_replaced(struct request *rq, struct reply *r, const struct completion *k, const char *kinds,
                         const char *what, char id_out[37])
{
    char draft[37];
    enum db_status st = review_replaced_decision(rq->db, k->row->case_id, kinds, id_out, draft);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return -1;
    }
    if (!*draft)
        return 0;
    reply_problem(r, PROBLEM_CONFLICT,
                  "The review's %s decision would supersede the case's %s decision %s, which the draft decision %s "
                  "already supersedes, and a decision is superseded only once: issue that draft first.",
                  what, what, id_out, draft);
    return -1;
}

/* The hearing an adverse decision of the review carries: when the citizen took part in the
 * meeting, the information was gone through with them there; otherwise the hearing the
 * review records. The reason is written to the citizen, as the letter is. reason is the
 * caller's buffer (room for 256 bytes). */
static void adverse_hearing(const struct completion *k, struct decision_hearing_spec *h, char reason[256])
{
    memset(h, 0, sizeof(*h));
    if (json_is_true(json_object_get(k->row->doc, "citizen_present"))) {
        char day[CAL_DANISH_SIZE];
        cal_format_danish(k->ctx->meeting_on, day);
        snprintf(reason, 256, "Vi gennemgik oplysningerne med dig på opfølgningsmødet den %s.", day);
        h->status = "not_needed";
        h->not_needed_reason = reason;
        return;
    }
    const json_t *stored = json_object_get(k->wc, "hearing");
    h->status = str(stored, "status");
    h->sent_on = str(stored, "sent_on");
    h->response_deadline = str(stored, "response_deadline");
    h->answered_on = str(stored, "answered_on");
    h->not_needed_reason = str(stored, "not_needed_reason");
    h->urgency_reason = str(stored, "urgency_reason");
}

/* decision_make with its field errors under prefix, merged into c. */
static enum decision_result make(struct request *rq, struct reply *r, struct check *c, const char *prefix,
                                 const struct decision_spec *spec, const struct completion *k, char id[37])
{
    struct check dc;
    check_begin(&dc, NULL, prefix);
    enum decision_result res = decision_make(rq, r, &dc, spec, k->ctx->today, id);
    check_merge(c, &dc);
    return res;
}

/* The placement decision: the target group and the benefit are right (granted) or not
 * (refused), on the provisions the reference data names for them, with the work capacity
 * as its facts and the placement note as its reasons. */
static enum decision_result make_placement(struct request *rq, struct reply *r, struct check *c,
                                           struct completion *k)
{
    struct case_row cs;
    int found = 0;
    PGresult *res = NULL;
    enum db_status st = case_fetch(rq->db, k->row->case_id, 0, &cs, &found);
    if (st == DB_OK && !found)
        st = DB_ERROR;
    if (st == DB_OK)
        st = review_placement_provisions(rq->db, k->row->case_id, k->today, &res);
    const char *text = st == DB_OK ? db_value(res, 0, 0) : NULL;
    json_t *codes = text ? json_loads(text, 0, NULL) : NULL;
    PQclear(res);
    if (st != DB_OK || !codes) {
        if (st == DB_OK)
            reply_problem(r, PROBLEM_INTERNAL, NULL);
        else
            reply_db_error(r, st);
        case_row_clear(&cs);
        return DECISION_REFUSED;
    }
    const char *legal_basis[DECISION_MAX_PROVISIONS];
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(codes) && n < DECISION_MAX_PROVISIONS; i++)
        legal_basis[n++] = json_string_value(json_array_get(codes, i));
    const char *group = str(json_object_get(cs.doc, "target_group"), "label");
    const char *benefit = str(json_object_get(cs.doc, "benefit"), "label");
    char subject[512], reason[256], group_text[200], benefit_text[200];
    /* Labels inside a sentence are written as Danish writes them: "kontanthjælp". */
    snprintf(subject, sizeof(subject), "Målgruppe og forsørgelsesgrundlag: %s med %s",
             danish_in_sentence(group, group_text, sizeof(group_text)),
             danish_in_sentence(benefit, benefit_text, sizeof(benefit_text)));
    int granted = review_placement_granted(k->wc);
    struct decision_spec spec = {
        .case_id = k->row->case_id,
        .kind = "placement",
        .outcome = granted ? "granted" : "refused",
        .subject = subject,
        .legal_basis = legal_basis,
        .n_legal_basis = n,
        .supersedes_id = *k->placement_replaces ? k->placement_replaces : NULL,
        .facts = str(k->wc, "current_capacity"),
        .reasons = str(k->wc, "placement_note"),
    };
    if (!granted)
        adverse_hearing(k, &spec.hearing, reason);
    enum decision_result made = make(rq, r, c, "/sections/work_capacity", &spec, k, k->placement_id);
    json_decref(codes);
    case_row_clear(&cs);
    return made;
}

/* The planned interventions as the overall decision's subject names them. */
static void overall_subject(const struct completion *k, char *out, size_t cap)
{
    snprintf(out, cap, "Samlet afgørelse om indsatser: ");
    for (size_t i = 0; i < k->n_planned; i++) {
        size_t used = strlen(out);
        if (used + strlen(k->types[i].label) + 2 > SUBJECT_ROOM) {
            snprintf(out + used, cap - used, " m.fl.");
            return;
        }
        snprintf(out + used, cap - used, "%s%s", i ? ", " : "", k->types[i].label);
    }
}

/* The planned interventions, one a line, as the overall decision's facts; the caller
 * frees the text. NULL when memory ran out. */
static char *overall_facts(const struct completion *k)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fputs("Kommunen har planlagt disse indsatser for dig:", f);
    for (size_t i = 0; i < k->n_planned; i++) {
        const char *planned_start = str(planned_item(k, i), "planned_start");
        const char *note = str(planned_item(k, i), "note");
        struct cal_date start;
        fprintf(f, "\n- %s", k->types[i].label);
        if (planned_start && cal_parse_iso(planned_start, &start) == 0) {
            char day[CAL_DANISH_SIZE];
            cal_format_danish(start, day);
            fprintf(f, ", planlagt start %s", day);
        }
        if (note)
            fprintf(f, ": %s", note);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* The overall decision on future interventions: granted with the planned interventions,
 * or the decision to start none, with its reasons. Both carry the review's legal basis and
 * supersede the case's overall or no-intervention decision. The sub-decisions of the
 * interventions started under a superseded overall decision stay as they are, in force
 * under it: each granted an intervention that was started and runs, and it ends when that
 * intervention ends or a decision about that intervention changes it, not when next
 * year's overall decision is made. */
static enum decision_result make_overall(struct request *rq, struct reply *r, struct check *c,
                                         struct completion *k)
{
    const json_t *list = json_object_get(k->od, "legal_basis");
    const char *legal_basis[DECISION_MAX_PROVISIONS];
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(list) && n < DECISION_MAX_PROVISIONS; i++)
        legal_basis[n++] = json_string_value(json_array_get(list, i));
    int none = review_no_interventions(json_object_get(k->row->doc, "sections"));
    char subject[512], reason[256];
    char *facts = NULL;
    struct decision_spec spec = {
        .case_id = k->row->case_id,
        .supersedes_id = *k->overall_replaces ? k->overall_replaces : NULL,
        .legal_basis = legal_basis,
        .n_legal_basis = n,
        .reasons = str(k->od, "reasons"),
    };
    if (none) {
        spec.kind = "no_intervention";
        spec.outcome = "no_intervention";
        spec.subject = "Afgørelse om ikke at iværksætte indsatser";
        spec.facts = str(k->wc, "current_capacity");
        adverse_hearing(k, &spec.hearing, reason);
    } else {
        overall_subject(k, subject, sizeof(subject));
        facts = overall_facts(k);
        if (!facts) {
            reply_problem(r, PROBLEM_INTERNAL, NULL);
            return DECISION_REFUSED;
        }
        spec.kind = "overall";
        spec.outcome = "granted";
        spec.subject = subject;
        spec.facts = facts;
    }
    enum decision_result made = make(rq, r, c, "/sections/overall_decision", &spec, k, k->overall_id);
    free(facts);
    return made;
}

/* Requests each planned intervention as the review's, today, and records it as a request
 * over HTTP is recorded (access-log row, event intervention.created). */
static enum db_status request_planned(struct request *rq, const struct completion *k)
{
    enum db_status st = DB_OK;
    for (size_t i = 0; st == DB_OK && i < k->n_planned; i++) {
        struct intervention_new in = {
            .case_id = k->row->case_id,
            .type_id = k->types[i].id,
            .requested_on = k->today,
            .planned_start = str(planned_item(k, i), "planned_start"),
            .review_id = k->row->id,
        };
        char id[37];
        struct intervention_row row;
        st = intervention_insert(rq->db, &in, id);
        if (st == DB_OK)
            st = intervention_record(rq, id, "intervention.created", "create", &row);
        if (st == DB_OK)
            intervention_row_clear(&row);
    }
    return st;
}

/* The decisions are made; then the interventions and the completion are written with
 * frozen as section 1. */
static enum review_complete_result finish(struct request *rq, struct reply *r, const struct completion *k,
                                          const char *frozen)
{
    struct review_completion done = {k->today, frozen, k->placement_id, k->overall_id};
    int updated = 0;
    enum db_status st = request_planned(rq, k);
    if (st == DB_OK)
        st = review_mark_completed(rq->db, k->row->id, k->row->version, &done, &updated);
    return resource_updated(r, st, updated, "review") == 0 ? REVIEW_COMPLETED : REVIEW_REFUSED;
}

enum review_complete_result review_complete(struct request *rq, struct reply *r, struct check *c,
                                            const struct review_row *row, const struct review_context *ctx)
{
    review_check_complete(c, row->doc, ctx);
    if (check_failed(c))
        return REVIEW_INVALID;
    const json_t *sections = json_object_get(row->doc, "sections");
    struct completion k = {
        .row = row,
        .ctx = ctx,
        .wc = json_object_get(sections, "work_capacity"),
        .od = json_object_get(sections, "overall_decision"),
    };
    cal_format_iso(ctx->today, k.today);
    if (review_planned_types(rq, r, c, k.od, "/sections/overall_decision", k.today, k.types, &k.n_planned) != 0 ||
        find_replaced(rq, r, &k, "{placement}", "placement", k.placement_replaces) != 0 ||
        find_replaced(rq, r, &k, "{overall,no_intervention}", "overall", k.overall_replaces) != 0)
        return REVIEW_REFUSED;
    /* Section 1 is read before the planned interventions exist: they belong to the next
     * period, not to this one. */
    PGresult *frozen = NULL;
    enum db_status st = review_period_snapshot(rq->db, row->id, &frozen);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return REVIEW_REFUSED;
    }
    /* Both decisions are tried, so one 422 names what is wrong with either. */
    enum review_complete_result result = REVIEW_REFUSED;
    enum decision_result placement = make_placement(rq, r, c, &k);
    enum decision_result overall = placement == DECISION_REFUSED ? DECISION_REFUSED : make_overall(rq, r, c, &k);
    if (placement != DECISION_REFUSED && overall != DECISION_REFUSED)
        result = check_failed(c) ? REVIEW_INVALID : finish(rq, r, &k, db_value(frozen, 0, 0));
    PQclear(frozen);
    return result;
}
