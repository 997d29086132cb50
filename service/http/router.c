/* Request pipeline. Routing is done here rather than by ulfius' endpoint list because
 * ulfius mixes path and query parameters in one map, answers 404 for a wrong method, and
 * gives no route template to log: one table and one matcher avoid all three. */
#include "http/router.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>
#include <ulfius.h>

#include "auth/roles.h"
#include "core/log.h"
#include "http/app.h"
#include "http/body.h"
#include "http/idempotency.h"
#include "http/metrics.h"
#include "http/next_head.h"
#include "http/ratelimit.h"
#include "http/reply.h"
#include "http/request.h"
#include "http/routes.h"
#include "law/validate.h"
#include "store/crypto.h"
#include "store/db.h"
#include "store/pool.h"

#define MAX_ATTEMPTS 3

static int param_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '-' || ch == '_' || ch == '.';
}

/* Matches a template like /v1/cases/{case_id} segment by segment, copying parameters. */
static int match_path(const char *tmpl, const char *path, struct request *rq)
{
    int n = 0;
    while (*tmpl && *path) {
        if (*tmpl != '/' || *path != '/')
            return 0;
        tmpl++;
        path++;
        size_t tl = strcspn(tmpl, "/"), pl = strcspn(path, "/");
        if (*tmpl == '{') {
            if (pl == 0 || pl >= REQUEST_PARAM_LEN || n == REQUEST_MAX_PARAMS)
                return 0;
            for (size_t i = 0; i < pl; i++)
                if (!param_char(path[i]))
                    return 0;
            memcpy(rq->params[n], path, pl);
            rq->params[n][pl] = '\0';
            n++;
        } else if (tl != pl || memcmp(tmpl, path, tl) != 0) {
            return 0;
        }
        tmpl += tl;
        path += pl;
    }
    rq->n_params = n;
    return *tmpl == '\0' && *path == '\0';
}

/* Finds the route; on failure sets 404, 405 (with Allow) or the OPTIONS answer. */
static const struct route *resolve(struct request *rq, struct reply *r, size_t *index)
{
    const char *method = rq->u->http_verb, *path = rq->u->url_path;
    char allow[128] = "";
    *index = n_routes;
    if (!path) {
        reply_problem(r, PROBLEM_NOT_FOUND, "No such resource.");
        return NULL;
    }
    /* HEAD is GET without the body; libmicrohttpd leaves the body out. */
    const char *wanted = strcmp(method, "HEAD") == 0 ? "GET" : method;
    for (size_t i = 0; i < n_routes; i++) {
        if (!match_path(routes[i].path, path, rq))
            continue;
        if (strcmp(routes[i].method, wanted) == 0) {
            *index = i;
            return &routes[i];
        }
        if (!strstr(allow, routes[i].method)) {
            size_t used = strlen(allow);
            snprintf(allow + used, sizeof(allow) - used, "%s%s%s", used ? ", " : "", routes[i].method,
                     strcmp(routes[i].method, "GET") == 0 ? ", HEAD" : "");
        }
    }
    if (!*allow) {
        reply_problem(r, PROBLEM_NOT_FOUND, "No such resource.");
        return NULL;
    }
    size_t used = strlen(allow);
    snprintf(allow + used, sizeof(allow) - used, ", OPTIONS");
    if (strcmp(method, "OPTIONS") == 0) {
        reply_text(r, 204, NULL, NULL, 0);
    } else {
        reply_problem(r, PROBLEM_METHOD_NOT_ALLOWED, "This resource does not support that method.");
    }
    reply_header(r, "Allow", "%s", allow);
    return NULL;
}

