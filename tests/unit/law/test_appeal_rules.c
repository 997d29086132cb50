/*
 * Unit tests for service/appeal_rules.c: lateness, the reconsideration deadline and the
 * appeal's state machine. Expected dates were read off a calendar and the expected
 * transitions written from retssikkerhedsloven §§ 66-67 and the API contract, not
 * produced by the code under test.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "law/appeal_rules.h"

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

/* ---- Received before the citizen was told ----------------------------- */

Test(appeal_rules, an_appeal_cannot_be_received_before_the_decision_was_notified)
{
    cr_assert(appeal_received_before_notice(day("2026-03-01"), day("2026-03-06")));
    cr_assert(appeal_received_before_notice(day("2025-12-31"), day("2026-01-01")));
    cr_assert_not(appeal_received_before_notice(day("2026-03-06"), day("2026-03-06")), "the day of notice");
    cr_assert_not(appeal_received_before_notice(day("2026-04-20"), day("2026-03-06")));
}

/* ---- Lateness ----------------------------------------------------------- */

Test(appeal_rules, appeal_received_on_the_deadline_is_on_time)
{
    struct appeal_lateness l = appeal_lateness(day("2026-12-28"), day("2026-12-28"));
    cr_assert_eq(l.late, 0);
    cr_assert_eq(l.days_late, 0);
}

Test(appeal_rules, appeal_received_before_the_deadline_is_on_time_with_zero_days)
{
    struct appeal_lateness l = appeal_lateness(day("2026-11-02"), day("2026-12-28"));
    cr_assert_eq(l.late, 0);
    cr_assert_eq(l.days_late, 0);
}

Test(appeal_rules, appeal_received_the_day_after_the_deadline_is_one_day_late)
{
    struct appeal_lateness l = appeal_lateness(day("2026-12-29"), day("2026-12-28"));
    cr_assert_eq(l.late, 1);
    cr_assert_eq(l.days_late, 1);
}

Test(appeal_rules, days_late_count_across_the_new_year)
{
    /* 28 Dec 2026 to 4 Jan 2027: a week. */
    struct appeal_lateness l = appeal_lateness(day("2027-01-04"), day("2026-12-28"));
    cr_assert_eq(l.late, 1);
    cr_assert_eq(l.days_late, 7);
}

Test(appeal_rules, days_late_count_across_a_leap_day)
{
    /* 25 Feb 2028 to 3 Mar 2028: 26, 27, 28, 29 Feb, 1, 2, 3 Mar. */
    struct appeal_lateness l = appeal_lateness(day("2028-03-03"), day("2028-02-25"));
    cr_assert_eq(l.late, 1);
    cr_assert_eq(l.days_late, 7);
}

Test(appeal_rules, a_year_late_appeal_is_still_only_flagged)
{
    struct appeal_lateness l = appeal_lateness(day("2027-03-30"), day("2026-03-30"));
    cr_assert_eq(l.late, 1);
    cr_assert_eq(l.days_late, 365);
}

/* ---- Reconsideration deadline ------------------------------------------- */

Test(appeal_rules, reconsideration_deadline_is_four_weeks_after_receipt)
{
    assert_date(appeal_reconsideration_deadline(day("2026-03-02")), "2026-03-30");
}

Test(appeal_rules, reconsideration_deadline_is_not_moved_off_christmas_eve)
{
    /* 26 Nov 2026 + 28 days = Thursday 24 December, a closed day: it stays. */
    assert_date(appeal_reconsideration_deadline(day("2026-11-26")), "2026-12-24");
}

Test(appeal_rules, reconsideration_deadline_is_not_moved_off_a_sunday)
{
    /* 20 Dec 2026 + 28 days = Sunday 17 January 2027. */
    assert_date(appeal_reconsideration_deadline(day("2026-12-20")), "2027-01-17");
}

Test(appeal_rules, reconsideration_deadline_counts_the_leap_day)
{
    assert_date(appeal_reconsideration_deadline(day("2028-02-10")), "2028-03-09");
}

