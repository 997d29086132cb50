/* Decision SQL. The decision document is built by decision_document() in the database, so
 * reads, writes, events and the letter all show the same representation; the rules that
 * depend on a kind or an outcome read its reference attributes, never its code. */
#include "api/decisions/decisions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void decision_row_clear(struct decision_row *row)
{
    json_decref(row->doc);
    json_decref(row->kind_attributes);
    json_decref(row->outcome_attributes);
    memset(row, 0, sizeof(*row));
}

#define DECISION_SELECT                                                                                  \
    "SELECT decision_document(d)::text, d.id, d.case_id, d.citizen_id, d.municipality, d.status, "       \
    "d.version, d.kind_id, coalesce(d.outcome_id::text, ''), k.attributes::text, o.attributes::text, "  \
    "coalesce(d.parent_id::text, ''), coalesce(d.supersedes_id::text, ''), "                             \
    "coalesce(to_char(d.decided_on, 'YYYY-MM-DD'), ''), coalesce(d.force_lost_reason, '') "              \
    "FROM decisions d JOIN reference_items k ON k.id = d.kind_id "                                       \
    "LEFT JOIN reference_items o ON o.id = d.outcome_id WHERE d.id = $1::uuid"

static const struct db_stmt fetch = {"decision_fetch", DECISION_SELECT};
static const struct db_stmt fetch_locked = {"decision_fetch_locked", DECISION_SELECT " FOR UPDATE OF d"};

enum db_status decision_fetch(struct db_conn *db, const char *id, int for_update, struct decision_row *row,
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
    db_copy(row->kind_id, sizeof(row->kind_id), res, 0, 7);
    db_copy(row->outcome_id, sizeof(row->outcome_id), res, 0, 8);
    row->kind_attributes = json_loads(PQgetvalue(res, 0, 9), 0, NULL);
    if (!PQgetisnull(res, 0, 10))
        row->outcome_attributes = json_loads(PQgetvalue(res, 0, 10), 0, NULL);
    db_copy(row->parent_id, sizeof(row->parent_id), res, 0, 11);
    db_copy(row->supersedes_id, sizeof(row->supersedes_id), res, 0, 12);
    db_copy(row->decided_on, sizeof(row->decided_on), res, 0, 13);
    db_copy(row->force_lost_reason, sizeof(row->force_lost_reason), res, 0, 14);
    if (!row->kind_attributes || (!PQgetisnull(res, 0, 10) && !row->outcome_attributes)) {
        decision_row_clear(row);
        st = DB_ERROR;
    } else {
        *found = 1;
    }
    PQclear(res);
    return st;
}

/* Only the id comes back: the caller reads the document again after the whole change, so
 * the legal basis written after this statement is in it. */
static const struct db_stmt insert = {
    "decision_insert",
    "INSERT INTO decisions (case_id, municipality, citizen_id, kind_id, outcome_id, parent_id, supersedes_id, "
    "subject, applied_for, decided_on, legal_basis_note, facts, reasons, hours_per_week, hearing_status, "
    "hearing_sent_on, hearing_response_deadline, hearing_answered_on, hearing_not_needed_reason, applied_on, "
    "processing_notice_sent_on, processing_notice_expected_by, hearing_urgency_reason) "
    "SELECT c.id, c.municipality, c.citizen_id, $2::bigint, $3::bigint, $4::uuid, $5::uuid, $6, $7, "
    "$8::date, $9, $10, $11, $12::numeric, $13, $14::date, $15::date, $16::date, $17, $18::date, $19::date, "
    "$20::date, $21 "
    "FROM cases c WHERE c.id = $1::uuid RETURNING id"};

enum db_status decision_insert(struct db_conn *db, const char *case_id, const char *supersedes_id,
                               const struct decision_fields *f, char id_out[37])
{
    const char *values[] = {case_id, f->kind_id, f->outcome_id, f->parent_id, supersedes_id, f->subject,
                            f->applied_for, f->decided_on, f->legal_basis_note, f->facts, f->reasons,
                            f->hours_per_week, f->hearing_status, f->hearing_sent_on,
                            f->hearing_response_deadline, f->hearing_answered_on,
                            f->hearing_not_needed_reason, f->applied_on, f->notice_sent_on,
                            f->notice_expected_by, f->hearing_urgency_reason};
    int inserted;
    enum db_status st = db_exec_one(db, &insert, 21, values, id_out, 37, &inserted);
    return st == DB_OK && !inserted ? DB_NOT_VISIBLE : st;
}

