/*
 * Verifies bearer tokens. Every check lives in token_verify(), in the order to review them.
 * Header and claims are decoded here, not by libjwt, because libjwt 1.10.2 verifies with
 * whatever algorithm the token names, checks no claim and lets duplicate names through
 * (see shared/STACK.md); libjwt only verifies the signature, and sigcache.c memoises that.
 */
#include "auth/token.h"

#include <string.h>

#include <jansson.h>
#include <jwt.h>

#include "law/cpr.h"
#include "law/validate.h"

#define TOKEN_SUB_MAX 128

/* claims.exp must hold any integer jansson accepts, or a huge exp would wrap. */
_Static_assert(sizeof(long) >= sizeof(json_int_t), "struct claims.exp is narrower than json_int_t");

static const char *const roles[] = {
    "citizen", "caseworker", "team_lead", "integration", "appeals_board", "auditor",
};

/* Header fields that point at keys: never fetched or trusted; keys come from configuration. */
static const char *const key_reference_fields[] = { "jku", "x5u", "jwk", "x5c" };

static int b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

/*
 * Unpadded base64url with no impossible length and no stray low bits, so one token has
 * exactly one spelling (callers may key rate limits or logs on it).
 */
static int segment_canonical(const char *s, size_t len)
{
    if (len % 4 == 1)
        return 0;
    if (len % 4 == 2)
        return (b64url_value(s[len - 1]) & 0x0f) == 0;
    if (len % 4 == 3)
        return (b64url_value(s[len - 1]) & 0x03) == 0;
    return 1;
}

/* Decodes a segment that passed segment_canonical(); dst must hold len * 3 / 4 bytes. */
static size_t b64url_decode(const char *s, size_t len, unsigned char *dst)
{
    unsigned int acc = 0;
    int bits = 0;
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        acc = ((acc << 6) | (unsigned int)b64url_value(s[i])) & 0xffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dst[n++] = (unsigned char)(acc >> bits);
        }
    }
    return n;
}

static int digits_exactly(const char *s, size_t n)
{
    if (s == NULL || strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
    }
    return 1;
}

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (list[i] != NULL && strcmp(s, list[i]) == 0)
            return 1;
    }
    return 0;
}

/* RFC 7519 allows a string or an array of strings; anything else, even mixed, is refused. */
static int audience_matches(json_t *aud, const char *want)
{
    size_t i;
    json_t *v;
    int found = 0;

    if (json_is_string(aud))
        return strcmp(json_string_value(aud), want) == 0;
    if (!json_is_array(aud))
        return 0;
    json_array_foreach(aud, i, v) {
        if (!json_is_string(v))
            return 0;
        if (strcmp(json_string_value(v), want) == 0)
            found = 1;
    }
    return found;
}

/* The subject reaches logs and rate-limit keys: no control characters. */
static int subject_valid(const char *sub)
{
    size_t len;

    if (sub == NULL)
        return 0;
    len = strlen(sub);
    if (len == 0 || len > TOKEN_SUB_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)sub[i];
        if (c < 0x20 || c == 0x7f)
            return 0;
    }
    return 1;
}

enum token_result token_verify(const struct keyset *ks, struct sigcache *sigs,
                               const struct token_policy *pol, const char *token, time_t now,
                               struct claims *out)
{
    enum token_result res = TOKEN_OK;
    unsigned char segment_bytes[TOKEN_MAX_LEN / 4 * 3];
    unsigned char digest[SIGCACHE_DIGEST_LEN];
    size_t len, decoded_len, n_seg = 0, seg_start = 0, seg_len[3] = { 0, 0, 0 };
    json_t *header = NULL, *claims = NULL, *nbf, *iat, *typ;
    const char *alg, *kid, *iss, *sub, *role, *cpr = NULL, *municipality = NULL;
    const struct token_key *key;
    json_int_t exp;
    jwt_t *jwt = NULL;
    int citizen, national, cached = 0;
    char cpr_checked[11];

    if (out == NULL)
        return TOKEN_POLICY_INVALID;
    memset(out, 0, sizeof(*out));
    if (ks == NULL || pol == NULL || pol->issuers == NULL || pol->n_issuers == 0
        || pol->audience == NULL || pol->leeway_s < 0 || pol->leeway_s > TOKEN_LEEWAY_MAX)
        return TOKEN_POLICY_INVALID;

