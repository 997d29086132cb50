/* The connection gate over raw sockets: what libmicrohttpd would answer in HTML or let
 * through (a bad or too large Content-Length, an oversized head, Content-Length with
 * Transfer-Encoding) comes as problem+json (later requests on a kept-alive connection:
 * test_keepalive.c); and, on services of their own in the serial resilience phase, the
 * header deadline, the per-address and global connection limits,
 * and a normal client served while 600 connections trickle their headers. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fixtures.h"
#include "own_service.h"

/* Sends raw bytes on a new connection and reads until the service closes it. The caller
 * frees *out. */
static void exchange(const char *raw, size_t len, char **out)
{
    int fd = http_connect_raw();
    cr_assert_geq(fd, 0, "connect: %s", http_last_error());
    cr_assert_eq(http_write_all(fd, raw, len), 0, "write: %s", http_last_error());
    size_t got = 0;
    cr_assert_eq(http_read_all(fd, out, &got, 10000), 0, "the service did not answer and close: %s",
                 http_last_error());
    close(fd);
}

/* Fails unless text begins with a response of this status whose body is a problem. */
static void assert_problem_response(const char *text, int status)
{
    char want[16];
    snprintf(want, sizeof(want), "HTTP/1.1 %d ", status);
    cr_assert(strncmp(text, want, strlen(want)) == 0, "wanted %d, got: %.200s", status, text);
    cr_assert(strcasestr(text, "\r\nContent-Type: application/problem+json\r\n") != NULL,
              "a %d that is not problem+json: %.300s", status, text);
    char type[64];
    snprintf(type, sizeof(type), "\"status\":%d", status);
    cr_assert(strstr(text, type) != NULL, "the problem does not say status %d: %.300s", status, text);
}

static void expect_problem(const char *raw, int status)
{
    char *text;
    exchange(raw, strlen(raw), &text);
    assert_problem_response(text, status);
    free(text);
}

Test(gate, a_bad_content_length_is_a_400_problem, .timeout = 30)
{
    expect_problem("POST /v1/cases HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n", 400);
    expect_problem("POST /v1/cases HTTP/1.1\r\nHost: t\r\nContent-Length: -5\r\n\r\n", 400);
}

Test(gate, a_huge_content_length_is_a_413_problem_at_once, .timeout = 30)
{
    expect_problem("POST /v1/cases HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413);
    /* Above FREMDRIFT_MAX_BODY_BYTES: refused before a byte of the body is sent. */
    expect_problem("POST /v1/cases HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000000\r\n\r\n", 413);
}

Test(gate, a_100_kb_header_is_a_431_problem, .timeout = 30)
{
    size_t n = 100 * 1024;
    char *raw = malloc(n + 64);
    int head = snprintf(raw, 64, "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ");
    memset(raw + head, 'a', n);
    memcpy(raw + head + n, "\r\n\r\n", 5);
    char *text;
    exchange(raw, strlen(raw), &text);
    assert_problem_response(text, 431);
    free(text);
    free(raw);
}

Test(gate, content_length_with_transfer_encoding_is_a_400_problem, .timeout = 30)
{
    expect_problem("POST /v1/cases HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                   400);
    /* Pipelined behind a first request, libmicrohttpd reads it along with the first, before
     * anything can check it: the first answer closes the connection and the second is never
     * parsed. (A later request sent after its answer is checked: test_keepalive.c.) */
    const char *two = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
                      "POST /v1/cases HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    char *text;
    exchange(two, strlen(two), &text);
    cr_assert(strncmp(text, "HTTP/1.1 200 ", 13) == 0, "the first request: %.200s", text);
    cr_assert(strcasestr(text, "\r\nConnection: close\r\n") != NULL, "the first answer keeps the connection: %.300s",
              text);
    cr_assert_null(strstr(text + 1, "HTTP/1.1 "), "the pipelined request was answered: %.400s", text);
    free(text);
}

/* ---- services of their own ---- */

/* A connection to the own service from a loopback address of the caller's choice. */
static int connect_from(const char *source)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in from = {.sin_family = AF_INET};
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)own_service_port())};
    inet_pton(AF_INET, source, &from.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof(to)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* What has arrived on fd within wait_ms (NUL-terminated in buf), or "" ; -1 when closed
 * with nothing more to read. */
static ssize_t read_some(int fd, char *buf, size_t cap, int wait_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    buf[0] = '\0';
    if (poll(&p, 1, wait_ms) <= 0)
        return 0;
    ssize_t n = recv(fd, buf, cap - 1, MSG_DONTWAIT);
    if (n <= 0)
        return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK) ? -1 : 0;
    buf[n] = '\0';
    return n;
}

