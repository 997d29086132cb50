/* The citizen's own data over HTTP: GET /v1/me/access-log shows every use of the citizen's
 * data (when, how, of what, by which kind of actor and why) and never who, and GET
 * /v1/me/export hands over everything the service holds about the citizen and nothing about
 * anyone else. Both are uses of the data themselves, and logged. The tests use the suite's
 * own municipalities 884-887. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

#define PURPOSE_READ_CASE "Sagsbehandling: opslag i din sag"
#define PURPOSE_SEARCH_CITIZEN "Sagsbehandling: søgning i dine personoplysninger"
#define PURPOSE_UPDATE_CASE "Sagsbehandling: ændring af din sag"
#define PURPOSE_READ_DECISION "Sagsbehandling: opslag i en afgørelse"
#define PURPOSE_CREATE_CITIZEN "Sagsbehandling: oprettelse af dine personoplysninger"
#define PURPOSE_CREATE_CASE "Sagsbehandling: oprettelse af din sag"
#define PURPOSE_EXPORT "Indsigt: udlevering af dine personoplysninger"

/* One use of the citizen's data as the citizen's log must show it. */
struct use {
    const char *action;
    const char *resource_type;
    const char *by_role;
    const char *purpose;
};

/* A municipality of this suite and another one of it, for the citizen who moves. */
static void two_municipalities(char m[4], char other[4])
{
    fx_random_municipality(884, 887, m);
    int k = atoi(m) - 884;
    snprintf(other, 4, "%d", 884 + (k + 1 + (int)(fx_random_u64() % 3)) % 4);
}

/* method path as a with a fresh X-Request-Id (written to rid) that the answer must carry
 * back, and If-Match when if_match is not NULL; body is consumed. Asserts status and
 * returns the body in *doc when doc is not NULL (the caller json_decref's it). */
static void traced(const char *method, const char *path, const struct fx_actor *a, json_t *body,
                   const char *if_match, int status, char rid[64], json_t **doc)
{
    fx_unique("mydata", rid, 64);
    const struct http_header h[] = {{"X-Request-Id", rid}, {"If-Match", if_match}};
    struct http_response r;
    fx_call(method, path, a, body, h, if_match ? 2 : 1, &r);
    fx_assert_status(&r, status);
    const char *echoed = http_response_header(&r, "X-Request-Id");
    cr_assert(echoed && strcmp(echoed, rid) == 0, "%s %s: X-Request-Id %s, want %s", method, path,
              echoed ? echoed : "(none)", rid);
    if (doc)
        *doc = fx_body(&r);
    http_response_free(&r);
}

/* Fails unless e has exactly the members of the citizen's view, each of its type: a member
 * more could name the person behind the use. */
