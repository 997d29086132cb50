/*
 * Unit tests for service/review_input.c: indicator scales read from the attributes of the
 * `indicator` reference rows (copied here from sql/005 as text, so the tests fail if the C
 * assumed a scale of its own), WHO-5 answers and score, ratings within their scale, the
 * PATCH sections (dates against the meeting, ressourceforløb, the hearing's rules), RFC
 * 3339 meeting times, and the JSON Pointer every missing element of a review yields at
 * completion, as notes/issue4-api.md names them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/reviews/review_input.h"
#include "law/validate.h"

/* The indicator rows of sql/005_interventions_reviews.sql. */
#define WHO5_ROW                                                                                              \
    "{\"items\": 5, \"item_min\": 0, \"item_max\": 5, \"multiplier\": 4, \"min\": 0, \"max\": 100,"             \
    " \"direction\": \"higher_is_better\", \"answered_by\": \"citizen\","                                      \
    " \"anchors\": {\"0\": \"På intet tidspunkt\", \"5\": \"Hele tiden\"}}"
#define RATING_ROW(direction)                                                                                 \
    "{\"min\": 1, \"max\": 5, \"direction\": \"" direction "\", \"anchors\": {\"1\": \"a\", \"3\": \"b\", \"5\": \"c\"}}"


static json_t *parse(const char *text)
{
    json_error_t error;
    json_t *doc = json_loads(text, JSON_DECODE_ANY, &error);
    cr_assert_not_null(doc, "bad JSON in test: %s", error.text);
    return doc;
}

/* The scales of sql/005: who5 and the three ratings. */
static void scales_of_005(struct review_scales *s)
{
    static const char *const ratings[][2] = {
        {"health", RATING_ROW("higher_is_better")},
        {"labour_market_distance", RATING_ROW("lower_is_better")},
        {"life_mastery", RATING_ROW("higher_is_better")},
    };
    memset(s, 0, sizeof(*s));
    json_t *who5 = parse(WHO5_ROW);
    cr_assert_eq(review_scales_add(s, "who5", who5), 0);
    json_decref(who5);
    for (size_t i = 0; i < 3; i++) {
        json_t *row = parse(ratings[i][1]);
        cr_assert_eq(review_scales_add(s, ratings[i][0], row), 0);
        json_decref(row);
    }
}

/* 1 when c holds an error at pointer (with message, unless message is NULL). */
static int has_error(const struct check *c, const char *pointer, const char *message)
{
    size_t i;
    json_t *e;
    json_array_foreach(c->errors, i, e)
        if (strcmp(json_string_value(json_object_get(e, "pointer")), pointer) == 0 &&
            (!message || strcmp(json_string_value(json_object_get(e, "message")), message) == 0))
            return 1;
    return 0;
}

/* Fails unless c holds exactly the pointers listed (in any order). */
static void assert_pointers(const struct check *c, const char *const *want, size_t n)
{
    char *all = json_dumps(c->errors, JSON_COMPACT);
    cr_assert_eq(json_array_size(c->errors), n, "want %zu errors, got %s", n, all);
    for (size_t i = 0; i < n; i++)
        cr_assert(has_error(c, want[i], NULL), "no error at %s in %s", want[i], all);
    free(all);
}

/* ---- scales and WHO-5 ---- */

Test(review_input, who5_scale_is_read_from_its_reference_row)
{
    struct review_scales s;
    scales_of_005(&s);
    cr_assert(s.has_who5);
    cr_assert_eq(s.who5.items, 5);
    cr_assert_eq(s.who5.item_min, 0);
    cr_assert_eq(s.who5.item_max, 5);
    cr_assert_eq(s.who5.multiplier, 4);
    cr_assert_eq(s.n_ratings, 3);
    cr_assert_str_eq(s.ratings[1].code, "labour_market_distance");
    cr_assert_eq(s.ratings[1].min, 1);
    cr_assert_eq(s.ratings[1].max, 5);
}

