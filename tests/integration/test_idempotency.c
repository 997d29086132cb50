/* Idempotent POSTs: a replay with the same Idempotency-Key and request gets the first answer
 * (status, Content-Type, Location, ETag, body) marked Idempotent-Replayed without the work
 * being done again; another request under the key is 422, a key whose first request is still
 * at work is 409 in_progress; keys are the caller's own, failed attempts give the key back,
 * malformed keys are 400, GET ignores the header; and the purge keeps keys for 24 hours. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"

#define CLOSE_REASON "Borgeren er flyttet til en anden kommune."

/* What the first answer must carry, so that comparing it with the replay means something. */
#define HAS_LOCATION 1u
#define HAS_ETAG 2u

static void new_key(char out[64])
{
    fx_unique("idem", out, 64);
}

/* POST path as a with body (consumed), the key and If-Match when not NULL. The caller frees
 * out. Returns out->status. */
static int post_keyed(const struct fx_actor *a, const char *path, json_t *body, const char *key,
                      const char *if_match, struct http_response *out)
{
    struct http_header h[2];
    size_t n = 0;
    if (key)
        h[n++] = (struct http_header){"Idempotency-Key", key};
    if (if_match)
        h[n++] = (struct http_header){"If-Match", if_match};
    return fx_call("POST", path, a, body, h, n, out);
}

/* The body of POST /v1/cases that fx_create_case sends for a caseworker. */
static json_t *case_body(const char *citizen_id)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen_id, "target_group", "jobparat",
                     "target_group_since", "2025-03-01", "benefit", "kontanthjaelp", "benefit_start", "2025-03-01");
}

static json_t *close_body(void)
{
    return json_pack("{s:s}", "reason", CLOSE_REASON);
}

static void case_if_match(const struct fx_actor *a, const char *case_id, char out[24])
{
    json_t *doc = fx_get_case(a, case_id);
    fx_if_match(doc, out);
    json_decref(doc);
}

static void decision_if_match(const struct fx_actor *a, const char *id, char out[24])
{
    json_t *doc = fx_get_decision(a, id);
    fx_if_match(doc, out);
    json_decref(doc);
}

static void assert_not_replayed(const struct http_response *r)
{
    const char *mark = http_response_header(r, "Idempotent-Replayed");
    cr_assert_null(mark, "an answer that did the work is marked Idempotent-Replayed: %s", mark);
}

/* Fails unless again is first replayed: the same status, Content-Type, Location, ETag and
 * body byte for byte, marked Idempotent-Replayed: true (and first not marked). must names
 * the headers first has to carry. */
static void assert_replay(const struct http_response *first, const struct http_response *again, unsigned must)
{
    assert_not_replayed(first);
    cr_assert(http_response_header(first, "Content-Type"), "the first answer has no Content-Type");
    cr_assert(!(must & HAS_LOCATION) || http_response_header(first, "Location"), "the first answer has no Location");
    cr_assert(!(must & HAS_ETAG) || http_response_header(first, "ETag"), "the first answer has no ETag");
    const char *mark = http_response_header(again, "Idempotent-Replayed");
    cr_assert(mark && strcmp(mark, "true") == 0, "the replay (status %d) is marked Idempotent-Replayed %s: %.300s",
              again->status, mark ? mark : "(absent)", again->body);
    cr_assert_eq(again->status, first->status, "the replay answered %d, the first %d", again->status, first->status);
    static const char *const names[] = {"Content-Type", "Location", "ETag"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *a = http_response_header(first, names[i]), *b = http_response_header(again, names[i]);
        cr_assert((!a && !b) || (a && b && strcmp(a, b) == 0), "%s: first %s, replay %s", names[i],
                  a ? a : "(absent)", b ? b : "(absent)");
    }
    cr_assert(first->body_len == again->body_len && memcmp(first->body, again->body, first->body_len) == 0,
              "the replayed body differs from the first:\n%.600s\n%.600s", first->body, again->body);
}

/* Fails unless r is the 422 of a key used for another request: one error, pointer "". */
static void assert_mismatch(const struct http_response *r)
{
    static const char *const whole[] = {""};
    fx_assert_error_pointers(r, whole, 1);
    assert_not_replayed(r);
}

static long long events_of(const char *resource_id, const char *type)
{
    const char *p[] = {resource_id, type};
    return fx_owner_value("SELECT count(*) FROM events WHERE resource_id = $1::uuid AND type = $2", 2, p);
}

