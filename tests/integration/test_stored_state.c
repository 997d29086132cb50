/* State kept on write (issue 9): cases.next_review_due and the stored worklist rows stay
 * what the data says after every write path that changes them — through the API (case
 * created and changed, review completed, exemption added, intervention requested and
 * started, progress noted, decision drafted with a hearing and issued, appeal filed and
 * reconsidered, case closed) and through SQL written straight to the tables, a bulk UPDATE
 * as a data fix would be. "What the data says" is worklist_entries_of() recomputed from
 * the tables in the same snapshot; the tests also check what a caller sees.
 * Municipalities 841-849 belong to this suite. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fixtures.h"

#define RANGE_STATE 841, 849

/* Rows stored for municipality m that the data does not give, plus rows the data gives
 * that are not stored, plus cases whose stored next review differs from their reviews. */
static long long drift(const char *m)
{
    const char *params[] = {m};
    return fx_owner_value(
        "WITH stored AS (SELECT list, municipality, case_id, citizen_id, caseworker, resource_type, resource_id,"
        "                       instance_id, code, since, holds_from, holds_until, details"
        "                  FROM worklist_entries WHERE municipality = $1),"
        "wanted AS (SELECT * FROM worklist_entries_of(ARRAY(SELECT id FROM cases WHERE municipality = $1),"
        "                                             worklist_all_lists())) "
        "SELECT (SELECT count(*) FROM (SELECT * FROM stored EXCEPT ALL SELECT * FROM wanted) x)"
        "     + (SELECT count(*) FROM (SELECT * FROM wanted EXCEPT ALL SELECT * FROM stored) y)"
        "     + (SELECT count(*) FROM cases c WHERE c.municipality = $1 AND c.next_review_due IS DISTINCT FROM"
        "          (coalesce((SELECT max(r.completed_on) FROM reviews r WHERE r.case_id = c.id AND r.status = 'completed'),"
        "                    c.target_group_since) + interval '12 months')::date)",
        1, params);
}

static void assert_no_drift(const char *m, const char *after)
{
    long long n = drift(m);
    cr_assert_eq(n, 0, "after %s, %lld stored rows of municipality %s differ from what the data gives", after, n, m);
}

static long long stored_rows(const char *list, const char *case_id)
{
    const char *params[] = {list, case_id};
    return fx_owner_value("SELECT count(*) FROM worklist_entries WHERE list = $1 AND case_id = $2::uuid", 2, params);
}