Test(review_input, who5_score_is_the_item_sum_times_four)
{
    struct review_scales s;
    scales_of_005(&s);
    /* Worked by hand: 3+4+2+5+1 = 15 → 60; all 5 → 100; all 0 → 0; 5+5+5+5+4 = 24 → 96. */
    static const long a[5] = {3, 4, 2, 5, 1}, top[5] = {5, 5, 5, 5, 5}, none[5] = {0, 0, 0, 0, 0},
                      b[5] = {5, 5, 5, 5, 4};
    cr_assert_eq(review_who5_score(&s.who5, a, 5), 60);
    cr_assert_eq(review_who5_score(&s.who5, top, 5), 100);
    cr_assert_eq(review_who5_score(&s.who5, none, 5), 0);
    cr_assert_eq(review_who5_score(&s.who5, b, 5), 96);
}

Test(review_input, a_questionnaire_row_whose_range_disagrees_with_its_items_is_refused)
{
    struct review_scale scale;
    /* 5 items of 0..5 times 4 give 0..100, not 0..25. */
    json_t *bad = parse("{\"items\": 5, \"item_min\": 0, \"item_max\": 5, \"multiplier\": 4, \"min\": 0, \"max\": 25}");
    cr_assert_eq(review_scale_read("who5", bad, &scale), -1);
    json_decref(bad);
    json_t *no_multiplier = parse("{\"items\": 5, \"item_min\": 0, \"item_max\": 5, \"min\": 0, \"max\": 25}");
    cr_assert_eq(review_scale_read("who5", no_multiplier, &scale), -1);
    json_decref(no_multiplier);
    json_t *text_bounds = parse("{\"min\": \"1\", \"max\": 5}");
    cr_assert_eq(review_scale_read("health", text_bounds, &scale), -1);
    json_decref(text_bounds);
    json_t *inverted = parse("{\"min\": 5, \"max\": 1}");
    cr_assert_eq(review_scale_read("health", inverted, &scale), -1);
    json_decref(inverted);
}

Test(review_input, another_scale_in_the_reference_data_changes_what_is_accepted)
{
    /* A 1..10 rating scale, as a later reference row might document: 8 is then valid. */
    struct review_scales s;
    memset(&s, 0, sizeof(s));
    json_t *row = parse("{\"min\": 1, \"max\": 10}");
    cr_assert_eq(review_scales_add(&s, "health", row), 0);
    json_decref(row);
    json_t *body = parse("{\"by\": \"caseworker\", \"health\": 8}");
    struct check c;
    const char *by;
    check_begin(&c, body, "");
    json_t *ratings = review_read_ratings(&c, &s, 0, &by);
    cr_assert_not_null(ratings, "%s", json_dumps(c.errors, 0));
    cr_assert_eq(json_integer_value(json_object_get(ratings, "health")), 8);
    json_decref(ratings);
    check_end(&c);
    json_decref(body);
}

static void read_who5(const char *text, struct check *c, json_t **body, long items[REVIEW_MAX_ITEMS])
{
    struct review_scales s;
    scales_of_005(&s);
    *body = parse(text);
    check_begin(c, *body, "");
    review_read_who5(c, &s.who5, items);
}

Test(review_input, who5_takes_exactly_five_answers_from_0_to_5)
{
    json_t *body;
    struct check c;
    long items[REVIEW_MAX_ITEMS];
    read_who5("{\"items\": [0, 5, 3, 2, 1]}", &c, &body, items);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    cr_assert_eq(items[0], 0);
    cr_assert_eq(items[1], 5);
    cr_assert_eq(items[4], 1);
    check_end(&c);
    json_decref(body);
}

Test(review_input, who5_answers_outside_0_to_5_are_named_by_index)
{
    json_t *body;
    struct check c;
    long items[REVIEW_MAX_ITEMS];
    read_who5("{\"items\": [6, 0, -1, 2, 2.5]}", &c, &body, items);
    static const char *const want[] = {"/items/0", "/items/2", "/items/4"};
    assert_pointers(&c, want, 3);
    cr_assert(has_error(&c, "/items/0", "must be an integer from 0 to 5"));
    check_end(&c);
    json_decref(body);
}

