/*
 * Unit tests for claim names per issuer (service/auth/claim_map.c) and the identity
 * provider configuration (service/auth/idp.c): what an issuer may assert, and which URLs
 * the service will ever fetch.
 */
#include <criterion/criterion.h>

#include <string.h>

#include <jansson.h>

#include "auth/claim_map.h"
#include "auth/fetch.h"
#include "auth/idp.h"
#include "auth/roles.h"

static struct claim_map map_of(const char *json)
{
    struct claim_map m;
    char err[256] = "";
    json_t *obj = json_loads(json, 0, NULL);

    cr_assert_not_null(obj, "%s", json);
    cr_assert_eq(claim_map_from_json(obj, &m, err, sizeof(err)), 0, "%s", err);
    json_decref(obj);
    return m;
}

static int role_of(const struct claim_map *m, const char *claims_json, char role[16])
{
    json_t *claims = json_loads(claims_json, 0, NULL);
    int rc;

    cr_assert_not_null(claims);
    rc = claim_map_role(m, claims, role);
    json_decref(claims);
    return rc;
}

Test(claim_map, defaults_are_the_key_files_claim_names)
{
    struct claim_map m = map_of("{}");
    char role[16];

    cr_assert_str_eq(m.role_claim, "role");
    cr_assert_str_eq(m.cpr_claim, "cpr");
    cr_assert_str_eq(m.municipality_claim, "municipality");
    cr_assert_eq(role_of(&m, "{\"role\":\"auditor\"}", role), 0);
    cr_assert_str_eq(role, "auditor");
    cr_assert_eq(role_of(&m, "{}", role), -1);
    cr_assert_eq(role_of(&m, "{\"role\":\"admin\"}", role), -1);
}

Test(claim_map, a_fixed_role_cannot_be_changed_by_the_token)
{
    struct claim_map m = map_of("{\"role\":\"citizen\",\"cpr_claim\":\"dk:gov:saml:attribute:CprNumberIdentifier\"}");
    char role[16];

    cr_assert_str_eq(m.role_claim, "");
    cr_assert_eq(m.allowed_roles, ROLE_CITIZEN);
    cr_assert_eq(role_of(&m, "{\"role\":\"caseworker\"}", role), 0);
    cr_assert_str_eq(role, "citizen");
}

Test(claim_map, role_from_an_array_needs_exactly_one_role)
{
    struct claim_map m = map_of("{\"role_claim\":\"roles\",\"roles\":[\"caseworker\",\"auditor\"]}");
    char role[16];

    cr_assert_eq(role_of(&m, "{\"roles\":[\"other-app\",\"auditor\"]}", role), 0);
    cr_assert_str_eq(role, "auditor");
    cr_assert_eq(role_of(&m, "{\"roles\":[\"caseworker\",\"auditor\"]}", role), -1, "ambiguous");
    cr_assert_eq(role_of(&m, "{\"roles\":[\"other-app\"]}", role), -1);
    cr_assert_eq(role_of(&m, "{\"roles\":[]}", role), -1);
    cr_assert_eq(role_of(&m, "{\"roles\":[\"auditor\", 7]}", role), -1);
    cr_assert_eq(role_of(&m, "{\"roles\":{\"auditor\":true}}", role), -1);
    /* Not among the roles this issuer may grant. */
    cr_assert_eq(role_of(&m, "{\"roles\":[\"citizen\"]}", role), -1);
    cr_assert_eq(role_of(&m, "{\"roles\":\"team_lead\"}", role), -1);
}

Test(claim_map, role_claim_with_a_default_role)
{
    struct claim_map m = map_of("{\"role\":\"citizen\",\"role_claim\":\"roles\"}");
    char role[16];

    cr_assert_eq(role_of(&m, "{}", role), 0);
    cr_assert_str_eq(role, "citizen");
    cr_assert_eq(role_of(&m, "{\"roles\":[\"caseworker\"]}", role), 0);
    cr_assert_str_eq(role, "caseworker");
}

Test(claim_map, bad_configuration_is_refused_with_a_reason)
{
    static const char *const bad[] = {
        "{\"role\":\"admin\"}",
        "{\"role\":7}",
        "{\"roles\":[]}",
        "{\"roles\":[\"caseworker\",\"root\"]}",
        "{\"cpr_claim\":\"\"}",
        "{\"role\":\"citizen\",\"role_claim\":\"roles\",\"roles\":[\"caseworker\"]}",
        "{\"rol\":\"citizen\"}",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct claim_map m;
        char err[256] = "";
        json_t *obj = json_loads(bad[i], 0, NULL);
        cr_assert_eq(claim_map_from_json(obj, &m, err, sizeof(err)), -1, "%s", bad[i]);
        cr_assert_neq(err[0], '\0');
        json_decref(obj);
    }
}

Test(idp_config, http_only_to_loopback)
{
    cr_assert(fetch_url_allowed("https://login.example/realms/x"));
    cr_assert(fetch_url_allowed("http://127.0.0.1:8080"));
    cr_assert(fetch_url_allowed("http://[::1]:8080/x"));
    cr_assert(fetch_url_allowed("http://localhost:1/"));
    cr_assert_not(fetch_url_allowed("http://login.example/"));
    cr_assert_not(fetch_url_allowed("http://127.0.0.1.example/"));
    cr_assert_not(fetch_url_allowed("ftp://login.example/"));
    cr_assert_not(fetch_url_allowed("file:///etc/passwd"));
    cr_assert_not(fetch_url_allowed("https://user:pw@login.example/"));
    cr_assert_not(fetch_url_allowed("not a url"));
}

Test(idp_config, issuers_parse_and_bad_ones_are_refused)
{
    struct idp idps[IDP_MAX];
    size_t n = 0;
    char err[400] = "";

    cr_assert_eq(idp_parse_config("[{\"issuer\":\"https://a.example\",\"claims\":{\"role\":\"citizen\"}},"
                                  "{\"issuer\":\"http://127.0.0.1:9\",\"ecdsa_low_s_only\":true}]",
                                  idps, IDP_MAX, &n, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(idps[0].map.role, "citizen");
    cr_assert_not(idps[0].low_s_only);
    cr_assert(idps[1].low_s_only);
    for (size_t i = 0; i < n; i++)
        idp_destroy(&idps[i]);

    static const char *const bad[] = {
        "{}",
        "[{\"issuer\":\"http://idp.example\"}]",
        "[{\"issuer\":\"https://a.example\"},{\"issuer\":\"https://a.example\"}]",
        "[{\"issuer\":\"https://a.example\",\"jwks_uri\":\"https://evil.example\"}]",
        "[{\"issuer\":\"https://a.example\",\"claims\":{\"role\":\"root\"}}]",
        "[{\"issuer\":\"https://a.example\",\"ecdsa_low_s_only\":\"yes\"}]",
        "[{}]",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        cr_assert_eq(idp_parse_config(bad[i], idps, IDP_MAX, &n, err, sizeof(err)), -1, "%s", bad[i]);
        cr_assert_neq(err[0], '\0', "%s", bad[i]);
        for (size_t j = 0; j < n; j++)
            idp_destroy(&idps[j]);
    }
}