/* Rows stored under key, for every caller (keys are unique to the test that makes them). */
static long long key_rows(const char *key)
{
    const char *p[] = {key};
    return fx_owner_value("SELECT count(*) FROM idempotency_keys WHERE key = $1", 1, p);
}

/* The citizen's cases as a lists them (one page: the tests make a few). */
static size_t cases_of(const struct fx_actor *a, const char *citizen_id)
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/cases?citizen_id=%s&limit=100", citizen_id);
    json_t *page = fx_get_json(a, path);
    json_t *items = json_object_get(page, "items");
    cr_assert(json_is_array(items) && json_is_null(json_object_get(page, "next_cursor")), "GET %s: not one page",
              path);
    size_t n = json_array_size(items);
    json_decref(page);
    return n;
}

/* The id member of r's body, into out. */
static void body_id(const struct http_response *r, char out[FX_UUID_LEN])
{
    json_t *doc = fx_body(r);
    const char *id = json_string_value(json_object_get(doc, "id"));
    cr_assert(id && strlen(id) == FX_UUID_LEN - 1, "the answer has no id: %.300s", r->body);
    memcpy(out, id, FX_UUID_LEN);
    json_decref(doc);
}

/* ---- replays ---- */

Test(idempotency, citizen_registration_replay_is_the_first_201_not_a_second_registration, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], key[64];
    fx_random_cpr(cpr);
    new_key(key);
    struct http_response first, again, plain;
    post_keyed(&cw, "/v1/citizens", json_pack("{s:s, s:s}", "cpr", cpr, "name", "Mette Jensen"), key, NULL, &first);
    fx_assert_status(&first, 201);
    post_keyed(&cw, "/v1/citizens", json_pack("{s:s, s:s}", "cpr", cpr, "name", "Mette Jensen"), key, NULL, &again);
    /* Registering again would answer 200 (already known): 201 is the stored answer. */
    assert_replay(&first, &again, HAS_LOCATION);
    post_keyed(&cw, "/v1/citizens", json_pack("{s:s, s:s}", "cpr", cpr, "name", "Mette Jensen"), NULL, NULL, &plain);
    fx_assert_status(&plain, 200);
    assert_not_replayed(&plain);

    /* The replay handed the citizen's data out again: it is on record as a read of the
     * citizen, under the replay's own request id, beside the first request's create. */
    char citizen[FX_UUID_LEN];
    body_id(&first, citizen);
    struct fx_actor auditor;
    fx_staff(&auditor, "auditor", FX_MUNICIPALITY);
    json_t *rows = fx_access_log_rows(&auditor, citizen);
    fx_assert_logged(rows, http_response_header(&first, "X-Request-Id"), "create", "citizen", &cw, citizen);
    fx_assert_logged(rows, http_response_header(&again, "X-Request-Id"), "read", "citizen", &cw, citizen);
    json_decref(rows);
    fx_actor_free(&auditor);
    http_response_free(&plain);
    http_response_free(&again);
    http_response_free(&first);
    fx_actor_free(&cw);
}

Test(idempotency, case_creation_replay_opens_no_second_case, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN], key[64], case_id[FX_UUID_LEN];
    fx_new_citizen(&cw, cpr, citizen);
    new_key(key);
    struct http_response first, again;
    post_keyed(&cw, "/v1/cases", case_body(citizen), key, NULL, &first);
    fx_assert_status(&first, 201);
    body_id(&first, case_id);
    cr_assert_eq(cases_of(&cw, citizen), 1);
    for (int i = 0; i < 2; i++) {
        post_keyed(&cw, "/v1/cases", case_body(citizen), key, NULL, &again);
        assert_replay(&first, &again, HAS_LOCATION | HAS_ETAG);
        http_response_free(&again);
    }
    cr_assert_eq(cases_of(&cw, citizen), 1, "a replay opened another case");
    cr_assert_eq(events_of(case_id, "case.created"), 1, "a replay wrote another case.created");
    http_response_free(&first);
    fx_actor_free(&cw);
}

Test(idempotency, decision_draft_replay_drafts_no_second_decision, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN], case_id[FX_UUID_LEN], key[64], id[FX_UUID_LEN];
    fx_new_case(&cw, cpr, citizen, case_id);
    new_key(key);
    struct http_response first, again;
    post_keyed(&cw, "/v1/decisions", fx_decision_body(case_id, "placement", "refused"), key, NULL, &first);
    fx_assert_status(&first, 201);
    body_id(&first, id);
    post_keyed(&cw, "/v1/decisions", fx_decision_body(case_id, "placement", "refused"), key, NULL, &again);
    assert_replay(&first, &again, HAS_LOCATION | HAS_ETAG);
    const char *p[] = {case_id};
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM decisions WHERE case_id = $1::uuid", 1, p), 1,
                 "a replay drafted another decision");
    cr_assert_eq(events_of(id, "decision.created"), 1);
    http_response_free(&again);
    http_response_free(&first);
    fx_actor_free(&cw);
}

