/* Appeals over HTTP: filed by the citizen or registered by staff, late ones recorded and
 * never refused, one open appeal per decision, reconsideration, the board's ruling, a
 * remitted decision losing force until replaced, suspensive effect, who reads the timeline,
 * the access log. Dates are past and every expected date was worked out from a calendar. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

#define WHY_REMITTED "Ankestyrelsen hjemviste afgørelsen; der skal træffes en ny afgørelse"

/* A caseworker with a citizen, the citizen's token and an open case. */
struct world {
    struct fx_actor cw;
    struct fx_actor citizen_actor;
    char cpr[11];
    char citizen[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
};

static void world_open(struct world *w, const char *municipality)
{
    fx_staff(&w->cw, "caseworker", municipality);
    fx_new_case(&w->cw, w->cpr, w->citizen, w->case_id);
    fx_citizen(&w->citizen_actor, w->cpr);
}

static void world_close(struct world *w)
{
    fx_actor_free(&w->citizen_actor);
    fx_actor_free(&w->cw);
}

/* An overall refusal issued on Holy Saturday 2026: appeal deadline Monday 4 May 2026. */
static void holy_saturday_decision(struct world *w, char id[FX_UUID_LEN])
{
    fx_issued_decision(&w->cw, w->case_id, "overall", "refused", "2026-04-04", id);
}

static void appeal_path(const char *id, const char *suffix, char out[160])
{
    snprintf(out, 160, "/v1/appeals/%s%s", id, suffix ? suffix : "");
}

/* POST /v1/appeals as a with body (consumed). */
static int post_appeal(const struct fx_actor *a, json_t *body, struct http_response *out)
{
    return fx_call("POST", "/v1/appeals", a, body, NULL, 0, out);
}

/* POST /v1/appeals/{id}/<action> with If-Match if_match, not reading first (the caller
 * may not be able to read it). */
static int step_blind(const struct fx_actor *a, const char *id, const char *action, const char *if_match,
                      json_t *body, struct http_response *out)
{
    char path[160], suffix[64];
    snprintf(suffix, sizeof(suffix), "/%s", action);
    appeal_path(id, suffix, path);
    const struct http_header h[] = {{"If-Match", if_match}};
    return fx_call("POST", path, a, body, h, 1, out);
}

/* Fails unless the appeal's timeline holds exactly the steps, in order. */
static void assert_steps(json_t *appeal, const char *const *steps, size_t n)
{
    json_t *timeline = json_object_get(appeal, "timeline");
    cr_assert(json_is_array(timeline), "the appeal has no timeline[]");
    char *text = json_dumps(timeline, JSON_COMPACT);
    cr_assert_eq(json_array_size(timeline), n, "the timeline has %zu steps, want %zu: %s", json_array_size(timeline),
                 n, text);
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(timeline, i);
        const char *got = json_string_value(json_object_get(s, "step"));
        cr_assert(got && strcmp(got, steps[i]) == 0, "step %zu is %s, want %s: %s", i, got ? got : "(none)",
                  steps[i], text);
        cr_assert(json_is_string(json_object_get(s, "on")) && json_is_string(json_object_get(s, "at")),
                  "step %zu lacks its dates: %s", i, text);
        cr_assert(json_is_object(json_object_get(s, "details")), "step %zu has no details object: %s", i, text);
    }
    free(text);
}

/* Step i of the timeline. */
static json_t *step_at(json_t *appeal, size_t i)
{
    json_t *s = json_array_get(json_object_get(appeal, "timeline"), i);
    cr_assert_not_null(s, "the timeline has no step %zu", i);
    return s;
}

Test(appeals, citizen_appeals_own_issued_decision_digitally_today, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char decision[FX_UUID_LEN], today[11], recon[11];
    fx_issued_decision(&w.cw, w.case_id, "placement", "refused", NULL, decision);
    fx_today(today);
    fx_date_add(today, 28, recon);

    struct http_response r;
    post_appeal(&w.citizen_actor,
                json_pack("{s:s, s:s}", "decision_id", decision, "grounds",
                          "Jeg er uenig i vurderingen.\nSe lægens brev."),
                &r);
    fx_assert_status(&r, 201);
    const char *etag = http_response_header(&r, "ETag");
    cr_assert(etag && strcmp(etag, "\"1\"") == 0, "ETag %s, want \"1\"", etag ? etag : "(none)");
    json_t *doc = fx_body(&r);
    const char *id = json_string_value(json_object_get(doc, "id"));
    cr_assert(id && strlen(id) == 36);
    char path[160];
    appeal_path(id, NULL, path);
    const char *location = http_response_header(&r, "Location");
    cr_assert(location && strcmp(location, path) == 0, "Location %s, want %s", location ? location : "(none)", path);
    fx_assert_member(doc, "decision_id", decision);
    fx_assert_member(doc, "case_id", w.case_id);
    fx_assert_member(doc, "citizen_id", w.citizen);
    fx_assert_member(doc, "municipality", FX_MUNICIPALITY);
    fx_assert_member(doc, "status", "received");
    fx_assert_member(doc, "received_on", today);
    fx_assert_member(doc, "channel", "digital");
    fx_assert_member(doc, "filed_by_role", "citizen");
    fx_assert_member(doc, "grounds", "Jeg er uenig i vurderingen.\nSe lægens brev.");
    cr_assert(json_is_false(json_object_get(doc, "late")), "an appeal on the day of notification is late");
    cr_assert_eq(json_integer_value(json_object_get(doc, "days_late")), 0);
    fx_assert_member(doc, "reconsideration_deadline", recon);
    static const char *const unset[] = {"reconsideration", "forwarded_on", "ruling", "suspensive_effect"};
    for (size_t i = 0; i < 4; i++)
        cr_assert(json_is_null(json_object_get(doc, unset[i])), "%s is set (or missing) on a new appeal", unset[i]);
    cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 1);
    static const char *const steps[] = {"received"};
    assert_steps(doc, steps, 1);
    json_t *s = step_at(doc, 0);
    fx_assert_member(s, "on", today);
    fx_assert_member(s, "by_role", "citizen");
    json_t *details = json_object_get(s, "details");
    fx_assert_member(details, "channel", "digital");
    cr_assert(json_is_false(json_object_get(details, "late")));
    cr_assert_eq(json_integer_value(json_object_get(details, "days_late")), 0);
    json_decref(doc);
    http_response_free(&r);
    world_close(&w);
}

