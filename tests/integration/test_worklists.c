/* The worklists over HTTP: each list holds a thing to do exactly while its condition holds,
 * shown with one resource on the first day of the condition and one a day short of it, each
 * row with the since, why and details the contract gives; keyset pages; the caseworker
 * filter; who may read which municipality's lists; the access log. remitted-decisions is
 * tested in test_appeals.c and test_appeal_stats.c. The test run keeps the defaults of
 * FREMDRIFT_LONG_WAIT_DAYS (30) and FREMDRIFT_PROCESSING_DEADLINES (application=42,
 * intervention_request=30), so the dates below are worked out from those. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

/* Municipality codes (worklists 870-877, see fixtures.h): the tests of one list each share
 * 870-875 and read only their own caseworker's rows; the filter test reads a whole list,
 * and the access-log test a whole log, so each has a code no other test writes in. */
#define RANGE_LISTS 870, 875
#define MUNICIPALITY_FILTER "876"
#define MUNICIPALITY_AUDIT "877"

#define LONG_WAIT_DAYS 30
#define APPLICATION_DAYS 42
#define INTERVENTION_REQUEST_DAYS 30
#define EDUCATION_REQUEST_DAYS 14

/* One test's caseworker, of its own, so the caseworker filter gives exactly its rows. */
struct world {
    char today[11];
    char municipality[4];
    struct fx_actor cw;
};

