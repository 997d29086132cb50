/* Appeal statistics and the remitted-decisions worklist over HTTP. Each test that needs
 * exact numbers builds its data in a municipality code no other test uses (random within a
 * range of its own: 900-929, 930-949, 950-979), with past dates chosen so that the expected
 * counts and medians were worked out by hand, not by the code under test. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

#define WHY_REMITTED "Ankestyrelsen hjemviste afgørelsen; der skal træffes en ny afgørelse"
#define STATEMENT "Kommunen fastholder afgørelsen."

/* A caseworker and the board, with one citizen's case in a municipality of the test's own. */
struct stats_world {
    char municipality[4];
    struct fx_actor cw;
    struct fx_actor board;
    char cpr[11];
    char citizen[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
};

static void stats_world_open(struct stats_world *s, int lo, int hi)
{
    fx_random_municipality(lo, hi, s->municipality);
    fx_staff(&s->cw, "caseworker", s->municipality);
    fx_national(&s->board, "appeals_board");
    fx_new_case(&s->cw, s->cpr, s->citizen, s->case_id);
}

static void stats_world_close(struct stats_world *s)
{
    fx_actor_free(&s->board);
    fx_actor_free(&s->cw);
}

/* A decision on case_id superseding old, issued on notified. */
static void successor(struct stats_world *s, const char *case_id, const char *old, const char *kind,
                      const char *outcome, const char *notified, char id[FX_UUID_LEN])
{
    json_t *body = fx_decision_body(case_id, kind, outcome);
    json_object_set_new(body, "supersedes_id", json_string(old));
    fx_create_decision(&s->cw, body, id);
    json_decref(fx_issue_decision(&s->cw, id, notified));
}

/* An appeal on decision received on received, upheld and forwarded on forwarded, and
 * ruled with ruling on ruled. */
static void ruled_appeal(struct stats_world *s, const char *decision, const char *received, const char *forwarded,
                         const char *ruling, const char *ruled, char id[FX_UUID_LEN])
{
    fx_file_appeal(&s->cw, decision, received, "written", NULL, id);
    json_decref(fx_reconsider(&s->cw, id, "upheld", forwarded, NULL, STATEMENT));
    json_decref(fx_rule(&s->board, id, ruling, ruled));
}

/* GET /v1/stats/appeals for municipality and period as a, asserting status. The caller
 * json_decref's the body (NULL unless 200) and frees nothing else. */
static json_t *stats(const struct fx_actor *a, const char *municipality, const char *from, const char *to,
                     int status)
{
    char path[256];
    snprintf(path, sizeof(path), "/v1/stats/appeals?municipality=%s&from=%s&to=%s", municipality, from, to);
    struct http_response r;
    fx_call("GET", path, a, NULL, NULL, 0, &r);
    json_t *doc = NULL;
    if (status == 200) {
        fx_assert_status(&r, 200);
        doc = fx_body(&r);
    } else {
        fx_assert_problem(&r, status);
    }
    http_response_free(&r);
    return doc;
}

/* Fails unless doc.suppressed says which groups are withheld. */
static void assert_suppressed(json_t *doc, int decisions, int appeals, int rulings)
{
    json_t *s = json_object_get(doc, "suppressed");
    cr_assert(json_is_object(s), "no suppressed object");
    cr_assert(json_is_boolean(json_object_get(s, "decisions_issued")) &&
                  json_is_true(json_object_get(s, "decisions_issued")) == decisions,
              "suppressed.decisions_issued is not %d", decisions);
    cr_assert(json_is_boolean(json_object_get(s, "appeals")) && json_is_true(json_object_get(s, "appeals")) == appeals,
              "suppressed.appeals is not %d", appeals);
    cr_assert(json_is_boolean(json_object_get(s, "rulings")) && json_is_true(json_object_get(s, "rulings")) == rulings,
              "suppressed.rulings is not %d", rulings);
}

/* Fails unless every figure of a withheld group is null. */
static void assert_withheld(json_t *doc, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cr_assert(json_is_null(json_object_get(doc, keys[i])), "%s is shown though withheld", keys[i]);
}

static const char *const appeal_figures[] = {"appeals_late", "reconsidered", "changed_on_reconsideration",
                                             "share_changed_on_reconsideration", "median_days_to_reconsideration"};
static const char *const ruling_figures[] = {"rulings", "board_change_rate", "median_days_to_ruling"};

/* want < 0: the member must be null. */
static void assert_number(json_t *obj, const char *key, double want)
{
    json_t *v = json_object_get(obj, key);
    if (want < 0) {
        cr_assert(json_is_null(v), "%s should be null", key);
        return;
    }
    cr_assert(json_is_number(v), "%s is not a number", key);
    double got = json_number_value(v);
    cr_assert(got > want - 1e-9 && got < want + 1e-9, "%s is %g, want %g", key, got, want);
}

/* Fails unless decisions_issued holds exactly the kinds with these counts. */
static void assert_by_kind(json_t *doc, const char *const *kinds, const long long *counts, size_t n)
{
    json_t *by_kind = json_object_get(doc, "decisions_issued");
    char *text = json_dumps(by_kind, JSON_COMPACT);
    cr_assert(json_is_object(by_kind), "decisions_issued is not an object");
    cr_assert_eq(json_object_size(by_kind), n, "decisions_issued is %s, want %zu kinds", text, n);
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(by_kind, kinds[i]);
        cr_assert(json_is_integer(v) && json_integer_value(v) == counts[i], "decisions_issued is %s, want %s: %lld",
                  text, kinds[i], counts[i]);
    }
    free(text);
}