static void request_id(const struct _u_request *u, char out[72])
{
    /* A client's id reaches the log line and the access log: only a safe one is kept. */
    const char *given = u_map_get_case(u->map_header, "X-Request-Id");
    if (text_is_request_id(given)) {
        memcpy(out, given, strlen(given) + 1);
        return;
    }
    unsigned char b[16];
    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
        memset(b, 0, sizeof(b));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    snprintf(out, 72, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
}

/* Bounds each caller (issuer and subject) to its share; 1 with a 429 set when over it. */
static int limited(struct request *rq, struct reply *r)
{
    char key[sizeof(rq->claims.issuer) + sizeof(rq->claims.sub) + 1];
    int n = snprintf(key, sizeof(key), "%s\n%s", rq->claims.issuer, rq->claims.sub);
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    int retry_after = 0;
    if (ratelimit_take(rq->app->limits, key, (size_t)n, (double)now.tv_sec + now.tv_nsec / 1e9, &retry_after))
        return 0;
    reply_problem(r, PROBLEM_TOO_MANY_REQUESTS, "Too many requests from this caller; slow down.");
    reply_header(r, "Retry-After", "%d", retry_after);
    return 1;
}

static int authenticate(struct request *rq, struct reply *r)
{
    if (rq->route->roles == 0)
        return 0;
    struct app *app = rq->app;
    const char *authz = request_header(rq, "Authorization");
    enum token_result tr = auth_verify(&app->keys, &app->policy, authz, &rq->claims);
    if (tr == TOKEN_POLICY_INVALID) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return -1;
    }
    if (tr != TOKEN_OK) {
        reply_problem(r, PROBLEM_UNAUTHORIZED, "%s", token_result_text(tr));
        if (!authz)
            reply_header(r, "WWW-Authenticate", "Bearer realm=\"fremdrift\"");
        else
            reply_header(r, "WWW-Authenticate",
                         "Bearer realm=\"fremdrift\", error=\"invalid_token\", error_description=\"%s\"",
                         token_result_text(tr));
        return -1;
    }
    rq->role = role_bit(rq->claims.role);
    if (limited(rq, r))
        return -1;
    if (!(rq->role & rq->route->roles)) {
        reply_problem(r, PROBLEM_FORBIDDEN, "The role %s may not do this.", rq->claims.role);
        return -1;
    }
    if (rq->role == ROLE_CITIZEN) {
        unsigned char hash[32];
        if (crypto_keyed_hash(&app->crypto, rq->claims.cpr, strlen(rq->claims.cpr), hash) != 0) {
            reply_problem(r, PROBLEM_INTERNAL, NULL);
            return -1;
        }
        crypto_hex(hash, sizeof(hash), rq->cpr_hash_hex);
    }
    return 0;
}

static int is_json_media_type(const char *ct)
{
    if (!ct)
        return 0;
    while (*ct == ' ')
        ct++;
    size_t n = strcspn(ct, "; ");
    return n == strlen("application/json") && strncasecmp(ct, "application/json", n) == 0;
}

static int body_size_ok(struct request *rq, struct reply *r)
{
    long max = rq->app->cfg.max_body_bytes;
    const char *cl = request_header(rq, "Content-Length");
    /* The gate refuses this from a connection's first head and next_head.c from every
     * later one. libmicrohttpd takes it (Transfer-Encoding wins), where a proxy in front may
     * have read the Content-Length instead: should one slip past those (a request ulfius
     * answered without this router leaves the next head unchecked), refuse it here rather
     * than guess where the request ended. */
    if (cl && request_header(rq, "Transfer-Encoding")) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "Send one Content-Length or Transfer-Encoding: chunked, not both.");
        reply_header(r, "Connection", "close");
        return -1;
    }
    /* ulfius cuts a body at max_post_body_size and still calls us: a body of exactly the
     * cut length (we allow one byte more than the limit) was cut. */
    if (rq->u->binary_body_length > (size_t)max || (cl && strtoll(cl, NULL, 10) > max)) {
        reply_problem(r, PROBLEM_PAYLOAD_TOO_LARGE, "The body is larger than %ld bytes.", max);
        return -1;
    }
    return 0;
}

static int read_body(struct request *rq, struct reply *r)
{
    if (!rq->route->json_body) {
        if (rq->u->binary_body_length > 0) {
            reply_problem(r, PROBLEM_BAD_REQUEST, "This endpoint takes no request body.");
            return -1;
        }
        return 0;
    }
    if (!is_json_media_type(request_header(rq, "Content-Type"))) {
        reply_problem(r, PROBLEM_UNSUPPORTED_MEDIA_TYPE, "Send the body as application/json.");
        return -1;
    }
    rq->body = body_parse_object(rq->u->binary_body, rq->u->binary_body_length, r);
    return rq->body ? 0 : -1;
}

static const struct db_stmt set_claims = {
    "set_claims",
    "SELECT set_config('fremdrift.role', $1, true), set_config('fremdrift.sub', $2, true), "
    "set_config('fremdrift.municipality', $3, true), set_config('fremdrift.cpr_hash', $4, true), "
    "set_config('fremdrift.request_id', $5, true), set_config('synchronous_commit', $6, true)"};

/* BEGIN and the caller's claims, which row-level security reads for the rest of the
 * transaction. Whichever statement comes first on the connection (this BEGIN, or an
 * idempotency claim before it) reconnects once if the server went away while the
 * connection was idle (db.c); a BEGIN after a claim does not, because the claim's lock
 * lives in the database session and a new session would leave it open to a second runner. */
