/*
 * The token verification key set: one pinned algorithm, issuer and public key per kid,
 * loaded from the JSON file named by FREMDRIFT_JWT_KEYS, or built from an identity
 * provider's JWKS (auth/jwk.h).
 */
#ifndef FREMDRIFT_KEYS_H
#define FREMDRIFT_KEYS_H

#include <stddef.h>

#include <openssl/evp.h>

#define KEYS_KID_MAX 64                 /* in the key file */
#define KEYS_JWK_KID_MAX 128            /* from an identity provider's JWKS */
#define KEYS_ISSUER_MAX 255

/* Read-only once loaded: the key set owns every field. */
struct token_key {
    char kid[KEYS_JWK_KID_MAX + 1];
    char alg[6];                        /* "ES256" or "RS256", exactly */
    char issuer[KEYS_ISSUER_MAX + 1];
    char *pem;                          /* SubjectPublicKeyInfo PEM, re-encoded by OpenSSL */
    size_t pem_len;                     /* bytes in pem, without the terminating NUL */
    EVP_PKEY *pkey;                     /* the same key, parsed once; signatures are checked with it */
    int low_s_only;                     /* ES256: refuse high-S signatures (auth/jws.h) */
};

struct keyset;

/*
 * Loads and checks every entry of the key file at path. Returns NULL on any error, with a
 * message naming the file and the entry index/field in err. The caller frees the result
 * with keyset_free(). The set never changes after load, so threads may share it.
 */
struct keyset *keyset_load(const char *path, char *err, size_t errlen);

/* Frees a set from keyset_load(); NULL is allowed. */
void keyset_free(struct keyset *ks);

size_t keyset_count(const struct keyset *ks);

/* The key with exactly this kid, or NULL. The result belongs to the set. */
const struct token_key *keyset_find(const struct keyset *ks, const char *kid);

/* The key with this kid of this issuer; failing that, any key with this kid (so a token
 * naming another issuer's key is reported as such), or NULL. Two identity providers may
 * use one kid: the issuer tells them apart. issuer may be NULL. */
const struct token_key *keyset_find_for(const struct keyset *ks, const char *issuer,
                                        const char *kid);

/* An empty set with room for capacity keys; NULL when out of memory. */
struct keyset *keyset_new(size_t capacity);

/*
 * Appends a key pinned to alg ("ES256" or "RS256") and issuer, after the checks the key
 * file's keys get (type, P-256, RSA of at least 2048 bits). The set takes its own
 * reference to pkey. Returns NULL, or a static message when the key is refused or the set
 * is full. kid must be 1..KEYS_JWK_KID_MAX printable ASCII characters.
 */
const char *keyset_add(struct keyset *ks, const char *kid, const char *alg, const char *issuer,
                       EVP_PKEY *pkey, int low_s_only);

/* 1 when a and b hold the same keys (kid, alg, issuer, key, low-S rule) in the same order. */
int keyset_equal(const struct keyset *a, const struct keyset *b);

/* A new set holding every key of sets[0..n) (NULL entries skipped), in order; NULL when
 * out of memory. The keys are shared by reference: either set may be freed first. */
struct keyset *keyset_merge(struct keyset *const *sets, size_t n);

#endif