static void assert_rulings(json_t *doc, long long upheld, long long changed, long long remitted, long long dismissed)
{
    json_t *rulings = json_object_get(doc, "rulings");
    cr_assert(json_is_object(rulings), "rulings is not an object");
    fx_assert_integer(rulings, "upheld", upheld);
    fx_assert_integer(rulings, "changed", changed);
    fx_assert_integer(rulings, "remitted", remitted);
    fx_assert_integer(rulings, "dismissed", dismissed);
}

/*
 * The data, all in the test's own municipality, each decision Dn on a case of a citizen of
 * its own (cn), so that the whole period's groups are of at least 5 citizens and March's
 * of fewer (deadline = notified + 28, all working days):
 *   D0 placement 2025-12-01; A0 received 2025-12-10, upheld 2025-12-15, ruled upheld 2026-03-20
 *   D1 placement granted 2026-02-02 (not appealed)
 *   D2 overall 2026-02-03;   A1 2026-02-20, changed in full 2026-03-10 by N1 (overall, issued 2026-03-10)
 *   D3 fleksjob 2026-02-04;  A2 2026-02-23, upheld 2026-03-02, ruled upheld 2026-04-20
 *   D4 no_intervention 2026-02-05; A3 2026-02-24, upheld 2026-03-04, ruled remitted 2026-05-04
 *   D5 placement 2026-02-06; A4 2026-02-25, changed in part 2026-03-09 by N2 (placement, issued
 *      2026-03-09), ruled changed 2026-04-29
 *   D6 other 2026-02-09;     A5 2026-03-02, upheld 2026-03-12, ruled dismissed 2026-03-30
 *   D7 other 2026-02-10;     A6 2026-03-16 (deadline 2026-03-10: six days late), not reconsidered
 *   a draft of kind other, never issued.
 */
