/* Prepared statements and SQLSTATE mapping. Statements are prepared on first use per
 * server connection and forgotten when the connection is re-established, because a new
 * backend has none of them (SQLSTATE 26000 otherwise). */
#include "core/log.h"
#include "store/db.h"
#include "store/db_conn.h"
#include "store/pool.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void db_conn_forget_prepared(struct db_conn *c)
{
    c->n_prepared = 0;
}

static int is_prepared(const struct db_conn *c, const struct db_stmt *stmt)
{
    for (int i = 0; i < c->n_prepared; i++)
        if (c->prepared[i] == stmt)
            return 1;
    return 0;
}

static int remember_prepared(struct db_conn *c, const struct db_stmt *stmt)
{
    if (c->n_prepared == c->cap_prepared) {
        int cap = c->cap_prepared ? c->cap_prepared * 2 : 32;
        const struct db_stmt **grown = realloc(c->prepared, (size_t)cap * sizeof(*grown));
        if (!grown)
            return -1;
        c->prepared = grown;
        c->cap_prepared = cap;
    }
    c->prepared[c->n_prepared++] = stmt;
    return 0;
}

static enum db_status classify(struct db_conn *c, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    /* A killed backend reports no SQLSTATE at all, only a bad connection. */
    if (PQstatus(c->pg) != CONNECTION_OK) {
        c->broken = 1;
        return DB_UNAVAILABLE;
    }
    if (!state)
        return DB_ERROR;
    if (strcmp(state, "23505") == 0)
        return DB_UNIQUE;
    if (strcmp(state, "23503") == 0)
        return DB_FOREIGN_KEY;
    if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0 || strncmp(state, "22", 2) == 0)
        return DB_CHECK;
    if (strcmp(state, "42501") == 0)
        return DB_NOT_VISIBLE;
    if (strcmp(state, "55000") == 0)
        return DB_INVALID_STATE;
    if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
        return DB_RETRY;
    if (strcmp(state, "57014") == 0)
        return DB_TIMEOUT;
    if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
        strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0) {
        c->broken = 1;
        return DB_UNAVAILABLE;
    }
    return DB_ERROR;
}

/* Only the SQLSTATE, the constraint and the statement name: the message text and DETAIL
 * can quote row values, which may be personal data. */
static void log_failure(const char *what, const PGresult *res, enum db_status st)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *constraint = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    if (st == DB_UNIQUE || st == DB_RETRY || st == DB_NOT_VISIBLE || st == DB_INVALID_STATE)
        return;
    log_line(st == DB_ERROR ? "error" : "warn", "database statement failed",
             json_pack("{s:s, s:s?, s:s?}", "statement", what, "sqlstate", state,
                       "constraint", constraint));
}

/* The first statement on a connection just taken from the pool finds out whether its
 * server is still there: when PostgreSQL restarted while the connection sat idle, it is
 * re-established once and the statement run again, since nothing of the request has run
 * on it yet. Every later statement is on its own. Returns 1 when the caller should run the
 * statement again. */
static int reconnected(struct db_conn *c, enum db_status st)
{
    int first = c->untried;
    c->untried = 0;
    return first && st == DB_UNAVAILABLE && pool_reconnect(c) == 0;
}

static enum db_status command_once(struct db_conn *c, const char *sql)
{
    PGresult *res = PQexec(c->pg, sql);
    enum db_status st = DB_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        st = classify(c, res);
        log_failure(sql, res, st);
    }
    PQclear(res);
    return st;
}

static enum db_status prepare(struct db_conn *c, const struct db_stmt *stmt, int nparams)
{
    PGresult *res = PQprepare(c->pg, stmt->name, stmt->sql, nparams, NULL);
    enum db_status st = DB_OK;
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        st = classify(c, res);
        log_failure(stmt->name, res, st);
    } else if (remember_prepared(c, stmt) != 0) {
        st = DB_ERROR;
    }
    PQclear(res);
    return st;
}

static enum db_status exec_once(struct db_conn *c, const struct db_stmt *stmt, int nparams,
                                const char *const *values, PGresult **result)
{
    *result = NULL;
    if (!is_prepared(c, stmt)) {
        enum db_status st = prepare(c, stmt, nparams);
        if (st != DB_OK)
            return st;
    }
    PGresult *res = PQexecPrepared(c->pg, stmt->name, nparams, values, NULL, NULL, 0);
    ExecStatusType rs = PQresultStatus(res);
    if (rs == PGRES_TUPLES_OK || rs == PGRES_COMMAND_OK) {
        *result = res;
        return DB_OK;
    }
    enum db_status st = classify(c, res);
    log_failure(stmt->name, res, st);
    PQclear(res);
    return st;
}

enum db_status db_command(struct db_conn *c, const char *sql)
{
    enum db_status st = command_once(c, sql);
    if (reconnected(c, st))
        st = command_once(c, sql);
    return st;
}

enum db_status db_exec(struct db_conn *c, const struct db_stmt *stmt, int nparams,
                       const char *const *values, PGresult **result)
{
    enum db_status st = exec_once(c, stmt, nparams, values, result);
    if (reconnected(c, st))
        st = exec_once(c, stmt, nparams, values, result);
    return st;
}

const char *db_value(const PGresult *res, int row, int col)
{
    if (row >= PQntuples(res) || col >= PQnfields(res) || PQgetisnull(res, row, col))
        return NULL;
    return PQgetvalue(res, row, col);
}

void db_copy(char *dst, size_t cap, const PGresult *res, int row, int col)
{
    snprintf(dst, cap, "%s", PQgetvalue(res, row, col));
}

enum db_status db_exec_row(struct db_conn *c, const struct db_stmt *stmt, int nparams,
                           const char *const *values, PGresult **row)
{
    enum db_status st = db_exec(c, stmt, nparams, values, row);
    if (st == DB_OK && PQntuples(*row) != 1) {
        PQclear(*row);
        *row = NULL;
    }
    return st;
}

enum db_status db_fetch_document(struct db_conn *c, const struct db_stmt *stmt, const char *id, PGresult **row,
                                 json_t **doc)
{
    const char *values[] = {id};
    *doc = NULL;
    enum db_status st = db_exec_row(c, stmt, 1, values, row);
    if (st != DB_OK || !*row)
        return st;
    *doc = json_loads(PQgetvalue(*row, 0, 0), 0, NULL);
    if (*doc)
        return DB_OK;
    PQclear(*row);
    *row = NULL;
    return DB_ERROR;
}

enum db_status db_exec_one(struct db_conn *c, const struct db_stmt *stmt, int nparams,
                           const char *const *values, char *out, size_t cap, int *found)
{
    PGresult *res;
    enum db_status st = db_exec_row(c, stmt, nparams, values, &res);
    *found = res != NULL;
    if (res && out)
        db_copy(out, cap, res, 0, 0);
    PQclear(res);
    return st;
}

void db_discard(struct db_conn *c)
{
    c->broken = 1;
}
