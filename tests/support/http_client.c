/*
 * Raw-socket HTTP/1.1 client for the integration tests (see http_client.h).
 * It parses responses strictly, so a malformed answer from the service is a
 * test failure rather than something a lenient client quietly repairs.
 */

#include "http_client.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum {
    DEFAULT_TIMEOUT_MS = 15000,
    /* Caps keep a runaway server from exhausting a test process's memory. */
    MAX_HEAD_BYTES = 1 << 20,
    MAX_BODY_BYTES = 64 << 20,
    MAX_CHUNK_LINE = 4096,
    MAX_INTERIM = 32,
    READ_STEP = 64 << 10
};

enum framing { BODY_NONE, BODY_LENGTH, BODY_CHUNKED, BODY_UNTIL_CLOSE };

struct buf {
    char *data;
    size_t len;
    size_t cap;
};

/* What FREMDRIFT_TEST_URL names: an address and the authority for "Host". */
struct target {
    struct sockaddr_storage addr;
    socklen_t addr_len;
    char authority[128];
};

/* One connection while a request is in flight. */
struct conn {
    int fd;
    int timeout_ms;
    struct buf in;
    int eof;
    int reset;
    int interim;
    size_t sent;
    size_t to_send;
};

static _Thread_local char last_error[512];
static atomic_int timeout_setting = DEFAULT_TIMEOUT_MS;

static void set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void set_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
}

/* strerror() may share a static buffer between threads; this does not. */
static const char *errno_text(int err)
{
    const char *s = strerrordesc_np(err);

    return s ? s : "unknown error";
}

const char *http_last_error(void)
{
    return last_error[0] ? last_error : "no error recorded";
}

void http_set_timeout_ms(int ms)
{
    atomic_store(&timeout_setting, ms > 0 ? ms : DEFAULT_TIMEOUT_MS);
}

