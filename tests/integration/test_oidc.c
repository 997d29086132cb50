/*
 * The service against a real OpenID Provider: tests/idp (npm oidc-provider), started by
 * scripts/test.sh before the service, which is configured with its issuer URL only. Tokens
 * come from the IdP itself: client credentials for staff, the authorization-code flow with
 * PKCE for citizens. The IdP's /dev/ endpoints rotate its keys, take its JWKS down and
 * count what the service fetched. test.sh runs this suite alone, with one job: each test
 * changes the IdP under every other. The service refreshes every 2 s (the JWKS's max-age)
 * and fetches for an unknown kid at most once per 5 s (FREMDRIFT_OIDC_*).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "fixtures.h"

#define STAFF_SECRET "dev-secret-not-for-production"
#define CPR_CLAIM "dk:gov:saml:attribute:CprNumberIdentifier"
/* Generous: the machine is loaded; every wait ends as soon as its condition holds. */
#define WAIT_MS 20000

struct buf {
    char *data;
    size_t len;
};

static size_t on_data(char *p, size_t size, size_t n, void *userdata)
{
    struct buf *b = userdata;
    char *grown = realloc(b->data, b->len + size * n + 1);
    if (grown == NULL)
        return 0;
    b->data = grown;
    memcpy(b->data + b->len, p, size * n);
    b->len += size * n;
    b->data[b->len] = '\0';
    return size * n;
}

static const char *issuer(void)
{
    const char *iss = getenv("FREMDRIFT_TEST_IDP_ISSUER");
    cr_assert_not_null(iss, "FREMDRIFT_TEST_IDP_ISSUER is not set: run through scripts/test.sh");
    return iss;
}

/* GET (form NULL) or POST form to base + path at an IdP; the JSON answer (the caller
 * frees it). Fails the test unless it answers 200 with JSON. */
static json_t *idp_call(const char *base, const char *path, const char *form)
{
    struct buf b = { NULL, 0 };
    char url[512];
    long status = 0;
    CURL *c = curl_easy_init();

    cr_assert_not_null(c);
    snprintf(url, sizeof(url), "%s%s", base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 15L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    if (form != NULL)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, form);
    cr_assert_eq(curl_easy_perform(c), CURLE_OK, "%s", url);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    cr_assert_eq(status, 200, "%s: %ld %s", url, status, b.data ? b.data : "");
    json_t *j = json_loads(b.data, 0, NULL);
    cr_assert_not_null(j, "%s: not JSON", url);
    free(b.data);
    return j;
}

/* A staff access token from client_credentials at the IdP base; the caller frees it. */
static char *staff_token_from(const char *base, const char *client)
{
    char form[256];
    snprintf(form, sizeof(form), "grant_type=client_credentials&client_id=%s&client_secret=%s",
             client, STAFF_SECRET);
    json_t *j = idp_call(base, "/token", form);
    const char *t = json_string_value(json_object_get(j, "access_token"));
    cr_assert_not_null(t);
    char *copy = strdup(t);
    json_decref(j);
    return copy;
}

static char *staff_token(const char *client)
{
    return staff_token_from(issuer(), client);
}

/* A citizen's access token, signed in through the IdP's login form with PKCE by
 * tests/idp/citizen-token.mjs; the caller frees it. */
static char *citizen_token(const char *login)
{
    const char *redirect = getenv("FREMDRIFT_TEST_PORTAL_REDIRECT");
    char *root = fx_repo_root(), cmd[1024], line[8192];
    cr_assert_not_null(redirect);
    snprintf(cmd, sizeof(cmd), "node '%s/tests/idp/citizen-token.mjs' '%s' '%s' '%s'", root,
             issuer(), login, redirect);
    free(root);
    fflush(NULL);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char *got = fgets(line, sizeof(line), p);
    int rc = pclose(p);
    cr_assert(got != NULL && rc == 0, "citizen-token.mjs failed (%d)", rc);
    line[strcspn(line, "\n")] = '\0';
    return strdup(line);
}

/* The IdP's count of requests served at name ("jwks", "discovery", "token"). */
static long idp_count(const char *base, const char *name)
{
    json_t *j = idp_call(base, "/dev/stats", NULL);
    long n = (long)json_integer_value(json_object_get(j, name));
    json_decref(j);
    return n;
}

static void idp_dev(const char *what)
{
    char path[64];
    snprintf(path, sizeof(path), "/dev/%s", what);
    json_decref(idp_call(issuer(), path, ""));
}

/* The status of GET path with bearer token. */
static int call_status(const char *path, const char *token)
{
    struct http_response r;
    cr_assert_eq(http_json("GET", path, token, NULL, NULL, 0, &r), 0, "%s", http_last_error());
    int status = r.status;
    http_response_free(&r);
    return status;
}

