/* The caseload over HTTP: per caseworker the open cases by category (target group first,
 * then age under 30 from the CPR number), the load against the default recommended ranges
 * and its status at each boundary, continuity over the last 12 months; who sees which
 * rows; bulk reassignment by a team lead, all or nothing, with every change kept, an event
 * and an access-log row per case. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

/* Municipality codes of this file's tests (caseload 878-883, see fixtures.h). Each test
 * asserts only its own caseworkers' rows, except the visibility test, which asserts the
 * whole list and so has a code to itself. */
#define RANGE_CATEGORIES 878, 878
#define RANGE_STATUS 879, 879
#define RANGE_CONTINUITY 880, 880
#define RANGE_VISIBILITY 881, 881
#define RANGE_BULK 882, 882
#define RANGE_ALL_OR_NOTHING 883, 883

/* Every case here entered its target group on this day, when each group used (jobparat,
 * aktivitetsparat, jobafklaring, ressourceforloeb) was in force, so the cases can be
 * created before and after the 2027 reform alike. */
#define SINCE "2025-03-01"

/* A municipality of the test's own, today, and a team lead of it. */
struct world {
    char municipality[4];
    char today[11];
    struct fx_actor lead;
};

static void world_open(struct world *w, int lo, int hi)
{
    fx_random_municipality(lo, hi, w->municipality);
    fx_today(w->today);
    fx_staff(&w->lead, "team_lead", w->municipality);
}

static void world_close(struct world *w)
{
    fx_actor_free(&w->lead);
}

static int this_year(const struct world *w)
{
    return atoi(w->today);
}

/* A CPR number of someone born on date ("YYYY-MM-DD", 1900-2036): the seventh digit by
 * the century rule (0-3 for the 1900s, 4 for 2000-2036) and a random serial. */
static void cpr_born_on(const char *date, char out[11])
{
    int y, m, d;
    cr_assert(sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3 && y >= 1900 && y <= 2036, "not a date: %s", date);
    uint64_t r = fx_random_u64();
    int century = y < 2000 ? (int)(r % 4) : 4;
    char cpr[32];
    snprintf(cpr, sizeof(cpr), "%02d%02d%02d%d%03d", d, m, y % 100, century, (int)((r / 4) % 1000));
    cr_assert_eq(strlen(cpr), 10, "not a date: %s", date);
    memcpy(out, cpr, 11);
}

/* POST /v1/cases as the team lead: citizen_id's case in target group tg since SINCE, with
 * kontanthjælp, for caseworker. Writes its id. */
static void open_case(const struct world *w, const char *caseworker, const char *citizen_id, const char *tg,
                      char id[FX_UUID_LEN])
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen_id, "target_group", tg,
                             "target_group_since", SINCE, "benefit", "kontanthjaelp", "benefit_start", SINCE,
                             "caseworker", caseworker);
    cr_assert_not_null(body);
    struct http_response r;
    fx_call("POST", "/v1/cases", &w->lead, body, NULL, 0, &r);
    fx_assert_status(&r, 201);
    json_t *doc = fx_body(&r);
    const char *v = json_string_value(json_object_get(doc, "id"));
    cr_assert(v && strlen(v) == FX_UUID_LEN - 1, "the new case has no id");
    memcpy(id, v, FX_UUID_LEN);
    json_decref(doc);
    http_response_free(&r);
}

/* A fresh citizen born on birth ("YYYY-MM-DD") with a case in tg for caseworker. */
static void case_born_on(const struct world *w, const char *caseworker, const char *tg, const char *birth,
                         char id[FX_UUID_LEN])
{
    char cpr[11], citizen[FX_UUID_LEN];
    cpr_born_on(birth, cpr);
    fx_register_citizen(&w->lead, cpr, citizen);
    open_case(w, caseworker, citizen, tg, id);
}

/* A fresh citizen born some day in year with a case in tg for caseworker. */
static void case_born_in(const struct world *w, const char *caseworker, const char *tg, int year,
                         char id[FX_UUID_LEN])
{
    char cpr[11], citizen[FX_UUID_LEN];
    fx_random_cpr_born(year, cpr);
    fx_register_citizen(&w->lead, cpr, citizen);
    open_case(w, caseworker, citizen, tg, id);
}

static double number_of(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    cr_assert(json_is_number(v), "%s is not a number", key);
    return json_number_value(v);
}

