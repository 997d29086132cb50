/* Request validation helpers; see validate.h. */
#include "law/validate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>


void check_begin(struct check *c, json_t *obj, const char *prefix)
{
    c->obj = obj;
    c->errors = json_array();
    snprintf(c->prefix, sizeof(c->prefix), "%s", prefix ? prefix : "");
}

void check_begin_member(struct check *nested, const struct check *parent, json_t *obj, const char *key)
{
    char token[96];
    json_pointer_token(key, token, sizeof(token));
    check_begin(nested, obj, parent->prefix);
    size_t used = strlen(nested->prefix);
    snprintf(nested->prefix + used, sizeof(nested->prefix) - used, "/%s", token);
}

void check_end(struct check *c)
{
    json_decref(c->errors);
    c->errors = NULL;
}

int check_failed(const struct check *c)
{
    return c->errors && json_array_size(c->errors) > 0;
}

json_t *check_take_errors(struct check *c)
{
    json_t *e = c->errors;
    c->errors = json_array();
    return e;
}

void check_merge(struct check *c, struct check *nested)
{
    json_array_extend(c->errors, nested->errors);
    check_end(nested);
}

void json_pointer_token(const char *key, char *out, size_t outlen)
{
    size_t o = 0;
    for (size_t i = 0; key[i] && o + 3 < outlen; i++) {
        size_t run = 0;
        while (key[i + run] >= '0' && key[i + run] <= '9')
            run++;
        if (run >= 6) {
            for (size_t k = 0; k < run && o + 3 < outlen; k++)
                out[o++] = 'X';
            i += run - 1;
            continue;
        }
        if (key[i] == '~') {
            out[o++] = '~';
            out[o++] = '0';
        } else if (key[i] == '/') {
            out[o++] = '~';
            out[o++] = '1';
        } else {
            out[o++] = key[i];
        }
    }
    out[o] = '\0';
}

void check_fail_pointer(struct check *c, const char *pointer, const char *message)
{
    char full[256];
    snprintf(full, sizeof(full), "%s%s", c->prefix, pointer);
    json_array_append_new(c->errors, json_pack("{s:s, s:s}", "pointer", full, "message", message));
}

void check_fail(struct check *c, const char *key, const char *message)
{
    char token[96], pointer[100] = "";
    if (key) {
        json_pointer_token(key, token, sizeof(token));
        snprintf(pointer, sizeof(pointer), "/%s", token);
    }
    check_fail_pointer(c, pointer, message);
}

void check_only(struct check *c, const char *const *allowed)
{
    const char *key;
    json_t *value;
    json_object_foreach(c->obj, key, value) {
        int known = 0;
        for (size_t i = 0; allowed[i]; i++)
            if (strcmp(allowed[i], key) == 0)
                known = 1;
        if (!known)
            check_fail(c, key, "unknown field");
    }
}

/* Looks key up; records "required" or a null error. Returns the value or NULL. */
static json_t *lookup(struct check *c, const char *key, int required, int *state)
{
    json_t *v = json_object_get(c->obj, key);
    if (!v) {
        if (required)
            check_fail(c, key, "required");
        *state = required ? CHECK_INVALID : CHECK_ABSENT;
        return NULL;
    }
    if (json_is_null(v)) {
        check_fail(c, key, "must not be null");
        *state = CHECK_INVALID;
        return NULL;
    }
    *state = CHECK_OK;
    return v;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static int text_ok(const char *s, enum text_kind kind)
{
    int visible = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) {
            if (kind == TEXT_LINE || (*p != '\n' && *p != '\r' && *p != '\t'))
                return 0;
        } else if (*p != ' ') {
            visible = 1;
        }
    }
    return visible;
}

int check_text(struct check *c, const char *key, int required, enum text_kind kind,
               size_t max_chars, const char **out)
{
    int state;
    json_t *v = lookup(c, key, required, &state);
    if (!v)
        return state;
    if (!json_is_string(v)) {
        check_fail(c, key, "must be a string");
        return CHECK_INVALID;
    }
    const char *s = json_string_value(v);
    if (!text_ok(s, kind)) {
        check_fail(c, key, kind == TEXT_LINE ? "must be non-empty text without control characters"
                                             : "must be non-empty text");
        return CHECK_INVALID;
    }
    if (utf8_chars(s) > max_chars) {
        char msg[64];
        snprintf(msg, sizeof(msg), "must be at most %zu characters", max_chars);
        check_fail(c, key, msg);
        return CHECK_INVALID;
    }
    *out = s;
    return CHECK_OK;
}

int check_date(struct check *c, const char *key, int required, struct cal_date *out)
{
    int state;
    json_t *v = lookup(c, key, required, &state);
    if (!v)
        return state;
    if (!json_is_string(v) || cal_parse_iso(json_string_value(v), out) != 0) {
        check_fail(c, key, "must be a date (YYYY-MM-DD)");
        return CHECK_INVALID;
    }
    return CHECK_OK;
}

