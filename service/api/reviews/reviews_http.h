/* The steps the review handlers share (reviews_http.c, review_sections_http.c,
 * review_complete_http.c): the review the path names, whether it still takes a write,
 * what its sections are checked against, and the end of a write. */
#ifndef FREMDRIFT_REVIEWS_HTTP_H
#define FREMDRIFT_REVIEWS_HTTP_H

#include "api/reviews/review_input.h"
#include "api/reviews/reviews.h"
#include "store/db.h"

struct request;
struct reply;

/* The review {review_id} names, locked when for_update (staff only: a citizen may lock
 * nothing). Returns 0 with row filled (the caller clears it), or -1 with the reply set
 * (the database error, or 404). */
int review_from_path(struct request *rq, struct reply *r, int for_update, struct review_row *row);

/* Whether the fetched review takes a write at the caller's If-Match version: a completed
 * review answers 409 with state completed (before the version, so a repeated write learns
 * why), another version 412. Returns 0, or -1 with the reply set and row cleared. */
int review_writable(struct reply *r, struct review_row *row, long version);

/* What the review's sections are checked against: today, its meeting date, and whether the
 * decision kind ressourceforloeb is in force on that date. Returns 0, or -1 with the
 * reply set. */
int review_context_of(struct request *rq, struct reply *r, const struct review_row *row,
                      struct review_context *ctx);

/* The indicator scales in force on the review's meeting date. Returns 0, or -1 with the
 * reply set (the database error, or 500 when a reference row documents no usable scale). */
int review_scales_of(struct request *rq, struct reply *r, const struct review_row *row, struct review_scales *s);

/* The end of a write guarded by version (st, and updated: whether it matched): the
 * database error (a completed review 409, a row the caller may not change 404), 412, or
 * the review read again, its access-log row (action), its events (NULL-terminated) and the
 * answer with status. */
void review_finish_write(struct request *rq, struct reply *r, enum db_status st, int updated, const char *id,
                         const char *const *events, const char *action, int status);

#endif