Test(review_input, who5_with_four_or_six_answers_is_refused)
{
    static const char *const bodies[] = {"{\"items\": [1, 2, 3, 4]}", "{\"items\": [1, 2, 3, 4, 5, 1]}",
                                         "{\"items\": []}"};
    for (size_t i = 0; i < 3; i++) {
        json_t *body;
        struct check c;
        long items[REVIEW_MAX_ITEMS];
        read_who5(bodies[i], &c, &body, items);
        cr_assert(has_error(&c, "/items", "must hold exactly 5 answers"), "%s", bodies[i]);
        check_end(&c);
        json_decref(body);
    }
}

Test(review_input, who5_needs_items_and_nothing_else)
{
    json_t *body;
    struct check c;
    long items[REVIEW_MAX_ITEMS];
    read_who5("{\"score\": 60}", &c, &body, items);
    static const char *const want[] = {"/score", "/items"};
    assert_pointers(&c, want, 2);
    check_end(&c);
    json_decref(body);
}

/* ---- ratings ---- */

static json_t *read_ratings(const char *text, int citizen, struct check *c, json_t **body, const char **by)
{
    struct review_scales s;
    scales_of_005(&s);
    *body = parse(text);
    check_begin(c, *body, "");
    return review_read_ratings(c, &s, citizen, by);
}

Test(review_input, ratings_within_1_to_5_are_kept_in_scale_order)
{
    json_t *body;
    struct check c;
    const char *by;
    json_t *r = read_ratings("{\"by\": \"caseworker\", \"life_mastery\": 1, \"health\": 5, "
                             "\"labour_market_distance\": 3}",
                             0, &c, &body, &by);
    cr_assert_not_null(r, "%s", json_dumps(c.errors, 0));
    cr_assert_str_eq(by, "caseworker");
    char *text = json_dumps(r, JSON_COMPACT);
    cr_assert_str_eq(text, "{\"health\":5,\"labour_market_distance\":3,\"life_mastery\":1}");
    free(text);
    json_decref(r);
    check_end(&c);
    json_decref(body);
}

Test(review_input, ratings_outside_their_scale_or_missing_are_named)
{
    json_t *body;
    struct check c;
    const char *by;
    json_t *r = read_ratings("{\"by\": \"caseworker\", \"life_mastery\": 0, \"health\": 6, \"colour\": 3}", 0, &c,
                             &body, &by);
    cr_assert_null(r);
    static const char *const want[] = {"/life_mastery", "/health", "/labour_market_distance", "/colour"};
    assert_pointers(&c, want, 4);
    cr_assert(has_error(&c, "/health", "must be an integer from 1 to 5"));
    cr_assert(has_error(&c, "/labour_market_distance", "required"));
    check_end(&c);
    json_decref(body);
}

Test(review_input, a_citizen_rates_without_by_and_staff_must_say_whose_ratings)
{
    json_t *body;
    struct check c;
    const char *by;
    json_t *r = read_ratings("{\"life_mastery\": 2, \"health\": 3, \"labour_market_distance\": 5}", 1, &c, &body,
                             &by);
    cr_assert_not_null(r);
    cr_assert_str_eq(by, "citizen");
    json_decref(r);
    check_end(&c);
    json_decref(body);

    r = read_ratings("{\"life_mastery\": 2, \"health\": 3, \"labour_market_distance\": 5}", 0, &c, &body, &by);
    cr_assert_null(r);
    static const char *const want[] = {"/by"};
    assert_pointers(&c, want, 1);
    cr_assert(has_error(&c, "/by", "required"));
    check_end(&c);
    json_decref(body);

    /* Staff giving the citizen's ratings on their behalf. */
    r = read_ratings("{\"by\": \"citizen\", \"life_mastery\": 2, \"health\": 3, \"labour_market_distance\": 5}",
                     0, &c, &body, &by);
    cr_assert_not_null(r, "%s", json_dumps(c.errors, 0));
    cr_assert_str_eq(by, "citizen");
    json_decref(r);
    check_end(&c);
    json_decref(body);

    r = read_ratings("{\"by\": \"team\", \"life_mastery\": 2, \"health\": 3, \"labour_market_distance\": 5}", 0,
                     &c, &body, &by);
    cr_assert_null(r);
    cr_assert(has_error(&c, "/by", "must be one of: caseworker, citizen"));
    check_end(&c);
    json_decref(body);
}

