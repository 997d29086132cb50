/* The HTTP layer of the running service: routing errors, hostile request bodies (each a
 * 4xx problem, never a 500, and the service still answers), request ids, caching, the
 * operational endpoints, the idle-connection timeout, CORS and the request log. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fixtures.h"

#define ALLOWED_ORIGIN "https://portal.example"

/* POSTs raw bytes to path as a fresh caseworker with the given Content-Type (NULL: none). */
static void post_raw(const char *path, const char *content_type, const void *body, size_t len,
                     struct http_response *out)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char authz[4200];
    snprintf(authz, sizeof(authz), "Bearer %s", cw.token);
    struct http_header h[2] = {{"Authorization", authz}, {"Content-Type", content_type}};
    int rc = http_request("POST", path, h, content_type ? 2 : 1, body, len, out);
    cr_assert_eq(rc, 0, "POST %s: no response: %s", path, http_last_error());
    fx_actor_free(&cw);
}

/* A hostile body must get exactly this 4xx problem, and the service must live on. */
static void assert_body_refused(const char *path, const char *content_type, const void *body, size_t len,
                                int status)
{
    struct http_response r;
    post_raw(path, content_type, body, len, &r);
    fx_assert_client_problem(&r);
    fx_assert_problem(&r, status);
    http_response_free(&r);
    fx_assert_alive();
}

Test(http, unknown_route_is_a_404_problem, .timeout = FX_TIMEOUT)
{
    static const char *const paths[] = {"/v1/no-such-thing", "/nope", "/v1/cases/abc/def/ghi", "/v1/"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct http_response r;
        fx_call("GET", paths[i], NULL, NULL, NULL, 0, &r);
        fx_assert_problem(&r, 404);
        http_response_free(&r);
    }
}

Test(http, wrong_method_is_a_405_problem_with_allow, .timeout = FX_TIMEOUT)
{
    struct http_response r;
    fx_call("DELETE", "/v1/cases", NULL, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 405);
    const char *allow = http_response_header(&r, "Allow");
    cr_assert_not_null(allow, "a 405 without Allow");
    cr_assert(strstr(allow, "GET") && strstr(allow, "POST"), "Allow for /v1/cases: %s", allow);
    cr_assert_null(strstr(allow, "DELETE"), "Allow names the refused method: %s", allow);
    http_response_free(&r);

    fx_call("PUT", "/healthz", NULL, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 405);
    allow = http_response_header(&r, "Allow");
    cr_assert(allow && strstr(allow, "GET"), "Allow for /healthz: %s", allow ? allow : "(none)");
    http_response_free(&r);
}

Test(http, malformed_json_is_a_400_problem, .timeout = FX_TIMEOUT)
{
    static const char body[] = "{\"cpr\": \"0101";
    assert_body_refused("/v1/citizens", "application/json", body, strlen(body), 400);
}

Test(http, empty_body_is_a_400_problem, .timeout = FX_TIMEOUT)
{
    assert_body_refused("/v1/citizens", "application/json", "", 0, 400);
}

Test(http, wrong_types_are_422_naming_each_field, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    struct http_response r;
    fx_call("POST", "/v1/cases", &cw,
            json_pack("{s:i, s:[s], s:b, s:{}, s:i}", "citizen_id", 42, "target_group", "jobparat",
                      "target_group_since", 1, "benefit", "benefit_start", 20250301),
            NULL, 0, &r);
    fx_assert_problem(&r, 422);
    static const char *const pointers[] = {"/citizen_id", "/target_group", "/target_group_since", "/benefit",
                                           "/benefit_start"};
    for (size_t i = 0; i < sizeof(pointers) / sizeof(pointers[0]); i++)
        fx_assert_error_pointer(&r, pointers[i]);
    http_response_free(&r);
    fx_actor_free(&cw);
    fx_assert_alive();
}

Test(http, missing_required_fields_are_422_naming_each, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    struct http_response r;
    fx_call("POST", "/v1/cases", &cw, json_object(), NULL, 0, &r);
    fx_assert_problem(&r, 422);
    static const char *const pointers[] = {"/citizen_id", "/target_group", "/target_group_since", "/benefit",
                                           "/benefit_start"};
    for (size_t i = 0; i < sizeof(pointers) / sizeof(pointers[0]); i++)
        fx_assert_error_pointer(&r, pointers[i]);
    http_response_free(&r);

    fx_call("POST", "/v1/citizens", &cw, json_object(), NULL, 0, &r);
    fx_assert_problem(&r, 422);
    fx_assert_error_pointer(&r, "/cpr");
    http_response_free(&r);
    fx_actor_free(&cw);
    fx_assert_alive();
}

