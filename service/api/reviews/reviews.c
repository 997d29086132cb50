/* Review SQL. The review and plan documents are built by review_document() and
 * plan_document() in the database, so reads, writes, events and the plan all show the same
 * representation. See reviews.h. */
#include "api/reviews/reviews.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/reviews/review_input.h"

#define IN_FORCE(date) "valid_from <= " date "::date AND (valid_to IS NULL OR valid_to > " date "::date)"

void review_row_clear(struct review_row *row)
{
    json_decref(row->doc);
    memset(row, 0, sizeof(*row));
}

#define REVIEW_SELECT                                                                                        \
    "SELECT review_document(r)::text, r.id, r.case_id, r.citizen_id, r.municipality, r.status, r.version, " \
    "r.meeting_on, r.period_from FROM reviews r WHERE r.id = $1::uuid"

static const struct db_stmt fetch = {"review_fetch", REVIEW_SELECT};
static const struct db_stmt fetch_locked = {"review_fetch_locked", REVIEW_SELECT " FOR UPDATE OF r"};

enum db_status review_fetch(struct db_conn *db, const char *id, int for_update, struct review_row *row,
                            int *found)
{
    PGresult *res;
    memset(row, 0, sizeof(*row));
    *found = 0;
    enum db_status st = db_fetch_document(db, for_update ? &fetch_locked : &fetch, id, &res, &row->doc);
    if (st != DB_OK || !res)
        return st;
    db_copy(row->id, sizeof(row->id), res, 0, 1);
    db_copy(row->case_id, sizeof(row->case_id), res, 0, 2);
    db_copy(row->citizen_id, sizeof(row->citizen_id), res, 0, 3);
    db_copy(row->municipality, sizeof(row->municipality), res, 0, 4);
    db_copy(row->status, sizeof(row->status), res, 0, 5);
    row->version = strtol(PQgetvalue(res, 0, 6), NULL, 10);
    db_copy(row->meeting_on, sizeof(row->meeting_on), res, 0, 7);
    db_copy(row->period_from, sizeof(row->period_from), res, 0, 8);
    *found = 1;
    PQclear(res);
    return DB_OK;
}

/* The day the period of the case's next review starts: the last completion, else the day
 * the case entered its target group. */
#define PERIOD_START                                                                          \
    "coalesce((SELECT max(p.completed_on) FROM reviews p WHERE p.case_id = c.id "              \
    "AND p.status = 'completed'), c.target_group_since)"

static const struct db_stmt insert = {
    "review_insert",
    "INSERT INTO reviews (case_id, municipality, citizen_id, meeting_on, meeting_at, period_from) "
    "SELECT c.id, c.municipality, c.citizen_id, $2::date, $3::timestamptz, " PERIOD_START " "
    "FROM cases c WHERE c.id = $1::uuid RETURNING id"};

enum db_status review_insert(struct db_conn *db, const char *case_id, const char *meeting_on,
                             const char *meeting_at, char id_out[37])
{
    const char *values[] = {case_id, meeting_on, meeting_at};
    int inserted;
    enum db_status st = db_exec_one(db, &insert, 3, values, id_out, 37, &inserted);
    return st == DB_OK && !inserted ? DB_NOT_VISIBLE : st;
}

static const struct db_stmt period_start = {
    "review_period_start", "SELECT " PERIOD_START "::text FROM cases c WHERE c.id = $1::uuid"};

enum db_status review_period_start(struct db_conn *db, const char *case_id, char out[11])
{
    const char *values[] = {case_id};
    int found;
    *out = '\0';
    return db_exec_one(db, &period_start, 1, values, out, 11, &found);
}

static const struct db_stmt open_id = {
    "review_open_id", "SELECT id FROM reviews WHERE case_id = $1::uuid AND status = 'scheduled'"};

enum db_status review_open_id(struct db_conn *db, const char *case_id, char id_out[37])
{
    const char *values[] = {case_id};
    int found;
    *id_out = '\0';
    return db_exec_one(db, &open_id, 1, values, id_out, 37, &found);
}

static const struct db_stmt list = {
    "review_list",
    "SELECT r.seq, review_document(r)::text FROM reviews r "
    "WHERE r.case_id = $1::uuid AND r.seq > $2::bigint ORDER BY r.seq LIMIT $3::integer"};

enum db_status review_list(struct db_conn *db, const char *case_id, const struct page *p, PGresult **res)
{
    const char *values[] = {case_id, p->after, p->fetch};
    return db_exec(db, &list, 3, values, res);
}

/* Every write moves the review to its next version, and only while it is scheduled. */
#define NEXT_VERSION "version = version + 1, updated_at = now(), updated_by = claim_sub() "
#define WHERE_CURRENT "WHERE id = $1::uuid AND version = $2::integer AND status = 'scheduled' RETURNING id"

/* Runs a guarded write whose first two parameters are the id and the version. */
static enum db_status write_guarded(struct db_conn *db, const struct db_stmt *stmt, const char *id, long version,
                                    const char **values, int nparams, int *updated)
{
    char v[24];
    snprintf(v, sizeof(v), "%ld", version);
    values[0] = id;
    values[1] = v;
    return db_exec_one(db, stmt, nparams, values, NULL, 0, updated);
}

