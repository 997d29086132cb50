/* Appeal storage: appeals, their timeline steps, the decisions they concern (read with
 * this module's own SQL), the board's taking force from a decision, the appeal
 * statistics and the remitted-decisions worklist. Row-level security decides what the
 * caller sees; what the caller cannot see is simply not found. */
#ifndef FREMDRIFT_APPEALS_H
#define FREMDRIFT_APPEALS_H

#include <jansson.h>

#include "http/page.h"
#include "store/db.h"

struct db_conn;

/* An appeal as stored; dates as YYYY-MM-DD, "" for none. */
struct appeal_row {
    json_t *doc;                    /* appeal_document(); owned, free with appeal_row_clear */
    char id[37];
    char decision_id[37];
    char new_decision_id[37];
    char citizen_id[37];
    char municipality[4];
    char status[32];
    long version;
    char received_on[11];
    char reconsideration_deadline[11];
    char forwarded_on[11];
};

void appeal_row_clear(struct appeal_row *row);

/* Fetches the appeal (locking it when for_update: row-level security then also applies
 * the caller's UPDATE policy). *found is 0 when the caller cannot see it. */
enum db_status appeal_fetch(struct db_conn *db, const char *id, int for_update, struct appeal_row *row,
                            int *found);

/* For an appeals_board caller: the status of an appeal it cannot read or lock, so a step
 * it may not take answers with the state. out is "" when no such appeal exists. */
enum db_status appeal_status_for_board(struct db_conn *db, const char *id, char out[32]);

/* A decision as far as appeals need it. */
struct appealed_decision {
    char id[37];
    char status[16];                /* draft, issued, superseded */
    int force_lost;
    char citizen_id[37];
    char appeal_deadline[11];       /* "" for a draft */
    char notified_on[11];           /* "" for a draft */
    char supersedes_id[37];         /* "" when none */
    char open_appeal_id[37];        /* an appeal received or forwarded on it, "" when none */
};

/* *found is 0 when the caller cannot see the decision. */
enum db_status appeal_decision_fetch(struct db_conn *db, const char *id, struct appealed_decision *d,
                                     int *found);

/* A new appeal. Case, citizen and municipality are taken from the decision. */
struct appeal_new {
    const char *decision_id;
    const char *received_on;
    const char *channel;
    const char *grounds;                    /* NULL: none */
    int late;
    long days_late;
    const char *reconsideration_deadline;
};

enum db_status appeal_insert(struct db_conn *db, const struct appeal_new *a, char id_out[37]);

/* Appends a timeline step; details is a JSON object and is stolen (NULL, from a failed
 * json_pack, gives DB_ERROR). The role comes from the claims. */
enum db_status appeal_step_insert(struct db_conn *db, const char *appeal_id, const char *step,
                                  const char *on_date, json_t *details);

struct appeal_reconsideration {
    const char *status;                     /* the status it leads to */
    const char *outcome;
    const char *reconsidered_on;
    int late;
    const char *new_decision_id;            /* NULL: none */
    const char *statement;                  /* NULL: none */
    const char *forwarded_on;               /* NULL: not forwarded */
};

/* The changes below apply only while the appeal still has version; *updated is 0 when it
 * does not. */
enum db_status appeal_reconsider(struct db_conn *db, const char *id, long version,
                                 const struct appeal_reconsideration *rc, int *updated);

enum db_status appeal_rule(struct db_conn *db, const char *id, long version, const char *outcome,
                           const char *ruled_on, const char *reference, const char *note, int *updated);

enum db_status appeal_set_suspensive_effect(struct db_conn *db, const char *id, long version,
                                            const char *decision, const char *on, const char *note,
                                            int *updated);

/* A decision that lost force, as the UPDATE returned it. */
struct appeal_force_lost {
    char *doc_text;                 /* decision_document() as JSON text; free() it */
    char id[37];
    char citizen_id[37];
    char municipality[4];
    char version[24];
};

/* Takes force from a decision that still has it (force_lost_on = on, force_lost_reason =
 * reason). *taken is 0 when it had already lost force; otherwise out is filled and the
 * caller frees out->doc_text. */
enum db_status appeal_take_force(struct db_conn *db, const char *decision_id, const char *on,
                                 const char *reason, struct appeal_force_lost *out, int *taken);

struct appeal_filter {
    const char *status;
    const char *decision_id;
};

/* Rows of (seq, document) after the page's cursor; the caller PQclear()s *res. */
enum db_status appeal_list(struct db_conn *db, const struct appeal_filter *f, const struct page *p,
                           PGresult **res);

#endif