static void assert_entry_shape(json_t *e)
{
    static const char *const keys[] = {"at", "date", "action", "purpose", "resource_type", "by_role"};
    char *text = json_dumps(e, JSON_COMPACT);
    cr_assert(json_is_object(e) && json_object_size(e) == 6, "an entry must have exactly 6 members: %s", text);
    for (size_t i = 0; i < 6; i++) {
        const char *v = json_string_value(json_object_get(e, keys[i]));
        cr_assert(v && *v, "the entry has no string %s: %s", keys[i], text);
    }
    const char *at = json_string_value(json_object_get(e, "at"));
    int y, mo, d, h, mi, s, ms;
    char z;
    cr_assert(strlen(at) == 24 && sscanf(at, "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &y, &mo, &d, &h, &mi, &s, &ms, &z) == 8
                  && z == 'Z',
              "at is not an RFC 3339 UTC time: %s", text);
    cr_assert(strlen(json_string_value(json_object_get(e, "date"))) == 10, "date is not YYYY-MM-DD: %s", text);
    free(text);
}

/* Every entry of GET /v1/me/access-log as the citizen a, walked page by page with limit.
 * Fails unless every page is well formed (items and next_cursor only; at most limit
 * entries, exactly limit when a next page is announced, none missing when one is asked
 * for), the entries are newest first across pages, and no page's text holds any of the n
 * strings hidden (staff subjects, request ids). The caller json_decref's the array. */
static json_t *citizen_log(const struct fx_actor *a, int limit, const char *const *hidden, size_t n)
{
    json_t *all = json_array();
    char cursor[64] = "";
    for (int page = 0; page < 200; page++) {
        char path[160];
        snprintf(path, sizeof(path), "/v1/me/access-log?limit=%d%s%s", limit, *cursor ? "&cursor=" : "", cursor);
        struct http_response r;
        fx_call("GET", path, a, NULL, NULL, 0, &r);
        fx_assert_status(&r, 200);
        for (size_t i = 0; i < n; i++)
            cr_assert_null(strstr(r.body, hidden[i]), "the citizen's access log shows %s: %.600s", hidden[i],
                           r.body);
        json_t *doc = fx_body(&r);
        http_response_free(&r);
        json_t *items = json_object_get(doc, "items");
        json_t *next = json_object_get(doc, "next_cursor");
        cr_assert(json_object_size(doc) == 2 && json_is_array(items) && (json_is_null(next) || json_is_string(next)),
                  "a page must be {items, next_cursor}");
        size_t k = json_array_size(items);
        cr_assert_leq(k, (size_t)limit, "a page of limit %d holds %zu entries", limit, k);
        if (json_is_string(next))
            cr_assert_eq(k, (size_t)limit, "a page announcing another holds %zu entries, want %d", k, limit);
        if (*cursor)
            cr_assert_gt(k, 0, "the page after cursor %s is empty though it was announced", cursor);
        size_t i;
        json_t *e;
        json_array_foreach(items, i, e) {
            assert_entry_shape(e);
            json_t *prev = json_array_get(all, json_array_size(all) - 1);
            if (prev)
                cr_assert_geq(strcmp(json_string_value(json_object_get(prev, "at")),
                                     json_string_value(json_object_get(e, "at"))), 0,
                              "the log is not newest first");
            json_array_append(all, e);
        }
        if (json_is_null(next)) {
            json_decref(doc);
            return all;
        }
        cr_assert_lt(strlen(json_string_value(next)), sizeof(cursor));
        snprintf(cursor, sizeof(cursor), "%s", json_string_value(next));
        json_decref(doc);
    }
    cr_assert_fail("the citizen's access log does not end after 200 pages");
    return all;
}

/* The entries without the citizen's own reads of their log: each read may add one, so logs
 * read at different times are compared without them. The test
 * reading_the_access_log_is_itself_a_logged_use checks those reads on their own. The
 * caller json_decref's the new array. */
static json_t *without_own_reads(json_t *entries)
{
    json_t *out = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(entries, i, e) {
        const char *type = json_string_value(json_object_get(e, "resource_type"));
        const char *role = json_string_value(json_object_get(e, "by_role"));
        if (!(type && role && strcmp(type, "access_log") == 0 && strcmp(role, "citizen") == 0))
            json_array_append(out, e);
    }
    return out;
}

/* Fails unless e shows use u on day (or on day2: a test may run over midnight). */
static void assert_use(json_t *e, const struct use *u, const char *day, const char *day2)
{
    cr_assert_not_null(e, "the entry for %s %s by %s is missing", u->action, u->resource_type, u->by_role);
    char *text = json_dumps(e, JSON_COMPACT);
    const char *date = json_string_value(json_object_get(e, "date"));
    cr_assert(date && (strcmp(date, day) == 0 || strcmp(date, day2) == 0), "date is not %s: %s", day, text);
    static const char *const keys[] = {"action", "resource_type", "by_role", "purpose"};
    const char *want[] = {u->action, u->resource_type, u->by_role, u->purpose};
    for (size_t i = 0; i < 4; i++) {
        const char *got = json_string_value(json_object_get(e, keys[i]));
        cr_assert(got && strcmp(got, want[i]) == 0, "%s is %s, want %s: %s", keys[i], got ? got : "(none)", want[i],
                  text);
    }
    free(text);
}

/* Fails unless after is exactly the n entries of newer (newest first) followed by before. */
static void assert_log_grew_by(json_t *after, json_t *before, size_t n, const char *what)
{
    char *text = json_dumps(after, JSON_COMPACT);
    cr_assert_eq(json_array_size(after), json_array_size(before) + n, "%s: %zu entries, want %zu + %zu: %.2000s",
                 what, json_array_size(after), json_array_size(before), n, text);
    for (size_t i = 0; i < json_array_size(before); i++)
        cr_assert(json_equal(json_array_get(after, n + i), json_array_get(before, i)),
                  "%s: older entry %zu changed: %.2000s", what, i, text);
    free(text);
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The ids (member key) of the array docs, sorted, as one comma-separated string the caller
 * frees: two lists hold the same resources exactly when these are equal. */
static char *id_set(json_t *docs, const char *key)
{
    size_t n = json_array_size(docs);
    char(*ids)[FX_UUID_LEN] = calloc(n ? n : 1, FX_UUID_LEN);
    for (size_t i = 0; i < n; i++) {
        const char *id = json_string_value(json_object_get(json_array_get(docs, i), key));
        cr_assert(id && strlen(id) == 36, "item %zu has no %s", i, key);
        memcpy(ids[i], id, FX_UUID_LEN);
    }
    qsort(ids, n, FX_UUID_LEN, compare_ids);
    char *out = calloc(n * FX_UUID_LEN + 1, 1);
    for (size_t i = 0; i < n; i++) {
        strcat(out, ids[i]);
        strcat(out, ",");
    }
    free(ids);
    return out;
}

/* The items of GET path (one page of at most 100) as a; the caller json_decref's them. */
static json_t *list_items(const struct fx_actor *a, const char *path)
{
    json_t *doc = fx_get_json(a, path);
    json_t *items = json_incref(json_object_get(doc, "items"));
    cr_assert(json_is_array(items), "GET %s has no items[]", path);
    cr_assert(json_is_null(json_object_get(doc, "next_cursor")), "GET %s has more than one page", path);
    json_decref(doc);
    return items;
}

/* GET /v1/me/export as the citizen a with a fresh X-Request-Id (written to rid, NULL: not
 * kept); asserts 200, an attachment named after today and generated_on today. Returns the
 * document and, when text is not NULL, the body as received (the caller frees both). */
static json_t *export_of(const struct fx_actor *a, char rid[64], char **text)
{
    char today[11], want[64], own[64];
    char *id = rid ? rid : own;
    fx_unique("export", id, 64);
    const struct http_header h[] = {{"X-Request-Id", id}};
    struct http_response r;
    fx_call("GET", "/v1/me/export", a, NULL, h, 1, &r);
    fx_assert_status(&r, 200);
    fx_today(today);
    snprintf(want, sizeof(want), "attachment; filename=\"fremdrift-export-%s.json\"", today);
    const char *cd = http_response_header(&r, "Content-Disposition");
    cr_assert(cd && strcmp(cd, want) == 0, "Content-Disposition %s, want %s", cd ? cd : "(none)", want);
    json_t *doc = fx_body(&r);
    fx_assert_member(doc, "generated_on", today);
    if (text)
        *text = strdup(r.body);
    http_response_free(&r);
    return doc;
}

/* ---- GET /v1/me/access-log ---- */

Test(my_data, access_log_shows_each_staff_use_newest_first_and_never_who, .timeout = FX_TIMEOUT * 3)
{
    char m[4], m2[4], before_day[11], after_day[11];
    two_municipalities(m, m2);
    struct fx_actor cw, cw2, board, citizen, other;
    fx_staff(&cw, "caseworker", m);
    fx_staff(&cw2, "caseworker", m2);
    fx_national(&board, "appeals_board");
    char cpr[11], citizen_id[FX_UUID_LEN], case_id[FX_UUID_LEN], decision[FX_UUID_LEN], appeal[FX_UUID_LEN];
    char other_cpr[11], other_id[FX_UUID_LEN], other_case[FX_UUID_LEN];
    fx_new_case(&cw, cpr, citizen_id, case_id);
    fx_citizen(&citizen, cpr);
    fx_new_case(&cw, other_cpr, other_id, other_case);
    fx_citizen(&other, other_cpr);

    /* The board sees the decision once the appeal is forwarded; the citizen has moved, and
     * the new municipality has registered them, opened a case and drafted a decision. */
    fx_issued_decision(&cw, case_id, "other", "refused", "2026-04-04", decision);
    fx_file_appeal(&cw, decision, "2026-04-20", "written", "Jeg er uenig.", appeal);
    json_decref(fx_reconsider(&cw, appeal, "upheld", "2026-05-06", NULL, "Kommunen fastholder afgørelsen."));
    char again[FX_UUID_LEN], case2[FX_UUID_LEN], decision2[FX_UUID_LEN];
    fx_register_citizen(&cw2, cpr, again);
    cr_assert_str_eq(again, citizen_id, "the other municipality registered another person");
    fx_create_case(&cw2, citizen_id, NULL, case2);
    fx_draft_decision(&cw2, case2, "other", "granted", decision2);

    const char *subs[] = {cw.sub, cw2.sub, board.sub};
    json_t *all = citizen_log(&citizen, 100, subs, 3);
    json_t *before = without_own_reads(all);
    json_decref(all);
    all = citizen_log(&other, 100, subs, 3);
    json_t *other_before = without_own_reads(all);
    json_decref(all);
    cr_assert_gt(json_array_size(other_before), 0, "the other citizen's registration and case are not in their log");

    fx_today(before_day);
    char rid[5][64], path[160], if_match[24];
    json_t *doc;
    snprintf(path, sizeof(path), "/v1/cases/%s", case_id);
    traced("GET", path, &cw, NULL, NULL, 200, rid[0], &doc);
    fx_if_match(doc, if_match);
    json_decref(doc);
    traced("POST", "/v1/citizens/search", &cw, json_pack("{s:s}", "cpr", cpr), NULL, 200, rid[1], &doc);
    fx_assert_member(json_array_get(json_object_get(doc, "items"), 0), "id", citizen_id);
    json_decref(doc);
    traced("PATCH", path, &cw, json_pack("{s:s}", "benefit_start", "2025-04-01"), if_match, 200, rid[2], NULL);
    snprintf(path, sizeof(path), "/v1/decisions/%s", decision);
    traced("GET", path, &board, NULL, NULL, 200, rid[3], NULL);
    snprintf(path, sizeof(path), "/v1/decisions/%s", decision2);
    traced("GET", path, &cw2, NULL, NULL, 200, rid[4], NULL);
    fx_today(after_day);

    /* Newest first: the last use on top. */
    static const struct use uses[] = {
        {"read", "decision", "caseworker", PURPOSE_READ_DECISION},
        {"read", "decision", "appeals_board", PURPOSE_READ_DECISION},
        {"update", "case", "caseworker", PURPOSE_UPDATE_CASE},
        {"search", "citizen", "caseworker", PURPOSE_SEARCH_CITIZEN},
        {"read", "case", "caseworker", PURPOSE_READ_CASE},
    };
    const char *hidden[] = {cw.sub, cw2.sub, board.sub, rid[0], rid[1], rid[2], rid[3], rid[4]};
    all = citizen_log(&citizen, 100, hidden, 8);
    json_t *after = without_own_reads(all);
    json_decref(all);
    assert_log_grew_by(after, before, 5, "the citizen's log");
    for (size_t i = 0; i < 5; i++)
        assert_use(json_array_get(after, i), &uses[i], before_day, after_day);

    /* None of it is the other citizen's, though the same caseworker serves both. */
    all = citizen_log(&other, 100, hidden, 8);
    json_t *other_after = without_own_reads(all);
    json_decref(all);
    assert_log_grew_by(other_after, other_before, 0, "the other citizen's log");

    json_decref(other_after);
    json_decref(after);
    json_decref(other_before);
    json_decref(before);
    fx_actor_free(&other);
    fx_actor_free(&citizen);
    fx_actor_free(&board);
    fx_actor_free(&cw2);
    fx_actor_free(&cw);
}

Test(my_data, access_log_pages_by_limit_and_cursor_without_gaps_or_repeats, .timeout = FX_TIMEOUT * 2)
{
    char m[4], m2[4], cpr[11], citizen_id[FX_UUID_LEN], case_id[FX_UUID_LEN], path[128];
    two_municipalities(m, m2);
    struct fx_actor cw, citizen;
    fx_staff(&cw, "caseworker", m);
    fx_new_case(&cw, cpr, citizen_id, case_id);
    fx_citizen(&citizen, cpr);
    snprintf(path, sizeof(path), "/v1/cases/%s", case_id);
    for (int i = 0; i < 6; i++)
        json_decref(fx_get_json(&cw, path));

    /* The registration, the case and six reads: eight entries, so pages of 1, 2 and 3 end
     * full, full and short. */
    const char *subs[] = {cw.sub};
    json_t *all = citizen_log(&citizen, 100, subs, 1);
    json_t *whole = without_own_reads(all);
    json_decref(all);
    cr_assert_eq(json_array_size(whole), 8, "%zu entries, want 8", json_array_size(whole));
    static const struct use read = {"read", "case", "caseworker", PURPOSE_READ_CASE};
    static const struct use create_case = {"create", "case", "caseworker", PURPOSE_CREATE_CASE};
    static const struct use create_citizen = {"create", "citizen", "caseworker", PURPOSE_CREATE_CITIZEN};
    char today[11];
    fx_today(today);
    for (size_t i = 0; i < 6; i++)
        assert_use(json_array_get(whole, i), &read, today, today);
    assert_use(json_array_get(whole, 6), &create_case, today, today);
    assert_use(json_array_get(whole, 7), &create_citizen, today, today);

    for (int limit = 1; limit <= 3; limit++) {
        all = citizen_log(&citizen, limit, subs, 1);
        json_t *paged = without_own_reads(all);
        json_decref(all);
        assert_log_grew_by(paged, whole, 0, "the log walked page by page");
        json_decref(paged);
    }
    json_decref(whole);
    fx_actor_free(&citizen);
    fx_actor_free(&cw);
}

Test(my_data, access_log_bad_limit_or_cursor_is_400, .timeout = FX_TIMEOUT)
{
    char cpr[11];
    struct fx_actor citizen;
    fx_random_cpr(cpr);
    fx_citizen(&citizen, cpr);
    static const char *const queries[] = {"limit=0", "limit=101", "limit=x", "cursor=abc", "cursor=-1"};
    for (size_t i = 0; i < 5; i++) {
        char path[96];
        snprintf(path, sizeof(path), "/v1/me/access-log?%s", queries[i]);
        struct http_response r;
        fx_call("GET", path, &citizen, NULL, NULL, 0, &r);
        fx_assert_problem(&r, 400);
        http_response_free(&r);
    }
    fx_actor_free(&citizen);
}

Test(my_data, reading_the_access_log_is_itself_a_logged_use, .timeout = FX_TIMEOUT)
{
    char m[4], m2[4], cpr[11], citizen_id[FX_UUID_LEN], case_id[FX_UUID_LEN];
    two_municipalities(m, m2);
    struct fx_actor cw, citizen;
    fx_staff(&cw, "caseworker", m);
    fx_new_case(&cw, cpr, citizen_id, case_id);
    fx_citizen(&citizen, cpr);

    json_t *first = citizen_log(&citizen, 100, NULL, 0);
    json_t *second = citizen_log(&citizen, 100, NULL, 0);
    /* The first read was logged after it read, so it shows only in the second. */
    assert_log_grew_by(second, first, 1, "the log read again");
    char today[11];
    fx_today(today);
    json_t *e = json_array_get(second, 0);
    fx_assert_member(e, "date", today);
    fx_assert_member(e, "action", "read");
    fx_assert_member(e, "resource_type", "access_log");
    fx_assert_member(e, "by_role", "citizen");
    json_decref(second);
    json_decref(first);
    fx_actor_free(&citizen);
    fx_actor_free(&cw);
}

/* The citizen's whole log without their own reads of it; the caller json_decref's it. */
static json_t *log_of_others(const struct fx_actor *citizen)
{
    json_t *all = citizen_log(citizen, 100, NULL, 0);
    json_t *others = without_own_reads(all);
    json_decref(all);
    return others;
}

/* The number of entries of newer (taken from the front, not in older) of
 * resource_type by by_role with action; every such entry must have purpose. */
static size_t new_entries(json_t *newer, json_t *older, const char *action, const char *resource_type,
                          const char *by_role, const char *purpose)
{
    size_t n = 0, fresh = json_array_size(newer) - json_array_size(older);
    for (size_t i = 0; i < fresh; i++) {
        json_t *e = json_array_get(newer, i);
        if (strcmp(json_string_value(json_object_get(e, "action")), action) != 0 ||
            strcmp(json_string_value(json_object_get(e, "resource_type")), resource_type) != 0 ||
            strcmp(json_string_value(json_object_get(e, "by_role")), by_role) != 0)
            continue;
        fx_assert_member(e, "purpose", purpose);
        n++;
    }
    return n;
}

/* Lists name citizens too: a caseworker's list of cases, a list of decisions, a worklist
 * and the event feed are each a use of the data of every citizen they show, and of no one
 * else's. */
Test(my_data, lists_and_the_feed_are_uses_of_the_data_of_each_citizen_they_show, .timeout = FX_TIMEOUT * 3)
{
    char m[4], m2[4], today[11], year_ago[11];
    two_municipalities(m, m2);
    fx_today(today);
    fx_date_add_months(today, -12, year_ago);
    struct fx_actor cw, integration, a, b;
    fx_staff(&cw, "caseworker", m);
    fx_staff(&integration, "integration", m);
    char cpr_a[11], cpr_b[11], citizen_a[FX_UUID_LEN], citizen_b[FX_UUID_LEN], case_a[FX_UUID_LEN],
        case_b[FX_UUID_LEN], decision[FX_UUID_LEN];
    /* A's annual review is due today: A is on the reviews-due worklist; B is not. */
    fx_new_citizen(&cw, cpr_a, citizen_a);
    fx_create_case_dated(&cw, citizen_a, year_ago, "kontanthjaelp", year_ago, case_a);
    char month_ago[11];
    fx_date_add_months(today, -1, month_ago);
    fx_new_citizen(&cw, cpr_b, citizen_b);
    fx_create_case_dated(&cw, citizen_b, month_ago, "kontanthjaelp", month_ago, case_b);
    fx_issued_decision(&cw, case_a, "overall", "granted", NULL, decision);
    fx_citizen(&a, cpr_a);
    fx_citizen(&b, cpr_b);
    json_t *a0 = log_of_others(&a);
    json_t *b0 = log_of_others(&b);

    char path[256];
    snprintf(path, sizeof(path), "/v1/cases?caseworker=%s&limit=100", cw.sub);
    json_t *cases = fx_get_json(&cw, path);
    cr_assert_not_null(fx_find_row(json_object_get(cases, "items"), "id", case_a));
    cr_assert_not_null(fx_find_row(json_object_get(cases, "items"), "id", case_b));
    json_decref(cases);
    snprintf(path, sizeof(path), "/v1/decisions?case_id=%s", case_a);
    json_decref(fx_get_json(&cw, path));
    snprintf(path, sizeof(path), "/v1/worklists/reviews-due?caseworker=%s", cw.sub);
    json_t *due = fx_get_json(&cw, path);
    cr_assert_not_null(fx_find_row(json_object_get(due, "items"), "case_id", case_a));
    cr_assert_null(fx_find_row(json_object_get(due, "items"), "case_id", case_b));
    json_decref(due);
    /* The feed from the start until it has handed out A's decision (numbering may wait
     * for other tests' transactions). */
    int fed = 0;
    long long after = 0;
    for (long long deadline = fx_now_ms() + 15000; !fed && fx_now_ms() < deadline;) {
        snprintf(path, sizeof(path), "/v1/events?after=%lld&limit=1000", after);
        json_t *feed = fx_get_json(&integration, path);
        json_t *events = json_object_get(feed, "events");
        size_t i;
        json_t *e;
        json_array_foreach(events, i, e)
            fed |= strcmp(json_string_value(json_object_get(e, "resource_id")), decision) == 0;
        if (json_array_size(events) == 0)
            fx_pause_ms(100);
        after = (long long)json_integer_value(json_object_get(feed, "next_after"));
        json_decref(feed);
    }
    cr_assert(fed, "the feed never handed out the decision");

    json_t *a1 = log_of_others(&a);
    json_t *b1 = log_of_others(&b);
    static const char *const search_case = "Sagsbehandling: søgning i din sag";
    static const char *const search_decision = "Sagsbehandling: søgning i en afgørelse";
    static const char *const search_worklist = "Sagsbehandling: søgning i sagsbehandlernes arbejdslister";
    static const char *const fed_events = "Overførsel til kommunens fagsystemer: ændringer i dine sager";
    cr_assert_eq(new_entries(a1, a0, "search", "case", "caseworker", search_case), 1, "A: the list of cases");
    cr_assert_eq(new_entries(a1, a0, "search", "decision", "caseworker", search_decision), 1, "A: the decisions");
    cr_assert_eq(new_entries(a1, a0, "search", "worklist", "caseworker", search_worklist), 1, "A: the worklist");
    cr_assert_geq(new_entries(a1, a0, "search", "event", "integration", fed_events), 1, "A: the feed");
    cr_assert_eq(new_entries(b1, b0, "search", "case", "caseworker", search_case), 1, "B: the list of cases");
    cr_assert_eq(new_entries(b1, b0, "search", "decision", "caseworker", search_decision), 0,
                 "B is logged for A's decisions");
    cr_assert_eq(new_entries(b1, b0, "search", "worklist", "caseworker", search_worklist), 0,
                 "B is logged for a worklist that does not show B");
    json_decref(b1);
    json_decref(a1);
    json_decref(b0);
    json_decref(a0);
    fx_actor_free(&b);
    fx_actor_free(&a);
    fx_actor_free(&integration);
    fx_actor_free(&cw);
}

Test(my_data, unregistered_citizen_has_an_empty_log_and_no_export, .timeout = FX_TIMEOUT)
{
    char cpr[11];
    struct fx_actor citizen;
    fx_random_cpr(cpr);
    fx_citizen(&citizen, cpr);
    json_t *doc = fx_get_json(&citizen, "/v1/me/access-log");
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 0, "a citizen nobody registered has log entries");
    cr_assert(json_is_null(json_object_get(doc, "next_cursor")));
    json_decref(doc);
    struct http_response r;
    fx_call("GET", "/v1/me/export", &citizen, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 404);
    cr_assert_null(strstr(r.body, cpr), "the 404 echoes the CPR number");
    http_response_free(&r);
    fx_actor_free(&citizen);
}

Test(my_data, staff_may_not_read_my_access_log_or_export, .timeout = FX_TIMEOUT)
{
    char m[4], m2[4];
    two_municipalities(m, m2);
    static const char *const roles[] = {"caseworker", "team_lead", "auditor", "integration"};
    struct fx_actor staff[5];
    for (size_t i = 0; i < 4; i++)
        fx_staff(&staff[i], roles[i], m);
    fx_national(&staff[4], "appeals_board");
    static const char *const paths[] = {"/v1/me/access-log", "/v1/me/export"};
    for (size_t i = 0; i < 5; i++) {
        for (size_t p = 0; p < 2; p++) {
            struct http_response r;
            fx_call("GET", paths[p], &staff[i], NULL, NULL, 0, &r);
            cr_assert_eq(r.status, 403, "GET %s as %s answered %d, not 403", paths[p], staff[i].role, r.status);
            fx_assert_problem(&r, 403);
            http_response_free(&r);
        }
        fx_actor_free(&staff[i]);
    }
}

/* ---- GET /v1/me/export ---- */

/* A citizen's records, made by cw: a case with an intervention, an exemption, a decision
 * issued and appealed, a completed review (with the decisions it issues) and a draft. */
struct records {
    struct fx_actor citizen;
    char cpr[11];
    char citizen_id[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
    char intervention[FX_UUID_LEN];
    char exemption[FX_UUID_LEN];
    char decision[FX_UUID_LEN];
    char draft[FX_UUID_LEN];
    char appeal[FX_UUID_LEN];
    char review[FX_UUID_LEN];
};

static void records_make(const struct fx_actor *cw, struct records *s)
{
    char today[11], to[11];
    fx_today(today);
    fx_date_add(today, 60, to);
    fx_new_case(cw, s->cpr, s->citizen_id, s->case_id);
    fx_citizen(&s->citizen, s->cpr);
    fx_create_intervention(cw, s->case_id, "behandling", today, 0, s->intervention);
    fx_create_exemption(cw, s->case_id, today, to, FX_EXEMPTION_REASON, s->exemption);
    fx_issued_decision(cw, s->case_id, "other", "refused", "2026-04-04", s->decision);
    fx_file_appeal(cw, s->decision, "2026-04-20", "written", "Jeg er uenig.", s->appeal);
    json_decref(fx_completed_review(cw, &s->citizen, s->case_id, s->review));
    fx_draft_decision(cw, s->case_id, "other", "granted", s->draft);
}

/* Fails unless the export's list key holds exactly the resources of the staff list. */
static void assert_same_set(json_t *export, const char *key, json_t *staff_list)
{
    char *got = id_set(json_object_get(export, key), "id");
    char *want = id_set(staff_list, "id");
    cr_assert_str_eq(got, want, "the export's %s are %s, want %s", key, got, want);
    free(want);
    free(got);
}

/* The element of list whose id is id (borrowed), or NULL. */
static json_t *by_id(json_t *list, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        const char *v = json_string_value(json_object_get(e, "id"));
        if (v && strcmp(v, id) == 0)
            return e;
    }
    return NULL;
}

/* Fails unless every issued or superseded decision carries its letter, naming each provision
 * of its legal basis, and every draft a null letter_text. */
static void assert_letters(json_t *decisions)
{
    size_t i, k;
    json_t *d, *p;
    json_array_foreach(decisions, i, d) {
        const char *id = json_string_value(json_object_get(d, "id"));
        const char *status = json_string_value(json_object_get(d, "status"));
        json_t *letter = json_object_get(d, "letter_text");
        if (strcmp(status, "draft") == 0) {
            cr_assert(json_is_null(letter), "draft %s has a letter", id);
            continue;
        }
        const char *text = json_string_value(letter);
        cr_assert(text && *text, "%s decision %s has no letter_text", status, id);
        cr_assert_gt(json_array_size(json_object_get(d, "legal_basis")), 0, "decision %s has no legal basis", id);
        json_array_foreach(json_object_get(d, "legal_basis"), k, p) {
            const char *label = json_string_value(json_object_get(p, "label"));
            cr_assert(label && strstr(text, label), "the letter of %s does not name %s", id, label ? label : "?");
        }
    }
}

Test(my_data, export_holds_every_record_of_the_citizen_and_nothing_of_another, .timeout = FX_TIMEOUT * 6)
{
    char m[4], m2[4], path[160];
    two_municipalities(m, m2);
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", m);
    struct records a, b;
    records_make(&cw, &a);
    records_make(&cw, &b);

    /* What staff see of the citizen, to hold the export against. */
    snprintf(path, sizeof(path), "/v1/cases/%s/interventions?limit=100", a.case_id);
    json_t *interventions = list_items(&cw, path);
    snprintf(path, sizeof(path), "/v1/decisions?case_id=%s&limit=100", a.case_id);
    json_t *decisions = list_items(&cw, path);
    cr_assert_not_null(by_id(interventions, a.intervention));
    cr_assert_not_null(by_id(decisions, a.decision));
    cr_assert_not_null(by_id(decisions, a.draft));
    snprintf(path, sizeof(path), "/v1/decisions/%s/letter", a.decision);
    const struct http_header accept[] = {{"Accept", "text/plain"}};
    struct http_response letter;
    fx_call("GET", path, &a.citizen, NULL, accept, 1, &letter);
    fx_assert_status(&letter, 200);

    char *text = NULL;
    json_t *doc = export_of(&a.citizen, NULL, &text);

    /* Nothing of the other citizen, anywhere in the document. */
    char masked[12];
    snprintf(masked, sizeof(masked), "%.6s-%.4s", b.cpr, b.cpr + 6);
    const char *foreign[] = {b.cpr, masked, b.citizen_id, b.case_id, b.intervention, b.exemption,
                             b.decision, b.draft, b.appeal, b.review};
    for (size_t i = 0; i < 10; i++)
        cr_assert_null(strstr(text, foreign[i]), "the export holds %s of another citizen", foreign[i]);

    json_t *citizen = json_object_get(doc, "citizen");
    fx_assert_member(citizen, "id", a.citizen_id);
    fx_assert_member(citizen, "cpr", a.cpr);
    cr_assert(json_is_false(json_object_get(citizen, "cpr_masked")), "the citizen's own CPR is masked");

    json_t *cases = json_object_get(doc, "cases");
    cr_assert_eq(json_array_size(cases), 1, "%zu cases, want 1", json_array_size(cases));
    fx_assert_member(json_array_get(cases, 0), "id", a.case_id);
    json_t *plans = json_object_get(doc, "plans");
    cr_assert_eq(json_array_size(plans), 1, "%zu plans, want 1", json_array_size(plans));
    fx_assert_member(json_array_get(plans, 0), "case_id", a.case_id);

    json_t *reviews = json_object_get(doc, "reviews");
    cr_assert_eq(json_array_size(reviews), 1, "%zu reviews, want 1", json_array_size(reviews));
    json_t *review = json_array_get(reviews, 0);
    fx_assert_member(review, "id", a.review);
    fx_assert_member(review, "status", "completed");
    json_t *sections = json_object_get(review, "sections");
    fx_assert_member(json_object_get(sections, "own_assessment"), "wishes", FX_WISHES);
    fx_assert_member(json_object_get(sections, "own_assessment"), "barriers", FX_BARRIERS);
    json_t *indicators = json_object_get(sections, "indicators");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(indicators, "who5"), "score")), FX_WHO5_SCORE);
    static const int citizen_ratings[3] = FX_RATINGS_CITIZEN;
    json_t *own = json_object_get(json_object_get(indicators, "ratings"), "citizen");
    cr_assert_eq(json_integer_value(json_object_get(own, "life_mastery")), citizen_ratings[0]);
    cr_assert_eq(json_integer_value(json_object_get(own, "health")), citizen_ratings[1]);
    cr_assert_eq(json_integer_value(json_object_get(own, "labour_market_distance")), citizen_ratings[2]);

    assert_same_set(doc, "interventions", interventions);
    json_t *exemptions = json_object_get(doc, "exemptions");
    cr_assert_eq(json_array_size(exemptions), 1, "%zu exemptions, want 1", json_array_size(exemptions));
    json_t *ex = json_array_get(exemptions, 0);
    char today[11], to[11];
    fx_today(today);
    fx_date_add(today, 60, to);
    fx_assert_member(ex, "id", a.exemption);
    fx_assert_member(ex, "case_id", a.case_id);
    fx_assert_member(ex, "from_on", today);
    fx_assert_member(ex, "to_on", to);
    fx_assert_member(ex, "reason", FX_EXEMPTION_REASON);

    json_t *exported = json_object_get(doc, "decisions");
    assert_same_set(doc, "decisions", decisions);
    assert_letters(exported);
    json_t *issued = by_id(exported, a.decision);
    const char *letter_text = json_string_value(json_object_get(issued, "letter_text"));
    cr_assert(letter_text && strlen(letter_text) == letter.body_len
                  && memcmp(letter_text, letter.body, letter.body_len) == 0,
              "the exported letter is not the letter GET /letter gives");
    cr_assert_not_null(strstr(letter_text, "Lov om aktiv socialpolitik § 11"), "the letter lacks its legal basis");
    cr_assert_not_null(strstr(letter_text, "Lov om social pension § 17"), "the letter lacks its legal basis");
    cr_assert(json_is_null(json_object_get(by_id(exported, a.draft), "letter_text")), "the draft has a letter");

    json_t *appeals = json_object_get(doc, "appeals");
    cr_assert_eq(json_array_size(appeals), 1, "%zu appeals, want 1", json_array_size(appeals));
    fx_assert_member(json_array_get(appeals, 0), "id", a.appeal);
    fx_assert_member(json_array_get(appeals, 0), "decision_id", a.decision);
    cr_assert_gt(json_array_size(json_object_get(json_array_get(appeals, 0), "timeline")), 0,
                 "the appeal has no timeline");

    /* The log as the citizen sees it, the export on top; the next read shows the same. */
    json_t *log = json_object_get(doc, "access_log");
    cr_assert(json_is_array(log), "the export has no access_log[]");
    char *log_text = json_dumps(log, JSON_COMPACT);
    cr_assert_null(strstr(log_text, cw.sub), "the exported log names the caseworker");
    cr_assert_null(strstr(log_text, a.citizen.sub), "the exported log names the citizen's login");
    free(log_text);
    size_t i;
    json_t *e;
    json_array_foreach(log, i, e)
        assert_entry_shape(e);
    static const struct use export_use = {"export", "citizen", "citizen", PURPOSE_EXPORT};
    assert_use(json_array_get(log, 0), &export_use, today, today);
    const char *subs[] = {cw.sub, a.citizen.sub};
    json_t *all = citizen_log(&a.citizen, 100, subs, 2);
    json_t *next = without_own_reads(all);
    json_t *exported_log = without_own_reads(log);
    assert_log_grew_by(next, exported_log, 0, "the log read after the export");
    json_decref(exported_log);
    json_decref(next);
    json_decref(all);

    json_decref(doc);
    free(text);
    http_response_free(&letter);
    json_decref(decisions);
    json_decref(interventions);
    fx_actor_free(&b.citizen);
    fx_actor_free(&a.citizen);
    fx_actor_free(&cw);
}