static void assert_near(double got, double want, const char *what)
{
    double d = got - want;
    cr_assert(d < 1e-9 && d > -1e-9, "%s is %.6f, want %.6f", what, got, want);
}

/* GET /v1/caseload as a, one caseworker a page (limit=1) until next_cursor is null, so
 * every test walks the pages; fails unless each page has at most one row, as_of is today
 * and ranges are the defaults (scripts/test.sh leaves FREMDRIFT_CASELOAD_RANGES unset).
 * Returns the caseworkers of every page in order, which the caller json_decref's. */
static json_t *caseload_rows(const struct fx_actor *a)
{
    char today[11], cursor[80] = "";
    fx_today(today);
    json_t *rows = json_array();
    for (int page = 0; page < 50; page++) {
        char path[160];
        snprintf(path, sizeof(path), "/v1/caseload?limit=1%s%s", *cursor ? "&cursor=" : "", cursor);
        json_t *doc = fx_get_json(a, path);
        fx_assert_member(doc, "as_of", today);
        json_t *ranges = json_object_get(doc, "ranges");
        static const struct {
            const char *category;
            int min, max;
        } defaults[] = {{"young", 35, 50}, {"adult", 40, 55}, {"ressourceforloeb", 30, 40}, {"job_ready", 50, 70}};
        cr_assert_eq(json_object_size(ranges), 4, "ranges has %zu categories, want 4", json_object_size(ranges));
        for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
            json_t *range = json_object_get(ranges, defaults[i].category);
            cr_assert(json_is_object(range), "ranges has no %s", defaults[i].category);
            assert_near(number_of(range, "min"), defaults[i].min, defaults[i].category);
            assert_near(number_of(range, "max"), defaults[i].max, defaults[i].category);
        }
        json_t *page_rows = json_object_get(doc, "caseworkers");
        cr_assert(json_is_array(page_rows), "the caseload has no caseworkers[]");
        cr_assert(json_array_size(page_rows) <= 1, "limit=1 gave %zu rows", json_array_size(page_rows));
        json_array_extend(rows, page_rows);
        json_t *next = json_object_get(doc, "next_cursor");
        cr_assert(json_is_null(next) || json_is_string(next), "next_cursor is neither a cursor nor null");
        if (json_is_null(next)) {
            json_decref(doc);
            return rows;
        }
        cr_assert(json_array_size(page_rows) == 1, "a page with a next_cursor has no row");
        snprintf(cursor, sizeof(cursor), "%s", json_string_value(next));
        json_decref(doc);
    }
    cr_assert_fail("GET /v1/caseload does not end after 50 pages");
    return rows;
}

/* What one caseworker's row must say. */
struct load_want {
    int young, adult, ressourceforloeb, job_ready;
    double load;
    const char *status;
    double changes;
};

/* Fails unless reader's caseload holds exactly one row for caseworker, saying want. */
static void assert_load(const struct fx_actor *reader, const char *caseworker, const struct load_want *want)
{
    json_t *rows = caseload_rows(reader);
    json_t *row = fx_find_row(rows, "caseworker", caseworker);
    cr_assert_not_null(row, "the caseload has no row for %s", caseworker);
    int total = want->young + want->adult + want->ressourceforloeb + want->job_ready;
    assert_near(number_of(row, "open_cases"), total, "open_cases");
    json_t *by = json_object_get(row, "by_category");
    assert_near(number_of(by, "young"), want->young, "by_category.young");
    assert_near(number_of(by, "adult"), want->adult, "by_category.adult");
    assert_near(number_of(by, "ressourceforloeb"), want->ressourceforloeb, "by_category.ressourceforloeb");
    assert_near(number_of(by, "job_ready"), want->job_ready, "by_category.job_ready");
    assert_near(number_of(row, "load"), want->load, "load");
    fx_assert_member(row, "status", want->status);
    assert_near(number_of(row, "changes_per_case_12m"), want->changes, "changes_per_case_12m");
    json_decref(rows);
}

/* Fails if reader's caseload has a row for caseworker. */
static void assert_no_row(const struct fx_actor *reader, const char *caseworker)
{
    json_t *rows = caseload_rows(reader);
    cr_assert_null(fx_find_row(rows, "caseworker", caseworker), "the caseload has a row for %s", caseworker);
    json_decref(rows);
}

/* ---- categories ---- */

