/*
 * Self-test of tests/support/http_client: a throwaway server thread on a
 * kernel-chosen loopback port answers with hand-written bytes, so each parsing,
 * framing, timeout and recording rule of the client is checked against known input.
 */

#include "http_client.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum fake_mode {
    FAKE_REPLY,       /* read head and Content-Length body, send the reply, close */
    FAKE_ECHO,        /* read the request, answer 200 with its body */
    FAKE_SILENT,      /* read until the client closes or the test stops it; never answer */
    FAKE_EARLY,       /* answer right after the head, never read the body, wait for stop */
    FAKE_FIRST_BYTES  /* answer as soon as any bytes arrive, then close */
};

enum { FAKE_WAIT_MS = 10000, FAKE_STEP = 64 * 1024, FAKE_MAX_BATCH = 16 };

struct fake_server {
    enum fake_mode mode;
    const char *reply;
    size_t reply_len;
    int connections;
    int batch;
    int ipv6;
    int listen_fd;
    int stop_pipe[2];
    int port;
    pthread_t thread;
    /* Written by the server thread, read by the test after fake_stop. */
    char *request;
    size_t request_len;
    const char *failure;
};

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* 1 when fd has events, 0 when the test asked the server to stop or time ran out. */
static int fake_wait(struct fake_server *s, int fd, short events)
{
    struct pollfd p[2] = { { .fd = fd, .events = events },
                           { .fd = s->stop_pipe[0], .events = POLLIN } };
    int r;

    do {
        r = poll(p, 2, FAKE_WAIT_MS);
    } while (r < 0 && errno == EINTR);
    return r > 0 && !(p[1].revents & POLLIN) && p[0].revents != 0;
}

/* Bytes received (appended to *buf), 0 when the client closed, -1 on error or stop. */
static ssize_t fake_recv(struct fake_server *s, int fd, char **buf, size_t *len, size_t *cap)
{
    ssize_t n;

    if (!fake_wait(s, fd, POLLIN)) {
        return -1;
    }
    if (*cap - *len < FAKE_STEP + 1) {
        size_t new_cap = (*cap + FAKE_STEP + 1) * 2;
        char *p = realloc(*buf, new_cap);

        if (!p) {
            return -1;
        }
        *buf = p;
        *cap = new_cap;
    }
    n = recv(fd, *buf + *len, FAKE_STEP, 0);
    if (n > 0) {
        *len += (size_t)n;
        (*buf)[*len] = '\0';
    }
    return n;
}

static size_t request_content_length(const char *head, size_t head_len)
{
    for (size_t i = 0; i + 17 < head_len; i++) {
        if (head[i] == '\n' && strncasecmp(head + i + 1, "Content-Length:", 15) == 0) {
            return strtoul(head + i + 16, NULL, 10);
        }
    }
    return 0;
}

/* One accepted connection: what the client sent, and where its head ended. */
struct fake_conn {
    int fd;
    char *buf;
    size_t len;
    size_t cap;
    size_t head_len;
    int answer;
};

/* Reads what the mode needs before answering: nothing more, so EARLY can leave the body unread. */
static void fake_take(struct fake_server *s, struct fake_conn *c)
{
    char *end = NULL;

    if (s->mode == FAKE_SILENT) {
        while (fake_recv(s, c->fd, &c->buf, &c->len, &c->cap) > 0) {
        }
        return;
    }
    if (s->mode == FAKE_FIRST_BYTES) {
        c->answer = fake_recv(s, c->fd, &c->buf, &c->len, &c->cap) > 0;
        return;
    }
    while (!(c->buf && (end = memmem(c->buf, c->len, "\r\n\r\n", 4)))) {
        if (fake_recv(s, c->fd, &c->buf, &c->len, &c->cap) <= 0) {
            s->failure = "request head never completed";
            return;
        }
    }
    c->head_len = (size_t)(end - c->buf) + 4;
    if (s->mode == FAKE_EARLY) {
        c->answer = 1;
        return;
    }
    while (c->len < c->head_len + request_content_length(c->buf, c->head_len)) {
        if (fake_recv(s, c->fd, &c->buf, &c->len, &c->cap) <= 0) {
            s->failure = "request body shorter than its Content-Length";
            return;
        }
    }
    c->answer = 1;
}

