/* Cases over HTTP: create, read, list with filters and keyset pagination, optimistic
 * concurrency with If-Match/ETag (also under two simultaneous updates), closing, the
 * reference data in force on a date, the caseworker history, and who can see which case. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

#define MAX_CASES 8

static void case_path(const char *id, const char *suffix, char out[128])
{
    snprintf(out, 128, "/v1/cases/%s%s", id, suffix ? suffix : "");
}

/* PATCH /v1/cases/{id} with If-Match if_match (NULL: none); body is consumed. */
static int patch(const struct fx_actor *a, const char *id, const char *if_match, json_t *body,
                 struct http_response *out)
{
    char path[128];
    case_path(id, NULL, path);
    const struct http_header h[] = {{"If-Match", if_match}};
    return fx_call("PATCH", path, a, body, h, if_match ? 1 : 0, out);
}

static int close_case(const struct fx_actor *a, const char *id, const char *if_match, json_t *body,
                      struct http_response *out)
{
    char path[128];
    case_path(id, "/close", path);
    const struct http_header h[] = {{"If-Match", if_match}};
    return fx_call("POST", path, a, body, h, if_match ? 1 : 0, out);
}

/* GET path as a, asserting status; returns the body (caller json_decref's). */
static json_t *get_doc(const char *path, const struct fx_actor *a, int status)
{
    struct http_response r;
    fx_call("GET", path, a, NULL, NULL, 0, &r);
    fx_assert_status(&r, status);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    return doc;
}

static json_t *get_case(const struct fx_actor *a, const char *id)
{
    char path[128];
    case_path(id, NULL, path);
    return get_doc(path, a, 200);
}

static void assert_etag(const struct http_response *r, long version)
{
    char want[32];
    snprintf(want, sizeof(want), "\"%ld\"", version);
    const char *etag = http_response_header(r, "ETag");
    cr_assert(etag && strcmp(etag, want) == 0, "ETag %s, want %s", etag ? etag : "(none)", want);
}

/* Fails unless items holds exactly the cases ids[0..n) (in any order), each once. */
static void assert_same_cases(json_t *items, char ids[][FX_UUID_LEN], size_t n, const char *what)
{
    cr_assert(json_is_array(items), "%s: no items[]", what);
    cr_assert_eq(json_array_size(items), n, "%s: %zu cases, want %zu", what, json_array_size(items), n);
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t k = 0; k < json_array_size(items); k++) {
            const char *got = json_string_value(json_object_get(json_array_get(items, k), "id"));
            seen += got && strcmp(got, ids[i]) == 0;
        }
        cr_assert_eq(seen, 1, "%s: case %s appears %d times", what, ids[i], seen);
    }
}

/* GET /v1/cases?query as a; the caller json_decref's the document. */
static json_t *list(const struct fx_actor *a, const char *query)
{
    char path[512];
    snprintf(path, sizeof(path), "/v1/cases?%s", query);
    return get_doc(path, a, 200);
}

Test(cases, create_is_201_with_etag_1_and_location, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], path[128];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, citizen);

    struct http_response r;
    fx_call("POST", "/v1/cases", &cw,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen, "target_group",
                      "aktivitetsparat", "target_group_since", "2025-02-03", "benefit", "uddannelseshjaelp",
                      "benefit_start", "2025-02-10", "coordinating_caseworker", "coord-1"),
            NULL, 0, &r);
    fx_assert_status(&r, 201);
    assert_etag(&r, 1);
    json_t *doc = fx_body(&r);
    const char *id = json_string_value(json_object_get(doc, "id"));
    cr_assert(id && strlen(id) == 36);
    case_path(id, NULL, path);
    const char *location = http_response_header(&r, "Location");
    cr_assert(location && strcmp(location, path) == 0, "Location %s", location ? location : "(none)");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "citizen_id")), citizen);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "municipality")), FX_MUNICIPALITY);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "status")), "open");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "caseworker")), cw.sub);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "coordinating_caseworker")), "coord-1");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "target_group"), "code")),
                     "aktivitetsparat");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "benefit"), "code")),
                     "uddannelseshjaelp");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "target_group_since")), "2025-02-03");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "benefit_start")), "2025-02-10");
    cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 1);
    http_response_free(&r);

    /* Read back: the same document and ETag. */
    fx_call("GET", path, &cw, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    assert_etag(&r, 1);
    json_t *read = fx_body(&r);
    cr_assert_str_eq(json_string_value(json_object_get(read, "id")), id);
    cr_assert_str_eq(json_string_value(json_object_get(read, "caseworker")), cw.sub);
    json_decref(read);
    http_response_free(&r);
    json_decref(doc);
    fx_actor_free(&cw);
}

