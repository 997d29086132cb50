/*
 * Unit tests for the verified-signature cache (service/sigcache.c) and for its life cycle
 * in the key ring (service/auth.c): emptied on reload, so a rotated key never inherits
 * the old key's verdicts. Digests are built by hand to aim at chosen sets.
 */

#include <criterion/criterion.h>

#include <ftw.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "auth/auth.h"
#include "auth/sigcache.h"
#include "auth/token_sign.h"

#define SC_NOW 1767225600L /* 2026-01-01T00:00:00Z */

static struct sigcache *sc;

static void sc_setup(void)
{
    sc = sigcache_create();
    cr_assert_not_null(sc);
}

static void sc_teardown(void)
{
    sigcache_free(sc);
}

TestSuite(sigcache, .init = sc_setup, .fini = sc_teardown);

/* A digest whose first three bytes (the set index) are set_bytes and the rest fill. */
static void sc_digest(unsigned char d[SIGCACHE_DIGEST_LEN], uint32_t set_bytes, unsigned char fill)
{
    memset(d, fill, SIGCACHE_DIGEST_LEN);
    d[0] = (unsigned char)set_bytes;
    d[1] = (unsigned char)(set_bytes >> 8);
    d[2] = (unsigned char)(set_bytes >> 16);
}

Test(sigcache, digest_is_sha256_of_the_whole_token)
{
    /* FIPS 180-2 appendix B.1: SHA-256("abc"). */
    static const unsigned char abc[SIGCACHE_DIGEST_LEN] = {
        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
        0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
        0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
    };
    unsigned char d[SIGCACHE_DIGEST_LEN];

    cr_assert_eq(sigcache_digest(sc, "abc", 3, d), 0);
    cr_assert_arr_eq(d, abc, sizeof(abc));
}

Test(sigcache, empty_cache_misses)
{
    unsigned char d[SIGCACHE_DIGEST_LEN];

    sc_digest(d, 0, 0);
    cr_assert_not(sigcache_lookup(sc, d, SC_NOW));
    sc_digest(d, 7, 0x5a);
    cr_assert_not(sigcache_lookup(sc, d, SC_NOW));
}

Test(sigcache, hit_after_add)
{
    unsigned char d[SIGCACHE_DIGEST_LEN];

    cr_assert_eq(sigcache_digest(sc, "header.payload.signature", 24, d), 0);
    sigcache_add(sc, d, SC_NOW + 600, SC_NOW);
    cr_assert(sigcache_lookup(sc, d, SC_NOW));
    cr_assert(sigcache_lookup(sc, d, SC_NOW + 599));
}

Test(sigcache, miss_for_a_different_token)
{
    unsigned char a[SIGCACHE_DIGEST_LEN], b[SIGCACHE_DIGEST_LEN];

    cr_assert_eq(sigcache_digest(sc, "header.payload.signature", 24, a), 0);
    cr_assert_eq(sigcache_digest(sc, "header.payload.signaturf", 24, b), 0);
    sigcache_add(sc, a, SC_NOW + 600, SC_NOW);
    cr_assert_not(sigcache_lookup(sc, b, SC_NOW));
}

Test(sigcache, all_32_digest_bytes_compared)
{
    unsigned char added[SIGCACHE_DIGEST_LEN], probe[SIGCACHE_DIGEST_LEN];

    sc_digest(added, 42, 0x11);
    sigcache_add(sc, added, SC_NOW + 600, SC_NOW);
    /* Same set, differing in exactly one byte, anywhere past the set index. */
    for (size_t i = 3; i < SIGCACHE_DIGEST_LEN; i++) {
        memcpy(probe, added, sizeof(probe));
        probe[i] ^= 0x01;
        cr_assert_not(sigcache_lookup(sc, probe, SC_NOW), "byte %zu", i);
    }
    cr_assert(sigcache_lookup(sc, added, SC_NOW));
}

