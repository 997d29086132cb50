/*
 * Integration-test helpers (see fixtures.h): environment, token minting for valid and
 * hostile tokens, unique CPR numbers and subjects, API calls with their assertions, and a
 * few updates as the schema owner for past dates that no API call can make.
 * Every helper fails the calling test through criterion instead of returning an error.
 */
#include "fixtures.h"

#include <criterion/criterion.h>
#include <criterion/hooks.h>
#include <jwt.h>
#include <libpq-fe.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth/token_sign.h"

#define FX_TOKEN_LIFETIME_S 600
#define FX_FILE_MAX (1 << 20)

/*
 * BoxFort, built into libcriterion 2.4.1, loses a 48-byte timeout request in the runner
 * process when tests with .timeout run in parallel (bxfi_cancel_timeout relinks its list
 * wrongly), and test.sh counts any leak report as a failure. This hook runs only in the
 * runner, which runs no code under test: test bodies run in re-executed children that
 * never reach it, so their leaks are still reported.
 */
ReportHook(PRE_ALL)(struct criterion_test_set *tests)
{
    (void)tests;
    __lsan_disable();
}

const char *fx_env(const char *name)
{
    const char *v = getenv(name);
    cr_assert(v && *v, "%s is not set: run the integration tests through scripts/test.sh", name);
    return v;
}

char *fx_state_path(const char *relative)
{
    char *path = NULL;
    cr_assert(asprintf(&path, "%s/%s", fx_env("FREMDRIFT_TEST_STATE"), relative) > 0);
    return path;
}

char *fx_repo_root(void)
{
    char *root = strdup(fx_env("FREMDRIFT_TEST_STATE"));
    cr_assert_not_null(root);
    /* <repo>/var/<name>: drop two path components (and any trailing slash). */
    for (int drop = 0; drop < 2; drop++) {
        size_t n = strlen(root);
        while (n > 1 && root[n - 1] == '/')
            root[--n] = '\0';
        char *slash = strrchr(root, '/');
        cr_assert(slash && slash != root, "FREMDRIFT_TEST_STATE is not <repo>/var/<name>");
        *slash = '\0';
    }
    return root;
}

static void first_item(const char *value, char *out, size_t cap)
{
    size_t n = strcspn(value, ",\n");
    cr_assert(n > 0 && n < cap, "setting value is empty or too long");
    memcpy(out, value, n);
    out[n] = '\0';
}

void fx_setting(const char *name, char *out, size_t cap)
{
    const char *v = getenv(name);
    if (v && *v) {
        first_item(v, out, cap);
        return;
    }
    char *path = fx_state_path("service.env");
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    free(path);
    char line[1024];
    size_t name_len = strlen(name);
    int found = 0;
    while (!found && fgets(line, sizeof(line), f)) {
        if (strncmp(line, name, name_len) == 0 && line[name_len] == '=') {
            first_item(line + name_len + 1, out, cap);
            found = 1;
        }
    }
    fclose(f);
    cr_assert(found, "%s is neither in the environment nor in service.env", name);
}

/* The whole file in a malloc'd buffer (NUL-terminated); the caller frees it. */
static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    unsigned char *buf = malloc(FX_FILE_MAX + 1);
    cr_assert_not_null(buf);
    *len = fread(buf, 1, FX_FILE_MAX, f);
    fclose(f);
    cr_assert(*len > 0 && *len < FX_FILE_MAX, "cannot read %s", path);
    buf[*len] = '\0';
    return buf;
}

/* ---- tokens ---- */

json_t *fx_claims(const char *role, const char *sub, const char *municipality, const char *cpr)
{
    char issuer[256], audience[256];
    fx_setting("FREMDRIFT_JWT_ISSUERS", issuer, sizeof(issuer));
    fx_setting("FREMDRIFT_JWT_AUDIENCE", audience, sizeof(audience));
    json_int_t now = (json_int_t)time(NULL);
    json_t *c = json_pack("{s:s, s:s, s:s, s:I, s:I}", "iss", issuer, "aud", audience, "sub", sub,
                          "iat", now, "exp", now + FX_TOKEN_LIFETIME_S);
    cr_assert_not_null(c);
    if (role)
        json_object_set_new(c, "role", json_string(role));
    if (municipality)
        json_object_set_new(c, "municipality", json_string(municipality));
    if (cpr)
        json_object_set_new(c, "cpr", json_string(cpr));
    return c;
}

char *fx_sign(json_t *claims, enum fx_alg alg)
{
    char err[256] = "";
    char *key = fx_state_path(alg == FX_ES256 ? "signing/dev-es256.pem" : "signing/dev-rs256.pem");
    char *token = token_sign(key, alg == FX_ES256 ? "ES256" : "RS256",
                             alg == FX_ES256 ? "dev-es256" : "dev-rs256", claims, err, sizeof(err));
    free(key);
    cr_assert_not_null(token, "%s", err);
    return token;
}

char *fx_token(const char *role, const char *sub, const char *municipality, const char *cpr)
{
    json_t *claims = fx_claims(role, sub, municipality, cpr);
    char *token = fx_sign(claims, FX_ES256);
    json_decref(claims);
    return token;
}

char *fx_sign_raw(json_t *claims, const char *alg, const char *kid, const unsigned char *key,
                  size_t key_len)
{
    jwt_t *jwt = NULL;
    char *text = json_dumps(claims, JSON_COMPACT);
    cr_assert_not_null(text);
    cr_assert_eq(jwt_new(&jwt), 0);
    cr_assert_eq(jwt_add_grants_json(jwt, text), 0);
    free(text);
    cr_assert_eq(jwt_set_alg(jwt, jwt_str_alg(alg), key, (int)key_len), 0, "libjwt refused alg %s", alg);
    cr_assert_eq(jwt_add_header(jwt, "kid", kid), 0);
    char *token = jwt_encode_str(jwt);
    jwt_free(jwt);
    cr_assert_not_null(token, "libjwt could not sign with %s", alg);
    return token;
}

/* A new P-256 private key as PEM that no configuration knows; the caller frees it. */
static unsigned char *fresh_ec_key(size_t *len)
{
    EVP_PKEY *pkey = EVP_EC_gen("P-256");
    cr_assert_not_null(pkey);
    BIO *bio = BIO_new(BIO_s_mem());
    cr_assert_not_null(bio);
    cr_assert_eq(PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL), 1);
    char *data = NULL;
    long n = BIO_get_mem_data(bio, &data);
    cr_assert(n > 0);
    unsigned char *pem = malloc((size_t)n + 1);
    cr_assert_not_null(pem);
    memcpy(pem, data, (size_t)n);
    pem[n] = '\0';
    *len = (size_t)n;
    BIO_free(bio);
    EVP_PKEY_free(pkey);
    return pem;
}

static void b64url(const unsigned char *in, size_t n, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = abc[(v >> 18) & 63];
        out[o++] = abc[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = abc[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = abc[v & 63];
    }
    out[o] = '\0';
}

static int b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    return c == '_' ? 63 : -1;
}