Test(cases, create_for_an_unregistered_citizen_is_422, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw101, cw751;
    char cpr[11], citizen[FX_UUID_LEN];
    fx_staff(&cw101, "caseworker", FX_MUNICIPALITY);
    fx_staff(&cw751, "caseworker", FX_OTHER_MUNICIPALITY);
    fx_new_citizen(&cw101, cpr, citizen);
    struct http_response r;
    fx_call("POST", "/v1/cases", &cw751,
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen, "target_group", "jobparat",
                      "target_group_since", "2025-03-01", "benefit", "kontanthjaelp", "benefit_start",
                      "2025-03-01"),
            NULL, 0, &r);
    fx_assert_problem(&r, 422);
    fx_assert_error_pointer(&r, "/citizen_id");
    http_response_free(&r);
    fx_actor_free(&cw751);
    fx_actor_free(&cw101);
}

Test(cases, list_filters_return_exactly_the_matching_cases, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr_a[11], cpr_b[11], a[FX_UUID_LEN], b[FX_UUID_LEN], ids[5][FX_UUID_LEN], query[256];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr_a, a);
    fx_new_citizen(&cw, cpr_b, b);
    /* A citizen has one open case at a time: a's first two and b's aktivitetsparat case
     * are closed before the next one opens. */
    struct http_response r;
    const int closed[] = {0, 1, 4};
    fx_create_case(&cw, a, "jobparat", ids[0]);
    close_case(&cw, ids[0], "\"1\"", json_pack("{s:s}", "reason", "moved away"), &r);
    http_response_free(&r);
    fx_create_case(&cw, a, "jobparat", ids[1]);
    close_case(&cw, ids[1], "\"1\"", json_pack("{s:s}", "reason", "moved away"), &r);
    http_response_free(&r);
    fx_create_case(&cw, a, "aktivitetsparat", ids[2]);
    fx_create_case(&cw, b, "aktivitetsparat", ids[4]);
    close_case(&cw, ids[4], "\"1\"", json_pack("{s:s}", "reason", "moved away"), &r);
    http_response_free(&r);
    fx_create_case(&cw, b, "jobparat", ids[3]);
    char closed_ids[3][FX_UUID_LEN], open_ids[2][FX_UUID_LEN];
    for (int i = 0; i < 3; i++)
        memcpy(closed_ids[i], ids[closed[i]], FX_UUID_LEN);
    memcpy(open_ids[0], ids[2], FX_UUID_LEN);
    memcpy(open_ids[1], ids[3], FX_UUID_LEN);
    json_t *doc;
    for (int i = 0; i < 3; i++) {
        doc = fx_get_case(&cw, closed_ids[i]);
        fx_assert_member(doc, "status", "closed");
        json_decref(doc);
    }

    snprintf(query, sizeof(query), "caseworker=%s&limit=100", cw.sub);
    doc = list(&cw, query);
    assert_same_cases(json_object_get(doc, "items"), ids, 5, "caseworker filter");
    cr_assert(json_is_null(json_object_get(doc, "next_cursor")));
    json_decref(doc);

    char tg_ids[2][FX_UUID_LEN];
    memcpy(tg_ids[0], ids[2], FX_UUID_LEN);
    memcpy(tg_ids[1], ids[4], FX_UUID_LEN);
    snprintf(query, sizeof(query), "caseworker=%s&target_group=aktivitetsparat&limit=100", cw.sub);
    doc = list(&cw, query);
    assert_same_cases(json_object_get(doc, "items"), tg_ids, 2, "target_group filter");
    json_decref(doc);

    snprintf(query, sizeof(query), "caseworker=%s&status=closed", cw.sub);
    doc = list(&cw, query);
    assert_same_cases(json_object_get(doc, "items"), closed_ids, 3, "status=closed filter");
    json_decref(doc);

    snprintf(query, sizeof(query), "caseworker=%s&status=open", cw.sub);
    doc = list(&cw, query);
    assert_same_cases(json_object_get(doc, "items"), open_ids, 2, "status=open filter");
    json_decref(doc);

    snprintf(query, sizeof(query), "citizen_id=%s", a);
    doc = list(&cw, query);
    assert_same_cases(json_object_get(doc, "items"), ids, 3, "citizen_id filter");
    json_decref(doc);

    snprintf(query, sizeof(query), "citizen_id=%s&status=open&target_group=jobparat", b);
    doc = list(&cw, query);
    assert_same_cases(json_object_get(doc, "items"), &ids[3], 1, "combined filters");
    json_decref(doc);
    fx_actor_free(&cw);
}

