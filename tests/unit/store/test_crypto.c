/*
 * Unit tests for service/crypto.c: sealing and opening, tamper and
 * truncation detection, keyed hashes, hex output and key files. Known
 * answers come from RFC 4231, `openssl dgst` and Python's cryptography
 * package, not from the code under test.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/crypto.h"

#define ENC_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define HASH_HEX "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
#define OTHER_HEX "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
#define CPR "0101901234"
#define CPR_LEN 10

static void test_keys(struct crypto_keys *k, unsigned char version, const char *enc_hex,
                      const char *hash_hex)
{
    cr_assert_eq(crypto_keys_from_hex(k, version, enc_hex, hash_hex), 0);
}

static void seal_cpr(const struct crypto_keys *k, unsigned char *sealed, size_t *len)
{
    cr_assert_eq(crypto_encrypt(k, (const unsigned char *)CPR, CPR_LEN, sealed, 64, len), 0);
    cr_assert_eq(*len, crypto_sealed_len(CPR_LEN));
}

static void hex_to_bytes(const char *hex, unsigned char *out, size_t n)
{
    size_t i;
    unsigned int byte;

    for (i = 0; i < n; i++) {
        cr_assert_eq(sscanf(hex + 2 * i, "%2x", &byte), 1);
        out[i] = (unsigned char)byte;
    }
}

static int contains(const unsigned char *hay, size_t haylen, const char *needle)
{
    size_t i, n = strlen(needle);

    for (i = 0; i + n <= haylen; i++) {
        if (memcmp(hay + i, needle, n) == 0) {
            return 1;
        }
    }
    return 0;
}

Test(crypto, sealed_length_is_version_nonce_ciphertext_tag)
{
    cr_assert_eq(crypto_sealed_len(10), 1 + 12 + 10 + 16);
    cr_assert_eq(crypto_sealed_len(0), 29);
}

Test(crypto, encrypt_then_decrypt_round_trips)
{
    struct crypto_keys k;
    unsigned char sealed[64], plain[64];
    size_t slen, plen;

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    seal_cpr(&k, sealed, &slen);
    cr_assert_eq(crypto_decrypt(&k, sealed, slen, plain, sizeof plain, &plen), 0);
    cr_assert_eq(plen, CPR_LEN);
    cr_assert_arr_eq(plain, CPR, CPR_LEN);
    crypto_keys_wipe(&k);
}

Test(crypto, sealed_value_starts_with_key_version_and_hides_plaintext)
{
    struct crypto_keys k;
    unsigned char sealed[64];
    size_t slen;

    test_keys(&k, 7, ENC_HEX, HASH_HEX);
    seal_cpr(&k, sealed, &slen);
    cr_assert_eq(sealed[0], 7);
    cr_assert(!contains(sealed, slen, CPR));
    cr_assert(!contains(sealed, slen, "010190"));
}

Test(crypto, empty_plaintext_round_trips)
{
    struct crypto_keys k;
    unsigned char sealed[64], plain[4];
    size_t slen, plen = 99;

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    cr_assert_eq(crypto_encrypt(&k, (const unsigned char *)"", 0, sealed, sizeof sealed, &slen), 0);
    cr_assert_eq(slen, 29);
    cr_assert_eq(crypto_decrypt(&k, sealed, slen, plain, sizeof plain, &plen), 0);
    cr_assert_eq(plen, 0);
}

Test(crypto, same_plaintext_encrypts_differently_but_decrypts_equal)
{
    struct crypto_keys k;
    unsigned char a[64], b[64], pa[64], pb[64];
    size_t alen, blen, palen, pblen;

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    seal_cpr(&k, a, &alen);
    seal_cpr(&k, b, &blen);
    cr_assert_eq(alen, blen);
    cr_assert_arr_neq(a + 1, b + 1, 12, "nonces must differ");
    cr_assert_arr_neq(a, b, alen);
    cr_assert_eq(crypto_decrypt(&k, a, alen, pa, sizeof pa, &palen), 0);
    cr_assert_eq(crypto_decrypt(&k, b, blen, pb, sizeof pb, &pblen), 0);
    cr_assert_eq(palen, pblen);
    cr_assert_arr_eq(pa, pb, palen);
}

Test(crypto, decrypts_value_sealed_independently_with_python_cryptography)
{
    /*
     * AESGCM(bytes(range(32))).encrypt(nonce=cafebabefacedbaddecaf888,
     * b"0101901234", aad=b"\x01"), laid out as version || nonce || ct || tag.
     */
    static const char sealed_hex[] =
        "01cafebabefacedbaddecaf888ba929017934a7e29753fb17b2ecc816a5e2d01aa7abecee6a8ef";
    struct crypto_keys k;
    unsigned char sealed[39], plain[64];
    size_t plen;

    hex_to_bytes(sealed_hex, sealed, sizeof sealed);
    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    cr_assert_eq(crypto_decrypt(&k, sealed, sizeof sealed, plain, sizeof plain, &plen), 0);
    cr_assert_eq(plen, CPR_LEN);
    cr_assert_arr_eq(plain, CPR, CPR_LEN);
}