Test(sigcache, miss_after_the_entrys_exp)
{
    unsigned char d[SIGCACHE_DIGEST_LEN];

    sc_digest(d, 3, 0x33);
    sigcache_add(sc, d, SC_NOW + 600, SC_NOW);
    cr_assert(sigcache_lookup(sc, d, SC_NOW + 600));
    cr_assert_not(sigcache_lookup(sc, d, SC_NOW + 601));
    cr_assert_not(sigcache_lookup(sc, d, INT64_MAX));
}

Test(sigcache, already_expired_token_not_stored)
{
    unsigned char d[SIGCACHE_DIGEST_LEN];

    sc_digest(d, 3, 0x33);
    sigcache_add(sc, d, SC_NOW - 1, SC_NOW);
    cr_assert_not(sigcache_lookup(sc, d, SC_NOW - 1), "a clock going back must not revive it");
}

Test(sigcache, re_adding_a_token_keeps_one_entry)
{
    unsigned char d[5][SIGCACHE_DIGEST_LEN];

    /* Adding one token four times must not push out the three others sharing its set. */
    for (unsigned char i = 0; i < 4; i++) {
        sc_digest(d[i], 9, i);
        sigcache_add(sc, d[i], SC_NOW + 600, SC_NOW);
    }
    for (int i = 0; i < 4; i++)
        sigcache_add(sc, d[0], SC_NOW + 600, SC_NOW);
    for (int i = 0; i < 4; i++)
        cr_assert(sigcache_lookup(sc, d[i], SC_NOW), "entry %d", i);
}

Test(sigcache, full_set_evicts_the_entry_expiring_first)
{
    unsigned char d[5][SIGCACHE_DIGEST_LEN];
    const long exps[5] = { SC_NOW + 400, SC_NOW + 100, SC_NOW + 300, SC_NOW + 200, SC_NOW + 500 };

    for (unsigned char i = 0; i < 5; i++) {
        sc_digest(d[i], 77, i);
        sigcache_add(sc, d[i], exps[i], SC_NOW);
    }
    cr_assert_not(sigcache_lookup(sc, d[1], SC_NOW), "exp +100 was the first to die");
    cr_assert(sigcache_lookup(sc, d[0], SC_NOW));
    cr_assert(sigcache_lookup(sc, d[2], SC_NOW));
    cr_assert(sigcache_lookup(sc, d[3], SC_NOW));
    cr_assert(sigcache_lookup(sc, d[4], SC_NOW));
}

Test(sigcache, dead_entry_replaced_before_a_live_one)
{
    unsigned char d[5][SIGCACHE_DIGEST_LEN];
    const long exps[5] = { SC_NOW + 400, SC_NOW + 500, SC_NOW + 10, SC_NOW + 600, SC_NOW + 700 };

    for (unsigned char i = 0; i < 4; i++) {
        sc_digest(d[i], 78, i);
        sigcache_add(sc, d[i], exps[i], SC_NOW);
    }
    /* At now + 20 the third entry is dead; the new one takes its place, not entry 0's. */
    sc_digest(d[4], 78, 4);
    sigcache_add(sc, d[4], exps[4], SC_NOW + 20);
    cr_assert(sigcache_lookup(sc, d[0], SC_NOW + 20));
    cr_assert(sigcache_lookup(sc, d[1], SC_NOW + 20));
    cr_assert(sigcache_lookup(sc, d[3], SC_NOW + 20));
    cr_assert(sigcache_lookup(sc, d[4], SC_NOW + 20));
}

Test(sigcache, more_tokens_than_slots_only_costs_hits)
{
    unsigned char d[SIGCACHE_DIGEST_LEN];
    const int n = SIGCACHE_SLOTS * 4;
    int hits = 0;

    for (int i = 0; i < n; i++) {
        cr_assert_eq(sigcache_digest(sc, (const char *)&i, sizeof(i), d), 0);
        sigcache_add(sc, d, SC_NOW + 1 + i, SC_NOW);
    }
    for (int i = 0; i < n; i++) {
        cr_assert_eq(sigcache_digest(sc, (const char *)&i, sizeof(i), d), 0);
        hits += sigcache_lookup(sc, d, SC_NOW);
    }
    cr_assert_leq(hits, SIGCACHE_SLOTS);
    /* The last token added expires last, so no later add evicted it. */
    cr_assert(sigcache_lookup(sc, d, SC_NOW));
    for (int i = n; i < n + 1000; i++) {
        cr_assert_eq(sigcache_digest(sc, (const char *)&i, sizeof(i), d), 0);
        cr_assert_not(sigcache_lookup(sc, d, SC_NOW), "never added: %d", i);
    }
}