Test(http, unknown_fields_are_422_naming_each, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_random_cpr(cpr);
    struct http_response r;
    fx_call("POST", "/v1/citizens", &cw,
            json_pack("{s:s, s:s, s:b}", "cpr", cpr, "nickname", "x", "admin", 1), NULL, 0, &r);
    fx_assert_problem(&r, 422);
    fx_assert_error_pointer(&r, "/nickname");
    fx_assert_error_pointer(&r, "/admin");
    cr_assert_null(strstr(r.body, cpr), "the 422 quotes the CPR number");
    http_response_free(&r);

    /* Nothing was registered: a search for the number finds no one. */
    fx_call("POST", "/v1/citizens/search", &cw, json_pack("{s:s}", "cpr", cpr), NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 0, "a refused body registered someone");
    json_decref(doc);
    http_response_free(&r);
    fx_actor_free(&cw);
    fx_assert_alive();
}

/* A JSON body of exactly len bytes: {"cpr":"...","name":"aaa...a"}. Caller frees it. */
static char *long_body(size_t len)
{
    static const char head[] = "{\"cpr\":\"0101851234\",\"name\":\"";
    char *body = malloc(len);
    cr_assert_not_null(body);
    memcpy(body, head, strlen(head));
    memset(body + strlen(head), 'a', len - strlen(head) - 2);
    memcpy(body + len - 2, "\"}", 2);
    return body;
}

Test(http, two_mib_body_is_a_413_problem, .timeout = FX_TIMEOUT)
{
    size_t len = 2u << 20;
    char *body = long_body(len);
    struct http_response r;
    post_raw("/v1/citizens", "application/json", body, len, &r);
    free(body);
    fx_assert_problem(&r, 413);
    http_response_free(&r);
    fx_assert_alive();
}

Test(http, two_mib_chunked_body_is_a_413_problem, .timeout = FX_TIMEOUT)
{
    /* No Content-Length to go by: ulfius cuts a chunked body silently, too. */
    size_t len = 2u << 20, chunk = 64u << 10;
    char *body = long_body(len);
    char *wire = malloc(len + (len / chunk + 1) * 16 + 8);
    cr_assert_not_null(wire);
    size_t o = 0;
    for (size_t at = 0; at < len; at += chunk) {
        size_t n = len - at < chunk ? len - at : chunk;
        o += (size_t)sprintf(wire + o, "%zx\r\n", n);
        memcpy(wire + o, body + at, n);
        o += n;
        memcpy(wire + o, "\r\n", 2);
        o += 2;
    }
    memcpy(wire + o, "0\r\n\r\n", 5);
    o += 5;
    free(body);

    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char authz[4200];
    snprintf(authz, sizeof(authz), "Bearer %s", cw.token);
    const struct http_header h[] = {{"Authorization", authz},
                                    {"Content-Type", "application/json"},
                                    {"Transfer-Encoding", "chunked"}};
    struct http_response r;
    cr_assert_eq(http_request("POST", "/v1/citizens", h, 3, wire, o, &r), 0, "%s", http_last_error());
    free(wire);
    fx_assert_problem(&r, 413);
    http_response_free(&r);
    fx_actor_free(&cw);
    fx_assert_alive();
}

Test(http, body_just_under_the_limit_is_parsed_not_refused, .timeout = FX_TIMEOUT)
{
    /* FREMDRIFT_MAX_BODY_BYTES defaults to 1 MiB; test.sh does not change it. */
    const char *configured = getenv("FREMDRIFT_MAX_BODY_BYTES");
    size_t limit = configured ? (size_t)atol(configured) : 1u << 20;
    char *body = long_body(limit - 16);
    struct http_response r;
    post_raw("/v1/citizens", "application/json", body, limit - 16, &r);
    free(body);
    fx_assert_problem(&r, 422);
    fx_assert_error_pointer(&r, "/name");
    http_response_free(&r);

    body = long_body(limit + 1);
    post_raw("/v1/citizens", "application/json", body, limit + 1, &r);
    free(body);
    fx_assert_problem(&r, 413);
    http_response_free(&r);
}

