/* The flags the service raises, each on the first day its condition holds and not the day
 * before, on the case, /v1/cases/{id}/flags and /v1/flags. Past dates the API cannot make
 * (an intervention started, a review completed a year ago) are written as the schema owner
 * by the fixtures. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

#define KONTANTHJAELP "kontanthjaelp_year_without_assessment"
#define FLEKSJOB "fleksjob_low_hours_without_progression"
#define EXEMPTION "exemption_expiring"
#define OVERDUE "review_overdue"

/* A caseworker of their own (so /v1/flags?caseworker= lists only this test's cases), a
 * citizen with their token, and one case. */
struct world {
    char today[11];
    struct fx_actor cw;
    struct fx_actor citizen;
    char cpr[11];
    char citizen_id[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
};

/* A case that entered its target group on since, with benefit from benefit_start. */
static void world_open(struct world *w, const char *since, const char *benefit, const char *benefit_start)
{
    char today[11];
    fx_today(today);
    memcpy(w->today, today, sizeof(today));
    fx_staff(&w->cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&w->cw, w->cpr, w->citizen_id);
    fx_create_case_dated(&w->cw, w->citizen_id, since, benefit, benefit_start, w->case_id);
    fx_citizen(&w->citizen, w->cpr);
}

/* A case that entered its target group today, so no review is due for a year. */
static void world_today(struct world *w, const char *benefit, const char *benefit_start)
{
    fx_today(w->today);
    world_open(w, w->today, benefit, benefit_start);
}

static void world_close(struct world *w)
{
    fx_actor_free(&w->citizen);
    fx_actor_free(&w->cw);
}

/* The flags of GET /v1/cases/{id}/flags as a, asserting 200: the contract does not say
 * whether the body is the array itself or an object holding it (as "flags" or "items"),
 * so any of the three is taken. The caller json_decref's the array. */
static json_t *case_flags(const struct fx_actor *a, const char *case_id)
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/cases/%s/flags", case_id);
    struct http_response r;
    fx_call("GET", path, a, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    json_t *flags = json_is_array(doc) ? json_incref(doc) : NULL;
    if (!flags && json_is_array(json_object_get(doc, "flags")))
        flags = json_incref(json_object_get(doc, "flags"));
    if (!flags && json_is_array(json_object_get(doc, "items")))
        flags = json_incref(json_object_get(doc, "items"));
    cr_assert_not_null(flags, "GET %s holds no flags array", path);
    json_decref(doc);
    return flags;
}

/* The flags of the case's plan as a reads it; the caller json_decref's the array. */
static json_t *plan_flags(const struct fx_actor *a, const char *case_id)
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/cases/%s/plan", case_id);
    struct http_response r;
    fx_call("GET", path, a, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    json_t *flags = json_incref(json_object_get(doc, "flags"));
    cr_assert(json_is_array(flags), "the plan has no flags array");
    json_decref(doc);
    return flags;
}

static void assert_flag(json_t *flag, const char *since, const char *where)
{
    cr_assert_not_null(flag, "%s: the flag is missing", where);
    fx_assert_member(flag, "since", since);
    const char *why = json_string_value(json_object_get(flag, "why"));
    cr_assert(why && *why, "%s: the flag says no why", where);
}

/* Fails unless the case carries flag code since since, on the case document, on
 * /v1/cases/{id}/flags (as staff and as the citizen), on the plan and, exactly once, on the
 * municipality's list filtered by the case's caseworker. */
static void assert_present(struct world *w, const char *code, const char *since)
{
    json_t *doc = fx_get_case(&w->cw, w->case_id);
    assert_flag(fx_find_flag(json_object_get(doc, "flags"), code, 0), since, "the case document");
    json_decref(doc);
    const struct fx_actor *readers[] = {&w->cw, &w->citizen};
    for (int i = 0; i < 2; i++) {
        json_t *flags = case_flags(readers[i], w->case_id);
        assert_flag(fx_find_flag(flags, code, 0), since, readers[i]->role);
        json_decref(flags);
    }
    json_t *flags = plan_flags(&w->citizen, w->case_id);
    assert_flag(fx_find_flag(flags, code, 0), since, "the plan");
    json_decref(flags);
    json_t *rows = fx_flag_rows(&w->cw, code, w->cw.sub);
    cr_assert_eq(json_array_size(rows), 1, "GET /v1/flags?code=%s lists %zu rows for the caseworker, want 1", code,
                 json_array_size(rows));
    json_t *row = json_array_get(rows, 0);
    fx_assert_member(row, "case_id", w->case_id);
    fx_assert_member(row, "citizen_id", w->citizen_id);
    fx_assert_member(row, "caseworker", w->cw.sub);
    fx_assert_member(row, "code", code);
    assert_flag(row, since, "GET /v1/flags");
    json_decref(rows);
}

/* Fails unless the case carries no flag code anywhere. */
static void assert_absent(struct world *w, const char *code)
{
    json_t *doc = fx_get_case(&w->cw, w->case_id);
    json_t *flags = json_object_get(doc, "flags");
    cr_assert(json_is_array(flags), "the case document has no flags array");
    cr_assert_null(fx_find_flag(flags, code, 1), "the case document carries %s", code);
    json_decref(doc);
    flags = case_flags(&w->cw, w->case_id);
    cr_assert_null(fx_find_flag(flags, code, 1), "GET /v1/cases/{id}/flags carries %s", code);
    json_decref(flags);
    flags = plan_flags(&w->cw, w->case_id);
    cr_assert_null(fx_find_flag(flags, code, 1), "the plan carries %s", code);
    json_decref(flags);
    json_t *rows = fx_flag_rows(&w->cw, code, w->cw.sub);
    cr_assert_eq(json_array_size(rows), 0, "GET /v1/flags?code=%s lists the case", code);
    json_decref(rows);
}

/* ---- a year of kontanthjælp without a work capacity assessment ---- */

Test(flags, kontanthjaelp_flag_is_raised_the_day_the_benefit_has_run_a_year, .timeout = FX_TIMEOUT)
{
    char today[11], start[11], since[11];
    fx_today(today);
    fx_date_add_months(today, -12, start);
    fx_date_add_months(start, 12, since);
    struct world w;
    world_today(&w, "kontanthjaelp", start);
    assert_present(&w, KONTANTHJAELP, since);
    world_close(&w);
}

Test(flags, kontanthjaelp_flag_is_not_raised_the_day_before, .timeout = FX_TIMEOUT)
{
    char today[11], year_ago[11], start[11];
    fx_today(today);
    fx_date_add_months(today, -12, year_ago);
    fx_date_add(year_ago, 1, start);
    struct world w;
    world_today(&w, "kontanthjaelp", start);
    assert_absent(&w, KONTANTHJAELP);
    world_close(&w);
}

Test(flags, another_benefit_for_two_years_raises_no_kontanthjaelp_flag, .timeout = FX_TIMEOUT)
{
    char today[11], start[11];
    fx_today(today);
    fx_date_add_months(today, -24, start);
    struct world w;
    world_today(&w, "sygedagpenge", start);
    assert_absent(&w, KONTANTHJAELP);
    world_close(&w);
}

Test(flags, kontanthjaelp_flag_clears_with_an_assessment_and_returns_a_year_after_it, .timeout = FX_TIMEOUT * 3)
{
    char today[11], start[11], since[11];
    fx_today(today);
    fx_date_add_months(today, -24, start);
    fx_date_add_months(start, 12, since);
    struct world w;
    world_today(&w, "kontanthjaelp", start);
    assert_present(&w, KONTANTHJAELP, since);

    /* A completed review assesses the work capacity (and, while the rules have it,
     * ressourceforløb): the flag goes. */
    char review[FX_UUID_LEN];
    json_decref(fx_completed_review(&w.cw, &w.citizen, w.case_id, review));
    assert_absent(&w, KONTANTHJAELP);

    /* Had that review been completed a year ago, the flag is back today; a day later, not.
     * Only within one set of rules: a review held after the 2027 reform backdated to
     * before it would be a history that cannot have happened. */
    char held[11], day_later[11];
    fx_date_add_months(today, -12, held);
    fx_date_add(held, 1, day_later);
    if ((strcmp(today, "2027-01-01") < 0) == (strcmp(held, "2027-01-01") < 0)) {
        fx_backdate_review(review, held);
        fx_date_add_months(held, 12, since);
        assert_present(&w, KONTANTHJAELP, since);
        fx_backdate_review(review, day_later);
        assert_absent(&w, KONTANTHJAELP);
    }
    world_close(&w);
}

Test(flags, while_ressourceforloeb_exists_an_assessment_without_it_leaves_the_kontanthjaelp_flag,
     .timeout = FX_TIMEOUT * 2)
{
    char today[11], start[11], since[11];
    fx_today(today);
    /* After the 2027 reform there is no ressourceforløb to assess: nothing to test then. */
    if (strcmp(today, "2027-01-01") >= 0)
        return;
    fx_date_add_months(today, -18, start);
    fx_date_add_months(start, 12, since);
    struct world w;
    world_today(&w, "kontanthjaelp", start);
    char review[FX_UUID_LEN], planned[11];
    fx_date_add(today, 14, planned);
    fx_schedule_review(&w.cw, w.case_id, today, review);
    fx_fill_review(&w.cw, &w.citizen, review, today, planned, FX_SEC_ALL);
    json_t *capacity = fx_work_capacity_body(today);
    json_object_set_new(capacity, "ressourceforloeb_assessed", json_false());
    json_decref(fx_review_ok(&w.cw, "PATCH", review, NULL, json_pack("{s:o}", "work_capacity", capacity)));
    json_decref(fx_complete_review(&w.cw, review));
    assert_present(&w, KONTANTHJAELP, since);
    world_close(&w);
}

/* ---- a fleksjob under 5 hours without progression ---- */

/* An intervention of type with hours, started (under an overall decision issued today) and
 * then backdated to have been requested and started on started_on. Writes its id. */
static void backdated_fleksjob(struct world *w, const char *type, double hours, const char *started_on,
                               char id[FX_UUID_LEN])
{
    fx_create_intervention(&w->cw, w->case_id, type, w->today, hours, id);
    json_decref(fx_start_intervention(&w->cw, id, w->today));
    fx_backdate_intervention(id, started_on, started_on);
}

/* A case on ledighedsydelse (no kontanthjælp flag) with an overall decision in force. */
static void fleksjob_world(struct world *w)
{
    char overall[FX_UUID_LEN];
    fx_today(w->today);
    world_open(w, w->today, "ledighedsydelse", w->today);
    fx_issued_decision(&w->cw, w->case_id, "overall", "granted", NULL, overall);
}

static void progress(struct world *w, const char *id, const char *on)
{
    struct http_response r;
    fx_intervention_step(&w->cw, id, "progress", json_pack("{s:s, s:s}", "noted_on", on, "note", "Flere timer."), &r);
    fx_assert_status(&r, 201);
    http_response_free(&r);
}

Test(flags, fleksjob_flag_is_raised_twelve_months_after_the_start, .timeout = FX_TIMEOUT)
{
    struct world w;
    fleksjob_world(&w);
    char started[11], since[11], id[FX_UUID_LEN];
    fx_date_add_months(w.today, -12, started);
    fx_date_add_months(started, 12, since);
    backdated_fleksjob(&w, "fleksjob", 4, started, id);
    assert_present(&w, FLEKSJOB, since);
    world_close(&w);
}

Test(flags, fleksjob_flag_is_not_raised_the_day_before, .timeout = FX_TIMEOUT)
{
    struct world w;
    fleksjob_world(&w);
    char year_ago[11], started[11], id[FX_UUID_LEN];
    fx_date_add_months(w.today, -12, year_ago);
    fx_date_add(year_ago, 1, started);
    backdated_fleksjob(&w, "fleksjob", 4, started, id);
    assert_absent(&w, FLEKSJOB);
    world_close(&w);
}

Test(flags, a_progress_note_within_12_months_keeps_the_fleksjob_flag_away, .timeout = FX_TIMEOUT)
{
    struct world w;
    fleksjob_world(&w);
    char started[11], since[11], year_ago[11], noted[11], id[FX_UUID_LEN];
    fx_date_add_months(w.today, -13, started);
    fx_date_add_months(started, 12, since);
    backdated_fleksjob(&w, "fleksjob", 4, started, id);
    assert_present(&w, FLEKSJOB, since);
    fx_date_add_months(w.today, -12, year_ago);
    fx_date_add(year_ago, 1, noted);
    progress(&w, id, noted);
    assert_absent(&w, FLEKSJOB);
    world_close(&w);
}

Test(flags, a_progress_note_twelve_months_old_no_longer_keeps_it_away, .timeout = FX_TIMEOUT)
{
    struct world w;
    fleksjob_world(&w);
    char started[11], noted[11], since[11], id[FX_UUID_LEN];
    fx_date_add_months(w.today, -14, started);
    fx_date_add_months(w.today, -12, noted);
    fx_date_add_months(noted, 12, since);
    backdated_fleksjob(&w, "fleksjob", 4, started, id);
    progress(&w, id, noted);
    assert_present(&w, FLEKSJOB, since);
    world_close(&w);
}

Test(flags, only_fleksjob_types_under_5_hours_raise_the_flag, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    fleksjob_world(&w);
    char started[11], since[11], five[FX_UUID_LEN], mentor[FX_UUID_LEN];
    fx_date_add_months(w.today, -13, started);
    fx_date_add_months(started, 12, since);
    /* 5 hours a week is not under 5; a mentor is not a fleksjob. */
    backdated_fleksjob(&w, "fleksjob", 5, started, five);
    backdated_fleksjob(&w, "mentor", 2, started, mentor);
    assert_absent(&w, FLEKSJOB);
    /* An udviklingsfleksjob of 4.5 hours is. */
    char developing[FX_UUID_LEN];
    backdated_fleksjob(&w, "udviklingsfleksjob", 4.5, started, developing);
    assert_present(&w, FLEKSJOB, since);
    world_close(&w);
}

/* ---- an exemption that ends within 30 days ---- */

Test(flags, exemption_ending_in_30_days_is_flagged, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_today(&w, "sygedagpenge", "2026-01-05");
    char from[11], to[11];
    fx_date_add(w.today, -60, from);
    fx_date_add(w.today, 30, to);
    fx_create_exemption(&w.cw, w.case_id, from, to, FX_EXEMPTION_REASON, NULL);
    assert_present(&w, EXEMPTION, w.today);
    world_close(&w);
}

Test(flags, exemption_ending_in_31_days_or_ended_yesterday_is_not_flagged, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_today(&w, "sygedagpenge", "2026-01-05");
    char from[11], to[11], ended[11];
    fx_date_add(w.today, -60, from);
    fx_date_add(w.today, 31, to);
    fx_date_add(w.today, -1, ended);
    fx_create_exemption(&w.cw, w.case_id, from, to, FX_EXEMPTION_REASON, NULL);
    fx_create_exemption(&w.cw, w.case_id, from, ended, FX_EXEMPTION_REASON, NULL);
    assert_absent(&w, EXEMPTION);
    world_close(&w);
}

/* ---- a review overdue ---- */

Test(flags, review_due_yesterday_is_overdue_since_then, .timeout = FX_TIMEOUT)
{
    char today[11], yesterday[11], since[11], due[11];
    fx_today(today);
    fx_date_add(today, -1, yesterday);
    fx_date_add_months(yesterday, -12, since);
    fx_date_add_months(since, 12, due);
    struct world w;
    world_open(&w, since, "sygedagpenge", since);
    cr_assert(strcmp(due, today) < 0);
    json_t *doc = fx_get_case(&w.cw, w.case_id);
    fx_assert_member(doc, "next_review_due", due);
    json_decref(doc);
    assert_present(&w, OVERDUE, due);
    world_close(&w);
}

Test(flags, review_due_today_is_not_yet_overdue, .timeout = FX_TIMEOUT)
{
    char today[11], since[11], due[11];
    fx_today(today);
    fx_date_add_months(today, -12, since);
    fx_date_add_months(since, 12, due);
    struct world w;
    world_open(&w, since, "sygedagpenge", since);
    json_t *doc = fx_get_case(&w.cw, w.case_id);
    fx_assert_member(doc, "next_review_due", due);
    json_decref(doc);
    /* On 29 February no case entered its group exactly a year before: the due date is then
     * the 28th, already past. */
    if (strcmp(due, today) == 0)
        assert_absent(&w, OVERDUE);
    else
        assert_present(&w, OVERDUE, due);
    world_close(&w);
}

Test(flags, a_completed_review_ends_the_overdue_flag_for_a_year, .timeout = FX_TIMEOUT * 2)
{
    char today[11], since[11], due[11];
    fx_today(today);
    fx_date_add_months(today, -20, since);
    fx_date_add_months(since, 12, due);
    struct world w;
    world_open(&w, since, "sygedagpenge", since);
    assert_present(&w, OVERDUE, due);
    char review[FX_UUID_LEN];
    json_decref(fx_completed_review(&w.cw, &w.citizen, w.case_id, review));
    assert_absent(&w, OVERDUE);
    fx_date_add_months(today, 12, due);
    json_t *doc = fx_get_case(&w.cw, w.case_id);
    fx_assert_member(doc, "next_review_due", due);
    json_decref(doc);
    world_close(&w);
}

/* ---- who sees the flags ---- */

Test(flags, the_list_filters_by_code_and_caseworker_within_the_municipality, .timeout = FX_TIMEOUT * 2)
{
    /* Two overdue cases and one on time, all of one caseworker. */
    char today[11], old[11], recent[11], due[11];
    fx_today(today);
    fx_date_add_months(today, -18, old);
    fx_date_add_months(today, -2, recent);
    fx_date_add_months(old, 12, due);
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[3][11], citizen[3][FX_UUID_LEN], cases[3][FX_UUID_LEN];
    const char *since[] = {old, old, recent};
    for (int i = 0; i < 3; i++) {
        fx_new_citizen(&cw, cpr[i], citizen[i]);
        fx_create_case_dated(&cw, citizen[i], since[i], "sygedagpenge", since[i], cases[i]);
    }

    /* Page by page, one row at a time. */
    json_t *rows = json_array();
    char cursor[128] = "";
    for (int page = 0; page < 5; page++) {
        char path[320];
        snprintf(path, sizeof(path), "/v1/flags?code=%s&caseworker=%s&limit=1%s%s", OVERDUE, cw.sub,
                 *cursor ? "&cursor=" : "", cursor);
        struct http_response r;
        fx_call("GET", path, &cw, NULL, NULL, 0, &r);
        fx_assert_status(&r, 200);
        json_t *doc = fx_body(&r);
        http_response_free(&r);
        cr_assert(json_array_size(json_object_get(doc, "items")) <= 1, "limit=1 gave more rows");
        json_array_extend(rows, json_object_get(doc, "items"));
        const char *next = json_string_value(json_object_get(doc, "next_cursor"));
        snprintf(cursor, sizeof(cursor), "%s", next ? next : "");
        json_decref(doc);
        if (!*cursor)
            break;
    }
    cr_assert_eq(json_array_size(rows), 2, "the list has %zu overdue cases, want 2", json_array_size(rows));
    for (int i = 0; i < 2; i++) {
        int seen = 0;
        for (size_t k = 0; k < 2; k++) {
            json_t *row = json_array_get(rows, k);
            if (strcmp(json_string_value(json_object_get(row, "case_id")), cases[i]) == 0) {
                seen++;
                fx_assert_member(row, "citizen_id", citizen[i]);
                fx_assert_member(row, "since", due);
            }
        }
        cr_assert_eq(seen, 1, "overdue case %d is listed %d times", i, seen);
    }
    json_decref(rows);

    /* The team lead sees the same; another code lists nothing; another municipality nothing. */
    struct fx_actor lead, outsider;
    fx_staff(&lead, "team_lead", FX_MUNICIPALITY);
    fx_staff(&outsider, "team_lead", FX_OTHER_MUNICIPALITY);
    rows = fx_flag_rows(&lead, OVERDUE, cw.sub);
    cr_assert_eq(json_array_size(rows), 2, "the team lead sees %zu, want 2", json_array_size(rows));
    json_decref(rows);
    rows = fx_flag_rows(&cw, EXEMPTION, cw.sub);
    cr_assert_eq(json_array_size(rows), 0, "another code lists the overdue cases");
    json_decref(rows);
    rows = fx_flag_rows(&outsider, OVERDUE, cw.sub);
    cr_assert_eq(json_array_size(rows), 0, "another municipality lists the cases");
    json_decref(rows);
    fx_actor_free(&outsider);
    fx_actor_free(&lead);
    fx_actor_free(&cw);
}

/* In the order the flags were raised: a case whose review fell due earlier comes first,
 * whenever its flag row was written, and a page boundary between flags of different codes
 * on the same day loses none. */
Test(flags, the_list_is_in_the_order_the_flags_were_raised, .timeout = FX_TIMEOUT * 2)
{
    char today[11], later[11], earlier[11], due_later[11], due_earlier[11];
    fx_today(today);
    fx_date_add_months(today, -14, later);
    fx_date_add_months(today, -20, earlier);
    fx_date_add_months(later, 12, due_later);
    fx_date_add_months(earlier, 12, due_earlier);
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    /* Written first: the case whose review fell due later. */
    const char *since[] = {later, earlier};
    char cpr[2][11], citizen[2][FX_UUID_LEN], cases[2][FX_UUID_LEN];
    for (int i = 0; i < 2; i++) {
        fx_new_citizen(&cw, cpr[i], citizen[i]);
        fx_create_case_dated(&cw, citizen[i], since[i], "sygedagpenge", since[i], cases[i]);
    }
    json_t *rows = fx_flag_rows(&cw, OVERDUE, cw.sub);
    cr_assert_eq(json_array_size(rows), 2, "the list has %zu overdue cases, want 2", json_array_size(rows));
    fx_assert_member(json_array_get(rows, 0), "case_id", cases[1]);
    fx_assert_member(json_array_get(rows, 0), "since", due_earlier);
    fx_assert_member(json_array_get(rows, 1), "case_id", cases[0]);
    fx_assert_member(json_array_get(rows, 1), "since", due_later);
    json_decref(rows);
    fx_actor_free(&cw);
}

Test(flags, case_flags_are_for_the_citizen_and_the_municipality_only, .timeout = FX_TIMEOUT)
{
    char today[11], since[11];
    fx_today(today);
    fx_date_add_months(today, -14, since);
    struct world w, other;
    world_open(&w, since, "sygedagpenge", since);
    world_open(&other, today, "sygedagpenge", today);
    char path[128];
    snprintf(path, sizeof(path), "/v1/cases/%s/flags", w.case_id);
    struct fx_actor outsider;
    fx_staff(&outsider, "caseworker", FX_OTHER_MUNICIPALITY);
    struct http_response r;
    fx_call("GET", path, &outsider, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    fx_call("GET", path, &other.citizen, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    /* The list is for case staff. */
    fx_call("GET", "/v1/flags?code=review_overdue", &w.citizen, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 403);
    http_response_free(&r);
    /* Positive control: the citizen and the municipality's auditor see the flag. */
    json_t *flags = case_flags(&w.citizen, w.case_id);
    cr_assert_not_null(fx_find_flag(flags, OVERDUE, 0), "the citizen does not see the overdue flag");
    json_decref(flags);
    struct fx_actor auditor;
    fx_staff(&auditor, "auditor", FX_MUNICIPALITY);
    flags = case_flags(&auditor, w.case_id);
    cr_assert_not_null(fx_find_flag(flags, OVERDUE, 0), "the auditor does not see the overdue flag");
    json_decref(flags);
    fx_actor_free(&auditor);
    fx_actor_free(&outsider);
    world_close(&other);
    world_close(&w);
}