Test(caseload, open_cases_are_counted_by_category_target_group_first_then_age_from_the_cpr, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, RANGE_CATEGORIES);
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", w.municipality);
    char thirty_years_ago[11], day_after[11], id[FX_UUID_LEN], closing[FX_UUID_LEN];
    fx_date_add_months(w.today, -360, thirty_years_ago);
    fx_date_add(thirty_years_ago, 1, day_after);
    int year = this_year(&w);

    /* young: under 30 today, one of them turning 30 tomorrow. */
    case_born_on(&w, cw.sub, "aktivitetsparat", day_after, id);
    case_born_in(&w, cw.sub, "aktivitetsparat", year - 20, id);
    /* adult: one turned 30 today, one 50, one in another target group. */
    case_born_on(&w, cw.sub, "aktivitetsparat", thirty_years_ago, id);
    case_born_in(&w, cw.sub, "aktivitetsparat", year - 50, id);
    case_born_in(&w, cw.sub, "jobafklaring", year - 45, id);
    /* The target group goes before age: a 22-year-old in ressourceforløb, a 25-year-old
     * jobparat and a 55-year-old jobparat. */
    case_born_in(&w, cw.sub, "ressourceforloeb", year - 22, id);
    case_born_in(&w, cw.sub, "jobparat", year - 25, id);
    case_born_in(&w, cw.sub, "jobparat", year - 55, id);
    /* A fourth adult, whose case is closed below. */
    case_born_in(&w, cw.sub, "aktivitetsparat", year - 40, closing);

    /* 2 young, 4 adult, 1 ressourceforløb, 2 job-ready:
     * load = 2/50 + 4/55 + 1/40 + 2/70 = 0.04 + 0.072727 + 0.025 + 0.028571 = 0.166299 → 0.166;
     * of the minimums 2/35 + 4/40 + 1/30 + 2/50 = 0.230 < 1: below. No change of caseworker:
     * the first assignment of a case is not a change. */
    struct load_want open = {2, 4, 1, 2, 0.166, "below", 0};
    assert_load(&w.lead, cw.sub, &open);
    assert_load(&cw, cw.sub, &open);

    /* Closed cases are not counted: 3 adults,
     * load = 0.04 + 3/55 + 0.025 + 0.028571 = 0.04 + 0.054545 + 0.025 + 0.028571 = 0.148117 → 0.148. */
    fx_close_case(&w.lead, closing);
    struct load_want after_close = {2, 3, 1, 2, 0.148, "below", 0};
    assert_load(&w.lead, cw.sub, &after_close);

    fx_actor_free(&cw);
    world_close(&w);
}

/* ---- status against the ranges ---- */

/* n fresh citizens of some adult age with a case in tg for caseworker. */
static void add_cases(const struct world *w, const char *caseworker, const char *tg, int n)
{
    char id[FX_UUID_LEN];
    for (int i = 0; i < n; i++)
        case_born_in(w, caseworker, tg, this_year(w) - 40, id);
}

Test(caseload, status_is_within_from_the_minimum_and_above_only_past_the_maximum, .timeout = FX_TIMEOUT * 4)
{
    struct world w;
    world_open(&w, RANGE_STATUS);
    char cw[64];
    fx_unique("caseworker", cw, sizeof(cw));

    /* Ressourceforløb, 30-40. 29 cases: 29/30 < 1 of the minimum, below; load 29/40 = 0.725. */
    add_cases(&w, cw, "ressourceforloeb", 29);
    assert_load(&w.lead, cw, &(struct load_want){0, 0, 29, 0, 0.725, "below", 0});
    /* 30: 30/30 = 1 reaches the minimum, within; load 30/40 = 0.75. */
    add_cases(&w, cw, "ressourceforloeb", 1);
    assert_load(&w.lead, cw, &(struct load_want){0, 0, 30, 0, 0.75, "within", 0});
    /* 40: load 40/40 = 1 is a full load, still within. */
    add_cases(&w, cw, "ressourceforloeb", 10);
    assert_load(&w.lead, cw, &(struct load_want){0, 0, 40, 0, 1, "within", 0});
    /* 41: load 41/40 = 1.025 > 1, above. */
    add_cases(&w, cw, "ressourceforloeb", 1);
    assert_load(&w.lead, cw, &(struct load_want){0, 0, 41, 0, 1.025, "above", 0});
    world_close(&w);
}

