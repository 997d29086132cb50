/* JSON log lines. A line is written with one fputs on a locked stream so lines from
 * concurrent requests never interleave. */
#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void timestamp(char out[32])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 32 - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

void log_line(const char *level, const char *msg, json_t *fields)
{
    char ts[32];
    timestamp(ts);
    json_t *line = json_pack("{s:s, s:s, s:s}", "ts", ts, "level", level, "msg", msg);
    if (line && fields)
        json_object_update(line, fields);
    json_decref(fields);
    char *text = line ? json_dumps(line, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
    json_decref(line);
    if (!text)
        return;
    flockfile(stdout);
    fputs(text, stdout);
    fputc('\n', stdout);
    fflush(stdout);
    funlockfile(stdout);
    free(text);
}

void log_request(const char *method, const char *route, int status, double duration_ms,
                 const char *request_id)
{
    log_line("info", "request",
             json_pack("{s:s, s:s, s:i, s:f, s:s}", "method", method, "route", route,
                       "status", status, "duration_ms", duration_ms,
                       "request_id", request_id));
}
