/* The letter of a stored decision: its sender read from the reference data as it was on
 * the notification day, then the letter rendered (service/letter.h). Shared by the letter
 * endpoint and the citizen's export. */
#ifndef FREMDRIFT_LETTER_OF_DECISION_H
#define FREMDRIFT_LETTER_OF_DECISION_H

#include <jansson.h>
#include <stddef.h>

#include "law/letter.h"
#include "store/db.h"

/* doc is a decision_document() of an issued or superseded decision. On DB_OK *text is
 * the letter (the caller frees it) or NULL when it could not be written. */
enum db_status letter_of_decision(struct db_conn *db, const char *municipality, const json_t *doc,
                                  enum letter_format f, char **text, size_t *len);

#endif
