/*
 * Loads the token verification key set from its JSON configuration file and checks every
 * key with OpenSSL, so that a wrong key type, a weak key or a private key stops the server
 * at start-up (or keeps the old set on reload) instead of failing on the first request.
 */

#include "auth/keys.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

/* A public key PEM is a few hundred bytes; anything near this is not one. */
#define KEYS_PEM_FILE_MAX 65536
#define KEYS_PATH_MAX 4096
#define KEYS_RSA_MIN_BITS 2048

struct keyset {
    size_t n;
    size_t cap;
    struct token_key keys[];
};

static const char *const entry_fields[] = { "kid", "alg", "issuer", "public_key_file" };

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static int kid_valid(const char *kid)
{
    size_t len = strlen(kid);

    if (len == 0 || len > KEYS_KID_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = kid[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                 || c == '.' || c == '_' || c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

/* Relative key paths follow the config file, so the server's cwd does not matter. */
static int resolve_path(const char *config_path, const char *file, char *out, size_t outlen)
{
    const char *slash = strrchr(config_path, '/');
    int n;

    if (file[0] == '/' || slash == NULL)
        n = snprintf(out, outlen, "%s", file);
    else
        n = snprintf(out, outlen, "%.*s/%s", (int)(slash - config_path), config_path, file);
    return n >= 0 && (size_t)n < outlen;
}

/* Reads a whole small file into a malloc'd buffer the caller frees; NULL with errno set. */
static char *read_small_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (f == NULL)
        return NULL;
    buf = malloc(KEYS_PEM_FILE_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        errno = ENOMEM;
        return NULL;
    }
    n = fread(buf, 1, KEYS_PEM_FILE_MAX + 1, f);
    if (ferror(f) || n > KEYS_PEM_FILE_MAX) {
        int e = ferror(f) ? EIO : EFBIG;
        fclose(f);
        free(buf);
        errno = e;
        return NULL;
    }
    fclose(f);
    *len = n;
    return buf;
}

static size_t count_occurrences(const char *buf, size_t len, const char *needle)
{
    size_t count = 0, nlen = strlen(needle);
    const char *p = buf, *end = buf + len;

    while ((p = memmem(p, (size_t)(end - p), needle, nlen)) != NULL) {
        count++;
        p += nlen;
    }
    return count;
}

/* Why pkey cannot verify alg, or NULL. libjwt and OpenSSL check EVP_PKEY_id() against the
 * algorithm, so both ids must match. */
static const char *check_key_type(EVP_PKEY *pkey, const char *alg)
{
    char group[64];

    if (strcmp(alg, "ES256") == 0) {
        if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC || EVP_PKEY_get_id(pkey) != EVP_PKEY_EC
            || EVP_PKEY_get_group_name(pkey, group, sizeof(group), NULL) != 1
            || strcmp(group, "prime256v1") != 0)
            return "ES256 needs an EC P-256 public key";
        return NULL;
    }
    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA || EVP_PKEY_get_id(pkey) != EVP_PKEY_RSA)
        return "RS256 needs an RSA public key";
    if (EVP_PKEY_get_bits(pkey) < KEYS_RSA_MIN_BITS)
        return "RS256 needs an RSA key of at least 2048 bits";
    return NULL;
}

/* Checks pkey for key->alg and stores it in key with its re-encoded PEM (both owned by the
 * key). Returns NULL or a message. */
static const char *store_public_key(struct token_key *key, EVP_PKEY *pkey)
{
    const char *msg = check_key_type(pkey, key->alg);
    BIO *out = NULL;
    char *data;
    long data_len;

    if (msg != NULL)
        goto done;
    out = BIO_new(BIO_s_mem());
    if (out == NULL || PEM_write_bio_PUBKEY(out, pkey) != 1) {
        msg = "cannot re-encode the public key";
        goto done;
    }
    data_len = BIO_get_mem_data(out, &data);
    key->pem = malloc((size_t)data_len + 1);
    if (key->pem == NULL || EVP_PKEY_up_ref(pkey) != 1) {
        free(key->pem);
        key->pem = NULL;
        msg = "out of memory";
        goto done;
    }
    memcpy(key->pem, data, (size_t)data_len);
    key->pem[data_len] = '\0';
    key->pem_len = (size_t)data_len;
    key->pkey = pkey;

done:
    /* Leave no stale errors in this thread's queue for a later OpenSSL caller to misread. */
    ERR_clear_error();
    BIO_free(out);
    return msg;
}

/*
 * Checks that buf holds exactly one public key matching alg and stores it in key.
 * Returns NULL or a message for the caller to wrap. Re-encoding hands the verifier exactly
 * the key that was checked, not the file's other bytes.
 */
