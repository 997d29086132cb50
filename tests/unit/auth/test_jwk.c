/*
 * Unit tests for JWKS parsing (service/auth/jwk.c) and the signature check the keys are
 * used with (service/auth/jws.c). Keys are made per test with OpenSSL and published as the
 * JWK members an identity provider would send.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "auth/b64url.h"
#include "auth/jwk.h"
#include "auth/jws.h"
#include "auth/keys.h"

#define ISS "https://idp.example"

static json_t *b64(const unsigned char *data, size_t len)
{
    char out[2048];

    cr_assert_lt(len, 1500);
    b64url_encode(data, len, out);
    return json_string(out);
}

/* The public JWK of an EC key {kty, crv, x, y, kid}; the caller adds or removes members. */
static json_t *ec_jwk(EVP_PKEY *key, const char *kid)
{
    unsigned char point[65];
    size_t len = 0;

    cr_assert_eq(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point,
                                                 sizeof(point), &len), 1);
    cr_assert_eq(len, 65);
    return json_pack("{s:s, s:s, s:o, s:o, s:s}", "kty", "EC", "crv", "P-256", "x",
                     b64(point + 1, 32), "y", b64(point + 33, 32), "kid", kid);
}

static json_t *rsa_jwk(EVP_PKEY *key, const char *kid)
{
    BIGNUM *n = NULL, *e = NULL;
    unsigned char nb[1024], eb[16];
    int n_len, e_len;

    cr_assert_eq(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n), 1);
    cr_assert_eq(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e), 1);
    n_len = BN_bn2bin(n, nb);
    e_len = BN_bn2bin(e, eb);
    BN_free(n);
    BN_free(e);
    return json_pack("{s:s, s:o, s:o, s:s}", "kty", "RSA", "n", b64(nb, (size_t)n_len), "e",
                     b64(eb, (size_t)e_len), "kid", kid);
}

/* Parses {"keys": [keys...]} (keys consumed); err receives the reason on NULL. */
static struct keyset *parse(json_t *keys, int low_s_only, char *err, size_t errlen)
{
    json_t *doc = json_pack("{s:o}", "keys", keys);
    char *text = json_dumps(doc, JSON_COMPACT);
    struct keyset *ks;

    err[0] = '\0';
    ks = jwk_parse_set(text, strlen(text), ISS, low_s_only, err, errlen);
    free(text);
    json_decref(doc);
    return ks;
}

/* Signs input with key (ES256 as raw r||s); returns the signature length. */
static size_t sign(EVP_PKEY *key, const char *input, unsigned char *out)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[1024];
    size_t len = sizeof(der);

    cr_assert_eq(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    cr_assert_eq(EVP_DigestSign(md, der, &len, (const unsigned char *)input, strlen(input)), 1);
    EVP_MD_CTX_free(md);
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
        memcpy(out, der, len);
        return len;
    }
    const unsigned char *p = der;
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
    cr_assert_not_null(sig);
    cr_assert_eq(BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, 32), 32);
    cr_assert_eq(BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + 32, 32), 32);
    ECDSA_SIG_free(sig);
    return 64;
}

Test(jwk, ec_and_rsa_keys_become_pinned_keys_that_verify)
{
    EVP_PKEY *ec = EVP_EC_gen("P-256"), *rsa = EVP_RSA_gen(2048);
    char err[256];
    unsigned char sig[512];
    size_t len;
    struct keyset *ks = parse(json_pack("[o, o]", ec_jwk(ec, "ec-1"), rsa_jwk(rsa, "rsa-1")), 1,
                              err, sizeof(err));
    const struct token_key *k;

    cr_assert_not_null(ks, "%s", err);
    cr_assert_eq(keyset_count(ks), 2);
    k = keyset_find(ks, "ec-1");
    cr_assert_str_eq(k->alg, "ES256");
    cr_assert_str_eq(k->issuer, ISS);
    cr_assert(k->low_s_only);
    len = sign(ec, "header.payload", sig);
    jws_es256_make_low_s(sig);
    cr_assert_eq(jws_verify(k->pkey, k->alg, "header.payload", 14, sig, len, 1), JWS_OK);
    cr_assert_eq(jws_verify(k->pkey, k->alg, "header.payloaD", 14, sig, len, 1), JWS_BAD_SIGNATURE);

    k = keyset_find(ks, "rsa-1");
    cr_assert_str_eq(k->alg, "RS256");
    len = sign(rsa, "header.payload", sig);
    cr_assert_eq(jws_verify(k->pkey, k->alg, "header.payload", 14, sig, len, 1), JWS_OK);
    cr_assert_eq(jws_verify(k->pkey, "ES256", "header.payload", 14, sig, len, 1), JWS_KEY_MISMATCH);
    keyset_free(ks);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(rsa);
}