/* A citizen of the world's caseworker with one case. */
struct subject {
    char cpr[11];
    char citizen_id[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
};

static void world_open_in(struct world *w, const char *municipality)
{
    fx_today(w->today);
    snprintf(w->municipality, sizeof(w->municipality), "%s", municipality);
    fx_staff(&w->cw, "caseworker", w->municipality);
}

static void world_open(struct world *w)
{
    char municipality[4];
    fx_random_municipality(RANGE_LISTS, municipality);
    world_open_in(w, municipality);
}

static void world_close(struct world *w)
{
    fx_actor_free(&w->cw);
}

/* w's date plus days. */
static void day(const struct world *w, int days, char out[11])
{
    fx_date_add(w->today, days, out);
}

/* A fresh citizen with a case in its target group since tg_since, on benefit from
 * benefit_start, with w's caseworker. */
static void subject_open(struct world *w, const char *tg_since, const char *benefit, const char *benefit_start,
                         struct subject *s)
{
    fx_new_citizen(&w->cw, s->cpr, s->citizen_id);
    fx_create_case_dated(&w->cw, s->citizen_id, tg_since, benefit, benefit_start, s->case_id);
}

/* A case that entered its target group today on sygedagpenge: by itself on no list (its
 * review is a year away, and sygedagpenge raises no kontanthjælp flag). */
static void plain_subject(struct world *w, struct subject *s)
{
    subject_open(w, w->today, "sygedagpenge", w->today, s);
}

/* A case whose annual review falls due on target: it entered its target group 12 months
 * before. On a 29 February no case can be due (12 months after a 29 February is the 28th),
 * so due, as the case says, is the date the expectations are worked out from. */
static void subject_due(struct world *w, const char *target, struct subject *s, char due[11])
{
    char since[11];
    fx_date_add_months(target, -12, since);
    fx_date_add_months(since, 12, due);
    subject_open(w, since, "sygedagpenge", since, s);
    json_t *doc = fx_get_case(&w->cw, s->case_id);
    fx_assert_member(doc, "next_review_due", due);
    json_decref(doc);
}

/* Every row of list name with w's caseworker: the filter keeps out rows of other tests,
 * which may move while this walks. The caller json_decref's the array. */
static json_t *own_rows(const struct world *w, const char *name)
{
    return fx_worklist_rows(&w->cw, name, w->cw.sub, 100);
}

static void assert_count(json_t *rows, const char *name, size_t n)
{
    char *text = json_dumps(rows, JSON_COMPACT);
    cr_assert_eq(json_array_size(rows), n, "%s lists %zu rows of the caseworker, want %zu: %s", name,
                 json_array_size(rows), n, text);
    free(text);
}

/* Fails unless ref is a reference brief of code. */
static void assert_brief(json_t *ref, const char *code)
{
    cr_assert(json_is_object(ref), "the reference is not an object");
    fx_assert_member(ref, "code", code);
    const char *label = json_string_value(json_object_get(ref, "label"));
    cr_assert(label && *label, "reference %s has no label", code);
    cr_assert(json_integer_value(json_object_get(ref, "reference_id")) >= 1, "reference %s has no id", code);
}

/* Fails unless why (a Danish sentence) holds no ISO date: its dates are written the Danish
 * way ("2. juni 2026"). */
static void assert_danish_dates(const char *why)
{
    for (const char *p = why; *p; p++) {
        int iso = 1;
        for (int i = 0; i < 10 && iso; i++)
            iso = p[i] && (i == 4 || i == 7 ? p[i] == '-' : p[i] >= '0' && p[i] <= '9');
        cr_assert_not(iso, "why holds an ISO date: %s", why);
    }
}

/* Fails unless rows list resource_id once, with the members every list has: s's case and
 * citizen, w's caseworker, resource_type, since and a why; and details with exactly
 * n_details members. Returns details (borrowed from rows). */
static json_t *assert_row(json_t *rows, const struct world *w, const struct subject *s, const char *resource_type,
                          const char *resource_id, const char *since, size_t n_details)
{
    json_t *row = fx_find_row(rows, "resource_id", resource_id);
    cr_assert_not_null(row, "%s %s is not listed (want since %s)", resource_type, resource_id, since);
    cr_assert_eq(json_object_size(row), 8, "a row has %zu members, want 8", json_object_size(row));
    fx_assert_member(row, "case_id", s->case_id);
    fx_assert_member(row, "citizen_id", s->citizen_id);
    fx_assert_member(row, "caseworker", w->cw.sub);
    fx_assert_member(row, "resource_type", resource_type);
    fx_assert_member(row, "since", since);
    const char *why = json_string_value(json_object_get(row, "why"));
    cr_assert(why && strspn(why, " ") < strlen(why), "%s %s says no why", resource_type, resource_id);
    assert_danish_dates(why);
    json_t *details = json_object_get(row, "details");
    cr_assert(json_is_object(details), "%s %s has no details object", resource_type, resource_id);
    cr_assert_eq(json_object_size(details), n_details, "details has %zu members, want %zu",
                 json_object_size(details), n_details);
    return details;
}

static void assert_not_listed(json_t *rows, const char *resource_id, const char *what)
{
    cr_assert_null(fx_find_row(rows, "resource_id", resource_id), "%s is listed", what);
}

/* ---- reviews-due ---- */

Test(worklists, reviews_due_lists_a_case_from_30_days_before_its_review_and_while_it_is_overdue,
     .timeout = FX_TIMEOUT * 3)
{
    struct world w;
    world_open(&w);
    char in_30[11], in_31[11], yesterday[11], horizon[11];
    day(&w, 30, in_30);
    day(&w, 31, in_31);
    day(&w, -1, yesterday);
    memcpy(horizon, in_30, sizeof(horizon));
    /* Due in 30 days (first day listed), in 31 (not yet), today (still upcoming), yesterday
     * (overdue), and overdue but closed. */
    const char *targets[] = {in_30, in_31, w.today, yesterday, yesterday};
    enum { N = 5, CLOSED = 4, OVERDUE = 3 };
    struct subject s[N];
    char due[N][11];
    for (int i = 0; i < N; i++)
        subject_due(&w, targets[i], &s[i], due[i]);
    fx_close_case(&w.cw, s[CLOSED].case_id);

    json_t *rows = own_rows(&w, "reviews-due");
    size_t listed = 0;
    for (int i = 0; i < N; i++) {
        if (i == CLOSED || strcmp(due[i], horizon) > 0) {
            assert_not_listed(rows, s[i].case_id, i == CLOSED ? "a closed case" : "a review due in 31 days");
            continue;
        }
        /* Overdue since the due date; upcoming since 30 days before it. */
        char since[11];
        if (strcmp(due[i], w.today) < 0)
            memcpy(since, due[i], sizeof(since));
        else
            fx_date_add(due[i], -30, since);
        json_t *details = assert_row(rows, &w, &s[i], "case", s[i].case_id, since, 1);
        fx_assert_member(details, "due", due[i]);
        char by[32], want[48];
        fx_danish_date(due[i], by);
        snprintf(want, sizeof(want), "senest %s.", by);
        const char *why = json_string_value(json_object_get(fx_find_row(rows, "resource_id", s[i].case_id), "why"));
        cr_assert(strstr(why, want), "the why does not say \"%s\": %s", want, why);
        listed++;
    }
    assert_count(rows, "reviews-due", listed);
    json_decref(rows);

    /* A completed review puts the next one a year away: off the list. */
    struct fx_actor citizen;
    fx_citizen(&citizen, s[OVERDUE].cpr);
    char review[FX_UUID_LEN];
    json_decref(fx_completed_review(&w.cw, &citizen, s[OVERDUE].case_id, review));
    fx_actor_free(&citizen);
    rows = own_rows(&w, "reviews-due");
    assert_not_listed(rows, s[OVERDUE].case_id, "a case reviewed today");
    assert_count(rows, "reviews-due", listed - 1);
    json_decref(rows);
    world_close(&w);
}

/* ---- appeal-reconsiderations ---- */

Test(worklists, appeal_reconsiderations_lists_a_received_appeal_from_7_days_before_its_deadline,
     .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w);
    struct subject s;
    plain_subject(&w, &s);
    /* The municipality has 28 days to reconsider: received 21 days ago, the deadline is in 7
     * days (listed from today); 20 days ago, in 8 (not yet); 40 days ago, passed 12 days ago
     * (listed since 19 days ago). */
    char notified[11], old_notified[11], r21[11], r20[11], r40[11];
    day(&w, -30, notified);
    day(&w, -60, old_notified);
    day(&w, -21, r21);
    day(&w, -20, r20);
    day(&w, -40, r40);
    char d21[FX_UUID_LEN], d20[FX_UUID_LEN], d40[FX_UUID_LEN], a21[FX_UUID_LEN], a20[FX_UUID_LEN], a40[FX_UUID_LEN];
    fx_issued_decision(&w.cw, s.case_id, "placement", "refused", notified, d21);
    fx_issued_decision(&w.cw, s.case_id, "other", "refused", notified, d20);
    fx_issued_decision(&w.cw, s.case_id, "overall", "refused", old_notified, d40);
    fx_file_appeal(&w.cw, d21, r21, "written", NULL, a21);
    fx_file_appeal(&w.cw, d20, r20, "written", NULL, a20);
    fx_file_appeal(&w.cw, d40, r40, "written", NULL, a40);

    char in_7[11], passed[11], since_passed[11];
    day(&w, 7, in_7);
    day(&w, -12, passed);
    day(&w, -19, since_passed);
    json_t *rows = own_rows(&w, "appeal-reconsiderations");
    json_t *details = assert_row(rows, &w, &s, "appeal", a21, w.today, 3);
    fx_assert_member(details, "decision_id", d21);
    fx_assert_member(details, "received_on", r21);
    fx_assert_member(details, "reconsideration_deadline", in_7);
    details = assert_row(rows, &w, &s, "appeal", a40, since_passed, 3);
    fx_assert_member(details, "decision_id", d40);
    fx_assert_member(details, "received_on", r40);
    fx_assert_member(details, "reconsideration_deadline", passed);
    assert_not_listed(rows, a20, "an appeal whose reconsideration deadline is 8 days away");
    assert_count(rows, "appeal-reconsiderations", 2);
    json_decref(rows);