Test(stored_state, every_write_path_of_the_api_keeps_the_stored_rows_right, .timeout = FX_TIMEOUT * 6)
{
    char m[4], today[11], year_ago[11], long_ago[11], soon[11], cpr[11], citizen[FX_UUID_LEN], case_id[FX_UUID_LEN];
    fx_random_municipality(RANGE_STATE, m);
    fx_today(today);
    fx_date_add(today, -400, year_ago);
    fx_date_add(today, -800, long_ago);
    fx_date_add(today, 20, soon);
    struct fx_actor cw, citizen_actor;
    fx_staff(&cw, "caseworker", m);
    fx_new_citizen(&cw, cpr, citizen);
    fx_citizen(&citizen_actor, cpr);

    /* A case on kontanthjælp for more than a year, in the group for more than a year. */
    fx_create_case_dated(&cw, citizen, long_ago, "kontanthjaelp", long_ago, case_id);
    assert_no_drift(m, "a case was created");
    json_t *doc = fx_get_case(&cw, case_id);
    cr_assert_not_null(fx_find_flag(json_object_get(doc, "flags"), "review_overdue", 0));
    cr_assert_not_null(fx_find_flag(json_object_get(doc, "flags"), "kontanthjaelp_year_without_assessment", 0));
    json_decref(doc);

    char exemption[FX_UUID_LEN];
    fx_create_exemption(&cw, case_id, today, soon, FX_EXEMPTION_REASON, exemption);
    assert_no_drift(m, "an exemption was added");
    cr_assert_eq(stored_rows("exemption_expiring", case_id), 1);

    char overall[FX_UUID_LEN], fleksjob[FX_UUID_LEN], mentor[FX_UUID_LEN];
    fx_issued_decision(&cw, case_id, "overall", "granted", NULL, overall);
    assert_no_drift(m, "an overall decision was issued");
    fx_create_intervention(&cw, case_id, "fleksjob", today, 3, fleksjob);
    fx_create_intervention(&cw, case_id, "mentor", today, 5, mentor);
    assert_no_drift(m, "interventions were requested");
    cr_assert_eq(stored_rows("intervention_requested", case_id), 2);
    json_decref(fx_start_intervention(&cw, fleksjob, today));
    assert_no_drift(m, "an intervention was started");
    cr_assert_eq(stored_rows("intervention_requested", case_id), 1);
    cr_assert_eq(stored_rows("fleksjob_low_hours_without_progression", case_id), 1);
    /* A year without progress notes (a data fix of the dates), then a note. */
    fx_backdate_intervention(fleksjob, year_ago, year_ago);
    assert_no_drift(m, "an intervention was backdated");
    doc = fx_get_case(&cw, case_id);
    cr_assert_not_null(fx_find_flag(json_object_get(doc, "flags"), "fleksjob_low_hours_without_progression", 0));
    json_decref(doc);
    struct http_response r;
    fx_intervention_step(&cw, fleksjob, "progress", json_pack("{s:s, s:s}", "noted_on", today, "note", "Flere timer."),
                         &r);
    fx_assert_status(&r, 201);
    http_response_free(&r);
    assert_no_drift(m, "progress was noted");
    doc = fx_get_case(&cw, case_id);
    cr_assert_null(fx_find_flag(json_object_get(doc, "flags"), "fleksjob_low_hours_without_progression", 0));
    json_decref(doc);

    char hearing[FX_UUID_LEN];
    json_t *body = fx_decision_body(case_id, "other", "granted");
    json_object_set_new(body, "hearing", json_pack("{s:s, s:s, s:s}", "status", "sent", "sent_on", long_ago,
                                                   "response_deadline", year_ago));
    fx_create_decision(&cw, body, hearing);
    assert_no_drift(m, "a decision was drafted with a hearing sent");
    cr_assert_eq(stored_rows("hearing_overdue", case_id), 1);

    char issued[FX_UUID_LEN];
    fx_draft_decision(&cw, case_id, "other", "refused", issued);
    json_decref(fx_issue_decision(&cw, issued, NULL));
    assert_no_drift(m, "a decision was issued");
    char appeal[FX_UUID_LEN];
    fx_file_appeal(&citizen_actor, issued, NULL, NULL, NULL, appeal);
    assert_no_drift(m, "an appeal was filed");
    cr_assert_eq(stored_rows("appeal_reconsideration", case_id), 1);
    json_decref(fx_reconsider(&cw, appeal, "upheld", today, NULL, "Kommunen fastholder afgørelsen."));
    assert_no_drift(m, "an appeal was reconsidered");
    cr_assert_eq(stored_rows("appeal_reconsideration", case_id), 0);

    char review[FX_UUID_LEN];
    json_decref(fx_completed_review(&cw, &citizen_actor, case_id, review));
    assert_no_drift(m, "a review was completed");
    doc = fx_get_case(&cw, case_id);
    char due[11];
    fx_date_add_months(today, 12, due);
    fx_assert_member(doc, "next_review_due", due);
    cr_assert_null(fx_find_flag(json_object_get(doc, "flags"), "review_overdue", 0));
    cr_assert_null(fx_find_flag(json_object_get(doc, "flags"), "kontanthjaelp_year_without_assessment", 0));
    json_decref(doc);

    fx_close_case(&cw, case_id);
    assert_no_drift(m, "the case was closed");
    cr_assert_eq(stored_rows("review_overdue", case_id), 0);
    cr_assert_eq(stored_rows("exemption_expiring", case_id), 0);

    fx_actor_free(&citizen_actor);
    fx_actor_free(&cw);
}

