/* GET /v1/caseload and POST /v1/caseload/reassignments: team leads steer caseloads
 * against the recommended ranges and move cases between caseworkers; every move is kept
 * in the case's caseworker history (the database's trigger), so continuity can be counted. */
#include <stdio.h>
#include <string.h>

#include "api/cases/cases.h"
#include "api/handlers.h"
#include "api/resource.h"
#include "auth/roles.h"
#include "http/app.h"
#include "http/page.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/validate.h"
#include "store/db.h"

#define MAX_REASSIGN 500

static const struct db_stmt caseload = {"caseload",
                                        "SELECT caseload($1::jsonb, $2::text, $3::text, $4::integer)::text"};

/* A team lead pages through every caseworker; a caseworker sees their own line. The
 * cursor is the last caseworker shown (a staff id). */
void api_caseload(struct request *rq, struct reply *r)
{
    struct page p;
    if (page_limit_from_query(rq, r, &p) != 0)
        return;
    const char *after = request_query(rq, "cursor");
    if (after && !text_is_identifier(after)) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "cursor is not one this service gave out.");
        return;
    }
    char limit[16];
    snprintf(limit, sizeof(limit), "%d", p.limit);
    const char *values[] = {rq->app->caseload_ranges_json, rq->role == ROLE_CASEWORKER ? rq->claims.sub : NULL,
                            after ? after : "", limit};
    PGresult *res;
    enum db_status st = db_exec_row(rq->db, &caseload, 4, values, &res);
    if (st != DB_OK || !res) {
        PQclear(res);
        reply_db_error(r, st == DB_OK ? DB_ERROR : st);
        return;
    }
    json_t *doc = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    PQclear(res);
    if (!doc) {
        reply_problem(r, PROBLEM_INTERNAL, NULL);
        return;
    }
    reply_json(r, 200, doc);
}

/* Moves one case to caseworker; 0, or -1 with the reply set. */
static int reassign(struct request *rq, struct reply *r, struct check *c, size_t index, const char *id,
                    const char *caseworker, json_t *moved)
{
    struct case_row row;
    int found = 0;
    enum db_status st = case_fetch(rq->db, id, 1, &row, &found);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return -1;
    }
    if (!found || strcmp(row.status, "open") != 0) {
        char pointer[32];
        snprintf(pointer, sizeof(pointer), "/case_ids/%zu", index);
        check_fail_pointer(c, pointer, found ? "the case is closed" : "no such case in your municipality");
        case_row_clear(&row);
        return 0;
    }
    struct case_fields f = {row.citizen_id, row.target_group_id, row.target_group_since, row.benefit_id,
                            row.benefit_start, caseworker,
                            *row.coordinating_caseworker ? row.coordinating_caseworker : NULL};
    int updated = 0;
    st = case_update(rq->db, row.id, row.version, &f, &updated);
    case_row_clear(&row);
    if (resource_updated(r, st, updated, "case") != 0)
        return -1;
    st = case_fetch(rq->db, id, 0, &row, &found);
    if (st == DB_OK && found) {
        static const char *const events[] = {"case.updated", NULL};
        struct resource v = case_resource(&row);
        st = resource_record_change(rq, &v, "update", events);
        if (st == DB_OK)
            json_array_append(moved, row.doc);
    }
    case_row_clear(&row);
    if (st != DB_OK || !found) {
        reply_db_error(r, st == DB_OK ? DB_ERROR : st);
        return -1;
    }
    return 0;
}

void api_caseload_reassign(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"case_ids", "caseworker", NULL};
    struct check c;
    json_t *ids = NULL;
    const char *caseworker = NULL;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_array(&c, "case_ids", 1, MAX_REASSIGN, &ids);
    if (check_text(&c, "caseworker", 1, TEXT_LINE, 128, &caseworker) == CHECK_OK && !text_is_identifier(caseworker))
        check_fail(&c, "caseworker", IDENTIFIER_MESSAGE);
    size_t i;
    json_t *id;
    if (ids && json_array_size(ids) == 0)
        check_fail(&c, "case_ids", "name at least one case");
    json_array_foreach(ids, i, id) {
        if (!json_is_string(id) || !text_is_uuid(json_string_value(id))) {
            char pointer[32];
            snprintf(pointer, sizeof(pointer), "/case_ids/%zu", i);
            check_fail_pointer(&c, pointer, "must be a case id (UUID)");
        }
    }
    if (reply_check_invalid(r, &c)) {
        check_end(&c);
        return;
    }
    /* All or nothing: every case is moved in this transaction, or none is. */
    json_t *moved = json_array();
    json_array_foreach(ids, i, id) {
        if (reassign(rq, r, &c, i, json_string_value(id), caseworker, moved) != 0) {
            json_decref(moved);
            check_end(&c);
            return;
        }
    }
    if (reply_check_invalid(r, &c)) {
        json_decref(moved);
        check_end(&c);
        return;
    }
    check_end(&c);
    reply_json(r, 200, json_pack("{s:I, s:o}", "reassigned", (json_int_t)json_array_size(moved), "cases", moved));
}
