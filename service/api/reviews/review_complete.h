/* Completing an annual review (fremdriftsgaranti): the review cannot be completed while
 * any section is missing, and completing it issues its decisions. In the request's one
 * transaction: section 1 is frozen, the placement decision and the overall decision are
 * made and issued through the decisions module (decision_make: the checks, records, appeal
 * guidance and deadline of the decision API), each superseding the case's decision of its
 * kind from the last review (or from a caseworker), the planned interventions are
 * requested through the interventions module, and the review is marked completed, after
 * which nothing of it changes. The decisions are dated on the completion day, not the
 * meeting's: they are made once every section is there and the hearing has ended
 * (forvaltningsloven § 19), which may be weeks after the meeting; a hearing still open
 * stops the completion (409 hearing_open). */
#ifndef FREMDRIFT_REVIEW_COMPLETE_H
#define FREMDRIFT_REVIEW_COMPLETE_H

#include <jansson.h>
#include <stddef.h>

#include "api/interventions/interventions.h"
#include "api/reviews/review_input.h"
#include "api/reviews/reviews.h"

struct check;
struct reply;
struct request;

/* How a completion ended. */
enum review_complete_result {
    REVIEW_COMPLETED,
    REVIEW_INVALID,     /* c holds every missing or wrong element as a JSON Pointer into the review
                         * document: answer 422 (the caller's transaction must roll back) */
    REVIEW_REFUSED,     /* the reply holds the answer (409 from the decisions module, 409 conflict when a
                         * decision the review replaces already has a draft successor, a database error) */
};

/* Resolves the type of every intervention the overall decision section `overall` plans, in
 * force today (YYYY-MM-DD): the type it is requested as when the review completes. One not
 * in force is recorded in c at <pointer>/interventions/<i>/type; an item whose type is not
 * a code is left to the section's own checks (its id stays ""; a stored section holds
 * codes only). types (room for REVIEW_MAX_INTERVENTIONS; attributes left NULL) gets the
 * items' types in order, *n how many. Returns 0, or -1 with the database error set. */
int review_planned_types(struct request *rq, struct reply *r, struct check *c, const json_t *overall,
                         const char *pointer, const char *today, struct intervention_type *types, size_t *n);

/* Completes row, which the caller has locked and found scheduled at the version it was
 * asked to change, with ctx from review_context_of. First every element is checked
 * (review_check_complete); then the decisions the review replaces are looked up (one that
 * already has a draft successor answers 409 naming that draft, before anything is
 * written); then the decisions, the interventions and the completion are written, and each
 * decision's own errors land in c under the review's pointers (/sections/work_capacity for
 * the placement, /sections/overall_decision for the overall decision). On REVIEW_COMPLETED
 * the review is at version row->version + 1; the caller records it. */
enum review_complete_result review_complete(struct request *rq, struct reply *r, struct check *c,
                                            const struct review_row *row, const struct review_context *ctx);

#endif
