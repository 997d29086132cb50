/*
 * CPR number syntax, birth-date (century rule) check and masking.
 * Pure and allocation-free; see cpr.h for the contract.
 */
#include "law/cpr.h"

#include <string.h>

/* Not isdigit(): that depends on the locale and is UB for negative chars. */
static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int all_digits(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (!is_digit(s[i])) {
            return 0;
        }
    }
    return 1;
}

static int two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (m == 2 && is_leap(y)) {
        return 29;
    }
    return days[m - 1];
}

int cpr_normalise(const char *in, char out[11])
{
    size_t len;

    if (in == NULL) {
        out[0] = '\0';
        return -1;
    }
    len = strnlen(in, 12);
    if (len == 10 && all_digits(in, 10)) {
        memcpy(out, in, 10);
    } else if (len == 11 && all_digits(in, 6) && in[6] == '-'
               && all_digits(in + 7, 4)) {
        memcpy(out, in, 6);
        memcpy(out + 6, in + 7, 4);
    } else {
        out[0] = '\0';
        return -1;
    }
    out[10] = '\0';
    return 0;
}

int cpr_birth_date(const char cpr10[11], int *year, int *month, int *day)
{
    int d, m, yy, y, century_digit;

    /* all_digits stops at the first non-digit, so a short string is never overread. */
    if (!all_digits(cpr10, 10) || cpr10[10] != '\0') {
        return -1;
    }
    d = two_digits(cpr10);
    m = two_digits(cpr10 + 2);
    yy = two_digits(cpr10 + 4);
    century_digit = cpr10[6] - '0';

    if (century_digit <= 3) {
        y = 1900 + yy;
    } else if (century_digit == 4 || century_digit == 9) {
        y = yy <= 36 ? 2000 + yy : 1900 + yy;
    } else {
        y = yy <= 57 ? 2000 + yy : 1800 + yy;
    }

    if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
        return -1;
    }
    *year = y;
    *month = m;
    *day = d;
    return 0;
}

int cpr_validate(const char *in, char out[11])
{
    int y, m, d;

    if (cpr_normalise(in, out) != 0) {
        return -1;
    }
    if (cpr_birth_date(out, &y, &m, &d) != 0) {
        out[0] = '\0';
        return -1;
    }
    return 0;
}

void cpr_mask(const char cpr10[11], char out[12])
{
    if (all_digits(cpr10, 6)) {
        memcpy(out, cpr10, 6);
    } else {
        memcpy(out, "XXXXXX", 6);
    }
    memcpy(out + 6, "-XXXX", 6);
}