json_t *fx_token_header(const char *token)
{
    size_t n = strcspn(token, ".");
    unsigned char *raw = malloc(n + 1);
    cr_assert_not_null(raw);
    size_t len = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64url_value(token[i]);
        cr_assert(v >= 0, "the token header is not base64url");
        acc = ((acc << 6) | (unsigned)v) & 0xffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            raw[len++] = (unsigned char)(acc >> bits);
        }
    }
    json_t *header = json_loadb((const char *)raw, len, 0, NULL);
    free(raw);
    cr_assert(json_is_object(header), "the token header is not a JSON object");
    return header;
}

/* A valid token whose payload is replaced by other claims, keeping the old signature. */
static char *tampered(json_t *claims)
{
    char *token = fx_sign(claims, FX_ES256);
    json_object_set_new(claims, "role", json_string("team_lead"));
    char *payload = json_dumps(claims, JSON_COMPACT);
    cr_assert_not_null(payload);
    char *dot1 = strchr(token, '.');
    char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    cr_assert(dot1 && dot2);
    size_t plen = strlen(payload);
    char *encoded = malloc(plen * 4 / 3 + 4);
    cr_assert_not_null(encoded);
    b64url((const unsigned char *)payload, plen, encoded);
    char *result = NULL;
    cr_assert(asprintf(&result, "%.*s.%s%s", (int)(dot1 - token), token, encoded, dot2) > 0);
    free(encoded);
    free(payload);
    free(token);
    return result;
}

char *fx_bad_token(enum fx_bad_token kind, const char **what)
{
    static const char *const names[FX_BAD_COUNT] = {
        [FX_BAD_OTHER_KEY] = "signed by another key",
        [FX_BAD_TAMPERED] = "payload changed after signing",
        [FX_BAD_ALG_NONE] = "alg none",
        [FX_BAD_HS256_PUBLIC_KEY] = "HS256 with the public key as secret",
        [FX_BAD_UNKNOWN_KID] = "unknown kid",
        [FX_BAD_EXPIRED] = "expired beyond the skew",
        [FX_BAD_NOT_YET_VALID] = "not yet valid",
        [FX_BAD_WRONG_ISSUER] = "wrong issuer",
        [FX_BAD_WRONG_AUDIENCE] = "wrong audience",
        [FX_BAD_NO_ROLE] = "no role",
        [FX_BAD_UNKNOWN_ROLE] = "unknown role",
        [FX_BAD_STAFF_NO_MUNICIPALITY] = "staff without municipality",
        [FX_BAD_CITIZEN_NO_CPR] = "citizen without cpr",
    };
    cr_assert((int)kind >= 0 && (int)kind < FX_BAD_COUNT);
    if (what)
        *what = names[kind];

    char sub[64];
    fx_unique("bad", sub, sizeof(sub));
    json_t *claims = fx_claims("caseworker", sub, FX_MUNICIPALITY, NULL);
    json_int_t now = (json_int_t)time(NULL);
    unsigned char *key = NULL;
    size_t key_len = 0;
    char *path = NULL, *token = NULL;

    switch (kind) {
    case FX_BAD_OTHER_KEY:
        key = fresh_ec_key(&key_len);
        token = fx_sign_raw(claims, "ES256", "dev-es256", key, key_len);
        break;
    case FX_BAD_TAMPERED:
        token = tampered(claims);
        break;
    case FX_BAD_ALG_NONE:
        token = fx_sign_raw(claims, "none", "dev-es256", NULL, 0);
        break;
    case FX_BAD_HS256_PUBLIC_KEY:
        path = fx_state_path("jwt/dev-rs256.pub.pem");
        key = read_file(path, &key_len);
        token = fx_sign_raw(claims, "HS256", "dev-rs256", key, key_len);
        break;
    case FX_BAD_UNKNOWN_KID:
        path = fx_state_path("signing/dev-es256.pem");
        key = read_file(path, &key_len);
        token = fx_sign_raw(claims, "ES256", "not-a-configured-kid", key, key_len);
        break;
    case FX_BAD_EXPIRED:
        json_object_set_new(claims, "iat", json_integer(now - 900));
        json_object_set_new(claims, "exp", json_integer(now - 120));
        break;
    case FX_BAD_NOT_YET_VALID:
        json_object_set_new(claims, "nbf", json_integer(now + 300));
        break;
    case FX_BAD_WRONG_ISSUER:
        json_object_set_new(claims, "iss", json_string("https://idp.attacker.example"));
        break;
    case FX_BAD_WRONG_AUDIENCE:
        json_object_set_new(claims, "aud", json_string("some-other-service"));
        break;
    case FX_BAD_NO_ROLE:
        json_object_del(claims, "role");
        break;
    case FX_BAD_UNKNOWN_ROLE:
        json_object_set_new(claims, "role", json_string("superuser"));
        break;
    case FX_BAD_STAFF_NO_MUNICIPALITY:
        json_object_del(claims, "municipality");
        break;
    case FX_BAD_CITIZEN_NO_CPR:
        json_object_set_new(claims, "role", json_string("citizen"));
        json_object_del(claims, "municipality");
        break;
    case FX_BAD_COUNT:
        break;
    }
    if (!token)
        token = fx_sign(claims, FX_ES256);
    if (key)
        memset(key, 0, key_len);
    free(key);
    free(path);
    json_decref(claims);
    return token;
}

/* ---- unique test data ---- */