static void fake_answer(struct fake_server *s, struct fake_conn *c)
{
    char echo_head[96];

    if (!c->answer) {
        return;
    }
    if (s->mode == FAKE_ECHO) {
        snprintf(echo_head, sizeof echo_head, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n",
                 c->len - c->head_len);
        send_all(c->fd, echo_head, strlen(echo_head));
        send_all(c->fd, c->buf + c->head_len, c->len - c->head_len);
        return;
    }
    send_all(c->fd, s->reply, s->reply_len);
    if (s->mode == FAKE_EARLY) {
        shutdown(c->fd, SHUT_WR);
        fake_wait(s, s->stop_pipe[0], POLLIN);
    }
}

/*
 * Serves connections in batches: all requests of a batch are read before any
 * is answered, so a batch of clients receives its answers at the same moment.
 */
static void *fake_main(void *arg)
{
    struct fake_server *s = arg;
    struct fake_conn conns[FAKE_MAX_BATCH];
    int batch = s->batch ? s->batch : 1;

    for (int done = 0; done < s->connections; done += batch) {
        int taken = 0;

        for (; taken < batch && done + taken < s->connections; taken++) {
            struct fake_conn *c = &conns[taken];

            *c = (struct fake_conn){ .fd = -1 };
            if (!fake_wait(s, s->listen_fd, POLLIN) ||
                (c->fd = accept(s->listen_fd, NULL, NULL)) < 0) {
                s->failure = "client never connected";
                break;
            }
            fake_take(s, c);
        }
        for (int i = 0; i < taken; i++) {
            fake_answer(s, &conns[i]);
            close(conns[i].fd);
            if (done + i == 0) {
                s->request = conns[i].buf;
                s->request_len = conns[i].len;
            } else {
                free(conns[i].buf);
            }
        }
        if (taken < batch && done + taken < s->connections) {
            return NULL;
        }
    }
    return NULL;
}

/* Listens on a fresh port and points FREMDRIFT_TEST_URL at it. */
static void fake_start(struct fake_server *s)
{
    struct sockaddr_storage addr = { 0 };
    socklen_t addr_len;
    char url[64];

    if (s->connections == 0) {
        s->connections = 1;
    }
    cr_assert_leq(s->batch, FAKE_MAX_BATCH);
    cr_assert_eq(pipe(s->stop_pipe), 0);
    s->listen_fd = socket(s->ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    cr_assert_geq(s->listen_fd, 0);
    if (s->ipv6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&addr;

        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        addr_len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&addr;

        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr_len = sizeof *a;
    }
    if (bind(s->listen_fd, (struct sockaddr *)&addr, addr_len) < 0) {
        if (s->ipv6) {
            cr_skip_test("no IPv6 loopback on this machine");
        }
        cr_assert_fail("bind 127.0.0.1:0: %s", strerror(errno));
    }
    cr_assert_eq(listen(s->listen_fd, 64), 0);
    cr_assert_eq(getsockname(s->listen_fd, (struct sockaddr *)&addr, &addr_len), 0);
    s->port = ntohs(s->ipv6 ? ((struct sockaddr_in6 *)&addr)->sin6_port
                            : ((struct sockaddr_in *)&addr)->sin_port);
    snprintf(url, sizeof url, s->ipv6 ? "http://[::1]:%d" : "http://127.0.0.1:%d", s->port);
    cr_assert_eq(setenv("FREMDRIFT_TEST_URL", url, 1), 0);
    cr_assert_eq(pthread_create(&s->thread, NULL, fake_main, s), 0);
}

static void fake_stop(struct fake_server *s)
{
    cr_assert_eq(write(s->stop_pipe[1], "x", 1), 1);
    cr_assert_eq(pthread_join(s->thread, NULL), 0);
    close(s->listen_fd);
    close(s->stop_pipe[0]);
    close(s->stop_pipe[1]);
}

static void fake_free(struct fake_server *s)
{
    free(s->request);
    s->request = NULL;
}

/* One request against a server that sends reply; the response lands in r. */
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

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t cap = 0;
    size_t n;

    *len = 0;
    cr_assert_not_null(f, "cannot open %s", path);
    do {
        data = realloc(data, cap + FAKE_STEP + 1);
        cr_assert_not_null(data);
        cap += FAKE_STEP;
        n = fread(data + *len, 1, cap - *len, f);
        *len += n;
    } while (n > 0);
    fclose(f);
    data[*len] = '\0';
    return data;
}