Test(cases, bad_list_filters_are_400_problems, .timeout = FX_TIMEOUT)
{
    static const char *const queries[] = {"status=pending", "citizen_id=not-a-uuid", "limit=0", "limit=101",
                                          "limit=abc", "cursor=-1", "cursor=xyz", "unknown=1"};
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        char path[128];
        snprintf(path, sizeof(path), "/v1/cases?%s", queries[i]);
        struct http_response r;
        fx_call("GET", path, &cw, NULL, NULL, 0, &r);
        cr_assert_eq(r.status, 400, "GET %s answered %d", path, r.status);
        fx_assert_problem(&r, 400);
        http_response_free(&r);
    }
    fx_actor_free(&cw);
}

/* Walks every page of the caseworker's cases, limit per page; writes the ids in order. */
static size_t walk_pages(const struct fx_actor *cw, int limit, char out[][FX_UUID_LEN], size_t cap,
                         size_t *pages)
{
    char cursor[64] = "";
    size_t n = 0;
    *pages = 0;
    for (;;) {
        char query[256];
        if (*cursor)
            snprintf(query, sizeof(query), "caseworker=%s&limit=%d&cursor=%s", cw->sub, limit, cursor);
        else
            snprintf(query, sizeof(query), "caseworker=%s&limit=%d", cw->sub, limit);
        json_t *doc = list(cw, query);
        json_t *items = json_object_get(doc, "items");
        json_t *next = json_object_get(doc, "next_cursor");
        cr_assert(json_is_array(items));
        cr_assert_leq(json_array_size(items), (size_t)limit, "a page holds more than limit");
        for (size_t i = 0; i < json_array_size(items); i++) {
            cr_assert_lt(n, cap, "pagination does not end");
            const char *id = json_string_value(json_object_get(json_array_get(items, i), "id"));
            cr_assert(id && strlen(id) == 36);
            memcpy(out[n++], id, FX_UUID_LEN);
        }
        (*pages)++;
        cr_assert_leq(*pages, cap + 1, "pagination does not end");
        if (json_is_null(next)) {
            json_decref(doc);
            return n;
        }
        const char *c = json_string_value(next);
        cr_assert(c && *c && strlen(c) < sizeof(cursor), "next_cursor must be a string or null");
        for (const char *p = c; *p; p++)
            cr_assert(strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~", *p),
                      "next_cursor needs URL encoding; extend the test");
        cr_assert(json_array_size(items) == (size_t)limit, "a page before the last must be full");
        snprintf(cursor, sizeof(cursor), "%s", c);
        json_decref(doc);
    }
}

