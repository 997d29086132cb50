/* No request is stalled by another, and a stop leaves no answer behind. On services of
 * their own, in the serial resilience phase:
 *  - a table locked for 20 s: requests that do not need it (liveness, reference data,
 *    a citizen) keep answering at once; those that do get a 503 problem within the
 *    statement timeout, every one of them;
 *  - SIGTERM while keep-alive clients write: responses carry Connection: close, the
 *    service exits 0 well inside its grace period, and every write that committed was
 *    answered. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"
#include "own_service.h"

#define LOCK_MS 20000
#define STATEMENT_TIMEOUT_MS 2000
#define POOL_WAIT_MS 1000
#define BLOCKED_CLIENTS 3
#define MAX_CALLS 4096

static atomic_int lock_held;

/* Calls of one client thread: status and milliseconds of each. Failures to get any
 * answer are counted apart; criterion's assertions belong to the test's own thread. */
struct client {
    const char *token;
    const char *paths[3];
    int n_paths;
    int n;
    int status[MAX_CALLS];
    long long ms[MAX_CALLS];
    int problem_ok[MAX_CALLS];
    int no_answer;
    char error[160];
};

static void *call_while_locked(void *arg)
{
    struct client *c = arg;
    for (int i = 0; atomic_load(&lock_held) && c->n < MAX_CALLS; i++) {
        struct http_response r;
        long long t0 = fx_now_ms();
        if (http_json("GET", c->paths[i % c->n_paths], c->token, NULL, NULL, 0, &r) != 0) {
            c->no_answer++;
            snprintf(c->error, sizeof(c->error), "%s", http_last_error());
            continue;
        }
        c->ms[c->n] = fx_now_ms() - t0;
        c->status[c->n] = r.status;
        const char *ct = http_response_header(&r, "Content-Type");
        c->problem_ok[c->n] = ct && strcmp(ct, "application/problem+json") == 0 &&
                              http_response_header(&r, "Retry-After") != NULL;
        c->n++;
        http_response_free(&r);
    }
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

Test(resilience, a_locked_table_stalls_only_the_requests_that_need_it, .timeout = 120, .fini = own_service_stop)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], id[FX_UUID_LEN], case_path[128], citizen_path[128];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, citizen);
    fx_create_case(&cw, citizen, NULL, id);
    snprintf(case_path, sizeof(case_path), "/v1/cases/%s", id);
    snprintf(citizen_path, sizeof(citizen_path), "/v1/citizens/%s", citizen);
    static const struct setting tight[] = {{"FREMDRIFT_DB_STATEMENT_TIMEOUT_MS", "2000"},
                                           {"FREMDRIFT_DB_POOL_SIZE", "6"},
                                           {"FREMDRIFT_DB_POOL_WAIT_MS", "1000"}};
    own_service_start(tight, 3);

    PGconn *owner = fx_pg_owner();
    PQclear(fx_pg_ok(owner, "BEGIN", 0, NULL));
    PQclear(fx_pg_ok(owner, "LOCK TABLE cases IN ACCESS EXCLUSIVE MODE", 0, NULL));
    atomic_store(&lock_held, 1);

    static struct client blocked[BLOCKED_CLIENTS], free_client;
    pthread_t threads[BLOCKED_CLIENTS + 1];
    for (int i = 0; i < BLOCKED_CLIENTS; i++) {
        blocked[i] = (struct client){.token = cw.token, .paths = {case_path}, .n_paths = 1};
        pthread_create(&threads[i], NULL, call_while_locked, &blocked[i]);
    }
    free_client = (struct client){.token = cw.token, .paths = {"/healthz", "/v1/reference/benefit", citizen_path},
                                  .n_paths = 3};
    pthread_create(&threads[BLOCKED_CLIENTS], NULL, call_while_locked, &free_client);

    fx_pause_ms(LOCK_MS);
    atomic_store(&lock_held, 0);
    PQclear(fx_pg_ok(owner, "COMMIT", 0, NULL));
    PQfinish(owner);
    for (int i = 0; i <= BLOCKED_CLIENTS; i++)
        pthread_join(threads[i], NULL);

    /* Those that need the table: a 503 problem, each within the statement timeout and the
     * pool wait (and some slack for a loaded machine), none without an answer. */
    int refused = 0;
    for (int i = 0; i < BLOCKED_CLIENTS; i++) {
        struct client *c = &blocked[i];
        cr_assert_eq(c->no_answer, 0, "%d reads of the locked table got no answer (%s)", c->no_answer, c->error);
        for (int k = 0; k < c->n; k++) {
            /* The last call may have been answered after the lock went. */
            if (c->status[k] == 200 && k == c->n - 1)
                continue;
            cr_assert_eq(c->status[k], 503, "a read of the locked table answered %d", c->status[k]);
            cr_assert(c->problem_ok[k], "a 503 that is not a problem with Retry-After");
            cr_assert_lt(c->ms[k], STATEMENT_TIMEOUT_MS + POOL_WAIT_MS + 1500, "a 503 took %lld ms", c->ms[k]);
            refused++;
        }
    }
    cr_assert_gt(refused, 0, "no read of the locked table was refused");

    /* Those that do not: answered as ever, every one. */
    struct client *f = &free_client;
    cr_assert_eq(f->no_answer, 0, "%d requests not needing the table got no answer (%s)", f->no_answer, f->error);
    cr_assert_gt(f->n, 30, "only %d requests not needing the table were answered in %d ms", f->n, LOCK_MS);
    for (int k = 0; k < f->n; k++) {
        cr_assert_eq(f->status[k], 200, "%s answered %d while cases was locked", f->paths[k % 3], f->status[k]);
        cr_assert_lt(f->ms[k], 1000, "%s took %lld ms while cases was locked", f->paths[k % 3], f->ms[k]);
    }
    qsort(f->ms, (size_t)f->n, sizeof(f->ms[0]), by_value);
    cr_assert_lt(f->ms[f->n / 2], 100, "the median request not needing the table took %lld ms", f->ms[f->n / 2]);
    cr_log_info("locked table: %d refused reads; %d other requests, median %lld ms, slowest %lld ms", refused, f->n,
                f->ms[f->n / 2], f->ms[f->n - 1]);
    own_service_expect_clean_stop();
    fx_actor_free(&cw);
}

