/* The citizen's plan over HTTP before any review, a remitted decision leaving
 * decisions_in_force and then replaced by the next review's, /v1/me/plan holding exactly
 * the citizen's own open cases, and nobody else reading it. The plan after a review is
 * checked by the full cycle in test_reviews.c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

struct world {
    char today[11];
    char since[11];
    struct fx_actor cw;
    struct fx_actor citizen;
    char cpr[11];
    char citizen_id[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
};

/* A case that entered its target group, on kontanthjælp, months_ago months ago. */
static void world_open(struct world *w, int months_ago)
{
    fx_today(w->today);
    fx_date_add_months(w->today, -months_ago, w->since);
    fx_staff(&w->cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&w->cw, w->cpr, w->citizen_id);
    fx_create_case_dated(&w->cw, w->citizen_id, w->since, "kontanthjaelp", w->since, w->case_id);
    fx_citizen(&w->citizen, w->cpr);
}

static void world_close(struct world *w)
{
    fx_actor_free(&w->citizen);
    fx_actor_free(&w->cw);
}

static void plan_path(const char *case_id, char out[128])
{
    snprintf(out, 128, "/v1/cases/%s/plan", case_id);
}

/* GET /v1/cases/{id}/plan as a, asserting 200; the caller json_decref's it. */
static json_t *get_plan(const struct fx_actor *a, const char *case_id)
{
    char path[128];
    plan_path(case_id, path);
    return fx_get_json(a, path);
}

/* The entry of decision id in the plan's decisions_in_force (borrowed), or NULL. */
static json_t *in_force_entry(json_t *plan, const char *id)
{
    json_t *list = json_object_get(plan, "decisions_in_force"), *d, *found = NULL;
    cr_assert(json_is_array(list), "the plan has no decisions_in_force[]");
    size_t i;
    json_array_foreach(list, i, d) {
        const char *got = json_string_value(json_object_get(d, "id"));
        if (got && strcmp(got, id) == 0) {
            cr_assert_null(found, "decision %s is listed twice", id);
            found = d;
        }
    }
    return found;
}

Test(plan, before_any_review_shows_decisions_in_force_interventions_and_the_first_due_date, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, 5);
    char overall[FX_UUID_LEN], draft[FX_UUID_LEN], running[FX_UUID_LEN], waiting[FX_UUID_LEN], ended[FX_UUID_LEN];
    char notified[11], requested[11], started[11], due[11];
    fx_date_add(w.today, -40, notified);
    fx_date_add(w.today, -30, requested);
    fx_date_add(w.today, -20, started);
    fx_date_add_months(w.since, 12, due);
    fx_issued_decision(&w.cw, w.case_id, "overall", "granted", notified, overall);
    fx_draft_decision(&w.cw, w.case_id, "placement", "granted", draft);
    fx_create_intervention(&w.cw, w.case_id, "virksomhedspraktik", requested, 12, running);
    json_t *doc = fx_start_intervention(&w.cw, running, started);
    char sub[FX_UUID_LEN];
    snprintf(sub, sizeof(sub), "%s", json_string_value(json_object_get(doc, "decision_id")));
    json_decref(doc);
    fx_create_intervention(&w.cw, w.case_id, "social_stoette", requested, 2, waiting);
    fx_create_intervention(&w.cw, w.case_id, "mentor", requested, 2, ended);
    doc = fx_start_intervention(&w.cw, ended, started);
    char ended_sub[FX_UUID_LEN];
    snprintf(ended_sub, sizeof(ended_sub), "%s", json_string_value(json_object_get(doc, "decision_id")));
    json_decref(doc);
    struct http_response r;
    fx_intervention_step(&w.cw, ended, "end", json_pack("{s:s, s:s}", "ended_on", w.today, "outcome", "Afsluttet"),
                         &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);

    const struct fx_actor *readers[] = {&w.cw, &w.citizen};
    for (int i = 0; i < 2; i++) {
        json_t *plan = get_plan(readers[i], w.case_id);
        fx_assert_member(plan, "case_id", w.case_id);
        fx_assert_member(plan, "citizen_id", w.citizen_id);
        fx_assert_member(plan, "as_of", w.today);
        fx_assert_member(plan, "next_review_due", due);
        cr_assert(json_is_null(json_object_get(plan, "last_review")), "a plan without a review has a last_review");

        /* The issued overall decision and the two sub-decisions (ending an intervention
         * does not take force from its decision); never the draft. */
        json_t *list = json_object_get(plan, "decisions_in_force");
        cr_assert_eq(json_array_size(list), 3, "%zu decisions in force, want 3", json_array_size(list));
        cr_assert_not_null(in_force_entry(plan, ended_sub), "the ended intervention's decision is not in force");
        json_t *entry = in_force_entry(plan, overall);
        cr_assert_not_null(entry, "the overall decision is not in force in the plan");
        fx_assert_member(json_object_get(entry, "kind"), "code", "overall");
        fx_assert_member(json_object_get(entry, "outcome"), "code", "granted");
        fx_assert_member(entry, "notified_on", notified);
        json_t *decision = fx_get_decision(&w.cw, overall);
        fx_assert_member(entry, "appeal_deadline", json_string_value(json_object_get(decision, "appeal_deadline")));
        fx_assert_member(entry, "subject", json_string_value(json_object_get(decision, "subject")));
        json_decref(decision);
        entry = in_force_entry(plan, sub);
        cr_assert_not_null(entry, "the sub-decision is not in force in the plan");
        fx_assert_member(json_object_get(entry, "kind"), "code", "intervention");
        cr_assert_null(in_force_entry(plan, draft), "a draft is in force in the plan");

        /* What runs and what is planned; the ended one is neither. */
        json_t *interventions = json_object_get(plan, "interventions");
        json_t *run = json_object_get(interventions, "running");
        json_t *planned = json_object_get(interventions, "planned");
        cr_assert_eq(json_array_size(run), 1, "%zu running, want 1", json_array_size(run));
        fx_assert_member(json_array_get(run, 0), "id", running);
        fx_assert_member(json_array_get(run, 0), "started_on", started);
        cr_assert_eq(json_array_size(planned), 1, "%zu planned, want 1", json_array_size(planned));
        fx_assert_member(json_array_get(planned, 0), "id", waiting);

        cr_assert_eq(json_array_size(json_object_get(plan, "next_follow_ups")), 0, "follow-ups without a review");
        cr_assert_eq(json_array_size(json_object_get(plan, "indicators_over_time")), 0, "indicators without a review");
        cr_assert_eq(json_array_size(json_object_get(plan, "flags")), 0, "flags on a case that has none");
        json_decref(plan);
    }
    world_close(&w);
}

