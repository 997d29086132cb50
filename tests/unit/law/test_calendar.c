/*
 * Unit tests for service/calendar.c. Every expected date below was read off
 * a printed calendar and a published Easter table, never computed by the
 * code under test; dates go in and out through local helpers for that reason.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "law/calendar.h"

static struct cal_date date_of(const char *iso)
{
    struct cal_date d = { 0, 0, 0 };

    cr_assert_eq(sscanf(iso, "%4d-%2d-%2d", &d.year, &d.month, &d.day), 3,
                 "bad date in test table: %s", iso);
    return d;
}

static void iso_of(struct cal_date d, char out[16])
{
    snprintf(out, 16, "%04d-%02d-%02d", d.year, d.month, d.day);
}

/* The day after d by the rules of a calendar, not by day numbers. */
static struct cal_date next_day(struct cal_date d)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
    int last = days[d.month - 1] + (d.month == 2 && leap);

    if (d.day < last) {
        d.day++;
    } else if (d.month < 12) {
        d.month++;
        d.day = 1;
    } else {
        d.year++;
        d.month = 1;
        d.day = 1;
    }
    return d;
}

/* ---- Day numbers ------------------------------------------------------ */

struct day_number {
    const char *date;
    long days;
};

/* Days since 1970-01-01, counted by hand from year and month lengths. */
static const struct day_number day_numbers[] = {
    { "1600-01-01", -135140 },
    { "1899-12-31", -25568 },
    { "1900-01-01", -25567 },
    { "1900-02-28", -25509 },
    { "1900-03-01", -25508 },
    { "1969-12-31", -1 },
    { "1970-01-01", 0 },
    { "1970-01-02", 1 },
    { "1972-02-29", 789 },
    { "2000-01-01", 10957 },
    { "2000-02-28", 11015 },
    { "2000-02-29", 11016 },
    { "2000-03-01", 11017 },
    { "2024-02-29", 19782 },
    { "2024-03-01", 19783 },
    { "2038-01-19", 24855 },
    { "9999-12-31", 2932896 },
};

Test(calendar, to_days_matches_hand_counted_day_numbers)
{
    for (size_t i = 0; i < sizeof day_numbers / sizeof day_numbers[0]; i++) {
        long got = cal_to_days(date_of(day_numbers[i].date));

        cr_expect_eq(got, day_numbers[i].days, "%s: got %ld, want %ld",
                     day_numbers[i].date, got, day_numbers[i].days);
    }
}

Test(calendar, from_days_matches_hand_counted_day_numbers)
{
    char got[16];

    for (size_t i = 0; i < sizeof day_numbers / sizeof day_numbers[0]; i++) {
        iso_of(cal_from_days(day_numbers[i].days), got);
        cr_expect_str_eq(got, day_numbers[i].date, "%ld: got %s, want %s",
                         day_numbers[i].days, got, day_numbers[i].date);
    }
}

Test(calendar, every_day_from_1600_to_9999_round_trips_in_calendar_order)
{
    struct cal_date expected = date_of("1600-01-01");
    long first = cal_to_days(expected);
    long last = cal_to_days(date_of("9999-12-31"));

    for (long n = first; n <= last; n++) {
        struct cal_date got = cal_from_days(n);

        if (got.year != expected.year || got.month != expected.month
            || got.day != expected.day || cal_to_days(got) != n) {
            cr_assert_fail("day %ld: got %04d-%02d-%02d (back to %ld), want %04d-%02d-%02d",
                           n, got.year, got.month, got.day, cal_to_days(got),
                           expected.year, expected.month, expected.day);
        }
        expected = next_day(expected);
    }
}

Test(calendar, add_days_crosses_month_year_and_leap_day)
{
    static const struct {
        const char *from;
        long n;
        const char *to;
    } cases[] = {
        { "2024-02-28", 1, "2024-02-29" },
        { "2024-02-29", 1, "2024-03-01" },
        { "2025-02-28", 1, "2025-03-01" },
        { "1900-02-28", 1, "1900-03-01" },
        { "2000-02-28", 1, "2000-02-29" },
        { "2025-12-31", 1, "2026-01-01" },
        { "2026-01-01", -1, "2025-12-31" },
        { "2025-12-04", 28, "2026-01-01" },
        { "2032-02-26", 28, "2032-03-25" },
        { "2025-01-01", 365, "2026-01-01" },
        { "2024-01-01", 366, "2025-01-01" },
        { "2025-06-05", 0, "2025-06-05" },
    };
    char got[16];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        iso_of(cal_add_days(date_of(cases[i].from), cases[i].n), got);
        cr_expect_str_eq(got, cases[i].to, "%s %+ld: got %s, want %s",
                         cases[i].from, cases[i].n, got, cases[i].to);
    }
}