Test(appeal_stats, statistics_count_exactly_what_happened_in_the_period, .timeout = FX_TIMEOUT * 3)
{
    struct stats_world s;
    stats_world_open(&s, 900, 929);
    char d[8][FX_UUID_LEN], n1[FX_UUID_LEN], n2[FX_UUID_LEN], draft[FX_UUID_LEN], a[7][FX_UUID_LEN];
    char c[8][FX_UUID_LEN], cpr[11], citizen[FX_UUID_LEN];
    snprintf(c[0], FX_UUID_LEN, "%s", s.case_id);
    for (int i = 1; i < 8; i++)
        fx_new_case(&s.cw, cpr, citizen, c[i]);
    fx_issued_decision(&s.cw, c[0], "placement", "refused", "2025-12-01", d[0]);
    fx_issued_decision(&s.cw, c[1], "placement", "granted", "2026-02-02", d[1]);
    fx_issued_decision(&s.cw, c[2], "overall", "refused", "2026-02-03", d[2]);
    fx_issued_decision(&s.cw, c[3], "fleksjob", "refused", "2026-02-04", d[3]);
    fx_issued_decision(&s.cw, c[4], "no_intervention", "no_intervention", "2026-02-05", d[4]);
    fx_issued_decision(&s.cw, c[5], "placement", "refused", "2026-02-06", d[5]);
    fx_issued_decision(&s.cw, c[6], "other", "refused", "2026-02-09", d[6]);
    fx_issued_decision(&s.cw, c[7], "other", "partly_granted", "2026-02-10", d[7]);
    fx_draft_decision(&s.cw, c[7], "other", "refused", draft);

    ruled_appeal(&s, d[0], "2025-12-10", "2025-12-15", "upheld", "2026-03-20", a[0]);
    fx_file_appeal(&s.cw, d[2], "2026-02-20", "written", NULL, a[1]);
    successor(&s, c[2], d[2], "overall", "granted", "2026-03-10", n1);
    json_decref(fx_reconsider(&s.cw, a[1], "changed_in_full", "2026-03-10", n1, NULL));
    ruled_appeal(&s, d[3], "2026-02-23", "2026-03-02", "upheld", "2026-04-20", a[2]);
    ruled_appeal(&s, d[4], "2026-02-24", "2026-03-04", "remitted", "2026-05-04", a[3]);
    fx_file_appeal(&s.cw, d[5], "2026-02-25", "oral", NULL, a[4]);
    successor(&s, c[5], d[5], "placement", "partly_granted", "2026-03-09", n2);
    json_decref(fx_reconsider(&s.cw, a[4], "changed_in_part", "2026-03-09", n2, "Delvis medhold."));
    json_decref(fx_rule(&s.board, a[4], "changed", "2026-04-29"));
    ruled_appeal(&s, d[6], "2026-03-02", "2026-03-12", "dismissed", "2026-03-30", a[5]);
    fx_file_appeal(&s.cw, d[7], "2026-03-16", "written", NULL, a[6]);

    /* February to June. */
    struct fx_actor lead;
    fx_staff(&lead, "team_lead", s.municipality);
    json_t *doc = stats(&lead, s.municipality, "2026-02-01", "2026-06-30", 200);
    fx_assert_member(doc, "municipality", s.municipality);
    fx_assert_member(doc, "from", "2026-02-01");
    fx_assert_member(doc, "to", "2026-06-30");
    static const char *const kinds[] = {"placement", "overall", "fleksjob", "no_intervention", "other"};
    static const long long per_kind[] = {3, 2, 1, 1, 2};
    assert_by_kind(doc, kinds, per_kind, 5);
    fx_assert_integer(doc, "decisions_issued_total", 9);
    assert_suppressed(doc, 0, 0, 0);
    fx_assert_integer(doc, "appeals_filed", 6);
    fx_assert_integer(doc, "appeals_late", 1);
    fx_assert_integer(doc, "reconsidered", 5);
    fx_assert_integer(doc, "changed_on_reconsideration", 2);
    assert_number(doc, "share_changed_on_reconsideration", 0.4);
    assert_rulings(doc, 2, 1, 1, 1);
    /* (changed 1 + remitted 1) / (upheld 2 + changed 1 + remitted 1): dismissed left out. */
    assert_number(doc, "board_change_rate", 0.5);
    /* Days to reconsideration 18, 7, 8, 12, 10; to ruling 100, 56, 69, 63, 28. */
    assert_number(doc, "median_days_to_reconsideration", 10);
    assert_number(doc, "median_days_to_ruling", 63);
    json_decref(doc);

    /* March only: N1 and N2 (2 citizens), A5 and A6 (2), rulings on A0 and A5 (2): the
     * counts of what happened, and every figure about them withheld. */
    doc = stats(&lead, s.municipality, "2026-03-01", "2026-03-31", 200);
    fx_assert_integer(doc, "decisions_issued_total", 2);
    fx_assert_integer(doc, "appeals_filed", 2);
    assert_suppressed(doc, 1, 1, 1);
    cr_assert(json_is_null(json_object_get(doc, "decisions_issued")), "decisions by kind of 2 citizens are shown");
    assert_withheld(doc, appeal_figures, sizeof(appeal_figures) / sizeof(appeal_figures[0]));
    assert_withheld(doc, ruling_figures, sizeof(ruling_figures) / sizeof(ruling_figures[0]));
    json_decref(doc);

    /* A period with nothing in it: zero counts, nothing to show beside them. */
    doc = stats(&lead, s.municipality, "2025-01-01", "2025-01-31", 200);
    fx_assert_integer(doc, "decisions_issued_total", 0);
    fx_assert_integer(doc, "appeals_filed", 0);
    assert_suppressed(doc, 1, 1, 1);
    cr_assert(json_is_null(json_object_get(doc, "decisions_issued")));
    assert_withheld(doc, appeal_figures, sizeof(appeal_figures) / sizeof(appeal_figures[0]));
    assert_withheld(doc, ruling_figures, sizeof(ruling_figures) / sizeof(ruling_figures[0]));
    json_decref(doc);

    /* The board, an auditor and a caseworker of the municipality read the same numbers. */
    struct fx_actor auditor;
    fx_staff(&auditor, "auditor", s.municipality);
    const struct fx_actor *readers[] = {&s.board, &auditor, &s.cw};
    for (size_t i = 0; i < 3; i++) {
        doc = stats(readers[i], s.municipality, "2026-02-01", "2026-06-30", 200);
        fx_assert_integer(doc, "decisions_issued_total", 9);
        fx_assert_integer(doc, "appeals_filed", 6);
        assert_number(doc, "board_change_rate", 0.5);
        json_decref(doc);
    }
    fx_actor_free(&auditor);
    fx_actor_free(&lead);
    stats_world_close(&s);
}

