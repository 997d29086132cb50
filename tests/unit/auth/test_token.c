/*
 * Unit tests for token verification (service/token.c), one test per check. Keys are made
 * per test with OpenSSL in a temporary directory; hostile tokens are built by hand here so
 * that each is valid in every respect but the one under test. Every verdict is also taken
 * through the signature cache, on a miss and then on a (possible) hit, and must not change.
 */

#include <criterion/criterion.h>

#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <jwt.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>

#include "auth/b64url.h"
#include "auth/jws.h"
#include "auth/keys.h"
#include "auth/sigcache.h"
#include "auth/token.h"
#include "auth/token_sign.h"

#define NOW 1767225600L /* 2026-01-01T00:00:00Z */
#define LEEWAY 30
#define AUD "fremdrift-api"
#define ISS_ES "https://idp.example"
#define ISS_RS "https://staff-idp.example"

static const char *const tok_issuers[] = { ISS_ES, ISS_RS };
static const struct token_policy tok_policy = { tok_issuers, 2, AUD, LEEWAY, 0, NULL, 0 };

static char tok_dir[64];
static struct keyset *tok_ks;
static struct sigcache *tok_sigs;
static EVP_PKEY *tok_ec;        /* private half of dev-es256 */
static EVP_PKEY *tok_rsa;       /* private half of dev-rs256 */
static EVP_PKEY *tok_ec_other;  /* an EC key the service does not know */
static struct claims tok_out;

static int tok_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void tok_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tok_dir, name);
}

static void tok_write_key(const char *name, EVP_PKEY *key, int private)
{
    char path[256];
    FILE *f;

    tok_path(path, sizeof(path), name);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    if (private)
        cr_assert_eq(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
    else
        cr_assert_eq(PEM_write_PUBKEY(f, key), 1);
    fclose(f);
}

static void tok_write_config(int with_rsa)
{
    char path[256], err[512] = "";
    FILE *f;

    tok_path(path, sizeof(path), "keys.json");
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"keys\":["
          "{\"kid\":\"dev-es256\",\"alg\":\"ES256\",\"issuer\":\"" ISS_ES "\","
          "\"public_key_file\":\"ec.pub.pem\"}",
          f);
    if (with_rsa)
        fputs(",{\"kid\":\"dev-rs256\",\"alg\":\"RS256\",\"issuer\":\"" ISS_RS "\","
              "\"public_key_file\":\"rsa.pub.pem\"}",
              f);
    fputs("]}", f);
    fclose(f);
    keyset_free(tok_ks);
    tok_ks = keyset_load(path, err, sizeof(err));
    cr_assert_not_null(tok_ks, "%s", err);
    /* As keyring_reload() does: the cache belongs to the set it was filled under. */
    sigcache_clear(tok_sigs);
}

static void tok_setup(void)
{
    strcpy(tok_dir, "/tmp/fremdrift-token-XXXXXX");
    cr_assert_not_null(mkdtemp(tok_dir));
    tok_sigs = sigcache_create();
    cr_assert_not_null(tok_sigs);
    tok_ec = EVP_EC_gen("P-256");
    tok_ec_other = EVP_EC_gen("P-256");
    cr_assert(tok_ec != NULL && tok_ec_other != NULL);
    tok_write_key("ec.pub.pem", tok_ec, 0);
    tok_write_key("ec.key.pem", tok_ec, 1);
    tok_write_key("ec-other.key.pem", tok_ec_other, 1);
    tok_write_config(0);
}

/*
 * Test-level init (runs after tok_setup) for the tests that need dev-rs256: an RSA-2048
 * key takes ~0.25 s to generate, which in every test would make the suite take 15 s.
 */
static void tok_setup_rsa(void)
{
    tok_rsa = EVP_RSA_gen(2048);
    cr_assert_not_null(tok_rsa);
    tok_write_key("rsa.pub.pem", tok_rsa, 0);
    tok_write_key("rsa.key.pem", tok_rsa, 1);
    tok_write_config(1);
}

static void tok_teardown(void)
{
    keyset_free(tok_ks);
    sigcache_free(tok_sigs);
    EVP_PKEY_free(tok_ec);
    EVP_PKEY_free(tok_ec_other);
    EVP_PKEY_free(tok_rsa);
    nftw(tok_dir, tok_rm, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(token, .init = tok_setup, .fini = tok_teardown);

/* Without the cache, then with it twice (the second call hits when the first accepted). */
static enum token_result tok_verify_at(const struct token_policy *pol, const char *token,
                                       time_t now)
{
    enum token_result plain = token_verify(tok_ks, NULL, pol, token, now, &tok_out);
    enum token_result first = token_verify(tok_ks, tok_sigs, pol, token, now, &tok_out);
    enum token_result again = token_verify(tok_ks, tok_sigs, pol, token, now, &tok_out);

    cr_assert(plain == first && first == again, "no cache %d, miss %d, hit %d", plain, first,
              again);
    return again;
}

static enum token_result tok_verify(const char *token)
{
    return tok_verify_at(&tok_policy, token, NOW);
}

/* Claims valid for the ES256 key; tests change one thing. Staff get municipality 101. */
static json_t *tok_claims(const char *role)
{
    json_t *c = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "iss", ISS_ES, "aud", AUD,
                          "sub", "user-4711", "iat", (json_int_t)(NOW - 60),
                          "nbf", (json_int_t)(NOW - 60), "exp", (json_int_t)(NOW + 600),
                          "role", role);

    cr_assert_not_null(c);
    if (strcmp(role, "citizen") == 0)
        json_object_set_new(c, "cpr", json_string("0101901234"));
    else
        json_object_set_new(c, "municipality", json_string("101"));
    return c;
}

/* Signs claims (consumed) with the named private key file via token_sign(). */
static char *tok_sign_with(const char *key_file, const char *alg, const char *kid, json_t *c)
{
    char path[256], err[256] = "";
    char *t;

    tok_path(path, sizeof(path), key_file);
    t = token_sign(path, alg, kid, c, err, sizeof(err));
    json_decref(c);
    cr_assert_not_null(t, "%s", err);
    return t;
}

static char *tok_sign_es(json_t *c)
{
    return tok_sign_with("ec.key.pem", "ES256", "dev-es256", c);
}

/* Signs claims and asserts the result, for the many claim tests. */
static void tok_expect(json_t *c, enum token_result want)
{
    char *t = tok_sign_es(c);

    cr_assert_eq(tok_verify(t), want, "got %d (%s), want %d", tok_verify(t),
                 token_result_text(tok_verify(t)), want);
    free(t);
}

static char *tok_b64url(const unsigned char *data, size_t len)
{
    char *out = malloc(len / 3 * 4 + 5);
    size_t n;

    cr_assert_not_null(out);
    EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    for (n = 0; out[n] != '\0' && out[n] != '='; n++) {
        if (out[n] == '+')
            out[n] = '-';
        else if (out[n] == '/')
            out[n] = '_';
    }
    out[n] = '\0';
    return out;
}

/* Signs input with key as ES256 (raw r||s, RFC 7518 3.4) or RS256; returns base64url. */
static char *tok_jws_signature(EVP_PKEY *key, const char *input)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[1024], raw[64];
    const unsigned char *p = der;
    size_t len = sizeof(der);
    char *out;

    cr_assert_eq(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key), 1);
    cr_assert_eq(EVP_DigestSign(md, der, &len, (const unsigned char *)input, strlen(input)), 1);
    EVP_MD_CTX_free(md);
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC)
        return tok_b64url(der, len);

    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
    cr_assert_not_null(sig);
    cr_assert_eq(BN_bn2binpad(ECDSA_SIG_get0_r(sig), raw, 32), 32);
    cr_assert_eq(BN_bn2binpad(ECDSA_SIG_get0_s(sig), raw + 32, 32), 32);
    ECDSA_SIG_free(sig);
    /* The form the verifier accepts; OpenSSL leaves half its signatures high-S. */
    jws_es256_make_low_s(raw);
    out = tok_b64url(raw, sizeof(raw));
    return out;
}

