/* The hearing of the citizen (partshøring, forvaltningsloven § 19) against the dates of
 * the decision it belongs to, as pure rules: how long the citizen must have to answer, and
 * which decision dates contradict the hearing. No clock, no database, no allocation:
 * thread-safe. */
#ifndef FREMDRIFT_HEARING_H
#define FREMDRIFT_HEARING_H

#include "law/calendar.h"

/* 1 when a hearing sent on sent with response deadline deadline gives the citizen at least
 * min_days to answer (deadline >= sent + min_days), else 0. A shorter period is lawful
 * only when the matter is urgent, and then the reason is recorded with the hearing. */
int hearing_period_ok(struct cal_date sent, struct cal_date deadline, int min_days);

/* A hearing's dates as the decision records them; a member is NULL when not recorded. */
struct hearing_dates {
    const char *status;                     /* none, sent, answered, not_needed */
    const struct cal_date *sent_on;
    const struct cal_date *response_deadline;
    const struct cal_date *answered_on;
};

/* What a decision date can contradict in its hearing: bits of hearing_conflicts. */
enum {
    HEARING_DECIDED_BEFORE_SENT = 1u << 0,      /* decided before the hearing was sent */
    HEARING_ANSWERED_AFTER_DECISION = 1u << 1,  /* the answer came after the decision */
    HEARING_DECIDED_WHILE_OPEN = 1u << 2,       /* decided on or before the response deadline
                                                 * without an answer */
};

/* The contradictions between a decision made on decided and its hearing h: a decision is
 * made after the hearing has ended, which is when the citizen answered or, without an
 * answer, when the response deadline has passed. 0 when there are none or no hearing was
 * sent. */
unsigned hearing_conflicts(const struct hearing_dates *h, struct cal_date decided);

#endif
