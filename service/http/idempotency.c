/* Idempotency keys. The caller is identified by a hash of token issuer, subject, role,
 * municipality and, for a citizen, the keyed hash of their CPR number, so one caller's key
 * can never replay another's answer: a person whose role or municipality has changed is
 * not handed what the old one was allowed to see, and two people behind one subject (a
 * broker that reuses one) are told apart by who they are.
 * Stored answers are sealed like CPR numbers, since some of them carry one. */
#include "http/idempotency.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulfius.h>

#include "core/log.h"
#include "http/app.h"
#include "http/reply.h"
#include "http/request.h"
#include "store/crypto.h"

static const struct db_stmt claim = {"idempotency_begin",
                                     "SELECT outcome, status, headers::text, encode(body, 'hex') "
                                     "FROM idempotency_begin($1, $2, $3)"};
static const struct db_stmt store = {"idempotency_finish",
                                     "SELECT idempotency_finish($1, $2, $3::integer, $4::jsonb, $5::bytea)"};
static const struct db_stmt release = {"idempotency_release", "SELECT idempotency_release($1, $2)"};
static const struct db_stmt unlock = {"idempotency_unlock", "SELECT idempotency_unlock($1, $2)"};
static const struct db_stmt log_replay = {"idempotency_log_replay", "SELECT idempotency_log_replay($1, $2)"};

/* SHA-256 over parts separated by NUL bytes, as lowercase hex. */
static int digest(const void *const *parts, const size_t *lengths, size_t n, char out[65])
{
    unsigned char md[32];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    for (size_t i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(ctx, parts[i], lengths[i]) == 1 && EVP_DigestUpdate(ctx, "", 1) == 1;
    ok = ok && EVP_DigestFinal_ex(ctx, md, &len) == 1 && len == sizeof(md);
    EVP_MD_CTX_free(ctx);
    if (ok)
        crypto_hex(md, sizeof(md), out);
    return ok ? 0 : -1;
}

static int key_ok(const char *key)
{
    size_t n = strlen(key);
    if (n == 0 || n > 255)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (key[i] < 0x21 || key[i] > 0x7e)
            return 0;
    return 1;
}

/* Sets r to the stored answer. */
static void replay(struct request *rq, struct reply *r, const PGresult *res)
{
    int status = atoi(PQgetvalue(res, 0, 1));
    json_t *headers = json_loads(PQgetvalue(res, 0, 2), 0, NULL);
    size_t len = 0;
    char *body = crypto_open_from_hex(&rq->app->crypto, PQgetvalue(res, 0, 3), &len);
    if (!body || !json_is_object(headers)) {
        if (!body)
            log_line("error", "a stored idempotent answer could not be opened; check FREMDRIFT_CPR_KEY_FILE", NULL);
        free(body);
        json_decref(headers);
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return;
    }
    reply_text(r, status, NULL, body, len);
    const char *name;
    json_t *value;
    json_object_foreach(headers, name, value) {
        /* Header names are ours (see idempotency_store): map them back to static strings. */
        static const char *const known[] = {"Content-Type", "Location", "ETag"};
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            if (strcmp(known[i], name) == 0)
                reply_header(r, known[i], "%s", json_string_value(value));
    }
    reply_header(r, "Idempotent-Replayed", "true");
    json_decref(headers);
}

int idempotency_begin(struct request *rq, struct db_conn *c, struct idempotency *idem, struct reply *r)
{
    memset(idem, 0, sizeof(*idem));
    const char *key = request_header(rq, "Idempotency-Key");
    if (!key || strcmp(rq->u->http_verb, "POST") != 0)
        return 0;
    if (!key_ok(key)) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "Idempotency-Key must be 1 to 255 printable characters.");
        return 1;
    }
    snprintf(idem->key, sizeof(idem->key), "%s", key);
    const void *who[] = {rq->claims.issuer, rq->claims.sub, rq->claims.role, rq->claims.municipality,
                         rq->cpr_hash_hex};
    const size_t who_len[] = {strlen(rq->claims.issuer), strlen(rq->claims.sub), strlen(rq->claims.role),
                              strlen(rq->claims.municipality), strlen(rq->cpr_hash_hex)};
    const char *path = rq->u->url_path;
    const void *what[] = {"POST", path, rq->u->binary_body ? rq->u->binary_body : ""};
    const size_t what_len[] = {4, strlen(path), rq->u->binary_body_length};
    if (digest(who, who_len, 5, idem->caller) != 0 || digest(what, what_len, 3, idem->hash) != 0) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return 1;
    }
    const char *values[] = {idem->caller, idem->key, idem->hash};
    PGresult *res;
    enum db_status st = db_exec_row(c, &claim, 3, values, &res);
    if (st != DB_OK || !res) {
        PQclear(res);
        reply_db_error(r, st == DB_OK ? DB_ERROR : st);
        return 1;
    }
    const char *outcome = PQgetvalue(res, 0, 0);
    int done = 1;
    if (strcmp(outcome, "new") == 0) {
        idem->active = 1;
        done = 0;
    } else if (strcmp(outcome, "replay") == 0) {
        replay(rq, r, res);
        idem->replayed = r->status < 400;
    } else if (strcmp(outcome, "mismatch") == 0) {
        json_t *errors = json_pack("[{s:s, s:s}]", "pointer", "",
                                   "message", "this Idempotency-Key was used for a different request");
        reply_invalid(r, errors);
    } else {
        reply_state_problem(r, "in_progress", "The first request with this Idempotency-Key is still running.");
    }
    PQclear(res);
    return done;
}