    /* Reconsidered (upheld and forwarded to the board): nothing left to do here. */
    json_decref(fx_reconsider(&w.cw, a40, "upheld", w.today, NULL, "Kommunen fastholder afgørelsen."));
    rows = own_rows(&w, "appeal-reconsiderations");
    assert_not_listed(rows, a40, "a reconsidered appeal");
    assert_row(rows, &w, &s, "appeal", a21, w.today, 3);
    assert_count(rows, "appeal-reconsiderations", 1);
    json_decref(rows);
    world_close(&w);
}

/* ---- hearings-overdue ---- */

/* A draft decision on s's case whose hearing is hearing (consumed). */
static void draft_with_hearing(struct world *w, const struct subject *s, json_t *hearing, char id[FX_UUID_LEN])
{
    json_t *body = fx_decision_body(s->case_id, "other", "granted");
    json_object_set_new(body, "hearing", hearing);
    fx_create_decision(&w->cw, body, id);
}

Test(worklists, hearings_overdue_lists_an_unanswered_hearing_from_the_day_after_its_deadline,
     .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w);
    struct subject s;
    plain_subject(&w, &s);
    char sent[11], yesterday[11], deadline_old[11], answered[11];
    day(&w, -20, sent);
    day(&w, -1, yesterday);
    day(&w, -10, deadline_old);
    day(&w, -12, answered);
    char passed[FX_UUID_LEN], running[FX_UUID_LEN], replied[FX_UUID_LEN];
    draft_with_hearing(&w, &s,
                       json_pack("{s:s, s:s, s:s}", "status", "sent", "sent_on", sent, "response_deadline", yesterday),
                       passed);
    draft_with_hearing(&w, &s,
                       json_pack("{s:s, s:s, s:s}", "status", "sent", "sent_on", sent, "response_deadline", w.today),
                       running);
    draft_with_hearing(&w, &s,
                       json_pack("{s:s, s:s, s:s, s:s}", "status", "answered", "sent_on", sent, "response_deadline",
                                 deadline_old, "answered_on", answered),
                       replied);

    /* The deadline ran out yesterday: listed from today. */
    json_t *rows = own_rows(&w, "hearings-overdue");
    json_t *details = assert_row(rows, &w, &s, "decision", passed, w.today, 2);
    assert_brief(json_object_get(details, "kind"), "other");
    fx_assert_member(details, "response_deadline", yesterday);
    assert_not_listed(rows, running, "a hearing whose deadline is today");
    assert_not_listed(rows, replied, "an answered hearing");
    assert_count(rows, "hearings-overdue", 1);
    json_decref(rows);

    /* Once the decision is made the draft is no longer waiting. */
    json_decref(fx_issue_decision(&w.cw, passed, NULL));
    rows = own_rows(&w, "hearings-overdue");
    assert_count(rows, "hearings-overdue", 0);
    json_decref(rows);
    world_close(&w);
}

/* ---- long-waits and processing-deadlines ---- */

static void cancel_intervention(struct world *w, const char *id)
{
    struct http_response r;
    fx_intervention_step(&w->cw, id, "cancel", json_pack("{s:s}", "reason", "Borgeren har fået arbejde."), &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
}

Test(worklists, long_waits_lists_an_intervention_requested_more_than_30_days_ago_and_not_started,
     .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w);
    struct subject s;
    plain_subject(&w, &s);
    /* Starting an intervention issues a decision under the overall one. */
    char overall[FX_UUID_LEN];
    fx_issued_decision(&w.cw, s.case_id, "overall", "granted", NULL, overall);
    char d31[11], d30[11], d90[11], since[11];
    day(&w, -(LONG_WAIT_DAYS + 1), d31);
    day(&w, -LONG_WAIT_DAYS, d30);
    day(&w, -90, d90);
    /* Listed from the first day it has waited longer than the limit: today. */
    fx_date_add(d31, LONG_WAIT_DAYS + 1, since);
    char waiting[FX_UUID_LEN], not_yet[FX_UUID_LEN], started[FX_UUID_LEN], cancelled[FX_UUID_LEN];
    fx_create_intervention(&w.cw, s.case_id, "virksomhedspraktik", d31, 0, waiting);
    fx_create_intervention(&w.cw, s.case_id, "virksomhedspraktik", d30, 0, not_yet);
    fx_create_intervention(&w.cw, s.case_id, "mentor", d90, 0, started);
    fx_create_intervention(&w.cw, s.case_id, "mentor", d90, 0, cancelled);
    json_decref(fx_start_intervention(&w.cw, started, w.today));
    cancel_intervention(&w, cancelled);

    json_t *rows = own_rows(&w, "long-waits");
    json_t *details = assert_row(rows, &w, &s, "intervention", waiting, since, 2);
    assert_brief(json_object_get(details, "type"), "virksomhedspraktik");
    fx_assert_member(details, "requested_on", d31);
    assert_not_listed(rows, not_yet, "an intervention requested exactly 30 days ago");
    assert_not_listed(rows, started, "a started intervention");
    assert_not_listed(rows, cancelled, "a cancelled intervention");
    assert_count(rows, "long-waits", 1);
    json_decref(rows);

    json_decref(fx_start_intervention(&w.cw, waiting, w.today));
    rows = own_rows(&w, "long-waits");
    assert_count(rows, "long-waits", 0);
    json_decref(rows);
    world_close(&w);
}

/* PATCH the draft decision id with a processing notice sent on sent_on promising a
 * decision by expected_by; asserts 200. */
