/*
 * Unit tests for service/intervention_rules.c: the intervention's state machine, the date
 * each step may not precede, whether hours per week apply to a type and the hours as the
 * database keeps them. The expected transitions are written from the API contract
 * (requested → started → ended, or cancelled from requested or started), not produced by
 * the code under test.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "law/intervention_rules.h"

static struct cal_date day(const char *iso)
{
    struct cal_date d = {0, 0, 0};
    cr_assert_eq(sscanf(iso, "%4d-%2d-%2d", &d.year, &d.month, &d.day), 3, "bad date in test table: %s", iso);
    return d;
}

static void assert_date(struct cal_date got, const char *want)
{
    char text[16];
    snprintf(text, sizeof(text), "%04d-%02d-%02d", got.year, got.month, got.day);
    cr_assert_str_eq(text, want);
}

/* ---- The state machine -------------------------------------------------- */

#define R INTERVENTION_REQUESTED
#define S INTERVENTION_STARTED
#define E INTERVENTION_ENDED
#define C INTERVENTION_CANCELLED
#define NO (-1)

/* Every status × every step, from the contract: -1 where the step is refused (409). */
static const struct {
    enum intervention_status from;
    enum intervention_action action;
    int to;
} expected[] = {
    {R, INTERVENTION_START, S},     {R, INTERVENTION_END, NO},      {R, INTERVENTION_CANCEL, C},
    {R, INTERVENTION_PROGRESS, NO}, {S, INTERVENTION_START, NO},    {S, INTERVENTION_END, E},
    {S, INTERVENTION_CANCEL, C},    {S, INTERVENTION_PROGRESS, S},  {E, INTERVENTION_START, NO},
    {E, INTERVENTION_END, NO},      {E, INTERVENTION_CANCEL, NO},   {E, INTERVENTION_PROGRESS, NO},
    {C, INTERVENTION_START, NO},    {C, INTERVENTION_END, NO},      {C, INTERVENTION_CANCEL, NO},
    {C, INTERVENTION_PROGRESS, NO},
};

Test(intervention_rules, every_status_and_step_moves_as_the_contract_says)
{
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
        cr_expect_eq(intervention_transition(expected[i].from, expected[i].action), expected[i].to,
                     "from %s, step %d", intervention_status_name(expected[i].from), (int)expected[i].action);
}

Test(intervention_rules, ended_and_cancelled_are_final)
{
    for (int a = INTERVENTION_START; a <= INTERVENTION_PROGRESS; a++) {
        cr_assert_eq(intervention_transition(E, (enum intervention_action)a), -1);
        cr_assert_eq(intervention_transition(C, (enum intervention_action)a), -1);
    }
}

Test(intervention_rules, states_allowing_each_step_name_where_it_is_legal)
{
    cr_assert_eq(intervention_states_allowing(INTERVENTION_START), 1u << R);
    cr_assert_eq(intervention_states_allowing(INTERVENTION_END), 1u << S);
    cr_assert_eq(intervention_states_allowing(INTERVENTION_CANCEL), (1u << R) | (1u << S));
    cr_assert_eq(intervention_states_allowing(INTERVENTION_PROGRESS), 1u << S);
}

Test(intervention_rules, status_names_round_trip_as_stored)
{
    static const char *const names[] = {"requested", "started", "ended", "cancelled"};
    for (int i = 0; i < 4; i++) {
        enum intervention_status s;
        cr_assert_eq(intervention_status_parse(names[i], &s), 0);
        cr_assert_eq((int)s, i);
        cr_assert_str_eq(intervention_status_name(s), names[i]);
    }
}

Test(intervention_rules, unknown_status_names_are_refused)
{
    enum intervention_status s = INTERVENTION_ENDED;
    cr_assert_eq(intervention_status_parse("Started", &s), -1);
    cr_assert_eq(intervention_status_parse("", &s), -1);
    cr_assert_eq(intervention_status_parse(NULL, &s), -1);
    cr_assert_eq(s, INTERVENTION_ENDED, "a refused name leaves the output alone");
    cr_assert_str_eq(intervention_status_name((enum intervention_status)7), "unknown");
}