Test(idempotency, issue_replay_answers_the_first_200_and_writes_no_second_event, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN], case_id[FX_UUID_LEN], key[64], id[FX_UUID_LEN], if_match[24], path[128];
    fx_new_case(&cw, cpr, citizen, case_id);
    fx_draft_decision(&cw, case_id, "placement", "refused", id);
    decision_if_match(&cw, id, if_match);
    snprintf(path, sizeof(path), "/v1/decisions/%s/issue", id);
    new_key(key);
    struct http_response first, again;
    post_keyed(&cw, path, json_object(), key, if_match, &first);
    fx_assert_status(&first, 200);
    /* Run again, the stale If-Match and the issued decision would refuse it. */
    post_keyed(&cw, path, json_object(), key, if_match, &again);
    assert_replay(&first, &again, HAS_ETAG);
    cr_assert_eq(events_of(id, "decision.issued"), 1, "a replay issued the decision again");
    json_t *now = fx_get_decision(&cw, id), *then = fx_body(&first);
    fx_assert_member(now, "status", "issued");
    cr_assert_eq(json_integer_value(json_object_get(now, "version")),
                 json_integer_value(json_object_get(then, "version")), "the decision changed after the first issue");
    json_decref(then);
    json_decref(now);
    http_response_free(&again);
    http_response_free(&first);
    fx_actor_free(&cw);
}

Test(idempotency, citizen_appeal_replay_files_no_second_appeal, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw, citizen;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen_id[FX_UUID_LEN], case_id[FX_UUID_LEN], decision[FX_UUID_LEN], key[64], id[FX_UUID_LEN];
    fx_new_case(&cw, cpr, citizen_id, case_id);
    fx_citizen(&citizen, cpr);
    fx_issued_decision(&cw, case_id, "placement", "refused", NULL, decision);
    new_key(key);
    struct http_response first, again, plain;
    post_keyed(&citizen, "/v1/appeals", json_pack("{s:s, s:s}", "decision_id", decision, "grounds", "Jeg er uenig."),
               key, NULL, &first);
    fx_assert_status(&first, 201);
    body_id(&first, id);
    post_keyed(&citizen, "/v1/appeals", json_pack("{s:s, s:s}", "decision_id", decision, "grounds", "Jeg er uenig."),
               key, NULL, &again);
    assert_replay(&first, &again, HAS_LOCATION | HAS_ETAG);
    /* Without the key the same request does run, and meets the open appeal. */
    post_keyed(&citizen, "/v1/appeals", json_pack("{s:s, s:s}", "decision_id", decision, "grounds", "Jeg er uenig."),
               NULL, NULL, &plain);
    fx_assert_problem(&plain, 409);
    const char *p[] = {decision};
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM appeals WHERE decision_id = $1::uuid", 1, p), 1);
    cr_assert_eq(events_of(id, "appeal.received"), 1);
    http_response_free(&plain);
    http_response_free(&again);
    http_response_free(&first);
    fx_actor_free(&citizen);
    fx_actor_free(&cw);
}

/* ---- the key used for another request ---- */

Test(idempotency, same_key_with_another_body_is_422_and_does_no_work, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN], key[64];
    fx_new_citizen(&cw, cpr, citizen);
    new_key(key);
    struct http_response first, r;
    post_keyed(&cw, "/v1/cases", case_body(citizen), key, NULL, &first);
    fx_assert_status(&first, 201);

    json_t *other = case_body(citizen);
    json_object_set_new(other, "benefit_start", json_string("2025-04-01"));
    post_keyed(&cw, "/v1/cases", other, key, NULL, &r);
    assert_mismatch(&r);
    http_response_free(&r);

    /* The same JSON with other whitespace is another request: the body counts byte for byte. */
    json_t *same = case_body(citizen);
    char *text = json_dumps(same, JSON_INDENT(2));
    json_decref(same);
    cr_assert_not_null(text);
    char auth[1024];
    snprintf(auth, sizeof(auth), "Bearer %s", cw.token);
    const struct http_header h[] = {
        {"Authorization", auth}, {"Content-Type", "application/json"}, {"Idempotency-Key", key}};
    cr_assert_eq(http_request("POST", "/v1/cases", h, 3, text, strlen(text), &r), 0, "no response: %s",
                 http_last_error());
    free(text);
    assert_mismatch(&r);
    http_response_free(&r);

    cr_assert_eq(cases_of(&cw, citizen), 1, "a request refused for its key opened a case");
    post_keyed(&cw, "/v1/cases", case_body(citizen), key, NULL, &r);
    assert_replay(&first, &r, HAS_LOCATION | HAS_ETAG);
    http_response_free(&r);
    http_response_free(&first);
    fx_actor_free(&cw);
}