static void give_processing_notice(struct world *w, const char *id, const char *sent_on, const char *expected_by)
{
    json_t *current = fx_get_decision(&w->cw, id);
    char if_match[24], path[128];
    fx_if_match(current, if_match);
    json_decref(current);
    snprintf(path, sizeof(path), "/v1/decisions/%s", id);
    const struct http_header h[] = {{"If-Match", if_match}};
    struct http_response r;
    fx_call("PATCH", path, &w->cw,
            json_pack("{s:{s:s, s:s}}", "processing_notice", "sent_on", sent_on, "answer_expected_by", expected_by),
            h, 1, &r);
    fx_assert_status(&r, 200);
    json_t *doc = fx_body(&r);
    json_t *notice = json_object_get(doc, "processing_notice");
    fx_assert_member(notice, "sent_on", sent_on);
    fx_assert_member(notice, "answer_expected_by", expected_by);
    json_decref(doc);
    http_response_free(&r);
}

Test(worklists, processing_deadlines_lists_applications_after_42_days_and_intervention_requests_after_30,
     .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w);
    struct subject s;
    plain_subject(&w, &s);
    char a43[11], a42[11], a100[11], a_since[11], i31[11], i30[11], i90[11], i_since[11];
    day(&w, -(APPLICATION_DAYS + 1), a43);
    day(&w, -APPLICATION_DAYS, a42);
    day(&w, -100, a100);
    /* Listed from the first day past the deadline: today. */
    fx_date_add(a43, APPLICATION_DAYS + 1, a_since);
    day(&w, -(INTERVENTION_REQUEST_DAYS + 1), i31);
    day(&w, -INTERVENTION_REQUEST_DAYS, i30);
    day(&w, -90, i90);
    fx_date_add(i31, INTERVENTION_REQUEST_DAYS + 1, i_since);

    /* Applications: drafts that name what was applied for, created 43 and 42 days ago, and an
     * old draft the municipality started of its own motion (no applied_for). */
    char late[FX_UUID_LEN], in_time[FX_UUID_LEN], own_motion[FX_UUID_LEN];
    fx_draft_decision(&w.cw, s.case_id, "other", "granted", late);
    fx_draft_decision(&w.cw, s.case_id, "other", "granted", in_time);
    json_t *body = fx_decision_body(s.case_id, "other", "granted");
    json_object_del(body, "applied_for");
    fx_create_decision(&w.cw, body, own_motion);
    fx_backdate_decision_created(late, a43);
    fx_backdate_decision_created(in_time, a42);
    fx_backdate_decision_created(own_motion, a100);
    /* A draft opened today for an application received 43 days ago: the deadline runs from
     * the day it was received. */
    char received_earlier[FX_UUID_LEN];
    body = fx_decision_body(s.case_id, "other", "granted");
    json_object_set_new(body, "applied_on", json_string(a43));
    fx_create_decision(&w.cw, body, received_earlier);
    /* Intervention requests: 31 and 30 days old, and an old one cancelled. */
    char waiting[FX_UUID_LEN], not_yet[FX_UUID_LEN], cancelled[FX_UUID_LEN];
    fx_create_intervention(&w.cw, s.case_id, "mentor", i31, 0, waiting);
    fx_create_intervention(&w.cw, s.case_id, "mentor", i30, 0, not_yet);
    fx_create_intervention(&w.cw, s.case_id, "mentor", i90, 0, cancelled);
    cancel_intervention(&w, cancelled);
    /* Education has a deadline of its own in the test run (scripts/test.sh): 14 days. */
    char e15[11], e14[11], education_late[FX_UUID_LEN], education_in_time[FX_UUID_LEN];
    day(&w, -(EDUCATION_REQUEST_DAYS + 1), e15);
    day(&w, -EDUCATION_REQUEST_DAYS, e14);
    fx_create_intervention(&w.cw, s.case_id, "uddannelse", e15, 0, education_late);
    fx_create_intervention(&w.cw, s.case_id, "uddannelse", e14, 0, education_in_time);

    json_t *rows = own_rows(&w, "processing-deadlines");
    json_t *details = assert_row(rows, &w, &s, "decision", late, a_since, 3);
    fx_assert_member(details, "request", "application");
    fx_assert_integer(details, "deadline_days", APPLICATION_DAYS);
    details = assert_row(rows, &w, &s, "intervention", waiting, i_since, 3);
    fx_assert_member(details, "request", "intervention_request");
    fx_assert_integer(details, "deadline_days", INTERVENTION_REQUEST_DAYS);
    assert_not_listed(rows, in_time, "an application exactly 42 days old");
    assert_not_listed(rows, own_motion, "a draft without applied_for");
    assert_not_listed(rows, not_yet, "an intervention requested exactly 30 days ago");
    assert_not_listed(rows, cancelled, "a cancelled intervention");
    details = assert_row(rows, &w, &s, "decision", received_earlier, a_since, 3);
    fx_assert_integer(details, "deadline_days", APPLICATION_DAYS);
    details = assert_row(rows, &w, &s, "intervention", education_late, w.today, 3);
    fx_assert_integer(details, "deadline_days", EDUCATION_REQUEST_DAYS);
    assert_not_listed(rows, education_in_time, "an education request exactly 14 days old");
    assert_count(rows, "processing-deadlines", 4);
    json_decref(rows);

    /* The citizen is told in writing when to expect a decision: the application leaves the
     * list until that day has passed, then comes back from the day after it. */
    char in_10[11], a5[11], yesterday[11];
    day(&w, 10, in_10);
    day(&w, -5, a5);
    day(&w, -1, yesterday);
    give_processing_notice(&w, received_earlier, w.today, in_10);
    rows = own_rows(&w, "processing-deadlines");
    assert_not_listed(rows, received_earlier, "an application whose citizen was told to expect a decision in 10 days");
    json_decref(rows);
    give_processing_notice(&w, received_earlier, a5, yesterday);
    rows = own_rows(&w, "processing-deadlines");
    details = assert_row(rows, &w, &s, "decision", received_earlier, w.today, 3);
    fx_assert_member(details, "answer_expected_by", yesterday);
    json_decref(rows);

    /* The decision answers the application. */
    json_decref(fx_issue_decision(&w.cw, late, NULL));
    rows = own_rows(&w, "processing-deadlines");
    assert_not_listed(rows, late, "an application that was decided");
    assert_row(rows, &w, &s, "intervention", waiting, i_since, 3);
    assert_count(rows, "processing-deadlines", 3);
    json_decref(rows);
    world_close(&w);
}