/* ---- The date a step may not precede ------------------------------------ */

Test(intervention_rules, a_start_may_not_precede_the_request)
{
    assert_date(intervention_step_earliest(INTERVENTION_START, day("2026-03-02"), 0, day("2000-01-01")),
                "2026-03-02");
}

Test(intervention_rules, an_end_and_a_progress_note_may_not_precede_the_start)
{
    assert_date(intervention_step_earliest(INTERVENTION_END, day("2026-03-02"), 1, day("2026-04-15")), "2026-04-15");
    assert_date(intervention_step_earliest(INTERVENTION_PROGRESS, day("2026-03-02"), 1, day("2026-04-15")),
                "2026-04-15");
}

Test(intervention_rules, a_cancellation_follows_the_start_once_started_and_the_request_before)
{
    assert_date(intervention_step_earliest(INTERVENTION_CANCEL, day("2026-03-02"), 1, day("2026-04-15")),
                "2026-04-15");
    assert_date(intervention_step_earliest(INTERVENTION_CANCEL, day("2026-03-02"), 0, day("2000-01-01")),
                "2026-03-02");
}

/* ---- Hours per week -------------------------------------------------------- */

static int applies(const char *attributes)
{
    json_error_t err;
    json_t *a = json_loads(attributes, 0, &err);
    cr_assert_not_null(a, "bad JSON in test: %s", err.text);
    int got = intervention_hours_apply(a);
    json_decref(a);
    return got;
}

Test(intervention_rules, hours_apply_where_the_type_says_true)
{
    /* The attributes of fleksjob and of behandling as migration 005 seeds them. */
    cr_assert_eq(applies("{\"sector\": \"employment\", \"hours_per_week\": true, \"fleksjob\": true, "
                         "\"legal_basis\": [\"lab_kap_13\", \"lov_1750_2025\"]}"),
                 1);
    cr_assert_eq(applies("{\"sector\": \"health\", \"hours_per_week\": false, "
                         "\"legal_basis\": [\"lab_kap_9a\", \"lov_1750_2025\"]}"),
                 0);
}

Test(intervention_rules, hours_do_not_apply_when_the_type_says_nothing_or_not_a_boolean)
{
    cr_assert_eq(applies("{\"sector\": \"social\"}"), 0);
    cr_assert_eq(applies("{\"hours_per_week\": \"true\"}"), 0);
    cr_assert_eq(applies("{\"hours_per_week\": 1}"), 0);
    cr_assert_eq(applies("{\"hours_per_week\": null}"), 0);
    cr_assert_eq(intervention_hours_apply(NULL), 0);
}

Test(intervention_rules, hours_are_kept_in_tenths)
{
    char out[24];
    cr_assert_eq(intervention_hours_text(4.0, out), 0);
    cr_assert_str_eq(out, "4.0");
    cr_assert_eq(intervention_hours_text(4.5, out), 0);
    cr_assert_str_eq(out, "4.5");
    cr_assert_eq(intervention_hours_text(0.5, out), 0);
    cr_assert_str_eq(out, "0.5");
    cr_assert_eq(intervention_hours_text(37, out), 0);
    cr_assert_str_eq(out, "37.0");
    /* 0.1 and 2.3 are not exact in binary; they are still one decimal. */
    cr_assert_eq(intervention_hours_text(2.3, out), 0);
    cr_assert_str_eq(out, "2.3");
}

Test(intervention_rules, hours_finer_than_a_tenth_are_refused)
{
    char out[24] = "unchanged";
    cr_assert_eq(intervention_hours_text(4.25, out), -1);
    cr_assert_eq(intervention_hours_text(0.01, out), -1);
    cr_assert_eq(intervention_hours_text(-1, out), -1);
    cr_assert_str_eq(out, "unchanged");
}
