/* Reads max-age, no-cache and no-store out of a Cache-Control header value. */
#include "auth/cache_control.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Parses digits s[0..len) (optionally quoted); -2 when not a delta-seconds value. */
static long delta_seconds(const char *s, size_t len)
{
    long n = 0;

    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        s++;
        len -= 2;
    }
    if (len == 0)
        return -2;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -2;
        if (n > (LONG_MAX - (s[i] - '0')) / 10)
            n = LONG_MAX;
        else if (n != LONG_MAX)
            n = n * 10 + (s[i] - '0');
    }
    return n;
}

long cache_control_max_age(const char *header)
{
    long max_age = -1;
    int seen_max_age = 0, stale = 0;
    const char *p = header;

    if (header == NULL)
        return -1;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *name = p, *eq;
        size_t name_len;

        while (len > 0 && is_space(*name)) {
            name++;
            len--;
        }
        while (len > 0 && is_space(name[len - 1]))
            len--;
        eq = memchr(name, '=', len);
        name_len = eq ? (size_t)(eq - name) : len;
        while (name_len > 0 && is_space(name[name_len - 1]))
            name_len--;

        if (name_len == 7 && strncasecmp(name, "max-age", 7) == 0) {
            long v = -2;
            if (eq) {
                const char *value = eq + 1;
                size_t value_len = len - (size_t)(value - name);
                while (value_len > 0 && is_space(*value)) {
                    value++;
                    value_len--;
                }
                v = delta_seconds(value, value_len);
            }
            if (seen_max_age || v < 0)
                stale = 1;
            seen_max_age = 1;
            max_age = v;
        } else if ((name_len == 8 && strncasecmp(name, "no-cache", 8) == 0)
                   || (name_len == 8 && strncasecmp(name, "no-store", 8) == 0)) {
            stale = 1;
        }
        if (!end)
            break;
        p = end + 1;
    }
    if (stale)
        return 0;
    return max_age;
}

long cache_control_refresh_after(long max_age, long min_s, long max_s)
{
    if (max_age < 0 || max_age > max_s)
        return max_s;
    if (max_age < min_s)
        return min_s;
    return max_age;
}
