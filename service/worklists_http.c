/* GET /v1/worklists/remitted-decisions: the municipality's decisions that Ankestyrelsen
 * annulled and remitted and that still wait for the new decision. Rows have the shape
 * {…, why, since} that every worklist will share. */
#include <jansson.h>

#include "appeals.h"
#include "handlers.h"
#include "page.h"
#include "request.h"
#include "resource.h"

void api_worklist_remitted(struct request *rq, struct reply *r)
{
    struct page p;
    if (page_from_query(rq, r, &p) != 0)
        return;
    /* The list names citizens: reading it is a search of their data. */
    enum db_status st =
        resource_log_search(rq, "decision", NULL, json_pack("{s:s}", "worklist", "remitted-decisions"));
    PGresult *res = NULL;
    if (st == DB_OK)
        st = appeal_remitted_worklist(rq->db, &p, &res);
    page_reply_result(r, st, res, &p);
}
