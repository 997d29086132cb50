/* Interventions over HTTP: requested → started → ended or cancelled and nothing else, the
 * sub-decision that starting issues under the overall decision in force, hours only where
 * the type has them, the stored waiting time and its statistics per sector (suppressed
 * under 5), exemptions that never block the right to interventions, and who sees what. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

/* A caseworker with a citizen (and the citizen's token) whose case entered its target
 * group three months ago. */
struct world {
    char today[11];
    struct fx_actor cw;
    struct fx_actor citizen;
    char cpr[11];
    char citizen_id[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
};

static void world_open(struct world *w, const char *municipality)
{
    char since[11];
    fx_today(w->today);
    fx_date_add_months(w->today, -3, since);
    fx_staff(&w->cw, "caseworker", municipality);
    fx_new_citizen(&w->cw, w->cpr, w->citizen_id);
    fx_create_case_dated(&w->cw, w->citizen_id, since, "kontanthjaelp", since, w->case_id);
    fx_citizen(&w->citizen, w->cpr);
}

static void world_close(struct world *w)
{
    fx_actor_free(&w->citizen);
    fx_actor_free(&w->cw);
}

/* today + days, in out. */
static void day(const struct world *w, int days, char out[11])
{
    fx_date_add(w->today, days, out);
}

/* An overall decision on the case, granted and notified 60 days ago (before any
 * intervention in these tests starts). */
static void overall_in_force(struct world *w, char id[FX_UUID_LEN])
{
    char notified[11];
    day(w, -60, notified);
    fx_issued_decision(&w->cw, w->case_id, "overall", "granted", notified, id);
}

static int post_intervention(const struct fx_actor *a, const char *case_id, json_t *body, struct http_response *out)
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/cases/%s/interventions", case_id);
    return fx_call("POST", path, a, body, NULL, 0, out);
}

/* POST /v1/interventions/{id}/<action> with If-Match if_match, without reading first. */
static int step_blind(const struct fx_actor *a, const char *id, const char *action, const char *if_match,
                      json_t *body, struct http_response *out)
{
    char path[160];
    snprintf(path, sizeof(path), "/v1/interventions/%s/%s", id, action);
    const struct http_header h[] = {{"If-Match", if_match}};
    return fx_call("POST", path, a, body, h, if_match ? 1 : 0, out);
}

static const char *type_code(json_t *doc)
{
    return json_string_value(json_object_get(json_object_get(doc, "type"), "code"));
}

/* want < 0: the member must be null. */
static void assert_number(json_t *doc, const char *key, double want)
{
    json_t *v = json_object_get(doc, key);
    if (want < 0) {
        cr_assert(json_is_null(v), "%s should be null", key);
        return;
    }
    cr_assert(json_is_number(v), "%s is not a number", key);
    double got = json_number_value(v);
    cr_assert(got > want - 1e-9 && got < want + 1e-9, "%s is %g, want %g", key, got, want);
}

/* The step must be refused with 409 naming state, and change nothing. */
static void assert_refused_step(struct world *w, const char *id, const char *action, json_t *body, const char *state)
{
    json_t *before = fx_get_intervention(&w->cw, id);
    struct http_response r;
    fx_intervention_step(&w->cw, id, action, body, &r);
    fx_assert_state(&r, state);
    http_response_free(&r);
    json_t *after = fx_get_intervention(&w->cw, id);
    fx_assert_member(after, "status", json_string_value(json_object_get(before, "status")));
    cr_assert_eq(json_integer_value(json_object_get(after, "version")),
                 json_integer_value(json_object_get(before, "version")), "a refused %s changed the version", action);
    json_decref(after);
    json_decref(before);
}

