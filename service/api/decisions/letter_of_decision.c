/* See letter_of_decision.h. */
#include "api/decisions/letter_of_decision.h"

#include "api/decisions/decisions.h"

enum db_status letter_of_decision(struct db_conn *db, const char *municipality, const json_t *doc,
                                  enum letter_format f, char **text, size_t *len)
{
    struct decision_sender sender;
    int named = 0;
    *text = NULL;
    enum db_status st = decision_sender(db, municipality, json_string_value(json_object_get(doc, "notified_on")),
                                        &sender, &named);
    if (st != DB_OK)
        return st;
    struct letter_sender from = {
        .name = named ? sender.name : NULL,
        .office = named && *sender.office ? sender.office : NULL,
        .address = named && *sender.address ? sender.address : NULL,
        .phone = named && *sender.phone ? sender.phone : NULL,
        .web = named && *sender.web ? sender.web : NULL,
    };
    *text = letter_render(doc, &from, f, len);
    return DB_OK;
}
