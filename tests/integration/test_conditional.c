/* What browser front-ends and contract tooling rely on around ETags: a read with the ETag
 * the caller holds answers 304 (and is still access-logged: it tells the caller that the
 * personal data they hold is current), CORS exposes the headers a front-end needs, and
 * the contract's If-Match parameter lets the service answer 428 and 412 itself. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fixtures.h"

#define ALLOWED_ORIGIN "https://portal.example"

struct opened {
    struct fx_actor cw;
    char citizen[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
    char path[128];             /* the case */
    char decision[FX_UUID_LEN];
    char decision_path[128];    /* a draft decision on the case, version 1 */
};

static void open_case(struct opened *o)
{
    char cpr[11];
    fx_staff(&o->cw, "caseworker", FX_MUNICIPALITY);
    fx_new_case(&o->cw, cpr, o->citizen, o->case_id);
    snprintf(o->path, sizeof(o->path), "/v1/cases/%s", o->case_id);
    fx_draft_decision(&o->cw, o->case_id, "fleksjob", NULL, o->decision);
    snprintf(o->decision_path, sizeof(o->decision_path), "/v1/decisions/%s", o->decision);
}

/* GET path as actor with If-None-Match: value and a fresh X-Request-Id (written to
 * request_id when not NULL). */
static void get_if_none_match(const struct fx_actor *a, const char *path, const char *value, char request_id[64],
                              struct http_response *r)
{
    char id[64];
    fx_unique("edges-inm", id, sizeof(id));
    const struct http_header h[] = {{"If-None-Match", value}, {"X-Request-Id", id}};
    fx_call("GET", path, a, NULL, h, 2, r);
    if (request_id)
        snprintf(request_id, 64, "%s", id);
}

Test(conditional, a_read_with_the_current_etag_answers_304_and_is_logged, .timeout = FX_TIMEOUT)
{
    struct opened o;
    open_case(&o);
    char request_id[64];
    struct http_response r;
    get_if_none_match(&o.cw, o.decision_path, "\"1\"", request_id, &r);
    fx_assert_status(&r, 304);
    cr_assert_eq(r.body_len, 0, "a 304 carries no body: %s", r.body);
    const char *etag = http_response_header(&r, "ETag");
    cr_assert(etag && strcmp(etag, "\"1\"") == 0, "a 304 names the ETag it confirms, got %s", etag ? etag : "none");
    http_response_free(&r);

    struct fx_actor auditor;
    fx_staff(&auditor, "auditor", FX_MUNICIPALITY);
    json_t *rows = fx_access_log_rows(&auditor, o.decision);
    fx_assert_logged(rows, request_id, "read", "decision", &o.cw, o.citizen);
    json_decref(rows);
    fx_actor_free(&auditor);
    fx_actor_free(&o.cw);
}

Test(conditional, any_current_etag_of_a_list_or_a_star_or_a_weak_twin_matches, .timeout = FX_TIMEOUT)
{
    struct opened o;
    open_case(&o);
    static const char *const matching[] = {"\"7\", \"1\"", "*", "W/\"1\"", " \"2\" ,W/\"1\" "};
    for (size_t i = 0; i < sizeof(matching) / sizeof(matching[0]); i++) {
        struct http_response r;
        get_if_none_match(&o.cw, o.decision_path, matching[i], NULL, &r);
        cr_assert_eq(r.status, 304, "If-None-Match: %s answered %d", matching[i], r.status);
        http_response_free(&r);
    }
    fx_actor_free(&o.cw);
}