/* ---- Weekday ---------------------------------------------------------- */

Test(calendar, weekday_is_iso_monday_one_to_sunday_seven)
{
    static const struct {
        const char *date;
        int weekday;
    } cases[] = {
        { "1600-01-01", 6 },
        { "1900-01-01", 1 },
        { "1969-12-31", 3 },
        { "1970-01-01", 4 },
        { "2000-01-01", 6 },
        { "2024-02-29", 4 },
        { "2025-06-05", 4 },
        { "2025-06-08", 7 },
        { "2025-06-09", 1 },
        { "2026-12-24", 4 },
        { "2038-01-19", 2 },
        { "9999-12-31", 5 },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = cal_weekday(date_of(cases[i].date));

        cr_expect_eq(got, cases[i].weekday, "%s: got %d, want %d",
                     cases[i].date, got, cases[i].weekday);
    }
}

/* ---- Easter ----------------------------------------------------------- */

Test(calendar, easter_sunday_matches_published_table)
{
    static const struct {
        int year;
        const char *easter;
    } cases[] = {
        { 1818, "1818-03-22" }, /* earliest possible date */
        { 2000, "2000-04-23" },
        { 2001, "2001-04-15" },
        { 2022, "2022-04-17" },
        { 2023, "2023-04-09" },
        { 2024, "2024-03-31" },
        { 2025, "2025-04-20" },
        { 2026, "2026-04-05" },
        { 2027, "2027-03-28" },
        { 2028, "2028-04-16" },
        { 2029, "2029-04-01" },
        { 2030, "2030-04-21" },
        { 2031, "2031-04-13" },
        { 2032, "2032-03-28" },
        { 2038, "2038-04-25" }, /* latest possible date */
        { 2285, "2285-03-22" },
    };
    char got[16];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        iso_of(cal_easter_sunday(cases[i].year), got);
        cr_expect_str_eq(got, cases[i].easter, "%d: got %s, want %s",
                         cases[i].year, got, cases[i].easter);
    }
}

/* ---- Holidays --------------------------------------------------------- */

struct holiday {
    const char *date;
    const char *name;
};

/*
 * Checks that exactly the listed dates of the year carry a name, each the
 * listed one, and that none of them is a working day.
 */
static void expect_holidays_of_year(int year, const struct holiday *list, size_t count)
{
    size_t matched = 0;

    for (int m = 1; m <= 12; m++) {
        for (int d = 1; d <= 31; d++) {
            struct cal_date date = { year, m, d };
            const char *want = NULL;
            const char *got;
            char iso[16];

            if (!cal_is_valid(year, m, d)) {
                continue;
            }
            iso_of(date, iso);
            for (size_t i = 0; i < count; i++) {
                if (strcmp(list[i].date, iso) == 0) {
                    want = list[i].name;
                    matched++;
                }
            }
            got = cal_holiday_name(date);
            if (want == NULL) {
                cr_expect_null(got, "%s: got holiday %s, want none", iso, got);
            } else {
                cr_expect_not_null(got, "%s: got no holiday, want %s", iso, want);
                if (got != NULL) {
                    cr_expect_str_eq(got, want, "%s: got %s, want %s", iso, got, want);
                }
                cr_expect_not(cal_is_working_day(date), "%s (%s) is a working day", iso, want);
            }
        }
    }
    cr_expect_eq(matched, count, "%d: only %zu of %zu listed dates found", year, matched, count);
}

Test(calendar, holidays_of_2025_are_exactly_these)
{
    static const struct holiday list[] = {
        { "2025-01-01", "Nytårsdag" },
        { "2025-04-17", "Skærtorsdag" },
        { "2025-04-18", "Langfredag" },
        { "2025-04-20", "Påskedag" },
        { "2025-04-21", "2. påskedag" },
        { "2025-05-29", "Kristi himmelfartsdag" },
        { "2025-06-05", "Grundlovsdag" },
        { "2025-06-08", "Pinsedag" },
        { "2025-06-09", "2. pinsedag" },
        { "2025-12-24", "Juleaftensdag" },
        { "2025-12-25", "Juledag" },
        { "2025-12-26", "2. juledag" },
        { "2025-12-31", "Nytårsaftensdag" },
    };

    expect_holidays_of_year(2025, list, sizeof list / sizeof list[0]);
}

