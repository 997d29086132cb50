/* Citizens over HTTP: registering (idempotent, national identity), CPR validation that
 * never echoes the number, search by CPR in a POST body, masking by role, visibility by
 * municipality, and a citizen reading their own record. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

static json_t *get_doc(const char *path, const struct fx_actor *a, int status)
{
    struct http_response r;
    fx_call("GET", path, a, NULL, NULL, 0, &r);
    fx_assert_status(&r, status);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    return doc;
}

/* The items[] of a search for cpr as a; the caller json_decref's the result. */
static json_t *search(const struct fx_actor *a, const char *cpr)
{
    struct http_response r;
    fx_call("POST", "/v1/citizens/search", a, json_pack("{s:s}", "cpr", cpr), NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    json_t *items = json_incref(json_object_get(doc, "items"));
    cr_assert(json_is_array(items), "a search reply needs items[]: %s", r.body);
    json_decref(doc);
    http_response_free(&r);
    return items;
}

static void expected_birth_date(const char *cpr, char out[11])
{
    snprintf(out, 11, "19%.2s-%.2s-%.2s", cpr + 4, cpr + 2, cpr);
}

static void masked(const char *cpr, char out[12])
{
    snprintf(out, 12, "%.6s-XXXX", cpr);
}

Test(citizens, register_is_201_then_200_with_the_same_id, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11], birth[11], path[96];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_random_cpr(cpr);

    struct http_response r;
    fx_call("POST", "/v1/citizens", &cw, json_pack("{s:s, s:s}", "cpr", cpr, "name", "Test Borger"), NULL, 0,
            &r);
    fx_assert_status(&r, 201);
    json_t *first = fx_body(&r);
    const char *id = json_string_value(json_object_get(first, "id"));
    cr_assert(id && strlen(id) == 36, "no citizen id: %s", r.body);
    snprintf(path, sizeof(path), "/v1/citizens/%s", id);
    const char *location = http_response_header(&r, "Location");
    cr_assert(location && strcmp(location, path) == 0, "Location %s, want %s", location ? location : "(none)",
              path);
    cr_assert_str_eq(json_string_value(json_object_get(first, "cpr")), cpr, "a caseworker sees the full CPR");
    expected_birth_date(cpr, birth);
    cr_assert_str_eq(json_string_value(json_object_get(first, "birth_date")), birth);
    cr_assert_str_eq(json_string_value(json_object_get(first, "name")), "Test Borger");
    http_response_free(&r);

    fx_call("POST", "/v1/citizens", &cw, json_pack("{s:s}", "cpr", cpr), NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *again = fx_body(&r);
    cr_assert_str_eq(json_string_value(json_object_get(again, "id")), id,
                     "a repeat registered a second person");
    json_decref(again);
    http_response_free(&r);

    /* The DDMMYY-SSSS spelling is the same person. */
    char dashed[12];
    snprintf(dashed, sizeof(dashed), "%.6s-%.4s", cpr, cpr + 6);
    fx_call("POST", "/v1/citizens", &cw, json_pack("{s:s}", "cpr", dashed), NULL, 0, &r);
    fx_assert_status(&r, 200);
    again = fx_body(&r);
    cr_assert_str_eq(json_string_value(json_object_get(again, "id")), id);
    json_decref(again);
    http_response_free(&r);

    json_decref(first);
    fx_actor_free(&cw);
}

Test(citizens, another_municipality_registering_gets_the_same_person, .timeout = FX_TIMEOUT)
{
    struct fx_actor a, b;
    char cpr[11], id_a[FX_UUID_LEN], id_b[FX_UUID_LEN];
    fx_staff(&a, "caseworker", FX_MUNICIPALITY);
    fx_staff(&b, "caseworker", FX_OTHER_MUNICIPALITY);
    fx_random_cpr(cpr);
    cr_assert_eq(fx_register_citizen(&a, cpr, id_a), 201);
    /* One person nationally, yet a first registration for the other municipality: its
     * answer does not tell it that someone else knew the person (see data_protection). */
    cr_assert_eq(fx_register_citizen(&b, cpr, id_b), 201, "the other municipality learnt the person was known");
    cr_assert_str_eq(id_a, id_b);
    fx_actor_free(&a);
    fx_actor_free(&b);
}

/* Each value must be refused with a 422 naming /cpr, and no reply may quote it. */
static void assert_cpr_refused(const struct fx_actor *cw, const char *path, const char *value)
{
    struct http_response r;
    fx_call("POST", path, cw, json_pack("{s:s}", "cpr", value), NULL, 0, &r);
    cr_assert_eq(r.status, 422, "POST %s with cpr %s answered %d: %.300s", path, value, r.status, r.body);
    fx_assert_problem(&r, 422);
    fx_assert_error_pointer(&r, "/cpr");
    char head[7];
    snprintf(head, sizeof(head), "%.6s", value);
    cr_assert_null(strstr(r.body, value), "the 422 quotes the submitted CPR %s", value);
    cr_assert_null(strstr(r.body, head), "the 422 quotes the digits %s of the submitted CPR", head);
    for (size_t i = 0; i < r.n_headers; i++)
        cr_assert_null(strstr(r.headers[i].value, head), "header %s quotes the CPR", r.headers[i].name);
    http_response_free(&r);
}

Test(citizens, invalid_cpr_is_422_without_the_digits, .timeout = FX_TIMEOUT)
{
    static const char *const invalid[] = {
        "3104851234",  /* 31 April */
        "2902001234",  /* 29 February 1900 (7th digit 1: the 1900s, not a leap year) */
        "0001851234",  /* day 0 */
        "0113851234",  /* month 13 */
        "3212851234",  /* 32 December */
        "01018512345", /* 11 digits */
        "010185123",   /* 9 digits */
        "01018512ab",  /* letters */
        "0101-851234", /* dash in the wrong place */
        "010185 1234", /* space */
    };
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        assert_cpr_refused(&cw, "/v1/citizens", invalid[i]);
        assert_cpr_refused(&cw, "/v1/citizens/search", invalid[i]);
    }
    fx_actor_free(&cw);
}