static const char *load_public_key(struct token_key *key, const char *buf, size_t len)
{
    const char *msg = NULL;
    EVP_PKEY *pkey = NULL;
    BIO *in = NULL;

    /* Covers PKCS#8, encrypted PKCS#8 and the traditional "EC/RSA PRIVATE KEY" blocks. */
    if (count_occurrences(buf, len, "PRIVATE KEY") > 0)
        return "holds a private key; production configuration holds public keys only";
    if (count_occurrences(buf, len, "-----BEGIN ") != 1)
        return "must hold exactly one PEM block";

    in = BIO_new_mem_buf(buf, (int)len);
    if (in == NULL) {
        msg = "out of memory";
        goto done;
    }
    pkey = PEM_read_bio_PUBKEY(in, NULL, NULL, NULL);
    if (pkey == NULL) {
        msg = "is not a PEM public key (-----BEGIN PUBLIC KEY-----)";
        goto done;
    }
    msg = store_public_key(key, pkey);

done:
    ERR_clear_error();
    EVP_PKEY_free(pkey);
    BIO_free(in);
    return msg;
}

/* Fills key from entry i; returns 0, or -1 after writing a message to err. */
static int load_entry(const char *path, size_t i, json_t *entry, struct token_key *key,
                      char *err, size_t errlen)
{
    const char *name, *values[4];
    const char *msg;
    json_t *value;
    char pem_path[KEYS_PATH_MAX];
    char *buf;
    size_t len;

    if (!json_is_object(entry)) {
        set_err(err, errlen, "%s: keys[%zu]: must be an object", path, i);
        return -1;
    }
    json_object_foreach(entry, name, value) {
        size_t f = 0;
        while (f < 4 && strcmp(name, entry_fields[f]) != 0)
            f++;
        if (f == 4) {
            set_err(err, errlen, "%s: keys[%zu]: unknown field \"%.64s\"", path, i, name);
            return -1;
        }
    }
    for (size_t f = 0; f < 4; f++) {
        values[f] = json_string_value(json_object_get(entry, entry_fields[f]));
        if (values[f] == NULL) {
            set_err(err, errlen, "%s: keys[%zu].%s: required, must be a string", path, i,
                    entry_fields[f]);
            return -1;
        }
    }

    if (!kid_valid(values[0])) {
        set_err(err, errlen, "%s: keys[%zu].kid: must be 1..%d characters of [A-Za-z0-9._-]",
                path, i, KEYS_KID_MAX);
        return -1;
    }
    strcpy(key->kid, values[0]);

    /* Pinning one algorithm per key is what stops none/HS256 algorithm confusion. Our own
     * signers (token_sign.c) make every ES256 signature low-S, so the key file asks it. */
    key->low_s_only = 1;
    if (strcmp(values[1], "ES256") != 0 && strcmp(values[1], "RS256") != 0) {
        set_err(err, errlen, "%s: keys[%zu].alg: \"%.16s\" is not accepted (ES256 or RS256 only)",
                path, i, values[1]);
        return -1;
    }
    strcpy(key->alg, values[1]);

    len = strlen(values[2]);
    if (len == 0 || len > KEYS_ISSUER_MAX) {
        set_err(err, errlen, "%s: keys[%zu].issuer: must be 1..%d characters", path, i,
                KEYS_ISSUER_MAX);
        return -1;
    }
    strcpy(key->issuer, values[2]);

    if (values[3][0] == '\0' || !resolve_path(path, values[3], pem_path, sizeof(pem_path))) {
        set_err(err, errlen, "%s: keys[%zu].public_key_file: empty or too long", path, i);
        return -1;
    }
    buf = read_small_file(pem_path, &len);
    if (buf == NULL) {
        set_err(err, errlen, "%s: keys[%zu].public_key_file: %s: %s", path, i, pem_path,
                errno == EFBIG ? "too large for a public key" : strerror(errno));
        return -1;
    }
    msg = load_public_key(key, buf, len);
    free(buf);
    if (msg != NULL) {
        set_err(err, errlen, "%s: keys[%zu].public_key_file: %s: %s", path, i, pem_path, msg);
        return -1;
    }
    return 0;
}

struct keyset *keyset_load(const char *path, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *root, *keys;
    struct keyset *ks = NULL;
    const char *name;
    json_t *value;
    size_t n;

    if (path == NULL || path[0] == '\0') {
        set_err(err, errlen, "no key file given (FREMDRIFT_JWT_KEYS)");
        return NULL;
    }
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        if (jerr.line > 0)
            set_err(err, errlen, "%s: line %d: %s", path, jerr.line, jerr.text);
        else
            set_err(err, errlen, "%s: %s", path, jerr.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        set_err(err, errlen, "%s: must be a JSON object", path);
        goto fail;
    }
    json_object_foreach(root, name, value) {
        if (strcmp(name, "keys") != 0) {
            set_err(err, errlen, "%s: unknown field \"%.64s\"", path, name);
            goto fail;
        }
    }
    keys = json_object_get(root, "keys");
    n = json_array_size(keys);
    if (!json_is_array(keys) || n == 0) {
        set_err(err, errlen, "%s: keys: required, must be a non-empty array", path);
        goto fail;
    }

    ks = keyset_new(n);
    if (ks == NULL) {
        set_err(err, errlen, "%s: out of memory", path);
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        /* Count first so keyset_free() releases the PEMs of a partly loaded set. */
        ks->n = i + 1;
        if (load_entry(path, i, json_array_get(keys, i), &ks->keys[i], err, errlen) != 0)
            goto fail;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(ks->keys[j].kid, ks->keys[i].kid) == 0) {
                set_err(err, errlen, "%s: keys[%zu].kid: duplicate of keys[%zu].kid", path, i, j);
                goto fail;
            }
        }
    }
    json_decref(root);
    return ks;

