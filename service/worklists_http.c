/* GET /v1/worklists/remitted-decisions: the municipality's decisions that Ankestyrelsen
 * annulled and remitted and that still wait for the new decision. Rows have the shape
 * {…, why, since} that every worklist will share. */
#include <jansson.h>

#include "access_log.h"
#include "appeals.h"
#include "handlers.h"
#include "page.h"
#include "reply.h"
#include "request.h"

void api_worklist_remitted(struct request *rq, struct reply *r)
{
    struct page p;
    if (page_from_query(rq, r, &p) != 0)
        return;
    /* The list names citizens: reading it is a search of their data. */
    json_t *criteria = json_pack("{s:s}", "worklist", "remitted-decisions");
    enum db_status st = access_log_write(rq, "search", "decision", NULL, NULL, criteria);
    json_decref(criteria);
    PGresult *res = NULL;
    if (st == DB_OK)
        st = appeal_remitted_worklist(rq->db, &p, &res);
    if (st != DB_OK) {
        db_reply_error(r, st);
        return;
    }
    page_reply(r, res, &p);
    PQclear(res);
}