/* ---- the flag lists ---- */

/* Fails unless list name holds exactly the cases of flagged (each with its since) and none
 * of the others, each row with details {flag: code}. */
static void assert_flag_list(const struct world *w, const char *name, const char *code, const struct subject *flagged,
                             const char *const *since, size_t n_flagged, const struct subject *others, size_t n_others)
{
    json_t *rows = own_rows(w, name);
    for (size_t i = 0; i < n_flagged; i++) {
        json_t *details = assert_row(rows, w, &flagged[i], "case", flagged[i].case_id, since[i], 1);
        fx_assert_member(details, "flag", code);
    }
    for (size_t i = 0; i < n_others; i++)
        assert_not_listed(rows, others[i].case_id, "a case without the flag");
    assert_count(rows, name, n_flagged);
    json_decref(rows);
}

Test(worklists, exemptions_expiring_lists_a_case_from_30_days_before_its_exemption_ends, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w);
    char from[11], in_30[11], in_31[11], yesterday[11], in_10[11];
    day(&w, -60, from);
    day(&w, 30, in_30);
    day(&w, 31, in_31);
    day(&w, -1, yesterday);
    day(&w, 10, in_10);
    /* Ends in 30 days: listed from today. Ends in 31 days, ended yesterday, or the case
     * was closed: not listed. */
    struct subject flagged[1], others[3];
    plain_subject(&w, &flagged[0]);
    fx_create_exemption(&w.cw, flagged[0].case_id, from, in_30, FX_EXEMPTION_REASON, NULL);
    const char *ends[] = {in_31, yesterday, in_10};
    for (int i = 0; i < 3; i++) {
        plain_subject(&w, &others[i]);
        fx_create_exemption(&w.cw, others[i].case_id, from, ends[i], FX_EXEMPTION_REASON, NULL);
    }
    fx_close_case(&w.cw, others[2].case_id);
    const char *since[] = {w.today};
    assert_flag_list(&w, "exemptions-expiring", "exemption_expiring", flagged, since, 1, others, 3);
    world_close(&w);
}

Test(worklists, a_case_with_two_exemptions_ending_the_same_day_is_one_row_that_paging_keeps,
     .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w);
    char from[11], later_from[11], in_20[11], since[11];
    day(&w, -60, from);
    day(&w, -50, later_from);
    day(&w, 20, in_20);
    day(&w, -10, since);
    struct subject s;
    plain_subject(&w, &s);
    fx_create_exemption(&w.cw, s.case_id, from, in_20, FX_EXEMPTION_REASON, NULL);
    fx_create_exemption(&w.cw, s.case_id, later_from, in_20, FX_EXEMPTION_REASON, NULL);

    /* Rows are paged by the cursor (since, resource_id): two rows with one key cannot both
     * be reached a row at a time, so the key must name one row. */
    char path[256];
    snprintf(path, sizeof(path), "/v1/worklists/exemptions-expiring?caseworker=%s&limit=100", w.cw.sub);
    json_t *doc = fx_get_json(&w.cw, path), *row;
    json_t *page = json_object_get(doc, "items");
    size_t i, twins = 0;
    json_array_foreach(page, i, row) {
        const char *id = json_string_value(json_object_get(row, "resource_id"));
        const char *on = json_string_value(json_object_get(row, "since"));
        twins += id && on && strcmp(id, s.case_id) == 0 && strcmp(on, since) == 0;
    }
    cr_assert_eq(twins, 1, "the case is listed %zu times since %s, want once", twins, since);
    /* A row at a time reaches every row of the whole page. */
    json_t *walked = fx_worklist_rows(&w.cw, "exemptions-expiring", w.cw.sub, 1);
    cr_assert_eq(json_array_size(walked), json_array_size(page), "limit=1 reaches %zu rows, one page holds %zu",
                 json_array_size(walked), json_array_size(page));
    json_decref(walked);
    json_decref(doc);
    world_close(&w);
}

Test(worklists, kontanthjaelp_list_holds_a_case_from_a_year_of_kontanthjaelp_without_assessment,
     .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w);
    char year_ago[11], day_after[11], two_years[11], year_on[11];
    fx_date_add_months(w.today, -12, year_ago);
    fx_date_add(year_ago, 1, day_after);
    fx_date_add_months(w.today, -24, two_years);
    fx_date_add_months(year_ago, 12, year_on);
    const char *since[] = {year_on};
    /* A year of kontanthjælp today; a day short of it; two years of another benefit. */
    struct subject flagged[1], others[2];
    subject_open(&w, w.today, "kontanthjaelp", year_ago, &flagged[0]);
    subject_open(&w, w.today, "kontanthjaelp", day_after, &others[0]);
    subject_open(&w, w.today, "sygedagpenge", two_years, &others[1]);
    assert_flag_list(&w, "kontanthjaelp-year-without-assessment", "kontanthjaelp_year_without_assessment", flagged,
                     since, 1, others, 2);
    world_close(&w);
}

/* A case on ledighedsydelse with an overall decision in force and a fleksjob of hours a
 * week, as if started on started_on (no API call can start one in the past). */
