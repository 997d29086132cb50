/* Replies and RFC 9457 problem documents. Problem types are stable URIs: clients switch
 * on `type`, never on the human-readable title or detail. */
#include "http/reply.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PROBLEM_BASE "https://fremdrift.dk/problems/"

static const struct {
    int status;
    const char *slug;
    const char *title;
} problems[] = {
    [PROBLEM_BAD_REQUEST] = {400, "bad-request", "Bad request"},
    [PROBLEM_MALFORMED_JSON] = {400, "malformed-json", "The body is not acceptable JSON"},
    [PROBLEM_UNAUTHORIZED] = {401, "unauthorized", "Authentication required"},
    [PROBLEM_FORBIDDEN] = {403, "forbidden", "Not allowed for this role"},
    [PROBLEM_NOT_FOUND] = {404, "not-found", "Not found"},
    [PROBLEM_METHOD_NOT_ALLOWED] = {405, "method-not-allowed", "Method not allowed"},
    [PROBLEM_NOT_ACCEPTABLE] = {406, "not-acceptable", "No acceptable representation"},
    [PROBLEM_CONFLICT] = {409, "conflict", "Conflict"},
    [PROBLEM_INVALID_STATE] = {409, "invalid-state", "Not allowed in the current state"},
    [PROBLEM_GONE] = {410, "gone", "Gone"},
    [PROBLEM_PRECONDITION_FAILED] = {412, "precondition-failed", "The resource has changed"},
    [PROBLEM_PAYLOAD_TOO_LARGE] = {413, "payload-too-large", "Request body too large"},
    [PROBLEM_UNSUPPORTED_MEDIA_TYPE] = {415, "unsupported-media-type", "Unsupported media type"},
    [PROBLEM_VALIDATION] = {422, "validation", "The request is not valid"},
    [PROBLEM_PRECONDITION_REQUIRED] = {428, "precondition-required", "If-Match is required"},
    [PROBLEM_TOO_MANY_REQUESTS] = {429, "too-many-requests", "Too many requests"},
    [PROBLEM_REQUEST_TIMEOUT] = {408, "request-timeout", "The request did not arrive in time"},
    [PROBLEM_HEADERS_TOO_LARGE] = {431, "header-fields-too-large", "Request header fields too large"},
    [PROBLEM_INTERNAL] = {500, "internal", "Internal error"},
    [PROBLEM_UNAVAILABLE] = {503, "unavailable", "Service temporarily unavailable"},
};

void reply_reset(struct reply *r)
{
    json_decref(r->json);
    free(r->text);
    memset(r, 0, sizeof(*r));
}

void reply_json(struct reply *r, int status, json_t *body)
{
    json_decref(r->json);
    free(r->text);
    r->text = NULL;
    r->static_body = NULL;
    r->status = status;
    r->json = body;
    r->content_type = "application/json";
}

void reply_text(struct reply *r, int status, const char *content_type, char *text, size_t len)
{
    json_decref(r->json);
    free(r->text);
    r->json = NULL;
    r->status = status;
    r->text = text;
    r->static_body = NULL;
    r->text_len = len;
    r->content_type = content_type;
}

void reply_static(struct reply *r, int status, const char *content_type, const unsigned char *body, size_t len)
{
    reply_text(r, status, content_type, NULL, len);
    r->static_body = body;
}

void reply_header(struct reply *r, const char *name, const char *fmt, ...)
{
    struct reply_header *h = NULL;
    for (int i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            h = &r->headers[i];
    if (!h) {
        if (r->n_headers == REPLY_MAX_HEADERS)
            return;
        h = &r->headers[r->n_headers++];
        h->name = name;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->value, sizeof(h->value), fmt, ap);
    va_end(ap);
}

static void set_problem(struct reply *r, enum problem p, const char *detail)
{
    char type[128];
    snprintf(type, sizeof(type), PROBLEM_BASE "%s", problems[p].slug);
    json_t *body = json_pack("{s:s, s:s, s:i}", "type", type, "title", problems[p].title,
                             "status", problems[p].status);
    if (body && detail && *detail)
        json_object_set_new(body, "detail", json_string(detail));
    reply_json(r, problems[p].status, body);
    r->content_type = "application/problem+json";
}

void reply_problem(struct reply *r, enum problem p, const char *fmt, ...)
{
    char detail[512] = "";
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(detail, sizeof(detail), fmt, ap);
        va_end(ap);
    }
    set_problem(r, p, detail);
}

void reply_state_problem(struct reply *r, const char *state, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    set_problem(r, PROBLEM_INVALID_STATE, detail);
    reply_problem_extend(r, "state", json_string(state));
}

void reply_not_found(struct reply *r, const char *type)
{
    reply_problem(r, PROBLEM_NOT_FOUND, "No such %s is visible to you.", type);
}

void reply_invalid(struct reply *r, json_t *errors)
{
    set_problem(r, PROBLEM_VALIDATION, "One or more fields are invalid; see errors.");
    if (r->json)
        json_object_set_new(r->json, "errors", errors);
    else
        json_decref(errors);
}

void reply_problem_extend(struct reply *r, const char *key, json_t *value)
{
    if (r->json)
        json_object_set_new(r->json, key, value);
    else
        json_decref(value);
}

void reply_db_error(struct reply *r, enum db_status st)
{
    /* The router runs a transaction again on retry; if the retries run out, the caller
     * gets the 503 set below. */
    r->retry = st == DB_RETRY;
    switch (st) {
    case DB_UNIQUE:
        reply_problem(r, PROBLEM_CONFLICT, "A resource with the same identity already exists.");
        break;
    case DB_NOT_VISIBLE:
        reply_not_found(r, "resource");
        break;
    case DB_INVALID_STATE:
        reply_problem(r, PROBLEM_INVALID_STATE, "The resource's state does not allow this change.");
        break;
    case DB_RETRY:
    case DB_BUSY:
    case DB_TIMEOUT:
    case DB_UNAVAILABLE:
        reply_problem(r, PROBLEM_UNAVAILABLE, "The database is busy or unreachable; try again shortly.");
        reply_header(r, "Retry-After", "%d", st == DB_UNAVAILABLE ? 5 : 1);
        break;
    case DB_FOREIGN_KEY:
    case DB_CHECK:
    case DB_ERROR:
    case DB_OK:
        reply_problem(r, PROBLEM_INTERNAL, "The request could not be completed.");
        break;
    }
}

int reply_check_invalid(struct reply *r, struct check *c)
{
    if (!check_failed(c))
        return 0;
    reply_invalid(r, check_take_errors(c));
    return 1;
}
