/*
 * Self-test of the recorder (http_record.c): one whole JSON line per response,
 * for the contract check, over libcurl and raw sockets alike, with nothing of
 * the request but its method and URL.
 */

#include "http_client.h"
#include "selftest_fake_server.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

TestSuite(http_record, .timeout = 30);

Test(http_record, recorder_writes_one_json_line_per_response)
{
    char *path = fake_record_file();
    struct fake_server json = { .mode = FAKE_REPLY };
    struct fake_server text = { .mode = FAKE_REPLY };
    struct http_header framed[] = { { "Content-Length", "0" } };
    struct http_response r;
    json_t *lines[4];

    json.reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n"
                 "{\"id\":7}";
    json.reply_len = strlen(json.reply);
    fake_start(&json);
    cr_assert_eq(http_request("GET", "/v1/cases/7?limit=2&cursor=x", NULL, 0, NULL, 0, &r), 0,
                 "%s", http_last_error());
    fake_stop(&json);
    http_response_free(&r);
    text.reply = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n\xff bad";
    text.reply_len = strlen(text.reply);
    fake_start(&text);
    /* A request with its own framing goes out raw, and is recorded alike. */
    cr_assert_eq(http_request("DELETE", "/v1/notes/\xe6", framed, 1, "", 0, &r), 0, "%s",
                 http_last_error());
    fake_stop(&text);
    http_response_free(&r);

    cr_assert_eq(fake_record_lines(path, lines, 4), 2);
    cr_assert_str_eq(json_string_value(json_object_get(lines[0], "method")), "GET");
    cr_assert_str_eq(json_string_value(json_object_get(lines[0], "path")), "/v1/cases/7");
    cr_assert_str_eq(json_string_value(json_object_get(lines[0], "query")), "limit=2&cursor=x");
    cr_assert_eq(json_integer_value(json_object_get(lines[0], "status")), 200);
    cr_assert_str_eq(json_string_value(json_object_get(lines[0], "content_type")),
                     "application/json");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(lines[0], "body"), "id")), 7);
    cr_assert(json_is_null(json_object_get(lines[0], "body_text")));
    cr_assert_str_eq(json_string_value(json_object_get(lines[1], "method")), "DELETE");
    cr_assert_str_eq(json_string_value(json_object_get(lines[1], "path")),
                     "/v1/notes/\xef\xbf\xbd");
    cr_assert(json_is_null(json_object_get(lines[1], "query")));
    cr_assert_eq(json_integer_value(json_object_get(lines[1], "status")), 400);
    cr_assert(json_is_null(json_object_get(lines[1], "body")));
    cr_assert_str_eq(json_string_value(json_object_get(lines[1], "body_text")), "\xef\xbf\xbd bad");
    json_decref(lines[0]);
    json_decref(lines[1]);
    unlink(path);
    free(path);
    fake_free(&json);
    fake_free(&text);
}

Test(http_record, recorder_leaves_out_request_body_and_headers)
{
    char *path = fake_record_file();
    struct fake_server s = { .mode = FAKE_REPLY,
                             .reply = "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}" };
    struct http_header h[] = { { "Authorization", "Bearer SECRET-TOKEN" },
                               { "X-Api-Key", "SECRET-KEY" } };
    struct http_response r;
    char *data;
    size_t len;

    s.reply_len = strlen(s.reply);
    fake_start(&s);
    cr_assert_eq(http_request("POST", "/v1/notes", h, 2, "{\"cpr\":\"SECRET-BODY\"}", 21, &r), 0,
                 "%s", http_last_error());
    fake_stop(&s);
    http_response_free(&r);
    data = fake_read_file(path, &len);
    cr_assert_gt(len, 0);
    cr_assert_null(strstr(data, "SECRET"), "%s", data);
    cr_assert_null(strcasestr(data, "authorization"), "%s", data);
    free(data);
    unlink(path);
    free(path);
    fake_free(&s);
}

enum { WRITERS = 8, REQUESTS_PER_WRITER = 2, BIG_TEXT = 1024 * 1024 };

struct writer {
    int id;
    const char *failure;
};

static void *writer_main(void *arg)
{
    struct writer *w = arg;

    for (int i = 0; i < REQUESTS_PER_WRITER; i++) {
        char path[64];
        struct http_response r;

        snprintf(path, sizeof path, "/v1/w/%d", w->id * REQUESTS_PER_WRITER + i);
        if (http_request("GET", path, NULL, 0, NULL, 0, &r) < 0) {
            w->failure = "request failed";
            return NULL;
        }
        http_response_free(&r);
    }
    return NULL;
}

Test(http_record, recorder_lines_stay_whole_with_concurrent_writers)
{
    char *path = fake_record_file();
    struct fake_server s = { .mode = FAKE_REPLY,
                             .connections = WRITERS * REQUESTS_PER_WRITER,
                             .batch = WRITERS };
    struct writer writers[WRITERS];
    pthread_t threads[WRITERS];
    json_t *lines[WRITERS * REQUESTS_PER_WRITER + 1];
    int seen[WRITERS * REQUESTS_PER_WRITER] = { 0 };
    char *reply = malloc(BIG_TEXT + 256);
    int head;

    cr_assert_not_null(reply);
    head = snprintf(reply, 256, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                "Content-Length: %d\r\n\r\n{\"data\":\"", BIG_TEXT + 11);
    memset(reply + head, 'q', BIG_TEXT);
    strcpy(reply + head + BIG_TEXT, "\"}");
    s.reply = reply;
    s.reply_len = strlen(reply);
    fake_start(&s);
    for (int i = 0; i < WRITERS; i++) {
        writers[i] = (struct writer){ .id = i };
        cr_assert_eq(pthread_create(&threads[i], NULL, writer_main, &writers[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        cr_assert_eq(pthread_join(threads[i], NULL), 0);
        cr_assert_null(writers[i].failure, "writer %d: %s", i, writers[i].failure);
    }
    fake_stop(&s);

    cr_assert_eq(fake_record_lines(path, lines, WRITERS * REQUESTS_PER_WRITER + 1),
                 WRITERS * REQUESTS_PER_WRITER);
    for (int i = 0; i < WRITERS * REQUESTS_PER_WRITER; i++) {
        const char *p = json_string_value(json_object_get(lines[i], "path"));
        int n;

        cr_assert_eq(json_string_length(json_object_get(json_object_get(lines[i], "body"), "data")),
                     BIG_TEXT);
        cr_assert_eq(sscanf(p, "/v1/w/%d", &n), 1);
        cr_assert(n >= 0 && n < WRITERS * REQUESTS_PER_WRITER && !seen[n], "path %s", p);
        seen[n] = 1;
        json_decref(lines[i]);
    }
    unlink(path);
    free(path);
    free(reply);
    fake_free(&s);
}
