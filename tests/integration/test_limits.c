/* Limits that need a service of their own, started by the test with tight settings:
 * the database pool's wait timeout (503 with Retry-After, then normal service again) and
 * the per-caller rate limit (429 with Retry-After, other callers unaffected). They run in
 * the serial resilience phase so no other test competes for the machine. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "own_service.h"

#define BURST 32

struct shot {
    const struct fx_actor *actor;
    const char *path;
    int status;
    char error[160];
    int retry_after_ok;
    int problem_ok;
};

static void *fire(void *arg)
{
    struct shot *s = arg;
    struct http_response r;
    /* Not fx_call: criterion's assertions belong to the test's own thread. */
    if (http_json("GET", s->path, s->actor->token, NULL, NULL, 0, &r) != 0) {
        snprintf(s->error, sizeof(s->error), "%s", http_last_error());
        return NULL;
    }
    s->status = r.status;
    if (r.status == 503) {
        const char *retry = http_response_header(&r, "Retry-After");
        s->retry_after_ok = retry && atoi(retry) > 0;
        json_t *body = http_response_json(&r);
        const char *type = json_string_value(json_object_get(body, "type"));
        s->problem_ok = type && strstr(type, "/unavailable") != NULL;
        json_decref(body);
    }
    http_response_free(&r);
    return NULL;
}

Test(resilience, pool_wait_timeout_answers_503_with_retry_after, .timeout = 60, .fini = own_service_stop)
{
    struct fx_actor cw;
    char citizen[FX_UUID_LEN], case_id[FX_UUID_LEN], cpr[11], path[128];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, citizen);
    fx_create_case(&cw, citizen, "aktivitetsparat", case_id);
    snprintf(path, sizeof(path), "/v1/cases/%s", case_id);

    static const struct setting one_connection[] = {
        {"FREMDRIFT_DB_POOL_SIZE", "1"}, {"FREMDRIFT_DB_POOL_WAIT_MS", "1"}};
    own_service_start(one_connection, 2);

    int busy = 0, served = 0;
    for (int round = 0; round < 5 && busy == 0; round++) {
        struct shot shots[BURST];
        pthread_t threads[BURST];
        for (int i = 0; i < BURST; i++) {
            shots[i] = (struct shot){.actor = &cw, .path = path};
            pthread_create(&threads[i], NULL, fire, &shots[i]);
        }
        for (int i = 0; i < BURST; i++)
            pthread_join(threads[i], NULL);
        for (int i = 0; i < BURST; i++) {
            cr_assert(shots[i].status == 200 || shots[i].status == 503,
                      "a request in the burst answered %d (%s)", shots[i].status, shots[i].error);
            if (shots[i].status == 503) {
                busy++;
                cr_assert(shots[i].retry_after_ok, "a pool timeout 503 without a positive Retry-After");
                cr_assert(shots[i].problem_ok, "a pool timeout 503 is not the unavailable problem");
            } else {
                served++;
            }
        }
    }
    cr_assert_gt(busy, 0, "no request waited longer than 1 ms for the only connection");
    cr_assert_gt(served, 0, "the burst got no answer at all");

    /* The burst over, the connection is back in the pool. */
    struct http_response r;
    fx_call("GET", path, &cw, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);

    own_service_expect_clean_stop();
    fx_actor_free(&cw);
}

Test(resilience, rate_limit_answers_429_with_retry_after_per_caller, .timeout = 60, .fini = own_service_stop)
{
    static const struct setting tight[] = {
        {"FREMDRIFT_RATE_LIMIT_PER_MINUTE", "6"}, {"FREMDRIFT_RATE_LIMIT_BURST", "3"}};
    struct fx_actor greedy, other;
    fx_staff(&greedy, "caseworker", FX_MUNICIPALITY);
    fx_staff(&other, "caseworker", FX_MUNICIPALITY);
    own_service_start(tight, 2);

    struct http_response r;
    for (int i = 0; i < 3; i++) {
        fx_call("GET", "/v1/reference/benefit", &greedy, NULL, NULL, 0, &r);
        fx_assert_status(&r, 200);
        http_response_free(&r);
    }
    fx_call("GET", "/v1/reference/benefit", &greedy, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 429);
    const char *retry = http_response_header(&r, "Retry-After");
    cr_assert(retry && atoi(retry) >= 1 && atoi(retry) <= 10, "429 needs Retry-After of about 10 s, got %s",
              retry ? retry : "(none)");
    http_response_free(&r);

    fx_call("GET", "/v1/reference/benefit", &other, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);

    /* Unauthenticated endpoints are not counted against anyone. */
    for (int i = 0; i < 10; i++) {
        cr_assert_eq(http_request("GET", "/healthz", NULL, 0, NULL, 0, &r), 0);
        fx_assert_status(&r, 200);
        http_response_free(&r);
    }
    own_service_expect_clean_stop();
    fx_actor_free(&greedy);
    fx_actor_free(&other);
}

/* Citizens registered before the service kept birth dates have none; a service starting
 * reads them from the sealed CPR numbers, so their cases fall in the right caseload
 * category (young under 30). */
