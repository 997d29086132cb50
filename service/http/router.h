/* The single ulfius callback: routing, authentication, body parsing, the request's
 * transaction, the response, the log line and the metrics. */
#ifndef FREMDRIFT_ROUTER_H
#define FREMDRIFT_ROUTER_H

#include <microhttpd.h>

struct _u_request;
struct _u_response;

/* user_data is the struct app. Always answers; never returns U_CALLBACK_ERROR, whose
 * plain-text 500 would drop the problem body. */
int router_callback(const struct _u_request *u, struct _u_response *resp, void *user_data);

/* libmicrohttpd's MHD_OPTION_NOTIFY_COMPLETED, with the struct app as cls: frees ulfius'
 * request, ends the count of the request in flight that router_callback began, and on a
 * connection that stays open checks its next head (next_head.h). */
void router_request_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                              enum MHD_RequestTerminationCode toe);

#endif
