/*
 * Key loading, AES-256-GCM field encryption and HMAC-SHA256 lookup hashes
 * for personal data (CPR numbers), on OpenSSL 3 libcrypto.
 * No shared OpenSSL contexts: each call creates and frees its own.
 */
#include "store/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/* 64 hex digits plus room for a trailing newline and some stray whitespace. */
enum { KEY_FILE_MAX = 128 };

/*
 * OpenSSL keeps failures on a per-thread error queue. libpq's and other TLS
 * code consult that queue after their own calls, so a stale entry left here
 * can turn someone else's success into a spurious error: drop ours.
 */
static void drop_openssl_errors(void)
{
    ERR_clear_error();
}

static void set_err(char *err, size_t errlen, const char *path, const char *what)
{
    if (err != NULL && errlen > 0) {
        snprintf(err, errlen, "key file %s: %s", path, what);
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Not isspace(): key files must not parse differently under another locale. */
static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int decode_key_hex(const char *hex, size_t len, unsigned char key[CRYPTO_KEY_LEN])
{
    size_t i;
    int hi, lo;

    if (len != 2 * CRYPTO_KEY_LEN) {
        return -1;
    }
    for (i = 0; i < CRYPTO_KEY_LEN; i++) {
        hi = hex_value(hex[2 * i]);
        lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            OPENSSL_cleanse(key, CRYPTO_KEY_LEN);
            return -1;
        }
        key[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

/*
 * open/read rather than stdio: a FILE's buffer would keep a copy of the key
 * in freed heap memory after fclose, where we cannot cleanse it.
 */
static int read_key_file(const char *path, unsigned char key[CRYPTO_KEY_LEN],
                         char *err, size_t errlen)
{
    char buf[KEY_FILE_MAX + 1];     /* one spare byte tells an over-long file */
    size_t len = 0;
    ssize_t got;
    int fd;
    int rc = -1;

    if (path == NULL) {
        set_err(err, errlen, "(none)", "no path configured");
        return -1;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        set_err(err, errlen, path, "cannot open");
        return -1;
    }
    while (len < sizeof buf) {
        got = read(fd, buf + len, sizeof buf - len);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            set_err(err, errlen, path, "cannot read");
            goto done;
        }
        if (got == 0) {
            break;
        }
        len += (size_t)got;
    }
    while (len > 0 && is_space(buf[len - 1])) {
        len--;
    }
    if (decode_key_hex(buf, len, key) != 0) {
        set_err(err, errlen, path, "expected 64 hex digits, optionally followed by whitespace");
        goto done;
    }
    rc = 0;
done:
    close(fd);
    OPENSSL_cleanse(buf, sizeof buf);
    return rc;
}

int crypto_keys_load(struct crypto_keys *k, const char *enc_key_file,
                     const char *hash_key_file, char *err, size_t errlen)
{
    if (read_key_file(enc_key_file, k->enc_key, err, errlen) != 0
        || read_key_file(hash_key_file, k->hash_key, err, errlen) != 0) {
        crypto_keys_wipe(k);
        return -1;
    }
    /* One key for both jobs means a copy-paste slip in deployment, not a choice. */
    if (CRYPTO_memcmp(k->enc_key, k->hash_key, CRYPTO_KEY_LEN) == 0) {
        if (err != NULL && errlen > 0) {
            snprintf(err, errlen, "key files %s and %s hold the same key; "
                     "encryption and hash keys must differ", enc_key_file, hash_key_file);
        }
        crypto_keys_wipe(k);
        return -1;
    }
    k->enc_version = CRYPTO_KEY_VERSION_DEFAULT;
    return 0;
}

int crypto_keys_from_hex(struct crypto_keys *k, unsigned char enc_version,
                         const char *enc_hex, const char *hash_hex)
{
    if (enc_hex == NULL || hash_hex == NULL
        || decode_key_hex(enc_hex, strnlen(enc_hex, 2 * CRYPTO_KEY_LEN + 1), k->enc_key) != 0
        || decode_key_hex(hash_hex, strnlen(hash_hex, 2 * CRYPTO_KEY_LEN + 1), k->hash_key) != 0
        || CRYPTO_memcmp(k->enc_key, k->hash_key, CRYPTO_KEY_LEN) == 0) {
        crypto_keys_wipe(k);
        return -1;
    }
    k->enc_version = enc_version;
    return 0;
}

void crypto_keys_wipe(struct crypto_keys *k)
{
    OPENSSL_cleanse(k, sizeof *k);
}

static int seal(EVP_CIPHER_CTX *ctx, const struct crypto_keys *k,
                const unsigned char *plain, int n, unsigned char *out)
{
    unsigned char *nonce = out + 1;
    unsigned char *ct = out + 1 + CRYPTO_NONCE_LEN;
    int len = 0;
    int final_len = 0;

    out[0] = k->enc_version;
    if (RAND_bytes(nonce, CRYPTO_NONCE_LEN) != 1
        || EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, CRYPTO_NONCE_LEN, NULL) != 1
        || EVP_EncryptInit_ex(ctx, NULL, NULL, k->enc_key, nonce) != 1
        || EVP_EncryptUpdate(ctx, NULL, &len, out, 1) != 1) {
        return -1;
    }
    len = 0;
    if ((n > 0 && EVP_EncryptUpdate(ctx, ct, &len, plain, n) != 1)
        || EVP_EncryptFinal_ex(ctx, ct + len, &final_len) != 1
        || len + final_len != n
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, CRYPTO_TAG_LEN, ct + n) != 1) {
        return -1;
    }
    return 0;
}

int crypto_encrypt(const struct crypto_keys *k, const unsigned char *plain,
                   size_t n, unsigned char *out, size_t outcap, size_t *outlen)
{
    EVP_CIPHER_CTX *ctx;
    int rc;

    /* EVP takes int lengths. */
    if (n > (size_t)INT_MAX - CRYPTO_OVERHEAD || outcap < crypto_sealed_len(n)) {
        return -1;
    }
    ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        drop_openssl_errors();
        return -1;
    }
    rc = seal(ctx, k, plain, (int)n, out);
    EVP_CIPHER_CTX_free(ctx);
    if (rc != 0) {
        drop_openssl_errors();
        return -1;
    }
    *outlen = crypto_sealed_len(n);
    return 0;
}

