/* Configuration as a table: one row per environment variable, with its default, its
 * bounds and where it lands in struct config. Adding a setting is adding a row. */
#include "core/config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum var_kind { VAR_INT, VAR_STRING, VAR_CHOICE };

struct config_var {
    const char *name;
    const char *default_value;
    enum var_kind kind;
    long min, max;          /* VAR_INT bounds */
    const char *choices;    /* VAR_CHOICE: values separated by '|' */
    unsigned required;      /* the commands (CONFIG_*) that cannot run without it */
    size_t offset;
    size_t size;            /* VAR_STRING / VAR_CHOICE buffer size */
    const char *meaning;
};

#define INT_VAR(field) offsetof(struct config, field), sizeof(int)
#define LONG_VAR(field) offsetof(struct config, field), sizeof(long)
#define STR_VAR(field) offsetof(struct config, field), sizeof(((struct config *)0)->field)

static const struct config_var vars[] = {
    {"FREMDRIFT_BIND", "127.0.0.1", VAR_STRING, 0, 0, NULL, 0, STR_VAR(bind_address),
     "IPv4 address to listen on"},
    {"FREMDRIFT_PORT", "8080", VAR_INT, 1, 65535, NULL, 0, INT_VAR(port),
     "TCP port to listen on"},
    {"FREMDRIFT_MAX_CONNECTIONS", "512", VAR_INT, 4, 65536, NULL, 0, INT_VAR(max_connections),
     "HTTP connections open at once; one more is answered 503 at once"},
    {"FREMDRIFT_MAX_CONNECTIONS_PER_ADDRESS", "64", VAR_INT, 0, 65536, NULL, 0, INT_VAR(max_connections_per_address),
     "HTTP connections open at once from one client address (503 beyond); 0 = no limit"},
    {"FREMDRIFT_HEADER_TIMEOUT_S", "5", VAR_INT, 1, 60, NULL, 0, INT_VAR(header_timeout_s),
     "seconds a new connection's request line and header fields may take to arrive (408 beyond)"},
    {"FREMDRIFT_CONNECTION_TIMEOUT_S", "15", VAR_INT, 1, 3600, NULL, 0, INT_VAR(connection_timeout_s),
     "seconds an idle or slow client may hold a connection"},
    {"FREMDRIFT_MAX_BODY_BYTES", "1048576", VAR_INT, 1024, 67108864, NULL, 0, LONG_VAR(max_body_bytes),
     "largest request body accepted; larger ones get 413"},
    {"FREMDRIFT_DATABASE_URL", NULL, VAR_STRING, 0, 0, NULL, CONFIG_SERVE, STR_VAR(database_url),
     "libpq connection string of the service's own role (owns nothing, subject to RLS)"},
    {"FREMDRIFT_MIGRATION_DATABASE_URL", "", VAR_STRING, 0, 0, NULL, CONFIG_MIGRATE | CONFIG_PURGE,
     STR_VAR(migration_database_url),
     "connection string of the schema owner (migrate, purge); when set, serve migrates at start-up"},
    {"FREMDRIFT_MIGRATIONS_DIR", "sql", VAR_STRING, 0, 0, NULL, 0, STR_VAR(migrations_dir),
     "directory of the numbered SQL migrations"},
    {"FREMDRIFT_DB_POOL_SIZE", "8", VAR_INT, 1, 512, NULL, 0, INT_VAR(db_pool_size),
     "PostgreSQL connections in the pool"},
    {"FREMDRIFT_DB_POOL_WAIT_MS", "2000", VAR_INT, 1, 60000, NULL, 0, INT_VAR(db_pool_wait_ms),
     "how long a request waits for a pooled connection before 503"},
    {"FREMDRIFT_DB_STATEMENT_TIMEOUT_MS", "5000", VAR_INT, 10, 600000, NULL, 0, INT_VAR(db_statement_timeout_ms),
     "PostgreSQL statement_timeout for request statements"},
    {"FREMDRIFT_DB_CONNECT_TIMEOUT_S", "3", VAR_INT, 1, 60, NULL, 0, INT_VAR(db_connect_timeout_s),
     "seconds to wait when (re)connecting to PostgreSQL"},
    {"FREMDRIFT_READ_COMMIT", "sync", VAR_CHOICE, 0, 0, "sync|async", 0, STR_VAR(read_commit),
     "commit of a read's access-log row: sync (durable) or async (no WAL flush wait)"},
    {"FREMDRIFT_JWT_KEYS", "", VAR_STRING, 0, 0, NULL, 0, STR_VAR(jwt_keys_file),
     "JSON file listing token verification public keys (kid, alg, issuer, file); this or "
     "FREMDRIFT_OIDC_ISSUERS is required"},
    {"FREMDRIFT_JWT_ISSUERS", "", VAR_STRING, 0, 0, NULL, 0, STR_VAR(jwt_issuers),
     "comma-separated issuers whose tokens are checked with FREMDRIFT_JWT_KEYS"},
    {"FREMDRIFT_JWT_AUDIENCE", "fremdrift", VAR_STRING, 0, 0, NULL, 0, STR_VAR(jwt_audience),
     "the audience (aud) tokens must name"},
    {"FREMDRIFT_JWT_LEEWAY_S", "60", VAR_INT, 0, 60, NULL, 0, INT_VAR(jwt_leeway_s),
     "clock skew allowed on exp, nbf and iat, seconds"},
    {"FREMDRIFT_JWT_MAX_LIFETIME_S", "43200", VAR_INT, 60, 604800, NULL, 0, INT_VAR(jwt_max_lifetime_s),
     "longest token lifetime accepted (exp - iat; exp - now without iat), seconds"},
    {"FREMDRIFT_OIDC_ISSUERS", "", VAR_STRING, 0, 0, NULL, 0, STR_VAR(oidc_issuers),
     "JSON array of identity providers, each {\"issuer\": URL, \"claims\": {...}}; keys from discovery + JWKS"},
    {"FREMDRIFT_OIDC_REFRESH_MIN_S", "60", VAR_INT, 1, 86400, NULL, 0, INT_VAR(oidc_refresh_min_s),
     "shortest time a fetched JWKS is kept, and the wait before retrying a failed fetch, seconds"},
    {"FREMDRIFT_OIDC_REFRESH_MAX_S", "3600", VAR_INT, 1, 604800, NULL, 0, INT_VAR(oidc_refresh_max_s),
     "longest time a fetched JWKS is kept, whatever its Cache-Control max-age says, seconds"},
    {"FREMDRIFT_OIDC_UNKNOWN_KID_INTERVAL_S", "60", VAR_INT, 1, 86400, NULL, 0, INT_VAR(oidc_unknown_kid_interval_s),
     "at most one JWKS fetch per identity provider per this many seconds for tokens with an unknown kid"},
    {"FREMDRIFT_OIDC_TIMEOUT_S", "5", VAR_INT, 1, 60, NULL, 0, INT_VAR(oidc_timeout_s),
     "time limit of one discovery or JWKS fetch, connection included, seconds"},
    {"FREMDRIFT_OIDC_MAX_BYTES", "262144", VAR_INT, 1024, 16777216, NULL, 0, INT_VAR(oidc_max_bytes),
     "largest discovery document or JWKS accepted, bytes"},
    {"FREMDRIFT_OIDC_CA_FILE", "", VAR_STRING, 0, 0, NULL, 0, STR_VAR(oidc_ca_file),
     "PEM CA bundle for identity providers with a private CA (default: the system's)"},
    {"FREMDRIFT_CPR_KEY_FILE", NULL, VAR_STRING, 0, 0, NULL, CONFIG_SERVE, STR_VAR(cpr_key_file),
     "file with the 32-byte AES-256-GCM key (64 hex) that encrypts CPR numbers"},
    {"FREMDRIFT_CPR_HASH_KEY_FILE", NULL, VAR_STRING, 0, 0, NULL, CONFIG_SERVE, STR_VAR(cpr_hash_key_file),
     "file with the 32-byte HMAC key (64 hex) for CPR look-ups"},
    {"FREMDRIFT_ACCESS_LOG_RETENTION_DAYS", "1826", VAR_INT, 30, 36500, NULL, 0, INT_VAR(access_log_retention_days),
     "days access-log rows are kept before fremdrift purge deletes them"},
    {"FREMDRIFT_EVENT_RETENTION_DAYS", "90", VAR_INT, 1, 3650, NULL, 0, INT_VAR(event_retention_days),
     "days integration events are kept before fremdrift purge deletes them"},
    {"FREMDRIFT_IDEMPOTENCY_RETENTION_HOURS", "24", VAR_INT, 24, 8760, NULL, 0, INT_VAR(idempotency_retention_hours),
     "hours an Idempotency-Key and its stored answer are kept (at least 24)"},
    {"FREMDRIFT_LONG_WAIT_DAYS", "30", VAR_INT, 1, 3650, NULL, 0, INT_VAR(long_wait_days),
     "days a requested intervention may wait before the long-waits worklist shows it"},
    {"FREMDRIFT_HEARING_MIN_DAYS", "7", VAR_INT, 1, 90, NULL, 0, INT_VAR(hearing_min_days),
     "days a hearing gives the citizen to answer at least (sent_on to response_deadline) unless it states urgency"},
    {"FREMDRIFT_PROCESSING_DEADLINES", "application=42,intervention_request=30", VAR_STRING, 0, 0, NULL, 0,
     STR_VAR(processing_deadlines),
     "published processing deadlines in days (kind=days; NNN:kind=days for one municipality)"},
    {"FREMDRIFT_CASELOAD_RANGES", "young=35-50,adult=40-55,ressourceforloeb=30-40,job_ready=50-70", VAR_STRING, 0, 0,
     NULL, 0, STR_VAR(caseload_ranges), "recommended open cases per caseworker, by category (category=min-max)"},
    {"FREMDRIFT_RATE_LIMIT_PER_MINUTE", "600", VAR_INT, 0, 1000000, NULL, 0, INT_VAR(rate_limit_per_minute),
     "requests per minute one token subject may make (429 beyond); 0 turns limiting off"},
    {"FREMDRIFT_RATE_LIMIT_BURST", "60", VAR_INT, 1, 1000000, NULL, 0, INT_VAR(rate_limit_burst),
     "requests one subject may make at once before the per-minute rate applies"},
    {"FREMDRIFT_CORS_ORIGINS", "", VAR_STRING, 0, 0, NULL, 0, STR_VAR(cors_origins),
     "comma-separated browser origins allowed by CORS (none by default)"},
    {"FREMDRIFT_SHUTDOWN_GRACE_S", "20", VAR_INT, 0, 600, NULL, 0, INT_VAR(shutdown_grace_s),
     "seconds requests in flight get to finish after SIGTERM"},
    {"FREMDRIFT_PORTAL_ISSUER", "", VAR_STRING, 0, 0, NULL, 0, STR_VAR(portal_issuer),
     "the OpenID Connect issuer the citizen's portal (/portal/) signs in with; empty: sign-in is off"},
    {"FREMDRIFT_PORTAL_CLIENT_ID", "fremdrift-portal", VAR_STRING, 0, 0, NULL, 0, STR_VAR(portal_client_id),
     "the portal's client id at that issuer (a public client: authorization code + PKCE)"},
    {"FREMDRIFT_PORTAL_SCOPE", "openid", VAR_STRING, 0, 0, NULL, 0, STR_VAR(portal_scope),
     "the scopes the portal asks for, separated by spaces"},
    {"FREMDRIFT_PORTAL_RESOURCE", "", VAR_STRING, 0, 0, NULL, 0, STR_VAR(portal_resource),
     "the resource indicator (RFC 8707) the portal asks a token for; empty: none sent"},
};