Test(idempotency, same_key_on_another_path_is_422_and_does_no_work, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN], a[FX_UUID_LEN], b[FX_UUID_LEN], key[64], if_match[24], path[128];
    char other_cpr[11], other_citizen[FX_UUID_LEN];
    fx_new_case(&cw, cpr, citizen, a);
    /* One open case per citizen: the other case is another citizen's. */
    fx_new_case(&cw, other_cpr, other_citizen, b);
    new_key(key);
    struct http_response r;
    case_if_match(&cw, a, if_match);
    snprintf(path, sizeof(path), "/v1/cases/%s/close", a);
    post_keyed(&cw, path, close_body(), key, if_match, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);

    /* The same body and a valid If-Match, on the other case. */
    case_if_match(&cw, b, if_match);
    snprintf(path, sizeof(path), "/v1/cases/%s/close", b);
    post_keyed(&cw, path, close_body(), key, if_match, &r);
    assert_mismatch(&r);
    http_response_free(&r);
    json_t *doc = fx_get_case(&cw, b);
    fx_assert_member(doc, "status", "open");
    cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 1, "the other case was changed");
    json_decref(doc);
    cr_assert_eq(events_of(b, "case.closed"), 0);

    /* Nor does a key cross to another endpoint. */
    post_keyed(&cw, "/v1/cases", case_body(citizen), key, NULL, &r);
    assert_mismatch(&r);
    http_response_free(&r);
    cr_assert_eq(cases_of(&cw, citizen), 1);
    fx_actor_free(&cw);
}

/* ---- the first request still at work ---- */

/* The first close, sent from a thread of its own while the test holds the case's row lock.
 * No criterion assertion here: they belong to the test's own thread. */
struct first_close {
    const char *token;
    char path[128];
    char if_match[24];
    char key[64];
    int rc;
    struct http_response r;
};

static void *close_in_background(void *arg)
{
    struct first_close *f = arg;
    const struct http_header h[] = {{"Idempotency-Key", f->key}, {"If-Match", f->if_match}};
    json_t *body = close_body();
    f->rc = http_json("POST", f->path, f->token, body, h, 2, &f->r);
    json_decref(body);
    return NULL;
}

/* Waits until some backend waits for a lock that lock's transaction holds. */
static void wait_until_blocked(PGconn *lock)
{
    for (long long deadline = fx_now_ms() + 10000; fx_now_ms() < deadline; fx_pause_ms(20))
        if (fx_pg_value(lock,
                        "SELECT count(*) FROM pg_stat_activity WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid))",
                        0, NULL) > 0)
            return;
    cr_assert_fail("the first request never waited for the case's row lock");
}

/* A new case of cw and its close sent with a fresh key from a thread of its own, kept
 * waiting at its FOR UPDATE (its key claimed) by the case's row lock, which the returned
 * connection holds in an open transaction; the caller commits and PQfinish'es it. */
static PGconn *start_blocked_close(const struct fx_actor *cw, char case_id[FX_UUID_LEN], struct first_close *f,
                                   pthread_t *thread)
{
    char cpr[11], citizen[FX_UUID_LEN];
    fx_new_case(cw, cpr, citizen, case_id);
    memset(f, 0, sizeof(*f));
    f->token = cw->token;
    snprintf(f->path, sizeof(f->path), "/v1/cases/%s/close", case_id);
    case_if_match(cw, case_id, f->if_match);
    new_key(f->key);
    PGconn *lock = fx_pg_owner();
    PQclear(fx_pg_ok(lock, "BEGIN", 0, NULL));
    const char *p_case[] = {case_id};
    PQclear(fx_pg_ok(lock, "SELECT 1 FROM cases WHERE id = $1::uuid FOR UPDATE", 1, p_case));
    cr_assert_eq(pthread_create(thread, NULL, close_in_background, f), 0);
    wait_until_blocked(lock);
    return lock;
}