/* ---- draining on SIGTERM ---- */

#define WRITERS 4
#define MAX_WRITES 2048

struct writer {
    const char *token;
    const char *tag;
    int index;
    int created;                /* 201 answers */
    int saw_close;              /* a response said Connection: close */
    int unanswered;
    char unanswered_names[8][64];
};

/* Reads one response from a kept-alive connection: its status, and whether it closes the
 * connection; -1 when the connection ended first. */
static int read_response(int fd, int *closes)
{
    char buf[16384];
    size_t have = 0;
    char *end = NULL;
    while (!end) {
        if (have == sizeof(buf) - 1)
            return -1;
        ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
        if (n <= 0)
            return -1;
        have += (size_t)n;
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    *end = '\0';
    const char *cl = strcasestr(buf, "\r\nContent-Length:");
    size_t body = cl ? strtoul(cl + 17, NULL, 10) : 0;
    size_t got = have - (size_t)(end + 4 - buf);
    while (got < body) {
        char sink[4096];
        ssize_t n = read(fd, sink, body - got < sizeof(sink) ? body - got : sizeof(sink));
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    *closes = strcasestr(buf, "\r\nConnection: close") != NULL;
    return atoi(buf + 9);
}

static void *write_until_stopped(void *arg)
{
    struct writer *w = arg;
    int fd = http_connect_raw();
    for (int k = 0; fd >= 0 && k < MAX_WRITES; k++) {
        char cpr[11], name[64], body[160], request[2048];
        fx_random_cpr(cpr);
        snprintf(name, sizeof(name), "%s-%d-%d", w->tag, w->index, k);
        int body_len = snprintf(body, sizeof(body), "{\"cpr\":\"%s\",\"name\":\"%s\"}", cpr, name);
        int len = snprintf(request, sizeof(request),
                           "POST /v1/citizens HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer %s\r\n"
                           "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
                           w->token, body_len, body);
        int closes = 0, status = -1;
        if (http_write_all(fd, request, (size_t)len) == 0)
            status = read_response(fd, &closes);
        if (status < 0) {
            if (w->unanswered < 8)
                snprintf(w->unanswered_names[w->unanswered], 64, "%s", name);
            w->unanswered++;
        }
        w->created += status == 201;
        w->saw_close |= closes;
        if (status < 0 || closes) {
            close(fd);
            fd = http_connect_raw();
        }
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

Test(resilience, sigterm_drains_keep_alive_writers, .timeout = 120, .fini = own_service_stop)
{
    struct fx_actor cw;
    char tag[64];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_unique("drain", tag, sizeof(tag));
    static const struct setting grace[] = {{"FREMDRIFT_SHUTDOWN_GRACE_S", "10"}};
    own_service_start(grace, 1);

    static struct writer writers[WRITERS];
    pthread_t threads[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        writers[i] = (struct writer){.token = cw.token, .tag = tag, .index = i};
        pthread_create(&threads[i], NULL, write_until_stopped, &writers[i]);
    }
    fx_pause_ms(1500);
    long long took;
    int status = own_service_terminate(&took);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(threads[i], NULL);

    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the service did not exit 0 after SIGTERM");
    cr_assert_lt(took, 5000, "the service took %lld ms to stop with a 10 s grace period", took);
    int created = 0;
    for (int i = 0; i < WRITERS; i++) {
        struct writer *w = &writers[i];
        cr_assert_gt(w->created, 0, "writer %d created nothing before the stop", i);
        cr_assert(w->saw_close, "writer %d was never told Connection: close", i);
        created += w->created;
        /* A request the service never read may go unanswered; one that committed may not. */
        for (int k = 0; k < w->unanswered && k < 8; k++) {
            const char *p[] = {w->unanswered_names[k]};
            cr_assert_eq(fx_owner_value("SELECT count(*) FROM citizens WHERE name = $1", 1, p), 0,
                         "citizen %s was registered but the request got no answer", w->unanswered_names[k]);
        }
    }
    char like[80];
    snprintf(like, sizeof(like), "%s-%%", tag);
    const char *p_like[] = {like};
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM citizens WHERE name LIKE $1", 1, p_like), created,
                 "the registrations committed differ from the 201s answered");
    cr_log_info("drain: %d registrations answered, stopped in %lld ms", created, took);
    fx_actor_free(&cw);
}
