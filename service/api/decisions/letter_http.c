/* GET /v1/decisions/{decision_id}/letter: the decision letter in Danish, as text/plain or
 * text/html by the Accept header. Only an issued (or since superseded) decision has a
 * letter; the letter is built from the stored document, so it says what was decided. */
#include <stdlib.h>
#include <string.h>

#include "api/access_log/access_log.h"
#include "api/decisions/decision_input.h"
#include "api/decisions/decisions.h"
#include "api/decisions/letter_of_decision.h"
#include "api/handlers.h"
#include "http/reply.h"
#include "http/request.h"
#include "law/letter.h"

void api_decisions_letter(struct request *rq, struct reply *r)
{
    /* Negotiated first: a client that can read neither format learns so before anything
     * is read or logged. */
    enum letter_format f = letter_negotiate(request_header(rq, "Accept"));
    if (f == LETTER_UNACCEPTABLE) {
        reply_problem(r, PROBLEM_NOT_ACCEPTABLE, "The letter is available as text/plain or text/html.");
        return;
    }
    struct decision_row row;
    if (decision_from_path(rq, r, 0, &row) != 0)
        return;
    if (strcmp(row.status, "draft") == 0) {
        reply_state_problem(r, row.status, "A draft has no letter: the letter is written when it is issued.");
        decision_row_clear(&row);
        return;
    }
    /* The sender as the municipality was named on the day the citizen was notified. */
    char *text = NULL;
    size_t len = 0;
    enum db_status st = letter_of_decision(rq->db, row.municipality, row.doc, f, &text, &len);
    if (st == DB_OK)
        st = access_log_write(rq, "read", "decision", row.id, row.citizen_id, NULL);
    decision_row_clear(&row);
    if (st != DB_OK) {
        free(text);
        reply_db_error(r, st);
        return;
    }
    if (!text) {
        reply_problem(r, PROBLEM_INTERNAL, "The letter could not be written.");
        return;
    }
    reply_text(r, 200, letter_media_type(f), text, len);
    reply_header(r, "Content-Language", "da");
    reply_header(r, "Vary", "Accept");
}