uint64_t fx_random_u64(void)
{
    uint64_t v;
    cr_assert_eq(getrandom(&v, sizeof(v), 0), (ssize_t)sizeof(v));
    return v;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

void fx_random_cpr(char out[11])
{
    uint64_t r = fx_random_u64();
    int year = 1900 + (int)(r % 100);
    r /= 100;
    int month = 1 + (int)(r % 12);
    r /= 12;
    int day = 1 + (int)(r % (uint64_t)days_in_month(year, month));
    r /= 31;
    int century = (int)(r % 4);
    r /= 4;
    int serial = (int)(r % 1000);
    snprintf(out, 11, "%02d%02d%02d%d%03d", day, month, year % 100, century, serial);
}

void fx_unique(const char *prefix, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s-%016llx", prefix, (unsigned long long)fx_random_u64());
    cr_assert(n > 0 && (size_t)n < cap);
}

/* ---- actors ---- */

void fx_staff(struct fx_actor *a, const char *role, const char *municipality)
{
    memset(a, 0, sizeof(*a));
    snprintf(a->role, sizeof(a->role), "%s", role);
    snprintf(a->municipality, sizeof(a->municipality), "%s", municipality);
    fx_unique(role, a->sub, sizeof(a->sub));
    a->token = fx_token(role, a->sub, municipality, NULL);
}

void fx_citizen(struct fx_actor *a, const char *cpr)
{
    memset(a, 0, sizeof(*a));
    snprintf(a->role, sizeof(a->role), "citizen");
    snprintf(a->cpr, sizeof(a->cpr), "%s", cpr);
    fx_unique("citizen", a->sub, sizeof(a->sub));
    a->token = fx_token("citizen", a->sub, NULL, cpr);
}

void fx_actor_free(struct fx_actor *a)
{
    free(a->token);
    memset(a, 0, sizeof(*a));
}

/* ---- calls ---- */

int fx_call(const char *method, const char *path, const struct fx_actor *a, json_t *body,
            const struct http_header *extra, size_t n_extra, struct http_response *out)
{
    int rc = http_json(method, path, a ? a->token : NULL, body, extra, n_extra, out);
    json_decref(body);
    cr_assert_eq(rc, 0, "%s %s: no response: %s", method, path, http_last_error());
    return out->status;
}

json_t *fx_body(const struct http_response *r)
{
    json_t *doc = http_response_json(r);
    cr_assert_not_null(doc, "the body is not JSON: %.300s", r->body);
    return doc;
}

void fx_assert_status(const struct http_response *r, int status)
{
    cr_assert_eq(r->status, status, "expected status %d, got %d: %.500s", status, r->status, r->body);
}

void fx_assert_problem(const struct http_response *r, int status)
{
    fx_assert_status(r, status);
    const char *ct = http_response_header(r, "Content-Type");
    cr_assert(ct && strncmp(ct, "application/problem+json", strlen("application/problem+json")) == 0,
              "a %d answered with Content-Type %s, not application/problem+json", status, ct ? ct : "(none)");
    json_t *doc = fx_body(r);
    cr_assert(json_is_object(doc), "a problem must be a JSON object");
    const char *type = json_string_value(json_object_get(doc, "type"));
    const char *title = json_string_value(json_object_get(doc, "title"));
    json_t *st = json_object_get(doc, "status");
    cr_assert(type && *type, "a problem needs a type: %s", r->body);
    cr_assert(title && *title, "a problem needs a title: %s", r->body);
    cr_assert(json_is_integer(st) && json_integer_value(st) == status,
              "the problem's status member must be %d: %s", status, r->body);
    json_decref(doc);
}

void fx_assert_client_problem(const struct http_response *r)
{
    cr_assert(r->status >= 400 && r->status < 500, "expected a 4xx problem, got %d: %.300s", r->status,
              r->body);
    fx_assert_problem(r, r->status);
}

void fx_assert_error_pointer(const struct http_response *r, const char *pointer)
{
    json_t *doc = fx_body(r);
    json_t *errors = json_object_get(doc, "errors");
    cr_assert(json_is_array(errors), "the problem has no errors[]: %s", r->body);
    size_t i;
    json_t *e;
    int found = 0;
    json_array_foreach(errors, i, e) {
        const char *p = json_string_value(json_object_get(e, "pointer"));
        if (p && strcmp(p, pointer) == 0 && json_is_string(json_object_get(e, "message")))
            found = 1;
    }
    json_decref(doc);
    cr_assert(found, "errors[] names no %s (with a message): %s", pointer, r->body);
}

void fx_assert_alive(void)
{
    struct http_response r;
    fx_call("GET", "/healthz", NULL, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
}

/* ---- the API ---- */

/* Copies the string member key of doc into out (cap bytes); fails the test otherwise. */
static void copy_member(json_t *doc, const char *key, char *out, size_t cap)
{
    const char *v = json_string_value(json_object_get(doc, key));
    cr_assert(v && strlen(v) < cap, "the document has no string %s", key);
    memcpy(out, v, strlen(v) + 1);
}

/* POST body (consumed) to path as a; asserts 201 and writes the new resource's id to id
 * (NULL: not kept). */
static void post_created(const struct fx_actor *a, const char *path, json_t *body, char id[FX_UUID_LEN])
{
    struct http_response r;
    fx_call("POST", path, a, body, NULL, 0, &r);
    fx_assert_status(&r, 201);
    if (id) {
        json_t *doc = fx_body(&r);
        copy_member(doc, "id", id, FX_UUID_LEN);
        json_decref(doc);
    }
    http_response_free(&r);
}

int fx_register_citizen(const struct fx_actor *staff, const char *cpr, char id[FX_UUID_LEN])
{
    struct http_response r;
    int status = fx_call("POST", "/v1/citizens", staff, json_pack("{s:s}", "cpr", cpr), NULL, 0, &r);
    cr_assert(status == 201 || status == 200, "registering a citizen answered %d: %.300s", status, r.body);
    json_t *doc = fx_body(&r);
    copy_member(doc, "id", id, FX_UUID_LEN);
    json_decref(doc);
    http_response_free(&r);
    return status;
}

void fx_new_citizen(const struct fx_actor *staff, char cpr[11], char id[FX_UUID_LEN])
{
    fx_random_cpr(cpr);
    fx_register_citizen(staff, cpr, id);
}

void fx_create_case(const struct fx_actor *staff, const char *citizen_id, const char *tg,
                    char id[FX_UUID_LEN])
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen_id, "target_group",
                             tg ? tg : "jobparat", "target_group_since", "2025-03-01", "benefit",
                             "kontanthjaelp", "benefit_start", "2025-03-01");
    if (strcmp(staff->role, "caseworker") != 0)
        json_object_set_new(body, "caseworker", json_string(staff->sub));
    post_created(staff, "/v1/cases", body, id);
}

long long fx_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void fx_pause_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* ---- dates ---- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Seconds since the epoch of the last Sunday of month in year, 01:00 UTC. */
static long long last_sunday_0100(int year, int month)
{
    long day = days_from_civil(year, month, days_in_month(year, month));
    long weekday = ((day % 7) + 11) % 7; /* 1970-01-01 was a Thursday; 0 = Sunday */
    return (long long)(day - weekday) * 86400 + 3600;
}

