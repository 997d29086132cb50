/* POST /v1/reviews/{review_id}/complete (If-Match): a review is completed only when every
 * section is there, and completing it issues its decisions in the same transaction; see
 * review_complete.h. After that every write answers 409 with state completed. */
#include "api/handlers.h"
#include "api/reviews/review_complete.h"
#include "api/reviews/reviews_http.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/validate.h"

void api_reviews_complete(struct request *rq, struct reply *r)
{
    static const char *const allowed[] = {NULL};
    static const char *const events[] = {"review.completed", NULL};
    long version;
    if (request_if_match_version(rq, r, &version) != 0)
        return;
    /* The review itself is what is completed: the body names nothing. */
    struct check c;
    check_begin(&c, rq->body, "");
    check_only(&c, allowed);
    if (reply_check_invalid(r, &c)) {
        check_end(&c);
        return;
    }
    struct review_row row;
    struct review_context ctx;
    if (review_from_path(rq, r, 1, &row) != 0 || review_writable(r, &row, version) != 0) {
        check_end(&c);
        return;
    }
    if (review_context_of(rq, r, &row, &ctx) == 0) {
        enum review_complete_result res = review_complete(rq, r, &c, &row, &ctx);
        if (res == REVIEW_INVALID)
            reply_check_invalid(r, &c);
        else if (res == REVIEW_COMPLETED)
            review_finish_write(rq, r, DB_OK, 1, row.id, events, "update", 200);
    }
    check_end(&c);
    review_row_clear(&row);
}