Test(stored_state, a_caseworker_change_moves_every_row_of_the_case, .timeout = FX_TIMEOUT * 3)
{
    char m[4], today[11], long_ago[11], cpr[11], citizen[FX_UUID_LEN], case_id[FX_UUID_LEN];
    fx_random_municipality(RANGE_STATE, m);
    fx_today(today);
    fx_date_add(today, -800, long_ago);
    struct fx_actor cw, lead;
    fx_staff(&cw, "caseworker", m);
    fx_staff(&lead, "team_lead", m);
    fx_new_citizen(&cw, cpr, citizen);
    fx_create_case_dated(&cw, citizen, long_ago, "kontanthjaelp", long_ago, case_id);

    char other[64];
    fx_unique("cw-moved", other, sizeof(other));
    struct http_response r;
    fx_call("POST", "/v1/caseload/reassignments", &lead,
            json_pack("{s:[s], s:s}", "case_ids", case_id, "caseworker", other), NULL, 0, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    assert_no_drift(m, "the case was reassigned");
    json_t *rows = fx_flag_rows(&lead, "review_overdue", other);
    cr_assert_not_null(fx_find_row(rows, "case_id", case_id), "the overdue review did not follow the case");
    json_decref(rows);
    rows = fx_flag_rows(&lead, "review_overdue", cw.sub);
    cr_assert_null(fx_find_row(rows, "case_id", case_id), "the overdue review stayed with the old caseworker");
    json_decref(rows);
    fx_actor_free(&lead);
    fx_actor_free(&cw);
}

/* A data fix straight in SQL, as the owner, many rows in one statement: the triggers keep
 * the state right without the service. */
Test(stored_state, a_bulk_update_in_sql_keeps_the_stored_rows_right, .timeout = FX_TIMEOUT * 4)
{
    char m[4], today[11], long_ago[11], recent[11], soon[11];
    fx_random_municipality(RANGE_STATE, m);
    fx_today(today);
    fx_date_add(today, -800, long_ago);
    fx_date_add(today, -100, recent);
    fx_date_add(today, 10, soon);
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", m);
    char cases[3][FX_UUID_LEN];
    for (int i = 0; i < 3; i++) {
        char cpr[11], citizen[FX_UUID_LEN];
        fx_new_citizen(&cw, cpr, citizen);
        fx_create_case_dated(&cw, citizen, recent, "kontanthjaelp", recent, cases[i]);
        fx_create_exemption(&cw, cases[i], today, soon, FX_EXEMPTION_REASON, NULL);
    }
    assert_no_drift(m, "the cases were created");

    /* Every case of the caseworker into the group long ago: each review is now overdue. */
    const char *params[] = {m, cw.sub, long_ago};
    long long n = fx_owner_exec("UPDATE cases SET target_group_since = $3::date, benefit_start = $3::date "
                                "WHERE municipality = $1 AND caseworker = $2",
                                3, params);
    cr_assert_eq(n, 3);
    assert_no_drift(m, "a bulk UPDATE of cases");
    for (int i = 0; i < 3; i++) {
        json_t *doc = fx_get_case(&cw, cases[i]);
        char due[11];
        fx_date_add_months(long_ago, 12, due);
        fx_assert_member(doc, "next_review_due", due);
        json_t *flag = fx_find_flag(json_object_get(doc, "flags"), "review_overdue", 0);
        cr_assert_not_null(flag, "a bulk UPDATE did not raise the overdue review");
        fx_assert_member(flag, "since", due);
        json_decref(doc);
    }

    /* Every exemption of those cases ended yesterday: none expiring any more. */
    char yesterday[11];
    fx_date_add(today, -1, yesterday);
    const char *exemption_params[] = {m, yesterday};
    n = fx_owner_exec("UPDATE exemptions SET to_on = $2::date, from_on = $2::date WHERE municipality = $1", 2,
                      exemption_params);
    cr_assert_geq(n, 3);
    assert_no_drift(m, "a bulk UPDATE of exemptions");
    for (int i = 0; i < 3; i++) {
        json_t *doc = fx_get_case(&cw, cases[i]);
        cr_assert_null(fx_find_flag(json_object_get(doc, "flags"), "exemption_expiring", 1),
                       "an exemption that ended yesterday is still flagged");
        json_decref(doc);
    }
    fx_actor_free(&cw);
}

/* The migration filled the stored state of rows that existed before it; this checks the
 * state of every municipality, whoever wrote it. */
Test(stored_state, every_municipality_is_consistent, .timeout = FX_TIMEOUT * 4)
{
    long long n = fx_owner_value(
        "SELECT (SELECT count(*) FROM (SELECT list, municipality, case_id, citizen_id, caseworker, resource_type,"
        "        resource_id, instance_id, code, since, holds_from, holds_until, details FROM worklist_entries"
        "        EXCEPT ALL SELECT * FROM worklist_entries_of(ARRAY(SELECT id FROM cases), worklist_all_lists())) x)",
        0, NULL);
    cr_assert_eq(n, 0, "%lld stored rows that the data does not give", n);
}