Test(cases, keyset_pagination_is_stable_and_complete, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], ids[5][FX_UUID_LEN], first[MAX_CASES][FX_UUID_LEN],
        second[MAX_CASES][FX_UUID_LEN];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    /* Five citizens: a citizen has one open case at a time. */
    for (int i = 0; i < 5; i++)
        fx_new_case(&cw, cpr, citizen, ids[i]);

    size_t pages;
    size_t n = walk_pages(&cw, 2, first, MAX_CASES, &pages);
    cr_assert_eq(n, 5, "5 cases paged as %zu", n);
    cr_assert_eq(pages, 3, "5 cases at limit 2 took %zu pages", pages);
    /* The order is the order of creation, with no duplicates and nothing missing. */
    for (int i = 0; i < 5; i++)
        cr_assert_str_eq(first[i], ids[i], "position %d", i);

    size_t again = walk_pages(&cw, 2, second, MAX_CASES, &pages);
    cr_assert_eq(again, n);
    for (size_t i = 0; i < n; i++)
        cr_assert_str_eq(first[i], second[i], "the order changed between two walks at %zu", i);

    /* Exactly limit rows: one page and no cursor to an empty page. */
    n = walk_pages(&cw, 5, first, MAX_CASES, &pages);
    cr_assert_eq(n, 5);
    cr_assert_eq(pages, 1, "a full last page still offered a cursor");
    fx_actor_free(&cw);
}

Test(cases, update_with_if_match_returns_the_new_etag, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], id[FX_UUID_LEN], other[64];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, citizen);
    fx_create_case(&cw, citizen, NULL, id);
    fx_unique("caseworker", other, sizeof(other));

    struct http_response r;
    patch(&cw, id, "\"1\"", json_pack("{s:s, s:s}", "caseworker", other, "benefit_start", "2025-04-01"), &r);
    fx_assert_status(&r, 200);
    assert_etag(&r, 2);
    json_t *doc = fx_body(&r);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "caseworker")), other);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "benefit_start")), "2025-04-01");
    cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 2);
    json_decref(doc);
    http_response_free(&r);

    /* The stale ETag loses and changes nothing. */
    patch(&cw, id, "\"1\"", json_pack("{s:s}", "caseworker", cw.sub), &r);
    fx_assert_problem(&r, 412);
    http_response_free(&r);
    patch(&cw, id, "W/\"2\"", json_pack("{s:s}", "caseworker", cw.sub), &r);
    cr_assert(r.status == 412 || r.status == 400, "a weak ETag answered %d", r.status);
    fx_assert_client_problem(&r);
    http_response_free(&r);
    doc = get_case(&cw, id);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "caseworker")), other);
    cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 2);
    json_decref(doc);
    fx_actor_free(&cw);
}

Test(cases, update_without_if_match_is_428, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], id[FX_UUID_LEN];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, citizen);
    fx_create_case(&cw, citizen, NULL, id);
    struct http_response r;
    patch(&cw, id, NULL, json_pack("{s:s}", "caseworker", "someone"), &r);
    fx_assert_problem(&r, 428);
    http_response_free(&r);
    close_case(&cw, id, NULL, json_pack("{s:s}", "reason", "done"), &r);
    fx_assert_problem(&r, 428);
    http_response_free(&r);
    json_t *doc = get_case(&cw, id);
    cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "status")), "open");
    json_decref(doc);
    fx_actor_free(&cw);
}

