/*
 * Verifies bearer tokens. Every check lives in token_verify(), in the order to review them.
 * Header and claims are decoded here, and the signature checked with OpenSSL (auth/jws.c),
 * not by libjwt: libjwt 1.10.2 verifies with whatever algorithm the token names, checks no
 * claim, lets duplicate names through and refuses RFC 9068 `typ: at+jwt` (see
 * shared/STACK.md). sigcache.c memoises verified signatures.
 */
#include "auth/token.h"

#include <string.h>

#include <jansson.h>

#include "auth/b64url.h"
#include "auth/jws.h"
#include "law/cpr.h"

#define TOKEN_SUB_MAX 128

/* claims.exp must hold any integer jansson accepts, or a huge exp would wrap. */
_Static_assert(sizeof(long) >= sizeof(json_int_t), "struct claims.exp is narrower than json_int_t");

/* Header fields that point at keys: never fetched or trusted; keys come from configuration. */
static const char *const key_reference_fields[] = { "jku", "x5u", "jwk", "x5c" };

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

/* The claim map for iss, or NULL when iss is not an accepted issuer. */
static const struct claim_map *issuer_map(const struct token_policy *pol, const char *iss)
{
    if (iss == NULL)
        return NULL;
    for (size_t i = 0; i < pol->n_mapped; i++) {
        if (pol->mapped[i].issuer != NULL && pol->mapped[i].map != NULL
            && strcmp(iss, pol->mapped[i].issuer) == 0)
            return pol->mapped[i].map;
    }
    for (size_t i = 0; i < pol->n_issuers; i++) {
        if (pol->issuers[i] != NULL && strcmp(iss, pol->issuers[i]) == 0)
            return &claim_map_default;
    }
    return NULL;
}

/* Splits token into at most three canonical base64url segments; their count, or -1. */
static int split_segments(const char *token, size_t len, size_t seg_len[3])
{
    size_t n_seg = 0, seg_start = 0;

    for (size_t i = 0; i <= len; i++) {
        if (i < len && token[i] != '.')
            continue;
        if (n_seg == 3 || !b64url_canonical(token + seg_start, i - seg_start))
            return -1;
        seg_len[n_seg++] = i - seg_start;
        seg_start = i + 1;
    }
    return (int)n_seg;
}

