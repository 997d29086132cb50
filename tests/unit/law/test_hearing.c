/*
 * Unit tests for service/law/hearing.c: the answer period a hearing gives, and the
 * decision dates that contradict the hearing (forvaltningsloven § 19). Dates are written
 * out by hand.
 */
#include <criterion/criterion.h>

#include "law/hearing.h"

static struct cal_date on(int y, int m, int d)
{
    struct cal_date out = {y, m, d};
    return out;
}

Test(hearing, a_week_to_answer_is_enough_six_days_is_not)
{
    cr_assert(hearing_period_ok(on(2026, 11, 18), on(2026, 11, 25), 7));
    cr_assert(hearing_period_ok(on(2026, 11, 18), on(2026, 12, 2), 7));
    cr_assert_not(hearing_period_ok(on(2026, 11, 18), on(2026, 11, 24), 7));
    cr_assert_not(hearing_period_ok(on(2026, 11, 18), on(2026, 11, 18), 7), "a deadline on the day it was sent");
}

Test(hearing, the_period_counts_across_months_and_years)
{
    cr_assert(hearing_period_ok(on(2026, 12, 28), on(2027, 1, 4), 7));
    cr_assert_not(hearing_period_ok(on(2026, 12, 28), on(2027, 1, 3), 7));
    cr_assert(hearing_period_ok(on(2026, 12, 28), on(2027, 1, 11), 14));
    cr_assert_not(hearing_period_ok(on(2026, 12, 28), on(2027, 1, 10), 14));
}

Test(hearing, an_answer_after_the_decision_contradicts_it)
{
    struct cal_date sent = on(2026, 11, 18), deadline = on(2026, 11, 27), answered = on(2026, 11, 30);
    struct hearing_dates h = {"answered", &sent, &deadline, &answered};
    cr_assert_eq(hearing_conflicts(&h, on(2026, 11, 16)),
                 HEARING_DECIDED_BEFORE_SENT | HEARING_ANSWERED_AFTER_DECISION);
    cr_assert_eq(hearing_conflicts(&h, on(2026, 11, 29)), HEARING_ANSWERED_AFTER_DECISION);
    cr_assert_eq(hearing_conflicts(&h, on(2026, 11, 30)), 0, "decided the day the answer came");
    cr_assert_eq(hearing_conflicts(&h, on(2026, 12, 4)), 0);
}

Test(hearing, an_unanswered_hearing_ends_the_day_after_its_deadline)
{
    struct cal_date sent = on(2026, 11, 18), deadline = on(2026, 11, 25);
    struct hearing_dates h = {"sent", &sent, &deadline, NULL};
    cr_assert_eq(hearing_conflicts(&h, on(2026, 11, 17)), HEARING_DECIDED_BEFORE_SENT | HEARING_DECIDED_WHILE_OPEN);
    cr_assert_eq(hearing_conflicts(&h, on(2026, 11, 25)), HEARING_DECIDED_WHILE_OPEN);
    cr_assert_eq(hearing_conflicts(&h, on(2026, 11, 26)), 0);
}

Test(hearing, no_hearing_sent_has_nothing_to_contradict)
{
    struct cal_date later = on(2026, 12, 1);
    struct hearing_dates none = {"none", NULL, NULL, NULL};
    struct hearing_dates not_needed = {"not_needed", &later, &later, &later};
    struct hearing_dates unknown = {NULL, &later, &later, &later};
    cr_assert_eq(hearing_conflicts(&none, on(2026, 11, 1)), 0);
    cr_assert_eq(hearing_conflicts(&not_needed, on(2026, 11, 1)), 0);
    cr_assert_eq(hearing_conflicts(&unknown, on(2026, 11, 1)), 0);
}
