/* Review storage: the annual reviews (fremdriftsgaranti) of a case, their sections, the
 * advice recorded on them, the decisions a completed review replaces, and the citizen's
 * plan. The documents are built in SQL (review_document(), plan_document()); row-level
 * security decides what the caller sees, and the guard_review trigger refuses a change to
 * a completed review (55000) and a citizen's change to a staff column (42501). These
 * statements check nothing the law asks: the handlers and review_complete.h do. */
#ifndef FREMDRIFT_REVIEWS_H
#define FREMDRIFT_REVIEWS_H

#include <jansson.h>
#include <stddef.h>

#include "http/page.h"
#include "store/db.h"

struct db_conn;

/* A review as stored; text as PostgreSQL returns it, "" for SQL NULL. */
struct review_row {
    json_t *doc;                /* review_document(); owned, free with review_row_clear */
    char id[37];
    char case_id[37];
    char citizen_id[37];
    char municipality[4];
    char status[16];            /* scheduled, completed */
    long version;
    char meeting_on[11];
    char period_from[11];
};

/* Frees what the row owns and zeroes it; safe on a zeroed row. */
void review_row_clear(struct review_row *row);

/* Fetches the review (locking it when for_update: staff only, since a citizen may lock
 * nothing). *found is 0 when the caller cannot see it; the row is then zeroed. */
enum db_status review_fetch(struct db_conn *db, const char *id, int for_update, struct review_row *row,
                            int *found);

/* Schedules a review of the case (its municipality and citizen taken from the case, which
 * row-level security checks against the caller), covering the period from the last
 * completed review's completion (else the case's target_group_since). meeting_at may be
 * NULL. Fills id_out. DB_UNIQUE: the case already has a scheduled review. */
enum db_status review_insert(struct db_conn *db, const char *case_id, const char *meeting_on,
                             const char *meeting_at, char id_out[37]);

/* The date the next review of the case would cover from, YYYY-MM-DD into out. */
enum db_status review_period_start(struct db_conn *db, const char *case_id, char out[11]);

/* The id of the case's scheduled review into id_out, "" when it has none. */
enum db_status review_open_id(struct db_conn *db, const char *case_id, char id_out[37]);

/* Rows of (seq, document) of the case's reviews after the page's cursor; the caller
 * PQclear()s *res. */
enum db_status review_list(struct db_conn *db, const char *case_id, const struct page *p, PGresult **res);

/* Each write below changes the review only if it is still scheduled and has version;
 * *updated is 0 otherwise. */

/* Section 2, by written_by (citizen or caseworker_on_behalf). */
enum db_status review_write_own_assessment(struct db_conn *db, const char *id, long version, const char *wishes,
                                           const char *barriers, const char *written_by, int *updated);

/* The WHO-5 answers (n of them), by answered_by (citizen or caseworker_on_behalf). */
enum db_status review_write_who5(struct db_conn *db, const char *id, long version, const long *items, size_t n,
                                 const char *answered_by, int *updated);

/* The ratings of rater (caseworker or citizen) as a JSON object text. */
enum db_status review_write_ratings(struct db_conn *db, const char *id, long version, const char *rater,
                                    const char *ratings_json, int *updated);

/* The staff sections a PATCH names. A member whose set flag is 0 is kept; set with a NULL
 * value clears it. JSON members are object texts. */
struct review_changes {
    int set_current_situation;
    const char *current_situation;
    int set_work_capacity;
    const char *work_capacity;
    int set_overall_decision;
    const char *overall_decision;
    int set_follow_up_plan;
    const char *follow_up_plan;
    int set_recommendation;
    const char *recommendation;
    int set_citizen_present;
    const char *citizen_present;    /* "true", "false" or NULL */
};

enum db_status review_write_sections(struct db_conn *db, const char *id, long version,
                                     const struct review_changes *ch, int *updated);

/* Records advice from body_id (an advisory_body reference id) given on given_on, and moves
 * the review to its next version (its document lists the advice). */
enum db_status review_add_advice(struct db_conn *db, const char *id, long version, const char *body_id,
                                 const char *given_on, const char *summary, int *updated);

/* Rows of (code, attributes JSON text) of the indicators in force on date, by code; the
 * caller PQclear()s *res. */
enum db_status review_indicator_rows(struct db_conn *db, const char *date, PGresult **res);

/* The legal_provision codes the case's target group and benefit name in their reference
 * attributes (`provisions`) that are in force on date, target group first, as a JSON
 * array text in *res row 0; the caller PQclear()s *res. */
enum db_status review_placement_provisions(struct db_conn *db, const char *case_id, const char *date,
                                           PGresult **res);

/* Section 1 as it stands now (review_period_interventions()), JSON text in *res row 0,
 * to be frozen at completion; the caller PQclear()s *res. */
enum db_status review_period_snapshot(struct db_conn *db, const char *id, PGresult **res);

/* The case's decision that a decision the review issues replaces: of one of kinds
 * (decision_kind codes as a PostgreSQL array literal, "{overall,no_intervention}"), issued
 * and not yet superseded, and either in force or remitted by the appeals board; the latest
 * notified when there are several. id_out is "" when there is none; draft_out is the id of
 * the draft that already supersedes it, "" when none does. */
enum db_status review_replaced_decision(struct db_conn *db, const char *case_id, const char *kinds,
                                        char id_out[37], char draft_out[37]);

/* What completion fixes. */
struct review_completion {
    const char *completed_on;
    const char *status_interventions;   /* section 1, frozen: JSON text */
    const char *placement_decision_id;
    const char *overall_decision_id;
};

enum db_status review_mark_completed(struct db_conn *db, const char *id, long version,
                                     const struct review_completion *done, int *updated);

/* The case's plan (plan_document()) as JSON text in *res row 0, none when the caller
 * cannot see the case; the caller PQclear()s *res. */
enum db_status review_plan(struct db_conn *db, const char *case_id, PGresult **res);

/* Rows of (case id, citizen id, plan_document() text) of the calling citizen's open cases
 * in a stable order; the caller PQclear()s *res. */
enum db_status review_my_plans(struct db_conn *db, PGresult **res);

#endif
