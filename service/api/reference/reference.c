/* Reference data look-ups. */
#include "api/reference/reference.h"

#include <stdio.h>

#include "http/reply.h"
#include "law/validate.h"

static const struct db_stmt resolve = {
    "reference_resolve",
    "SELECT id FROM reference_items WHERE kind = $1 AND code = $2 "
    "AND valid_from <= $3::date AND (valid_to IS NULL OR valid_to > $3::date)"};

enum db_status reference_resolve(struct db_conn *db, const char *kind, const char *code,
                                 const char *date, char id_out[24])
{
    const char *values[] = {kind, code, date};
    PGresult *res;
    id_out[0] = '\0';
    enum db_status st = db_exec(db, &resolve, 3, values, &res);
    if (st != DB_OK)
        return st;
    const char *id = db_value(res, 0, 0);
    if (id)
        snprintf(id_out, 24, "%s", id);
    PQclear(res);
    return DB_OK;
}

int reference_resolve_field(struct db_conn *db, struct reply *r, struct check *c, const char *kind,
                            const char *key, const char *code, const char *date, const char *message,
                            char id_out[24])
{
    enum db_status st = reference_resolve(db, kind, code, date, id_out);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return -1;
    }
    if (!*id_out)
        check_fail(c, key, message);
    return 0;
}