Test(idempotency, same_key_while_the_first_runs_is_409_in_progress_then_the_replay, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char case_id[FX_UUID_LEN];
    struct first_close f;
    pthread_t thread;
    PGconn *lock = start_blocked_close(&cw, case_id, &f, &thread);
    const char *p_key[] = {f.key};
    cr_assert_eq(fx_pg_value(lock, "SELECT count(*) FROM idempotency_keys WHERE key = $1 AND state = 'running'", 1,
                             p_key),
                 1, "the waiting request holds no running claim on its key");

    struct http_response r;
    post_keyed(&cw, f.path, close_body(), f.key, f.if_match, &r);
    fx_assert_state(&r, "in_progress");
    assert_not_replayed(&r);
    http_response_free(&r);
    /* A different request under the running key is still refused as such. */
    post_keyed(&cw, f.path, json_pack("{s:s}", "reason", "En anden grund."), f.key, f.if_match, &r);
    assert_mismatch(&r);
    http_response_free(&r);

    PQclear(fx_pg_ok(lock, "COMMIT", 0, NULL));
    PQfinish(lock);
    pthread_join(thread, NULL);
    cr_assert_eq(f.rc, 0, "the first request got no response");
    fx_assert_status(&f.r, 200);
    post_keyed(&cw, f.path, close_body(), f.key, f.if_match, &r);
    assert_replay(&f.r, &r, HAS_ETAG);
    http_response_free(&r);
    cr_assert_eq(events_of(case_id, "case.closed"), 1, "the case was closed twice");
    json_t *doc = fx_get_case(&cw, case_id);
    fx_assert_member(doc, "status", "closed");
    json_decref(doc);
    http_response_free(&f.r);
    fx_actor_free(&cw);
}

/* A claim whose connection died (the process crashed, or the database dropped it) is
 * still marked running but holds no lock: the next request with the key takes it over at
 * once and does the work, rather than being told to wait. */
Test(idempotency, a_claim_whose_connection_died_is_taken_over_at_once, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char case_id[FX_UUID_LEN];
    struct first_close f;
    pthread_t thread;
    PGconn *lock = start_blocked_close(&cw, case_id, &f, &thread);
    const char *p_key[] = {f.key};

    /* The database drops the connection the first request works on. */
    const char *su_url = getenv("FREMDRIFT_PG_SUPERUSER_URL");
    cr_assert(su_url && *su_url, "FREMDRIFT_PG_SUPERUSER_URL is not set");
    PGconn *su = PQconnectdb(su_url);
    cr_assert_eq(PQstatus(su), CONNECTION_OK, "no superuser connection: %s", PQerrorMessage(su));
    char holder[16];
    snprintf(holder, sizeof(holder), "%d", PQbackendPID(lock));
    const char *p_holder[] = {holder};
    cr_assert_eq(fx_pg_value(su,
                             "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                             "WHERE $1::integer = ANY(pg_blocking_pids(pid))",
                             1, p_holder),
                 1, "the first request's connection was not found");
    PQfinish(su);
    pthread_join(thread, NULL);
    cr_assert_eq(f.rc, 0, "the first request got no response");
    cr_assert_geq(f.r.status, 500, "the first request whose connection died answered %d", f.r.status);
    PQclear(fx_pg_ok(lock, "COMMIT", 0, NULL));
    PQfinish(lock);
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM idempotency_keys WHERE key = $1 AND state = 'running'", 1,
                                p_key),
                 1, "the dead request's claim is not left running (nothing to take over)");

    struct http_response r, again;
    post_keyed(&cw, f.path, close_body(), f.key, f.if_match, &r);
    fx_assert_status(&r, 200);
    assert_not_replayed(&r);
    post_keyed(&cw, f.path, close_body(), f.key, f.if_match, &again);
    assert_replay(&r, &again, HAS_ETAG);
    cr_assert_eq(events_of(case_id, "case.closed"), 1, "the case was closed %lld times",
                 events_of(case_id, "case.closed"));
    http_response_free(&again);
    http_response_free(&r);
    http_response_free(&f.r);
    fx_actor_free(&cw);
}

/* ---- whose key ---- */

