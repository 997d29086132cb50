/* The event feed for integrating systems: a consumer that keeps next_after sees every
 * event of its municipality exactly once and in order, also when transactions commit in
 * another order than they wrote their events (driven through libpq as the service's role,
 * with the claims the service sets), and while writes run through the API; every change of
 * one citizen's cycle gives exactly one event of its type and version, a refused change
 * none; nothing of another municipality; 400 for a malformed after or limit; 410 once
 * purged, while younger events and case records stay (in the serial resilience phase,
 * since purging deletes old rows of every municipality). */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures.h"

/* Municipality codes of this file's tests (events 861-869, see fixtures.h). */
#define RANGE_COMMIT_ORDER 861, 862
#define RANGE_XID_ORDER 863, 864
#define RANGE_CONCURRENT 865, 866
/* One code each: the cycle test counts every event of its municipality. */
#define RANGE_ISOLATION 867, 867
#define RANGE_CYCLE 868, 868
#define RANGE_PURGE 869, 869

/* How long a consumer waits for events that are committed to become readable: the feed
 * holds back while any older transaction of any test is still running. */
#define SETTLE_MS 15000

/* A consumer of one municipality's feed: what it read, in order, and the next_after it keeps. */
struct consumer {
    const struct fx_actor *reader;
    long long after;
    json_t *seen;
};

static void consumer_open(struct consumer *c, const struct fx_actor *reader, long long after)
{
    c->reader = reader;
    c->after = after;
    c->seen = json_array();
}

static void consumer_close(struct consumer *c)
{
    json_decref(c->seen);
    c->seen = NULL;
}

static long long int_member(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    cr_assert(json_is_integer(v), "%s is not an integer", key);
    return (long long)json_integer_value(v);
}

/* Reads one page after c->after and keeps what it got. Fails unless the page is in
 * strictly increasing seq above after, every event is of the reader's municipality and
 * carries the documented members, and next_after is the last seq (after when empty).
 * Returns the number of events read. */
static size_t consumer_read(struct consumer *c, int limit)
{
    char path[128];
    snprintf(path, sizeof(path), "/v1/events?after=%lld&limit=%d", c->after, limit);
    json_t *doc = fx_get_json(c->reader, path);
    json_t *events = json_object_get(doc, "events"), *e;
    cr_assert(json_is_array(events), "GET %s has no events[]", path);
    cr_assert(json_array_size(events) <= (size_t)limit, "GET %s gave %zu events", path, json_array_size(events));
    long long last = c->after;
    size_t i;
    json_array_foreach(events, i, e) {
        long long seq = int_member(e, "seq");
        cr_assert_gt(seq, last, "GET %s: seq %lld after %lld (out of order or repeated)", path, seq, last);
        last = seq;
        fx_assert_member(e, "municipality", c->reader->municipality);
        static const char *const text[] = {"type", "resource_type", "resource_id", "occurred_at"};
        for (size_t k = 0; k < sizeof(text) / sizeof(text[0]); k++)
            cr_assert(json_is_string(json_object_get(e, text[k])), "event %lld has no %s", seq, text[k]);
        cr_assert(json_is_object(json_object_get(e, "data")), "event %lld has no data object", seq);
    }
    cr_assert_eq(int_member(doc, "next_after"), last, "GET %s: next_after %lld, want %lld", path,
                 int_member(doc, "next_after"), last);
    json_array_extend(c->seen, events);
    c->after = last;
    size_t n = json_array_size(events);
    json_decref(doc);
    return n;
}

/* How many events of resource_id the consumer has read. An event is found by its
 * resource: its feed position (seq) exists only once the feed has numbered it. */
static int times_seen(const struct consumer *c, const char *resource_id)
{
    int n = 0;
    size_t i;
    json_t *e;
    json_array_foreach(c->seen, i, e) {
        const char *id = json_string_value(json_object_get(e, "resource_id"));
        if (id && strcmp(id, resource_id) == 0)
            n++;
    }
    return n;
}

/* Reads on from the kept next_after until an event of every resource in want has been
 * read or SETTLE_MS pass; returns 1 when all were read. */
static int consumer_await(struct consumer *c, const char *const *want, size_t n, int limit)
{
    long long deadline = fx_now_ms() + SETTLE_MS;
    for (;;) {
        size_t missing = 0;
        for (size_t i = 0; i < n; i++)
            missing += times_seen(c, want[i]) == 0;
        if (missing == 0)
            return 1;
        if (fx_now_ms() > deadline)
            return 0;
        if (consumer_read(c, limit) == 0)
            fx_pause_ms(50);
    }
}

/* The highest feed position given so far: a consumer starting there sees only events
 * numbered from now on, which includes every event this test writes. */
static long long last_position_now(void)
{
    return fx_owner_value("SELECT coalesce(max(position), 0) FROM events", 0, NULL);
}

/* Inserts a case.updated event of municipality for the case in the open transaction on
 * c, as the service does (a caseworker may write events but not read them, so no
 * RETURNING), with the case's document as its data, so that the feed's answers still
 * match the contract. */
static void insert_event(PGconn *c, const char *municipality, const char *case_id)
{
    const char *values[] = {municipality, case_id};
    PQclear(fx_pg_ok(c,
                     "INSERT INTO events (type, resource_type, resource_id, resource_version, municipality, payload) "
                     "SELECT 'case.updated', 'case', x.id, x.version, $1, case_document(x)::jsonb "
                     "FROM cases x WHERE x.id = $2::uuid",
                     2, values));
}

/* Two new cases of the caseworker's municipality, and the consumer past their
 * case.created events with nothing kept: the test's own events are the next it reads. */
static void two_cases_read(struct consumer *c, const struct fx_actor *cw, char id1[FX_UUID_LEN],
                           char id2[FX_UUID_LEN])
{
    char cpr[11], citizen[FX_UUID_LEN];
    fx_new_case(cw, cpr, citizen, id1);
    fx_new_case(cw, cpr, citizen, id2);
    const char *const both[] = {id1, id2};
    cr_assert(consumer_await(c, both, 2, 100), "the new cases' events never reached the feed");
    json_array_clear(c->seen);
}

/* The feed position of the test's case.updated event of the case, once numbered (the
 * owner reads past row-level security). */
static long long position_of(const char *case_id)
{
    const char *values[] = {case_id};
    return fx_owner_value("SELECT position FROM events WHERE resource_id = $1::uuid AND type = 'case.updated'", 1,
                          values);
}