/* Polls until GET path with token answers want, or WAIT_MS pass; returns the last status. */
static int await_status(const char *path, const char *token, int want)
{
    long long until = fx_now_ms() + WAIT_MS;
    int status;
    while ((status = call_status(path, token)) != want && fx_now_ms() < until)
        fx_pause_ms(200);
    return status;
}

/* /readyz's identity provider entry for our issuer (the caller frees it), and its status. */
static json_t *readiness(int *status, const char **overall)
{
    static char state[16];
    struct http_response r;
    cr_assert_eq(http_request("GET", "/readyz", NULL, 0, NULL, 0, &r), 0);
    *status = r.status;
    json_t *body = fx_body(&r);
    http_response_free(&r);
    snprintf(state, sizeof(state), "%s", json_string_value(json_object_get(body, "status")) ?: "");
    *overall = state;
    json_t *found = NULL, *item;
    size_t i;
    json_array_foreach(json_object_get(body, "identity_providers"), i, item) {
        if (strcmp(json_string_value(json_object_get(item, "issuer")) ?: "", issuer()) == 0)
            found = json_incref(item);
    }
    json_decref(body);
    cr_assert_not_null(found, "/readyz lists no entry for %s", issuer());
    return found;
}

static void header_of(const char *token, char *alg, char *typ, char *kid, size_t cap)
{
    json_t *h = fx_token_header(token);
    snprintf(alg, cap, "%s", json_string_value(json_object_get(h, "alg")) ?: "");
    snprintf(typ, cap, "%s", json_string_value(json_object_get(h, "typ")) ?: "");
    snprintf(kid, cap, "%s", json_string_value(json_object_get(h, "kid")) ?: "");
    json_decref(h);
}

static void oidc_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void oidc_fini(void)
{
    /* Whatever a failed test left behind, the next one finds the IdP serving keys. */
    if (getenv("FREMDRIFT_TEST_IDP_ISSUER") != NULL) {
        CURL *c = curl_easy_init();
        char url[512];
        snprintf(url, sizeof(url), "%s/dev/up", getenv("FREMDRIFT_TEST_IDP_ISSUER"));
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
        struct buf b = { NULL, 0 };
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
        curl_easy_perform(c);
        curl_easy_cleanup(c);
        free(b.data);
    }
    curl_global_cleanup();
}

TestSuite(oidc, .init = oidc_init, .fini = oidc_fini, .timeout = 120);

Test(oidc, keys_from_discovery_verify_staff_and_citizen_access_tokens)
{
    char *staff = staff_token("staff-caseworker-101");
    char *citizen = citizen_token("borger-anna");
    char alg[16], typ[16], kid[160];

    /* What oidc-provider sends: RFC 9068 access tokens, which libjwt 1.10 would refuse. */
    header_of(staff, alg, typ, kid, sizeof(alg));
    cr_assert_str_eq(alg, "RS256");
    cr_assert_str_eq(typ, "at+jwt");
    header_of(citizen, alg, typ, kid, sizeof(alg));
    cr_assert_str_eq(alg, "ES256");
    cr_assert_str_eq(typ, "at+jwt");

    cr_assert_eq(call_status("/v1/cases", staff), 200);
    /* The citizen is known by NemLog-in's CPR claim; the role follows from its issuer. */
    cr_assert_eq(call_status("/v1/me/cases", citizen), 200);
    /* A citizen token is no staff token. */
    cr_assert_eq(call_status("/v1/cases", citizen), 403);

    int status;
    const char *overall;
    json_t *idp = readiness(&status, &overall);
    cr_assert_eq(status, 200);
    cr_assert(json_integer_value(json_object_get(idp, "keys")) >= 2);
    cr_assert(json_is_true(json_object_get(idp, "reachable")));
    json_decref(idp);
    free(staff);
    free(citizen);
}

Test(oidc, role_comes_from_the_roles_array_and_must_be_one)
{
    char *auditor = staff_token("staff-auditor-101");
    char *two = staff_token("staff-two-roles-101");
    char *board = staff_token("staff-appeals-board");

    /* ["auditor", "unrelated-app-role"]: other applications' roles are ignored. */
    cr_assert_eq(call_status("/v1/cases", auditor), 200);
    /* ["caseworker", "auditor"]: ambiguous, refused rather than guessed. */
    cr_assert_eq(call_status("/v1/cases", two), 401);
    /* A national role needs no municipality claim. */
    cr_assert_eq(call_status("/v1/appeals", board), 200);
    free(auditor);
    free(two);
    free(board);
}

