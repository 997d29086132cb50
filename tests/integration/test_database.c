/* The database as the service's own role sees it through libpq: no row without claims,
 * no privilege to step around row-level security, an append-only access log that cannot
 * name another actor, and a log row with the request's X-Request-Id for every use of
 * personal data through the API (a searched CPR number masked). */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

static PGconn *db_connect(void)
{
    PGconn *c = PQconnectdb(fx_env("FREMDRIFT_DATABASE_URL"));
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "cannot connect as the service role: %s", PQerrorMessage(c));
    return c;
}

/* Runs sql with params; fails the test unless it succeeds. The caller PQclear's it. */
static PGresult *db_ok(PGconn *c, const char *sql, int n, const char *const *values)
{
    PGresult *res = PQexecParams(c, sql, n, NULL, values, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    cr_assert(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK, "%s: %s", sql, PQerrorMessage(c));
    return res;
}

static void db_command(PGconn *c, const char *sql)
{
    PQclear(db_ok(c, sql, 0, NULL));
}

/* The first column of the first row as a number. */
static long db_long(PGconn *c, const char *sql, int n, const char *const *values)
{
    PGresult *res = db_ok(c, sql, n, values);
    cr_assert_eq(PQntuples(res), 1, "%s returned %d rows", sql, PQntuples(res));
    long v = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return v;
}

/* Runs sql expecting failure; writes its SQLSTATE (or "" on success) to out. */
static void db_fails(PGconn *c, const char *sql, int n, const char *const *values, char out[6])
{
    PGresult *res = PQexecParams(c, sql, n, NULL, values, NULL, NULL, 0);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    snprintf(out, 6, "%s", PQresultStatus(res) == PGRES_FATAL_ERROR && state ? state : "");
    PQclear(res);
}

static void assert_refused(PGconn *c, const char *sql, int n, const char *const *values, const char *want)
{
    char state[6];
    db_fails(c, sql, n, values, state);
    cr_assert_str_eq(state, want, "%s: SQLSTATE %s, want %s", sql, *state ? state : "(it succeeded)", want);
}

/* BEGIN and the claims the service would set for this caller, local to the transaction. */
static void begin_as(PGconn *c, const char *role, const char *sub, const char *municipality)
{
    db_command(c, "BEGIN");
    const char *values[] = {role, sub, municipality ? municipality : ""};
    PQclear(db_ok(c,
                  "SELECT set_config('fremdrift.role', $1, true), set_config('fremdrift.sub', $2, true), "
                  "set_config('fremdrift.municipality', $3, true)",
                  3, values));
}

/* Data of every kind made through the API: a citizen, a case with two caseworkers (so
 * assignments and events), reads (so access-log rows). */
struct seeded {
    struct fx_actor cw;
    char cpr[11];
    char citizen[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
};

static void seed(struct seeded *s)
{
    fx_staff(&s->cw, "caseworker", FX_MUNICIPALITY);
    fx_new_citizen(&s->cw, s->cpr, s->citizen);
    fx_create_case(&s->cw, s->citizen, NULL, s->case_id);
    char path[128], other[64];
    snprintf(path, sizeof(path), "/v1/cases/%s", s->case_id);
    fx_unique("caseworker", other, sizeof(other));
    const struct http_header h[] = {{"If-Match", "\"1\""}};
    struct http_response r;
    fx_call("PATCH", path, &s->cw, json_pack("{s:s}", "caseworker", other), h, 1, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    fx_call("GET", path, &s->cw, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
}

Test(database, without_claims_no_row_is_visible, .timeout = FX_TIMEOUT)
{
    struct seeded s;
    seed(&s);
    PGconn *c = db_connect();
    static const char *const tables[] = {"cases", "citizens", "citizen_registrations", "access_log", "events",
                                         "caseworker_assignments"};
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
        cr_assert_eq(db_long(c, sql, 0, NULL), 0, "without claims the service role sees rows of %s",
                     tables[i]);
    }

    /* The rows exist: the same role sees them once the claims are those of their owner. */
    const char *id[] = {s.case_id};
    const char *citizen[] = {s.citizen};
    begin_as(c, "caseworker", s.cw.sub, FX_MUNICIPALITY);
    cr_assert_eq(db_long(c, "SELECT count(*) FROM cases WHERE id = $1::uuid", 1, id), 1);
    cr_assert_eq(db_long(c, "SELECT count(*) FROM citizens WHERE id = $1::uuid", 1, citizen), 1);
    cr_assert_eq(db_long(c, "SELECT count(*) FROM caseworker_assignments WHERE case_id = $1::uuid", 1, id),
                 2);
    db_command(c, "ROLLBACK");
    begin_as(c, "auditor", "auditor-db-test", FX_MUNICIPALITY);
    cr_assert_geq(db_long(c, "SELECT count(*) FROM access_log WHERE resource_id = $1::uuid", 1, id), 3);
    cr_assert_geq(db_long(c, "SELECT count(*) FROM events WHERE resource_id = $1::uuid", 1, id), 2);
    db_command(c, "ROLLBACK");

    /* Claims of another municipality see none of them. */
    begin_as(c, "caseworker", s.cw.sub, FX_OTHER_MUNICIPALITY);
    cr_assert_eq(db_long(c, "SELECT count(*) FROM cases WHERE id = $1::uuid", 1, id), 0);
    cr_assert_eq(db_long(c, "SELECT count(*) FROM citizens WHERE id = $1::uuid", 1, citizen), 0);
    db_command(c, "ROLLBACK");
    /* The claims were local to the transaction: gone again. */
    cr_assert_eq(db_long(c, "SELECT count(*) FROM cases", 0, NULL), 0);
    PQfinish(c);
    fx_actor_free(&s.cw);
}

Test(database, service_role_is_unprivileged_and_owns_nothing, .timeout = FX_TIMEOUT)
{
    PGconn *c = db_connect();
    PGresult *res = db_ok(c,
                          "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication "
                          "FROM pg_roles WHERE rolname = current_user",
                          0, NULL);
    cr_assert_eq(PQntuples(res), 1);
    static const char *const what[] = {"superuser", "BYPASSRLS", "CREATEROLE", "CREATEDB", "REPLICATION"};
    for (int i = 0; i < 5; i++)
        cr_assert_str_eq(PQgetvalue(res, 0, i), "f", "the service role has %s", what[i]);
    PQclear(res);

    static const char *const owned[][2] = {
        {"tables, views, sequences", "SELECT count(*) FROM pg_class WHERE relowner = "
                                     "(SELECT oid FROM pg_roles WHERE rolname = current_user)"},
        {"functions", "SELECT count(*) FROM pg_proc WHERE proowner = "
                      "(SELECT oid FROM pg_roles WHERE rolname = current_user)"},
        {"schemas", "SELECT count(*) FROM pg_namespace WHERE nspowner = "
                    "(SELECT oid FROM pg_roles WHERE rolname = current_user)"},
        {"types", "SELECT count(*) FROM pg_type WHERE typowner = "
                  "(SELECT oid FROM pg_roles WHERE rolname = current_user)"},
        {"databases", "SELECT count(*) FROM pg_database WHERE datdba = "
                      "(SELECT oid FROM pg_roles WHERE rolname = current_user)"},
        {"role memberships", "SELECT count(*) FROM pg_auth_members WHERE member = "
                             "(SELECT oid FROM pg_roles WHERE rolname = current_user)"},
    };
    for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
        cr_assert_eq(db_long(c, owned[i][1], 0, NULL), 0, "the service role has %s", owned[i][0]);

    /* Its tables have RLS on, and it cannot turn it off or take the table over. */
    cr_assert_eq(db_long(c,
                         "SELECT count(*) FROM pg_class WHERE relname IN ('cases', 'citizens', "
                         "'citizen_registrations', 'access_log', 'events', 'caseworker_assignments') "
                         "AND relnamespace = 'public'::regnamespace AND relrowsecurity",
                         0, NULL),
                 6, "a table with case data lacks row-level security");
    assert_refused(c, "ALTER TABLE cases DISABLE ROW LEVEL SECURITY", 0, NULL, "42501");
    assert_refused(c, "ALTER TABLE access_log OWNER TO current_user", 0, NULL, "42501");
    assert_refused(c, "SET ROLE fremdrift_owner", 0, NULL, "42501");
    PQfinish(c);
}

Test(database, access_log_cannot_be_updated_or_deleted, .timeout = FX_TIMEOUT)
{
    struct seeded s;
    seed(&s);
    PGconn *c = db_connect();
    static const char *const sql[] = {
        "UPDATE access_log SET purpose = 'tampered' WHERE resource_id = $1::uuid",
        "UPDATE access_log SET actor_sub = 'nobody'",
        "DELETE FROM access_log WHERE resource_id = $1::uuid",
        "DELETE FROM access_log",
    };
    const char *id[] = {s.case_id};
    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        int n = strstr(sql[i], "$1") ? 1 : 0;
        assert_refused(c, sql[i], n, id, "42501");
        /* Even with the claims of a caller who can see the rows. */
        begin_as(c, "auditor", "auditor-db-test", FX_MUNICIPALITY);
        cr_assert_geq(db_long(c, "SELECT count(*) FROM access_log WHERE resource_id = $1::uuid", 1, id), 1);
        assert_refused(c, sql[i], n, id, "42501");
        db_command(c, "ROLLBACK");
        begin_as(c, "caseworker", s.cw.sub, FX_MUNICIPALITY);
        assert_refused(c, sql[i], n, id, "42501");
        db_command(c, "ROLLBACK");
    }
    assert_refused(c, "TRUNCATE access_log", 0, NULL, "42501");
    assert_refused(c, "UPDATE events SET type = 'x'", 0, NULL, "42501");
    assert_refused(c, "DELETE FROM cases", 0, NULL, "42501");
    PQfinish(c);
    fx_actor_free(&s.cw);
}

Test(database, access_log_rows_cannot_name_another_actor, .timeout = FX_TIMEOUT)
{
    PGconn *c = db_connect();
    char sub[64];
    fx_unique("caseworker", sub, sizeof(sub));
    static const char *const forged[] = {
        "INSERT INTO access_log (actor_sub, action, resource_type) VALUES ('someone-else', 'read', 'case')",
        "INSERT INTO access_log (actor_role, action, resource_type) VALUES ('auditor', 'read', 'case')",
        "INSERT INTO access_log (municipality, action, resource_type) VALUES ('751', 'read', 'case')",
    };
    for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        begin_as(c, "caseworker", sub, FX_MUNICIPALITY);
        assert_refused(c, forged[i], 0, NULL, "42501");
        db_command(c, "ROLLBACK");
    }
    /* Positive control: the same insert that lets the claims fill in who is accepted. */
    begin_as(c, "caseworker", sub, FX_MUNICIPALITY);
    PQclear(db_ok(c, "INSERT INTO access_log (action, resource_type) VALUES ('read', 'case')", 0, NULL));
    db_command(c, "ROLLBACK");
    /* Without claims nobody can be recorded at all. */
    char state[6];
    db_fails(c, "INSERT INTO access_log (actor_sub, actor_role, action, resource_type) "
                "VALUES ('x', 'caseworker', 'read', 'case')",
             0, NULL, state);
    cr_assert_str_eq(state, "42501", "an insert without claims gave SQLSTATE %s", *state ? state : "(none)");
    PQfinish(c);
}

/* A call with its own X-Request-Id (written to id); asserts the status. */
static void traced(const char *method, const char *path, const struct fx_actor *a, json_t *body,
                   const char *if_match, int status, char id[64])
{
    fx_unique("audit", id, 64);
    const struct http_header h[] = {{"X-Request-Id", id}, {"If-Match", if_match}};
    struct http_response r;
    fx_call(method, path, a, body, h, if_match ? 2 : 1, &r);
    fx_assert_status(&r, status);
    http_response_free(&r);
}

/* The auditor's view of access-log rows filtered by query; the caller json_decref's it. */
static json_t *access_log(const struct fx_actor *auditor, const char *query, char **text)
{
    char path[256];
    snprintf(path, sizeof(path), "/v1/access-log?%s&limit=100", query);
    struct http_response r;
    fx_call("GET", path, auditor, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    if (text)
        *text = strdup(r.body);
    http_response_free(&r);
    json_t *items = json_incref(json_object_get(doc, "items"));
    json_decref(doc);
    cr_assert(json_is_array(items), "the access log reply has no items[]");
    return items;
}

/* The row in items with request_id id; fails unless there is exactly one. */
static json_t *row_for(json_t *items, const char *id)
{
    json_t *found = NULL, *row;
    size_t i, n = 0;
    json_array_foreach(items, i, row) {
        const char *rid = json_string_value(json_object_get(row, "request_id"));
        if (rid && strcmp(rid, id) == 0) {
            found = row;
            n++;
        }
    }
    cr_assert_eq(n, 1, "%zu access-log rows carry request id %s", n, id);
    return found;
}

static void assert_row(json_t *items, const char *id, const char *action, const char *type,
                       const struct fx_actor *actor)
{
    json_t *row = row_for(items, id);
    cr_assert_str_eq(json_string_value(json_object_get(row, "action")), action, "request %s", id);
    cr_assert_str_eq(json_string_value(json_object_get(row, "resource_type")), type, "request %s", id);
    cr_assert_str_eq(json_string_value(json_object_get(row, "actor_sub")), actor->sub, "request %s", id);
    cr_assert_str_eq(json_string_value(json_object_get(row, "actor_role")), actor->role, "request %s", id);
    cr_assert(json_is_string(json_object_get(row, "at")), "request %s: no time", id);
}

Test(database, every_use_of_personal_data_is_in_the_access_log, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw, auditor, other_auditor;
    char cpr[11], path[128], query[128], masked[12];
    char create_citizen[64], search[64], read_citizen[64], create_case[64], read_case[64], update[64],
        list[64], close_id[64], history[64];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_staff(&auditor, "auditor", FX_MUNICIPALITY);
    fx_staff(&other_auditor, "auditor", FX_OTHER_MUNICIPALITY);
    fx_random_cpr(cpr);
    snprintf(masked, sizeof(masked), "%.6s-XXXX", cpr);

    struct http_response r;
    fx_unique("audit", create_citizen, sizeof(create_citizen));
    const struct http_header h[] = {{"X-Request-Id", create_citizen}};
    fx_call("POST", "/v1/citizens", &cw, json_pack("{s:s}", "cpr", cpr), h, 1, &r);
    fx_assert_status(&r, 201);
    json_t *doc = fx_body(&r);
    char citizen[FX_UUID_LEN];
    snprintf(citizen, sizeof(citizen), "%s", json_string_value(json_object_get(doc, "id")));
    json_decref(doc);
    http_response_free(&r);

    traced("POST", "/v1/citizens/search", &cw, json_pack("{s:s}", "cpr", cpr), NULL, 200, search);
    snprintf(path, sizeof(path), "/v1/citizens/%s", citizen);
    traced("GET", path, &cw, NULL, NULL, 200, read_citizen);

    fx_unique("audit", create_case, sizeof(create_case));
    const struct http_header hc[] = {{"X-Request-Id", create_case}};
    fx_call("POST", "/v1/cases", &cw,
            json_pack("{s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen, "target_group", "jobparat",
                      "target_group_since", "2025-03-01", "benefit", "kontanthjaelp", "benefit_start",
                      "2025-03-01"),
            hc, 1, &r);
    fx_assert_status(&r, 201);
    doc = fx_body(&r);
    char case_id[FX_UUID_LEN];
    snprintf(case_id, sizeof(case_id), "%s", json_string_value(json_object_get(doc, "id")));
    json_decref(doc);
    http_response_free(&r);

    snprintf(path, sizeof(path), "/v1/cases/%s", case_id);
    traced("GET", path, &cw, NULL, NULL, 200, read_case);
    traced("PATCH", path, &cw, json_pack("{s:s}", "benefit_start", "2025-04-01"), "\"1\"", 200, update);
    snprintf(query, sizeof(query), "/v1/cases?citizen_id=%s", citizen);
    traced("GET", query, &cw, NULL, NULL, 200, list);
    snprintf(path, sizeof(path), "/v1/cases/%s/assignments", case_id);
    traced("GET", path, &cw, NULL, NULL, 200, history);
    snprintf(path, sizeof(path), "/v1/cases/%s/close", case_id);
    traced("POST", path, &cw, json_pack("{s:s}", "reason", "done"), "\"2\"", 200, close_id);

    char *text = NULL;
    snprintf(query, sizeof(query), "resource_id=%s", citizen);
    json_t *items = access_log(&auditor, query, &text);
    assert_row(items, create_citizen, "create", "citizen", &cw);
    assert_row(items, search, "search", "citizen", &cw);
    assert_row(items, read_citizen, "read", "citizen", &cw);
    json_t *criteria = json_object_get(row_for(items, search), "criteria");
    cr_assert_str_eq(json_string_value(json_object_get(criteria, "cpr")), masked,
                     "the search criteria must hold the CPR masked");
    cr_assert_null(strstr(text, cpr), "the access log holds the searched CPR in clear");
    free(text);
    json_decref(items);

    snprintf(query, sizeof(query), "resource_id=%s", case_id);
    items = access_log(&auditor, query, NULL);
    assert_row(items, create_case, "create", "case", &cw);
    assert_row(items, read_case, "read", "case", &cw);
    assert_row(items, update, "update", "case", &cw);
    assert_row(items, history, "read", "case", &cw);
    assert_row(items, close_id, "update", "case", &cw);
    cr_assert_str_eq(json_string_value(json_object_get(row_for(items, read_case), "citizen_id")), citizen);
    json_decref(items);

    snprintf(query, sizeof(query), "citizen_id=%s", citizen);
    items = access_log(&auditor, query, &text);
    assert_row(items, list, "search", "case", &cw);
    cr_assert_null(strstr(text, cpr), "the access log holds the CPR in clear");
    free(text);
    json_decref(items);

    /* An auditor of another municipality sees none of it. */
    items = access_log(&other_auditor, query, NULL);
    cr_assert_eq(json_array_size(items), 0, "751's auditor sees 101's access log");
    json_decref(items);

    /* Nor does the database hold the number in clear anywhere in the log. */
    PGconn *c = db_connect();
    begin_as(c, "auditor", auditor.sub, FX_MUNICIPALITY);
    const char *values[] = {cpr, citizen};
    cr_assert_eq(db_long(c,
                         "SELECT count(*) FROM access_log WHERE citizen_id = $2::uuid "
                         "AND (criteria::text LIKE '%' || $1 || '%' OR request_id LIKE '%' || $1 || '%')",
                         2, values),
                 0, "an access-log row holds the CPR in clear");
    db_command(c, "ROLLBACK");
    PQfinish(c);
    fx_actor_free(&other_auditor);
    fx_actor_free(&auditor);
    fx_actor_free(&cw);
}
