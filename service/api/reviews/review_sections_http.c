/* The sections a citizen writes with their own token, or staff on their behalf (marked
 * so): the own assessment, the WHO-5 answers and the ratings, each a PUT with If-Match
 * that replaces the section; and the advice of other bodies, which staff record. A
 * citizen sees only their own reviews (row-level security): another's answers 404. */
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/reference/reference.h"
#include "api/reviews/reviews_http.h"
#include "auth/roles.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/calendar.h"
#include "law/validate.h"

static const char *const updated_events[] = {"review.updated", NULL};

/* The review the path names, taking a write at the caller's If-Match. Staff lock it; a
 * citizen cannot lock, and the write is guarded by the version instead. Returns 0 with
 * row (the caller clears it), or -1 with the reply set. */
static int writable_review(struct request *rq, struct reply *r, struct review_row *row, long *version)
{
    if (request_if_match_version(rq, r, version) != 0 ||
        review_from_path(rq, r, rq->role != ROLE_CITIZEN, row) != 0)
        return -1;
    return review_writable(r, row, *version);
}

/* Who wrote an answer that is the citizen's own. */
static const char *answered_by(const struct request *rq)
{
    return rq->role == ROLE_CITIZEN ? "citizen" : "caseworker_on_behalf";
}

void api_reviews_own_assessment(struct request *rq, struct reply *r)
{
    long version;
    struct review_row row;
    if (writable_review(rq, r, &row, &version) != 0)
        return;
    struct check c;
    const char *wishes, *barriers;
    check_begin(&c, rq->body, "");
    review_read_own_assessment(&c, &wishes, &barriers);
    if (!reply_check_invalid(r, &c)) {
        int updated = 0;
        enum db_status st = review_write_own_assessment(rq->db, row.id, version, wishes, barriers, answered_by(rq),
                                                        &updated);
        review_finish_write(rq, r, st, updated, row.id, updated_events, "update", 200);
    }
    check_end(&c);
    review_row_clear(&row);
}

void api_reviews_who5(struct request *rq, struct reply *r)
{
    long version;
    struct review_row row;
    struct review_scales scales;
    if (writable_review(rq, r, &row, &version) != 0)
        return;
    if (review_scales_of(rq, r, &row, &scales) != 0) {
        review_row_clear(&row);
        return;
    }
    if (!scales.has_who5) {
        reply_problem(r, PROBLEM_INTERNAL, "No WHO-5 scale is in force on the meeting date.");
        review_row_clear(&row);
        return;
    }
    struct check c;
    long items[REVIEW_MAX_ITEMS];
    check_begin(&c, rq->body, "");
    review_read_who5(&c, &scales.who5, items);
    if (!reply_check_invalid(r, &c)) {
        int updated = 0;
        enum db_status st = review_write_who5(rq->db, row.id, version, items, (size_t)scales.who5.items,
                                              answered_by(rq), &updated);
        review_finish_write(rq, r, st, updated, row.id, updated_events, "update", 200);
    }
    check_end(&c);
    review_row_clear(&row);
}

/* The caseworker rates with {"by": "caseworker"}. The citizen's ratings come with the
 * citizen's own token, or from staff on their behalf ({"by": "citizen"}); they carry
 * answered_by, as the own assessment and WHO-5 do, so an answer given for the citizen is
 * never taken for their own. */
void api_reviews_ratings(struct request *rq, struct reply *r)
{
    long version;
    struct review_row row;
    struct review_scales scales;
    if (writable_review(rq, r, &row, &version) != 0)
        return;
    if (review_scales_of(rq, r, &row, &scales) != 0) {
        review_row_clear(&row);
        return;
    }
    int citizen = rq->role == ROLE_CITIZEN;
    struct check c;
    const char *by = NULL;
    check_begin(&c, rq->body, "");
    json_t *ratings = review_read_ratings(&c, &scales, citizen, &by);
    if (citizen && by && strcmp(by, "caseworker") == 0) {
        reply_problem(r, PROBLEM_FORBIDDEN, "A citizen gives only their own ratings; the caseworker's are staff's.");
    } else if (!reply_check_invalid(r, &c)) {
        if (strcmp(by, "citizen") == 0)
            json_object_set_new(ratings, "answered_by", json_string(answered_by(rq)));
        char *text = json_dumps(ratings, JSON_COMPACT);
        if (!text) {
            reply_problem(r, PROBLEM_INTERNAL, NULL);
        } else {
            int updated = 0;
            enum db_status st = review_write_ratings(rq->db, row.id, version, by, text, &updated);
            review_finish_write(rq, r, st, updated, row.id, updated_events, "update", 200);
        }
        free(text);
    }
    json_decref(ratings);
    check_end(&c);
    review_row_clear(&row);
}

/* Advice is added to the review, not a replacement of it, so it takes no If-Match; it
 * still moves the review to its next version, whose document lists it. */
void api_reviews_advice(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {"body", "given_on", "summary", NULL};
    struct review_row row;
    if (review_from_path(rq, r, 1, &row) != 0 || review_writable(r, &row, row.version) != 0)
        return;
    struct check c;
    struct cal_date given;
    const char *body = NULL, *summary = NULL;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    check_text(&c, "body", 1, TEXT_LINE, 60, &body);
    int has_date = check_past_date(&c, "given_on", 1, cal_today(), &given) == CHECK_OK;
    check_text(&c, "summary", 1, TEXT_MULTILINE, 20000, &summary);
    const char *given_on = json_string_value(json_object_get(rq->body, "given_on"));
    char body_id[24] = "";
    if (body && has_date &&
        reference_resolve_field(rq->db, r, &c, "advisory_body", "body", body, given_on,
                                "no such advisory body is in force on given_on (see /v1/reference)", body_id) != 0) {
        check_end(&c);
        review_row_clear(&row);
        return;
    }
    if (!reply_check_invalid(r, &c)) {
        int updated = 0;
        enum db_status st = review_add_advice(rq->db, row.id, row.version, body_id, given_on, summary, &updated);
        review_finish_write(rq, r, st, updated, row.id, updated_events, "update", 201);
    }
    check_end(&c);
    review_row_clear(&row);
}
