/* Decisions over HTTP: the elements required before issuing (each missing one named by a
 * JSON Pointer, all at once), the open hearing that blocks issuing, immutability, superseding
 * linked both ways, the appeal deadline and guidance (expected dates worked out from a
 * calendar, not the service), who can read a decision, and the access log of every step. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

/* A caseworker with a citizen and an open case, in one municipality. */
struct world {
    struct fx_actor cw;
    char cpr[11];
    char citizen[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
};

static void world_open(struct world *w, const char *municipality)
{
    fx_staff(&w->cw, "caseworker", municipality);
    fx_new_case(&w->cw, w->cpr, w->citizen, w->case_id);
}

static void world_close(struct world *w)
{
    fx_actor_free(&w->cw);
}

static void decision_path(const char *id, const char *suffix, char out[160])
{
    snprintf(out, 160, "/v1/decisions/%s%s", id, suffix ? suffix : "");
}

/* POST /v1/decisions/{id}/issue with if_match (NULL: none) and body (consumed). */
static int issue(const struct fx_actor *a, const char *id, const char *if_match, json_t *body,
                 struct http_response *out)
{
    char path[160];
    decision_path(id, "/issue", path);
    const struct http_header h[] = {{"If-Match", if_match}};
    return fx_call("POST", path, a, body, h, if_match ? 1 : 0, out);
}

static int patch(const struct fx_actor *a, const char *id, const char *if_match, json_t *body,
                 struct http_response *out)
{
    char path[160];
    decision_path(id, NULL, path);
    const struct http_header h[] = {{"If-Match", if_match}};
    return fx_call("PATCH", path, a, body, h, if_match ? 1 : 0, out);
}

static const char *ref_code(json_t *doc, const char *key)
{
    return json_string_value(json_object_get(json_object_get(doc, key), "code"));
}

static long long version_of(json_t *doc)
{
    return json_integer_value(json_object_get(doc, "version"));
}

/* Fails unless the decision is still the untouched draft of version 1. */
static void assert_untouched_draft(const struct fx_actor *a, const char *id)
{
    json_t *doc = fx_get_decision(a, id);
    fx_assert_member(doc, "status", "draft");
    cr_assert_eq(version_of(doc), 1, "a refused issue changed the version");
    fx_assert_member(doc, "notified_on", NULL);
    fx_assert_member(doc, "appeal_deadline", NULL);
    cr_assert(json_is_null(json_object_get(doc, "appeal_guidance")), "a refused issue attached guidance");
    json_decref(doc);
}

/* Creates a draft from body (consumed), issues it as of 2026-04-04 and expects 422
 * naming exactly the pointers; the draft stays as it was. */
static void assert_issue_names(struct world *w, json_t *body, const char *const *pointers, size_t n)
{
    char id[FX_UUID_LEN];
    fx_create_decision(&w->cw, body, id);
    struct http_response r;
    issue(&w->cw, id, "\"1\"", json_pack("{s:s}", "notified_on", "2026-04-04"), &r);
    fx_assert_error_pointers(&r, pointers, n);
    http_response_free(&r);
    assert_untouched_draft(&w->cw, id);
}

Test(decisions, create_is_201_draft_with_etag_1_location_and_every_field, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct http_response r;
    fx_call("POST", "/v1/decisions", &w.cw, fx_decision_body(w.case_id, "fleksjob", "partly_granted"), NULL, 0,
            &r);
    fx_assert_status(&r, 201);
    const char *etag = http_response_header(&r, "ETag");
    cr_assert(etag && strcmp(etag, "\"1\"") == 0, "ETag %s, want \"1\"", etag ? etag : "(none)");
    json_t *doc = fx_body(&r);
    const char *id = json_string_value(json_object_get(doc, "id"));
    cr_assert(id && strlen(id) == 36);
    char path[160];
    decision_path(id, NULL, path);
    const char *location = http_response_header(&r, "Location");
    cr_assert(location && strcmp(location, path) == 0, "Location %s, want %s", location ? location : "(none)",
              path);

    fx_assert_member(doc, "case_id", w.case_id);
    fx_assert_member(doc, "citizen_id", w.citizen);
    fx_assert_member(doc, "municipality", FX_MUNICIPALITY);
    fx_assert_member(doc, "status", "draft");
    cr_assert(json_is_false(json_object_get(doc, "in_force")), "a draft is not in force");
    cr_assert(json_is_null(json_object_get(doc, "force_lost")));
    cr_assert_str_eq(ref_code(doc, "kind"), "fleksjob");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "kind"), "label")),
                     "Afgørelse om fleksjob");
    cr_assert_str_eq(ref_code(doc, "outcome"), "partly_granted");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "outcome"), "label")),
                     "Delvist bevilget");
    json_t *basis = json_object_get(doc, "legal_basis");
    cr_assert_eq(json_array_size(basis), 2, "legal_basis keeps both provisions in order");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(basis, 0), "code")), "las_11");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(basis, 0), "label")),
                     "Lov om aktiv socialpolitik § 11");
    cr_assert_gt(json_integer_value(json_object_get(json_array_get(basis, 0), "reference_id")), 0);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(basis, 1), "code")), "lsp_17");
    fx_assert_member(doc, "subject", "Afgørelse om din sag");
    fx_assert_member(doc, "facts", "Du har været ledig siden marts.\nLægen har vurderet din arbejdsevne.");
    fx_assert_member(doc, "reasons", "Kommunen har lagt vægt på lægens vurdering.\nIndsatsen svarer til behovet.");
    cr_assert(json_number_value(json_object_get(doc, "hours_per_week")) == 15.5, "hours_per_week is not 15.5");
    json_t *hearing = json_object_get(doc, "hearing");
    fx_assert_member(hearing, "status", "not_needed");
    fx_assert_member(hearing, "not_needed_reason", "Afgørelsen bygger alene på dine egne oplysninger.");
    fx_assert_member(hearing, "sent_on", NULL);
    static const char *const unset[] = {"parent_id", "supersedes_id", "superseded_by_id", "decided_on",
                                        "notified_on", "appeal_deadline", "appeal_guidance", "issued_at"};
    for (size_t i = 0; i < sizeof(unset) / sizeof(unset[0]); i++)
        cr_assert(json_is_null(json_object_get(doc, unset[i])), "a draft has %s set (or missing)", unset[i]);
    cr_assert_eq(version_of(doc), 1);
    http_response_free(&r);
    json_decref(doc);
    world_close(&w);
}

