/* Access-log rows. The actor's identity is not a parameter: the table's defaults take it
 * from the claims and a policy refuses any other value. */
#include "api/access_log/access_log.h"

#include <stdlib.h>

#include "http/request.h"

static const struct db_stmt insert_row = {
    "access_log_insert",
    "INSERT INTO access_log (action, resource_type, resource_id, citizen_id, criteria) "
    "VALUES ($1, $2, $3::uuid, $4::uuid, $5::jsonb)"};

/* One row per distinct (citizen, municipality) shown; a use whose municipality the service
 * did not know is the caller's own municipality's (staff), or left to the trigger. */
static const struct db_stmt insert_each = {
    "access_log_insert_each",
    "INSERT INTO access_log (action, resource_type, citizen_id, municipality, criteria) "
    "SELECT $1, $2, u.citizen_id, coalesce(u.municipality, claim_municipality()), $5::jsonb "
    "FROM (SELECT DISTINCT (e->>'citizen_id')::uuid AS citizen_id, e->>'municipality' AS municipality "
    "FROM json_array_elements($3::json) e "
    "UNION ALL SELECT $4::uuid, NULL WHERE json_array_length($3::json) = 0) u"};

enum db_status access_log_write_each(struct request *rq, const char *action, const char *resource_type,
                                     json_t *uses, const char *citizen_id, json_t *criteria)
{
    char *uses_text = json_dumps(uses, JSON_COMPACT);
    char *criteria_text = criteria ? json_dumps(criteria, JSON_COMPACT) : NULL;
    const char *values[] = {action, resource_type, uses_text, citizen_id, criteria_text};
    PGresult *res = NULL;
    enum db_status st = uses_text ? db_exec(rq->db, &insert_each, 5, values, &res) : DB_ERROR;
    PQclear(res);
    free(uses_text);
    free(criteria_text);
    return st;
}

enum db_status access_log_write(struct request *rq, const char *action, const char *resource_type,
                                const char *resource_id, const char *citizen_id, json_t *criteria)
{
    char *criteria_text = criteria ? json_dumps(criteria, JSON_COMPACT) : NULL;
    const char *values[] = {action, resource_type, resource_id, citizen_id, criteria_text};
    PGresult *res;
    enum db_status st = db_exec(rq->db, &insert_row, 5, values, &res);
    PQclear(res);
    free(criteria_text);
    return st;
}
