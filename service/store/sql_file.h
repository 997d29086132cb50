/* The SQL files of the schema (numbered migrations and repeatable function files): read
 * whole, with the SHA-256 that schema_migrations and schema_repeatables record, and run
 * on the migration connection. */
#ifndef FREMDRIFT_SQL_FILE_H
#define FREMDRIFT_SQL_FILE_H

#include <libpq-fe.h>
#include <stddef.h>

struct sql_file {
    char *text;             /* owned; NUL-terminated */
    size_t len;
    char checksum[65];      /* hex SHA-256 of text */
};

/* Reads path into f. 0, or -1 after logging why. The caller frees with sql_file_free. */
int sql_file_read(const char *path, struct sql_file *f);

void sql_file_free(struct sql_file *f);

/* Runs sql (one or more statements) on c: 0, or -1 after logging `what` and the error. */
int sql_exec_ok(PGconn *c, const char *sql, const char *what);

/* Logs an error of the migration runner with an optional detail (no personal data). */
void sql_fail(const char *what, const char *detail);

#endif