Test(interventions, create_is_201_requested_with_the_type_sector_and_no_waiting_time, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char requested[11], planned[11];
    day(&w, -10, requested);
    day(&w, 5, planned);
    struct http_response r;
    post_intervention(&w.cw, w.case_id,
                      json_pack("{s:s, s:s, s:s, s:s, s:f}", "type", "mentor", "requested_on", requested,
                                "planned_start", planned, "provider", "Mentorhuset ApS", "hours_per_week", 6.5),
                      &r);
    fx_assert_status(&r, 201);
    const char *etag = http_response_header(&r, "ETag");
    cr_assert(etag && strcmp(etag, "\"1\"") == 0, "ETag %s, want \"1\"", etag ? etag : "(none)");
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    const char *id = json_string_value(json_object_get(doc, "id"));
    cr_assert(id && strlen(id) == 36, "no id");
    char intervention[FX_UUID_LEN];
    snprintf(intervention, sizeof(intervention), "%s", id);

    for (int pass = 0; pass < 2; pass++) {
        fx_assert_member(doc, "case_id", w.case_id);
        fx_assert_member(doc, "citizen_id", w.citizen_id);
        fx_assert_member(doc, "municipality", FX_MUNICIPALITY);
        cr_assert_str_eq(type_code(doc), "mentor");
        fx_assert_member(json_object_get(doc, "type"), "label", "Mentorstøtte");
        fx_assert_member(doc, "sector", "employment");
        fx_assert_member(doc, "status", "requested");
        fx_assert_member(doc, "requested_on", requested);
        fx_assert_member(doc, "planned_start", planned);
        fx_assert_member(doc, "provider", "Mentorhuset ApS");
        assert_number(doc, "hours_per_week", 6.5);
        static const char *const unset[] = {"started_on", "ended_on", "cancelled_on", "cancel_reason", "outcome",
                                            "waiting_days", "decision_id"};
        for (size_t i = 0; i < sizeof(unset) / sizeof(unset[0]); i++)
            cr_assert(json_is_null(json_object_get(doc, unset[i])), "a new intervention has %s set (or missing)",
                      unset[i]);
        cr_assert(json_is_array(json_object_get(doc, "progress")) &&
                      json_array_size(json_object_get(doc, "progress")) == 0,
                  "a new intervention has progress notes");
        fx_assert_integer(doc, "version", 1);
        json_decref(doc);
        doc = pass == 0 ? fx_get_intervention(&w.cw, intervention) : NULL;
    }

    /* The sector comes from the type's reference data. */
    static const char *const types[] = {"behandling", "psykiatrisk_behandling", "misbrugsbehandling",
                                        "social_stoette", "stabiliserende_aktiviteter", "virksomhedspraktik"};
    static const char *const sectors[] = {"health", "health", "health", "social", "social", "employment"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        char other[FX_UUID_LEN];
        fx_create_intervention(&w.cw, w.case_id, types[i], requested, 0, other);
        doc = fx_get_intervention(&w.cw, other);
        cr_assert_str_eq(type_code(doc), types[i]);
        fx_assert_member(doc, "sector", sectors[i]);
        json_decref(doc);
    }
    world_close(&w);
}

Test(interventions, hours_per_week_on_a_type_without_hours_is_422_naming_it, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char requested[11], overall[FX_UUID_LEN];
    day(&w, -10, requested);
    overall_in_force(&w, overall);
    static const char *const want[] = {"/hours_per_week"};
    static const char *const no_hours[] = {"behandling", "psykiatrisk_behandling", "misbrugsbehandling"};
    struct http_response r;
    for (size_t i = 0; i < sizeof(no_hours) / sizeof(no_hours[0]); i++) {
        post_intervention(&w.cw, w.case_id,
                          json_pack("{s:s, s:s, s:f}", "type", no_hours[i], "requested_on", requested,
                                    "hours_per_week", 2.0),
                          &r);
        fx_assert_error_pointers(&r, want, 1);
        http_response_free(&r);
    }

    /* Nor when the hours come with the start: the intervention stays requested. */
    char id[FX_UUID_LEN], started[11];
    day(&w, -2, started);
    fx_create_intervention(&w.cw, w.case_id, "behandling", requested, 0, id);
    fx_intervention_step(&w.cw, id, "start", json_pack("{s:s, s:f}", "started_on", started, "hours_per_week", 3.0),
                         &r);
    fx_assert_error_pointers(&r, want, 1);
    http_response_free(&r);
    json_t *doc = fx_get_intervention(&w.cw, id);
    fx_assert_member(doc, "status", "requested");
    json_decref(doc);

    /* Positive control: hours on a type that has them. */
    post_intervention(&w.cw, w.case_id,
                      json_pack("{s:s, s:s, s:f}", "type", "virksomhedspraktik", "requested_on", requested,
                                "hours_per_week", 2.0),
                      &r);
    fx_assert_status(&r, 201);
    http_response_free(&r);
    world_close(&w);
}

Test(interventions, start_without_an_overall_decision_in_force_is_409_no_overall_decision, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char requested[11], started[11], id[FX_UUID_LEN];
    day(&w, -10, requested);
    day(&w, -3, started);
    fx_create_intervention(&w.cw, w.case_id, "mentor", requested, 4, id);

    /* No decision at all. */
    assert_refused_step(&w, id, "start", json_pack("{s:s}", "started_on", started), "no_overall_decision");

    /* A draft overall decision and an issued placement decision are not an overall decision in force. */
    char draft[FX_UUID_LEN], placement[FX_UUID_LEN], notified[11];
    day(&w, -60, notified);
    fx_draft_decision(&w.cw, w.case_id, "overall", "granted", draft);
    fx_issued_decision(&w.cw, w.case_id, "placement", "granted", notified, placement);
    assert_refused_step(&w, id, "start", json_pack("{s:s}", "started_on", started), "no_overall_decision");
    json_t *doc = fx_get_intervention(&w.cw, id);
    fx_assert_member(doc, "decision_id", NULL);
    fx_assert_member(doc, "started_on", NULL);
    json_decref(doc);

    /* Positive control: once the overall decision is issued the same start goes through. */
    json_decref(fx_issue_decision(&w.cw, draft, notified));
    doc = fx_start_intervention(&w.cw, id, started);
    fx_assert_member(doc, "status", "started");
    json_decref(doc);
    world_close(&w);
}

