/* See birth_dates.h. */
#include "api/citizens/birth_dates.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "http/app.h"
#include "law/cpr.h"
#include "store/crypto.h"
#include "store/pool.h"

#define BATCH 500

static const struct db_stmt missing = {"birth_dates_missing",
                                       "SELECT id, cpr_sealed_hex FROM citizens_without_birth_date($1::integer)"};
static const struct db_stmt set_date = {"birth_dates_set", "SELECT citizen_set_birth_date($1::uuid, $2::date)"};

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

/* One batch: returns the number of citizens read (0: none left), or -1. A citizen whose
 * number cannot be read is counted in *unreadable and left without a date; since batches
 * go in id order, such citizens are always the first *skip of those still without one. */
static int fill_batch(struct app *app, struct db_conn *c, long *filled, long *unreadable, int *skip)
{
    char limit[16];
    snprintf(limit, sizeof(limit), "%d", BATCH + *skip);
    const char *values[] = {limit};
    PGresult *res = NULL;
    if (db_exec(c, &missing, 1, values, &res) != DB_OK) {
        PQclear(res);
        return -1;
    }
    int rows = PQntuples(res), start = *skip;
    for (int i = start; i < rows; i++) {
        char date[11];
        if (birth_date_of(&app->crypto, PQgetvalue(res, i, 1), date) != 0) {
            (*unreadable)++;
            (*skip)++;
            continue;
        }
        const char *params[] = {PQgetvalue(res, i, 0), date};
        PGresult *set = NULL;
        enum db_status st = db_exec(c, &set_date, 2, params, &set);
        PQclear(set);
        if (st != DB_OK) {
            PQclear(res);
            return -1;
        }
        (*filled)++;
    }
    PQclear(res);
    return rows > start ? rows - start : 0;
}

int birth_dates_fill(struct app *app)
{
    enum db_status why;
    struct db_conn *c = pool_acquire(app->pool, &why);
    if (!c) {
        log_line("error", "birth dates: no database connection", NULL);
        return -1;
    }
    long filled = 0, unreadable = 0;
    int skip = 0, n;
    while ((n = fill_batch(app, c, &filled, &unreadable, &skip)) > 0)
        ;
    pool_release(app->pool, c);
    if (n < 0) {
        log_line("error", "birth dates: filling them in failed", json_pack("{s:I}", "filled", (json_int_t)filled));
        return -1;
    }
    if (filled > 0 || unreadable > 0)
        log_line(unreadable ? "error" : "info", "birth dates filled in from CPR numbers",
                 json_pack("{s:I, s:I}", "filled", (json_int_t)filled, "unreadable", (json_int_t)unreadable));
    return 0;
}