static const struct db_stmt update = {
    "decision_update",
    "UPDATE decisions SET kind_id = $3::bigint, outcome_id = $4::bigint, parent_id = $5::uuid, subject = $6, "
    "applied_for = $7, decided_on = $8::date, legal_basis_note = $9, facts = $10, reasons = $11, "
    "hours_per_week = $12::numeric, hearing_status = $13, hearing_sent_on = $14::date, "
    "hearing_response_deadline = $15::date, hearing_answered_on = $16::date, hearing_not_needed_reason = $17, "
    "applied_on = $18::date, processing_notice_sent_on = $19::date, processing_notice_expected_by = $20::date, "
    "hearing_urgency_reason = $21, version = version + 1, updated_at = now(), updated_by = claim_sub() "
    "WHERE id = $1::uuid AND version = $2::integer AND status = 'draft' RETURNING id"};

enum db_status decision_update(struct db_conn *db, const char *id, long version, const struct decision_fields *f,
                               int *updated)
{
    char v[24];
    snprintf(v, sizeof(v), "%ld", version);
    const char *values[] = {id, v, f->kind_id, f->outcome_id, f->parent_id, f->subject, f->applied_for,
                            f->decided_on, f->legal_basis_note, f->facts, f->reasons, f->hours_per_week,
                            f->hearing_status, f->hearing_sent_on, f->hearing_response_deadline,
                            f->hearing_answered_on, f->hearing_not_needed_reason, f->applied_on,
                            f->notice_sent_on, f->notice_expected_by, f->hearing_urgency_reason};
    return db_exec_one(db, &update, 21, values, NULL, 0, updated);
}

static const struct db_stmt provisions_clear = {
    "decision_provisions_clear", "DELETE FROM decision_provisions WHERE decision_id = $1::uuid"};

/* position is the index in the document's legal_basis array. */
static const struct db_stmt provisions_add = {
    "decision_provisions_add",
    "INSERT INTO decision_provisions (decision_id, provision_id, position) "
    "SELECT $1::uuid, t.p, (t.o - 1)::smallint FROM unnest($2::bigint[]) WITH ORDINALITY AS t(p, o)"};

enum db_status decision_set_provisions(struct db_conn *db, const char *id, const char *const *provision_ids,
                                       size_t n)
{
    const char *clear_values[] = {id};
    PGresult *res;
    enum db_status st = db_exec(db, &provisions_clear, 1, clear_values, &res);
    PQclear(res);
    if (st != DB_OK || n == 0)
        return st;
    /* An array literal of reference ids (digits only, from the database), sent as one
     * parameter. */
    size_t cap = 3;
    for (size_t i = 0; i < n; i++)
        cap += strlen(provision_ids[i]) + 1;
    char *array = malloc(cap);
    if (!array)
        return DB_ERROR;
    size_t used = 0;
    array[used++] = '{';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(array + used, cap - used, "%s%s", i ? "," : "", provision_ids[i]);
    snprintf(array + used, cap - used, "}");
    const char *values[] = {id, array};
    st = db_exec(db, &provisions_add, 2, values, &res);
    PQclear(res);
    free(array);
    return st;
}

/* The parent's kind comes from the data: the kind the child names, or for a child that
 * names none (or whose kind is not known yet), a kind some kind names as its parent
 * (today: the overall decision). */
static const struct db_stmt parent_ok = {
    "decision_parent_ok",
    "SELECT EXISTS (SELECT 1 FROM decisions p JOIN reference_items pk ON pk.id = p.kind_id "
    "LEFT JOIN reference_items ck ON ck.id = $3::bigint "
    "WHERE p.id = $1::uuid AND p.case_id = $2::uuid AND decision_in_force(p) "
    "AND CASE WHEN ck.attributes ? 'requires_parent' THEN pk.code = ck.attributes->>'requires_parent' "
    "ELSE EXISTS (SELECT 1 FROM reference_items k2 WHERE k2.kind = 'decision_kind' "
    "AND k2.attributes->>'requires_parent' = pk.code) END)"};

