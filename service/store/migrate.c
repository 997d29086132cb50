/* Migration runner: numbered migrations, then the repeatable function files. Concurrent
 * starts of several replicas are serialised by an advisory lock, so each file still runs
 * exactly once. */
#include "store/migrate.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/repeatable.h"
#include "store/sql_file.h"

#define MIGRATION_LOCK_KEY "7201405512"
#define RESTATED_MARK "-- restated-from: "

struct migration {
    int version;
    char name[256];
    char path[1024];
};

/* What one run did, for the summary line. */
struct tally {
    int applied;
    int restated;
    int repeatables;
};

static int is_migration_file(const struct dirent *e)
{
    const char *n = e->d_name;
    size_t len = strlen(n);
    if (len < 9 || strcmp(n + len - 4, ".sql") != 0 || n[3] != '_')
        return 0;
    for (int i = 0; i < 3; i++)
        if (n[i] < '0' || n[i] > '9')
            return 0;
    return 1;
}

/* Lists the migration files in version order; the caller frees *out. */
static int list_migrations(const char *dir, struct migration **out, int *count)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, is_migration_file, alphasort);
    if (n < 0) {
        sql_fail("cannot read the migrations directory", dir);
        return -1;
    }
    struct migration *m = calloc((size_t)(n ? n : 1), sizeof(*m));
    int ok = m != NULL;
    for (int i = 0; i < n; i++) {
        if (ok) {
            m[i].version = atoi(entries[i]->d_name);
            snprintf(m[i].name, sizeof(m[i].name), "%s", entries[i]->d_name);
            snprintf(m[i].path, sizeof(m[i].path), "%s/%s", dir, entries[i]->d_name);
            if (i > 0 && m[i].version == m[i - 1].version) {
                sql_fail("two migrations share a number", entries[i]->d_name);
                ok = 0;
            }
        }
        free(entries[i]);
    }
    free(entries);
    if (!ok) {
        free(m);
        return -1;
    }
    *out = m;
    *count = n;
    return 0;
}

