#ifndef FREMDRIFT_CALENDAR_H
#define FREMDRIFT_CALENDAR_H

/*
 * Pure calendar arithmetic for Danish administrative deadlines: proleptic
 * Gregorian dates, Danish public holidays and closed days, and the appeal
 * deadline. No allocation, no global state: every function is thread-safe.
 * cal_today() is the module's one clock read; every other function is pure.
 *
 * The supported domain is years 1000..9999 (what cal_is_valid accepts).
 * Functions taking a struct cal_date expect a valid date; day numbers must
 * stay within that domain.
 */

/* Size of the buffer cal_format_iso writes: "YYYY-MM-DD" plus the NUL. */
#define CAL_ISO_SIZE 11

/* Length of an appeal period: 4 weeks. */
#define CAL_APPEAL_DAYS 28

struct cal_date {
    int year;
    int month;
    int day;
};

/* 1 if y-m-d is a real Gregorian date with 1000 <= y <= 9999, else 0. */
int cal_is_valid(int y, int m, int d);

/* Days since 1970-01-01 (negative before it), proleptic Gregorian. */
long cal_to_days(struct cal_date d);

/* Inverse of cal_to_days. */
struct cal_date cal_from_days(long days);

/*
 * Strict "YYYY-MM-DD": exactly 10 ASCII characters, no surrounding space,
 * a valid date as cal_is_valid defines it. Returns 0 and fills *out on
 * success; returns -1 and leaves *out untouched otherwise (also for NULL).
 */
int cal_parse_iso(const char *s, struct cal_date *out);

/* Writes "YYYY-MM-DD" and a NUL into out. */
void cal_format_iso(struct cal_date d, char out[CAL_ISO_SIZE]);

/* 1 when a is a later day than b, else 0. */
int cal_after(struct cal_date a, struct cal_date b);

/* ISO weekday: 1 = Monday .. 7 = Sunday. */
int cal_weekday(struct cal_date d);

/* Gregorian Easter Sunday (anonymous Gregorian / Meeus-Jones-Butcher). */
struct cal_date cal_easter_sunday(int year);

/*
 * Danish name of the public holiday or closed day on d ("Langfredag",
 * "Grundlovsdag", "Juleaftensdag", ...), or NULL for any other day,
 * including ordinary Saturdays and Sundays. The string is a static UTF-8
 * literal: never free it.
 */
const char *cal_holiday_name(struct cal_date d);

/* 1 if d is Monday..Friday and not a holiday or closed day, else 0. */
int cal_is_working_day(struct cal_date d);

/* d moved n days (n may be negative). */
struct cal_date cal_add_days(struct cal_date d, long n);

/* d itself if it is a working day, else the first working day after it. */
struct cal_date cal_next_working_day_on_or_after(struct cal_date d);

/* notified + 4 weeks, moved to the next working day when that is closed. */
struct cal_date cal_appeal_deadline(struct cal_date notified);

/* The civil date in Denmark (Europe/Copenhagen) at a Unix time: "today" for a
 * notification date, without touching the process's time zone. */
struct cal_date cal_copenhagen_date(long long unix_seconds);

/* Today in Denmark: cal_copenhagen_date of the clock. "Today" for a notification,
 * "not in the future" and default dates is the Danish civil date, whatever the
 * server's time zone. Reads the clock; the only function here that does. */
struct cal_date cal_today(void);

/* Size of the buffer cal_format_danish writes, e.g. "23. september 2026". */
#define CAL_DANISH_SIZE 24

/* The date as Danish letters write it: "1. januar 2027". */
void cal_format_danish(struct cal_date d, char out[CAL_DANISH_SIZE]);

#endif
