/* GET /v1/events: the outbox as a feed for integrating systems. Events are numbered for
 * the feed only once no transaction that could still commit ahead of them is running
 * (events_assign_positions in sql/010), so a consumer that stores next_after and asks
 * again from it sees every event exactly once, even when transactions commit in another
 * order than they wrote their events. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/resource.h"
#include "http/reply.h"
#include "http/request.h"
#include "store/db.h"

#define FEED_DEFAULT 100
#define FEED_MAX 1000

static const struct db_stmt assign = {"events_assign", "SELECT events_assign_positions()"};

static const struct db_stmt feed = {
    "events_feed",
    "SELECT (SELECT purged_through FROM event_retention), "
    "coalesce(json_agg(json_build_object('seq', e.position, 'type', e.type, 'resource_type', e.resource_type, "
    "'resource_id', e.resource_id, 'resource_version', e.resource_version, "
    "'occurred_at', rfc3339(e.occurred_at), 'municipality', e.municipality, 'data', e.payload) "
    "ORDER BY e.position), '[]')::text, max(e.position) "
    "FROM (SELECT * FROM events WHERE position > $1::bigint ORDER BY position LIMIT $2::integer) e"};

static int parse_count(const char *text, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

void api_events_feed(struct request *rq, struct reply *r)
{
    const char *after_text = request_query(rq, "after"), *limit_text = request_query(rq, "limit");
    long long after = 0, limit = FEED_DEFAULT;
    if ((after_text && parse_count(after_text, 0, INT64_MAX, &after) != 0) ||
        (limit_text && parse_count(limit_text, 1, FEED_MAX, &limit) != 0)) {
        reply_problem(r, PROBLEM_BAD_REQUEST, "after is a sequence number (0 or more); limit from 1 to %d.",
                      FEED_MAX);
        return;
    }
    char after_param[24], limit_param[24];
    snprintf(after_param, sizeof(after_param), "%lld", after);
    snprintf(limit_param, sizeof(limit_param), "%lld", limit);
    const char *values[] = {after_param, limit_param};
    PGresult *res = NULL;
    enum db_status st = db_exec(rq->db, &assign, 0, NULL, &res);
    PQclear(res);
    if (st == DB_OK)
        st = db_exec_row(rq->db, &feed, 2, values, &res);
    if (st != DB_OK) {
        reply_db_error(r, st);
        return;
    }
    long long purged = atoll(PQgetvalue(res, 0, 0));
    if (after < purged) {
        PQclear(res);
        reply_problem(r, PROBLEM_GONE, "Events up to %lld have been deleted after their retention period; "
                                       "start again from oldest_available.", purged);
        reply_problem_extend(r, "oldest_available", json_integer(purged + 1));
        return;
    }
    json_t *events = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
    long long next = PQgetisnull(res, 0, 2) ? after : atoll(PQgetvalue(res, 0, 2));
    PQclear(res);
    /* Each event carries its resource's document: handing it out is a use of the data of
     * the citizen it concerns. */
    st = events ? resource_log_search_found(rq, "event", events, NULL,
                                            json_pack("{s:I, s:I}", "after", (json_int_t)after, "limit",
                                                      (json_int_t)limit))
                : DB_ERROR;
    if (st != DB_OK) {
        json_decref(events);
        reply_db_error(r, st);
        return;
    }
    reply_json(r, 200, json_pack("{s:o, s:I}", "events", events, "next_after", (json_int_t)next));
}