static int buf_reserve(struct buf *b, size_t extra)
{
    size_t want;
    size_t cap;
    char *p;

    if (extra > SIZE_MAX - b->len - 1) {
        set_error("out of memory");
        return -1;
    }
    want = b->len + extra + 1;
    if (want <= b->cap) {
        return 0;
    }
    cap = b->cap ? b->cap : 256;
    while (cap < want) {
        cap = cap > SIZE_MAX / 2 ? want : cap * 2;
    }
    p = realloc(b->data, cap);
    if (!p) {
        set_error("out of memory");
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

/* Keeps data NUL-terminated so finished buffers can be handed out as strings. */
static int buf_append(struct buf *b, const void *data, size_t len)
{
    if (buf_reserve(b, len) < 0) {
        return -1;
    }
    if (len) {
        memcpy(b->data + b->len, data, len);
    }
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

static int buf_append_str(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

static void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

static void buf_drop_front(struct buf *b, size_t n)
{
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
    b->data[b->len] = '\0';
}

static int is_tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Control characters other than HTAB, which RFC 9110 forbids in field values. */
static int is_bad_ctl(unsigned char c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

static int parse_port(const char *s, size_t len, int *port)
{
    int value = 0;

    if (len == 0 || len > 5) {
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        value = value * 10 + (s[i] - '0');
    }
    if (value < 1 || value > 65535) {
        return -1;
    }
    *port = value;
    return 0;
}

/*
 * Only literal loopback names are accepted, and "localhost" is not resolved:
 * a hosts file or resolver could point it elsewhere, and these tests send
 * hostile traffic that must never leave the machine.
 */
static int parse_target(struct target *t)
{
    const char *url = getenv("FREMDRIFT_TEST_URL");
    const char *host;
    const char *host_end;
    const char *rest;
    int ipv6 = 0;
    int port = 80;
    size_t host_len;

    memset(t, 0, sizeof *t);
    if (!url || !*url) {
        set_error("FREMDRIFT_TEST_URL is not set (expected e.g. http://127.0.0.1:18080)");
        return -1;
    }
    if (strncmp(url, "http://", 7) != 0) {
        set_error("FREMDRIFT_TEST_URL \"%s\" must start with http:// (plain HTTP to loopback only)",
                  url);
        return -1;
    }
    host = url + 7;
    if (*host == '[') {
        host_end = strchr(host, ']');
        if (!host_end) {
            set_error("FREMDRIFT_TEST_URL \"%s\": unterminated [ in host", url);
            return -1;
        }
        host_end++;
        ipv6 = 1;
    } else {
        host_end = host + strcspn(host, ":/");
    }
    host_len = (size_t)(host_end - host);
    if (!((host_len == 9 && strncmp(host, "127.0.0.1", 9) == 0) ||
          (host_len == 9 && strncasecmp(host, "localhost", 9) == 0) ||
          (ipv6 && host_len == 5 && strncmp(host, "[::1]", 5) == 0))) {
        set_error("FREMDRIFT_TEST_URL \"%s\": host \"%.*s\" is not a loopback address "
                  "(allowed: 127.0.0.1, localhost, [::1]); integration tests only talk "
                  "to a local service",
                  url, (int)host_len, host);
        return -1;
    }
    rest = host_end;
    if (*rest == ':') {
        size_t digits = strcspn(rest + 1, "/");

        if (parse_port(rest + 1, digits, &port) < 0) {
            set_error("FREMDRIFT_TEST_URL \"%s\": port must be a number from 1 to 65535", url);
            return -1;
        }
        rest += 1 + digits;
    }
    if (!(rest[0] == '\0' || (rest[0] == '/' && rest[1] == '\0'))) {
        set_error("FREMDRIFT_TEST_URL \"%s\": unexpected \"%s\" after the port "
                  "(only http://host:port is supported)",
                  url, rest);
        return -1;
    }
    snprintf(t->authority, sizeof t->authority, "%.*s", (int)(rest - host), host);
    if (ipv6) {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)&t->addr;

        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        a->sin6_port = htons((uint16_t)port);
        t->addr_len = sizeof *a;
    } else {
        struct sockaddr_in *a = (struct sockaddr_in *)&t->addr;

        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a->sin_port = htons((uint16_t)port);
        t->addr_len = sizeof *a;
    }
    return 0;
}

/* SO_SNDTIMEO also bounds connect() on Linux, so a full accept queue cannot hang us. */
static int connect_target(const struct target *t, int timeout_ms)
{
    struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
    int one = 1;
    int fd;
    int err;

    fd = socket(t->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        set_error("socket: %s", errno_text(errno));
        return -1;
    }
    /* Without TCP_NODELAY a test's second small write can wait for a delayed ACK. */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
        err = errno;
        close(fd);
        set_error("setsockopt: %s", errno_text(err));
        return -1;
    }
    while (connect(fd, (const struct sockaddr *)&t->addr, t->addr_len) < 0) {
        err = errno;
        if (err == EINTR) {
            continue;
        }
        close(fd);
        if (err == EINPROGRESS || err == EAGAIN) {
            set_error("connect to %s: no answer within %d ms", t->authority, timeout_ms);
        } else {
            set_error("connect to %s: %s%s", t->authority, errno_text(err),
                      err == ECONNREFUSED ? " (is the service running?)" : "");
        }
        return -1;
    }
    return fd;
}

int http_connect_raw(void)
{
    struct target t;

    if (parse_target(&t) < 0) {
        return -1;
    }
    return connect_target(&t, atomic_load(&timeout_setting));
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
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                set_error("write: timed out with %zu bytes unsent", len);
            } else {
                set_error("write: %s", errno_text(errno));
            }
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
    struct buf b = { 0 };
    long long deadline;

    *out = NULL;
    *len = 0;
    if (timeout_ms <= 0) {
        timeout_ms = atomic_load(&timeout_setting);
    }
    deadline = now_ms() + timeout_ms;
    if (buf_reserve(&b, 0) < 0) {
        return -1;
    }
    b.data[0] = '\0';
    for (;;) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        long long left = deadline - now_ms();
        ssize_t n;
        int r;

        if (left <= 0) {
            set_error("read: peer still open after %d ms (%zu bytes received)", timeout_ms, b.len);
            buf_free(&b);
            return -1;
        }
        r = poll(&p, 1, (int)left);
        if (r < 0 && errno != EINTR) {
            set_error("read: poll: %s", errno_text(errno));
            buf_free(&b);
            return -1;
        }
        if (r <= 0) {
            continue;
        }
        if (b.len >= MAX_BODY_BYTES) {
            set_error("read: more than %d bytes received", MAX_BODY_BYTES);
            buf_free(&b);
            return -1;
        }
        if (buf_reserve(&b, READ_STEP) < 0) {
            buf_free(&b);
            return -1;
        }
        n = recv(fd, b.data + b.len, READ_STEP, MSG_DONTWAIT);
        if (n > 0) {
            b.len += (size_t)n;
            b.data[b.len] = '\0';
            continue;
        }
        /* A reset is how a server closes when unread request bytes remain. */
        if (n == 0 || errno == ECONNRESET) {
            break;
        }
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
            set_error("read: %s", errno_text(errno));
            buf_free(&b);
            return -1;
        }
    }
    *out = b.data;
    *len = b.len;
    return 0;
}

/*
 * Finds the next line in p[0..n): 1 with *line_len (CRLF excluded), 0 when the
 * CRLF has not arrived yet, -1 on a bare CR or LF (which could smuggle a
 * header past a lenient parser, so it is reported, not tolerated).
 */