Test(caseload, the_minimum_is_reached_by_the_sum_over_the_categories, .timeout = FX_TIMEOUT * 4)
{
    struct world w;
    world_open(&w, RANGE_STATUS);
    char cw[64];
    fx_unique("caseworker", cw, sizeof(cw));

    /* 29 ressourceforløb and 1 job-ready: 29/30 + 1/50 = 0.966667 + 0.02 = 0.986667 < 1,
     * below (a job-ready case weighs 1/50, not 1/30); load 29/40 + 1/70 = 0.725 + 0.014286
     * = 0.739286 → 0.739. */
    add_cases(&w, cw, "ressourceforloeb", 29);
    add_cases(&w, cw, "jobparat", 1);
    assert_load(&w.lead, cw, &(struct load_want){0, 0, 29, 1, 0.739, "below", 0});
    /* A second job-ready case: 29/30 + 2/50 = 1.006667 >= 1, within; load 0.725 + 2/70 =
     * 0.725 + 0.028571 = 0.753571 → 0.754. */
    add_cases(&w, cw, "jobparat", 1);
    assert_load(&w.lead, cw, &(struct load_want){0, 0, 29, 2, 0.754, "within", 0});
    world_close(&w);
}

/* ---- continuity ---- */

/* POST /v1/caseload/reassignments as a: ids (consumed) to caseworker, tagged with a fresh
 * X-Request-Id written to rid (NULL: not kept). The caller frees out. Returns the status. */
static int reassign(const struct fx_actor *a, json_t *ids, const char *caseworker, char rid[64],
                    struct http_response *out)
{
    char own[64];
    char *id = rid ? rid : own;
    fx_unique("reassign", id, 64);
    const struct http_header h[] = {{"X-Request-Id", id}};
    json_t *body = json_pack("{s:o, s:s}", "case_ids", ids, "caseworker", caseworker);
    cr_assert_not_null(body);
    return fx_call("POST", "/v1/caseload/reassignments", a, body, h, 1, out);
}

/* reassign asserting 200 and that every case named now has caseworker. */
static void reassign_ok(const struct fx_actor *a, json_t *ids, const char *caseworker)
{
    size_t n = json_array_size(ids);
    struct http_response r;
    reassign(a, ids, caseworker, NULL, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    assert_near(number_of(doc, "reassigned"), (double)n, "reassigned");
    json_t *cases = json_object_get(doc, "cases"), *c;
    cr_assert_eq(json_array_size(cases), n, "cases[] has %zu entries, want %zu", json_array_size(cases), n);
    size_t i;
    json_array_foreach(cases, i, c)
        fx_assert_member(c, "caseworker", caseworker);
    json_decref(doc);
    http_response_free(&r);
}

/* The latest caseworker assignment of case_id (its last change) as if made at when, an SQL
 * expression of now(): no API call can date a change in the past. */
static void backdate_last_change(const char *case_id, const char *when)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "UPDATE caseworker_assignments SET assigned_at = %s WHERE id = (SELECT max(id) FROM "
             "caseworker_assignments WHERE case_id = $1::uuid AND role = 'caseworker')",
             when);
    const char *params[] = {case_id};
    fx_owner_update_one(sql, 1, params);
}

Test(caseload, changes_per_case_count_the_changes_of_the_last_12_months, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, RANGE_CONTINUITY);
    char first[64], second[64], c1[FX_UUID_LEN], c2[FX_UUID_LEN], c3[FX_UUID_LEN];
    fx_unique("caseworker", first, sizeof(first));
    fx_unique("caseworker", second, sizeof(second));
    int year = this_year(&w);
    case_born_in(&w, first, "aktivitetsparat", year - 40, c1);
    case_born_in(&w, first, "aktivitetsparat", year - 41, c2);
    case_born_in(&w, first, "aktivitetsparat", year - 42, c3);

    /* Three adults (3/55 = 0.054545 → 0.055); the first assignment is no change. */
    assert_load(&w.lead, first, &(struct load_want){0, 3, 0, 0, 0.055, "below", 0});

    /* All three move to the second caseworker (one change each); c2 goes back and forth
     * once more (two more): 1 + 3 + 1 = 5 changes over 3 cases = 1.666667 → 1.67. */
    reassign_ok(&w.lead, json_pack("[s, s, s]", c1, c2, c3), second);
    reassign_ok(&w.lead, json_pack("[s]", c2), first);
    reassign_ok(&w.lead, json_pack("[s]", c2), second);
    assert_no_row(&w.lead, first);
    assert_load(&w.lead, second, &(struct load_want){0, 3, 0, 0, 0.055, "below", 1.67});

    /* c1's change as if made 12 months and a day ago: no longer counted; c3's as if made a
     * day short of 12 months ago: still counted. 0 + 3 + 1 = 4 over 3 = 1.333333 → 1.33. */
    backdate_last_change(c1, "now() - interval '12 months' - interval '1 day'");
    backdate_last_change(c3, "now() - interval '12 months' + interval '1 day'");
    assert_load(&w.lead, second, &(struct load_want){0, 3, 0, 0, 0.055, "below", 1.33});
    world_close(&w);
}

