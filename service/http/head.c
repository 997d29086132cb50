/* See head.h. Only what decides where a request ends, and whether it fits, is checked
 * here; libmicrohttpd parses the rest. */
#include "http/head.h"

#include <string.h>
#include <strings.h>

static int is_token_char(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* Where the head ends (just past its blank line), or 0 when buf holds no blank line. */
static size_t head_end(const char *buf, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (buf[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/* Length of the line at p (up to, not including, CRLF or LF) within end. */
static size_t line_length(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t n = (size_t)((nl ? nl : end) - p);
    return n > 0 && p[n - 1] == '\r' ? n - 1 : n;
}

/* METHOD SP target SP HTTP/1.x */
static int request_line_ok(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && is_token_char((unsigned char)p[i]))
        i++;
    if (i == 0 || i >= n || p[i] != ' ')
        return 0;
    size_t target = ++i;
    while (i < n && p[i] != ' ' && (unsigned char)p[i] > 0x20 && p[i] != 0x7f)
        i++;
    if (i == target || i >= n || p[i] != ' ')
        return 0;
    i++;
    return n - i == 8 && memcmp(p + i, "HTTP/1.", 7) == 0 && (p[i + 7] == '0' || p[i + 7] == '1');
}

/* The field value without the optional white space around it. */
static void trim(const char **v, size_t *n)
{
    while (*n > 0 && (**v == ' ' || **v == '\t')) {
        (*v)++;
        (*n)--;
    }
    while (*n > 0 && ((*v)[*n - 1] == ' ' || (*v)[*n - 1] == '\t'))
        (*n)--;
}

static enum head_verdict content_length(const char *v, size_t n, long long max_body)
{
    if (n == 0)
        return HEAD_BAD_LENGTH;
    long long value = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return HEAD_BAD_LENGTH;
        /* Digits past the limit need not be read: the body is too large already. */
        if (value > max_body)
            return HEAD_BODY_TOO_LARGE;
        value = value * 10 + (v[i] - '0');
    }
    return value > max_body ? HEAD_BODY_TOO_LARGE : HEAD_OK;
}

enum head_verdict head_check(const char *buf, size_t len, size_t max_head, long long max_body)
{
    /* Empty lines before a request line are allowed (RFC 9112 section 2.2). */
    size_t skip = 0;
    while (skip < len && (buf[skip] == '\r' || buf[skip] == '\n'))
        skip++;
    buf += skip;
    len -= skip;
    size_t end = head_end(buf, len > max_head ? max_head : len);
    if (!end)
        return len >= max_head ? HEAD_TOO_LARGE : HEAD_INCOMPLETE;

    const char *p = buf, *stop = buf + end;
    size_t n = line_length(p, stop);
    if (!request_line_ok(p, n))
        return HEAD_MALFORMED;
    int lengths = 0, encoded = 0;
    enum head_verdict length_verdict = HEAD_OK;
    for (p = memchr(p, '\n', (size_t)(stop - p)) + 1; p < stop; p = memchr(p, '\n', (size_t)(stop - p)) + 1) {
        n = line_length(p, stop);
        if (n == 0)
            break;
        const char *colon = memchr(p, ':', n);
        if (!colon || colon == p)
            return HEAD_MALFORMED;
        for (const char *c = p; c < colon; c++)
            if (!is_token_char((unsigned char)*c))
                return HEAD_MALFORMED;
        size_t name_len = (size_t)(colon - p);
        const char *value = colon + 1;
        size_t value_len = n - name_len - 1;
        trim(&value, &value_len);
        if (name_len == 14 && strncasecmp(p, "content-length", 14) == 0) {
            lengths++;
            length_verdict = content_length(value, value_len, max_body);
        } else if (name_len == 17 && strncasecmp(p, "transfer-encoding", 17) == 0) {
            encoded++;
            if (value_len != 7 || strncasecmp(value, "chunked", 7) != 0)
                return HEAD_BAD_ENCODING;
        }
    }
    if (lengths + encoded > 1)
        return HEAD_AMBIGUOUS_LENGTH;
    return length_verdict;
}

const char *head_verdict_text(enum head_verdict v)
{
    switch (v) {
    case HEAD_TOO_LARGE:
        return "The request's header fields are too large.";
    case HEAD_MALFORMED:
        return "The request line or a header field is not valid HTTP/1.1.";
    case HEAD_BAD_LENGTH:
        return "Content-Length must be one decimal number.";
    case HEAD_AMBIGUOUS_LENGTH:
        return "Send one Content-Length or Transfer-Encoding: chunked, not both and not twice.";
    case HEAD_BAD_ENCODING:
        return "The only Transfer-Encoding accepted is chunked.";
    case HEAD_BODY_TOO_LARGE:
        return "The body is larger than this service accepts.";
    case HEAD_OK:
    case HEAD_INCOMPLETE:
        break;
    }
    return "";
}
