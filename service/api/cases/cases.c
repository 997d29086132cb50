/* Case SQL. The case document is built by case_document() in the database, so reads,
 * writes and events all show the same representation. */
#include "api/cases/cases.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void case_row_clear(struct case_row *row)
{
    json_decref(row->doc);
    memset(row, 0, sizeof(*row));
}

struct resource case_resource(const struct case_row *row)
{
    struct resource v = {"case", "/v1/cases", row->id, row->citizen_id, row->municipality, row->version, row->doc};
    return v;
}

#define CASE_SELECT                                                                          \
    "SELECT case_document(c)::text, c.id, c.citizen_id, c.municipality, c.status, c.version, " \
    "tg.code, c.target_group_id, c.target_group_since, b.code, c.benefit_id, c.benefit_start, "  \
    "c.caseworker, coalesce(c.coordinating_caseworker, '') "                                   \
    "FROM cases c JOIN reference_items tg ON tg.id = c.target_group_id "                       \
    "JOIN reference_items b ON b.id = c.benefit_id WHERE c.id = $1::uuid"

static const struct db_stmt fetch = {"case_fetch", CASE_SELECT};
static const struct db_stmt fetch_locked = {"case_fetch_locked", CASE_SELECT " FOR UPDATE OF c"};

enum db_status case_fetch(struct db_conn *db, const char *id, int for_update, struct case_row *row,
                          int *found)
{
    PGresult *res;
    memset(row, 0, sizeof(*row));
    *found = 0;
    enum db_status st = db_fetch_document(db, for_update ? &fetch_locked : &fetch, id, &res, &row->doc);
    if (st != DB_OK || !res)
        return st;
    db_copy(row->id, sizeof(row->id), res, 0, 1);
    db_copy(row->citizen_id, sizeof(row->citizen_id), res, 0, 2);
    db_copy(row->municipality, sizeof(row->municipality), res, 0, 3);
    db_copy(row->status, sizeof(row->status), res, 0, 4);
    row->version = strtol(PQgetvalue(res, 0, 5), NULL, 10);
    db_copy(row->target_group, sizeof(row->target_group), res, 0, 6);
    db_copy(row->target_group_id, sizeof(row->target_group_id), res, 0, 7);
    db_copy(row->target_group_since, sizeof(row->target_group_since), res, 0, 8);
    db_copy(row->benefit, sizeof(row->benefit), res, 0, 9);
    db_copy(row->benefit_id, sizeof(row->benefit_id), res, 0, 10);
    db_copy(row->benefit_start, sizeof(row->benefit_start), res, 0, 11);
    db_copy(row->caseworker, sizeof(row->caseworker), res, 0, 12);
    db_copy(row->coordinating_caseworker, sizeof(row->coordinating_caseworker), res, 0, 13);
    *found = 1;
    PQclear(res);
    return DB_OK;
}

/* DO NOTHING rather than an error, so the transaction lives on to name the open case: a
 * racing insert is waited for, and its case is then visible to the next statement. */
static const struct db_stmt insert = {
    "case_insert",
    "INSERT INTO cases (citizen_id, municipality, target_group_id, target_group_since, benefit_id, "
    "benefit_start, caseworker, coordinating_caseworker) "
    "VALUES ($1::uuid, claim_municipality(), $2::bigint, $3::date, $4::bigint, $5::date, $6, $7) "
    "ON CONFLICT (citizen_id, municipality) WHERE status = 'open' DO NOTHING RETURNING id"};

static const struct db_stmt open_case = {
    "case_open_of_citizen",
    "SELECT id FROM cases WHERE citizen_id = $1::uuid AND municipality = claim_municipality() "
    "AND status = 'open'"};

enum db_status case_insert(struct db_conn *db, const struct case_fields *f, char id_out[37])
{
    const char *values[] = {f->citizen_id, f->target_group_id, f->target_group_since, f->benefit_id,
                            f->benefit_start, f->caseworker, f->coordinating_caseworker};
    int inserted, found;
    enum db_status st = db_exec_one(db, &insert, 7, values, id_out, 37, &inserted);
    if (st != DB_OK || inserted)
        return st;
    st = db_exec_one(db, &open_case, 1, values, id_out, 37, &found);
    if (st != DB_OK)
        return st;
    return found ? DB_UNIQUE : DB_ERROR;
}

static const struct db_stmt update = {
    "case_update",
    "UPDATE cases SET target_group_id = $3::bigint, target_group_since = $4::date, "
    "benefit_id = $5::bigint, benefit_start = $6::date, caseworker = $7, "
    "coordinating_caseworker = $8, version = version + 1, updated_at = now(), "
    "updated_by = claim_sub() "
    "WHERE id = $1::uuid AND version = $2::integer AND status = 'open' RETURNING id"};

enum db_status case_update(struct db_conn *db, const char *id, long version,
                           const struct case_fields *f, int *updated)
{
    char v[24];
    snprintf(v, sizeof(v), "%ld", version);
    const char *values[] = {id, v, f->target_group_id, f->target_group_since, f->benefit_id,
                            f->benefit_start, f->caseworker, f->coordinating_caseworker};
    return db_exec_one(db, &update, 8, values, NULL, 0, updated);
}

static const struct db_stmt close_case = {
    "case_close",
    "UPDATE cases SET status = 'closed', close_reason = $3, closed_at = now(), "
    "version = version + 1, updated_at = now(), updated_by = claim_sub() "
    "WHERE id = $1::uuid AND version = $2::integer AND status = 'open' RETURNING id"};

enum db_status case_close(struct db_conn *db, const char *id, long version, const char *reason,
                          int *updated)
{
    char v[24];
    snprintf(v, sizeof(v), "%ld", version);
    const char *values[] = {id, v, reason};
    return db_exec_one(db, &close_case, 3, values, NULL, 0, updated);
}

static const struct db_stmt list = {
    "case_list",
    "SELECT c.seq, case_document(c)::text FROM cases c "
    "WHERE ($1::text IS NULL OR c.caseworker = $1) "
    "AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM reference_items r "
    "     WHERE r.id = c.target_group_id AND r.code = $2)) "
    "AND ($3::text IS NULL OR c.status = $3) "
    "AND ($4::uuid IS NULL OR c.citizen_id = $4::uuid) "
    "AND c.seq > $5::bigint ORDER BY c.seq LIMIT $6::integer"};

enum db_status case_list(struct db_conn *db, const struct case_filter *f, const struct page *p,
                         PGresult **res)
{
    const char *values[] = {f->caseworker, f->target_group, f->status, f->citizen_id, p->after,
                            p->fetch};
    return db_exec(db, &list, 6, values, res);
}

static const struct db_stmt assignments = {
    "case_assignments",
    "SELECT coalesce(json_agg(json_build_object('role', a.role, 'staff_id', a.staff_id, "
    "'assigned_at', rfc3339(a.assigned_at), 'assigned_by', a.assigned_by) ORDER BY a.id), '[]')::text "
    "FROM caseworker_assignments a WHERE a.case_id = $1::uuid"};

enum db_status case_assignments(struct db_conn *db, const char *id, PGresult **res)
{
    const char *values[] = {id};
    return db_exec(db, &assignments, 1, values, res);
}
