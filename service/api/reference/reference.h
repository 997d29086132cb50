/* Reference data with effective dates: the row of a kind and code in force on a date. */
#ifndef FREMDRIFT_REFERENCE_H
#define FREMDRIFT_REFERENCE_H

#include "store/db.h"

struct db_conn;
struct check;
struct reply;

/* Writes the id of the row of kind/code in force on date (YYYY-MM-DD) to id_out (room
 * for 24 bytes), or "" when none is. */
enum db_status reference_resolve(struct db_conn *db, const char *kind, const char *code,
                                 const char *date, char id_out[24]);

/* reference_resolve for a code a request names at key: when no row is in force on date,
 * records message at key of c. Returns 0, or -1 with the database error set on r. */
int reference_resolve_field(struct db_conn *db, struct reply *r, struct check *c, const char *kind,
                            const char *key, const char *code, const char *date, const char *message,
                            char id_out[24]);

#endif
