/* The event outbox: every change writes an event in the same transaction, so an
 * integrating system that reads /v1/events sees exactly the changes that committed. */
#ifndef FREMDRIFT_EVENTS_H
#define FREMDRIFT_EVENTS_H

#include "store/db.h"

struct request;

/* type e.g. "case.updated"; payload_json is the resource's new state as JSON text and
 * must carry no CPR number. version may be NULL. */
enum db_status events_emit(struct request *rq, const char *type, const char *resource_type,
                           const char *resource_id, const char *version, const char *municipality,
                           const char *payload_json);

#endif
