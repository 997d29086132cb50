/*
 * Helpers for the integration tests: the environment scripts/test.sh provides, tokens
 * (valid and hostile), unique test data for tests that run in parallel processes, and
 * small API calls with the assertions every suite repeats.
 */
#ifndef FREMDRIFT_FIXTURES_H
#define FREMDRIFT_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http_client.h"

/* .timeout of every test that talks to the service, in seconds. */
#define FX_TIMEOUT 30

/* Municipalities (kommunenumre) the suites share: Copenhagen and Vejle. */
#define FX_MUNICIPALITY "101"
#define FX_OTHER_MUNICIPALITY "751"

#define FX_UUID_LEN 37

/* ---- environment ---- */

/* Value of the environment variable name; fails the test when it is unset or empty. The
 * string belongs to the environment. */
const char *fx_env(const char *name);

/* "$FREMDRIFT_TEST_STATE/relative" in a malloc'd string the caller frees. */
char *fx_state_path(const char *relative);

/* The checkout the tests run from: FREMDRIFT_TEST_STATE is <repo>/var/<name>. Malloc'd,
 * the caller frees it. */
char *fx_repo_root(void);

/* A token setting (FREMDRIFT_JWT_ISSUERS, FREMDRIFT_JWT_AUDIENCE): from the environment,
 * else from $FREMDRIFT_TEST_STATE/service.env. Only the first item of a comma-separated
 * list is written to out. Fails the test when neither has it. */
void fx_setting(const char *name, char *out, size_t cap);

/* ---- tokens (every returned token is malloc'd; the caller frees it with free()) ---- */

enum fx_alg { FX_ES256, FX_RS256 };

/* Claims of a valid token: iss, aud, sub, role, iat = now and exp = now + 600, plus
 * municipality and cpr when not NULL. A NULL role leaves the claim out. The caller
 * json_decref's the result. */
json_t *fx_claims(const char *role, const char *sub, const char *municipality, const char *cpr);

/* Signs claims (left owned by the caller) with the development key of alg, kid
 * dev-es256 or dev-rs256, as an identity provider would. */
char *fx_sign(json_t *claims, enum fx_alg alg);

/* A valid ES256 token. */
char *fx_token(const char *role, const char *sub, const char *municipality, const char *cpr);

/* Tokens the service must refuse with 401. All of them name a configured kid unless
 * the kind says otherwise, and are valid caseworker tokens of FX_MUNICIPALITY but for
 * the one fault. */
enum fx_bad_token {
    FX_BAD_OTHER_KEY,            /* ES256 by a freshly generated key, kid dev-es256 */
    FX_BAD_TAMPERED,             /* a valid token whose payload was changed after signing */
    FX_BAD_ALG_NONE,             /* alg none, empty signature, kid dev-es256 */
    FX_BAD_HS256_PUBLIC_KEY,     /* HS256 with the RS256 public key PEM as secret, kid dev-rs256 */
    FX_BAD_UNKNOWN_KID,          /* signed by the dev key but naming a kid nobody configured */
    FX_BAD_EXPIRED,              /* exp 120 s ago: beyond the 60 s skew */
    FX_BAD_NOT_YET_VALID,        /* nbf 300 s ahead */
    FX_BAD_WRONG_ISSUER,
    FX_BAD_WRONG_AUDIENCE,
    FX_BAD_NO_ROLE,
    FX_BAD_UNKNOWN_ROLE,
    FX_BAD_STAFF_NO_MUNICIPALITY,
    FX_BAD_CITIZEN_NO_CPR,
    FX_BAD_COUNT
};

/* One hostile token of the given kind; *what names it for assertion messages. */
char *fx_bad_token(enum fx_bad_token kind, const char **what);

/* Signs claims with an in-memory PEM key: alg "none" (key NULL), "HS256" (key is the
 * secret) or "ES256"/"RS256" (a private key). libjwt, not the service's signer, so it
 * can build what the signer refuses to. */
char *fx_sign_raw(json_t *claims, const char *alg, const char *kid, const unsigned char *key,
                  size_t key_len);

/* The decoded JOSE header of a compact token; the caller json_decref's it. */
json_t *fx_token_header(const char *token);

/* ---- unique test data ---- */

uint64_t fx_random_u64(void);

/* A CPR number nobody else in this run uses: a real DDMMYY birth date from 1900-1999, 7th
 * digit 0-3 (the century rule's 1900s), three random digits. */
void fx_random_cpr(char out[11]);

/* prefix-<16 hex digits>: a staff subject or request id no other test uses. */
void fx_unique(const char *prefix, char *out, size_t cap);

/* ---- actors: a token holder for one test ---- */

struct fx_actor {
    char role[16];
    char sub[64];
    char municipality[4];       /* staff only */
    char cpr[11];               /* citizens only */
    char *token;                /* ES256; owned by the actor */
};

/* A staff member with a fresh subject. Free with fx_actor_free. */
void fx_staff(struct fx_actor *a, const char *role, const char *municipality);

/* A citizen whose token carries cpr. Free with fx_actor_free. */
void fx_citizen(struct fx_actor *a, const char *cpr);

void fx_actor_free(struct fx_actor *a);

/* ---- calls ---- */

/* One request as a (NULL: no token), with body (consumed: json_decref'd here, may be
 * NULL) and extra headers. Fails the test when no well-formed response arrives. The
 * caller frees out with http_response_free. Returns out->status. */
int fx_call(const char *method, const char *path, const struct fx_actor *a, json_t *body,
            const struct http_header *extra, size_t n_extra, struct http_response *out);

/* The body as JSON; fails the test when it is not. The caller json_decref's it. */
json_t *fx_body(const struct http_response *r);

/* Fails the test unless r has this status (the message shows the body). */
void fx_assert_status(const struct http_response *r, int status);

/* Fails the test unless r is an RFC 9457 problem+json document with this status:
 * the media type, and type, title and status members that agree with the response. */
void fx_assert_problem(const struct http_response *r, int status);

/* Fails the test unless r is a 4xx problem (never a 5xx, never a crash). */
void fx_assert_client_problem(const struct http_response *r);

/* Fails the test unless the problem's errors[] has an entry whose pointer is pointer. */
void fx_assert_error_pointer(const struct http_response *r, const char *pointer);

/* Fails the test unless GET /healthz answers 200: the service survived what came before. */
void fx_assert_alive(void);

/* ---- the API ---- */

/* Registers cpr as staff and writes the citizen id; returns the status (200 or 201,
 * anything else fails the test). */
int fx_register_citizen(const struct fx_actor *staff, const char *cpr, char id[FX_UUID_LEN]);

/* A fresh random citizen registered by staff: writes its CPR and id. */
void fx_new_citizen(const struct fx_actor *staff, char cpr[11], char id[FX_UUID_LEN]);

/* Creates a case for citizen_id as staff with target group tg (NULL: jobparat) since
 * 2025-03-01 and benefit kontanthjaelp from the same day; caseworker is the creator.
 * Asserts 201 and writes the id. */
void fx_create_case(const struct fx_actor *staff, const char *citizen_id, const char *tg,
                    char id[FX_UUID_LEN]);

/* Milliseconds of CLOCK_MONOTONIC, for bounded polling. */
long long fx_now_ms(void);

/* Sleeps ms milliseconds; only between polls of a bounded wait. */
void fx_pause_ms(int ms);

#endif
