/* Reference data with effective dates: the row of a kind and code in force on a date. */
#ifndef FREMDRIFT_REFERENCE_H
#define FREMDRIFT_REFERENCE_H

#include "db.h"

struct db_conn;

/* Writes the id of the row of kind/code in force on date (YYYY-MM-DD) to id_out (room
 * for 24 bytes), or "" when none is. */
enum db_status reference_resolve(struct db_conn *db, const char *kind, const char *code,
                                 const char *date, char id_out[24]);

#endif
