/*
 * JWS signature verification with OpenSSL, for the two algorithms the service accepts.
 * The service verifies signatures itself rather than through libjwt's jwt_decode(): that
 * refuses every header `typ` but "JWT", so RFC 9068 access tokens (`typ: at+jwt`, which
 * oidc-provider and other identity providers send) could not be verified at all.
 */
#ifndef FREMDRIFT_JWS_H
#define FREMDRIFT_JWS_H

#include <stddef.h>

#include <openssl/evp.h>

#define JWS_ES256_SIG_LEN 64

enum jws_result {
    JWS_OK = 0,
    JWS_BAD_SIGNATURE,      /* wrong length, out of range, or does not verify */
    JWS_HIGH_S,             /* ES256 with s > n/2: the malleable twin of a low-S signature */
    JWS_KEY_MISMATCH,       /* the key is not of the algorithm's type */
};

/*
 * Verifies sig over input[0..input_len) (the token's "header.payload") with key under alg
 * ("ES256" or "RS256", exactly). ES256 signatures are r||s, 64 bytes; with low_s_only a
 * valid signature whose s is in the upper half of the group order is refused, so that one
 * token has exactly one valid spelling. Allocates nothing that outlives the call.
 */
enum jws_result jws_verify(EVP_PKEY *key, const char *alg, const char *input, size_t input_len,
                           const unsigned char *sig, size_t sig_len, int low_s_only);

/* 1 when the r||s signature's s is above n/2 (P-256), else 0. */
int jws_es256_high_s(const unsigned char sig[JWS_ES256_SIG_LEN]);

/* Replaces a high s by n - s, which verifies equally: for signers whose library (OpenSSL,
 * node, Java) leaves half their signatures high. Returns 1 when it changed sig. */
int jws_es256_make_low_s(unsigned char sig[JWS_ES256_SIG_LEN]);

#endif
