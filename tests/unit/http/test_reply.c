/*
 * Unit tests for the problem answers of service/reply.c that every resource shares: the
 * 409 that names the state refusing a request and the 404 for what the caller cannot
 * see. Expected documents are written from RFC 9457 and the API contract.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "http/reply.h"

static const char *member(const struct reply *r, const char *key)
{
    return json_string_value(json_object_get(r->json, key));
}

Test(reply, state_problem_is_409_invalid_state_naming_the_state)
{
    struct reply r;
    memset(&r, 0, sizeof(r));
    reply_state_problem(&r, "closed", "The case is %s.", "closed");
    cr_assert_eq(r.status, 409);
    cr_assert_str_eq(r.content_type, "application/problem+json");
    cr_assert_str_eq(member(&r, "type"), "https://fremdrift.dk/problems/invalid-state");
    cr_assert_str_eq(member(&r, "detail"), "The case is closed.");
    cr_assert_str_eq(member(&r, "state"), "closed");
    cr_assert_eq(json_integer_value(json_object_get(r.json, "status")), 409);
    reply_reset(&r);
}

Test(reply, state_problem_replaces_an_earlier_body_and_can_be_extended)
{
    struct reply r;
    memset(&r, 0, sizeof(r));
    reply_json(&r, 200, json_pack("{s:s}", "id", "x"));
    reply_state_problem(&r, "hearing_open", "Open until %s.", "2026-12-01");
    reply_problem_extend(&r, "response_deadline", json_string("2026-12-01"));
    cr_assert_eq(r.status, 409);
    cr_assert_null(json_object_get(r.json, "id"));
    cr_assert_str_eq(member(&r, "state"), "hearing_open");
    cr_assert_str_eq(member(&r, "response_deadline"), "2026-12-01");
    reply_reset(&r);
}

Test(reply, not_found_names_the_type_and_nothing_else)
{
    struct reply r;
    memset(&r, 0, sizeof(r));
    reply_not_found(&r, "appeal");
    cr_assert_eq(r.status, 404);
    cr_assert_str_eq(member(&r, "type"), "https://fremdrift.dk/problems/not-found");
    cr_assert_str_eq(member(&r, "detail"), "No such appeal is visible to you.");
    cr_assert_null(json_object_get(r.json, "state"));
    reply_reset(&r);
}
