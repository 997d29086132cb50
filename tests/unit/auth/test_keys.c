/*
 * Unit tests for the key set loader (service/keys.c). Keys are generated per test with
 * OpenSSL into a private temporary directory: no key material is committed.
 */

#include <criterion/criterion.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "auth/keys.h"

static char keys_dir[64];

static int keys_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void keys_setup(void)
{
    strcpy(keys_dir, "/tmp/fremdrift-keys-XXXXXX");
    cr_assert_not_null(mkdtemp(keys_dir));
}

static void keys_teardown(void)
{
    nftw(keys_dir, keys_rm, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(keys, .init = keys_setup, .fini = keys_teardown);

static void keys_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", keys_dir, name);
}

static void keys_write_text(const char *name, const char *text)
{
    char path[256];
    FILE *f;

    keys_path(path, sizeof(path), name);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

/* Writes the public (private == 0) or private half of a fresh key to name in the temp dir. */
static void keys_write_key(const char *name, EVP_PKEY *key, int private)
{
    char path[256];
    FILE *f;

    cr_assert_not_null(key);
    keys_path(path, sizeof(path), name);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    if (private)
        cr_assert_eq(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
    else
        cr_assert_eq(PEM_write_PUBKEY(f, key), 1);
    fclose(f);
    EVP_PKEY_free(key);
}

/* One-entry config whose key file is given relative to the config. */
static void keys_write_one(const char *kid, const char *alg, const char *pem_name)
{
    char text[512];

    snprintf(text, sizeof(text),
             "{\"keys\":[{\"kid\":\"%s\",\"alg\":\"%s\",\"issuer\":\"https://idp.example\","
             "\"public_key_file\":\"%s\"}]}",
             kid, alg, pem_name);
    keys_write_text("keys.json", text);
}

/* Loads keys.json from the temp dir, expecting failure, and returns the message in err. */
static void keys_expect_error(char *err, size_t errlen)
{
    char path[256];
    struct keyset *ks;

    keys_path(path, sizeof(path), "keys.json");
    err[0] = '\0';
    ks = keyset_load(path, err, errlen);
    cr_assert_null(ks);
    cr_assert_neq(err[0], '\0');
    cr_assert_not_null(strstr(err, path), "error must name the file: %s", err);
}

Test(keys, valid_file_with_two_keys_loads_both_with_absolute_paths)
{
    char ec_path[256], rsa_path[256], cfg[1024], path[256], err[512] = "";
    struct keyset *ks;
    const struct token_key *k;

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_key("rsa.pub.pem", EVP_RSA_gen(2048), 0);
    keys_path(ec_path, sizeof(ec_path), "ec.pub.pem");
    keys_path(rsa_path, sizeof(rsa_path), "rsa.pub.pem");
    snprintf(cfg, sizeof(cfg),
             "{\"keys\":["
             "{\"kid\":\"dev-es256\",\"alg\":\"ES256\",\"issuer\":\"https://idp.example\","
             "\"public_key_file\":\"%s\"},"
             "{\"kid\":\"kommune.rs256_2025\",\"alg\":\"RS256\",\"issuer\":\"https://staff.example\","
             "\"public_key_file\":\"%s\"}]}",
             ec_path, rsa_path);
    keys_write_text("keys.json", cfg);
    keys_path(path, sizeof(path), "keys.json");

    ks = keyset_load(path, err, sizeof(err));
    cr_assert_not_null(ks, "%s", err);
    cr_assert_eq(keyset_count(ks), 2);

    k = keyset_find(ks, "dev-es256");
    cr_assert_not_null(k);
    cr_assert_str_eq(k->alg, "ES256");
    cr_assert_str_eq(k->issuer, "https://idp.example");
    cr_assert_eq(strncmp(k->pem, "-----BEGIN PUBLIC KEY-----\n", 27), 0);
    cr_assert_eq(strlen(k->pem), k->pem_len);

    k = keyset_find(ks, "kommune.rs256_2025");
    cr_assert_not_null(k);
    cr_assert_str_eq(k->alg, "RS256");
    cr_assert_str_eq(k->issuer, "https://staff.example");

    cr_assert_null(keyset_find(ks, "dev-rs256"));
    cr_assert_null(keyset_find(ks, "DEV-ES256"));
    cr_assert_null(keyset_find(ks, NULL));
    keyset_free(ks);
}

Test(keys, relative_key_path_resolves_against_config_dir_not_cwd)
{
    char sub[256], path[256], err[512] = "";
    struct keyset *ks;

    keys_path(sub, sizeof(sub), "conf");
    cr_assert_eq(mkdir(sub, 0700), 0);
    keys_path(sub, sizeof(sub), "pem");
    cr_assert_eq(mkdir(sub, 0700), 0);
    keys_write_key("pem/ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_key("conf/rsa.pub.pem", EVP_RSA_gen(2048), 0);
    keys_write_text("conf/keys.json",
                    "{\"keys\":["
                    "{\"kid\":\"a\",\"alg\":\"ES256\",\"issuer\":\"https://idp.example\","
                    "\"public_key_file\":\"../pem/ec.pub.pem\"},"
                    "{\"kid\":\"b\",\"alg\":\"RS256\",\"issuer\":\"https://idp.example\","
                    "\"public_key_file\":\"rsa.pub.pem\"}]}");
    cr_assert_eq(chdir("/"), 0);
    keys_path(path, sizeof(path), "conf/keys.json");

    ks = keyset_load(path, err, sizeof(err));
    cr_assert_not_null(ks, "%s", err);
    cr_assert_eq(keyset_count(ks), 2);
    cr_assert_str_eq(keyset_find(ks, "a")->alg, "ES256");
    cr_assert_str_eq(keyset_find(ks, "b")->alg, "RS256");
    keyset_free(ks);
}

Test(keys, kid_of_64_allowed_characters_accepted)
{
    const char *kid = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._";
    char path[256], err[512] = "";
    struct keyset *ks;

    cr_assert_eq(strlen(kid), 64);
    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_one(kid, "ES256", "ec.pub.pem");
    keys_path(path, sizeof(path), "keys.json");
    ks = keyset_load(path, err, sizeof(err));
    cr_assert_not_null(ks, "%s", err);
    cr_assert_not_null(keyset_find(ks, kid));
    keyset_free(ks);
}

Test(keys, unknown_alg_refused)
{
    char err[512];

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_one("k1", "ES384", "ec.pub.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[0].alg"), "%s", err);
}

Test(keys, lowercase_alg_refused)
{
    char err[512];

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_one("k1", "es256", "ec.pub.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[0].alg"), "%s", err);
}

Test(keys, hs256_refused)
{
    char err[512];

    keys_write_key("rsa.pub.pem", EVP_RSA_gen(2048), 0);
    keys_write_one("k1", "HS256", "rsa.pub.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[0].alg"), "%s", err);
}

Test(keys, alg_none_refused)
{
    char err[512];

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_one("k1", "none", "ec.pub.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[0].alg"), "%s", err);
}

