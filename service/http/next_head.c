/* See next_head.h. Everything here was checked against libmicrohttpd 0.9.75's source and
 * by the tests in tests/integration/test_keepalive.c. */
#include "http/next_head.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <linux/tcp.h>      /* glibc's netinet/tcp.h has no tcpi_bytes_received */
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <ulfius.h>
#include <unistd.h>

#include "http/head.h"
#include "http/refusal.h"

/* This thread's connection. It starts zeroed with the thread, that is with the connection. */
static _Thread_local struct {
    struct MHD_Connection *connection;  /* whose request line was read last */
    unsigned long long counted;         /* bytes of the requests answered so far */
    int armed;                          /* check the next head once this answer is sent */
} here;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void *next_head_uri_logger(void *cls, const char *uri, struct MHD_Connection *connection)
{
    here.connection = connection;
    return ulfius_uri_logger(cls, uri);
}

/* Bytes libmicrohttpd has taken off the socket since it opened: received minus those
 * still queued (the gate only peeked). -1 when the kernel does not say. */
static long long bytes_taken(int fd)
{
    struct tcp_info ti;
    socklen_t len = sizeof(ti);
    int queued;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0 ||
        len < offsetof(struct tcp_info, tcpi_bytes_received) + sizeof(ti.tcpi_bytes_received) ||
        ioctl(fd, SIOCINQ, &queued) != 0)
        return -1;
    return (long long)ti.tcpi_bytes_received - queued;
}

struct connection_tokens {
    int close, keep_alive;
};

/* Collects the tokens of every Connection header field, as libmicrohttpd does. */
static enum MHD_Result connection_token(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    struct connection_tokens *t = cls;
    if (strcasecmp(key, "Connection") != 0 || !value)
        return MHD_YES;
    for (const char *p = value; *p;) {
        p += strspn(p, " \t,");
        size_t n = strcspn(p, ",");
        size_t end = n;
        while (end > 0 && (p[end - 1] == ' ' || p[end - 1] == '\t'))
            end--;
        if (end == 5 && strncasecmp(p, "close", 5) == 0)
            t->close = 1;
        if (end == 10 && strncasecmp(p, "keep-alive", 10) == 0)
            t->keep_alive = 1;
        p += n;
    }
    return MHD_YES;
}

/* Whether libmicrohttpd keeps the connection open after an answer without Connection:
 * close: its keepalive_possible() in 0.9.75, for the HTTP/1.0 and 1.1 that head_check
 * lets through. */
static int client_keeps_alive(struct MHD_Connection *c, const char *http_version)
{
    struct connection_tokens t = {0, 0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, connection_token, &t);
    if (t.close || !http_version)
        return 0;
    return strcmp(http_version, "HTTP/1.1") == 0 || (strcmp(http_version, "HTTP/1.0") == 0 && t.keep_alive);
}

int next_head_prepare(const char *http_version, int answer_closes)
{
    struct MHD_Connection *c = here.connection;
    here.connection = NULL;
    here.armed = 0;
    if (answer_closes || !c || !client_keeps_alive(c, http_version))
        return 0;
    const union MHD_ConnectionInfo *fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    const union MHD_ConnectionInfo *head = MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    /* A chunked body's framing bytes are not known here: its end cannot be counted. */
    if (!fd || !head || MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING))
        return 1;
    /* libmicrohttpd has read the whole request (the handler runs after its body) and reads
     * nothing more until the answer is sent: anything it took beyond the request is the
     * next one, pipelined. Bytes before a request line (empty lines, which head_check
     * allows) count as such too, which only closes the connection. */
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    unsigned long long request = head->header_size + (length ? strtoull(length, NULL, 10) : 0);
    long long taken = bytes_taken(fd->connect_fd);
    if (taken < 0 || (unsigned long long)taken != here.counted + request)
        return 1;
    here.counted += request;
    here.armed = 1;
    return 0;
}