Test(review_input, a_citizen_naming_the_caseworker_is_told_apart_for_the_caller)
{
    json_t *body;
    struct check c;
    const char *by;
    json_t *r = read_ratings("{\"by\": \"caseworker\", \"life_mastery\": 2, \"health\": 3, "
                             "\"labour_market_distance\": 5}",
                             1, &c, &body, &by);
    cr_assert_str_eq(by, "caseworker");
    json_decref(r);
    check_end(&c);
    json_decref(body);
}

/* ---- own assessment ---- */

Test(review_input, own_assessment_needs_wishes_and_barriers)
{
    json_t *body = parse("{\"wishes\": \"Arbejde i en butik\", \"note\": \"x\"}");
    struct check c;
    const char *wishes, *barriers;
    check_begin(&c, body, "");
    review_read_own_assessment(&c, &wishes, &barriers);
    static const char *const want[] = {"/note", "/barriers"};
    assert_pointers(&c, want, 2);
    cr_assert_str_eq(wishes, "Arbejde i en butik");
    check_end(&c);
    json_decref(body);
}

/* ---- PATCH sections ---- */

static const struct review_context meeting_today = {{2026, 11, 25}, {2026, 11, 25}, 1, 7};
static const struct review_context after_reform = {{2027, 3, 1}, {2027, 3, 1}, 0, 7};

static void read_patch(const char *text, const struct review_context *ctx, struct check *c, json_t **body,
                       struct review_patch *p)
{
    *body = parse(text);
    check_begin(c, *body, "");
    review_read_patch(c, ctx, p);
}

Test(review_input, a_patch_names_the_members_it_sets_and_null_clears)
{
    json_t *body;
    struct check c;
    struct review_patch p;
    read_patch("{\"current_situation\": \"I praktik\", \"recommendation\": null, \"citizen_present\": true,"
               " \"follow_up_plan\": null}",
               &meeting_today, &c, &body, &p);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    cr_assert_eq(p.set, REVIEW_SET_CURRENT_SITUATION | REVIEW_SET_RECOMMENDATION | REVIEW_SET_CITIZEN_PRESENT |
                            REVIEW_SET_FOLLOW_UP_PLAN);
    cr_assert_str_eq(p.current_situation, "I praktik");
    cr_assert_null(p.recommendation);
    cr_assert_null(p.follow_up_plan);
    cr_assert_eq(p.citizen_present, 1);
    check_end(&c);
    json_decref(body);
}

Test(review_input, an_empty_patch_or_an_unknown_member_is_refused)
{
    json_t *body;
    struct check c;
    struct review_patch p;
    read_patch("{}", &meeting_today, &c, &body, &p);
    static const char *const whole[] = {""};
    assert_pointers(&c, whole, 1);
    check_end(&c);
    json_decref(body);
    read_patch("{\"status\": \"completed\"}", &meeting_today, &c, &body, &p);
    static const char *const status[] = {"/status"};
    assert_pointers(&c, status, 1);
    check_end(&c);
    json_decref(body);
}

