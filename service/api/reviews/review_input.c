/* Reading what a review request says: the section bodies, the indicator answers against
 * the scales of the reference rows, and timestamps. What a review still lacks is in
 * review_completeness.c. See review_input.h. */
#include "api/reviews/review_input.h"

#include <stdio.h>
#include <string.h>

#include "api/decisions/decision_input.h"
#include "law/validate.h"

#define LONG_TEXT 20000
#define NOTE_TEXT 4000
#define ITEM_NOTE_TEXT 500
#define PURPOSE_TEXT 2000
/* Bounds of any number a scale documents, so that a score cannot overflow. */
#define SCALE_BOUND 1000000L

/* Present with a value other than null. */
static int has_value(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v);
}

/* ---- scales ---- */

static int scale_number(const json_t *attributes, const char *key, long *out)
{
    json_t *v = json_object_get(attributes, key);
    if (!json_is_integer(v) || json_integer_value(v) < -SCALE_BOUND || json_integer_value(v) > SCALE_BOUND)
        return -1;
    *out = (long)json_integer_value(v);
    return 0;
}

long review_who5_score(const struct review_scale *who5, const long *items, size_t n)
{
    long sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += items[i];
    return sum * who5->multiplier;
}

int review_scale_read(const char *code, const json_t *attributes, struct review_scale *out)
{
    memset(out, 0, sizeof(*out));
    if (!code || strlen(code) > REVIEW_CODE_MAX || scale_number(attributes, "min", &out->min) != 0 ||
        scale_number(attributes, "max", &out->max) != 0 || out->min >= out->max)
        return -1;
    snprintf(out->code, sizeof(out->code), "%s", code);
    if (!json_object_get(attributes, "items"))
        return 0;
    if (scale_number(attributes, "items", &out->items) != 0 || out->items < 1 || out->items > REVIEW_MAX_ITEMS ||
        scale_number(attributes, "item_min", &out->item_min) != 0 ||
        scale_number(attributes, "item_max", &out->item_max) != 0 || out->item_min >= out->item_max ||
        scale_number(attributes, "multiplier", &out->multiplier) != 0 || out->multiplier < 1)
        return -1;
    /* A row whose documented score range is not what its answers give would have the API
     * and the plan disagree about the same number: refuse to use it. */
    long lowest[REVIEW_MAX_ITEMS], highest[REVIEW_MAX_ITEMS];
    for (long i = 0; i < out->items; i++) {
        lowest[i] = out->item_min;
        highest[i] = out->item_max;
    }
    if (review_who5_score(out, lowest, (size_t)out->items) != out->min ||
        review_who5_score(out, highest, (size_t)out->items) != out->max)
        return -1;
    return 0;
}

int review_scales_add(struct review_scales *s, const char *code, const json_t *attributes)
{
    struct review_scale scale;
    if (review_scale_read(code, attributes, &scale) != 0)
        return -1;
    if (strcmp(code, "who5") == 0) {
        if (scale.items == 0)
            return -1;
        s->who5 = scale;
        s->has_who5 = 1;
        return 0;
    }
    if (scale.items > 0)
        return 0;
    if (s->n_ratings == REVIEW_MAX_SCALES)
        return -1;
    s->ratings[s->n_ratings++] = scale;
    return 0;
}

/* ---- timestamps ---- */

/* n decimal digits at s into *out; 0, or -1 when they are not all digits. */
static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int review_parse_timestamp(const char *s, long long *unix_seconds)
{
    char date[CAL_ISO_SIZE];
    struct cal_date d;
    int hour, minute, second;
    if (!s || strlen(s) < 20)
        return 0;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (cal_parse_iso(date, &d) != 0 || (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &hour) != 0 ||
        s[13] != ':' || digits(s + 14, 2, &minute) != 0 || s[16] != ':' || digits(s + 17, 2, &second) != 0 ||
        hour > 23 || minute > 59 || second > 59)
        return 0;
    const char *p = s + 19;
    if (*p == '.') {
        int n = 0;
        for (p++; *p >= '0' && *p <= '9'; p++)
            n++;
        if (n < 1 || n > 9)
            return 0;
    }
    long offset = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        offset = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (digits(p + 1, 2, &oh) != 0 || digits(p + 4, 2, &om) != 0 || oh > 23 || om > 59)
            return 0;
        offset = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
    } else {
        return 0;
    }
    *unix_seconds = (long long)cal_to_days(d) * 86400 + hour * 3600LL + minute * 60LL + second - offset;
    return 1;
}

