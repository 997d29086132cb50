/* Citizens: registration, look-up by CPR number and the citizen document. A CPR number
 * enters as 10 digits and leaves only inside citizen documents, masked unless the
 * caller's role needs it in full. */
#ifndef FREMDRIFT_CITIZENS_H
#define FREMDRIFT_CITIZENS_H

#include <jansson.h>

#include "store/db.h"

struct request;

/* Registers the person in the caller's municipality (creating the citizen when the person
 * is new nationally). *doc is the citizen document as the caller reads it (caller
 * json_decref's); *created says whether the caller's municipality's registration is new. */
enum db_status citizen_register(struct request *rq, const char cpr[11], const char *name,
                                json_t **doc, int *created);

/* The citizen with that CPR number visible to the caller, or *doc = NULL. */
enum db_status citizen_find_by_cpr(struct request *rq, const char cpr[11], json_t **doc);

/* The citizen with that id visible to the caller (id NULL: the calling citizen), or
 * *doc = NULL. */
enum db_status citizen_fetch(struct request *rq, const char *id, json_t **doc);

#endif