Test(http, invalid_utf8_in_a_string_is_a_400_problem, .timeout = FX_TIMEOUT)
{
    static const char body[] = "{\"cpr\":\"0101851234\",\"name\":\"A\xc3\x28\xff\xfe\"}";
    assert_body_refused("/v1/citizens", "application/json", body, strlen(body), 400);
}

Test(http, nul_inside_a_string_is_a_400_problem, .timeout = FX_TIMEOUT)
{
    static const char body[] = "{\"cpr\":\"0101851234\",\"name\":\"Ann\\u0000a\"}";
    assert_body_refused("/v1/citizens", "application/json", body, strlen(body), 400);
}

Test(http, ten_thousand_deep_nesting_is_a_400_problem, .timeout = FX_TIMEOUT)
{
    const size_t depth = 10000;
    size_t len = strlen("{\"name\":") + 2 * depth + 1;
    char *body = malloc(len + 1);
    cr_assert_not_null(body);
    size_t o = (size_t)sprintf(body, "{\"name\":");
    memset(body + o, '[', depth);
    memset(body + o + depth, ']', depth);
    body[o + 2 * depth] = '}';
    body[len] = '\0';
    struct http_response r;
    post_raw("/v1/citizens", "application/json", body, len, &r);
    free(body);
    fx_assert_client_problem(&r);
    fx_assert_problem(&r, 400);
    http_response_free(&r);
    fx_assert_alive();
}

Test(http, top_level_array_is_a_400_problem, .timeout = FX_TIMEOUT)
{
    static const char body[] = "[{\"cpr\":\"0101851234\"}]";
    assert_body_refused("/v1/citizens", "application/json", body, strlen(body), 400);
}

Test(http, duplicate_keys_are_a_400_problem, .timeout = FX_TIMEOUT)
{
    static const char body[] = "{\"cpr\":\"0101851234\",\"cpr\":\"0202851234\"}";
    assert_body_refused("/v1/citizens/search", "application/json", body, strlen(body), 400);
}

Test(http, wrong_content_type_is_a_415_problem, .timeout = FX_TIMEOUT)
{
    static const char body[] = "{\"cpr\":\"0101851234\"}";
    assert_body_refused("/v1/citizens", "text/plain", body, strlen(body), 415);
    assert_body_refused("/v1/citizens", "application/x-www-form-urlencoded", body, strlen(body), 415);
    assert_body_refused("/v1/citizens", NULL, body, strlen(body), 415);
}

Test(http, given_request_id_is_echoed, .timeout = FX_TIMEOUT)
{
    char id[64];
    fx_unique("itest", id, sizeof(id));
    const struct http_header h[] = {{"X-Request-Id", id}};
    struct http_response r;
    fx_call("GET", "/healthz", NULL, NULL, h, 1, &r);
    fx_assert_status(&r, 200);
    const char *echo = http_response_header(&r, "X-Request-Id");
    cr_assert(echo && strcmp(echo, id) == 0, "X-Request-Id %s came back as %s", id, echo ? echo : "(none)");
    http_response_free(&r);

    /* Also on an error answered before any handler ran. */
    fx_call("GET", "/v1/no-such-thing", NULL, NULL, h, 1, &r);
    echo = http_response_header(&r, "X-Request-Id");
    cr_assert(echo && strcmp(echo, id) == 0, "a 404 lost the request id");
    http_response_free(&r);
}

static int is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        int hex =
            (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F');
        if (dash ? s[i] != '-' : !hex)
            return 0;
    }
    return 1;
}

Test(http, missing_request_id_is_generated_as_a_uuid, .timeout = FX_TIMEOUT)
{
    struct http_response a, b;
    fx_call("GET", "/healthz", NULL, NULL, NULL, 0, &a);
    fx_call("GET", "/healthz", NULL, NULL, NULL, 0, &b);
    const char *ida = http_response_header(&a, "X-Request-Id");
    const char *idb = http_response_header(&b, "X-Request-Id");
    cr_assert(is_uuid(ida), "generated X-Request-Id is not a UUID: %s", ida ? ida : "(none)");
    cr_assert(is_uuid(idb), "generated X-Request-Id is not a UUID: %s", idb ? idb : "(none)");
    cr_assert_str_neq(ida, idb, "two requests got the same generated id");
    http_response_free(&a);
    http_response_free(&b);
}