Test(decisions, issue_without_outcome_is_422_naming_outcome, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    static const char *const want[] = {"/outcome"};
    assert_issue_names(&w, fx_decision_body(w.case_id, "placement", NULL), want, 1);
    world_close(&w);
}

Test(decisions, issue_without_subject_is_422_naming_subject, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    json_t *body = fx_decision_body(w.case_id, "placement", "refused");
    json_object_del(body, "subject");
    static const char *const want[] = {"/subject"};
    assert_issue_names(&w, body, want, 1);
    world_close(&w);
}

Test(decisions, issue_without_legal_basis_is_422_naming_legal_basis, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    json_t *body = fx_decision_body(w.case_id, "placement", "granted");
    json_object_del(body, "legal_basis");
    static const char *const want[] = {"/legal_basis"};
    assert_issue_names(&w, body, want, 1);
    world_close(&w);
}

Test(decisions, refusal_without_facts_is_422_naming_facts, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    json_t *body = fx_decision_body(w.case_id, "placement", "refused");
    json_object_del(body, "facts");
    static const char *const want[] = {"/facts"};
    assert_issue_names(&w, body, want, 1);
    world_close(&w);
}

Test(decisions, refusal_without_reasons_is_422_naming_reasons, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    json_t *body = fx_decision_body(w.case_id, "placement", "refused");
    json_object_del(body, "reasons");
    static const char *const want[] = {"/reasons"};
    assert_issue_names(&w, body, want, 1);
    world_close(&w);
}

Test(decisions, every_adverse_outcome_without_a_hearing_is_422_naming_hearing, .timeout = FX_TIMEOUT)
{
    static const char *const adverse[] = {"refused", "partly_granted", "no_intervention"};
    static const char *const want[] = {"/hearing"};
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    for (size_t i = 0; i < sizeof(adverse) / sizeof(adverse[0]); i++) {
        /* Once with the hearing left out (status defaults to none), once with status none. */
        json_t *body = fx_decision_body(w.case_id, "overall", adverse[i]);
        json_object_del(body, "hearing");
        assert_issue_names(&w, body, want, 1);
        body = fx_decision_body(w.case_id, "overall", adverse[i]);
        json_object_set_new(body, "hearing", json_pack("{s:s}", "status", "none"));
        assert_issue_names(&w, body, want, 1);
    }
    world_close(&w);
}

Test(decisions, fleksjob_without_hours_per_week_is_422_naming_hours_per_week, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    json_t *body = fx_decision_body(w.case_id, "fleksjob", "granted");
    json_object_del(body, "hours_per_week");
    static const char *const want[] = {"/hours_per_week"};
    assert_issue_names(&w, body, want, 1);
    world_close(&w);
}

Test(decisions, intervention_without_parent_is_422_naming_parent_id, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    static const char *const want[] = {"/parent_id"};
    assert_issue_names(&w, fx_decision_body(w.case_id, "intervention", "granted"), want, 1);
    world_close(&w);
}

Test(decisions, several_missing_elements_are_all_named_in_one_422, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    /* A fleksjob refusal with nothing but kind and outcome. */
    static const char *const fleksjob[] = {"/subject", "/legal_basis", "/facts", "/reasons", "/hearing",
                                           "/hours_per_week"};
    assert_issue_names(&w, json_pack("{s:s, s:s, s:s}", "case_id", w.case_id, "kind", "fleksjob", "outcome", "refused"),
                       fleksjob, sizeof(fleksjob) / sizeof(fleksjob[0]));
    /* An intervention refusal without parent, subject or legal basis. */
    json_t *body = fx_decision_body(w.case_id, "intervention", "refused");
    json_object_del(body, "subject");
    json_object_del(body, "legal_basis");
    json_object_del(body, "hearing");
    static const char *const intervention[] = {"/subject", "/legal_basis", "/hearing", "/parent_id"};
    assert_issue_names(&w, body, intervention, sizeof(intervention) / sizeof(intervention[0]));
    /* No outcome and no subject: both named. */
    body = fx_decision_body(w.case_id, "other", NULL);
    json_object_del(body, "subject");
    static const char *const both[] = {"/outcome", "/subject"};
    assert_issue_names(&w, body, both, 2);
    world_close(&w);
}

Test(decisions, granted_outcome_issues_without_facts_reasons_or_hearing, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    json_t *body = fx_decision_body(w.case_id, "placement", "granted");
    json_object_del(body, "facts");
    json_object_del(body, "reasons");
    json_object_del(body, "hearing");
    char id[FX_UUID_LEN];
    fx_create_decision(&w.cw, body, id);
    json_t *doc = fx_issue_decision(&w.cw, id, "2026-04-04");
    fx_assert_member(doc, "status", "issued");
    fx_assert_member(doc, "facts", NULL);
    fx_assert_member(doc, "reasons", NULL);
    fx_assert_member(json_object_get(doc, "hearing"), "status", "none");
    json_decref(doc);
    world_close(&w);
}

Test(decisions, intervention_under_an_issued_overall_decision_issues, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char overall[FX_UUID_LEN], sub[FX_UUID_LEN];
    fx_issued_decision(&w.cw, w.case_id, "overall", "granted", "2026-04-01", overall);
    json_t *body = fx_decision_body(w.case_id, "intervention", "granted");
    json_object_set_new(body, "parent_id", json_string(overall));
    fx_create_decision(&w.cw, body, sub);
    json_t *doc = fx_issue_decision(&w.cw, sub, "2026-04-08");
    fx_assert_member(doc, "status", "issued");
    fx_assert_member(doc, "parent_id", overall);
    json_decref(doc);
    world_close(&w);
}

Test(decisions, parent_must_be_an_issued_overall_decision_of_the_same_case, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char draft_overall[FX_UUID_LEN], placement[FX_UUID_LEN], other_case[FX_UUID_LEN], elsewhere[FX_UUID_LEN];
    fx_draft_decision(&w.cw, w.case_id, "overall", "granted", draft_overall);
    fx_issued_decision(&w.cw, w.case_id, "placement", "granted", "2026-04-01", placement);
    fx_create_case(&w.cw, w.citizen, NULL, other_case);
    fx_issued_decision(&w.cw, other_case, "overall", "granted", "2026-04-01", elsewhere);
    const char *parents[] = {draft_overall, placement, elsewhere};
    for (size_t i = 0; i < 3; i++) {
        json_t *body = fx_decision_body(w.case_id, "intervention", "granted");
        json_object_set_new(body, "parent_id", json_string(parents[i]));
        struct http_response r;
        fx_call("POST", "/v1/decisions", &w.cw, body, NULL, 0, &r);
        static const char *const want[] = {"/parent_id"};
        fx_assert_error_pointers(&r, want, 1);
        http_response_free(&r);
    }
    world_close(&w);
}

