/*
 * Signs a token with a private key file, for the `make token` dev tool and the tests.
 * Only the algorithms the verifier accepts are offered, so it cannot mint confusion tokens.
 */
#include "auth/token_sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/crypto.h>

#include "auth/b64url.h"
#include "auth/jws.h"

#define TOKEN_SIGN_PEM_MAX 65536

/* OpenSSL, under libjwt, leaves half its ECDSA signatures with a high s, which the
 * verifier refuses (auth/jws.h): replace s by n - s, in place (the length is unchanged). */
static int make_low_s(char *token)
{
    char *dot = strrchr(token, '.');
    unsigned char sig[JWS_ES256_SIG_LEN + 3];
    size_t len;

    if (dot == NULL || !b64url_canonical(dot + 1, strlen(dot + 1)))
        return -1;
    len = strlen(dot + 1);
    if (len != (JWS_ES256_SIG_LEN * 4 + 2) / 3)
        return -1;
    b64url_decode(dot + 1, len, sig);
    if (jws_es256_make_low_s(sig))
        b64url_encode(sig, JWS_ES256_SIG_LEN, dot + 1);
    return 0;
}

char *token_sign(const char *private_pem_path, const char *alg, const char *kid,
                 json_t *claims, char *err, size_t errlen)
{
    unsigned char *pem = NULL;
    char *claims_text = NULL, *token = NULL;
    jwt_t *jwt = NULL;
    const char *msg = NULL;
    size_t len = 0;
    FILE *f;

    if (alg == NULL || (strcmp(alg, "ES256") != 0 && strcmp(alg, "RS256") != 0)) {
        msg = "alg must be ES256 or RS256";
        goto done;
    }
    if (kid == NULL || kid[0] == '\0' || !json_is_object(claims)) {
        msg = "kid and a claims object are required";
        goto done;
    }
    f = private_pem_path == NULL ? NULL : fopen(private_pem_path, "rb");
    if (f == NULL) {
        msg = "cannot open the private key file";
        goto done;
    }
    pem = malloc(TOKEN_SIGN_PEM_MAX);
    if (pem != NULL)
        len = fread(pem, 1, TOKEN_SIGN_PEM_MAX, f);
    fclose(f);
    if (pem == NULL || len == 0 || len == TOKEN_SIGN_PEM_MAX) {
        msg = "cannot read the private key file";
        goto done;
    }
    claims_text = json_dumps(claims, JSON_COMPACT);
    if (claims_text == NULL || jwt_new(&jwt) != 0
        || jwt_add_grants_json(jwt, claims_text) != 0
        || jwt_set_alg(jwt, jwt_str_alg(alg), pem, (int)len) != 0
        || jwt_add_header(jwt, "kid", kid) != 0) {
        msg = "cannot build the token";
        goto done;
    }
    token = jwt_encode_str(jwt);
    if (token == NULL)
        msg = "cannot sign: is the key a private key of the alg's type?";
    else if (strcmp(alg, "ES256") == 0 && make_low_s(token) != 0) {
        free(token);
        token = NULL;
        msg = "libjwt made an ES256 signature that is not 64 bytes";
    }

done:
    if (msg != NULL && err != NULL && errlen > 0)
        snprintf(err, errlen, "token_sign: %s", msg);
    if (pem != NULL) {
        OPENSSL_cleanse(pem, TOKEN_SIGN_PEM_MAX);
        free(pem);
    }
    free(claims_text);
    jwt_free(jwt);
    return token;
}