Test(appeal_rules, reconsideration_on_its_deadline_is_not_late)
{
    cr_assert_eq(appeal_reconsidered_late(day("2026-12-24"), day("2026-12-24")), 0);
    cr_assert_eq(appeal_reconsidered_late(day("2026-12-01"), day("2026-12-24")), 0);
}

Test(appeal_rules, reconsideration_after_its_deadline_is_late)
{
    cr_assert_eq(appeal_reconsidered_late(day("2026-12-25"), day("2026-12-24")), 1);
}

/* ---- Status names ------------------------------------------------------- */

Test(appeal_rules, status_names_are_the_stored_names)
{
    cr_assert_str_eq(appeal_status_name(APPEAL_RECEIVED), "received");
    cr_assert_str_eq(appeal_status_name(APPEAL_CHANGED_BY_MUNICIPALITY), "changed_by_municipality");
    cr_assert_str_eq(appeal_status_name(APPEAL_FORWARDED), "forwarded");
    cr_assert_str_eq(appeal_status_name(APPEAL_RULED), "ruled");
}

Test(appeal_rules, status_names_parse_back)
{
    const char *names[] = {"received", "changed_by_municipality", "forwarded", "ruled"};
    const enum appeal_status want[] = {APPEAL_RECEIVED, APPEAL_CHANGED_BY_MUNICIPALITY, APPEAL_FORWARDED,
                                       APPEAL_RULED};
    for (int i = 0; i < 4; i++) {
        enum appeal_status s = APPEAL_RULED;
        cr_assert_eq(appeal_status_parse(names[i], &s), 0, "%s", names[i]);
        cr_assert_eq(s, want[i], "%s", names[i]);
    }
}

Test(appeal_rules, unknown_status_names_do_not_parse)
{
    enum appeal_status s = APPEAL_FORWARDED;
    cr_assert_eq(appeal_status_parse("Received", &s), -1);
    cr_assert_eq(appeal_status_parse("", &s), -1);
    cr_assert_eq(appeal_status_parse("closed", &s), -1);
    cr_assert_eq(appeal_status_parse(NULL, &s), -1);
    cr_assert_eq(s, APPEAL_FORWARDED);
}

/* ---- The state machine -------------------------------------------------- */

#define NO (-1)
#define M APPEAL_BY_MUNICIPALITY
#define B APPEAL_BY_BOARD

/* Every (status, step, actor): the status after it, or NO. Written from the law and the
 * contract, row by row. */