static const struct db_stmt own_assessment = {
    "review_own_assessment",
    "UPDATE reviews SET own_wishes = $3, own_barriers = $4, own_written_by = $5, own_written_at = now(), "
    NEXT_VERSION WHERE_CURRENT};

enum db_status review_write_own_assessment(struct db_conn *db, const char *id, long version, const char *wishes,
                                           const char *barriers, const char *written_by, int *updated)
{
    const char *values[] = {NULL, NULL, wishes, barriers, written_by};
    return write_guarded(db, &own_assessment, id, version, values, 5, updated);
}

static const struct db_stmt who5 = {
    "review_who5",
    "UPDATE reviews SET who5_items = $3::smallint[], who5_answered_by = $4, " NEXT_VERSION WHERE_CURRENT};

enum db_status review_write_who5(struct db_conn *db, const char *id, long version, const long *items, size_t n,
                                 const char *answered_by, int *updated)
{
    /* A PostgreSQL array literal, with room for the most items a scale may have. */
    char array[REVIEW_MAX_ITEMS * 22 + 3] = "{";
    for (size_t i = 0; i < n && i < REVIEW_MAX_ITEMS; i++) {
        size_t used = strlen(array);
        snprintf(array + used, sizeof(array) - used, "%s%ld", i ? "," : "", items[i]);
    }
    size_t used = strlen(array);
    snprintf(array + used, sizeof(array) - used, "}");
    const char *values[] = {NULL, NULL, array, answered_by};
    return write_guarded(db, &who5, id, version, values, 4, updated);
}

/* A citizen's write leaves the caseworker's ratings as they are, which the guard trigger
 * accepts: it refuses only a changed staff column. */
static const struct db_stmt ratings = {
    "review_ratings",
    "UPDATE reviews SET "
    "caseworker_ratings = CASE WHEN $3 = 'caseworker' THEN $4::jsonb ELSE caseworker_ratings END, "
    "citizen_ratings = CASE WHEN $3 = 'citizen' THEN $4::jsonb ELSE citizen_ratings END, " NEXT_VERSION WHERE_CURRENT};

enum db_status review_write_ratings(struct db_conn *db, const char *id, long version, const char *rater,
                                    const char *ratings_json, int *updated)
{
    const char *values[] = {NULL, NULL, rater, ratings_json};
    return write_guarded(db, &ratings, id, version, values, 4, updated);
}

static const struct db_stmt sections = {
    "review_sections",
    "UPDATE reviews SET "
    "current_situation = CASE WHEN $3::boolean THEN $4 ELSE current_situation END, "
    "work_capacity = CASE WHEN $5::boolean THEN $6::jsonb ELSE work_capacity END, "
    "overall_decision = CASE WHEN $7::boolean THEN $8::jsonb ELSE overall_decision END, "
    "follow_up_plan = CASE WHEN $9::boolean THEN $10::jsonb ELSE follow_up_plan END, "
    "recommendation = CASE WHEN $11::boolean THEN $12 ELSE recommendation END, "
    "citizen_present = CASE WHEN $13::boolean THEN $14::boolean ELSE citizen_present END, " NEXT_VERSION
    WHERE_CURRENT};

static const char *flag(int set)
{
    return set ? "true" : "false";
}

enum db_status review_write_sections(struct db_conn *db, const char *id, long version,
                                     const struct review_changes *ch, int *updated)
{
    const char *values[] = {NULL,
                            NULL,
                            flag(ch->set_current_situation),
                            ch->current_situation,
                            flag(ch->set_work_capacity),
                            ch->work_capacity,
                            flag(ch->set_overall_decision),
                            ch->overall_decision,
                            flag(ch->set_follow_up_plan),
                            ch->follow_up_plan,
                            flag(ch->set_recommendation),
                            ch->recommendation,
                            flag(ch->set_citizen_present),
                            ch->citizen_present};
    return write_guarded(db, &sections, id, version, values, 14, updated);
}

static const struct db_stmt advice = {
    "review_advice",
    "WITH current AS (UPDATE reviews SET " NEXT_VERSION WHERE_CURRENT ", municipality) "
    "INSERT INTO review_advice (review_id, municipality, body_id, given_on, summary) "
    "SELECT id, municipality, $3::bigint, $4::date, $5 FROM current RETURNING review_id"};

enum db_status review_add_advice(struct db_conn *db, const char *id, long version, const char *body_id,
                                 const char *given_on, const char *summary, int *updated)
{
    const char *values[] = {NULL, NULL, body_id, given_on, summary};
    return write_guarded(db, &advice, id, version, values, 5, updated);
}

static const struct db_stmt indicators = {
    "review_indicators",
    "SELECT code, attributes::text FROM reference_items WHERE kind = 'indicator' AND " IN_FORCE("$1")
    " ORDER BY code"};

enum db_status review_indicator_rows(struct db_conn *db, const char *date, PGresult **res)
{
    const char *values[] = {date};
    return db_exec(db, &indicators, 1, values, res);
}