Test(idempotency, another_caller_with_the_same_key_does_the_work_anew, .timeout = FX_TIMEOUT)
{
    struct fx_actor a, b;
    fx_staff(&a, "caseworker", FX_MUNICIPALITY);
    fx_staff(&b, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN], key[64], first_id[FX_UUID_LEN], second_id[FX_UUID_LEN];
    fx_new_citizen(&a, cpr, citizen);
    new_key(key);
    struct http_response first, second, r;
    post_keyed(&a, "/v1/cases", case_body(citizen), key, NULL, &first);
    fx_assert_status(&first, 201);
    body_id(&first, first_id);
    /* Closed, so that the citizen may have a case opened again. */
    fx_close_case(&a, first_id);
    /* The same bytes under the same key, from another subject. */
    post_keyed(&b, "/v1/cases", case_body(citizen), key, NULL, &second);
    fx_assert_status(&second, 201);
    assert_not_replayed(&second);
    body_id(&second, second_id);
    cr_assert_str_neq(first_id, second_id, "the second caller got the first caller's case");
    json_t *doc = fx_body(&second);
    fx_assert_member(doc, "caseworker", b.sub);
    json_decref(doc);
    cr_assert_eq(cases_of(&a, citizen), 2);
    cr_assert_eq(key_rows(key), 2, "the two callers' keys are not kept apart");
    post_keyed(&a, "/v1/cases", case_body(citizen), key, NULL, &r);
    assert_replay(&first, &r, HAS_LOCATION | HAS_ETAG);
    http_response_free(&r);
    post_keyed(&b, "/v1/cases", case_body(citizen), key, NULL, &r);
    assert_replay(&second, &r, HAS_LOCATION | HAS_ETAG);
    http_response_free(&r);
    http_response_free(&second);
    http_response_free(&first);
    fx_actor_free(&b);
    fx_actor_free(&a);
}

/* The same person in another role or municipality (a caseworker made team lead, or moved)
 * is another caller: what the old token was allowed to see is not handed to the new one. */
Test(idempotency, the_same_subject_in_another_role_or_municipality_is_another_caller, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw, lead, moved;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_staff(&lead, "team_lead", FX_MUNICIPALITY);
    fx_staff(&moved, "caseworker", FX_OTHER_MUNICIPALITY);
    const struct fx_actor *later[] = {&lead, &moved};
    for (size_t i = 0; i < 2; i++) {
        struct fx_actor *a = (struct fx_actor *)later[i];
        snprintf(a->sub, sizeof(a->sub), "%s", cw.sub);
        free(a->token);
        a->token = fx_token(a->role, a->sub, a->municipality, NULL);
    }
    char key[64];
    new_key(key);
    struct http_response first, r;
    char cpr[11];
    fx_random_cpr(cpr);
    post_keyed(&cw, "/v1/citizens", json_pack("{s:s}", "cpr", cpr), key, NULL, &first);
    fx_assert_status(&first, 201);
    for (size_t i = 0; i < 2; i++) {
        post_keyed(later[i], "/v1/citizens", json_pack("{s:s}", "cpr", cpr), key, NULL, &r);
        assert_not_replayed(&r);
        cr_assert(r.status == 200 || r.status == 201, "as %s of %s the same subject got %d, want the work done anew",
                  later[i]->role, later[i]->municipality, r.status);
        http_response_free(&r);
    }
    cr_assert_eq(key_rows(key), 3, "the subject's three roles or municipalities share a key");
    http_response_free(&first);
    fx_actor_free(&moved);
    fx_actor_free(&lead);
    fx_actor_free(&cw);
}

/* ---- failures are not stored ---- */

Test(idempotency, a_refused_request_is_not_stored_and_a_corrected_one_runs_under_the_key, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN], key[64];
    fx_new_citizen(&cw, cpr, citizen);
    new_key(key);
    static const char *const target_group[] = {"/target_group"};
    struct http_response r, fixed;
    for (int i = 0; i < 2; i++) {
        json_t *bad = case_body(citizen);
        json_object_set_new(bad, "target_group", json_string("ingen_saadan_gruppe"));
        post_keyed(&cw, "/v1/cases", bad, key, NULL, &r);
        fx_assert_error_pointers(&r, target_group, 1);
        assert_not_replayed(&r);
        http_response_free(&r);
        cr_assert_eq(key_rows(key), 0, "a refused request left its key behind");
    }
    cr_assert_eq(cases_of(&cw, citizen), 0);

    post_keyed(&cw, "/v1/cases", case_body(citizen), key, NULL, &fixed);
    fx_assert_status(&fixed, 201);
    assert_not_replayed(&fixed);
    post_keyed(&cw, "/v1/cases", case_body(citizen), key, NULL, &r);
    assert_replay(&fixed, &r, HAS_LOCATION | HAS_ETAG);
    http_response_free(&r);
    /* The key now belongs to the corrected request. */
    json_t *bad = case_body(citizen);
    json_object_set_new(bad, "target_group", json_string("ingen_saadan_gruppe"));
    post_keyed(&cw, "/v1/cases", bad, key, NULL, &r);
    assert_mismatch(&r);
    http_response_free(&r);
    cr_assert_eq(cases_of(&cw, citizen), 1);
    http_response_free(&fixed);
    fx_actor_free(&cw);
}