int check_past_date(struct check *c, const char *key, int required, struct cal_date today,
                    struct cal_date *out)
{
    struct cal_date d;
    int got = check_date(c, key, required, &d);
    if (got == CHECK_OK && cal_after(d, today)) {
        check_fail(c, key, "must not be in the future");
        return CHECK_INVALID;
    }
    if (got == CHECK_OK)
        *out = d;
    return got;
}

int check_int(struct check *c, const char *key, int required, long min, long max, long *out)
{
    int state;
    json_t *v = lookup(c, key, required, &state);
    if (!v)
        return state;
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        char msg[96];
        snprintf(msg, sizeof(msg), "must be an integer from %ld to %ld", min, max);
        check_fail(c, key, msg);
        return CHECK_INVALID;
    }
    *out = (long)json_integer_value(v);
    return CHECK_OK;
}

int check_number(struct check *c, const char *key, int required, double min, double max, double *out)
{
    int state;
    json_t *v = lookup(c, key, required, &state);
    if (!v)
        return state;
    double d = json_is_number(v) ? json_number_value(v) : NAN;
    if (!isfinite(d) || d < min || d > max) {
        char msg[96];
        snprintf(msg, sizeof(msg), "must be a number from %g to %g", min, max);
        check_fail(c, key, msg);
        return CHECK_INVALID;
    }
    *out = d;
    return CHECK_OK;
}

int check_bool(struct check *c, const char *key, int required, int *out)
{
    int state;
    json_t *v = lookup(c, key, required, &state);
    if (!v)
        return state;
    if (!json_is_boolean(v)) {
        check_fail(c, key, "must be true or false");
        return CHECK_INVALID;
    }
    *out = json_is_true(v);
    return CHECK_OK;
}

int check_choice(struct check *c, const char *key, int required, const char *const *choices,
                 const char **out)
{
    int state;
    json_t *v = lookup(c, key, required, &state);
    if (!v)
        return state;
    if (json_is_string(v))
        for (size_t i = 0; choices[i]; i++)
            if (strcmp(choices[i], json_string_value(v)) == 0) {
                *out = choices[i];
                return CHECK_OK;
            }
    char msg[256] = "must be one of:";
    for (size_t i = 0; choices[i]; i++) {
        size_t used = strlen(msg);
        snprintf(msg + used, sizeof(msg) - used, "%s %s", i ? "," : "", choices[i]);
    }
    check_fail(c, key, msg);
    return CHECK_INVALID;
}

int check_uuid(struct check *c, const char *key, int required, const char **out)
{
    int state;
    json_t *v = lookup(c, key, required, &state);
    if (!v)
        return state;
    if (!json_is_string(v) || !text_is_uuid(json_string_value(v))) {
        check_fail(c, key, "must be a UUID");
        return CHECK_INVALID;
    }
    *out = json_string_value(v);
    return CHECK_OK;
}

int check_object(struct check *c, const char *key, int required, json_t **out)
{
    int state;
    json_t *v = lookup(c, key, required, &state);
    if (!v)
        return state;
    if (!json_is_object(v)) {
        check_fail(c, key, "must be an object");
        return CHECK_INVALID;
    }
    *out = v;
    return CHECK_OK;
}

int check_array(struct check *c, const char *key, int required, size_t max_items, json_t **out)
{
    int state;
    json_t *v = lookup(c, key, required, &state);
    if (!v)
        return state;
    if (!json_is_array(v) || json_array_size(v) > max_items) {
        char msg[64];
        snprintf(msg, sizeof(msg), "must be an array of at most %zu items", max_items);
        check_fail(c, key, msg);
        return CHECK_INVALID;
    }
    *out = v;
    return CHECK_OK;
}

int check_is_null(const struct check *c, const char *key)
{
    return json_is_null(json_object_get(c->obj, key));
}

int text_is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        char ch = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (ch != '-')
                return 0;
        } else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))) {
            return 0;
        }
    }
    return 1;
}

static int is_ascii_alnum(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

int text_is_identifier(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 128 || !is_ascii_alnum(s[0]))
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!is_ascii_alnum(s[i]) && !strchr("._@:-", s[i]))
            return 0;
    return 1;
}

int text_is_request_id(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    int letters = 0;
    if (n < 8 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_ascii_alnum(s[i]) && !strchr("-_.", s[i]))
            return 0;
        letters += (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z');
    }
    return letters > 0;
}

int text_is_one_of(const char *s, const char *const *choices)
{
    for (size_t i = 0; s && choices[i]; i++)
        if (strcmp(choices[i], s) == 0)
            return 1;
    return 0;
}