/* A case from before these dates (fx_create_case: since 2025-03-01). */
static void world_open_2025(struct world *w)
{
    fx_today(w->today);
    fx_staff(&w->cw, "caseworker", FX_MUNICIPALITY);
    fx_new_case(&w->cw, w->cpr, w->citizen_id, w->case_id);
    fx_citizen(&w->citizen, w->cpr);
}

/* Decision (issued on 4 April 2026) is appealed on 20 April, upheld and forwarded on 6 May,
 * and remitted by the board on 3 August: it loses its force and the municipality owes a
 * new decision. appeal gets the appeal. */
static void remit(const struct world *w, const char *decision, char appeal[FX_UUID_LEN])
{
    struct fx_actor board;
    fx_national(&board, "appeals_board");
    fx_file_appeal(&w->cw, decision, "2026-04-20", "written", "Jeg er uenig.", appeal);
    json_decref(fx_reconsider(&w->cw, appeal, "upheld", "2026-05-06", NULL, "Kommunen fastholder afgørelsen."));
    json_decref(fx_rule(&board, appeal, "remitted", "2026-08-03"));
    fx_actor_free(&board);
}

Test(plan, a_remitted_decision_disappears_from_decisions_in_force, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open_2025(&w);
    char refusal[FX_UUID_LEN], placement[FX_UUID_LEN], appeal[FX_UUID_LEN];
    /* Issued on Holy Saturday 2026: the appeal deadline is Monday 4 May. */
    fx_issued_decision(&w.cw, w.case_id, "overall", "refused", "2026-04-04", refusal);
    fx_issued_decision(&w.cw, w.case_id, "placement", "granted", "2026-04-04", placement);
    json_t *plan = get_plan(&w.citizen, w.case_id);
    cr_assert_not_null(in_force_entry(plan, refusal), "the refusal is not in force before the ruling");
    fx_assert_member(in_force_entry(plan, refusal), "appeal_deadline", "2026-05-04");
    cr_assert_not_null(in_force_entry(plan, placement));
    json_decref(plan);

    remit(&w, refusal, appeal);

    const struct fx_actor *readers[] = {&w.cw, &w.citizen};
    for (int i = 0; i < 2; i++) {
        plan = get_plan(readers[i], w.case_id);
        cr_assert_null(in_force_entry(plan, refusal), "the remitted decision is still in the plan");
        cr_assert_not_null(in_force_entry(plan, placement), "the placement decision left the plan");
        cr_assert_eq(json_array_size(json_object_get(plan, "decisions_in_force")), 1);
        json_decref(plan);
    }
    world_close(&w);
}