Test(cases, close_with_reason_then_update_is_409_closed, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], id[FX_UUID_LEN];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, citizen);
    fx_create_case(&cw, citizen, NULL, id);

    struct http_response r;
    close_case(&cw, id, "\"1\"", json_object(), &r);
    fx_assert_problem(&r, 422);
    fx_assert_error_pointer(&r, "/reason");
    http_response_free(&r);

    close_case(&cw, id, "\"1\"", json_pack("{s:s}", "reason", "Borgeren er i job"), &r);
    fx_assert_status(&r, 200);
    assert_etag(&r, 2);
    json_t *doc = fx_body(&r);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "status")), "closed");
    cr_assert_str_eq(json_string_value(json_object_get(doc, "close_reason")), "Borgeren er i job");
    cr_assert(json_is_string(json_object_get(doc, "closed_at")), "a closed case needs closed_at");
    json_decref(doc);
    http_response_free(&r);

    patch(&cw, id, "\"2\"", json_pack("{s:s}", "caseworker", "someone-else"), &r);
    fx_assert_problem(&r, 409);
    doc = fx_body(&r);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "state")), "closed", "409 must say the state: %s",
                     r.body);
    json_decref(doc);
    http_response_free(&r);

    close_case(&cw, id, "\"2\"", json_pack("{s:s}", "reason", "again"), &r);
    fx_assert_problem(&r, 409);
    http_response_free(&r);
    fx_actor_free(&cw);
}

Test(cases, reference_code_not_in_force_on_the_date_is_422_on_the_field, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, citizen);
    /* {target group, since, benefit, start, the field that must be named} */
    static const char *const cases[][5] = {
        {"jobklar", "2025-03-01", "kontanthjaelp", "2025-03-01", "/target_group"},  /* from 2027 */
        {"jobparat", "2027-06-01", "kontanthjaelp", "2027-06-01", "/target_group"}, /* ended 2027 */
        {"jobparat", "2025-03-01", "ressourceforloebsydelse", "2027-02-01", "/benefit"},
        {"no_such_group", "2025-03-01", "kontanthjaelp", "2025-03-01", "/target_group"},
        {"jobparat", "2019-12-31", "kontanthjaelp", "2025-03-01", "/target_group"}, /* before 2020 */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct http_response r;
        fx_call("POST", "/v1/cases", &cw,
                json_pack("{s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen, "target_group", cases[i][0],
                          "target_group_since", cases[i][1], "benefit", cases[i][2], "benefit_start",
                          cases[i][3]),
                NULL, 0, &r);
        cr_assert_eq(r.status, 422, "%s on %s answered %d", cases[i][0], cases[i][1], r.status);
        fx_assert_problem(&r, 422);
        fx_assert_error_pointer(&r, cases[i][4]);
        http_response_free(&r);
    }

    /* The new law's codes work from their first day. */
    struct http_response r;
    fx_call("POST", "/v1/cases", &cw,
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen, "target_group", "jobklar",
                      "target_group_since", "2027-01-01", "benefit", "kontanthjaelp", "benefit_start",
                      "2027-01-01"),
            NULL, 0, &r);
    fx_assert_status(&r, 201);
    json_t *doc = fx_body(&r);
    const char *id = json_string_value(json_object_get(doc, "id"));
    cr_assert_not_null(id);
    http_response_free(&r);

    /* Moving the date out of the code's period names the date field. */
    patch(&cw, id, "\"1\"", json_pack("{s:s}", "target_group_since", "2026-12-31"), &r);
    fx_assert_problem(&r, 422);
    fx_assert_error_pointer(&r, "/target_group_since");
    http_response_free(&r);
    json_decref(doc);
    fx_actor_free(&cw);
}

/* The id of the reference item with code in items, or -1 when it is absent. */
static json_int_t reference_id(json_t *items, const char *code)
{
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item) {
        const char *c = json_string_value(json_object_get(item, "code"));
        if (c && strcmp(c, code) == 0)
            return json_integer_value(json_object_get(item, "id"));
    }
    return -1;
}

