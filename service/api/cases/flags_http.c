/* The flags the service raises: GET /v1/cases/{case_id}/flags (one case's, as its document
 * shows them) and GET /v1/flags (the caller's municipality's open cases, one row per flag,
 * filtered by flag code and caseworker: a worklist). */
#include <string.h>

#include "api/cases/case_path.h"
#include "api/cases/flags.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "http/page.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/validate.h"

/* The case document carries case_flags(): reading the flags is reading the case, with the
 * case's access-log row and ETag. */
void api_case_flags(struct request *rq, struct reply *r)
{
    struct case_row cs;
    if (case_path_fetch(rq, r, 0, &cs) != 0)
        return;
    json_t *flags = json_object_get(cs.doc, "flags");
    json_t *doc = json_is_array(flags) ? json_pack("{s:s, s:O}", "case_id", cs.id, "items", flags) : NULL;
    if (doc) {
        struct resource v = {"case", "/v1/cases", cs.id, cs.citizen_id, cs.municipality, cs.version, doc};
        resource_reply_read_computed(rq, r, &v);
    } else {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
    }
    json_decref(doc);
    case_row_clear(&cs);
}

/* 1 when s looks like a flag code (what reference codes look like: a-z, 0-9, _). An
 * unknown code of that form matches nothing: the codes are the database's, not C's. */
static int is_flag_code(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 60)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return 0;
    return 1;
}

void api_flags_list(struct request *rq, struct reply *r)
{
    struct page p;
    struct flag_cursor after;
    if (page_limit_from_query(rq, r, &p) != 0)
        return;
    if (flag_cursor_read(request_query(rq, "cursor"), &after) != 0) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "cursor is not one this service gave out.");
        return;
    }
    struct flag_filter f = {request_query(rq, "code"), request_query(rq, "caseworker")};
    if ((f.code && !is_flag_code(f.code)) || (f.caseworker && !text_is_identifier(f.caseworker))) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "Filters: code is a flag code (a-z, 0-9, _), caseworker a staff id.");
        return;
    }
    /* The list names citizens: reading it is a search of their data. */
    PGresult *res = NULL;
    enum db_status st = flag_list(rq->db, &f, &after, &p, &res);
    resource_reply_found_page(rq, r, st, res, &p, "case", NULL,
                              json_pack("{s:s, s:s?, s:s?}", "worklist", "flags", "code", f.code, "caseworker",
                                        f.caseworker));
}
