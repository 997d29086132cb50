/* What a request about decisions says: the decision its path names, and the body of a
 * create or change read field by field (shape, the hearing's rules, the legal basis, the
 * hours) with the codes it names resolved to the reference rows in force on the decision
 * date. Everything here only reads and checks; decision_issue.h writes. */
#ifndef FREMDRIFT_DECISION_INPUT_H
#define FREMDRIFT_DECISION_INPUT_H

#include <stddef.h>

#include "api/decisions/decisions.h"
#include "law/calendar.h"

struct check;
struct reply;
struct request;

#define DECISION_MAX_PROVISIONS 20
#define DECISION_CODE_MAX 60

/* The field message for a code that names no reference row in force on the decision date. */
#define DECISION_NOT_IN_FORCE "no such code is in force on the decision date (see /v1/reference)"

/* The hearing of the citizen (forvaltningsloven § 19) as a body gives it. */
struct decision_hearing_input {
    const char *status;             /* none, sent, answered, not_needed */
    const char *sent_on;
    const char *response_deadline;
    const char *answered_on;
    const char *reason;             /* why no hearing was needed */
    const char *urgency_reason;     /* why the answer period is shorter than the minimum */
};

/* What a create or change body says after the shape checks; strings belong to the body. A
 * member is NULL when absent, null or invalid (the check then holds its error). */
struct decision_input {
    struct cal_date today;          /* the day it was read: its dates are checked against it and
                                     * codes without a decision date resolve on it */
    const char *case_id;
    const char *supersedes_id;
    const char *kind;
    const char *outcome;
    const char *parent_id;
    const char *subject;
    const char *applied_for;
    const char *applied_on;
    const char *notice_sent_on;     /* the processing notice (retssikkerhedsloven § 3, stk. 2) */
    const char *notice_expected_by;
    const char *decided_on;
    int decided_on_ok;              /* absent, null or a valid date */
    const char *note;
    const char *facts;
    const char *reasons;
    char hours[24];                 /* "" when none */
    const char *codes[DECISION_MAX_PROVISIONS];     /* NULL for an item that is wrong in itself */
    size_t n_codes;
    struct decision_hearing_input hearing;
    int hearing_ok;
};

/* Reference ids of the codes a body names, as the decision stores them. */
struct decision_refs {
    char kind_id[24];
    char outcome_id[24];
    char provision_ids[DECISION_MAX_PROVISIONS][24];
    const char *provisions[DECISION_MAX_PROVISIONS];   /* point into provision_ids */
    size_t n_provisions;
};

/* 1 when s is a reference code: 1 to 60 of a-z, 0-9 and _. */
int decision_is_code(const char *s);

/* Fails c at applied_on when an application's received day is given without what was
 * applied for: the day belongs to an application. */
void decision_check_application(struct check *c, const char *applied_for, const char *applied_on,
                                const char *notice_sent_on);

/* What a body is read against: the day (it bounds the hearing's dates) and the least
 * number of days a hearing gives the citizen to answer without an urgency reason
 * (FREMDRIFT_HEARING_MIN_DAYS). */
struct decision_read_rules {
    struct cal_date today;
    int hearing_min_days;
};

/* The rules of a request read today under the service's configuration. */
struct decision_read_rules decision_read_rules_now(const struct request *rq);

/* Reads the body c->obj of a create (creating) or a change into in, recording every error
 * in c under its prefix. Pure. */
void decision_read_body(struct check *c, int creating, const struct decision_read_rules *rules,
                        struct decision_input *in);

/* The date codes resolve on: the decision date if there is one, else today. */
void decision_resolution_date(const char *decided_on, struct cal_date today, char out[CAL_ISO_SIZE]);

/* The legal basis in force on date. Failures go to <prefix>/legal_basis/<i>, or, when the
 * codes were not sent but kept from a draft whose date moved (key not NULL), once to key
 * with message. Returns 0, or -1 with the database error set on r. */
int decision_resolve_provisions(struct request *rq, struct reply *r, struct check *c, const char *const *codes,
                                size_t n, const char *date, const char *key, const char *message,
                                struct decision_refs *out);

/* Checks parent_id: an issued decision in force on the case, of the kind the decision
 * (kind_id; NULL when not known) belongs under. Returns 0, or -1 with the database error
 * set on r. */
int decision_check_parent(struct request *rq, struct reply *r, struct check *c, const char *parent_id,
                          const char *case_id, const char *kind_id);

/* The draft row's values changed by what the PATCH body c->obj says (in, read from it):
 * the members it names replace the draft's, null clears them, and the codes it names (or,
 * when it moves the decision date, the draft's codes) are resolved in force on the
 * decision's date (in->today when it has none) into refs; a parent it names is checked.
 * hours is the caller's buffer for the number as SQL text. *provisions_changed says
 * whether the legal basis is to be written again. Returns 0, or -1 with the database
 * error set on r. */
int decision_apply_change(struct request *rq, struct reply *r, struct check *c, const struct decision_input *in,
                          const struct decision_row *row, struct decision_fields *f, char hours[24],
                          struct decision_refs *refs, int *provisions_changed);

/* The decision the path names, locked when for_update. Returns 0 with row filled (the
 * caller clears it), or -1 with the reply set (database error or 404). */
int decision_from_path(struct request *rq, struct reply *r, int for_update, struct decision_row *row);

#endif