Test(http, unsafe_request_id_is_replaced, .timeout = FX_TIMEOUT)
{
    /* A value that could forge log fields must not reach the log or the reply. */
    const struct http_header h[] = {{"X-Request-Id", "x\",\"status\":200,\"y\":\"z"}};
    struct http_response r;
    fx_call("GET", "/healthz", NULL, NULL, h, 1, &r);
    const char *echo = http_response_header(&r, "X-Request-Id");
    cr_assert(is_uuid(echo), "an unsafe X-Request-Id was echoed: %s", echo ? echo : "(none)");
    http_response_free(&r);
}

Test(http, responses_are_not_cached, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    struct http_response r;
    const char *paths[] = {"/healthz", "/v1/no-such-thing", "/v1/cases?limit=1"};
    for (size_t i = 0; i < 3; i++) {
        fx_call("GET", paths[i], &cw, NULL, NULL, 0, &r);
        const char *cc = http_response_header(&r, "Cache-Control");
        cr_assert(cc && strstr(cc, "no-store"), "GET %s: Cache-Control %s", paths[i], cc ? cc : "(none)");
        http_response_free(&r);
    }
    fx_actor_free(&cw);
}

Test(http, healthz_and_readyz_answer_200, .timeout = FX_TIMEOUT)
{
    struct http_response r;
    fx_call("GET", "/healthz", NULL, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "status")), "ok");
    json_decref(doc);
    http_response_free(&r);

    fx_call("GET", "/readyz", NULL, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    doc = fx_body(&r);
    cr_assert(json_is_object(doc));
    json_decref(doc);
    http_response_free(&r);
}