Test(interventions, start_issues_the_sub_decision_under_the_overall_decision_and_stores_waiting_days,
     .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char overall[FX_UUID_LEN], id[FX_UUID_LEN], requested[11], started[11];
    overall_in_force(&w, overall);
    day(&w, -20, requested);
    day(&w, -6, started);
    fx_create_intervention(&w.cw, w.case_id, "mentor", requested, 4, id);

    json_t *doc = fx_start_intervention(&w.cw, id, started);
    for (int pass = 0; pass < 2; pass++) {
        fx_assert_member(doc, "status", "started");
        fx_assert_member(doc, "started_on", started);
        fx_assert_member(doc, "requested_on", requested);
        fx_assert_integer(doc, "waiting_days", 14);
        fx_assert_integer(doc, "version", 2);
        cr_assert(json_is_string(json_object_get(doc, "decision_id")), "starting issued no sub-decision");
        if (pass == 0) {
            json_decref(doc);
            doc = fx_get_intervention(&w.cw, id);
        }
    }
    char decision[FX_UUID_LEN];
    snprintf(decision, sizeof(decision), "%s", json_string_value(json_object_get(doc, "decision_id")));
    json_decref(doc);

    doc = fx_get_decision(&w.cw, decision);
    fx_assert_member(doc, "case_id", w.case_id);
    fx_assert_member(doc, "status", "issued");
    cr_assert(json_is_true(json_object_get(doc, "in_force")), "the sub-decision is not in force");
    fx_assert_member(json_object_get(doc, "kind"), "code", "intervention");
    fx_assert_member(json_object_get(doc, "outcome"), "code", "granted");
    fx_assert_member(doc, "parent_id", overall);
    fx_assert_member(doc, "subject", "Mentorstøtte");
    fx_assert_member(doc, "decided_on", started);
    fx_assert_member(doc, "notified_on", w.today);
    /* mentor cites lab_kap_10_12 and lov_1750_2025; only the provision in force on the
     * decision's date is cited (the same one fx_provision_on names). */
    json_t *basis = json_object_get(doc, "legal_basis");
    cr_assert_eq(json_array_size(basis), 1, "legal_basis has %zu provisions, want 1", json_array_size(basis));
    fx_assert_member(json_array_get(basis, 0), "code", fx_provision_on(started));
    char four_weeks[11];
    day(&w, 28, four_weeks);
    const char *deadline = json_string_value(json_object_get(doc, "appeal_deadline"));
    cr_assert(deadline && strcmp(deadline, four_weeks) >= 0, "appeal deadline %s is before %s",
              deadline ? deadline : "(none)", four_weeks);
    json_t *guidance = json_object_get(doc, "appeal_guidance");
    cr_assert(json_is_object(guidance), "the sub-decision has no appeal guidance");
    fx_assert_member(guidance, "deadline", deadline);
    json_decref(doc);
    world_close(&w);
}

