/* Birth dates of citizens registered before the service kept them, read from their sealed
 * CPR numbers (only the service holds the key that opens them). The work runs in a
 * background thread while the service serves, so start-up does not grow with the data:
 * batches in id order, each in one transaction on a pooled connection taken for that batch
 * only; a citizen whose number cannot be read is marked and not read again. */
#ifndef FREMDRIFT_BIRTH_DATES_H
#define FREMDRIFT_BIRTH_DATES_H

struct app;
struct birth_dates;

/* Starts the back-fill; returns its handle (free with birth_dates_stop), or NULL after
 * logging why it could not start (the service can still serve: only caseload categories
 * of those citizens are off until a later start). */
struct birth_dates *birth_dates_start(struct app *app);

/* Asks the back-fill to stop after the batch in hand, waits for it and frees bf. NULL is
 * allowed. */
void birth_dates_stop(struct birth_dates *bf);

#endif