Test(resilience, a_starting_service_fills_in_missing_birth_dates, .timeout = 60, .fini = own_service_stop)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_random_cpr_born(2001, cpr);
    fx_register_citizen(&cw, cpr, citizen);
    const char *p_citizen[] = {citizen};
    cr_assert_eq(fx_owner_exec("UPDATE citizens SET birth_date = NULL WHERE id = $1::uuid", 1, p_citizen), 1);
    /* Inside a request no caller may list sealed numbers or set dates across municipalities. */
    PGconn *as_caller = fx_pg_service();
    fx_pg_begin_as(as_caller, "caseworker", cw.sub, FX_MUNICIPALITY);
    cr_assert_eq(fx_pg_value(as_caller, "SELECT count(*) FROM citizens_without_birth_date('00000000-0000-0000-0000-000000000000', 100000)", 0, NULL), 0,
                 "a caller's transaction lists citizens without a birth date");
    const char *p_set[] = {citizen};
    PQclear(fx_pg_ok(as_caller, "SELECT citizen_set_birth_date($1::uuid, '1950-01-01')", 1, p_set));
    PQclear(fx_pg_ok(as_caller, "COMMIT", 0, NULL));
    PQfinish(as_caller);
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM citizens WHERE id = $1::uuid AND birth_date IS NULL", 1,
                                p_citizen),
                 1, "a caller's transaction set a birth date");

    own_service_start(NULL, 0);
    char want[11];
    snprintf(want, sizeof(want), "20%.2s-%.2s-%.2s", cpr + 4, cpr + 2, cpr);
    const char *p_check[] = {citizen, want};
    const char *filled = "SELECT count(*) FROM citizens WHERE id = $1::uuid AND birth_date = $2::date";
    for (int i = 0; i < 100 && fx_owner_value(filled, 2, p_check) == 0; i++)
        fx_pause_ms(100);
    cr_assert_eq(fx_owner_value(filled, 2, p_check), 1, "the birth date of citizen %s was not filled in as %s",
                 citizen, want);
    own_service_expect_clean_stop();
    fx_actor_free(&cw);
}

#define MANY_CITIZENS "60000"
#define UNREADABLE "3"

/* Start-up does not grow with the data: with many citizens still without a birth date the
 * service is ready at once, and fills them in behind it; a number it cannot read is
 * marked, not read again at every start. */
Test(resilience, start_up_does_not_wait_for_the_birth_date_back_fill, .timeout = 150, .fini = own_service_stop)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], tag[64];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_random_cpr_born(1990, cpr);
    fx_register_citizen(&cw, cpr, citizen);
    fx_unique("backfill", tag, sizeof(tag));
    /* Copies of one readable sealed number, and a few that cannot be opened. */
    const char *p_copy[] = {tag, citizen, MANY_CITIZENS};
    cr_assert_eq(fx_owner_exec("INSERT INTO citizens (cpr_hash, cpr_sealed, name) "
                               "SELECT sha256(convert_to($1 || g::text, 'UTF8')), c.cpr_sealed, $1 "
                               "FROM citizens c, generate_series(1, $3::integer) g WHERE c.id = $2::uuid",
                               3, p_copy),
                 atoll(MANY_CITIZENS));
    const char *p_bad[] = {tag, UNREADABLE};
    cr_assert_eq(fx_owner_exec("INSERT INTO citizens (cpr_hash, cpr_sealed, name) "
                               "SELECT sha256(convert_to($1 || 'bad' || g::text, 'UTF8')), '\\x00'::bytea, $1 "
                               "FROM generate_series(1, $2::integer) g",
                               2, p_bad),
                 atoll(UNREADABLE));

    long long t0 = fx_now_ms();
    own_service_start(NULL, 0);
    long long took = fx_now_ms() - t0;
    cr_assert_lt(took, 2500, "ready only after %lld ms with %s citizens to fill in", took, MANY_CITIZENS);

    char want[11];
    snprintf(want, sizeof(want), "19%.2s-%.2s-%.2s", cpr + 4, cpr + 2, cpr);
    const char *p_tag[] = {tag};
    const char *unfilled = "SELECT count(*) FROM citizens WHERE name = $1 AND birth_date IS NULL AND NOT birth_date_unreadable";
    for (int i = 0; i < 1200 && fx_owner_value(unfilled, 1, p_tag) > 0; i++)
        fx_pause_ms(100);
    cr_assert_eq(fx_owner_value(unfilled, 1, p_tag), 0, "the back-fill did not finish within two minutes");
    const char *p_want[] = {tag, want};
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM citizens WHERE name = $1 AND birth_date = $2::date", 2, p_want),
                 atoll(MANY_CITIZENS), "not every birth date was filled in as %s", want);
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM citizens WHERE name = $1 AND birth_date_unreadable", 1, p_tag),
                 atoll(UNREADABLE), "the unreadable numbers are not marked");
    own_service_expect_clean_stop();
    fx_owner_exec("DELETE FROM citizens WHERE name = $1", 1, p_tag);
    fx_actor_free(&cw);
}
