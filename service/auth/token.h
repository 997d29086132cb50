/*
 * Bearer token verification: every check a token must pass before the service trusts
 * its claims, in one function, each failure with its own result code.
 */
#ifndef FREMDRIFT_TOKEN_H
#define FREMDRIFT_TOKEN_H

#include <stddef.h>
#include <time.h>

#include "auth/claim_map.h"
#include "auth/keys.h"
#include "auth/sigcache.h"

#define TOKEN_MAX_LEN 8192
#define TOKEN_LEEWAY_MAX 60
/* exp - iat allowed when the policy names no other: one working day. */
#define TOKEN_DEFAULT_MAX_LIFETIME_S 43200

/* In the order token_verify() checks them. Every code but TOKEN_OK means "reject". */
enum token_result {
    TOKEN_OK = 0,
    TOKEN_POLICY_INVALID,       /* the caller's keyset/policy/out is unusable: a server fault */
    TOKEN_MISSING,
    TOKEN_TOO_LONG,
    TOKEN_MALFORMED,
    TOKEN_HEADER_INVALID,
    TOKEN_HEADER_ALG_MISSING,
    TOKEN_HEADER_KID_MISSING,
    TOKEN_HEADER_TYP_REJECTED,
    TOKEN_HEADER_CRIT_REJECTED,
    TOKEN_HEADER_KEY_REFERENCE,
    TOKEN_UNKNOWN_KID,
    TOKEN_ALG_MISMATCH,
    TOKEN_BAD_SIGNATURE,
    TOKEN_HIGH_S,               /* the high-S twin of a valid ES256 signature */
    TOKEN_CLAIMS_INVALID,
    TOKEN_EXP_INVALID,
    TOKEN_NBF_INVALID,
    TOKEN_IAT_INVALID,
    TOKEN_EXPIRED,
    TOKEN_NOT_YET_VALID,
    TOKEN_ISSUED_IN_FUTURE,     /* iat later than now + leeway */
    TOKEN_LIFETIME_TOO_LONG,    /* exp - iat (or exp - now without iat) beyond the cap */
    TOKEN_ISSUER_UNKNOWN,
    TOKEN_ISSUER_KEY_MISMATCH,
    TOKEN_AUDIENCE_INVALID,
    TOKEN_SUBJECT_INVALID,
    TOKEN_ROLE_INVALID,
    TOKEN_MUNICIPALITY_INVALID,
    TOKEN_CPR_INVALID,
};

/* An issuer whose claims are read under a claim map of its own (an identity provider). */
struct token_issuer {
    const char *issuer;
    const struct claim_map *map;
};

struct token_policy {
    const char *const *issuers; /* accepted `iss` values read with claim_map_default */
    size_t n_issuers;
    const char *audience;       /* required in `aud` */
    long leeway_s;              /* clock skew allowed on exp/nbf/iat, 0..TOKEN_LEEWAY_MAX */
    long max_lifetime_s;        /* longest exp - iat accepted; 0 = TOKEN_DEFAULT_MAX_LIFETIME_S */
    const struct token_issuer *mapped;  /* accepted `iss` values with their own claim names */
    size_t n_mapped;            /* n_issuers + n_mapped is at least 1 */
};

/* Fixed buffers: nothing for the caller to free. Unused fields are empty strings. */
struct claims {
    char role[16];
    char sub[129];
    char municipality[4];       /* staff only: 3-digit kommunenummer */
    char cpr[11];               /* citizens only: 10 digits, personal data, never log it */
    char issuer[256];
    long exp;
};

/*
 * Verifies token against the key set and policy at time now. On TOKEN_OK fills out; on
 * any other result out is all zeros. Allocates nothing that outlives the call.
 * Header `typ` may be absent, "JWT" or "at+jwt" (RFC 9068 access tokens).
 * sigs memoises signatures that verified under ks, and must be cleared whenever ks is
 * replaced; NULL verifies every signature with libjwt. Only the signature is memoised:
 * every other check runs on every call.
 */
enum token_result token_verify(const struct keyset *ks, struct sigcache *sigs,
                               const struct token_policy *pol, const char *token, time_t now,
                               struct claims *out);

/*
 * The `iss` of an unverified token, copied into issuer (cap bytes), for choosing whose keys
 * to refresh when its kid is unknown; never to be trusted. Returns 0, or -1 when the token
 * has no readable string iss that fits.
 */
int token_peek_issuer(const char *token, char *issuer, size_t cap);

/* A short English reason, safe to send to the client: it never contains token content. */
const char *token_result_text(enum token_result result);

#endif