Test(decisions, intervention_whose_parent_was_superseded_cannot_be_issued, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char overall[FX_UUID_LEN], sub[FX_UUID_LEN], successor[FX_UUID_LEN];
    fx_issued_decision(&w.cw, w.case_id, "overall", "granted", "2026-04-01", overall);
    json_t *body = fx_decision_body(w.case_id, "intervention", "granted");
    json_object_set_new(body, "parent_id", json_string(overall));
    fx_create_decision(&w.cw, body, sub);
    body = fx_decision_body(w.case_id, "overall", "granted");
    json_object_set_new(body, "supersedes_id", json_string(overall));
    fx_create_decision(&w.cw, body, successor);
    json_decref(fx_issue_decision(&w.cw, successor, "2026-04-06"));

    struct http_response r;
    issue(&w.cw, sub, "\"1\"", json_pack("{s:s}", "notified_on", "2026-04-08"), &r);
    static const char *const want[] = {"/parent_id"};
    fx_assert_error_pointers(&r, want, 1);
    http_response_free(&r);
    assert_untouched_draft(&w.cw, sub);
    world_close(&w);
}

Test(decisions, issuing_twice_is_409_with_state_issued, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char id[FX_UUID_LEN], if_match[24];
    fx_draft_decision(&w.cw, w.case_id, "placement", "refused", id);
    json_t *first = fx_issue_decision(&w.cw, id, "2026-04-04");
    fx_if_match(first, if_match);
    struct http_response r;
    issue(&w.cw, id, if_match, json_pack("{s:s}", "notified_on", "2026-04-10"), &r);
    fx_assert_state(&r, "issued");
    http_response_free(&r);

    /* The first issue stands: same notification, deadline and version. */
    json_t *doc = fx_get_decision(&w.cw, id);
    fx_assert_member(doc, "notified_on", "2026-04-04");
    fx_assert_member(doc, "appeal_deadline", "2026-05-04");
    cr_assert_eq(version_of(doc), version_of(first));
    json_decref(doc);
    json_decref(first);
    world_close(&w);
}

Test(decisions, patch_of_a_draft_needs_if_match_and_replaces_fields, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char id[FX_UUID_LEN];
    fx_draft_decision(&w.cw, w.case_id, "placement", "refused", id);
    struct http_response r;
    patch(&w.cw, id, NULL, json_pack("{s:s}", "subject", "Uden If-Match"), &r);
    fx_assert_problem(&r, 428);
    http_response_free(&r);

    patch(&w.cw, id, "\"1\"",
          json_pack("{s:s, s:[s], s:n}", "subject", "Ny overskrift", "legal_basis", "las_23", "legal_basis_note"),
          &r);
    fx_assert_status(&r, 200);
    const char *etag = http_response_header(&r, "ETag");
    cr_assert(etag && strcmp(etag, "\"2\"") == 0, "ETag %s, want \"2\"", etag ? etag : "(none)");
    json_t *doc = fx_body(&r);
    fx_assert_member(doc, "subject", "Ny overskrift");
    json_t *basis = json_object_get(doc, "legal_basis");
    cr_assert_eq(json_array_size(basis), 1, "legal_basis must be replaced, not merged");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(basis, 0), "code")), "las_23");
    fx_assert_member(doc, "legal_basis_note", NULL);
    cr_assert_eq(version_of(doc), 2);
    json_decref(doc);
    http_response_free(&r);

    patch(&w.cw, id, "\"1\"", json_pack("{s:s}", "subject", "Forældet"), &r);
    fx_assert_problem(&r, 412);
    http_response_free(&r);
    world_close(&w);
}

Test(decisions, patch_of_an_issued_decision_is_409_and_changes_nothing, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char id[FX_UUID_LEN], if_match[24];
    fx_draft_decision(&w.cw, w.case_id, "placement", "refused", id);
    json_t *issued = fx_issue_decision(&w.cw, id, "2026-04-04");
    fx_if_match(issued, if_match);
    struct http_response r;
    patch(&w.cw, id, if_match, json_pack("{s:s, s:s}", "subject", "Ændret efter udstedelse", "reasons", "Nye grunde"),
          &r);
    fx_assert_state(&r, "issued");
    http_response_free(&r);
    patch(&w.cw, id, if_match, json_pack("{s:[s]}", "legal_basis", "las_23"), &r);
    fx_assert_state(&r, "issued");
    http_response_free(&r);

    json_t *doc = fx_get_decision(&w.cw, id);
    fx_assert_member(doc, "subject", "Afgørelse om din sag");
    fx_assert_member(doc, "reasons", "Kommunen har lagt vægt på lægens vurdering.\nIndsatsen svarer til behovet.");
    cr_assert_eq(json_array_size(json_object_get(doc, "legal_basis")), 2);
    cr_assert_eq(version_of(doc), version_of(issued));
    json_decref(doc);
    json_decref(issued);
    world_close(&w);
}

Test(decisions, supersede_links_both_ways_and_takes_force_from_the_old, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char old_id[FX_UUID_LEN], new_id[FX_UUID_LEN];
    fx_issued_decision(&w.cw, w.case_id, "placement", "refused", "2026-04-04", old_id);
    json_t *body = fx_decision_body(w.case_id, "placement", "granted");
    json_object_set_new(body, "supersedes_id", json_string(old_id));
    fx_create_decision(&w.cw, body, new_id);

    /* A draft successor changes nothing yet. */
    json_t *old = fx_get_decision(&w.cw, old_id);
    fx_assert_member(old, "status", "issued");
    cr_assert(json_is_true(json_object_get(old, "in_force")), "the old decision lost force to a mere draft");
    fx_assert_member(old, "superseded_by_id", NULL);
    json_decref(old);

    json_t *fresh = fx_issue_decision(&w.cw, new_id, "2026-04-20");
    fx_assert_member(fresh, "status", "issued");
    fx_assert_member(fresh, "supersedes_id", old_id);
    cr_assert(json_is_true(json_object_get(fresh, "in_force")));
    json_decref(fresh);

    old = fx_get_decision(&w.cw, old_id);
    fx_assert_member(old, "status", "superseded");
    fx_assert_member(old, "superseded_by_id", new_id);
    cr_assert(json_is_false(json_object_get(old, "in_force")), "a superseded decision is still in force");
    cr_assert(json_is_null(json_object_get(old, "force_lost")), "superseding is not a loss of force by appeal");
    /* Its content is what was issued. */
    cr_assert_str_eq(ref_code(old, "outcome"), "refused");
    fx_assert_member(old, "notified_on", "2026-04-04");
    json_decref(old);
    fresh = fx_get_decision(&w.cw, new_id);
    fx_assert_member(fresh, "supersedes_id", old_id);
    fx_assert_member(fresh, "superseded_by_id", NULL);
    json_decref(fresh);

    /* A superseded decision cannot be superseded again. */
    body = fx_decision_body(w.case_id, "placement", "granted");
    json_object_set_new(body, "supersedes_id", json_string(old_id));
    struct http_response r;
    fx_call("POST", "/v1/decisions", &w.cw, body, NULL, 0, &r);
    fx_assert_state(&r, "superseded");
    http_response_free(&r);
    world_close(&w);
}

