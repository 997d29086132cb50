/* The case a path names; see case_path.h. A malformed id is looked up as nothing rather
 * than refused with 400, so it cannot be told apart from a case the caller may not see. */
#include "api/cases/case_path.h"

#include <string.h>

#include "api/resource.h"
#include "http/request.h"
#include "law/validate.h"

int case_path_fetch(struct request *rq, struct reply *r, int for_update, struct case_row *cs)
{
    const char *id = request_param(rq, "case_id");
    int found = 0;
    memset(cs, 0, sizeof(*cs));
    enum db_status st = text_is_uuid(id) ? case_fetch(rq->db, id, for_update, cs, &found) : DB_OK;
    return resource_found(r, st, found, "case");
}