Test(sigcache, clear_forgets_everything)
{
    unsigned char d[SIGCACHE_DIGEST_LEN];

    for (uint32_t set = 0; set < SIGCACHE_SLOTS; set++) {
        sc_digest(d, set, 0x44);
        sigcache_add(sc, d, SC_NOW + 600, SC_NOW);
    }
    sigcache_clear(sc);
    for (uint32_t set = 0; set < SIGCACHE_SLOTS; set++) {
        sc_digest(d, set, 0x44);
        cr_assert_not(sigcache_lookup(sc, d, SC_NOW), "set bytes %u", set);
    }
    /* Still usable afterwards. */
    sigcache_add(sc, d, SC_NOW + 600, SC_NOW);
    cr_assert(sigcache_lookup(sc, d, SC_NOW));
}

/* --- many threads ----------------------------------------------------------------------- */

/*
 * Writers add only digests whose bytes 3..31 are one even value; clearers empty the cache.
 * Readers probe digests that were never added: odd fills, and 16-byte halves spliced from
 * two different added digests, which a torn write would leave behind. None may ever hit.
 * (Races that tear nothing are ThreadSanitizer's to find; criterion cannot run under it.)
 */
#define SC_THREAD_SETS 4   /* few sets: every thread fights over the same ways and stripes */
#define SC_ROUNDS 20000

enum sc_role { SC_WRITER, SC_READER, SC_CLEARER };

struct sc_worker {
    enum sc_role role;
    unsigned int seed;
    long false_hits;
    long true_hits;
};

/* Writers and the clearer keep going until every reader is done, so readers always race. */
static atomic_int sc_readers_left;
/* Readers start once a writer has added something, and read on past SC_ROUNDS until they
 * have seen a true hit: on a busy machine a reader may otherwise run all its rounds before
 * any writer is scheduled, and the test would prove nothing. */
static atomic_long sc_writes;

static void *sc_work(void *arg)
{
    struct sc_worker *w = arg;
    unsigned char d[SIGCACHE_DIGEST_LEN];

    while (w->role == SC_READER && atomic_load(&sc_writes) == 0)
        sched_yield();
    for (int i = 0; w->role == SC_READER ? i < SC_ROUNDS || (w->true_hits == 0 && i < SC_ROUNDS * 500)
                                         : atomic_load(&sc_readers_left) > 0;
         i++) {
        uint32_t set = (uint32_t)rand_r(&w->seed) % SC_THREAD_SETS;
        unsigned char a = (unsigned char)(rand_r(&w->seed) & 0xfe);
        unsigned char b = (unsigned char)(rand_r(&w->seed) & 0xfe);

        if (w->role == SC_WRITER) {
            sc_digest(d, set, a);
            sigcache_add(sc, d, SC_NOW + 600, SC_NOW);
            atomic_fetch_add(&sc_writes, 1);
        } else if (w->role == SC_CLEARER) {
            if (i % 500 == 0)
                sigcache_clear(sc);
        } else {
            sc_digest(d, set, a | 1);
            w->false_hits += sigcache_lookup(sc, d, SC_NOW);
            if (a != b) {
                sc_digest(d, set, a);
                memset(d + 16, b, SIGCACHE_DIGEST_LEN - 16);
                w->false_hits += sigcache_lookup(sc, d, SC_NOW);
            }
            sc_digest(d, set, a);
            w->true_hits += sigcache_lookup(sc, d, SC_NOW);
        }
    }
    if (w->role == SC_READER)
        atomic_fetch_sub(&sc_readers_left, 1);
    return NULL;
}

