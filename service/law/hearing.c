/* See hearing.h. */
#include "law/hearing.h"

#include <string.h>

int hearing_period_ok(struct cal_date sent, struct cal_date deadline, int min_days)
{
    return cal_to_days(deadline) - cal_to_days(sent) >= min_days;
}

unsigned hearing_conflicts(const struct hearing_dates *h, struct cal_date decided)
{
    unsigned found = 0;
    int answered = h->status && strcmp(h->status, "answered") == 0;
    int sent = h->status && strcmp(h->status, "sent") == 0;
    if (!answered && !sent)
        return 0;
    if (h->sent_on && cal_after(*h->sent_on, decided))
        found |= HEARING_DECIDED_BEFORE_SENT;
    if (answered && h->answered_on && cal_after(*h->answered_on, decided))
        found |= HEARING_ANSWERED_AFTER_DECISION;
    if (sent && h->response_deadline && !cal_after(decided, *h->response_deadline))
        found |= HEARING_DECIDED_WHILE_OPEN;
    return found;
}