Test(plan, a_remitted_decision_is_superseded_by_the_next_reviews_and_the_appeal_records_it,
     .timeout = FX_TIMEOUT * 3)
{
    struct world w;
    world_open_2025(&w);
    char refusal[FX_UUID_LEN], appeal[FX_UUID_LEN], review[FX_UUID_LEN], placement[FX_UUID_LEN];
    char overall[FX_UUID_LEN];
    fx_issued_decision(&w.cw, w.case_id, "placement", "refused", "2026-04-04", refusal);
    remit(&w, refusal, appeal);

    /* The review's placement decision is the new decision the remittal asked for. */
    json_t *doc = fx_completed_review(&w.cw, &w.citizen, w.case_id, review);
    snprintf(placement, sizeof(placement), "%s", json_string_value(json_object_get(doc, "placement_decision_id")));
    snprintf(overall, sizeof(overall), "%s", json_string_value(json_object_get(doc, "overall_decision_id")));
    json_decref(doc);
    doc = fx_get_decision(&w.cw, refusal);
    fx_assert_member(doc, "status", "superseded");
    fx_assert_member(doc, "superseded_by_id", placement);
    fx_assert_member(json_object_get(doc, "force_lost"), "reason", "remitted");
    json_decref(doc);
    doc = fx_get_decision(&w.cw, placement);
    fx_assert_member(doc, "supersedes_id", refusal);
    json_decref(doc);
    doc = fx_get_appeal(&w.citizen, appeal);
    json_t *timeline = json_object_get(doc, "timeline");
    json_t *last = json_array_get(timeline, json_array_size(timeline) - 1);
    fx_assert_member(last, "step", "new_decision_issued");
    fx_assert_member(json_object_get(last, "details"), "decision_id", placement);
    json_decref(doc);

    json_t *plan = get_plan(&w.citizen, w.case_id);
    cr_assert_eq(json_array_size(json_object_get(plan, "decisions_in_force")), 2,
                 "the plan has %zu decisions in force, want the review's 2",
                 json_array_size(json_object_get(plan, "decisions_in_force")));
    cr_assert_not_null(in_force_entry(plan, placement), "the review's placement decision is not in the plan");
    cr_assert_not_null(in_force_entry(plan, overall), "the review's overall decision is not in the plan");
    json_decref(plan);
    world_close(&w);
}

Test(plan, me_plan_holds_exactly_the_citizens_own_open_cases, .timeout = FX_TIMEOUT)
{
    struct world w, other;
    world_open(&w, 5);
    world_open(&other, 5);
    /* One open case per municipality: the second open case, and a closed one before it,
     * are another municipality's. */
    struct fx_actor elsewhere;
    fx_staff(&elsewhere, "caseworker", FX_OTHER_MUNICIPALITY);
    char second[FX_UUID_LEN], closed[FX_UUID_LEN], again[FX_UUID_LEN];
    fx_register_citizen(&elsewhere, w.cpr, again);
    fx_create_case_dated(&elsewhere, w.citizen_id, w.since, "kontanthjaelp", w.since, closed);
    fx_close_case(&elsewhere, closed);
    fx_create_case_dated(&elsewhere, w.citizen_id, w.since, "kontanthjaelp", w.since, second);
    fx_actor_free(&elsewhere);
    struct http_response r;

    fx_call("GET", "/v1/me/plan", &w.citizen, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    json_t *plans = json_object_get(doc, "plans");
    cr_assert_eq(json_array_size(plans), 2, "/v1/me/plan holds %zu plans, want the 2 open cases",
                 json_array_size(plans));
    const char *want[] = {w.case_id, second};
    for (int i = 0; i < 2; i++) {
        int seen = 0;
        for (size_t k = 0; k < json_array_size(plans); k++) {
            json_t *p = json_array_get(plans, k);
            if (strcmp(json_string_value(json_object_get(p, "case_id")), want[i]) == 0) {
                seen++;
                fx_assert_member(p, "citizen_id", w.citizen_id);
            }
        }
        cr_assert_eq(seen, 1, "case %d appears %d times in /v1/me/plan", i, seen);
    }
    json_decref(doc);

    /* The other citizen's own plan holds only theirs. */
    fx_call("GET", "/v1/me/plan", &other.citizen, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    doc = fx_body(&r);
    http_response_free(&r);
    plans = json_object_get(doc, "plans");
    cr_assert_eq(json_array_size(plans), 1, "the other citizen has %zu plans, want 1", json_array_size(plans));
    fx_assert_member(json_array_get(plans, 0), "case_id", other.case_id);
    json_decref(doc);

    /* /v1/me/plan is the citizen's: staff have no "me" plan. */
    fx_call("GET", "/v1/me/plan", &w.cw, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 403);
    http_response_free(&r);
    world_close(&other);
    world_close(&w);
}

Test(plan, nobody_else_reads_the_plan, .timeout = FX_TIMEOUT)
{
    struct world w, other;
    world_open(&w, 5);
    world_open(&other, 5);
    char path[128];
    plan_path(w.case_id, path);
    struct fx_actor outsider, auditor;
    fx_staff(&outsider, "team_lead", FX_OTHER_MUNICIPALITY);
    fx_staff(&auditor, "auditor", FX_MUNICIPALITY);
    const struct fx_actor *strangers[] = {&outsider, &other.citizen};
    for (int i = 0; i < 2; i++) {
        struct http_response r;
        fx_call("GET", path, strangers[i], NULL, NULL, 0, &r);
        cr_assert_eq(r.status, 404, "a %s answered %d: %.300s", strangers[i]->role, r.status, r.body);
        fx_assert_problem(&r, 404);
        http_response_free(&r);
    }
    /* Positive control: the municipality's staff read it. */
    json_t *plan = get_plan(&auditor, w.case_id);
    fx_assert_member(plan, "case_id", w.case_id);
    json_decref(plan);
    fx_actor_free(&auditor);
    fx_actor_free(&outsider);
    world_close(&other);
    world_close(&w);
}