/* A compact token from literal header and payload JSON; key NULL = empty signature. */
static char *tok_hand(const char *header, const char *payload, EVP_PKEY *key)
{
    char *h = tok_b64url((const unsigned char *)header, strlen(header));
    char *p = tok_b64url((const unsigned char *)payload, strlen(payload));
    char *input, *sig, *t;

    cr_assert(asprintf(&input, "%s.%s", h, p) > 0);
    sig = key == NULL ? strdup("") : tok_jws_signature(key, input);
    cr_assert(asprintf(&t, "%s.%s", input, sig) > 0);
    free(h);
    free(p);
    free(input);
    free(sig);
    return t;
}

/* A hand-built ES256 token with a valid citizen payload and the given header. */
static char *tok_hand_es(const char *header)
{
    json_t *c = tok_claims("citizen");
    char *payload = json_dumps(c, JSON_COMPACT);
    char *t = tok_hand(header, payload, tok_ec);

    json_decref(c);
    free(payload);
    return t;
}

static char *tok_read_file(const char *name, size_t *len)
{
    char path[256];
    char *buf = calloc(1, 8192);
    FILE *f;

    tok_path(path, sizeof(path), name);
    f = fopen(path, "rb");
    cr_assert(f != NULL && buf != NULL);
    *len = fread(buf, 1, 8191, f);
    fclose(f);
    return buf;
}

/* --- accepted tokens ------------------------------------------------------------------ */

Test(token, valid_es256_citizen_accepted_and_claims_copied)
{
    char *t = tok_sign_es(tok_claims("citizen"));

    cr_assert_eq(tok_verify(t), TOKEN_OK);
    cr_assert_str_eq(tok_out.role, "citizen");
    cr_assert_str_eq(tok_out.sub, "user-4711");
    cr_assert_str_eq(tok_out.cpr, "0101901234");
    cr_assert_str_eq(tok_out.municipality, "");
    cr_assert_str_eq(tok_out.issuer, ISS_ES);
    cr_assert_eq(tok_out.exp, 1767226200L);
    free(t);
}

Test(token, valid_rs256_staff_accepted_and_cpr_not_copied, .init = tok_setup_rsa)
{
    json_t *c = tok_claims("caseworker");
    char *t;

    json_object_set_new(c, "iss", json_string(ISS_RS));
    json_object_set_new(c, "municipality", json_string("751"));
    json_object_set_new(c, "cpr", json_string("0101901234"));
    t = tok_sign_with("rsa.key.pem", "RS256", "dev-rs256", c);
    cr_assert_eq(tok_verify(t), TOKEN_OK);
    cr_assert_str_eq(tok_out.role, "caseworker");
    cr_assert_str_eq(tok_out.municipality, "751");
    cr_assert_str_eq(tok_out.cpr, "");
    cr_assert_str_eq(tok_out.issuer, ISS_RS);
    free(t);
}

Test(token, every_municipal_staff_role_accepted_with_municipality)
{
    const char *staff[] = { "caseworker", "team_lead", "integration", "auditor" };

    for (size_t i = 0; i < 4; i++) {
        char *t = tok_sign_es(tok_claims(staff[i]));
        cr_assert_eq(tok_verify(t), TOKEN_OK, "role %s", staff[i]);
        cr_assert_str_eq(tok_out.role, staff[i]);
        cr_assert_str_eq(tok_out.municipality, "101");
        free(t);
    }
}

Test(token, appeals_board_is_national_and_needs_no_municipality)
{
    json_t *c = tok_claims("appeals_board");

    json_object_del(c, "municipality");
    tok_expect(c, TOKEN_OK);
    cr_assert_str_eq(tok_out.role, "appeals_board");
    cr_assert_str_eq(tok_out.municipality, "");
}

Test(token, appeals_board_municipality_ignored)
{
    json_t *c = tok_claims("appeals_board");

    tok_expect(c, TOKEN_OK);
    cr_assert_str_eq(tok_out.municipality, "");
}

Test(token, citizen_municipality_ignored)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "municipality", json_string("101"));
    tok_expect(c, TOKEN_OK);
    cr_assert_str_eq(tok_out.municipality, "");
    cr_assert_str_eq(tok_out.cpr, "0101901234");
}

Test(token, hand_signed_es256_without_typ_accepted)
{
    char *t = tok_hand_es("{\"alg\":\"ES256\",\"kid\":\"dev-es256\"}");

    cr_assert_eq(tok_verify(t), TOKEN_OK);
    free(t);
}

Test(token, hand_signed_es256_with_typ_jwt_accepted)
{
    char *t = tok_hand_es("{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"typ\":\"JWT\"}");

    cr_assert_eq(tok_verify(t), TOKEN_OK);
    free(t);
}

/* --- 1. shape ------------------------------------------------------------------------- */

Test(token, missing_token_rejected)
{
    cr_assert_eq(tok_verify(NULL), TOKEN_MISSING);
    cr_assert_eq(tok_verify(""), TOKEN_MISSING);
}

Test(token, garbage_rejected)
{
    cr_assert_eq(tok_verify("Bearer hello world"), TOKEN_MALFORMED);
    cr_assert_eq(tok_verify("..."), TOKEN_MALFORMED);
}

Test(token, two_segments_rejected)
{
    char *t = tok_sign_es(tok_claims("citizen"));

    *strrchr(t, '.') = '\0';
    cr_assert_eq(tok_verify(t), TOKEN_MALFORMED);
    free(t);
}

Test(token, four_segments_rejected)
{
    char *t = tok_sign_es(tok_claims("citizen"));
    char *t4;

    cr_assert(asprintf(&t4, "%s.AAAA", t) > 0);
    cr_assert_eq(tok_verify(t4), TOKEN_MALFORMED);
    free(t);
    free(t4);
}