Test(crypto, version_byte_is_authenticated_not_just_compared)
{
    /* Same key, nonce and plaintext as above, sealed by Python with AAD b"\x02". */
    static const char sealed_hex[] =
        "02cafebabefacedbaddecaf888ba929017934a7e29753f07df7b674b1f7d27be4569d2708120f0";
    struct crypto_keys k2, k1;
    unsigned char sealed[39], plain[64];
    size_t plen;

    hex_to_bytes(sealed_hex, sealed, sizeof sealed);
    test_keys(&k2, 2, ENC_HEX, HASH_HEX);
    cr_assert_eq(crypto_decrypt(&k2, sealed, sizeof sealed, plain, sizeof plain, &plen), 0);
    cr_assert_arr_eq(plain, CPR, CPR_LEN);

    /* Relabel it version 1 and open with a version-1 key: the tag must catch it. */
    sealed[0] = 1;
    test_keys(&k1, 1, ENC_HEX, HASH_HEX);
    cr_assert_eq(crypto_decrypt(&k1, sealed, sizeof sealed, plain, sizeof plain, &plen), -1);
}

Test(crypto, flipping_any_single_byte_makes_decrypt_fail)
{
    static const unsigned char masks[] = {0x01, 0x80, 0xff};
    struct crypto_keys k;
    unsigned char sealed[64], bad[64], plain[64];
    size_t slen, plen, pos, m;

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    seal_cpr(&k, sealed, &slen);
    for (pos = 0; pos < slen; pos++) {
        for (m = 0; m < sizeof masks; m++) {
            memcpy(bad, sealed, slen);
            bad[pos] ^= masks[m];
            memset(plain, 0, sizeof plain);
            cr_assert_eq(crypto_decrypt(&k, bad, slen, plain, sizeof plain, &plen), -1,
                         "byte %zu ^ 0x%02x was accepted", pos, masks[m]);
            cr_assert(!contains(plain, sizeof plain, "1234"),
                      "byte %zu ^ 0x%02x left plaintext in out", pos, masks[m]);
        }
    }
}

Test(crypto, wrong_key_version_fails)
{
    struct crypto_keys k1, k2;
    unsigned char sealed[64], plain[64];
    size_t slen, plen;

    test_keys(&k1, 1, ENC_HEX, HASH_HEX);
    test_keys(&k2, 2, ENC_HEX, HASH_HEX);
    seal_cpr(&k1, sealed, &slen);
    cr_assert_eq(crypto_decrypt(&k2, sealed, slen, plain, sizeof plain, &plen), -1);
}

