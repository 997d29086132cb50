/* /v1/cases and /v1/me/cases: create, read, list, change (with If-Match) and close. */
#include <string.h>

#include "api/access_log/access_log.h"
#include "api/cases/case_path.h"
#include "api/cases/cases.h"
#include "api/handlers.h"
#include "api/reference/reference.h"
#include "api/resource.h"
#include "auth/roles.h"
#include "http/page.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/calendar.h"
#include "law/validate.h"

#define NOT_IN_FORCE "no such code is in force on that date (see /v1/reference)"

static int staff_id(struct check *c, const char *key, const char **out)
{
    int got = check_text(c, key, 0, TEXT_LINE, 128, out);
    if (got == CHECK_OK && !text_is_identifier(*out)) {
        check_fail(c, key, IDENTIFIER_MESSAGE);
        return CHECK_INVALID;
    }
    return got;
}

/* The access-log row, the event and the reply every successful change ends with. */
static void finish_write(struct request *rq, struct reply *r, const char *id, const char *event,
                         const char *action, int status)
{
    const char *const events[] = {event, NULL};
    struct case_row row;
    int found = 0;
    enum db_status st = case_fetch(rq->db, id, 0, &row, &found);
    struct resource v = case_resource(&row);
    resource_finish_change(rq, r, st, found, &v, action, events, status);
    case_row_clear(&row);
}

void api_cases_create(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"citizen_id", "target_group", "target_group_since", "benefit",
                                          "benefit_start", "caseworker", "coordinating_caseworker", NULL};
    struct check c;
    struct cal_date since, start;
    const char *citizen = NULL, *tg = NULL, *benefit = NULL, *cw = NULL, *coordinator = NULL;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_uuid(&c, "citizen_id", 1, &citizen);
    check_text(&c, "target_group", 1, TEXT_LINE, 60, &tg);
    int has_since = check_date(&c, "target_group_since", 1, &since) == CHECK_OK;
    check_text(&c, "benefit", 1, TEXT_LINE, 60, &benefit);
    int has_start = check_date(&c, "benefit_start", 1, &start) == CHECK_OK;
    staff_id(&c, "caseworker", &cw);
    staff_id(&c, "coordinating_caseworker", &coordinator);
    if (!cw && rq->role == ROLE_CASEWORKER && text_is_identifier(rq->claims.sub))
        cw = rq->claims.sub;
    else if (!cw && !json_object_get(rq->body, "caseworker"))
        check_fail(&c, "caseworker", "required unless a caseworker creates the case for themself");

    char tg_id[24] = "", benefit_id[24] = "";
    const char *since_text = json_string_value(json_object_get(rq->body, "target_group_since"));
    const char *start_text = json_string_value(json_object_get(rq->body, "benefit_start"));
    if ((tg && has_since &&
         reference_resolve_field(rq->db, r, &c, "target_group", "target_group", tg, since_text, NOT_IN_FORCE,
                                 tg_id) != 0) ||
        (benefit && has_start &&
         reference_resolve_field(rq->db, r, &c, "benefit", "benefit", benefit, start_text, NOT_IN_FORCE,
                                 benefit_id) != 0)) {
        check_end(&c);
        return;
    }
    if (reply_check_invalid(r, &c)) {
        check_end(&c);
        return;
    }
    struct case_fields f = {citizen, tg_id, since_text, benefit_id, start_text, cw, coordinator};
    char id[37];
    enum db_status st = case_insert(rq->db, &f, id);
    if (st == DB_NOT_VISIBLE || st == DB_FOREIGN_KEY) {
        check_fail(&c, "citizen_id", "no such citizen is registered in your municipality");
        reply_invalid(r, check_take_errors(&c));
    } else if (st == DB_UNIQUE) {
        reply_problem(r, PROBLEM_CONFLICT,
                      "The citizen already has an open case in your municipality; one case at a time.");
        reply_problem_extend(r, "case_id", json_string(id));
        reply_header(r, "Location", "/v1/cases/%s", id);
    } else if (st != DB_OK) {
        reply_db_error(r, st);
    } else {
        finish_write(rq, r, id, "case.created", "create", 201);
    }
    check_end(&c);
}

void api_cases_get(struct request *rq, struct reply *r)
{
    struct case_row row;
    if (case_path_fetch(rq, r, 0, &row) != 0)
        return;
    struct resource v = case_resource(&row);
    resource_reply_read_computed(rq, r, &v);
    case_row_clear(&row);
}

/* Locks the case and checks that the caller's If-Match still holds and it is open.
 * Returns 0 with row filled (caller clears), or -1 with the reply set. */
static int lock_current(struct request *rq, struct reply *r, long version, struct case_row *row)
{
    if (case_path_fetch(rq, r, 1, row) != 0)
        return -1;
    if (row->version != version)
        reply_problem(r, PROBLEM_PRECONDITION_FAILED,
                      "The case has changed since you read it; read it again and retry.");
    else if (strcmp(row->status, "open") != 0)
        reply_state_problem(r, row->status, "The case is %s.", row->status);
    else
        return 0;
    case_row_clear(row);
    return -1;
}