Test(resilience, a_client_trickling_its_headers_is_cut_off_at_the_deadline, .timeout = 60, .fini = own_service_stop)
{
    static const struct setting deadline[] = {{"FREMDRIFT_HEADER_TIMEOUT_S", "2"},
                                              {"FREMDRIFT_CONNECTION_TIMEOUT_S", "1"}};
    own_service_start(deadline, 2);
    int fd = connect_from("127.0.0.1");
    cr_assert_geq(fd, 0);
    long long t0 = fx_now_ms();
    cr_assert_eq(http_write_all(fd, "GET /healthz HTTP/1.1\r\n", 23), 0);
    char buf[2048];
    ssize_t n = 0;
    /* A line every 300 ms: never idle as long as the connection timeout (1 s). */
    while (fx_now_ms() - t0 < 10000) {
        n = read_some(fd, buf, sizeof(buf), 300);
        if (n != 0)
            break;
        if (http_write_all(fd, "X-Trickle: 1\r\n", 14) != 0)
            break;
    }
    long long took = fx_now_ms() - t0;
    cr_assert_gt(n, 0, "the connection closed without an answer after %lld ms", took);
    assert_problem_response(buf, 408);
    cr_assert(took >= 1500 && took < 4500, "cut off after %lld ms, with a 2 s header deadline", took);
    close(fd);
    own_service_expect_clean_stop();
}

Test(resilience, past_the_connection_limit_a_503_comes_at_once, .timeout = 60, .fini = own_service_stop)
{
    static const struct setting few[] = {{"FREMDRIFT_MAX_CONNECTIONS", "8"},
                                         {"FREMDRIFT_MAX_CONNECTIONS_PER_ADDRESS", "0"},
                                         {"FREMDRIFT_HEADER_TIMEOUT_S", "20"}};
    own_service_start(few, 3);
    /* Eight connections that hold every place. The readiness probe's connection gives its
     * place back only when the service has seen it close, which on a loaded machine can
     * come after the first of these: one refused then (it has a 503 waiting) is replaced. */
    int idle[8];
    for (int i = 0; i < 8; i++) {
        idle[i] = connect_from("127.0.0.1");
        cr_assert_geq(idle[i], 0);
    }
    char buf[2048];
    for (int round = 0, refused = 1; refused; round++) {
        cr_assert_lt(round, 20, "the places were never all held by the idle connections");
        fx_pause_ms(300);
        refused = 0;
        for (int i = 0; i < 8; i++) {
            if (read_some(idle[i], buf, sizeof(buf), 0) == 0)
                continue;
            close(idle[i]);
            idle[i] = connect_from("127.0.0.1");
            cr_assert_geq(idle[i], 0);
            refused = 1;
        }
    }
    int fd = connect_from("127.0.0.1");
    cr_assert_geq(fd, 0);
    long long t0 = fx_now_ms();
    cr_assert_eq(http_write_all(fd, "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n", 35), 0);
    ssize_t n = read_some(fd, buf, sizeof(buf), 5000);
    long long took = fx_now_ms() - t0;
    cr_assert_gt(n, 0, "no answer past the limit");
    assert_problem_response(buf, 503);
    cr_assert(strcasestr(buf, "\r\nRetry-After: ") != NULL, "a 503 without Retry-After");
    cr_assert_lt(took, 1000, "the 503 took %lld ms", took);
    close(fd);
    for (int i = 0; i < 8; i++)
        close(idle[i]);

    /* The places are given back. */
    struct http_response r;
    int status = 0;
    for (int i = 0; i < 20 && status != 200; i++) {
        fx_pause_ms(100);
        status = http_request("GET", "/healthz", NULL, 0, NULL, 0, &r) == 0 ? r.status : -1;
        http_response_free(&r);
    }
    cr_assert_eq(status, 200, "after the idle connections closed, /healthz answered %d", status);
    own_service_expect_clean_stop();
}

