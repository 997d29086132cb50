/* The head of an HTTP/1.1 request (request line and header fields) checked as it arrives,
 * before libmicrohttpd reads it: libmicrohttpd answers an oversized head or a bad
 * Content-Length itself, in HTML, and takes a request with both Content-Length and
 * Transfer-Encoding, which lets a proxy in front and this service disagree on where the
 * request ends (request smuggling). */
#ifndef FREMDRIFT_HEAD_H
#define FREMDRIFT_HEAD_H

#include <stddef.h>

/* Request line and header fields: a JWT is under 1 KiB; libmicrohttpd's own buffer
 * (32 KiB by default) must hold at least this much, so a head checked here is one it reads
 * whole. */
#define HEAD_MAX 16384

enum head_verdict {
    HEAD_INCOMPLETE,        /* no blank line yet: wait for more */
    HEAD_OK,
    HEAD_TOO_LARGE,         /* 431: no end within max_head bytes */
    HEAD_MALFORMED,         /* 400: request line or a header line is not HTTP/1.x */
    HEAD_BAD_LENGTH,        /* 400: Content-Length is not one decimal number */
    HEAD_AMBIGUOUS_LENGTH,  /* 400: Content-Length with Transfer-Encoding, or twice */
    HEAD_BAD_ENCODING,      /* 400: a Transfer-Encoding other than chunked */
    HEAD_BODY_TOO_LARGE,    /* 413: Content-Length above max_body */
};

/* Checks the first request in buf[0..len) (bytes as received so far). */
enum head_verdict head_check(const char *buf, size_t len, size_t max_head, long long max_body);

/* A sentence saying what is wrong, for the problem's detail. */
const char *head_verdict_text(enum head_verdict v);

#endif
