/* ES256 and RS256 signature checks with OpenSSL 3's EVP interface. */
#include "auth/jws.h"

#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>

/* The order n of P-256 and n/2 rounded down, big-endian. */
static const unsigned char p256_order[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
};
static const unsigned char p256_half_order[32] = {
    0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B, 0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31, 0x92, 0xA8,
};

int jws_es256_high_s(const unsigned char sig[JWS_ES256_SIG_LEN])
{
    return memcmp(sig + 32, p256_half_order, 32) > 0;
}

int jws_es256_make_low_s(unsigned char sig[JWS_ES256_SIG_LEN])
{
    unsigned int borrow = 0;

    if (!jws_es256_high_s(sig))
        return 0;
    /* s := n - s, byte by byte from the least significant end; s < n, so no final borrow. */
    for (int i = 31; i >= 0; i--) {
        unsigned int d = (unsigned int)p256_order[i] - sig[32 + i] - borrow;
        sig[32 + i] = (unsigned char)d;
        borrow = (d >> 8) & 1;
    }
    return 1;
}

/* r||s as the DER ECDSA-Sig-Value OpenSSL verifies; *der is OPENSSL_free'd by the caller. */
static int es256_to_der(const unsigned char *sig, unsigned char **der)
{
    BIGNUM *r = BN_bin2bn(sig, 32, NULL);
    BIGNUM *s = BN_bin2bn(sig + 32, 32, NULL);
    ECDSA_SIG *es = ECDSA_SIG_new();
    int len = -1;

    if (r == NULL || s == NULL || es == NULL || ECDSA_SIG_set0(es, r, s) != 1) {
        BN_free(r);
        BN_free(s);
        ECDSA_SIG_free(es);
        return -1;
    }
    /* es owns r and s now. */
    *der = NULL;
    len = i2d_ECDSA_SIG(es, der);
    ECDSA_SIG_free(es);
    return len;
}

enum jws_result jws_verify(EVP_PKEY *key, const char *alg, const char *input, size_t input_len,
                           const unsigned char *sig, size_t sig_len, int low_s_only)
{
    enum jws_result res = JWS_BAD_SIGNATURE;
    unsigned char *der = NULL;
    const unsigned char *checked = sig;
    size_t checked_len = sig_len;
    EVP_MD_CTX *md = NULL;
    int es256;

    if (key == NULL || alg == NULL)
        return JWS_KEY_MISMATCH;
    es256 = strcmp(alg, "ES256") == 0;
    if (!es256 && strcmp(alg, "RS256") != 0)
        return JWS_KEY_MISMATCH;
    if (EVP_PKEY_get_base_id(key) != (es256 ? EVP_PKEY_EC : EVP_PKEY_RSA))
        return JWS_KEY_MISMATCH;

    if (es256) {
        int der_len;
        if (sig_len != JWS_ES256_SIG_LEN)
            return JWS_BAD_SIGNATURE;
        der_len = es256_to_der(sig, &der);
        if (der_len <= 0)
            goto done;
        checked = der;
        checked_len = (size_t)der_len;
    } else if (sig_len != (size_t)EVP_PKEY_get_size(key)) {
        return JWS_BAD_SIGNATURE;
    }

    md = EVP_MD_CTX_new();
    if (md == NULL || EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) != 1)
        goto done;
    if (EVP_DigestVerify(md, checked, checked_len, (const unsigned char *)input, input_len) != 1)
        goto done;
    /* Checked after the signature verified, so a high s reads as what it is: a twin. */
    res = es256 && low_s_only && jws_es256_high_s(sig) ? JWS_HIGH_S : JWS_OK;

done:
    /* Leave no stale errors in this thread's queue for a later OpenSSL caller to misread. */
    ERR_clear_error();
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    return res;
}