Test(token, empty_header_or_payload_segment_rejected)
{
    cr_assert_eq(tok_verify(".eyJhIjoxfQ.AAAA"), TOKEN_MALFORMED);
    cr_assert_eq(tok_verify("eyJhIjoxfQ..AAAA"), TOKEN_MALFORMED);
}

Test(token, bad_base64_character_rejected)
{
    char *t = tok_sign_es(tok_claims("citizen"));
    char *payload = strchr(t, '.') + 1;

    payload[3] = '+';
    cr_assert_eq(tok_verify(t), TOKEN_MALFORMED);
    payload[3] = '=';
    cr_assert_eq(tok_verify(t), TOKEN_MALFORMED);
    free(t);
}

Test(token, base64_padding_rejected)
{
    char *t = tok_hand_es("{\"alg\":\"ES256\",\"kid\":\"dev-es256\"}");
    char *padded;

    cr_assert(asprintf(&padded, "%s==", t) > 0);
    cr_assert_eq(tok_verify(padded), TOKEN_MALFORMED);
    free(t);
    free(padded);
}

Test(token, base64_impossible_length_rejected)
{
    char *t = tok_sign_es(tok_claims("citizen"));
    char *longer;

    /* An ES256 signature is 86 characters; 89 is 1 mod 4, which no byte string encodes to. */
    cr_assert(asprintf(&longer, "%sAAA", t) > 0);
    cr_assert_eq(tok_verify(longer), TOKEN_MALFORMED);
    free(t);
    free(longer);
}

Test(token, base64_noncanonical_trailing_bits_rejected)
{
    char *t = tok_sign_es(tok_claims("citizen"));
    char *last = t + strlen(t) - 1;
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    long v = strchr(alphabet, *last) - alphabet;

    /* 86 characters carry 516 bits for 512: the last character's low 4 bits must be 0. */
    cr_assert_eq(strlen(strrchr(t, '.') + 1), 86);
    cr_assert_eq(v & 0x0f, 0);
    *last = alphabet[v | 1];
    cr_assert_eq(tok_verify(t), TOKEN_MALFORMED);
    free(t);
}

Test(token, token_of_8192_bytes_accepted_and_8193_rejected)
{
    char *found[2] = { NULL, NULL };
    json_t *c = tok_claims("citizen");
    char *payload_base = json_dumps(c, JSON_COMPACT);

    json_decref(c);
    /* Two paddings (header and payload) reach every total length despite base64 steps. */
    for (int hp = 0; hp < 3 && (found[0] == NULL || found[1] == NULL); hp++) {
        for (int pp = 5000; pp < 7000 && (found[0] == NULL || found[1] == NULL); pp++) {
            char header[64], *payload, *t;
            size_t len;

            snprintf(header, sizeof(header), "{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"x\":\"%.*s\"}",
                     hp, "pad");
            cr_assert(asprintf(&payload, "{\"pad\":\"%0*d\",%s", pp, 0, payload_base + 1) > 0);
            t = tok_hand(header, payload, tok_ec);
            free(payload);
            len = strlen(t);
            if (len == 8192 && found[0] == NULL)
                found[0] = t;
            else if (len == 8193 && found[1] == NULL)
                found[1] = t;
            else
                free(t);
        }
    }
    free(payload_base);
    cr_assert_not_null(found[0]);
    cr_assert_not_null(found[1]);
    cr_assert_eq(tok_verify(found[0]), TOKEN_OK);
    cr_assert_eq(tok_verify(found[1]), TOKEN_TOO_LONG);
    free(found[0]);
    free(found[1]);
}

Test(token, token_over_8192_bytes_rejected)
{
    json_t *c = tok_claims("citizen");
    char pad[7001];
    char *t;

    memset(pad, 'a', 7000);
    pad[7000] = '\0';
    json_object_set_new(c, "pad", json_string(pad));
    t = tok_sign_es(c);
    cr_assert_gt(strlen(t), 8192);
    cr_assert_eq(tok_verify(t), TOKEN_TOO_LONG);
    free(t);
}

/* --- 2. header ------------------------------------------------------------------------ */

Test(token, header_not_json_rejected)
{
    char *t = tok_hand_es("alg=ES256, kid=dev-es256");

    cr_assert_eq(tok_verify(t), TOKEN_HEADER_INVALID);
    free(t);
}

Test(token, header_not_object_rejected)
{
    char *t = tok_hand_es("[\"ES256\",\"dev-es256\"]");

    cr_assert_eq(tok_verify(t), TOKEN_HEADER_INVALID);
    free(t);
}

Test(token, header_duplicate_key_rejected)
{
    char *t = tok_hand_es("{\"alg\":\"ES256\",\"kid\":\"dev-rs256\",\"kid\":\"dev-es256\"}");

    cr_assert_eq(tok_verify(t), TOKEN_HEADER_INVALID);
    free(t);
}

Test(token, header_trailing_garbage_rejected)
{
    char *t = tok_hand_es("{\"alg\":\"ES256\",\"kid\":\"dev-es256\"}x");

    cr_assert_eq(tok_verify(t), TOKEN_HEADER_INVALID);
    free(t);
}

Test(token, header_without_alg_rejected)
{
    char *t = tok_hand_es("{\"kid\":\"dev-es256\"}");
    char *t2 = tok_hand_es("{\"alg\":[\"ES256\"],\"kid\":\"dev-es256\"}");

    cr_assert_eq(tok_verify(t), TOKEN_HEADER_ALG_MISSING);
    cr_assert_eq(tok_verify(t2), TOKEN_HEADER_ALG_MISSING);
    free(t);
    free(t2);
}

Test(token, header_without_kid_rejected)
{
    char *t = tok_hand_es("{\"alg\":\"ES256\"}");
    char *t2 = tok_hand_es("{\"alg\":\"ES256\",\"kid\":1}");

    cr_assert_eq(tok_verify(t), TOKEN_HEADER_KID_MISSING);
    cr_assert_eq(tok_verify(t2), TOKEN_HEADER_KID_MISSING);
    free(t);
    free(t2);
}

/* RFC 9068 access tokens, as oidc-provider and other identity providers send them; libjwt's
 * jwt_decode() refuses them, which is why signatures are checked with OpenSSL (auth/jws.c). */
Test(token, typ_at_jwt_accepted_though_libjwt_refuses_it)
{
    char *t = tok_hand_es("{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"typ\":\"at+jwt\"}");
    const struct token_key *k = keyset_find(tok_ks, "dev-es256");
    jwt_t *jwt = NULL;

    cr_assert_neq(jwt_decode(&jwt, t, (const unsigned char *)k->pem, (int)k->pem_len), 0);
    cr_assert_eq(tok_verify(t), TOKEN_OK);
    free(t);
}

