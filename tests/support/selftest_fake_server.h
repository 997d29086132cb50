/*
 * A throwaway HTTP server for the self-tests of the tests' HTTP client
 * (selftest_fake_server.c), and file helpers for the recorder's tests.
 */
#ifndef FREMDRIFT_SELFTEST_FAKE_SERVER_H
#define FREMDRIFT_SELFTEST_FAKE_SERVER_H

#include <pthread.h>
#include <stddef.h>

#include <jansson.h>

enum fake_mode {
    FAKE_REPLY,       /* read head and Content-Length body, send the reply, close */
    FAKE_SILENT,      /* read until the client closes or the test stops it; never answer */
    FAKE_EARLY,       /* answer right after the head, never read the body, wait for stop */
    FAKE_FIRST_BYTES  /* answer as soon as any bytes arrive, then close */
};

enum { FAKE_MAX_BATCH = 16 };

struct fake_server {
    enum fake_mode mode;
    const char *reply;
    size_t reply_len;
    int connections;
    int batch;
    int ipv6;
    int listen_fd;
    int stop_pipe[2];
    int port;
    pthread_t thread;
    /* Written by the server thread, read by the test after fake_stop. */
    char *request;
    size_t request_len;
    const char *failure;
};

long long fake_now_ms(void);

/*
 * Listens on a fresh loopback port, points FREMDRIFT_TEST_URL at it and serves
 * s->connections connections (default 1) in a thread: in batches of s->batch,
 * all requests of a batch read before any is answered. s->request keeps what the
 * first connection sent (NUL-terminated; fake_free frees it).
 */
void fake_start(struct fake_server *s);
void fake_stop(struct fake_server *s);
void fake_free(struct fake_server *s);

/* The whole file, NUL-terminated; the caller frees it. */
char *fake_read_file(const char *path, size_t *len);

/* Splits the recorder file into parsed lines (new references); each must be an object. */
size_t fake_record_lines(const char *path, json_t **lines, size_t max);

/* A fresh temporary file that FREMDRIFT_TEST_RECORD now names; the caller frees the path. */
char *fake_record_file(void);

#endif