/* ---- who sees which rows ---- */

/* Fails unless a's caseload lists exactly the caseworkers named, in this order. */
static void assert_rows_are(const struct fx_actor *a, const char *const *caseworkers, size_t n)
{
    json_t *rows = caseload_rows(a);
    cr_assert_eq(json_array_size(rows), n, "%s sees %zu caseload rows, want %zu", a->sub, json_array_size(rows), n);
    for (size_t i = 0; i < n; i++)
        fx_assert_member(json_array_get(rows, i), "caseworker", caseworkers[i]);
    json_decref(rows);
}

static void assert_refused(const struct fx_actor *a, int status)
{
    struct http_response r;
    fx_call("GET", "/v1/caseload", a, NULL, NULL, 0, &r);
    fx_assert_problem(&r, status);
    http_response_free(&r);
}

Test(caseload, a_team_lead_sees_every_caseworker_and_a_caseworker_only_their_own_row, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, RANGE_VISIBILITY);
    struct fx_actor a, b, idle, auditor, integration, other_lead, citizen;
    fx_staff(&a, "caseworker", w.municipality);
    fx_staff(&b, "caseworker", w.municipality);
    fx_staff(&idle, "caseworker", w.municipality);
    fx_staff(&auditor, "auditor", w.municipality);
    fx_staff(&integration, "integration", w.municipality);
    fx_staff(&other_lead, "team_lead", FX_OTHER_MUNICIPALITY);
    char id[FX_UUID_LEN], cpr[11], citizen_id[FX_UUID_LEN];
    int year = this_year(&w);
    case_born_in(&w, a.sub, "jobparat", year - 35, id);
    case_born_in(&w, b.sub, "jobparat", year - 36, id);
    fx_random_cpr_born(year - 37, cpr);
    fx_register_citizen(&w.lead, cpr, citizen_id);
    open_case(&w, b.sub, citizen_id, "jobparat", id);
    fx_citizen(&citizen, cpr);

    /* The municipality is this test's alone: the team lead sees exactly a and b, ordered by
     * caseworker id. */
    const char *both[2] = {a.sub, b.sub};
    if (strcmp(a.sub, b.sub) > 0) {
        both[0] = b.sub;
        both[1] = a.sub;
    }
    assert_rows_are(&w.lead, both, 2);
    /* 1 and 2 job-ready cases: load 1/70 = 0.014 and 2/70 = 0.029. */
    assert_load(&w.lead, a.sub, &(struct load_want){0, 0, 0, 1, 0.014, "below", 0});
    assert_load(&w.lead, b.sub, &(struct load_want){0, 0, 0, 2, 0.029, "below", 0});

    /* Each caseworker their own row, with the same figures; one without cases none. */
    const char *own_a[] = {a.sub}, *own_b[] = {b.sub};
    assert_rows_are(&a, own_a, 1);
    assert_load(&a, a.sub, &(struct load_want){0, 0, 0, 1, 0.014, "below", 0});
    assert_rows_are(&b, own_b, 1);
    assert_rows_are(&idle, NULL, 0);
    /* Another municipality's team lead sees neither. */
    assert_no_row(&other_lead, a.sub);
    assert_no_row(&other_lead, b.sub);

    /* Only caseworkers and team leads: the citizen, an auditor and an integration 403, no
     * token 401. */
    assert_refused(&citizen, 403);
    assert_refused(&auditor, 403);
    assert_refused(&integration, 403);
    assert_refused(NULL, 401);

    fx_actor_free(&citizen);
    fx_actor_free(&other_lead);
    fx_actor_free(&integration);
    fx_actor_free(&auditor);
    fx_actor_free(&idle);
    fx_actor_free(&b);
    fx_actor_free(&a);
    world_close(&w);
}