/* ---- section bodies ---- */

/* The getters of validate.h, with null meaning "not filled in yet": a section is saved
 * unfinished and completion names what is missing. */
static void opt_text(struct check *c, const char *key, size_t max)
{
    const char *ignored;
    if (!check_is_null(c, key))
        check_text(c, key, 0, TEXT_MULTILINE, max, &ignored);
}

static void opt_bool(struct check *c, const char *key)
{
    int ignored;
    if (!check_is_null(c, key))
        check_bool(c, key, 0, &ignored);
}

static const char *opt_choice(struct check *c, const char *key, const char *const *choices)
{
    const char *value = NULL;
    if (!check_is_null(c, key))
        check_choice(c, key, 0, choices, &value);
    return value;
}

/* A list of legal_provision codes: each a code, none twice. */
static void check_codes(struct check *c, const char *key)
{
    json_t *list = NULL;
    if (check_is_null(c, key) || check_array(c, key, 0, DECISION_MAX_PROVISIONS, &list) != CHECK_OK)
        return;
    struct check lc;
    check_begin_member(&lc, c, list, key);
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        char index[24];
        snprintf(index, sizeof(index), "%zu", i);
        const char *code = json_string_value(item);
        int repeated = 0;
        for (size_t k = 0; code && k < i; k++) {
            const char *earlier = json_string_value(json_array_get(list, k));
            repeated |= earlier && strcmp(earlier, code) == 0;
        }
        if (!decision_is_code(code))
            check_fail(&lc, index, "must be a legal_provision code");
        else if (repeated)
            check_fail(&lc, index, "names a provision already in the list");
    }
    check_merge(c, &lc);
}

/* A date of the plan: on or after the meeting. */
static void check_plan_date(struct check *c, const char *key, int required, const struct review_context *ctx)
{
    struct cal_date d;
    if (check_date(c, key, required, &d) == CHECK_OK && cal_after(ctx->meeting_on, d))
        check_fail(c, key, "must not be before the meeting date");
}

/* The hearing an adverse decision of the review records, with the decision API's rules:
 * the decisions module reads it, so the two can never disagree. */
static void check_hearing(struct check *c, json_t *hearing, const struct review_context *ctx)
{
    json_t *wrapper = json_pack("{s:O}", "hearing", hearing);
    struct check hc;
    struct decision_input ignored;
    struct decision_read_rules rules = {ctx->today, ctx->hearing_min_days};
    check_begin(&hc, wrapper, c->prefix);
    decision_read_body(&hc, 0, &rules, &ignored);
    check_merge(c, &hc);
    json_decref(wrapper);
}

static void read_work_capacity(struct check *parent, json_t *obj, const struct review_context *ctx)
{
    static const char *const allowed[] = {"current_capacity", "deterioration_risk", "deterioration_note",
                                          "interdisciplinary_need", "interdisciplinary_note", "target_group_right",
                                          "benefit_right", "placement_note", "compensation_options",
                                          "ressourceforloeb_assessed", "hearing", NULL};
    static const char *const risks[] = {"low", "medium", "high", NULL};
    struct check c;
    check_begin_member(&c, parent, obj, "work_capacity");
    check_only(&c, allowed);
    opt_text(&c, "current_capacity", LONG_TEXT);
    opt_choice(&c, "deterioration_risk", risks);
    opt_text(&c, "deterioration_note", NOTE_TEXT);
    opt_bool(&c, "interdisciplinary_need");
    opt_text(&c, "interdisciplinary_note", NOTE_TEXT);
    opt_bool(&c, "target_group_right");
    opt_bool(&c, "benefit_right");
    opt_text(&c, "placement_note", LONG_TEXT);
    opt_text(&c, "compensation_options", NOTE_TEXT);
    if (has_value(obj, "ressourceforloeb_assessed")) {
        if (ctx->ressourceforloeb)
            opt_bool(&c, "ressourceforloeb_assessed");
        else
            check_fail(&c, "ressourceforloeb_assessed",
                       "only while the rules in force on the meeting date have ressourceforløb: leave it null");
    }
    json_t *hearing = NULL;
    if (!check_is_null(&c, "hearing") && check_object(&c, "hearing", 0, &hearing) == CHECK_OK)
        check_hearing(&c, hearing, ctx);
    check_merge(parent, &c);
}