Test(http, metrics_are_prometheus_text, .timeout = FX_TIMEOUT)
{
    fx_assert_alive();
    struct http_response r;
    fx_call("GET", "/metrics", NULL, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    const char *ct = http_response_header(&r, "Content-Type");
    cr_assert(ct && strncmp(ct, "text/plain", 10) == 0, "metrics Content-Type %s", ct ? ct : "(none)");
    static const char *const needles[] = {
        "# TYPE fremdrift_http_requests_total counter",
        "fremdrift_http_requests_total{",
        "# TYPE fremdrift_http_request_duration_seconds histogram",
        "fremdrift_http_request_duration_seconds_bucket{",
        "le=\"+Inf\"",
        "\nfremdrift_db_pool_size ",
        "\nfremdrift_db_pool_in_use ",
        "\nfremdrift_db_pool_waits_total ",
        "route=\"/healthz\"",
    };
    for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
        cr_assert_not_null(strstr(r.body, needles[i]), "metrics lack %s", needles[i]);
    /* The pool size is the one test.sh configured. */
    int size = -1;
    const char *p = strstr(r.body, "\nfremdrift_db_pool_size ");
    cr_assert_eq(sscanf(p, "\nfremdrift_db_pool_size %d", &size), 1);
    const char *want = getenv("FREMDRIFT_DB_POOL_SIZE");
    if (want)
        cr_assert_eq(size, atoi(want), "fremdrift_db_pool_size %d, configured %s", size, want);
    else
        cr_assert_gt(size, 0);
    http_response_free(&r);
}

Test(http, openapi_yaml_is_served, .timeout = FX_TIMEOUT)
{
    struct http_response r;
    fx_call("GET", "/openapi.yaml", NULL, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    cr_assert(r.body_len > 0 && strncmp(r.body, "openapi: 3.1", strlen("openapi: 3.1")) == 0,
              "/openapi.yaml does not start with `openapi: 3.1` (%zu bytes): %.80s", r.body_len, r.body);
    cr_assert_not_null(strstr(r.body, "/v1/cases"), "the contract does not describe /v1/cases");
    http_response_free(&r);
}

Test(http, idle_half_request_is_disconnected_by_the_server, .timeout = FX_TIMEOUT)
{
    int fd = http_connect_raw();
    cr_assert_geq(fd, 0, "connect: %s", http_last_error());
    static const char half[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ";
    cr_assert_eq(http_write_all(fd, half, strlen(half)), 0);
    long long t0 = fx_now_ms();
    char *got = NULL;
    size_t len = 0;
    int rc = http_read_all(fd, &got, &len, 10000);
    long long waited = fx_now_ms() - t0;
    close(fd);
    cr_assert_eq(rc, 0, "the server kept a half request open for %lld ms", waited);
    cr_assert_lt(waited, 10000);
    /* FREMDRIFT_CONNECTION_TIMEOUT_S=3: closed by the timer, not at once by a refusal. */
    cr_assert_geq(waited, 1000, "closed after %lld ms: refused rather than timed out?", waited);
    cr_assert_null(strstr(got, " 200 "), "a half request was answered 200");
    free(got);
    fx_assert_alive();
}

Test(http, cors_preflight_from_an_allowed_origin_is_answered, .timeout = FX_TIMEOUT)
{
    const struct http_header h[] = {
        {"Origin", ALLOWED_ORIGIN},
        {"Access-Control-Request-Method", "PATCH"},
        {"Access-Control-Request-Headers", "authorization, content-type, if-match"}};
    struct http_response r;
    fx_call("OPTIONS", "/v1/cases/00000000-0000-4000-8000-000000000000", NULL, NULL, h, 3, &r);
    cr_assert(r.status == 204 || r.status == 200, "preflight answered %d", r.status);
    const char *origin = http_response_header(&r, "Access-Control-Allow-Origin");
    cr_assert(origin && strcmp(origin, ALLOWED_ORIGIN) == 0, "Access-Control-Allow-Origin: %s",
              origin ? origin : "(none)");
    const char *methods = http_response_header(&r, "Access-Control-Allow-Methods");
    cr_assert(methods && strstr(methods, "PATCH"), "Access-Control-Allow-Methods: %s",
              methods ? methods : "(none)");
    const char *headers = http_response_header(&r, "Access-Control-Allow-Headers");
    cr_assert(headers && strcasestr(headers, "authorization") && strcasestr(headers, "if-match"),
              "Access-Control-Allow-Headers: %s", headers ? headers : "(none)");
    http_response_free(&r);

    /* A simple request from the same origin also carries the header. */
    fx_call("GET", "/healthz", NULL, NULL, h, 1, &r);
    origin = http_response_header(&r, "Access-Control-Allow-Origin");
    cr_assert(origin && strcmp(origin, ALLOWED_ORIGIN) == 0, "GET from the allowed origin lacks CORS");
    http_response_free(&r);
}

static void assert_no_cors_headers(const struct http_response *r)
{
    for (size_t i = 0; i < r->n_headers; i++)
        cr_assert(strncasecmp(r->headers[i].name, "Access-Control-", 15) != 0,
                  "a foreign origin got %s: %s", r->headers[i].name, r->headers[i].value);
}

Test(http, cors_headers_are_absent_for_another_origin, .timeout = FX_TIMEOUT)
{
    const struct http_header h[] = {{"Origin", "https://evil.example"},
                                    {"Access-Control-Request-Method", "PATCH"}};
    struct http_response r;
    fx_call("OPTIONS", "/v1/cases", NULL, NULL, h, 2, &r);
    assert_no_cors_headers(&r);
    http_response_free(&r);
    fx_call("GET", "/healthz", NULL, NULL, h, 1, &r);
    fx_assert_status(&r, 200);
    assert_no_cors_headers(&r);
    http_response_free(&r);

    /* A look-alike of the allowed origin is another origin. */
    const struct http_header lookalike[] = {{"Origin", ALLOWED_ORIGIN ".evil.example"}};
    fx_call("GET", "/healthz", NULL, NULL, lookalike, 1, &r);
    assert_no_cors_headers(&r);
    http_response_free(&r);
}

/* The whole log file, NUL-terminated; the caller frees it. */
static char *read_log(size_t *len)
{
    FILE *f = fopen(fx_env("FREMDRIFT_TEST_SERVICE_LOG"), "rb");
    cr_assert_not_null(f, "cannot open the service log");
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap + 1);
    cr_assert_not_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            cr_assert_not_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The log line (parsed) whose request_id is id, waiting up to 3 s for it; or NULL. */
static json_t *log_line_for(const char *id)
{
    char needle[128];
    snprintf(needle, sizeof(needle), "\"request_id\":\"%s\"", id);
    for (long long deadline = fx_now_ms() + 3000;; fx_pause_ms(50)) {
        size_t len;
        char *log = read_log(&len);
        char *hit = strstr(log, needle);
        json_t *line = NULL;
        if (hit) {
            char *start = hit;
            while (start > log && start[-1] != '\n')
                start--;
            size_t n = strcspn(start, "\n");
            line = json_loadb(start, n, 0, NULL);
            cr_assert_not_null(line, "the log line of %s is not JSON: %.*s", id, (int)n, start);
        }
        free(log);
        if (line || fx_now_ms() > deadline)
            return line;
    }
}

static void assert_logged(const char *id, const char *method, const char *route, int status)
{
    json_t *line = log_line_for(id);
    cr_assert_not_null(line, "no log line has request_id %s", id);
    cr_assert_str_eq(json_string_value(json_object_get(line, "method")), method);
    const char *logged_route = json_string_value(json_object_get(line, "route"));
    cr_assert_not_null(logged_route, "the log line has no route");
    if (route)
        cr_assert_str_eq(logged_route, route);
    cr_assert_eq(json_integer_value(json_object_get(line, "status")), status, "logged status");
    json_t *ms = json_object_get(line, "duration_ms");
    cr_assert(json_is_number(ms) && json_number_value(ms) >= 0, "duration_ms is not a number");
    json_decref(line);
}

/* Sends one call with a fresh request id (written to id) and returns its status. */
static int traced(const char *method, const char *path, const struct fx_actor *a, json_t *body, char id[64])
{
    fx_unique("logtest", id, 64);
    const struct http_header h[] = {{"X-Request-Id", id}};
    struct http_response r;
    int status = fx_call(method, path, a, body, h, 1, &r);
    http_response_free(&r);
    return status;
}

Test(http, log_lines_are_json_and_never_hold_a_cpr_number, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11], unknown[11], bad[12], path[96], ids[6][64];
    int status[6];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_random_cpr(cpr);
    fx_random_cpr(unknown);
    snprintf(bad, sizeof(bad), "%.6s99%.3s", cpr, cpr + 7);   /* 11 digits: refused */

    status[0] = traced("POST", "/v1/citizens", &cw, json_pack("{s:s}", "cpr", cpr), ids[0]);
    status[1] = traced("POST", "/v1/citizens/search", &cw, json_pack("{s:s}", "cpr", cpr), ids[1]);
    status[2] = traced("POST", "/v1/citizens/search", &cw, json_pack("{s:s}", "cpr", unknown), ids[2]);
    status[3] = traced("POST", "/v1/citizens", &cw, json_pack("{s:s}", "cpr", bad), ids[3]);
    snprintf(path, sizeof(path), "/v1/no-such-thing/%s", cpr);
    status[4] = traced("GET", path, &cw, NULL, ids[4]);
    snprintf(path, sizeof(path), "/v1/cases?cpr=%s", cpr);
    status[5] = traced("GET", path, &cw, NULL, ids[5]);
    cr_assert_eq(status[0], 201);
    cr_assert_eq(status[1], 200);
    cr_assert_eq(status[2], 200);
    cr_assert_eq(status[3], 422);
    cr_assert_eq(status[4], 404);
    cr_assert_eq(status[5], 400);

    assert_logged(ids[0], "POST", "/v1/citizens", 201);
    assert_logged(ids[1], "POST", "/v1/citizens/search", 200);
    assert_logged(ids[2], "POST", "/v1/citizens/search", 200);
    assert_logged(ids[3], "POST", "/v1/citizens", 422);
    assert_logged(ids[4], "GET", NULL, 404);
    assert_logged(ids[5], "GET", "/v1/cases", 400);

    size_t len;
    char *log = read_log(&len);
    char dashed[12];
    snprintf(dashed, sizeof(dashed), "%.6s-%.4s", cpr, cpr + 6);
    const char *secrets[] = {cpr, unknown, bad, dashed};
    for (size_t i = 0; i < 4; i++)
        cr_assert_null(strstr(log, secrets[i]), "the service log holds the CPR number %s", secrets[i]);
    /* Every complete line is a JSON object. */
    size_t lines = 0;
    for (char *line = log; *line;) {
        size_t n = strcspn(line, "\n");
        if (line[n] != '\n')
            break;
        json_t *doc = json_loadb(line, n, 0, NULL);
        cr_assert(json_is_object(doc), "a service log line is not a JSON object: %.*s", (int)n, line);
        json_decref(doc);
        lines++;
        line += n + 1;
    }
    cr_assert_gt(lines, 6);
    free(log);
    fx_actor_free(&cw);
}
