/* Appeal SQL. The appeal document is built by appeal_document() in the database, so reads,
 * writes and events show the same representation; decisions are read here with this
 * module's own statements, never through the decisions module. */
#include "api/appeals/appeals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void appeal_row_clear(struct appeal_row *row)
{
    json_decref(row->doc);
    memset(row, 0, sizeof(*row));
}

#define APPEAL_SELECT                                                                              \
    "SELECT appeal_document(a)::text, a.id, a.decision_id, coalesce(a.new_decision_id::text, ''), " \
    "a.citizen_id, a.municipality, a.status, a.version, a.received_on, a.reconsideration_deadline, " \
    "coalesce(a.forwarded_on::text, '') FROM appeals a WHERE a.id = $1::uuid"

static const struct db_stmt fetch = {"appeal_fetch", APPEAL_SELECT};
static const struct db_stmt fetch_locked = {"appeal_fetch_locked", APPEAL_SELECT " FOR UPDATE OF a"};

enum db_status appeal_fetch(struct db_conn *db, const char *id, int for_update, struct appeal_row *row,
                            int *found)
{
    PGresult *res;
    memset(row, 0, sizeof(*row));
    *found = 0;
    enum db_status st = db_fetch_document(db, for_update ? &fetch_locked : &fetch, id, &res, &row->doc);
    if (st != DB_OK || !res)
        return st;
    db_copy(row->id, sizeof(row->id), res, 0, 1);
    db_copy(row->decision_id, sizeof(row->decision_id), res, 0, 2);
    db_copy(row->new_decision_id, sizeof(row->new_decision_id), res, 0, 3);
    db_copy(row->citizen_id, sizeof(row->citizen_id), res, 0, 4);
    db_copy(row->municipality, sizeof(row->municipality), res, 0, 5);
    db_copy(row->status, sizeof(row->status), res, 0, 6);
    row->version = strtol(PQgetvalue(res, 0, 7), NULL, 10);
    db_copy(row->received_on, sizeof(row->received_on), res, 0, 8);
    db_copy(row->reconsideration_deadline, sizeof(row->reconsideration_deadline), res, 0, 9);
    db_copy(row->forwarded_on, sizeof(row->forwarded_on), res, 0, 10);
    *found = 1;
    PQclear(res);
    return DB_OK;
}

static const struct db_stmt board_status = {
    "appeal_status_for_board", "SELECT coalesce(appeal_status_for_board($1::uuid), '')"};

enum db_status appeal_status_for_board(struct db_conn *db, const char *id, char out[32])
{
    const char *values[] = {id};
    int found;
    out[0] = '\0';
    return db_exec_one(db, &board_status, 1, values, out, 32, &found);
}

static const struct db_stmt decision_fetch = {
    "appeal_decision_fetch",
    "SELECT d.id, d.status, d.force_lost_on IS NOT NULL, d.citizen_id, "
    "coalesce(d.appeal_deadline::text, ''), coalesce(d.supersedes_id::text, ''), "
    "coalesce((SELECT a.id::text FROM appeals a WHERE a.decision_id = d.id "
    "          AND a.status IN ('received', 'forwarded') LIMIT 1), ''), "
    "coalesce(d.notified_on::text, '') "
    "FROM decisions d WHERE d.id = $1::uuid"};

enum db_status appeal_decision_fetch(struct db_conn *db, const char *id, struct appealed_decision *d,
                                     int *found)
{
    const char *values[] = {id};
    PGresult *res;
    memset(d, 0, sizeof(*d));
    *found = 0;
    enum db_status st = db_exec_row(db, &decision_fetch, 1, values, &res);
    if (st != DB_OK || !res)
        return st;
    db_copy(d->id, sizeof(d->id), res, 0, 0);
    db_copy(d->status, sizeof(d->status), res, 0, 1);
    d->force_lost = strcmp(PQgetvalue(res, 0, 2), "t") == 0;
    db_copy(d->citizen_id, sizeof(d->citizen_id), res, 0, 3);
    db_copy(d->appeal_deadline, sizeof(d->appeal_deadline), res, 0, 4);
    db_copy(d->supersedes_id, sizeof(d->supersedes_id), res, 0, 5);
    db_copy(d->open_appeal_id, sizeof(d->open_appeal_id), res, 0, 6);
    db_copy(d->notified_on, sizeof(d->notified_on), res, 0, 7);
    *found = 1;
    PQclear(res);
    return DB_OK;
}

static const struct db_stmt insert = {
    "appeal_insert",
    "INSERT INTO appeals (decision_id, case_id, municipality, citizen_id, received_on, channel, "
    "filed_by_role, grounds, late, days_late, reconsideration_deadline) "
    "SELECT d.id, d.case_id, d.municipality, d.citizen_id, $2::date, $3, claim_role(), $4, "
    "$5::boolean, $6::integer, $7::date FROM decisions d WHERE d.id = $1::uuid RETURNING id"};

enum db_status appeal_insert(struct db_conn *db, const struct appeal_new *a, char id_out[37])
{
    char days[24];
    snprintf(days, sizeof(days), "%ld", a->days_late);
    const char *values[] = {a->decision_id, a->received_on, a->channel, a->grounds,
                            a->late ? "true" : "false", days, a->reconsideration_deadline};
    int inserted;
    enum db_status st = db_exec_one(db, &insert, 7, values, id_out, 37, &inserted);
    /* The decision was read a moment ago in this transaction; no row means it vanished
     * from sight, which only a bug can cause. */
    return st == DB_OK && !inserted ? DB_ERROR : st;
}