/* Splits the recorder file into parsed lines; each must be a JSON object. */
static size_t record_lines(const char *path, json_t **lines, size_t max)
{
    size_t len;
    char *data = read_file(path, &len);
    size_t count = 0;
    size_t start = 0;

    cr_assert(len > 0 && data[len - 1] == '\n', "recorder file does not end with a newline");
    for (size_t i = 0; i < len; i++) {
        json_error_t err;

        if (data[i] != '\n') {
            continue;
        }
        cr_assert_lt(count, max, "more than %zu lines recorded", max);
        lines[count] = json_loadb(data + start, i - start, JSON_REJECT_DUPLICATES, &err);
        cr_assert(json_is_object(lines[count]), "line %zu is not a JSON object: %s", count + 1,
                  err.text);
        count++;
        start = i + 1;
    }
    free(data);
    return count;
}

static char *temp_record_file(void)
{
    char *path = strdup("/tmp/fremdrift-record-XXXXXX");
    int fd;

    cr_assert_not_null(path);
    fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    cr_assert_eq(setenv("FREMDRIFT_TEST_RECORD", path, 1), 0);
    return path;
}

/* The record file a CI run sets for contract checks must not receive these fake answers. */
static void isolate_environment(void)
{
    unsetenv("FREMDRIFT_TEST_RECORD");
}

TestSuite(http_client, .init = isolate_environment, .timeout = 30);

Test(http_client, request_without_body_sends_host_and_connection_close)
{
    struct fake_server s = { .mode = FAKE_REPLY, .reply = "HTTP/1.1 204 No Content\r\n\r\n" };
    struct http_response r;
    char expected[128];

    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_request("GET", "/v1/ping", NULL, 0, NULL, 0, &r), 0, "%s", http_last_error());
    fake_stop(&s);
    snprintf(expected, sizeof expected,
             "GET /v1/ping HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n", s.port);
    cr_assert_null(s.failure, "%s", s.failure);
    cr_assert_str_eq(s.request, expected);
    http_response_free(&r);
    fake_free(&s);
}

Test(http_client, body_bytes_are_sent_verbatim_with_content_length)
{
    static const char body[] = { '\xff', '\xfe', '\0', 'a', '\xc3', '(' };
    struct fake_server s = { .mode = FAKE_REPLY, .reply = "HTTP/1.1 204 No Content\r\n\r\n" };
    struct http_header h[] = { { "X-Test", "1" } };
    struct http_response r;
    char expected[160];
    int head_len;

    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_request("POST", "/v1/x", h, 1, body, sizeof body, &r), 0, "%s",
                 http_last_error());
    fake_stop(&s);
    head_len = snprintf(expected, sizeof expected,
                        "POST /v1/x HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Test: 1\r\n"
                        "Content-Length: 6\r\nConnection: close\r\n\r\n",
                        s.port);
    cr_assert_eq(s.request_len, (size_t)head_len + sizeof body);
    cr_assert_eq(memcmp(s.request, expected, (size_t)head_len), 0, "%s", s.request);
    cr_assert_eq(memcmp(s.request + head_len, body, sizeof body), 0);
    http_response_free(&r);
    fake_free(&s);
}

Test(http_client, caller_content_length_replaces_the_automatic_one)
{
    struct fake_server s = { .mode = FAKE_REPLY, .reply = "HTTP/1.1 204 No Content\r\n\r\n" };
    struct http_header h[] = { { "content-length", "3" } };
    struct http_response r;
    size_t count = 0;

    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_request("PUT", "/v1/x", h, 1, "abcde", 5, &r), 0, "%s", http_last_error());
    fake_stop(&s);
    for (const char *p = s.request; (p = strcasestr(p, "content-length")); p++) {
        count++;
    }
    cr_assert_eq(count, 1, "%s", s.request);
    cr_assert_not_null(strstr(s.request, "\r\ncontent-length: 3\r\n"));
    cr_assert_not_null(strstr(s.request, "\r\n\r\nabc"));
    http_response_free(&r);
    fake_free(&s);
}