/* The JSON object in segment s[0..len), duplicates refused; NULL when it is not one. */
static json_t *decode_object(const char *s, size_t len, unsigned char *scratch)
{
    size_t n = b64url_decode(s, len, scratch);
    json_t *obj = json_loadb((const char *)scratch, n, JSON_REJECT_DUPLICATES, NULL);

    if (!json_is_object(obj)) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

int token_peek_issuer(const char *token, char *issuer, size_t cap)
{
    unsigned char scratch[TOKEN_MAX_LEN / 4 * 3];
    size_t len, seg_len[3] = { 0, 0, 0 };
    json_t *claims;
    const char *iss;
    int rc = -1;

    issuer[0] = '\0';
    if (token == NULL)
        return -1;
    len = strnlen(token, TOKEN_MAX_LEN + 1);
    if (len > TOKEN_MAX_LEN || split_segments(token, len, seg_len) != 3)
        return -1;
    claims = decode_object(token + seg_len[0] + 1, seg_len[1], scratch);
    iss = json_string_value(json_object_get(claims, "iss"));
    if (iss != NULL && strlen(iss) < cap) {
        strcpy(issuer, iss);
        rc = 0;
    }
    json_decref(claims);
    return rc;
}

enum token_result token_verify(const struct keyset *ks, struct sigcache *sigs,
                               const struct token_policy *pol, const char *token, time_t now,
                               struct claims *out)
{
    enum token_result res = TOKEN_OK;
    unsigned char segment_bytes[TOKEN_MAX_LEN / 4 * 3];
    unsigned char digest[SIGCACHE_DIGEST_LEN];
    size_t len, sig_len, seg_len[3] = { 0, 0, 0 };
    json_t *header = NULL, *claims = NULL, *nbf, *iat, *typ;
    const char *alg, *kid, *iss, *sub, *typ_name, *cpr = NULL, *municipality = NULL;
    const struct claim_map *map;
    const struct token_key *key;
    json_int_t exp, max_lifetime;
    int citizen, national, cached = 0;
    char cpr_checked[11], role[16];

    if (out == NULL)
        return TOKEN_POLICY_INVALID;
    memset(out, 0, sizeof(*out));
    if (ks == NULL || pol == NULL || (pol->issuers == NULL && pol->n_issuers > 0)
        || (pol->mapped == NULL && pol->n_mapped > 0) || pol->n_issuers + pol->n_mapped == 0
        || pol->audience == NULL || pol->leeway_s < 0 || pol->leeway_s > TOKEN_LEEWAY_MAX
        || pol->max_lifetime_s < 0)
        return TOKEN_POLICY_INVALID;
    max_lifetime = pol->max_lifetime_s > 0 ? pol->max_lifetime_s : TOKEN_DEFAULT_MAX_LIFETIME_S;

    /* 1. Shape: three canonical base64url segments within the size limit. Canonical, so
     * one token has exactly one spelling (callers may key rate limits or logs on it). */
    if (token == NULL || token[0] == '\0')
        return TOKEN_MISSING;
    len = strnlen(token, TOKEN_MAX_LEN + 1);
    if (len > TOKEN_MAX_LEN)
        return TOKEN_TOO_LONG;
    /* An empty signature passes here so that `alg: none` is reported as the algorithm
     * confusion it is (step 3); no accepted algorithm verifies an empty signature. */
    if (split_segments(token, len, seg_len) != 3 || seg_len[0] == 0 || seg_len[1] == 0)
        return TOKEN_MALFORMED;

    /* 2. Header, decoded by us with duplicates refused. */
    header = decode_object(token, seg_len[0], segment_bytes);
    if (header == NULL) {
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
    /* "JWT", or RFC 9068's "at+jwt" for access tokens, in exactly these spellings. */
    typ = json_object_get(header, "typ");
    typ_name = json_string_value(typ);
    if (typ != NULL
        && !(typ_name != NULL && (strcmp(typ_name, "JWT") == 0 || strcmp(typ_name, "at+jwt") == 0))) {
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

    /* Claims, decoded by us from the very bytes the signature covers, with duplicate names
     * refused. Decoded before the signature is checked only so that `iss` can pick among
     * issuers' keys with one kid; nothing in them is trusted until step 5. */
    claims = decode_object(token + seg_len[0] + 1, seg_len[1], segment_bytes);
    if (claims == NULL) {
        res = TOKEN_CLAIMS_INVALID;
        goto done;
    }

    /* 3. The key, and its pinned algorithm: the exact, case-sensitive name. This is what
     * stops none/NoNe, HS256-with-the-public-key-as-secret and RS/ES swaps. */
    key = keyset_find_for(ks, json_string_value(json_object_get(claims, "iss")), kid);
    if (key == NULL) {
        res = TOKEN_UNKNOWN_KID;
        goto done;
    }
    if (strcmp(alg, key->alg) != 0) {
        res = TOKEN_ALG_MISMATCH;
        goto done;
    }

    /* 4. Signature. A hit means this exact token string (all 32 digest bytes) passed every
     * check before under this key set, so its signature is known good. A failed digest only
     * loses the cache. */
    if (sigs != NULL && sigcache_digest(sigs, token, len, digest) != 0)
        sigs = NULL;
    if (sigs != NULL)
        cached = sigcache_lookup(sigs, digest, now);
    if (!cached) {
        unsigned char sig[TOKEN_MAX_LEN / 4 * 3];
        size_t signed_len = seg_len[0] + 1 + seg_len[1];
        sig_len = b64url_decode(token + signed_len + 1, seg_len[2], sig);
        switch (jws_verify(key->pkey, key->alg, token, signed_len, sig, sig_len, key->low_s_only)) {
        case JWS_OK:
            break;
        case JWS_HIGH_S:
            res = TOKEN_HIGH_S;
            goto done;
        case JWS_KEY_MISMATCH:
            res = TOKEN_ALG_MISMATCH;
            goto done;
        case JWS_BAD_SIGNATURE:
            res = TOKEN_BAD_SIGNATURE;
            goto done;
        }
    }

    /* 5. Claims. Types first: a string or float exp must not read as 0. */
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
    /* A token dated in the future came from a clock or a signer not to be trusted. */
    if (iat != NULL && (json_int_t)now + pol->leeway_s < json_integer_value(iat)) {
        res = TOKEN_ISSUED_IN_FUTURE;
        goto done;
    }
    /* A stolen long-lived token is a long-lived key: cap exp - iat, and without iat the time
     * left (exp - now). Both sides are bounded above (now + leeway >= iat, exp >= now -
     * leeway), and the subtractions are arranged so that no hostile value can overflow. */
    if (iat != NULL ? exp - max_lifetime > json_integer_value(iat)
                    : exp - max_lifetime > (json_int_t)now) {
        res = TOKEN_LIFETIME_TOO_LONG;
        goto done;
    }
    iss = json_string_value(json_object_get(claims, "iss"));
    map = issuer_map(pol, iss);
    if (map == NULL) {
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
    /* The role, CPR and municipality under the issuer's own claim names (claim_map.h). */
    if (claim_map_role(map, claims, role) != 0) {
        res = TOKEN_ROLE_INVALID;
        goto done;
    }
    /* A citizen's municipality is ignored and a staff member's cpr is not copied: each role
     * carries exactly the attribute its access rules use. The appeals board (Ankestyrelsen)
     * is national, so its tokens need no municipality. */
    citizen = strcmp(role, "citizen") == 0;
    national = strcmp(role, "appeals_board") == 0;
    if (citizen) {
        cpr = json_string_value(json_object_get(claims, map->cpr_claim));
        if (!digits_exactly(cpr, 10) || cpr_validate(cpr, cpr_checked) != 0) {
            res = TOKEN_CPR_INVALID;
            goto done;
        }
    } else if (!national) {
        municipality = json_string_value(json_object_get(claims, map->municipality_claim));
        if (!digits_exactly(municipality, 3)) {
            res = TOKEN_MUNICIPALITY_INVALID;
            goto done;
        }
    }

    /* Lengths were bounded above: role by claim_map_role, sub by TOKEN_SUB_MAX, iss by
     * equality with the key's issuer (at most KEYS_ISSUER_MAX). */
    strcpy(out->role, role);
    strcpy(out->sub, sub);
    strcpy(out->issuer, iss);
    if (citizen)
        strcpy(out->cpr, cpr_checked);
    else if (!national)
        strcpy(out->municipality, municipality);
    out->exp = (long)exp;

    /* Only now, with every check passed, may the token be trusted without a signature check. */
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
        return "token typ must be JWT or at+jwt";
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
    case TOKEN_HIGH_S:
        return "token ES256 signature is not in low-S form";
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
    case TOKEN_ISSUED_IN_FUTURE:
        return "token iat is in the future";
    case TOKEN_LIFETIME_TOO_LONG:
        return "token lifetime (exp - iat) is longer than allowed";
    case TOKEN_ISSUER_UNKNOWN:
        return "token issuer is not accepted";
    case TOKEN_ISSUER_KEY_MISMATCH:
        return "token issuer does not own its signing key";
    case TOKEN_AUDIENCE_INVALID:
        return "token audience does not include this service";
    case TOKEN_SUBJECT_INVALID:
        return "token sub is missing or invalid";
    case TOKEN_ROLE_INVALID:
        return "token role is missing, unknown, ambiguous or not allowed for its issuer";
    case TOKEN_MUNICIPALITY_INVALID:
        return "staff token needs its municipality claim as a 3-digit string";
    case TOKEN_CPR_INVALID:
        return "citizen token needs its CPR claim as a 10-digit string";
    }
    return "token rejected";
}
