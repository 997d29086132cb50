/* Accessors over the ulfius request, so handlers never depend on ulfius' maps. */
#include "http/reply.h"
#include "http/request.h"
#include "http/routes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <ulfius.h>

const char *request_param(const struct request *rq, const char *name)
{
    const char *t = rq->route->path;
    size_t len = strlen(name);
    int index = 0;
    while ((t = strchr(t, '{')) != NULL) {
        if (strncmp(t + 1, name, len) == 0 && t[1 + len] == '}')
            return index < rq->n_params ? rq->params[index] : NULL;
        index++;
        t++;
    }
    return NULL;
}

const char *request_header(const struct request *rq, const char *name)
{
    return u_map_get_case(rq->u->map_header, name);
}

const char *request_query(const struct request *rq, const char *name)
{
    return u_map_get(rq->u->map_url, name);
}

int request_only_query(const struct request *rq, struct reply *r, const char *const *allowed)
{
    const char **keys = u_map_enum_keys(rq->u->map_url);
    for (size_t i = 0; keys && keys[i]; i++) {
        int known = 0;
        for (size_t k = 0; allowed && allowed[k]; k++)
            if (strcmp(keys[i], allowed[k]) == 0)
                known = 1;
        if (!known) {
            reply_problem(r, PROBLEM_BAD_REQUEST, "Unknown query parameter; see the API description.");
            return -1;
        }
    }
    return 0;
}

int request_if_match_version(const struct request *rq, struct reply *r, long *version)
{
    const char *h = request_header(rq, "If-Match");
    if (!h || !*h) {
        reply_problem(r, PROBLEM_PRECONDITION_REQUIRED,
                      "Send If-Match with the ETag you last read, so no change is lost.");
        return -1;
    }
    size_t n = strlen(h);
    char digits[24];
    if (n < 3 || n - 2 >= sizeof(digits) || h[0] != '"' || h[n - 1] != '"') {
        reply_problem(r, PROBLEM_PRECONDITION_FAILED, "If-Match does not match the current ETag.");
        return -1;
    }
    memcpy(digits, h + 1, n - 2);
    digits[n - 2] = '\0';
    char *end;
    errno = 0;
    long v = strtol(digits, &end, 10);
    if (errno || *end || v < 1) {
        reply_problem(r, PROBLEM_PRECONDITION_FAILED, "If-Match does not match the current ETag.");
        return -1;
    }
    *version = v;
    return 0;
}

int request_if_none_match(const struct request *rq, long version)
{
    const char *h = request_header(rq, "If-None-Match");
    char tag[32];
    int tag_len = snprintf(tag, sizeof(tag), "\"%ld\"", version);
    for (const char *p = h; p && *p;) {
        p += strspn(p, " \t,");
        size_t len = strcspn(p, ",");
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == 1 && *p == '*')
            return 1;
        if (len > 2 && strncmp(p, "W/", 2) == 0) {
            p += 2;
            len -= 2;
        }
        if (len == (size_t)tag_len && strncmp(p, tag, len) == 0)
            return 1;
        p += strcspn(p, ",");
    }
    return 0;
}
