/* Drafting decisions: the one implementation of the checks and the side effects of
 * creating a draft (POST /v1/decisions, and decision_make in decision_issue.h), and the
 * records every change of a decision leaves. Every step runs in the request's transaction
 * and leaves its access-log row and event there. */
#ifndef FREMDRIFT_DECISION_CREATE_H
#define FREMDRIFT_DECISION_CREATE_H

#include "api/decisions/decisions.h"
#include "api/resource.h"

struct check;
struct reply;
struct request;

/* How a step ended. */
enum decision_result {
    DECISION_DONE,      /* drafted or issued */
    DECISION_INVALID,   /* the step's field errors are in the check: answer 422 */
    DECISION_REFUSED,   /* the reply holds the answer: 409 invalid-state with `state` (a closed case,
                         * a superseded decision that is not issued, an open hearing), 409 conflict,
                         * 500, or the database error with its retry flag; r is passed on as it is */
};

/* The decision as the resource epilogues see it; borrows from row. */
struct resource decision_resource(const struct decision_row *row);

/* Reads decision id again and writes its access-log row (action) and its event. On DB_OK
 * the caller owns row and clears it. */
enum db_status decision_record(struct request *rq, const char *id, const char *event, const char *action,
                               struct decision_row *row);

/* Drafts the decision the body c->obj describes, a POST /v1/decisions body: every field is
 * checked into c (JSON Pointers under c->prefix), the codes resolved in force on the
 * decision date (today without one), the case must be visible and open, a parent an
 * issued decision in force of the kind the new one belongs under, a superseded decision
 * an issued one of the same case. On DECISION_DONE the draft is recorded (access-log row
 * "create", event decision.created) and draft holds it (the caller clears it). */
enum decision_result decision_create(struct request *rq, struct reply *r, struct check *c,
                                     struct decision_row *draft);

#endif