static const struct {
    enum appeal_status from;
    enum appeal_action action;
    enum appeal_actor actor;
    int to;
} expected[] = {
    {APPEAL_RECEIVED, APPEAL_CHANGE_IN_FULL, M, APPEAL_CHANGED_BY_MUNICIPALITY},
    {APPEAL_RECEIVED, APPEAL_CHANGE_IN_FULL, B, NO},
    {APPEAL_RECEIVED, APPEAL_CHANGE_IN_PART, M, APPEAL_FORWARDED},
    {APPEAL_RECEIVED, APPEAL_CHANGE_IN_PART, B, NO},
    {APPEAL_RECEIVED, APPEAL_UPHOLD, M, APPEAL_FORWARDED},
    {APPEAL_RECEIVED, APPEAL_UPHOLD, B, NO},
    {APPEAL_RECEIVED, APPEAL_RULE, M, NO},
    {APPEAL_RECEIVED, APPEAL_RULE, B, NO},
    {APPEAL_RECEIVED, APPEAL_SUSPENSIVE_EFFECT, M, APPEAL_RECEIVED},
    {APPEAL_RECEIVED, APPEAL_SUSPENSIVE_EFFECT, B, NO},

    {APPEAL_CHANGED_BY_MUNICIPALITY, APPEAL_CHANGE_IN_FULL, M, NO},
    {APPEAL_CHANGED_BY_MUNICIPALITY, APPEAL_CHANGE_IN_FULL, B, NO},
    {APPEAL_CHANGED_BY_MUNICIPALITY, APPEAL_CHANGE_IN_PART, M, NO},
    {APPEAL_CHANGED_BY_MUNICIPALITY, APPEAL_CHANGE_IN_PART, B, NO},
    {APPEAL_CHANGED_BY_MUNICIPALITY, APPEAL_UPHOLD, M, NO},
    {APPEAL_CHANGED_BY_MUNICIPALITY, APPEAL_UPHOLD, B, NO},
    {APPEAL_CHANGED_BY_MUNICIPALITY, APPEAL_RULE, M, NO},
    {APPEAL_CHANGED_BY_MUNICIPALITY, APPEAL_RULE, B, NO},
    {APPEAL_CHANGED_BY_MUNICIPALITY, APPEAL_SUSPENSIVE_EFFECT, M, NO},
    {APPEAL_CHANGED_BY_MUNICIPALITY, APPEAL_SUSPENSIVE_EFFECT, B, NO},

    {APPEAL_FORWARDED, APPEAL_CHANGE_IN_FULL, M, NO},
    {APPEAL_FORWARDED, APPEAL_CHANGE_IN_FULL, B, NO},
    {APPEAL_FORWARDED, APPEAL_CHANGE_IN_PART, M, NO},
    {APPEAL_FORWARDED, APPEAL_CHANGE_IN_PART, B, NO},
    {APPEAL_FORWARDED, APPEAL_UPHOLD, M, NO},
    {APPEAL_FORWARDED, APPEAL_UPHOLD, B, NO},
    {APPEAL_FORWARDED, APPEAL_RULE, M, NO},
    {APPEAL_FORWARDED, APPEAL_RULE, B, APPEAL_RULED},
    {APPEAL_FORWARDED, APPEAL_SUSPENSIVE_EFFECT, M, APPEAL_FORWARDED},
    {APPEAL_FORWARDED, APPEAL_SUSPENSIVE_EFFECT, B, APPEAL_FORWARDED},

    {APPEAL_RULED, APPEAL_CHANGE_IN_FULL, M, NO},
    {APPEAL_RULED, APPEAL_CHANGE_IN_FULL, B, NO},
    {APPEAL_RULED, APPEAL_CHANGE_IN_PART, M, NO},
    {APPEAL_RULED, APPEAL_CHANGE_IN_PART, B, NO},
    {APPEAL_RULED, APPEAL_UPHOLD, M, NO},
    {APPEAL_RULED, APPEAL_UPHOLD, B, NO},
    {APPEAL_RULED, APPEAL_RULE, M, NO},
    {APPEAL_RULED, APPEAL_RULE, B, NO},
    {APPEAL_RULED, APPEAL_SUSPENSIVE_EFFECT, M, NO},
    {APPEAL_RULED, APPEAL_SUSPENSIVE_EFFECT, B, NO},
};

Test(appeal_rules, every_step_in_every_state_goes_where_the_law_says)
{
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++)
        cr_assert_eq(appeal_transition(expected[i].from, expected[i].action, expected[i].actor), expected[i].to,
                     "row %zu: from %d, action %d, actor %d", i, expected[i].from, expected[i].action,
                     expected[i].actor);
}

Test(appeal_rules, a_ruling_on_an_appeal_never_forwarded_is_refused)
{
    cr_assert_eq(appeal_transition(APPEAL_RECEIVED, APPEAL_RULE, B), NO);
}

Test(appeal_rules, a_second_reconsideration_is_refused)
{
    cr_assert_eq(appeal_transition(APPEAL_FORWARDED, APPEAL_UPHOLD, M), NO);
    cr_assert_eq(appeal_transition(APPEAL_CHANGED_BY_MUNICIPALITY, APPEAL_CHANGE_IN_FULL, M), NO);
}

Test(appeal_rules, next_states_of_a_received_appeal)
{
    cr_assert_eq(appeal_next_states(APPEAL_RECEIVED),
                 (1u << APPEAL_RECEIVED) | (1u << APPEAL_CHANGED_BY_MUNICIPALITY) | (1u << APPEAL_FORWARDED));
}