enum db_status decision_parent_ok(struct db_conn *db, const char *parent_id, const char *case_id,
                                  const char *child_kind_id, int *ok)
{
    const char *values[] = {parent_id, case_id, child_kind_id};
    char v[2] = "";
    int found;
    enum db_status st = db_exec_one(db, &parent_ok, 3, values, v, sizeof(v), &found);
    *ok = st == DB_OK && strcmp(v, "t") == 0;
    return st;
}

static const struct db_stmt not_in_force = {
    "decision_references_not_in_force",
    "SELECT x.pointer FROM ("
    "SELECT 0::bigint AS ord, '/kind'::text AS pointer, k.valid_from, k.valid_to FROM decisions d "
    "JOIN reference_items k ON k.id = d.kind_id WHERE d.id = $1::uuid "
    "UNION ALL SELECT 1, '/outcome', o.valid_from, o.valid_to FROM decisions d "
    "JOIN reference_items o ON o.id = d.outcome_id WHERE d.id = $1::uuid "
    "UNION ALL SELECT 2 + row_number() OVER w, '/legal_basis/' || (row_number() OVER w - 1), "
    "p.valid_from, p.valid_to FROM decision_provisions dp JOIN reference_items p ON p.id = dp.provision_id "
    "WHERE dp.decision_id = $1::uuid WINDOW w AS (ORDER BY dp.position)) x "
    "WHERE NOT (x.valid_from <= $2::date AND (x.valid_to IS NULL OR x.valid_to > $2::date)) ORDER BY x.ord"};

enum db_status decision_references_not_in_force(struct db_conn *db, const char *id, const char *date,
                                                PGresult **res)
{
    const char *values[] = {id, date};
    return db_exec(db, &not_in_force, 2, values, res);
}

/* One statement: the guidance is composed from the reference rows in force on the
 * notification date, and a missing guidance row issues nothing (the join finds no row)
 * rather than a decision without klagevejledning. */
static const struct db_stmt issue = {
    "decision_issue",
    "UPDATE decisions d SET status = 'issued', notified_on = $3::date, appeal_deadline = $4::date, "
    "decided_on = coalesce(d.decided_on, $3::date), issued_at = now(), issued_by = claim_sub(), "
    "journal_number = journal_number_next(d.municipality, $3::date), "
    "addressee = (SELECT c.name FROM citizens c WHERE c.id = d.citizen_id), "
    "version = d.version + 1, updated_at = now(), updated_by = claim_sub(), "
    "appeal_guidance = jsonb_build_object("
    "'deadline', $4::date, 'deadline_text', $5::text, "
    "'where', coalesce((SELECT m.label_da || coalesce(' (' || (m.attributes->>'office') || ')', '') "
    "|| coalesce(', ' || (m.attributes->>'address'), '') FROM reference_items m "
    "WHERE m.kind = 'municipality' AND m.code = d.municipality AND m.valid_from <= $3::date "
    "AND (m.valid_to IS NULL OR m.valid_to > $3::date)), 'din kommune'), "
    "'how', g.attributes->>'how_da', 'late', g.attributes->>'late_da', "
    "'appeals_body', coalesce(g.attributes->>'appeals_body', 'Ankestyrelsen'), "
    "'provision', coalesce(g.attributes->>'provision', 'Retssikkerhedsloven §§ 66-67'), "
    "'deadline_moved_from', $6::date) "
    "FROM reference_items g "
    "WHERE d.id = $1::uuid AND d.version = $2::integer AND d.status = 'draft' "
    "AND g.kind = 'appeal_guidance' AND g.code = 'standard' AND g.valid_from <= $3::date "
    "AND (g.valid_to IS NULL OR g.valid_to > $3::date) "
    "AND g.attributes ? 'how_da' AND g.attributes ? 'late_da' RETURNING d.id"};

enum db_status decision_issue(struct db_conn *db, const char *id, long version, const struct decision_issue *is,
                              int *issued)
{
    char v[24];
    snprintf(v, sizeof(v), "%ld", version);
    const char *values[] = {id, v, is->notified_on, is->appeal_deadline, is->deadline_text,
                            is->deadline_moved_from};
    return db_exec_one(db, &issue, 6, values, NULL, 0, issued);
}

