/*
 * Unit tests for service/decision_input.c's reading of a decision body: the shape of each
 * field, the hearing's rules (forvaltningsloven § 19), the legal basis list and the hours,
 * and that every pointer runs below the caller's prefix so a review can answer 422 naming
 * its own fields. Expected pointers and messages are written from the API contract
 * (notes/issue3-api.md), dates against a fixed "today".
 */
#include <criterion/criterion.h>
#include <string.h>

#include "api/decisions/decision_input.h"
#include "law/validate.h"

static const struct cal_date today = {2026, 11, 25};
/* Read today, with the default minimum answer period of a week. */
static const struct decision_read_rules rules = {{2026, 11, 25}, 7};

/* Reads body (JSON text) as a create (creating) or change under prefix; the caller ends
 * the check and frees *body. */
static void read_body(const char *text, int creating, const char *prefix, json_t **body, struct check *c,
                      struct decision_input *in)
{
    json_error_t error;
    *body = json_loads(text, 0, &error);
    cr_assert_not_null(*body, "bad JSON in test: %s", error.text);
    check_begin(c, *body, prefix);
    decision_read_body(c, creating, &rules, in);
}

/* 1 when errors holds pointer with message. */
static int has_error(const struct check *c, const char *pointer, const char *message)
{
    size_t i;
    json_t *e;
    json_array_foreach(c->errors, i, e)
        if (strcmp(json_string_value(json_object_get(e, "pointer")), pointer) == 0 &&
            strcmp(json_string_value(json_object_get(e, "message")), message) == 0)
            return 1;
    return 0;
}

#define CASE_ID "\"case_id\": \"0b6a3c58-8d3e-4f0e-9c1a-6f7d2b1e4a90\""

Test(decision_input, a_complete_create_body_reads_without_errors)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{" CASE_ID ", \"kind\": \"fleksjob\", \"outcome\": \"granted\", \"subject\": \"Fleksjob\","
              " \"decided_on\": \"2026-11-20\", \"legal_basis\": [\"las_11\", \"lsp_17\"], \"facts\": \"F\","
              " \"reasons\": \"R\", \"hours_per_week\": 15.5, \"hearing\": {\"status\": \"not_needed\","
              " \"not_needed_reason\": \"Egne oplysninger.\"}}",
              1, "", &body, &c, &in);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    cr_assert_str_eq(in.case_id, "0b6a3c58-8d3e-4f0e-9c1a-6f7d2b1e4a90");
    cr_assert_str_eq(in.kind, "fleksjob");
    cr_assert_str_eq(in.decided_on, "2026-11-20");
    cr_assert_eq(in.n_codes, 2);
    cr_assert_str_eq(in.codes[1], "lsp_17");
    cr_assert_str_eq(in.hours, "15.5");
    cr_assert_str_eq(in.hearing.status, "not_needed");
    cr_assert_str_eq(in.hearing.reason, "Egne oplysninger.");
    cr_assert_eq(in.today.day, 25);
    check_end(&c);
    json_decref(body);
}

Test(decision_input, create_needs_case_and_kind_and_refuses_unknown_fields)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{\"colour\": \"red\"}", 1, "", &body, &c, &in);
    cr_assert(has_error(&c, "/colour", "unknown field"));
    cr_assert(has_error(&c, "/case_id", "required"));
    cr_assert(has_error(&c, "/kind", "required"));
    check_end(&c);
    json_decref(body);
}

Test(decision_input, a_change_may_not_name_the_case_or_what_it_supersedes)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{" CASE_ID ", \"supersedes_id\": \"0b6a3c58-8d3e-4f0e-9c1a-6f7d2b1e4a90\"}", 0, "", &body, &c,
              &in);
    cr_assert(has_error(&c, "/case_id", "unknown field"));
    cr_assert(has_error(&c, "/supersedes_id", "unknown field"));
    cr_assert_null(in.case_id);
    check_end(&c);
    json_decref(body);
}

