/* JSON request body parsing. jansson's own limit is a nesting depth of 2048 and its error
 * text quotes the input near the fault, which may be a CPR number: so depth is checked
 * first, and errors report a position only. */
#include "http/body.h"
#include "http/reply.h"

int body_depth_ok(const char *data, size_t len, int max_depth)
{
    int depth = 0, in_string = 0, escaped = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = data[i];
        if (in_string) {
            if (escaped)
                escaped = 0;
            else if (ch == '\\')
                escaped = 1;
            else if (ch == '"')
                in_string = 0;
            continue;
        }
        if (ch == '"')
            in_string = 1;
        else if (ch == '{' || ch == '[') {
            if (++depth > max_depth)
                return 0;
        } else if (ch == '}' || ch == ']')
            depth--;
    }
    return 1;
}

json_t *body_parse_object(const char *data, size_t len, struct reply *r)
{
    if (!data || len == 0) {
        reply_problem(r, PROBLEM_MALFORMED_JSON, "A JSON object body is required.");
        return NULL;
    }
    if (!body_depth_ok(data, len, BODY_MAX_DEPTH)) {
        reply_problem(r, PROBLEM_MALFORMED_JSON, "JSON nests deeper than %d levels.", BODY_MAX_DEPTH);
        return NULL;
    }
    json_error_t err;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
    if (!doc) {
        enum json_error_code code = json_error_code(&err);
        if (code == json_error_duplicate_key)
            reply_problem(r, PROBLEM_MALFORMED_JSON, "Duplicate key in object at line %d, column %d.",
                          err.line, err.column);
        else
            reply_problem(r, PROBLEM_MALFORMED_JSON, "Invalid JSON at line %d, column %d.",
                          err.line, err.column);
        return NULL;
    }
    if (!json_is_object(doc)) {
        json_decref(doc);
        reply_problem(r, PROBLEM_MALFORMED_JSON, "The body must be a JSON object.");
        return NULL;
    }
    return doc;
}
