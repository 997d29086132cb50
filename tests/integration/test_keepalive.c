/* Later requests on a kept-alive connection, over raw sockets. They get what a first
 * request gets at the gate (test_gate.c): a head that is too large, a bad or too large
 * Content-Length, or Content-Length with Transfer-Encoding is answered with a problem+json
 * that closes the connection, never with libmicrohttpd's HTML, and a trickled head is cut
 * off at the header deadline. Keep-alive still works: fifty requests on one connection, a
 * pipelined pair answered without waiting for a timeout, an idle connection closed at the
 * idle timeout, SIGTERM while a connection waits for its next request. */
#include <criterion/criterion.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"
#include "own_service.h"

#define GET_HEALTHZ "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"

static int closes(const struct http_response *r)
{
    const char *c = http_response_header(r, "Connection");
    return c && strcasecmp(c, "close") == 0;
}

/* Sends raw on fd and reads the one response to it. */
static void exchange_one(int fd, const char *raw, size_t len, struct http_response *r)
{
    cr_assert_eq(http_write_all(fd, raw, len), 0, "write: %s", http_last_error());
    cr_assert_eq(http_read_response(fd, r, 10000), 0, "no response: %s", http_last_error());
}

/* A connection whose first request (GET /healthz) was answered 200 and kept alive. The
 * caller closes it. */
static int kept_alive(void)
{
    int fd = http_connect_raw();
    cr_assert_geq(fd, 0, "connect: %s", http_last_error());
    struct http_response r;
    exchange_one(fd, GET_HEALTHZ, strlen(GET_HEALTHZ), &r);
    cr_assert_eq(r.status, 200, "the first request: %d %s", r.status, r.body);
    cr_assert(!closes(&r), "the first answer closes the connection");
    http_response_free(&r);
    return fd;
}

/* Requires the server to close fd with nothing more to say. */
static void assert_closed(int fd)
{
    char *rest;
    size_t n;
    cr_assert_eq(http_read_all(fd, &rest, &n, 10000), 0, "the connection stayed open: %s", http_last_error());
    cr_assert_eq(n, 0, "more after the answer: %.200s", rest);
    free(rest);
}

/* Sends raw as a kept-alive connection's second request: it must be refused with a
 * problem+json of this status that closes the connection. */
static void expect_refusal(const char *raw, size_t len, int status)
{
    int fd = kept_alive();
    struct http_response r;
    exchange_one(fd, raw, len, &r);
    fx_assert_problem(&r, status);
    cr_assert(closes(&r), "a %d that keeps the connection open", status);
    http_response_free(&r);
    assert_closed(fd);
    close(fd);
}

Test(keepalive, a_100_kb_header_on_a_later_request_is_a_431_problem, .timeout = 60)
{
    size_t n = 100 * 1024;
    char *raw = malloc(n + 64);
    int head = snprintf(raw, 64, "GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ");
    memset(raw + head, 'a', n);
    memcpy(raw + head + n, "\r\n\r\n", 5);
    expect_refusal(raw, strlen(raw), 431);
    free(raw);
}

Test(keepalive, a_bad_content_length_on_a_later_request_is_a_400_problem, .timeout = 60)
{
    const char *raw = "POST /v1/cases HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n";
    expect_refusal(raw, strlen(raw), 400);
}

Test(keepalive, a_huge_content_length_on_a_later_request_is_a_413_problem, .timeout = 60)
{
    /* Past what libmicrohttpd can count, and above FREMDRIFT_MAX_BODY_BYTES: both refused
     * from the head, before a byte of the body is sent. */
    const char *overflow = "POST /v1/cases HTTP/1.1\r\nHost: t\r\nContent-Length: 99999999999999999999999\r\n\r\n";
    const char *too_large = "POST /v1/cases HTTP/1.1\r\nHost: t\r\nContent-Length: 2000000000\r\n\r\n";
    expect_refusal(overflow, strlen(overflow), 413);
    expect_refusal(too_large, strlen(too_large), 413);
}

Test(keepalive, content_length_with_transfer_encoding_on_a_later_request_is_a_400_problem, .timeout = 60)
{
    /* The head alone: a request that smuggles another in its body is refused before the
     * body is read, and not only once libmicrohttpd has read a chunked body to its end. */
    const char *raw = "POST /v1/cases HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n";
    expect_refusal(raw, strlen(raw), 400);
}

Test(keepalive, fifty_requests_use_one_connection, .timeout = 60)
{
    /* Requests with and without a body, so the bytes of each are counted right: a body
     * libmicrohttpd has read but the count missed would close the connection. */
    static const char with_body[] = "POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                                    "Content-Length: 2\r\n\r\n{}";
    int fd = kept_alive();
    long long t0 = fx_now_ms();
    for (int i = 1; i < 50; i++) {
        struct http_response r;
        if (i % 2)
            exchange_one(fd, with_body, strlen(with_body), &r);
        else
            exchange_one(fd, GET_HEALTHZ, strlen(GET_HEALTHZ), &r);
        cr_assert_eq(r.status, i % 2 ? 405 : 200, "request %d answered %d: %.200s", i + 1, r.status, r.body);
        cr_assert(!closes(&r), "request %d closed the connection", i + 1);
        http_response_free(&r);
    }
    long long took = fx_now_ms() - t0;
    /* A wait added to each request (a timeout run out instead of the next head seen) would
     * show as seconds; fifty quick answers take a fraction of one, even under ASan. */
    cr_assert_lt(took, 10000, "49 kept-alive requests took %lld ms", took);
    close(fd);
}