Test(decision_input, every_pointer_runs_below_the_callers_prefix)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{" CASE_ID ", \"kind\": \"overall\", \"legal_basis\": [\"las_11\", \"Not A Code\"],"
              " \"hearing\": {\"status\": \"sent\"}}",
              1, "/sections/overall_decision", &body, &c, &in);
    cr_assert(has_error(&c, "/sections/overall_decision/legal_basis/1", "must be a legal_provision code"));
    cr_assert(has_error(&c, "/sections/overall_decision/hearing/sent_on", "required when the hearing was sent"));
    cr_assert_eq(json_array_size(c.errors), 3, "%s", json_dumps(c.errors, 0));
    check_end(&c);
    json_decref(body);
}

Test(decision_input, a_provision_named_twice_is_refused_at_its_second_place)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{" CASE_ID ", \"kind\": \"overall\", \"legal_basis\": [\"las_11\", \"lsp_17\", \"las_11\"]}", 1, "",
              &body, &c, &in);
    cr_assert_eq(json_array_size(c.errors), 1);
    cr_assert(has_error(&c, "/legal_basis/2", "names a provision already in the list"));
    cr_assert_eq(in.n_codes, 3);
    cr_assert_null(in.codes[2]);
    check_end(&c);
    json_decref(body);
}

Test(decision_input, an_empty_legal_basis_is_refused)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{" CASE_ID ", \"kind\": \"overall\", \"legal_basis\": []}", 1, "", &body, &c, &in);
    cr_assert(has_error(&c, "/legal_basis", "must name 1 to 20 legal provisions"));
    check_end(&c);
    json_decref(body);
}

Test(decision_input, hours_are_kept_in_tenths_and_finer_values_refused)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{\"hours_per_week\": 37}", 0, "", &body, &c, &in);
    cr_assert_eq(check_failed(&c), 0);
    cr_assert_str_eq(in.hours, "37.0");
    check_end(&c);
    json_decref(body);
    read_body("{\"hours_per_week\": 15.55}", 0, "", &body, &c, &in);
    cr_assert(has_error(&c, "/hours_per_week", "must be given in tenths of an hour (at most one decimal)"));
    cr_assert_str_eq(in.hours, "");
    check_end(&c);
    json_decref(body);
    read_body("{\"hours_per_week\": 0.4}", 0, "", &body, &c, &in);
    cr_assert(has_error(&c, "/hours_per_week", "must be a number from 0.5 to 37"));
    check_end(&c);
    json_decref(body);
}

Test(decision_input, a_hearing_says_one_thing_only)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{\"hearing\": {\"status\": \"not_needed\", \"answered_on\": \"2026-11-01\"}}", 0, "", &body, &c, &in);
    cr_assert(has_error(&c, "/hearing/answered_on", "only with status answered"));
    cr_assert(has_error(&c, "/hearing/not_needed_reason", "required: why no hearing was needed"));
    cr_assert_eq(in.hearing_ok, 0);
    check_end(&c);
    json_decref(body);
}

Test(decision_input, an_answered_hearing_needs_its_dates_in_order_and_not_in_the_future)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{\"hearing\": {\"status\": \"answered\", \"sent_on\": \"2026-11-10\", \"response_deadline\":"
              " \"2026-11-09\", \"answered_on\": \"2026-11-26\"}}",
              0, "", &body, &c, &in);
    cr_assert(has_error(&c, "/hearing/answered_on", "must not be in the future"));
    cr_assert(has_error(&c, "/hearing/response_deadline", "must not be before sent_on"));
    cr_assert_eq(json_array_size(c.errors), 2, "%s", json_dumps(c.errors, 0));
    check_end(&c);
    json_decref(body);
}