Test(sigcache, concurrent_readers_and_writers_never_hit_falsely)
{
    enum { N = 7 };
    static const enum sc_role roles[N] = { SC_WRITER, SC_WRITER, SC_WRITER, SC_READER,
                                           SC_READER, SC_READER, SC_CLEARER };
    struct sc_worker workers[N];
    pthread_t threads[N];
    long true_hits = 0;

    atomic_init(&sc_readers_left, 3);
    atomic_init(&sc_writes, 0);
    for (int i = 0; i < N; i++) {
        workers[i] = (struct sc_worker){ .role = roles[i], .seed = 1000u + (unsigned)i };
        cr_assert_eq(pthread_create(&threads[i], NULL, sc_work, &workers[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        cr_assert_eq(pthread_join(threads[i], NULL), 0);
        cr_assert_eq(workers[i].false_hits, 0, "thread %d", i);
        true_hits += workers[i].true_hits;
    }
    /* Else the test proved nothing: 128 even fills per set, 4 ways, writers never idle. */
    cr_assert_gt(true_hits, 0);
}

/* --- in the key ring: emptied on reload ------------------------------------------------- */

#define SC_ISS "https://idp.example"
#define SC_AUD "fremdrift-api"

static char sc_dir[64];
static const char *const sc_issuers[] = { SC_ISS };
static const struct token_policy sc_policy = { sc_issuers, 1, SC_AUD, 30, 0, NULL, 0 };

static int sc_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Writes a fresh P-256 pair as NAME.pub.pem / NAME.key.pem in sc_dir. */
static void sc_write_pair(const char *name)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    char path[256];
    FILE *f;

    cr_assert_not_null(key);
    snprintf(path, sizeof(path), "%s/%s.pub.pem", sc_dir, name);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_eq(PEM_write_PUBKEY(f, key), 1);
    fclose(f);
    snprintf(path, sizeof(path), "%s/%s.key.pem", sc_dir, name);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    cr_assert_eq(PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL), 1);
    fclose(f);
    EVP_PKEY_free(key);
}

/* Points kid "idp-1" at NAME.pub.pem. */
static void sc_write_config(const char *name)
{
    char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/keys.json", sc_dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "{\"keys\":[{\"kid\":\"idp-1\",\"alg\":\"ES256\",\"issuer\":\"" SC_ISS "\","
               "\"public_key_file\":\"%s.pub.pem\"}]}",
            name);
    fclose(f);
}

/* "Bearer <token>" signed by NAME.key.pem as kid idp-1, valid for ten minutes from now. */
static char *sc_bearer(const char *name)
{
    json_t *c = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "iss", SC_ISS, "aud", SC_AUD, "sub",
                          "user-4711", "exp", (json_int_t)time(NULL) + 600, "role", "caseworker",
                          "municipality", "101");
    char path[256], err[256] = "", *t, *bearer;

    cr_assert_not_null(c);
    snprintf(path, sizeof(path), "%s/%s.key.pem", sc_dir, name);
    t = token_sign(path, "ES256", "idp-1", c, err, sizeof(err));
    json_decref(c);
    cr_assert_not_null(t, "%s", err);
    cr_assert(asprintf(&bearer, "Bearer %s", t) > 0);
    free(t);
    return bearer;
}

static int sc_ring_cached(struct keyring *k, const char *bearer)
{
    unsigned char d[SIGCACHE_DIGEST_LEN];
    const char *token = bearer + strlen("Bearer ");

    cr_assert_eq(sigcache_digest(k->sigs, token, strlen(token), d), 0);
    return sigcache_lookup(k->sigs, d, time(NULL));
}

/* Test-level init and fini: they run after the suite's, which made and will free sc. */
static void sc_ring_setup(void)
{
    strcpy(sc_dir, "/tmp/fremdrift-sigcache-XXXXXX");
    cr_assert_not_null(mkdtemp(sc_dir));
    sc_write_pair("old");
    sc_write_pair("new");
    sc_write_config("old");
}