    /* 1. Shape: three canonical base64url segments within the size limit. */
    if (token == NULL || token[0] == '\0')
        return TOKEN_MISSING;
    len = strnlen(token, TOKEN_MAX_LEN + 1);
    if (len > TOKEN_MAX_LEN)
        return TOKEN_TOO_LONG;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && token[i] != '.') {
            if (b64url_value(token[i]) < 0)
                return TOKEN_MALFORMED;
            continue;
        }
        if (n_seg == 3 || !segment_canonical(token + seg_start, i - seg_start))
            return TOKEN_MALFORMED;
        seg_len[n_seg++] = i - seg_start;
        seg_start = i + 1;
    }
    /* An empty signature passes here so that `alg: none` is reported as the algorithm
     * confusion it is (step 3); no accepted algorithm verifies an empty signature. */
    if (n_seg != 3 || seg_len[0] == 0 || seg_len[1] == 0)
        return TOKEN_MALFORMED;

    /* 2. Header, decoded by us with duplicates refused, so libjwt and we read the same alg. */
    decoded_len = b64url_decode(token, seg_len[0], segment_bytes);
    header = json_loadb((const char *)segment_bytes, decoded_len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(header)) {
        res = TOKEN_HEADER_INVALID;
        goto done;
    }
    alg = json_string_value(json_object_get(header, "alg"));
    if (alg == NULL) {
        res = TOKEN_HEADER_ALG_MISSING;
        goto done;
    }
    kid = json_string_value(json_object_get(header, "kid"));
    if (kid == NULL) {
        res = TOKEN_HEADER_KID_MISSING;
        goto done;
    }
    /* libjwt itself fails any typ but JWT (case-insensitively) with EINVAL, so RFC 9068
     * "at+jwt" access tokens cannot be accepted; we refuse them here with a clear reason,
     * and require the exact spelling. */
    typ = json_object_get(header, "typ");
    if (typ != NULL && !(json_is_string(typ) && strcmp(json_string_value(typ), "JWT") == 0)) {
        res = TOKEN_HEADER_TYP_REJECTED;
        goto done;
    }
    /* We implement no JWS extension, and RFC 7515 says an unknown crit must be refused. */
    if (json_object_get(header, "crit") != NULL) {
        res = TOKEN_HEADER_CRIT_REJECTED;
        goto done;
    }
    for (size_t i = 0; i < sizeof(key_reference_fields) / sizeof(key_reference_fields[0]); i++) {
        if (json_object_get(header, key_reference_fields[i]) != NULL) {
            res = TOKEN_HEADER_KEY_REFERENCE;
            goto done;
        }
    }

    /* 3. The key, and its pinned algorithm: the exact, case-sensitive name. This is what
     * stops none/NoNe, HS256-with-the-public-key-as-secret and RS/ES swaps. */
    key = keyset_find(ks, kid);
    if (key == NULL) {
        res = TOKEN_UNKNOWN_KID;
        goto done;
    }
    if (strcmp(alg, key->alg) != 0) {
        res = TOKEN_ALG_MISMATCH;
        goto done;
    }

    /* 4. Signature. A hit means this exact token string (all 32 digest bytes) passed every
     * check before under this key set, so its signature is known good and libjwt's parse of
     * the PEM key (~270 us on OpenSSL 3) is skipped. A failed digest only loses the cache. */
    if (sigs != NULL && sigcache_digest(sigs, token, len, digest) != 0)
        sigs = NULL;
    if (sigs != NULL)
        cached = sigcache_lookup(sigs, digest, now);
    /* Otherwise libjwt, with the pinned key (never NULL: libjwt then skips verification),
     * then the algorithm it actually used, in case its header reading ever differs from ours. */
    if (!cached) {
        if (jwt_decode(&jwt, token, (const unsigned char *)key->pem, (int)key->pem_len) != 0) {
            res = TOKEN_BAD_SIGNATURE;
            goto done;
        }
        if (jwt_get_alg(jwt) != jwt_str_alg(key->alg)) {
            jwt_free(jwt);
            res = TOKEN_ALG_MISMATCH;
            goto done;
        }
        jwt_free(jwt);
    }

    /* 5. Claims, decoded by us from the very bytes the signature covers, on a hit and a miss
     * alike, with duplicate names refused: libjwt keeps the last of two "role" claims. */
    decoded_len = b64url_decode(token + seg_len[0] + 1, seg_len[1], segment_bytes);
    claims = json_loadb((const char *)segment_bytes, decoded_len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(claims)) {
        res = TOKEN_CLAIMS_INVALID;
        goto done;
    }

    /* Types first: libjwt's getters would read a string or float exp as 0. */
    if (!json_is_integer(json_object_get(claims, "exp"))) {
        res = TOKEN_EXP_INVALID;
        goto done;
    }
    exp = json_integer_value(json_object_get(claims, "exp"));
    nbf = json_object_get(claims, "nbf");
    if (nbf != NULL && !json_is_integer(nbf)) {
        res = TOKEN_NBF_INVALID;
        goto done;
    }
    iat = json_object_get(claims, "iat");
    if (iat != NULL && !json_is_integer(iat)) {
        res = TOKEN_IAT_INVALID;
        goto done;
    }
    /* now > exp + leeway, written so that a hostile exp near INT64_MAX cannot overflow. */
    if ((json_int_t)now - pol->leeway_s > exp) {
        res = TOKEN_EXPIRED;
        goto done;
    }
    if (nbf != NULL && (json_int_t)now + pol->leeway_s < json_integer_value(nbf)) {
        res = TOKEN_NOT_YET_VALID;
        goto done;
    }
    iss = json_string_value(json_object_get(claims, "iss"));
    if (iss == NULL || !in_list(iss, pol->issuers, pol->n_issuers)) {
        res = TOKEN_ISSUER_UNKNOWN;
        goto done;
    }
    /* One issuer must not mint tokens with another issuer's key. */
    if (strcmp(iss, key->issuer) != 0) {
        res = TOKEN_ISSUER_KEY_MISMATCH;
        goto done;
    }
    if (!audience_matches(json_object_get(claims, "aud"), pol->audience)) {
        res = TOKEN_AUDIENCE_INVALID;
        goto done;
    }
    sub = json_string_value(json_object_get(claims, "sub"));
    if (!subject_valid(sub)) {
        res = TOKEN_SUBJECT_INVALID;
        goto done;
    }
    role = json_string_value(json_object_get(claims, "role"));
    if (role == NULL || !in_list(role, roles, sizeof(roles) / sizeof(roles[0]))) {
        res = TOKEN_ROLE_INVALID;
        goto done;
    }
    /* A citizen's municipality is ignored and a staff member's cpr is not copied: each role
     * carries exactly the attribute its access rules use. The appeals board (Ankestyrelsen)
     * is national, so its tokens need no municipality. */
    citizen = strcmp(role, "citizen") == 0;
    national = strcmp(role, "appeals_board") == 0;
    /* A staff subject becomes the caseworker of cases and the actor of the access log:
     * it must be a staff identifier. A citizen's subject is the broker's pseudonym, which
     * the service records but never shows. */
    if (!citizen && !text_is_identifier(sub)) {
        res = TOKEN_SUBJECT_INVALID;
        goto done;
    }
    if (citizen) {
        cpr = json_string_value(json_object_get(claims, "cpr"));
        if (!digits_exactly(cpr, 10) || cpr_validate(cpr, cpr_checked) != 0) {
            res = TOKEN_CPR_INVALID;
            goto done;
        }
    } else if (!national) {
        municipality = json_string_value(json_object_get(claims, "municipality"));
        if (!digits_exactly(municipality, 3)) {
            res = TOKEN_MUNICIPALITY_INVALID;
            goto done;
        }
    }

    /* Lengths were bounded above: role by the list, sub by TOKEN_SUB_MAX, iss by equality
     * with the key's issuer (at most KEYS_ISSUER_MAX). */
    strcpy(out->role, role);
    strcpy(out->sub, sub);
    strcpy(out->issuer, iss);
    if (citizen)
        strcpy(out->cpr, cpr_checked);
    else if (!national)
        strcpy(out->municipality, municipality);
    out->exp = (long)exp;

    /* Only now, with every check passed, may the token be trusted without libjwt. */
    if (sigs != NULL && !cached)
        sigcache_add(sigs, digest, (int64_t)exp, now);