Test(appeal_stats, staff_of_another_municipality_get_404, .timeout = FX_TIMEOUT)
{
    struct stats_world s;
    stats_world_open(&s, 930, 949);
    char decision[FX_UUID_LEN];
    fx_issued_decision(&s.cw, s.case_id, "placement", "granted", "2026-02-02", decision);
    static const char *const roles[] = {"team_lead", "auditor", "caseworker"};
    for (size_t i = 0; i < 3; i++) {
        struct fx_actor outsider;
        fx_staff(&outsider, roles[i], FX_MUNICIPALITY);
        json_decref(stats(&outsider, s.municipality, "2026-02-01", "2026-06-30", 404));
        fx_actor_free(&outsider);
    }
    /* Positive control: the municipality's own staff see the decision. */
    json_t *doc = stats(&s.cw, s.municipality, "2026-02-01", "2026-06-30", 200);
    fx_assert_integer(doc, "decisions_issued_total", 1);
    json_decref(doc);
    stats_world_close(&s);
}

Test(appeal_stats, bad_parameters_are_400, .timeout = FX_TIMEOUT)
{
    struct fx_actor lead;
    fx_staff(&lead, "team_lead", FX_MUNICIPALITY);
    static const char *const queries[] = {
        "from=2026-01-01&to=2026-06-30",
        "municipality=101&to=2026-06-30",
        "municipality=101&from=2026-01-01",
        "municipality=101&from=2026-07-01&to=2026-06-30",
        "municipality=101&from=2026-02-30&to=2026-06-30",
        "municipality=101&from=2026-01-01&to=soon",
        "municipality=101&from=2026-01-01&to=2026-06-30&kind=overall",
    };
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        char path[256];
        snprintf(path, sizeof(path), "/v1/stats/appeals?%s", queries[i]);
        struct http_response r;
        fx_call("GET", path, &lead, NULL, NULL, 0, &r);
        cr_assert_eq(r.status, 400, "GET %s answered %d: %.300s", path, r.status, r.body);
        fx_assert_problem(&r, 400);
        http_response_free(&r);
    }
    /* Positive control: the same request with all three parameters in order. */
    json_t *doc = stats(&lead, FX_MUNICIPALITY, "2026-01-01", "2026-06-30", 200);
    fx_assert_member(doc, "municipality", FX_MUNICIPALITY);
    json_decref(doc);
    fx_actor_free(&lead);
}