Test(http_client, content_length_body_is_read_exactly)
{
    struct http_response r;

    cr_assert_eq(exchange("GET", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                 "Content-Length: 11\r\n\r\nhello worldEXTRA",
                          &r),
                 0, "%s", http_last_error());
    cr_assert_eq(r.status, 200);
    cr_assert_str_eq(r.reason, "OK");
    cr_assert_eq(r.body_len, 11);
    cr_assert_str_eq(r.body, "hello world");
    http_response_free(&r);
}

Test(http_client, body_shorter_than_content_length_fails)
{
    struct http_response r;

    cr_assert_eq(exchange("GET", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", &r), -1);
    cr_assert_not_null(strstr(http_last_error(), "3 of 10"), "%s", http_last_error());
    cr_assert_null(r.body);
}

Test(http_client, chunked_body_with_extensions_and_trailers_is_decoded)
{
    struct http_response r;

    cr_assert_eq(exchange("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "5;name=value\r\nhello\r\n"
                                 "1 ; flag\r\n \r\n"
                                 "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"
                                 "0;last=yes\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n",
                          &r),
                 0, "%s", http_last_error());
    cr_assert_eq(r.body_len, 32);
    cr_assert_str_eq(r.body, "hello abcdefghijklmnopqrstuvwxyz");
    cr_assert_null(http_response_header(&r, "x-checksum"), "trailers are not headers");
    http_response_free(&r);
}

Test(http_client, truncated_chunked_body_fails)
{
    struct http_response r;

    cr_assert_eq(exchange("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "5\r\nhel",
                          &r),
                 -1);
    cr_assert_not_null(strstr(http_last_error(), "chunked"), "%s", http_last_error());
}

Test(http_client, body_without_length_is_read_until_close)
{
    struct http_response r;

    cr_assert_eq(exchange("GET", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"
                                 "no length given\nsecond line",
                          &r),
                 0, "%s", http_last_error());
    cr_assert_str_eq(r.body, "no length given\nsecond line");
    cr_assert_eq(r.body_len, 27);
    http_response_free(&r);
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

Test(http_client, header_lookup_is_case_insensitive_and_takes_the_first_match)
{
    struct http_response r;

    cr_assert_eq(exchange("GET", "HTTP/1.1 200 OK\r\nX-Request-Id: abc-123\r\n"
                                 "content-TYPE: application/problem+json\r\n"
                                 "Set-Cookie: first=1\r\nSet-Cookie: second=2\r\n"
                                 "X-Padded: \t spaced  value \t\r\nContent-Length: 0\r\n\r\n",
                          &r),
                 0, "%s", http_last_error());
    cr_assert_eq(r.n_headers, 6);
    cr_assert_str_eq(r.headers[0].name, "X-Request-Id");
    cr_assert_str_eq(http_response_header(&r, "x-request-id"), "abc-123");
    cr_assert_str_eq(http_response_header(&r, "Content-Type"), "application/problem+json");
    cr_assert_str_eq(http_response_header(&r, "SET-COOKIE"), "first=1");
    cr_assert_str_eq(http_response_header(&r, "x-padded"), "spaced  value");
    cr_assert_null(http_response_header(&r, "x-missing"));
    http_response_free(&r);
}

Test(http_client, status_lines_are_parsed)
{
    static const struct {
        const char *reply;
        int status;
        const char *reason;
    } cases[] = {
        { "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", 404, "Not Found" },
        { "HTTP/1.0 201 Created\r\nContent-Length: 0\r\n\r\n", 201, "Created" },
        { "HTTP/1.1 204 \r\n\r\n", 204, "" },
        { "HTTP/1.1 503\r\nContent-Length: 0\r\n\r\n", 503, "" },
        { "HTTP/1.1 299 Odd but\tvalid \xe6\xf8\xe5\r\nContent-Length: 0\r\n\r\n", 299,
          "Odd but\tvalid \xe6\xf8\xe5" },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct http_response r;

        cr_assert_eq(exchange("GET", cases[i].reply, &r), 0, "case %zu: %s", i, http_last_error());
        cr_assert_eq(r.status, cases[i].status, "case %zu", i);
        cr_assert_str_eq(r.reason, cases[i].reason, "case %zu", i);
        http_response_free(&r);
    }
}

Test(http_client, malformed_status_lines_fail)
{
    static const char *const replies[] = {
        "HTTP/1.1 20 OK\r\n\r\n",     "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/2 200 OK\r\n\r\n",
        "ICY 200 OK\r\n\r\n",         "HTTP/1.1 200OK\r\n\r\n",   "HTTP/1.1 099 Low\r\n\r\n",
        "HTTP/1.1  200 OK\r\n\r\n",   "HTTP/1.1 2x0 OK\r\n\r\n", "garbage\r\n\r\n",
    };

    for (size_t i = 0; i < sizeof replies / sizeof replies[0]; i++) {
        struct http_response r;

        cr_assert_eq(exchange("GET", replies[i], &r), -1, "case %zu accepted", i);
        cr_assert_not_null(strstr(http_last_error(), "status line"), "case %zu: %s", i,
                           http_last_error());
    }
}

Test(http_client, interim_responses_are_skipped)
{
    struct http_response r;

    cr_assert_eq(exchange("GET", "HTTP/1.1 100 Continue\r\n\r\n"
                                 "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                                 "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok",
                          &r),
                 0, "%s", http_last_error());
    cr_assert_eq(r.status, 201);
    cr_assert_str_eq(r.body, "ok");
    cr_assert_null(http_response_header(&r, "link"));
    http_response_free(&r);
}

Test(http_client, endless_interim_responses_fail)
{
    char reply[64 * 26 + 1] = "";
    struct http_response r;

    for (int i = 0; i < 64; i++) {
        strcat(reply, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    cr_assert_eq(exchange("GET", reply, &r), -1);
    cr_assert_not_null(strstr(http_last_error(), "interim"), "%s", http_last_error());
}

Test(http_client, bare_lf_in_response_head_fails)
{
    struct http_response r;

    cr_assert_eq(exchange("GET", "HTTP/1.1 200 OK\r\nX-A: a\nX-Injected: b\r\n"
                                 "Content-Length: 0\r\n\r\n",
                          &r),
                 -1);
    cr_assert_not_null(strstr(http_last_error(), "bare CR or LF"), "%s", http_last_error());
}

Test(http_client, content_length_with_transfer_encoding_fails)
{
    struct http_response r;

    cr_assert_eq(exchange("GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                                 "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                          &r),
                 -1);
    cr_assert_not_null(strstr(http_last_error(), "both"), "%s", http_last_error());
}

Test(http_client, one_mib_body_goes_both_ways)
{
    struct fake_server s = { .mode = FAKE_ECHO };
    size_t n = 1 << 20;
    char *body = malloc(n);
    struct http_response r;
    char *head_end;

    cr_assert_not_null(body);
    for (size_t i = 0; i < n; i++) {
        body[i] = (char)((i * 7 + i / 256) % 251);
    }
    fake_start(&s);
    cr_assert_eq(http_request("POST", "/v1/echo", NULL, 0, body, n, &r), 0, "%s",
                 http_last_error());
    fake_stop(&s);
    cr_assert_null(s.failure, "%s", s.failure);
    head_end = memmem(s.request, s.request_len, "\r\n\r\n", 4);
    cr_assert_not_null(head_end);
    cr_assert_eq(s.request_len - (size_t)(head_end + 4 - s.request), n);
    cr_assert_eq(memcmp(head_end + 4, body, n), 0, "server received other bytes");
    cr_assert_eq(r.status, 200);
    cr_assert_eq(r.body_len, n);
    cr_assert_eq(memcmp(r.body, body, n), 0, "client received other bytes");
    http_response_free(&r);
    fake_free(&s);
    free(body);
}

Test(http_client, early_answer_stops_the_body_upload)
{
    struct fake_server s = { .mode = FAKE_EARLY };
    size_t n = 16u << 20;
    char *body = calloc(n, 1);
    struct http_response r;
    long long start;
    int rc;

    cr_assert_not_null(body);
    s.reply = "HTTP/1.1 413 Content Too Large\r\nContent-Length: 9\r\n\r\ntoo large";
    s.reply_len = strlen(s.reply);
    fake_start(&s);
    http_set_timeout_ms(3000);
    start = now_ms();
    rc = http_request("POST", "/v1/upload", NULL, 0, body, n, &r);
    cr_assert_eq(rc, 0, "%s", http_last_error());
    cr_assert_lt(now_ms() - start, 3000);
    fake_stop(&s);
    cr_assert_eq(r.status, 413);
    cr_assert_str_eq(r.body, "too large");
    http_response_free(&r);
    fake_free(&s);
    free(body);
}

Test(http_client, silent_server_times_out)
{
    struct fake_server s = { .mode = FAKE_SILENT };
    struct http_response r;
    long long elapsed;

    fake_start(&s);
    http_set_timeout_ms(300);
    elapsed = now_ms();
    cr_assert_eq(http_request("GET", "/v1/slow", NULL, 0, NULL, 0, &r), -1);
    elapsed = now_ms() - elapsed;
    fake_stop(&s);
    cr_assert_geq(elapsed, 290);
    cr_assert_lt(elapsed, 3000);
    cr_assert_not_null(strstr(http_last_error(), "300 ms"), "%s", http_last_error());
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

Test(http_client, localhost_url_is_accepted)
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

Test(http_client, crlf_in_request_header_is_refused)
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
    char expected[256];
    json_t *answer;

    s.reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n"
              "{\"ok\":true}";
    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_json("POST", "/v1/cases", "tok-123", body, NULL, 0, &r), 0, "%s",
                 http_last_error());
    fake_stop(&s);
    snprintf(expected, sizeof expected,
             "POST /v1/cases HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nAuthorization: Bearer tok-123\r\n"
             "Content-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n"
             "{\"a\":1,\"b\":\"x\"}",
             s.port);
    cr_assert_str_eq(s.request, expected);
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

Test(http_client, raw_connection_reads_until_the_server_closes)
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

Test(http_client, raw_read_times_out_while_the_server_stays_open)
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
    elapsed = now_ms();
    cr_assert_eq(http_read_all(fd, &got, &len, 300), -1);
    elapsed = now_ms() - elapsed;
    close(fd);
    fake_stop(&s);
    cr_assert_null(got);
    cr_assert_geq(elapsed, 290);
    cr_assert_lt(elapsed, 3000);
    fake_free(&s);
}

Test(http_client, recorder_writes_one_json_line_per_response)
{
    char *path = temp_record_file();
    struct fake_server json = { .mode = FAKE_REPLY };
    struct fake_server text = { .mode = FAKE_REPLY };
    struct http_response r;
    json_t *lines[4];

    json.reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n"
                 "{\"id\":7}";
    json.reply_len = strlen(json.reply);
    fake_start(&json);
    cr_assert_eq(http_request("GET", "/v1/cases/7?limit=2&cursor=x", NULL, 0, NULL, 0, &r), 0,
                 "%s", http_last_error());
    fake_stop(&json);
    http_response_free(&r);
    text.reply = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n\xff bad";
    text.reply_len = strlen(text.reply);
    fake_start(&text);
    cr_assert_eq(http_request("DELETE", "/v1/notes/\xe6", NULL, 0, NULL, 0, &r), 0, "%s",
                 http_last_error());
    fake_stop(&text);
    http_response_free(&r);

    cr_assert_eq(record_lines(path, lines, 4), 2);
    cr_assert_str_eq(json_string_value(json_object_get(lines[0], "method")), "GET");
    cr_assert_str_eq(json_string_value(json_object_get(lines[0], "path")), "/v1/cases/7");
    cr_assert_str_eq(json_string_value(json_object_get(lines[0], "query")), "limit=2&cursor=x");
    cr_assert_eq(json_integer_value(json_object_get(lines[0], "status")), 200);
    cr_assert_str_eq(json_string_value(json_object_get(lines[0], "content_type")),
                     "application/json");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(lines[0], "body"), "id")), 7);
    cr_assert(json_is_null(json_object_get(lines[0], "body_text")));
    cr_assert_str_eq(json_string_value(json_object_get(lines[1], "method")), "DELETE");
    cr_assert_str_eq(json_string_value(json_object_get(lines[1], "path")),
                     "/v1/notes/\xef\xbf\xbd");
    cr_assert(json_is_null(json_object_get(lines[1], "query")));
    cr_assert_eq(json_integer_value(json_object_get(lines[1], "status")), 400);
    cr_assert(json_is_null(json_object_get(lines[1], "body")));
    cr_assert_str_eq(json_string_value(json_object_get(lines[1], "body_text")), "\xef\xbf\xbd bad");
    json_decref(lines[0]);
    json_decref(lines[1]);
    unlink(path);
    free(path);
    fake_free(&json);
    fake_free(&text);
}

Test(http_client, recorder_leaves_out_request_body_and_headers)
{
    char *path = temp_record_file();
    struct fake_server s = { .mode = FAKE_REPLY,
                             .reply = "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}" };
    struct http_header h[] = { { "Authorization", "Bearer SECRET-TOKEN" },
                               { "X-Api-Key", "SECRET-KEY" } };
    struct http_response r;
    char *data;
    size_t len;

    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_request("POST", "/v1/notes", h, 2, "{\"cpr\":\"SECRET-BODY\"}", 21, &r), 0,
                 "%s", http_last_error());
    fake_stop(&s);
    http_response_free(&r);
    data = read_file(path, &len);
    cr_assert_gt(len, 0);
    cr_assert_null(strstr(data, "SECRET"), "%s", data);
    cr_assert_null(strcasestr(data, "authorization"), "%s", data);
    free(data);
    unlink(path);
    free(path);
    fake_free(&s);
}