Test(jwk, alg_and_use_when_given_are_respected)
{
    EVP_PKEY *ec = EVP_EC_gen("P-256"), *rsa = EVP_RSA_gen(2048);
    json_t *enc = rsa_jwk(rsa, "enc"), *rs_as_es = rsa_jwk(rsa, "wrong-alg");
    json_t *ps256 = rsa_jwk(rsa, "ps256"), *sig_use = ec_jwk(ec, "sig");
    json_t *encrypt_only = ec_jwk(ec, "ops"), *verify_ops = rsa_jwk(rsa, "verify-ops");
    char err[256];
    struct keyset *ks;

    json_object_set_new(enc, "use", json_string("enc"));
    json_object_set_new(rs_as_es, "alg", json_string("ES256"));
    json_object_set_new(ps256, "alg", json_string("PS256"));
    json_object_set_new(sig_use, "use", json_string("sig"));
    json_object_set_new(sig_use, "alg", json_string("ES256"));
    json_object_set_new(encrypt_only, "key_ops", json_pack("[s]", "encrypt"));
    json_object_set_new(verify_ops, "key_ops", json_pack("[s]", "verify"));
    ks = parse(json_pack("[o, o, o, o, o, o]", enc, rs_as_es, ps256, sig_use, encrypt_only,
                         verify_ops), 0, err, sizeof(err));
    cr_assert_not_null(ks, "%s", err);
    cr_assert_eq(keyset_count(ks), 2);
    cr_assert_not_null(keyset_find(ks, "sig"));
    cr_assert_not_null(keyset_find(ks, "verify-ops"));
    cr_assert_not(keyset_find(ks, "sig")->low_s_only);
    keyset_free(ks);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(rsa);
}

Test(jwk, keys_that_must_never_verify_are_skipped)
{
    EVP_PKEY *ec = EVP_EC_gen("P-256"), *small = EVP_RSA_gen(1024);
    json_t *private_ec = ec_jwk(ec, "private"), *p384_jwk = ec_jwk(ec, "p384");
    json_t *oct = json_pack("{s:s, s:s, s:s}", "kty", "oct", "k", "c2VjcmV0", "kid", "hmac");
    json_t *no_kid = ec_jwk(ec, "x"), *long_kid = ec_jwk(ec, "x"), *good = ec_jwk(ec, "good");
    char err[256], kid[200];
    struct keyset *ks;

    json_object_set_new(private_ec, "d", json_string("AAAA"));
    json_object_set_new(p384_jwk, "crv", json_string("P-384"));
    json_object_del(no_kid, "kid");
    memset(kid, 'k', 129);
    kid[129] = '\0';
    json_object_set_new(long_kid, "kid", json_string(kid));
    ks = parse(json_pack("[o, o, o, o, o, o, o]", private_ec, p384_jwk, oct, no_kid, long_kid,
                         rsa_jwk(small, "rsa-1024"), good), 1, err, sizeof(err));
    cr_assert_not_null(ks, "%s", err);
    cr_assert_eq(keyset_count(ks), 1);
    cr_assert_not_null(keyset_find(ks, "good"));
    keyset_free(ks);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(small);
}

Test(jwk, a_point_off_the_curve_is_refused)
{
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    json_t *jwk = ec_jwk(ec, "off");
    unsigned char y[32];
    const char *why = NULL;
    char alg[6];
    const char *ys = json_string_value(json_object_get(jwk, "y"));

    b64url_decode(ys, strlen(ys), y);
    y[31] ^= 1;
    json_object_set_new(jwk, "y", b64(y, 32));
    cr_assert_null(jwk_public_key(jwk, alg, &why));
    cr_assert_not_null(why);
    json_decref(jwk);
    EVP_PKEY_free(ec);
}

Test(jwk, non_canonical_base64url_is_refused)
{
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    json_t *jwk = ec_jwk(ec, "pad");
    char padded[64];
    const char *why = NULL;
    char alg[6];

    snprintf(padded, sizeof(padded), "%s=", json_string_value(json_object_get(jwk, "x")));
    json_object_set_new(jwk, "x", json_string(padded));
    cr_assert_null(jwk_public_key(jwk, alg, &why));
    json_decref(jwk);
    EVP_PKEY_free(ec);
}

