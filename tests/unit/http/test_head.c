/*
 * Unit tests for service/http/head.c: what the gate decides about a request head before
 * libmicrohttpd sees it. Expected verdicts follow RFC 9112 (message framing, section 6).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "http/head.h"

#define MAX_HEAD 1024
#define MAX_BODY 1000

static enum head_verdict check(const char *text)
{
    return head_check(text, strlen(text), MAX_HEAD, MAX_BODY);
}

Test(head, a_plain_request_passes_and_a_partial_one_waits)
{
    cr_assert_eq(check("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), HEAD_OK);
    cr_assert_eq(check("GET /healthz HTTP/1.1\nHost: x\n\n"), HEAD_OK);
    cr_assert_eq(check("\r\nGET / HTTP/1.0\r\n\r\n"), HEAD_OK);
    cr_assert_eq(check("POST /v1/cases HTTP/1.1\r\nContent-Length: 1000\r\n\r\n"), HEAD_OK);
    cr_assert_eq(check("POST /v1/cases HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n"), HEAD_OK);
    cr_assert_eq(check("GET /healthz HTTP/1.1\r\nHost: x\r\n"), HEAD_INCOMPLETE);
    cr_assert_eq(check("GET /heal"), HEAD_INCOMPLETE);
}

Test(head, a_head_without_end_within_the_limit_is_too_large)
{
    size_t n = MAX_HEAD + 1;
    char *big = malloc(n + 1);
    memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
    memset(big + 19, 'a', n - 19);
    big[n] = '\0';
    cr_assert_eq(head_check(big, n, MAX_HEAD, MAX_BODY), HEAD_TOO_LARGE);
    /* Its end just past the limit does not make it fit. */
    memcpy(big + n - 4, "\r\n\r\n", 4);
    cr_assert_eq(head_check(big, n, MAX_HEAD, MAX_BODY), HEAD_TOO_LARGE);
    free(big);
}

Test(head, content_length_must_be_one_number_within_the_body_limit)
{
    cr_assert_eq(check("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"), HEAD_BAD_LENGTH);
    cr_assert_eq(check("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), HEAD_BAD_LENGTH);
    cr_assert_eq(check("POST / HTTP/1.1\r\nContent-Length: 1 2\r\n\r\n"), HEAD_BAD_LENGTH);
    cr_assert_eq(check("POST / HTTP/1.1\r\nContent-Length:\r\n\r\n"), HEAD_BAD_LENGTH);
    cr_assert_eq(check("POST / HTTP/1.1\r\nContent-Length: 1001\r\n\r\n"), HEAD_BODY_TOO_LARGE);
    cr_assert_eq(check("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999999\r\n\r\n"),
                 HEAD_BODY_TOO_LARGE);
}

Test(head, two_framings_or_an_unknown_coding_are_refused)
{
    cr_assert_eq(check("POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"),
                 HEAD_AMBIGUOUS_LENGTH);
    cr_assert_eq(check("POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\ncontent-length: 5\r\n\r\n"),
                 HEAD_AMBIGUOUS_LENGTH);
    cr_assert_eq(check("POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"), HEAD_AMBIGUOUS_LENGTH);
    cr_assert_eq(check("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), HEAD_BAD_ENCODING);
}

Test(head, a_request_line_or_field_that_is_not_http_is_malformed)
{
    cr_assert_eq(check("GET /\r\n\r\n"), HEAD_MALFORMED);
    cr_assert_eq(check("GET / HTTP/2.0\r\n\r\n"), HEAD_MALFORMED);
    cr_assert_eq(check("GET  / HTTP/1.1\r\n\r\n"), HEAD_MALFORMED);
    cr_assert_eq(check("GET / HTTP/1.1\r\nno colon here\r\n\r\n"), HEAD_MALFORMED);
    cr_assert_eq(check("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"), HEAD_MALFORMED);
    cr_assert_eq(check("GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n"), HEAD_MALFORMED);
    cr_assert_neq(head_verdict_text(HEAD_AMBIGUOUS_LENGTH)[0], '\0');
}
