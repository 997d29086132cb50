/*
 * Self-test of what the tests' HTTP client adds to libcurl (http_client.c,
 * http_support.c, http_record.c): the request it makes of the caller's
 * arguments, the response it hands back, the loopback-only target, and the
 * recording of every response for the contract check.
 */

#include "http_client.h"
#include "selftest_fake_server.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/*
 * The request line must be first, and the header lines must be exactly the
 * expected ones (in any order: libcurl places its own Content-Length).
 */
static void assert_head(const char *request, const char *request_line, const char *const *lines,
                        size_t n)
{
    const char *end = strstr(request, "\r\n\r\n");
    size_t seen = 0;

    cr_assert_not_null(end, "no complete head: %s", request);
    cr_assert(strncmp(request, request_line, strlen(request_line)) == 0 &&
                  strncmp(request + strlen(request_line), "\r\n", 2) == 0,
              "request line of %s", request);
    for (const char *p = strstr(request, "\r\n") + 2; p < end + 2; p = strstr(p, "\r\n") + 2) {
        size_t len = (size_t)(strstr(p, "\r\n") - p);
        int found = 0;

        for (size_t i = 0; i < n && !found; i++) {
            found = strlen(lines[i]) == len && strncmp(p, lines[i], len) == 0;
        }
        cr_assert(found, "unexpected header line \"%.*s\" in:\n%s", (int)len, p, request);
        seen++;
    }
    cr_assert_eq(seen, n, "%zu header lines, want %zu:\n%s", seen, n, request);
}

/* One GET against a server that sends reply; the response lands in r. */
static int exchange(const char *method, const char *reply, struct http_response *r)
{
    struct fake_server s = { .mode = FAKE_REPLY, .reply = reply, .reply_len = strlen(reply) };
    int rc;

    fake_start(&s);
    rc = http_request(method, "/v1/test", NULL, 0, NULL, 0, r);
    fake_stop(&s);
    fake_free(&s);
    return rc;
}

/* The record file a CI run sets for contract checks must not receive these fake answers. */
static void isolate_environment(void)
{
    unsetenv("FREMDRIFT_TEST_RECORD");
}

TestSuite(http_client, .init = isolate_environment, .timeout = 30);

Test(http_client, request_without_body_sends_host_and_connection_close_only)
{
    struct fake_server s = { .mode = FAKE_REPLY, .reply = "HTTP/1.1 204 No Content\r\n\r\n" };
    struct http_response r;
    char host[64];

    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_request("GET", "/v1/ping", NULL, 0, NULL, 0, &r), 0, "%s", http_last_error());
    fake_stop(&s);
    snprintf(host, sizeof host, "Host: 127.0.0.1:%d", s.port);
    assert_head(s.request, "GET /v1/ping HTTP/1.1", (const char *const[]){ host, "Connection: close" },
                2);
    cr_assert_eq(r.status, 204);
    cr_assert_str_eq(r.body, "");
    http_response_free(&r);
    fake_free(&s);
}

Test(http_client, body_goes_out_verbatim_with_no_header_of_libcurls_own)
{
    /* Past 1 MiB libcurl would add Expect: 100-continue; a POST body, a form type. */
    size_t n = (1u << 20) + 7;
    char *body = malloc(n);
    struct fake_server s = { .mode = FAKE_REPLY, .reply = "HTTP/1.1 204 No Content\r\n\r\n" };
    struct http_header h[] = { { "X-Test", "1" }, { "X-Empty", "" } };
    struct http_response r;
    char host[64];
    char length[64];
    const char *head_end;

    cr_assert_not_null(body);
    for (size_t i = 0; i < n; i++) {
        body[i] = (char)((i * 7 + i / 256) % 251);
    }
    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_request("POST", "/v1/x", h, 2, body, n, &r), 0, "%s", http_last_error());
    fake_stop(&s);
    cr_assert_null(s.failure, "%s", s.failure);
    snprintf(host, sizeof host, "Host: 127.0.0.1:%d", s.port);
    snprintf(length, sizeof length, "Content-Length: %zu", n);
    assert_head(s.request, "POST /v1/x HTTP/1.1",
                (const char *const[]){ host, "X-Test: 1", "X-Empty:", length, "Connection: close" }, 5);
    head_end = strstr(s.request, "\r\n\r\n") + 4;
    cr_assert_eq(s.request_len - (size_t)(head_end - s.request), n);
    cr_assert_eq(memcmp(head_end, body, n), 0, "the server received other bytes");
    http_response_free(&r);
    fake_free(&s);
    free(body);
}