done:
    json_decref(header);
    json_decref(claims);
    return res;
}

const char *token_result_text(enum token_result result)
{
    switch (result) {
    case TOKEN_OK:
        return "token accepted";
    case TOKEN_POLICY_INVALID:
        return "token verification is not configured";
    case TOKEN_MISSING:
        return "bearer token missing";
    case TOKEN_TOO_LONG:
        return "token too long";
    case TOKEN_MALFORMED:
        return "token is not three base64url segments";
    case TOKEN_HEADER_INVALID:
        return "token header is not a JSON object";
    case TOKEN_HEADER_ALG_MISSING:
        return "token header has no alg";
    case TOKEN_HEADER_KID_MISSING:
        return "token header has no kid";
    case TOKEN_HEADER_TYP_REJECTED:
        return "token typ must be JWT";
    case TOKEN_HEADER_CRIT_REJECTED:
        return "token header crit is not supported";
    case TOKEN_HEADER_KEY_REFERENCE:
        return "token header must not name a key (jku, x5u, jwk, x5c)";
    case TOKEN_UNKNOWN_KID:
        return "token kid is not a configured key";
    case TOKEN_ALG_MISMATCH:
        return "token alg does not match its key";
    case TOKEN_BAD_SIGNATURE:
        return "token signature is invalid";
    case TOKEN_CLAIMS_INVALID:
        return "token claims are not a JSON object";
    case TOKEN_EXP_INVALID:
        return "token exp is missing or not an integer";
    case TOKEN_NBF_INVALID:
        return "token nbf is not an integer";
    case TOKEN_IAT_INVALID:
        return "token iat is not an integer";
    case TOKEN_EXPIRED:
        return "token has expired";
    case TOKEN_NOT_YET_VALID:
        return "token is not yet valid";
    case TOKEN_ISSUER_UNKNOWN:
        return "token issuer is not accepted";
    case TOKEN_ISSUER_KEY_MISMATCH:
        return "token issuer does not own its signing key";
    case TOKEN_AUDIENCE_INVALID:
        return "token audience does not include this service";
    case TOKEN_SUBJECT_INVALID:
        return "token sub is missing or invalid";
    case TOKEN_ROLE_INVALID:
        return "token role is missing or unknown";
    case TOKEN_MUNICIPALITY_INVALID:
        return "staff token needs municipality as a 3-digit string";
    case TOKEN_CPR_INVALID:
        return "citizen token needs cpr as a 10-digit string";
    }
    return "token rejected";
}