Test(cases, reference_data_lists_what_is_in_force_and_cases_store_that_row, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw, citizen;
    char cpr[11], citizen_id[FX_UUID_LEN], id[FX_UUID_LEN];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, citizen_id);
    fx_citizen(&citizen, cpr);

    /* Any role may read reference data. */
    json_t *now = get_doc("/v1/reference/target_group?on=2025-03-01", &citizen, 200);
    json_t *items = json_object_get(now, "items");
    cr_assert_gt(reference_id(items, "jobparat"), 0, "jobparat is in force on 2025-03-01");
    cr_assert_eq(reference_id(items, "jobklar"), -1, "jobklar is not in force before 2027");
    json_t *reform = get_doc("/v1/reference/target_group?on=2027-01-01", &cw, 200);
    cr_assert_eq(reference_id(json_object_get(reform, "items"), "jobparat"), -1,
                 "jobparat ended on 2027-01-01");
    cr_assert_gt(reference_id(json_object_get(reform, "items"), "jobklar"), 0);
    json_decref(reform);

    fx_create_case(&cw, citizen_id, "jobparat", id);
    json_t *doc = get_case(&cw, id);
    json_t *tg = json_object_get(doc, "target_group");
    cr_assert_eq(json_integer_value(json_object_get(tg, "reference_id")), reference_id(items, "jobparat"),
                 "the case does not store the row in force on its date");
    json_decref(doc);
    json_decref(now);

    struct http_response r;
    fx_call("GET", "/v1/reference/no_such_kind", &cw, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    fx_call("GET", "/v1/reference/benefit?on=2025-02-30", &cw, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 400);
    http_response_free(&r);
    fx_actor_free(&citizen);
    fx_actor_free(&cw);
}

Test(cases, caseworker_history_keeps_every_change, .timeout = FX_TIMEOUT)
{
    struct fx_actor lead;
    char cpr[11], citizen[FX_UUID_LEN], first[64], second[64], coord[64], path[128];
    fx_staff(&lead, "team_lead", FX_MUNICIPALITY);
    fx_new_citizen(&lead, cpr, citizen);
    fx_unique("cw-first", first, sizeof(first));
    fx_unique("cw-second", second, sizeof(second));
    fx_unique("coord", coord, sizeof(coord));

    struct http_response r;
    fx_call("POST", "/v1/cases", &lead,
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen, "target_group",
                      "jobparat", "target_group_since", "2025-03-01", "benefit", "kontanthjaelp",
                      "benefit_start", "2025-03-01", "caseworker", first, "coordinating_caseworker", coord),
            NULL, 0, &r);
    fx_assert_status(&r, 201);
    json_t *doc = fx_body(&r);
    char id[FX_UUID_LEN];
    snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(doc, "id")));
    json_decref(doc);
    http_response_free(&r);

    patch(&lead, id, "\"1\"", json_pack("{s:s}", "caseworker", second), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    patch(&lead, id, "\"2\"", json_pack("{s:s}", "benefit_start", "2025-05-01"), &r); /* no assignment */
    fx_assert_status(&r, 200);
    http_response_free(&r);
    patch(&lead, id, "\"3\"", json_pack("{s:s}", "caseworker", first), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    patch(&lead, id, "\"4\"", json_pack("{s:n}", "coordinating_caseworker"), &r);
    fx_assert_status(&r, 200);
    doc = fx_body(&r);
    cr_assert_eq(json_integer_value(json_object_get(doc, "caseworker_changes")), 2);
    cr_assert(json_is_null(json_object_get(doc, "coordinating_caseworker")));
    json_decref(doc);
    http_response_free(&r);

    case_path(id, "/assignments", path);
    doc = get_doc(path, &lead, 200);
    json_t *items = json_object_get(doc, "items");
    const struct {
        const char *role;
        const char *staff;
    } want[] = {{"caseworker", first}, {"coordinating_caseworker", coord}, {"caseworker", second},
                {"caseworker", first}, {"coordinating_caseworker", NULL}};
    size_t n = sizeof(want) / sizeof(want[0]);
    cr_assert_eq(json_array_size(items), n, "the history has %zu entries, want %zu", json_array_size(items),
                 n);
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_array_get(items, i);
        cr_assert_str_eq(json_string_value(json_object_get(e, "role")), want[i].role, "entry %zu", i);
        json_t *staff = json_object_get(e, "staff_id");
        if (want[i].staff)
            cr_assert_str_eq(json_string_value(staff), want[i].staff, "entry %zu", i);
        else
            cr_assert(json_is_null(staff), "entry %zu should clear the coordinator", i);
        cr_assert_str_eq(json_string_value(json_object_get(e, "assigned_by")), lead.sub, "entry %zu", i);
        cr_assert(json_is_string(json_object_get(e, "assigned_at")));
    }
    json_decref(doc);
    fx_actor_free(&lead);
}

