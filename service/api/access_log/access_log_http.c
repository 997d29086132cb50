/* GET /v1/access-log: the municipality's access log, for auditors. */
#include "api/handlers.h"
#include "api/resource.h"
#include "http/page.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/validate.h"
#include "store/db.h"

static const struct db_stmt list = {
    "access_log_list",
    "SELECT l.id, json_build_object('id', l.id, 'at', rfc3339(l.at), 'actor_sub', l.actor_sub, "
    "'actor_role', l.actor_role, 'action', l.action, 'resource_type', l.resource_type, "
    "'resource_id', l.resource_id, 'citizen_id', l.citizen_id, 'criteria', l.criteria, "
    "'request_id', l.request_id)::text FROM access_log l "
    "WHERE ($1::uuid IS NULL OR l.citizen_id = $1::uuid) "
    "AND ($2::uuid IS NULL OR l.resource_id = $2::uuid) "
    "AND l.id > $3::bigint ORDER BY l.id LIMIT $4::integer"};

void api_access_log_list(struct request *rq, struct reply *r)
{
    struct page p;
    if (page_from_query(rq, r, &p) != 0)
        return;
    const char *citizen = request_query(rq, "citizen_id");
    const char *resource = request_query(rq, "resource_id");
    if ((citizen && !text_is_uuid(citizen)) || (resource && !text_is_uuid(resource))) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "citizen_id and resource_id must be UUIDs.");
        return;
    }
    const char *values[] = {citizen, resource, p.after, p.fetch};
    PGresult *res = NULL;
    enum db_status st = db_exec(rq->db, &list, 4, values, &res);
    /* Reading the log is itself a use of personal data (it names citizens). It is logged
     * after the read so the reader's own row is not part of what they read. */
    if (st == DB_OK)
        st = resource_log_search(rq, "access_log", citizen,
                                 json_pack("{s:s?, s:s?}", "citizen_id", citizen, "resource_id", resource));
    page_reply_result(r, st, res, &p);
}
