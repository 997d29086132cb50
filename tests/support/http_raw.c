/*
 * Raw sockets, for what libcurl cannot send: a body whose framing the caller
 * writes (a Content-Length that lies, both Content-Length and Transfer-Encoding,
 * pre-chunked bytes), half a request, a trickled header. The answer is read
 * until the server closes (every request asks for Connection: close) and then
 * parsed from the bytes received, framed by Content-Length or by the close.
 */

#include "http_support.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum { READ_STEP = 64 << 10, MAX_INTERIM = 32 };

static const char *errno_text(int err)
{
    const char *s = strerrordesc_np(err);

    return s ? s : "unknown error";
}

/* SO_SNDTIMEO also bounds connect() on Linux, so a full accept queue cannot hang us. */
int http_connect_raw(void)
{
    int timeout_ms = http_timeout_ms();
    struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
    struct http_target t;
    int one = 1;
    int fd;
    int err;

    if (http_target_parse(&t) < 0) {
        return -1;
    }
    fd = socket(t.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        http_fail("socket: %s", errno_text(errno));
        return -1;
    }
    /* Without TCP_NODELAY a test's second small write can wait for a delayed ACK. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
        err = errno;
        close(fd);
        http_fail("setsockopt: %s", errno_text(err));
        return -1;
    }
    while (connect(fd, (const struct sockaddr *)&t.addr, t.addr_len) < 0) {
        err = errno;
        if (err == EINTR) {
            continue;
        }
        close(fd);
        http_fail("connect to %s: %s%s", t.authority, errno_text(err),
                  err == ECONNREFUSED ? " (is the service running?)" : "");
        return -1;
    }
    return fd;
}

int http_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            http_fail("write: %s", errno == EAGAIN || errno == EWOULDBLOCK ? "timed out"
                                                                             : errno_text(errno));
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int http_read_all(int fd, char **out, size_t *len, int timeout_ms)
{
    struct http_buf b = { 0 };
    char step[READ_STEP];
    long long deadline;

    *out = NULL;
    *len = 0;
    if (timeout_ms <= 0) {
        timeout_ms = http_timeout_ms();
    }
    deadline = now_ms() + timeout_ms;
    if (http_buf_append(&b, "", 0) < 0) {
        return -1;
    }
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        long long left = deadline - now_ms();
        ssize_t n;

        if (left <= 0) {
            http_fail("read: peer still open after %d ms (%zu bytes received)", timeout_ms, b.len);
            break;
        }
        if (poll(&p, 1, (int)left) <= 0) {
            continue;
        }
        n = recv(fd, step, sizeof step, MSG_DONTWAIT);
        if (n > 0) {
            if (b.len + (size_t)n > HTTP_MAX_BODY_BYTES) {
                http_fail("read: more than %d bytes received", HTTP_MAX_BODY_BYTES);
                break;
            }
            if (http_buf_append(&b, step, (size_t)n) < 0) {
                break;
            }
            continue;
        }
        /* A reset is how a server closes when unread request bytes remain. */
        if (n == 0 || errno == ECONNRESET) {
            *out = b.data;
            *len = b.len;
            return 0;
        }
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
            http_fail("read: %s", errno_text(errno));
            break;
        }
    }
    http_buf_free(&b);
    return -1;
}

/*
 * Sends everything unless the server answers first: a server may reply (413,
 * say) before reading the body and stop reading; insisting on the rest would
 * end in a send timeout instead of the server's answer.
 */
static int send_until_answered(int fd, const char *data, size_t len)
{
    size_t sent = 0;

    while (sent < len) {
        struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
        int r = poll(&p, 1, http_timeout_ms());
        ssize_t n;

        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            http_fail("sending the request: the server took nothing for %d ms (%zu of %zu bytes)",
                      http_timeout_ms(), sent, len);
            return -1;
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            return 0;
        }
        n = send(fd, data + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
            return 0;
        }
        if (n < 0 && errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
            http_fail("sending the request: %s", errno_text(errno));
            return -1;
        }
        sent += n > 0 ? (size_t)n : 0;
    }
    return 0;
}

static int build_request(struct http_buf *b, const char *authority, const char *method,
                         const char *path, const struct http_header *headers, size_t n_headers,
                         const void *body, size_t body_len)
{
    char line[64];
    int failed = 0;

    failed |= http_buf_append(b, method, strlen(method));
    failed |= http_buf_append(b, " ", 1);
    failed |= http_buf_append(b, path, strlen(path));
    failed |= http_buf_append(b, " HTTP/1.1\r\n", 11);
    if (!http_has_header(headers, n_headers, "host")) {
        snprintf(line, sizeof line, "Host: %.50s\r\n", authority);
        failed |= http_buf_append(b, line, strlen(line));
    }
    for (size_t i = 0; i < n_headers; i++) {
        failed |= http_buf_append(b, headers[i].name, strlen(headers[i].name));
        failed |= http_buf_append(b, ": ", 2);
        failed |= http_buf_append(b, headers[i].value, strlen(headers[i].value));
        failed |= http_buf_append(b, "\r\n", 2);
    }
    if (body && !http_has_header(headers, n_headers, "content-length") &&
        !http_has_header(headers, n_headers, "transfer-encoding")) {
        snprintf(line, sizeof line, "Content-Length: %zu\r\n", body_len);
        failed |= http_buf_append(b, line, strlen(line));
    }
    if (!http_has_header(headers, n_headers, "connection")) {
        failed |= http_buf_append(b, "Connection: close\r\n", 19);
    }
    failed |= http_buf_append(b, "\r\n", 2);
    if (body_len) {
        failed |= http_buf_append(b, body, body_len);
    }
    return failed ? -1 : 0;
}