static int find_line(const char *p, size_t n, size_t *line_len)
{
    const char *lf = memchr(p, '\n', n);
    size_t scan = lf ? (size_t)(lf - p) : n;
    const char *cr = memchr(p, '\r', scan);

    if (!lf) {
        if (cr && cr != p + n - 1) {
            return -1;
        }
        return 0;
    }
    if (!cr || cr != lf - 1) {
        return -1;
    }
    *line_len = (size_t)(cr - p);
    return 1;
}

/* Index just past the CRLF CRLF ending the head, or 0 when it is not complete. */
static size_t head_end(const struct buf *b)
{
    const char *e;

    if (b->len < 4) {
        return 0;
    }
    e = memmem(b->data, b->len, "\r\n\r\n", 4);
    return e ? (size_t)(e - b->data) + 4 : 0;
}

/* status-line = HTTP-version SP 3DIGIT SP [reason]; "HTTP/1.1 204" without SP too. */
static int parse_status_line(const char *line, size_t len, int *status, size_t *reason_off)
{
    if (len < 12 || strncmp(line, "HTTP/1.", 7) != 0 || (line[7] != '0' && line[7] != '1') ||
        line[8] != ' ') {
        return -1;
    }
    for (size_t i = 9; i < 12; i++) {
        if (line[i] < '0' || line[i] > '9') {
            return -1;
        }
    }
    if (line[9] == '0') {
        return -1;
    }
    if (len > 12 && line[12] != ' ') {
        return -1;
    }
    for (size_t i = 13; i < len; i++) {
        if (is_bad_ctl((unsigned char)line[i])) {
            return -1;
        }
    }
    *status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    *reason_off = len > 12 ? 13 : len;
    return 0;
}

/* Status of a complete head at the front of b, or -1 when its first line is malformed. */
static int head_status(const struct buf *b)
{
    size_t line_len;
    size_t reason_off;
    int status;

    if (find_line(b->data, b->len, &line_len) != 1 ||
        parse_status_line(b->data, line_len, &status, &reason_off) < 0) {
        return -1;
    }
    return status;
}

/*
 * Drops complete 1xx interim responses (100 Continue, 103 Early Hints) from the
 * front of c->in. Returns 1 when the head of a final response is complete, 0
 * when more bytes are needed, -1 when a server sends interim answers endlessly.
 */
static int skip_interim(struct conn *c)
{
    for (;;) {
        size_t end = head_end(&c->in);
        int status;

        if (!end) {
            return 0;
        }
        status = head_status(&c->in);
        if (status < 100 || status >= 200 || status == 101) {
            return 1;
        }
        if (++c->interim > MAX_INTERIM) {
            set_error("more than %d interim (1xx) responses", MAX_INTERIM);
            return -1;
        }
        buf_drop_front(&c->in, end);
    }
}

/* Receives more bytes into c->in; 0 also when the peer closed (c->eof set). */
static int recv_more(struct conn *c, int flags)
{
    ssize_t n;

    if (c->in.len >= (size_t)MAX_HEAD_BYTES + MAX_BODY_BYTES) {
        set_error("response larger than %d bytes", MAX_HEAD_BYTES + MAX_BODY_BYTES);
        return -1;
    }
    if (buf_reserve(&c->in, READ_STEP) < 0) {
        return -1;
    }
    for (;;) {
        n = recv(c->fd, c->in.data + c->in.len, READ_STEP, flags);
        if (n > 0) {
            c->in.len += (size_t)n;
            c->in.data[c->in.len] = '\0';
            return 0;
        }
        if (n == 0) {
            c->eof = 1;
            return 0;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == ECONNRESET) {
            c->eof = 1;
            c->reset = 1;
            return 0;
        }
        if ((errno == EAGAIN || errno == EWOULDBLOCK) && (flags & MSG_DONTWAIT)) {
            return 0;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            set_error("no data from the server for %d ms (%zu response bytes so far)",
                      c->timeout_ms, c->in.len);
        } else {
            set_error("receiving the response: %s", errno_text(errno));
        }
        return -1;
    }
}

static const char *closed_text(const struct conn *c)
{
    return c->reset ? "connection reset by the server" : "connection closed by the server";
}

/*
 * Sends head and body while watching for an early answer: a server may reply
 * (413, say) before reading the body, and then stops reading; insisting on
 * sending the rest would end in a send timeout instead of the server's answer.
 */