Test(appeals, caseworker_registers_an_oral_appeal_received_on_the_deadline, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char decision[FX_UUID_LEN], id[FX_UUID_LEN];
    holy_saturday_decision(&w, decision);
    fx_file_appeal(&w.cw, decision, "2026-05-04", "oral", NULL, id);
    json_t *doc = fx_get_appeal(&w.cw, id);
    fx_assert_member(doc, "received_on", "2026-05-04");
    fx_assert_member(doc, "channel", "oral");
    fx_assert_member(doc, "filed_by_role", "caseworker");
    fx_assert_member(doc, "grounds", NULL);
    cr_assert(json_is_false(json_object_get(doc, "late")), "an appeal on the deadline day is on time");
    cr_assert_eq(json_integer_value(json_object_get(doc, "days_late")), 0);
    /* 4 May + 28 days. */
    fx_assert_member(doc, "reconsideration_deadline", "2026-06-01");
    fx_assert_member(step_at(doc, 0), "by_role", "caseworker");
    fx_assert_member(json_object_get(step_at(doc, 0), "details"), "channel", "oral");
    json_decref(doc);
    world_close(&w);
}

Test(appeals, late_appeal_is_recorded_with_days_late_never_refused, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char d1[FX_UUID_LEN], d2[FX_UUID_LEN], a1[FX_UUID_LEN], a2[FX_UUID_LEN];
    holy_saturday_decision(&w, d1);
    holy_saturday_decision(&w, d2);

    /* Saturday 9 May: five days late. The reconsideration deadline (Saturday 6 June) is the
     * municipality's and is not moved to a working day. */
    fx_file_appeal(&w.cw, d1, "2026-05-09", "written", "Brev modtaget med posten.", a1);
    json_t *doc = fx_get_appeal(&w.cw, a1);
    cr_assert(json_is_true(json_object_get(doc, "late")));
    cr_assert_eq(json_integer_value(json_object_get(doc, "days_late")), 5);
    fx_assert_member(doc, "reconsideration_deadline", "2026-06-06");
    fx_assert_member(doc, "status", "received");
    json_t *details = json_object_get(step_at(doc, 0), "details");
    cr_assert(json_is_true(json_object_get(details, "late")));
    cr_assert_eq(json_integer_value(json_object_get(details, "days_late")), 5);
    json_decref(doc);

    /* Half a year late, filed by the citizen today: still received. */
    fx_file_appeal(&w.citizen_actor, d2, NULL, NULL, NULL, a2);
    doc = fx_get_appeal(&w.citizen_actor, a2);
    char today[11], check[11];
    fx_today(today);
    cr_assert(json_is_true(json_object_get(doc, "late")));
    json_int_t days = json_integer_value(json_object_get(doc, "days_late"));
    cr_assert_gt(days, 0);
    fx_date_add("2026-05-04", (int)days, check);
    cr_assert_str_eq(check, today, "days_late %lld does not lead from 2026-05-04 to today", (long long)days);
    json_decref(doc);
    world_close(&w);
}

