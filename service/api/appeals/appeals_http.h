/* What the two appeal handler files share: appeals_http.c (filing, reading, listing) and
 * appeal_steps_http.c (the steps after an appeal was received). */
#ifndef FREMDRIFT_APPEALS_HTTP_H
#define FREMDRIFT_APPEALS_HTTP_H

struct request;
struct reply;

/* Reads the appeal id again and ends a successful change with it: the access-log row
 * (action), the events (NULL-terminated) and the answer with status, ETag and Location. */
void appeal_finish_write(struct request *rq, struct reply *r, const char *id, const char *const *events,
                         const char *action, int status);

#endif
