#ifndef FREMDRIFT_CRYPTO_H
#define FREMDRIFT_CRYPTO_H

/*
 * Field encryption (AES-256-GCM) and keyed lookup hashes (HMAC-SHA256)
 * for personal data such as CPR numbers, on OpenSSL 3 libcrypto.
 * Every call builds and frees its own OpenSSL context, so all functions
 * may be called concurrently with one shared, read-only struct crypto_keys.
 */

#include <stddef.h>

enum {
    CRYPTO_KEY_LEN = 32,
    CRYPTO_NONCE_LEN = 12,
    CRYPTO_TAG_LEN = 16,
    CRYPTO_HASH_LEN = 32,
    /* Version byte + nonce + tag around the ciphertext. */
    CRYPTO_OVERHEAD = 1 + CRYPTO_NONCE_LEN + CRYPTO_TAG_LEN,
    /* Version that crypto_keys_load gives the encryption key. */
    CRYPTO_KEY_VERSION_DEFAULT = 1
};

struct crypto_keys {
    unsigned char enc_version;
    unsigned char enc_key[CRYPTO_KEY_LEN];
    unsigned char hash_key[CRYPTO_KEY_LEN];
};

/*
 * Reads the two key files, each exactly 64 hex digits (either case)
 * optionally followed by whitespace, and sets enc_version to
 * CRYPTO_KEY_VERSION_DEFAULT. The two keys must differ.
 * Returns 0, or -1 with a message in err (may be NULL) that names the file
 * path but never any key material; k is wiped on failure.
 * The caller wipes k with crypto_keys_wipe when done.
 */
int crypto_keys_load(struct crypto_keys *k, const char *enc_key_file,
                     const char *hash_key_file, char *err, size_t errlen);

/*
 * Same from strings of exactly 64 hex digits each (no whitespace), with an
 * explicit key version. Returns 0, or -1 (k wiped).
 */
int crypto_keys_from_hex(struct crypto_keys *k, unsigned char enc_version,
                         const char *enc_hex, const char *hash_hex);

void crypto_keys_wipe(struct crypto_keys *k);

/* Size of the sealed form of n plaintext bytes. */
static inline size_t crypto_sealed_len(size_t n)
{
    return CRYPTO_OVERHEAD + n;
}

/*
 * Seals plain[0..n) as version || random nonce || ciphertext || tag, with
 * the version byte as additional authenticated data. out must not overlap
 * plain and needs outcap >= crypto_sealed_len(n). Returns 0 and sets
 * *outlen, or -1 (out[0..outcap) holds nothing useful).
 */
int crypto_encrypt(const struct crypto_keys *k, const unsigned char *plain,
                   size_t n, unsigned char *out, size_t outcap, size_t *outlen);

/*
 * Opens a value made by crypto_encrypt. Fails (-1) on a version other
 * than k->enc_version, input shorter than CRYPTO_OVERHEAD, outcap below
 * n - CRYPTO_OVERHEAD, or any change to the sealed bytes; on failure no
 * plaintext is left in out. Returns 0 and sets *outlen on success.
 */
int crypto_decrypt(const struct crypto_keys *k, const unsigned char *sealed,
                   size_t n, unsigned char *out, size_t outcap, size_t *outlen);

/*
 * HMAC-SHA256 of s[0..n) under the hash key: a stable lookup value that
 * cannot be recomputed for guessed CPR numbers without the key.
 * Returns 0, or -1 (out zeroed).
 */
int crypto_keyed_hash(const struct crypto_keys *k, const char *s, size_t n,
                      unsigned char out[CRYPTO_HASH_LEN]);

/* Lowercase hex of b[0..n) into out, which has room for 2n + 1 bytes. */
void crypto_hex(const unsigned char *b, size_t n, char *out);

/* The bytes of hex (an even number of hex digits, either case) into out[0..cap).
 * Returns 0 and sets *len, or -1 when hex is malformed or too long for cap. */
int crypto_from_hex(const char *hex, unsigned char *out, size_t cap, size_t *len);

/*
 * Seals plain[0..n) and writes it as PostgreSQL's text form of a bytea ("\x" and hex
 * digits), ready to pass as a $n::bytea parameter. Returns a string the caller frees,
 * or NULL.
 */
char *crypto_seal_to_bytea(const struct crypto_keys *k, const void *plain, size_t n);

/*
 * Opens hex (the sealed value as hex digits, e.g. from encode(col, 'hex')). Returns the
 * plaintext with a NUL after it, which the caller frees, and sets *len; or NULL when it
 * cannot be opened.
 */
char *crypto_open_from_hex(const struct crypto_keys *k, const char *hex, size_t *len);

#endif
