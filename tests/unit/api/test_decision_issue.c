/*
 * Unit tests for decision_spec_body in service/decision_issue.c: a decision another
 * resource makes becomes the POST /v1/decisions body it stands for, so it passes the very
 * checks of decision_input.c. Expected bodies are written from the API contract
 * (notes/issue3-api.md), not produced by the code.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "api/decisions/decision_input.h"
#include "api/decisions/decision_issue.h"
#include "law/validate.h"

static const char *text(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

Test(decision_spec, an_overall_decision_becomes_its_api_body)
{
    static const char *const basis[] = {"las_11", "lsp_17"};
    struct decision_spec spec = {
        .case_id = "0b6a3c58-8d3e-4f0e-9c1a-6f7d2b1e4a90",
        .kind = "overall",
        .outcome = "granted",
        .subject = "Samlet afgørelse om indsatser",
        .decided_on = "2026-11-25",
        .legal_basis = basis,
        .n_legal_basis = 2,
        .facts = "Status og vurdering fra opfølgningen.",
        .reasons = "Indsatserne svarer til behovet.",
    };
    json_t *body = decision_spec_body(&spec);
    cr_assert_not_null(body);
    cr_assert_str_eq(text(body, "case_id"), "0b6a3c58-8d3e-4f0e-9c1a-6f7d2b1e4a90");
    cr_assert_str_eq(text(body, "kind"), "overall");
    cr_assert_str_eq(text(body, "outcome"), "granted");
    cr_assert_str_eq(text(body, "subject"), "Samlet afgørelse om indsatser");
    cr_assert_str_eq(text(body, "decided_on"), "2026-11-25");
    json_t *list = json_object_get(body, "legal_basis");
    cr_assert_eq(json_array_size(list), 2);
    cr_assert_str_eq(json_string_value(json_array_get(list, 0)), "las_11");
    cr_assert_str_eq(json_string_value(json_array_get(list, 1)), "lsp_17");
    /* What the spec leaves out is absent, not null: the body says only what was decided. */
    cr_assert_null(json_object_get(body, "parent_id"));
    cr_assert_null(json_object_get(body, "supersedes_id"));
    cr_assert_null(json_object_get(body, "hours_per_week"));
    cr_assert_null(json_object_get(body, "hearing"));
    cr_assert_eq(json_object_size(body), 8);
    json_decref(body);
}

Test(decision_spec, hours_and_a_hearing_are_written_as_the_api_writes_them)
{
    struct decision_spec spec = {
        .case_id = "0b6a3c58-8d3e-4f0e-9c1a-6f7d2b1e4a90",
        .kind = "placement",
        .outcome = "refused",
        .hours_per_week = 4.5,
        .hearing = {.status = "not_needed", .not_needed_reason = "Gennemgået på mødet 25. november 2026."},
    };
    json_t *body = decision_spec_body(&spec);
    cr_assert_not_null(body);
    cr_assert(json_is_real(json_object_get(body, "hours_per_week")));
    cr_assert_float_eq(json_real_value(json_object_get(body, "hours_per_week")), 4.5, 1e-9);
    json_t *hearing = json_object_get(body, "hearing");
    cr_assert_eq(json_object_size(hearing), 2);
    cr_assert_str_eq(text(hearing, "status"), "not_needed");
    cr_assert_str_eq(text(hearing, "not_needed_reason"), "Gennemgået på mødet 25. november 2026.");
    json_decref(body);
}

Test(decision_spec, a_spec_body_passes_the_api_bodys_checks)
{
    static const char *const basis[] = {"las_11"};
    struct decision_spec spec = {
        .case_id = "0b6a3c58-8d3e-4f0e-9c1a-6f7d2b1e4a90",
        .kind = "intervention",
        .outcome = "granted",
        .parent_id = "5f0e2a1b-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
        .subject = "Virksomhedspraktik",
        .decided_on = "2026-11-20",
        .legal_basis = basis,
        .n_legal_basis = 1,
        .hours_per_week = 12,
    };
    const struct decision_read_rules rules = {{2026, 11, 25}, 7};
    json_t *body = decision_spec_body(&spec);
    struct check c;
    struct decision_input in;
    check_begin(&c, body, "/intervention");
    decision_read_body(&c, 1, &rules, &in);
    cr_assert_eq(check_failed(&c), 0, "%s", json_dumps(c.errors, 0));
    cr_assert_str_eq(in.parent_id, "5f0e2a1b-3c4d-4e5f-8a9b-0c1d2e3f4a5b");
    cr_assert_str_eq(in.hours, "12.0");
    cr_assert_str_eq(in.codes[0], "las_11");
    cr_assert_str_eq(in.hearing.status, "none");
    check_end(&c);
    json_decref(body);
}

Test(decision_spec, a_bad_spec_is_refused_at_pointers_under_the_callers_prefix)
{
    struct decision_spec spec = {
        .case_id = "not-a-uuid",
        .kind = "overall",
        .facts = "  ",
        .hearing = {.status = "sent"},
    };
    const struct decision_read_rules rules = {{2026, 11, 25}, 7};
    json_t *body = decision_spec_body(&spec);
    struct check c;
    struct decision_input in;
    check_begin(&c, body, "/sections/overall_decision");
    decision_read_body(&c, 1, &rules, &in);
    const char *expected[] = {"/sections/overall_decision/case_id", "/sections/overall_decision/facts",
                              "/sections/overall_decision/hearing/sent_on",
                              "/sections/overall_decision/hearing/response_deadline"};
    cr_assert_eq(json_array_size(c.errors), 4, "%s", json_dumps(c.errors, 0));
    for (size_t i = 0; i < 4; i++)
        cr_assert_str_eq(json_string_value(json_object_get(json_array_get(c.errors, i), "pointer")), expected[i]);
    check_end(&c);
    json_decref(body);
}

Test(decision_spec, text_that_is_not_utf8_gives_no_body)
{
    struct decision_spec spec = {.case_id = "0b6a3c58-8d3e-4f0e-9c1a-6f7d2b1e4a90", .kind = "overall",
                                 .reasons = "\xff\xfe"};
    cr_assert_null(decision_spec_body(&spec));
}
