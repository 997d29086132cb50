/* Birth dates of citizens registered before the service kept them, read from their sealed
 * CPR numbers at start-up (only the service holds the key that opens them). */
#ifndef FREMDRIFT_BIRTH_DATES_H
#define FREMDRIFT_BIRTH_DATES_H

struct app;

/* Fills in every missing birth date, a batch at a time, and logs how many. Returns 0, or
 * -1 after logging why (the service can still serve: only caseload categories of those
 * citizens are affected). */
int birth_dates_fill(struct app *app);

#endif
