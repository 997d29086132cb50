/* Service configuration: every setting comes from an environment variable with a
 * documented default, and a bad value stops start-up with a message naming it. */
#ifndef FREMDRIFT_CONFIG_H
#define FREMDRIFT_CONFIG_H

#include <stddef.h>
#include <stdio.h>

struct config {
    char bind_address[64];
    int port;
    int max_connections;
    int max_connections_per_address;
    int header_timeout_s;
    int connection_timeout_s;
    long max_body_bytes;

    char database_url[1024];
    char migration_database_url[1024];
    char migrations_dir[512];
    int db_pool_size;
    int db_pool_wait_ms;
    int db_statement_timeout_ms;
    int db_connect_timeout_s;
    char read_commit[8];

    char jwt_keys_file[512];
    char jwt_issuers[1024];
    char jwt_audience[256];
    int jwt_leeway_s;
    int jwt_max_lifetime_s;

    char oidc_issuers[4096];
    int oidc_refresh_min_s;
    int oidc_refresh_max_s;
    int oidc_unknown_kid_interval_s;
    int oidc_timeout_s;
    int oidc_max_bytes;
    char oidc_ca_file[512];

    char cpr_key_file[512];
    char cpr_hash_key_file[512];

    int access_log_retention_days;
    int event_retention_days;
    int idempotency_retention_hours;

    int long_wait_days;
    int hearing_min_days;
    char processing_deadlines[1024];
    char caseload_ranges[256];

    int rate_limit_per_minute;
    int rate_limit_burst;

    char cors_origins[1024];
    int shutdown_grace_s;

    char portal_issuer[256];
    char portal_client_id[128];
    char portal_scope[256];
    char portal_resource[256];
};

/* What the process is started to do: each command needs its own settings. */
enum config_command {
    CONFIG_SERVE = 1,
    CONFIG_MIGRATE = 2,
    CONFIG_PURGE = 4,
};

/* Fills cfg from the environment for command. Returns 0, or -1 after writing one message
 * per bad or missing variable to err. */
int config_load(struct config *cfg, enum config_command command, FILE *err);

/* Prints every variable with its default and meaning (for `fremdrift config`). */
void config_describe(FILE *out);

#endif