void api_cases_update(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"target_group", "target_group_since", "benefit", "benefit_start",
                                          "caseworker", "coordinating_caseworker", NULL};
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    struct check c;
    struct cal_date d;
    const char *tg = NULL, *benefit = NULL, *cw = NULL, *coordinator = NULL;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_text(&c, "target_group", 0, TEXT_LINE, 60, &tg);
    check_date(&c, "target_group_since", 0, &d);
    check_text(&c, "benefit", 0, TEXT_LINE, 60, &benefit);
    check_date(&c, "benefit_start", 0, &d);
    staff_id(&c, "caseworker", &cw);
    int clear_coordinator = check_is_null(&c, "coordinating_caseworker");
    if (!clear_coordinator)
        staff_id(&c, "coordinating_caseworker", &coordinator);
    if (json_object_size(rq->body) == 0)
        check_fail(&c, NULL, "name at least one field to change");
    struct case_row row;
    if (reply_check_invalid(r, &c) || lock_current(rq, r, version, &row) != 0) {
        check_end(&c);
        return;
    }

    const char *since = json_string_value(json_object_get(rq->body, "target_group_since"));
    const char *start = json_string_value(json_object_get(rq->body, "benefit_start"));
    struct case_fields f = {
        .citizen_id = row.citizen_id,
        .target_group_id = row.target_group_id,
        .target_group_since = since ? since : row.target_group_since,
        .benefit_id = row.benefit_id,
        .benefit_start = start ? start : row.benefit_start,
        .caseworker = cw ? cw : row.caseworker,
        .coordinating_caseworker = clear_coordinator ? NULL
                                   : coordinator     ? coordinator
                                   : *row.coordinating_caseworker ? row.coordinating_caseworker : NULL,
    };
    char tg_id[24], benefit_id[24];
    int failed = 0;
    if (tg || since) {
        failed = reference_resolve_field(rq->db, r, &c, "target_group", tg ? "target_group" : "target_group_since",
                                         tg ? tg : row.target_group, f.target_group_since, NOT_IN_FORCE,
                                         tg_id) != 0;
        f.target_group_id = tg_id;
    }
    if (!failed && (benefit || start)) {
        failed = reference_resolve_field(rq->db, r, &c, "benefit", benefit ? "benefit" : "benefit_start",
                                         benefit ? benefit : row.benefit, f.benefit_start, NOT_IN_FORCE,
                                         benefit_id) != 0;
        f.benefit_id = benefit_id;
    }
    int updated = 0;
    if (!failed && !reply_check_invalid(r, &c)) {
        enum db_status st = case_update(rq->db, row.id, version, &f, &updated);
        if (resource_updated(r, st, updated, "case") == 0)
            finish_write(rq, r, row.id, "case.updated", "update", 200);
    }
    case_row_clear(&row);
    check_end(&c);
}

void api_cases_close(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"reason", NULL};
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    struct check c;
    const char *reason = NULL;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_text(&c, "reason", 1, TEXT_MULTILINE, 1000, &reason);
    struct case_row row;
    if (reply_check_invalid(r, &c) || lock_current(rq, r, version, &row) != 0) {
        check_end(&c);
        return;
    }
    check_end(&c);
    int updated = 0;
    enum db_status st = case_close(rq->db, row.id, version, reason, &updated);
    if (resource_updated(r, st, updated, "case") == 0)
        finish_write(rq, r, row.id, "case.closed", "update", 200);
    case_row_clear(&row);
}

static void list_cases(struct request *rq, struct reply *r)
{
    static const char *const statuses[] = {"open", "closed", NULL};
    struct page p;
    if (page_from_query(rq, r, &p) != 0)
        return;
    struct case_filter f = {
        .caseworker = request_query(rq, "caseworker"),
        .target_group = request_query(rq, "target_group"),
        .status = request_query(rq, "status"),
        .citizen_id = request_query(rq, "citizen_id"),
    };
    if ((f.status && !text_is_one_of(f.status, statuses)) || (f.citizen_id && !text_is_uuid(f.citizen_id)) ||
        (f.caseworker && !text_is_identifier(f.caseworker)) ||
        (f.target_group && strlen(f.target_group) > 60)) {
        reply_problem(r, PROBLEM_BAD_REQUEST,
                      "Filters: status is open or closed, citizen_id a UUID, caseworker a staff id.");
        return;
    }
    PGresult *res = NULL;
    enum db_status st = case_list(rq->db, &f, &p, &res);
    resource_reply_found_page(rq, r, st, res, &p, "case", f.citizen_id,
                              json_pack("{s:s?, s:s?, s:s?, s:s?}", "caseworker", f.caseworker, "target_group",
                                        f.target_group, "status", f.status, "citizen_id", f.citizen_id));
}

/* Staff list their municipality's cases, a citizen their own (GET /v1/me/cases): the
 * same query, with row-level security deciding which rows each sees. */
void api_cases_list(struct request *rq, struct reply *r)
{
    list_cases(rq, r);
}

void api_cases_assignments(struct request *rq, struct reply *r)
{
    struct case_row row;
    if (case_path_fetch(rq, r, 0, &row) != 0)
        return;
    PGresult *res = NULL;
    enum db_status st = access_log_write(rq, "read", "case", row.id, row.citizen_id, NULL);
    if (st == DB_OK)
        st = case_assignments(rq->db, row.id, &res);
    case_row_clear(&row);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return;
    }
    json_t *items = json_loads(db_value(res, 0, 0), 0, NULL);
    PQclear(res);
    if (!items) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return;
    }
    reply_json(r, 200, json_pack("{s:o}", "items", items));
}