/* 1 when the test's case.updated event of the case has no feed position yet. */
static int unnumbered(const char *case_id)
{
    const char *values[] = {case_id};
    return fx_owner_value("SELECT count(*) FROM events "
                          "WHERE resource_id = $1::uuid AND type = 'case.updated' AND position IS NULL",
                          1, values) == 1;
}

static void commit(PGconn *c)
{
    PQclear(fx_pg_ok(c, "COMMIT", 0, NULL));
}

Test(events, a_transaction_that_commits_first_is_not_shown_while_an_earlier_one_is_open, .timeout = FX_TIMEOUT * 2)
{
    char m[4], sub1[64], sub2[64];
    fx_random_municipality(RANGE_COMMIT_ORDER, m);
    fx_unique("caseworker", sub1, sizeof(sub1));
    fx_unique("caseworker", sub2, sizeof(sub2));
    struct fx_actor integration, cw;
    fx_staff(&integration, "integration", m);
    fx_staff(&cw, "caseworker", m);
    struct consumer c;
    consumer_open(&c, &integration, last_position_now());

    char id1[FX_UUID_LEN], id2[FX_UUID_LEN];
    two_cases_read(&c, &cw, id1, id2);
    PGconn *t1 = fx_pg_service(), *t2 = fx_pg_service();
    fx_pg_begin_as(t1, "caseworker", sub1, m);
    insert_event(t1, m, id1);
    fx_pg_begin_as(t2, "caseworker", sub2, m);
    insert_event(t2, m, id2);
    commit(t2);

    /* T2 has committed, T1 (which inserted first) has not: reading now and passing T2's
     * event would let T1's commit land behind the consumer. */
    long long kept = c.after;
    for (int i = 0; i < 5; i++) {
        consumer_read(&c, 100);
        cr_assert_eq(times_seen(&c, id2), 0,
                     "the feed shows the second event while the transaction of an earlier one is still open");
        cr_assert(unnumbered(id2), "the second event was numbered while the earlier transaction was open");
        kept = c.after;
        fx_pause_ms(40);
    }

    commit(t1);
    const char *const both[] = {id1, id2};
    cr_assert(consumer_await(&c, both, 2, 100), "after both commits the feed did not show both events within %d ms",
              SETTLE_MS);
    long long first = position_of(id1), second = position_of(id2);
    cr_assert_lt(first, second, "the earlier transaction's event got the higher position");
    cr_assert_lt(kept, first, "while it was open, next_after moved to %lld, past its event %lld", kept, first);
    cr_assert_eq(times_seen(&c, id1), 1);
    cr_assert_eq(times_seen(&c, id2), 1);
    /* consumer_read checked the order: first came before second. The consumer saw nothing else. */
    cr_assert_eq(json_array_size(c.seen), 2, "the feed of a fresh municipality shows %zu events, want 2",
                 json_array_size(c.seen));
    fx_assert_member(json_array_get(c.seen, 0), "resource_id", id1);
    fx_assert_member(json_array_get(c.seen, 1), "resource_id", id2);

    PQfinish(t1);
    PQfinish(t2);
    consumer_close(&c);
    fx_actor_free(&cw);
    fx_actor_free(&integration);
}

/*
 * The same guarantee when the transaction that commits last took its transaction id first:
 * every write of the service takes its id at its first row (the case, the decision) and
 * writes its event last, so under load a transaction with a lower id can write its event
 * after one with a higher id. Here A takes its id, B writes event b, A writes event a
 * (a > b) and commits, the consumer reads, then B commits. A consumer that kept next_after
 * must still be given b.
 */
Test(events, a_transaction_that_took_its_id_first_but_wrote_its_event_last_is_not_skipped,
     .timeout = FX_TIMEOUT * 2)
{
    char m[4], sub_a[64], sub_b[64];
    fx_random_municipality(RANGE_XID_ORDER, m);
    fx_unique("caseworker", sub_a, sizeof(sub_a));
    fx_unique("caseworker", sub_b, sizeof(sub_b));
    struct fx_actor integration, cw;
    fx_staff(&integration, "integration", m);
    fx_staff(&cw, "caseworker", m);
    struct consumer c;
    consumer_open(&c, &integration, last_position_now());

    char id_a[FX_UUID_LEN], id_b[FX_UUID_LEN];
    two_cases_read(&c, &cw, id_a, id_b);
    PGconn *ta = fx_pg_service(), *tb = fx_pg_service();
    fx_pg_begin_as(ta, "caseworker", sub_a, m);
    long long xid_a = fx_pg_value(ta, "SELECT pg_current_xact_id()::text::bigint", 0, NULL);
    fx_pg_begin_as(tb, "caseworker", sub_b, m);
    insert_event(tb, m, id_b);
    long long xid_b = fx_pg_value(tb, "SELECT pg_current_xact_id()::text::bigint", 0, NULL);
    insert_event(ta, m, id_a);
    commit(ta);

    /* While B is open, the consumer reads (until it has a, or for a while: an older
     * transaction of another test may hold the feed back meanwhile). */
    const char *const only_a[] = {id_a};
    int read_a = consumer_await(&c, only_a, 1, 100);
    commit(tb);
    cr_assert_lt(xid_a, xid_b, "the set-up failed: A's transaction id %lld is not below B's %lld", xid_a, xid_b);

    const char *const both[] = {id_a, id_b};
    int complete = consumer_await(&c, both, 2, 100);
    cr_assert(complete,
              "event b (written before event a, committed after it) never reached the consumer within %d ms; "
              "its next_after is %lld. While b was uncommitted the consumer %s a.",
              SETTLE_MS, c.after, read_a ? "had already been given" : "had not yet been given");
    cr_assert_eq(times_seen(&c, id_a), 1);
    cr_assert_eq(times_seen(&c, id_b), 1);
    PQfinish(ta);
    PQfinish(tb);
    consumer_close(&c);
    fx_actor_free(&cw);
    fx_actor_free(&integration);
}

/* ---- a consumer while writes run through the API ---- */

#define WRITERS 4
#define CASES_PER_WRITER 5

struct writer {
    const struct fx_actor *cw;
    char cpr[CASES_PER_WRITER][11];
    char case_id[CASES_PER_WRITER][FX_UUID_LEN];
    int done;
    char error[256];
};

static atomic_int writers_running;