Test(calendar, holidays_of_2026_are_exactly_these)
{
    static const struct holiday list[] = {
        { "2026-01-01", "Nytårsdag" },
        { "2026-04-02", "Skærtorsdag" },
        { "2026-04-03", "Langfredag" },
        { "2026-04-05", "Påskedag" },
        { "2026-04-06", "2. påskedag" },
        { "2026-05-14", "Kristi himmelfartsdag" },
        { "2026-05-24", "Pinsedag" },
        { "2026-05-25", "2. pinsedag" },
        { "2026-06-05", "Grundlovsdag" },
        { "2026-12-24", "Juleaftensdag" },
        { "2026-12-25", "Juledag" },
        { "2026-12-26", "2. juledag" },
        { "2026-12-31", "Nytårsaftensdag" },
    };

    expect_holidays_of_year(2026, list, sizeof list / sizeof list[0]);
}

Test(calendar, holidays_of_2027_are_exactly_these)
{
    static const struct holiday list[] = {
        { "2027-01-01", "Nytårsdag" },
        { "2027-03-25", "Skærtorsdag" },
        { "2027-03-26", "Langfredag" },
        { "2027-03-28", "Påskedag" },
        { "2027-03-29", "2. påskedag" },
        { "2027-05-06", "Kristi himmelfartsdag" },
        { "2027-05-16", "Pinsedag" },
        { "2027-05-17", "2. pinsedag" },
        { "2027-06-05", "Grundlovsdag" },
        { "2027-12-24", "Juleaftensdag" },
        { "2027-12-25", "Juledag" },
        { "2027-12-26", "2. juledag" },
        { "2027-12-31", "Nytårsaftensdag" },
    };

    expect_holidays_of_year(2027, list, sizeof list / sizeof list[0]);
}

Test(calendar, holidays_of_2023_include_store_bededag)
{
    static const struct holiday list[] = {
        { "2023-01-01", "Nytårsdag" },
        { "2023-04-06", "Skærtorsdag" },
        { "2023-04-07", "Langfredag" },
        { "2023-04-09", "Påskedag" },
        { "2023-04-10", "2. påskedag" },
        { "2023-05-05", "Store bededag" },
        { "2023-05-18", "Kristi himmelfartsdag" },
        { "2023-05-28", "Pinsedag" },
        { "2023-05-29", "2. pinsedag" },
        { "2023-06-05", "Grundlovsdag" },
        { "2023-12-24", "Juleaftensdag" },
        { "2023-12-25", "Juledag" },
        { "2023-12-26", "2. juledag" },
        { "2023-12-31", "Nytårsaftensdag" },
    };

    expect_holidays_of_year(2023, list, sizeof list / sizeof list[0]);
}

Test(calendar, store_bededag_date_is_a_working_day_from_2024)
{
    /* The Friday 26 days after Easter: abolished by lov nr. 196 of 28/02/2023. */
    static const char *const dates[] = { "2024-04-26", "2025-05-16", "2026-05-01" };

    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        struct cal_date d = date_of(dates[i]);

        cr_expect_null(cal_holiday_name(d), "%s: got %s", dates[i], cal_holiday_name(d));
        cr_expect(cal_is_working_day(d), "%s is not a working day", dates[i]);
    }
}

Test(calendar, pinse_on_grundlovsdag_is_named_as_the_public_holiday)
{
    struct cal_date pinsedag_2022 = date_of("2022-06-05");
    struct cal_date second_pinsedag_2028 = date_of("2028-06-05");

    cr_assert_not_null(cal_holiday_name(pinsedag_2022));
    cr_expect_str_eq(cal_holiday_name(pinsedag_2022), "Pinsedag");
    cr_assert_not_null(cal_holiday_name(second_pinsedag_2028));
    cr_expect_str_eq(cal_holiday_name(second_pinsedag_2028), "2. pinsedag");
    cr_expect_not(cal_is_working_day(second_pinsedag_2028));
}

Test(calendar, working_day_is_a_weekday_without_holiday)
{
    static const struct {
        const char *date;
        int working;
    } cases[] = {
        { "2025-01-02", 1 }, /* Thursday after Nytårsdag */
        { "2025-04-16", 1 }, /* Wednesday before Skærtorsdag */
        { "2025-04-19", 0 }, /* Saturday of Easter, no holiday name */
        { "2025-04-22", 1 }, /* Tuesday after 2. påskedag */
        { "2025-05-01", 1 }, /* 1 May is not a public holiday */
        { "2025-05-30", 1 }, /* Friday after Kristi himmelfart */
        { "2025-06-06", 1 },
        { "2025-12-23", 1 },
        { "2025-12-27", 0 }, /* Saturday */
        { "2025-12-28", 0 }, /* Sunday */
        { "2025-12-29", 1 },
        { "2025-12-30", 1 },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = cal_is_working_day(date_of(cases[i].date));

        cr_expect_eq(got, cases[i].working, "%s: got %d, want %d",
                     cases[i].date, got, cases[i].working);
    }
}