static void fleksjob_subject(struct world *w, double hours, const char *started_on, struct subject *s)
{
    subject_open(w, w->today, "ledighedsydelse", w->today, s);
    char overall[FX_UUID_LEN], id[FX_UUID_LEN];
    fx_issued_decision(&w->cw, s->case_id, "overall", "granted", NULL, overall);
    fx_create_intervention(&w->cw, s->case_id, "fleksjob", w->today, hours, id);
    json_decref(fx_start_intervention(&w->cw, id, w->today));
    fx_backdate_intervention(id, started_on, started_on);
}

Test(worklists, fleksjob_list_holds_a_case_a_year_after_a_low_hours_fleksjob_started, .timeout = FX_TIMEOUT * 3)
{
    struct world w;
    world_open(&w);
    char year_ago[11], day_after[11], year_on[11];
    fx_date_add_months(w.today, -12, year_ago);
    fx_date_add(year_ago, 1, day_after);
    fx_date_add_months(year_ago, 12, year_on);
    const char *since[] = {year_on};
    /* 4 hours a week for a year without progression; a day short of a year; 5 hours a week
     * (not under 5) for a year. */
    struct subject flagged[1], others[2];
    fleksjob_subject(&w, 4, year_ago, &flagged[0]);
    fleksjob_subject(&w, 4, day_after, &others[0]);
    fleksjob_subject(&w, 5, year_ago, &others[1]);
    assert_flag_list(&w, "fleksjob-low-hours-without-progression", "fleksjob_low_hours_without_progression", flagged,
                     since, 1, others, 2);
    world_close(&w);
}

Test(worklists, review_overdue_list_holds_a_case_from_the_day_after_its_review_was_due, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w);
    char yesterday[11], due[2][11];
    day(&w, -1, yesterday);
    struct subject s[2];
    subject_due(&w, yesterday, &s[0], due[0]);
    subject_due(&w, w.today, &s[1], due[1]);
    /* Due yesterday: overdue since then. Due today: not yet (unless today is a 29 February,
     * when the case is due the 28th and overdue too). */
    const char *since[] = {due[0], due[1]};
    if (strcmp(due[1], w.today) == 0)
        assert_flag_list(&w, "review-overdue", "review_overdue", &s[0], since, 1, &s[1], 1);
    else
        assert_flag_list(&w, "review-overdue", "review_overdue", s, since, 2, NULL, 0);
    world_close(&w);
}

/* ---- pages ---- */

/* Walks list name for w's caseworker limit rows a page; fails unless every page but the
 * last is full and has a next_cursor, the last has next_cursor null, and the rows are the
 * resources want[0..n) in that order (n >= 1). */
static void assert_pages(const struct world *w, const char *name, int limit, char (*want)[FX_UUID_LEN], size_t n)
{
    size_t pages = (n + (size_t)limit - 1) / (size_t)limit, seen = 0;
    char cursor[64] = "";
    for (size_t page = 1; page <= pages; page++) {
        char path[512];
        snprintf(path, sizeof(path), "/v1/worklists/%s?caseworker=%s&limit=%d%s%s", name, w->cw.sub, limit,
                 *cursor ? "&cursor=" : "", cursor);
        json_t *doc = fx_get_json(&w->cw, path);
        json_t *items = json_object_get(doc, "items"), *row;
        size_t size = page < pages ? (size_t)limit : n - seen;
        cr_assert(json_is_array(items), "GET %s has no items[]", path);
        cr_assert_eq(json_array_size(items), size, "page %zu of limit %d holds %zu rows, want %zu", page, limit,
                     json_array_size(items), size);
        size_t i;
        json_array_foreach(items, i, row) {
            const char *id = json_string_value(json_object_get(row, "resource_id"));
            cr_assert(id && strcmp(id, want[seen]) == 0, "row %zu (limit %d) is %s, want %s", seen, limit,
                      id ? id : "(none)", want[seen]);
            seen++;
        }
        json_t *next = json_object_get(doc, "next_cursor");
        if (page == pages) {
            cr_assert(json_is_null(next), "the last page (limit %d) has a next_cursor", limit);
        } else {
            const char *text = json_string_value(next);
            cr_assert(text && *text && strlen(text) < sizeof(cursor), "page %zu (limit %d) has no next_cursor", page,
                      limit);
            snprintf(cursor, sizeof(cursor), "%s", text);
        }
        json_decref(doc);
    }
}

Test(worklists, pages_walk_every_row_once_in_since_then_resource_order, .timeout = FX_TIMEOUT * 3)
{
    struct world w;
    world_open(&w);
    /* Three cases overdue since one day (ordered among themselves by id), one listed since
     * 20 days ago (due in 10) and one since 40 days ago. */
    char d3[11], d40[11], in_10[11];
    day(&w, -3, d3);
    day(&w, -40, d40);
    day(&w, 10, in_10);
    const char *targets[] = {d3, in_10, d3, d40, d3};
    enum { N = 5 };
    struct subject s[N];
    char due[N][11], since[N][11], order[N][FX_UUID_LEN];
    for (int i = 0; i < N; i++) {
        subject_due(&w, targets[i], &s[i], due[i]);
        if (strcmp(due[i], w.today) < 0)
            memcpy(since[i], due[i], 11);
        else
            fx_date_add(due[i], -30, since[i]);
    }
    /* The expected order, by (since, resource id) worked out here: a uuid's text sorts as
     * its bytes do. */
    int idx[N] = {0, 1, 2, 3, 4};
    for (int i = 1; i < N; i++)
        for (int k = i; k > 0; k--) {
            int a = idx[k - 1], b = idx[k];
            int c = strcmp(since[a], since[b]);
            if (c < 0 || (c == 0 && strcmp(s[a].case_id, s[b].case_id) < 0))
                break;
            idx[k - 1] = b;
            idx[k] = a;
        }
    for (int i = 0; i < N; i++)
        memcpy(order[i], s[idx[i]].case_id, FX_UUID_LEN);

    const int limits[] = {1, 2, 4, 5, 100};
    for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
        assert_pages(&w, "reviews-due", limits[i], order, N);
    world_close(&w);
}

