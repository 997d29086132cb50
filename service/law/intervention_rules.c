/* The intervention's state machine, step dates and hours; see intervention_rules.h. The
 * transition table is the only place that says which step is legal in which state: the
 * handlers ask it, and the 409 they answer names the states it allows. */
#include "law/intervention_rules.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[INTERVENTION_STATUS_COUNT] = {
    [INTERVENTION_REQUESTED] = "requested",
    [INTERVENTION_STARTED] = "started",
    [INTERVENTION_ENDED] = "ended",
    [INTERVENTION_CANCELLED] = "cancelled",
};

/* requested → started → ended, or cancelled (with a reason) before it ends. Ended and
 * cancelled are final: the outcome and the reason are part of the record the annual
 * review reads. */
static const struct {
    enum intervention_status from;
    enum intervention_action action;
    enum intervention_status to;
} transitions[] = {
    {INTERVENTION_REQUESTED, INTERVENTION_START, INTERVENTION_STARTED},
    {INTERVENTION_REQUESTED, INTERVENTION_CANCEL, INTERVENTION_CANCELLED},
    {INTERVENTION_STARTED, INTERVENTION_END, INTERVENTION_ENDED},
    {INTERVENTION_STARTED, INTERVENTION_CANCEL, INTERVENTION_CANCELLED},
    {INTERVENTION_STARTED, INTERVENTION_PROGRESS, INTERVENTION_STARTED},
};

#define N_TRANSITIONS (sizeof(transitions) / sizeof(transitions[0]))

const char *intervention_status_name(enum intervention_status s)
{
    return (unsigned)s < INTERVENTION_STATUS_COUNT ? status_names[s] : "unknown";
}

int intervention_status_parse(const char *name, enum intervention_status *out)
{
    for (int i = 0; name && i < INTERVENTION_STATUS_COUNT; i++)
        if (strcmp(status_names[i], name) == 0) {
            *out = (enum intervention_status)i;
            return 0;
        }
    return -1;
}

int intervention_transition(enum intervention_status from, enum intervention_action action)
{
    for (size_t i = 0; i < N_TRANSITIONS; i++)
        if (transitions[i].from == from && transitions[i].action == action)
            return (int)transitions[i].to;
    return -1;
}

unsigned intervention_states_allowing(enum intervention_action action)
{
    unsigned states = 0;
    for (size_t i = 0; i < N_TRANSITIONS; i++)
        if (transitions[i].action == action)
            states |= 1u << transitions[i].from;
    return states;
}

struct cal_date intervention_step_earliest(enum intervention_action action, struct cal_date requested,
                                           int has_started, struct cal_date started)
{
    if (action == INTERVENTION_START || !has_started)
        return requested;
    return started;
}

int intervention_hours_apply(const json_t *type_attributes)
{
    return json_is_true(json_object_get(type_attributes, "hours_per_week"));
}

int intervention_hours_text(double hours, char out[24])
{
    long tenths = (long)(hours * 10.0 + 0.5);
    double off = hours * 10.0 - (double)tenths;
    if (hours < 0 || off < -1e-6 || off > 1e-6)
        return -1;
    snprintf(out, 24, "%ld.%ld", tenths / 10, tenths % 10);
    return 0;
}