Test(crypto, wrong_encryption_key_fails)
{
    struct crypto_keys k, other;
    unsigned char sealed[64], plain[64];
    size_t slen, plen;

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    test_keys(&other, 1, OTHER_HEX, HASH_HEX);
    seal_cpr(&k, sealed, &slen);
    cr_assert_eq(crypto_decrypt(&other, sealed, slen, plain, sizeof plain, &plen), -1);
}

Test(crypto, every_truncation_fails)
{
    struct crypto_keys k;
    unsigned char sealed[64], plain[64];
    size_t slen, plen, n;

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    seal_cpr(&k, sealed, &slen);
    for (n = 0; n < slen; n++) {
        cr_assert_eq(crypto_decrypt(&k, sealed, n, plain, sizeof plain, &plen), -1,
                     "truncated to %zu bytes was accepted", n);
    }
}

Test(crypto, appended_byte_fails)
{
    struct crypto_keys k;
    unsigned char sealed[64], plain[64];
    size_t slen, plen;

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    seal_cpr(&k, sealed, &slen);
    sealed[slen] = 0;
    cr_assert_eq(crypto_decrypt(&k, sealed, slen + 1, plain, sizeof plain, &plen), -1);
}

Test(crypto, encrypt_refuses_too_small_output_buffer)
{
    struct crypto_keys k;
    unsigned char sealed[64];
    size_t slen;

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    cr_assert_eq(crypto_encrypt(&k, (const unsigned char *)CPR, CPR_LEN, sealed, 38, &slen), -1);
    cr_assert_eq(crypto_encrypt(&k, (const unsigned char *)CPR, CPR_LEN, sealed, 39, &slen), 0);
}

Test(crypto, decrypt_refuses_too_small_output_buffer)
{
    struct crypto_keys k;
    unsigned char sealed[64], plain[64];
    size_t slen, plen;

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    seal_cpr(&k, sealed, &slen);
    cr_assert_eq(crypto_decrypt(&k, sealed, slen, plain, CPR_LEN - 1, &plen), -1);
    cr_assert_eq(crypto_decrypt(&k, sealed, slen, plain, CPR_LEN, &plen), 0);
}

Test(crypto, keyed_hash_is_equal_and_stable_for_same_input)
{
    struct crypto_keys k;
    unsigned char a[32], b[32];
    int i;

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    cr_assert_eq(crypto_keyed_hash(&k, CPR, CPR_LEN, a), 0);
    for (i = 0; i < 100; i++) {
        cr_assert_eq(crypto_keyed_hash(&k, CPR, CPR_LEN, b), 0);
        cr_assert_arr_eq(a, b, 32);
    }
}

Test(crypto, keyed_hash_differs_with_different_hash_key)
{
    struct crypto_keys k, other;
    unsigned char a[32], b[32];

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    test_keys(&other, 1, ENC_HEX, OTHER_HEX);
    cr_assert_eq(crypto_keyed_hash(&k, CPR, CPR_LEN, a), 0);
    cr_assert_eq(crypto_keyed_hash(&other, CPR, CPR_LEN, b), 0);
    cr_assert_arr_neq(a, b, 32);
}

Test(crypto, keyed_hash_does_not_use_encryption_key)
{
    struct crypto_keys k, other;
    unsigned char a[32], b[32];

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    test_keys(&other, 1, OTHER_HEX, HASH_HEX);
    cr_assert_eq(crypto_keyed_hash(&k, CPR, CPR_LEN, a), 0);
    cr_assert_eq(crypto_keyed_hash(&other, CPR, CPR_LEN, b), 0);
    cr_assert_arr_eq(a, b, 32);
}