static int send_request(struct conn *c, const struct buf *head, const void *body, size_t body_len)
{
    c->to_send = head->len + body_len;
    c->sent = 0;
    while (c->sent < c->to_send) {
        struct pollfd p = { .fd = c->fd, .events = POLLIN | POLLOUT };
        struct iovec iov[2];
        struct msghdr msg = { .msg_iov = iov };
        ssize_t n;
        int ready;
        int r;

        r = poll(&p, 1, c->timeout_ms);
        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            set_error("sending the request: poll: %s", errno_text(errno));
            return -1;
        }
        if (r == 0) {
            set_error("sending the request: server took nothing for %d ms (%zu of %zu bytes sent)",
                      c->timeout_ms, c->sent, c->to_send);
            return -1;
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            if (recv_more(c, MSG_DONTWAIT) < 0 || (ready = skip_interim(c)) < 0) {
                return -1;
            }
            if (c->eof || ready) {
                return 0;
            }
        }
        if (!(p.revents & POLLOUT)) {
            continue;
        }
        if (c->sent < head->len) {
            iov[0].iov_base = head->data + c->sent;
            iov[0].iov_len = head->len - c->sent;
            iov[1].iov_base = (void *)body;
            iov[1].iov_len = body_len;
            msg.msg_iovlen = body_len ? 2 : 1;
        } else {
            iov[0].iov_base = (char *)body + (c->sent - head->len);
            iov[0].iov_len = c->to_send - c->sent;
            msg.msg_iovlen = 1;
        }
        n = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
                continue;
            }
            /* The server may have answered and closed; let reading find out. */
            if (errno == EPIPE || errno == ECONNRESET) {
                return 0;
            }
            set_error("sending the request: %s", errno_text(errno));
            return -1;
        }
        c->sent += (size_t)n;
    }
    return 0;
}

static int add_header(struct http_response *r, size_t *cap, const char *name, const char *value)
{
    if (r->n_headers == *cap) {
        size_t new_cap = *cap ? *cap * 2 : 16;
        struct http_header *h = realloc(r->headers, new_cap * sizeof *h);

        if (!h) {
            set_error("out of memory");
            return -1;
        }
        r->headers = h;
        *cap = new_cap;
    }
    r->headers[r->n_headers].name = name;
    r->headers[r->n_headers].value = value;
    r->n_headers++;
    return 0;
}

/*
 * Parses one header line in place (it is NUL-terminated at line[len]):
 * field-name ":" OWS field-value OWS. Returns -1 with the reason set.
 */
static int parse_header_line(struct http_response *r, size_t *cap, char *line, size_t len,
                             size_t line_no)
{
    char *colon = memchr(line, ':', len);
    char *value;
    char *end = line + len;

    if (line[0] == ' ' || line[0] == '\t') {
        set_error("malformed response: header line %zu is an obsolete folded line", line_no);
        return -1;
    }
    if (!colon || colon == line) {
        set_error("malformed response: header line %zu has no field name and ':'", line_no);
        return -1;
    }
    for (char *p = line; p < colon; p++) {
        if (!is_tchar((unsigned char)*p)) {
            set_error("malformed response: header line %zu: invalid character 0x%02x in the name",
                      line_no, (unsigned char)*p);
            return -1;
        }
    }
    value = colon + 1;
    while (value < end && (*value == ' ' || *value == '\t')) {
        value++;
    }
    while (end > value && (end[-1] == ' ' || end[-1] == '\t')) {
        end--;
    }
    for (char *p = value; p < end; p++) {
        if (is_bad_ctl((unsigned char)*p)) {
            set_error("malformed response: header \"%.*s\": control character 0x%02x in the value",
                      (int)(colon - line), line, (unsigned char)*p);
            return -1;
        }
    }
    *colon = '\0';
    *end = '\0';
    return add_header(r, cap, line, value);
}

/* Copies the head (head_len bytes at the front of src) into r and parses it. */
static int parse_head(const char *src, size_t head_len, struct http_response *r)
{
    size_t cap = 0;
    size_t pos = 0;
    size_t line_len;
    size_t reason_off;
    size_t line_no = 0;
    char *head;

    head = malloc(head_len + 1);
    if (!head) {
        set_error("out of memory");
        return -1;
    }
    memcpy(head, src, head_len);
    head[head_len] = '\0';
    r->head = head;
    if (find_line(head, head_len, &line_len) != 1 ||
        parse_status_line(head, line_len, &r->status, &reason_off) < 0) {
        set_error("malformed status line \"%.*s\"", (int)(line_len < 80 ? line_len : 80), head);
        return -1;
    }
    head[line_len] = '\0';
    r->reason = head + reason_off;
    pos = line_len + 2;
    for (;;) {
        int found = find_line(head + pos, head_len - pos, &line_len);

        line_no++;
        if (found != 1) {
            set_error("malformed response: header line %zu has a bare CR or LF", line_no);
            return -1;
        }
        if (line_len == 0) {
            return 0;
        }
        head[pos + line_len] = '\0';
        if (parse_header_line(r, &cap, head + pos, line_len, line_no) < 0) {
            return -1;
        }
        pos += line_len + 2;
    }
}