/* ---- bulk reassignment ---- */

/* GET /v1/cases/{id}/assignments as a; the items array, which the caller json_decref's. */
static json_t *assignments(const struct fx_actor *a, const char *case_id)
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/cases/%s/assignments", case_id);
    json_t *doc = fx_get_json(a, path);
    json_t *items = json_incref(json_object_get(doc, "items"));
    cr_assert(json_is_array(items), "GET %s has no items[]", path);
    json_decref(doc);
    return items;
}

/* Fails unless assignment i of items is the caseworker staff_id, made by assigned_by. */
static void assert_assignment(json_t *items, size_t i, const char *staff_id, const char *assigned_by)
{
    json_t *a = json_array_get(items, i);
    cr_assert_not_null(a, "no assignment %zu", i);
    fx_assert_member(a, "role", "caseworker");
    fx_assert_member(a, "staff_id", staff_id);
    fx_assert_member(a, "assigned_by", assigned_by);
}

/* The case.updated events of case_id, counted as the schema owner (the feed is for
 * integrations); with caseworker non-NULL only those whose case names that caseworker. */
static long long updated_events(const char *case_id, const char *caseworker)
{
    const char *params[] = {case_id, caseworker ? caseworker : ""};
    return fx_owner_value("SELECT count(*) FROM events WHERE resource_id = $1::uuid AND type = 'case.updated' "
                          "AND ($2 = '' OR payload ->> 'caseworker' = $2)",
                          2, params);
}

Test(caseload, a_team_lead_reassigns_cases_in_bulk_and_every_change_is_kept, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, RANGE_BULK);
    struct fx_actor from, to, auditor;
    fx_staff(&from, "caseworker", w.municipality);
    fx_staff(&to, "caseworker", w.municipality);
    fx_staff(&auditor, "auditor", w.municipality);
    char cpr[3][11], citizen[3][FX_UUID_LEN], ids[3][FX_UUID_LEN], rid[64];
    for (int i = 0; i < 3; i++)
        fx_new_case(&from, cpr[i], citizen[i], ids[i]);
    assert_load(&from, from.sub, &(struct load_want){0, 0, 0, 3, 0.043, "below", 0});

    struct http_response r;
    reassign(&w.lead, json_pack("[s, s, s]", ids[2], ids[0], ids[1]), to.sub, rid, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    assert_near(number_of(doc, "reassigned"), 3, "reassigned");
    /* The cases as they are now, in the order named: each at version 2 with the new caseworker. */
    json_t *cases = json_object_get(doc, "cases");
    cr_assert_eq(json_array_size(cases), 3, "cases[] has %zu entries, want 3", json_array_size(cases));
    const int order[3] = {2, 0, 1};
    for (int i = 0; i < 3; i++) {
        json_t *c = json_array_get(cases, (size_t)i);
        fx_assert_member(c, "id", ids[order[i]]);
        fx_assert_member(c, "caseworker", to.sub);
        assert_near(number_of(c, "version"), 2, "version");
        assert_near(number_of(c, "caseworker_changes"), 1, "caseworker_changes");
    }
    json_decref(doc);
    http_response_free(&r);

    json_t *log = NULL;
    for (int i = 0; i < 3; i++) {
        /* The history keeps the first caseworker and the move, by the team lead. */
        json_t *items = assignments(&w.lead, ids[i]);
        cr_assert_eq(json_array_size(items), 2, "case %d has %zu assignments, want 2", i, json_array_size(items));
        assert_assignment(items, 0, from.sub, from.sub);
        assert_assignment(items, 1, to.sub, w.lead.sub);
        json_decref(items);
        json_t *c = fx_get_case(&to, ids[i]);
        fx_assert_member(c, "caseworker", to.sub);
        json_decref(c);
        /* One case.updated event naming the new caseworker, and an update in the access log
         * by the team lead under the request's id. */
        cr_assert_eq(updated_events(ids[i], NULL), 1, "case %d has %lld case.updated events, want 1", i,
                     updated_events(ids[i], NULL));
        cr_assert_eq(updated_events(ids[i], to.sub), 1, "case %d: the event does not name the new caseworker", i);
        log = fx_access_log_rows(&auditor, ids[i]);
        fx_assert_logged(log, rid, "update", "case", &w.lead, citizen[i]);
        json_decref(log);
    }

    /* The caseload follows: all three with the new caseworker, one change each. */
    assert_no_row(&w.lead, from.sub);
    assert_load(&w.lead, to.sub, &(struct load_want){0, 0, 0, 3, 0.043, "below", 1});
    assert_load(&to, to.sub, &(struct load_want){0, 0, 0, 3, 0.043, "below", 1});

    fx_actor_free(&auditor);
    fx_actor_free(&to);
    fx_actor_free(&from);
    world_close(&w);
}

