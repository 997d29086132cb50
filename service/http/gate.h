/* Every connection enters through the gate before libmicrohttpd sees it. The gate owns the
 * listening socket and, in one thread with epoll:
 *  - answers 503 at once past the global connection limit or a client address's own
 *    limit, instead of letting the connection wait in the accept queue;
 *  - waits for the connection's first request head (without reading it: MSG_PEEK) at
 *    most the header deadline, so a client trickling its headers is cut off with 408
 *    however often it sends a byte (libmicrohttpd's timeout counts idle time only);
 *  - answers a head that is too large, has a bad or too large Content-Length, or both
 *    Content-Length and Transfer-Encoding, with a problem+json of its own (libmicrohttpd
 *    would answer HTML, or accept the last);
 *  - hands every other connection to libmicrohttpd (MHD_add_connection).
 * The refusals are refusal.h's. Later requests on a kept-alive connection are checked the
 * same way, with the same refusals and header deadline, by the connection's own thread
 * before libmicrohttpd reads them (next_head.h); a connection whose next request
 * libmicrohttpd has read already (pipelined) is closed after its answer instead. */
#ifndef FREMDRIFT_GATE_H
#define FREMDRIFT_GATE_H

#include <microhttpd.h>
#include <stddef.h>

struct gate;

struct gate_options {
    const char *bind_address;   /* IPv4 */
    int port;
    int max_connections;        /* open at once, waiting at the gate or served */
    int per_address;            /* open at once from one client address; 0 = no limit */
    int header_timeout_ms;      /* for the first request head to arrive in full */
    size_t max_head;            /* bytes of request line and header fields */
    long long max_body;         /* largest Content-Length accepted */
};

/* Binds and listens. Returns the gate (free with gate_free), or NULL after logging why. */
struct gate *gate_open(const struct gate_options *opt);

/* Starts admitting connections and handing them to daemon, which must run with
 * MHD_USE_NO_LISTEN_SOCKET and gate_notify as its MHD_OPTION_NOTIFY_CONNECTION (with
 * the gate as its argument). Returns 0, or -1. */
int gate_start(struct gate *g, struct MHD_Daemon *daemon);

/* Stops accepting: closes the listening socket and every connection still waiting for
 * its first head, and waits for the gate's thread. Connections already handed over stay. */
void gate_close(struct gate *g);

/* Connections open now (waiting at the gate or served by libmicrohttpd). */
int gate_open_connections(struct gate *g);

/* Frees g after gate_close and after the daemon has stopped. NULL is allowed. */
void gate_free(struct gate *g);

/* libmicrohttpd's connection notifications: a connection it closes no longer counts. */
void gate_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                 enum MHD_ConnectionNotificationCode code);

#endif