Test(interventions, illegal_transitions_are_409_naming_the_current_state, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char overall[FX_UUID_LEN], a[FX_UUID_LEN], b[FX_UUID_LEN], requested[11], started[11];
    overall_in_force(&w, overall);
    day(&w, -20, requested);
    day(&w, -10, started);
    fx_create_intervention(&w.cw, w.case_id, "virksomhedspraktik", requested, 20, a);
    fx_create_intervention(&w.cw, w.case_id, "virksomhedspraktik", requested, 20, b);

    /* requested: it cannot end or record progress. */
    assert_refused_step(&w, a, "end", json_pack("{s:s, s:s}", "ended_on", w.today, "outcome", "Gennemført"),
                        "requested");
    assert_refused_step(&w, a, "progress", json_pack("{s:s, s:s}", "noted_on", w.today, "note", "Går godt"),
                        "requested");

    /* started: it cannot start again. */
    json_decref(fx_start_intervention(&w.cw, a, started));
    assert_refused_step(&w, a, "start", json_pack("{s:s}", "started_on", started), "started");

    /* ended: nothing more. */
    struct http_response r;
    fx_intervention_step(&w.cw, a, "end", json_pack("{s:s, s:s}", "ended_on", w.today, "outcome", "Gennemført"), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    assert_refused_step(&w, a, "start", json_pack("{s:s}", "started_on", started), "ended");
    assert_refused_step(&w, a, "end", json_pack("{s:s, s:s}", "ended_on", w.today, "outcome", "Igen"), "ended");
    assert_refused_step(&w, a, "cancel", json_pack("{s:s}", "reason", "Fortrudt"), "ended");
    assert_refused_step(&w, a, "progress", json_pack("{s:s, s:s}", "noted_on", w.today, "note", "Efter"), "ended");

    /* cancelled: nothing more. */
    fx_intervention_step(&w.cw, b, "cancel", json_pack("{s:s}", "reason", "Borgeren er flyttet"), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    assert_refused_step(&w, b, "start", json_pack("{s:s}", "started_on", started), "cancelled");
    assert_refused_step(&w, b, "end", json_pack("{s:s, s:s}", "ended_on", w.today, "outcome", "Gennemført"),
                        "cancelled");
    assert_refused_step(&w, b, "cancel", json_pack("{s:s}", "reason", "Igen"), "cancelled");
    world_close(&w);
}

Test(interventions, end_and_cancel_record_their_dates_outcome_and_reason, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char overall[FX_UUID_LEN], ended[FX_UUID_LEN], stopped[FX_UUID_LEN], withdrawn[FX_UUID_LEN];
    char requested[11], started[11], end_on[11], cancel_on[11];
    overall_in_force(&w, overall);
    day(&w, -30, requested);
    day(&w, -20, started);
    day(&w, -1, end_on);
    day(&w, -2, cancel_on);
    fx_create_intervention(&w.cw, w.case_id, "virksomhedspraktik", requested, 20, ended);
    fx_create_intervention(&w.cw, w.case_id, "social_stoette", requested, 3, stopped);
    fx_create_intervention(&w.cw, w.case_id, "behandling", requested, 0, withdrawn);
    json_decref(fx_start_intervention(&w.cw, ended, started));
    json_decref(fx_start_intervention(&w.cw, stopped, started));

    struct http_response r;
    fx_intervention_step(&w.cw, ended, "end",
                         json_pack("{s:s, s:s}", "ended_on", end_on, "outcome", "Praktikken førte til et småjob."), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    json_t *doc = fx_get_intervention(&w.cw, ended);
    fx_assert_member(doc, "status", "ended");
    fx_assert_member(doc, "ended_on", end_on);
    fx_assert_member(doc, "outcome", "Praktikken førte til et småjob.");
    fx_assert_integer(doc, "waiting_days", 10);
    json_decref(doc);

    /* A started intervention can be cancelled, on a given date. */
    fx_intervention_step(&w.cw, stopped, "cancel",
                         json_pack("{s:s, s:s}", "reason", "Tilbuddet er lukket.", "cancelled_on", cancel_on), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    doc = fx_get_intervention(&w.cw, stopped);
    fx_assert_member(doc, "status", "cancelled");
    fx_assert_member(doc, "cancelled_on", cancel_on);
    fx_assert_member(doc, "cancel_reason", "Tilbuddet er lukket.");
    json_decref(doc);

    /* Without a date, cancelled today. */
    fx_intervention_step(&w.cw, withdrawn, "cancel", json_pack("{s:s}", "reason", "Borgeren ønsker det ikke."), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    doc = fx_get_intervention(&w.cw, withdrawn);
    fx_assert_member(doc, "status", "cancelled");
    fx_assert_member(doc, "cancelled_on", w.today);
    fx_assert_member(doc, "started_on", NULL);
    fx_assert_member(doc, "waiting_days", NULL);
    json_decref(doc);
    world_close(&w);
}

Test(interventions, unknown_types_missing_outcomes_and_reasons_are_422_at_the_field, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char overall[FX_UUID_LEN], id[FX_UUID_LEN], requested[11];
    overall_in_force(&w, overall);
    day(&w, -10, requested);
    struct http_response r;
    post_intervention(&w.cw, w.case_id, json_pack("{s:s, s:s}", "type", "teleportation", "requested_on", requested),
                      &r);
    static const char *const type[] = {"/type"};
    fx_assert_error_pointers(&r, type, 1);
    http_response_free(&r);
    post_intervention(&w.cw, w.case_id, json_pack("{s:s}", "type", "mentor"), &r);
    static const char *const requested_on[] = {"/requested_on"};
    fx_assert_error_pointers(&r, requested_on, 1);
    http_response_free(&r);

    fx_create_intervention(&w.cw, w.case_id, "mentor", requested, 3, id);
    fx_intervention_step(&w.cw, id, "cancel", json_object(), &r);
    static const char *const reason[] = {"/reason"};
    fx_assert_error_pointers(&r, reason, 1);
    http_response_free(&r);
    json_decref(fx_start_intervention(&w.cw, id, requested));
    fx_intervention_step(&w.cw, id, "end", json_pack("{s:s}", "ended_on", w.today), &r);
    static const char *const outcome[] = {"/outcome"};
    fx_assert_error_pointers(&r, outcome, 1);
    http_response_free(&r);
    json_t *doc = fx_get_intervention(&w.cw, id);
    fx_assert_member(doc, "status", "started");
    json_decref(doc);
    world_close(&w);
}

Test(interventions, progress_notes_are_201_and_shown_on_the_intervention, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char overall[FX_UUID_LEN], id[FX_UUID_LEN], requested[11], started[11], first[11];
    overall_in_force(&w, overall);
    day(&w, -40, requested);
    day(&w, -30, started);
    day(&w, -5, first);
    fx_create_intervention(&w.cw, w.case_id, "fleksjob", requested, 4, id);
    json_decref(fx_start_intervention(&w.cw, id, started));

    struct http_response r;
    fx_intervention_step(&w.cw, id, "progress", json_pack("{s:s, s:s}", "noted_on", w.today, "note", "Nu 5 timer."),
                         &r);
    fx_assert_status(&r, 201);
    http_response_free(&r);
    fx_intervention_step(&w.cw, id, "progress", json_pack("{s:s, s:s}", "noted_on", first, "note", "Møder stabilt."),
                         &r);
    fx_assert_status(&r, 201);
    http_response_free(&r);

    json_t *doc = fx_get_intervention(&w.cw, id);
    json_t *progress = json_object_get(doc, "progress");
    cr_assert_eq(json_array_size(progress), 2, "progress has %zu notes, want 2", json_array_size(progress));
    /* In date order, whatever the order they were written in. */
    fx_assert_member(json_array_get(progress, 0), "noted_on", first);
    fx_assert_member(json_array_get(progress, 0), "note", "Møder stabilt.");
    fx_assert_member(json_array_get(progress, 1), "noted_on", w.today);
    fx_assert_member(json_array_get(progress, 1), "note", "Nu 5 timer.");
    json_decref(doc);
    world_close(&w);
}

Test(interventions, start_date_before_the_request_or_in_the_future_is_422_naming_started_on, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char overall[FX_UUID_LEN], id[FX_UUID_LEN], requested[11], before[11], tomorrow[11];
    overall_in_force(&w, overall);
    day(&w, -10, requested);
    day(&w, -11, before);
    day(&w, 1, tomorrow);
    fx_create_intervention(&w.cw, w.case_id, "mentor", requested, 2, id);
    static const char *const want[] = {"/started_on"};
    const char *bad[] = {before, tomorrow};
    for (size_t i = 0; i < 2; i++) {
        struct http_response r;
        fx_intervention_step(&w.cw, id, "start", json_pack("{s:s}", "started_on", bad[i]), &r);
        fx_assert_error_pointers(&r, want, 1);
        http_response_free(&r);
    }
    /* The day it was requested is allowed: no waiting. */
    json_t *doc = fx_start_intervention(&w.cw, id, requested);
    fx_assert_integer(doc, "waiting_days", 0);
    json_decref(doc);
    world_close(&w);
}

Test(interventions, start_needs_if_match, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char overall[FX_UUID_LEN], id[FX_UUID_LEN];
    overall_in_force(&w, overall);
    fx_create_intervention(&w.cw, w.case_id, "mentor", w.today, 2, id);
    struct http_response r;
    step_blind(&w.cw, id, "start", NULL, json_pack("{s:s}", "started_on", w.today), &r);
    fx_assert_problem(&r, 428);
    http_response_free(&r);
    step_blind(&w.cw, id, "start", "\"7\"", json_pack("{s:s}", "started_on", w.today), &r);
    fx_assert_problem(&r, 412);
    http_response_free(&r);
    json_t *doc = fx_get_intervention(&w.cw, id);
    fx_assert_member(doc, "status", "requested");
    json_decref(doc);
    world_close(&w);
}

Test(interventions, an_exemption_never_blocks_starting_an_intervention, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char overall[FX_UUID_LEN], id[FX_UUID_LEN], from[11], to[11], requested[11];
    overall_in_force(&w, overall);
    day(&w, -5, from);
    day(&w, 60, to);
    day(&w, -3, requested);
    char path[128];
    snprintf(path, sizeof(path), "/v1/cases/%s/exemptions", w.case_id);
    struct http_response r;
    fx_call("POST", path, &w.cw,
            json_pack("{s:s, s:s, s:s}", "from_on", from, "to_on", to, "reason", "Indlagt på hospital."), NULL, 0,
            &r);
    fx_assert_status(&r, 201);
    http_response_free(&r);
    fx_call("GET", path, &w.cw, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *list = fx_body(&r);
    http_response_free(&r);
    json_t *items = json_object_get(list, "items");
    cr_assert_eq(json_array_size(items), 1, "the case lists %zu exemptions, want 1", json_array_size(items));
    fx_assert_member(json_array_get(items, 0), "from_on", from);
    fx_assert_member(json_array_get(items, 0), "to_on", to);
    fx_assert_member(json_array_get(items, 0), "reason", "Indlagt på hospital.");
    json_decref(list);

    fx_create_intervention(&w.cw, w.case_id, "psykiatrisk_behandling", requested, 0, id);
    json_t *doc = fx_start_intervention(&w.cw, id, w.today);
    fx_assert_member(doc, "status", "started");
    json_decref(doc);
    world_close(&w);
}

Test(interventions, exemptions_check_their_dates_and_are_for_the_case_staff_to_record, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char from[11], before[11], path[128];
    day(&w, 10, from);
    day(&w, 9, before);
    snprintf(path, sizeof(path), "/v1/cases/%s/exemptions", w.case_id);
    struct http_response r;
    fx_call("POST", path, &w.cw, json_pack("{s:s, s:s, s:s}", "from_on", from, "to_on", before, "reason", "Syg"), NULL,
            0, &r);
    static const char *const to_on[] = {"/to_on"};
    fx_assert_error_pointers(&r, to_on, 1);
    http_response_free(&r);
    fx_call("POST", path, &w.cw, json_pack("{s:s, s:s}", "from_on", from, "to_on", from), NULL, 0, &r);
    static const char *const reason[] = {"/reason"};
    fx_assert_error_pointers(&r, reason, 1);
    http_response_free(&r);
    fx_call("POST", path, &w.citizen, json_pack("{s:s, s:s, s:s}", "from_on", from, "to_on", from, "reason", "Syg"),
            NULL, 0, &r);
    fx_assert_problem(&r, 403);
    http_response_free(&r);
    struct fx_actor outsider;
    fx_staff(&outsider, "caseworker", FX_OTHER_MUNICIPALITY);
    fx_call("POST", path, &outsider, json_pack("{s:s, s:s, s:s}", "from_on", from, "to_on", from, "reason", "Syg"),
            NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    fx_call("GET", path, &outsider, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    fx_actor_free(&outsider);

    /* A one-day exemption is valid; the citizen reads it; nothing refused was stored. */
    fx_call("POST", path, &w.cw, json_pack("{s:s, s:s, s:s}", "from_on", from, "to_on", from, "reason", "Syg"), NULL,
            0, &r);
    fx_assert_status(&r, 201);
    http_response_free(&r);
    fx_call("GET", path, &w.citizen, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 1, "the citizen sees %zu exemptions, want 1",
                 json_array_size(json_object_get(doc, "items")));
    json_decref(doc);
    world_close(&w);
}

Test(interventions, list_by_case_filters_by_status, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char overall[FX_UUID_LEN], ids[3][FX_UUID_LEN], requested[11];
    overall_in_force(&w, overall);
    day(&w, -9, requested);
    for (int i = 0; i < 3; i++)
        fx_create_intervention(&w.cw, w.case_id, "anden", requested, 1, ids[i]);
    json_decref(fx_start_intervention(&w.cw, ids[1], w.today));
    struct http_response r;
    fx_intervention_step(&w.cw, ids[2], "cancel", json_pack("{s:s}", "reason", "Ikke relevant"), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);

    static const struct {
        const char *query;
        size_t n;
        int which[3];
    } cases[] = {{"", 3, {0, 1, 2}}, {"?status=requested", 1, {0}}, {"?status=started", 1, {1}},
                 {"?status=cancelled", 1, {2}}, {"?status=ended", 0, {0}}};
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        char path[160];
        snprintf(path, sizeof(path), "/v1/cases/%s/interventions%s", w.case_id, cases[c].query);
        fx_call("GET", path, &w.cw, NULL, NULL, 0, &r);
        fx_assert_status(&r, 200);
        json_t *doc = fx_body(&r);
        http_response_free(&r);
        json_t *items = json_object_get(doc, "items");
        cr_assert_eq(json_array_size(items), cases[c].n, "%s lists %zu, want %zu", path, json_array_size(items),
                     cases[c].n);
        for (size_t k = 0; k < cases[c].n; k++) {
            int seen = 0;
            for (size_t j = 0; j < json_array_size(items); j++) {
                const char *got = json_string_value(json_object_get(json_array_get(items, j), "id"));
                seen += got && strcmp(got, ids[cases[c].which[k]]) == 0;
            }
            cr_assert_eq(seen, 1, "%s: intervention %d listed %d times", path, cases[c].which[k], seen);
        }
        json_decref(doc);
    }
    world_close(&w);
}

Test(interventions, staff_of_another_municipality_see_nothing, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char overall[FX_UUID_LEN], id[FX_UUID_LEN], path[160];
    overall_in_force(&w, overall);
    fx_create_intervention(&w.cw, w.case_id, "mentor", w.today, 2, id);
    struct fx_actor outsider, lead;
    fx_staff(&outsider, "caseworker", FX_OTHER_MUNICIPALITY);
    fx_staff(&lead, "team_lead", FX_MUNICIPALITY);
    struct http_response r;

    snprintf(path, sizeof(path), "/v1/cases/%s/interventions", w.case_id);
    fx_call("GET", path, &outsider, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    post_intervention(&outsider, w.case_id, json_pack("{s:s, s:s}", "type", "mentor", "requested_on", w.today), &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    snprintf(path, sizeof(path), "/v1/interventions/%s", id);
    fx_call("GET", path, &outsider, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    step_blind(&outsider, id, "start", "\"1\"", json_pack("{s:s}", "started_on", w.today), &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    step_blind(&outsider, id, "cancel", "\"1\"", json_pack("{s:s}", "reason", "Fremmed kommune"), &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);

    /* Untouched, and visible to the municipality's own staff. */
    json_t *doc = fx_get_intervention(&lead, id);
    fx_assert_member(doc, "status", "requested");
    fx_assert_integer(doc, "version", 1);
    json_decref(doc);
    fx_actor_free(&lead);
    fx_actor_free(&outsider);
    world_close(&w);
}

Test(interventions, a_citizen_reads_their_own_interventions_and_nobody_elses, .timeout = FX_TIMEOUT)
{
    struct world w, other;
    world_open(&w, FX_MUNICIPALITY);
    world_open(&other, FX_MUNICIPALITY);
    char id[FX_UUID_LEN], path[160];
    fx_create_intervention(&w.cw, w.case_id, "mentor", w.today, 2, id);
    json_t *doc = fx_get_intervention(&w.citizen, id);
    fx_assert_member(doc, "citizen_id", w.citizen_id);
    json_decref(doc);

    struct http_response r;
    snprintf(path, sizeof(path), "/v1/cases/%s/interventions", w.case_id);
    fx_call("GET", path, &w.citizen, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    doc = fx_body(&r);
    http_response_free(&r);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 1, "the citizen does not see their intervention");
    json_decref(doc);

    fx_call("GET", path, &other.citizen, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    snprintf(path, sizeof(path), "/v1/interventions/%s", id);
    fx_call("GET", path, &other.citizen, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);

    /* Starting is for staff. */
    step_blind(&w.citizen, id, "start", "\"1\"", json_pack("{s:s}", "started_on", w.today), &r);
    fx_assert_problem(&r, 403);
    http_response_free(&r);
    world_close(&other);
    world_close(&w);
}

/* ---- waiting time per sector ---- */

/* An intervention of type in the case, requested on today + requested and started on
 * today + started. */
static void started_intervention(struct world *w, const char *type, double hours, int requested, int started)
{
    char req[11], sta[11], id[FX_UUID_LEN];
    day(w, requested, req);
    day(w, started, sta);
    fx_create_intervention(&w->cw, w->case_id, type, req, hours, id);
    json_decref(fx_start_intervention(&w->cw, id, sta));
}

static json_t *waiting_stats(const struct fx_actor *a, const char *municipality, const char *from, const char *to,
                             int status)
{
    char path[256];
    snprintf(path, sizeof(path), "/v1/stats/waiting-times?municipality=%s&from=%s&to=%s", municipality, from, to);
    struct http_response r;
    fx_call("GET", path, a, NULL, NULL, 0, &r);
    json_t *doc = NULL;
    if (status == 200) {
        fx_assert_status(&r, 200);
        doc = fx_body(&r);
    } else {
        fx_assert_problem(&r, status);
    }
    http_response_free(&r);
    return doc;
}

/* Fails unless the sector's figures are these (a negative median, p90 or longest: null). */
static void assert_sector(json_t *doc, const char *sector, long long started, double median, double p90,
                          long long waiting_now, long long longest)
{
    json_t *s = json_object_get(json_object_get(doc, "sectors"), sector);
    cr_assert(json_is_object(s), "no figures for sector %s", sector);
    fx_assert_integer(s, "started", started);
    assert_number(s, "median_days", median);
    assert_number(s, "p90_days", p90);
    fx_assert_integer(s, "waiting_now", waiting_now);
    if (longest < 0)
        cr_assert(json_is_null(json_object_get(s, "longest_waiting_days")), "%s: longest_waiting_days is not null",
                  sector);
    else
        fx_assert_integer(s, "longest_waiting_days", longest);
}

Test(interventions, waiting_times_per_sector_are_exact_and_suppressed_under_5_citizens, .timeout = FX_TIMEOUT * 4)
{
    /* A municipality of this test's own (980-998: no other test counts interventions or
     * decisions there), so every figure below was worked out by hand. Six citizens, each
     * with a case under an overall decision issued 90 days ago. */
    char municipality[4];
    fx_random_municipality(980, 998, municipality);
    enum { CITIZENS = 6 };
    struct world w[CITIZENS];
    char overall[FX_UUID_LEN], id[FX_UUID_LEN], from[11], req[11];
    for (int c = 0; c < CITIZENS; c++) {
        world_open(&w[c], municipality);
        day(&w[c], -90, req);
        fx_issued_decision(&w[c].cw, w[c].case_id, "overall", "granted", req, overall);
    }
    day(&w[0], -60, from);

    /* Employment: 5 started in the period, one for each of citizens 0-4, after 2, 4, 6, 8
     * and 10 days: median 6, p90 9.2 (percentile_cont: 8 + 0.6 × 2); citizen 5's, started
     * before the period after 15 days, does not count. */
    static const int employment_wait[] = {10, 2, 8, 4, 6};
    for (int i = 0; i < 5; i++)
        started_intervention(&w[i], "mentor", 5, -40 + i - employment_wait[i], -40 + i);
    started_intervention(&w[5], "virksomhedspraktik", 20, -85, -70);

    /* Social: 5 started (1, 3, 5, 7, 9 days) but of 4 citizens (citizen 0 has two):
     * counted, no figures, since one citizen's two waits must not make them readable; 1
     * waiting. */
    static const int social_wait[] = {1, 3, 5, 7, 9};
    for (int i = 0; i < 5; i++)
        started_intervention(&w[i == 4 ? 0 : i], "social_stoette", 3, -30 - social_wait[i], -30);
    day(&w[4], -12, req);
    fx_create_intervention(&w[4].cw, w[4].case_id, "stabiliserende_aktiviteter", req, 2, id);

    /* Health: none started; 5 waiting, one for each of citizens 0-4, for 3, 5, 8, 13 and 21
     * days (the longest 21), and citizen 5's cancelled one that no longer waits. */
    static const int health_wait[] = {3, 21, 5, 13, 8};
    for (int i = 0; i < 5; i++) {
        day(&w[i], -health_wait[i], req);
        fx_create_intervention(&w[i].cw, w[i].case_id, i % 2 ? "behandling" : "misbrugsbehandling", req, 0, id);
    }
    day(&w[5], -40, req);
    fx_create_intervention(&w[5].cw, w[5].case_id, "behandling", req, 0, id);
    struct http_response r;
    fx_intervention_step(&w[5].cw, id, "cancel", json_pack("{s:s}", "reason", "Behandlet andetsteds"), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);

    struct fx_actor lead, auditor, outsider;
    fx_staff(&lead, "team_lead", municipality);
    fx_staff(&auditor, "auditor", municipality);
    const struct fx_actor *readers[] = {&w[0].cw, &lead, &auditor};
    for (size_t i = 0; i < 3; i++) {
        json_t *doc = waiting_stats(readers[i], municipality, from, w[0].today, 200);
        cr_assert_eq(json_object_size(json_object_get(doc, "sectors")), 3, "sectors are not exactly three");
        assert_sector(doc, "employment", 5, 6, 9.2, 0, -1);
        assert_sector(doc, "social", 5, -1, -1, 1, -1);
        assert_sector(doc, "health", 0, -1, -1, 5, 21);
        json_decref(doc);
    }

    /* The period decides what counts as started: the one started 70 days ago joins.
     * 2, 4, 6, 8, 10, 15: median 7 (6 + 0.5 × 2), p90 12.5 (10 + 0.5 × 5). */
    char earlier[11];
    day(&w[0], -75, earlier);
    json_t *doc = waiting_stats(&lead, municipality, earlier, w[0].today, 200);
    assert_sector(doc, "employment", 6, 7, 12.5, 0, -1);
    json_decref(doc);

    /* Another municipality's staff see nothing of it. */
    fx_staff(&outsider, "team_lead", FX_MUNICIPALITY);
    json_decref(waiting_stats(&outsider, municipality, from, w[0].today, 404));
    fx_actor_free(&outsider);
    fx_actor_free(&auditor);
    fx_actor_free(&lead);
    for (int c = 0; c < CITIZENS; c++)
        world_close(&w[c]);
}
