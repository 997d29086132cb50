/*
 * The tests' HTTP client (see http_client.h): libcurl sends ordinary requests;
 * a request whose body framing the caller writes goes out over a raw socket
 * (http_raw.c), since libcurl frames bodies itself. Every response is recorded
 * for the contract check when FREMDRIFT_TEST_RECORD is set (http_record.c).
 */

#include "http_support.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Both the head and the body of the answer being received. */
struct exchange {
    struct http_buf head;
    struct http_buf body;
    int too_large;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_started = CURLE_FAILED_INIT;

static void stop_curl(void)
{
    curl_global_cleanup();
}

/*
 * libcurl is set up once per process, on first use: criterion runs each test in
 * a process of its own, and the cleanup at its exit leaves nothing for the leak
 * checker.
 */
static void start_curl(void)
{
    curl_started = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (curl_started == CURLE_OK) {
        atexit(stop_curl);
    }
}

/* Bytes that would end the request line early or start a new line are refused. */
static int check_request(const char *method, const char *path, const struct http_header *headers,
                         size_t n_headers, const void *body, size_t body_len)
{
    if (!method || !*method || !path || !*path) {
        http_fail("request: method and path must be non-empty");
        return -1;
    }
    if (strpbrk(method, " \t\r\n") || strpbrk(path, " \t\r\n")) {
        http_fail("request: the method or path contains whitespace or a line break");
        return -1;
    }
    if (n_headers && !headers) {
        http_fail("request: n_headers is %zu but headers is NULL", n_headers);
        return -1;
    }
    for (size_t i = 0; i < n_headers; i++) {
        const char *name = headers[i].name;
        const char *value = headers[i].value;

        if (!name || !*name || !value || strpbrk(name, "\r\n:") || strpbrk(value, "\r\n")) {
            http_fail("request: header %zu (\"%s\"): the name must be non-empty without CR, "
                      "LF or ':', the value non-NULL without CR or LF",
                      i, name ? name : "(null)");
            return -1;
        }
    }
    if (!body && body_len) {
        http_fail("request: body is NULL but body_len is %zu", body_len);
        return -1;
    }
    return 0;
}

/* Each response head starts with its status line: an interim 1xx head is replaced. */
static size_t on_header(char *data, size_t size, size_t count, void *arg)
{
    struct exchange *x = arg;
    size_t len = size * count;

    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        x->head.len = 0;
    }
    if (x->head.len + len > HTTP_MAX_HEAD_BYTES) {
        x->too_large = 1;
        return 0;
    }
    return http_buf_append(&x->head, data, len) < 0 ? 0 : len;
}

static size_t on_body(char *data, size_t size, size_t count, void *arg)
{
    struct exchange *x = arg;
    size_t len = size * count;

    if (x->body.len + len > HTTP_MAX_BODY_BYTES) {
        x->too_large = 1;
        return 0;
    }
    return http_buf_append(&x->body, data, len) < 0 ? 0 : len;
}

static int add_line(struct curl_slist **list, const char *name, const char *separator,
                    const char *value)
{
    char *line;
    struct curl_slist *grown;

    if (asprintf(&line, "%s%s%s", name, separator, value) < 0) {
        http_fail("out of memory");
        return -1;
    }
    grown = curl_slist_append(*list, line);
    free(line);
    if (!grown) {
        http_fail("out of memory");
        return -1;
    }
    *list = grown;
    return 0;
}

/*
 * The request's header lines: "Host", the caller's headers as given and in order,
 * "Connection: close"; libcurl's own additions the old raw client never sent
 * (Accept, Expect, a form Content-Type) are removed unless the caller sets them.
 * In libcurl "Name:" removes a header and "Name;" sends it with an empty value.
 */
static int header_lines(const struct http_target *t, const struct http_header *headers,
                        size_t n_headers, struct curl_slist **list)
{
    static const char *const removed[] = { "Accept", "Expect", "Content-Type" };
    int failed = 0;

    if (!http_has_header(headers, n_headers, "host")) {
        failed |= add_line(list, "Host", ": ", t->authority);
    }
    for (size_t i = 0; i < n_headers && !failed; i++) {
        failed |= *headers[i].value ? add_line(list, headers[i].name, ": ", headers[i].value)
                                    : add_line(list, headers[i].name, ";", "");
    }
    for (size_t i = 0; i < sizeof removed / sizeof removed[0] && !failed; i++) {
        if (!http_has_header(headers, n_headers, removed[i])) {
            failed |= add_line(list, removed[i], ":", "");
        }
    }
    if (!failed && !http_has_header(headers, n_headers, "connection")) {
        failed |= add_line(list, "Connection", ": ", "close");
    }
    return failed ? -1 : 0;
}

