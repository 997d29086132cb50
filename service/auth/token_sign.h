/*
 * Signs a token with a private key file: for the `make token` dev tool and the tests only.
 * The server never links this file and never holds a private key.
 */
#ifndef FREMDRIFT_TOKEN_SIGN_H
#define FREMDRIFT_TOKEN_SIGN_H

#include <stddef.h>

#include <jansson.h>

/*
 * Signs claims (a JSON object, left owned by the caller) with the PEM private key at
 * private_pem_path, alg "ES256" or "RS256", and header kid. Returns the compact token,
 * which the caller frees with free(), or NULL with a message in err.
 */
char *token_sign(const char *private_pem_path, const char *alg, const char *kid,
                 json_t *claims, char *err, size_t errlen);

#endif