/* ---- services of their own ---- */

Test(resilience, a_pipelined_pair_is_answered_without_a_stall, .timeout = 90, .fini = own_service_stop)
{
    /* A long idle timeout: a server that waited for bytes it had already read would
     * wait for it, far past the bound below. */
    static const struct setting patient[] = {{"FREMDRIFT_CONNECTION_TIMEOUT_S", "30"},
                                             {"FREMDRIFT_HEADER_TIMEOUT_S", "30"}};
    own_service_start(patient, 2);
    int fd = kept_alive();
    long long t0 = fx_now_ms();
    cr_assert_eq(http_write_all(fd, GET_HEALTHZ GET_HEALTHZ, 2 * strlen(GET_HEALTHZ)), 0);
    struct http_response r;
    cr_assert_eq(http_read_response(fd, &r, 10000), 0, "no answer to the first: %s", http_last_error());
    cr_assert_eq(r.status, 200);
    /* Either both are answered, or the first answer closes the connection (RFC 9112
     * section 9.3.2) and the client sends the second again on a new one. */
    int second_dropped = closes(&r);
    http_response_free(&r);
    if (second_dropped) {
        assert_closed(fd);
    } else {
        cr_assert_eq(http_read_response(fd, &r, 10000), 0, "no answer to the second: %s", http_last_error());
        cr_assert_eq(r.status, 200);
        http_response_free(&r);
    }
    long long took = fx_now_ms() - t0;
    cr_assert_lt(took, 5000, "the pipelined pair took %lld ms", took);
    close(fd);
    if (second_dropped) {
        fd = kept_alive();
        close(fd);
    }
    own_service_expect_clean_stop();
}

Test(resilience, a_trickled_later_head_is_cut_off_at_the_deadline, .timeout = 60, .fini = own_service_stop)
{
    static const struct setting deadline[] = {{"FREMDRIFT_HEADER_TIMEOUT_S", "2"},
                                              {"FREMDRIFT_CONNECTION_TIMEOUT_S", "1"}};
    own_service_start(deadline, 2);
    int fd = kept_alive();
    long long t0 = fx_now_ms();
    cr_assert_eq(http_write_all(fd, "GET /healthz HTTP/1.1\r\n", 23), 0);
    /* A line every 300 ms: never idle as long as the connection timeout (1 s). */
    struct pollfd p = {.fd = fd, .events = POLLIN};
    while (fx_now_ms() - t0 < 10000 && poll(&p, 1, 300) == 0)
        cr_assert_eq(http_write_all(fd, "X-Trickle: 1\r\n", 14), 0, "write: %s", http_last_error());
    struct http_response r;
    cr_assert_eq(http_read_response(fd, &r, 1000), 0, "no answer after %lld ms: %s", fx_now_ms() - t0,
                 http_last_error());
    long long took = fx_now_ms() - t0;
    fx_assert_problem(&r, 408);
    cr_assert(closes(&r), "a 408 that keeps the connection open");
    cr_assert(took >= 1500 && took < 4500, "cut off after %lld ms, with a 2 s header deadline", took);
    http_response_free(&r);
    close(fd);
    own_service_expect_clean_stop();
}

Test(resilience, an_idle_kept_alive_connection_closes_at_the_idle_timeout, .timeout = 60, .fini = own_service_stop)
{
    static const struct setting idle[] = {{"FREMDRIFT_CONNECTION_TIMEOUT_S", "1"}};
    own_service_start(idle, 1);
    int fd = kept_alive();
    long long t0 = fx_now_ms();
    assert_closed(fd);
    long long took = fx_now_ms() - t0;
    cr_assert(took >= 900 && took < 4000, "closed after %lld ms, with a 1 s idle timeout", took);
    close(fd);
    own_service_expect_clean_stop();
}

Test(resilience, sigterm_ends_a_connection_waiting_for_its_next_request, .timeout = 60, .fini = own_service_stop)
{
    /* Nothing but the stop can end this connection's wait within the test. */
    static const struct setting patient[] = {{"FREMDRIFT_CONNECTION_TIMEOUT_S", "60"}};
    own_service_start(patient, 1);
    int fd = kept_alive();
    fx_pause_ms(200);
    long long took;
    int status = own_service_terminate(&took);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the service did not stop cleanly");
    cr_assert_lt(took, 5000, "the stop took %lld ms with a connection waiting for its next request", took);
    assert_closed(fd);
    close(fd);
}
