/* /v1/cases/{case_id}/exemptions: recording a temporary exemption from requirements and
 * sanctions, and listing a case's exemptions. The right to interventions stays during an
 * exemption: nothing about interventions reads them; the flag exemption_expiring does. */
#include <string.h>

#include "api/cases/case_path.h"
#include "api/cases/exemptions.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "http/page.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/calendar.h"
#include "law/validate.h"

/* An exemption is never changed and has no address of its own (it is read in its case's
 * list), so the answer carries neither an ETag nor a Location. */
static void finish_create(struct request *rq, struct reply *r, const char *id)
{
    static const char *const events[] = {"exemption.created", NULL};
    struct exemption_row row;
    int found = 0;
    enum db_status st = exemption_fetch(rq->db, id, &row, &found);
    if (st == DB_OK && !found)
        st = DB_ERROR;
    if (st == DB_OK) {
        struct resource v = {"exemption", NULL, row.id, row.citizen_id, row.municipality, 1, row.doc};
        st = resource_record_change(rq, &v, "create", events);
    }
    if (st == DB_OK) {
        /* Exemptions are not addressed one by one: the list on the case is where it lives. */
        reply_header(r, "Location", "/v1/cases/%s/exemptions", json_string_value(json_object_get(row.doc, "case_id")));
        reply_json(r, 201, json_incref(row.doc));
    }
    else
        reply_db_error(r, st);
    exemption_row_clear(&row);
}

void api_exemptions_create(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"from_on", "to_on", "reason", NULL};
    struct cal_date from, to;
    const char *reason = NULL;
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    int has_from = check_date(&c, "from_on", 1, &from) == CHECK_OK;
    int has_to = check_date(&c, "to_on", 1, &to) == CHECK_OK;
    check_text(&c, "reason", 1, TEXT_MULTILINE, 2000, &reason);
    if (has_from && has_to && cal_after(from, to))
        check_fail(&c, "to_on", "must not be before from_on");
    struct case_row cs;
    if (reply_check_invalid(r, &c) || case_path_fetch(rq, r, 1, &cs) != 0) {
        check_end(&c);
        return;
    }
    check_end(&c);
    if (strcmp(cs.status, "open") != 0) {
        reply_state_problem(r, cs.status, "The case is %s: no exemption can be recorded on it.", cs.status);
    } else {
        char from_text[CAL_ISO_SIZE], to_text[CAL_ISO_SIZE], id[37];
        cal_format_iso(from, from_text);
        cal_format_iso(to, to_text);
        enum db_status st = exemption_insert(rq->db, cs.id, from_text, to_text, reason, id);
        if (st != DB_OK)
            reply_db_error(r, st);
        else
            finish_create(rq, r, id);
    }
    case_row_clear(&cs);
}

/* Staff list their municipality's exemptions on a case, a citizen those on their own. */
void api_exemptions_list(struct request *rq, struct reply *r)
{
    struct page p;
    if (page_from_query(rq, r, &p) != 0)
        return;
    struct case_row cs;
    if (case_path_fetch(rq, r, 0, &cs) != 0)
        return;
    enum db_status st = resource_log_search(rq, "exemption", cs.citizen_id, json_pack("{s:s}", "case_id", cs.id));
    PGresult *res = NULL;
    if (st == DB_OK)
        st = exemption_list(rq->db, cs.id, &p, &res);
    page_reply_result(r, st, res, &p);
    case_row_clear(&cs);
}