Test(decision_input, a_hearing_answered_today_is_accepted)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{\"hearing\": {\"status\": \"answered\", \"sent_on\": \"2026-11-10\", \"response_deadline\":"
              " \"2026-11-24\", \"answered_on\": \"2026-11-25\"}}",
              0, "", &body, &c, &in);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    cr_assert_eq(in.hearing_ok, 1);
    cr_assert_str_eq(in.hearing.answered_on, "2026-11-25");
    check_end(&c);
    json_decref(body);
}

Test(decision_input, a_hearing_gives_the_citizen_a_week_to_answer)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    /* The response deadline the day it was sent, and six days on: too short. */
    read_body("{\"hearing\": {\"status\": \"sent\", \"sent_on\": \"2026-11-18\", \"response_deadline\":"
              " \"2026-11-18\"}}",
              0, "", &body, &c, &in);
    cr_assert(has_error(&c, "/hearing/response_deadline",
                        "must give the citizen at least 7 days after sent_on to answer, or give urgency_reason"),
              "%s", json_dumps(c.errors, 0));
    cr_assert_eq(json_array_size(c.errors), 1, "%s", json_dumps(c.errors, 0));
    check_end(&c);
    json_decref(body);
    read_body("{\"hearing\": {\"status\": \"sent\", \"sent_on\": \"2026-11-18\", \"response_deadline\":"
              " \"2026-11-24\"}}",
              0, "/sections/work_capacity", &body, &c, &in);
    cr_assert(has_error(&c, "/sections/work_capacity/hearing/response_deadline",
                        "must give the citizen at least 7 days after sent_on to answer, or give urgency_reason"));
    check_end(&c);
    json_decref(body);
    /* A week is enough. */
    read_body("{\"hearing\": {\"status\": \"sent\", \"sent_on\": \"2026-11-18\", \"response_deadline\":"
              " \"2026-11-25\"}}",
              0, "", &body, &c, &in);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    cr_assert_null(in.hearing.urgency_reason);
    check_end(&c);
    json_decref(body);
}

Test(decision_input, a_shorter_answer_period_needs_its_urgency_stated)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{\"hearing\": {\"status\": \"answered\", \"sent_on\": \"2026-11-18\", \"response_deadline\":"
              " \"2026-11-20\", \"answered_on\": \"2026-11-19\", \"urgency_reason\": \"Huslejen skal betales"
              " 1. december.\"}}",
              0, "", &body, &c, &in);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    cr_assert_str_eq(in.hearing.urgency_reason, "Huslejen skal betales 1. december.");
    check_end(&c);
    json_decref(body);
    /* Urgency belongs to a hearing that was sent. */
    read_body("{\"hearing\": {\"status\": \"not_needed\", \"not_needed_reason\": \"Egne oplysninger.\","
              " \"urgency_reason\": \"Haster.\"}}",
              0, "", &body, &c, &in);
    cr_assert(has_error(&c, "/hearing/urgency_reason", "only with status sent or answered"));
    cr_assert_eq(json_array_size(c.errors), 1, "%s", json_dumps(c.errors, 0));
    check_end(&c);
    json_decref(body);
}

Test(decision_input, null_clears_an_optional_field_and_no_hearing_means_none)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{\"outcome\": null, \"decided_on\": null, \"hearing\": null}", 0, "", &body, &c, &in);
    cr_assert_eq(check_failed(&c), 0);
    cr_assert_null(in.outcome);
    cr_assert_eq(in.decided_on_ok, 1);
    cr_assert_str_eq(in.hearing.status, "none");
    check_end(&c);
    json_decref(body);
}

Test(decision_input, codes_are_lower_case_words_of_at_most_sixty)
{
    char sixty[61], sixty_one[62];
    memset(sixty, 'a', 60);
    sixty[60] = '\0';
    memset(sixty_one, 'a', 61);
    sixty_one[61] = '\0';
    cr_assert_eq(decision_is_code("las_11"), 1);
    cr_assert_eq(decision_is_code(sixty), 1);
    cr_assert_eq(decision_is_code(sixty_one), 0);
    cr_assert_eq(decision_is_code("Las_11"), 0);
    cr_assert_eq(decision_is_code("las-11"), 0);
    cr_assert_eq(decision_is_code(""), 0);
    cr_assert_eq(decision_is_code(NULL), 0);
}

