/* Issuing decisions (forvaltningsloven §§ 19, 22-25, retssikkerhedsloven §§ 66-67): the
 * one implementation of the checks and the side effects of issuing, and the internal API
 * through which other resources (an annual review, an intervention) make and issue their
 * decisions. POST /v1/decisions/{id}/issue goes through decision_issue_draft, and
 * decision_make drafts with decision_create (decision_create.h) and issues with it, so a
 * decision a review makes passes the very checks a caseworker's does. Every step runs in
 * the request's transaction and leaves its access-log rows and events there. */
#ifndef FREMDRIFT_DECISION_ISSUE_H
#define FREMDRIFT_DECISION_ISSUE_H

#include <jansson.h>
#include <stddef.h>

#include "api/decisions/decision_create.h"
#include "api/decisions/decisions.h"
#include "law/calendar.h"

struct check;
struct reply;
struct request;

/* Issues the draft, which the caller has locked (or created in this transaction), with the
 * notification date notified: the date must not be in the future, every element the law
 * requires must be there (outcome, subject, legal basis, facts and reasons unless the
 * outcome says they are not required, the hearing of an adverse decision, the hours and
 * parent the kind asks for), its references in force on the decision date, a decision
 * date after the hearing ended (not before it was sent, not before the citizen's answer,
 * not on or before an unanswered response deadline), and no hearing may still be open on
 * the notification date (409 state hearing_open). Then fixes the
 * notification date, the appeal deadline and the appeal guidance, supersedes the decision
 * it replaces (and records the new decision on an appeal that remitted that one), and
 * records both (events decision.issued and decision.superseded). notified is NULL when
 * the caller found its date invalid and recorded so in c: the checks that need no date
 * still run. Errors already in c count: the step answers DECISION_INVALID when c holds
 * any. On DECISION_DONE issued holds the issued decision (the caller clears it). */
enum decision_result decision_issue_draft(struct request *rq, struct reply *r, struct check *c,
                                          const struct decision_row *draft, const struct cal_date *notified,
                                          struct decision_row *issued);

/* The hearing of the citizen as the API body gives it; status NULL: none recorded. */
struct decision_hearing_spec {
    const char *status;                 /* none, sent, answered, not_needed */
    const char *sent_on;
    const char *response_deadline;
    const char *answered_on;
    const char *not_needed_reason;
    const char *urgency_reason;
};

/* A decision another resource makes: the POST /v1/decisions body in C. Codes, not ids:
 * they are resolved in force on decided_on (today without one). NULL (and 0) leaves a
 * member out. Borrowed. */
struct decision_spec {
    const char *case_id;
    const char *kind;                   /* decision_kind code */
    const char *outcome;                /* decision_outcome code */
    const char *parent_id;
    const char *supersedes_id;
    const char *subject;
    const char *applied_for;
    const char *decided_on;             /* YYYY-MM-DD */
    const char *const *legal_basis;     /* legal_provision codes */
    size_t n_legal_basis;
    const char *legal_basis_note;
    const char *facts;
    const char *reasons;
    double hours_per_week;              /* 0: none */
    struct decision_hearing_spec hearing;
};

/* The POST /v1/decisions body that says what spec says; the caller json_decref()s it.
 * NULL when memory ran out or a text is not UTF-8. */
json_t *decision_spec_body(const struct decision_spec *spec);

/* Drafts the decision of spec and issues it with notified_on, exactly as POST
 * /v1/decisions followed by POST /v1/decisions/{id}/issue would: the same checks, the
 * same access-log rows and events (decision.created, decision.issued, decision.superseded),
 * the same appeal guidance and deadline. Field errors are added to c as JSON Pointers
 * under c->prefix (prefix "/sections/overall_decision" gives ".../legal_basis/0"), so the
 * caller's 422 names its own fields; errors c held before do not stop the step. On
 * DECISION_DONE id_out is the issued decision's id. */
enum decision_result decision_make(struct request *rq, struct reply *r, struct check *c,
                                   const struct decision_spec *spec, struct cal_date notified_on,
                                   char id_out[37]);

#endif