static void read_planned_interventions(struct check *parent, json_t *list, const struct review_context *ctx)
{
    static const char *const allowed[] = {"type", "planned_start", "note", NULL};
    struct check lc;
    check_begin_member(&lc, parent, list, "interventions");
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        char index[24];
        snprintf(index, sizeof(index), "%zu", i);
        if (!json_is_object(item)) {
            check_fail(&lc, index, "must be an object {type, planned_start, note}");
            continue;
        }
        struct check ic;
        const char *type = NULL;
        check_begin_member(&ic, &lc, item, index);
        check_only(&ic, allowed);
        if (check_text(&ic, "type", 1, TEXT_LINE, REVIEW_CODE_MAX, &type) == CHECK_OK && !decision_is_code(type))
            check_fail(&ic, "type", "must be an intervention_type code");
        if (!check_is_null(&ic, "planned_start"))
            check_plan_date(&ic, "planned_start", 0, ctx);
        opt_text(&ic, "note", ITEM_NOTE_TEXT);
        check_merge(&lc, &ic);
    }
    check_merge(parent, &lc);
}

static void read_overall_decision(struct check *parent, json_t *obj, const struct review_context *ctx)
{
    static const char *const allowed[] = {"outcome", "interventions", "reasons", "legal_basis", NULL};
    static const char *const outcomes[] = {"interventions", "no_interventions", NULL};
    struct check c;
    check_begin_member(&c, parent, obj, "overall_decision");
    check_only(&c, allowed);
    const char *outcome = opt_choice(&c, "outcome", outcomes);
    json_t *list = NULL;
    if (!check_is_null(&c, "interventions") &&
        check_array(&c, "interventions", 0, REVIEW_MAX_INTERVENTIONS, &list) == CHECK_OK) {
        if (outcome && strcmp(outcome, "no_interventions") == 0 && json_array_size(list) > 0)
            check_fail(&c, "interventions", "only when the outcome is interventions");
        else
            read_planned_interventions(&c, list, ctx);
    }
    opt_text(&c, "reasons", LONG_TEXT);
    check_codes(&c, "legal_basis");
    check_merge(parent, &c);
}

static void read_follow_up_plan(struct check *parent, json_t *obj, const struct review_context *ctx)
{
    static const char *const allowed[] = {"follow_ups", NULL};
    static const char *const item_allowed[] = {"on", "purpose", NULL};
    struct check c;
    check_begin_member(&c, parent, obj, "follow_up_plan");
    check_only(&c, allowed);
    json_t *list = NULL;
    if (!check_is_null(&c, "follow_ups") &&
        check_array(&c, "follow_ups", 0, REVIEW_MAX_FOLLOW_UPS, &list) == CHECK_OK) {
        struct check lc;
        check_begin_member(&lc, &c, list, "follow_ups");
        size_t i;
        json_t *item;
        json_array_foreach(list, i, item) {
            char index[24];
            snprintf(index, sizeof(index), "%zu", i);
            if (!json_is_object(item)) {
                check_fail(&lc, index, "must be an object {on, purpose}");
                continue;
            }
            struct check ic;
            const char *purpose;
            check_begin_member(&ic, &lc, item, index);
            check_only(&ic, item_allowed);
            check_plan_date(&ic, "on", 1, ctx);
            check_text(&ic, "purpose", 1, TEXT_MULTILINE, PURPOSE_TEXT, &purpose);
            check_merge(&lc, &ic);
        }
        check_merge(&c, &lc);
    }
    check_merge(parent, &c);
}

/* A section object of the PATCH body: named (bit set), cleared, or read by reader. */
static json_t *patch_section(struct check *c, const char *key, unsigned bit, struct review_patch *out,
                             void (*reader)(struct check *, json_t *, const struct review_context *),
                             const struct review_context *ctx)
{
    json_t *obj = NULL;
    if (!json_object_get(c->obj, key))
        return NULL;
    out->set |= bit;
    if (!check_is_null(c, key) && check_object(c, key, 0, &obj) == CHECK_OK)
        reader(c, obj, ctx);
    return obj;
}