Test(jwk, documents_that_are_not_a_usable_jwks_are_refused)
{
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    char err[256];
    struct keyset *ks;

    cr_assert_null(jwk_parse_set("not json", 8, ISS, 1, err, sizeof(err)));
    cr_assert_null(jwk_parse_set("[]", 2, ISS, 1, err, sizeof(err)));
    cr_assert_null(jwk_parse_set("{\"keys\":{}}", 11, ISS, 1, err, sizeof(err)));
    cr_assert_null(parse(json_array(), 1, err, sizeof(err)));
    cr_assert(strstr(err, "no usable signing key") != NULL, "%s", err);
    ks = parse(json_pack("[{s:s, s:s}]", "kty", "EC", "kid", "no-coordinates"), 1, err, sizeof(err));
    cr_assert_null(ks);
    cr_assert(strstr(err, "1 skipped") != NULL, "%s", err);
    ks = parse(json_pack("[o, o]", ec_jwk(ec, "same"), ec_jwk(ec, "same")), 1, err, sizeof(err));
    cr_assert_null(ks);
    cr_assert(strstr(err, "one kid") != NULL, "%s", err);
    EVP_PKEY_free(ec);
}

Test(jwk, more_than_the_limit_of_keys_is_refused)
{
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    json_t *keys = json_array();
    char err[256], kid[16];

    for (int i = 0; i <= JWK_MAX_KEYS; i++) {
        snprintf(kid, sizeof(kid), "k%d", i);
        json_array_append_new(keys, ec_jwk(ec, kid));
    }
    cr_assert_null(parse(keys, 1, err, sizeof(err)));
    cr_assert(strstr(err, "more than") != NULL, "%s", err);
    EVP_PKEY_free(ec);
}

Test(jws, high_s_is_refused_only_when_asked)
{
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    unsigned char sig[64], twin[64];
    BIGNUM *order = NULL, *s;

    sign(ec, "a.b", sig);
    jws_es256_make_low_s(sig);
    memcpy(twin, sig, 64);
    s = BN_bin2bn(sig + 32, 32, NULL);
    cr_assert(BN_hex2bn(&order, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551") > 0);
    cr_assert_eq(BN_sub(s, order, s), 1);
    cr_assert_eq(BN_bn2binpad(s, twin + 32, 32), 32);
    cr_assert(jws_es256_high_s(twin));
    cr_assert_eq(jws_verify(ec, "ES256", "a.b", 3, sig, 64, 1), JWS_OK);
    cr_assert_eq(jws_verify(ec, "ES256", "a.b", 3, twin, 64, 1), JWS_HIGH_S);
    cr_assert_eq(jws_verify(ec, "ES256", "a.b", 3, twin, 64, 0), JWS_OK);
    /* make_low_s undoes the twin exactly. */
    cr_assert_eq(jws_es256_make_low_s(twin), 1);
    cr_assert_eq(memcmp(twin, sig, 64), 0);
    cr_assert_eq(jws_verify(ec, "ES256", "a.b", 3, sig, 63, 0), JWS_BAD_SIGNATURE);
    BN_free(s);
    BN_free(order);
    EVP_PKEY_free(ec);
}

/* A refresh that brings the same keys must not empty the signature cache. */
Test(jwk, the_same_jwks_twice_gives_equal_sets_and_a_rotation_does_not)
{
    EVP_PKEY *ec = EVP_EC_gen("P-256"), *ec2 = EVP_EC_gen("P-256");
    char err[256];
    struct keyset *a = parse(json_pack("[o]", ec_jwk(ec, "k1")), 0, err, sizeof(err));
    struct keyset *b = parse(json_pack("[o]", ec_jwk(ec, "k1")), 0, err, sizeof(err));
    struct keyset *same_kid = parse(json_pack("[o]", ec_jwk(ec2, "k1")), 0, err, sizeof(err));
    struct keyset *rotated = parse(json_pack("[o, o]", ec_jwk(ec2, "k2"), ec_jwk(ec, "k1")), 0,
                                   err, sizeof(err));

    cr_assert(keyset_equal(a, b));
    cr_assert_not(keyset_equal(a, same_kid));
    cr_assert_not(keyset_equal(a, rotated));
    cr_assert_not(keyset_equal(NULL, a));
    keyset_free(a);
    keyset_free(b);
    keyset_free(same_kid);
    keyset_free(rotated);
    EVP_PKEY_free(ec);
    EVP_PKEY_free(ec2);
}
