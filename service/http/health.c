/* Operational endpoints: liveness, readiness (the database answers, and every identity
 * provider's keys are at hand), metrics and the contract. None needs a token: they carry
 * no personal data. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/app.h"
#include "http/health.h"
#include "http/metrics.h"
#include "http/reply.h"
#include "http/request.h"
#include "store/db.h"
#include "store/pool.h"

extern const char openapi_yaml_start[];
extern const char openapi_yaml_end[];

void api_health_live(struct request *rq, struct reply *r)
{
    (void)rq;
    reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

static const struct db_stmt ping = {"health_ping", "SELECT 1"};

void api_health_ready(struct request *rq, struct reply *r)
{
    enum db_status st;
    struct db_conn *c = pool_acquire(rq->app->pool, &st);
    if (c) {
        PGresult *res;
        st = db_exec(c, &ping, 0, NULL, &res);
        PQclear(res);
        pool_release(rq->app->pool, c);
    }
    if (st != DB_OK) {
        reply_problem(r, PROBLEM_UNAVAILABLE, "The database is not reachable.");
        reply_header(r, "Retry-After", "5");
        return;
    }
    struct idp_status idps[IDP_MAX];
    size_t n = keyring_idp_status(&rq->app->keys, idps, IDP_MAX);
    if (n == 0) {
        reply_json(r, 200, json_pack("{s:s}", "status", "ready"));
        return;
    }
    /* Ready while every identity provider has keys, if need be the last good ones: an IdP
     * that cannot be reached makes the service "degraded", not unready, since taking it out
     * of the load balancer would not bring the IdP back. An IdP never reached leaves its
     * users unable to sign in: 503, so traffic goes to an instance that has its keys. */
    int degraded = 0;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        if (idps[i].keys == 0) {
            json_decref(list);
            reply_problem(r, PROBLEM_UNAVAILABLE, "Identity provider %s: no verification keys yet.",
                          idps[i].issuer);
            reply_header(r, "Retry-After", "5");
            return;
        }
        char when[32];
        struct tm tm;
        time_t t = idps[i].last_success;
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
        json_t *item = json_pack("{s:s, s:i, s:b, s:s}", "issuer", idps[i].issuer, "keys",
                                 (int)idps[i].keys, "reachable", idps[i].reachable,
                                 "last_refresh", when);
        if (!idps[i].reachable) {
            degraded = 1;
            json_object_set_new(item, "error", json_string(idps[i].error));
        }
        json_array_append_new(list, item);
    }
    reply_json(r, 200, json_pack("{s:s, s:o}", "status", degraded ? "degraded" : "ready",
                                 "identity_providers", list));
}

void api_health_metrics(struct request *rq, struct reply *r)
{
    struct pool_stats ps;
    pool_get_stats(rq->app->pool, &ps);
    size_t len = 0;
    char *text = metrics_render(rq->app->metrics, &ps, &len);
    if (!text) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return;
    }
    reply_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
}

void api_health_openapi(struct request *rq, struct reply *r)
{
    (void)rq;
    size_t len = (size_t)(openapi_yaml_end - openapi_yaml_start);
    char *copy = malloc(len);
    if (!copy) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return;
    }
    memcpy(copy, openapi_yaml_start, len);
    reply_text(r, 200, "application/yaml", copy, len);
}