Test(oidc, rotated_key_accepted_without_restart_old_kept_until_gone)
{
    char *before = staff_token("staff-caseworker-101");
    char alg[16], typ[16], old_kid[160], new_kid[160];
    header_of(before, alg, typ, old_kid, sizeof(alg));
    cr_assert_eq(call_status("/v1/cases", before), 200);

    idp_dev("rotate");
    char *after = staff_token("staff-caseworker-101");
    header_of(after, alg, typ, new_kid, sizeof(alg));
    cr_assert_str_neq(new_kid, old_kid, "the IdP signs with its new key");
    /* The new kid is fetched (unknown kid, or the 2 s schedule) by the running service. */
    cr_assert_eq(await_status("/v1/cases", after, 200), 200);
    /* The old key is still published, so it is still accepted. */
    cr_assert_eq(call_status("/v1/cases", before), 200);

    idp_dev("retire");
    /* Gone from the JWKS: dropped at the next scheduled refresh. */
    cr_assert_eq(await_status("/v1/cases", before, 401), 401);
    cr_assert_eq(call_status("/v1/cases", after), 200);
    free(before);
    free(after);
}

Test(oidc, idp_down_keeps_last_keys_and_readiness_says_degraded)
{
    char *token = staff_token("staff-caseworker-101");
    cr_assert_eq(call_status("/v1/cases", token), 200);

    idp_dev("down");
    long long until = fx_now_ms() + WAIT_MS;
    int status;
    const char *overall = "";
    json_t *idp = NULL;
    do {
        json_decref(idp);
        fx_pause_ms(200);
        idp = readiness(&status, &overall);
    } while (json_is_true(json_object_get(idp, "reachable")) && fx_now_ms() < until);
    cr_assert(json_is_false(json_object_get(idp, "reachable")), "readiness never saw the IdP down");
    cr_assert_eq(status, 200, "last good keys are kept: still ready");
    cr_assert_str_eq(overall, "degraded");
    cr_assert_not_null(strstr(json_string_value(json_object_get(idp, "error")) ?: "", "HTTP 503"));
    cr_assert(json_integer_value(json_object_get(idp, "keys")) >= 2);
    json_decref(idp);
    /* Tokens signed with the kept keys still pass. */
    cr_assert_eq(call_status("/v1/cases", token), 200);

    idp_dev("up");
    until = fx_now_ms() + WAIT_MS;
    idp = NULL;
    do {
        json_decref(idp);
        fx_pause_ms(200);
        idp = readiness(&status, &overall);
    } while (!json_is_true(json_object_get(idp, "reachable")) && fx_now_ms() < until);
    cr_assert(json_is_true(json_object_get(idp, "reachable")));
    cr_assert_str_eq(overall, "ready");
    json_decref(idp);
    free(token);
}

Test(oidc, a_flood_of_unknown_kids_costs_the_idp_few_fetches)
{
    enum { FLOOD = 120 };
    json_t *claims = fx_claims("caseworker", "flood", "101", NULL);
    json_object_set_new(claims, "iss", json_string(issuer()));
    /* Any private key will do: the kid is unknown, so no signature is ever checked. */
    const char *key_file = getenv("FREMDRIFT_SIGNING_KEY");
    cr_assert_not_null(key_file);
    FILE *f = fopen(key_file, "rb");
    cr_assert_not_null(f);
    unsigned char key[8192];
    size_t key_len = fread(key, 1, sizeof(key), f);
    fclose(f);
    long before = idp_count(issuer(), "jwks");
    long long start = fx_now_ms();

    for (int i = 0; i < FLOOD; i++) {
        char kid[40];
        snprintf(kid, sizeof(kid), "made-up-%016llx", (unsigned long long)fx_random_u64());
        char *t = fx_sign_raw(claims, "ES256", kid, key, key_len);
        cr_assert_eq(call_status("/v1/cases", t), 401);
        free(t);
        fx_pause_ms(20);
    }
    double seconds = (double)(fx_now_ms() - start) / 1000.0;
    long fetched = idp_count(issuer(), "jwks") - before;
    /* One for the unknown kids per 5 s, one scheduled per 2 s, and one in flight at each
     * end; without the bound it would be one per token. */
    long bound = 2 + (long)(seconds / 5.0) + 1 + (long)(seconds / 2.0) + 1;
    cr_assert(fetched <= bound, "%ld JWKS fetches for %d unknown kids in %.1f s (bound %ld)",
              fetched, FLOOD, seconds, bound);
    cr_assert_lt(bound, FLOOD / 4, "the flood must outlast the bound to show anything");
    json_decref(claims);
}

Test(oidc, token_from_an_issuer_not_configured_is_refused_and_never_fetched)
{
    const char *other = getenv("FREMDRIFT_TEST_OTHER_IDP_ISSUER");
    cr_assert_not_null(other);
    char *token = staff_token_from(other, "staff-caseworker-101");
    long jwks_before = idp_count(other, "jwks");

    struct http_response r;
    cr_assert_eq(http_json("GET", "/v1/cases", token, NULL, NULL, 0, &r), 0);
    fx_assert_problem(&r, 401);
    http_response_free(&r);
    /* The service never fetches keys from an issuer a token names. */
    cr_assert_eq(idp_count(other, "jwks"), jwks_before);
    cr_assert_eq(jwks_before, 0);
    free(token);
}