Test(http_client, empty_body_is_content_length_zero_and_any_method_goes_out)
{
    struct fake_server s = { .mode = FAKE_REPLY, .reply = "HTTP/1.1 204 No Content\r\n\r\n" };
    struct http_header h[] = { { "Content-Type", "text/plain" } };
    struct http_response r;
    char host[64];

    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_request("PROPFIND", "/v1/x", h, 1, "", 0, &r), 0, "%s", http_last_error());
    fake_stop(&s);
    snprintf(host, sizeof host, "Host: 127.0.0.1:%d", s.port);
    assert_head(s.request, "PROPFIND /v1/x HTTP/1.1",
                (const char *const[]){ host, "Content-Type: text/plain", "Content-Length: 0",
                                       "Connection: close" },
                4);
    http_response_free(&r);
    fake_free(&s);
}

Test(http_client, path_goes_out_byte_for_byte)
{
    static const char path[] = "/v1/../a/./b%zz/\xe6?q=%zz&r=\xff#frag";
    struct fake_server s = { .mode = FAKE_REPLY, .reply = "HTTP/1.1 204 No Content\r\n\r\n" };
    struct http_response r;
    char line[128];

    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_request("GET", path, NULL, 0, NULL, 0, &r), 0, "%s", http_last_error());
    fake_stop(&s);
    snprintf(line, sizeof line, "GET %s HTTP/1.1\r\n", path);
    cr_assert(strncmp(s.request, line, strlen(line)) == 0, "%s", s.request);
    http_response_free(&r);
    fake_free(&s);
}

Test(http_client, caller_framing_goes_out_as_given)
{
    static const char body[] = "0\r\n\r\n";
    struct fake_server s = { .mode = FAKE_REPLY, .reply = "HTTP/1.1 400 Bad Request\r\n\r\n" };
    struct http_header h[] = { { "Transfer-Encoding", "chunked" }, { "Content-Length", "5" } };
    struct http_response r;
    char expected[256];

    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_request("POST", "/v1/x", h, 2, body, 5, &r), 0, "%s", http_last_error());
    fake_stop(&s);
    snprintf(expected, sizeof expected,
             "POST /v1/x HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nTransfer-Encoding: chunked\r\n"
             "Content-Length: 5\r\nConnection: close\r\n\r\n0\r\n\r\n",
             s.port);
    cr_assert_str_eq(s.request, expected);
    cr_assert_eq(r.status, 400);
    http_response_free(&r);
    fake_free(&s);
}

Test(http_client, head_response_has_no_body)
{
    struct http_response r;

    cr_assert_eq(exchange("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", &r), 0, "%s",
                 http_last_error());
    cr_assert_eq(r.body_len, 0);
    cr_assert_str_eq(r.body, "");
    cr_assert_str_eq(http_response_header(&r, "content-length"), "5");
    http_response_free(&r);
}

Test(http_client, only_the_final_response_head_is_kept)
{
    struct http_response r;

    cr_assert_eq(exchange("GET", "HTTP/1.1 100 Continue\r\n\r\n"
                                 "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                                 "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
                          &r),
                 0, "%s", http_last_error());
    cr_assert_eq(r.status, 201);
    cr_assert_str_eq(r.reason, "Created");
    cr_assert_str_eq(r.body, "ok");
    cr_assert_null(http_response_header(&r, "link"));
    http_response_free(&r);
}