enum db_status idempotency_store(struct request *rq, struct db_conn *c, const struct idempotency *idem,
                                 const struct reply *r)
{
    json_t *headers = json_object();
    if (r->content_type)
        json_object_set_new(headers, "Content-Type", json_string(r->content_type));
    for (int i = 0; i < r->n_headers; i++)
        if (strcmp(r->headers[i].name, "Location") == 0 || strcmp(r->headers[i].name, "ETag") == 0)
            json_object_set_new(headers, r->headers[i].name, json_string(r->headers[i].value));
    char *headers_text = json_dumps(headers, JSON_COMPACT);
    char *body = r->json ? json_dumps(r->json, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    json_decref(headers);
    char status[8];
    snprintf(status, sizeof(status), "%d", r->status);
    const char *plain = body ? body : (r->text ? r->text : "");
    char *sealed = crypto_seal_to_bytea(&rq->app->crypto, plain, strlen(plain));
    const char *values[] = {idem->caller, idem->key, status, headers_text, sealed};
    PGresult *res = NULL;
    enum db_status st = headers_text && sealed ? db_exec(c, &store, 5, values, &res) : DB_ERROR;
    PQclear(res);
    free(headers_text);
    free(body);
    free(sealed);
    return st;
}

enum db_status idempotency_log_replay(struct db_conn *c, const struct idempotency *idem)
{
    const char *values[] = {idem->caller, idem->key};
    PGresult *res = NULL;
    enum db_status st = db_exec(c, &log_replay, 2, values, &res);
    PQclear(res);
    return st;
}

/* A claim's lock that could not be let go of would stay with the pooled session and keep
 * the key "running" for ever: such a session is closed instead. */
static void run_and_let_go(struct db_conn *c, const struct db_stmt *stmt, const struct idempotency *idem)
{
    const char *values[] = {idem->caller, idem->key};
    PGresult *res = NULL;
    if (db_exec(c, stmt, 2, values, &res) != DB_OK)
        db_discard(c);
    PQclear(res);
}

void idempotency_end(struct db_conn *c, const struct idempotency *idem)
{
    run_and_let_go(c, &unlock, idem);
}

void idempotency_release(struct db_conn *c, const struct idempotency *idem)
{
    run_and_let_go(c, &release, idem);
}