static const struct db_stmt step_insert = {
    "appeal_step_insert",
    "INSERT INTO appeal_steps (appeal_id, step, on_date, details) VALUES ($1::uuid, $2, $3::date, $4::jsonb)"};

enum db_status appeal_step_insert(struct db_conn *db, const char *appeal_id, const char *step,
                                  const char *on_date, json_t *details)
{
    char *text = details ? json_dumps(details, JSON_COMPACT) : NULL;
    json_decref(details);
    if (!text)
        return DB_ERROR;
    const char *values[] = {appeal_id, step, on_date, text};
    PGresult *res;
    enum db_status st = db_exec(db, &step_insert, 4, values, &res);
    PQclear(res);
    free(text);
    return st;
}

#define APPEAL_STAMP "version = version + 1, updated_at = now(), updated_by = claim_sub() "
#define APPEAL_WHERE "WHERE id = $1::uuid AND version = $2::integer RETURNING id"

static const struct db_stmt reconsider = {
    "appeal_reconsider",
    "UPDATE appeals SET status = $3, reconsideration_outcome = $4, reconsidered_on = $5::date, "
    "reconsidered_late = $6::boolean, new_decision_id = $7::uuid, municipality_statement = $8, "
    "forwarded_on = $9::date, " APPEAL_STAMP APPEAL_WHERE};

enum db_status appeal_reconsider(struct db_conn *db, const char *id, long version,
                                 const struct appeal_reconsideration *rc, int *updated)
{
    char v[24];
    snprintf(v, sizeof(v), "%ld", version);
    const char *values[] = {id,
                            v,
                            rc->status,
                            rc->outcome,
                            rc->reconsidered_on,
                            rc->late ? "true" : "false",
                            rc->new_decision_id,
                            rc->statement,
                            rc->forwarded_on};
    return db_exec_one(db, &reconsider, 9, values, NULL, 0, updated);
}

static const struct db_stmt rule = {
    "appeal_rule",
    "UPDATE appeals SET status = 'ruled', ruling = $3, ruled_on = $4::date, ruling_reference = $5, "
    "ruling_note = $6, " APPEAL_STAMP APPEAL_WHERE};

enum db_status appeal_rule(struct db_conn *db, const char *id, long version, const char *outcome,
                           const char *ruled_on, const char *reference, const char *note, int *updated)
{
    char v[24];
    snprintf(v, sizeof(v), "%ld", version);
    const char *values[] = {id, v, outcome, ruled_on, reference, note};
    return db_exec_one(db, &rule, 6, values, NULL, 0, updated);
}

static const struct db_stmt suspensive = {
    "appeal_suspensive_effect",
    "UPDATE appeals SET suspensive_effect = $3, suspensive_effect_on = $4::date, "
    "suspensive_effect_note = $5, " APPEAL_STAMP APPEAL_WHERE};

enum db_status appeal_set_suspensive_effect(struct db_conn *db, const char *id, long version,
                                            const char *decision, const char *on, const char *note,
                                            int *updated)
{
    char v[24];
    snprintf(v, sizeof(v), "%ld", version);
    const char *values[] = {id, v, decision, on, note};
    return db_exec_one(db, &suspensive, 5, values, NULL, 0, updated);
}

/* The immutability trigger lets exactly these columns of an issued decision change. */
static const struct db_stmt take_force = {
    "appeal_take_force",
    "UPDATE decisions d SET force_lost_on = $2::date, force_lost_reason = $3, version = d.version + 1, "
    "updated_at = now(), updated_by = claim_sub() WHERE d.id = $1::uuid AND d.force_lost_on IS NULL "
    "RETURNING decision_document(d)::text, d.id, d.citizen_id, d.municipality, d.version"};

enum db_status appeal_take_force(struct db_conn *db, const char *decision_id, const char *on,
                                 const char *reason, struct appeal_force_lost *out, int *taken)
{
    const char *values[] = {decision_id, on, reason};
    PGresult *res;
    memset(out, 0, sizeof(*out));
    *taken = 0;
    enum db_status st = db_exec_row(db, &take_force, 3, values, &res);
    if (st != DB_OK || !res)
        return st;
    out->doc_text = strdup(PQgetvalue(res, 0, 0));
    db_copy(out->id, sizeof(out->id), res, 0, 1);
    db_copy(out->citizen_id, sizeof(out->citizen_id), res, 0, 2);
    db_copy(out->municipality, sizeof(out->municipality), res, 0, 3);
    db_copy(out->version, sizeof(out->version), res, 0, 4);
    *taken = out->doc_text != NULL;
    if (!out->doc_text)
        st = DB_ERROR;
    PQclear(res);
    return st;
}

static const struct db_stmt list = {
    "appeal_list",
    "SELECT a.seq, appeal_document(a)::text FROM appeals a "
    "WHERE ($1::text IS NULL OR a.status = $1) "
    "AND ($2::uuid IS NULL OR a.decision_id = $2::uuid) "
    "AND a.seq > $3::bigint ORDER BY a.seq LIMIT $4::integer"};

enum db_status appeal_list(struct db_conn *db, const struct appeal_filter *f, const struct page *p,
                           PGresult **res)
{
    const char *values[] = {f->status, f->decision_id, p->after, p->fetch};
    return db_exec(db, &list, 4, values, res);
}

