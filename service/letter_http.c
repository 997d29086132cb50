/* GET /v1/decisions/{decision_id}/letter: the decision letter in Danish, as text/plain or
 * text/html by the Accept header. Only an issued (or since superseded) decision has a
 * letter; the letter is built from the stored document, so it says what was decided. */
#include <stdlib.h>
#include <string.h>

#include "access_log.h"
#include "decisions.h"
#include "handlers.h"
#include "letter.h"
#include "reply.h"
#include "request.h"
#include "validate.h"

void api_decisions_letter(struct request *rq, struct reply *r)
{
    /* Negotiated first: a client that can read neither format learns so before anything
     * is read or logged. */
    enum letter_format f = letter_negotiate(request_header(rq, "Accept"));
    if (f == LETTER_UNACCEPTABLE) {
        reply_problem(r, PROBLEM_NOT_ACCEPTABLE, "The letter is available as text/plain or text/html.");
        return;
    }
    const char *id = request_param(rq, "decision_id");
    struct decision_row row;
    int found = 0;
    memset(&row, 0, sizeof(row));
    enum db_status st = text_is_uuid(id) ? decision_fetch(rq->db, id, 0, &row, &found) : DB_OK;
    if (st != DB_OK) {
        db_reply_error(r, st);
        return;
    }
    if (!found) {
        reply_problem(r, PROBLEM_NOT_FOUND, "No such decision is visible to you.");
        return;
    }
    if (strcmp(row.status, "draft") == 0) {
        reply_problem(r, PROBLEM_INVALID_STATE, "A draft has no letter: the letter is written when it is issued.");
        reply_problem_extend(r, "state", json_string(row.status));
        decision_row_clear(&row);
        return;
    }
    /* The sender as the municipality was named on the day the citizen was notified. */
    struct decision_sender sender;
    int named = 0;
    st = decision_sender(rq->db, row.municipality, json_string_value(json_object_get(row.doc, "notified_on")),
                         &sender, &named);
    if (st == DB_OK)
        st = access_log_write(rq, "read", "decision", row.id, row.citizen_id, NULL);
    if (st != DB_OK) {
        db_reply_error(r, st);
        decision_row_clear(&row);
        return;
    }
    struct letter_sender from = {
        .name = named ? sender.name : NULL,
        .office = named && *sender.office ? sender.office : NULL,
        .address = named && *sender.address ? sender.address : NULL,
    };
    size_t len = 0;
    char *text = letter_render(row.doc, &from, f, &len);
    decision_row_clear(&row);
    if (!text) {
        reply_problem(r, PROBLEM_INTERNAL, "The letter could not be written.");
        return;
    }
    reply_text(r, 200, letter_media_type(f), text, len);
    reply_header(r, "Content-Language", "da");
    reply_header(r, "Vary", "Accept");
}