static int parse_content_length(const char *value, size_t *out)
{
    size_t n = 0;

    if (!*value) {
        return -1;
    }
    for (const char *p = value; *p; p++) {
        if (*p < '0' || *p > '9' || n > (SIZE_MAX - 9) / 10) {
            return -1;
        }
        n = n * 10 + (size_t)(*p - '0');
    }
    *out = n;
    return 0;
}

/* RFC 9112 section 6.3, minus the leniency: CL together with TE is an error here. */
static int choose_framing(const struct http_response *r, int head_request, enum framing *f,
                          size_t *length)
{
    const char *te = NULL;
    int have_length = 0;

    for (size_t i = 0; i < r->n_headers; i++) {
        const struct http_header *h = &r->headers[i];
        size_t n;

        if (strcasecmp(h->name, "transfer-encoding") == 0) {
            te = h->value;
        } else if (strcasecmp(h->name, "content-length") == 0) {
            if (parse_content_length(h->value, &n) < 0) {
                set_error("malformed response: Content-Length \"%s\"", h->value);
                return -1;
            }
            if (have_length && n != *length) {
                set_error("malformed response: conflicting Content-Length headers");
                return -1;
            }
            *length = n;
            have_length = 1;
        }
    }
    if (head_request || r->status < 200 || r->status == 204 || r->status == 304) {
        *f = BODY_NONE;
        return 0;
    }
    if (te && have_length) {
        set_error("malformed response: both Transfer-Encoding and Content-Length");
        return -1;
    }
    if (te) {
        const char *last = strrchr(te, ',');

        last = last ? last + 1 : te;
        last += strspn(last, " \t");
        *f = strcasecmp(last, "chunked") == 0 ? BODY_CHUNKED : BODY_UNTIL_CLOSE;
        return 0;
    }
    if (have_length && *length > MAX_BODY_BYTES) {
        set_error("response Content-Length %zu is over the %d byte limit", *length,
                  MAX_BODY_BYTES);
        return -1;
    }
    *f = have_length ? BODY_LENGTH : BODY_UNTIL_CLOSE;
    return 0;
}

enum chunk_phase { CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, CHUNK_TRAILER };

struct chunk_state {
    enum chunk_phase phase;
    size_t pos;
    size_t remaining;
};

/* chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; extensions are ignored. */
static int parse_chunk_size(const char *line, size_t len, size_t *size)
{
    size_t i = 0;
    size_t n = 0;

    for (; i < len; i++) {
        unsigned char c = (unsigned char)line[i];
        int digit;

        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            digit = c - 'A' + 10;
        } else {
            break;
        }
        if (n > (SIZE_MAX >> 4)) {
            return -1;
        }
        n = (n << 4) | (size_t)digit;
    }
    if (i == 0) {
        return -1;
    }
    while (i < len && (line[i] == ' ' || line[i] == '\t')) {
        i++;
    }
    if (i < len && line[i] != ';') {
        return -1;
    }
    for (; i < len; i++) {
        if (is_bad_ctl((unsigned char)line[i])) {
            return -1;
        }
    }
    *size = n;
    return 0;
}

/*
 * Decodes as much of the chunked body in p[0..n) as has arrived, resuming at
 * st. Returns 1 when the last chunk and trailers are done, 0 when more bytes
 * are needed, -1 on malformed input. Trailer fields are checked and dropped.
 */
static int dechunk(const char *p, size_t n, struct chunk_state *st, struct buf *body)
{
    for (;;) {
        size_t line_len = 0;
        size_t size;
        size_t take;
        int found;

        switch (st->phase) {
        case CHUNK_SIZE:
        case CHUNK_TRAILER:
            found = find_line(p + st->pos, n - st->pos, &line_len);
            if (found == 0) {
                if (n - st->pos > MAX_CHUNK_LINE) {
                    set_error("malformed chunked body: line longer than %d bytes", MAX_CHUNK_LINE);
                    return -1;
                }
                return 0;
            }
            if (found < 0) {
                set_error("malformed chunked body: bare CR or LF");
                return -1;
            }
            if (st->phase == CHUNK_TRAILER) {
                const char *line = p + st->pos;
                const char *colon = memchr(line, ':', line_len);

                st->pos += line_len + 2;
                if (line_len == 0) {
                    return 1;
                }
                if (!colon || colon == line) {
                    set_error("malformed chunked body: trailer line without a field name");
                    return -1;
                }
                continue;
            }
            if (parse_chunk_size(p + st->pos, line_len, &size) < 0) {
                set_error("malformed chunked body: bad chunk size line \"%.*s\"",
                          (int)(line_len < 40 ? line_len : 40), p + st->pos);
                return -1;
            }
            st->pos += line_len + 2;
            if (size > MAX_BODY_BYTES - body->len) {
                set_error("chunked body over the %d byte limit", MAX_BODY_BYTES);
                return -1;
            }
            st->remaining = size;
            st->phase = size ? CHUNK_DATA : CHUNK_TRAILER;
            break;
        case CHUNK_DATA:
            take = n - st->pos < st->remaining ? n - st->pos : st->remaining;
            if (buf_append(body, p + st->pos, take) < 0) {
                return -1;
            }
            st->pos += take;
            st->remaining -= take;
            if (st->remaining) {
                return 0;
            }
            st->phase = CHUNK_DATA_END;
            break;
        case CHUNK_DATA_END:
            if (n - st->pos < 2) {
                return 0;
            }
            if (p[st->pos] != '\r' || p[st->pos + 1] != '\n') {
                set_error("malformed chunked body: chunk data not followed by CRLF");
                return -1;
            }
            st->pos += 2;
            st->phase = CHUNK_SIZE;
            break;
        }
    }
}