Test(citizens, non_string_cpr_is_422, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    struct http_response r;
    fx_call("POST", "/v1/citizens", &cw, json_pack("{s:I}", "cpr", (json_int_t)101851234), NULL, 0, &r);
    fx_assert_problem(&r, 422);
    fx_assert_error_pointer(&r, "/cpr");
    cr_assert_null(strstr(r.body, "101851234"), "the 422 quotes the number");
    http_response_free(&r);
    fx_actor_free(&cw);
}

Test(citizens, leap_day_in_a_leap_year_is_accepted, .timeout = FX_TIMEOUT)
{
    /* 29 February 1984 with the 1900s century digit; three random digits keep it unique. */
    struct fx_actor cw;
    char cpr[11], id[FX_UUID_LEN];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    snprintf(cpr, sizeof(cpr), "290284%d%03d", (int)(fx_random_u64() % 4), (int)(fx_random_u64() % 1000));
    int status = fx_register_citizen(&cw, cpr, id);
    cr_assert(status == 201 || status == 200);
    fx_actor_free(&cw);
}

Test(citizens, search_by_cpr_finds_the_registered_citizen, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11], id[FX_UUID_LEN];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, id);
    json_t *items = search(&cw, cpr);
    cr_assert_eq(json_array_size(items), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "id")), id);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "cpr")), cpr);
    json_decref(items);
    fx_actor_free(&cw);
}

Test(citizens, search_for_an_unknown_cpr_is_empty_items, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_random_cpr(cpr);
    json_t *items = search(&cw, cpr);
    cr_assert_eq(json_array_size(items), 0, "a never registered CPR was found");
    json_decref(items);
    fx_actor_free(&cw);
}