Test(token, typ_other_than_jwt_or_at_jwt_rejected)
{
    char *t = tok_hand_es("{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"typ\":\"AT+JWT\"}");
    char *t2 = tok_hand_es("{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"typ\":\"id_token+jwt\"}");

    cr_assert_eq(tok_verify(t), TOKEN_HEADER_TYP_REJECTED);
    cr_assert_eq(tok_verify(t2), TOKEN_HEADER_TYP_REJECTED);
    free(t);
    free(t2);
}

Test(token, typ_lowercase_jwt_rejected_though_libjwt_accepts_it)
{
    char *t = tok_hand_es("{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"typ\":\"jwt\"}");
    const struct token_key *k = keyset_find(tok_ks, "dev-es256");
    jwt_t *jwt = NULL;

    cr_assert_eq(jwt_decode(&jwt, t, (const unsigned char *)k->pem, (int)k->pem_len), 0);
    jwt_free(jwt);
    cr_assert_eq(tok_verify(t), TOKEN_HEADER_TYP_REJECTED);
    free(t);
}

Test(token, crit_present_rejected)
{
    char *t = tok_hand_es("{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"crit\":[\"exp\"],\"exp\":1}");

    cr_assert_eq(tok_verify(t), TOKEN_HEADER_CRIT_REJECTED);
    free(t);
}

Test(token, jku_present_rejected)
{
    char *t = tok_hand_es(
        "{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"jku\":\"https://evil.example/jwks\"}");

    cr_assert_eq(tok_verify(t), TOKEN_HEADER_KEY_REFERENCE);
    free(t);
}

Test(token, x5u_jwk_x5c_present_rejected)
{
    const char *headers[] = {
        "{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"x5u\":\"https://evil.example/c.pem\"}",
        "{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"jwk\":{\"kty\":\"EC\",\"crv\":\"P-256\"}}",
        "{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"x5c\":[\"MIIB\"]}",
    };

    for (size_t i = 0; i < 3; i++) {
        char *t = tok_hand_es(headers[i]);
        cr_assert_eq(tok_verify(t), TOKEN_HEADER_KEY_REFERENCE, "header %zu", i);
        free(t);
    }
}

/* --- 3. key and pinned algorithm ------------------------------------------------------ */

Test(token, unknown_kid_rejected)
{
    char *t = tok_sign_with("ec.key.pem", "ES256", "dev-es256-old", tok_claims("citizen"));

    cr_assert_eq(tok_verify(t), TOKEN_UNKNOWN_KID);
    free(t);
}

Test(token, alg_none_rejected_though_libjwt_without_key_accepts_it)
{
    const char *headers[] = { "{\"alg\":\"none\",\"kid\":\"dev-es256\"}",
                              "{\"alg\":\"NoNe\",\"kid\":\"dev-es256\"}" };

    for (size_t i = 0; i < 2; i++) {
        json_t *c = tok_claims("citizen");
        char *payload = json_dumps(c, JSON_COMPACT);
        char *t = tok_hand(headers[i], payload, NULL);
        jwt_t *jwt = NULL;

        cr_assert_eq(jwt_decode(&jwt, t, NULL, 0), 0, "the trap this test guards against");
        jwt_free(jwt);
        cr_assert_eq(tok_verify(t), TOKEN_ALG_MISMATCH, "header %zu", i);
        json_decref(c);
        free(payload);
        free(t);
    }
}

Test(token, alg_in_other_case_rejected_though_libjwt_accepts_it)
{
    char *t = tok_hand_es("{\"alg\":\"es256\",\"kid\":\"dev-es256\"}");
    const struct token_key *k = keyset_find(tok_ks, "dev-es256");
    jwt_t *jwt = NULL;

    cr_assert_eq(jwt_decode(&jwt, t, (const unsigned char *)k->pem, (int)k->pem_len), 0);
    jwt_free(jwt);
    cr_assert_eq(tok_verify(t), TOKEN_ALG_MISMATCH);
    free(t);
}

Test(token, hs256_signed_with_rs256_public_pem_rejected, .init = tok_setup_rsa)
{
    json_t *c = tok_claims("caseworker");
    char *payload, *t, *pem;
    size_t pem_len;
    jwt_t *jwt = NULL;

    json_object_set_new(c, "iss", json_string(ISS_RS));
    payload = json_dumps(c, JSON_COMPACT);
    json_decref(c);
    pem = tok_read_file("rsa.pub.pem", &pem_len);
    cr_assert_str_eq(pem, keyset_find(tok_ks, "dev-rs256")->pem, "the service's exact key bytes");

    cr_assert_eq(jwt_new(&jwt), 0);
    cr_assert_eq(jwt_add_grants_json(jwt, payload), 0);
    cr_assert_eq(jwt_add_header(jwt, "kid", "dev-rs256"), 0);
    cr_assert_eq(jwt_set_alg(jwt, JWT_ALG_HS256, (unsigned char *)pem, (int)pem_len), 0);
    t = jwt_encode_str(jwt);
    jwt_free(jwt);
    cr_assert_not_null(t);

    /* Bare libjwt accepts the forgery when handed the server's public key. */
    jwt = NULL;
    cr_assert_eq(jwt_decode(&jwt, t, (unsigned char *)pem, (int)pem_len), 0);
    cr_assert_eq(jwt_get_alg(jwt), JWT_ALG_HS256);
    jwt_free(jwt);

    cr_assert_eq(tok_verify(t), TOKEN_ALG_MISMATCH);
    free(t);
    free(pem);
    free(payload);
}

Test(token, rs256_token_with_es256_kid_rejected, .init = tok_setup_rsa)
{
    char *t = tok_sign_with("rsa.key.pem", "RS256", "dev-es256", tok_claims("citizen"));

    cr_assert_eq(tok_verify(t), TOKEN_ALG_MISMATCH);
    free(t);
}

Test(token, es256_token_with_rs256_kid_rejected, .init = tok_setup_rsa)
{
    json_t *c = tok_claims("caseworker");

    json_object_set_new(c, "iss", json_string(ISS_RS));
    char *t = tok_sign_with("ec.key.pem", "ES256", "dev-rs256", c);
    cr_assert_eq(tok_verify(t), TOKEN_ALG_MISMATCH);
    free(t);
}

/* --- 4. signature --------------------------------------------------------------------- */

Test(token, es256_signed_by_other_key_rejected)
{
    char *t = tok_sign_with("ec-other.key.pem", "ES256", "dev-es256", tok_claims("citizen"));

    cr_assert_eq(tok_verify(t), TOKEN_BAD_SIGNATURE);
    free(t);
}

