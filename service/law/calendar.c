/*
 * Date arithmetic for Danish administrative deadlines: day numbers, ISO
 * dates, Easter, Danish public holidays and closed days, appeal deadlines.
 * Pure functions (no allocation, no state), except cal_today(): the one place
 * the service reads the clock for a date.
 */
#include "law/calendar.h"

#include <stdio.h>
#include <time.h>

/* Store bededag was abolished from 2024 by lov nr. 196 af 28/02/2023. */
#define CAL_LAST_STORE_BEDEDAG_YEAR 2023

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    if (m == 2 && is_leap(y)) {
        return 29;
    }
    return days[m - 1];
}

int cal_is_valid(int y, int m, int d)
{
    if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1) {
        return 0;
    }
    return d <= days_in_month(y, m);
}

/*
 * Howard Hinnant's days_from_civil: counting years from 1 March puts the
 * leap day at the end of the year, so a 400-year era has a fixed shape.
 */
long cal_to_days(struct cal_date d)
{
    long y = (long)d.year - (d.month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = d.month > 2 ? d.month - 3 : d.month + 9;
    long doy = (153 * mp + 2) / 5 + d.day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

/* Howard Hinnant's civil_from_days, the inverse of the above. */
struct cal_date cal_from_days(long days)
{
    long z = days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    struct cal_date out;

    out.day = (int)(doy - (153 * mp + 2) / 5 + 1);
    out.month = (int)(mp < 10 ? mp + 3 : mp - 9);
    out.year = (int)(yoe + era * 400 + (out.month <= 2));
    return out;
}

static int read_digits(const char *s, int n, int *value)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        /* Not isdigit(): it is locale-dependent and UB for negative chars. */
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    *value = v;
    return 0;
}

int cal_parse_iso(const char *s, struct cal_date *out)
{
    int y, m, d;

    if (s == NULL || out == NULL) {
        return -1;
    }
    /* Each check stops at a NUL, so a short string is never read past. */
    if (read_digits(s, 4, &y) != 0 || s[4] != '-'
        || read_digits(s + 5, 2, &m) != 0 || s[7] != '-'
        || read_digits(s + 8, 2, &d) != 0 || s[10] != '\0') {
        return -1;
    }
    if (!cal_is_valid(y, m, d)) {
        return -1;
    }
    out->year = y;
    out->month = m;
    out->day = d;
    return 0;
}

void cal_format_iso(struct cal_date d, char out[CAL_ISO_SIZE])
{
    snprintf(out, CAL_ISO_SIZE, "%04d-%02d-%02d", d.year, d.month, d.day);
}

int cal_weekday(struct cal_date d)
{
    long r = cal_to_days(d) % 7;

    if (r < 0) {
        r += 7;
    }
    /* Day 0, 1970-01-01, was a Thursday (ISO 4). */
    return (int)((r + 3) % 7) + 1;
}

struct cal_date cal_easter_sunday(int year)
{
    int a = year % 19;
    int b = year / 100;
    int c = year % 100;
    int d = b / 4;
    int e = b % 4;
    int f = (b + 8) / 25;
    int g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4;
    int k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int n = h + l - 7 * m + 114;
    struct cal_date out = { year, n / 31, n % 31 + 1 };

    return out;
}

/* Holidays that follow Easter, as days from Easter Sunday. */
static const char *easter_holiday_name(int year, long offset)
{
    switch (offset) {
    case -3:
        return "Skærtorsdag";
    case -2:
        return "Langfredag";
    case 0:
        return "Påskedag";
    case 1:
        return "2. påskedag";
    case 26:
        return year <= CAL_LAST_STORE_BEDEDAG_YEAR ? "Store bededag" : NULL;
    case 39:
        return "Kristi himmelfartsdag";
    case 49:
        return "Pinsedag";
    case 50:
        return "2. pinsedag";
    default:
        return NULL;
    }
}

static const char *fixed_holiday_name(int month, int day)
{
    if (month == 1 && day == 1) {
        return "Nytårsdag";
    }
    if (month == 6 && day == 5) {
        return "Grundlovsdag";
    }
    if (month == 12) {
        switch (day) {
        case 24:
            return "Juleaftensdag";
        case 25:
            return "Juledag";
        case 26:
            return "2. juledag";
        case 31:
            return "Nytårsaftensdag";
        default:
            return NULL;
        }
    }
    return NULL;
}

/*
 * Pinsedag or 2. pinsedag can fall on 5 June (Pinsedag did in 2022): the
 * public holiday is named first because it is the legal holiday, and
 * Grundlovsdag is only a customary closed day.
 */
const char *cal_holiday_name(struct cal_date d)
{
    long offset = cal_to_days(d) - cal_to_days(cal_easter_sunday(d.year));
    const char *name = easter_holiday_name(d.year, offset);

    if (name != NULL) {
        return name;
    }
    return fixed_holiday_name(d.month, d.day);
}

int cal_is_working_day(struct cal_date d)
{
    return cal_weekday(d) <= 5 && cal_holiday_name(d) == NULL;
}

struct cal_date cal_add_days(struct cal_date d, long n)
{
    return cal_from_days(cal_to_days(d) + n);
}

/* Terminates quickly: the longest closed run is Skærtorsdag..2. påskedag. */
struct cal_date cal_next_working_day_on_or_after(struct cal_date d)
{
    long days = cal_to_days(d);

    while (!cal_is_working_day(cal_from_days(days))) {
        days++;
    }
    return cal_from_days(days);
}

struct cal_date cal_appeal_deadline(struct cal_date notified)
{
    return cal_next_working_day_on_or_after(cal_add_days(notified, CAL_APPEAL_DAYS));
}

/* The last Sunday of a month with 31 days (March, October). */
static long last_sunday_of(int year, int month)
{
    struct cal_date last = {year, month, 31};
    long days = cal_to_days(last);

    return days - (cal_weekday(last) % 7);
}

/*
 * Denmark keeps CET (UTC+1), and CEST (UTC+2) from 01:00 UTC on the last Sunday of
 * March to 01:00 UTC on the last Sunday of October (EU directive 2000/84/EC).
 */
struct cal_date cal_copenhagen_date(long long unix_seconds)
{
    long long utc_day = unix_seconds >= 0 ? unix_seconds / 86400 : (unix_seconds - 86399) / 86400;
    struct cal_date utc = cal_from_days((long)utc_day);
    long long summer_start = (long long)last_sunday_of(utc.year, 3) * 86400 + 3600;
    long long summer_end = (long long)last_sunday_of(utc.year, 10) * 86400 + 3600;
    long long offset = unix_seconds >= summer_start && unix_seconds < summer_end ? 7200 : 3600;
    long long local = unix_seconds + offset;

    return cal_from_days((long)(local >= 0 ? local / 86400 : (local - 86399) / 86400));
}

int cal_after(struct cal_date a, struct cal_date b)
{
    return cal_to_days(a) > cal_to_days(b);
}

struct cal_date cal_today(void)
{
    return cal_copenhagen_date((long long)time(NULL));
}

void cal_format_danish(struct cal_date d, char out[CAL_DANISH_SIZE])
{
    static const char *const months[12] = {"januar", "februar", "marts", "april", "maj", "juni",
                                           "juli", "august", "september", "oktober", "november",
                                           "december"};

    snprintf(out, CAL_DANISH_SIZE, "%d. %s %04d", d.day, months[d.month - 1], d.year);
}