static const char *patch_text(struct check *c, const char *key, unsigned bit, struct review_patch *out)
{
    const char *text = NULL;
    if (!json_object_get(c->obj, key))
        return NULL;
    out->set |= bit;
    if (!check_is_null(c, key))
        check_text(c, key, 0, TEXT_MULTILINE, LONG_TEXT, &text);
    return text;
}

void review_read_patch(struct check *c, const struct review_context *ctx, struct review_patch *out)
{
    static const char *const allowed[] = {"current_situation", "work_capacity", "overall_decision",
                                          "follow_up_plan", "recommendation", "citizen_present", NULL};
    memset(out, 0, sizeof(*out));
    check_only(c, allowed);
    if (json_object_size(c->obj) == 0)
        check_fail(c, NULL, "name at least one member to change");
    out->current_situation = patch_text(c, "current_situation", REVIEW_SET_CURRENT_SITUATION, out);
    out->recommendation = patch_text(c, "recommendation", REVIEW_SET_RECOMMENDATION, out);
    out->work_capacity = patch_section(c, "work_capacity", REVIEW_SET_WORK_CAPACITY, out, read_work_capacity, ctx);
    out->overall_decision =
        patch_section(c, "overall_decision", REVIEW_SET_OVERALL_DECISION, out, read_overall_decision, ctx);
    out->follow_up_plan = patch_section(c, "follow_up_plan", REVIEW_SET_FOLLOW_UP_PLAN, out, read_follow_up_plan, ctx);
    out->citizen_present = -1;
    if (json_object_get(c->obj, "citizen_present")) {
        out->set |= REVIEW_SET_CITIZEN_PRESENT;
        if (!check_is_null(c, "citizen_present"))
            check_bool(c, "citizen_present", 0, &out->citizen_present);
    }
}

void review_read_own_assessment(struct check *c, const char **wishes, const char **barriers)
{
    static const char *const allowed[] = {"wishes", "barriers", NULL};
    *wishes = *barriers = NULL;
    check_only(c, allowed);
    check_text(c, "wishes", 1, TEXT_MULTILINE, LONG_TEXT, wishes);
    check_text(c, "barriers", 1, TEXT_MULTILINE, LONG_TEXT, barriers);
}

void review_read_who5(struct check *c, const struct review_scale *who5, long *items)
{
    static const char *const allowed[] = {"items", NULL};
    json_t *list = NULL;
    check_only(c, allowed);
    if (check_array(c, "items", 1, REVIEW_MAX_ITEMS, &list) != CHECK_OK)
        return;
    if (json_array_size(list) != (size_t)who5->items) {
        char msg[64];
        snprintf(msg, sizeof(msg), "must hold exactly %ld answers", who5->items);
        check_fail(c, "items", msg);
        return;
    }
    struct check lc;
    check_begin_member(&lc, c, list, "items");
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item) {
        if (!json_is_integer(item) || json_integer_value(item) < who5->item_min ||
            json_integer_value(item) > who5->item_max) {
            char index[24], msg[64];
            snprintf(index, sizeof(index), "%zu", i);
            snprintf(msg, sizeof(msg), "must be an integer from %ld to %ld", who5->item_min, who5->item_max);
            check_fail(&lc, index, msg);
        } else {
            items[i] = (long)json_integer_value(item);
        }
    }
    check_merge(c, &lc);
}

json_t *review_read_ratings(struct check *c, const struct review_scales *s, int citizen_caller, const char **by)
{
    static const char *const raters[] = {"caseworker", "citizen", NULL};
    const char *allowed[REVIEW_MAX_SCALES + 2];
    size_t n = 0;
    allowed[n++] = "by";
    for (size_t i = 0; i < s->n_ratings; i++)
        allowed[n++] = s->ratings[i].code;
    allowed[n] = NULL;
    check_only(c, allowed);
    *by = citizen_caller ? "citizen" : NULL;
    check_choice(c, "by", !citizen_caller, raters, by);
    json_t *ratings = json_object();
    for (size_t i = 0; i < s->n_ratings; i++) {
        long value;
        if (check_int(c, s->ratings[i].code, 1, s->ratings[i].min, s->ratings[i].max, &value) == CHECK_OK)
            json_object_set_new(ratings, s->ratings[i].code, json_integer(value));
    }
    if (check_failed(c)) {
        json_decref(ratings);
        return NULL;
    }
    return ratings;
}