Test(token, tampered_payload_rejected)
{
    char *t = tok_sign_es(tok_claims("citizen"));
    json_t *c = tok_claims("auditor");
    char *payload = json_dumps(c, JSON_COMPACT);
    char *p64 = tok_b64url((unsigned char *)payload, strlen(payload));
    char *first_dot = strchr(t, '.'), *last_dot = strrchr(t, '.');
    char *forged;

    cr_assert(asprintf(&forged, "%.*s.%s%s", (int)(first_dot - t), t, p64, last_dot) > 0);
    cr_assert_eq(tok_verify(forged), TOKEN_BAD_SIGNATURE);
    json_decref(c);
    free(payload);
    free(p64);
    free(forged);
    free(t);
}

Test(token, empty_signature_rejected)
{
    char *t = tok_sign_es(tok_claims("citizen"));

    strrchr(t, '.')[1] = '\0';
    cr_assert_eq(tok_verify(t), TOKEN_BAD_SIGNATURE);
    free(t);
}

Test(token, rs256_signed_by_unknown_rsa_key_rejected, .init = tok_setup_rsa)
{
    json_t *c = tok_claims("caseworker");
    char *payload, *t;

    json_object_set_new(c, "iss", json_string(ISS_RS));
    payload = json_dumps(c, JSON_COMPACT);
    /* An RS256 token for dev-rs256 signed with a key the service does not hold. */
    EVP_PKEY *stranger = EVP_RSA_gen(2048);
    t = tok_hand("{\"alg\":\"RS256\",\"kid\":\"dev-rs256\"}", payload, stranger);
    cr_assert_eq(tok_verify(t), TOKEN_BAD_SIGNATURE);
    EVP_PKEY_free(stranger);
    json_decref(c);
    free(payload);
    free(t);
}

/* --- 5. claims ------------------------------------------------------------------------ */

Test(token, claims_not_object_rejected)
{
    char *t = tok_hand("{\"alg\":\"ES256\",\"kid\":\"dev-es256\"}", "[1,2]", tok_ec);

    cr_assert_eq(tok_verify(t), TOKEN_CLAIMS_INVALID);
    free(t);
}

Test(token, exp_missing_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_del(c, "exp");
    tok_expect(c, TOKEN_EXP_INVALID);
}

Test(token, exp_as_string_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "exp", json_string("1767226200"));
    tok_expect(c, TOKEN_EXP_INVALID);
}

Test(token, exp_as_float_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "exp", json_real(1767226200.0));
    tok_expect(c, TOKEN_EXP_INVALID);
}

Test(token, nbf_as_string_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "nbf", json_string("1767225540"));
    tok_expect(c, TOKEN_NBF_INVALID);
}

Test(token, iat_as_float_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "iat", json_real(1767225540.5));
    tok_expect(c, TOKEN_IAT_INVALID);
}

Test(token, nbf_and_iat_optional)
{
    json_t *c = tok_claims("citizen");

    json_object_del(c, "nbf");
    json_object_del(c, "iat");
    tok_expect(c, TOKEN_OK);
}

Test(token, expired_beyond_leeway_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "exp", json_integer(NOW - LEEWAY - 1));
    tok_expect(c, TOKEN_EXPIRED);
}

Test(token, expired_within_leeway_accepted)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "exp", json_integer(NOW - LEEWAY));
    tok_expect(c, TOKEN_OK);
    cr_assert_eq(tok_out.exp, 1767225570L);
}

Test(token, zero_leeway_expires_one_second_after_exp)
{
    const struct token_policy strict = { tok_issuers, 2, AUD, 0, 0, NULL, 0 };
    json_t *c = tok_claims("citizen");
    char *t;

    json_object_set_new(c, "exp", json_integer(NOW));
    t = tok_sign_es(c);
    cr_assert_eq(tok_verify_at(&strict, t, NOW), TOKEN_OK);
    cr_assert_eq(tok_verify_at(&strict, t, NOW + 1), TOKEN_EXPIRED);
    free(t);
}

Test(token, nbf_in_future_beyond_leeway_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "nbf", json_integer(NOW + LEEWAY + 1));
    tok_expect(c, TOKEN_NOT_YET_VALID);
}

Test(token, nbf_in_future_within_leeway_accepted)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "nbf", json_integer(NOW + LEEWAY));
    tok_expect(c, TOKEN_OK);
}

Test(token, extreme_exp_and_nbf_do_not_overflow)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "exp", json_integer(LLONG_MAX));
    json_object_set_new(c, "nbf", json_integer(LLONG_MIN));
    tok_expect(c, TOKEN_LIFETIME_TOO_LONG);

    c = tok_claims("citizen");
    json_object_set_new(c, "iat", json_integer(LLONG_MIN));
    tok_expect(c, TOKEN_LIFETIME_TOO_LONG);

    c = tok_claims("citizen");
    json_object_set_new(c, "iat", json_integer(LLONG_MAX));
    tok_expect(c, TOKEN_ISSUED_IN_FUTURE);

    c = tok_claims("citizen");
    json_object_del(c, "iat");
    json_object_set_new(c, "exp", json_integer(LLONG_MAX));
    tok_expect(c, TOKEN_LIFETIME_TOO_LONG);

    c = tok_claims("citizen");
    json_object_set_new(c, "exp", json_integer(LLONG_MIN));
    tok_expect(c, TOKEN_EXPIRED);

    c = tok_claims("citizen");
    json_object_set_new(c, "nbf", json_integer(LLONG_MAX));
    tok_expect(c, TOKEN_NOT_YET_VALID);
}

/* Issue 10, point 14: a token's lifetime is capped, 12 h unless the policy says otherwise. */
Test(token, lifetime_of_exactly_the_default_cap_accepted)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "iat", json_integer(NOW - 60));
    json_object_set_new(c, "exp", json_integer(NOW - 60 + 43200));
    tok_expect(c, TOKEN_OK);
}

Test(token, lifetime_one_second_over_the_default_cap_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "iat", json_integer(NOW - 60));
    json_object_set_new(c, "exp", json_integer(NOW - 60 + 43201));
    tok_expect(c, TOKEN_LIFETIME_TOO_LONG);
}

Test(token, lifetime_cap_follows_the_policy)
{
    const struct token_policy hour = { tok_issuers, 2, AUD, LEEWAY, 3600, NULL, 0 };
    json_t *c = tok_claims("citizen");
    char *ok, *over;

    json_object_set_new(c, "iat", json_integer(NOW - 60));
    json_object_set_new(c, "exp", json_integer(NOW - 60 + 3600));
    ok = tok_sign_es(json_deep_copy(c));
    json_object_set_new(c, "exp", json_integer(NOW - 60 + 3601));
    over = tok_sign_es(c);
    cr_assert_eq(tok_verify_at(&hour, ok, NOW), TOKEN_OK);
    cr_assert_eq(tok_verify_at(&hour, over, NOW), TOKEN_LIFETIME_TOO_LONG);
    free(ok);
    free(over);
}

