/* Statements against PostgreSQL: every statement is a named, prepared, parameterised
 * db_stmt; failures come back as a db_status that the caller maps to one problem. */
#ifndef FREMDRIFT_DB_H
#define FREMDRIFT_DB_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stddef.h>


enum db_status {
    DB_OK = 0,
    DB_UNIQUE,        /* 23505 unique_violation */
    DB_FOREIGN_KEY,   /* 23503 */
    DB_CHECK,         /* 23514, 23502, 22xxx: data the service should have refused */
    DB_NOT_VISIBLE,   /* 42501: row-level security refused the row */
    DB_INVALID_STATE, /* 55000: a trigger refused a change the object's state forbids */
    DB_RETRY,         /* 40001 / 40P01: run the transaction again */
    DB_TIMEOUT,       /* 57014: statement_timeout */
    DB_UNAVAILABLE,   /* connection lost or refused */
    DB_BUSY,          /* no pooled connection within the wait */
    DB_ERROR,         /* anything else: a bug */
};

struct db_stmt {
    const char *name;       /* unique per statement */
    const char *sql;
};

struct db_conn;

/* Runs stmt with text parameters (NULL = SQL NULL). On DB_OK *result holds the result,
 * which the caller PQclear()s; on failure *result is NULL and the failure is logged
 * (SQLSTATE and statement name only: messages can carry values). */
enum db_status db_exec(struct db_conn *c, const struct db_stmt *stmt, int nparams,
                       const char *const *values, PGresult **result);

/* Runs a parameterless command (BEGIN, COMMIT, ROLLBACK). */
enum db_status db_command(struct db_conn *c, const char *sql);

/* Marks c to be closed and opened afresh before its next use: for a session left in a
 * state the next request must not inherit (a lock it could not let go of). */
void db_discard(struct db_conn *c);

/* Value of row 0, column col, or NULL for SQL NULL. Belongs to res. */
const char *db_value(const PGresult *res, int row, int col);

/* Copies the value at row, col into dst (room for cap bytes, truncated to fit; "" for SQL
 * NULL), so a row struct outlives its PGresult. */
void db_copy(char *dst, size_t cap, const PGresult *res, int row, int col);

/* Runs stmt for at most one row (a look-up by id, an UPDATE ... RETURNING): on DB_OK *row
 * is the result when it returned exactly one row (the caller PQclear()s it), else NULL. */
enum db_status db_exec_row(struct db_conn *c, const struct db_stmt *stmt, int nparams,
                           const char *const *values, PGresult **row);

/* Looks up one resource with stmt, whose only parameter is its id and whose first column
 * is its JSON document: on DB_OK, *row is the row (the caller PQclear()s it) and *doc the
 * parsed document (the caller json_decref()s it), or both NULL when the caller cannot see
 * the resource. A document that does not parse is DB_ERROR. */
enum db_status db_fetch_document(struct db_conn *c, const struct db_stmt *stmt, const char *id, PGresult **row,
                                 json_t **doc);

/* db_exec_row for its first column: *found is 1 when stmt returned exactly one row (an
 * UPDATE ... RETURNING that matched, an INSERT ... RETURNING id), and that column is then
 * copied into out (room for cap bytes; out may be NULL when only *found matters). */
enum db_status db_exec_one(struct db_conn *c, const struct db_stmt *stmt, int nparams,
                           const char *const *values, char *out, size_t cap, int *found);

#endif