#define TRICKLERS 600
#define TRICKLE_SOURCES 10
#define TRICKLE_PERIOD_MS 5000
#define ATTACK_MS 12000

/* One slowloris: a request line, then a header line every TRICKLE_PERIOD_MS, reconnecting
 * at its next turn when the service closed it. Counts the 503s the gate answered. */
struct trickler {
    int fd;
    char source[16];
};

static void trickle(struct trickler *t, int *refused)
{
    char buf[1024];
    if (t->fd >= 0) {
        ssize_t n = read_some(t->fd, buf, sizeof(buf), 0);
        if (n != 0) {
            *refused += strncmp(buf, "HTTP/1.1 503 ", 13) == 0;
            close(t->fd);
            t->fd = -1;
        }
    }
    if (t->fd < 0) {
        t->fd = connect_from(t->source);
        if (t->fd >= 0 && send(t->fd, "GET /healthz HTTP/1.1\r\n", 23, MSG_NOSIGNAL | MSG_DONTWAIT) != 23) {
            close(t->fd);
            t->fd = -1;
        }
        return;
    }
    if (send(t->fd, "X-Trickle: 1\r\n", 14, MSG_NOSIGNAL | MSG_DONTWAIT) != 14) {
        close(t->fd);
        t->fd = -1;
    }
}

Test(resilience, a_normal_client_is_served_while_600_connections_trickle, .timeout = 120,
     .fini = own_service_stop)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], id[FX_UUID_LEN], path[128];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&cw, cpr, citizen);
    fx_create_case(&cw, citizen, NULL, id);
    snprintf(path, sizeof(path), "/v1/cases/%s", id);
    static const struct setting guarded[] = {{"FREMDRIFT_MAX_CONNECTIONS_PER_ADDRESS", "32"},
                                             {"FREMDRIFT_HEADER_TIMEOUT_S", "3"}};
    own_service_start(guarded, 2);

    static struct trickler t[TRICKLERS];
    for (int i = 0; i < TRICKLERS; i++) {
        t[i].fd = -1;
        snprintf(t[i].source, sizeof(t[i].source), "127.0.0.%d", 2 + i % TRICKLE_SOURCES);
    }
    int refused = 0, served = 0;
    long long start = fx_now_ms(), next_turn = start, worst = 0;
    while (fx_now_ms() - start < ATTACK_MS) {
        if (fx_now_ms() >= next_turn) {
            for (int i = 0; i < TRICKLERS; i++)
                trickle(&t[i], &refused);
            next_turn += TRICKLE_PERIOD_MS;
        }
        const char *paths[] = {"/healthz", path};
        for (int k = 0; k < 2; k++) {
            struct http_response r;
            long long t0 = fx_now_ms();
            int rc = http_json("GET", paths[k], k ? cw.token : NULL, NULL, NULL, 0, &r);
            long long took = fx_now_ms() - t0;
            cr_assert_eq(rc, 0, "GET %s during the attack failed: %s", paths[k], http_last_error());
            cr_assert_eq(r.status, 200, "GET %s during the attack answered %d: %.200s", paths[k], r.status, r.body);
            http_response_free(&r);
            cr_assert_lt(took, 1000, "GET %s took %lld ms during the attack", paths[k], took);
            worst = took > worst ? took : worst;
            served++;
        }
        fx_pause_ms(100);
    }
    for (int i = 0; i < TRICKLERS; i++)
        if (t[i].fd >= 0)
            close(t[i].fd);
    cr_assert_gt(served, 20, "only %d requests were made during the attack", served);
    cr_assert_gt(refused, 0, "no trickler was refused by the per-address limit");
    cr_log_info("600 tricklers: %d normal requests, slowest %lld ms, %d trickler connections refused", served,
                worst, refused);
    own_service_expect_clean_stop();
    fx_actor_free(&cw);
}