Test(token, without_iat_the_time_left_is_capped)
{
    json_t *c = tok_claims("citizen");

    json_object_del(c, "iat");
    json_object_set_new(c, "exp", json_integer(NOW + 43201));
    tok_expect(c, TOKEN_LIFETIME_TOO_LONG);
    c = tok_claims("citizen");
    json_object_del(c, "iat");
    json_object_set_new(c, "exp", json_integer(NOW + 43200));
    tok_expect(c, TOKEN_OK);
}

Test(token, iat_in_future_beyond_leeway_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "iat", json_integer(NOW + LEEWAY + 1));
    tok_expect(c, TOKEN_ISSUED_IN_FUTURE);
}

Test(token, iat_in_future_within_leeway_accepted)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "iat", json_integer(NOW + LEEWAY));
    tok_expect(c, TOKEN_OK);
}

/* Issue 10, point 14: (r, n - s) verifies wherever (r, s) does. Only the low-S form is
 * accepted, so that one token has one spelling. */
Test(token, es256_high_s_twin_of_a_valid_signature_rejected)
{
    char *t = tok_sign_es(tok_claims("citizen"));
    char *dot = strrchr(t, '.');
    unsigned char sig[66];
    char *twin;
    size_t n;

    cr_assert_eq(tok_verify(t), TOKEN_OK);
    cr_assert_eq(b64url_decode(dot + 1, strlen(dot + 1), sig), 64);
    cr_assert_not(jws_es256_high_s(sig), "token_sign() makes low-S signatures");
    /* s := n - s by hand: the order of P-256 minus s. */
    BIGNUM *order = NULL, *s = BN_bin2bn(sig + 32, 32, NULL);
    cr_assert(BN_hex2bn(&order, "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551") > 0);
    cr_assert_eq(BN_sub(s, order, s), 1);
    cr_assert_eq(BN_bn2binpad(s, sig + 32, 32), 32);
    BN_free(s);
    BN_free(order);
    cr_assert(jws_es256_high_s(sig));
    twin = strdup(t);
    n = (size_t)(dot - t);
    b64url_encode(sig, 64, twin + n + 1);
    cr_assert_str_neq(twin, t);
    cr_assert_eq(tok_verify(twin), TOKEN_HIGH_S);
    free(twin);
    free(t);
}

Test(token, iss_not_configured_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "iss", json_string("https://evil.example"));
    tok_expect(c, TOKEN_ISSUER_UNKNOWN);
}

Test(token, iss_missing_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_del(c, "iss");
    tok_expect(c, TOKEN_ISSUER_UNKNOWN);
}

Test(token, iss_configured_but_not_the_keys_issuer_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "iss", json_string(ISS_RS));
    tok_expect(c, TOKEN_ISSUER_KEY_MISMATCH);
}

Test(token, aud_wrong_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "aud", json_string("other-api"));
    tok_expect(c, TOKEN_AUDIENCE_INVALID);
}

Test(token, aud_missing_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_del(c, "aud");
    tok_expect(c, TOKEN_AUDIENCE_INVALID);
}

Test(token, aud_array_containing_it_accepted)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "aud", json_pack("[s, s]", "other-api", AUD));
    tok_expect(c, TOKEN_OK);
}

Test(token, aud_array_not_containing_it_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "aud", json_pack("[s, s]", "other-api", "fremdrift"));
    tok_expect(c, TOKEN_AUDIENCE_INVALID);
}

Test(token, aud_array_with_non_string_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "aud", json_pack("[s, i]", AUD, 1));
    tok_expect(c, TOKEN_AUDIENCE_INVALID);
}

Test(token, aud_number_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "aud", json_integer(42));
    tok_expect(c, TOKEN_AUDIENCE_INVALID);
}

Test(token, sub_missing_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_del(c, "sub");
    tok_expect(c, TOKEN_SUBJECT_INVALID);
}

Test(token, sub_empty_or_129_chars_rejected_128_accepted)
{
    char sub[130];
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "sub", json_string(""));
    tok_expect(c, TOKEN_SUBJECT_INVALID);

    memset(sub, 's', 129);
    sub[129] = '\0';
    c = tok_claims("citizen");
    json_object_set_new(c, "sub", json_string(sub));
    tok_expect(c, TOKEN_SUBJECT_INVALID);

    sub[128] = '\0';
    c = tok_claims("citizen");
    json_object_set_new(c, "sub", json_string(sub));
    tok_expect(c, TOKEN_OK);
    cr_assert_eq(strlen(tok_out.sub), 128);
}

Test(token, sub_with_control_character_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "sub", json_string("user\n{\"role\":\"auditor\"}"));
    tok_expect(c, TOKEN_SUBJECT_INVALID);
}

Test(token, sub_as_number_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "sub", json_integer(4711));
    tok_expect(c, TOKEN_SUBJECT_INVALID);
}

Test(token, role_missing_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_del(c, "role");
    tok_expect(c, TOKEN_ROLE_INVALID);
}

Test(token, unknown_role_rejected)
{
    const char *bad[] = { "admin", "Caseworker", "citizen ", "" };

    for (size_t i = 0; i < 4; i++) {
        json_t *c = tok_claims("caseworker");
        json_object_set_new(c, "role", json_string(bad[i]));
        tok_expect(c, TOKEN_ROLE_INVALID);
    }
}

Test(token, staff_without_municipality_rejected)
{
    json_t *c = tok_claims("team_lead");

    json_object_del(c, "municipality");
    tok_expect(c, TOKEN_MUNICIPALITY_INVALID);
}

Test(token, municipality_not_three_digit_string_rejected)
{
    json_t *bad[] = { json_string("1010"), json_integer(101), json_string("10"),
                      json_string("10a"), json_string(""), json_string(" 101") };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *c = tok_claims("caseworker");
        json_object_set_new(c, "municipality", bad[i]);
        tok_expect(c, TOKEN_MUNICIPALITY_INVALID);
    }
}

Test(token, citizen_without_cpr_rejected)
{
    json_t *c = tok_claims("citizen");

    json_object_del(c, "cpr");
    tok_expect(c, TOKEN_CPR_INVALID);
}

Test(token, citizen_cpr_not_ten_digit_string_rejected)
{
    /* 3102901234: 31 February; 2902001234: 29 February 1900 (7th digit 1: 1900, no leap year). */
    json_t *bad[] = { json_string("12345"), json_string("01019012345"),
                      json_string("010190-123"), json_integer(1019012345),
                      json_string("3102901234"), json_string("2902001234"),
                      json_string("0113901234") };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        json_t *c = tok_claims("citizen");
        json_object_set_new(c, "cpr", bad[i]);
        tok_expect(c, TOKEN_CPR_INVALID);
    }
}

/* --- signature cache ------------------------------------------------------------------- */

/* The cache key computed here with OpenSSL's one-shot SHA256(), not by sigcache_digest(). */
static void tok_digest(const char *token, unsigned char digest[SIGCACHE_DIGEST_LEN])
{
    cr_assert_not_null(SHA256((const unsigned char *)token, strlen(token), digest));
}

