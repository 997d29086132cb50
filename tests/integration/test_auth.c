/* Authentication and authorisation over HTTP against the running service: every way a
 * bearer token can be wrong answers 401 with a Bearer challenge and a problem body that
 * never quotes the token, skew is honoured, both configured algorithms work, and a role
 * that may never do an action gets 403. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixtures.h"

/* A path every staff role but appeals_board may read: a 200 proves the token passed. */
#define PROTECTED "/v1/cases?limit=1"

/* Fails unless text holds no piece of token that could identify it: the whole token,
 * or its payload or signature segment. */
static void assert_not_echoed(const char *text, const char *token, const char *where)
{
    if (!text)
        return;
    cr_assert_null(strstr(text, token), "the %s echoes the token", where);
    const char *dot1 = strchr(token, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (!dot2)
        return;
    char segment[4096];
    size_t n = (size_t)(dot2 - dot1 - 1);
    if (n >= 16 && n < sizeof(segment)) {
        memcpy(segment, dot1 + 1, n);
        segment[n] = '\0';
        cr_assert_null(strstr(text, segment), "the %s echoes the token's payload", where);
    }
    if (strlen(dot2 + 1) >= 16)
        cr_assert_null(strstr(text, dot2 + 1), "the %s echoes the token's signature", where);
}

/* GET PROTECTED with token must answer 401 with an invalid_token Bearer challenge. */
static void assert_rejected(const char *token, const char *what)
{
    struct http_response r;
    int rc = http_json("GET", PROTECTED, token, NULL, NULL, 0, &r);
    cr_assert_eq(rc, 0, "%s: no response: %s", what, http_last_error());
    cr_assert_eq(r.status, 401, "a token %s answered %d, not 401: %.300s", what, r.status, r.body);
    fx_assert_problem(&r, 401);
    const char *challenge = http_response_header(&r, "WWW-Authenticate");
    cr_assert_not_null(challenge, "a 401 for a token %s has no WWW-Authenticate", what);
    cr_assert(strncmp(challenge, "Bearer ", 7) == 0, "challenge is not Bearer: %s", challenge);
    cr_assert_not_null(strstr(challenge, "error=\"invalid_token\""),
                       "a token %s: challenge lacks error=\"invalid_token\": %s", what, challenge);
    assert_not_echoed(r.body, token, "problem body");
    assert_not_echoed(challenge, token, "WWW-Authenticate header");
    http_response_free(&r);
}

static void assert_bad_kind_rejected(enum fx_bad_token kind)
{
    const char *what = NULL;
    char *token = fx_bad_token(kind, &what);
    assert_rejected(token, what);
    free(token);
}

/* GET PROTECTED with token must answer 200. */
static void assert_accepted(const char *token, const char *what)
{
    struct http_response r;
    int rc = http_json("GET", PROTECTED, token, NULL, NULL, 0, &r);
    cr_assert_eq(rc, 0, "%s: no response: %s", what, http_last_error());
    cr_assert_eq(r.status, 200, "a token %s answered %d, not 200: %.300s", what, r.status, r.body);
    http_response_free(&r);
}

Test(auth, no_token_is_401_with_a_bearer_challenge, .timeout = FX_TIMEOUT)
{
    struct http_response r;
    fx_call("GET", PROTECTED, NULL, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 401);
    const char *challenge = http_response_header(&r, "WWW-Authenticate");
    cr_assert_not_null(challenge, "a 401 without WWW-Authenticate");
    cr_assert(strncmp(challenge, "Bearer", 6) == 0, "challenge is not Bearer: %s", challenge);
    http_response_free(&r);
}

Test(auth, basic_credentials_are_401_with_a_bearer_challenge, .timeout = FX_TIMEOUT)
{
    const struct http_header h[] = {{"Authorization", "Basic YWRtaW46YWRtaW4="}};
    struct http_response r;
    fx_call("GET", PROTECTED, NULL, NULL, h, 1, &r);
    fx_assert_problem(&r, 401);
    const char *challenge = http_response_header(&r, "WWW-Authenticate");
    cr_assert(challenge && strncmp(challenge, "Bearer", 6) == 0, "challenge: %s",
              challenge ? challenge : "(none)");
    http_response_free(&r);
}

Test(auth, garbage_token_is_401, .timeout = FX_TIMEOUT)
{
    assert_rejected("not-a-jwt-at-all-0123456789abcdef", "that is not a JWT");
}

Test(auth, signature_by_another_key_is_401, .timeout = FX_TIMEOUT)
{
    assert_bad_kind_rejected(FX_BAD_OTHER_KEY);
}

Test(auth, payload_changed_after_signing_is_401, .timeout = FX_TIMEOUT)
{
    assert_bad_kind_rejected(FX_BAD_TAMPERED);
}

/* The hostile token really is what it claims to be, so a pass means something. */
static void assert_token_alg(const char *token, const char *want)
{
    json_t *header = fx_token_header(token);
    const char *alg = json_string_value(json_object_get(header, "alg"));
    cr_assert(alg && strcmp(alg, want) == 0, "the hostile token has alg %s, not %s", alg ? alg : "(none)",
              want);
    json_decref(header);
}

Test(auth, alg_none_is_401, .timeout = FX_TIMEOUT)
{
    char *token = fx_bad_token(FX_BAD_ALG_NONE, NULL);
    assert_token_alg(token, "none");
    assert_rejected(token, "with alg none");
    free(token);
}

Test(auth, hs256_with_the_public_key_as_secret_is_401, .timeout = FX_TIMEOUT)
{
    char *token = fx_bad_token(FX_BAD_HS256_PUBLIC_KEY, NULL);
    assert_token_alg(token, "HS256");
    assert_rejected(token, "HS256-signed with the RS256 public key as secret");
    free(token);
}

Test(auth, unknown_kid_is_401, .timeout = FX_TIMEOUT)
{
    assert_bad_kind_rejected(FX_BAD_UNKNOWN_KID);
}

Test(auth, expired_beyond_the_skew_is_401, .timeout = FX_TIMEOUT)
{
    assert_bad_kind_rejected(FX_BAD_EXPIRED);
}

Test(auth, not_yet_valid_is_401, .timeout = FX_TIMEOUT)
{
    assert_bad_kind_rejected(FX_BAD_NOT_YET_VALID);
}

Test(auth, wrong_issuer_is_401, .timeout = FX_TIMEOUT)
{
    assert_bad_kind_rejected(FX_BAD_WRONG_ISSUER);
}

Test(auth, wrong_audience_is_401, .timeout = FX_TIMEOUT)
{
    assert_bad_kind_rejected(FX_BAD_WRONG_AUDIENCE);
}

Test(auth, no_role_is_401, .timeout = FX_TIMEOUT)
{
    assert_bad_kind_rejected(FX_BAD_NO_ROLE);
}

Test(auth, unknown_role_is_401, .timeout = FX_TIMEOUT)
{
    assert_bad_kind_rejected(FX_BAD_UNKNOWN_ROLE);
}

Test(auth, staff_without_municipality_is_401, .timeout = FX_TIMEOUT)
{
    assert_bad_kind_rejected(FX_BAD_STAFF_NO_MUNICIPALITY);
}

Test(auth, citizen_without_cpr_is_401, .timeout = FX_TIMEOUT)
{
    /* A citizen path, so the 401 cannot be mistaken for the role being refused. */
    const char *what;
    char *token = fx_bad_token(FX_BAD_CITIZEN_NO_CPR, &what);
    struct http_response r;
    cr_assert_eq(http_json("GET", "/v1/me", token, NULL, NULL, 0, &r), 0, "%s", http_last_error());
    fx_assert_problem(&r, 401);
    cr_assert_not_null(http_response_header(&r, "WWW-Authenticate"));
    assert_not_echoed(r.body, token, "problem body");
    http_response_free(&r);
    free(token);
}

Test(auth, valid_es256_token_is_accepted, .timeout = FX_TIMEOUT)
{
    char sub[64];
    fx_unique("caseworker", sub, sizeof(sub));
    char *token = fx_token("caseworker", sub, FX_MUNICIPALITY, NULL);
    assert_accepted(token, "signed ES256 by the configured key");
    free(token);
}

Test(auth, valid_rs256_token_is_accepted, .timeout = FX_TIMEOUT)
{
    char sub[64];
    fx_unique("team_lead", sub, sizeof(sub));
    json_t *claims = fx_claims("team_lead", sub, FX_MUNICIPALITY, NULL);
    char *token = fx_sign(claims, FX_RS256);
    json_decref(claims);
    assert_accepted(token, "signed RS256 by the configured key");
    free(token);
}

Test(auth, expired_within_the_skew_is_accepted, .timeout = FX_TIMEOUT)
{
    char sub[64];
    fx_unique("caseworker", sub, sizeof(sub));
    json_t *claims = fx_claims("caseworker", sub, FX_MUNICIPALITY, NULL);
    json_int_t now = (json_int_t)time(NULL);
    json_object_set_new(claims, "iat", json_integer(now - 600));
    json_object_set_new(claims, "exp", json_integer(now - 20));
    char *token = fx_sign(claims, FX_ES256);
    json_decref(claims);
    assert_accepted(token, "expired 20 s ago (inside the 60 s skew)");
    free(token);
}

Test(auth, not_before_within_the_skew_is_accepted, .timeout = FX_TIMEOUT)
{
    char sub[64];
    fx_unique("caseworker", sub, sizeof(sub));
    json_t *claims = fx_claims("caseworker", sub, FX_MUNICIPALITY, NULL);
    json_object_set_new(claims, "nbf", json_integer((json_int_t)time(NULL) + 20));
    char *token = fx_sign(claims, FX_ES256);
    json_decref(claims);
    assert_accepted(token, "valid from 20 s ahead (inside the 60 s skew)");
    free(token);
}

/* A valid token of a role the route never allows: 403 problem, no challenge needed. */
static void assert_forbidden(const char *method, const char *path, const struct fx_actor *a, json_t *body,
                             const struct http_header *extra, size_t n_extra)
{
    struct http_response r;
    fx_call(method, path, a, body, extra, n_extra, &r);
    cr_assert_eq(r.status, 403, "%s %s as %s answered %d, not 403: %.300s", method, path, a->role, r.status,
                 r.body);
    fx_assert_problem(&r, 403);
    assert_not_echoed(r.body, a->token, "problem body");
    http_response_free(&r);
}

Test(auth, citizen_may_not_create_a_case, .timeout = FX_TIMEOUT)
{
    struct fx_actor staff, citizen;
    char cpr[11], citizen_id[FX_UUID_LEN];
    fx_staff(&staff, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&staff, cpr, citizen_id);
    fx_citizen(&citizen, cpr);
    assert_forbidden("POST", "/v1/cases", &citizen,
                     json_pack("{s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen_id, "target_group",
                               "jobparat", "target_group_since", "2025-03-01", "benefit", "kontanthjaelp",
                               "benefit_start", "2025-03-01"),
                     NULL, 0);
    fx_actor_free(&citizen);
    fx_actor_free(&staff);
}

Test(auth, integration_may_not_change_a_case_and_the_case_is_unchanged, .timeout = FX_TIMEOUT)
{
    struct fx_actor staff, integration;
    char cpr[11], citizen_id[FX_UUID_LEN], case_id[FX_UUID_LEN], path[64];
    fx_staff(&staff, "caseworker", FX_MUNICIPALITY);
    fx_staff(&integration, "integration", FX_MUNICIPALITY);
    fx_new_citizen(&staff, cpr, citizen_id);
    fx_create_case(&staff, citizen_id, NULL, case_id);
    snprintf(path, sizeof(path), "/v1/cases/%s", case_id);
    const struct http_header if_match[] = {{"If-Match", "\"1\""}};
    assert_forbidden("PATCH", path, &integration, json_pack("{s:s}", "caseworker", "someone-else"), if_match,
                     1);

    struct http_response r;
    fx_call("GET", path, &integration, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    cr_assert_str_eq(json_string_value(json_object_get(doc, "caseworker")), staff.sub);
    cr_assert_eq(json_integer_value(json_object_get(doc, "version")), 1);
    json_decref(doc);
    http_response_free(&r);
    fx_actor_free(&integration);
    fx_actor_free(&staff);
}

Test(auth, auditor_may_not_register_a_citizen, .timeout = FX_TIMEOUT)
{
    struct fx_actor auditor;
    char cpr[11];
    fx_staff(&auditor, "auditor", FX_MUNICIPALITY);
    fx_random_cpr(cpr);
    assert_forbidden("POST", "/v1/citizens", &auditor, json_pack("{s:s}", "cpr", cpr), NULL, 0);
    fx_actor_free(&auditor);
}

Test(auth, appeals_board_may_not_list_cases, .timeout = FX_TIMEOUT)
{
    struct fx_actor board;
    fx_staff(&board, "appeals_board", FX_MUNICIPALITY);
    assert_forbidden("GET", "/v1/cases", &board, NULL, NULL, 0);
    fx_actor_free(&board);
}

Test(auth, citizen_may_not_search_citizens, .timeout = FX_TIMEOUT)
{
    struct fx_actor citizen;
    char cpr[11];
    fx_random_cpr(cpr);
    fx_citizen(&citizen, cpr);
    assert_forbidden("POST", "/v1/citizens/search", &citizen, json_pack("{s:s}", "cpr", cpr), NULL, 0);
    fx_actor_free(&citizen);
}

Test(auth, staff_may_not_use_citizen_self_service, .timeout = FX_TIMEOUT)
{
    struct fx_actor staff;
    fx_staff(&staff, "caseworker", FX_MUNICIPALITY);
    assert_forbidden("GET", "/v1/me/cases", &staff, NULL, NULL, 0);
    fx_actor_free(&staff);
}