Test(decisions, only_one_draft_may_supersede_an_issued_decision_and_never_a_draft, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char issued[FX_UUID_LEN], draft[FX_UUID_LEN], first[FX_UUID_LEN];
    fx_issued_decision(&w.cw, w.case_id, "placement", "refused", "2026-04-04", issued);
    fx_draft_decision(&w.cw, w.case_id, "placement", "refused", draft);

    struct http_response r;
    json_t *body = fx_decision_body(w.case_id, "placement", "granted");
    json_object_set_new(body, "supersedes_id", json_string(draft));
    fx_call("POST", "/v1/decisions", &w.cw, body, NULL, 0, &r);
    fx_assert_state(&r, "draft");
    http_response_free(&r);

    body = fx_decision_body(w.case_id, "placement", "granted");
    json_object_set_new(body, "supersedes_id", json_string(issued));
    fx_create_decision(&w.cw, body, first);
    body = fx_decision_body(w.case_id, "placement", "partly_granted");
    json_object_set_new(body, "supersedes_id", json_string(issued));
    fx_call("POST", "/v1/decisions", &w.cw, body, NULL, 0, &r);
    fx_assert_problem(&r, 409);
    http_response_free(&r);
    world_close(&w);
}

Test(decisions, supersedes_id_of_another_case_or_municipality_is_refused, .timeout = FX_TIMEOUT)
{
    struct world w, there;
    world_open(&w, FX_MUNICIPALITY);
    world_open(&there, FX_OTHER_MUNICIPALITY);
    char other_case[FX_UUID_LEN], here[FX_UUID_LEN], foreign[FX_UUID_LEN];
    fx_create_case(&w.cw, w.citizen, NULL, other_case);
    fx_issued_decision(&w.cw, other_case, "placement", "refused", "2026-04-04", here);
    fx_issued_decision(&there.cw, there.case_id, "placement", "refused", "2026-04-04", foreign);

    struct http_response r;
    json_t *body = fx_decision_body(w.case_id, "placement", "granted");
    json_object_set_new(body, "supersedes_id", json_string(here));
    fx_call("POST", "/v1/decisions", &w.cw, body, NULL, 0, &r);
    fx_assert_client_problem(&r);
    cr_assert(r.status == 409 || r.status == 422, "superseding another case's decision answered %d", r.status);
    http_response_free(&r);

    body = fx_decision_body(w.case_id, "placement", "granted");
    json_object_set_new(body, "supersedes_id", json_string(foreign));
    fx_call("POST", "/v1/decisions", &w.cw, body, NULL, 0, &r);
    static const char *const want[] = {"/supersedes_id"};
    fx_assert_error_pointers(&r, want, 1);
    http_response_free(&r);
    world_close(&there);
    world_close(&w);
}

/* A refusal whose hearing was sent on sent_on with response_deadline and answered_on
 * (NULL: not answered). */
static void hearing_draft(struct world *w, const char *sent_on, const char *deadline, const char *answered,
                          char id[FX_UUID_LEN])
{
    json_t *body = fx_decision_body(w->case_id, "placement", "refused");
    json_t *hearing = json_pack("{s:s, s:s, s:s}", "status", answered ? "answered" : "sent", "sent_on", sent_on,
                                "response_deadline", deadline);
    if (answered)
        json_object_set_new(hearing, "answered_on", json_string(answered));
    json_object_set_new(body, "hearing", hearing);
    fx_create_decision(&w->cw, body, id);
}

/* Fails unless issuing id is refused with 409 hearing_open whose detail names deadline. */
static void assert_hearing_open(struct world *w, const char *id, const char *deadline)
{
    struct http_response r;
    issue(&w->cw, id, "\"1\"", json_object(), &r);
    fx_assert_state(&r, "hearing_open");
    json_t *doc = fx_body(&r);
    const char *detail = json_string_value(json_object_get(doc, "detail"));
    char danish[32];
    fx_danish_date(deadline, danish);
    cr_assert(detail && (strstr(detail, deadline) || strstr(detail, danish)),
              "the detail does not name the response deadline %s: %s", deadline, r.body);
    json_decref(doc);
    http_response_free(&r);
    assert_untouched_draft(&w->cw, id);
}

Test(decisions, hearing_with_response_deadline_today_blocks_issue, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char today[11], sent[11], id[FX_UUID_LEN];
    fx_today(today);
    fx_date_add(today, -14, sent);
    hearing_draft(&w, sent, today, NULL, id);
    assert_hearing_open(&w, id, today);
    world_close(&w);
}

Test(decisions, hearing_with_a_later_response_deadline_blocks_issue, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char today[11], sent[11], deadline[11], id[FX_UUID_LEN];
    fx_today(today);
    fx_date_add(today, -1, sent);
    fx_date_add(today, 13, deadline);
    hearing_draft(&w, sent, deadline, NULL, id);
    assert_hearing_open(&w, id, deadline);
    world_close(&w);
}

Test(decisions, answered_hearing_lets_issue_through, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char today[11], sent[11], deadline[11], answered[11], id[FX_UUID_LEN];
    fx_today(today);
    fx_date_add(today, -3, sent);
    fx_date_add(today, 11, deadline);
    fx_date_add(today, -1, answered);
    hearing_draft(&w, sent, deadline, answered, id);
    json_t *doc = fx_issue_decision(&w.cw, id, NULL);
    fx_assert_member(doc, "status", "issued");
    fx_assert_member(doc, "notified_on", today);
    json_t *hearing = json_object_get(doc, "hearing");
    fx_assert_member(hearing, "status", "answered");
    fx_assert_member(hearing, "answered_on", answered);
    json_decref(doc);
    world_close(&w);
}