Test(appeals, staff_appeal_needs_a_past_received_on_and_a_written_or_oral_channel, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char decision[FX_UUID_LEN], today[11], later[11];
    holy_saturday_decision(&w, decision);
    fx_today(today);
    fx_date_add(today, 2, later);
    static const struct {
        const char *received_on;
        const char *channel;
        const char *pointer;
    } bad[] = {
        {NULL, "written", "/received_on"}, {"2026-05-01", NULL, "/channel"}, {"2026-05-01", "digital", "/channel"},
        {"2026-05-01", "fax", "/channel"}, {"", "oral", "/received_on"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *body = json_pack("{s:s}", "decision_id", decision);
        if (bad[i].received_on)
            json_object_set_new(body, "received_on", json_string(bad[i].received_on));
        if (bad[i].channel)
            json_object_set_new(body, "channel", json_string(bad[i].channel));
        struct http_response r;
        post_appeal(&w.cw, body, &r);
        const char *const want[] = {bad[i].pointer};
        fx_assert_error_pointers(&r, want, 1);
        http_response_free(&r);
    }
    struct http_response r;
    post_appeal(&w.cw, json_pack("{s:s, s:s, s:s}", "decision_id", decision, "received_on", later, "channel", "oral"),
                &r);
    static const char *const future[] = {"/received_on"};
    fx_assert_error_pointers(&r, future, 1);
    http_response_free(&r);

    /* None of them created an appeal: the decision can still be appealed. */
    char id[FX_UUID_LEN];
    fx_file_appeal(&w.cw, decision, "2026-04-10", "written", NULL, id);
    world_close(&w);
}

Test(appeals, staff_appeal_received_before_the_decision_was_notified_is_422, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char decision[FX_UUID_LEN];
    fx_issued_decision(&w.cw, w.case_id, "overall", "refused", "2026-03-06", decision);
    struct http_response r;
    post_appeal(&w.cw,
                json_pack("{s:s, s:s, s:s}", "decision_id", decision, "received_on", "2026-03-01", "channel", "written"),
                &r);
    static const char *const want[] = {"/received_on"};
    fx_assert_error_pointers(&r, want, 1);
    http_response_free(&r);

    /* On the day of notification it is an appeal of that decision. */
    char id[FX_UUID_LEN];
    fx_file_appeal(&w.cw, decision, "2026-03-06", "written", NULL, id);
    world_close(&w);
}

Test(appeals, citizen_appealing_another_citizens_decision_is_404, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor stranger;
    char cpr[11], stranger_id[FX_UUID_LEN], decision[FX_UUID_LEN], path[256];
    fx_new_citizen(&w.cw, cpr, stranger_id);
    fx_citizen(&stranger, cpr);
    holy_saturday_decision(&w, decision);

    struct http_response r;
    post_appeal(&stranger, json_pack("{s:s, s:s}", "decision_id", decision, "grounds", "Ikke min sag"), &r);
    fx_assert_problem(&r, 404);
    cr_assert_null(strstr(r.body, w.citizen), "the 404 names the other citizen");
    http_response_free(&r);

    /* Nothing was recorded on the decision. */
    snprintf(path, sizeof(path), "/v1/appeals?decision_id=%s", decision);
    fx_call("GET", path, &w.cw, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 0, "a refused appeal was stored");
    json_decref(doc);
    http_response_free(&r);
    fx_actor_free(&stranger);
    world_close(&w);
}

Test(appeals, citizen_appealing_a_draft_is_409_state_draft, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char draft[FX_UUID_LEN];
    fx_draft_decision(&w.cw, w.case_id, "overall", "refused", draft);
    struct http_response r;
    post_appeal(&w.citizen_actor, json_pack("{s:s}", "decision_id", draft), &r);
    fx_assert_state(&r, "draft");
    http_response_free(&r);
    /* A caseworker cannot register one either. */
    post_appeal(&w.cw,
                json_pack("{s:s, s:s, s:s}", "decision_id", draft, "received_on", "2026-04-10", "channel", "oral"), &r);
    fx_assert_state(&r, "draft");
    http_response_free(&r);
    world_close(&w);
}

Test(appeals, second_open_appeal_on_a_decision_is_409, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char decision[FX_UUID_LEN], first[FX_UUID_LEN];
    holy_saturday_decision(&w, decision);
    fx_file_appeal(&w.citizen_actor, decision, NULL, NULL, "Første klage", first);

    struct http_response r;
    post_appeal(&w.cw,
                json_pack("{s:s, s:s, s:s}", "decision_id", decision, "received_on", "2026-04-20", "channel",
                          "written"),
                &r);
    fx_assert_problem(&r, 409);
    json_t *doc = fx_body(&r);
    cr_assert(json_is_string(json_object_get(doc, "detail")), "the 409 does not say an appeal is open");
    json_decref(doc);
    http_response_free(&r);
    post_appeal(&w.citizen_actor, json_pack("{s:s}", "decision_id", decision), &r);
    fx_assert_problem(&r, 409);
    http_response_free(&r);

    /* Still open after forwarding. */
    json_decref(fx_reconsider(&w.cw, first, "upheld", NULL, NULL, "Kommunen fastholder afgørelsen."));
    post_appeal(&w.citizen_actor, json_pack("{s:s}", "decision_id", decision), &r);
    fx_assert_problem(&r, 409);
    http_response_free(&r);
    world_close(&w);
}

Test(appeals, ruling_before_forwarding_is_409_state_received, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor board;
    fx_national(&board, "appeals_board");
    char decision[FX_UUID_LEN], id[FX_UUID_LEN];
    holy_saturday_decision(&w, decision);
    fx_file_appeal(&w.cw, decision, "2026-04-20", "written", NULL, id);

    struct http_response r;
    step_blind(&board, id, "ruling", "\"1\"", json_pack("{s:s, s:s}", "outcome", "upheld", "ruled_on", "2026-05-20"),
               &r);
    fx_assert_state(&r, "received");
    http_response_free(&r);

    json_t *doc = fx_get_appeal(&w.cw, id);
    fx_assert_member(doc, "status", "received");
    cr_assert(json_is_null(json_object_get(doc, "ruling")), "a refused ruling was stored");
    cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 1);
    json_decref(doc);
    doc = fx_get_decision(&w.cw, decision);
    cr_assert(json_is_true(json_object_get(doc, "in_force")));
    json_decref(doc);
    fx_actor_free(&board);
    world_close(&w);
}

