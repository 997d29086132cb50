/* The purge job. Events are cut at a feed position, not at a time, so that the watermark
 * the feed answers 410 from is exact: everything at or below it is gone, and nothing above
 * it is. One statement, so a failed purge leaves all three as they were. */
#include "store/purge.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/config.h"
#include "core/log.h"

static const char *const purge_sql =
    "WITH cut AS (SELECT max(position) AS position FROM events "
    "             WHERE occurred_at < now() - make_interval(days => $2)), "
    "gone_events AS (DELETE FROM events e USING cut WHERE e.position <= cut.position RETURNING e.position), "
    "mark AS (UPDATE event_retention SET purged_through = greatest(purged_through, "
    "                (SELECT coalesce(max(position), 0) FROM gone_events)) RETURNING purged_through), "
    "gone_log AS (DELETE FROM access_log WHERE at < now() - make_interval(days => $1) RETURNING 1), "
    "gone_keys AS (DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $3) "
    "              RETURNING 1) "
    "SELECT (SELECT count(*) FROM gone_log), (SELECT count(*) FROM gone_events), "
    "       (SELECT count(*) FROM gone_keys), (SELECT purged_through FROM mark)";

int purge_run(const struct config *cfg)
{
    char timeout[16], log_days[16], event_days[16], key_hours[16];
    snprintf(timeout, sizeof(timeout), "%d", cfg->db_connect_timeout_s);
    snprintf(log_days, sizeof(log_days), "%d", cfg->access_log_retention_days);
    snprintf(event_days, sizeof(event_days), "%d", cfg->event_retention_days);
    snprintf(key_hours, sizeof(key_hours), "%d", cfg->idempotency_retention_hours);
    const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
    const char *values[] = {cfg->migration_database_url, timeout, "fremdrift-purge", NULL};
    PGconn *c = PQconnectdbParams(keys, values, 1);
    if (PQstatus(c) != CONNECTION_OK) {
        log_line("error", "purge: cannot connect to PostgreSQL", json_pack("{s:s}", "detail", PQerrorMessage(c)));
        PQfinish(c);
        return -1;
    }
    /* Number every event whose transaction is done first: events are cut at a position. */
    PGresult *r = PQexec(c, "SELECT events_assign_positions()");
    int numbered = PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!numbered)
        log_line("error", "purge: numbering events failed", json_pack("{s:s}", "detail", PQresultErrorMessage(r)));
    PQclear(r);
    if (!numbered) {
        PQfinish(c);
        return -1;
    }
    const char *params[] = {log_days, event_days, key_hours};
    r = PQexecParams(c, purge_sql, 3, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    if (ok)
        log_line("info", "purged",
                 json_pack("{s:I, s:I, s:I, s:I}", "access_log_rows", (json_int_t)atoll(PQgetvalue(r, 0, 0)),
                           "events", (json_int_t)atoll(PQgetvalue(r, 0, 1)),
                           "idempotency_keys", (json_int_t)atoll(PQgetvalue(r, 0, 2)),
                           "events_purged_through", (json_int_t)atoll(PQgetvalue(r, 0, 3))));
    else
        log_line("error", "purge failed", json_pack("{s:s}", "detail", PQresultErrorMessage(r)));
    PQclear(r);
    PQfinish(c);
    return ok ? 0 : -1;
}
