/* Repeatable SQL files: run whenever changed, after the numbered migrations. */
#include "store/repeatable.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "store/sql_file.h"

static int is_sql_file(const struct dirent *e)
{
    size_t len = strlen(e->d_name);
    return len > 4 && e->d_name[0] != '.' && strcmp(e->d_name + len - 4, ".sql") == 0;
}

/* The checksum recorded for file name into out ("" when it never ran); -1 on error. */
static int recorded_checksum(PGconn *c, const char *name, char out[65])
{
    const char *params[] = {name};
    PGresult *r = PQexecParams(c, "SELECT checksum FROM schema_repeatables WHERE name = $1", 1, NULL, params,
                               NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        sql_fail("cannot read schema_repeatables", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    out[0] = '\0';
    if (PQntuples(r) == 1)
        snprintf(out, 65, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

static int run_one(PGconn *c, const char *name, const struct sql_file *f)
{
    if (sql_exec_ok(c, "BEGIN", "BEGIN failed") != 0)
        return -1;
    /* Files call functions of other files; like pg_restore, create the bodies without
     * checking them against each other: the tests run every one. */
    int rc = sql_exec_ok(c, "SET LOCAL check_function_bodies = off", "session set-up failed");
    if (rc == 0)
        rc = sql_exec_ok(c, f->text, name);
    if (rc == 0) {
        const char *params[] = {name, f->checksum};
        PGresult *r = PQexecParams(c,
                                   "INSERT INTO schema_repeatables (name, checksum) VALUES ($1, $2)"
                                   " ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum,"
                                   " applied_at = now()",
                                   2, NULL, params, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            sql_fail("cannot record the repeatable file", PQresultErrorMessage(r));
            rc = -1;
        }
        PQclear(r);
    }
    if (rc != 0) {
        sql_exec_ok(c, "ROLLBACK", "ROLLBACK failed");
        return -1;
    }
    if (sql_exec_ok(c, "COMMIT", name) != 0)
        return -1;
    log_line("info", "repeatable file applied", json_pack("{s:s}", "file", name));
    return 0;
}

/* Walks dir: runs the changed files (apply) or reports them (verify). */
static int walk(PGconn *c, const char *dir, int apply, int *applied)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, is_sql_file, alphasort);
    if (n < 0) {
        sql_fail("cannot read the repeatable SQL directory", dir);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *name = entries[i]->d_name;
        char path[1024], recorded[65];
        struct sql_file f;
        snprintf(path, sizeof(path), "%s/%s", dir, name);
        if (rc == 0 && sql_file_read(path, &f) == 0) {
            if (recorded_checksum(c, name, recorded) != 0) {
                rc = -1;
            } else if (strcmp(recorded, f.checksum) != 0 && apply) {
                rc = run_one(c, name, &f);
                if (rc == 0)
                    (*applied)++;
            } else if (strcmp(recorded, f.checksum) != 0) {
                sql_fail("repeatable SQL file not applied; run `fremdrift migrate`", name);
                rc = -1;
            }
            sql_file_free(&f);
        } else {
            rc = -1;
        }
        free(entries[i]);
    }
    free(entries);
    return rc;
}

int repeatables_apply(PGconn *c, const char *dir, int *applied)
{
    return walk(c, dir, 1, applied);
}

int repeatables_verify(PGconn *c, const char *dir)
{
    int unused = 0;
    return walk(c, dir, 0, &unused);
}
