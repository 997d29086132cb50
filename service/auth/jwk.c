/* Turns a JWKS document into verification keys with OpenSSL 3's EVP_PKEY_fromdata. */
#include "auth/jwk.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "auth/b64url.h"

/* 8192-bit RSA at most: larger moduli are no real IdP's and cost seconds to verify. */
#define JWK_MAX_BYTES 1024

/* Members only a private key has (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
static const char *const private_members[] = { "d", "p", "q", "dp", "dq", "qi", "oth", "k" };

/* Decodes a base64url member into buf (JWK_MAX_BYTES); its length, or 0 when absent or bad. */
static size_t member_bytes(json_t *jwk, const char *name, unsigned char *buf)
{
    const char *s = json_string_value(json_object_get(jwk, name));
    size_t len;

    if (s == NULL)
        return 0;
    len = strlen(s);
    if (len == 0 || len > JWK_MAX_BYTES * 4 / 3 || !b64url_canonical(s, len))
        return 0;
    return b64url_decode(s, len, buf);
}

static int lists_string(json_t *array, const char *want)
{
    size_t i;
    json_t *v;

    json_array_foreach(array, i, v) {
        if (json_is_string(v) && strcmp(json_string_value(v), want) == 0)
            return 1;
    }
    return 0;
}

/* EVP_PKEY_fromdata for a public key of type name with the built params. */
static EVP_PKEY *from_params(const char *name, OSSL_PARAM_BLD *bld)
{
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, name, NULL);
    EVP_PKEY *pkey = NULL;

    if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
        pkey = NULL;
    OSSL_PARAM_free(params);
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

static EVP_PKEY *rsa_key(json_t *jwk, const char **why)
{
    unsigned char n_bytes[JWK_MAX_BYTES], e_bytes[JWK_MAX_BYTES];
    size_t n_len = member_bytes(jwk, "n", n_bytes), e_len = member_bytes(jwk, "e", e_bytes);
    BIGNUM *n = NULL, *e = NULL;
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY *pkey = NULL;

    /* A leading zero byte is not minimal (RFC 7518 §6.3.1.1); e is small in practice. */
    if (n_len == 0 || n_bytes[0] == 0 || e_len == 0 || e_len > 8 || e_bytes[0] == 0) {
        *why = "RSA key needs base64url n and e";
        return NULL;
    }
    n = BN_bin2bn(n_bytes, (int)n_len, NULL);
    e = BN_bin2bn(e_bytes, (int)e_len, NULL);
    bld = OSSL_PARAM_BLD_new();
    if (n != NULL && e != NULL && bld != NULL
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) == 1
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) == 1)
        pkey = from_params("RSA", bld);
    if (pkey == NULL)
        *why = "RSA key is not usable";
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return pkey;
}

static EVP_PKEY *ec_key(json_t *jwk, const char **why)
{
    unsigned char x[JWK_MAX_BYTES], y[JWK_MAX_BYTES], point[65];
    const char *crv = json_string_value(json_object_get(jwk, "crv"));
    OSSL_PARAM_BLD *bld = NULL;
    EVP_PKEY_CTX *check = NULL;
    EVP_PKEY *pkey = NULL;

    if (crv == NULL || strcmp(crv, "P-256") != 0) {
        *why = "EC key is not on curve P-256";
        return NULL;
    }
    if (member_bytes(jwk, "x", x) != 32 || member_bytes(jwk, "y", y) != 32) {
        *why = "P-256 key needs x and y of 32 bytes each";
        return NULL;
    }
    point[0] = 0x04;    /* uncompressed */
    memcpy(point + 1, x, 32);
    memcpy(point + 33, y, 32);
    bld = OSSL_PARAM_BLD_new();
    if (bld != NULL
        && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1
        && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point)) == 1)
        pkey = from_params("EC", bld);
    OSSL_PARAM_BLD_free(bld);
    /* A point off the curve would make every signature check meaningless. */
    if (pkey != NULL) {
        check = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
        if (check == NULL || EVP_PKEY_public_check(check) != 1) {
            EVP_PKEY_free(pkey);
            pkey = NULL;
        }
        EVP_PKEY_CTX_free(check);
    }
    if (pkey == NULL)
        *why = "EC key is not a point on P-256";
    return pkey;
}

