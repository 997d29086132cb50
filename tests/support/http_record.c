/*
 * The recorder of every response the tests receive, for the contract check
 * (scripts/contract.sh): one JSON line per response in FREMDRIFT_TEST_RECORD.
 * Only the method, the URL and the response are recorded: never request bodies
 * or request headers.
 */

#include "http_support.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
 * A JSON string for bytes that may not be UTF-8 (hostile paths, broken bodies):
 * each invalid byte becomes U+FFFD, so the line stays valid JSON. Returns a new
 * reference, or NULL when out of memory.
 */
static json_t *text_value(const char *s, size_t n)
{
    struct http_buf b = { 0 };
    json_t *v = json_stringn(s, n);

    if (v) {
        return v;
    }
    for (size_t i = 0; i < n;) {
        size_t len = utf8_sequence((const unsigned char *)s + i, n - i);
        int failed = len ? http_buf_append(&b, s + i, len) : http_buf_append(&b, "\xef\xbf\xbd", 3);

        if (failed) {
            http_buf_free(&b);
            return NULL;
        }
        i += len ? len : 1;
    }
    v = json_stringn(b.data ? b.data : "", b.len);
    http_buf_free(&b);
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
 * Parallel test processes share the file, so each line goes out in a single
 * write() on an O_APPEND descriptor: on Linux a regular file's write holds the
 * inode lock for the whole call and appends atomically whatever its size
 * (PIPE_BUF only limits pipes and FIFOs). This does not hold on NFS; keep the
 * file on a local file system.
 */
int http_record(const char *method, const char *path, const struct http_response *r)
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
        http_fail("recorder: cannot build the JSON line");
        return -1;
    }
    /* The newline takes the place of the NUL, so the line goes out in one write(). */
    len = strlen(text);
    text[len] = '\n';
    fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        http_fail("recorder: open %s: %s", file, strerrordesc_np(errno));
        free(text);
        return -1;
    }
    do {
        n = write(fd, text, len + 1);
    } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)(len + 1)) {
        http_fail("recorder: write %s: %s", file,
                  n < 0 ? strerrordesc_np(errno) : "short write (line may be torn)");
    }
    close(fd);
    free(text);
    return n == (ssize_t)(len + 1) ? 0 : -1;
}
