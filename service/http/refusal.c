/* See refusal.h. */
#include "http/refusal.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/log.h"

void refusal_send(int fd, enum problem p, const char *detail)
{
    struct reply r;
    memset(&r, 0, sizeof(r));
    reply_problem(&r, p, "%s", detail);
    char *body = json_dumps(r.json, JSON_COMPACT);   /* ours: freed below */
    char text[1024];
    int n = snprintf(text, sizeof(text),
                     "HTTP/1.1 %d %s\r\nContent-Type: application/problem+json\r\nContent-Length: %zu\r\n"
                     "Cache-Control: no-store\r\nConnection: close\r\n%s\r\n%s",
                     r.status, MHD_get_reason_phrase_for((unsigned)r.status), body ? strlen(body) : 0,
                     p == PROBLEM_UNAVAILABLE ? "Retry-After: 1\r\n" : "", body ? body : "");
    free(body);
    reply_reset(&r);
    if (n > 0 && (size_t)n < sizeof(text) && send(fd, text, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        log_line("debug", "could not send a refusal", NULL);
    shutdown(fd, SHUT_WR);
}

void refusal_send_head(int fd, enum head_verdict v)
{
    enum problem p = v == HEAD_TOO_LARGE        ? PROBLEM_HEADERS_TOO_LARGE
                     : v == HEAD_BODY_TOO_LARGE ? PROBLEM_PAYLOAD_TOO_LARGE
                                                : PROBLEM_BAD_REQUEST;
    refusal_send(fd, p, head_verdict_text(v));
}

void refusal_send_late(int fd)
{
    refusal_send(fd, PROBLEM_REQUEST_TIMEOUT, "The request's header fields did not arrive in time.");
}