/* One POST or PATCH; 0 when it answered want, else the error is written to w. Not
 * fx_call: criterion's assertions belong to the test's own thread. */
static int write_call(struct writer *w, const char *method, const char *path, json_t *body, const char *if_match,
                      int want, json_t **doc, const char **etag_out, char *etag, size_t etag_cap)
{
    struct http_response r;
    const struct http_header h[] = {{"If-Match", if_match}};
    int rc = http_json(method, path, w->cw->token, body, if_match ? h : NULL, if_match ? 1 : 0, &r);
    json_decref(body);
    if (rc != 0) {
        snprintf(w->error, sizeof(w->error), "%s %s: %s", method, path, http_last_error());
        return -1;
    }
    if (r.status != want) {
        snprintf(w->error, sizeof(w->error), "%s %s answered %d: %.150s", method, path, r.status, r.body);
        http_response_free(&r);
        return -1;
    }
    if (doc)
        *doc = http_response_json(&r);
    if (etag_out) {
        const char *v = http_response_header(&r, "ETag");
        snprintf(etag, etag_cap, "%s", v ? v : "");
        *etag_out = etag;
    }
    http_response_free(&r);
    return 0;
}

/* Registers a citizen, opens a case and moves it to another caseworker, CASES_PER_WRITER
 * times: three events per round (citizen registration writes none). */
static void *write_cases(void *arg)
{
    struct writer *w = arg;
    for (int i = 0; i < CASES_PER_WRITER; i++) {
        json_t *doc = NULL;
        if (write_call(w, "POST", "/v1/citizens", json_pack("{s:s}", "cpr", w->cpr[i]), NULL, 201, &doc, NULL, NULL,
                       0) != 0)
            break;
        char citizen[FX_UUID_LEN];
        snprintf(citizen, sizeof(citizen), "%s", json_string_value(json_object_get(doc, "id")));
        json_decref(doc);
        json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen, "target_group", "aktivitetsparat",
                                 "target_group_since", "2025-03-01", "benefit", "kontanthjaelp", "benefit_start",
                                 "2025-03-01");
        const char *etag = NULL;
        char etag_buf[24];
        doc = NULL;
        if (write_call(w, "POST", "/v1/cases", body, NULL, 201, &doc, &etag, etag_buf, sizeof(etag_buf)) != 0)
            break;
        snprintf(w->case_id[i], FX_UUID_LEN, "%s", json_string_value(json_object_get(doc, "id")));
        json_decref(doc);
        char path[128];
        snprintf(path, sizeof(path), "/v1/cases/%s", w->case_id[i]);
        if (write_call(w, "PATCH", path, json_pack("{s:s}", "caseworker", "kollega-feed-test"), etag, 200, NULL, NULL,
                       NULL, 0) != 0)
            break;
        w->done++;
    }
    atomic_fetch_sub(&writers_running, 1);
    return NULL;
}

/* The events of municipality, as the table holds them (the owner): each {position (null
 * while unnumbered), txid, type, resource_id}, in position order, unnumbered last. */
static json_t *events_in_table(const char *municipality)
{
    const char *values[] = {municipality};
    PGconn *c = fx_pg_owner();
    PGresult *res = fx_pg_ok(c,
                             "SELECT coalesce(json_agg(json_build_object('position', position, 'txid', "
                             "txid::text::bigint, 'type', type, 'resource_id', resource_id) "
                             "ORDER BY position NULLS LAST, seq), '[]')::text FROM events WHERE municipality = $1",
                             1, values);
    json_t *rows = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
    cr_assert_not_null(rows);
    PQclear(res);
    PQfinish(c);
    return rows;
}

/* The number of events of type for resource id that the consumer read. */
static int events_of(const struct consumer *c, const char *type, const char *resource_id)
{
    int n = 0;
    size_t i;
    json_t *e;
    json_array_foreach(c->seen, i, e) {
        const char *t = json_string_value(json_object_get(e, "type"));
        const char *id = json_string_value(json_object_get(e, "resource_id"));
        if (t && id && strcmp(t, type) == 0 && strcmp(id, resource_id) == 0)
            n++;
    }
    return n;
}

/* Reads on from the kept next_after until the consumer has read n events or SETTLE_MS
 * pass; returns 1 when it has. */
static int consumer_await_count(struct consumer *c, size_t n, int limit)
{
    long long deadline = fx_now_ms() + SETTLE_MS;
    while (json_array_size(c->seen) < n) {
        if (fx_now_ms() > deadline)
            return 0;
        if (consumer_read(c, limit) == 0)
            fx_pause_ms(50);
    }
    return 1;
}

/* Fails with every event of the table the consumer did not read, with its position and
 * transaction id: the evidence of how next_after passed it. */
static void report_missed(const struct consumer *c, json_t *table)
{
    char text[2048] = "";
    size_t used = 0, missed = 0, i;
    json_t *e;
    json_array_foreach(table, i, e) {
        json_t *position = json_object_get(e, "position");
        int seen = 0;
        size_t k;
        json_t *s;
        json_array_foreach(c->seen, k, s)
            seen += json_is_integer(position) &&
                    json_integer_value(json_object_get(s, "seq")) == json_integer_value(position);
        if (seen)
            continue;
        missed++;
        if (used < sizeof(text) - 100)
            used += (size_t)snprintf(text + used, sizeof(text) - used, " [%s %s position %lld txid %lld]",
                                     json_string_value(json_object_get(e, "type")),
                                     json_string_value(json_object_get(e, "resource_id")),
                                     json_is_integer(position) ? (long long)json_integer_value(position) : -1LL,
                                     (long long)json_integer_value(json_object_get(e, "txid")));
    }
    cr_assert_fail("the consumer (next_after %lld) never got %zu of the table's %zu events:%s", c->after, missed,
                   json_array_size(table), text);
}

