/* Start-up of the process-wide state, in an order where each failure names its cause. */
#include "http/app.h"

#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "http/metrics.h"
#include "http/ratelimit.h"
#include "http/routes.h"
#include "law/settings.h"
#include "store/pool.h"

/* Splits a comma-separated list in place into out[], skipping empty items and spaces. */
static size_t split_list(char *buf, const char **out, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item && n < max; item = strtok_r(NULL, ",", &save)) {
        while (*item == ' ')
            item++;
        char *end = item + strlen(item);
        while (end > item && end[-1] == ' ')
            *--end = '\0';
        if (*item)
            out[n++] = item;
    }
    return n;
}

int app_init(struct app *app)
{
    char err[512];

    snprintf(app->issuer_buf, sizeof(app->issuer_buf), "%s", app->cfg.jwt_issuers);
    app->policy.issuers = app->issuers;
    app->policy.n_issuers = split_list(app->issuer_buf, app->issuers, APP_MAX_ISSUERS);
    app->policy.audience = app->cfg.jwt_audience;
    app->policy.leeway_s = app->cfg.jwt_leeway_s;
    app->policy.max_lifetime_s = app->cfg.jwt_max_lifetime_s;
    if (app->cfg.jwt_keys_file[0] != '\0' && app->policy.n_issuers == 0) {
        fprintf(stderr, "config: FREMDRIFT_JWT_ISSUERS names no issuer for FREMDRIFT_JWT_KEYS\n");
        return -1;
    }
    if (app->cfg.oidc_refresh_min_s > app->cfg.oidc_refresh_max_s) {
        fprintf(stderr, "config: FREMDRIFT_OIDC_REFRESH_MIN_S is above FREMDRIFT_OIDC_REFRESH_MAX_S\n");
        return -1;
    }
    char deadlines[SETTINGS_DEADLINES_JSON_MAX];
    if (settings_deadlines_json(app->cfg.processing_deadlines, NULL, deadlines, sizeof(deadlines)) != 0) {
        fprintf(stderr, "config: FREMDRIFT_PROCESSING_DEADLINES must be kind=days items (kinds application, "
                        "intervention_request, alone or as kind.code; NNN:kind=days for one municipality; at "
                        "most 32), separated by commas\n");
        return -1;
    }
    if (settings_caseload_json(app->cfg.caseload_ranges, app->caseload_ranges_json,
                               sizeof(app->caseload_ranges_json)) != 0) {
        fprintf(stderr, "config: FREMDRIFT_CASELOAD_RANGES must give category=min-max for young, adult, "
                        "ressourceforloeb and job_ready\n");
        return -1;
    }
    snprintf(app->origin_buf, sizeof(app->origin_buf), "%s", app->cfg.cors_origins);
    app->n_origins = split_list(app->origin_buf, app->origins, APP_MAX_ORIGINS);

    /* Without a key no token could be checked: refuse to start. */
    struct idp_settings idp = {
        .refresh_min_s = app->cfg.oidc_refresh_min_s,
        .refresh_max_s = app->cfg.oidc_refresh_max_s,
        .unknown_kid_interval_s = app->cfg.oidc_unknown_kid_interval_s,
        .limits = { .timeout_s = app->cfg.oidc_timeout_s,
                    .max_bytes = (size_t)app->cfg.oidc_max_bytes,
                    .ca_file = app->cfg.oidc_ca_file },
    };
    if (keyring_init(&app->keys, app->cfg.jwt_keys_file, app->cfg.oidc_issuers, &idp, err,
                     sizeof(err)) != 0) {
        fprintf(stderr, "config: verification keys: %s\n", err);
        keyring_destroy(&app->keys);
        return -1;
    }
    app->policy.mapped = app->keys.mapped;
    app->policy.n_mapped = app->keys.n_idps;
    if (crypto_keys_load(&app->crypto, app->cfg.cpr_key_file, app->cfg.cpr_hash_key_file, err,
                         sizeof(err)) != 0) {
        fprintf(stderr, "config: FREMDRIFT_CPR_KEY_FILE / FREMDRIFT_CPR_HASH_KEY_FILE: %s\n", err);
        keyring_destroy(&app->keys);
        return -1;
    }

    app->metrics = metrics_create(routes, n_routes);
    app->limits = ratelimit_create(app->cfg.rate_limit_per_minute, app->cfg.rate_limit_burst);

    struct pool_options po = {
        .url = app->cfg.database_url,
        .size = app->cfg.db_pool_size,
        .wait_ms = app->cfg.db_pool_wait_ms,
        .connect_timeout_s = app->cfg.db_connect_timeout_s,
        .statement_timeout_ms = app->cfg.db_statement_timeout_ms,
    };
    app->pool = pool_create(&po);
    if (!app->metrics || !app->pool || !app->limits) {
        fprintf(stderr, "out of memory\n");
        app_destroy(app);
        return -1;
    }
    if (portal_init(&app->portal, &app->cfg, stderr) != 0) {
        app_destroy(app);
        return -1;
    }
    atomic_init(&app->in_flight, 0);
    atomic_init(&app->draining, 0);
    atomic_init(&app->stopping, 0);
    if (keyring_start(&app->keys) != 0) {
        fprintf(stderr, "could not start the identity providers' key refresh\n");
        app_destroy(app);
        return -1;
    }
    return 0;
}

void app_destroy(struct app *app)
{
    pool_destroy(app->pool);
    app->pool = NULL;
    metrics_destroy(app->metrics);
    app->metrics = NULL;
    ratelimit_free(app->limits);
    app->limits = NULL;
    if (app->keys.current)
        keyring_destroy(&app->keys);
    crypto_keys_wipe(&app->crypto);
    portal_free(&app->portal);
}