Test(calendar, next_working_day_on_or_after_walks_past_closed_runs)
{
    static const struct {
        const char *from;
        const char *to;
    } cases[] = {
        { "2025-06-06", "2025-06-06" }, /* already a working day */
        { "2025-04-17", "2025-04-22" }, /* Skærtorsdag .. 2. påskedag */
        { "2026-12-24", "2026-12-28" }, /* Thu 24, 25, 26, Sun 27 */
        { "2026-12-31", "2027-01-04" }, /* Thu 31, Fri 1, weekend */
        { "2028-06-04", "2028-06-06" }, /* Pinsedag, 2. pinsedag = 5 June */
        { "2001-06-03", "2001-06-06" }, /* Pinse, then Grundlovsdag on Tuesday */
    };
    char got[16];

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        iso_of(cal_next_working_day_on_or_after(date_of(cases[i].from)), got);
        cr_expect_str_eq(got, cases[i].to, "%s: got %s, want %s",
                         cases[i].from, got, cases[i].to);
    }
}

/* ---- Appeal deadlines ------------------------------------------------- */

struct deadline_case {
    const char *notified;
    const char *deadline;
    const char *why; /* what notified + 28 days falls on */
};

static void expect_deadlines(const struct deadline_case *cases, size_t count)
{
    char got[16];

    for (size_t i = 0; i < count; i++) {
        iso_of(cal_appeal_deadline(date_of(cases[i].notified)), got);
        cr_expect_str_eq(got, cases[i].deadline, "notified %s (+28 = %s): got %s, want %s",
                         cases[i].notified, cases[i].why, got, cases[i].deadline);
    }
}

Test(calendar, appeal_deadline_on_an_open_day_is_four_weeks_later)
{
    static const struct deadline_case cases[] = {
        { "2025-01-06", "2025-02-03", "Monday" },
        { "2025-04-22", "2025-05-20", "Tuesday" },
        { "2025-11-24", "2025-12-22", "Monday before Christmas" },
        { "2024-01-31", "2024-02-28", "Wednesday, leap year" },
        { "2024-02-01", "2024-02-29", "leap day, Thursday" },
    };

    expect_deadlines(cases, sizeof cases / sizeof cases[0]);
}

Test(calendar, appeal_deadline_moves_past_easter)
{
    static const struct deadline_case cases[] = {
        { "2025-03-20", "2025-04-22", "Skærtorsdag" },
        { "2025-03-21", "2025-04-22", "Langfredag" },
        { "2025-03-23", "2025-04-22", "Påskedag" },
        { "2025-03-24", "2025-04-22", "2. påskedag" },
        { "2026-03-05", "2026-04-07", "Skærtorsdag" },
        { "2026-03-06", "2026-04-07", "Langfredag" },
        { "2026-03-08", "2026-04-07", "Påskedag" },
        { "2026-03-09", "2026-04-07", "2. påskedag" },
        { "2027-02-25", "2027-03-30", "Skærtorsdag" },
        { "2027-02-26", "2027-03-30", "Langfredag" },
        { "2027-02-28", "2027-03-30", "Påskedag" },
        { "2027-03-01", "2027-03-30", "2. påskedag" },
        { "2028-03-16", "2028-04-18", "Skærtorsdag" },
        { "2028-03-17", "2028-04-18", "Langfredag" },
        { "2028-03-19", "2028-04-18", "Påskedag" },
        { "2028-03-20", "2028-04-18", "2. påskedag" },
        { "2029-03-01", "2029-04-03", "Skærtorsdag" },
        { "2029-03-02", "2029-04-03", "Langfredag" },
        { "2029-03-04", "2029-04-03", "Påskedag" },
        { "2029-03-05", "2029-04-03", "2. påskedag" },
        { "2030-03-21", "2030-04-23", "Skærtorsdag" },
        { "2030-03-22", "2030-04-23", "Langfredag" },
        { "2030-03-24", "2030-04-23", "Påskedag" },
        { "2030-03-25", "2030-04-23", "2. påskedag" },
        { "2031-03-13", "2031-04-15", "Skærtorsdag" },
        { "2031-03-14", "2031-04-15", "Langfredag" },
        { "2031-03-16", "2031-04-15", "Påskedag" },
        { "2031-03-17", "2031-04-15", "2. påskedag" },
        { "2032-02-26", "2032-03-30", "Skærtorsdag, across 29 February" },
        { "2032-02-27", "2032-03-30", "Langfredag" },
        { "2032-02-29", "2032-03-30", "Påskedag, notified on leap day" },
        { "2032-03-01", "2032-03-30", "2. påskedag" },
    };

    expect_deadlines(cases, sizeof cases / sizeof cases[0]);
}

