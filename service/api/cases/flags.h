/* The flags the service raises on cases (SQL case_flags(): a year on kontanthjælp without a
 * work capacity assessment, a fleksjob under 5 hours without progression, an exemption
 * about to expire, a review overdue), listed across the caller's municipality. */
#ifndef FREMDRIFT_FLAGS_H
#define FREMDRIFT_FLAGS_H

#include "http/page.h"
#include "store/db.h"

struct db_conn;

struct flag_filter {
    const char *code;           /* a flag code; NULL for all */
    const char *caseworker;     /* the case's caseworker; NULL for all */
};

/* Where a page of flags starts: after the row of since, case and id. */
struct flag_cursor {
    char since[11];
    char case_id[37];
    char id[20];
};

/* Reads a cursor this service gave out ("<since>_<case id>_<row id>"); NULL is the start
 * of the list. 0, or -1 when it is not one. */
int flag_cursor_read(const char *cursor, struct flag_cursor *c);

/* Rows of (cursor, {case_id, citizen_id, caseworker, code, since, why}) for the open cases
 * of the caller's municipality, one per flag, after the cursor, in the order the flags
 * were raised (since, then the case, then the row's id). The caller PQclear()s *res. */
enum db_status flag_list(struct db_conn *db, const struct flag_filter *f, const struct flag_cursor *after,
                         const struct page *p, PGresult **res);

#endif
