/* The rules of an appeal as pure functions: how late it is, the municipality's
 * reconsideration deadline, and the state machine as one table that the handlers consult
 * and the unit tests check. No clock, no database, no allocation: thread-safe. */
#ifndef FREMDRIFT_APPEAL_RULES_H
#define FREMDRIFT_APPEAL_RULES_H

#include "law/calendar.h"

enum appeal_status {
    APPEAL_RECEIVED,
    APPEAL_CHANGED_BY_MUNICIPALITY,
    APPEAL_FORWARDED,
    APPEAL_RULED,
};

#define APPEAL_STATUS_COUNT 4

/* The steps that change an appeal after it was received. */
enum appeal_action {
    APPEAL_CHANGE_IN_FULL,      /* reconsideration: the municipality changes it in full */
    APPEAL_CHANGE_IN_PART,      /* reconsideration: changes it in part and forwards */
    APPEAL_UPHOLD,              /* reconsideration: upholds it and forwards */
    APPEAL_RULE,                /* Ankestyrelsen's ruling, whatever its outcome */
    APPEAL_SUSPENSIVE_EFFECT,   /* opsættende virkning granted or refused */
};

/* Who takes a step; bits, so a row of the table can name both. */
enum appeal_actor {
    APPEAL_BY_MUNICIPALITY = 1u << 0,
    APPEAL_BY_BOARD = 1u << 1,
};

/* The stored and shown name ("received", "forwarded", ...): a static string. */
const char *appeal_status_name(enum appeal_status s);

/* 0 and *out for a known status name; -1 otherwise (also for NULL). */
int appeal_status_parse(const char *name, enum appeal_status *out);

/* The status after actor takes action on an appeal in status from, or -1 when that step
 * is not allowed there. */
int appeal_transition(enum appeal_status from, enum appeal_action action, enum appeal_actor actor);

/* Bit (1u << status) for every status the appeal can be in after one allowed step from
 * `from`, by anyone (a step that keeps the status counts); 0 for a closed appeal. */
unsigned appeal_next_states(enum appeal_status from);

/* Bit (1u << status) for every status in which actor may take action. */
unsigned appeal_states_allowing(enum appeal_action action, enum appeal_actor actor);

struct appeal_lateness {
    int late;           /* 1 when received after the deadline */
    long days_late;     /* days after the deadline; 0 when not late */
};

/* Lateness of an appeal received on `received` against the decision's appeal deadline. An
 * appeal received on the deadline itself is on time. */
struct appeal_lateness appeal_lateness(struct cal_date received, struct cal_date deadline);

/* 1 when an appeal received on received came before the citizen was notified of the
 * decision on notified: there was nothing to appeal yet, so the date is wrong (a late
 * appeal is recorded; an early one cannot be). */
int appeal_received_before_notice(struct cal_date received, struct cal_date notified);

/* received + 4 weeks, not moved off a closed day: it binds the municipality, so the
 * citizen-favour rule that moves the appeal deadline does not apply. */
struct cal_date appeal_reconsideration_deadline(struct cal_date received);

/* 1 when the reconsideration came after its deadline (recorded, never refused). */
int appeal_reconsidered_late(struct cal_date reconsidered, struct cal_date deadline);

/* What a reconsideration outcome means and needs. */
struct appeal_reconsideration_rule {
    const char *outcome;            /* changed_in_full, changed_in_part, upheld */
    enum appeal_action action;
    int needs_new_decision;         /* the superseding decision the municipality issued */
    int needs_statement;            /* the municipality's statement to Ankestyrelsen */
    const char *step;               /* the timeline step it writes */
};

/* The rule for an outcome name, or NULL for an unknown one. Static storage. */
const struct appeal_reconsideration_rule *appeal_reconsideration_rule(const char *outcome);

/* The force_lost_reason a ruling gives the decision it concerns ("remitted",
 * "changed_by_appeals_board"), or NULL when the decision keeps its force. */
const char *appeal_ruling_force_lost_reason(const char *outcome);

#endif