EVP_PKEY *jwk_public_key(json_t *jwk, char alg[6], const char **why)
{
    const char *kty, *use, *want;
    json_t *ops, *alg_member;
    EVP_PKEY *pkey;

    alg[0] = '\0';
    if (!json_is_object(jwk)) {
        *why = "key is not an object";
        return NULL;
    }
    for (size_t i = 0; i < sizeof(private_members) / sizeof(private_members[0]); i++) {
        if (json_object_get(jwk, private_members[i]) != NULL) {
            *why = "key has private or symmetric members";
            return NULL;
        }
    }
    use = json_string_value(json_object_get(jwk, "use"));
    if (json_object_get(jwk, "use") != NULL && (use == NULL || strcmp(use, "sig") != 0)) {
        *why = "key is not for signatures (use)";
        return NULL;
    }
    ops = json_object_get(jwk, "key_ops");
    if (ops != NULL && !(json_is_array(ops) && lists_string(ops, "verify"))) {
        *why = "key is not for verification (key_ops)";
        return NULL;
    }
    kty = json_string_value(json_object_get(jwk, "kty"));
    if (kty != NULL && strcmp(kty, "RSA") == 0)
        want = "RS256";
    else if (kty != NULL && strcmp(kty, "EC") == 0)
        want = "ES256";
    else {
        *why = "key type is not RSA or EC";
        return NULL;
    }
    alg_member = json_object_get(jwk, "alg");
    if (alg_member != NULL
        && !(json_is_string(alg_member) && strcmp(json_string_value(alg_member), want) == 0)) {
        *why = "key alg is not RS256 (RSA) or ES256 (EC)";
        return NULL;
    }
    pkey = want[0] == 'R' ? rsa_key(jwk, why) : ec_key(jwk, why);
    ERR_clear_error();
    if (pkey != NULL)
        strcpy(alg, want);
    return pkey;
}

struct keyset *jwk_parse_set(const char *text, size_t len, const char *issuer, int low_s_only,
                             char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *keys = json_object_get(root, "keys"), *jwk;
    struct keyset *ks = NULL;
    const char *first_skip = NULL;
    size_t i, skipped = 0;

    if (!json_is_object(root) || !json_is_array(keys)) {
        snprintf(err, errlen, "not a JWKS (an object with a keys array)");
        goto fail;
    }
    if (json_array_size(keys) > JWK_MAX_KEYS) {
        snprintf(err, errlen, "JWKS has %zu keys, more than %d", json_array_size(keys), JWK_MAX_KEYS);
        goto fail;
    }
    ks = keyset_new(json_array_size(keys));
    if (ks == NULL) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    json_array_foreach(keys, i, jwk) {
        const char *why = NULL, *msg;
        const char *kid = json_string_value(json_object_get(jwk, "kid"));
        char alg[6];
        EVP_PKEY *pkey = NULL;

        if (kid == NULL)
            why = "key has no kid";
        else
            pkey = jwk_public_key(jwk, alg, &why);
        if (pkey == NULL) {
            if (first_skip == NULL)
                first_skip = why;
            skipped++;
            continue;
        }
        if (keyset_find(ks, kid) != NULL) {
            EVP_PKEY_free(pkey);
            snprintf(err, errlen, "JWKS keys[%zu]: two usable keys with one kid", i);
            goto fail;
        }
        msg = keyset_add(ks, kid, alg, issuer, pkey, low_s_only);
        EVP_PKEY_free(pkey);
        if (msg != NULL) {
            if (first_skip == NULL)
                first_skip = msg;
            skipped++;
        }
    }
    if (keyset_count(ks) == 0) {
        snprintf(err, errlen, "JWKS has no usable signing key (%zu skipped%s%s)", skipped,
                 first_skip ? "; first: " : "", first_skip ? first_skip : "");
        goto fail;
    }
    json_decref(root);
    return ks;

fail:
    keyset_free(ks);
    json_decref(root);
    return NULL;
}