static int read_body(struct conn *c, size_t start, enum framing f, size_t length,
                     struct buf *body)
{
    struct chunk_state st = { .phase = CHUNK_SIZE, .pos = 0 };
    int done;

    switch (f) {
    case BODY_NONE:
        return buf_append(body, "", 0);
    case BODY_LENGTH:
        while (c->in.len - start < length) {
            if (c->eof) {
                set_error("%s after %zu of %zu body bytes", closed_text(c), c->in.len - start,
                          length);
                return -1;
            }
            if (recv_more(c, 0) < 0) {
                return -1;
            }
        }
        return buf_append(body, c->in.data + start, length);
    case BODY_CHUNKED:
        for (;;) {
            done = dechunk(c->in.data + start, c->in.len - start, &st, body);
            if (done != 0) {
                return done < 0 ? -1 : buf_append(body, "", 0);
            }
            if (c->eof) {
                set_error("%s inside the chunked body (%zu bytes decoded)", closed_text(c),
                          body->len);
                return -1;
            }
            if (recv_more(c, 0) < 0) {
                return -1;
            }
        }
    case BODY_UNTIL_CLOSE:
        while (!c->eof) {
            if (recv_more(c, 0) < 0) {
                return -1;
            }
        }
        if (c->in.len - start > MAX_BODY_BYTES) {
            set_error("response body over the %d byte limit", MAX_BODY_BYTES);
            return -1;
        }
        return buf_append(body, c->in.data + start, c->in.len - start);
    }
    return -1;
}

static int read_response(struct conn *c, int head_request, struct http_response *r)
{
    struct buf body = { 0 };
    enum framing f;
    size_t length = 0;
    size_t end;
    int ready;

    while ((ready = skip_interim(c)) == 0) {
        if (c->eof) {
            set_error("%s before the end of the response head (%zu bytes received, "
                      "%zu of %zu request bytes sent)",
                      closed_text(c), c->in.len, c->sent, c->to_send);
            return -1;
        }
        if (c->in.len > MAX_HEAD_BYTES) {
            set_error("response head longer than %d bytes", MAX_HEAD_BYTES);
            return -1;
        }
        if (recv_more(c, 0) < 0) {
            return -1;
        }
    }
    if (ready < 0) {
        return -1;
    }
    end = head_end(&c->in);
    if (parse_head(c->in.data, end, r) < 0 || choose_framing(r, head_request, &f, &length) < 0 ||
        read_body(c, end, f, length, &body) < 0) {
        buf_free(&body);
        return -1;
    }
    r->body = body.data;
    r->body_len = body.len;
    return 0;
}

static int header_is(const struct http_header *h, const char *name)
{
    return strcasecmp(h->name, name) == 0;
}

static int caller_has(const struct http_header *headers, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (header_is(&headers[i], name)) {
            return 1;
        }
    }
    return 0;
}

/* Bytes that would end the request line early or start a new line are refused. */
static int check_request(const char *method, const char *path, const struct http_header *headers,
                         size_t n_headers, const void *body, size_t body_len)
{
    if (!method || !*method || !path || !*path) {
        set_error("request: method and path must be non-empty");
        return -1;
    }
    for (const char *p = method; *p; p++) {
        if (*p == ' ' || is_bad_ctl((unsigned char)*p) || *p == '\t') {
            set_error("request: method contains whitespace or a control character");
            return -1;
        }
    }
    for (const char *p = path; *p; p++) {
        if (*p == ' ' || is_bad_ctl((unsigned char)*p) || *p == '\t') {
            set_error("request: path contains whitespace or a control character");
            return -1;
        }
    }
    if (n_headers && !headers) {
        set_error("request: n_headers is %zu but headers is NULL", n_headers);
        return -1;
    }
    for (size_t i = 0; i < n_headers; i++) {
        const char *name = headers[i].name;
        const char *value = headers[i].value;

        if (!name || !*name || !value || strpbrk(name, "\r\n:") || strpbrk(value, "\r\n")) {
            set_error("request: header %zu (\"%s\"): the name must be non-empty without CR, "
                      "LF or ':', the value non-NULL without CR or LF",
                      i, name ? name : "(null)");
            return -1;
        }
    }
    if (!body && body_len) {
        set_error("request: body is NULL but body_len is %zu", body_len);
        return -1;
    }
    return 0;
}