Test(calendar, appeal_deadline_for_notice_on_day_before_easter_sunday)
{
    static const struct deadline_case cases[] = {
        { "2025-04-19", "2025-05-19", "Saturday" },
        { "2026-04-04", "2026-05-04", "Saturday" },
        { "2027-03-27", "2027-04-26", "Saturday" },
        { "2028-04-15", "2028-05-15", "Saturday" },
        { "2029-03-31", "2029-04-30", "Saturday" },
        { "2030-04-20", "2030-05-20", "Saturday" },
        { "2031-04-12", "2031-05-12", "Saturday" },
        { "2032-03-27", "2032-04-26", "Saturday" },
    };

    expect_deadlines(cases, sizeof cases / sizeof cases[0]);
}

Test(calendar, appeal_deadline_moves_past_kristi_himmelfart)
{
    static const struct deadline_case cases[] = {
        { "2025-05-01", "2025-05-30", "Kristi himmelfartsdag" },
        { "2026-04-16", "2026-05-15", "Kristi himmelfartsdag" },
        { "2027-04-08", "2027-05-07", "Kristi himmelfartsdag" },
        { "2028-04-27", "2028-05-26", "Kristi himmelfartsdag" },
        { "2029-04-12", "2029-05-11", "Kristi himmelfartsdag" },
        { "2030-05-02", "2030-05-31", "Kristi himmelfartsdag" },
        { "2031-04-24", "2031-05-23", "Kristi himmelfartsdag" },
        { "2032-04-08", "2032-05-07", "Kristi himmelfartsdag" },
    };

    expect_deadlines(cases, sizeof cases / sizeof cases[0]);
}

Test(calendar, appeal_deadline_moves_past_pinse)
{
    static const struct deadline_case cases[] = {
        { "2025-05-11", "2025-06-10", "Pinsedag" },
        { "2025-05-12", "2025-06-10", "2. pinsedag" },
        { "2026-04-26", "2026-05-26", "Pinsedag" },
        { "2026-04-27", "2026-05-26", "2. pinsedag" },
        { "2027-04-18", "2027-05-18", "Pinsedag" },
        { "2027-04-19", "2027-05-18", "2. pinsedag" },
        { "2028-05-07", "2028-06-06", "Pinsedag" },
        { "2028-05-08", "2028-06-06", "2. pinsedag and Grundlovsdag" },
        { "2029-04-22", "2029-05-22", "Pinsedag" },
        { "2029-04-23", "2029-05-22", "2. pinsedag" },
        { "2030-05-12", "2030-06-11", "Pinsedag" },
        { "2030-05-13", "2030-06-11", "2. pinsedag" },
        { "2031-05-04", "2031-06-03", "Pinsedag" },
        { "2031-05-05", "2031-06-03", "2. pinsedag" },
        { "2032-04-18", "2032-05-18", "Pinsedag" },
        { "2032-04-19", "2032-05-18", "2. pinsedag" },
        { "2001-05-06", "2001-06-06", "Pinsedag, then Grundlovsdag on Tuesday" },
    };

    expect_deadlines(cases, sizeof cases / sizeof cases[0]);
}

Test(calendar, appeal_deadline_moves_past_grundlovsdag)
{
    static const struct deadline_case cases[] = {
        { "2025-05-08", "2025-06-06", "Grundlovsdag, Thursday" },
        { "2026-05-08", "2026-06-08", "Grundlovsdag, Friday" },
        { "2027-05-08", "2027-06-07", "Grundlovsdag, Saturday" },
        { "2028-05-08", "2028-06-06", "Grundlovsdag, Monday" },
        { "2029-05-08", "2029-06-06", "Grundlovsdag, Tuesday" },
        { "2030-05-08", "2030-06-06", "Grundlovsdag, Wednesday" },
        { "2031-05-08", "2031-06-06", "Grundlovsdag, Thursday" },
        { "2032-05-08", "2032-06-07", "Grundlovsdag, Saturday" },
    };

    expect_deadlines(cases, sizeof cases / sizeof cases[0]);
}