static int tok_cached(const char *token, time_t now)
{
    unsigned char digest[SIGCACHE_DIGEST_LEN];

    tok_digest(token, digest);
    return sigcache_lookup(tok_sigs, digest, now);
}

/* Plants an entry as if the token had verified, to reach the hit path with any token. */
static void tok_plant(const char *token, int64_t exp)
{
    unsigned char digest[SIGCACHE_DIGEST_LEN];

    tok_digest(token, digest);
    sigcache_add(tok_sigs, digest, exp, NOW);
    cr_assert(tok_cached(token, NOW));
}

static enum token_result tok_verify_cached(const char *token, time_t now)
{
    return token_verify(tok_ks, tok_sigs, &tok_policy, token, now, &tok_out);
}

/* Signs claims (consumed), plants the token in the cache and expects want on the hit path. */
static void tok_expect_planted(json_t *c, enum token_result want)
{
    char *t = tok_sign_es(c);
    enum token_result got;

    tok_plant(t, INT64_MAX);
    got = tok_verify_cached(t, NOW);

    cr_assert_eq(got, want, "got %d (%s), want %d", got, token_result_text(got), want);
    free(t);
}

Test(token, accepted_token_is_cached_rejected_tokens_are_not)
{
    char *good = tok_sign_es(tok_claims("citizen"));
    char *forged = tok_sign_with("ec-other.key.pem", "ES256", "dev-es256", tok_claims("citizen"));
    json_t *c = tok_claims("citizen");
    char *wrong_aud;

    json_object_set_new(c, "aud", json_string("other-api"));
    wrong_aud = tok_sign_es(c);

    cr_assert_not(tok_cached(good, NOW));
    cr_assert_eq(tok_verify_cached(good, NOW), TOKEN_OK);
    cr_assert(tok_cached(good, NOW));

    cr_assert_eq(tok_verify_cached(forged, NOW), TOKEN_BAD_SIGNATURE);
    cr_assert_not(tok_cached(forged, NOW));
    cr_assert_eq(tok_verify_cached(wrong_aud, NOW), TOKEN_AUDIENCE_INVALID);
    cr_assert_not(tok_cached(wrong_aud, NOW), "its signature is good, but it failed a claim");
    free(good);
    free(forged);
    free(wrong_aud);
}

Test(token, cached_token_rejected_once_time_passes_its_exp)
{
    char *t = tok_sign_es(tok_claims("citizen"));
    const time_t exp = NOW + 600;

    cr_assert_eq(tok_verify_cached(t, NOW), TOKEN_OK);
    cr_assert(tok_cached(t, exp));
    cr_assert_eq(tok_verify_cached(t, exp), TOKEN_OK);
    cr_assert_eq(tok_verify_cached(t, exp + LEEWAY), TOKEN_OK);
    cr_assert_eq(tok_verify_cached(t, exp + LEEWAY + 1), TOKEN_EXPIRED);

    /* Even an entry that outlived the token (it cannot, but the check must not rely on
     * that) does not stretch the token's own exp. */
    tok_plant(t, INT64_MAX);
    cr_assert(tok_cached(t, exp + LEEWAY + 1));
    cr_assert_eq(tok_verify_cached(t, exp + LEEWAY + 1), TOKEN_EXPIRED);
    cr_assert_eq(tok_out.exp, 0);
    free(t);
}

Test(token, claims_checked_on_a_cache_hit)
{
    json_t *c = tok_claims("citizen");

    json_object_set_new(c, "aud", json_string("other-api"));
    tok_expect_planted(c, TOKEN_AUDIENCE_INVALID);

    c = tok_claims("citizen");
    json_object_set_new(c, "nbf", json_integer(NOW + LEEWAY + 1));
    tok_expect_planted(c, TOKEN_NOT_YET_VALID);

    c = tok_claims("citizen");
    json_object_set_new(c, "iss", json_string(ISS_RS));
    tok_expect_planted(c, TOKEN_ISSUER_KEY_MISMATCH);

    c = tok_claims("caseworker");
    json_object_set_new(c, "role", json_string("admin"));
    tok_expect_planted(c, TOKEN_ROLE_INVALID);

    c = tok_claims("caseworker");
    json_object_del(c, "municipality");
    tok_expect_planted(c, TOKEN_MUNICIPALITY_INVALID);

    c = tok_claims("citizen");
    json_object_set_new(c, "cpr", json_string("12345"));
    tok_expect_planted(c, TOKEN_CPR_INVALID);
}

Test(token, policy_checked_on_a_cache_hit)
{
    const struct token_policy other_aud = { tok_issuers, 2, "other-api", LEEWAY, 0, NULL, 0 };
    const struct token_policy other_iss = { tok_issuers + 1, 1, AUD, LEEWAY, 0, NULL, 0 };
    char *t = tok_sign_es(tok_claims("citizen"));

    cr_assert_eq(tok_verify_cached(t, NOW), TOKEN_OK);
    cr_assert(tok_cached(t, NOW));
    cr_assert_eq(token_verify(tok_ks, tok_sigs, &other_aud, t, NOW, &tok_out),
                 TOKEN_AUDIENCE_INVALID);
    cr_assert_eq(token_verify(tok_ks, tok_sigs, &other_iss, t, NOW, &tok_out),
                 TOKEN_ISSUER_UNKNOWN);
    free(t);
}

Test(token, header_and_key_checks_run_on_a_cache_hit)
{
    json_t *c = tok_claims("citizen");
    char *payload = json_dumps(c, JSON_COMPACT);
    char *none = tok_hand("{\"alg\":\"none\",\"kid\":\"dev-es256\"}", payload, NULL);
    char *unknown_kid = tok_hand("{\"alg\":\"ES256\",\"kid\":\"retired\"}", payload, tok_ec);
    char *at_jwt = tok_hand_es("{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"typ\":\"jwt\"}");
    char *jku = tok_hand_es(
        "{\"alg\":\"ES256\",\"kid\":\"dev-es256\",\"jku\":\"https://evil.example/jwks\"}");

    tok_plant(none, INT64_MAX);
    tok_plant(unknown_kid, INT64_MAX);
    tok_plant(at_jwt, INT64_MAX);
    tok_plant(jku, INT64_MAX);
    cr_assert_eq(tok_verify_cached(none, NOW), TOKEN_ALG_MISMATCH);
    cr_assert_eq(tok_verify_cached(unknown_kid, NOW), TOKEN_UNKNOWN_KID);
    cr_assert_eq(tok_verify_cached(at_jwt, NOW), TOKEN_HEADER_TYP_REJECTED);
    cr_assert_eq(tok_verify_cached(jku, NOW), TOKEN_HEADER_KEY_REFERENCE);
    json_decref(c);
    free(payload);
    free(none);
    free(unknown_kid);
    free(at_jwt);
    free(jku);
}