fail:
    keyset_free(ks);
    json_decref(root);
    return NULL;
}

void keyset_free(struct keyset *ks)
{
    if (ks == NULL)
        return;
    for (size_t i = 0; i < ks->n; i++) {
        free(ks->keys[i].pem);
        EVP_PKEY_free(ks->keys[i].pkey);
    }
    free(ks);
}

size_t keyset_count(const struct keyset *ks)
{
    return ks == NULL ? 0 : ks->n;
}

const struct token_key *keyset_find(const struct keyset *ks, const char *kid)
{
    if (ks == NULL || kid == NULL)
        return NULL;
    for (size_t i = 0; i < ks->n; i++) {
        if (strcmp(ks->keys[i].kid, kid) == 0)
            return &ks->keys[i];
    }
    return NULL;
}

const struct token_key *keyset_find_for(const struct keyset *ks, const char *issuer,
                                        const char *kid)
{
    if (ks == NULL || kid == NULL)
        return NULL;
    for (size_t i = 0; issuer != NULL && i < ks->n; i++) {
        if (strcmp(ks->keys[i].kid, kid) == 0 && strcmp(ks->keys[i].issuer, issuer) == 0)
            return &ks->keys[i];
    }
    return keyset_find(ks, kid);
}

struct keyset *keyset_new(size_t capacity)
{
    struct keyset *ks = calloc(1, sizeof(*ks) + capacity * sizeof(ks->keys[0]));

    if (ks != NULL)
        ks->cap = capacity;
    return ks;
}

static int jwk_kid_valid(const char *kid)
{
    size_t len = strlen(kid);

    if (len == 0 || len > KEYS_JWK_KID_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        if (kid[i] <= 0x20 || kid[i] >= 0x7f)
            return 0;
    }
    return 1;
}

const char *keyset_add(struct keyset *ks, const char *kid, const char *alg, const char *issuer,
                       EVP_PKEY *pkey, int low_s_only)
{
    struct token_key *key;
    const char *msg;

    if (ks == NULL || ks->n == ks->cap)
        return "key set is full";
    if (kid == NULL || !jwk_kid_valid(kid))
        return "kid must be 1..128 printable ASCII characters";
    if (alg == NULL || (strcmp(alg, "ES256") != 0 && strcmp(alg, "RS256") != 0))
        return "alg must be ES256 or RS256";
    if (issuer == NULL || issuer[0] == '\0' || strlen(issuer) > KEYS_ISSUER_MAX)
        return "issuer must be 1..255 characters";
    key = &ks->keys[ks->n];
    memset(key, 0, sizeof(*key));
    strcpy(key->kid, kid);
    strcpy(key->alg, alg);
    strcpy(key->issuer, issuer);
    key->low_s_only = low_s_only;
    msg = store_public_key(key, pkey);
    if (msg == NULL)
        ks->n++;
    return msg;
}

struct keyset *keyset_merge(struct keyset *const *sets, size_t n)
{
    size_t total = 0;
    struct keyset *ks;

    for (size_t i = 0; i < n; i++)
        total += keyset_count(sets[i]);
    ks = keyset_new(total);
    if (ks == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < keyset_count(sets[i]); j++) {
            const struct token_key *from = &sets[i]->keys[j];
            struct token_key *to = &ks->keys[ks->n];
            *to = *from;
            to->pem = malloc(from->pem_len + 1);
            if (to->pem == NULL || EVP_PKEY_up_ref(from->pkey) != 1) {
                free(to->pem);
                keyset_free(ks);
                return NULL;
            }
            memcpy(to->pem, from->pem, from->pem_len + 1);
            ks->n++;
        }
    }
    return ks;
}

int keyset_equal(const struct keyset *a, const struct keyset *b)
{
    if (keyset_count(a) != keyset_count(b))
        return 0;
    for (size_t i = 0; i < keyset_count(a); i++) {
        const struct token_key *x = &a->keys[i], *y = &b->keys[i];
        if (strcmp(x->kid, y->kid) != 0 || strcmp(x->alg, y->alg) != 0
            || strcmp(x->issuer, y->issuer) != 0 || x->low_s_only != y->low_s_only
            || x->pem_len != y->pem_len || memcmp(x->pem, y->pem, x->pem_len) != 0)
            return 0;
    }
    return 1;
}