Test(review_input, follow_ups_before_the_meeting_or_without_purpose_are_named)
{
    json_t *body;
    struct check c;
    struct review_patch p;
    read_patch("{\"follow_up_plan\": {\"follow_ups\": ["
               "{\"on\": \"2026-11-25\", \"purpose\": \"Samme dag\"},"
               "{\"on\": \"2026-11-24\", \"purpose\": \"Dagen før\"},"
               "{\"on\": \"2026-12-32\", \"purpose\": \"Ingen dato\"},"
               "{\"on\": \"2027-02-23\"}]}}",
               &meeting_today, &c, &body, &p);
    static const char *const want[] = {"/follow_up_plan/follow_ups/1/on", "/follow_up_plan/follow_ups/2/on",
                                       "/follow_up_plan/follow_ups/3/purpose"};
    assert_pointers(&c, want, 3);
    cr_assert(has_error(&c, "/follow_up_plan/follow_ups/1/on", "must not be before the meeting date"));
    cr_assert(has_error(&c, "/follow_up_plan/follow_ups/2/on", "must be a date (YYYY-MM-DD)"));
    check_end(&c);
    json_decref(body);
}

Test(review_input, planned_interventions_are_codes_starting_on_or_after_the_meeting)
{
    json_t *body;
    struct check c;
    struct review_patch p;
    read_patch("{\"overall_decision\": {\"outcome\": \"interventions\", \"interventions\": ["
               "{\"type\": \"virksomhedspraktik\", \"planned_start\": \"2026-12-09\", \"note\": \"Butik\"},"
               "{\"type\": \"Virksomhedspraktik!\"},"
               "{\"type\": \"mentor\", \"planned_start\": \"2026-11-01\"},"
               "{\"planned_start\": \"2026-12-01\"}],"
               " \"legal_basis\": [\"lab_kap_10_12\", \"lab_kap_10_12\", \"LAB 2\"]}}",
               &meeting_today, &c, &body, &p);
    static const char *const want[] = {
        "/overall_decision/interventions/1/type", "/overall_decision/interventions/2/planned_start",
        "/overall_decision/interventions/3/type", "/overall_decision/legal_basis/1",
        "/overall_decision/legal_basis/2"};
    assert_pointers(&c, want, 5);
    cr_assert(has_error(&c, "/overall_decision/legal_basis/1", "names a provision already in the list"));
    check_end(&c);
    json_decref(body);
}

Test(review_input, no_interventions_cannot_plan_any)
{
    json_t *body;
    struct check c;
    struct review_patch p;
    read_patch("{\"overall_decision\": {\"outcome\": \"no_interventions\", \"reasons\": \"Syg\","
               " \"interventions\": [{\"type\": \"mentor\"}], \"legal_basis\": [\"lab_kap_10_12\"]}}",
               &meeting_today, &c, &body, &p);
    static const char *const want[] = {"/overall_decision/interventions"};
    assert_pointers(&c, want, 1);
    check_end(&c);
    json_decref(body);
}

Test(review_input, ressourceforloeb_assessed_only_while_the_rules_have_it)
{
    const char *text = "{\"work_capacity\": {\"ressourceforloeb_assessed\": true}}";
    json_t *body;
    struct check c;
    struct review_patch p;
    read_patch(text, &meeting_today, &c, &body, &p);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    check_end(&c);
    json_decref(body);
    read_patch(text, &after_reform, &c, &body, &p);
    static const char *const want[] = {"/work_capacity/ressourceforloeb_assessed"};
    assert_pointers(&c, want, 1);
    check_end(&c);
    json_decref(body);
}

Test(review_input, work_capacity_members_are_typed_and_the_hearing_follows_the_decision_rules)
{
    json_t *body;
    struct check c;
    struct review_patch p;
    read_patch("{\"work_capacity\": {\"current_capacity\": \"15 timer\", \"deterioration_risk\": \"severe\","
               " \"target_group_right\": \"yes\", \"benefit_right\": null,"
               " \"hearing\": {\"status\": \"sent\", \"sent_on\": \"2026-11-20\"}}}",
               &meeting_today, &c, &body, &p);
    static const char *const want[] = {"/work_capacity/deterioration_risk", "/work_capacity/target_group_right",
                                       "/work_capacity/hearing/response_deadline"};
    assert_pointers(&c, want, 3);
    cr_assert(has_error(&c, "/work_capacity/hearing/response_deadline", "required when the hearing was sent"));
    check_end(&c);
    json_decref(body);
}