Test(http_client, headers_keep_order_and_lookup_is_case_insensitive)
{
    struct http_response r;

    cr_assert_eq(exchange("GET", "HTTP/1.1 404 Not Found\r\nX-Request-Id: abc-123\r\n"
                                 "content-TYPE: application/problem+json\r\n"
                                 "Set-Cookie: first=1\r\nSet-Cookie: second=2\r\n"
                                 "X-Padded: \t spaced  value \t\r\nContent-Length: 0\r\n\r\n",
                          &r),
                 0, "%s", http_last_error());
    cr_assert_eq(r.status, 404);
    cr_assert_str_eq(r.reason, "Not Found");
    cr_assert_eq(r.n_headers, 6);
    cr_assert_str_eq(r.headers[0].name, "X-Request-Id");
    cr_assert_str_eq(r.headers[3].value, "second=2");
    cr_assert_str_eq(http_response_header(&r, "x-request-id"), "abc-123");
    cr_assert_str_eq(http_response_header(&r, "Content-Type"), "application/problem+json");
    cr_assert_str_eq(http_response_header(&r, "SET-COOKIE"), "first=1");
    cr_assert_str_eq(http_response_header(&r, "x-padded"), "spaced  value");
    cr_assert_null(http_response_header(&r, "x-missing"));
    http_response_free(&r);
}

Test(http_client, bare_lf_in_a_response_head_fails)
{
    struct http_response r;

    cr_assert_eq(exchange("GET", "HTTP/1.1 200 OK\r\nX-A: a\nX-Injected: b\r\n"
                                 "Content-Length: 0\r\n\r\n",
                          &r),
                 -1);
    cr_assert_not_null(strstr(http_last_error(), "bare CR or LF"), "%s", http_last_error());
    cr_assert_null(r.head);
}

Test(http_client, silent_server_times_out)
{
    struct fake_server s = { .mode = FAKE_SILENT };
    struct http_response r;
    long long elapsed;

    fake_start(&s);
    http_set_timeout_ms(1000);
    elapsed = fake_now_ms();
    cr_assert_eq(http_request("GET", "/v1/slow", NULL, 0, NULL, 0, &r), -1);
    elapsed = fake_now_ms() - elapsed;
    fake_stop(&s);
    /* libcurl counts a stall in whole seconds and checks about once a second. */
    cr_assert_geq(elapsed, 900);
    cr_assert_lt(elapsed, 8000);
    cr_assert_not_null(strstr(http_last_error(), "1000 ms"), "%s", http_last_error());
    fake_free(&s);
}

Test(http_client, refused_connection_says_so)
{
    struct fake_server s = { .mode = FAKE_REPLY, .reply = "" };
    struct http_response r;

    fake_start(&s);
    fake_stop(&s);
    cr_assert_eq(http_request("GET", "/", NULL, 0, NULL, 0, &r), -1);
    cr_assert_not_null(strstr(http_last_error(), "is the service running?"), "%s",
                       http_last_error());
    fake_free(&s);
}