Test(cases, citizen_reading_another_citizens_case_is_404, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw, me, other;
    char cpr_me[11], cpr_other[11], me_id[FX_UUID_LEN], other_id[FX_UUID_LEN], mine[FX_UUID_LEN],
        theirs[FX_UUID_LEN], path[128];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr_me, me_id);
    fx_new_citizen(&cw, cpr_other, other_id);
    fx_create_case(&cw, me_id, NULL, mine);
    fx_create_case(&cw, other_id, NULL, theirs);
    fx_citizen(&me, cpr_me);
    fx_citizen(&other, cpr_other);

    case_path(theirs, NULL, path);
    struct http_response r;
    fx_call("GET", path, &me, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    cr_assert_null(strstr(r.body, other_id), "the 404 leaks the other citizen");
    http_response_free(&r);

    json_t *doc = get_case(&me, mine);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "id")), mine);
    json_decref(doc);
    doc = get_case(&other, theirs);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "id")), theirs);
    json_decref(doc);
    fx_actor_free(&other);
    fx_actor_free(&me);
    fx_actor_free(&cw);
}

Test(cases, caseworker_of_101_cannot_see_a_case_of_751, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw101, cw751;
    char cpr[11], citizen[FX_UUID_LEN], id[FX_UUID_LEN], path[128], query[256];
    fx_staff(&cw101, "caseworker", FX_MUNICIPALITY);
    fx_staff(&cw751, "caseworker", FX_OTHER_MUNICIPALITY);
    fx_new_citizen(&cw751, cpr, citizen);
    fx_create_case(&cw751, citizen, NULL, id);

    struct http_response r;
    case_path(id, NULL, path);
    fx_call("GET", path, &cw101, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    case_path(id, "/assignments", path);
    fx_call("GET", path, &cw101, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    patch(&cw101, id, "\"1\"", json_pack("{s:s}", "caseworker", cw101.sub), &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    close_case(&cw101, id, "\"1\"", json_pack("{s:s}", "reason", "hijack"), &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);

    /* The same through list filters: nothing. */
    snprintf(query, sizeof(query), "citizen_id=%s", citizen);
    json_t *doc = list(&cw101, query);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 0, "101 lists a 751 case by citizen_id");
    json_decref(doc);
    snprintf(query, sizeof(query), "caseworker=%s", cw751.sub);
    doc = list(&cw101, query);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 0, "101 lists a 751 case by caseworker");
    json_decref(doc);

    /* Positive control: 751 sees it, unchanged. */
    doc = get_case(&cw751, id);
    cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "caseworker")), cw751.sub);
    json_decref(doc);
    doc = list(&cw751, query);
    assert_same_cases(json_object_get(doc, "items"), &id, 1, "751's own list");
    json_decref(doc);
    fx_actor_free(&cw751);
    fx_actor_free(&cw101);
}