Test(events, a_consumer_reading_while_writes_run_gets_every_event_exactly_once_in_order, .timeout = FX_TIMEOUT * 3)
{
    char m[4];
    fx_random_municipality(RANGE_CONCURRENT, m);
    struct fx_actor integration, cw;
    fx_staff(&integration, "integration", m);
    fx_staff(&cw, "caseworker", m);
    struct consumer c;
    consumer_open(&c, &integration, last_position_now());

    static struct writer writers[WRITERS];
    pthread_t threads[WRITERS];
    memset(writers, 0, sizeof(writers));
    for (int t = 0; t < WRITERS; t++) {
        writers[t].cw = &cw;
        for (int i = 0; i < CASES_PER_WRITER; i++)
            fx_random_cpr(writers[t].cpr[i]);
    }
    atomic_store(&writers_running, WRITERS);
    for (int t = 0; t < WRITERS; t++)
        cr_assert_eq(pthread_create(&threads[t], NULL, write_cases, &writers[t]), 0);
    /* Small pages while the writers run, so that the consumer is often between commits. */
    while (atomic_load(&writers_running) > 0)
        if (consumer_read(&c, 3) == 0)
            fx_pause_ms(5);
    for (int t = 0; t < WRITERS; t++)
        pthread_join(threads[t], NULL);
    for (int t = 0; t < WRITERS; t++)
        cr_assert_eq(writers[t].done, CASES_PER_WRITER, "writer %d stopped: %s", t, writers[t].error);

    /* The consumer goes on from its next_after until it has as many events as were
     * written; then what the table holds is the truth, position by position. */
    const size_t n = (size_t)WRITERS * CASES_PER_WRITER * 2;
    int complete = consumer_await_count(&c, n, 3);
    json_t *truth = events_in_table(m);
    cr_assert_eq(json_array_size(truth), n, "the table holds %zu events of the municipality, want %zu",
                 json_array_size(truth), n);
    if (!complete)
        report_missed(&c, truth);
    cr_assert_eq(json_array_size(c.seen), n, "the consumer read %zu events, the table holds %zu",
                 json_array_size(c.seen), n);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(json_integer_value(json_object_get(json_array_get(c.seen, i), "seq")),
                     json_integer_value(json_object_get(json_array_get(truth, i), "position")),
                     "event %zu: the consumer read seq %lld, the table has position %lld", i,
                     (long long)json_integer_value(json_object_get(json_array_get(c.seen, i), "seq")),
                     (long long)json_integer_value(json_object_get(json_array_get(truth, i), "position")));

    /* Each case: created once and changed once; no CPR number in any event. */
    char *all = json_dumps(c.seen, JSON_COMPACT);
    cr_assert_not_null(all);
    for (int t = 0; t < WRITERS; t++) {
        for (int i = 0; i < CASES_PER_WRITER; i++) {
            cr_assert_eq(events_of(&c, "case.created", writers[t].case_id[i]), 1, "case %s: case.created %d times",
                         writers[t].case_id[i], events_of(&c, "case.created", writers[t].case_id[i]));
            cr_assert_eq(events_of(&c, "case.updated", writers[t].case_id[i]), 1, "case %s: case.updated %d times",
                         writers[t].case_id[i], events_of(&c, "case.updated", writers[t].case_id[i]));
            cr_assert_null(strstr(all, writers[t].cpr[i]), "an event carries the CPR number %s", writers[t].cpr[i]);
        }
    }
    free(all);
    json_decref(truth);
    consumer_close(&c);
    fx_actor_free(&cw);
    fx_actor_free(&integration);
}

Test(events, the_feed_is_scoped_to_the_readers_municipality, .timeout = FX_TIMEOUT)
{
    char m[4], cpr[11], citizen[FX_UUID_LEN], case_id[FX_UUID_LEN];
    fx_random_municipality(RANGE_ISOLATION, m);
    struct fx_actor integration, outsider, auditor, cw;
    fx_staff(&integration, "integration", m);
    fx_staff(&outsider, "integration", FX_OTHER_MUNICIPALITY);
    fx_staff(&auditor, "auditor", m);
    fx_staff(&cw, "caseworker", m);
    long long start = last_position_now();
    fx_new_case(&cw, cpr, citizen, case_id);

    struct consumer own;
    consumer_open(&own, &integration, start);
    long long deadline = fx_now_ms() + SETTLE_MS;
    while (events_of(&own, "case.created", case_id) == 0 && fx_now_ms() < deadline)
        if (consumer_read(&own, 100) == 0)
            fx_pause_ms(50);
    cr_assert_eq(events_of(&own, "case.created", case_id), 1, "the municipality's own feed lacks case.created");
    json_t *created = fx_find_row(own.seen, "resource_id", case_id);
    fx_assert_member(json_object_get(created, "data"), "id", case_id);
    long long seq = int_member(created, "seq");

    /* The auditor of the municipality reads the same feed. */
    struct consumer audit;
    consumer_open(&audit, &auditor, seq - 1);
    consumer_read(&audit, 1);
    cr_assert_eq(times_seen(&audit, case_id), 1, "the municipality's auditor does not see event %lld", seq);

    /* Another municipality's integration reads from just before it to the end: its own
     * events only (consumer_read checks each), and not this one. */
    struct consumer other;
    consumer_open(&other, &outsider, seq - 1);
    for (int page = 0; page < 100 && consumer_read(&other, 1000) > 0; page++)
        ;
    cr_assert_eq(times_seen(&other, case_id), 0, "another municipality's integration sees event %lld", seq);

    /* Staff who are not integrations or auditors have no feed. */
    struct http_response r;
    fx_call("GET", "/v1/events", &cw, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 403);
    http_response_free(&r);

    consumer_close(&other);
    consumer_close(&audit);
    consumer_close(&own);
    fx_actor_free(&cw);
    fx_actor_free(&auditor);
    fx_actor_free(&outsider);
    fx_actor_free(&integration);
}

/* ---- one citizen's cycle: an event for every change ---- */

#define MAX_EXPECTED 48

/* What one change must have written: one event of type for the resource at the version the
 * resource has after the change. */
struct expected_event {
    const char *type;
    const char *resource_type;
    char id[FX_UUID_LEN];
    long long version;
};

struct expectations {
    struct expected_event e[MAX_EXPECTED];
    size_t n;
};

static void expect(struct expectations *x, const char *type, const char *resource_type, const char *id,
                   long long version)
{
    cr_assert_lt(x->n, (size_t)MAX_EXPECTED, "more changes than the test has room for");
    struct expected_event *e = &x->e[x->n++];
    e->type = type;
    e->resource_type = resource_type;
    snprintf(e->id, sizeof(e->id), "%s", id);
    e->version = version;
}

/* The version member of doc, which is released. */
static long long version_of(json_t *doc)
{
    long long v = int_member(doc, "version");
    json_decref(doc);
    return v;
}