/* What the memo buys, shown with a planted entry: a hit skips libjwt. That is why only
 * token_verify() adds entries, and only after every check passed. */
Test(token, cache_hit_skips_the_signature_check)
{
    char *t = tok_sign_with("ec-other.key.pem", "ES256", "dev-es256", tok_claims("citizen"));

    cr_assert_eq(tok_verify_cached(t, NOW), TOKEN_BAD_SIGNATURE);
    tok_plant(t, INT64_MAX);
    cr_assert_eq(tok_verify_cached(t, NOW), TOKEN_OK);
    free(t);
}

Test(token, tampered_token_never_hits)
{
    char *t = tok_sign_es(tok_claims("citizen"));
    json_t *c = tok_claims("auditor");
    char *payload = json_dumps(c, JSON_COMPACT);
    char *p64 = tok_b64url((unsigned char *)payload, strlen(payload));
    char *first_dot = strchr(t, '.'), *last_dot = strrchr(t, '.');
    char *forged, *bad_sig = strdup(t);

    cr_assert_eq(tok_verify_cached(t, NOW), TOKEN_OK);
    cr_assert(tok_cached(t, NOW));

    /* The cached token's header and signature around another payload. */
    cr_assert(asprintf(&forged, "%.*s.%s%s", (int)(first_dot - t), t, p64, last_dot) > 0);
    /* One signature character changed (not the last, whose low bits must stay zero). */
    char *sig_char = strrchr(bad_sig, '.') + 10;
    *sig_char = *sig_char == 'A' ? 'B' : 'A';

    for (int i = 0; i < 2; i++) {
        cr_assert_eq(tok_verify_cached(forged, NOW), TOKEN_BAD_SIGNATURE);
        cr_assert_eq(tok_verify_cached(bad_sig, NOW), TOKEN_BAD_SIGNATURE);
    }
    cr_assert_not(tok_cached(forged, NOW));
    cr_assert_not(tok_cached(bad_sig, NOW));
    cr_assert_eq(tok_verify_cached(t, NOW), TOKEN_OK);
    cr_assert_str_eq(tok_out.role, "citizen");
    json_decref(c);
    free(payload);
    free(p64);
    free(forged);
    free(bad_sig);
    free(t);
}

Test(token, duplicate_claim_name_rejected_though_libjwt_accepts_it)
{
    const char *fmt = "{\"iss\":\"" ISS_ES "\",\"aud\":\"" AUD "\",\"sub\":\"user-4711\","
                      "\"exp\":%ld,\"role\":\"citizen\",\"cpr\":\"0101901234\",%s}";
    char payload[512];
    const char *duplicates[] = { "\"role\":\"auditor\",\"municipality\":\"101\"",
                                 "\"exp\":1" };
    const struct token_key *k = keyset_find(tok_ks, "dev-es256");

    for (size_t i = 0; i < 2; i++) {
        jwt_t *jwt = NULL;
        char *t;

        snprintf(payload, sizeof(payload), fmt, NOW + 600, duplicates[i]);
        t = tok_hand("{\"alg\":\"ES256\",\"kid\":\"dev-es256\"}", payload, tok_ec);
        cr_assert_eq(jwt_decode(&jwt, t, (const unsigned char *)k->pem, (int)k->pem_len), 0,
                     "the trap this test guards against, case %zu", i);
        jwt_free(jwt);
        cr_assert_eq(tok_verify(t), TOKEN_CLAIMS_INVALID, "case %zu", i);
        cr_assert_not(tok_cached(t, NOW));
        tok_plant(t, INT64_MAX);
        cr_assert_eq(tok_verify_cached(t, NOW), TOKEN_CLAIMS_INVALID, "case %zu on a hit", i);
        free(t);
    }
}

/* --- the contract around the checks ---------------------------------------------------- */

Test(token, failure_leaves_claims_zeroed)
{
    struct claims zero;
    json_t *c = tok_claims("citizen");
    char *t;

    json_object_set_new(c, "aud", json_string("other-api"));
    t = tok_sign_es(c);
    memset(&zero, 0, sizeof(zero));
    memset(&tok_out, 'x', sizeof(tok_out));
    cr_assert_eq(tok_verify(t), TOKEN_AUDIENCE_INVALID);
    cr_assert_eq(memcmp(&tok_out, &zero, sizeof(zero)), 0);
    free(t);
}

Test(token, unusable_policy_is_a_server_fault)
{
    const struct token_policy wide = { tok_issuers, 2, AUD, 61, 0, NULL, 0 };
    const struct token_policy no_iss = { tok_issuers, 0, AUD, 0, 0, NULL, 0 };
    const struct token_policy no_aud = { tok_issuers, 2, NULL, 0, 0, NULL, 0 };
    char *t = tok_sign_es(tok_claims("citizen"));

    cr_assert_eq(tok_verify_at(&wide, t, NOW), TOKEN_POLICY_INVALID);
    cr_assert_eq(tok_verify_at(&no_iss, t, NOW), TOKEN_POLICY_INVALID);
    cr_assert_eq(tok_verify_at(&no_aud, t, NOW), TOKEN_POLICY_INVALID);
    cr_assert_eq(token_verify(NULL, tok_sigs, &tok_policy, t, NOW, &tok_out),
                 TOKEN_POLICY_INVALID);
    cr_assert_eq(token_verify(tok_ks, tok_sigs, &tok_policy, t, NOW, NULL), TOKEN_POLICY_INVALID);
    free(t);
}

Test(token, every_result_has_its_own_text)
{
    for (int i = TOKEN_OK; i <= TOKEN_CPR_INVALID; i++) {
        const char *text = token_result_text((enum token_result)i);
        cr_assert(text != NULL && text[0] != '\0');
        /* The text goes into a quoted WWW-Authenticate error_description too. */
        cr_assert_null(strpbrk(text, "\"\\\r\n"), "code %d: %s", i, text);
        cr_assert_str_neq(text, "token rejected", "code %d has no text of its own", i);
        for (int j = TOKEN_OK; j < i; j++)
            cr_assert_str_neq(text, token_result_text((enum token_result)j), "%d and %d", i, j);
    }
}

Test(token, token_sign_refuses_algorithms_the_verifier_refuses)
{
    char path[256], err[256] = "";
    json_t *c = tok_claims("citizen");

    tok_path(path, sizeof(path), "ec.key.pem");
    cr_assert_null(token_sign(path, "HS256", "dev-es256", c, err, sizeof(err)));
    cr_assert_neq(err[0], '\0');
    cr_assert_null(token_sign(path, "none", "dev-es256", c, err, sizeof(err)));
    cr_assert_null(token_sign(path, "RS256", "dev-es256", c, err, sizeof(err)));
    json_decref(c);
}
