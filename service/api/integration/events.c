/* Writing to the outbox table; reading it is the event feed's job. */
#include "api/integration/events.h"

#include "http/request.h"

static const struct db_stmt insert_event = {
    "events_insert",
    "INSERT INTO events (type, resource_type, resource_id, resource_version, municipality, payload) "
    "VALUES ($1, $2, $3::uuid, $4::integer, $5, $6::jsonb)"};

enum db_status events_emit(struct request *rq, const char *type, const char *resource_type,
                           const char *resource_id, const char *version, const char *municipality,
                           const char *payload_json)
{
    const char *values[] = {type, resource_type, resource_id, version, municipality, payload_json};
    PGresult *res;
    enum db_status st = db_exec(rq->db, &insert_event, 6, values, &res);
    PQclear(res);
    return st;
}
