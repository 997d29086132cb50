/*
 * Self-test of the raw-socket part of the tests' HTTP client (http_raw.c): the
 * answers to requests whose framing the caller writes are parsed from the bytes
 * received, and the connection helpers read and time out as they promise.
 */

#include "http_client.h"
#include "selftest_fake_server.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A request with its own framing (so it goes out raw) to a server that sends reply. */
static int raw_exchange(const char *method, const char *reply, struct http_response *r)
{
    static const struct http_header framed[] = { { "Content-Length", "0" } };
    struct fake_server s = { .mode = FAKE_REPLY, .reply = reply, .reply_len = strlen(reply) };
    int rc;

    fake_start(&s);
    rc = http_request(method, "/v1/test", framed, 1, "", 0, r);
    fake_stop(&s);
    fake_free(&s);
    return rc;
}

static void isolate_environment(void)
{
    unsetenv("FREMDRIFT_TEST_RECORD");
}

TestSuite(http_raw, .init = isolate_environment, .timeout = 30);

Test(http_raw, content_length_body_is_read_exactly)
{
    struct http_response r;

    cr_assert_eq(raw_exchange("GET", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                     "Content-Length: 11\r\n\r\nhello worldEXTRA",
                              &r),
                 0, "%s", http_last_error());
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.reason, "OK");
    cr_assert_eq(r.body_len, 11);
    cr_assert_str_eq(r.body, "hello world");
    cr_assert_str_eq(http_response_header(&r, "content-type"), "text/plain");
    http_response_free(&r);
}

