/*
 * The token verification key set: one pinned algorithm, issuer and public key per kid,
 * loaded from the JSON file named by FREMDRIFT_JWT_KEYS.
 */
#ifndef FREMDRIFT_KEYS_H
#define FREMDRIFT_KEYS_H

#include <stddef.h>

#define KEYS_KID_MAX 64
#define KEYS_ISSUER_MAX 255

/* Read-only once loaded: the key set owns every field. */
struct token_key {
    char kid[KEYS_KID_MAX + 1];
    char alg[6];                        /* "ES256" or "RS256", exactly */
    char issuer[KEYS_ISSUER_MAX + 1];
    char *pem;                          /* SubjectPublicKeyInfo PEM, re-encoded by OpenSSL */
    size_t pem_len;                     /* bytes in pem, without the terminating NUL */
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

#endif