void fx_today(char out[11])
{
    long long now = (long long)time(NULL);
    int y, m, d;
    civil_from_days((long)(now / 86400), &y, &m, &d);
    int summer = now >= last_sunday_0100(y, 3) && now < last_sunday_0100(y, 10);
    long long local = now + (summer ? 7200 : 3600);
    civil_from_days((long)(local / 86400), &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

void fx_date_add(const char *date, int days, char out[11])
{
    int y, m, d;
    cr_assert(sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3, "not a date: %s", date);
    civil_from_days(days_from_civil(y, m, d) + days, &y, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

void fx_danish_date(const char *date, char out[32])
{
    static const char *const months[12] = {"januar", "februar", "marts",     "april",   "maj",      "juni",
                                           "juli",   "august",  "september", "oktober", "november", "december"};
    int y, m, d;
    cr_assert(sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3 && m >= 1 && m <= 12, "not a date: %s", date);
    snprintf(out, 32, "%d. %s %d", d, months[m - 1], y);
}

/* ---- more actors ---- */

void fx_national(struct fx_actor *a, const char *role)
{
    memset(a, 0, sizeof(*a));
    snprintf(a->role, sizeof(a->role), "%s", role);
    fx_unique(role, a->sub, sizeof(a->sub));
    a->token = fx_token(role, a->sub, NULL, NULL);
}

void fx_random_municipality(int lo, int hi, char out[4])
{
    cr_assert(lo >= 100 && hi <= 999 && lo <= hi);
    snprintf(out, 4, "%03d", lo + (int)(fx_random_u64() % (uint64_t)(hi - lo + 1)));
}

void fx_new_case(const struct fx_actor *staff, char cpr[11], char citizen_id[FX_UUID_LEN],
                 char case_id[FX_UUID_LEN])
{
    fx_new_citizen(staff, cpr, citizen_id);
    fx_create_case(staff, citizen_id, NULL, case_id);
}

/* ---- decisions ---- */

json_t *fx_decision_body(const char *case_id, const char *kind, const char *outcome)
{
    json_t *body = json_pack(
        "{s:s, s:s, s:s, s:s, s:[s, s], s:s, s:s, s:s, s:{s:s, s:s}}", "case_id", case_id, "kind", kind,
        "subject", "Afgørelse om din sag", "applied_for", "Hjælp til forsørgelse og en indsats",
        "legal_basis", "las_11", "lsp_17", "legal_basis_note", "Bestemmelserne gælder for hele perioden.",
        "facts", "Du har været ledig siden marts.\nLægen har vurderet din arbejdsevne.", "reasons",
        "Kommunen har lagt vægt på lægens vurdering.\nIndsatsen svarer til behovet.", "hearing", "status",
        "not_needed", "not_needed_reason", "Afgørelsen bygger alene på dine egne oplysninger.");
    cr_assert_not_null(body);
    if (outcome)
        json_object_set_new(body, "outcome", json_string(outcome));
    if (strcmp(kind, "fleksjob") == 0)
        json_object_set_new(body, "hours_per_week", json_real(15.5));
    return body;
}

void fx_create_decision(const struct fx_actor *staff, json_t *body, char id[FX_UUID_LEN])
{
    post_created(staff, "/v1/decisions", body, id);
}

void fx_draft_decision(const struct fx_actor *staff, const char *case_id, const char *kind,
                       const char *outcome, char id[FX_UUID_LEN])
{
    fx_create_decision(staff, fx_decision_body(case_id, kind, outcome), id);
}

void fx_if_match(json_t *doc, char out[24])
{
    json_t *v = json_object_get(doc, "version");
    cr_assert(json_is_integer(v), "the document has no integer version");
    snprintf(out, 24, "\"%lld\"", (long long)json_integer_value(v));
}

/* GET path as a, asserting 200 and an ETag that is the document's version. */
static json_t *get_versioned(const struct fx_actor *a, const char *path)
{
    struct http_response r;
    fx_call("GET", path, a, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    char want[24];
    fx_if_match(doc, want);
    const char *etag = http_response_header(&r, "ETag");
    cr_assert(etag && strcmp(etag, want) == 0, "GET %s: ETag %s, version %s", path, etag ? etag : "(none)",
              want);
    http_response_free(&r);
    return doc;
}

/* method collection/id + suffix (NULL: none) as a, with If-Match from a fresh GET of
 * collection/id; body is consumed and out holds the answer. */
static int versioned_write(const struct fx_actor *a, const char *method, const char *collection, const char *id,
                           const char *suffix, json_t *body, struct http_response *out)
{
    char path[160];
    snprintf(path, sizeof(path), "%s/%s", collection, id);
    json_t *current = get_versioned(a, path);
    char if_match[24];
    fx_if_match(current, if_match);
    json_decref(current);
    snprintf(path, sizeof(path), "%s/%s%s", collection, id, suffix ? suffix : "");
    const struct http_header h[] = {{"If-Match", if_match}};
    return fx_call(method, path, a, body, h, 1, out);
}

json_t *fx_get_decision(const struct fx_actor *a, const char *id)
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/decisions/%s", id);
    return get_versioned(a, path);
}

json_t *fx_issue_decision(const struct fx_actor *staff, const char *id, const char *notified_on)
{
    json_t *body = notified_on ? json_pack("{s:s}", "notified_on", notified_on) : json_object();
    struct http_response r;
    versioned_write(staff, "POST", "/v1/decisions", id, "/issue", body, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    return doc;
}

void fx_issued_decision(const struct fx_actor *staff, const char *case_id, const char *kind,
                        const char *outcome, const char *notified_on, char id[FX_UUID_LEN])
{
    fx_draft_decision(staff, case_id, kind, outcome, id);
    json_decref(fx_issue_decision(staff, id, notified_on));
}

/* ---- appeals ---- */

void fx_file_appeal(const struct fx_actor *a, const char *decision_id, const char *received_on,
                    const char *channel, const char *grounds, char id[FX_UUID_LEN])
{
    json_t *body = json_pack("{s:s}", "decision_id", decision_id);
    if (received_on)
        json_object_set_new(body, "received_on", json_string(received_on));
    if (channel)
        json_object_set_new(body, "channel", json_string(channel));
    if (grounds)
        json_object_set_new(body, "grounds", json_string(grounds));
    post_created(a, "/v1/appeals", body, id);
}

json_t *fx_get_appeal(const struct fx_actor *a, const char *id)
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/appeals/%s", id);
    return get_versioned(a, path);
}

int fx_appeal_step(const struct fx_actor *a, const char *id, const char *action, json_t *body,
                   struct http_response *out)
{
    char suffix[64];
    snprintf(suffix, sizeof(suffix), "/%s", action);
    return versioned_write(a, "POST", "/v1/appeals", id, suffix, body, out);
}

json_t *fx_reconsider(const struct fx_actor *staff, const char *id, const char *outcome, const char *on,
                      const char *new_decision_id, const char *statement)
{
    json_t *body = json_pack("{s:s}", "outcome", outcome);
    if (on)
        json_object_set_new(body, "reconsidered_on", json_string(on));
    if (new_decision_id)
        json_object_set_new(body, "new_decision_id", json_string(new_decision_id));
    if (statement)
        json_object_set_new(body, "municipality_statement", json_string(statement));
    struct http_response r;
    fx_appeal_step(staff, id, "reconsideration", body, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    return doc;
}

json_t *fx_rule(const struct fx_actor *board, const char *id, const char *outcome, const char *on)
{
    struct http_response r;
    fx_appeal_step(board, id, "ruling", json_pack("{s:s, s:s}", "outcome", outcome, "ruled_on", on), &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    return doc;
}

/* ---- more assertions ---- */

void fx_assert_state(const struct http_response *r, const char *state)
{
    fx_assert_problem(r, 409);
    json_t *doc = fx_body(r);
    const char *type = json_string_value(json_object_get(doc, "type"));
    size_t n = type ? strlen(type) : 0;
    cr_assert(n >= 14 && strcmp(type + n - 14, "/invalid-state") == 0, "a 409 of type %s, not invalid-state: %s",
              type ? type : "(none)", r->body);
    const char *got = json_string_value(json_object_get(doc, "state"));
    cr_assert(got && strcmp(got, state) == 0, "the 409 names state %s, want %s: %s", got ? got : "(none)", state,
              r->body);
    json_decref(doc);
}

void fx_assert_error_pointers(const struct http_response *r, const char *const *pointers, size_t n)
{
    fx_assert_problem(r, 422);
    json_t *doc = fx_body(r);
    json_t *errors = json_object_get(doc, "errors");
    cr_assert(json_is_array(errors), "the problem has no errors[]: %s", r->body);
    cr_assert_eq(json_array_size(errors), n, "errors[] has %zu entries, want %zu: %s", json_array_size(errors), n,
                 r->body);
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        size_t k;
        json_t *e;
        json_array_foreach(errors, k, e) {
            const char *p = json_string_value(json_object_get(e, "pointer"));
            if (p && strcmp(p, pointers[i]) == 0 && json_is_string(json_object_get(e, "message")))
                seen++;
        }
        cr_assert_eq(seen, 1, "errors[] names %s %d times (with a message), want once: %s", pointers[i], seen,
                     r->body);
    }
    json_decref(doc);
}

void fx_assert_member(json_t *doc, const char *key, const char *want)
{
    json_t *v = json_object_get(doc, key);
    if (!want) {
        cr_assert(json_is_null(v), "%s should be null", key);
        return;
    }
    cr_assert(json_is_string(v), "%s is not a string", key);
    cr_assert_str_eq(json_string_value(v), want, "%s is %s, want %s", key, json_string_value(v), want);
}

void fx_assert_integer(json_t *obj, const char *key, long long want)
{
    json_t *v = json_object_get(obj, key);
    cr_assert(json_is_integer(v), "%s is not an integer", key);
    cr_assert_eq(json_integer_value(v), want, "%s is %lld, want %lld", key, (long long)json_integer_value(v), want);
}

void fx_create_exemption(const struct fx_actor *staff, const char *case_id, const char *from, const char *to,
                         const char *reason, char id[FX_UUID_LEN])
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/cases/%s/exemptions", case_id);
    post_created(staff, path, json_pack("{s:s, s:s, s:s}", "from_on", from, "to_on", to, "reason", reason), id);
}

json_t *fx_access_log_rows(const struct fx_actor *auditor, const char *resource_id)
{
    json_t *rows = json_array();
    char cursor[128] = "";
    for (int page = 0; page < 200; page++) {
        char path[256];
        snprintf(path, sizeof(path), "/v1/access-log?limit=100%s%s%s%s", resource_id ? "&resource_id=" : "",
                 resource_id ? resource_id : "", *cursor ? "&cursor=" : "", cursor);
        struct http_response r;
        fx_call("GET", path, auditor, NULL, NULL, 0, &r);
        fx_assert_status(&r, 200);
        json_t *doc = fx_body(&r);
        http_response_free(&r);
        json_t *items = json_object_get(doc, "items");
        cr_assert(json_is_array(items), "the access log reply has no items[]");
        json_array_extend(rows, items);
        const char *next = json_string_value(json_object_get(doc, "next_cursor"));
        if (!next) {
            json_decref(doc);
            return rows;
        }
        cr_assert(strlen(next) < sizeof(cursor));
        snprintf(cursor, sizeof(cursor), "%s", next);
        json_decref(doc);
    }
    cr_assert_fail("the access log does not end after 200 pages");
    return rows;
}

void fx_assert_logged(json_t *rows, const char *request_id, const char *action, const char *resource_type,
                      const struct fx_actor *actor, const char *citizen_id)
{
    json_t *found = NULL, *row;
    size_t i, n = 0;
    json_array_foreach(rows, i, row) {
        const char *rid = json_string_value(json_object_get(row, "request_id"));
        if (rid && strcmp(rid, request_id) == 0) {
            found = row;
            n++;
        }
    }
    cr_assert_eq(n, 1, "%zu access-log rows carry request id %s, want 1", n, request_id);
    fx_assert_member(found, "action", action);
    fx_assert_member(found, "resource_type", resource_type);
    fx_assert_member(found, "actor_sub", actor->sub);
    fx_assert_member(found, "actor_role", actor->role);
    if (citizen_id)
        fx_assert_member(found, "citizen_id", citizen_id);
}

/* The row for decision_id on the caller's remitted-decisions worklist, every page
 * walked (a new reference the caller json_decref's), or NULL when absent; a decision
 * listed twice fails the test. */
json_t *fx_worklist_row(const struct fx_actor *a, const char *decision_id)
{
    json_t *found = NULL;
    char cursor[128] = "";
    for (int page = 0; page < 200; page++) {
        char path[256];
        snprintf(path, sizeof(path), "/v1/worklists/remitted-decisions?limit=100%s%s", *cursor ? "&cursor=" : "",
                 cursor);
        struct http_response r;
        fx_call("GET", path, a, NULL, NULL, 0, &r);
        fx_assert_status(&r, 200);
        json_t *doc = fx_body(&r);
        http_response_free(&r);
        json_t *items = json_object_get(doc, "items"), *row;
        cr_assert(json_is_array(items), "the worklist has no items[]");
        size_t i;
        json_array_foreach(items, i, row) {
            const char *id = json_string_value(json_object_get(row, "resource_id"));
            if (id && strcmp(id, decision_id) == 0) {
                cr_assert_null(found, "decision %s is listed twice", decision_id);
                found = json_incref(row);
            }
        }
        const char *next = json_string_value(json_object_get(doc, "next_cursor"));
        if (!next) {
            json_decref(doc);
            return found;
        }
        cr_assert(strlen(next) < sizeof(cursor));
        snprintf(cursor, sizeof(cursor), "%s", next);
        json_decref(doc);
    }
    cr_assert_fail("the worklist does not end after 200 pages");
    return NULL;
}

/* ---- interventions, reviews, the plan, flags (issue 4) ---- */

void fx_date_add_months(const char *date, int months, char out[11])
{
    int y, m, d;
    cr_assert(sscanf(date, "%4d-%2d-%2d", &y, &m, &d) == 3, "not a date: %s", date);
    int index = y * 12 + (m - 1) + months;
    y = index / 12;
    m = index % 12 + 1;
    if (d > days_in_month(y, m))
        d = days_in_month(y, m);
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

/* The 2027 reform (LOV nr. 1750 af 29/12/2025) replaces the target groups and the
 * provisions from 1 January 2027: the reference data says so, and so must the tests. */
#define FX_REFORM_DATE "2027-01-01"

const char *fx_target_group_on(const char *date)
{
    return strcmp(date, FX_REFORM_DATE) < 0 ? "jobparat" : "jobhjaelpsgruppe";
}

const char *fx_provision_on(const char *date)
{
    return strcmp(date, FX_REFORM_DATE) < 0 ? "lab_kap_10_12" : "lov_1750_2025";
}

void fx_create_case_dated(const struct fx_actor *staff, const char *citizen_id, const char *target_group_since,
                          const char *benefit, const char *benefit_start, char id[FX_UUID_LEN])
{
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen_id, "target_group",
                             fx_target_group_on(target_group_since), "target_group_since", target_group_since,
                             "benefit", benefit, "benefit_start", benefit_start);
    cr_assert_not_null(body);
    if (strcmp(staff->role, "caseworker") != 0)
        json_object_set_new(body, "caseworker", json_string(staff->sub));
    post_created(staff, "/v1/cases", body, id);
}

json_t *fx_get_case(const struct fx_actor *a, const char *case_id)
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/cases/%s", case_id);
    struct http_response r;
    fx_call("GET", path, a, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    return doc;
}

void fx_create_intervention(const struct fx_actor *staff, const char *case_id, const char *type,
                            const char *requested_on, double hours_per_week, char id[FX_UUID_LEN])
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/cases/%s/interventions", case_id);
    json_t *body = json_pack("{s:s, s:s}", "type", type, "requested_on", requested_on);
    cr_assert_not_null(body);
    if (hours_per_week > 0)
        json_object_set_new(body, "hours_per_week", json_real(hours_per_week));
    post_created(staff, path, body, id);
}

json_t *fx_get_intervention(const struct fx_actor *a, const char *id)
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/interventions/%s", id);
    return get_versioned(a, path);
}

int fx_intervention_step(const struct fx_actor *a, const char *id, const char *action, json_t *body,
                         struct http_response *out)
{
    char suffix[64];
    snprintf(suffix, sizeof(suffix), "/%s", action);
    return versioned_write(a, "POST", "/v1/interventions", id, suffix, body, out);
}

json_t *fx_start_intervention(const struct fx_actor *staff, const char *id, const char *started_on)
{
    struct http_response r;
    fx_intervention_step(staff, id, "start", json_pack("{s:s}", "started_on", started_on), &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    return doc;
}

void fx_schedule_review(const struct fx_actor *staff, const char *case_id, const char *meeting_on,
                        char id[FX_UUID_LEN])
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/cases/%s/reviews", case_id);
    post_created(staff, path, json_pack("{s:s}", "meeting_on", meeting_on), id);
}

json_t *fx_get_review(const struct fx_actor *a, const char *id)
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/reviews/%s", id);
    return get_versioned(a, path);
}

int fx_review_write(const struct fx_actor *a, const char *method, const char *id, const char *suffix, json_t *body,
                    struct http_response *out)
{
    return versioned_write(a, method, "/v1/reviews", id, suffix, body, out);
}

json_t *fx_review_ok(const struct fx_actor *a, const char *method, const char *id, const char *suffix,
                     json_t *body)
{
    struct http_response r;
    fx_review_write(a, method, id, suffix, body, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    return doc;
}

const char *fx_section_pointer(enum fx_section s)
{
    static const char *const pointers[FX_SEC_COUNT] = {
        [FX_SEC_CURRENT_SITUATION] = "/sections/status/current_situation",
        [FX_SEC_OWN_ASSESSMENT] = "/sections/own_assessment",
        [FX_SEC_WORK_CAPACITY] = "/sections/work_capacity",
        [FX_SEC_OVERALL_DECISION] = "/sections/overall_decision",
        [FX_SEC_FOLLOW_UP_PLAN] = "/sections/follow_up_plan",
        [FX_SEC_WHO5] = "/sections/indicators/who5",
        [FX_SEC_RATINGS_CASEWORKER] = "/sections/indicators/ratings/caseworker",
        [FX_SEC_RATINGS_CITIZEN] = "/sections/indicators/ratings/citizen",
    };
    cr_assert((int)s >= 0 && s < FX_SEC_COUNT);
    return pointers[s];
}

json_t *fx_work_capacity_body(const char *meeting_on)
{
    /* While the rules have ressourceforløb (until the reform), the assessment of it is a
     * required part of the section. */
    json_t *assessed = strcmp(meeting_on, FX_REFORM_DATE) < 0 ? json_true() : json_null();
    json_t *body = json_pack(
        "{s:s, s:s, s:s, s:b, s:s, s:b, s:b, s:s, s:s, s:o}", "current_capacity", FX_CAPACITY, "deterioration_risk",
        "medium", "deterioration_note", "Risiko for forværring ved for høje krav.", "interdisciplinary_need", 1,
        "interdisciplinary_note", "Behov for samarbejde med psykiatrien.", "target_group_right", 1, "benefit_right", 1,
        "placement_note", FX_PLACEMENT_NOTE, "compensation_options", "Skånehensyn og fleksible mødetider.",
        "ressourceforloeb_assessed", assessed);
    cr_assert_not_null(body);
    return body;
}

json_t *fx_overall_interventions_body(const char *meeting_on, const char *planned_start)
{
    json_t *body = json_pack("{s:s, s:[{s:s, s:s, s:s}], s:[s]}", "outcome", "interventions", "interventions", "type",
                             FX_PLANNED_TYPE, "planned_start", planned_start, "note", "Praktik i detailhandlen.",
                             "legal_basis", fx_provision_on(meeting_on));
    cr_assert_not_null(body);
    return body;
}

json_t *fx_follow_up_body(const char *meeting_on)
{
    char first[11], second[11];
    fx_date_add(meeting_on, 30, first);
    fx_date_add(meeting_on, 90, second);
    json_t *body = json_pack("{s:[{s:s, s:s}, {s:s, s:s}]}", "follow_ups", "on", first, "purpose", FX_FOLLOW_UP_1,
                             "on", second, "purpose", FX_FOLLOW_UP_2);
    cr_assert_not_null(body);
    return body;
}

json_t *fx_put_who5(const struct fx_actor *a, const char *id, const int items[5])
{
    json_t *body = json_pack("{s:[i, i, i, i, i]}", "items", items[0], items[1], items[2], items[3], items[4]);
    cr_assert_not_null(body);
    return fx_review_ok(a, "PUT", id, "/who5", body);
}

json_t *fx_put_ratings(const struct fx_actor *a, const char *id, const int r[3])
{
    json_t *body = json_pack("{s:i, s:i, s:i}", "life_mastery", r[0], "health", r[1], "labour_market_distance", r[2]);
    cr_assert_not_null(body);
    if (strcmp(a->role, "citizen") != 0)
        json_object_set_new(body, "by", json_string("caseworker"));
    return fx_review_ok(a, "PUT", id, "/ratings", body);
}

void fx_fill_review(const struct fx_actor *staff, const struct fx_actor *citizen, const char *id,
                    const char *meeting_on, const char *planned_start, unsigned mask)
{
    const struct fx_actor *own = citizen ? citizen : staff;
    static const int who5[5] = FX_WHO5_ITEMS;
    static const int by_caseworker[3] = FX_RATINGS_CASEWORKER;
    static const int by_citizen[3] = FX_RATINGS_CITIZEN;
    if (mask & FX_SEC_BIT(FX_SEC_OWN_ASSESSMENT))
        json_decref(fx_review_ok(own, "PUT", id, "/own-assessment",
                                 json_pack("{s:s, s:s}", "wishes", FX_WISHES, "barriers", FX_BARRIERS)));
    if (mask & FX_SEC_BIT(FX_SEC_WHO5))
        json_decref(fx_put_who5(own, id, who5));
    /* Staff cannot rate as the citizen: without the citizen's token this section stays
     * for the citizen to write. */
    if ((mask & FX_SEC_BIT(FX_SEC_RATINGS_CITIZEN)) && citizen)
        json_decref(fx_put_ratings(citizen, id, by_citizen));

    json_t *patch = json_pack("{s:s, s:b}", "recommendation", FX_RECOMMENDATION, "citizen_present", 1);
    cr_assert_not_null(patch);
    if (mask & FX_SEC_BIT(FX_SEC_CURRENT_SITUATION))
        json_object_set_new(patch, "current_situation", json_string(FX_SITUATION));
    if (mask & FX_SEC_BIT(FX_SEC_WORK_CAPACITY))
        json_object_set_new(patch, "work_capacity", fx_work_capacity_body(meeting_on));
    if (mask & FX_SEC_BIT(FX_SEC_OVERALL_DECISION))
        json_object_set_new(patch, "overall_decision", fx_overall_interventions_body(meeting_on, planned_start));
    if (mask & FX_SEC_BIT(FX_SEC_FOLLOW_UP_PLAN))
        json_object_set_new(patch, "follow_up_plan", fx_follow_up_body(meeting_on));
    json_decref(fx_review_ok(staff, "PATCH", id, NULL, patch));
    if (mask & FX_SEC_BIT(FX_SEC_RATINGS_CASEWORKER))
        json_decref(fx_put_ratings(staff, id, by_caseworker));
}

json_t *fx_complete_review(const struct fx_actor *staff, const char *id)
{
    return fx_review_ok(staff, "POST", id, "/complete", json_object());
}

json_t *fx_completed_review(const struct fx_actor *staff, const struct fx_actor *citizen, const char *case_id,
                            char id[FX_UUID_LEN])
{
    char today[11], planned[11];
    fx_today(today);
    fx_date_add(today, 14, planned);
    fx_schedule_review(staff, case_id, today, id);
    fx_fill_review(staff, citizen, id, today, planned, FX_SEC_ALL);
    return fx_complete_review(staff, id);
}

json_t *fx_find_flag(json_t *flags, const char *code, int allow_many)
{
    cr_assert(json_is_array(flags), "flags is not an array");
    json_t *found = NULL, *f;
    size_t i;
    json_array_foreach(flags, i, f) {
        const char *c = json_string_value(json_object_get(f, "code"));
        if (c && strcmp(c, code) == 0) {
            cr_assert(allow_many || !found, "flag %s appears twice", code);
            found = f;
        }
    }
    return found;
}

json_t *fx_flag_rows(const struct fx_actor *a, const char *code, const char *caseworker)
{
    json_t *rows = json_array();
    char cursor[128] = "";
    for (int page = 0; page < 100; page++) {
        char path[320];
        snprintf(path, sizeof(path), "/v1/flags?code=%s&caseworker=%s&limit=100%s%s", code, caseworker,
                 *cursor ? "&cursor=" : "", cursor);
        struct http_response r;
        fx_call("GET", path, a, NULL, NULL, 0, &r);
        fx_assert_status(&r, 200);
        json_t *doc = fx_body(&r);
        http_response_free(&r);
        json_t *items = json_object_get(doc, "items");
        cr_assert(json_is_array(items), "GET /v1/flags has no items[]");
        json_array_extend(rows, items);
        const char *next = json_string_value(json_object_get(doc, "next_cursor"));
        if (!next) {
            json_decref(doc);
            return rows;
        }
        cr_assert(strlen(next) < sizeof(cursor));
        snprintf(cursor, sizeof(cursor), "%s", next);
        json_decref(doc);
    }
    cr_assert_fail("GET /v1/flags does not end after 100 pages");
    return rows;
}

/* ---- past dates the API cannot make: written as the schema owner ---- */

static PGconn *owner_connect(void)
{
    /* libpq reads the password from PGPASSFILE, which test.sh exports. */
    PGconn *c = PQconnectdb(fx_env("FREMDRIFT_MIGRATION_DATABASE_URL"));
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "cannot connect as the schema owner: %s", PQerrorMessage(c));
    return c;
}

/* Runs sql on c; fails unless it succeeds and, when rows >= 0, changes exactly rows rows. */
static void owner_run(PGconn *c, const char *sql, int n, const char *const *params, int rows)
{
    PGresult *res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
    if (rows >= 0)
        cr_assert_eq(atoi(PQcmdTuples(res)), rows, "%s changed %s rows, want %d", sql, PQcmdTuples(res), rows);
    PQclear(res);
}

void fx_owner_update_one(const char *sql, int n, const char *const *params)
{
    PGconn *c = owner_connect();
    owner_run(c, sql, n, params, 1);
    PQfinish(c);
}

void fx_backdate_intervention(const char *id, const char *requested_on, const char *started_on)
{
    /* interventions has no guard trigger; waiting_days is generated and follows. */
    const char *params[] = {id, requested_on, started_on};
    fx_owner_update_one("UPDATE interventions SET requested_on = $2::date, started_on = $3::date "
                        "WHERE id = $1::uuid AND status = 'started'",
                        3, params);
}

void fx_backdate_review(const char *id, const char *completed_on)
{
    /* The guard trigger refuses every change to a completed review, the owner's too. It is
     * disabled only inside this transaction: ALTER TABLE holds a lock that keeps every other
     * writer of reviews waiting until COMMIT, by which time the trigger is enabled again,
     * so no other test ever writes a review without the guard. */
    PGconn *c = owner_connect();
    const char *params[] = {id, completed_on};
    owner_run(c, "BEGIN", 0, NULL, -1);
    owner_run(c, "ALTER TABLE reviews DISABLE TRIGGER reviews_guard", 0, NULL, -1);
    owner_run(c,
              "UPDATE reviews SET meeting_on = $2::date, completed_on = $2::date, "
              "completed_at = ($2::date + time '12:00') AT TIME ZONE 'Europe/Copenhagen' "
              "WHERE id = $1::uuid AND status = 'completed'",
              2, params, 1);
    owner_run(c, "ALTER TABLE reviews ENABLE TRIGGER reviews_guard", 0, NULL, -1);
    owner_run(c, "COMMIT", 0, NULL, -1);
    PQfinish(c);
}

/* ---- integration and data protection (issue 5) ---- */

json_t *fx_get_json(const struct fx_actor *a, const char *path)
{
    struct http_response r;
    fx_call("GET", path, a, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    return doc;
}

void fx_random_cpr_born(int year, char out[11])
{
    cr_assert(year >= 1900 && year <= 2036, "no century digit is tested for births in %d", year);
    uint64_t r = fx_random_u64();
    int month = 1 + (int)(r % 12);
    r /= 12;
    int day = 1 + (int)(r % (uint64_t)days_in_month(year, month));
    r /= 31;
    int century = year < 2000 ? (int)(r % 4) : 4;
    r /= 4;
    int serial = (int)(r % 1000);
    snprintf(out, 11, "%02d%02d%02d%d%03d", day, month, year % 100, century, serial);
}

void fx_close_case(const struct fx_actor *staff, const char *case_id)
{
    struct http_response r;
    versioned_write(staff, "POST", "/v1/cases", case_id, "/close",
                    json_pack("{s:s}", "reason", "Borgeren er flyttet til en anden kommune."), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
}

json_t *fx_worklist_rows(const struct fx_actor *a, const char *name, const char *caseworker, int limit)
{
    json_t *rows = json_array();
    char cursor[64] = "", last_since[11] = "", last_id[FX_UUID_LEN] = "";
    for (int page = 0; page < 200; page++) {
        char path[512];
        snprintf(path, sizeof(path), "/v1/worklists/%s?limit=%d%s%s%s%s", name, limit,
                 caseworker ? "&caseworker=" : "", caseworker ? caseworker : "", *cursor ? "&cursor=" : "", cursor);
        json_t *doc = fx_get_json(a, path);
        json_t *items = json_object_get(doc, "items"), *row;
        cr_assert(json_is_array(items), "GET %s has no items[]", path);
        cr_assert(json_array_size(items) <= (size_t)limit, "GET %s gave %zu rows", path, json_array_size(items));
        size_t i;
        json_array_foreach(items, i, row) {
            const char *since = json_string_value(json_object_get(row, "since"));
            const char *id = json_string_value(json_object_get(row, "resource_id"));
            cr_assert(since && strlen(since) == 10 && id && strlen(id) == FX_UUID_LEN - 1,
                      "worklist %s: a row without since or resource_id", name);
            int order = strcmp(since, last_since);
            cr_assert(order > 0 || (order == 0 && strcmp(id, last_id) > 0),
                      "worklist %s: %s %s comes after %s %s (out of order, or listed twice)", name, since, id,
                      last_since, last_id);
            memcpy(last_since, since, sizeof(last_since));
            memcpy(last_id, id, sizeof(last_id));
        }
        json_array_extend(rows, items);
        const char *next = json_string_value(json_object_get(doc, "next_cursor"));
        if (!next) {
            cr_assert(json_is_null(json_object_get(doc, "next_cursor")), "GET %s: next_cursor is neither a string "
                                                                           "nor null", path);
            json_decref(doc);
            return rows;
        }
        cr_assert(strlen(next) < sizeof(cursor));
        snprintf(cursor, sizeof(cursor), "%s", next);
        json_decref(doc);
    }
    cr_assert_fail("worklist %s does not end after 200 pages", name);
    return rows;
}

json_t *fx_find_row(json_t *rows, const char *key, const char *value)
{
    cr_assert(json_is_array(rows), "not an array");
    json_t *found = NULL, *row;
    size_t i;
    json_array_foreach(rows, i, row) {
        const char *v = json_string_value(json_object_get(row, key));
        if (v && strcmp(v, value) == 0) {
            cr_assert_null(found, "%s %s is listed twice", key, value);
            found = row;
        }
    }
    return found;
}

PGconn *fx_pg_service(void)
{
    PGconn *c = PQconnectdb(fx_env("FREMDRIFT_DATABASE_URL"));
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "cannot connect as the service role: %s", PQerrorMessage(c));
    return c;
}

PGconn *fx_pg_owner(void)
{
    return owner_connect();
}

PGresult *fx_pg_ok(PGconn *c, const char *sql, int n, const char *const *params)
{
    PGresult *res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    cr_assert(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
    return res;
}

long long fx_pg_value(PGconn *c, const char *sql, int n, const char *const *params)
{
    PGresult *res = fx_pg_ok(c, sql, n, params);
    cr_assert(PQntuples(res) == 1 && PQnfields(res) >= 1 && !PQgetisnull(res, 0, 0),
              "%s returned %d rows (or NULL), want one value", sql, PQntuples(res));
    long long v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return v;
}

void fx_pg_begin_as(PGconn *c, const char *role, const char *sub, const char *municipality)
{
    PQclear(fx_pg_ok(c, "BEGIN", 0, NULL));
    const char *values[] = {role, sub, municipality ? municipality : ""};
    PQclear(fx_pg_ok(c,
                     "SELECT set_config('fremdrift.role', $1, true), set_config('fremdrift.sub', $2, true), "
                     "set_config('fremdrift.municipality', $3, true)",
                     3, values));
}

long long fx_owner_value(const char *sql, int n, const char *const *params)
{
    PGconn *c = owner_connect();
    long long v = fx_pg_value(c, sql, n, params);
    PQfinish(c);
    return v;
}

long long fx_owner_exec(const char *sql, int n, const char *const *params)
{
    PGconn *c = owner_connect();
    PGresult *res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
    long long rows = strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    PQfinish(c);
    return rows;
}

void fx_backdate_decision_created(const char *id, const char *created_on)
{
    const char *params[] = {id, created_on};
    fx_owner_update_one("UPDATE decisions SET created_at = ($2::date + time '12:00') AT TIME ZONE 'Europe/Copenhagen' "
                        "WHERE id = $1::uuid AND status = 'draft'",
                        2, params);
}

int fx_run_purge(const char *event_days)
{
    char *root = fx_repo_root();
    const char *build = getenv("BUILD") && *getenv("BUILD") ? getenv("BUILD") : "build";
    char binary[1024];
    snprintf(binary, sizeof(binary), "%s/%s/asan/fremdrift", root, build);
    free(root);
    cr_assert_eq(access(binary, X_OK), 0, "no purge binary at %s", binary);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        unsetenv("FREMDRIFT_IDEMPOTENCY_RETENTION_HOURS");
        unsetenv("FREMDRIFT_ACCESS_LOG_RETENTION_DAYS");
        unsetenv("FREMDRIFT_EVENT_RETENTION_DAYS");
        if (event_days)
            setenv("FREMDRIFT_EVENT_RETENTION_DAYS", event_days, 1);
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execl(binary, "fremdrift", "purge", (char *)NULL);
        _exit(127);
    }
    cr_assert_gt(pid, 0);
    int status = 0;
    for (long long deadline = fx_now_ms() + 60000; fx_now_ms() < deadline; fx_pause_ms(50)) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}