/* ---- meeting times ---- */

Test(review_input, meeting_times_are_rfc3339_with_a_zone)
{
    long long at;
    /* 2026-11-25 is day 20782 since 1970-01-01. */
    cr_assert(review_parse_timestamp("2026-11-25T09:30:00Z", &at));
    cr_assert_eq(at, 20782LL * 86400 + 9 * 3600 + 30 * 60);
    cr_assert(review_parse_timestamp("2026-11-25T10:30:00.250+01:00", &at));
    cr_assert_eq(at, 20782LL * 86400 + 9 * 3600 + 30 * 60);
    cr_assert(review_parse_timestamp("2026-11-25t01:00:00-02:00", &at));
    cr_assert_eq(at, 20782LL * 86400 + 3 * 3600);
    static const char *const bad[] = {"2026-11-25T09:30:00", "2026-11-25 09:30:00Z", "2026-11-25T24:00:00Z",
                                      "2026-02-30T09:30:00Z", "2026-11-25T09:30:00+0100", "2026-11-25T09:30Z",
                                      "2026-11-25T09:30:00.Z", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(review_parse_timestamp(bad[i], &at), 0, "%s", bad[i]);
}

/* ---- completeness ---- */

/* A review document as review_document() writes it, every section filled in. */
#define FULL_REVIEW                                                                                           \
    "{\"meeting_on\": \"2026-11-25\", \"citizen_present\": true, \"sections\": {"                             \
    "\"status\": {\"interventions\": [], \"current_situation\": \"I praktik\"},"                              \
    "\"own_assessment\": {\"wishes\": \"w\", \"barriers\": \"b\", \"written_by\": \"citizen\"},"               \
    "\"work_capacity\": {\"current_capacity\": \"15 timer\", \"deterioration_risk\": \"medium\","             \
    " \"interdisciplinary_need\": false, \"target_group_right\": true, \"benefit_right\": true,"             \
    " \"placement_note\": \"Passer\", \"compensation_options\": \"Skånehensyn\", \"ressourceforloeb_assessed\": true}," \
    "\"overall_decision\": {\"outcome\": \"interventions\", \"interventions\": [{\"type\": \"mentor\"}],"    \
    " \"legal_basis\": [\"lab_kap_10_12\"]},"                                                                \
    "\"follow_up_plan\": {\"follow_ups\": [{\"on\": \"2026-12-25\", \"purpose\": \"p\"}]},"                   \
    "\"indicators\": {\"who5\": {\"items\": [1, 1, 1, 1, 1], \"score\": 20, \"answered_by\": \"citizen\"},"  \
    " \"ratings\": {\"caseworker\": {\"health\": 3}, \"citizen\": {\"health\": 2}}}}}"

/* The pointers review_check_complete names for doc with the members at paths set to value. */
static void complete_with(const char *const (*paths)[2], size_t n, const struct review_context *ctx,
                          struct check *c, json_t **doc)
{
    *doc = parse(FULL_REVIEW);
    for (size_t i = 0; i < n; i++) {
        json_t *parent = *doc;
        char path[160];
        snprintf(path, sizeof(path), "%s", paths[i][0]);
        char *key = path, *slash;
        while ((slash = strchr(key, '/'))) {
            *slash = '\0';
            parent = json_object_get(parent, key);
            key = slash + 1;
        }
        json_object_set_new(parent, key, parse(paths[i][1]));
    }
    check_begin(c, *doc, "");
    review_check_complete(c, *doc, ctx);
}

Test(review_input, a_full_review_lacks_nothing)
{
    json_t *doc;
    struct check c;
    complete_with(NULL, 0, &meeting_today, &c, &doc);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    check_end(&c);
    json_decref(doc);
}

Test(review_input, each_missing_section_yields_its_pointer)
{
    static const char *const cases[][2] = {
        {"sections/status/current_situation", "/sections/status/current_situation"},
        {"sections/own_assessment", "/sections/own_assessment"},
        {"sections/work_capacity", "/sections/work_capacity"},
        {"sections/overall_decision", "/sections/overall_decision"},
        {"sections/follow_up_plan", "/sections/follow_up_plan"},
        {"sections/indicators/who5", "/sections/indicators/who5"},
        {"sections/indicators/ratings/caseworker", "/sections/indicators/ratings/caseworker"},
        {"sections/indicators/ratings/citizen", "/sections/indicators/ratings/citizen"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *const set[][2] = {{cases[i][0], "null"}};
        json_t *doc;
        struct check c;
        complete_with(set, 1, &meeting_today, &c, &doc);
        const char *const want[] = {cases[i][1]};
        assert_pointers(&c, want, 1);
        check_end(&c);
        json_decref(doc);
    }
}

Test(review_input, every_section_missing_names_all_eight)
{
    const char *const set[][2] = {
        {"sections/status/current_situation", "null"}, {"sections/own_assessment", "null"},
        {"sections/work_capacity", "null"}, {"sections/overall_decision", "null"},
        {"sections/follow_up_plan", "null"}, {"sections/indicators/who5", "null"},
        {"sections/indicators/ratings/caseworker", "null"}, {"sections/indicators/ratings/citizen", "null"},
    };
    json_t *doc;
    struct check c;
    complete_with(set, 8, &meeting_today, &c, &doc);
    static const char *const want[] = {
        "/sections/status/current_situation", "/sections/own_assessment", "/sections/work_capacity",
        "/sections/overall_decision", "/sections/follow_up_plan", "/sections/indicators/who5",
        "/sections/indicators/ratings/caseworker", "/sections/indicators/ratings/citizen"};
    assert_pointers(&c, want, 8);
    check_end(&c);
    json_decref(doc);
}

Test(review_input, missing_members_of_work_capacity_are_named_one_by_one)
{
    const char *const set[][2] = {{"sections/work_capacity",
                                   "{\"current_capacity\": \"15 timer\", \"benefit_right\": true,"
                                   " \"deterioration_note\": null}"}};
    json_t *doc;
    struct check c;
    complete_with(set, 1, &meeting_today, &c, &doc);
    static const char *const want[] = {
        "/sections/work_capacity/deterioration_risk", "/sections/work_capacity/interdisciplinary_need",
        "/sections/work_capacity/target_group_right", "/sections/work_capacity/compensation_options",
        "/sections/work_capacity/ressourceforloeb_assessed"};
    assert_pointers(&c, want, 5);
    check_end(&c);
    json_decref(doc);
}

Test(review_input, ressourceforloeb_assessed_is_required_only_while_the_rules_have_it)
{
    const char *const set[][2] = {{"sections/work_capacity/ressourceforloeb_assessed", "null"},
                                  {"meeting_on", "\"2027-03-01\""}};
    json_t *doc;
    struct check c;
    complete_with(set, 1, &meeting_today, &c, &doc);
    static const char *const want[] = {"/sections/work_capacity/ressourceforloeb_assessed"};
    assert_pointers(&c, want, 1);
    check_end(&c);
    json_decref(doc);
    complete_with(set, 2, &after_reform, &c, &doc);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    check_end(&c);
    json_decref(doc);
}

Test(review_input, the_overall_decision_needs_interventions_or_reasons_and_a_legal_basis)
{
    const char *const planless[][2] = {{"sections/overall_decision",
                                        "{\"outcome\": \"interventions\", \"interventions\": [], \"legal_basis\": []}"}};
    json_t *doc;
    struct check c;
    complete_with(planless, 1, &meeting_today, &c, &doc);
    static const char *const want1[] = {"/sections/overall_decision/interventions",
                                        "/sections/overall_decision/legal_basis"};
    assert_pointers(&c, want1, 2);
    check_end(&c);
    json_decref(doc);

    const char *const reasonless[][2] = {
        {"sections/overall_decision", "{\"outcome\": \"no_interventions\", \"legal_basis\": [\"lab_kap_10_12\"]}"}};
    complete_with(reasonless, 1, &meeting_today, &c, &doc);
    static const char *const want2[] = {"/sections/overall_decision/reasons"};
    assert_pointers(&c, want2, 1);
    check_end(&c);
    json_decref(doc);

    const char *const outcomeless[][2] = {{"sections/overall_decision", "{\"legal_basis\": [\"lab_kap_10_12\"]}"}};
    complete_with(outcomeless, 1, &meeting_today, &c, &doc);
    static const char *const want3[] = {"/sections/overall_decision/outcome"};
    assert_pointers(&c, want3, 1);
    check_end(&c);
    json_decref(doc);
}

Test(review_input, a_follow_up_plan_without_follow_ups_is_named)
{
    const char *const set[][2] = {{"sections/follow_up_plan", "{\"follow_ups\": []}"}};
    json_t *doc;
    struct check c;
    complete_with(set, 1, &meeting_today, &c, &doc);
    static const char *const want[] = {"/sections/follow_up_plan/follow_ups"};
    assert_pointers(&c, want, 1);
    check_end(&c);
    json_decref(doc);
}

Test(review_input, a_refused_placement_needs_reasons_and_a_hearing_when_the_citizen_was_absent)
{
    const char *const absent[][2] = {{"sections/work_capacity/benefit_right", "false"},
                                     {"sections/work_capacity/placement_note", "null"},
                                     {"citizen_present", "false"}};
    json_t *doc;
    struct check c;
    complete_with(absent, 3, &meeting_today, &c, &doc);
    cr_assert(review_needs_hearing(doc));
    cr_assert_eq(review_placement_granted(json_object_get(json_object_get(doc, "sections"), "work_capacity")), 0);
    static const char *const want[] = {"/sections/work_capacity/placement_note", "/sections/work_capacity/hearing"};
    assert_pointers(&c, want, 2);
    check_end(&c);
    json_decref(doc);

    /* Present at the meeting: the information was gone through there. */
    complete_with(absent, 2, &meeting_today, &c, &doc);
    cr_assert_eq(review_needs_hearing(doc), 0);
    static const char *const reasons[] = {"/sections/work_capacity/placement_note"};
    assert_pointers(&c, reasons, 1);
    check_end(&c);
    json_decref(doc);

    /* Absent, but heard in writing. */
    const char *const heard[][2] = {{"sections/work_capacity/benefit_right", "false"},
                                    {"citizen_present", "null"},
                                    {"sections/work_capacity/hearing",
                                     "{\"status\": \"answered\", \"sent_on\": \"2026-11-01\","
                                     " \"response_deadline\": \"2026-11-15\", \"answered_on\": \"2026-11-10\"}"}};
    complete_with(heard, 3, &meeting_today, &c, &doc);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    check_end(&c);
    json_decref(doc);
}

Test(review_input, no_interventions_is_adverse_and_needs_a_hearing_when_the_citizen_was_absent)
{
    const char *const set[][2] = {
        {"sections/overall_decision",
         "{\"outcome\": \"no_interventions\", \"reasons\": \"Syg\", \"legal_basis\": [\"lab_kap_10_12\"]}"},
        {"citizen_present", "false"}};
    json_t *doc;
    struct check c;
    complete_with(set, 2, &meeting_today, &c, &doc);
    cr_assert(review_no_interventions(json_object_get(doc, "sections")));
    static const char *const want[] = {"/sections/work_capacity/hearing"};
    assert_pointers(&c, want, 1);
    check_end(&c);
    json_decref(doc);
}

Test(review_input, a_meeting_not_yet_held_cannot_be_completed)
{
    const struct review_context later = {{2026, 11, 25}, {2026, 11, 26}, 1, 7};
    json_t *doc;
    struct check c;
    complete_with(NULL, 0, &later, &c, &doc);
    static const char *const want[] = {"/meeting_on"};
    assert_pointers(&c, want, 1);
    check_end(&c);
    json_decref(doc);
}
