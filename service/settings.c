/* Parsing of the steering settings; see settings.h. */
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const deadline_kinds[] = {"application", "intervention_request"};
static const char *const categories[] = {"young", "adult", "ressourceforloeb", "job_ready"};
#define N_KINDS (sizeof(deadline_kinds) / sizeof(deadline_kinds[0]))
#define N_CATEGORIES (sizeof(categories) / sizeof(categories[0]))

static int index_of(const char *const *names, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
            return (int)i;
    return -1;
}

/* A whole number from 1 to 3650 spelled out in [s, end). */
static int read_days(const char *s, const char *end, long *out)
{
    if (s == end || end - s > 4)
        return -1;
    long v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    if (v < 1 || v > 3650)
        return -1;
    *out = v;
    return 0;
}

int settings_deadlines_json(const char *spec, const char *municipality, char *out, size_t cap)
{
    long days[N_KINDS], override[N_KINDS];
    for (size_t i = 0; i < N_KINDS; i++)
        days[i] = override[i] = -1;
    snprintf(out, cap, "{}");
    for (const char *item = spec; item && *item;) {
        const char *end = strchr(item, ',');
        if (!end)
            end = item + strlen(item);
        const char *colon = memchr(item, ':', (size_t)(end - item));
        const char *kind = colon ? colon + 1 : item;
        const char *eq = memchr(kind, '=', (size_t)(end - kind));
        if (!eq || (colon && (colon - item != 3 || strspn(item, "0123456789") < 3)))
            return -1;
        int k = index_of(deadline_kinds, N_KINDS, kind, (size_t)(eq - kind));
        long v;
        if (k < 0 || read_days(eq + 1, end, &v) != 0)
            return -1;
        if (!colon)
            days[k] = v;
        else if (municipality && strncmp(item, municipality, 3) == 0 && strlen(municipality) == 3)
            override[k] = v;
        item = *end ? end + 1 : end;
    }
    size_t used = (size_t)snprintf(out, cap, "{");
    int first = 1;
    for (size_t i = 0; i < N_KINDS && used < cap; i++) {
        long v = override[i] > 0 ? override[i] : days[i];
        if (v > 0) {
            used += (size_t)snprintf(out + used, cap - used, "%s\"%s\": %ld", first ? "" : ", ", deadline_kinds[i], v);
            first = 0;
        }
    }
    if (used < cap)
        snprintf(out + used, cap - used, "}");
    return used < cap ? 0 : -1;
}

int settings_caseload_json(const char *spec, char *out, size_t cap)
{
    long min[N_CATEGORIES], max[N_CATEGORIES];
    for (size_t i = 0; i < N_CATEGORIES; i++)
        min[i] = max[i] = -1;
    snprintf(out, cap, "{}");
    for (const char *item = spec; item && *item;) {
        const char *end = strchr(item, ',');
        if (!end)
            end = item + strlen(item);
        const char *eq = memchr(item, '=', (size_t)(end - item));
        const char *dash = eq ? memchr(eq, '-', (size_t)(end - eq)) : NULL;
        int c = eq ? index_of(categories, N_CATEGORIES, item, (size_t)(eq - item)) : -1;
        if (c < 0 || !dash || read_days(eq + 1, dash, &min[c]) != 0 || read_days(dash + 1, end, &max[c]) != 0 ||
            min[c] > max[c])
            return -1;
        item = *end ? end + 1 : end;
    }
    size_t used = (size_t)snprintf(out, cap, "{");
    for (size_t i = 0; i < N_CATEGORIES; i++) {
        if (min[i] < 0)
            return -1;
        if (used < cap)
            used += (size_t)snprintf(out + used, cap - used, "%s\"%s\": {\"min\": %ld, \"max\": %ld}",
                                     i ? ", " : "", categories[i], min[i], max[i]);
    }
    if (used < cap)
        snprintf(out + used, cap - used, "}");
    return used < cap ? 0 : -1;
}