static int in_choices(const char *value, const char *choices)
{
    size_t n = strlen(value);
    const char *p = choices;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, value, n) == 0)
            return 1;
        if (!bar)
            break;
        p = bar + 1;
    }
    return 0;
}

static int set_var(struct config *cfg, const struct config_var *v, const char *value, FILE *err)
{
    char *dst = (char *)cfg + v->offset;
    if (v->kind == VAR_INT) {
        char *end;
        errno = 0;
        long n = strtol(value, &end, 10);
        if (errno || end == value || *end || n < v->min || n > v->max) {
            fprintf(err, "config: %s must be an integer from %ld to %ld\n", v->name, v->min, v->max);
            return -1;
        }
        if (v->size == sizeof(long))
            *(long *)dst = n;
        else
            *(int *)dst = (int)n;
        return 0;
    }
    if (v->kind == VAR_CHOICE && !in_choices(value, v->choices)) {
        fprintf(err, "config: %s must be one of %s\n", v->name, v->choices);
        return -1;
    }
    if (strlen(value) >= v->size) {
        fprintf(err, "config: %s is longer than %zu characters\n", v->name, v->size - 1);
        return -1;
    }
    memcpy(dst, value, strlen(value) + 1);
    return 0;
}

int config_load(struct config *cfg, enum config_command command, FILE *err)
{
    int bad = 0;
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        const struct config_var *v = &vars[i];
        const char *value = getenv(v->name);
        if (!value || !*value) {
            if (v->required & command) {
                fprintf(err, "config: %s is required (%s)\n", v->name, v->meaning);
                bad = 1;
                continue;
            }
            if (!v->default_value)
                continue;
            value = v->default_value;
        }
        if (set_var(cfg, v, value, err) != 0)
            bad = 1;
    }
    return bad ? -1 : 0;
}

void config_describe(FILE *out)
{
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        const struct config_var *v = &vars[i];
        fprintf(out, "%-34s %-12s %s\n", v->name,
                !v->default_value ? "(required)" : (*v->default_value ? v->default_value : "(empty)"),
                v->meaning);
    }
}
