/* Case storage: one row per citizen's case in one municipality. Row-level security
 * decides what the caller sees; a case the caller cannot see simply is not found. */
#ifndef FREMDRIFT_CASES_H
#define FREMDRIFT_CASES_H

#include <jansson.h>

#include "api/resource.h"
#include "http/page.h"
#include "store/db.h"

struct db_conn;

/* A case as stored; text fields as PostgreSQL returns them. */
struct case_row {
    json_t *doc;                    /* the API document; owned, free with case_row_clear */
    char id[37];
    char citizen_id[37];
    char municipality[4];
    char status[8];
    long version;
    char target_group[64];          /* code */
    char target_group_id[24];
    char target_group_since[11];
    char benefit[64];               /* code */
    char benefit_id[24];
    char benefit_start[11];
    char caseworker[130];
    char coordinating_caseworker[130];  /* "" when none */
};

void case_row_clear(struct case_row *row);

/* The row as the shared read and change endings see it (members borrowed from row). */
struct resource case_resource(const struct case_row *row);

/* The new state of a case, for insert and update; references already resolved. */
struct case_fields {
    const char *citizen_id;
    const char *target_group_id;
    const char *target_group_since;
    const char *benefit_id;
    const char *benefit_start;
    const char *caseworker;
    const char *coordinating_caseworker;    /* NULL: none */
};

/* Fetches the case (locking it when for_update). *found is 0 when the caller cannot see
 * it. */
enum db_status case_fetch(struct db_conn *db, const char *id, int for_update, struct case_row *row,
                          int *found);

/* Inserts in the caller's municipality and fills id_out with the new case's id. When the
 * citizen already has an open case there (one at a time, held by a unique index), inserts
 * nothing and answers DB_UNIQUE with id_out the open case's id. */
enum db_status case_insert(struct db_conn *db, const struct case_fields *f, char id_out[37]);

/* Updates the case if it still has version; *updated is 0 when it does not. */
enum db_status case_update(struct db_conn *db, const char *id, long version,
                           const struct case_fields *f, int *updated);

enum db_status case_close(struct db_conn *db, const char *id, long version, const char *reason,
                          int *updated);

struct case_filter {
    const char *caseworker;
    const char *target_group;
    const char *status;
    const char *citizen_id;
};

/* Rows of (seq, document) after the page's cursor; the caller PQclear()s *res. */
enum db_status case_list(struct db_conn *db, const struct case_filter *f, const struct page *p,
                         PGresult **res);

/* The caseworker history as a JSON array text in *res row 0; the caller PQclear()s. */
enum db_status case_assignments(struct db_conn *db, const char *id, PGresult **res);

#endif