Test(appeals, board_sees_an_appeal_and_its_decision_only_once_forwarded, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor board;
    fx_national(&board, "appeals_board");
    char decision[FX_UUID_LEN], id[FX_UUID_LEN], path[256];
    holy_saturday_decision(&w, decision);
    fx_file_appeal(&w.cw, decision, "2026-04-20", "written", NULL, id);

    struct http_response r;
    appeal_path(id, NULL, path);
    fx_call("GET", path, &board, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    snprintf(path, sizeof(path), "/v1/decisions/%s", decision);
    fx_call("GET", path, &board, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    snprintf(path, sizeof(path), "/v1/appeals?decision_id=%s", decision);
    fx_call("GET", path, &board, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 0, "the board lists an appeal not forwarded");
    json_decref(doc);
    http_response_free(&r);

    json_t *after = fx_reconsider(&w.cw, id, "upheld", "2026-05-06", NULL, "Kommunen fastholder afgørelsen.");
    fx_assert_member(after, "status", "forwarded");
    fx_assert_member(after, "forwarded_on", "2026-05-06");
    json_decref(after);

    doc = fx_get_appeal(&board, id);
    fx_assert_member(doc, "status", "forwarded");
    fx_assert_member(json_object_get(doc, "reconsideration"), "municipality_statement",
                     "Kommunen fastholder afgørelsen.");
    json_decref(doc);
    doc = fx_get_decision(&board, decision);
    fx_assert_member(doc, "id", decision);
    json_decref(doc);
    snprintf(path, sizeof(path), "/v1/appeals?decision_id=%s", decision);
    fx_call("GET", path, &board, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    doc = fx_body(&r);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 1, "the board does not list the forwarded appeal");
    json_decref(doc);
    http_response_free(&r);
    fx_actor_free(&board);
    world_close(&w);
}

Test(appeals, full_path_remitted_decision_loses_force_until_a_new_one_is_issued, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor board, cw751;
    fx_national(&board, "appeals_board");
    fx_staff(&cw751, "caseworker", FX_OTHER_MUNICIPALITY);
    char decision[FX_UUID_LEN], id[FX_UUID_LEN], successor[FX_UUID_LEN];
    holy_saturday_decision(&w, decision);

    fx_file_appeal(&w.cw, decision, "2026-04-20", "written", "Jeg kan ikke arbejde.", id);
    json_t *doc = fx_reconsider(&w.cw, id, "upheld", "2026-05-06", NULL, "Kommunen fastholder afgørelsen.");
    fx_assert_member(doc, "status", "forwarded");
    json_t *recon = json_object_get(doc, "reconsideration");
    fx_assert_member(recon, "outcome", "upheld");
    fx_assert_member(recon, "on", "2026-05-06");
    cr_assert(json_is_false(json_object_get(recon, "late")), "reconsidered before 18 May is on time");
    json_decref(doc);

    struct http_response r;
    fx_appeal_step(&board, id, "ruling",
                   json_pack("{s:s, s:s, s:s, s:s}", "outcome", "remitted", "ruled_on", "2026-08-03", "reference",
                             "26-41235", "note", "Sagen er ikke tilstrækkeligt oplyst."),
                   &r);
    fx_assert_status(&r, 200);
    doc = fx_body(&r);
    http_response_free(&r);
    fx_assert_member(doc, "status", "ruled");
    json_t *ruling = json_object_get(doc, "ruling");
    fx_assert_member(ruling, "outcome", "remitted");
    fx_assert_member(ruling, "on", "2026-08-03");
    fx_assert_member(ruling, "reference", "26-41235");
    fx_assert_member(ruling, "note", "Sagen er ikke tilstrækkeligt oplyst.");
    json_decref(doc);

    /* The remitted decision loses its force, keeps its status and content. */
    doc = fx_get_decision(&w.cw, decision);
    fx_assert_member(doc, "status", "issued");
    cr_assert(json_is_false(json_object_get(doc, "in_force")), "a remitted decision is still in force");
    json_t *lost = json_object_get(doc, "force_lost");
    cr_assert(json_is_object(lost), "force_lost is not set");
    fx_assert_member(lost, "on", "2026-08-03");
    fx_assert_member(lost, "reason", "remitted");
    json_decref(doc);

    /* It cannot be appealed again; it needs a new decision, and says so on the worklist. */
    post_appeal(&w.citizen_actor, json_pack("{s:s}", "decision_id", decision), &r);
    fx_assert_state(&r, "force_lost");
    http_response_free(&r);
    json_t *row = fx_worklist_row(&w.cw, decision);
    cr_assert_not_null(row, "the remitted decision is not on the worklist");
    fx_assert_member(row, "case_id", w.case_id);
    fx_assert_member(row, "citizen_id", w.citizen);
    fx_assert_member(row, "resource_type", "decision");
    fx_assert_member(json_object_get(json_object_get(row, "details"), "kind"), "code", "overall");
    fx_assert_member(json_object_get(row, "details"), "force_lost_on", "2026-08-03");
    fx_assert_member(row, "since", "2026-08-03");
    fx_assert_member(json_object_get(row, "details"), "reason", "remitted");
    fx_assert_member(row, "why", WHY_REMITTED);
    json_decref(row);
    row = fx_worklist_row(&cw751, decision);
    cr_assert_null(row, "another municipality's worklist shows the decision");

    /* The new decision supersedes the remitted one; the worklist drops it only once issued. */
    json_t *body = fx_decision_body(w.case_id, "overall", "granted");
    json_object_set_new(body, "supersedes_id", json_string(decision));
    fx_create_decision(&w.cw, body, successor);
    row = fx_worklist_row(&w.cw, decision);
    cr_assert_not_null(row, "a draft successor took the decision off the worklist");
    json_decref(row);
    doc = fx_issue_decision(&w.cw, successor, "2026-08-10");
    fx_assert_member(doc, "supersedes_id", decision);
    cr_assert(json_is_true(json_object_get(doc, "in_force")));
    json_decref(doc);
    row = fx_worklist_row(&w.cw, decision);
    cr_assert_null(row, "the decision stays on the worklist after the new one was issued");

    doc = fx_get_decision(&w.cw, decision);
    fx_assert_member(doc, "status", "superseded");
    fx_assert_member(doc, "superseded_by_id", successor);
    fx_assert_member(json_object_get(doc, "force_lost"), "reason", "remitted");
    json_decref(doc);

    /* The appeal's timeline tells the whole story, to the citizen as to the staff. */
    doc = fx_get_appeal(&w.citizen_actor, id);
    static const char *const steps[] = {"received", "forwarded", "ruled", "new_decision_issued"};
    assert_steps(doc, steps, 4);
    fx_assert_member(step_at(doc, 0), "on", "2026-04-20");
    fx_assert_member(step_at(doc, 1), "on", "2026-05-06");
    fx_assert_member(step_at(doc, 1), "by_role", "caseworker");
    fx_assert_member(step_at(doc, 2), "on", "2026-08-03");
    fx_assert_member(step_at(doc, 2), "by_role", "appeals_board");
    fx_assert_member(json_object_get(step_at(doc, 3), "details"), "decision_id", successor);
    json_decref(doc);
    fx_actor_free(&cw751);
    fx_actor_free(&board);
    world_close(&w);
}

Test(appeals, changed_in_full_on_reconsideration_closes_the_appeal, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor board;
    fx_national(&board, "appeals_board");
    char decision[FX_UUID_LEN], id[FX_UUID_LEN], successor[FX_UUID_LEN], path[160];
    holy_saturday_decision(&w, decision);
    fx_file_appeal(&w.citizen_actor, decision, NULL, NULL, "Jeg har fået nye oplysninger.", id);

    json_t *body = fx_decision_body(w.case_id, "overall", "granted");
    json_object_set_new(body, "supersedes_id", json_string(decision));
    fx_create_decision(&w.cw, body, successor);
    json_decref(fx_issue_decision(&w.cw, successor, NULL));

    char today[11];
    fx_today(today);
    json_t *doc = fx_reconsider(&w.cw, id, "changed_in_full", NULL, successor, NULL);
    fx_assert_member(doc, "status", "changed_by_municipality");
    json_t *recon = json_object_get(doc, "reconsideration");
    fx_assert_member(recon, "outcome", "changed_in_full");
    fx_assert_member(recon, "new_decision_id", successor);
    fx_assert_member(recon, "on", today);
    cr_assert(json_is_false(json_object_get(recon, "late")));
    fx_assert_member(doc, "forwarded_on", NULL);
    static const char *const steps[] = {"received", "changed_by_municipality"};
    assert_steps(doc, steps, 2);
    json_decref(doc);

    /* Closed: the board never sees it, nothing more can happen to it, and the superseded
     * decision cannot be appealed (its successor can). */
    appeal_path(id, NULL, path);
    struct http_response r;
    fx_call("GET", path, &board, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    fx_appeal_step(&w.cw, id, "reconsideration",
                   json_pack("{s:s, s:s}", "outcome", "upheld", "municipality_statement", "Igen"), &r);
    fx_assert_state(&r, "changed_by_municipality");
    http_response_free(&r);
    fx_appeal_step(&w.cw, id, "suspensive-effect", json_pack("{s:b}", "granted", 1), &r);
    fx_assert_state(&r, "changed_by_municipality");
    http_response_free(&r);
    post_appeal(&w.citizen_actor, json_pack("{s:s}", "decision_id", decision), &r);
    fx_assert_state(&r, "superseded");
    http_response_free(&r);
    char again[FX_UUID_LEN];
    fx_file_appeal(&w.citizen_actor, successor, NULL, NULL, NULL, again);

    doc = fx_get_decision(&w.cw, decision);
    fx_assert_member(doc, "status", "superseded");
    fx_assert_member(doc, "superseded_by_id", successor);
    cr_assert(json_is_null(json_object_get(doc, "force_lost")));
    json_decref(doc);
    fx_actor_free(&board);
    world_close(&w);
}

Test(appeals, changed_in_full_needs_an_issued_decision_superseding_the_appealed_one, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char decision[FX_UUID_LEN], id[FX_UUID_LEN], unrelated[FX_UUID_LEN], draft[FX_UUID_LEN];
    holy_saturday_decision(&w, decision);
    fx_file_appeal(&w.cw, decision, "2026-04-20", "written", NULL, id);
    fx_issued_decision(&w.cw, w.case_id, "overall", "granted", "2026-04-21", unrelated);
    json_t *body = fx_decision_body(w.case_id, "overall", "granted");
    json_object_set_new(body, "supersedes_id", json_string(decision));
    fx_create_decision(&w.cw, body, draft);

    const char *candidates[] = {NULL, unrelated, draft};
    for (size_t i = 0; i < 3; i++) {
        body = json_pack("{s:s, s:s}", "outcome", "changed_in_full", "reconsidered_on", "2026-05-01");
        if (candidates[i])
            json_object_set_new(body, "new_decision_id", json_string(candidates[i]));
        struct http_response r;
        fx_appeal_step(&w.cw, id, "reconsideration", body, &r);
        static const char *const want[] = {"/new_decision_id"};
        fx_assert_error_pointers(&r, want, 1);
        http_response_free(&r);
    }
    /* Upholding needs the municipality's statement for the board. */
    struct http_response r;
    fx_appeal_step(&w.cw, id, "reconsideration",
                   json_pack("{s:s, s:s}", "outcome", "upheld", "reconsidered_on", "2026-05-01"), &r);
    static const char *const statement[] = {"/municipality_statement"};
    fx_assert_error_pointers(&r, statement, 1);
    http_response_free(&r);

    json_t *doc = fx_get_appeal(&w.cw, id);
    fx_assert_member(doc, "status", "received");
    cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 1);
    json_decref(doc);
    world_close(&w);
}

Test(appeals, illegal_transitions_are_409_naming_the_state, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor board;
    fx_national(&board, "appeals_board");
    char decision[FX_UUID_LEN], id[FX_UUID_LEN];
    holy_saturday_decision(&w, decision);
    fx_file_appeal(&w.cw, decision, "2026-05-05", "written", NULL, id);

    /* Reconsidered after its deadline (5 May + 28 = 2 June): recorded as late, not refused. */
    json_t *doc = fx_reconsider(&w.cw, id, "upheld", "2026-06-10", NULL, "Kommunen fastholder afgørelsen.");
    cr_assert(json_is_true(json_object_get(json_object_get(doc, "reconsideration"), "late")),
              "a reconsideration after the deadline is not marked late");
    json_decref(doc);

    struct http_response r;
    fx_appeal_step(&w.cw, id, "reconsideration",
                   json_pack("{s:s, s:s}", "outcome", "upheld", "municipality_statement", "Igen"), &r);
    fx_assert_state(&r, "forwarded");
    http_response_free(&r);

    json_decref(fx_rule(&board, id, "upheld", "2026-07-01"));
    fx_appeal_step(&board, id, "ruling", json_pack("{s:s, s:s}", "outcome", "changed", "ruled_on", "2026-07-02"), &r);
    fx_assert_state(&r, "ruled");
    http_response_free(&r);
    fx_appeal_step(&w.cw, id, "reconsideration",
                   json_pack("{s:s, s:s}", "outcome", "upheld", "municipality_statement", "Igen"), &r);
    fx_assert_state(&r, "ruled");
    http_response_free(&r);

    doc = fx_get_appeal(&w.cw, id);
    fx_assert_member(json_object_get(doc, "ruling"), "outcome", "upheld");
    fx_assert_member(json_object_get(doc, "ruling"), "on", "2026-07-01");
    json_decref(doc);
    /* Upheld: the decision keeps its force. */
    doc = fx_get_decision(&w.cw, decision);
    cr_assert(json_is_true(json_object_get(doc, "in_force")), "an upheld decision lost force");
    json_decref(doc);
    fx_actor_free(&board);
    world_close(&w);
}

Test(appeals, ruling_changed_takes_force_from_the_decision_without_a_worklist_entry, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor board;
    fx_national(&board, "appeals_board");
    char decision[FX_UUID_LEN], id[FX_UUID_LEN];
    holy_saturday_decision(&w, decision);
    fx_file_appeal(&w.cw, decision, "2026-04-20", "written", NULL, id);
    json_decref(fx_reconsider(&w.cw, id, "upheld", "2026-05-06", NULL, "Kommunen fastholder afgørelsen."));
    json_decref(fx_rule(&board, id, "changed", "2026-07-15"));

    json_t *doc = fx_get_decision(&w.cw, decision);
    cr_assert(json_is_false(json_object_get(doc, "in_force")));
    fx_assert_member(json_object_get(doc, "force_lost"), "on", "2026-07-15");
    fx_assert_member(json_object_get(doc, "force_lost"), "reason", "changed_by_appeals_board");
    json_decref(doc);
    json_t *row = fx_worklist_row(&w.cw, decision);
    cr_assert_null(row, "a decision the board changed is on the remitted worklist");
    fx_actor_free(&board);
    world_close(&w);
}

Test(appeals, ruling_after_a_partial_change_takes_force_from_the_new_decision, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor board;
    fx_national(&board, "appeals_board");
    char decision[FX_UUID_LEN], id[FX_UUID_LEN], partial[FX_UUID_LEN];
    holy_saturday_decision(&w, decision);
    fx_file_appeal(&w.cw, decision, "2026-04-20", "written", NULL, id);
    json_t *body = fx_decision_body(w.case_id, "overall", "partly_granted");
    json_object_set_new(body, "supersedes_id", json_string(decision));
    fx_create_decision(&w.cw, body, partial);
    json_decref(fx_issue_decision(&w.cw, partial, "2026-05-04"));

    json_t *doc =
        fx_reconsider(&w.cw, id, "changed_in_part", "2026-05-04", partial, "Delvis medhold; resten fastholdes.");
    fx_assert_member(doc, "status", "forwarded");
    fx_assert_member(doc, "forwarded_on", "2026-05-04");
    fx_assert_member(json_object_get(doc, "reconsideration"), "new_decision_id", partial);
    json_t *timeline = json_object_get(doc, "timeline");
    fx_assert_member(json_array_get(timeline, json_array_size(timeline) - 1), "step", "forwarded");
    json_decref(doc);

    /* The board sees the new decision the appeal led to. */
    doc = fx_get_decision(&board, partial);
    fx_assert_member(doc, "supersedes_id", decision);
    json_decref(doc);
    json_decref(fx_rule(&board, id, "remitted", "2026-06-30"));

    doc = fx_get_decision(&w.cw, partial);
    cr_assert(json_is_false(json_object_get(doc, "in_force")), "the partly changed decision kept its force");
    fx_assert_member(json_object_get(doc, "force_lost"), "reason", "remitted");
    fx_assert_member(json_object_get(doc, "force_lost"), "on", "2026-06-30");
    json_decref(doc);
    doc = fx_get_decision(&w.cw, decision);
    fx_assert_member(doc, "status", "superseded");
    cr_assert(json_is_null(json_object_get(doc, "force_lost")), "force was taken from the superseded decision");
    json_decref(doc);
    json_t *row = fx_worklist_row(&w.cw, partial);
    cr_assert_not_null(row, "the remitted new decision is not on the worklist");
    json_decref(row);
    row = fx_worklist_row(&w.cw, decision);
    cr_assert_null(row, "the superseded decision is on the worklist");
    fx_actor_free(&board);
    world_close(&w);
}

Test(appeals, suspensive_effect_is_recorded_while_the_appeal_is_open, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor board;
    fx_national(&board, "appeals_board");
    char decision[FX_UUID_LEN], id[FX_UUID_LEN];
    holy_saturday_decision(&w, decision);
    fx_file_appeal(&w.cw, decision, "2026-04-20", "written", NULL, id);

    struct http_response r;
    fx_appeal_step(&w.cw, id, "suspensive-effect",
                   json_pack("{s:b, s:s, s:s}", "granted", 1, "decided_on", "2026-04-22", "note",
                             "Ydelsen fortsætter, til klagen er afgjort."),
                   &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    json_t *se = json_object_get(doc, "suspensive_effect");
    fx_assert_member(se, "decision", "granted");
    fx_assert_member(se, "on", "2026-04-22");
    fx_assert_member(se, "note", "Ydelsen fortsætter, til klagen er afgjort.");
    fx_assert_member(doc, "status", "received");
    cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 2);
    json_decref(doc);

    json_decref(fx_reconsider(&w.cw, id, "upheld", "2026-05-06", NULL, "Kommunen fastholder afgørelsen."));
    fx_appeal_step(&board, id, "suspensive-effect",
                   json_pack("{s:b, s:s}", "granted", 0, "decided_on", "2026-05-20"), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    json_decref(fx_rule(&board, id, "upheld", "2026-07-01"));
    fx_appeal_step(&w.cw, id, "suspensive-effect", json_pack("{s:b}", "granted", 1), &r);
    fx_assert_state(&r, "ruled");
    http_response_free(&r);

    doc = fx_get_appeal(&w.citizen_actor, id);
    fx_assert_member(json_object_get(doc, "suspensive_effect"), "decision", "refused");
    fx_assert_member(json_object_get(doc, "suspensive_effect"), "on", "2026-05-20");
    static const char *const steps[] = {"received", "suspensive_effect", "forwarded", "suspensive_effect", "ruled"};
    assert_steps(doc, steps, 5);
    fx_assert_member(step_at(doc, 1), "on", "2026-04-22");
    fx_assert_member(step_at(doc, 1), "by_role", "caseworker");
    fx_assert_member(step_at(doc, 3), "on", "2026-05-20");
    fx_assert_member(step_at(doc, 3), "by_role", "appeals_board");
    json_decref(doc);
    fx_actor_free(&board);
    world_close(&w);
}

Test(appeals, timeline_is_read_by_the_filer_and_municipal_staff_only, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor lead, auditor, cw751, lead751, stranger;
    char cpr[11], stranger_id[FX_UUID_LEN], decision[FX_UUID_LEN], id[FX_UUID_LEN], path[160];
    fx_staff(&lead, "team_lead", FX_MUNICIPALITY);
    fx_staff(&auditor, "auditor", FX_MUNICIPALITY);
    fx_staff(&cw751, "caseworker", FX_OTHER_MUNICIPALITY);
    fx_staff(&lead751, "team_lead", FX_OTHER_MUNICIPALITY);
    fx_new_citizen(&w.cw, cpr, stranger_id);
    fx_citizen(&stranger, cpr);
    holy_saturday_decision(&w, decision);
    fx_file_appeal(&w.citizen_actor, decision, NULL, NULL, "Min klage", id);
    json_decref(fx_reconsider(&w.cw, id, "upheld", NULL, NULL, "Kommunen fastholder afgørelsen."));

    static const char *const steps[] = {"received", "forwarded"};
    const struct fx_actor *readers[] = {&w.citizen_actor, &w.cw, &lead, &auditor};
    for (size_t i = 0; i < 4; i++) {
        json_t *doc = fx_get_appeal(readers[i], id);
        assert_steps(doc, steps, 2);
        fx_assert_member(doc, "grounds", "Min klage");
        json_decref(doc);
    }
    const struct fx_actor *outsiders[] = {&cw751, &lead751, &stranger};
    appeal_path(id, NULL, path);
    for (size_t i = 0; i < 3; i++) {
        struct http_response r;
        fx_call("GET", path, outsiders[i], NULL, NULL, 0, &r);
        fx_assert_problem(&r, 404);
        cr_assert_null(strstr(r.body, "Min klage"), "the 404 leaks the appeal");
        http_response_free(&r);
    }

    /* The citizen's list holds their appeal; the stranger's does not. */
    struct http_response r;
    fx_call("GET", "/v1/appeals?limit=100", &w.citizen_actor, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 1);
    fx_assert_member(json_array_get(json_object_get(doc, "items"), 0), "id", id);
    json_decref(doc);
    http_response_free(&r);
    fx_call("GET", "/v1/appeals?limit=100", &stranger, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    doc = fx_body(&r);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 0, "a stranger lists another citizen's appeal");
    json_decref(doc);
    http_response_free(&r);
    fx_actor_free(&stranger);
    fx_actor_free(&lead751);
    fx_actor_free(&cw751);
    fx_actor_free(&auditor);
    fx_actor_free(&lead);
    world_close(&w);
}

/* A call tagged with a fresh X-Request-Id (written to rid) and If-Match; asserts status. */
static void traced(const char *method, const char *path, const struct fx_actor *a, json_t *body,
                   const char *if_match, int status, char rid[64], json_t **doc)
{
    fx_unique("audit", rid, 64);
    const struct http_header h[] = {{"X-Request-Id", rid}, {"If-Match", if_match}};
    struct http_response r;
    fx_call(method, path, a, body, h, if_match ? 2 : 1, &r);
    fx_assert_status(&r, status);
    if (doc)
        *doc = fx_body(&r);
    http_response_free(&r);
}

Test(appeals, every_step_on_an_appeal_writes_an_access_log_row, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    struct fx_actor auditor, lead;
    fx_staff(&auditor, "auditor", FX_MUNICIPALITY);
    fx_staff(&lead, "team_lead", FX_MUNICIPALITY);
    char decision[FX_UUID_LEN], create[64], read[64], suspensive[64], recon[64], path[160];
    holy_saturday_decision(&w, decision);

    json_t *doc = NULL;
    traced("POST", "/v1/appeals", &w.cw,
           json_pack("{s:s, s:s, s:s}", "decision_id", decision, "received_on", "2026-04-20", "channel", "written"),
           NULL, 201, create, &doc);
    char id[FX_UUID_LEN];
    snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(doc, "id")));
    json_decref(doc);

    appeal_path(id, NULL, path);
    traced("GET", path, &lead, NULL, NULL, 200, read, NULL);
    appeal_path(id, "/suspensive-effect", path);
    traced("POST", path, &w.cw, json_pack("{s:b, s:s}", "granted", 1, "decided_on", "2026-04-21"), "\"1\"", 200,
           suspensive, NULL);
    appeal_path(id, "/reconsideration", path);
    traced("POST", path, &lead,
           json_pack("{s:s, s:s, s:s}", "outcome", "upheld", "reconsidered_on", "2026-05-06", "municipality_statement",
                     "Kommunen fastholder afgørelsen."),
           "\"2\"", 200, recon, NULL);

    json_t *rows = fx_access_log_rows(&auditor, id);
    fx_assert_logged(rows, create, "create", "appeal", &w.cw, w.citizen);
    fx_assert_logged(rows, read, "read", "appeal", &lead, w.citizen);
    fx_assert_logged(rows, suspensive, "update", "appeal", &w.cw, w.citizen);
    fx_assert_logged(rows, recon, "update", "appeal", &lead, w.citizen);
    json_decref(rows);
    fx_actor_free(&lead);
    fx_actor_free(&auditor);
    world_close(&w);
}
