/* Intervention SQL. The intervention document is built by intervention_document() in the
 * database, so reads, writes, events, the review and the plan show the same
 * representation; what a type allows is read from its reference attributes. */
#include "api/interventions/interventions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void intervention_row_clear(struct intervention_row *row)
{
    json_decref(row->doc);
    json_decref(row->type_attributes);
    memset(row, 0, sizeof(*row));
}

#define INTERVENTION_SELECT                                                                               \
    "SELECT intervention_document(i)::text, i.id, i.case_id, i.citizen_id, i.municipality, i.status, "   \
    "i.version, t.code, t.label_da, t.attributes::text, to_char(i.requested_on, 'YYYY-MM-DD'), "        \
    "coalesce(to_char(i.started_on, 'YYYY-MM-DD'), ''), coalesce(i.hours_per_week::text, '') "         \
    "FROM interventions i JOIN reference_items t ON t.id = i.type_id WHERE i.id = $1::uuid"

static const struct db_stmt fetch = {"intervention_fetch", INTERVENTION_SELECT};
static const struct db_stmt fetch_locked = {"intervention_fetch_locked", INTERVENTION_SELECT " FOR UPDATE OF i"};

enum db_status intervention_fetch(struct db_conn *db, const char *id, int for_update, struct intervention_row *row,
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
    db_copy(row->type_code, sizeof(row->type_code), res, 0, 7);
    db_copy(row->type_label, sizeof(row->type_label), res, 0, 8);
    row->type_attributes = json_loads(PQgetvalue(res, 0, 9), 0, NULL);
    db_copy(row->requested_on, sizeof(row->requested_on), res, 0, 10);
    db_copy(row->started_on, sizeof(row->started_on), res, 0, 11);
    db_copy(row->hours_per_week, sizeof(row->hours_per_week), res, 0, 12);
    PQclear(res);
    if (!row->type_attributes) {
        intervention_row_clear(row);
        return DB_ERROR;
    }
    *found = 1;
    return DB_OK;
}

static const struct db_stmt type_fetch = {
    "intervention_type_fetch",
    "SELECT id, attributes::text, label_da FROM reference_items WHERE kind = 'intervention_type' AND code = $1 "
    "AND valid_from <= $2::date AND (valid_to IS NULL OR valid_to > $2::date)"};

enum db_status intervention_type_fetch(struct db_conn *db, const char *code, const char *date,
                                       struct intervention_type *out)
{
    const char *values[] = {code, date};
    PGresult *res;
    memset(out, 0, sizeof(*out));
    enum db_status st = db_exec_row(db, &type_fetch, 2, values, &res);
    if (st != DB_OK || !res)
        return st;
    out->attributes = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
    if (!out->attributes) {
        st = DB_ERROR;
    } else {
        db_copy(out->id, sizeof(out->id), res, 0, 0);
        db_copy(out->label, sizeof(out->label), res, 0, 2);
    }
    PQclear(res);
    return st;
}

static const struct db_stmt insert = {
    "intervention_insert",
    "INSERT INTO interventions (case_id, municipality, citizen_id, type_id, sector, requested_on, planned_start, "
    "provider, hours_per_week, review_id) "
    "SELECT c.id, c.municipality, c.citizen_id, t.id, t.attributes->>'sector', $3::date, $4::date, $5, $6::numeric, "
    "$7::uuid "
    "FROM cases c, reference_items t WHERE c.id = $1::uuid AND t.id = $2::bigint RETURNING id"};

enum db_status intervention_insert(struct db_conn *db, const struct intervention_new *in, char id_out[37])
{
    const char *values[] = {in->case_id, in->type_id, in->requested_on, in->planned_start, in->provider,
                            in->hours_per_week, in->review_id};
    int inserted;
    enum db_status st = db_exec_one(db, &insert, 7, values, id_out, 37, &inserted);
    /* The case and the type were read a moment ago in this transaction; no row means one
     * vanished from sight, which only a bug can cause. */
    return st == DB_OK && !inserted ? DB_ERROR : st;
}

static const struct db_stmt provisions = {
    "intervention_provisions_in_force",
    "SELECT x.code FROM interventions i JOIN reference_items t ON t.id = i.type_id "
    "CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(t.attributes->'legal_basis', '[]')) "
    "WITH ORDINALITY AS x(code, n) "
    "WHERE i.id = $1::uuid AND EXISTS (SELECT 1 FROM reference_items p WHERE p.kind = 'legal_provision' "
    "AND p.code = x.code AND p.valid_from <= $2::date AND (p.valid_to IS NULL OR p.valid_to > $2::date)) "
    "ORDER BY x.n"};

