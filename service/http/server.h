/* The HTTP server's life: listen, serve until SIGTERM or SIGINT, then stop accepting,
 * let requests in flight finish, and return. SIGHUP reloads the verification keys. */
#ifndef FREMDRIFT_SERVER_H
#define FREMDRIFT_SERVER_H

struct app;

/* Blocks until a stop signal. Returns 0 after a clean stop, -1 when it could not start. */
int server_run(struct app *app);

#endif