/* The string member key of doc copied to out. */
static void copy_id(json_t *doc, const char *key, char out[FX_UUID_LEN])
{
    const char *v = json_string_value(json_object_get(doc, key));
    cr_assert(v && strlen(v) == FX_UUID_LEN - 1, "%s is not an id", key);
    memcpy(out, v, FX_UUID_LEN);
}

/* method path as a with If-Match if_match and body (consumed); fails unless the answer has
 * status want, a problem document when want is an error. */
static void write_if_match(const struct fx_actor *a, const char *method, const char *path, const char *if_match,
                           json_t *body, int want)
{
    const struct http_header h[] = {{"If-Match", if_match}};
    struct http_response r;
    fx_call(method, path, a, body, h, 1, &r);
    if (want >= 400)
        fx_assert_problem(&r, want);
    else
        fx_assert_status(&r, want);
    http_response_free(&r);
}

/* The events the consumer read as "type resource_type id vversion" lines, for a failure
 * message (cut short when it does not fit); the caller frees the text. */
static char *describe_seen(const struct consumer *c)
{
    size_t cap = 64 + json_array_size(c->seen) * 96, used = 0, i;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    text[0] = '\0';
    json_t *e;
    json_array_foreach(c->seen, i, e) {
        json_t *version = json_object_get(e, "resource_version");
        int n = snprintf(text + used, cap - used, "\n  %s %s %s v%lld", json_string_value(json_object_get(e, "type")),
                         json_string_value(json_object_get(e, "resource_type")),
                         json_string_value(json_object_get(e, "resource_id")),
                         json_is_integer(version) ? (long long)json_integer_value(version) : -1LL);
        if (n < 0 || (size_t)n >= cap - used)
            break;
        used += (size_t)n;
    }
    return text;
}

/* Fails unless the consumer read exactly one event for each expected change, with its type,
 * resource type and id, resource version, a time, the resource's new state as data, and
 * nothing more. */
static void assert_events_match(const struct consumer *c, const struct expectations *x)
{
    char *seen = describe_seen(c);
    for (size_t k = 0; k < x->n; k++) {
        const struct expected_event *want = &x->e[k];
        json_t *found = NULL, *e;
        int n = 0;
        size_t i;
        json_array_foreach(c->seen, i, e) {
            const char *type = json_string_value(json_object_get(e, "type"));
            const char *id = json_string_value(json_object_get(e, "resource_id"));
            json_t *version = json_object_get(e, "resource_version");
            if (strcmp(type, want->type) == 0 && strcmp(id, want->id) == 0 && json_is_integer(version) &&
                json_integer_value(version) == want->version) {
                found = e;
                n++;
            }
        }
        cr_assert_eq(n, 1, "%d events %s of %s %s at version %lld, want exactly 1; the feed gave:%s", n, want->type,
                     want->resource_type, want->id, want->version, seen);
        fx_assert_member(found, "resource_type", want->resource_type);
        const char *at = json_string_value(json_object_get(found, "occurred_at"));
        cr_assert(strlen(at) >= 20 && at[4] == '-' && at[10] == 'T', "%s of %s: occurred_at %s is not RFC 3339",
                  want->type, want->id, at);
        json_t *data = json_object_get(found, "data");
        fx_assert_member(data, "id", want->id);
        /* The data is the state the change left: of the same version, where the resource has one. */
        json_t *data_version = json_object_get(data, "version");
        cr_assert(!data_version || (json_is_integer(data_version) && json_integer_value(data_version) == want->version),
                  "%s of %s: data.version is not the event's resource_version %lld", want->type, want->id,
                  want->version);
    }
    cr_assert_eq(json_array_size(c->seen), x->n, "the feed gave %zu events for %zu changes:%s",
                 json_array_size(c->seen), x->n, seen);
    free(seen);
}

/* The number of events of type for resource_id in the table (the owner reads them all). */
static long long events_in_table_of(const char *type, const char *resource_id)
{
    const char *values[] = {resource_id, type};
    return fx_owner_value("SELECT count(*) FROM events WHERE resource_id = $1::uuid AND type = $2", 2, values);
}

