/* The access log: every read, search, create, change or export of citizen or case data
 * writes one row in the same transaction as the use itself. */
#ifndef FREMDRIFT_ACCESS_LOG_H
#define FREMDRIFT_ACCESS_LOG_H

#include <jansson.h>

#include "store/db.h"

struct request;

/* action: read, search, create, update or export. resource_id and citizen_id may be NULL.
 * criteria (borrowed, may be NULL) records a search's filters and must hold no CPR in
 * clear. Who and when come from the transaction's claims. */
enum db_status access_log_write(struct request *rq, const char *action, const char *resource_type,
                                const char *resource_id, const char *citizen_id, json_t *criteria);

/* As access_log_write without a resource, one row for each distinct use in uses (a
 * borrowed array of {"citizen_id": UUID, "municipality": code or null}): each row names the
 * citizen and the municipality whose data was shown (null: the caller's own). One row
 * naming citizen_id (may be NULL) when the array is empty. */
enum db_status access_log_write_each(struct request *rq, const char *action, const char *resource_type,
                                     json_t *uses, const char *citizen_id, json_t *criteria);

#endif