Test(calendar, appeal_deadline_moves_past_christmas)
{
    static const struct deadline_case cases[] = {
        { "2025-11-26", "2025-12-29", "24 Dec, Wednesday" },
        { "2025-11-27", "2025-12-29", "25 Dec" },
        { "2025-11-28", "2025-12-29", "26 Dec, then weekend" },
        { "2026-11-26", "2026-12-28", "24 Dec, Thursday" },
        { "2026-11-27", "2026-12-28", "25 Dec" },
        { "2026-11-28", "2026-12-28", "26 Dec, Saturday" },
        { "2027-11-26", "2027-12-27", "24 Dec, Friday" },
        { "2027-11-27", "2027-12-27", "25 Dec, Saturday" },
        { "2027-11-28", "2027-12-27", "26 Dec, Sunday" },
        { "2028-11-26", "2028-12-27", "24 Dec, Sunday" },
        { "2028-11-27", "2028-12-27", "25 Dec, Monday" },
        { "2028-11-28", "2028-12-27", "26 Dec, Tuesday" },
        { "2029-11-26", "2029-12-27", "24 Dec, Monday" },
        { "2029-11-27", "2029-12-27", "25 Dec" },
        { "2029-11-28", "2029-12-27", "26 Dec" },
        { "2030-11-26", "2030-12-27", "24 Dec, Tuesday" },
        { "2030-11-27", "2030-12-27", "25 Dec" },
        { "2030-11-28", "2030-12-27", "26 Dec, Thursday" },
        { "2031-11-26", "2031-12-29", "24 Dec, Wednesday" },
        { "2031-11-27", "2031-12-29", "25 Dec" },
        { "2031-11-28", "2031-12-29", "26 Dec, then weekend" },
        { "2032-11-26", "2032-12-27", "24 Dec, Friday" },
        { "2032-11-27", "2032-12-27", "25 Dec, Saturday" },
        { "2032-11-28", "2032-12-27", "26 Dec, Sunday" },
    };

    expect_deadlines(cases, sizeof cases / sizeof cases[0]);
}

Test(calendar, appeal_deadline_moves_past_new_year)
{
    static const struct deadline_case cases[] = {
        { "2025-12-03", "2026-01-02", "31 Dec, Wednesday" },
        { "2025-12-04", "2026-01-02", "1 Jan, Thursday" },
        { "2026-12-03", "2027-01-04", "31 Dec, Thursday" },
        { "2026-12-04", "2027-01-04", "1 Jan, Friday" },
        { "2027-12-03", "2028-01-03", "31 Dec, Friday" },
        { "2027-12-04", "2028-01-03", "1 Jan, Saturday" },
        { "2028-12-03", "2029-01-02", "31 Dec, Sunday" },
        { "2028-12-04", "2029-01-02", "1 Jan, Monday" },
        { "2029-12-03", "2030-01-02", "31 Dec, Monday" },
        { "2029-12-04", "2030-01-02", "1 Jan, Tuesday" },
        { "2030-12-03", "2031-01-02", "31 Dec, Tuesday" },
        { "2030-12-04", "2031-01-02", "1 Jan, Wednesday" },
        { "2031-12-03", "2032-01-02", "31 Dec, Wednesday" },
        { "2031-12-04", "2032-01-02", "1 Jan, Thursday" },
        { "2032-12-03", "2033-01-03", "31 Dec, Friday" },
        { "2032-12-04", "2033-01-03", "1 Jan, Saturday" },
    };

    expect_deadlines(cases, sizeof cases / sizeof cases[0]);
}

Test(calendar, appeal_deadline_for_notice_on_19_december)
{
    static const struct deadline_case cases[] = {
        { "2025-12-19", "2026-01-16", "Friday" },
        { "2026-12-19", "2027-01-18", "Saturday" },
        { "2027-12-19", "2028-01-17", "Sunday" },
        { "2028-12-19", "2029-01-16", "Tuesday" },
        { "2029-12-19", "2030-01-16", "Wednesday" },
        { "2030-12-19", "2031-01-16", "Thursday" },
        { "2031-12-19", "2032-01-16", "Friday" },
        { "2032-12-19", "2033-01-17", "Sunday" },
    };

    expect_deadlines(cases, sizeof cases / sizeof cases[0]);
}

Test(calendar, appeal_deadline_for_notice_on_28_december)
{
    static const struct deadline_case cases[] = {
        { "2025-12-28", "2026-01-26", "Sunday" },
        { "2026-12-28", "2027-01-25", "Monday" },
        { "2027-12-28", "2028-01-25", "Tuesday" },
        { "2028-12-28", "2029-01-25", "Thursday" },
        { "2029-12-28", "2030-01-25", "Friday" },
        { "2030-12-28", "2031-01-27", "Saturday" },
        { "2031-12-28", "2032-01-26", "Sunday" },
        { "2032-12-28", "2033-01-25", "Tuesday" },
    };

    expect_deadlines(cases, sizeof cases / sizeof cases[0]);
}