Test(events, every_change_of_a_citizens_cycle_writes_exactly_one_event_and_a_refused_change_none,
     .timeout = FX_TIMEOUT * 4)
{
    char m[4], today[11], notified[11], requested[11], started[11], planned[11], exempt_to[11], path[160];
    char if_match[24], stale[24];
    fx_random_municipality(RANGE_CYCLE, m);
    fx_today(today);
    fx_date_add(today, -60, notified);
    fx_date_add(today, -20, requested);
    fx_date_add(today, -6, started);
    fx_date_add(today, 14, planned);
    fx_date_add(today, 60, exempt_to);
    struct fx_actor integration, cw, board, citizen;
    fx_staff(&integration, "integration", m);
    fx_staff(&cw, "caseworker", m);
    fx_national(&board, "appeals_board");
    struct expectations x = {.n = 0};
    struct consumer c;
    consumer_open(&c, &integration, last_position_now());

    /* The case: opened, then given a coordinating caseworker. */
    char cpr[11], citizen_id[FX_UUID_LEN], case_id[FX_UUID_LEN];
    fx_new_case(&cw, cpr, citizen_id, case_id);
    fx_citizen(&citizen, cpr);
    json_t *doc = fx_get_case(&cw, case_id);
    expect(&x, "case.created", "case", case_id, int_member(doc, "version"));
    fx_if_match(doc, stale);
    json_decref(doc);
    snprintf(path, sizeof(path), "/v1/cases/%s", case_id);
    write_if_match(&cw, "PATCH", path, stale, json_pack("{s:s}", "coordinating_caseworker", "koordinator-1"), 200);
    expect(&x, "case.updated", "case", case_id, version_of(fx_get_case(&cw, case_id)));

    /* The overall decision on interventions: drafted, then issued. A new decision starts at
     * the version this draft has; decisions made inside other changes start there too. */
    char overall[FX_UUID_LEN];
    fx_draft_decision(&cw, case_id, "overall", "granted", overall);
    long long new_decision_version = version_of(fx_get_decision(&cw, overall));
    expect(&x, "decision.created", "decision", overall, new_decision_version);
    json_decref(fx_issue_decision(&cw, overall, notified));
    expect(&x, "decision.issued", "decision", overall, version_of(fx_get_decision(&cw, overall)));

    /* An intervention requested, started (which issues its sub-decision under the overall
     * decision in the same change) and ended. */
    char intervention[FX_UUID_LEN], sub_decision[FX_UUID_LEN];
    fx_create_intervention(&cw, case_id, "mentor", requested, 4, intervention);
    long long new_intervention_version = version_of(fx_get_intervention(&cw, intervention));
    expect(&x, "intervention.created", "intervention", intervention, new_intervention_version);
    json_decref(fx_start_intervention(&cw, intervention, started));
    doc = fx_get_intervention(&cw, intervention);
    expect(&x, "intervention.started", "intervention", intervention, int_member(doc, "version"));
    copy_id(doc, "decision_id", sub_decision);
    json_decref(doc);
    expect(&x, "decision.created", "decision", sub_decision, new_decision_version);
    expect(&x, "decision.issued", "decision", sub_decision, version_of(fx_get_decision(&cw, sub_decision)));
    struct http_response r;
    fx_intervention_step(&cw, intervention, "end", json_pack("{s:s, s:s}", "ended_on", today, "outcome", "Gennemført"),
                         &r);
    fx_assert_status(&r, 200);
    http_response_free(&r);
    expect(&x, "intervention.ended", "intervention", intervention, version_of(fx_get_intervention(&cw, intervention)));

    /* An exemption: it is never changed and has no version of its own, so its one event
     * carries version 1. It is there in its case's list. */
    char exemption[FX_UUID_LEN];
    fx_create_exemption(&cw, case_id, today, exempt_to, FX_EXEMPTION_REASON, exemption);
    snprintf(path, sizeof(path), "/v1/cases/%s/exemptions", case_id);
    doc = fx_get_json(&cw, path);
    cr_assert_not_null(fx_find_row(json_object_get(doc, "items"), "id", exemption), "the exemption is not listed");
    json_decref(doc);
    expect(&x, "exemption.created", "exemption", exemption, 1);

    /* The review: scheduled, the citizen's own assessment, WHO-5 and ratings in the
     * citizen's name, the caseworker's sections and ratings, each write one change. */
    static const int who5[5] = FX_WHO5_ITEMS;
    static const int by_citizen[3] = FX_RATINGS_CITIZEN;
    static const int by_caseworker[3] = FX_RATINGS_CASEWORKER;
    char review[FX_UUID_LEN];
    fx_schedule_review(&cw, case_id, today, review);
    expect(&x, "review.created", "review", review, version_of(fx_get_review(&cw, review)));
    json_decref(fx_review_ok(&citizen, "PUT", review, "/own-assessment",
                             json_pack("{s:s, s:s}", "wishes", FX_WISHES, "barriers", FX_BARRIERS)));
    expect(&x, "review.updated", "review", review, version_of(fx_get_review(&cw, review)));
    json_decref(fx_put_who5(&citizen, review, who5));
    expect(&x, "review.updated", "review", review, version_of(fx_get_review(&cw, review)));
    json_decref(fx_put_ratings(&citizen, review, by_citizen));
    expect(&x, "review.updated", "review", review, version_of(fx_get_review(&cw, review)));
    fx_fill_review(&cw, NULL, review, today, planned,
                   FX_SEC_BIT(FX_SEC_CURRENT_SITUATION) | FX_SEC_BIT(FX_SEC_WORK_CAPACITY) |
                       FX_SEC_BIT(FX_SEC_OVERALL_DECISION) | FX_SEC_BIT(FX_SEC_FOLLOW_UP_PLAN));
    expect(&x, "review.updated", "review", review, version_of(fx_get_review(&cw, review)));
    json_decref(fx_put_ratings(&cw, review, by_caseworker));
    expect(&x, "review.updated", "review", review, version_of(fx_get_review(&cw, review)));

    /* Completing it issues the placement decision and a new overall decision (superseding
     * the first) and requests the planned intervention, all in the same change. */
    char placement[FX_UUID_LEN], overall2[FX_UUID_LEN], planned_id[FX_UUID_LEN];
    json_decref(fx_complete_review(&cw, review));
    doc = fx_get_review(&cw, review);
    expect(&x, "review.completed", "review", review, int_member(doc, "version"));
    copy_id(doc, "placement_decision_id", placement);
    copy_id(doc, "overall_decision_id", overall2);
    json_decref(doc);
    expect(&x, "decision.created", "decision", placement, new_decision_version);
    expect(&x, "decision.issued", "decision", placement, version_of(fx_get_decision(&cw, placement)));
    expect(&x, "decision.created", "decision", overall2, new_decision_version);
    expect(&x, "decision.issued", "decision", overall2, version_of(fx_get_decision(&cw, overall2)));
    doc = fx_get_decision(&cw, overall);
    fx_assert_member(doc, "status", "superseded");
    expect(&x, "decision.superseded", "decision", overall, version_of(doc));
    snprintf(path, sizeof(path), "/v1/cases/%s/interventions?status=requested", case_id);
    doc = fx_get_json(&cw, path);
    json_t *row = fx_find_row(json_object_get(doc, "items"), "review_id", review);
    cr_assert_not_null(row, "the review's planned intervention was not requested");
    copy_id(row, "id", planned_id);
    json_decref(doc);
    expect(&x, "intervention.created", "intervention", planned_id, new_intervention_version);

    /* The citizen appeals the placement decision; the municipality upholds it, which
     * forwards the appeal (two events of the one change), and the board upholds it too. */
    char appeal[FX_UUID_LEN];
    fx_file_appeal(&citizen, placement, NULL, NULL, "Jeg er uenig i placeringen.", appeal);
    expect(&x, "appeal.received", "appeal", appeal, version_of(fx_get_appeal(&cw, appeal)));
    doc = fx_reconsider(&cw, appeal, "upheld", NULL, NULL, "Kommunen fastholder afgørelsen.");
    fx_assert_member(doc, "status", "forwarded");
    json_decref(doc);
    long long forwarded = version_of(fx_get_appeal(&cw, appeal));
    expect(&x, "appeal.reconsidered", "appeal", appeal, forwarded);
    expect(&x, "appeal.forwarded", "appeal", appeal, forwarded);
    json_decref(fx_rule(&board, appeal, "upheld", today));
    expect(&x, "appeal.ruled", "appeal", appeal, version_of(fx_get_appeal(&cw, appeal)));

    /* A draft without facts and reasons, then given another subject. */
    char draft[FX_UUID_LEN];
    json_t *body = fx_decision_body(case_id, "placement", "refused");
    json_object_del(body, "facts");
    json_object_del(body, "reasons");
    fx_create_decision(&cw, body, draft);
    doc = fx_get_decision(&cw, draft);
    expect(&x, "decision.created", "decision", draft, int_member(doc, "version"));
    char draft_stale[24];
    fx_if_match(doc, draft_stale);
    json_decref(doc);
    snprintf(path, sizeof(path), "/v1/decisions/%s", draft);
    write_if_match(&cw, "PATCH", path, draft_stale, json_pack("{s:s}", "subject", "Afgørelse om målgruppe"), 200);
    doc = fx_get_decision(&cw, draft);
    expect(&x, "decision.updated", "decision", draft, int_member(doc, "version"));
    fx_if_match(doc, if_match);
    json_decref(doc);

    /* Refused changes: issuing the incomplete draft (422), and a change of the draft and of
     * the case on a version that is no longer current (412). */
    snprintf(path, sizeof(path), "/v1/decisions/%s/issue", draft);
    const struct http_header h[] = {{"If-Match", if_match}};
    fx_call("POST", path, &cw, json_object(), h, 1, &r);
    fx_assert_problem(&r, 422);
    fx_assert_error_pointer(&r, "/facts");
    http_response_free(&r);
    snprintf(path, sizeof(path), "/v1/decisions/%s", draft);
    write_if_match(&cw, "PATCH", path, draft_stale, json_pack("{s:s}", "subject", "For sent"), 412);
    snprintf(path, sizeof(path), "/v1/cases/%s", case_id);
    write_if_match(&cw, "PATCH", path, stale, json_pack("{s:s}", "coordinating_caseworker", "koordinator-2"), 412);

    /* The municipality's integration reads on until it has as many events as there were
     * changes; the table, which holds every event of the municipality, has no more. */
    int complete = consumer_await_count(&c, x.n, 100);
    const char *values[] = {m};
    long long in_table = fx_owner_value("SELECT count(*) FROM events WHERE municipality = $1", 1, values);
    char *seen = describe_seen(&c);
    cr_assert(complete, "the feed gave %zu events within %d ms for %zu changes:%s", json_array_size(c.seen),
              SETTLE_MS, x.n, seen);
    cr_assert_eq(in_table, (long long)x.n, "the table holds %lld events of the municipality for %zu changes; the "
                 "feed gave:%s", in_table, x.n, seen);
    free(seen);
    assert_events_match(&c, &x);

    /* Nothing of the refused changes, in the feed or in the table. */
    cr_assert_eq(events_of(&c, "decision.issued", draft), 0, "the refused issue is in the feed");
    cr_assert_eq(events_in_table_of("decision.issued", draft), 0, "the refused issue wrote an event");
    cr_assert_eq(events_in_table_of("decision.updated", draft), 1, "the stale change of the draft wrote an event");
    cr_assert_eq(events_in_table_of("case.updated", case_id), 1, "the stale change of the case wrote an event");

    /* No CPR number in any event, written either way. */
    char dashed[12];
    snprintf(dashed, sizeof(dashed), "%.6s-%.4s", cpr, cpr + 6);
    char *all = json_dumps(c.seen, JSON_COMPACT);
    cr_assert_not_null(all);
    cr_assert_null(strstr(all, cpr), "an event carries the citizen's CPR number");
    cr_assert_null(strstr(all, dashed), "an event carries the citizen's CPR number");
    free(all);

    consumer_close(&c);
    fx_actor_free(&citizen);
    fx_actor_free(&board);
    fx_actor_free(&cw);
    fx_actor_free(&integration);
}