Test(idempotency, work_refused_by_the_state_gives_the_key_back_for_a_retry, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw, citizen;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen_id[FX_UUID_LEN], case_id[FX_UUID_LEN], decision[FX_UUID_LEN], key[64];
    fx_new_case(&cw, cpr, citizen_id, case_id);
    fx_citizen(&citizen, cpr);
    fx_draft_decision(&cw, case_id, "placement", "refused", decision);
    new_key(key);
    struct http_response r, retry;
    post_keyed(&citizen, "/v1/appeals", json_pack("{s:s}", "decision_id", decision), key, NULL, &r);
    fx_assert_state(&r, "draft");
    http_response_free(&r);
    cr_assert_eq(key_rows(key), 0, "a refused appeal left its key behind");

    json_decref(fx_issue_decision(&cw, decision, NULL));
    post_keyed(&citizen, "/v1/appeals", json_pack("{s:s}", "decision_id", decision), key, NULL, &retry);
    fx_assert_status(&retry, 201);
    assert_not_replayed(&retry);
    post_keyed(&citizen, "/v1/appeals", json_pack("{s:s}", "decision_id", decision), key, NULL, &r);
    assert_replay(&retry, &r, HAS_LOCATION | HAS_ETAG);
    http_response_free(&r);
    const char *p[] = {decision};
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM appeals WHERE decision_id = $1::uuid", 1, p), 1);
    http_response_free(&retry);
    fx_actor_free(&citizen);
    fx_actor_free(&cw);
}

/* ---- the key itself ---- */

Test(idempotency, malformed_keys_are_400_and_do_no_work, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN];
    fx_new_citizen(&cw, cpr, citizen);
    char long_key[257], longest[256];
    memset(long_key, 'k', 256);
    long_key[256] = '\0';
    /* Every printable ASCII character, 255 of them. */
    for (int i = 0; i < 255; i++)
        longest[i] = (char)('!' + i % 94);
    longest[255] = '\0';
    const char *const bad[] = {"", long_key, "two words", "tab\there", "n\xc3\xb8gle", "del\x7f"};
    struct http_response r;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        post_keyed(&cw, "/v1/cases", case_body(citizen), bad[i], NULL, &r);
        cr_assert_eq(r.status, 400, "key %zu (%zu bytes): status %d, want 400: %.300s", i, strlen(bad[i]), r.status,
                     r.body);
        fx_assert_problem(&r, 400);
        http_response_free(&r);
    }
    cr_assert_eq(cases_of(&cw, citizen), 0, "a request with a malformed key opened a case");

    const char *const good[] = {"x", longest};
    for (size_t i = 0; i < 2; i++) {
        struct http_response first;
        post_keyed(&cw, "/v1/cases", case_body(citizen), good[i], NULL, &first);
        fx_assert_status(&first, 201);
        post_keyed(&cw, "/v1/cases", case_body(citizen), good[i], NULL, &r);
        assert_replay(&first, &r, HAS_LOCATION | HAS_ETAG);
        http_response_free(&r);
        /* Closed, so that the citizen may have the next case opened. */
        char id[FX_UUID_LEN];
        body_id(&first, id);
        fx_close_case(&cw, id);
        http_response_free(&first);
    }
    cr_assert_eq(cases_of(&cw, citizen), 2);
    fx_actor_free(&cw);
}

/* The contract lets every POST take the key and documents it on no GET; a GET with one, even
 * a malformed one, is answered as without it and stores nothing. */
Test(idempotency, a_key_on_a_get_is_ignored, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN], case_id[FX_UUID_LEN], key[64], path[128];
    fx_new_case(&cw, cpr, citizen, case_id);
    new_key(key);
    snprintf(path, sizeof(path), "/v1/cases/%s", case_id);
    const char *const keys[] = {key, key, "two words"};
    for (size_t i = 0; i < 3; i++) {
        const struct http_header h[] = {{"Idempotency-Key", keys[i]}};
        struct http_response r;
        fx_call("GET", path, &cw, NULL, h, 1, &r);
        fx_assert_status(&r, 200);
        assert_not_replayed(&r);
        http_response_free(&r);
    }
    cr_assert_eq(key_rows(key), 0, "a GET claimed its key");
    fx_actor_free(&cw);
}

