/* Exemption SQL. The document is built in the database, as every resource's is, so the
 * list, the create answer and the event show the same representation. */
#include "api/cases/exemptions.h"

#include <string.h>

#define EXEMPTION_DOCUMENT                                                                            \
    "json_build_object('id', e.id, 'case_id', e.case_id, 'citizen_id', e.citizen_id, "               \
    "'municipality', e.municipality, 'from_on', e.from_on, 'to_on', e.to_on, 'reason', e.reason, "   \
    "'created_at', rfc3339(e.created_at))::text"

void exemption_row_clear(struct exemption_row *row)
{
    json_decref(row->doc);
    memset(row, 0, sizeof(*row));
}

static const struct db_stmt fetch = {
    "exemption_fetch",
    "SELECT " EXEMPTION_DOCUMENT ", e.id, e.citizen_id, e.municipality FROM exemptions e WHERE e.id = $1::uuid"};

enum db_status exemption_fetch(struct db_conn *db, const char *id, struct exemption_row *row, int *found)
{
    PGresult *res;
    memset(row, 0, sizeof(*row));
    *found = 0;
    enum db_status st = db_fetch_document(db, &fetch, id, &res, &row->doc);
    if (st != DB_OK || !res)
        return st;
    db_copy(row->id, sizeof(row->id), res, 0, 1);
    db_copy(row->citizen_id, sizeof(row->citizen_id), res, 0, 2);
    db_copy(row->municipality, sizeof(row->municipality), res, 0, 3);
    *found = 1;
    PQclear(res);
    return DB_OK;
}

static const struct db_stmt insert = {
    "exemption_insert",
    "INSERT INTO exemptions (case_id, municipality, citizen_id, from_on, to_on, reason) "
    "SELECT c.id, c.municipality, c.citizen_id, $2::date, $3::date, $4 FROM cases c WHERE c.id = $1::uuid "
    "RETURNING id"};

enum db_status exemption_insert(struct db_conn *db, const char *case_id, const char *from_on, const char *to_on,
                                const char *reason, char id_out[37])
{
    const char *values[] = {case_id, from_on, to_on, reason};
    int inserted;
    enum db_status st = db_exec_one(db, &insert, 4, values, id_out, 37, &inserted);
    /* The case was read a moment ago in this transaction: no row is a bug. */
    return st == DB_OK && !inserted ? DB_ERROR : st;
}

static const struct db_stmt list = {
    "exemption_list",
    "SELECT e.seq, " EXEMPTION_DOCUMENT " FROM exemptions e "
    "WHERE e.case_id = $1::uuid AND e.seq > $2::bigint ORDER BY e.seq LIMIT $3::integer"};

enum db_status exemption_list(struct db_conn *db, const char *case_id, const struct page *p, PGresult **res)
{
    const char *values[] = {case_id, p->after, p->fetch};
    return db_exec(db, &list, 3, values, res);
}