static const struct db_stmt supersede = {
    "decision_supersede",
    "UPDATE decisions SET status = 'superseded', superseded_by_id = $2::uuid, version = version + 1, "
    "updated_at = now(), updated_by = claim_sub() WHERE id = $1::uuid AND status = 'issued' "
    "RETURNING coalesce(force_lost_reason, '')"};

enum db_status decision_supersede(struct db_conn *db, const char *old_id, const char *new_id,
                                  char force_lost_reason_out[32], int *done)
{
    const char *values[] = {old_id, new_id};
    force_lost_reason_out[0] = '\0';
    return db_exec_one(db, &supersede, 2, values, force_lost_reason_out, 32, done);
}

/* The appeal that remitted old_id: its ruling took force from the decision it concerned,
 * the municipality's partial change when there was one (new_decision_id), else the
 * appealed decision. */
#define REMITTED_APPEALS \
    "a.status = 'ruled' AND a.ruling = 'remitted' AND coalesce(a.new_decision_id, a.decision_id) = $1::uuid"

static const struct db_stmt remittal_step = {
    "decision_remittal_step",
    "INSERT INTO appeal_steps (appeal_id, step, on_date, details) "
    "SELECT a.id, 'new_decision_issued', $3::date, jsonb_build_object('decision_id', $2::uuid) "
    "FROM appeals a WHERE " REMITTED_APPEALS};

/* A separate statement: appeal_document() would not see the step inserted by the same
 * statement. */
static const struct db_stmt remitted_appeals = {
    "decision_remitted_appeals",
    "SELECT a.id, a.version, a.municipality, a.citizen_id, appeal_document(a)::text FROM appeals a "
    "WHERE " REMITTED_APPEALS " ORDER BY a.seq"};

enum db_status decision_record_after_remittal(struct db_conn *db, const char *old_id, const char *new_id,
                                              const char *on, PGresult **res)
{
    const char *step_values[] = {old_id, new_id, on};
    PGresult *step;
    *res = NULL;
    enum db_status st = db_exec(db, &remittal_step, 3, step_values, &step);
    PQclear(step);
    if (st != DB_OK)
        return st;
    const char *values[] = {old_id};
    return db_exec(db, &remitted_appeals, 1, values, res);
}

static const struct db_stmt list = {
    "decision_list",
    "SELECT d.seq, decision_document(d)::text FROM decisions d "
    "WHERE ($1::uuid IS NULL OR d.case_id = $1::uuid) AND ($2::text IS NULL OR d.status = $2) "
    "AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM reference_items r WHERE r.id = d.kind_id AND r.code = $3)) "
    "AND d.seq > $4::bigint ORDER BY d.seq LIMIT $5::integer"};

enum db_status decision_list(struct db_conn *db, const struct decision_filter *f, const struct page *p,
                             PGresult **res)
{
    const char *values[] = {f->case_id, f->status, f->kind, p->after, p->fetch};
    return db_exec(db, &list, 5, values, res);
}

static const struct db_stmt sender = {
    "decision_sender",
    "SELECT label_da, coalesce(attributes->>'office', ''), coalesce(attributes->>'address', ''), "
    "coalesce(attributes->>'phone', ''), coalesce(attributes->>'web', '') "
    "FROM reference_items WHERE kind = 'municipality' AND code = $1 AND valid_from <= $2::date "
    "AND (valid_to IS NULL OR valid_to > $2::date)"};

enum db_status decision_sender(struct db_conn *db, const char *municipality, const char *date,
                               struct decision_sender *out, int *found)
{
    const char *values[] = {municipality, date};
    PGresult *res;
    memset(out, 0, sizeof(*out));
    *found = 0;
    enum db_status st = db_exec_row(db, &sender, 2, values, &res);
    if (st != DB_OK || !res)
        return st;
    db_copy(out->name, sizeof(out->name), res, 0, 0);
    db_copy(out->office, sizeof(out->office), res, 0, 1);
    db_copy(out->address, sizeof(out->address), res, 0, 2);
    db_copy(out->phone, sizeof(out->phone), res, 0, 3);
    db_copy(out->web, sizeof(out->web), res, 0, 4);
    *found = 1;
    PQclear(res);
    return DB_OK;
}