Test(calendar, appeal_deadline_moves_past_weekend)
{
    static const struct deadline_case cases[] = {
        { "2025-11-15", "2025-12-15", "Saturday" },
        { "2025-11-16", "2025-12-15", "Sunday" },
        { "2026-11-14", "2026-12-14", "Saturday" },
        { "2026-11-15", "2026-12-14", "Sunday" },
        { "2027-11-13", "2027-12-13", "Saturday" },
        { "2027-11-14", "2027-12-13", "Sunday" },
        { "2028-11-11", "2028-12-11", "Saturday" },
        { "2028-11-12", "2028-12-11", "Sunday" },
        { "2029-11-10", "2029-12-10", "Saturday" },
        { "2029-11-11", "2029-12-10", "Sunday" },
        { "2030-11-09", "2030-12-09", "Saturday" },
        { "2030-11-10", "2030-12-09", "Sunday" },
        { "2031-11-15", "2031-12-15", "Saturday" },
        { "2031-11-16", "2031-12-15", "Sunday" },
        { "2032-11-13", "2032-12-13", "Saturday" },
        { "2032-11-14", "2032-12-13", "Sunday" },
    };

    expect_deadlines(cases, sizeof cases / sizeof cases[0]);
}

Test(calendar, appeal_deadline_honours_store_bededag_only_until_2023)
{
    static const struct deadline_case cases[] = {
        { "2023-04-07", "2023-05-08", "Store bededag 2023, then weekend" },
        { "2024-03-29", "2024-04-26", "former Store bededag, a working day" },
        { "2026-04-03", "2026-05-01", "former Store bededag, a working day" },
    };

    expect_deadlines(cases, sizeof cases / sizeof cases[0]);
}

/* ---- Parsing and formatting ------------------------------------------- */

Test(calendar, parse_iso_accepts_real_dates)
{
    static const struct {
        const char *text;
        int year, month, day;
    } cases[] = {
        { "2024-02-29", 2024, 2, 29 },
        { "2000-02-29", 2000, 2, 29 },
        { "2025-12-31", 2025, 12, 31 },
        { "1000-01-01", 1000, 1, 1 },
        { "9999-12-31", 9999, 12, 31 },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cal_date d = { 0, 0, 0 };

        cr_expect_eq(cal_parse_iso(cases[i].text, &d), 0, "%s rejected", cases[i].text);
        cr_expect(d.year == cases[i].year && d.month == cases[i].month
                  && d.day == cases[i].day, "%s parsed as %d-%d-%d",
                  cases[i].text, d.year, d.month, d.day);
    }
}

Test(calendar, parse_iso_rejects_anything_but_a_real_yyyy_mm_dd)
{
    static const char *const bad[] = {
        "2025-02-29",  /* not a leap year */
        "1900-02-29",  /* century, not a leap year */
        "2024-02-30",
        "2025-04-31",
        "2025-13-01",
        "2025-00-10",
        "2025-01-00",
        "2025-01-32",
        "2025-1-01",
        "2025-01-1",
        "25-01-01",
        "2025-01-01x",
        "2025-01-01T00:00:00Z",
        "",
        " 2025-01-01",
        "2025-01-01 ",
        "2025/01/01",
        "2025-01-0 ",
        "+025-01-01",
        "2025--1-01",
        "0999-12-31",  /* before year 1000 */
        "0000-01-01",
        "20250101",
        "2025-01-01\n",
        "\xc3\xa5" "2025-01-01",
    };
    struct cal_date untouched = { 7, 7, 7 };

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct cal_date d = untouched;

        cr_expect_eq(cal_parse_iso(bad[i], &d), -1, "\"%s\" accepted", bad[i]);
        cr_expect(d.year == 7 && d.month == 7 && d.day == 7,
                  "\"%s\" wrote to out on failure", bad[i]);
    }
}

Test(calendar, parse_iso_is_null_safe)
{
    struct cal_date d = { 7, 7, 7 };

    cr_expect_eq(cal_parse_iso(NULL, &d), -1);
    cr_expect(d.year == 7 && d.month == 7 && d.day == 7);
    cr_expect_eq(cal_parse_iso("2025-01-01", NULL), -1);
}

Test(calendar, is_valid_knows_month_lengths_and_leap_years)
{
    cr_expect(cal_is_valid(2024, 2, 29));
    cr_expect(cal_is_valid(2000, 2, 29));
    cr_expect_not(cal_is_valid(1900, 2, 29));
    cr_expect_not(cal_is_valid(2025, 2, 29));
    cr_expect(cal_is_valid(2025, 1, 31));
    cr_expect_not(cal_is_valid(2025, 6, 31));
    cr_expect_not(cal_is_valid(2025, 0, 1));
    cr_expect_not(cal_is_valid(2025, 13, 1));
    cr_expect_not(cal_is_valid(2025, 1, 0));
    cr_expect_not(cal_is_valid(2025, 1, -1));
    cr_expect_not(cal_is_valid(999, 12, 31));
    cr_expect_not(cal_is_valid(10000, 1, 1));
}