Test(crypto, keyed_hash_matches_rfc4231_test_case_2)
{
    /*
     * RFC 4231 case 2 uses the 4-byte key "Jefe". HMAC zero-pads keys shorter
     * than the 64-byte SHA-256 block, so "Jefe" + 28 zero bytes is the same key.
     */
    struct crypto_keys k;
    unsigned char mac[32];
    char hex[65];
    const char *data = "what do ya want for nothing?";

    test_keys(&k, 1, ENC_HEX,
              "4a65666500000000000000000000000000000000000000000000000000000000");
    cr_assert_eq(crypto_keyed_hash(&k, data, strlen(data), mac), 0);
    crypto_hex(mac, sizeof mac, hex);
    cr_assert_str_eq(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

Test(crypto, keyed_hash_of_cpr_matches_openssl_cli)
{
    /* printf 0101901234 | openssl dgst -sha256 -mac HMAC -macopt hexkey:2021...3f */
    struct crypto_keys k;
    unsigned char mac[32];
    char hex[65];

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    cr_assert_eq(crypto_keyed_hash(&k, CPR, CPR_LEN, mac), 0);
    crypto_hex(mac, sizeof mac, hex);
    cr_assert_str_eq(hex, "46e44333574dc43931e2688527aae2a3f4fd953845c28540c659ba428fbb7bec");
}

Test(crypto, hex_is_lowercase_two_digits_per_byte)
{
    static const unsigned char b[] = {0x00, 0x0f, 0xa5, 0xff, 0x10};
    char out[11];

    memset(out, 'Z', sizeof out);
    crypto_hex(b, sizeof b, out);
    cr_assert_str_eq(out, "000fa5ff10");
    crypto_hex(b, 0, out);
    cr_assert_str_eq(out, "");
}

Test(crypto, keys_from_hex_accepts_uppercase)
{
    struct crypto_keys lower, upper;

    test_keys(&lower, 1, ENC_HEX, HASH_HEX);
    test_keys(&upper, 1, "000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
              HASH_HEX);
    cr_assert_arr_eq(lower.enc_key, upper.enc_key, 32);
    cr_assert_eq(lower.enc_key[31], 0x1f);
    cr_assert_eq(lower.hash_key[0], 0x20);
    cr_assert_eq(lower.enc_version, 1);
}

Test(crypto, keys_from_hex_rejects_bad_length_non_hex_and_equal_keys)
{
    struct crypto_keys k;

    cr_assert_eq(crypto_keys_from_hex(&k, 1, ENC_HEX "0", HASH_HEX), -1);
    cr_assert_eq(crypto_keys_from_hex(&k, 1, ENC_HEX, HASH_HEX "00"), -1);
    cr_assert_eq(crypto_keys_from_hex(&k, 1,
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1", HASH_HEX), -1);
    cr_assert_eq(crypto_keys_from_hex(&k, 1,
        "g00102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", HASH_HEX), -1);
    cr_assert_eq(crypto_keys_from_hex(&k, 1, ENC_HEX, ENC_HEX), -1);
    cr_assert_eq(crypto_keys_from_hex(&k, 1, NULL, HASH_HEX), -1);
}

Test(crypto, keys_from_hex_failure_leaves_no_key_material)
{
    struct crypto_keys k;
    static const unsigned char zero[sizeof k] = {0};

    memset(&k, 0x55, sizeof k);
    /* The encryption key is good, so it was decoded before the hash key failed. */
    cr_assert_eq(crypto_keys_from_hex(&k, 1, OTHER_HEX, HASH_HEX "0"), -1);
    cr_assert_arr_eq(&k, zero, sizeof k);
}

Test(crypto, wipe_zeroes_all_key_material)
{
    struct crypto_keys k;
    static const unsigned char zero[sizeof k] = {0};

    test_keys(&k, 3, ENC_HEX, HASH_HEX);
    crypto_keys_wipe(&k);
    cr_assert_arr_eq(&k, zero, sizeof k);
}

/*
 * Key files a test created, removed by its .fini: a failed assertion ends
 * the test early, and the files must not stay behind in /tmp. Each test runs
 * in its own process, so this state is per test.
 */
static char key_paths[2][64];

static void remove_key_files(void)
{
    size_t i;

    for (i = 0; i < 2; i++) {
        if (key_paths[i][0] != '\0') {
            unlink(key_paths[i]);
        }
    }
}

/* Writes content to a fresh temporary file and returns its name (slot 0 or 1). */
static const char *write_key_file(int slot, const char *content)
{
    char *path = key_paths[slot];
    size_t len = strlen(content);
    int fd;

    strcpy(path, "/tmp/fremdrift_key_XXXXXX");
    fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, content, len), (ssize_t)len);
    close(fd);
    return path;
}

/* No run of 8 characters from the file may show up in the message. */
static void assert_no_key_material(const char *err, const char *content)
{
    size_t i, len = strlen(content);
    char window[9];

    for (i = 0; i + 8 <= len; i++) {
        memcpy(window, content + i, 8);
        window[8] = '\0';
        cr_assert(strstr(err, window) == NULL, "error message shows key material: %s", err);
    }
}

static void expect_load_fails(const char *enc_content, const char *hash_content,
                              int bad_file_is_hash)
{
    const char *enc_path = write_key_file(0, enc_content);
    const char *hash_path = write_key_file(1, hash_content);
    const char *bad_path;
    char err[512];
    struct crypto_keys k;
    static const unsigned char zero[sizeof k] = {0};

    bad_path = bad_file_is_hash ? hash_path : enc_path;
    memset(&k, 0x55, sizeof k);
    err[0] = '\0';
    cr_assert_eq(crypto_keys_load(&k, enc_path, hash_path, err, sizeof err), -1);
    cr_assert(strstr(err, bad_path) != NULL, "error does not name %s: %s", bad_path, err);
    assert_no_key_material(err, enc_content);
    assert_no_key_material(err, hash_content);
    cr_assert_arr_eq(&k, zero, sizeof k, "key struct not wiped after failure");
}

Test(crypto, key_files_with_trailing_newline_load, .fini = remove_key_files)
{
    const char *enc_path = write_key_file(0, ENC_HEX "\n");
    const char *hash_path = write_key_file(1, HASH_HEX " \r\n\t\n");
    char err[256] = "";
    struct crypto_keys loaded, want;

    cr_assert_eq(crypto_keys_load(&loaded, enc_path, hash_path, err, sizeof err), 0, "%s", err);
    test_keys(&want, 1, ENC_HEX, HASH_HEX);
    cr_assert_eq(loaded.enc_version, CRYPTO_KEY_VERSION_DEFAULT);
    cr_assert_arr_eq(loaded.enc_key, want.enc_key, 32);
    cr_assert_arr_eq(loaded.hash_key, want.hash_key, 32);
    cr_assert_eq(loaded.enc_key[1], 0x01);
    cr_assert_eq(loaded.hash_key[31], 0x3f);
}

Test(crypto, key_files_without_newline_load, .fini = remove_key_files)
{
    const char *enc_path = write_key_file(0, ENC_HEX);
    const char *hash_path = write_key_file(1, HASH_HEX);
    char err[256] = "";
    struct crypto_keys k;

    cr_assert_eq(crypto_keys_load(&k, enc_path, hash_path, err, sizeof err), 0, "%s", err);
    cr_assert_eq(k.enc_key[16], 0x10);
}

Test(crypto, key_file_too_short_fails_naming_path_not_key, .fini = remove_key_files)
{
    expect_load_fails("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e\n",
                      HASH_HEX "\n", 0);
}

Test(crypto, key_file_too_long_fails_naming_path_not_key, .fini = remove_key_files)
{
    expect_load_fails(ENC_HEX "\n", HASH_HEX "20\n", 1);
}

Test(crypto, key_file_far_too_long_fails_naming_path_not_key, .fini = remove_key_files)
{
    expect_load_fails(ENC_HEX ENC_HEX ENC_HEX "\n", HASH_HEX "\n", 0);
}

Test(crypto, key_file_with_non_hex_fails_naming_path_not_key, .fini = remove_key_files)
{
    expect_load_fails(ENC_HEX "\n",
                      "202122232425262728292a2b2c2d2e2f30313233343536373839zz3b3c3d3e3f\n", 1);
}

Test(crypto, key_file_with_leading_space_fails, .fini = remove_key_files)
{
    expect_load_fails(" " ENC_HEX "\n", HASH_HEX "\n", 0);
}

Test(crypto, key_file_with_text_after_key_fails, .fini = remove_key_files)
{
    expect_load_fails(ENC_HEX "\n# test key\n", HASH_HEX "\n", 0);
}

Test(crypto, empty_key_file_fails, .fini = remove_key_files)
{
    expect_load_fails("", HASH_HEX "\n", 0);
}

Test(crypto, same_key_in_both_files_fails, .fini = remove_key_files)
{
    expect_load_fails(ENC_HEX "\n", ENC_HEX "\n", 1);
}

Test(crypto, missing_key_file_fails_naming_path, .fini = remove_key_files)
{
    const char *hash_path = write_key_file(0, HASH_HEX "\n");
    const char *missing = "/tmp/fremdrift_no_such_key_file";
    char err[256] = "";
    struct crypto_keys k;

    cr_assert_eq(crypto_keys_load(&k, missing, hash_path, err, sizeof err), -1);
    cr_assert(strstr(err, missing) != NULL, "%s", err);
    cr_assert_eq(crypto_keys_load(&k, hash_path, missing, err, sizeof err), -1);
    cr_assert(strstr(err, missing) != NULL, "%s", err);
    assert_no_key_material(err, HASH_HEX);
}

Test(crypto, key_load_error_fits_small_buffer_or_none)
{
    char err[8];
    struct crypto_keys k;

    memset(err, 'Z', sizeof err);
    cr_assert_eq(crypto_keys_load(&k, "/tmp/fremdrift_no_such_key_file", "/x", err, sizeof err), -1);
    cr_assert_eq(strlen(err), sizeof err - 1);
    cr_assert_eq(crypto_keys_load(&k, "/tmp/fremdrift_no_such_key_file", "/x", NULL, 0), -1);
    cr_assert_eq(crypto_keys_load(&k, NULL, "/x", err, sizeof err), -1);
}

struct worker {
    const struct crypto_keys *keys;
    int failures;
};

static void *round_trips(void *arg)
{
    struct worker *w = arg;
    unsigned char sealed[64], plain[64], mac[32], first_mac[32];
    size_t slen, plen;
    int i;

    crypto_keyed_hash(w->keys, CPR, CPR_LEN, first_mac);
    for (i = 0; i < 500; i++) {
        if (crypto_encrypt(w->keys, (const unsigned char *)CPR, CPR_LEN, sealed,
                           sizeof sealed, &slen) != 0
            || crypto_decrypt(w->keys, sealed, slen, plain, sizeof plain, &plen) != 0
            || plen != CPR_LEN || memcmp(plain, CPR, CPR_LEN) != 0
            || crypto_keyed_hash(w->keys, CPR, CPR_LEN, mac) != 0
            || memcmp(mac, first_mac, sizeof mac) != 0) {
            w->failures++;
        }
    }
    return NULL;
}

Test(crypto, concurrent_calls_with_shared_keys_all_succeed)
{
    enum { THREADS = 4 };
    struct crypto_keys k;
    struct worker w[THREADS];
    pthread_t t[THREADS];
    int i;

    test_keys(&k, 1, ENC_HEX, HASH_HEX);
    for (i = 0; i < THREADS; i++) {
        w[i].keys = &k;
        w[i].failures = 0;
        cr_assert_eq(pthread_create(&t[i], NULL, round_trips, &w[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
    }
    for (i = 0; i < THREADS; i++) {
        cr_assert_eq(w[i].failures, 0, "thread %d had %d failures", i, w[i].failures);
    }
}
