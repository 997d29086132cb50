/* The appeal's state machine and deadlines; see appeal_rules.h. The transition table is
 * the only place that says which step is legal in which state: the handlers ask it, and
 * the 409 they answer names the states it allows. */
#include "law/appeal_rules.h"

#include <stddef.h>
#include <string.h>

static const char *const status_names[APPEAL_STATUS_COUNT] = {
    [APPEAL_RECEIVED] = "received",
    [APPEAL_CHANGED_BY_MUNICIPALITY] = "changed_by_municipality",
    [APPEAL_FORWARDED] = "forwarded",
    [APPEAL_RULED] = "ruled",
};

/* Retssikkerhedsloven § 66-67: the municipality reconsiders what it received and either
 * gives the citizen their way or forwards; the board rules only on what was forwarded.
 * Suspensive effect is decided while the appeal is pending, by the municipality before
 * forwarding and by either once it lies with the board (the board never sees an appeal
 * before it is forwarded). */
static const struct {
    enum appeal_status from;
    enum appeal_action action;
    unsigned actors;
    enum appeal_status to;
} transitions[] = {
    {APPEAL_RECEIVED, APPEAL_CHANGE_IN_FULL, APPEAL_BY_MUNICIPALITY, APPEAL_CHANGED_BY_MUNICIPALITY},
    {APPEAL_RECEIVED, APPEAL_CHANGE_IN_PART, APPEAL_BY_MUNICIPALITY, APPEAL_FORWARDED},
    {APPEAL_RECEIVED, APPEAL_UPHOLD, APPEAL_BY_MUNICIPALITY, APPEAL_FORWARDED},
    {APPEAL_RECEIVED, APPEAL_SUSPENSIVE_EFFECT, APPEAL_BY_MUNICIPALITY, APPEAL_RECEIVED},
    {APPEAL_FORWARDED, APPEAL_RULE, APPEAL_BY_BOARD, APPEAL_RULED},
    {APPEAL_FORWARDED, APPEAL_SUSPENSIVE_EFFECT, APPEAL_BY_MUNICIPALITY | APPEAL_BY_BOARD, APPEAL_FORWARDED},
};

#define N_TRANSITIONS (sizeof(transitions) / sizeof(transitions[0]))

const char *appeal_status_name(enum appeal_status s)
{
    return (unsigned)s < APPEAL_STATUS_COUNT ? status_names[s] : "unknown";
}

int appeal_status_parse(const char *name, enum appeal_status *out)
{
    for (int i = 0; name && i < APPEAL_STATUS_COUNT; i++)
        if (strcmp(status_names[i], name) == 0) {
            *out = (enum appeal_status)i;
            return 0;
        }
    return -1;
}

int appeal_transition(enum appeal_status from, enum appeal_action action, enum appeal_actor actor)
{
    for (size_t i = 0; i < N_TRANSITIONS; i++)
        if (transitions[i].from == from && transitions[i].action == action && (transitions[i].actors & actor))
            return (int)transitions[i].to;
    return -1;
}

unsigned appeal_next_states(enum appeal_status from)
{
    unsigned states = 0;
    for (size_t i = 0; i < N_TRANSITIONS; i++)
        if (transitions[i].from == from)
            states |= 1u << transitions[i].to;
    return states;
}

unsigned appeal_states_allowing(enum appeal_action action, enum appeal_actor actor)
{
    unsigned states = 0;
    for (size_t i = 0; i < N_TRANSITIONS; i++)
        if (transitions[i].action == action && (transitions[i].actors & actor))
            states |= 1u << transitions[i].from;
    return states;
}

struct appeal_lateness appeal_lateness(struct cal_date received, struct cal_date deadline)
{
    long days = cal_to_days(received) - cal_to_days(deadline);
    struct appeal_lateness l = {days > 0, days > 0 ? days : 0};
    return l;
}

int appeal_received_before_notice(struct cal_date received, struct cal_date notified)
{
    return cal_after(notified, received);
}

struct cal_date appeal_reconsideration_deadline(struct cal_date received)
{
    return cal_add_days(received, CAL_APPEAL_DAYS);
}

int appeal_reconsidered_late(struct cal_date reconsidered, struct cal_date deadline)
{
    return cal_to_days(reconsidered) > cal_to_days(deadline);
}

static const struct appeal_reconsideration_rule reconsideration_rules[] = {
    {"changed_in_full", APPEAL_CHANGE_IN_FULL, 1, 0, "changed_by_municipality"},
    {"changed_in_part", APPEAL_CHANGE_IN_PART, 1, 1, "forwarded"},
    {"upheld", APPEAL_UPHOLD, 0, 1, "forwarded"},
};

const struct appeal_reconsideration_rule *appeal_reconsideration_rule(const char *outcome)
{
    for (size_t i = 0; outcome && i < sizeof(reconsideration_rules) / sizeof(reconsideration_rules[0]); i++)
        if (strcmp(reconsideration_rules[i].outcome, outcome) == 0)
            return &reconsideration_rules[i];
    return NULL;
}

const char *appeal_ruling_force_lost_reason(const char *outcome)
{
    if (!outcome)
        return NULL;
    if (strcmp(outcome, "remitted") == 0)
        return "remitted";
    if (strcmp(outcome, "changed") == 0)
        return "changed_by_appeals_board";
    return NULL;
}
