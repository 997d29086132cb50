/* Unit tests for the key ring's start-up (service/auth/keyring.c): no key at all is no
 * start, with a message that says where keys were looked for. */
#include <criterion/criterion.h>

#include <string.h>

#include "auth/keyring.h"

static const struct idp_settings quick = { 1, 60, 1, { 2, 65536, NULL } };

Test(keyring, no_key_file_and_no_identity_provider_is_refused)
{
    struct keyring k;
    char err[512] = "";

    cr_assert_eq(keyring_init(&k, "", "", &quick, err, sizeof(err)), -1);
    cr_assert_not_null(strstr(err, "no verification key at all"), "%s", err);
    cr_assert_not_null(strstr(err, "FREMDRIFT_OIDC_ISSUERS"), "%s", err);
    keyring_destroy(&k);
}

Test(keyring, an_unreachable_identity_provider_and_no_other_key_is_refused, .timeout = 30)
{
    struct keyring k;
    char err[512] = "";

    /* Port 1 on loopback: nothing listens, the connection is refused at once. */
    cr_assert_eq(keyring_init(&k, "", "[{\"issuer\": \"http://127.0.0.1:1\"}]", &quick, err,
                              sizeof(err)), -1);
    cr_assert_not_null(strstr(err, "no verification key at all"), "%s", err);
    cr_assert_not_null(strstr(err, "http://127.0.0.1:1"), "%s", err);
    keyring_destroy(&k);
}

Test(keyring, a_bad_identity_provider_configuration_is_refused)
{
    struct keyring k;
    char err[512] = "";

    cr_assert_eq(keyring_init(&k, "", "[{\"issuer\": \"http://idp.example\"}]", &quick, err,
                              sizeof(err)), -1);
    cr_assert_not_null(strstr(err, "FREMDRIFT_OIDC_ISSUERS"), "%s", err);
    cr_assert_not_null(strstr(err, "https"), "%s", err);
    keyring_destroy(&k);
}