static int build_head(struct buf *b, const struct target *t, const char *method, const char *path,
                      const struct http_header *headers, size_t n_headers, const void *body,
                      size_t body_len)
{
    char length[32];
    int ok = 1;

    ok = ok && buf_append_str(b, method) == 0 && buf_append_str(b, " ") == 0 &&
         buf_append_str(b, path) == 0 && buf_append_str(b, " HTTP/1.1\r\n") == 0;
    if (!caller_has(headers, n_headers, "host")) {
        ok = ok && buf_append_str(b, "Host: ") == 0 && buf_append_str(b, t->authority) == 0 &&
             buf_append_str(b, "\r\n") == 0;
    }
    for (size_t i = 0; i < n_headers; i++) {
        ok = ok && buf_append_str(b, headers[i].name) == 0 && buf_append_str(b, ": ") == 0 &&
             buf_append_str(b, headers[i].value) == 0 && buf_append_str(b, "\r\n") == 0;
    }
    if (body && !caller_has(headers, n_headers, "content-length") &&
        !caller_has(headers, n_headers, "transfer-encoding")) {
        snprintf(length, sizeof length, "Content-Length: %zu\r\n", body_len);
        ok = ok && buf_append_str(b, length) == 0;
    }
    if (!caller_has(headers, n_headers, "connection")) {
        ok = ok && buf_append_str(b, "Connection: close\r\n") == 0;
    }
    ok = ok && buf_append_str(b, "\r\n") == 0;
    return ok ? 0 : -1;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when the byte starts none. */
static size_t utf8_sequence(const unsigned char *p, size_t n)
{
    unsigned char lo = 0x80;
    unsigned char hi = 0xbf;
    size_t len;

    if (p[0] < 0x80) {
        return 1;
    } else if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3;
        lo = p[0] == 0xe0 ? 0xa0 : 0x80;
        hi = p[0] == 0xed ? 0x9f : 0xbf;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4;
        lo = p[0] == 0xf0 ? 0x90 : 0x80;
        hi = p[0] == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }
    if (n < len || p[1] < lo || p[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < len; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf) {
            return 0;
        }
    }
    return len;
}

/*
 * A JSON string for bytes that may not be UTF-8 (hostile paths, broken
 * bodies): each invalid byte becomes U+FFFD, so the line stays valid JSON.
 * Returns a new reference or NULL when out of memory.
 */
static json_t *text_value(const char *s, size_t n)
{
    struct buf b = { 0 };
    json_t *v = json_stringn(s, n);

    if (v) {
        return v;
    }
    for (size_t i = 0; i < n;) {
        size_t len = utf8_sequence((const unsigned char *)s + i, n - i);

        if (len == 0) {
            if (buf_append(&b, "\xef\xbf\xbd", 3) < 0) {
                buf_free(&b);
                return NULL;
            }
            i++;
            continue;
        }
        if (buf_append(&b, s + i, len) < 0) {
            buf_free(&b);
            return NULL;
        }
        i += len;
    }
    v = json_stringn(b.data ? b.data : "", b.len);
    buf_free(&b);
    return v;
}

static json_t *record_line(const char *method, const char *path, const struct http_response *r)
{
    const char *query = strchr(path, '?');
    size_t path_len = query ? (size_t)(query - path) : strlen(path);
    const char *type = http_response_header(r, "content-type");
    json_t *body = http_response_json(r);
    json_t *line = json_object();
    int failed = 0;

    if (!line) {
        json_decref(body);
        return NULL;
    }
    failed |= json_object_set_new(line, "method", text_value(method, strlen(method)));
    failed |= json_object_set_new(line, "path", text_value(path, path_len));
    failed |= json_object_set_new(line, "query",
                                  query ? text_value(query + 1, strlen(query + 1)) : json_null());
    failed |= json_object_set_new(line, "status", json_integer(r->status));
    failed |= json_object_set_new(line, "content_type",
                                  type ? text_value(type, strlen(type)) : json_null());
    failed |= json_object_set_new(line, "body_text",
                                  body ? json_null() : text_value(r->body, r->body_len));
    failed |= json_object_set_new(line, "body", body ? body : json_null());
    if (failed) {
        json_decref(line);
        return NULL;
    }
    return line;
}