Test(decision_input, codes_resolve_on_the_decision_date_else_today)
{
    char on[CAL_ISO_SIZE];
    decision_resolution_date("2025-12-31", today, on);
    cr_assert_str_eq(on, "2025-12-31");
    decision_resolution_date(NULL, today, on);
    cr_assert_str_eq(on, "2026-11-25");
}

Test(decision_input, the_day_an_application_was_received_belongs_to_an_application_and_is_not_ahead)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{" CASE_ID ", \"kind\": \"fleksjob\", \"applied_for\": \"Fleksjob\", \"applied_on\": \"2026-11-25\"}",
              1, "", &body, &c, &in);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    cr_assert_str_eq(in.applied_on, "2026-11-25");
    check_end(&c);
    json_decref(body);

    read_body("{" CASE_ID ", \"kind\": \"fleksjob\", \"applied_for\": \"Fleksjob\", \"applied_on\": \"2026-11-26\"}",
              1, "", &body, &c, &in);
    cr_assert(has_error(&c, "/applied_on", "must not be in the future"));
    check_end(&c);
    json_decref(body);

    read_body("{" CASE_ID ", \"kind\": \"fleksjob\", \"applied_on\": \"2026-11-20\"}", 1, "", &body, &c, &in);
    cr_assert(has_error(&c, "/applied_on", "is the day an application was received: give applied_for too"));
    check_end(&c);
    json_decref(body);

    /* A change is checked against the draft as it will be, by the caller. */
    read_body("{\"applied_on\": \"2026-11-20\"}", 0, "", &body, &c, &in);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    check_end(&c);
    json_decref(body);
}

Test(decision_input, a_processing_notice_has_both_days_in_order_and_answers_an_application)
{
    json_t *body;
    struct check c;
    struct decision_input in;
    read_body("{" CASE_ID ", \"kind\": \"fleksjob\", \"applied_for\": \"Fleksjob\", \"processing_notice\": "
              "{\"sent_on\": \"2026-11-20\", \"answer_expected_by\": \"2027-01-15\"}}",
              1, "", &body, &c, &in);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    cr_assert_str_eq(in.notice_sent_on, "2026-11-20");
    cr_assert_str_eq(in.notice_expected_by, "2027-01-15");
    check_end(&c);
    json_decref(body);

    read_body("{" CASE_ID ", \"kind\": \"fleksjob\", \"applied_for\": \"Fleksjob\", \"processing_notice\": "
              "{\"sent_on\": \"2026-11-26\", \"answer_expected_by\": \"2026-11-20\", \"by\": \"post\"}}",
              1, "/x", &body, &c, &in);
    cr_assert(has_error(&c, "/x/processing_notice/sent_on", "must not be in the future"));
    cr_assert(has_error(&c, "/x/processing_notice/answer_expected_by", "must not be before sent_on"));
    cr_assert(has_error(&c, "/x/processing_notice/by", "unknown field"));
    cr_assert_null(in.notice_sent_on);
    check_end(&c);
    json_decref(body);

    read_body("{" CASE_ID ", \"kind\": \"fleksjob\", \"processing_notice\": {\"sent_on\": \"2026-11-20\"}}", 1, "",
              &body, &c, &in);
    cr_assert(has_error(&c, "/processing_notice/answer_expected_by", "required"));
    check_end(&c);
    json_decref(body);

    read_body("{" CASE_ID ", \"kind\": \"fleksjob\", \"processing_notice\": "
              "{\"sent_on\": \"2026-11-20\", \"answer_expected_by\": \"2026-12-20\"}}",
              1, "", &body, &c, &in);
    cr_assert(has_error(&c, "/processing_notice", "answers an application: give applied_for too"));
    check_end(&c);
    json_decref(body);
}
