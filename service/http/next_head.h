/* The gate (gate.h) checks a connection's first request head before libmicrohttpd reads
 * it; this checks every later one on a kept-alive connection, in the connection's own
 * thread (libmicrohttpd runs one per connection), so that an oversized head, a bad or too
 * large Content-Length, or Content-Length with Transfer-Encoding gets the gate's
 * problem+json (refusal.h) and never libmicrohttpd's HTML, and a trickled head is cut off
 * at the same header deadline.
 *
 * After each answer on a connection that stays open (libmicrohttpd's completed-request
 * callback runs in the connection's thread once the answer is sent, just before it reads
 * again), the thread waits for the next head with poll() and peeks at it (MSG_PEEK), as
 * the gate does. That only works when libmicrohttpd has not read past the request it
 * answered: a client that pipelines (sends the next request before its answer) has its
 * next request in libmicrohttpd's buffer already, where a peek would wait for bytes that
 * never come. So when a request is answered, the bytes libmicrohttpd has taken off the
 * socket are compared with the bytes of the connection's requests so far; when it has
 * taken more, or cannot be counted (a chunked body), the answer carries Connection: close
 * (RFC 9112 section 9.3.2: the client sends the rest again on a new connection) and no
 * request is ever read unchecked or waited for.
 *
 * The per-connection state is thread-local, which is per connection in libmicrohttpd's
 * thread-per-connection mode; server.c must run it in that mode. */
#ifndef FREMDRIFT_NEXT_HEAD_H
#define FREMDRIFT_NEXT_HEAD_H

#include <microhttpd.h>

/* libmicrohttpd's MHD_OPTION_URI_LOG_CALLBACK, called when a request line has been read:
 * notes the connection for next_head_prepare, then runs ulfius' own logger (which ulfius
 * requires) and returns what it returns. */
void *next_head_uri_logger(void *cls, const char *uri, struct MHD_Connection *connection);

/* Called by the access handler with its answer ready. http_version is the request's
 * ("HTTP/1.1"); answer_closes says the answer carries Connection: close already. Returns 1
 * when the answer must close the connection because its next head could not be checked
 * (libmicrohttpd has read past this request), 0 otherwise; in the second case, when the
 * connection stays open, next_head_wait checks the next head once the answer is sent. */
int next_head_prepare(const char *http_version, int answer_closes);

/* Called from MHD_OPTION_NOTIFY_COMPLETED in the connection's thread. When
 * next_head_prepare armed it and the answer went out in full, waits for the next head (up
 * to the connection's idle timeout for its first byte, then header_timeout_ms for the
 * rest) and checks it with head_check: a good head is left for libmicrohttpd; a bad or
 * late one is refused and the connection ended, so libmicrohttpd reads nothing more from
 * it. Returns at once when the client or the server's stop closes the socket. */
void next_head_wait(struct MHD_Connection *connection, enum MHD_RequestTerminationCode toe, int header_timeout_ms,
                    long long max_body);

#endif
