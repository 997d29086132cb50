/* Structured logging: one JSON object per line on stdout. Callers pass only fields that
 * carry no personal data (no CPR, no names, no request bodies). */
#ifndef FREMDRIFT_LOG_H
#define FREMDRIFT_LOG_H

#include <jansson.h>

/* Writes {"ts":…,"level":level,"msg":msg, …fields}. fields may be NULL; it is stolen. */
void log_line(const char *level, const char *msg, json_t *fields);

/* The access line written once per request. */
void log_request(const char *method, const char *route, int status, double duration_ms,
                 const char *request_id);

#endif