Test(calendar, format_iso_pads_to_ten_characters)
{
    char out[CAL_ISO_SIZE];
    struct cal_date d1 = { 2025, 6, 5 };
    struct cal_date d2 = { 1000, 1, 1 };
    struct cal_date d3 = { 9999, 12, 31 };

    cal_format_iso(d1, out);
    cr_expect_str_eq(out, "2025-06-05");
    cal_format_iso(d2, out);
    cr_expect_str_eq(out, "1000-01-01");
    cal_format_iso(d3, out);
    cr_expect_str_eq(out, "9999-12-31");
}

/* Unix times worked out from the published transition instants (date -d ... +%s). */
Test(calendar, copenhagen_date_follows_cet_and_cest)
{
    static const struct {
        long long t;
        int y, m, d;
    } cases[] = {
        {1767222000LL, 2026, 1, 1},    /* 2025-12-31 23:00 UTC = 00:00 CET */
        {1767221999LL, 2025, 12, 31},  /* one second earlier */
        {1774745999LL, 2026, 3, 29},   /* 2026-03-29 00:59:59 UTC: 01:59:59 CET */
        {1774796400LL, 2026, 3, 29},   /* 2026-03-29 15:00 UTC */
        {1774821600LL, 2026, 3, 30},   /* 2026-03-29 22:00 UTC = 00:00 CEST */
        {1774821599LL, 2026, 3, 29},
        {1792879200LL, 2026, 10, 25},  /* 2026-10-24 22:00 UTC = 00:00 CEST on the 25th */
        {1792969199LL, 2026, 10, 25},  /* 2026-10-25 22:59:59 UTC = 23:59:59 CET */
        {1792969200LL, 2026, 10, 26},  /* 2026-10-25 23:00 UTC = 00:00 CET */
        {1797721200LL, 2026, 12, 20},  /* 2026-12-19 23:00 UTC */
        {1797721199LL, 2026, 12, 19},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct cal_date d = cal_copenhagen_date(cases[i].t);
        cr_expect(d.year == cases[i].y && d.month == cases[i].m && d.day == cases[i].d,
                  "t=%lld: got %04d-%02d-%02d, want %04d-%02d-%02d", cases[i].t, d.year, d.month,
                  d.day, cases[i].y, cases[i].m, cases[i].d);
    }
}

Test(calendar, danish_date_format)
{
    char out[CAL_DANISH_SIZE];
    struct cal_date d1 = {2027, 1, 1}, d2 = {2026, 12, 23}, d3 = {2026, 5, 4};

    cal_format_danish(d1, out);
    cr_assert_str_eq(out, "1. januar 2027");
    cal_format_danish(d2, out);
    cr_assert_str_eq(out, "23. december 2026");
    cal_format_danish(d3, out);
    cr_assert_str_eq(out, "4. maj 2026");
}

/* ---- Comparing days and today ------------------------------------------ */

Test(calendar, after_compares_whole_days_across_months_and_years)
{
    cr_assert_eq(cal_after(date_of("2026-01-01"), date_of("2025-12-31")), 1);
    cr_assert_eq(cal_after(date_of("2025-12-31"), date_of("2026-01-01")), 0);
    cr_assert_eq(cal_after(date_of("2024-03-01"), date_of("2024-02-29")), 1);
    cr_assert_eq(cal_after(date_of("2026-11-25"), date_of("2026-11-25")), 0);
}

/*
 * Denmark is one or two hours ahead of UTC, so today there is the UTC date of the clock
 * or the day after it, never earlier. The UTC date is read with gmtime_r, not with the
 * code under test.
 */
Test(calendar, today_is_the_utc_date_or_the_day_after)
{
    time_t before = time(NULL);
    struct cal_date today = cal_today();
    time_t after = time(NULL);
    struct tm utc_before, utc_after;
    gmtime_r(&before, &utc_before);
    gmtime_r(&after, &utc_after);
    struct cal_date first = {utc_before.tm_year + 1900, utc_before.tm_mon + 1, utc_before.tm_mday};
    struct cal_date last = next_day((struct cal_date){utc_after.tm_year + 1900, utc_after.tm_mon + 1,
                                                      utc_after.tm_mday});
    cr_assert(cal_is_valid(today.year, today.month, today.day));
    cr_assert(cal_to_days(today) >= cal_to_days(first));
    cr_assert(cal_to_days(today) <= cal_to_days(last));
}
