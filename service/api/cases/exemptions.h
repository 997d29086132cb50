/* Exemption storage: temporary exemptions from requirements and sanctions on a case. The
 * right to interventions stays during an exemption, so nothing here is consulted when an
 * intervention is requested or started. Row-level security decides what the caller sees. */
#ifndef FREMDRIFT_EXEMPTIONS_H
#define FREMDRIFT_EXEMPTIONS_H

#include <jansson.h>

#include "http/page.h"
#include "store/db.h"

struct db_conn;

/* An exemption as stored. */
struct exemption_row {
    json_t *doc;                    /* the API document; owned, free with exemption_row_clear */
    char id[37];
    char citizen_id[37];
    char municipality[4];
};

/* Frees what the row owns and zeroes it; safe on a zeroed row. */
void exemption_row_clear(struct exemption_row *row);

/* *found is 0 when the caller cannot see the exemption; on *found the caller clears the
 * row. */
enum db_status exemption_fetch(struct db_conn *db, const char *id, struct exemption_row *row, int *found);

/* Inserts an exemption on the case (municipality and citizen taken from it); fills
 * id_out. Dates as YYYY-MM-DD. */
enum db_status exemption_insert(struct db_conn *db, const char *case_id, const char *from_on, const char *to_on,
                                const char *reason, char id_out[37]);

/* Rows of (seq, document) of the case's exemptions after the page's cursor; the caller
 * PQclear()s *res. */
enum db_status exemption_list(struct db_conn *db, const char *case_id, const struct page *p, PGresult **res);

#endif
