/* Migration runner. Concurrent starts of several replicas are serialised by an advisory
 * lock, so each file still runs exactly once. */
#include "store/migrate.h"

#include <dirent.h>
#include <libpq-fe.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

#define MIGRATION_LOCK_KEY "7201405512"

struct migration {
    int version;
    char name[256];
    char path[1024];
    char checksum[65];
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

/* Reads a whole file; the caller frees the result. */
static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
        buf = malloc((size_t)size + 1);
    if (buf && fread(buf, 1, (size_t)size, f) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) {
        buf[size] = '\0';
        *len = (size_t)size;
    }
    return buf;
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void fail(const char *what, const char *detail)
{
    log_line("error", what, detail ? json_pack("{s:s}", "detail", detail) : NULL);
}

/* Lists the migration files in version order; the caller frees *out. */
static int list_migrations(const char *dir, struct migration **out, int *count)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, is_migration_file, alphasort);
    if (n < 0) {
        fail("cannot read the migrations directory", dir);
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
                fail("two migrations share a number", entries[i]->d_name);
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
        fail("cannot connect to PostgreSQL", PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    return c;
}

static int exec_ok(PGconn *c, const char *sql, const char *what)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
    if (!ok)
        fail(what, PQresultErrorMessage(r));
    PQclear(r);
    return ok ? 0 : -1;
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
        fail("cannot read schema_migrations", PQresultErrorMessage(r));
        PQclear(r);
        return -1;
    }
    out[0] = '\0';
    if (PQntuples(r) == 1)
        snprintf(out, 65, "%s", PQgetvalue(r, 0, 0));
    PQclear(r);
    return 0;
}

static int apply_one(PGconn *c, struct migration *m, const char *sql)
{
    char v[16];
    snprintf(v, sizeof(v), "%d", m->version);
    const char *params[] = {v, m->name, m->checksum};
    if (exec_ok(c, "BEGIN", "BEGIN failed") != 0)
        return -1;
    if (exec_ok(c, sql, m->name) != 0) {
        exec_ok(c, "ROLLBACK", "ROLLBACK failed");
        return -1;
    }
    PGresult *r = PQexecParams(c, "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                               3, NULL, params, NULL, NULL, 0);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        fail("cannot record the migration", PQresultErrorMessage(r));
    PQclear(r);
    if (!ok) {
        exec_ok(c, "ROLLBACK", "ROLLBACK failed");
        return -1;
    }
    if (exec_ok(c, "COMMIT", m->name) != 0)
        return -1;
    log_line("info", "migration applied", json_pack("{s:s}", "file", m->name));
    return 0;
}

/* Walks the files: applies the pending ones (apply) or reports them (verify). */
static int walk(PGconn *c, const char *dir, int apply)
{
    struct migration *m;
    int n;
    if (list_migrations(dir, &m, &n) != 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        size_t len;
        char *sql = read_file(m[i].path, &len);
        if (!sql) {
            fail("cannot read migration", m[i].path);
            rc = -1;
            break;
        }
        sha256_hex(sql, len, m[i].checksum);
        char recorded[65];
        if (applied_checksum(c, m[i].version, recorded) != 0) {
            rc = -1;
        } else if (*recorded && strcmp(recorded, m[i].checksum) != 0) {
            fail("an applied migration was changed; add a new one instead", m[i].name);
            rc = -1;
        } else if (!*recorded && apply) {
            rc = apply_one(c, &m[i], sql);
        } else if (!*recorded) {
            fail("migration not applied; run `fremdrift migrate`", m[i].name);
            rc = -1;
        }
        free(sql);
    }
    free(m);
    return rc;
}

int migrate_apply(const char *owner_url, const char *dir, int connect_timeout_s)
{
    PGconn *c = connect_db(owner_url, connect_timeout_s);
    if (!c)
        return -1;
    int rc = exec_ok(c, "SET client_min_messages = warning", "session set-up failed");
    if (rc == 0)
        rc = exec_ok(c, "SELECT pg_advisory_lock(" MIGRATION_LOCK_KEY ")", "cannot take the migration lock");
    if (rc == 0) {
        rc = exec_ok(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
                        " applied_at timestamptz NOT NULL DEFAULT now())",
                     "cannot create schema_migrations");
        if (rc == 0)
            rc = walk(c, dir, 1);
        exec_ok(c, "SELECT pg_advisory_unlock(" MIGRATION_LOCK_KEY ")", "cannot release the migration lock");
    }
    PQfinish(c);
    return rc;
}

int migrate_verify(const char *url, const char *dir, int connect_timeout_s)
{
    PGconn *c = connect_db(url, connect_timeout_s);
    if (!c)
        return -1;
    int rc = walk(c, dir, 0);
    PQfinish(c);
    return rc;
}