Test(keys, private_key_file_refused)
{
    char err[512];

    keys_write_key("ec.key.pem", EVP_EC_gen("P-256"), 1);
    keys_write_one("k1", "ES256", "ec.key.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[0].public_key_file"), "%s", err);
    cr_assert_not_null(strstr(err, "public keys only"), "%s", err);
}

Test(keys, public_key_followed_by_private_key_refused)
{
    char pub_path[256], priv_path[256], both[8192] = "", err[512];
    size_t n;
    FILE *f;

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_key("ec.key.pem", EVP_EC_gen("P-256"), 1);
    keys_path(pub_path, sizeof(pub_path), "ec.pub.pem");
    keys_path(priv_path, sizeof(priv_path), "ec.key.pem");
    f = fopen(pub_path, "r");
    n = fread(both, 1, 4000, f);
    fclose(f);
    f = fopen(priv_path, "r");
    fread(both + n, 1, 4000, f);
    fclose(f);
    keys_write_text("both.pem", both);
    keys_write_one("k1", "ES256", "both.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "public keys only"), "%s", err);
}

Test(keys, ec_key_declared_rs256_refused)
{
    char err[512];

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_one("k1", "RS256", "ec.pub.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[0].public_key_file"), "%s", err);
    cr_assert_not_null(strstr(err, "RS256 needs an RSA public key"), "%s", err);
}