Test(http_client, non_loopback_or_malformed_url_is_refused)
{
    static const struct {
        const char *url;
        const char *message;
    } cases[] = {
        { "http://10.0.0.1:18080", "not a loopback address" },
        { "http://example.com:18080", "not a loopback address" },
        { "http://127.0.0.1.example.com:18080", "not a loopback address" },
        { "http://user@127.0.0.1:18080", "not a loopback address" },
        { "http://127.0.0.2:18080", "not a loopback address" },
        { "http://0.0.0.0:18080", "not a loopback address" },
        { "http://[::2]:18080", "not a loopback address" },
        { "http://[::ffff:10.0.0.1]:18080", "not a loopback address" },
        { "https://127.0.0.1:18080", "must start with http://" },
        { "http://127.0.0.1:0", "port" },
        { "http://127.0.0.1:65536", "port" },
        { "http://127.0.0.1:18080/v1", "after the port" },
        { "", "not set" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_response r;

        cr_assert_eq(setenv("FREMDRIFT_TEST_URL", cases[i].url, 1), 0);
        cr_assert_eq(http_request("GET", "/v1/x", NULL, 0, NULL, 0, &r), -1, "%s accepted",
                     cases[i].url);
        cr_assert_not_null(strstr(http_last_error(), cases[i].message), "%s: %s", cases[i].url,
                           http_last_error());
        cr_assert_eq(http_connect_raw(), -1, "%s accepted by http_connect_raw", cases[i].url);
    }
}

Test(http_client, localhost_url_connects_to_127_0_0_1_and_names_its_host)
{
    struct fake_server s = { .mode = FAKE_REPLY, .reply = "HTTP/1.1 204 No Content\r\n\r\n" };
    struct http_response r;
    char url[64];
    char host[64];

    s.reply_len = strlen(s.reply);
    fake_start(&s);
    snprintf(url, sizeof url, "http://LocalHost:%d/", s.port);
    cr_assert_eq(setenv("FREMDRIFT_TEST_URL", url, 1), 0);
    cr_assert_eq(http_request("GET", "/", NULL, 0, NULL, 0, &r), 0, "%s", http_last_error());
    fake_stop(&s);
    snprintf(host, sizeof host, "\r\nHost: LocalHost:%d\r\n", s.port);
    cr_assert_not_null(strstr(s.request, host), "%s", s.request);
    cr_assert_eq(r.status, 204);
    http_response_free(&r);
    fake_free(&s);
}

Test(http_client, ipv6_loopback_url_is_accepted)
{
    struct fake_server s = { .mode = FAKE_REPLY, .ipv6 = 1 };
    struct http_response r;
    char host[64];

    s.reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nv6";
    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_request("GET", "/", NULL, 0, NULL, 0, &r), 0, "%s", http_last_error());
    fake_stop(&s);
    snprintf(host, sizeof host, "\r\nHost: [::1]:%d\r\n", s.port);
    cr_assert_not_null(strstr(s.request, host), "%s", s.request);
    cr_assert_str_eq(r.body, "v6");
    http_response_free(&r);
    fake_free(&s);
}

Test(http_client, line_breaks_in_a_request_are_refused)
{
    struct http_header h[] = { { "X-A", "a\r\nX-Injected: b" } };
    struct http_response r;

    cr_assert_eq(setenv("FREMDRIFT_TEST_URL", "http://127.0.0.1:9", 1), 0);
    cr_assert_eq(http_request("GET", "/", h, 1, NULL, 0, &r), -1);
    cr_assert_not_null(strstr(http_last_error(), "CR or LF"), "%s", http_last_error());
    cr_assert_eq(http_request("GET", "/a b", NULL, 0, NULL, 0, &r), -1);
    cr_assert_not_null(strstr(http_last_error(), "path"), "%s", http_last_error());
}

Test(http_client, json_request_carries_bearer_and_content_type)
{
    struct fake_server s = { .mode = FAKE_REPLY };
    json_t *body = json_pack("{s:i, s:s}", "a", 1, "b", "x");
    struct http_response r;
    char host[64];
    json_t *answer;

    s.reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
              "{\"ok\":true}";
    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_json("POST", "/v1/cases", "tok-123", body, NULL, 0, &r), 0, "%s",
                 http_last_error());
    fake_stop(&s);
    snprintf(host, sizeof host, "Host: 127.0.0.1:%d", s.port);
    assert_head(s.request, "POST /v1/cases HTTP/1.1",
                (const char *const[]){ host, "Authorization: Bearer tok-123",
                                       "Content-Type: application/json", "Content-Length: 15",
                                       "Connection: close" },
                5);
    cr_assert_str_eq(strstr(s.request, "\r\n\r\n") + 4, "{\"a\":1,\"b\":\"x\"}");
    cr_assert_eq(json_object_size(body), 2, "the body stays the caller's");
    answer = http_response_json(&r);
    cr_assert(json_is_true(json_object_get(answer, "ok")));
    json_decref(answer);
    json_decref(body);
    http_response_free(&r);
    fake_free(&s);
}

Test(http_client, response_json_rejects_duplicates_and_non_json)
{
    struct http_response r = { .status = 200 };
    json_t *j;

    r.body = "{\"a\":1,\"a\":2}";
    r.body_len = strlen(r.body);
    cr_assert_null(http_response_json(&r));
    r.body = "<html>";
    r.body_len = strlen(r.body);
    cr_assert_null(http_response_json(&r));
    r.body = "{\"a\":[1,2]}";
    r.body_len = strlen(r.body);
    j = http_response_json(&r);
    cr_assert_eq(json_array_size(json_object_get(j, "a")), 2);
    json_decref(j);
}
