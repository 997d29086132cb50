/* What a handler answers: a status, a JSON or text body and a few headers. The router
 * turns it into the HTTP response; handlers never touch ulfius directly. */
#ifndef FREMDRIFT_REPLY_H
#define FREMDRIFT_REPLY_H

#include <jansson.h>
#include <stddef.h>

#include "law/validate.h"
#include "store/db.h"

enum problem {
    PROBLEM_BAD_REQUEST,
    PROBLEM_MALFORMED_JSON,
    PROBLEM_UNAUTHORIZED,
    PROBLEM_FORBIDDEN,
    PROBLEM_NOT_FOUND,
    PROBLEM_METHOD_NOT_ALLOWED,
    PROBLEM_NOT_ACCEPTABLE,
    PROBLEM_CONFLICT,
    PROBLEM_INVALID_STATE,
    PROBLEM_GONE,
    PROBLEM_PRECONDITION_FAILED,
    PROBLEM_PAYLOAD_TOO_LARGE,
    PROBLEM_UNSUPPORTED_MEDIA_TYPE,
    PROBLEM_VALIDATION,
    PROBLEM_PRECONDITION_REQUIRED,
    PROBLEM_TOO_MANY_REQUESTS,
    PROBLEM_REQUEST_TIMEOUT,
    PROBLEM_HEADERS_TOO_LARGE,
    PROBLEM_INTERNAL,
    PROBLEM_UNAVAILABLE,
};

/* Enough for a static file (its ETag and caching, six security headers, CORS) and the
 * Connection: close of a draining server. */
#define REPLY_MAX_HEADERS 16

struct reply_header {
    const char *name;       /* static string */
    char value[512];
};

struct reply {
    int status;
    json_t *json;           /* owned */
    char *text;             /* owned; used when json is NULL */
    size_t text_len;
    const unsigned char *static_body;   /* not owned: bytes in the binary (reply_static) */
    const char *content_type;
    int n_headers;
    struct reply_header headers[REPLY_MAX_HEADERS];
    int retry;              /* the transaction hit a serialization failure: run it again */
};

/* Sets a JSON body; body is stolen. */
void reply_json(struct reply *r, int status, json_t *body);

/* Sets a text body; text is stolen and freed with free(). */
void reply_text(struct reply *r, int status, const char *content_type, char *text, size_t len);

/* Sets a body that lives as long as the process (an embedded file): not copied, not freed. */
void reply_static(struct reply *r, int status, const char *content_type, const unsigned char *body, size_t len);

void reply_header(struct reply *r, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An RFC 9457 problem. detail must carry no personal data. */
void reply_problem(struct reply *r, enum problem p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 422 with errors[] of {pointer, message}; errors is stolen. */
void reply_invalid(struct reply *r, json_t *errors);

/* Frees the bodies and clears the reply for reuse (a retried transaction). */
void reply_reset(struct reply *r);

/* Adds field `key` of the problem body already set on r (e.g. the state an object is in). */
void reply_problem_extend(struct reply *r, const char *key, json_t *value);

/* 409 invalid-state with member `state` naming the state that refuses the request, so a
 * client can switch on it. */
void reply_state_problem(struct reply *r, const char *state, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* 404 for a resource of that type ("case") the caller cannot see, or that does not exist:
 * the two are told apart for nobody. */
void reply_not_found(struct reply *r, const char *type);

/* Sets the problem reply that a failed statement deserves. */
void reply_db_error(struct reply *r, enum db_status st);

/* When c has failed: the 422 naming every error on r, and 1 (the errors are taken);
 * otherwise 0 and r untouched. */
int reply_check_invalid(struct reply *r, struct check *c);

#endif