enum { WRITERS = 8, REQUESTS_PER_WRITER = 2, BIG_TEXT = 1024 * 1024 };

struct writer {
    int id;
    const char *failure;
};

static void *writer_main(void *arg)
{
    struct writer *w = arg;

    for (int i = 0; i < REQUESTS_PER_WRITER; i++) {
        char path[64];
        struct http_response r;

        snprintf(path, sizeof path, "/v1/w/%d", w->id * REQUESTS_PER_WRITER + i);
        if (http_request("GET", path, NULL, 0, NULL, 0, &r) < 0) {
            w->failure = "request failed";
            return NULL;
        }
        http_response_free(&r);
    }
    return NULL;
}

Test(http_client, recorder_lines_stay_whole_with_concurrent_writers)
{
    char *path = temp_record_file();
    struct fake_server s = { .mode = FAKE_REPLY,
                             .connections = WRITERS * REQUESTS_PER_WRITER,
                             .batch = WRITERS };
    struct writer writers[WRITERS];
    pthread_t threads[WRITERS];
    json_t *lines[WRITERS * REQUESTS_PER_WRITER + 1];
    int seen[WRITERS * REQUESTS_PER_WRITER] = { 0 };
    char *reply = malloc(BIG_TEXT + 256);
    int head;

    cr_assert_not_null(reply);
    head = snprintf(reply, 256, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                "Content-Length: %d\r\n\r\n{\"data\":\"", BIG_TEXT + 11);
    memset(reply + head, 'q', BIG_TEXT);
    strcpy(reply + head + BIG_TEXT, "\"}");
    s.reply = reply;
    s.reply_len = strlen(reply);
    fake_start(&s);
    for (int i = 0; i < WRITERS; i++) {
        writers[i] = (struct writer){ .id = i };
        cr_assert_eq(pthread_create(&threads[i], NULL, writer_main, &writers[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        cr_assert_eq(pthread_join(threads[i], NULL), 0);
        cr_assert_null(writers[i].failure, "writer %d: %s", i, writers[i].failure);
    }
    fake_stop(&s);

    cr_assert_eq(record_lines(path, lines, WRITERS * REQUESTS_PER_WRITER + 1),
                 WRITERS * REQUESTS_PER_WRITER);
    for (int i = 0; i < WRITERS * REQUESTS_PER_WRITER; i++) {
        const char *p = json_string_value(json_object_get(lines[i], "path"));
        int n;

        cr_assert_eq(json_string_length(json_object_get(json_object_get(lines[i], "body"), "data")),
                     BIG_TEXT);
        cr_assert_eq(sscanf(p, "/v1/w/%d", &n), 1);
        cr_assert(n >= 0 && n < WRITERS * REQUESTS_PER_WRITER && !seen[n], "path %s", p);
        seen[n] = 1;
        json_decref(lines[i]);
    }
    unlink(path);
    free(path);
    free(reply);
    fake_free(&s);
}