Test(keys, rsa_key_declared_es256_refused)
{
    char err[512];

    keys_write_key("rsa.pub.pem", EVP_RSA_gen(2048), 0);
    keys_write_one("k1", "ES256", "rsa.pub.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "ES256 needs an EC P-256"), "%s", err);
}

Test(keys, ec_p384_key_declared_es256_refused)
{
    char err[512];

    keys_write_key("ec384.pub.pem", EVP_EC_gen("P-384"), 0);
    keys_write_one("k1", "ES256", "ec384.pub.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "ES256 needs an EC P-256"), "%s", err);
}

Test(keys, rsa_1024_refused)
{
    char err[512];

    keys_write_key("rsa1024.pub.pem", EVP_RSA_gen(1024), 0);
    keys_write_one("k1", "RS256", "rsa1024.pub.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[0].public_key_file"), "%s", err);
    cr_assert_not_null(strstr(err, "2048"), "%s", err);
}

Test(keys, duplicate_kid_refused)
{
    char err[512];

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_key("rsa.pub.pem", EVP_RSA_gen(2048), 0);
    keys_write_text("keys.json",
                    "{\"keys\":["
                    "{\"kid\":\"same\",\"alg\":\"ES256\",\"issuer\":\"https://idp.example\","
                    "\"public_key_file\":\"ec.pub.pem\"},"
                    "{\"kid\":\"same\",\"alg\":\"RS256\",\"issuer\":\"https://idp.example\","
                    "\"public_key_file\":\"rsa.pub.pem\"}]}");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[1].kid"), "%s", err);
}

Test(keys, kid_with_bad_characters_refused)
{
    const char *bad[] = { "dev es256", "../etc/passwd", "kid\\\"", "", "\\u00e6ble" };
    char err[512];

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        keys_write_one(bad[i], "ES256", "ec.pub.pem");
        keys_expect_error(err, sizeof(err));
        cr_assert_not_null(strstr(err, "keys[0].kid"), "kid %zu: %s", i, err);
    }
}

Test(keys, kid_of_65_characters_refused)
{
    char kid[66], err[512];

    memset(kid, 'k', 65);
    kid[65] = '\0';
    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_one(kid, "ES256", "ec.pub.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[0].kid"), "%s", err);
}

Test(keys, missing_config_file_refused)
{
    char err[512];

    keys_expect_error(err, sizeof(err));
}

Test(keys, missing_public_key_file_refused)
{
    char err[512];

    keys_write_one("k1", "ES256", "absent.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[0].public_key_file"), "%s", err);
    cr_assert_not_null(strstr(err, "absent.pem"), "%s", err);
}

Test(keys, public_key_file_not_pem_refused)
{
    char err[512];

    keys_write_text("junk.pem", "this is not a key\n");
    keys_write_one("k1", "ES256", "junk.pem");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[0].public_key_file"), "%s", err);
}

Test(keys, unknown_field_in_entry_refused)
{
    char err[512];

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_text("keys.json",
                    "{\"keys\":[{\"kid\":\"k1\",\"alg\":\"ES256\",\"issuer\":\"https://idp.example\","
                    "\"public_key_file\":\"ec.pub.pem\",\"jwks_uri\":\"https://evil.example\"}]}");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[0]"), "%s", err);
    cr_assert_not_null(strstr(err, "jwks_uri"), "%s", err);
}

Test(keys, unknown_top_level_field_refused)
{
    char err[512];

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_text("keys.json",
                    "{\"keys\":[{\"kid\":\"k1\",\"alg\":\"ES256\",\"issuer\":\"https://idp.example\","
                    "\"public_key_file\":\"ec.pub.pem\"}],\"allow_none\":true}");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "allow_none"), "%s", err);
}

Test(keys, missing_issuer_refused)
{
    char err[512];

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_text("keys.json",
                    "{\"keys\":[{\"kid\":\"k1\",\"alg\":\"ES256\","
                    "\"public_key_file\":\"ec.pub.pem\"}]}");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[0].issuer"), "%s", err);
}

Test(keys, error_names_the_failing_entry_index)
{
    char err[512];

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_text("keys.json",
                    "{\"keys\":["
                    "{\"kid\":\"k1\",\"alg\":\"ES256\",\"issuer\":\"https://idp.example\","
                    "\"public_key_file\":\"ec.pub.pem\"},"
                    "{\"kid\":\"k2\",\"alg\":\"ES256\",\"issuer\":\"https://idp.example\","
                    "\"public_key_file\":42}]}");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys[1].public_key_file"), "%s", err);
}

Test(keys, empty_key_list_refused)
{
    char err[512];

    keys_write_text("keys.json", "{\"keys\":[]}");
    keys_expect_error(err, sizeof(err));
    cr_assert_not_null(strstr(err, "keys"), "%s", err);
}

Test(keys, not_json_refused)
{
    char err[512];

    keys_write_text("keys.json", "keys: [dev-es256]\n");
    keys_expect_error(err, sizeof(err));
}

Test(keys, duplicate_json_member_refused)
{
    char err[512];

    keys_write_key("ec.pub.pem", EVP_EC_gen("P-256"), 0);
    keys_write_text("keys.json",
                    "{\"keys\":[{\"kid\":\"k1\",\"alg\":\"ES256\",\"alg\":\"HS256\","
                    "\"issuer\":\"https://idp.example\",\"public_key_file\":\"ec.pub.pem\"}]}");
    keys_expect_error(err, sizeof(err));
}

Test(keys, free_and_count_accept_null)
{
    keyset_free(NULL);
    cr_assert_eq(keyset_count(NULL), 0);
    cr_assert_null(keyset_find(NULL, "k1"));
}
