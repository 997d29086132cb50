/*
 * What the parts of the tests' HTTP client share: the target named by
 * FREMDRIFT_TEST_URL, the error text and timeout, a growing buffer, the parser of
 * a response head, the raw-socket request and the recorder. The suites include
 * http_client.h only.
 */
#ifndef FREMDRIFT_HTTP_SUPPORT_H
#define FREMDRIFT_HTTP_SUPPORT_H

#include <stddef.h>
#include <sys/socket.h>

#include "http_client.h"

enum {
    /* Caps keep a runaway server from exhausting a test process's memory. */
    HTTP_MAX_BODY_BYTES = 64 << 20,
    HTTP_MAX_HEAD_BYTES = 1 << 20
};

/* What FREMDRIFT_TEST_URL names: an address, the authority for "Host", a base URL. */
struct http_target {
    struct sockaddr_storage addr;
    socklen_t addr_len;
    char authority[128];
    char base_url[160];
};

/* A NUL-terminated, growing byte buffer; data is malloc'd and freed by http_buf_free. */
struct http_buf {
    char *data;
    size_t len;
    size_t cap;
};

int http_buf_append(struct http_buf *b, const void *data, size_t len);
void http_buf_free(struct http_buf *b);

/* Sets the text http_last_error() returns in this thread. */
void http_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The module timeout in milliseconds (http_set_timeout_ms). */
int http_timeout_ms(void);

/*
 * Parses FREMDRIFT_TEST_URL into t. Only literal loopback names are accepted, and
 * "localhost" is not resolved: these tests send hostile traffic that must never
 * leave the machine. Returns 0, or -1 with the reason set.
 */
int http_target_parse(struct http_target *t);

/* 1 when one of the caller's headers is called name (ASCII case-insensitive). */
int http_has_header(const struct http_header *headers, size_t n, const char *name);

/*
 * Parses a complete response head ("HTTP/1.x NNN reason" CRLF, header lines, an
 * empty line) into r->status, r->reason and r->headers, whose strings point into
 * head. Takes ownership of head (malloc'd, NUL-terminated at len) in every case:
 * it becomes r->head, or is freed on failure. Returns 0, or -1 with the reason set.
 */
int http_parse_head(char *head, size_t len, struct http_response *r);

/*
 * Sends method, path, "Host" (unless given), the caller's headers verbatim and in
 * order, "Content-Length" when body is not NULL and the caller gave neither
 * Content-Length nor Transfer-Encoding, "Connection: close" (unless given), then
 * the body bytes as they are, over a raw socket; reads until the server closes and
 * parses the answer. Same contract and recording as http_request.
 */
int http_raw_request(const char *method, const char *path, const struct http_header *headers,
                     size_t n_headers, const void *body, size_t body_len,
                     struct http_response *out);

/*
 * Appends the response to the file FREMDRIFT_TEST_RECORD names, if any (see
 * http_request in http_client.h). Returns 0, or -1 with the reason set.
 */
int http_record(const char *method, const char *path, const struct http_response *r);

#endif
