/* The HTTP server's life: listen, serve until SIGTERM or SIGINT, then stop accepting,
 * let requests in flight finish, and return. SIGHUP reloads the verification keys. */
#ifndef FREMDRIFT_SERVER_H
#define FREMDRIFT_SERVER_H

#include <signal.h>

struct app;

/* Signals are taken synchronously by server_run's thread alone: call this before any
 * other thread starts, so that every thread inherits the mask. Fills *signals with them. */
void server_block_signals(sigset_t *signals);

/* Blocks until a stop signal. Returns 0 after a clean stop, -1 when it could not start. */
int server_run(struct app *app);

#endif
