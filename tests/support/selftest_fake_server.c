/*
 * A throwaway HTTP server for the self-tests of the tests' HTTP client: a thread
 * on a kernel-chosen loopback port answers with hand-written bytes and keeps
 * what the client sent, so each rule of the client is checked against known
 * input and output.
 */

#include "selftest_fake_server.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { FAKE_WAIT_MS = 10000, FAKE_STEP = 64 * 1024 };

long long fake_now_ms(void)
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
    if (!c->answer) {
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
void fake_start(struct fake_server *s)
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

void fake_stop(struct fake_server *s)
{
    cr_assert_eq(write(s->stop_pipe[1], "x", 1), 1);
    cr_assert_eq(pthread_join(s->thread, NULL), 0);
    close(s->listen_fd);
    close(s->stop_pipe[0]);
    close(s->stop_pipe[1]);
}

void fake_free(struct fake_server *s)
{
    free(s->request);
    s->request = NULL;
}

char *fake_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t cap = 0;
    size_t n;

    *len = 0;
    cr_assert_not_null(f, "cannot open %s", path);
    /* Doubling, since recordings run to megabytes and ASan makes each copy slow. */
    do {
        cap = cap ? cap * 2 : FAKE_STEP;
        data = realloc(data, cap + 1);
        cr_assert_not_null(data);
        n = fread(data + *len, 1, cap - *len, f);
        *len += n;
    } while (n > 0);
    fclose(f);
    data[*len] = '\0';
    return data;
}

/* Splits the recorder file into parsed lines; each must be a JSON object. */
size_t fake_record_lines(const char *path, json_t **lines, size_t max)
{
    size_t len;
    char *data = fake_read_file(path, &len);
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

char *fake_record_file(void)
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

