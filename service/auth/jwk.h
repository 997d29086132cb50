/*
 * JSON Web Keys (RFC 7517) as identity providers publish them at their jwks_uri: the
 * usable verification keys of a JWKS document become a key set (keys.h).
 */
#ifndef FREMDRIFT_JWK_H
#define FREMDRIFT_JWK_H

#include <stddef.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "auth/keys.h"

#define JWK_MAX_KEYS 64

/*
 * The public key of one JWK object and the algorithm it is for ("ES256" or "RS256",
 * copied into alg, 6 bytes). Returns the key (the caller frees it with EVP_PKEY_free), or
 * NULL with the reason this key cannot be used in *why (a static string). Rules:
 * kty RSA (n, e) or EC with crv P-256 (x, y, 32 bytes each, on the curve); `use`, when
 * present, must be "sig"; `key_ops`, when present, must list "verify"; `alg`, when present,
 * must be RS256 for RSA or ES256 for EC; a key with private members (d, p, q, …) or of
 * any other type (oct, OKP) is never used.
 */
EVP_PKEY *jwk_public_key(json_t *jwk, char alg[6], const char **why);

/*
 * Parses a JWKS document text[0..len) published by issuer into a new key set of its usable
 * signing keys, each pinned to its algorithm and to issuer; keys that cannot be used
 * (encryption keys, other algorithms, no kid) are skipped. Returns NULL with a message in
 * err when the document is not a JWKS, has two usable keys with one kid, more than
 * JWK_MAX_KEYS keys, or no usable key. low_s_only is passed to every ES256 key (jws.h).
 * The caller frees the set with keyset_free().
 */
struct keyset *jwk_parse_set(const char *text, size_t len, const char *issuer, int low_s_only,
                             char *err, size_t errlen);

#endif