/* GET the whole first page of a's remitted worklist (limit 100); the caller json_decref's. */
static json_t *worklist_page(const struct fx_actor *a)
{
    struct http_response r;
    fx_call("GET", "/v1/worklists/remitted-decisions?limit=100", a, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    return doc;
}

Test(appeal_stats, remitted_worklist_lists_exactly_the_remitted_decisions_until_replaced, .timeout = FX_TIMEOUT * 2)
{
    struct stats_world s;
    stats_world_open(&s, 950, 979);
    struct fx_actor lead, cw101, auditor;
    fx_staff(&lead, "team_lead", s.municipality);
    fx_staff(&cw101, "caseworker", FX_MUNICIPALITY);
    fx_staff(&auditor, "auditor", s.municipality);
    char remitted[FX_UUID_LEN], changed[FX_UUID_LEN], upheld[FX_UUID_LEN], open_one[FX_UUID_LEN], a[4][FX_UUID_LEN],
        fresh[FX_UUID_LEN];
    fx_issued_decision(&s.cw, s.case_id, "overall", "refused", "2026-03-02", remitted);
    fx_issued_decision(&s.cw, s.case_id, "placement", "refused", "2026-03-02", changed);
    fx_issued_decision(&s.cw, s.case_id, "fleksjob", "refused", "2026-03-02", upheld);
    fx_issued_decision(&s.cw, s.case_id, "other", "refused", "2026-03-02", open_one);
    ruled_appeal(&s, remitted, "2026-03-05", "2026-03-10", "remitted", "2026-04-15", a[0]);
    ruled_appeal(&s, changed, "2026-03-05", "2026-03-10", "changed", "2026-04-16", a[1]);
    ruled_appeal(&s, upheld, "2026-03-05", "2026-03-10", "upheld", "2026-04-17", a[2]);
    fx_file_appeal(&s.cw, open_one, "2026-03-05", "written", NULL, a[3]);

    const struct fx_actor *staff[] = {&s.cw, &lead};
    for (size_t i = 0; i < 2; i++) {
        json_t *doc = worklist_page(staff[i]);
        json_t *items = json_object_get(doc, "items");
        cr_assert_eq(json_array_size(items), 1, "the worklist holds %zu rows, want only the remitted decision",
                     json_array_size(items));
        cr_assert(json_is_null(json_object_get(doc, "next_cursor")));
        json_t *row = json_array_get(items, 0);
        fx_assert_member(row, "resource_id", remitted);
        fx_assert_member(row, "case_id", s.case_id);
        fx_assert_member(row, "citizen_id", s.citizen);
        fx_assert_member(row, "resource_type", "decision");
    fx_assert_member(json_object_get(json_object_get(row, "details"), "kind"), "code", "overall");
        fx_assert_member(json_object_get(row, "details"), "force_lost_on", "2026-04-15");
        fx_assert_member(row, "since", "2026-04-15");
        fx_assert_member(json_object_get(row, "details"), "reason", "remitted");
        fx_assert_member(row, "why", WHY_REMITTED);
        json_decref(doc);
    }
    json_t *row = fx_worklist_row(&cw101, remitted);
    cr_assert_null(row, "Copenhagen's worklist shows another municipality's decision");

    struct http_response r;
    fx_call("GET", "/v1/worklists/remitted-decisions", &auditor, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 403);
    http_response_free(&r);
    fx_call("GET", "/v1/worklists/remitted-decisions?limit=0", &s.cw, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 400);
    http_response_free(&r);

    /* Issuing the new decision takes it off the list. */
    successor(&s, s.case_id, remitted, "overall", "granted", "2026-04-20", fresh);
    json_t *doc = worklist_page(&s.cw);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 0, "the replaced decision is still listed");
    json_decref(doc);
    fx_actor_free(&auditor);
    fx_actor_free(&cw101);
    fx_actor_free(&lead);
    stats_world_close(&s);
}