Test(conditional, a_changed_resource_is_sent_whole, .timeout = FX_TIMEOUT)
{
    struct opened o;
    open_case(&o);
    const struct http_header version1[] = {{"If-Match", "\"1\""}};
    struct http_response r;
    fx_call("PATCH", o.decision_path, &o.cw, json_pack("{s:s}", "subject", "Fleksjob, ny vurdering"), version1, 1, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    static const char *const stale[] = {"\"1\"", "\"02\"", "\"2", "", "W/\"2", "\"1\", \"3\""};
    for (size_t i = 0; i < sizeof(stale) / sizeof(stale[0]); i++) {
        get_if_none_match(&o.cw, o.decision_path, stale[i], NULL, &r);
        cr_assert_eq(r.status, 200, "If-None-Match: %s answered %d", stale[i], r.status);
        json_t *doc = fx_body(&r);
        fx_assert_member(doc, "subject", "Fleksjob, ny vurdering");
        json_decref(doc);
        http_response_free(&r);
    }
    fx_actor_free(&o.cw);
}

/* Each resource whose document is its stored version answers a conditional read alike. */
Test(conditional, every_read_of_a_versioned_document_answers_304, .timeout = FX_TIMEOUT)
{
    struct opened o;
    open_case(&o);
    char today[11], intervention[FX_UUID_LEN], review[FX_UUID_LEN], issued[FX_UUID_LEN], appeal[FX_UUID_LEN];
    fx_today(today);
    fx_create_intervention(&o.cw, o.case_id, "mentor", today, 4, intervention);
    fx_schedule_review(&o.cw, o.case_id, today, review);
    fx_issued_decision(&o.cw, o.case_id, "placement", "refused", today, issued);
    fx_file_appeal(&o.cw, issued, today, "written", NULL, appeal);
    char paths[4][128];
    snprintf(paths[0], sizeof(paths[0]), "/v1/interventions/%s", intervention);
    snprintf(paths[1], sizeof(paths[1]), "/v1/reviews/%s", review);
    snprintf(paths[2], sizeof(paths[2]), "/v1/decisions/%s", issued);
    snprintf(paths[3], sizeof(paths[3]), "/v1/appeals/%s", appeal);
    for (size_t i = 0; i < 4; i++) {
        struct http_response r;
        fx_call("GET", paths[i], &o.cw, NULL, NULL, 0, &r);
        fx_assert_status(&r, 200);
        char etag[64];
        const char *got = http_response_header(&r, "ETag");
        cr_assert_not_null(got, "GET %s carries no ETag", paths[i]);
        snprintf(etag, sizeof(etag), "%s", got);
        http_response_free(&r);
        get_if_none_match(&o.cw, paths[i], etag, NULL, &r);
        cr_assert_eq(r.status, 304, "GET %s with If-None-Match %s answered %d", paths[i], etag, r.status);
        http_response_free(&r);
    }
    fx_actor_free(&o.cw);
}

/* A case holds flags and its next review computed from today's date, which change with no
 * new version: its ETag cannot vouch for yesterday's copy, so the case is always sent. */
Test(conditional, a_case_and_its_flags_are_always_sent_whole, .timeout = FX_TIMEOUT)
{
    struct opened o;
    open_case(&o);
    char flags[160];
    snprintf(flags, sizeof(flags), "%s/flags", o.path);
    const char *const paths[] = {o.path, flags};
    for (size_t i = 0; i < 2; i++) {
        struct http_response r;
        get_if_none_match(&o.cw, paths[i], "\"1\"", NULL, &r);
        fx_assert_status(&r, 200);
        json_decref(fx_body(&r));
        http_response_free(&r);
    }
    fx_actor_free(&o.cw);
}

Test(conditional, cors_exposes_what_a_front_end_reads, .timeout = FX_TIMEOUT)
{
    struct opened o;
    open_case(&o);
    const struct http_header h[] = {{"Origin", ALLOWED_ORIGIN}};
    struct http_response r;
    fx_call("GET", o.path, &o.cw, NULL, h, 1, &r);
    fx_assert_status(&r, 200);
    const char *exposed = http_response_header(&r, "Access-Control-Expose-Headers");
    cr_assert_not_null(exposed, "no Access-Control-Expose-Headers for an allowed origin");
    static const char *const needed[] = {"ETag", "Location", "Retry-After", "X-Request-Id", "Idempotent-Replayed",
                                         "Content-Disposition"};
    for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
        cr_assert_not_null(strcasestr(exposed, needed[i]), "%s is not exposed: %s", needed[i], exposed);
    http_response_free(&r);
    fx_actor_free(&o.cw);
}

/* The If-Match parameter of the contract, as served: neither required nor patterned, so
 * that a validating proxy lets a missing or weak If-Match through to the service, which
 * answers 428 or 412 as the description says. */
Test(conditional, the_contract_lets_the_service_judge_if_match, .timeout = FX_TIMEOUT)
{
    struct http_response r;
    fx_call("GET", "/openapi.yaml", NULL, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    static const char *const names[] = {"\n    IfMatch:\n", "\n    IfMatchOptional:\n"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *start = strstr(r.body, names[i]);
        cr_assert_not_null(start, "openapi.yaml has no component parameter %s", names[i]);
        start += strlen(names[i]);
        /* The block ends where the next component at the same indentation starts. */
        const char *end = start;
        while ((end = strchr(end, '\n')) && strncmp(end + 1, "      ", 6) == 0)
            end++;
        int len = end ? (int)(end - start) : (int)strlen(start);
        cr_assert(!memmem(start, (size_t)len, "required: true", 14), "If-Match is required in the schema:\n%.*s",
                  len, start);
        cr_assert(!memmem(start, (size_t)len, "pattern:", 8), "If-Match has a pattern:\n%.*s", len, start);
        cr_assert(memmem(start, (size_t)len, "428", 3) || i == 1, "IfMatch does not say 428:\n%.*s", len, start);
    }
    http_response_free(&r);

    /* And the service answers as it says. */
    struct opened o;
    open_case(&o);
    fx_call("PATCH", o.path, &o.cw, json_pack("{s:s}", "caseworker", "cw-edges"), NULL, 0, &r);
    fx_assert_problem(&r, 428);
    http_response_free(&r);
    const struct http_header weak[] = {{"If-Match", "W/\"1\""}};
    fx_call("PATCH", o.path, &o.cw, json_pack("{s:s}", "caseworker", "cw-edges"), weak, 1, &r);
    fx_assert_problem(&r, 412);
    http_response_free(&r);
    fx_actor_free(&o.cw);
}
