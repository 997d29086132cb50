/* /v1/decisions: draft, read, list, change a draft (If-Match) and issue. The handlers read
 * the request and answer; what a draft must satisfy and what issuing does is
 * decision_create.c and decision_issue.c, which other resources call too, and reading the
 * body is decision_input.c. */
#include <string.h>

#include "api/decisions/decision_input.h"
#include "api/decisions/decision_issue.h"
#include "api/decisions/decisions.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "http/page.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/calendar.h"
#include "law/validate.h"

/* The answer to a create or an issue: the decision with status, the 422, or what the step
 * already set. Clears row. */
static void answer(struct reply *r, struct check *c, enum decision_result res, int status, struct decision_row *row)
{
    if (res == DECISION_DONE) {
        struct resource v = decision_resource(row);
        resource_reply_change(r, status, &v);
    } else if (res == DECISION_INVALID) {
        reply_check_invalid(r, c);
    }
    decision_row_clear(row);
}

/* Locks the decision the path names and checks that it is a draft and the caller's
 * If-Match holds. The state is checked first: an issued decision never changes, whatever
 * version the caller read. Returns 0 with row filled (caller clears), or -1 with the reply
 * set. */
static int lock_draft(struct request *rq, struct reply *r, long version, struct decision_row *row)
{
    if (decision_from_path(rq, r, 1, row) != 0)
        return -1;
    if (strcmp(row->status, "draft") != 0)
        reply_state_problem(r, row->status,
                            "The decision is %s and cannot change; make a new decision that supersedes it.",
                            row->status);
    else if (row->version != version)
        reply_problem(r, PROBLEM_PRECONDITION_FAILED,
                      "The decision has changed since you read it; read it again and retry.");
    else
        return 0;
    decision_row_clear(row);
    return -1;
}

void api_decisions_create(struct request *rq, struct reply *r)
{
    struct check c;
    struct decision_row draft;
    check_begin(&c, rq->body, "");
    answer(r, &c, decision_create(rq, r, &c, &draft), 201, &draft);
    check_end(&c);
}

void api_decisions_get(struct request *rq, struct reply *r)
{
    struct decision_row row;
    if (decision_from_path(rq, r, 0, &row) != 0)
        return;
    struct resource v = decision_resource(&row);
    resource_reply_read(rq, r, &v);
    decision_row_clear(&row);
}

/* Staff list their municipality's decisions, a citizen their own: the same query, with
 * row-level security deciding which rows each sees. */
void api_decisions_list(struct request *rq, struct reply *r)
{
    static const char *const statuses[] = {"draft", "issued", "superseded", NULL};
    struct page p;
    if (page_from_query(rq, r, &p) != 0)
        return;
    struct decision_filter f = {
        .case_id = request_query(rq, "case_id"),
        .status = request_query(rq, "status"),
        .kind = request_query(rq, "kind"),
    };
    if ((f.status && !text_is_one_of(f.status, statuses)) || (f.kind && !decision_is_code(f.kind)) ||
        (f.case_id && !text_is_uuid(f.case_id))) {
        reply_problem(r, PROBLEM_BAD_REQUEST,
                      "Filters: case_id is a UUID, status draft, issued or superseded, kind a decision_kind code.");
        return;
    }
    PGresult *res = NULL;
    enum db_status st = decision_list(rq->db, &f, &p, &res);
    resource_reply_found_page(rq, r, st, res, &p, "decision", NULL,
                              json_pack("{s:s?, s:s?, s:s?}", "case_id", f.case_id, "status", f.status, "kind",
                                        f.kind));
}

void api_decisions_update(struct request *rq, struct reply *r)
{
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    struct decision_row row;
    if (lock_draft(rq, r, version, &row) != 0)
        return;
    struct check c;
    struct decision_input in;
    struct decision_refs refs;
    struct decision_fields f;
    char hours[24];
    int provisions_changed = 0;
    check_begin(&c, rq->body, "");
    struct decision_read_rules rules = decision_read_rules_now(rq);
    decision_read_body(&c, 0, &rules, &in);
    if (json_object_size(rq->body) == 0)
        check_fail(&c, NULL, "name at least one field to change");
    if (decision_apply_change(rq, r, &c, &in, &row, &f, hours, &refs, &provisions_changed) == 0 &&
        !reply_check_invalid(r, &c)) {
        int updated = 0;
        struct decision_row changed;
        enum db_status st = decision_update(rq->db, row.id, version, &f, &updated);
        if (st == DB_OK && updated && provisions_changed)
            st = decision_set_provisions(rq->db, row.id, refs.provisions, refs.n_provisions);
        if (st == DB_OK && updated)
            st = decision_record(rq, row.id, "decision.updated", "update", &changed);
        if (resource_updated(r, st, updated, "decision") == 0) {
            struct resource v = decision_resource(&changed);
            resource_reply_change(r, 200, &v);
            decision_row_clear(&changed);
        }
    }
    decision_row_clear(&row);
    check_end(&c);
}

void api_decisions_issue(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"notified_on", NULL};
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    struct decision_row draft, issued;
    if (lock_draft(rq, r, version, &draft) != 0)
        return;
    struct check c;
    struct cal_date notified = cal_today();
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    int got = check_date(&c, "notified_on", 0, &notified);
    enum decision_result res =
        decision_issue_draft(rq, r, &c, &draft, got == CHECK_INVALID ? NULL : &notified, &issued);
    answer(r, &c, res, 200, &issued);
    decision_row_clear(&draft);
    check_end(&c);
}
