/* A service of a test's own, started with settings of its own on top of the environment
 * test.sh gave the tests, for limits and faults that must not touch the shared service.
 * Only for the serial resilience phase. */
#ifndef FREMDRIFT_OWN_SERVICE_H
#define FREMDRIFT_OWN_SERVICE_H

#include <stddef.h>
#include <sys/types.h>

struct setting {
    const char *name, *value;
};

/* Starts build/asan/fremdrift serve on a free port with the settings, waits until it is
 * ready and points the HTTP client (FREMDRIFT_TEST_URL) at it. Fails the test otherwise. */
pid_t own_service_start(const struct setting *settings, size_t n);

/* The port it listens on. */
int own_service_port(void);

/* Sends SIGTERM and requires exit status 0. */
void own_service_expect_clean_stop(void);

/* Sends SIGTERM and waits for the exit, whatever else the test has running against the
 * service: returns the wait status and sets *took_ms to the time from signal to exit. */
int own_service_terminate(long long *took_ms);

/* Stops it, if it still runs, without judging how: for .fini. */
void own_service_stop(void);

#endif