/* Fails unless case_id is untouched: caseworker, version 1, one assignment, no event. */
static void assert_not_moved(const struct fx_actor *a, const char *case_id, const char *caseworker)
{
    json_t *c = fx_get_case(a, case_id);
    fx_assert_member(c, "caseworker", caseworker);
    assert_near(number_of(c, "version"), 1, "version");
    json_decref(c);
    json_t *items = assignments(a, case_id);
    cr_assert_eq(json_array_size(items), 1, "case %s has %zu assignments, want 1", case_id, json_array_size(items));
    json_decref(items);
    cr_assert_eq(updated_events(case_id, NULL), 0, "case %s has a case.updated event", case_id);
}

Test(caseload, a_case_of_another_municipality_moves_none_of_the_cases, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, RANGE_ALL_OR_NOTHING);
    struct fx_actor cw, other;
    fx_staff(&cw, "caseworker", w.municipality);
    fx_staff(&other, "caseworker", FX_OTHER_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN], a1[FX_UUID_LEN], a2[FX_UUID_LEN], foreign[FX_UUID_LEN], target[64];
    fx_unique("caseworker", target, sizeof(target));
    fx_new_case(&cw, cpr, citizen, a1);
    fx_new_case(&cw, cpr, citizen, a2);
    fx_new_case(&other, cpr, citizen, foreign);

    /* a1 is moved inside the transaction before the foreign case fails it, a2 after: all
     * roll back. */
    struct http_response r;
    reassign(&w.lead, json_pack("[s, s, s]", a1, foreign, a2), target, NULL, &r);
    static const char *const pointer[] = {"/case_ids/1"};
    fx_assert_error_pointers(&r, pointer, 1);
    http_response_free(&r);
    assert_not_moved(&w.lead, a1, cw.sub);
    assert_not_moved(&w.lead, a2, cw.sub);
    assert_not_moved(&other, foreign, other.sub);
    assert_no_row(&w.lead, target);
    assert_load(&w.lead, cw.sub, &(struct load_want){0, 0, 0, 2, 0.029, "below", 0});

    fx_actor_free(&other);
    fx_actor_free(&cw);
    world_close(&w);
}

/* A random version-4 UUID no case has. */
static void random_uuid(char out[FX_UUID_LEN])
{
    uint64_t hi = fx_random_u64(), lo = fx_random_u64();
    snprintf(out, FX_UUID_LEN, "%08llx-%04llx-4%03llx-%04llx-%012llx", (unsigned long long)(hi >> 32),
             (unsigned long long)((hi >> 16) & 0xffff), (unsigned long long)(hi & 0xfff),
             (unsigned long long)(0x8000 | ((lo >> 48) & 0x3fff)), (unsigned long long)(lo & 0xffffffffffffULL));
}

Test(caseload, an_unknown_or_closed_case_moves_none_of_the_cases, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, RANGE_ALL_OR_NOTHING);
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", w.municipality);
    char cpr[11], citizen[FX_UUID_LEN], a1[FX_UUID_LEN], a2[FX_UUID_LEN], closed[FX_UUID_LEN], unknown[FX_UUID_LEN];
    char target[64];
    fx_unique("caseworker", target, sizeof(target));
    fx_new_case(&cw, cpr, citizen, a1);
    fx_new_case(&cw, cpr, citizen, a2);
    random_uuid(unknown);

    /* The unknown case is named last, after both real ones were moved in the transaction. */
    struct http_response r;
    reassign(&w.lead, json_pack("[s, s, s]", a1, a2, unknown), target, NULL, &r);
    static const char *const last[] = {"/case_ids/2"};
    fx_assert_error_pointers(&r, last, 1);
    http_response_free(&r);
    assert_not_moved(&w.lead, a1, cw.sub);
    assert_not_moved(&w.lead, a2, cw.sub);

    /* A closed case is not one to steer: named first, and the unknown one too. */
    fx_new_case(&cw, cpr, citizen, closed);
    fx_close_case(&cw, closed);
    reassign(&w.lead, json_pack("[s, s, s]", closed, a1, unknown), target, NULL, &r);
    static const char *const both[] = {"/case_ids/0", "/case_ids/2"};
    fx_assert_error_pointers(&r, both, 2);
    http_response_free(&r);
    assert_not_moved(&w.lead, a1, cw.sub);
    assert_no_row(&w.lead, target);

    fx_actor_free(&cw);
    world_close(&w);
}