enum db_status intervention_provisions_in_force(struct db_conn *db, const char *intervention_id, const char *date,
                                                char codes[][64], size_t *n)
{
    const char *values[] = {intervention_id, date};
    PGresult *res;
    *n = 0;
    enum db_status st = db_exec(db, &provisions, 2, values, &res);
    if (st != DB_OK)
        return st;
    for (int i = 0; i < PQntuples(res) && *n < INTERVENTION_MAX_PROVISIONS; i++)
        db_copy(codes[(*n)++], 64, res, i, 0);
    PQclear(res);
    return DB_OK;
}

static const struct db_stmt overall = {
    "intervention_overall_decision",
    "SELECT d.id FROM decisions d JOIN reference_items k ON k.id = d.kind_id "
    "WHERE d.case_id = $1::uuid AND k.code = 'overall' AND decision_in_force(d) "
    "ORDER BY d.notified_on DESC, d.seq DESC LIMIT 1"};

enum db_status intervention_overall_decision(struct db_conn *db, const char *case_id, char id_out[37])
{
    const char *values[] = {case_id};
    int found;
    id_out[0] = '\0';
    return db_exec_one(db, &overall, 1, values, id_out, 37, &found);
}

#define INTERVENTION_STAMP "version = version + 1, updated_at = now(), updated_by = claim_sub() "
#define INTERVENTION_WHERE "WHERE id = $1::uuid AND version = $2::integer RETURNING id"

static const struct db_stmt start = {
    "intervention_start",
    "UPDATE interventions SET status = 'started', started_on = $3::date, provider = coalesce($4, provider), "
    "hours_per_week = coalesce($5::numeric, hours_per_week), decision_id = $6::uuid, " INTERVENTION_STAMP
    INTERVENTION_WHERE};

enum db_status intervention_start(struct db_conn *db, const char *id, long version, const char *started_on,
                                  const char *provider, const char *hours_per_week, const char *decision_id,
                                  int *updated)
{
    char v[24];
    snprintf(v, sizeof(v), "%ld", version);
    const char *values[] = {id, v, started_on, provider, hours_per_week, decision_id};
    return db_exec_one(db, &start, 6, values, NULL, 0, updated);
}

static const struct db_stmt end = {
    "intervention_end",
    "UPDATE interventions SET status = 'ended', ended_on = $3::date, outcome = $4, " INTERVENTION_STAMP
    INTERVENTION_WHERE};

enum db_status intervention_end(struct db_conn *db, const char *id, long version, const char *ended_on,
                                const char *outcome, int *updated)
{
    char v[24];
    snprintf(v, sizeof(v), "%ld", version);
    const char *values[] = {id, v, ended_on, outcome};
    return db_exec_one(db, &end, 4, values, NULL, 0, updated);
}

static const struct db_stmt cancel = {
    "intervention_cancel",
    "UPDATE interventions SET status = 'cancelled', cancelled_on = $3::date, cancel_reason = $4, "
    INTERVENTION_STAMP INTERVENTION_WHERE};

enum db_status intervention_cancel(struct db_conn *db, const char *id, long version, const char *cancelled_on,
                                   const char *reason, int *updated)
{
    char v[24];
    snprintf(v, sizeof(v), "%ld", version);
    const char *values[] = {id, v, cancelled_on, reason};
    return db_exec_one(db, &cancel, 4, values, NULL, 0, updated);
}

static const struct db_stmt bump = {"intervention_bump", "UPDATE interventions SET " INTERVENTION_STAMP
                                                         INTERVENTION_WHERE};

static const struct db_stmt progress = {
    "intervention_progress_insert",
    "INSERT INTO intervention_progress (intervention_id, municipality, noted_on, note) "
    "SELECT i.id, i.municipality, $2::date, $3 FROM interventions i WHERE i.id = $1::uuid"};

enum db_status intervention_add_progress(struct db_conn *db, const char *id, long version, const char *noted_on,
                                         const char *note, int *updated)
{
    char v[24];
    snprintf(v, sizeof(v), "%ld", version);
    const char *bump_values[] = {id, v};
    enum db_status st = db_exec_one(db, &bump, 2, bump_values, NULL, 0, updated);
    if (st != DB_OK || !*updated)
        return st;
    const char *values[] = {id, noted_on, note};
    PGresult *res;
    st = db_exec(db, &progress, 3, values, &res);
    PQclear(res);
    return st;
}

static const struct db_stmt list = {
    "intervention_list",
    "SELECT i.seq, intervention_document(i)::text FROM interventions i "
    "WHERE i.case_id = $1::uuid AND ($2::text IS NULL OR i.status = $2) "
    "AND i.seq > $3::bigint ORDER BY i.seq LIMIT $4::integer"};

enum db_status intervention_list(struct db_conn *db, const char *case_id, const char *status, const struct page *p,
                                 PGresult **res)
{
    const char *values[] = {case_id, status, p->after, p->fetch};
    return db_exec(db, &list, 4, values, res);
}

