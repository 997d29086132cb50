/* The inside of a pooled connection, shared by pool.c and db.c only. */
#ifndef FREMDRIFT_DB_CONN_H
#define FREMDRIFT_DB_CONN_H

#include "store/db.h"

struct db_conn {
    PGconn *pg;
    const struct pool_options *opt;
    const struct db_stmt **prepared;    /* statements prepared on this server connection */
    int n_prepared, cap_prepared;
    int broken;                         /* lost its server: reconnect before reuse */
    int untried;                        /* checked out, no statement run on it yet */
};

void db_conn_forget_prepared(struct db_conn *c);

#endif