/* How a wait for the next head ended. */
enum wait_end {
    END_CLOSED,     /* the client closed, or the server's stop shut the socket down */
    END_IDLE,       /* no byte within the idle timeout */
    END_LATE,       /* a head begun but not ended within the header deadline */
    END_HEAD,       /* a whole head, or one head_check refuses before its end */
};

/* Waits for the next head on fd and checks it; *v says what head_check found (END_HEAD). */
static enum wait_end wait_for_head(int fd, int idle_ms, int header_timeout_ms, long long max_body,
                                   enum head_verdict *v)
{
    char peek[HEAD_MAX + 1];   /* on the connection thread's stack (libmicrohttpd's default size) */
    long long deadline = now_ms() + idle_ms;
    int begun = 0, low_mark = 1;
    enum wait_end end = END_IDLE;
    for (;;) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            end = begun ? END_LATE : END_IDLE;
            break;
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        ssize_t n = recv(fd, peek, sizeof(peek), MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            end = END_CLOSED;
            break;
        }
        if (n < 0)
            continue;
        if (!begun) {
            begun = 1;
            deadline = now_ms() + header_timeout_ms;
        }
        *v = head_check(peek, (size_t)n, HEAD_MAX, max_body);
        if (*v != HEAD_INCOMPLETE) {
            end = END_HEAD;
            break;
        }
        /* Peeked bytes stay readable, so poll() would return at once: wake only when more
         * than these have arrived. */
        low_mark = (int)n + 1;
        setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &low_mark, sizeof(low_mark));
    }
    if (low_mark != 1) {
        low_mark = 1;
        setsockopt(fd, SOL_SOCKET, SO_RCVLOWAT, &low_mark, sizeof(low_mark));
    }
    return end;
}

/* After a refusal: reads and drops what the client still sends (REFUSAL_LINGER_MS), then
 * puts a socket that reads as closed in the descriptor's place, so libmicrohttpd reads the
 * end of the connection at once and closes it as any other, and none of the client's bytes
 * reach it. shutdown(SHUT_RD) would not do: on Linux recv() still returns what is queued
 * and what arrives later (measured). Replacing the descriptor closes the TCP socket. */
static void end_connection(int fd)
{
    long long until = now_ms() + REFUSAL_LINGER_MS;
    char sink[4096];
    for (long long left; (left = until - now_ms()) > 0;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        ssize_t n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            break;
    }
    int ended[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ended) != 0) {
        shutdown(fd, SHUT_RDWR);
        return;
    }
    close(ended[1]);
    dup3(ended[0], fd, O_CLOEXEC);
    close(ended[0]);
}

void next_head_wait(struct MHD_Connection *connection, enum MHD_RequestTerminationCode toe, int header_timeout_ms,
                    long long max_body)
{
    if (!here.armed)
        return;
    here.armed = 0;
    const union MHD_ConnectionInfo *fd = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    const union MHD_ConnectionInfo *idle = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_TIMEOUT);
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK || !fd || !idle)
        return;
    unsigned idle_s = idle->connection_timeout;
    int idle_ms = (int)idle_s * 1000;
    long long start = now_ms();
    enum head_verdict v = HEAD_INCOMPLETE;
    switch (wait_for_head(fd->connect_fd, idle_ms, header_timeout_ms, max_body, &v)) {
    case END_CLOSED:
    case END_IDLE:
        /* libmicrohttpd sees the close, or its own idle timeout (counted from its last
         * write, the answer) has run out and it closes the connection. */
        return;
    case END_LATE:
        refusal_send_late(fd->connect_fd);
        end_connection(fd->connect_fd);
        return;
    case END_HEAD:
        break;
    }
    if (v != HEAD_OK) {
        refusal_send_head(fd->connect_fd, v);
        end_connection(fd->connect_fd);
        return;
    }
    /* libmicrohttpd counts idle time from its own last read or write; peeking is neither.
     * After a long wait, a head that came in time would find the connection timed out:
     * setting the timeout restarts its clock (0.9.75 takes the time when it was 0). */
    if (now_ms() - start > idle_ms / 2) {
        MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT, 0u);
        MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT, idle_s);
    }
}
