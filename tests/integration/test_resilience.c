/* PostgreSQL stopped under the running service: requests that need the database get 503
 * problems with Retry-After while liveness stays up, and once PostgreSQL is back the same
 * process serves again without a restart. test.sh runs this suite alone, after the
 * others, with one job: it takes the database away from everyone. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"

#define OUTAGE_WAIT_MS 8000
#define RECOVERY_WAIT_MS 20000
#define BURST 6

/* Runs scripts/pg.sh with the given verb from the repository root; returns its exit
 * status (-1 if it could not run). No assertion: .fini uses it too. */
static int pg_script(const char *verb)
{
    const char *name = getenv("FREMDRIFT_TEST_PG_NAME");
    const char *port = getenv("FREMDRIFT_TEST_PG_PORT");
    if (!name || !port || !getenv("FREMDRIFT_TEST_STATE"))
        return -1;
    char *root = fx_repo_root();
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(root) == 0) {
            if (strcmp(verb, "start") == 0)
                execl("scripts/pg.sh", "pg.sh", "start", name, port, "--throwaway", (char *)NULL);
            else
                execl("scripts/pg.sh", "pg.sh", verb, name, (char *)NULL);
        }
        _exit(127);
    }
    free(root);
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

/* Whatever happened in the test, the database must be up for whatever runs next. */
static void restart_postgres(void)
{
    if (pg_script("start") != 0)
        fprintf(stderr, "resilience: could not restart PostgreSQL; later checks will fail\n");
}

/* Fails unless r is a 503 problem with a positive integer Retry-After. */
static void assert_unavailable(const struct http_response *r, const char *what)
{
    cr_assert_eq(r->status, 503, "%s during the outage answered %d: %.300s", what, r->status, r->body);
    fx_assert_problem(r, 503);
    const char *retry = http_response_header(r, "Retry-After");
    cr_assert_not_null(retry, "%s: a 503 without Retry-After", what);
    char *end;
    long seconds = strtol(retry, &end, 10);
    cr_assert(end != retry && *end == '\0' && seconds > 0, "%s: Retry-After is %s", what, retry);
}

struct burst_call {
    const char *token;
    const char *path;
    int status;
};

static void *burst_one(void *arg)
{
    struct burst_call *b = arg;
    struct http_response r;
    b->status = http_json("GET", b->path, b->token, NULL, NULL, 0, &r) == 0 ? r.status : -1;
    http_response_free(&r);
    return NULL;
}

Test(resilience, postgres_stopped_gives_503_and_started_again_serves, .timeout = 150,
     .fini = restart_postgres)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], id[FX_UUID_LEN], path[128];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, citizen);
    fx_create_case(&cw, citizen, NULL, id);
    snprintf(path, sizeof(path), "/v1/cases/%s", id);
    struct http_response r;
    fx_call("GET", path, &cw, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);

    cr_assert_eq(pg_script("stop"), 0, "scripts/pg.sh stop failed");

    /* The first read after the stop finds its pooled connection dead: it must already be
     * a 503 problem, and come within a few seconds, not hang. */
    long long t0 = fx_now_ms();
    fx_call("GET", path, &cw, NULL, NULL, 0, &r);
    long long took = fx_now_ms() - t0;
    assert_unavailable(&r, "a case read");
    http_response_free(&r);
    cr_assert_lt(took, OUTAGE_WAIT_MS, "the 503 took %lld ms", took);
    fx_call("PATCH", path, &cw, json_pack("{s:s}", "benefit_start", "2025-06-01"),
            (const struct http_header[]){{"If-Match", "\"1\""}}, 1, &r);
    assert_unavailable(&r, "a case update");
    http_response_free(&r);
    fx_call("POST", "/v1/citizens/search", &cw, json_pack("{s:s}", "cpr", cpr), NULL, 0, &r);
    assert_unavailable(&r, "a citizen search");
    cr_assert_null(strstr(r.body, cpr), "the 503 quotes the CPR number");
    http_response_free(&r);
    fx_call("GET", "/readyz", NULL, NULL, NULL, 0, &r);
    assert_unavailable(&r, "/readyz");
    http_response_free(&r);
    fx_call("GET", "/healthz", NULL, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);

    cr_assert_eq(pg_script("start"), 0, "scripts/pg.sh start failed");

    /* Bounded polling until the same process serves the case again. */
    long long deadline = fx_now_ms() + RECOVERY_WAIT_MS;
    int status = 0;
    for (;;) {
        status = fx_call("GET", path, &cw, NULL, NULL, 0, &r);
        if (status != 200)
            assert_unavailable(&r, "a case read while PostgreSQL starts");
        http_response_free(&r);
        if (status == 200 || fx_now_ms() > deadline)
            break;
        fx_pause_ms(250);
    }
    cr_assert_eq(status, 200, "no 200 within %d ms of PostgreSQL starting again", RECOVERY_WAIT_MS);

    /* Recovered for good: every pooled connection, not just the first, works again. */
    for (int i = 0; i < 2 * BURST; i++) {
        fx_call("GET", path, &cw, NULL, NULL, 0, &r);
        cr_assert_eq(r.status, 200, "read %d after recovery answered %d: %.300s", i, r.status, r.body);
        http_response_free(&r);
    }
    struct burst_call calls[BURST];
    pthread_t threads[BURST];
    for (int i = 0; i < BURST; i++) {
        calls[i] = (struct burst_call){cw.token, path, 0};
        cr_assert_eq(pthread_create(&threads[i], NULL, burst_one, &calls[i]), 0);
    }
    for (int i = 0; i < BURST; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; i < BURST; i++)
        cr_assert_eq(calls[i].status, 200, "concurrent read %d after recovery answered %d", i,
                     calls[i].status);

    fx_call("PATCH", path, &cw, json_pack("{s:s}", "benefit_start", "2025-06-01"),
            (const struct http_header[]){{"If-Match", "\"1\""}}, 1, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    fx_call("GET", "/readyz", NULL, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    fx_actor_free(&cw);
}

/* Stops and starts PostgreSQL while the service sits idle: every pooled connection's
 * server is gone, and libpq will not know until the connection is used. */
static void restart_while_idle(void)
{
    cr_assert_eq(pg_script("stop"), 0, "scripts/pg.sh stop failed");
    cr_assert_eq(pg_script("start"), 0, "scripts/pg.sh start failed");
}

/* After a restart the first request of each kind succeeds: the first statement on a
 * pooled connection reconnects once, whether it is a readiness ping, an idempotency
 * claim or a BEGIN. */
Test(resilience, first_requests_after_a_postgres_restart_succeed, .timeout = 120, .fini = restart_postgres)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], id[FX_UUID_LEN], path[128], key[64];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, citizen);
    fx_create_case(&cw, citizen, NULL, id);
    snprintf(path, sizeof(path), "/v1/cases/%s", id);
    struct http_response r;

    restart_while_idle();
    fx_call("GET", "/readyz", NULL, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);

    fx_unique("restart", key, sizeof(key));
    char other_cpr[11], other[FX_UUID_LEN];
    fx_new_citizen(&cw, other_cpr, other);
    restart_while_idle();
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "citizen_id", other, "target_group", "jobparat",
                             "target_group_since", "2025-03-01", "benefit", "kontanthjaelp", "benefit_start",
                             "2025-03-01");
    fx_call("POST", "/v1/cases", &cw, body, (const struct http_header[]){{"Idempotency-Key", key}}, 1, &r);
    fx_assert_status(&r, 201);
    http_response_free(&r);

    restart_while_idle();
    fx_call("GET", path, &cw, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    fx_actor_free(&cw);
}