static void configure(CURL *curl, const struct http_target *t, const char *method,
                      const char *path, struct curl_slist *lines, const void *body,
                      size_t body_len, struct exchange *x, char *error)
{
    long timeout_ms = http_timeout_ms();

    curl_easy_setopt(curl, CURLOPT_URL, t->base_url);
    /* The path goes out byte for byte: no dot-segment removal, no percent-encoding. */
    curl_easy_setopt(curl, CURLOPT_REQUEST_TARGET, path);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_NOBODY, strcasecmp(method, "HEAD") == 0 ? 1L : 0L);
    if (body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, lines);
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http");
    /* A proxy from the environment must not carry test traffic off the machine. */
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    /* As the module timeout promises: each wait for the peer is bounded, not the whole. */
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, (timeout_ms + 999) / 1000);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, x);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, x);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
}

static void explain(CURLcode code, const char *error, const struct http_target *t)
{
    const char *text = *error ? error : curl_easy_strerror(code);

    if (code == CURLE_OPERATION_TIMEDOUT) {
        http_fail("no progress from %s for %d ms: %s", t->authority, http_timeout_ms(), text);
    } else if (code == CURLE_COULDNT_CONNECT) {
        http_fail("connect to %s: %s (is the service running?)", t->authority, text);
    } else {
        http_fail("%s: %s", t->authority, text);
    }
}

/* One exchange through libcurl; fills r on success. */
static int curl_request(const struct http_target *t, const char *method, const char *path,
                        const struct http_header *headers, size_t n_headers, const void *body,
                        size_t body_len, struct http_response *r)
{
    struct exchange x = { 0 };
    struct curl_slist *lines = NULL;
    char error[CURL_ERROR_SIZE] = "";
    CURL *curl = NULL;
    CURLcode code;
    int rc = -1;

    pthread_once(&curl_once, start_curl);
    if (curl_started != CURLE_OK || !(curl = curl_easy_init())) {
        http_fail("libcurl could not be started");
    } else if (header_lines(t, headers, n_headers, &lines) == 0) {
        configure(curl, t, method, path, lines, body, body_len, &x, error);
        code = curl_easy_perform(curl);
        if (x.too_large) {
            http_fail("response over the %d byte limit", HTTP_MAX_BODY_BYTES);
        } else if (code != CURLE_OK) {
            explain(code, error, t);
        } else if (!x.head.data) {
            http_fail("%s: no response head", t->authority);
        } else {
            struct http_buf head = x.head;

            /* http_parse_head takes the head, whatever it answers. */
            x.head = (struct http_buf){ 0 };
            if (http_parse_head(head.data, head.len, r) == 0 &&
                http_buf_append(&x.body, "", 0) == 0) {
                r->body = x.body.data;
                r->body_len = x.body.len;
                x.body = (struct http_buf){ 0 };
                rc = 0;
            }
        }
    }
    curl_slist_free_all(lines);
    curl_easy_cleanup(curl);
    http_buf_free(&x.head);
    http_buf_free(&x.body);
    return rc;
}

int http_request(const char *method, const char *path, const struct http_header *headers,
                 size_t n_headers, const void *body, size_t body_len, struct http_response *out)
{
    struct http_response r = { 0 };
    struct http_target t;

    if (!out) {
        http_fail("request: out is NULL");
        return -1;
    }
    memset(out, 0, sizeof *out);
    if (check_request(method, path, headers, n_headers, body, body_len) < 0 ||
        http_target_parse(&t) < 0) {
        return -1;
    }
    if (http_has_header(headers, n_headers, "content-length") ||
        http_has_header(headers, n_headers, "transfer-encoding")) {
        return http_raw_request(method, path, headers, n_headers, body, body_len, out);
    }
    if (curl_request(&t, method, path, headers, n_headers, body, body_len, &r) < 0 ||
        http_record(method, path, &r) < 0) {
        http_response_free(&r);
        return -1;
    }
    *out = r;
    return 0;
}

int http_json(const char *method, const char *path, const char *bearer_token, json_t *body,
              const struct http_header *extra, size_t n_extra, struct http_response *out)
{
    struct http_header *all;
    char *text = NULL;
    char *auth = NULL;
    size_t n = 0;
    int rc = -1;

    if (out) {
        memset(out, 0, sizeof *out);
    }
    if (n_extra && !extra) {
        http_fail("request: n_extra is %zu but extra is NULL", n_extra);
        return -1;
    }
    if (body && !(text = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY))) {
        http_fail("request: cannot serialise the JSON body");
        return -1;
    }
    if (bearer_token && asprintf(&auth, "Bearer %s", bearer_token) < 0) {
        auth = NULL;
    }
    all = calloc(n_extra + 2, sizeof *all);
    if (!all || (bearer_token && !auth)) {
        http_fail("out of memory");
    } else {
        for (; n < n_extra; n++) {
            all[n] = extra[n];
        }
        if (auth && !http_has_header(extra, n_extra, "authorization")) {
            all[n++] = (struct http_header){ "Authorization", auth };
        }
        if (text && !http_has_header(extra, n_extra, "content-type")) {
            all[n++] = (struct http_header){ "Content-Type", "application/json" };
        }
        rc = http_request(method, path, all, n, text, text ? strlen(text) : 0, out);
    }
    free(all);
    free(auth);
    free(text);
    return rc;
}
