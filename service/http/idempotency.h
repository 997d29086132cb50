/* Idempotent POSTs: a client that retries with the same Idempotency-Key gets the first
 * answer again instead of a second case, decision or appeal. The claim on a key is
 * committed before the work; the answer is stored in the work's own transaction, so it
 * exists exactly when the work does; a failed attempt gives the key back. */
#ifndef FREMDRIFT_IDEMPOTENCY_H
#define FREMDRIFT_IDEMPOTENCY_H

#include "store/db.h"

struct request;
struct reply;

struct idempotency {
    int active;             /* this request holds a claim */
    int replayed;           /* the reply is the stored answer, handed out again */
    char caller[65];        /* SHA-256 of issuer, subject, role, municipality and CPR hash */
    char key[256];
    char hash[65];          /* SHA-256 of method, path and body */
};

/* Before the request's transaction, on a connection outside any transaction. Returns 0
 * to go on (idem->active when a key was claimed) or 1 when r already holds the answer: a
 * replay of the stored one, 400 for a malformed key, 422 for a key used with another
 * request, 409 while the first request is still at work, 503 when the database failed. */
int idempotency_begin(struct request *rq, struct db_conn *c, struct idempotency *idem, struct reply *r);

/* Inside the request's transaction, after a successful handler: stores r as the answer
 * for the key, its body sealed with the service's field key (an answer may hold a CPR
 * number). */
enum db_status idempotency_store(struct request *rq, struct db_conn *c, const struct idempotency *idem,
                                 const struct reply *r);

/* Inside a transaction with the caller's claims, after idempotency_begin set replayed:
 * logs the replay as a use of whatever the first request used. */
enum db_status idempotency_log_replay(struct db_conn *c, const struct idempotency *idem);

/* After the work and its stored answer have committed: lets go of the claim's lock (the
 * claim is held by a session lock from idempotency_begin until here or release). */
void idempotency_end(struct db_conn *c, const struct idempotency *idem);

/* After a failed or rolled-back attempt: gives the key back so a retry can run. */
void idempotency_release(struct db_conn *c, const struct idempotency *idem);

#endif
