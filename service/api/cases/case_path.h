/* The case a path names ({case_id}), for the resources that live under a case
 * (interventions, exemptions, flags): one look-up, so they answer 404 alike. */
#ifndef FREMDRIFT_CASE_PATH_H
#define FREMDRIFT_CASE_PATH_H

#include "api/cases/cases.h"

struct request;
struct reply;

/* Fetches the case of the path parameter case_id, locked when for_update. Returns 0 with
 * cs filled (the caller clears it with case_row_clear), or -1 with the reply set (the
 * database error, or 404 for an id that is malformed or that the caller cannot see). */
int case_path_fetch(struct request *rq, struct reply *r, int for_update, struct case_row *cs);

#endif
