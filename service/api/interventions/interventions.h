/* Intervention storage: interventions on a case, their progress notes, the intervention
 * types as reference data, and the case's overall decision they are started under (read
 * with this module's own SQL; decisions are made only through decision_issue.h); and the
 * records a change of an intervention leaves (intervention_record, with the handlers in
 * interventions_http.c). Every intervention, whether requested over HTTP or planned by a
 * completed review, is inserted and recorded through these functions. Row-level security
 * decides what the caller sees; what the caller cannot see is simply not found. */
#ifndef FREMDRIFT_INTERVENTIONS_H
#define FREMDRIFT_INTERVENTIONS_H

#include <jansson.h>
#include <stddef.h>

#include "http/page.h"
#include "store/db.h"

struct db_conn;
struct request;

/* The most provisions a type's sub-decision cites (what a decision takes). */
#define INTERVENTION_MAX_PROVISIONS 20

/* An intervention as stored; text as PostgreSQL returns it, "" for SQL NULL. */
struct intervention_row {
    json_t *doc;                    /* intervention_document(); owned, free with intervention_row_clear */
    json_t *type_attributes;        /* the type's reference attributes; owned */
    char id[37];
    char case_id[37];
    char citizen_id[37];
    char municipality[4];
    char status[16];
    long version;
    char type_code[64];
    char type_label[256];
    char requested_on[11];
    char started_on[11];
    char hours_per_week[16];
};

/* Frees what the row owns and zeroes it; safe on a zeroed row. */
void intervention_row_clear(struct intervention_row *row);

/* Fetches the intervention (locking it when for_update: row-level security then also
 * applies the caller's UPDATE policy). *found is 0 when the caller cannot see it; on
 * *found the caller clears the row. */
enum db_status intervention_fetch(struct db_conn *db, const char *id, int for_update, struct intervention_row *row,
                                  int *found);

/* An intervention type in force on a date. */
struct intervention_type {
    char id[24];                    /* "" when no type of that code is in force */
    char label[256];                /* its Danish label */
    json_t *attributes;             /* owned: json_decref it */
};

/* Looks up the intervention_type code in force on date (YYYY-MM-DD). */
enum db_status intervention_type_fetch(struct db_conn *db, const char *code, const char *date,
                                       struct intervention_type *out);

/* A new intervention. Municipality and citizen are taken from the case, the sector from
 * the type. */
struct intervention_new {
    const char *case_id;
    const char *type_id;
    const char *requested_on;
    const char *planned_start;      /* NULL: none */
    const char *provider;           /* NULL: none */
    const char *hours_per_week;     /* numeric text; NULL: none */
    const char *review_id;          /* the review whose overall decision planned it; NULL: none */
};

enum db_status intervention_insert(struct db_conn *db, const struct intervention_new *in, char id_out[37]);

/* Reads intervention id again and writes the records of its change: the access-log row
 * (action "create" or "update") and the event, each carrying the document. An
 * intervention that vanished from its own transaction is a bug: DB_ERROR. On DB_OK the
 * caller owns row and clears it. */
enum db_status intervention_record(struct request *rq, const char *id, const char *event, const char *action,
                                   struct intervention_row *row);

/* The provisions of the type's legal basis (attributes.legal_basis, in that order) that
 * are in force on date, as codes into codes[] (room for INTERVENTION_MAX_PROVISIONS of
 * 64 bytes each); *n is how many. */
enum db_status intervention_provisions_in_force(struct db_conn *db, const char *intervention_id, const char *date,
                                                char codes[][64], size_t *n);

/* The case's overall decision in force (issued, in force, kind overall), the latest
 * notified when there are several; id_out is "" when there is none. */
enum db_status intervention_overall_decision(struct db_conn *db, const char *case_id, char id_out[37]);

/* The changes below apply only while the intervention still has version; *updated is 0
 * when it does not. NULL provider or hours keep what is stored. */
enum db_status intervention_start(struct db_conn *db, const char *id, long version, const char *started_on,
                                  const char *provider, const char *hours_per_week, const char *decision_id,
                                  int *updated);

enum db_status intervention_end(struct db_conn *db, const char *id, long version, const char *ended_on,
                                const char *outcome, int *updated);

enum db_status intervention_cancel(struct db_conn *db, const char *id, long version, const char *cancelled_on,
                                   const char *reason, int *updated);

/* Adds a progress note and moves the intervention to its next version, so its ETag
 * changes with its document. */
enum db_status intervention_add_progress(struct db_conn *db, const char *id, long version, const char *noted_on,
                                         const char *note, int *updated);

/* Rows of (seq, document) of the case's interventions after the page's cursor; status
 * NULL for all. The caller PQclear()s *res. */
enum db_status intervention_list(struct db_conn *db, const char *case_id, const char *status, const struct page *p,
                                 PGresult **res);

#endif