Test(my_data, export_is_logged_for_the_citizen_and_the_municipalitys_auditor, .timeout = FX_TIMEOUT)
{
    char m[4], m2[4], cpr[11], citizen_id[FX_UUID_LEN], case_id[FX_UUID_LEN], rid[64];
    two_municipalities(m, m2);
    struct fx_actor cw, citizen, auditor, auditor2;
    fx_staff(&cw, "caseworker", m);
    fx_staff(&auditor, "auditor", m);
    fx_staff(&auditor2, "auditor", m2);
    fx_new_case(&cw, cpr, citizen_id, case_id);
    fx_citizen(&citizen, cpr);

    json_t *all = citizen_log(&citizen, 100, NULL, 0);
    json_t *before = without_own_reads(all);
    json_decref(all);
    json_decref(export_of(&citizen, rid, NULL));
    all = citizen_log(&citizen, 100, NULL, 0);
    json_t *after = without_own_reads(all);
    json_decref(all);
    assert_log_grew_by(after, before, 1, "the log after an export");
    char today[11];
    fx_today(today);
    static const struct use export_use = {"export", "citizen", "citizen", PURPOSE_EXPORT};
    assert_use(json_array_get(after, 0), &export_use, today, today);

    /* The municipality whose data was handed over audits it; another does not see it. */
    json_t *rows = fx_access_log_rows(&auditor, citizen_id);
    fx_assert_logged(rows, rid, "export", "citizen", &citizen, citizen_id);
    json_decref(rows);
    rows = fx_access_log_rows(&auditor2, citizen_id);
    cr_assert_eq(json_array_size(rows), 0, "another municipality's auditor sees the export");
    json_decref(rows);

    json_decref(after);
    json_decref(before);
    fx_actor_free(&auditor2);
    fx_actor_free(&auditor);
    fx_actor_free(&citizen);
    fx_actor_free(&cw);
}

