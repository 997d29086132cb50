/* Repeatable SQL files (sql/functions/NAME.sql): the functions, triggers and grants that
 * hold no data. Each is written with CREATE OR REPLACE, so every function has exactly one
 * current definition and a change to it is a diff of its file. A file runs again, after
 * the numbered migrations, whenever its checksum differs from the one recorded in
 * schema_repeatables. */
#ifndef FREMDRIFT_REPEATABLE_H
#define FREMDRIFT_REPEATABLE_H

#include <libpq-fe.h>

/* Runs every file of dir whose content changed since it was last run, each in its own
 * transaction, in name order, and counts them in *applied. 0, or -1 after logging why. */
int repeatables_apply(PGconn *c, const char *dir, int *applied);

/* 0 when every file of dir ran with its present content, else -1 after logging which did
 * not (the service then refuses to start: its SQL would not match its code). */
int repeatables_verify(PGconn *c, const char *dir);

#endif