static enum db_status begin(struct request *rq, struct db_conn *c)
{
    enum db_status st = db_command(c, "BEGIN");
    if (st != DB_OK)
        return st;
    int relaxed = rq->route->db == ROUTE_DB_READ && strcmp(rq->app->cfg.read_commit, "async") == 0;
    const char *values[] = {rq->claims.role, rq->claims.sub,
                            rq->role == ROLE_CITIZEN ? "" : rq->claims.municipality,
                            rq->cpr_hash_hex, rq->id, relaxed ? "off" : "on"};
    PGresult *res;
    st = db_exec(c, &set_claims, 6, values, &res);
    PQclear(res);
    return st;
}

static void backoff(int attempt)
{
    unsigned int jitter;
    if (getrandom(&jitter, sizeof(jitter), 0) != (ssize_t)sizeof(jitter))
        jitter = 0;
    struct timespec ts = {0, (long)(attempt * 5 + (int)(jitter % 10)) * 1000000L};
    nanosleep(&ts, NULL);
}

/* A replayed answer is handed out only once its use is on record: when logging fails,
 * r becomes the failure instead. */
static void log_replay(struct request *rq, struct db_conn *c, const struct idempotency *idem, struct reply *r)
{
    enum db_status st = begin(rq, c);
    if (st == DB_OK)
        st = idempotency_log_replay(c, idem);
    if (st == DB_OK)
        st = db_command(c, "COMMIT");
    else
        db_command(c, "ROLLBACK");
    if (st != DB_OK) {
        reply_reset(r);
        reply_db_error(r, st);
    }
}

/* One transaction per request, run again on a serialization failure or deadlock. A POST
 * with an Idempotency-Key claims the key first and stores its answer inside the same
 * transaction as the work. */
static void run(struct request *rq, struct reply *r)
{
    if (rq->route->db == ROUTE_NO_DB) {
        rq->route->handler(rq, r);
        return;
    }
    enum db_status why;
    struct db_conn *c = pool_acquire(rq->app->pool, &why);
    if (!c) {
        reply_db_error(r, why);
        return;
    }
    struct idempotency idem;
    if (idempotency_begin(rq, c, &idem, r) != 0) {
        if (idem.replayed)
            log_replay(rq, c, &idem, r);
        pool_release(rq->app->pool, c);
        return;
    }
    int committed = 0;
    for (int attempt = 1;; attempt++) {
        reply_reset(r);
        enum db_status st = begin(rq, c);
        if (st == DB_OK) {
            rq->db = c;
            rq->route->handler(rq, r);
            rq->db = NULL;
            if (r->status == 0)
                reply_problem(r, PROBLEM_INTERNAL, NULL);
            if (r->status < 400 && !r->retry && idem.active) {
                st = idempotency_store(rq, c, &idem, r);
                if (st != DB_OK) {
                    reply_reset(r);
                    reply_db_error(r, st);
                }
            }
            if (r->status < 400 && !r->retry) {
                st = db_command(c, "COMMIT");
                committed = st == DB_OK;
                if (!committed) {
                    reply_reset(r);
                    reply_db_error(r, st);
                }
            } else {
                db_command(c, "ROLLBACK");
            }
        } else {
            reply_db_error(r, st);
        }
        if (!r->retry || attempt == MAX_ATTEMPTS)
            break;
        backoff(attempt);
    }
    if (idem.active && committed)
        idempotency_end(c, &idem);
    else if (idem.active)
        idempotency_release(c, &idem);
    pool_release(rq->app->pool, c);
}

static const char *allowed_origin(const struct app *app, const char *origin)
{
    for (size_t i = 0; origin && i < app->n_origins; i++)
        if (strcmp(app->origins[i], origin) == 0)
            return app->origins[i];
    return NULL;
}

/* CORS for browser front-ends: only configured origins, and preflight answered. */
static void cors(const struct request *rq, struct reply *r)
{
    const char *origin = allowed_origin(rq->app, request_header(rq, "Origin"));
    if (!origin)
        return;
    reply_header(r, "Access-Control-Allow-Origin", "%s", origin);
    /* Keep what the handler varies on (the letter varies on Accept) and add Origin. */
    const char *vary = NULL;
    for (int i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, "Vary") == 0)
            vary = r->headers[i].value;
    if (vary) {
        char both[sizeof(r->headers[0].value)];
        snprintf(both, sizeof(both), "%s, Origin", vary);
        reply_header(r, "Vary", "%s", both);
    } else {
        reply_header(r, "Vary", "Origin");
    }
    if (strcmp(rq->u->http_verb, "OPTIONS") == 0 && r->status == 204) {
        for (int i = 0; i < r->n_headers; i++)
            if (strcmp(r->headers[i].name, "Allow") == 0)
                reply_header(r, "Access-Control-Allow-Methods", "%s", r->headers[i].value);
        reply_header(r, "Access-Control-Allow-Headers",
                      "Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-Id");
        reply_header(r, "Access-Control-Max-Age", "600");
    } else {
        /* Every response header a front-end reads: the replay mark of an idempotent POST
         * and the file name of an export, too. */
        reply_header(r, "Access-Control-Expose-Headers",
                      "Content-Disposition, ETag, Idempotent-Replayed, Location, Retry-After, X-Request-Id");
    }
}

