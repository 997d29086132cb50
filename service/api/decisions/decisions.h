/* Decision storage: formal decisions on a case (forvaltningsloven §§ 22-25), their legal
 * basis, issuing, superseding, and the appeal step a new decision after a remittal writes.
 * Row-level security decides what the caller sees; a decision the caller cannot see
 * simply is not found. Every statement is prepared and parameterised. These statements
 * check nothing the law asks: to draft or issue a decision, go through decision_create.h
 * and decision_issue.h (decision_make for another resource), which run every check. */
#ifndef FREMDRIFT_DECISIONS_H
#define FREMDRIFT_DECISIONS_H

#include <jansson.h>

#include "http/page.h"
#include "store/db.h"

struct db_conn;

/* A decision as stored. Text is as PostgreSQL returns it; "" for SQL NULL. */
struct decision_row {
    json_t *doc;                    /* decision_document(); owned */
    json_t *kind_attributes;        /* the kind's reference attributes; owned */
    json_t *outcome_attributes;     /* the outcome's; owned, NULL when no outcome */
    char id[37];
    char case_id[37];
    char citizen_id[37];
    char municipality[4];
    char status[16];                /* draft, issued, superseded */
    long version;
    char kind_id[24];
    char outcome_id[24];
    char parent_id[37];
    char supersedes_id[37];
    char decided_on[11];
    char force_lost_reason[32];
};

/* Frees what the row owns and zeroes it; safe on a zeroed row. */
void decision_row_clear(struct decision_row *row);

/* Fetches the decision (locking it when for_update). *found is 0 when the caller cannot
 * see it; the row is then zeroed. On *found the caller clears the row. */
enum db_status decision_fetch(struct db_conn *db, const char *id, int for_update, struct decision_row *row,
                              int *found);

/* The new state of a draft, for insert and update: SQL text, NULL for SQL NULL, codes
 * already resolved to reference ids. Borrowed. */
struct decision_fields {
    const char *kind_id;
    const char *outcome_id;
    const char *parent_id;
    const char *subject;
    const char *applied_for;
    const char *applied_on;
    const char *notice_sent_on;
    const char *notice_expected_by;
    const char *decided_on;
    const char *legal_basis_note;
    const char *facts;
    const char *reasons;
    const char *hours_per_week;
    const char *hearing_status;     /* never NULL */
    const char *hearing_sent_on;
    const char *hearing_response_deadline;
    const char *hearing_answered_on;
    const char *hearing_not_needed_reason;
    const char *hearing_urgency_reason;     /* why the answer period is shorter than the minimum */
};

/* Inserts a draft on the case (municipality and citizen taken from the case, which row-
 * level security checks against the caller); supersedes_id may be NULL. Fills id_out.
 * DB_UNIQUE: another decision already supersedes supersedes_id. */
enum db_status decision_insert(struct db_conn *db, const char *case_id, const char *supersedes_id,
                               const struct decision_fields *f, char id_out[37]);

/* Updates the draft if it still has version; *updated is 0 when it does not. */
enum db_status decision_update(struct db_conn *db, const char *id, long version, const struct decision_fields *f,
                               int *updated);

/* Replaces the legal basis of a draft with provision reference ids, in order. */
enum db_status decision_set_provisions(struct db_conn *db, const char *id, const char *const *provision_ids,
                                       size_t n);

/* *ok is 1 when parent_id is an issued decision in force on case_id of the kind that the
 * child kind (reference id; NULL when not known) names in attributes.requires_parent or,
 * when it names none, of a kind that some decision kind names as its parent. */
enum db_status decision_parent_ok(struct db_conn *db, const char *parent_id, const char *case_id,
                                  const char *child_kind_id, int *ok);

/* Rows of (JSON Pointer) for each reference of the decision (kind, outcome, each legal
 * basis provision) that is not in force on date; the caller PQclear()s *res. */
enum db_status decision_references_not_in_force(struct db_conn *db, const char *id, const char *date,
                                                PGresult **res);

/* What issuing fixes; dates as YYYY-MM-DD. */
struct decision_issue {
    const char *notified_on;
    const char *appeal_deadline;
    const char *deadline_text;          /* the deadline as a Danish letter writes it */
    const char *deadline_moved_from;    /* notified + 28 days when that was closed; NULL otherwise */
};

/* Issues the draft if it still has version: status, dates, issued_at/by, the appeal
 * guidance (from the reference rows appeal_guidance/standard and the decision's
 * municipality in force on the notification date), the next journal number of the
 * municipality and year, and the citizen's name as the letter's addressee. *issued is 0
 * when the draft changed or no appeal guidance is in force on that date. */
enum db_status decision_issue(struct db_conn *db, const char *id, long version, const struct decision_issue *is,
                              int *issued);

/* Marks the issued decision old_id as superseded by new_id. *done is 0 when old_id is not
 * issued; otherwise force_lost_reason_out is its force_lost_reason ("" when in force). */
enum db_status decision_supersede(struct db_conn *db, const char *old_id, const char *new_id,
                                  char force_lost_reason_out[32], int *done);

/* Appends the step new_decision_issued (details {"decision_id": new_id}, dated on) to every
 * appeal ruled "remitted" that took force from old_id. Rows of (appeal id, version,
 * municipality, citizen id, appeal_document() text) of those appeals, read after the
 * step; the caller PQclear()s *res. */
enum db_status decision_record_after_remittal(struct db_conn *db, const char *old_id, const char *new_id,
                                              const char *on, PGresult **res);

struct decision_filter {
    const char *case_id;
    const char *status;
    const char *kind;       /* a decision_kind code */
};

/* Rows of (seq, document) after the page's cursor; the caller PQclear()s *res. */
enum db_status decision_list(struct db_conn *db, const struct decision_filter *f, const struct page *p,
                             PGresult **res);

/* The municipality as the letter names it, from its reference row in force on date: the
 * sender, and how the citizen reaches its jobcenter. */
struct decision_sender {
    char name[256];
    char office[256];       /* "" when none */
    char address[256];      /* "" when none */
    char phone[64];         /* "" when none */
    char web[256];          /* "" when none */
};

/* *found is 0 when no municipality row of that code is in force on date. */
enum db_status decision_sender(struct db_conn *db, const char *municipality, const char *date,
                               struct decision_sender *out, int *found);

#endif