Test(appeal_rules, next_states_of_a_forwarded_appeal)
{
    cr_assert_eq(appeal_next_states(APPEAL_FORWARDED), (1u << APPEAL_FORWARDED) | (1u << APPEAL_RULED));
}

Test(appeal_rules, closed_appeals_have_no_next_state)
{
    cr_assert_eq(appeal_next_states(APPEAL_CHANGED_BY_MUNICIPALITY), 0u);
    cr_assert_eq(appeal_next_states(APPEAL_RULED), 0u);
}

Test(appeal_rules, states_allowing_a_step_name_where_it_can_be_taken)
{
    cr_assert_eq(appeal_states_allowing(APPEAL_RULE, B), 1u << APPEAL_FORWARDED);
    cr_assert_eq(appeal_states_allowing(APPEAL_RULE, M), 0u);
    cr_assert_eq(appeal_states_allowing(APPEAL_UPHOLD, M), 1u << APPEAL_RECEIVED);
    cr_assert_eq(appeal_states_allowing(APPEAL_SUSPENSIVE_EFFECT, M),
                 (1u << APPEAL_RECEIVED) | (1u << APPEAL_FORWARDED));
    cr_assert_eq(appeal_states_allowing(APPEAL_SUSPENSIVE_EFFECT, B), 1u << APPEAL_FORWARDED);
}

/* ---- Reconsideration outcomes and rulings ------------------------------- */

Test(appeal_rules, changed_in_full_needs_the_new_decision_and_closes_the_appeal)
{
    const struct appeal_reconsideration_rule *rule = appeal_reconsideration_rule("changed_in_full");
    cr_assert_not_null(rule);
    cr_assert_eq(rule->action, APPEAL_CHANGE_IN_FULL);
    cr_assert_eq(rule->needs_new_decision, 1);
    cr_assert_eq(rule->needs_statement, 0);
    cr_assert_str_eq(rule->step, "changed_by_municipality");
}

Test(appeal_rules, changed_in_part_needs_the_new_decision_and_a_statement_and_forwards)
{
    const struct appeal_reconsideration_rule *rule = appeal_reconsideration_rule("changed_in_part");
    cr_assert_not_null(rule);
    cr_assert_eq(rule->action, APPEAL_CHANGE_IN_PART);
    cr_assert_eq(rule->needs_new_decision, 1);
    cr_assert_eq(rule->needs_statement, 1);
    cr_assert_str_eq(rule->step, "forwarded");
}

Test(appeal_rules, upheld_needs_a_statement_and_forwards)
{
    const struct appeal_reconsideration_rule *rule = appeal_reconsideration_rule("upheld");
    cr_assert_not_null(rule);
    cr_assert_eq(rule->action, APPEAL_UPHOLD);
    cr_assert_eq(rule->needs_new_decision, 0);
    cr_assert_eq(rule->needs_statement, 1);
    cr_assert_str_eq(rule->step, "forwarded");
}

Test(appeal_rules, unknown_reconsideration_outcomes_have_no_rule)
{
    cr_assert_null(appeal_reconsideration_rule("remitted"));
    cr_assert_null(appeal_reconsideration_rule(""));
    cr_assert_null(appeal_reconsideration_rule(NULL));
}

Test(appeal_rules, remitted_and_changed_rulings_take_force_from_the_decision)
{
    cr_assert_str_eq(appeal_ruling_force_lost_reason("remitted"), "remitted");
    cr_assert_str_eq(appeal_ruling_force_lost_reason("changed"), "changed_by_appeals_board");
}

Test(appeal_rules, upheld_and_dismissed_rulings_leave_the_decision_in_force)
{
    cr_assert_null(appeal_ruling_force_lost_reason("upheld"));
    cr_assert_null(appeal_ruling_force_lost_reason("dismissed"));
    cr_assert_null(appeal_ruling_force_lost_reason(NULL));
}