Test(worklists, a_malformed_cursor_limit_or_caseworker_is_400, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w);
    const char *bad[] = {
        "cursor=abc",
        "cursor=2026-01-01_00000000-0000-0000-0000-00000000000g",
        "cursor=2026-02-30_00000000-0000-0000-0000-000000000001",
        "cursor=2026-01-01-00000000-0000-0000-0000-000000000001",
        "cursor=2026-01-01_00000000-0000-0000-0000-0000000000011",
        "cursor=",
        "limit=0",
        "limit=101",
        "limit=-1",
        "limit=abc",
        "limit=1.5",
        "limit=",
        "caseworker=bad%20id",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char path[160];
        snprintf(path, sizeof(path), "/v1/worklists/long-waits?%s", bad[i]);
        struct http_response r;
        fx_call("GET", path, &w.cw, NULL, NULL, 0, &r);
        cr_assert_eq(r.status, 400, "GET %s answers %d, want 400", path, r.status);
        fx_assert_problem(&r, 400);
        http_response_free(&r);
    }
    /* Positive control: the bounds themselves, and a cursor the service gave out. */
    json_decref(fx_get_json(&w.cw, "/v1/worklists/long-waits?limit=1"));
    json_decref(fx_get_json(&w.cw, "/v1/worklists/long-waits?limit=100"));
    struct subject s[2];
    char due[2][11], yesterday[11];
    day(&w, -1, yesterday);
    subject_due(&w, yesterday, &s[0], due[0]);
    subject_due(&w, yesterday, &s[1], due[1]);
    char path[256];
    snprintf(path, sizeof(path), "/v1/worklists/review-overdue?caseworker=%s&limit=1", w.cw.sub);
    json_t *doc = fx_get_json(&w.cw, path);
    const char *next = json_string_value(json_object_get(doc, "next_cursor"));
    cr_assert_not_null(next, "two rows, limit 1, and no next_cursor");
    snprintf(path, sizeof(path), "/v1/worklists/review-overdue?caseworker=%s&limit=1&cursor=%s", w.cw.sub, next);
    json_decref(doc);
    json_decref(fx_get_json(&w.cw, path));
    world_close(&w);
}

/* ---- names, roles, municipalities, the caseworker filter ---- */

static const char *const names[] = {
    "reviews-due", "appeal-reconsiderations", "hearings-overdue", "remitted-decisions", "exemptions-expiring",
    "kontanthjaelp-year-without-assessment", "fleksjob-low-hours-without-progression", "review-overdue",
    "long-waits", "processing-deadlines",
};

Test(worklists, every_name_answers_and_an_unknown_name_is_404, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w);
    char path[160];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(path, sizeof(path), "/v1/worklists/%s?caseworker=%s", names[i], w.cw.sub);
        json_t *doc = fx_get_json(&w.cw, path);
        cr_assert(json_is_array(json_object_get(doc, "items")), "GET %s has no items[]", path);
        cr_assert_eq(json_array_size(json_object_get(doc, "items")), 0, "a new caseworker has rows on %s", names[i]);
        cr_assert(json_is_null(json_object_get(doc, "next_cursor")), "GET %s: next_cursor is not null", path);
        json_decref(doc);
    }
    const char *unknown[] = {"no-such-list", "Reviews-Due", "review_overdue", "flags", "reviews-due-"};
    for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
        snprintf(path, sizeof(path), "/v1/worklists/%s", unknown[i]);
        struct http_response r;
        fx_call("GET", path, &w.cw, NULL, NULL, 0, &r);
        fx_assert_problem(&r, 404);
        http_response_free(&r);
    }
    world_close(&w);
}

Test(worklists, only_caseworkers_and_team_leads_read_worklists, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w);
    struct subject s;
    plain_subject(&w, &s);
    struct fx_actor citizen, integration, auditor, lead;
    fx_citizen(&citizen, s.cpr);
    fx_staff(&integration, "integration", w.municipality);
    fx_staff(&auditor, "auditor", w.municipality);
    fx_staff(&lead, "team_lead", w.municipality);
    const struct fx_actor *refused[] = {&citizen, &integration, &auditor};
    const char *lists[] = {"reviews-due", "long-waits"};
    for (size_t k = 0; k < 2; k++) {
        char path[128];
        snprintf(path, sizeof(path), "/v1/worklists/%s", lists[k]);
        for (size_t i = 0; i < 3; i++) {
            struct http_response r;
            fx_call("GET", path, refused[i], NULL, NULL, 0, &r);
            cr_assert_eq(r.status, 403, "GET %s as %s answers %d, want 403", path, refused[i]->role, r.status);
            fx_assert_problem(&r, 403);
            http_response_free(&r);
        }
        struct http_response r;
        fx_call("GET", path, NULL, NULL, NULL, 0, &r);
        fx_assert_problem(&r, 401);
        http_response_free(&r);
        json_decref(fx_get_json(&lead, path));
        json_decref(fx_get_json(&w.cw, path));
    }
    fx_actor_free(&lead);
    fx_actor_free(&auditor);
    fx_actor_free(&integration);
    fx_actor_free(&citizen);
    world_close(&w);
}

/* Fails unless every row is of a case of caseworker sub. */
static void assert_all_of(json_t *rows, const char *sub)
{
    json_t *row;
    size_t i;
    json_array_foreach(rows, i, row) {
        const char *cw = json_string_value(json_object_get(row, "caseworker"));
        cr_assert(cw && strcmp(cw, sub) == 0, "the list filtered by %s holds a case of %s", sub, cw ? cw : "(none)");
    }
}

