/* Request bodies: the service parses JSON itself because ulfius accepts any top-level
 * value and lets duplicate keys through. */
#ifndef FREMDRIFT_BODY_H
#define FREMDRIFT_BODY_H

#include <jansson.h>
#include <stddef.h>

struct reply;

#define BODY_MAX_DEPTH 32

/* 1 when no array/object in data nests deeper than max_depth (strings are skipped). */
int body_depth_ok(const char *data, size_t len, int max_depth);

/* Parses data as one JSON object: duplicate keys, invalid UTF-8, NUL in strings, trailing
 * bytes and nesting deeper than BODY_MAX_DEPTH are refused. Returns the object (caller
 * json_decref's) or NULL with a 400 problem set on r. The problem never quotes the body. */
json_t *body_parse_object(const char *data, size_t len, struct reply *r);

#endif