Test(my_data, citizen_without_cases_gets_an_export_of_empty_lists, .timeout = FX_TIMEOUT)
{
    char m[4], m2[4], cpr[11], citizen_id[FX_UUID_LEN], today[11];
    two_municipalities(m, m2);
    struct fx_actor cw, citizen;
    fx_staff(&cw, "caseworker", m);
    fx_new_citizen(&cw, cpr, citizen_id);
    fx_citizen(&citizen, cpr);

    json_t *doc = export_of(&citizen, NULL, NULL);
    fx_today(today);
    fx_assert_member(json_object_get(doc, "citizen"), "id", citizen_id);
    fx_assert_member(json_object_get(doc, "citizen"), "cpr", cpr);
    static const char *const lists[] = {"cases", "plans", "reviews", "interventions", "exemptions", "decisions",
                                        "appeals"};
    for (size_t i = 0; i < 7; i++) {
        json_t *list = json_object_get(doc, lists[i]);
        cr_assert(json_is_array(list) && json_array_size(list) == 0, "%s is not an empty list", lists[i]);
    }
    /* The registration and the export itself, newest first. */
    json_t *log = without_own_reads(json_object_get(doc, "access_log"));
    cr_assert_eq(json_array_size(log), 2, "%zu log entries, want 2", json_array_size(log));
    static const struct use export_use = {"export", "citizen", "citizen", PURPOSE_EXPORT};
    static const struct use created = {"create", "citizen", "caseworker", PURPOSE_CREATE_CITIZEN};
    assert_use(json_array_get(log, 0), &export_use, today, today);
    assert_use(json_array_get(log, 1), &created, today, today);
    json_decref(log);
    json_decref(doc);
    fx_actor_free(&citizen);
    fx_actor_free(&cw);
}