static void send_reply(struct _u_response *resp, const struct reply *r, const char *id)
{
    char *text = NULL;
    if (r->json) {
        text = json_dumps(r->json, JSON_COMPACT | JSON_REAL_PRECISION(12));
        ulfius_set_binary_body_response(resp, (unsigned)r->status, text ? text : "", text ? strlen(text) : 0);
    } else if (r->text) {
        ulfius_set_binary_body_response(resp, (unsigned)r->status, r->text, r->text_len);
    } else if (r->static_body) {
        ulfius_set_binary_body_response(resp, (unsigned)r->status, (const char *)r->static_body, r->text_len);
    } else {
        ulfius_set_empty_body_response(resp, (unsigned)r->status);
    }
    free(text);
    if (r->content_type)
        u_map_put(resp->map_header, "Content-Type", r->content_type);
    u_map_put(resp->map_header, "X-Request-Id", id);
    u_map_put(resp->map_header, "Cache-Control", "no-store");
    u_map_put(resp->map_header, "X-Content-Type-Options", "nosniff");
    for (int i = 0; i < r->n_headers; i++)
        u_map_put(resp->map_header, r->headers[i].name, r->headers[i].value);
}

static int closes(const struct reply *r)
{
    for (int i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, "Connection") == 0 && strcasecmp(r->headers[i].value, "close") == 0)
            return 1;
    return 0;
}

static const char *loggable_method(const char *m)
{
    static const char *const known[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strcmp(known[i], m) == 0)
            return known[i];
    return "OTHER";
}

/* Set while this connection's thread has a request between its handler and the end of
 * its response: libmicrohttpd runs one thread per connection, and calls the handler and
 * then router_request_completed for each request on that thread. */
static _Thread_local struct app *counted;

void router_request_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    struct app *app = cls;
    mhd_request_completed(NULL, connection, con_cls, toe);
    if (counted) {
        atomic_fetch_sub(&counted->in_flight, 1);
        counted = NULL;
    }
    /* After the count: a connection waiting for its next request has none in flight. */
    next_head_wait(connection, toe, app->cfg.header_timeout_s * 1000, app->cfg.max_body_bytes);
}

int router_callback(const struct _u_request *u, struct _u_response *resp, void *user_data)
{
    struct app *app = user_data;
    /* Counted until the response is sent, so a stop never cuts off an answer to work that
     * was done; once stopping is set, no new work starts (server.c waits for the count
     * after setting it, and this reads it after counting). */
    if (!counted) {
        counted = app;
        atomic_fetch_add(&app->in_flight, 1);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    struct request rq;
    struct reply r;
    memset(&rq, 0, sizeof(rq));
    memset(&r, 0, sizeof(r));
    rq.u = u;
    rq.app = app;
    request_id(u, rq.id);

    size_t index;
    rq.route = resolve(&rq, &r, &index);
    if (atomic_load(&app->stopping)) {
        reply_reset(&r);
        reply_problem(&r, PROBLEM_UNAVAILABLE, "The service is stopping; try again shortly.");
        reply_header(&r, "Retry-After", "1");
    } else if (rq.route && body_size_ok(&rq, &r) == 0 && authenticate(&rq, &r) == 0 &&
               request_only_query(&rq, &r, rq.route->query) == 0 && read_body(&rq, &r) == 0) {
        run(&rq, &r);
    }
    cors(&rq, &r);
    /* After SIGTERM, keep-alive clients are told to go elsewhere. */
    if (atomic_load(&app->draining))
        reply_header(&r, "Connection", "close");
    if (next_head_prepare(u->http_protocol, closes(&r)))
        reply_header(&r, "Connection", "close");
    send_reply(resp, &r, rq.id);

    clock_gettime(CLOCK_MONOTONIC, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    metrics_observe(app->metrics, index, r.status, seconds);
    log_request(loggable_method(u->http_verb), rq.route ? rq.route->path : "unmatched", r.status,
                seconds * 1000.0, rq.id);

    json_decref(rq.body);
    reply_reset(&r);
    return U_CALLBACK_COMPLETE;
}