Test(events, a_malformed_after_or_limit_is_a_400_problem, .timeout = FX_TIMEOUT)
{
    struct fx_actor integration;
    fx_staff(&integration, "integration", FX_MUNICIPALITY);
    static const char *const bad[] = {
        "after=-1",  "after=abc", "after=1.5", "after=",   "after=1e3", "after=99999999999999999999",
        "limit=0",   "limit=1001", "limit=-5", "limit=x1", "limit=",    "limit=2.0",
        "since=0",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char path[128];
        snprintf(path, sizeof(path), "/v1/events?%s", bad[i]);
        struct http_response r;
        fx_call("GET", path, &integration, NULL, NULL, 0, &r);
        cr_assert_eq(r.status, 400, "GET %s answered %d, want 400: %.200s", path, r.status, r.body);
        fx_assert_problem(&r, 400);
        http_response_free(&r);
    }
    /* The bounds themselves are fine. */
    static const char *const good[] = {"after=0&limit=1", "limit=1000"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char path[128];
        snprintf(path, sizeof(path), "/v1/events?%s", good[i]);
        json_decref(fx_get_json(&integration, path));
    }
    fx_actor_free(&integration);
}

/* ---- retention (serial phase: purging deletes events of every municipality) ---- */

static void assert_gone(const struct fx_actor *a, long long after, long long oldest)
{
    char path[96];
    snprintf(path, sizeof(path), "/v1/events?after=%lld", after);
    struct http_response r;
    fx_call("GET", path, a, NULL, NULL, 0, &r);
    fx_assert_problem(&r, 410);
    json_t *doc = fx_body(&r);
    cr_assert_eq(int_member(doc, "oldest_available"), oldest, "GET %s: oldest_available %lld, want %lld", path,
                 int_member(doc, "oldest_available"), oldest);
    json_decref(doc);
    http_response_free(&r);
}