Test(http_raw, body_shorter_than_content_length_fails)
{
    struct http_response r;

    cr_assert_eq(raw_exchange("GET", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", &r), -1);
    cr_assert_not_null(strstr(http_last_error(), "3 of 10"), "%s", http_last_error());
    cr_assert_null(r.body);
}

Test(http_raw, chunked_answer_is_refused_not_misread)
{
    struct http_response r;

    cr_assert_eq(raw_exchange("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                     "5\r\nhello\r\n0\r\n\r\n",
                              &r),
                 -1);
    cr_assert_not_null(strstr(http_last_error(), "Transfer-Encoding"), "%s", http_last_error());
    cr_assert_null(r.head);
}

Test(http_raw, body_without_length_is_read_until_close)
{
    struct http_response r;

    cr_assert_eq(raw_exchange("GET", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                                     "no length given\nsecond line",
                              &r),
                 0, "%s", http_last_error());
    cr_assert_str_eq(r.body, "no length given\nsecond line");
    cr_assert_eq(r.body_len, 27);
    http_response_free(&r);
}

Test(http_raw, head_and_no_content_responses_have_no_body)
{
    struct http_response r;

    cr_assert_eq(raw_exchange("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", &r), 0, "%s",
                 http_last_error());
    cr_assert_str_eq(r.body, "");
    cr_assert_str_eq(http_response_header(&r, "content-length"), "5");
    http_response_free(&r);
    cr_assert_eq(raw_exchange("GET", "HTTP/1.1 204 No Content\r\n\r\n", &r), 0, "%s",
                 http_last_error());
    cr_assert_eq(r.status, 204);
    cr_assert_eq(r.body_len, 0);
    http_response_free(&r);
}

Test(http_raw, interim_responses_are_skipped)
{
    struct http_response r;

    cr_assert_eq(raw_exchange("GET", "HTTP/1.1 100 Continue\r\n\r\n"
                                     "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                                     "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
                              &r),
                 0, "%s", http_last_error());
    cr_assert_eq(r.status, 201);
    cr_assert_str_eq(r.body, "ok");
    cr_assert_null(http_response_header(&r, "link"));
    http_response_free(&r);
}

Test(http_raw, endless_interim_responses_fail)
{
    char reply[64 * 26 + 1] = "";
    struct http_response r;

    for (int i = 0; i < 64; i++) {
        strcat(reply, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    cr_assert_eq(raw_exchange("GET", reply, &r), -1);
    cr_assert_not_null(strstr(http_last_error(), "interim"), "%s", http_last_error());
}

Test(http_raw, malformed_heads_fail)
{
    static const struct {
        const char *reply;
        const char *message;
    } cases[] = {
        { "HTTP/1.1 20 OK\r\n\r\n", "status line" },
        { "HTTP/2 200 OK\r\n\r\n", "status line" },
        { "HTTP/1.1 200OK\r\n\r\n", "status line" },
        { "HTTP/1.1 099 Low\r\n\r\n", "status line" },
        { "garbage\r\n\r\n", "status line" },
        { "HTTP/1.1 200 OK\r\nX-A: a\nX-Injected: b\r\n\r\n", "bare CR or LF" },
        { "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "header line" },
        { "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n", "before the end of the response head" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_response r;

        cr_assert_eq(raw_exchange("GET", cases[i].reply, &r), -1, "case %zu accepted", i);
        cr_assert_not_null(strstr(http_last_error(), cases[i].message), "case %zu: %s", i,
                           http_last_error());
        cr_assert_null(r.head, "case %zu", i);
    }
}

Test(http_raw, early_answer_stops_the_body_upload)
{
    struct fake_server s = { .mode = FAKE_EARLY };
    struct http_header framed[] = { { "Content-Length", "16777216" } };
    size_t n = 16u << 20;
    char *body = calloc(n, 1);
    struct http_response r;
    long long start;

    cr_assert_not_null(body);
    s.reply = "HTTP/1.1 413 Content Too Large\r\nContent-Length: 9\r\n\r\ntoo large";
    s.reply_len = strlen(s.reply);
    fake_start(&s);
    http_set_timeout_ms(3000);
    start = fake_now_ms();
    cr_assert_eq(http_request("POST", "/v1/upload", framed, 1, body, n, &r), 0, "%s",
                 http_last_error());
    cr_assert_lt(fake_now_ms() - start, 3000);
    fake_stop(&s);
    cr_assert_eq(r.status, 413);
    cr_assert_str_eq(r.body, "too large");
    http_response_free(&r);
    fake_free(&s);
    free(body);
}

Test(http_raw, connection_reads_until_the_server_closes)
{
    struct fake_server s = { .mode = FAKE_FIRST_BYTES };
    char *got;
    size_t len;
    int fd;

    s.reply = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n";
    s.reply_len = strlen(s.reply);
    fake_start(&s);
    fd = http_connect_raw();
    cr_assert_geq(fd, 0, "%s", http_last_error());
    cr_assert_eq(http_write_all(fd, "GET / HTTP/1.1\r\nHo", 18), 0, "%s", http_last_error());
    cr_assert_eq(http_read_all(fd, &got, &len, 3000), 0, "%s", http_last_error());
    close(fd);
    fake_stop(&s);
    cr_assert_eq(len, s.reply_len);
    cr_assert_str_eq(got, s.reply);
    free(got);
    fake_free(&s);
}

Test(http_raw, read_times_out_while_the_server_stays_open)
{
    struct fake_server s = { .mode = FAKE_SILENT };
    char *got;
    size_t len;
    long long elapsed;
    int fd;

    fake_start(&s);
    fd = http_connect_raw();
    cr_assert_geq(fd, 0, "%s", http_last_error());
    cr_assert_eq(http_write_all(fd, "GET / HTTP/1.1\r\n", 16), 0);
    elapsed = fake_now_ms();
    cr_assert_eq(http_read_all(fd, &got, &len, 300), -1);
    elapsed = fake_now_ms() - elapsed;
    close(fd);
    fake_stop(&s);
    cr_assert_null(got);
    cr_assert_geq(elapsed, 290);
    cr_assert_lt(elapsed, 3000);
    cr_assert_not_null(strstr(http_last_error(), "still open"), "%s", http_last_error());
    fake_free(&s);
}

Test(http_raw, one_response_is_read_and_nothing_after_it)
{
    static const char first[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst";
    static const char second[] = "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 6\r\n"
                                 "Connection: close\r\n\r\nsecond";
    struct fake_server s = { .mode = FAKE_FIRST_BYTES };
    char both[sizeof first + sizeof second];
    struct http_response r;
    char *rest;
    size_t len;
    int fd;

    snprintf(both, sizeof both, "%s%s", first, second);
    s.reply = both;
    s.reply_len = strlen(both);
    fake_start(&s);
    fd = http_connect_raw();
    cr_assert_geq(fd, 0, "%s", http_last_error());
    cr_assert_eq(http_write_all(fd, "GET / HTTP/1.1\r\n\r\n", 18), 0, "%s", http_last_error());
    cr_assert_eq(http_read_response(fd, &r, 3000), 0, "%s", http_last_error());
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.body, "first");
    http_response_free(&r);
    cr_assert_eq(http_read_response(fd, &r, 3000), 0, "%s", http_last_error());
    cr_assert_eq(r.status, 431);
    cr_assert_str_eq(r.body, "second");
    http_response_free(&r);
    cr_assert_eq(http_read_all(fd, &rest, &len, 3000), 0, "%s", http_last_error());
    cr_assert_eq(len, 0);
    free(rest);
    cr_assert_eq(http_read_response(fd, &r, 300), -1, "a response read from a closed connection");
    close(fd);
    fake_stop(&s);
    fake_free(&s);
}
