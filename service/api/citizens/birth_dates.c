/* See birth_dates.h. */
#include "api/citizens/birth_dates.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/log.h"
#include "http/app.h"
#include "law/cpr.h"
#include "store/crypto.h"
#include "store/pool.h"

#define BATCH 500
#define RETRY_PAUSE_MS 5000
#define MAX_FAILURES 12

struct birth_dates {
    struct app *app;
    pthread_t thread;
    atomic_int stop;
    char after[40];             /* the last id done: the next batch starts after it */
    long filled, unreadable;
};

static const struct db_stmt missing = {
    "birth_dates_missing", "SELECT id, cpr_sealed_hex FROM citizens_without_birth_date($1::uuid, $2::integer)"};
static const struct db_stmt set_date = {"birth_dates_set", "SELECT citizen_set_birth_date($1::uuid, $2::date)"};
static const struct db_stmt set_unreadable = {"birth_dates_unreadable",
                                              "SELECT citizen_birth_date_unreadable($1::uuid)"};

/* The birth date of one sealed CPR number as YYYY-MM-DD in out; 0, or -1 when it cannot be
 * opened or read. */
static int birth_date_of(const struct crypto_keys *k, const char *sealed_hex, char out[11])
{
    size_t len = 0;
    char *cpr = crypto_open_from_hex(k, sealed_hex, &len);
    int y, m, d;
    int ok = cpr && len == 10 && cpr_birth_date(cpr, &y, &m, &d) == 0;
    free(cpr);
    if (!ok)
        return -1;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return 0;
}

/* Sets row i's birth date, or marks it unreadable (*readable = 0). */
static enum db_status fill_row(struct birth_dates *bf, struct db_conn *c, const PGresult *res, int i, int *readable)
{
    char date[11];
    *readable = birth_date_of(&bf->app->crypto, PQgetvalue(res, i, 1), date) == 0;
    const char *params[] = {PQgetvalue(res, i, 0), date};
    PGresult *done = NULL;
    enum db_status st = *readable ? db_exec(c, &set_date, 2, params, &done) : db_exec(c, &set_unreadable, 1, params, &done);
    PQclear(done);
    return st;
}

/* One batch in one transaction. Returns the number of citizens done (0: none left), or -1
 * when the database failed; the counts and the keyset position move only once the batch
 * has committed. */
static int fill_batch(struct birth_dates *bf, struct db_conn *c)
{
    char limit[16];
    snprintf(limit, sizeof(limit), "%d", BATCH);
    const char *values[] = {bf->after, limit};
    PGresult *res = NULL;
    enum db_status st = db_command(c, "BEGIN");
    if (st == DB_OK)
        st = db_exec(c, &missing, 2, values, &res);
    int rows = st == DB_OK ? PQntuples(res) : 0;
    long filled = 0, unreadable = 0;
    for (int i = 0; st == DB_OK && i < rows; i++) {
        int readable;
        st = fill_row(bf, c, res, i, &readable);
        filled += readable;
        unreadable += !readable;
    }
    if (st == DB_OK)
        st = db_command(c, "COMMIT");
    else
        db_command(c, "ROLLBACK");
    if (st == DB_OK && rows > 0) {
        snprintf(bf->after, sizeof(bf->after), "%s", PQgetvalue(res, rows - 1, 0));
        bf->filled += filled;
        bf->unreadable += unreadable;
    }
    PQclear(res);
    return st == DB_OK ? rows : -1;
}

static void pause_ms(struct birth_dates *bf, int ms)
{
    struct timespec tick = {0, 100 * 1000000L};
    for (int waited = 0; waited < ms && !atomic_load(&bf->stop); waited += 100)
        nanosleep(&tick, NULL);
}

static void *run(void *arg)
{
    struct birth_dates *bf = arg;
    int failures = 0, n = 0;
    while (!atomic_load(&bf->stop)) {
        enum db_status why;
        struct db_conn *c = pool_acquire(bf->app->pool, &why);
        n = c ? fill_batch(bf, c) : -1;
        pool_release(bf->app->pool, c);
        if (n == 0)
            break;
        if (n > 0) {
            failures = 0;
            continue;
        }
        /* The database is away or busy: try again a while later, then give up until the
         * next start (nothing is lost: the rows are still to do). */
        if (++failures == MAX_FAILURES)
            break;
        pause_ms(bf, RETRY_PAUSE_MS);
    }
    if (n < 0)
        log_line("error", "birth dates: filling them in failed; the next start goes on",
                 json_pack("{s:I}", "filled", (json_int_t)bf->filled));
    if (bf->filled > 0 || bf->unreadable > 0)
        log_line(bf->unreadable ? "error" : "info", "birth dates filled in from CPR numbers",
                 json_pack("{s:I, s:I, s:b}", "filled", (json_int_t)bf->filled, "unreadable",
                           (json_int_t)bf->unreadable, "done", n == 0));
    return NULL;
}

struct birth_dates *birth_dates_start(struct app *app)
{
    struct birth_dates *bf = calloc(1, sizeof(*bf));
    if (!bf) {
        log_line("error", "birth dates: out of memory", NULL);
        return NULL;
    }
    bf->app = app;
    snprintf(bf->after, sizeof(bf->after), "00000000-0000-0000-0000-000000000000");
    atomic_init(&bf->stop, 0);
    if (pthread_create(&bf->thread, NULL, run, bf) != 0) {
        log_line("error", "birth dates: could not start the back-fill", NULL);
        free(bf);
        return NULL;
    }
    return bf;
}

void birth_dates_stop(struct birth_dates *bf)
{
    if (!bf)
        return;
    atomic_store(&bf->stop, 1);
    pthread_join(bf->thread, NULL);
    free(bf);
}