static PGconn *connect_db(const char *url, int timeout_s)
{
    char t[16];
    snprintf(t, sizeof(t), "%d", timeout_s);
    const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
    const char *values[] = {url, t, "fremdrift-migrate", NULL};
    PGconn *c = PQconnectdbParams(keys, values, 1);
    if (PQstatus(c) != CONNECTION_OK) {
        sql_fail("cannot connect to PostgreSQL", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    return c;
}

/* Writes the checksum recorded for version to out ("" when not applied); -1 on error. */
static int applied_checksum(PGconn *c, int version, char out[65])
{
    char v[16];
    snprintf(v, sizeof(v), "%d", version);
    const char *params[] = {v};
    PGresult *r = PQexecParams(c, "SELECT checksum FROM schema_migrations WHERE version = $1",
                               1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        sql_fail("cannot read schema_migrations", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    out[0] = '\0';
    if (PQntuples(r) == 1)
        snprintf(out, 65, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

/* 1 when text says, in a line "-- restated-from: <checksum>", that it restates the text
 * whose checksum is recorded: the file was rewritten without changing what it made (its
 * functions moved to the repeatable files), so a database that applied the earlier text
 * has applied this one. History is otherwise never rewritten. */
static int restates(const char *text, const char *recorded)
{
    size_t mark = strlen(RESTATED_MARK), len = strlen(recorded);
    for (const char *p = strstr(text, RESTATED_MARK); p; p = strstr(p + 1, RESTATED_MARK)) {
        const char *sum = p + mark;
        if ((p == text || p[-1] == '\n') && strncmp(sum, recorded, len) == 0 &&
            (sum[len] == '\n' || sum[len] == '\0'))
            return 1;
    }
    return 0;
}

static int record_restated(PGconn *c, const struct migration *m, const char *checksum)
{
    char v[16];
    snprintf(v, sizeof(v), "%d", m->version);
    const char *params[] = {checksum, v};
    PGresult *r = PQexecParams(c, "UPDATE schema_migrations SET checksum = $1 WHERE version = $2", 2, NULL,
                               params, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        sql_fail("cannot record the restated migration", PQresultErrorMessage(r));
    PQclear(r);
    if (ok)
        log_line("info", "migration restated", json_pack("{s:s}", "file", m->name));
    return ok ? 0 : -1;
}

static int apply_one(PGconn *c, const struct migration *m, const struct sql_file *f)
{
    char v[16];
    snprintf(v, sizeof(v), "%d", m->version);
    const char *params[] = {v, m->name, f->checksum};
    if (sql_exec_ok(c, "BEGIN", "BEGIN failed") != 0)
        return -1;
    if (sql_exec_ok(c, f->text, m->name) != 0) {
        sql_exec_ok(c, "ROLLBACK", "ROLLBACK failed");
        return -1;
    }
    PGresult *r = PQexecParams(c, "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                               3, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        sql_fail("cannot record the migration", PQresultErrorMessage(r));
    PQclear(r);
    if (!ok) {
        sql_exec_ok(c, "ROLLBACK", "ROLLBACK failed");
        return -1;
    }
    if (sql_exec_ok(c, "COMMIT", m->name) != 0)
        return -1;
    log_line("info", "migration applied", json_pack("{s:s}", "file", m->name));
    return 0;
}

/* One migration: applied already (perhaps in an earlier text it restates), applied now
 * (apply), or reported missing (verify). */
static int step(PGconn *c, const struct migration *m, int apply, struct tally *t)
{
    struct sql_file f;
    if (sql_file_read(m->path, &f) != 0)
        return -1;
    char recorded[65];
    int rc = applied_checksum(c, m->version, recorded);
    if (rc != 0 || strcmp(recorded, f.checksum) == 0) {
        /* an error, or applied as it is */
    } else if (*recorded && restates(f.text, recorded)) {
        rc = apply ? record_restated(c, m, f.checksum) : 0;
        t->restated += rc == 0;
    } else if (*recorded) {
        sql_fail("an applied migration was changed; add a new one instead", m->name);
        rc = -1;
    } else if (apply) {
        rc = apply_one(c, m, &f);
        t->applied += rc == 0;
    } else {
        sql_fail("migration not applied; run `fremdrift migrate`", m->name);
        rc = -1;
    }
    sql_file_free(&f);
    return rc;
}

/* The numbered migrations of dir, then its repeatable files (dir/functions). */
static int walk(PGconn *c, const char *dir, int apply, struct tally *t)
{
    struct migration *m;
    int n;
    if (list_migrations(dir, &m, &n) != 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++)
        rc = step(c, &m[i], apply, t);
    free(m);
    if (rc != 0)
        return rc;
    char functions[1024];
    snprintf(functions, sizeof(functions), "%s/functions", dir);
    return apply ? repeatables_apply(c, functions, &t->repeatables) : repeatables_verify(c, functions);
}

int migrate_apply(const char *owner_url, const char *dir, int connect_timeout_s)
{
    PGconn *c = connect_db(owner_url, connect_timeout_s);
    if (!c)
        return -1;
    struct tally t = {0, 0, 0};
    int rc = sql_exec_ok(c, "SET client_min_messages = warning", "session set-up failed");
    if (rc == 0)
        rc = sql_exec_ok(c, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")", "cannot take the migration lock");
    if (rc == 0) {
        rc = sql_exec_ok(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                            " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
                            " applied_at timestamptz NOT NULL DEFAULT now())",
                         "cannot create schema_migrations");
        if (rc == 0)
            rc = walk(c, dir, 1, &t);
        sql_exec_ok(c, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")", "cannot release the migration lock");
    }
    PQfinish(c);
    if (rc == 0)
        log_line("info", "schema up to date",
                 json_pack("{s:i, s:i, s:i}", "migrations_applied", t.applied, "migrations_restated", t.restated,
                           "repeatables_applied", t.repeatables));
    return rc;
}

int migrate_verify(const char *url, const char *dir, int connect_timeout_s)
{
    PGconn *c = connect_db(url, connect_timeout_s);
    if (!c)
        return -1;
    struct tally t = {0, 0, 0};
    int rc = walk(c, dir, 0, &t);
    PQfinish(c);
    return rc;
}
