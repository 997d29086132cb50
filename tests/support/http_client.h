/*
 * HTTP/1.1 client for the integration tests: one request per connection to the
 * service named by FREMDRIFT_TEST_URL (loopback only), sent through libcurl
 * (http_client.c); raw-socket helpers for what libcurl cannot send (http_raw.c);
 * and an optional recorder of every response (http_record.c).
 */
#ifndef FREMDRIFT_HTTP_CLIENT_H
#define FREMDRIFT_HTTP_CLIENT_H

#include <stddef.h>

#include <jansson.h>

struct http_header {
    const char *name;
    const char *value;
};

/*
 * A received response. After a successful http_request every pointer is valid
 * until http_response_free: body is never NULL (an empty body is ""), and
 * body[body_len] is a NUL so text bodies can be used as C strings (a body may
 * itself contain NUL bytes: use body_len). reason and the header names and
 * values point into head. Headers keep the order and spelling received.
 */
struct http_response {
    int status;
    const char *reason;
    char *body;
    size_t body_len;
    struct http_header *headers;
    size_t n_headers;
    char *head;
};

/*
 * Sends one request to FREMDRIFT_TEST_URL ("http://host[:port][/]", host one of
 * 127.0.0.1, localhost, [::1]) and reads the whole response.
 * Adds "Host" unless the caller passes one, "Content-Length" when body is not
 * NULL, and "Connection: close" unless the caller passes Connection; nothing
 * else (no Accept, Expect or Content-Type of libcurl's own). Caller headers are
 * sent verbatim, in order; names and values must not contain CR or LF, names
 * not ':'. The path is sent byte for byte. When the caller passes Content-Length
 * or Transfer-Encoding, the body's framing is the caller's: the request goes out
 * over a raw socket exactly as given (a body that lies about its length, both
 * headers at once, pre-chunked bytes), and the answer is read until the server
 * closes. Use http_connect_raw for requests this function cannot express.
 * body == NULL means no body; body != NULL with body_len 0 sends Content-Length: 0.
 * Returns 0 and fills *out (the caller frees it with http_response_free), or -1
 * with *out zeroed and a reason in http_last_error(). Any status code counts as
 * success: -1 means no well-formed response was received.
 * If FREMDRIFT_TEST_RECORD names a file, the response is appended to it as one
 * JSON line {"method","path" (without query),"query" (null without '?'),
 * "status","content_type" (null if absent),"body" (parsed JSON or null),
 * "body_text" (the body as a string when it is not JSON, else null)}; bytes
 * that are not UTF-8 become U+FFFD. Request bodies and request headers are
 * never recorded. One write() per line on an O_APPEND descriptor keeps lines
 * from parallel test processes whole on a local Linux file system (not NFS).
 * Failing to record makes the call fail.
 */
int http_request(const char *method, const char *path,
                 const struct http_header *headers, size_t n_headers,
                 const void *body, size_t body_len, struct http_response *out);

/*
 * http_request with a JSON body: adds "Authorization: Bearer <bearer_token>"
 * when bearer_token is not NULL and "Content-Type: application/json" when body
 * is not NULL, unless extra already has that header. body (any JSON value) is
 * sent compact and stays the caller's. Same return and ownership as http_request.
 */
int http_json(const char *method, const char *path, const char *bearer_token,
              json_t *body, const struct http_header *extra, size_t n_extra,
              struct http_response *out);

/* Frees what http_request stored in r and zeroes it; safe on a zeroed response. */
void http_response_free(struct http_response *r);

/*
 * Value of the first header called name (ASCII case-insensitive), or NULL.
 * The string belongs to r.
 */
const char *http_response_header(const struct http_response *r, const char *name);

/*
 * The body parsed as any JSON value with duplicate keys rejected, or NULL when
 * it is not JSON. The caller json_decref's the result.
 */
json_t *http_response_json(const struct http_response *r);

/*
 * Why the last failing call of this module in this thread failed. The string
 * is thread-local and is overwritten by the next failure in the same thread.
 */
const char *http_last_error(void);

/*
 * Timeout, in milliseconds, for every later call in the process, from any
 * thread (default 15000). It bounds each wait for the peer (connecting, and a
 * stretch with no bytes moving, which libcurl counts in whole seconds), not a
 * whole request. ms <= 0 restores the default.
 */
void http_set_timeout_ms(int ms);

/*
 * Opens a TCP connection to FREMDRIFT_TEST_URL with the send/receive timeouts
 * and TCP_NODELAY set, and returns its descriptor (the caller closes it), or -1.
 */
int http_connect_raw(void);

/*
 * Writes all len bytes to fd without raising SIGPIPE. Returns 0, or -1 when the
 * peer closed, timed out or failed.
 */
int http_write_all(int fd, const void *buf, size_t len);

/*
 * Reads from fd until the peer closes the connection (an orderly close or a
 * reset) or timeout_ms pass in total (timeout_ms <= 0: the module timeout).
 * Returns 0 with *out a NUL-terminated malloc'd copy of everything received
 * (the caller frees it) and *len its length; or -1 with *out NULL and *len 0
 * when the time ran out or reading failed.
 */
int http_read_all(int fd, char **out, size_t *len, int timeout_ms);

/*
 * Reads one response from a kept-alive connection (framed by its Content-Length)
 * without waiting for the close and without taking any byte after it off fd.
 * Returns 0 with *out filled (free with http_response_free), or -1 with the
 * reason set when timeout_ms (<= 0: the module timeout) pass first, the server
 * closes before the response is whole, or it cannot be parsed.
 */
int http_read_response(int fd, struct http_response *out, int timeout_ms);

#endif
