/* The rules of an intervention as pure functions: its state machine as one table that the
 * handlers consult and the unit tests check, the date each step may not precede, whether
 * hours per week apply to a type (read from the type's reference attributes, never from a
 * list in C) and the hours as the database keeps them. No clock, no database, no
 * allocation: thread-safe. */
#ifndef FREMDRIFT_INTERVENTION_RULES_H
#define FREMDRIFT_INTERVENTION_RULES_H

#include <jansson.h>

#include "law/calendar.h"

enum intervention_status {
    INTERVENTION_REQUESTED,
    INTERVENTION_STARTED,
    INTERVENTION_ENDED,
    INTERVENTION_CANCELLED,
};

#define INTERVENTION_STATUS_COUNT 4

/* The steps that change an intervention after it was requested. */
enum intervention_action {
    INTERVENTION_START,
    INTERVENTION_END,
    INTERVENTION_CANCEL,
    INTERVENTION_PROGRESS,      /* a documented progression note: the status stays */
};

/* The stored and shown name ("requested", ...): a static string. */
const char *intervention_status_name(enum intervention_status s);

/* 0 and *out for a known status name; -1 otherwise (also for NULL). */
int intervention_status_parse(const char *name, enum intervention_status *out);

/* The status after action on an intervention in status from, or -1 when the step is not
 * allowed there. */
int intervention_transition(enum intervention_status from, enum intervention_action action);

/* Bit (1u << status) for every status in which action is allowed. */
unsigned intervention_states_allowing(enum intervention_action action);

/* The earliest date the step may carry: a start not before the request, an end and a
 * progress note not before the start, a cancellation not before the start of a started
 * intervention and not before the request of one still requested. has_started says
 * whether started is set. */
struct cal_date intervention_step_earliest(enum intervention_action action, struct cal_date requested,
                                           int has_started, struct cal_date started);

/* 1 when the type's reference attributes say hours per week apply to it
 * ({"hours_per_week": true}); 0 when they say not, or say nothing. */
int intervention_hours_apply(const json_t *type_attributes);

/* Hours per week as numeric(4,1) keeps them, written into out ("4.5"): 0, or -1 when
 * hours has more than one decimal (a finer value would be changed silently). */
int intervention_hours_text(double hours, char out[24]);

#endif