Test(decisions, hearing_answered_after_a_blocked_issue_lets_it_through, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char today[11], sent[11], deadline[11], id[FX_UUID_LEN];
    fx_today(today);
    fx_date_add(today, -2, sent);
    fx_date_add(today, 5, deadline);
    hearing_draft(&w, sent, deadline, NULL, id);
    assert_hearing_open(&w, id, deadline);
    struct http_response r;
    patch(&w.cw, id, "\"1\"",
          json_pack("{s:{s:s, s:s, s:s, s:s}}", "hearing", "status", "answered", "sent_on", sent,
                    "response_deadline", deadline, "answered_on", today),
          &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    json_t *doc = fx_issue_decision(&w.cw, id, NULL);
    fx_assert_member(doc, "status", "issued");
    json_decref(doc);
    world_close(&w);
}

Test(decisions, hearing_whose_response_deadline_passed_lets_issue_through, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char today[11], sent[11], deadline[11], id[FX_UUID_LEN];
    fx_today(today);
    fx_date_add(today, -15, sent);
    fx_date_add(today, -1, deadline);
    hearing_draft(&w, sent, deadline, NULL, id);
    json_t *doc = fx_issue_decision(&w.cw, id, NULL);
    fx_assert_member(doc, "status", "issued");
    fx_assert_member(json_object_get(doc, "hearing"), "status", "sent");
    json_decref(doc);
    world_close(&w);
}

/* ---- the decision's dates against its hearing (forvaltningsloven § 19) ---- */

/* Issues id as of notified and expects 422 naming exactly pointer; the draft stays. */
static void assert_issue_refused_at(struct world *w, const char *id, const char *notified, const char *pointer)
{
    struct http_response r;
    issue(&w->cw, id, "\"1\"", json_pack("{s:s}", "notified_on", notified), &r);
    const char *const want[] = {pointer};
    fx_assert_error_pointers(&r, want, 1);
    http_response_free(&r);
    assert_untouched_draft(&w->cw, id);
}

Test(decisions, a_notification_before_the_citizens_answer_is_422_at_notified_on, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char today[11], sent[11], deadline[11], answered[11], notified[11], id[FX_UUID_LEN];
    fx_today(today);
    fx_date_add(today, -20, sent);
    fx_date_add(today, -10, deadline);
    fx_date_add(today, -2, answered);
    fx_date_add(today, -5, notified);
    hearing_draft(&w, sent, deadline, answered, id);
    assert_issue_refused_at(&w, id, notified, "/notified_on");
    /* Notified after the answer came, it issues. */
    json_t *doc = fx_issue_decision(&w.cw, id, answered);
    fx_assert_member(doc, "decided_on", answered);
    json_decref(doc);
    world_close(&w);
}

Test(decisions, a_decision_dated_before_its_hearing_ended_is_422_at_decided_on, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char today[11], sent[11], deadline[11], answered[11], before[11], between[11], open[11], id[FX_UUID_LEN];
    fx_today(today);
    fx_date_add(today, -20, sent);
    fx_date_add(today, -10, deadline);
    fx_date_add(today, -12, answered);
    fx_date_add(today, -25, before);
    fx_date_add(today, -15, between);
    fx_date_add(today, -11, open);
    /* Decided before the hearing was sent (and so before the answer): one error, at the
     * decision date. */
    json_t *body = fx_decision_body(w.case_id, "placement", "refused");
    json_object_set_new(body, "decided_on", json_string(before));
    json_object_set_new(body, "hearing", json_pack("{s:s, s:s, s:s, s:s}", "status", "answered", "sent_on", sent,
                                                   "response_deadline", deadline, "answered_on", answered));
    fx_create_decision(&w.cw, body, id);
    assert_issue_refused_at(&w, id, today, "/decided_on");
    /* Decided between the hearing and the answer. */
    body = fx_decision_body(w.case_id, "placement", "refused");
    json_object_set_new(body, "decided_on", json_string(between));
    json_object_set_new(body, "hearing", json_pack("{s:s, s:s, s:s, s:s}", "status", "answered", "sent_on", sent,
                                                   "response_deadline", deadline, "answered_on", answered));
    fx_create_decision(&w.cw, body, id);
    assert_issue_refused_at(&w, id, today, "/decided_on");
    /* Decided while an unanswered hearing was still open. */
    body = fx_decision_body(w.case_id, "placement", "refused");
    json_object_set_new(body, "decided_on", json_string(open));
    json_object_set_new(body, "hearing", json_pack("{s:s, s:s, s:s}", "status", "sent", "sent_on", sent,
                                                   "response_deadline", deadline));
    fx_create_decision(&w.cw, body, id);
    assert_issue_refused_at(&w, id, today, "/decided_on");
    world_close(&w);
}

Test(decisions, a_hearing_gives_a_week_to_answer_unless_its_urgency_is_stated, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char today[11], sent[11], id[FX_UUID_LEN];
    fx_today(today);
    fx_date_add(today, -3, sent);
    /* The response deadline the day it was sent: 422, on create and on change. */
    json_t *body = fx_decision_body(w.case_id, "placement", "refused");
    json_t *hearing = json_pack("{s:s, s:s, s:s}", "status", "sent", "sent_on", sent, "response_deadline", sent);
    json_object_set(body, "hearing", hearing);
    struct http_response r;
    fx_call("POST", "/v1/decisions", &w.cw, body, NULL, 0, &r);
    static const char *const want[] = {"/hearing/response_deadline"};
    fx_assert_error_pointers(&r, want, 1);
    http_response_free(&r);
    fx_draft_decision(&w.cw, w.case_id, "placement", "refused", id);
    patch(&w.cw, id, "\"1\"", json_pack("{s:O}", "hearing", hearing), &r);
    fx_assert_error_pointers(&r, want, 1);
    http_response_free(&r);

    /* Urgent: recorded on the decision and told in the letter. */
    static const char urgency[] = "Din husleje skal betales den 1., og ydelsen skal afklares inden.";
    json_object_set_new(hearing, "response_deadline", json_string(today));
    json_object_set_new(hearing, "status", json_string("answered"));
    json_object_set_new(hearing, "answered_on", json_string(today));
    json_object_set_new(hearing, "urgency_reason", json_string(urgency));
    patch(&w.cw, id, "\"1\"", json_pack("{s:O}", "hearing", hearing), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    json_decref(hearing);
    json_t *doc = fx_issue_decision(&w.cw, id, NULL);
    fx_assert_member(json_object_get(doc, "hearing"), "urgency_reason", urgency);
    json_decref(doc);
    char path[160];
    decision_path(id, "/letter", path);
    fx_call("GET", path, &w.cw, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    cr_assert(strstr(r.body, "kortere end normalt, fordi sagen hastede: ") && strstr(r.body, urgency),
              "the letter does not say why the period was short:\n%s", r.body);
    http_response_free(&r);
    world_close(&w);
}

/* ---- the journal number ---- */

Test(decisions, issuing_gives_a_journal_number_of_year_municipality_and_sequence, .timeout = FX_TIMEOUT * 2)
{
    char municipality[4];
    /* A municipality of its own (800-849: a range no other test uses), so the running
     * numbers are this test's alone. */
    fx_random_municipality(800, 849, municipality);
    struct world w;
    world_open(&w, municipality);
    char a[FX_UUID_LEN], b[FX_UUID_LEN], draft[FX_UUID_LEN];
    fx_issued_decision(&w.cw, w.case_id, "placement", "granted", "2026-03-06", a);
    fx_issued_decision(&w.cw, w.case_id, "placement", "granted", "2026-03-09", b);
    fx_draft_decision(&w.cw, w.case_id, "placement", "granted", draft);
    json_t *first = fx_get_decision(&w.cw, a), *second = fx_get_decision(&w.cw, b), *none = fx_get_decision(&w.cw, draft);
    const char *j1 = json_string_value(json_object_get(first, "journal_number"));
    const char *j2 = json_string_value(json_object_get(second, "journal_number"));
    char prefix[16];
    snprintf(prefix, sizeof(prefix), "2026-%s-", municipality);
    cr_assert(j1 && j2, "an issued decision has no journal number");
    cr_assert(strncmp(j1, prefix, 9) == 0 && strlen(j1) == 15 && strncmp(j2, prefix, 9) == 0 && strlen(j2) == 15,
              "journal numbers %s and %s are not %sNNNNNN", j1, j2, prefix);
    cr_assert_eq(atol(j2 + 9), atol(j1 + 9) + 1, "the second number %s does not follow %s", j2, j1);
    cr_assert(json_is_null(json_object_get(none, "journal_number")), "a draft has a journal number");
    /* Stored: read again, the same number. */
    json_t *again = fx_get_decision(&w.cw, a);
    fx_assert_member(again, "journal_number", j1);
    /* The letter gives it beside the id. */
    char path[160], want[64];
    decision_path(a, "/letter", path);
    struct http_response r;
    fx_call("GET", path, &w.cw, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    snprintf(want, sizeof(want), "Journalnummer: %s", j1);
    cr_assert(strstr(r.body, want), "the letter lacks \"%s\":\n%s", want, r.body);
    http_response_free(&r);
    json_decref(again);
    json_decref(first);
    json_decref(second);
    json_decref(none);
    world_close(&w);
}

/*
 * The appeal deadline for a notification on notified: want, and moved_from (NULL when
 * notified + 28 days is a working day). Every expected date below was worked out from a
 * calendar: Easter Sunday 2024-03-31, 2025-04-20, 2026-04-05; Kristi himmelfart +39,
 * pinse +49/+50 days; 24, 25, 26, 31 December, 1 January and 5 June closed; weekends
 * closed; Store bededag abolished from 2024.
 */
static void assert_deadline(const char *notified, const char *want, const char *moved_from)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char id[FX_UUID_LEN], danish[32];
    fx_danish_date(want, danish);
    fx_draft_decision(&w.cw, w.case_id, "placement", "granted", id);
    json_t *doc = fx_issue_decision(&w.cw, id, notified);
    for (int pass = 0; pass < 2; pass++) {
        fx_assert_member(doc, "status", "issued");
        cr_assert(json_is_true(json_object_get(doc, "in_force")));
        fx_assert_member(doc, "notified_on", notified);
        fx_assert_member(doc, "decided_on", notified);
        fx_assert_member(doc, "appeal_deadline", want);
        cr_assert(json_is_string(json_object_get(doc, "issued_at")), "issued_at is not set");
        cr_assert_eq(version_of(doc), 2, "issuing a version-1 draft gives version 2");
        json_t *guidance = json_object_get(doc, "appeal_guidance");
        cr_assert(json_is_object(guidance), "no appeal_guidance after issue");
        fx_assert_member(guidance, "deadline", want);
        fx_assert_member(guidance, "deadline_text", danish);
        fx_assert_member(guidance, "deadline_moved_from", moved_from);
        json_decref(doc);
        /* And the same once read back. */
        doc = pass == 0 ? fx_get_decision(&w.cw, id) : NULL;
    }
    world_close(&w);
}

Test(decisions, deadline_from_holy_saturday_2026_is_monday_4_may, .timeout = FX_TIMEOUT)
{
    /* +28 = Saturday 2 May. */
    assert_deadline("2026-04-04", "2026-05-04", "2026-05-02");
}

Test(decisions, deadline_from_holy_saturday_2025_is_monday_19_may, .timeout = FX_TIMEOUT)
{
    /* +28 = Saturday 17 May; Store bededag (16 May) no longer exists. */
    assert_deadline("2025-04-19", "2025-05-19", "2025-05-17");
}

Test(decisions, deadline_from_holy_saturday_2024_is_monday_29_april, .timeout = FX_TIMEOUT)
{
    assert_deadline("2024-03-30", "2024-04-29", "2024-04-27");
}

Test(decisions, deadline_from_19_december_2020_is_monday_18_january, .timeout = FX_TIMEOUT)
{
    /* +28 = Saturday 16 January 2021. */
    assert_deadline("2020-12-19", "2021-01-18", "2021-01-16");
}

Test(decisions, deadline_from_19_december_2025_is_friday_16_january, .timeout = FX_TIMEOUT)
{
    assert_deadline("2025-12-19", "2026-01-16", NULL);
}

Test(decisions, deadline_from_28_december_2025_is_monday_26_january, .timeout = FX_TIMEOUT)
{
    /* A Sunday notification: +28 = Sunday 25 January 2026. */
    assert_deadline("2025-12-28", "2026-01-26", "2026-01-25");
}

Test(decisions, deadline_from_28_december_2020_is_monday_25_january, .timeout = FX_TIMEOUT)
{
    assert_deadline("2020-12-28", "2021-01-25", NULL);
}

Test(decisions, deadline_on_24_december_moves_past_christmas, .timeout = FX_TIMEOUT)
{
    /* +28 = Wednesday 24 December 2025; 25-26 holidays, then the weekend. */
    assert_deadline("2025-11-26", "2025-12-29", "2025-12-24");
}

Test(decisions, deadline_on_31_december_moves_past_new_year, .timeout = FX_TIMEOUT)
{
    /* +28 = Wednesday 31 December 2025; 1 January a holiday. */
    assert_deadline("2025-12-03", "2026-01-02", "2025-12-31");
}

Test(decisions, deadline_on_grundlovsdag_moves_to_6_june, .timeout = FX_TIMEOUT)
{
    assert_deadline("2025-05-08", "2025-06-06", "2025-06-05");
}

Test(decisions, deadline_on_whit_monday_moves_to_tuesday, .timeout = FX_TIMEOUT)
{
    /* 2. pinsedag 2026 is Monday 25 May. */
    assert_deadline("2026-04-27", "2026-05-26", "2026-05-25");
}

Test(decisions, deadline_on_the_former_store_bededag_2024_does_not_move, .timeout = FX_TIMEOUT)
{
    /* Friday 26 April 2024 would have been Store bededag; abolished from 2024. */
    assert_deadline("2024-03-29", "2024-04-26", NULL);
}

Test(decisions, notification_in_the_future_is_422_naming_notified_on, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char today[11], later[11], id[FX_UUID_LEN];
    fx_today(today);
    fx_date_add(today, 2, later);
    fx_draft_decision(&w.cw, w.case_id, "placement", "granted", id);
    struct http_response r;
    issue(&w.cw, id, "\"1\"", json_pack("{s:s}", "notified_on", later), &r);
    static const char *const want[] = {"/notified_on"};
    fx_assert_error_pointers(&r, want, 1);
    http_response_free(&r);
    assert_untouched_draft(&w.cw, id);

    /* Without If-Match nothing is issued either. */
    issue(&w.cw, id, NULL, json_object(), &r);
    fx_assert_problem(&r, 428);
    http_response_free(&r);

    /* Issued today by default, with the deadline four weeks on (or later). */
    json_t *doc = fx_issue_decision(&w.cw, id, NULL);
    fx_assert_member(doc, "notified_on", today);
    char four_weeks[11];
    fx_date_add(today, 28, four_weeks);
    const char *deadline = json_string_value(json_object_get(doc, "appeal_deadline"));
    cr_assert(deadline && strcmp(deadline, four_weeks) >= 0, "deadline %s is before %s", deadline, four_weeks);
    json_decref(doc);
    world_close(&w);
}

Test(decisions, guidance_names_the_municipality_ankestyrelsen_and_how_to_appeal, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char id[FX_UUID_LEN];
    fx_draft_decision(&w.cw, w.case_id, "overall", "refused", id);
    json_t *doc = fx_issue_decision(&w.cw, id, "2026-04-04");
    json_t *g = json_object_get(doc, "appeal_guidance");
    fx_assert_member(g, "where", "Københavns Kommune (Jobcenter København), Gyldenløvesgade 9, 1600 København V");
    fx_assert_member(g, "appeals_body", "Ankestyrelsen");
    fx_assert_member(g, "provision", "Retssikkerhedsloven §§ 66-67");
    const char *how = json_string_value(json_object_get(g, "how"));
    cr_assert(how && strstr(how, "skriftligt eller mundtligt") && strstr(how, "Ankestyrelsen"),
              "how does not say in writing or orally, via the municipality to Ankestyrelsen: %s", how);
    const char *late = json_string_value(json_object_get(g, "late"));
    cr_assert(late && strstr(late, "for sent"), "late does not explain a late appeal: %s", late);
    fx_assert_member(g, "deadline_text", "4. maj 2026");
    json_decref(doc);
    world_close(&w);
}

Test(decisions, guidance_of_a_municipality_without_reference_data_says_din_kommune, .timeout = FX_TIMEOUT)
{
    char municipality[4];
    /* 980-998: a range no exact-count test uses. */
    fx_random_municipality(980, 998, municipality);
    struct world w;
    world_open(&w, municipality);
    char id[FX_UUID_LEN];
    fx_draft_decision(&w.cw, w.case_id, "placement", "granted", id);
    json_t *doc = fx_issue_decision(&w.cw, id, "2025-12-19");
    fx_assert_member(doc, "municipality", municipality);
    fx_assert_member(json_object_get(doc, "appeal_guidance"), "where", "din kommune");
    json_decref(doc);
    world_close(&w);
}

Test(decisions, citizens_read_their_own_decisions_and_nobody_elses, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor me, stranger, cw751, lead;
    char cpr[11], stranger_id[FX_UUID_LEN], draft[FX_UUID_LEN], issued[FX_UUID_LEN], path[160];
    fx_new_citizen(&w.cw, cpr, stranger_id);
    fx_citizen(&me, w.cpr);
    fx_citizen(&stranger, cpr);
    fx_staff(&cw751, "caseworker", FX_OTHER_MUNICIPALITY);
    fx_staff(&lead, "team_lead", FX_MUNICIPALITY);
    fx_draft_decision(&w.cw, w.case_id, "placement", "refused", draft);
    fx_issued_decision(&w.cw, w.case_id, "placement", "granted", "2026-04-04", issued);

    json_t *doc = fx_get_decision(&me, issued);
    fx_assert_member(doc, "id", issued);
    json_decref(doc);
    doc = fx_get_decision(&lead, draft);
    fx_assert_member(doc, "status", "draft");
    json_decref(doc);

    const struct fx_actor *outsiders[] = {&stranger, &cw751};
    const char *ids[] = {draft, issued};
    for (size_t i = 0; i < 2; i++) {
        for (size_t k = 0; k < 2; k++) {
            struct http_response r;
            decision_path(ids[k], NULL, path);
            fx_call("GET", path, outsiders[i], NULL, NULL, 0, &r);
            fx_assert_problem(&r, 404);
            cr_assert_null(strstr(r.body, w.citizen), "the 404 names the citizen");
            http_response_free(&r);
        }
    }

    /* Nor can another municipality change or issue it. */
    struct http_response r;
    patch(&cw751, draft, "\"1\"", json_pack("{s:s}", "subject", "Kapret"), &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    issue(&cw751, draft, "\"1\"", json_object(), &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    doc = fx_get_decision(&w.cw, draft);
    fx_assert_member(doc, "subject", "Afgørelse om din sag");
    fx_assert_member(doc, "status", "draft");
    json_decref(doc);

    /* A citizen cannot create decisions. */
    fx_call("POST", "/v1/decisions", &me, fx_decision_body(w.case_id, "placement", "granted"), NULL, 0, &r);
    fx_assert_problem(&r, 403);
    http_response_free(&r);
    fx_actor_free(&lead);
    fx_actor_free(&cw751);
    fx_actor_free(&stranger);
    fx_actor_free(&me);
    world_close(&w);
}

Test(decisions, list_by_case_returns_exactly_its_decisions, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char ids[3][FX_UUID_LEN], other_case[FX_UUID_LEN], elsewhere[FX_UUID_LEN], path[256];
    fx_issued_decision(&w.cw, w.case_id, "placement", "granted", "2026-04-04", ids[0]);
    fx_draft_decision(&w.cw, w.case_id, "overall", "refused", ids[1]);
    fx_draft_decision(&w.cw, w.case_id, "other", "granted", ids[2]);
    fx_create_case(&w.cw, w.citizen, NULL, other_case);
    fx_draft_decision(&w.cw, other_case, "other", "granted", elsewhere);

    static const struct {
        const char *filter;
        size_t n;
        int which[3];
    } cases[] = {
        {"", 3, {0, 1, 2}}, {"&status=draft", 2, {1, 2}}, {"&status=issued", 1, {0}}, {"&kind=overall", 1, {1}},
    };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        snprintf(path, sizeof(path), "/v1/decisions?case_id=%s%s&limit=100", w.case_id, cases[c].filter);
        struct http_response r;
        fx_call("GET", path, &w.cw, NULL, NULL, 0, &r);
        fx_assert_status(&r, 200);
        json_t *doc = fx_body(&r);
        json_t *items = json_object_get(doc, "items");
        cr_assert_eq(json_array_size(items), cases[c].n, "%s: %zu items, want %zu", path, json_array_size(items),
                     cases[c].n);
        for (size_t i = 0; i < cases[c].n; i++) {
            int seen = 0;
            for (size_t k = 0; k < json_array_size(items); k++) {
                const char *got = json_string_value(json_object_get(json_array_get(items, k), "id"));
                seen += got && strcmp(got, ids[cases[c].which[i]]) == 0;
            }
            cr_assert_eq(seen, 1, "%s: decision %s appears %d times", path, ids[cases[c].which[i]], seen);
        }
        cr_assert(json_is_null(json_object_get(doc, "next_cursor")));
        json_decref(doc);
        http_response_free(&r);
    }
    world_close(&w);
}

/* A call tagged with a fresh X-Request-Id (written to rid) and If-Match (NULL: none);
 * asserts status. */
static void traced(const char *method, const char *path, const struct fx_actor *a, json_t *body,
                   const char *if_match, const char *accept, int status, char rid[64])
{
    fx_unique("audit", rid, 64);
    struct http_header h[3] = {{"X-Request-Id", rid}};
    size_t n = 1;
    if (if_match)
        h[n++] = (struct http_header){"If-Match", if_match};
    if (accept)
        h[n++] = (struct http_header){"Accept", accept};
    struct http_response r;
    fx_call(method, path, a, body, h, n, &r);
    fx_assert_status(&r, status);
    http_response_free(&r);
}

Test(decisions, every_step_on_a_decision_writes_an_access_log_row, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor auditor, lead;
    fx_staff(&auditor, "auditor", FX_MUNICIPALITY);
    fx_staff(&lead, "team_lead", FX_MUNICIPALITY);
    char create[64], update[64], issue_rid[64], read[64], letter[64], path[160];

    fx_unique("audit", create, sizeof(create));
    const struct http_header hc[] = {{"X-Request-Id", create}};
    struct http_response r;
    fx_call("POST", "/v1/decisions", &w.cw, fx_decision_body(w.case_id, "placement", "refused"), hc, 1, &r);
    fx_assert_status(&r, 201);
    json_t *doc = fx_body(&r);
    char id[FX_UUID_LEN];
    snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(doc, "id")));
    json_decref(doc);
    http_response_free(&r);

    decision_path(id, NULL, path);
    traced("PATCH", path, &w.cw, json_pack("{s:s}", "subject", "Afgørelse om hjælp"), "\"1\"", NULL, 200, update);
    decision_path(id, "/issue", path);
    traced("POST", path, &w.cw, json_pack("{s:s}", "notified_on", "2026-04-04"), "\"2\"", NULL, 200, issue_rid);
    decision_path(id, NULL, path);
    traced("GET", path, &lead, NULL, NULL, NULL, 200, read);
    decision_path(id, "/letter", path);
    traced("GET", path, &lead, NULL, NULL, "text/plain", 200, letter);

    json_t *rows = fx_access_log_rows(&auditor, id);
    fx_assert_logged(rows, create, "create", "decision", &w.cw, w.citizen);
    fx_assert_logged(rows, update, "update", "decision", &w.cw, w.citizen);
    fx_assert_logged(rows, issue_rid, "update", "decision", &w.cw, w.citizen);
    fx_assert_logged(rows, read, "read", "decision", &lead, w.citizen);
    fx_assert_logged(rows, letter, "read", "decision", &lead, w.citizen);
    json_decref(rows);

    /* Another municipality's auditor sees none of it. */
    struct fx_actor auditor751;
    fx_staff(&auditor751, "auditor", FX_OTHER_MUNICIPALITY);
    rows = fx_access_log_rows(&auditor751, id);
    cr_assert_eq(json_array_size(rows), 0, "751's auditor sees 101's access log");
    json_decref(rows);
    fx_actor_free(&auditor751);
    fx_actor_free(&lead);
    fx_actor_free(&auditor);
    world_close(&w);
}

Test(decisions, unknown_fields_and_codes_not_in_force_are_422_at_the_field, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct http_response r;
    json_t *body = fx_decision_body(w.case_id, "placement", "granted");
    json_object_set_new(body, "approved_by", json_string("nobody"));
    fx_call("POST", "/v1/decisions", &w.cw, body, NULL, 0, &r);
    fx_assert_problem(&r, 422);
    fx_assert_error_pointer(&r, "/approved_by");
    http_response_free(&r);

    /* lov_1750_2025 is in force only from 2027-01-01; on 2026-04-01 it is not. */
    body = fx_decision_body(w.case_id, "placement", "granted");
    json_object_set_new(body, "decided_on", json_string("2026-04-01"));
    json_object_set_new(body, "legal_basis", json_pack("[s, s]", "las_11", "lov_1750_2025"));
    fx_call("POST", "/v1/decisions", &w.cw, body, NULL, 0, &r);
    static const char *const want[] = {"/legal_basis/1"};
    fx_assert_error_pointers(&r, want, 1);
    http_response_free(&r);

    body = fx_decision_body(w.case_id, "no_such_kind", "granted");
    fx_call("POST", "/v1/decisions", &w.cw, body, NULL, 0, &r);
    fx_assert_problem(&r, 422);
    fx_assert_error_pointer(&r, "/kind");
    http_response_free(&r);
    world_close(&w);
}
