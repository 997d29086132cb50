/*
 * Shared plumbing of the tests' HTTP client (see http_support.h): the target,
 * errors, timeout, buffer, response head parser, and the accessors of a
 * received response that http_client.h declares.
 */

#include "http_support.h"

#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { DEFAULT_TIMEOUT_MS = 15000 };

static _Thread_local char last_error[512];
static atomic_int timeout_setting = DEFAULT_TIMEOUT_MS;

void http_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
}

const char *http_last_error(void)
{
    return last_error[0] ? last_error : "no error recorded";
}

void http_set_timeout_ms(int ms)
{
    atomic_store(&timeout_setting, ms > 0 ? ms : DEFAULT_TIMEOUT_MS);
}

int http_timeout_ms(void)
{
    return atomic_load(&timeout_setting);
}

int http_buf_append(struct http_buf *b, const void *data, size_t len)
{
    if (len > SIZE_MAX / 2 - b->len) {
        http_fail("out of memory");
        return -1;
    }
    if (b->len + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *p;

        while (cap < b->len + len + 1) {
            cap *= 2;
        }
        p = realloc(b->data, cap);
        if (!p) {
            http_fail("out of memory");
            return -1;
        }
        b->data = p;
        b->cap = cap;
    }
    if (len) {
        memcpy(b->data + b->len, data, len);
    }
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

void http_buf_free(struct http_buf *b)
{
    free(b->data);
    *b = (struct http_buf){ 0 };
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

static void set_address(struct http_target *t, int ipv6, int port)
{
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
    /* The base URL names the address itself, so libcurl resolves nothing. */
    snprintf(t->base_url, sizeof t->base_url, ipv6 ? "http://[::1]:%d" : "http://127.0.0.1:%d",
             port);
}

int http_target_parse(struct http_target *t)
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
        http_fail("FREMDRIFT_TEST_URL is not set (expected e.g. http://127.0.0.1:18080)");
        return -1;
    }
    if (strncmp(url, "http://", 7) != 0) {
        http_fail("FREMDRIFT_TEST_URL \"%s\" must start with http:// (plain HTTP to loopback only)",
                  url);
        return -1;
    }
    host = url + 7;
    if (*host == '[') {
        host_end = strchr(host, ']');
        if (!host_end) {
            http_fail("FREMDRIFT_TEST_URL \"%s\": unterminated [ in host", url);
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
        http_fail("FREMDRIFT_TEST_URL \"%s\": host \"%.*s\" is not a loopback address "
                  "(allowed: 127.0.0.1, localhost, [::1]); integration tests only talk "
                  "to a local service",
                  url, (int)host_len, host);
        return -1;
    }
    rest = host_end;
    if (*rest == ':') {
        size_t digits = strcspn(rest + 1, "/");

        if (parse_port(rest + 1, digits, &port) < 0) {
            http_fail("FREMDRIFT_TEST_URL \"%s\": port must be a number from 1 to 65535", url);
            return -1;
        }
        rest += 1 + digits;
    }
    if (!(rest[0] == '\0' || (rest[0] == '/' && rest[1] == '\0'))) {
        http_fail("FREMDRIFT_TEST_URL \"%s\": unexpected \"%s\" after the port "
                  "(only http://host:port is supported)",
                  url, rest);
        return -1;
    }
    snprintf(t->authority, sizeof t->authority, "%.*s", (int)(rest - host), host);
    set_address(t, ipv6, port);
    return 0;
}

int http_has_header(const struct http_header *headers, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcasecmp(headers[i].name, name) == 0) {
            return 1;
        }
    }
    return 0;
}

static int add_header(struct http_response *r, size_t *cap, const char *name, const char *value)
{
    if (r->n_headers == *cap) {
        size_t new_cap = *cap ? *cap * 2 : 16;
        struct http_header *h = realloc(r->headers, new_cap * sizeof *h);

        if (!h) {
            http_fail("out of memory");
            return -1;
        }
        r->headers = h;
        *cap = new_cap;
    }
    r->headers[r->n_headers++] = (struct http_header){ name, value };
    return 0;
}

/* "HTTP/1.x NNN[ reason]"; the line is NUL-terminated. */
static int parse_status_line(char *line, struct http_response *r)
{
    if (strncmp(line, "HTTP/1.", 7) != 0 || (line[7] != '0' && line[7] != '1') || line[8] != ' ' ||
        line[9] < '1' || line[9] > '9' || line[10] < '0' || line[10] > '9' || line[11] < '0' ||
        line[11] > '9' || (line[12] != ' ' && line[12] != '\0')) {
        http_fail("malformed response: status line \"%.40s\"", line);
        return -1;
    }
    r->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    r->reason = line[12] ? line + 13 : line + 12;
    return 0;
}

/* "name: value" with optional whitespace around the value, split in place. */
static int parse_header_line(char *line, struct http_response *r, size_t *cap)
{
    char *colon = strchr(line, ':');
    char *value;
    char *end;

    if (!colon || colon == line || line[0] == ' ' || line[0] == '\t') {
        http_fail("malformed response: header line \"%.40s\"", line);
        return -1;
    }
    *colon = '\0';
    value = colon + 1;
    value += strspn(value, " \t");
    end = value + strlen(value);
    while (end > value && (end[-1] == ' ' || end[-1] == '\t')) {
        *--end = '\0';
    }
    return add_header(r, cap, line, value);
}

int http_parse_head(char *head, size_t len, struct http_response *r)
{
    size_t cap = 0;
    char *line = head;
    int first = 1;

    r->head = head;
    for (;;) {
        char *crlf = memmem(line, len - (size_t)(line - head), "\r\n", 2);

        if (!crlf) {
            http_fail("malformed response: head does not end with an empty line");
            break;
        }
        *crlf = '\0';
        if (memchr(line, '\n', (size_t)(crlf - line)) || memchr(line, '\r', (size_t)(crlf - line))) {
            http_fail("malformed response: bare CR or LF in the head");
            break;
        }
        if (first) {
            if (parse_status_line(line, r) < 0) {
                break;
            }
            first = 0;
        } else if (!*line) {
            return 0;
        } else if (parse_header_line(line, r, &cap) < 0) {
            break;
        }
        line = crlf + 2;
    }
    free(r->headers);
    r->headers = NULL;
    r->n_headers = 0;
    r->head = NULL;
    r->reason = NULL;
    free(head);
    return -1;
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
        if (strcasecmp(r->headers[i].name, name) == 0) {
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