/* The CPR number is stored only encrypted (DESIGN.md, "Personal data"; citizens.cpr_sealed):
 * a stored answer that shows it to a caseworker must not keep it in clear text for a day. */
Test(idempotency, a_stored_answer_keeps_no_cpr_number_in_clear_text, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], key[64], dashed[12];
    fx_random_cpr(cpr);
    snprintf(dashed, sizeof(dashed), "%.6s-%s", cpr, cpr + 6);
    new_key(key);
    struct http_response r;
    post_keyed(&cw, "/v1/citizens", json_pack("{s:s}", "cpr", cpr), key, NULL, &r);
    fx_assert_status(&r, 201);
    cr_assert_not_null(strstr(r.body, cpr), "the caseworker's answer does not show the CPR number");
    http_response_free(&r);
    cr_assert_eq(key_rows(key), 1);
    const char *p[] = {key, cpr, dashed};
    /* An expectation, not an assertion: the actor is still freed when it fails. */
    cr_expect_eq(fx_owner_value("SELECT count(*) FROM idempotency_keys WHERE key = $1 AND "
                                "(strpos(coalesce(body, '') || coalesce(headers::text, ''), $2) > 0 OR "
                                " strpos(coalesce(body, '') || coalesce(headers::text, ''), $3) > 0)",
                                3, p),
                 0, "idempotency_keys holds the CPR number in clear text");
    fx_actor_free(&cw);
}

/* ---- retention (serial phase: the purge deletes old data of every test) ---- */

/* A citizen registered with key; writes the CPR and returns the answer (the caller frees it). */
static void register_keyed(const struct fx_actor *cw, const char *key, char cpr[11], struct http_response *out)
{
    fx_random_cpr(cpr);
    post_keyed(cw, "/v1/citizens", json_pack("{s:s}", "cpr", cpr), key, NULL, out);
    fx_assert_status(out, 201);
}

static long long created_ms(const char *key)
{
    const char *p[] = {key};
    return fx_owner_value("SELECT (extract(epoch FROM created_at) * 1000)::bigint FROM idempotency_keys "
                          "WHERE key = $1",
                          1, p);
}

Test(resilience, idempotency_keys_are_kept_24_hours_by_the_purge, .timeout = FX_TIMEOUT * 3)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    /* One key from now, one 23 hours old (inside the retention), one 25 hours old (beyond). */
    char fresh[64], young[64], old[64], cpr[3][11];
    new_key(fresh);
    new_key(young);
    new_key(old);
    struct http_response first[3], r;
    register_keyed(&cw, fresh, cpr[0], &first[0]);
    register_keyed(&cw, young, cpr[1], &first[1]);
    register_keyed(&cw, old, cpr[2], &first[2]);
    const char *p_young[] = {young}, *p_old[] = {old};
    fx_owner_update_one("UPDATE idempotency_keys SET created_at = now() - interval '23 hours', "
                        "claimed_at = now() - interval '23 hours' WHERE key = $1",
                        1, p_young);
    fx_owner_update_one("UPDATE idempotency_keys SET created_at = now() - interval '25 hours', "
                        "claimed_at = now() - interval '25 hours' WHERE key = $1",
                        1, p_old);
    long long fresh_at = created_ms(fresh), young_at = created_ms(young);

    cr_assert_eq(fx_run_purge(NULL), 0, "fremdrift purge failed");
    cr_assert_eq(key_rows(fresh), 1, "the purge took a key made just now");
    cr_assert_eq(key_rows(young), 1, "the purge took a key younger than 24 hours");
    cr_assert_eq(created_ms(fresh), fresh_at, "the purge changed a kept key's created_at");
    cr_assert_eq(created_ms(young), young_at, "the purge changed a kept key's created_at");
    cr_assert_eq(key_rows(old), 0, "the purge left a key older than 24 hours");

    const char *kept[] = {fresh, young};
    for (int i = 0; i < 2; i++) {
        post_keyed(&cw, "/v1/citizens", json_pack("{s:s}", "cpr", cpr[i]), kept[i], NULL, &r);
        assert_replay(&first[i], &r, HAS_LOCATION);
        http_response_free(&r);
    }
    /* The purged key no longer replays: the registration runs again and finds the citizen. */
    post_keyed(&cw, "/v1/citizens", json_pack("{s:s}", "cpr", cpr[2]), old, NULL, &r);
    fx_assert_status(&r, 200);
    assert_not_replayed(&r);
    http_response_free(&r);
    for (int i = 0; i < 3; i++)
        http_response_free(&first[i]);
    fx_actor_free(&cw);
}