/* A staff role that is shown DDMMYY-XXXX, by search (if allowed) and by id. */
static void assert_masked_for(const char *role, int may_search)
{
    struct fx_actor cw, viewer;
    char cpr[11], id[FX_UUID_LEN], path[96], want[12];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_staff(&viewer, role, FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, id);
    masked(cpr, want);

    snprintf(path, sizeof(path), "/v1/citizens/%s", id);
    struct http_response r;
    fx_call("GET", path, &viewer, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    cr_assert_null(strstr(r.body, cpr), "a %s is shown the full CPR", role);
    json_t *doc = fx_body(&r);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "cpr")), want);
    cr_assert(json_is_true(json_object_get(doc, "cpr_masked")), "cpr_masked must be true for a %s", role);
    json_decref(doc);
    http_response_free(&r);

    if (may_search) {
        json_t *items = search(&viewer, cpr);
        cr_assert_eq(json_array_size(items), 1);
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "cpr")), want);
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(items, 0), "id")), id);
        json_decref(items);
    }
    fx_actor_free(&viewer);
    fx_actor_free(&cw);
}

Test(citizens, team_lead_sees_the_cpr_masked, .timeout = FX_TIMEOUT)
{
    assert_masked_for("team_lead", 1);
}

Test(citizens, auditor_sees_the_cpr_masked, .timeout = FX_TIMEOUT)
{
    assert_masked_for("auditor", 1);
}

Test(citizens, integration_sees_the_cpr_masked, .timeout = FX_TIMEOUT)
{
    assert_masked_for("integration", 0);
}

Test(citizens, caseworker_sees_the_full_cpr, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw, other;
    char cpr[11], id[FX_UUID_LEN], path[96];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_staff(&other, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, id);
    snprintf(path, sizeof(path), "/v1/citizens/%s", id);
    json_t *doc = get_doc(path, &other, 200);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "cpr")), cpr);
    cr_assert(json_is_false(json_object_get(doc, "cpr_masked")));
    json_decref(doc);
    fx_actor_free(&other);
    fx_actor_free(&cw);
}

Test(citizens, staff_of_another_municipality_cannot_see_the_citizen, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw101, cw751;
    char cpr[11], id[FX_UUID_LEN], path[96];
    fx_staff(&cw101, "caseworker", FX_MUNICIPALITY);
    fx_staff(&cw751, "caseworker", FX_OTHER_MUNICIPALITY);
    fx_new_citizen(&cw101, cpr, id);
    snprintf(path, sizeof(path), "/v1/citizens/%s", id);

    struct http_response r;
    fx_call("GET", path, &cw751, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    cr_assert_null(strstr(r.body, cpr));
    http_response_free(&r);
    json_t *items = search(&cw751, cpr);
    cr_assert_eq(json_array_size(items), 0, "751 found a citizen only 101 registered");
    json_decref(items);

    /* The same reads work once 751 registers the person: the 404 was about visibility. */
    char again[FX_UUID_LEN];
    cr_assert_eq(fx_register_citizen(&cw751, cpr, again), 201);
    json_t *doc = get_doc(path, &cw751, 200);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "id")), id);
    json_decref(doc);
    fx_actor_free(&cw751);
    fx_actor_free(&cw101);
}

Test(citizens, unknown_or_malformed_id_is_404, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    struct http_response r;
    fx_call("GET", "/v1/citizens/00000000-0000-4000-8000-000000000000", &cw, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    fx_call("GET", "/v1/citizens/not-a-uuid", &cw, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    fx_actor_free(&cw);
}

Test(citizens, citizen_reads_their_own_record_at_me, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw, me;
    char cpr[11], id[FX_UUID_LEN], birth[11];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, id);
    fx_citizen(&me, cpr);
    json_t *doc = get_doc("/v1/me", &me, 200);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "id")), id);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "cpr")), cpr, "a citizen sees their own CPR");
    expected_birth_date(cpr, birth);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "birth_date")), birth);
    json_decref(doc);
    fx_actor_free(&me);
    fx_actor_free(&cw);
}

Test(citizens, unregistered_citizen_at_me_is_404, .timeout = FX_TIMEOUT)
{
    struct fx_actor me;
    char cpr[11];
    fx_random_cpr(cpr);
    fx_citizen(&me, cpr);
    struct http_response r;
    fx_call("GET", "/v1/me", &me, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    cr_assert_null(strstr(r.body, cpr));
    http_response_free(&r);
    fx_actor_free(&me);
}
