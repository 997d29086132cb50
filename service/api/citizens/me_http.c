/* The citizen's own data: GET /v1/me/access-log (when and for what their data was used,
 * never by whom: Datatilsynet, 2024) and GET /v1/me/export (everything the service holds
 * about them as one document: GDPR art. 15). Both are themselves uses, and logged. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/access_log/access_log.h"
#include "api/citizens/citizens.h"
#include "api/decisions/letter_of_decision.h"
#include "api/handlers.h"
#include "http/page.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/calendar.h"
#include "store/db.h"

#define EXPORT_LOG_BATCH 10000

static const struct db_stmt own_log = {
    "me_access_log",
    "SELECT cursor, json_build_object('at', at, 'date', on_date, 'action', action, 'purpose', purpose, "
    "'resource_type', resource_type, 'by_role', by_role)::text "
    "FROM citizen_access_log($1::bigint, $2::bigint, $3::integer)"};

static const struct db_stmt export_data = {"me_export", "SELECT citizen_export_data()::text"};

/* The access log's cursor "<microseconds>_<id>" (see citizen_access_log in sql/010) into
 * its two numbers as text; 0, or -1 when it is not one the service gave out. */
static int read_cursor(const char *cursor, char us[24], char id[24])
{
    const char *sep = strchr(cursor, '_');
    size_t a = sep ? (size_t)(sep - cursor) : 0, b = sep ? strlen(sep + 1) : 0;
    if (!sep || a == 0 || a > 19 || b == 0 || b > 19 || strspn(cursor, "0123456789") != a ||
        strspn(sep + 1, "0123456789") != b)
        return -1;
    snprintf(us, 24, "%.*s", (int)a, cursor);
    snprintf(id, 24, "%s", sep + 1);
    return 0;
}

void api_me_access_log(struct request *rq, struct reply *r)
{
    struct page p;
    if (page_limit_from_query(rq, r, &p) != 0)
        return;
    const char *cursor = request_query(rq, "cursor");
    char us[24], id[24];
    if (cursor && read_cursor(cursor, us, id) != 0) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "cursor is not one this service gave out.");
        return;
    }
    /* Newest first: the cursor is the oldest entry seen, and the next page is older. */
    const char *values[] = {cursor ? us : NULL, cursor ? id : NULL, p.fetch};
    PGresult *res = NULL;
    enum db_status st = db_exec(rq->db, &own_log, 3, values, &res);
    if (st == DB_OK)
        st = access_log_write(rq, "read", "access_log", NULL, NULL, NULL);
    page_reply_result(r, st, res, &p);
}

/* Adds letter_text to every issued or superseded decision of the export. */
static enum db_status add_letters(struct request *rq, json_t *decisions)
{
    size_t i;
    json_t *d;
    json_array_foreach(decisions, i, d) {
        const char *status = json_string_value(json_object_get(d, "status"));
        if (!status || strcmp(status, "draft") == 0) {
            json_object_set_new(d, "letter_text", json_null());
            continue;
        }
        char *text = NULL;
        size_t len = 0;
        enum db_status st = letter_of_decision(rq->db, json_string_value(json_object_get(d, "municipality")), d,
                                               LETTER_TEXT, &text, &len);
        if (st != DB_OK)
            return st;
        if (!text)
            return DB_ERROR;
        json_object_set_new(d, "letter_text", json_stringn(text, len));
        free(text);
    }
    return DB_OK;
}

/* The citizen's log entries, all of them, newest first, read a batch at a time so that
 * no export is ever cut short. */
static enum db_status all_log_entries(struct request *rq, json_t **out)
{
    char us[24], id[24], limit[16];
    int first = 1;
    snprintf(limit, sizeof(limit), "%d", EXPORT_LOG_BATCH);
    *out = json_array();
    for (;;) {
        const char *values[] = {first ? NULL : us, first ? NULL : id, limit};
        PGresult *res = NULL;
        enum db_status st = db_exec(rq->db, &own_log, 3, values, &res);
        if (st != DB_OK) {
            json_decref(*out);
            *out = NULL;
            return st;
        }
        int rows = PQntuples(res);
        for (int i = 0; i < rows; i++)
            json_array_append_new(*out, json_loads(PQgetvalue(res, i, 1), 0, NULL));
        if (rows > 0 && read_cursor(PQgetvalue(res, rows - 1, 0), us, id) != 0) {
            PQclear(res);
            json_decref(*out);
            *out = NULL;
            return DB_ERROR;
        }
        first = 0;
        PQclear(res);
        if (rows < EXPORT_LOG_BATCH)
            return DB_OK;
    }
}

void api_me_export(struct request *rq, struct reply *r)
{
    json_t *citizen = NULL, *doc = NULL, *log = NULL;
    enum db_status st = citizen_fetch(rq, NULL, &citizen);
    if (st == DB_OK && !citizen) {
        reply_problem(r, PROBLEM_NOT_FOUND, "The service holds no record of you.");
        return;
    }
    PGresult *res = NULL;
    if (st == DB_OK)
        st = db_exec_row(rq->db, &export_data, 0, NULL, &res);
    if (st == DB_OK) {
        doc = res ? json_loads(PQgetvalue(res, 0, 0), 0, NULL) : NULL;
        st = doc ? add_letters(rq, json_object_get(doc, "decisions")) : DB_ERROR;
    }
    PQclear(res);
    /* The export is logged before the log is read into it, so it shows itself. */
    const char *id = citizen ? json_string_value(json_object_get(citizen, "id")) : NULL;
    if (st == DB_OK)
        st = access_log_write(rq, "export", "citizen", id, id, NULL);
    if (st == DB_OK)
        st = all_log_entries(rq, &log);
    if (st != DB_OK) {
        json_decref(citizen);
        json_decref(doc);
        json_decref(log);
        reply_db_error(r, st);
        return;
    }
    char today[CAL_ISO_SIZE];
    cal_format_iso(cal_today(), today);
    json_object_set_new(doc, "generated_on", json_string(today));
    json_object_set_new(doc, "citizen", citizen);
    json_object_set_new(doc, "access_log", log);
    reply_json(r, 200, doc);
    reply_header(r, "Content-Disposition", "attachment; filename=\"fremdrift-export-%s.json\"", today);
}