Test(caseload, only_a_team_lead_reassigns, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw, citizen;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen_id[FX_UUID_LEN], id[FX_UUID_LEN], target[64];
    fx_unique("caseworker", target, sizeof(target));
    fx_new_case(&cw, cpr, citizen_id, id);
    fx_citizen(&citizen, cpr);

    const struct fx_actor *refused[] = {&cw, &citizen};
    for (int i = 0; i < 2; i++) {
        struct http_response r;
        reassign(refused[i], json_pack("[s]", id), target, NULL, &r);
        fx_assert_problem(&r, 403);
        http_response_free(&r);
    }
    assert_not_moved(&cw, id, cw.sub);

    fx_actor_free(&citizen);
    fx_actor_free(&cw);
}

/* The pointers "/case_ids/0" … "/case_ids/<n-1>" in one malloc'd block; the caller frees
 * *pointers and *block. */
static void index_pointers(size_t n, const char ***pointers, char **block)
{
    *pointers = calloc(n, sizeof(**pointers));
    *block = calloc(n, 24);
    cr_assert(*pointers && *block);
    for (size_t i = 0; i < n; i++) {
        snprintf(*block + i * 24, 24, "/case_ids/%zu", i);
        (*pointers)[i] = *block + i * 24;
    }
}

Test(caseload, an_empty_oversized_or_malformed_list_is_422_naming_it, .timeout = FX_TIMEOUT * 2)
{
    struct fx_actor lead;
    fx_staff(&lead, "team_lead", FX_MUNICIPALITY);
    char target[64], uuid[FX_UUID_LEN];
    fx_unique("caseworker", target, sizeof(target));
    static const char *const list[] = {"/case_ids"};
    struct http_response r;

    reassign(&lead, json_array(), target, NULL, &r);
    fx_assert_error_pointers(&r, list, 1);
    http_response_free(&r);

    /* 501 ids are too many: the list is refused as a whole, no case is looked up. */
    json_t *ids = json_array();
    for (int i = 0; i < 501; i++) {
        random_uuid(uuid);
        json_array_append_new(ids, json_string(uuid));
    }
    reassign(&lead, ids, target, NULL, &r);
    fx_assert_error_pointers(&r, list, 1);
    http_response_free(&r);

    /* 500 are not: each of them is looked up, and each is unknown. */
    ids = json_array();
    for (int i = 0; i < 500; i++) {
        random_uuid(uuid);
        json_array_append_new(ids, json_string(uuid));
    }
    reassign(&lead, ids, target, NULL, &r);
    const char **pointers;
    char *block;
    index_pointers(500, &pointers, &block);
    fx_assert_error_pointers(&r, pointers, 500);
    free(pointers);
    free(block);
    http_response_free(&r);

    /* Not a UUID, in second place; a number in third. */
    random_uuid(uuid);
    reassign(&lead, json_pack("[s, s, i]", uuid, "not-a-uuid", 7), target, NULL, &r);
    static const char *const malformed[] = {"/case_ids/1", "/case_ids/2"};
    fx_assert_error_pointers(&r, malformed, 2);
    http_response_free(&r);

    /* No caseworker, or one that is not a staff id. */
    fx_call("POST", "/v1/caseload/reassignments", &lead, json_pack("{s:[s]}", "case_ids", uuid), NULL, 0, &r);
    static const char *const caseworker[] = {"/caseworker"};
    fx_assert_error_pointers(&r, caseworker, 1);
    http_response_free(&r);
    reassign(&lead, json_pack("[s]", uuid), "two words", NULL, &r);
    fx_assert_error_pointers(&r, caseworker, 1);
    http_response_free(&r);

    fx_actor_free(&lead);
}