static void sc_ring_teardown(void)
{
    nftw(sc_dir, sc_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static void sc_ring_init(struct keyring *k)
{
    char path[256], err[512] = "";
    const struct idp_settings none = { 60, 3600, 60, { 5, 65536, NULL } };

    snprintf(path, sizeof(path), "%s/keys.json", sc_dir);
    cr_assert_eq(keyring_init(k, path, "", &none, err, sizeof(err)), 0, "%s", err);
    cr_assert_not_null(k->sigs);
}

Test(sigcache, keyring_caches_what_auth_verify_accepted, .init = sc_ring_setup,
     .fini = sc_ring_teardown)
{
    struct keyring k;
    struct claims out;
    char *bearer = sc_bearer("old");

    sc_ring_init(&k);
    cr_assert_not(sc_ring_cached(&k, bearer));
    cr_assert_eq(auth_verify(&k, &sc_policy, bearer, &out), TOKEN_OK);
    cr_assert(sc_ring_cached(&k, bearer));
    cr_assert_eq(auth_verify(&k, &sc_policy, bearer, &out), TOKEN_OK);
    cr_assert_str_eq(out.municipality, "101");
    keyring_destroy(&k);
    free(bearer);
}

Test(sigcache, keyring_reload_empties_the_cache, .init = sc_ring_setup, .fini = sc_ring_teardown)
{
    struct keyring k;
    struct claims out;
    char err[512] = "";
    char *bearer = sc_bearer("old");

    sc_ring_init(&k);
    cr_assert_eq(auth_verify(&k, &sc_policy, bearer, &out), TOKEN_OK);
    cr_assert(sc_ring_cached(&k, bearer));
    /* Same file, same keys: the generation changed all the same. */
    cr_assert_eq(keyring_reload(&k, err, sizeof(err)), 0, "%s", err);
    cr_assert_not(sc_ring_cached(&k, bearer));
    cr_assert_eq(auth_verify(&k, &sc_policy, bearer, &out), TOKEN_OK);
    keyring_destroy(&k);
    free(bearer);
}

Test(sigcache, rotated_kid_does_not_inherit_the_old_keys_verdicts, .init = sc_ring_setup,
     .fini = sc_ring_teardown)
{
    struct keyring k;
    struct claims out;
    char err[512] = "";
    char *old_bearer = sc_bearer("old"), *new_bearer = sc_bearer("new");

    sc_ring_init(&k);
    cr_assert_eq(auth_verify(&k, &sc_policy, old_bearer, &out), TOKEN_OK);
    cr_assert(sc_ring_cached(&k, old_bearer));
    cr_assert_eq(auth_verify(&k, &sc_policy, new_bearer, &out), TOKEN_BAD_SIGNATURE);

    /* The identity provider re-used kid idp-1 for a new key. */
    sc_write_config("new");
    cr_assert_eq(keyring_reload(&k, err, sizeof(err)), 0, "%s", err);
    cr_assert_eq(auth_verify(&k, &sc_policy, old_bearer, &out), TOKEN_BAD_SIGNATURE);
    cr_assert_eq(auth_verify(&k, &sc_policy, new_bearer, &out), TOKEN_OK);
    keyring_destroy(&k);
    free(old_bearer);
    free(new_bearer);
}

Test(sigcache, failed_reload_keeps_keys_and_cache, .init = sc_ring_setup, .fini = sc_ring_teardown)
{
    struct keyring k;
    struct claims out;
    char path[256], err[512] = "";
    char *bearer = sc_bearer("old");
    FILE *f;

    sc_ring_init(&k);
    cr_assert_eq(auth_verify(&k, &sc_policy, bearer, &out), TOKEN_OK);
    snprintf(path, sizeof(path), "%s/keys.json", sc_dir);
    f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"keys\":[]}", f);
    fclose(f);
    cr_assert_neq(keyring_reload(&k, err, sizeof(err)), 0);
    cr_assert(sc_ring_cached(&k, bearer), "the key set did not change");
    cr_assert_eq(auth_verify(&k, &sc_policy, bearer, &out), TOKEN_OK);
    keyring_destroy(&k);
    free(bearer);
}
