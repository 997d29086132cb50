/* The process-wide state every request may read: configuration, the database pool, the
 * verification keys, the CPR keys and the metrics. Nothing else survives a request. */
#ifndef FREMDRIFT_APP_H
#define FREMDRIFT_APP_H

#include <stdatomic.h>

#include "auth/auth.h"
#include "auth/token.h"
#include "core/config.h"
#include "http/portal.h"
#include "store/crypto.h"

struct pool;
struct metrics;
struct ratelimit;

#define APP_MAX_ISSUERS 16
#define APP_MAX_ORIGINS 16

struct app {
    struct config cfg;
    struct pool *pool;
    struct keyring keys;
    struct crypto_keys crypto;
    struct token_policy policy;
    const char *issuers[APP_MAX_ISSUERS];
    char issuer_buf[sizeof(((struct config *)0)->jwt_issuers)];
    const char *origins[APP_MAX_ORIGINS];
    size_t n_origins;
    char origin_buf[sizeof(((struct config *)0)->cors_origins)];
    char caseload_ranges_json[512];
    struct portal portal;               /* the citizen's page: its IdP and its CSP */     /* FREMDRIFT_CASELOAD_RANGES as the SQL takes it */
    struct metrics *metrics;
    struct ratelimit *limits;
    atomic_int in_flight;               /* requests from their handler until sent (router.c) */
    atomic_int draining;                /* after SIGTERM: every response closes its connection */
    atomic_int stopping;                /* the server is about to stop: start no more work */
};

/* Builds everything from cfg: keys, pool, metrics. Returns 0, or -1 after logging why. */
int app_init(struct app *app);
void app_destroy(struct app *app);

#endif
