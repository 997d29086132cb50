/* Parsing of the steering settings; see settings.h. */
#include "law/settings.h"

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

/* Deadlines are kept in order of first mention, so the JSON is stable; a municipality's
 * own value replaces the default of the same key. */
#define MAX_DEADLINES 32      /* settings.h sizes SETTINGS_DEADLINES_JSON_MAX by these */
#define MAX_DEADLINE_KEY 80

struct deadline {
    char key[MAX_DEADLINE_KEY];
    long days, override;
};

/* A key is a kind of request, or a kind of request and a code from the reference data
 * ("application.fleksjob": an application decided by a decision of that kind;
 * "intervention_request.mentor": a request for that type of intervention). */
static int key_ok(const char *key, size_t len)
{
    const char *dot = memchr(key, '.', len);
    size_t kind_len = dot ? (size_t)(dot - key) : len;
    if (index_of(deadline_kinds, N_KINDS, key, kind_len) < 0 || len >= MAX_DEADLINE_KEY)
        return 0;
    if (!dot)
        return 1;
    size_t code_len = len - kind_len - 1;
    for (size_t i = 0; i < code_len; i++) {
        char c = dot[1 + i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return 0;
    }
    return code_len > 0;
}

static struct deadline *deadline_slot(struct deadline *list, size_t *n, const char *key, size_t len)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen(list[i].key) == len && strncmp(list[i].key, key, len) == 0)
            return &list[i];
    if (*n == MAX_DEADLINES)
        return NULL;
    struct deadline *d = &list[(*n)++];
    memcpy(d->key, key, len);
    d->key[len] = '\0';
    d->days = d->override = -1;
    return d;
}

int settings_deadlines_json(const char *spec, const char *municipality, char *out, size_t cap)
{
    struct deadline list[MAX_DEADLINES];
    size_t n = 0;
    snprintf(out, cap, "{}");
    for (const char *item = spec; item && *item;) {
        const char *end = strchr(item, ',');
        if (!end)
            end = item + strlen(item);
        const char *colon = memchr(item, ':', (size_t)(end - item));
        const char *key = colon ? colon + 1 : item;
        const char *eq = memchr(key, '=', (size_t)(end - key));
        if (!eq || (colon && (colon - item != 3 || strspn(item, "0123456789") < 3)))
            return -1;
        long v;
        struct deadline *d = NULL;
        if (!key_ok(key, (size_t)(eq - key)) || read_days(eq + 1, end, &v) != 0 ||
            !(d = deadline_slot(list, &n, key, (size_t)(eq - key))))
            return -1;
        if (!colon)
            d->days = v;
        else if (municipality && strncmp(item, municipality, 3) == 0 && strlen(municipality) == 3)
            d->override = v;
        item = *end ? end + 1 : end;
    }
    size_t used = (size_t)snprintf(out, cap, "{");
    int first = 1;
    for (size_t i = 0; i < n && used < cap; i++) {
        long v = list[i].override > 0 ? list[i].override : list[i].days;
        if (v > 0) {
            used += (size_t)snprintf(out + used, cap - used, "%s\"%s\": %ld", first ? "" : ", ", list[i].key, v);
            first = 0;
        }
    }
    if (used < cap)
        snprintf(out + used, cap - used, "}");
    if (used >= cap) {
        snprintf(out, cap, "{}");
        return -1;
    }
    return 0;
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