Test(worklists, the_caseworker_filter_gives_only_that_caseworkers_cases_of_the_municipality,
     .timeout = FX_TIMEOUT * 2)
{
    /* Two caseworkers of one municipality, two overdue cases and one. */
    struct world a, b;
    world_open_in(&a, MUNICIPALITY_FILTER);
    world_open_in(&b, MUNICIPALITY_FILTER);
    char yesterday[11], due[3][11];
    day(&a, -1, yesterday);
    struct subject sa[2], sb[1];
    subject_due(&a, yesterday, &sa[0], due[0]);
    subject_due(&a, yesterday, &sa[1], due[1]);
    subject_due(&b, yesterday, &sb[0], due[2]);
    struct fx_actor lead;
    fx_staff(&lead, "team_lead", MUNICIPALITY_FILTER);

    /* Unfiltered, the team lead and each caseworker see all three. */
    const struct fx_actor *readers[] = {&lead, &a.cw, &b.cw};
    for (size_t i = 0; i < 3; i++) {
        json_t *rows = fx_worklist_rows(readers[i], "review-overdue", NULL, 100);
        cr_assert_not_null(fx_find_row(rows, "case_id", sa[0].case_id), "%s misses a case", readers[i]->role);
        cr_assert_not_null(fx_find_row(rows, "case_id", sa[1].case_id), "%s misses a case", readers[i]->role);
        cr_assert_not_null(fx_find_row(rows, "case_id", sb[0].case_id), "%s misses a case", readers[i]->role);
        json_decref(rows);
    }
    /* Filtered, by the team lead or a caseworker, exactly that caseworker's. */
    const struct fx_actor *filterers[] = {&lead, &b.cw};
    for (size_t i = 0; i < 2; i++) {
        json_t *rows = fx_worklist_rows(filterers[i], "review-overdue", a.cw.sub, 1);
        assert_all_of(rows, a.cw.sub);
        assert_row(rows, &a, &sa[0], "case", sa[0].case_id, due[0], 1);
        assert_row(rows, &a, &sa[1], "case", sa[1].case_id, due[1], 1);
        assert_count(rows, "review-overdue", 2);
        json_decref(rows);
        rows = fx_worklist_rows(filterers[i], "review-overdue", b.cw.sub, 100);
        assert_all_of(rows, b.cw.sub);
        assert_row(rows, &b, &sb[0], "case", sb[0].case_id, due[2], 1);
        assert_count(rows, "review-overdue", 1);
        json_decref(rows);
    }
    char nobody[64];
    fx_unique("caseworker", nobody, sizeof(nobody));
    json_t *rows = fx_worklist_rows(&lead, "review-overdue", nobody, 100);
    assert_count(rows, "review-overdue", 0);
    json_decref(rows);

    /* Staff of other municipalities see none of them, named or not. */
    struct fx_actor out_lead, out_cw;
    fx_staff(&out_lead, "team_lead", FX_OTHER_MUNICIPALITY);
    fx_staff(&out_cw, "caseworker", MUNICIPALITY_AUDIT);
    rows = fx_worklist_rows(&out_lead, "review-overdue", a.cw.sub, 100);
    assert_count(rows, "review-overdue", 0);
    json_decref(rows);
    rows = fx_worklist_rows(&out_cw, "review-overdue", NULL, 100);
    for (int i = 0; i < 2; i++)
        cr_assert_null(fx_find_row(rows, "case_id", sa[i].case_id), "another municipality lists a case");
    cr_assert_null(fx_find_row(rows, "case_id", sb[0].case_id), "another municipality lists a case");
    json_decref(rows);
    fx_actor_free(&out_cw);
    fx_actor_free(&out_lead);
    fx_actor_free(&lead);
    world_close(&b);
    world_close(&a);
}

/* ---- the access log ---- */

/* GET path as a with X-Request-Id rid (fresh), asserting 200. */
static void traced_read(const struct fx_actor *a, const char *path, char rid[64])
{
    fx_unique("worklist", rid, 64);
    const struct http_header h[] = {{"X-Request-Id", rid}};
    struct http_response r;
    fx_call("GET", path, a, NULL, h, 1, &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
}

/* Fails unless the row of rows with request id rid has criteria {worklist, caseworker}. */
static void assert_criteria(json_t *rows, const char *rid, const char *worklist, const char *caseworker)
{
    json_t *row = fx_find_row(rows, "request_id", rid);
    cr_assert_not_null(row);
    json_t *criteria = json_object_get(row, "criteria");
    cr_assert(json_is_object(criteria), "the search row has no criteria");
    fx_assert_member(criteria, "worklist", worklist);
    fx_assert_member(criteria, "caseworker", caseworker);
}

Test(worklists, reading_a_worklist_is_logged_as_a_search_of_worklist, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open_in(&w, MUNICIPALITY_AUDIT);
    struct fx_actor lead, auditor;
    fx_staff(&lead, "team_lead", MUNICIPALITY_AUDIT);
    fx_staff(&auditor, "auditor", MUNICIPALITY_AUDIT);
    char filtered[64], whole[64], path[256];
    snprintf(path, sizeof(path), "/v1/worklists/reviews-due?caseworker=%s", w.cw.sub);
    traced_read(&w.cw, path, filtered);
    traced_read(&lead, "/v1/worklists/long-waits", whole);

    json_t *rows = fx_access_log_rows(&auditor, NULL);
    fx_assert_logged(rows, filtered, "search", "worklist", &w.cw, NULL);
    assert_criteria(rows, filtered, "reviews-due", w.cw.sub);
    fx_assert_logged(rows, whole, "search", "worklist", &lead, NULL);
    assert_criteria(rows, whole, "long-waits", NULL);
    json_decref(rows);
    fx_actor_free(&auditor);
    fx_actor_free(&lead);
    world_close(&w);
}