Test(resilience, events_purge_answers_410_with_the_oldest_available_sequence, .timeout = FX_TIMEOUT * 3)
{
    char m[4], cpr[11], citizen[FX_UUID_LEN], case_id[3][FX_UUID_LEN];
    fx_random_municipality(RANGE_PURGE, m);
    struct fx_actor integration, cw;
    fx_staff(&integration, "integration", m);
    fx_staff(&cw, "caseworker", m);
    long long start = last_position_now();
    for (int i = 0; i < 3; i++)
        fx_new_case(&cw, cpr, citizen, case_id[i]);
    /* Read once, so the feed has numbered them: a purge cuts at a position. */
    struct consumer before;
    consumer_open(&before, &integration, start);
    const char *const created[] = {case_id[0], case_id[1], case_id[2]};
    cr_assert(consumer_await(&before, created, 3, 100), "the three new cases' events never reached the feed");
    consumer_close(&before);
    /* A case opened now, once the three are numbered: its event comes after them in the
     * feed and is younger than the retention period, so the purge must leave it. */
    char recent_cpr[11], recent_citizen[FX_UUID_LEN], recent[FX_UUID_LEN];
    fx_new_case(&cw, recent_cpr, recent_citizen, recent);

    /* The three events, older than the retention period. */
    long long aged = fx_owner_exec("UPDATE events SET occurred_at = now() - interval '200 days' "
                                   "WHERE resource_id IN ($1::uuid, $2::uuid, $3::uuid)",
                                   3, created);
    cr_assert_eq(aged, 3, "%lld events were backdated, want the 3 case.created", aged);
    long long newest_aged = fx_owner_value("SELECT max(position) FROM events "
                                           "WHERE resource_id IN ($1::uuid, $2::uuid, $3::uuid)",
                                           3, created);

    cr_assert_eq(fx_run_purge("100"), 0, "fremdrift purge failed");
    long long watermark = fx_owner_value("SELECT purged_through FROM event_retention", 0, NULL);
    cr_assert_geq(watermark, newest_aged, "the watermark %lld is below the purged event %lld", watermark, newest_aged);
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM events "
                                "WHERE position <= (SELECT purged_through FROM event_retention)",
                                0, NULL),
                 0, "events at or below the watermark are left");
    const char *recent_id[] = {recent};
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM events WHERE resource_id = $1::uuid", 1, recent_id), 1,
                 "the purge deleted the event of the case opened now, which is younger than the retention period");

    /* A reader behind the watermark is told where the feed starts now. */
    assert_gone(&integration, 0, watermark + 1);
    assert_gone(&integration, watermark - 1, watermark + 1);
    /* From the watermark on, the feed answers, and new events come. */
    char path[96], cpr2[11], citizen2[FX_UUID_LEN], fresh[FX_UUID_LEN];
    snprintf(path, sizeof(path), "/v1/events?after=%lld", watermark);
    json_decref(fx_get_json(&integration, path));
    fx_new_case(&cw, cpr2, citizen2, fresh);
    struct consumer c;
    consumer_open(&c, &integration, watermark);
    const char *const kept[] = {recent, fresh};
    consumer_await(&c, kept, 2, 100);
    cr_assert_eq(events_of(&c, "case.created", recent), 1,
                 "after the purge the feed does not serve the event younger than the retention period once");
    cr_assert_eq(events_of(&c, "case.created", fresh), 1, "after the purge a new event does not reach the feed");
    for (int i = 0; i < 3; i++)
        cr_assert_eq(events_of(&c, "case.created", case_id[i]), 0, "a purged event is still served");
    consumer_close(&c);
    fx_actor_free(&cw);
    fx_actor_free(&integration);
}

Test(resilience, access_log_rows_older_than_their_retention_are_purged_and_case_records_stay,
     .timeout = FX_TIMEOUT * 3)
{
    char cpr[11], citizen[FX_UUID_LEN], case_id[FX_UUID_LEN], decision[FX_UUID_LEN], path[128];
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_case(&cw, cpr, citizen, case_id);
    fx_issued_decision(&cw, case_id, "overall", "granted", NULL, decision);
    json_decref(fx_get_case(&cw, case_id));
    json_decref(fx_get_case(&cw, case_id));

    /* The case's creation and the decision's rows past the default retention of 1826 days;
     * one read of the case a day inside it; the other read as it was written. */
    const char *case_param[] = {case_id}, *decision_param[] = {decision};
    cr_assert_eq(fx_owner_exec("UPDATE access_log SET at = now() - interval '1900 days' "
                               "WHERE resource_id = $1::uuid AND action = 'create'",
                               1, case_param),
                 1, "the case has not exactly one create row in the access log");
    long long decision_rows = fx_owner_exec("UPDATE access_log SET at = now() - interval '1900 days' "
                                            "WHERE resource_id = $1::uuid",
                                            1, decision_param);
    cr_assert_geq(decision_rows, 2, "the decision's creation and issue left %lld access-log rows", decision_rows);
    char inside[24], untouched[24];
    snprintf(inside, sizeof(inside), "%lld",
             fx_owner_value("SELECT min(id) FROM access_log WHERE resource_id = $1::uuid AND action = 'read'", 1,
                            case_param));
    snprintf(untouched, sizeof(untouched), "%lld",
             fx_owner_value("SELECT max(id) FROM access_log WHERE resource_id = $1::uuid AND action = 'read'", 1,
                            case_param));
    cr_assert_neq(strcmp(inside, untouched), 0, "the case was read twice but has one read row");
    const char *inside_param[] = {inside}, *untouched_param[] = {untouched};
    fx_owner_update_one("UPDATE access_log SET at = now() - interval '1825 days' WHERE id = $1::bigint", 1,
                        inside_param);
    long long case_rows = fx_owner_value("SELECT count(*) FROM access_log WHERE resource_id = $1::uuid", 1,
                                         case_param);

    cr_assert_eq(fx_run_purge(NULL), 0, "fremdrift purge failed");

    cr_assert_eq(fx_owner_value("SELECT count(*) FROM access_log WHERE resource_id = $1::uuid AND action = 'create'",
                                1, case_param),
                 0, "the case's access-log row older than the retention was not purged");
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM access_log WHERE resource_id = $1::uuid", 1, decision_param), 0,
                 "the decision's access-log rows older than the retention were not purged");
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM access_log WHERE id = $1::bigint", 1, inside_param), 1,
                 "a row a day inside the retention was purged");
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM access_log WHERE id = $1::bigint", 1, untouched_param), 1,
                 "a row written today was purged");
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM access_log WHERE resource_id = $1::uuid", 1, case_param),
                 case_rows - 1, "the purge took more of the case's access-log rows than its one old row");

    /* The records themselves are archive material: the purge never touches them. */
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM cases WHERE id = $1::uuid", 1, case_param), 1);
    const char *citizen_param[] = {citizen};
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM citizens WHERE id = $1::uuid", 1, citizen_param), 1);
    cr_assert_eq(fx_owner_value("SELECT count(*) FROM decisions WHERE id = $1::uuid", 1, decision_param), 1);
    json_t *doc = fx_get_case(&cw, case_id);
    fx_assert_member(doc, "citizen_id", citizen);
    json_decref(doc);
    snprintf(path, sizeof(path), "/v1/citizens/%s", citizen);
    json_decref(fx_get_json(&cw, path));
    doc = fx_get_decision(&cw, decision);
    fx_assert_member(doc, "status", "issued");
    json_decref(doc);
    fx_actor_free(&cw);
}