/*
 * Appends one line per response. Parallel test processes share the file, so
 * the line goes out in a single write() on an O_APPEND descriptor: on Linux a
 * regular file's write holds the inode lock for the whole call and appends
 * atomically whatever its size (PIPE_BUF only limits pipes and FIFOs). This
 * does not hold on NFS; keep the file on a local file system. Only the
 * response, method and URL are recorded: never request bodies or headers.
 */
static int record_response(const char *method, const char *path, const struct http_response *r)
{
    const char *file = getenv("FREMDRIFT_TEST_RECORD");
    json_t *line;
    char *text;
    size_t len;
    ssize_t n;
    int fd;

    if (!file || !*file) {
        return 0;
    }
    line = record_line(method, path, r);
    text = line ? json_dumps(line, JSON_COMPACT) : NULL;
    json_decref(line);
    if (!text) {
        set_error("recorder: cannot build the JSON line");
        return -1;
    }
    len = strlen(text);
    text[len] = '\n';
    fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        set_error("recorder: open %s: %s", file, errno_text(errno));
        free(text);
        return -1;
    }
    do {
        n = write(fd, text, len + 1);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)(len + 1)) {
        set_error("recorder: write %s: %s", file,
                  n < 0 ? errno_text(errno) : "short write (line may be torn)");
        close(fd);
        free(text);
        return -1;
    }
    close(fd);
    free(text);
    return 0;
}

int http_request(const char *method, const char *path, const struct http_header *headers,
                 size_t n_headers, const void *body, size_t body_len, struct http_response *out)
{
    struct conn c = { .fd = -1, .timeout_ms = atomic_load(&timeout_setting) };
    struct http_response r = { 0 };
    struct buf head = { 0 };
    struct target t;
    int rc = -1;

    if (!out) {
        set_error("request: out is NULL");
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (check_request(method, path, headers, n_headers, body, body_len) < 0 ||
        parse_target(&t) < 0) {
        return -1;
    }
    if (build_head(&head, &t, method, path, headers, n_headers, body, body_len) < 0) {
        buf_free(&head);
        return -1;
    }
    c.fd = connect_target(&t, c.timeout_ms);
    if (c.fd >= 0 && send_request(&c, &head, body, body_len) == 0 &&
        read_response(&c, strcasecmp(method, "HEAD") == 0, &r) == 0 &&
        record_response(method, path, &r) == 0) {
        rc = 0;
    }
    if (c.fd >= 0) {
        close(c.fd);
    }
    buf_free(&c.in);
    buf_free(&head);
    if (rc < 0) {
        http_response_free(&r);
        return -1;
    }
    *out = r;
    return 0;
}

int http_json(const char *method, const char *path, const char *bearer_token, json_t *body,
              const struct http_header *extra, size_t n_extra, struct http_response *out)
{
    struct http_header *all;
    char *text = NULL;
    char *auth = NULL;
    size_t n = 0;
    int rc = -1;

    if (out) {
        memset(out, 0, sizeof *out);
    }
    if (n_extra && !extra) {
        set_error("request: n_extra is %zu but extra is NULL", n_extra);
        return -1;
    }
    if (body && !(text = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY))) {
        set_error("request: cannot serialise the JSON body");
        return -1;
    }
    if (bearer_token && asprintf(&auth, "Bearer %s", bearer_token) < 0) {
        auth = NULL;
    }
    all = calloc(n_extra + 2, sizeof *all);
    if (!all || (bearer_token && !auth)) {
        set_error("out of memory");
    } else {
        for (; n < n_extra; n++) {
            all[n] = extra[n];
        }
        if (auth && !caller_has(extra, n_extra, "authorization")) {
            all[n++] = (struct http_header){ "Authorization", auth };
        }
        if (text && !caller_has(extra, n_extra, "content-type")) {
            all[n++] = (struct http_header){ "Content-Type", "application/json" };
        }
        rc = http_request(method, path, all, n, text, text ? strlen(text) : 0, out);
    }
    free(all);
    free(auth);
    free(text);
    return rc;
}

void http_response_free(struct http_response *r)
{
    if (!r) {
        return;
    }
    free(r->body);
    free(r->headers);
    free(r->head);
    memset(r, 0, sizeof *r);
}

const char *http_response_header(const struct http_response *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++) {
        if (header_is(&r->headers[i], name)) {
            return r->headers[i].value;
        }
    }
    return NULL;
}

json_t *http_response_json(const struct http_response *r)
{
    json_error_t err;

    if (!r->body) {
        return NULL;
    }
    return json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
}