/* Each provision once, where it is first named: the target group's before the benefit's. */
static const struct db_stmt placement_provisions = {
    "review_placement_provisions",
    "SELECT coalesce(json_agg(code ORDER BY source, position), '[]')::text FROM ("
    " SELECT DISTINCT ON (n.code) n.code, n.source, n.position"
    " FROM cases c"
    " JOIN reference_items tg ON tg.id = c.target_group_id"
    " JOIN reference_items b ON b.id = c.benefit_id"
    " CROSS JOIN LATERAL ("
    "   SELECT 1 AS source, e.code, e.position"
    "     FROM jsonb_array_elements_text(coalesce(tg.attributes -> 'provisions', '[]')) WITH ORDINALITY"
    "          AS e(code, position)"
    "   UNION ALL"
    "   SELECT 2, e.code, e.position"
    "     FROM jsonb_array_elements_text(coalesce(b.attributes -> 'provisions', '[]')) WITH ORDINALITY"
    "          AS e(code, position)) n"
    " WHERE c.id = $1::uuid AND EXISTS (SELECT 1 FROM reference_items p"
    "   WHERE p.kind = 'legal_provision' AND p.code = n.code"
    "     AND p.valid_from <= $2::date AND (p.valid_to IS NULL OR p.valid_to > $2::date))"
    " ORDER BY n.code, n.source, n.position) named"};

enum db_status review_placement_provisions(struct db_conn *db, const char *case_id, const char *date,
                                           PGresult **res)
{
    const char *values[] = {case_id, date};
    return db_exec(db, &placement_provisions, 2, values, res);
}

static const struct db_stmt snapshot = {
    "review_period_snapshot", "SELECT review_period_interventions(r)::text FROM reviews r WHERE r.id = $1::uuid"};

enum db_status review_period_snapshot(struct db_conn *db, const char *id, PGresult **res)
{
    const char *values[] = {id};
    return db_exec(db, &snapshot, 1, values, res);
}

/* A decision the appeals board changed is left out: the board's ruling took its place,
 * not a decision of the municipality's that a review could replace. A remitted one is in:
 * the board sent it back for a new decision, which the review's is. The successor of a
 * decision still issued can only be a draft: issuing it would have superseded the
 * decision. */
static const struct db_stmt replaced_decision = {
    "review_replaced_decision",
    "SELECT d.id, coalesce((SELECT s.id::text FROM decisions s WHERE s.supersedes_id = d.id), '') "
    "FROM decisions d JOIN reference_items k ON k.id = d.kind_id "
    "WHERE d.case_id = $1::uuid AND k.code = ANY ($2::text[]) AND d.status = 'issued' "
    "AND (d.force_lost_on IS NULL OR d.force_lost_reason = 'remitted') "
    "ORDER BY d.notified_on DESC, d.seq DESC LIMIT 1"};

enum db_status review_replaced_decision(struct db_conn *db, const char *case_id, const char *kinds,
                                        char id_out[37], char draft_out[37])
{
    const char *values[] = {case_id, kinds};
    PGresult *res;
    *id_out = '\0';
    *draft_out = '\0';
    enum db_status st = db_exec_row(db, &replaced_decision, 2, values, &res);
    if (st == DB_OK && res) {
        db_copy(id_out, 37, res, 0, 0);
        db_copy(draft_out, 37, res, 0, 1);
        PQclear(res);
    }
    return st;
}

static const struct db_stmt complete = {
    "review_complete",
    "UPDATE reviews SET status = 'completed', completed_on = $3::date, completed_at = now(), "
    "completed_by = claim_sub(), status_interventions = $4::jsonb, placement_decision_id = $5::uuid, "
    "overall_decision_id = $6::uuid, " NEXT_VERSION WHERE_CURRENT};

enum db_status review_mark_completed(struct db_conn *db, const char *id, long version,
                                     const struct review_completion *done, int *updated)
{
    const char *values[] = {NULL,
                            NULL,
                            done->completed_on,
                            done->status_interventions,
                            done->placement_decision_id,
                            done->overall_decision_id};
    return write_guarded(db, &complete, id, version, values, 6, updated);
}

static const struct db_stmt plan = {
    "review_plan", "SELECT plan_document(c)::text FROM cases c WHERE c.id = $1::uuid"};

enum db_status review_plan(struct db_conn *db, const char *case_id, PGresult **res)
{
    const char *values[] = {case_id};
    return db_exec_row(db, &plan, 1, values, res);
}

/* Row-level security already limits a citizen to their own cases; the condition on the
 * citizen says the same in the query, so no change of policy can widen it. */
static const struct db_stmt my_plans = {
    "review_my_plans",
    "SELECT c.id, c.citizen_id, plan_document(c)::text FROM cases c "
    "WHERE c.status = 'open' AND c.citizen_id = claim_citizen_id() ORDER BY c.seq"};

enum db_status review_my_plans(struct db_conn *db, PGresult **res)
{
    return db_exec(db, &my_plans, 0, NULL, res);
}
