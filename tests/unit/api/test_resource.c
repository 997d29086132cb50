/*
 * Unit tests for the parts of service/resource.c that answer without the database: what a
 * fetch or a guarded update leaves on the reply, and the answer to a change. Expected
 * statuses, headers and details are written from the API contract (404 for what is not
 * visible, 412 for a lost update, ETag and Location on a change).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "http/reply.h"
#include "api/resource.h"

static const char *header(const struct reply *r, const char *name)
{
    for (int i = 0; i < r->n_headers; i++)
        if (strcmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

static const char *detail(const struct reply *r)
{
    return json_string_value(json_object_get(r->json, "detail"));
}

Test(resource, a_found_resource_leaves_the_reply_alone)
{
    struct reply r;
    memset(&r, 0, sizeof(r));
    cr_assert_eq(resource_found(&r, DB_OK, 1, "case"), 0);
    cr_assert_eq(r.status, 0);
}

Test(resource, a_resource_not_found_is_404_naming_its_type)
{
    struct reply r;
    memset(&r, 0, sizeof(r));
    cr_assert_eq(resource_found(&r, DB_OK, 0, "decision"), -1);
    cr_assert_eq(r.status, 404);
    cr_assert_str_eq(detail(&r), "No such decision is visible to you.");
    reply_reset(&r);
}

Test(resource, a_failed_fetch_answers_the_database_error)
{
    struct reply r;
    memset(&r, 0, sizeof(r));
    cr_assert_eq(resource_found(&r, DB_UNAVAILABLE, 0, "case"), -1);
    cr_assert_eq(r.status, 503);
    cr_assert_str_eq(header(&r, "Retry-After"), "5");
    reply_reset(&r);
}

Test(resource, an_update_that_matched_leaves_the_reply_alone)
{
    struct reply r;
    memset(&r, 0, sizeof(r));
    cr_assert_eq(resource_updated(&r, DB_OK, 1, "appeal"), 0);
    cr_assert_eq(r.status, 0);
}

Test(resource, an_update_that_lost_the_race_is_412)
{
    struct reply r;
    memset(&r, 0, sizeof(r));
    cr_assert_eq(resource_updated(&r, DB_OK, 0, "appeal"), -1);
    cr_assert_eq(r.status, 412);
    cr_assert_str_eq(detail(&r), "The appeal has changed since you read it.");
    reply_reset(&r);
}

Test(resource, a_serialization_failure_is_marked_for_a_retry)
{
    struct reply r;
    memset(&r, 0, sizeof(r));
    cr_assert_eq(resource_updated(&r, DB_RETRY, 1, "case"), -1);
    cr_assert_eq(r.retry, 1);
    cr_assert_eq(r.status, 503);
    reply_reset(&r);
}

Test(resource, a_change_answers_with_etag_location_and_the_document)
{
    struct reply r;
    json_t *doc = json_pack("{s:s}", "id", "7d3a1c7e-1f43-4a39-9a7e-0c5b2f0d4e11");
    struct resource v = {"case", "/v1/cases", "7d3a1c7e-1f43-4a39-9a7e-0c5b2f0d4e11", NULL, "101", 3, doc};
    memset(&r, 0, sizeof(r));
    resource_reply_change(&r, 201, &v);
    cr_assert_eq(r.status, 201);
    cr_assert_str_eq(header(&r, "ETag"), "\"3\"");
    cr_assert_str_eq(header(&r, "Location"), "/v1/cases/7d3a1c7e-1f43-4a39-9a7e-0c5b2f0d4e11");
    cr_assert(json_equal(r.json, doc));
    reply_reset(&r);
    /* The reply held its own reference: the caller's document is still alive. */
    cr_assert_str_eq(json_string_value(json_object_get(doc, "id")), "7d3a1c7e-1f43-4a39-9a7e-0c5b2f0d4e11");
    json_decref(doc);
}

Test(resource, a_changed_resource_that_vanished_is_a_500)
{
    struct reply r;
    struct resource v = {"appeal", "/v1/appeals", "", "", "", 0, NULL};
    static const char *const events[] = {"appeal.ruled", NULL};
    memset(&r, 0, sizeof(r));
    resource_finish_change(NULL, &r, DB_OK, 0, &v, "update", events, 200);
    cr_assert_eq(r.status, 500);
    reply_reset(&r);
}

Test(resource, a_search_shows_each_item_with_its_citizen_and_municipality)
{
    json_t *items = json_loads("[{\"id\": \"d1\", \"citizen_id\": \"c1\", \"municipality\": \"101\"},"
                               " {\"id\": \"d2\", \"citizen_id\": \"c1\", \"municipality\": \"751\"},"
                               " {\"seq\": 7, \"municipality\": \"751\", \"data\": {\"citizen_id\": \"c2\"}},"
                               " {\"seq\": 8, \"data\": {\"citizen_id\": \"c3\", \"municipality\": \"101\"}},"
                               " {\"case_id\": \"x\", \"citizen_id\": \"c4\"},"
                               " {\"id\": \"r1\"}]",
                               0, NULL);
    json_t *want = json_loads("[{\"citizen_id\": \"c1\", \"municipality\": \"101\"},"
                              " {\"citizen_id\": \"c1\", \"municipality\": \"751\"},"
                              " {\"citizen_id\": \"c2\", \"municipality\": \"751\"},"
                              " {\"citizen_id\": \"c3\", \"municipality\": \"101\"},"
                              " {\"citizen_id\": \"c4\", \"municipality\": null}]",
                              0, NULL);
    cr_assert_not_null(items);
    cr_assert_not_null(want);
    json_t *uses = resource_uses_shown(items);
    char *text = json_dumps(uses, JSON_COMPACT);
    cr_assert(json_equal(uses, want), "uses shown: %s", text);
    free(text);
    json_decref(uses);
    json_decref(want);
    json_decref(items);
}