Test(cases, citizen_lists_only_own_cases_at_me_cases, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw101, cw751, me, other;
    char cpr_me[11], cpr_other[11], me_id[FX_UUID_LEN], other_id[FX_UUID_LEN], again[FX_UUID_LEN],
        mine[3][FX_UUID_LEN], theirs[1][FX_UUID_LEN];
    fx_staff(&cw101, "caseworker", FX_MUNICIPALITY);
    fx_staff(&cw751, "caseworker", FX_OTHER_MUNICIPALITY);
    fx_new_citizen(&cw101, cpr_me, me_id);
    fx_new_citizen(&cw101, cpr_other, other_id);
    fx_register_citizen(&cw751, cpr_me, again);
    fx_create_case(&cw101, me_id, NULL, mine[0]);
    /* One open case per municipality: the first is closed before the second opens. */
    fx_close_case(&cw101, mine[0]);
    fx_create_case(&cw101, me_id, "aktivitetsparat", mine[1]);
    fx_create_case(&cw751, me_id, NULL, mine[2]);
    fx_create_case(&cw101, other_id, NULL, theirs[0]);
    fx_citizen(&me, cpr_me);
    fx_citizen(&other, cpr_other);

    json_t *doc = get_doc("/v1/me/cases?limit=100", &me, 200);
    assert_same_cases(json_object_get(doc, "items"), mine, 3, "my cases in both municipalities");
    json_decref(doc);
    doc = get_doc("/v1/me/cases", &other, 200);
    assert_same_cases(json_object_get(doc, "items"), theirs, 1, "the other citizen's cases");
    json_decref(doc);

    /* A citizen cannot widen the list with a staff filter. */
    char path[128];
    snprintf(path, sizeof(path), "/v1/me/cases?citizen_id=%s", other_id);
    struct http_response r;
    fx_call("GET", path, &me, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 400);
    http_response_free(&r);
    fx_actor_free(&other);
    fx_actor_free(&me);
    fx_actor_free(&cw751);
    fx_actor_free(&cw101);
}

struct racer {
    const struct fx_actor *who;
    const char *id;
    char if_match[16];
    char caseworker[64];
    pthread_barrier_t *start;
    int status;
    int rc;
};

/* No criterion assertion here: they belong to the test's own thread. */
static void *race(void *arg)
{
    struct racer *r = arg;
    char path[128];
    case_path(r->id, NULL, path);
    const struct http_header h[] = {{"If-Match", r->if_match}};
    json_t *body = json_pack("{s:s}", "caseworker", r->caseworker);
    struct http_response resp;
    pthread_barrier_wait(r->start);
    r->rc = http_json("PATCH", path, r->who->token, body, h, 1, &resp);
    r->status = r->rc == 0 ? resp.status : -1;
    json_decref(body);
    http_response_free(&resp);
    return NULL;
}

Test(cases, concurrent_updates_with_one_etag_one_wins_one_gets_412, .timeout = FX_TIMEOUT * 2)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], id[FX_UUID_LEN];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, citizen);
    fx_create_case(&cw, citizen, NULL, id);

    const int rounds = 6;
    for (int round = 0; round < rounds; round++) {
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, 2);
        struct racer racers[2];
        pthread_t threads[2];
        for (int i = 0; i < 2; i++) {
            memset(&racers[i], 0, sizeof(racers[i]));
            racers[i].who = &cw;
            racers[i].id = id;
            racers[i].start = &start;
            snprintf(racers[i].if_match, sizeof(racers[i].if_match), "\"%d\"", round + 1);
            snprintf(racers[i].caseworker, sizeof(racers[i].caseworker), "racer-%d-%d", round, i);
            cr_assert_eq(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
        }
        for (int i = 0; i < 2; i++)
            pthread_join(threads[i], NULL);
        pthread_barrier_destroy(&start);
        cr_assert(racers[0].rc == 0 && racers[1].rc == 0, "round %d: a request got no response", round);
        int ok = (racers[0].status == 200) + (racers[1].status == 200);
        int stale = (racers[0].status == 412) + (racers[1].status == 412);
        cr_assert(ok == 1 && stale == 1, "round %d: statuses %d and %d, want one 200 and one 412", round,
                  racers[0].status, racers[1].status);

        /* The winner's change is the one stored. */
        json_t *doc = get_case(&cw, id);
        const char *winner = racers[0].status == 200 ? racers[0].caseworker : racers[1].caseworker;
        cr_assert_str_eq(json_string_value(json_object_get(doc, "caseworker")), winner, "round %d", round);
        cr_assert_eq(json_integer_value(json_object_get(doc, "version")), round + 2, "round %d", round);
        json_decref(doc);
    }
    fx_actor_free(&cw);
}