/* The body that follows a head, by the head's framing; body_ok 0 for HEAD, 1xx, 204, 304. */
static int take_body(const struct http_response *r, const char *p, size_t n, int body_ok,
                     struct http_buf *body)
{
    const char *te = http_response_header(r, "transfer-encoding");
    const char *cl = http_response_header(r, "content-length");

    if (!body_ok) {
        return http_buf_append(body, "", 0);
    }
    /* The service sends every reply with a known length, so chunking is not decoded here. */
    if (te) {
        http_fail("response: Transfer-Encoding \"%s\" is not read over a raw socket", te);
        return -1;
    }
    if (cl) {
        char *end;
        unsigned long long length = strtoull(cl, &end, 10);

        if (end == cl || *end) {
            http_fail("malformed response: Content-Length \"%s\"", cl);
            return -1;
        }
        if (length > n) {
            http_fail("connection closed by the server after %zu of %llu body bytes", n, length);
            return -1;
        }
        n = (size_t)length;
    }
    return http_buf_append(body, p, n);
}

/* Parses the bytes of a whole exchange, skipping 1xx interim answers. */
static int parse_answer(const char *p, size_t n, int head_request, struct http_response *r)
{
    struct http_buf body = { 0 };

    for (int interim = 0; interim <= MAX_INTERIM; interim++) {
        const char *end = memmem(p, n, "\r\n\r\n", 4);
        size_t head_len = end ? (size_t)(end - p) + 4 : 0;
        char *head;

        if (!end) {
            http_fail("connection closed by the server before the end of the response head "
                      "(%zu bytes received)", n);
            return -1;
        }
        head = malloc(head_len + 1);
        if (!head) {
            http_fail("out of memory");
            return -1;
        }
        memcpy(head, p, head_len);
        head[head_len] = '\0';
        if (http_parse_head(head, head_len, r) < 0) {
            return -1;
        }
        p += head_len;
        n -= head_len;
        if (r->status >= 200 || r->status == 101) {
            if (take_body(r, p, n, !head_request && r->status != 204 && r->status != 304, &body) < 0) {
                http_buf_free(&body);
                return -1;
            }
            r->body = body.data;
            r->body_len = body.len;
            return 0;
        }
        http_response_free(r);
    }
    http_fail("more than %d interim (1xx) responses", MAX_INTERIM);
    return -1;
}

/* One byte from fd before the deadline: 1, 0 when the peer closed, -1 on timeout or error. */
static int read_byte(int fd, char *c, long long deadline, int timeout_ms)
{
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        long long left = deadline - now_ms();
        ssize_t n;

        if (left <= 0) {
            http_fail("read: no whole response within %d ms", timeout_ms);
            return -1;
        }
        if (poll(&p, 1, (int)left) <= 0) {
            continue;
        }
        n = recv(fd, c, 1, MSG_DONTWAIT);
        if (n == 1) {
            return 1;
        }
        if (n == 0 || errno == ECONNRESET) {
            return 0;
        }
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
            http_fail("read: %s", errno_text(errno));
            return -1;
        }
    }
}

/*
 * Byte by byte, so that nothing after the response is taken off the socket: on a
 * kept-alive connection the next response (pipelined requests) or the close is
 * the caller's to read. Slow, and only for tests' short answers.
 */
int http_read_response(int fd, struct http_response *out, int timeout_ms)
{
    struct http_buf b = { 0 };
    long long deadline;
    size_t need = 0;
    char c;
    int rc = -1;

    memset(out, 0, sizeof *out);
    if (timeout_ms <= 0) {
        timeout_ms = http_timeout_ms();
    }
    deadline = now_ms() + timeout_ms;
    if (http_buf_append(&b, "", 0) < 0) {
        return -1;
    }
    while (need == 0 || b.len < need) {
        int got = read_byte(fd, &c, deadline, timeout_ms);

        if (got < 0) {
            break;
        }
        if (got == 0) {
            http_fail("read: the server closed after %zu bytes of a response", b.len);
            break;
        }
        if (http_buf_append(&b, &c, 1) < 0) {
            break;
        }
        if (need == 0 && b.len >= 4 && memcmp(b.data + b.len - 4, "\r\n\r\n", 4) == 0) {
            const char *cl = strcasestr(b.data, "\r\nContent-Length:");

            need = b.len + (cl ? strtoull(cl + 17, NULL, 10) : 0);
        }
    }
    if (need != 0 && b.len == need && parse_answer(b.data, b.len, 0, out) == 0) {
        rc = 0;
    }
    http_buf_free(&b);
    return rc;
}

int http_raw_request(const char *method, const char *path, const struct http_header *headers,
                     size_t n_headers, const void *body, size_t body_len,
                     struct http_response *out)
{
    struct http_buf wire = { 0 };
    struct http_response r = { 0 };
    struct http_target t;
    char *answer = NULL;
    size_t answer_len = 0;
    int rc = -1;
    int fd;

    if (http_target_parse(&t) < 0 ||
        build_request(&wire, t.authority, method, path, headers, n_headers, body, body_len) < 0) {
        http_buf_free(&wire);
        return -1;
    }
    fd = http_connect_raw();
    if (fd >= 0 && send_until_answered(fd, wire.data, wire.len) == 0 &&
        http_read_all(fd, &answer, &answer_len, 0) == 0 &&
        parse_answer(answer, answer_len, strcasecmp(method, "HEAD") == 0, &r) == 0 &&
        http_record(method, path, &r) == 0) {
        rc = 0;
    }
    if (fd >= 0) {
        close(fd);
    }
    free(answer);
    http_buf_free(&wire);
    if (rc < 0) {
        http_response_free(&r);
        return -1;
    }
    *out = r;
    return 0;
}
