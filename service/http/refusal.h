/* The answers the service writes on a socket itself, before libmicrohttpd has read the
 * request: a problem+json with Connection: close. The gate sends them for a connection's
 * first request (gate.c), a connection's own thread for the requests after it
 * (next_head.c); both refuse with these functions, so a client sees the same answer
 * whichever request of the connection it was. */
#ifndef FREMDRIFT_REFUSAL_H
#define FREMDRIFT_REFUSAL_H

#include "http/head.h"
#include "http/reply.h"

/* How long to read and drop what a refused client still sends before closing: closing
 * with unread bytes sends a reset, which can destroy the answer before the client reads
 * it. */
#define REFUSAL_LINGER_MS 1000

/* Sends the problem (503s with Retry-After) without blocking and shuts the sending side;
 * the caller lingers (REFUSAL_LINGER_MS) and closes. */
void refusal_send(int fd, enum problem p, const char *detail);

/* The refusal of a head head_check did not pass: 431, 413 or 400, saying why. */
void refusal_send_head(int fd, enum head_verdict v);

/* The refusal of a head that did not arrive within the header deadline: 408. */
void refusal_send_late(int fd);

#endif
