/* Flag SQL. The flags are the stored flag rows the database keeps on write
 * (worklist_entries), the same rows case_flags() shows on the case, so a list and a case
 * never disagree. */
#include "api/cases/flags.h"

#include <stdio.h>
#include <string.h>

#include "law/calendar.h"
#include "law/validate.h"

/* The cursor is "<since>_<case id>_<row id>" of the last row shown: flags are listed in
 * the order they were raised, and a row keeps its id while its flag holds. flag_page()
 * reads one page through an index per flag code. */
static const struct db_stmt list = {
    "flag_list",
    "SELECT e.since || '_' || e.resource_id || '_' || e.id, json_build_object('case_id', e.case_id, "
    "'citizen_id', e.citizen_id, 'caseworker', e.caseworker, 'code', e.list, 'since', e.since, "
    "'why', flag_why(e.list, e.details))::text "
    "FROM flag_page($1::text, $2::text, $3::date, $4::uuid, $5::bigint, $6::integer) e "
    "ORDER BY e.since, e.resource_id, e.id"};

int flag_cursor_read(const char *cursor, struct flag_cursor *c)
{
    if (!cursor) {
        snprintf(c->since, sizeof(c->since), "0001-01-01");
        snprintf(c->case_id, sizeof(c->case_id), "00000000-0000-0000-0000-000000000000");
        snprintf(c->id, sizeof(c->id), "0");
        return 0;
    }
    /* YYYY-MM-DD _ uuid _ digits */
    size_t n = strlen(cursor), digits = n > 48 ? strspn(cursor + 48, "0123456789") : 0;
    struct cal_date d;
    if (n < 49 || cursor[10] != '_' || cursor[47] != '_' || digits != n - 48 || digits >= sizeof(c->id))
        return -1;
    memcpy(c->since, cursor, 10);
    c->since[10] = '\0';
    memcpy(c->case_id, cursor + 11, 36);
    c->case_id[36] = '\0';
    memcpy(c->id, cursor + 48, digits + 1);
    return cal_parse_iso(c->since, &d) == 0 && text_is_uuid(c->case_id) ? 0 : -1;
}

enum db_status flag_list(struct db_conn *db, const struct flag_filter *f, const struct flag_cursor *after,
                         const struct page *p, PGresult **res)
{
    const char *values[] = {f->caseworker, f->code, after->since, after->case_id, after->id, p->fetch};
    return db_exec(db, &list, 6, values, res);
}