static int open_sealed(EVP_CIPHER_CTX *ctx, const struct crypto_keys *k,
                       const unsigned char *sealed, int ctlen, unsigned char *out)
{
    const unsigned char *nonce = sealed + 1;
    const unsigned char *ct = sealed + 1 + CRYPTO_NONCE_LEN;
    /* A copy because EVP_CTRL_GCM_SET_TAG takes a non-const pointer. */
    unsigned char tag[CRYPTO_TAG_LEN];
    int len = 0;
    int final_len = 0;

    memcpy(tag, ct + ctlen, CRYPTO_TAG_LEN);
    if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, CRYPTO_NONCE_LEN, NULL) != 1
        || EVP_DecryptInit_ex(ctx, NULL, NULL, k->enc_key, nonce) != 1
        || EVP_DecryptUpdate(ctx, NULL, &len, sealed, 1) != 1) {
        return -1;
    }
    len = 0;
    if ((ctlen > 0 && EVP_DecryptUpdate(ctx, out, &len, ct, ctlen) != 1)
        || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, CRYPTO_TAG_LEN, tag) != 1
        || EVP_DecryptFinal_ex(ctx, out + len, &final_len) != 1
        || len + final_len != ctlen) {
        return -1;
    }
    return 0;
}

int crypto_decrypt(const struct crypto_keys *k, const unsigned char *sealed,
                   size_t n, unsigned char *out, size_t outcap, size_t *outlen)
{
    EVP_CIPHER_CTX *ctx;
    size_t ctlen;
    int rc;

    if (n < CRYPTO_OVERHEAD || sealed[0] != k->enc_version) {
        return -1;
    }
    ctlen = n - CRYPTO_OVERHEAD;
    if (ctlen > INT_MAX || outcap < ctlen) {
        return -1;
    }
    ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        drop_openssl_errors();
        return -1;
    }
    rc = open_sealed(ctx, k, sealed, (int)ctlen, out);
    EVP_CIPHER_CTX_free(ctx);
    if (rc != 0) {
        /* GCM decrypts before it checks the tag: never hand out unverified plaintext. */
        OPENSSL_cleanse(out, ctlen);
        drop_openssl_errors();
        return -1;
    }
    *outlen = ctlen;
    return 0;
}

int crypto_keyed_hash(const struct crypto_keys *k, const char *s, size_t n,
                      unsigned char out[CRYPTO_HASH_LEN])
{
    unsigned int len = 0;

    /* One-shot HMAC() builds and frees its own context, so it is safe across threads. */
    if (HMAC(EVP_sha256(), k->hash_key, CRYPTO_KEY_LEN, (const unsigned char *)s, n,
             out, &len) == NULL
        || len != CRYPTO_HASH_LEN) {
        OPENSSL_cleanse(out, CRYPTO_HASH_LEN);
        drop_openssl_errors();
        return -1;
    }
    return 0;
}

void crypto_hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

int crypto_from_hex(const char *hex, unsigned char *out, size_t cap, size_t *len)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi * 16 + lo);
    }
    *len = n / 2;
    return 0;
}

char *crypto_seal_to_bytea(const struct crypto_keys *k, const void *plain, size_t n)
{
    size_t cap = crypto_sealed_len(n), len = 0;
    unsigned char *sealed = malloc(cap);
    char *text = malloc(2 + 2 * cap + 1);
    if (!sealed || !text || crypto_encrypt(k, plain, n, sealed, cap, &len) != 0) {
        free(sealed);
        free(text);
        return NULL;
    }
    text[0] = '\\';
    text[1] = 'x';
    crypto_hex(sealed, len, text + 2);
    free(sealed);
    return text;
}

char *crypto_open_from_hex(const struct crypto_keys *k, const char *hex, size_t *len)
{
    size_t cap = strlen(hex) / 2, sealed_len = 0;
    unsigned char *sealed = malloc(cap ? cap : 1);
    char *plain = malloc(cap + 1);
    if (!sealed || !plain || crypto_from_hex(hex, sealed, cap, &sealed_len) != 0 ||
        crypto_decrypt(k, sealed, sealed_len, (unsigned char *)plain, cap, len) != 0) {
        free(sealed);
        free(plain);
        return NULL;
    }
    free(sealed);
    plain[*len] = '\0';
    return plain;
}
