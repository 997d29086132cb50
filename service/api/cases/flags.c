/* Flag SQL. The flags are the stored flag rows the database keeps on write
 * (worklist_entries), the same rows case_flags() shows on the case, so a list and a case
 * never disagree. */
#include "api/cases/flags.h"

#include <stdio.h>
#include <string.h>

#include "law/calendar.h"

/* The cursor is "<since>_<row id>" of the last row shown: flags are listed in the order
 * they were raised, and a row keeps its id while its flag holds. flag_page() reads one page
 * through an index per flag code. */
static const struct db_stmt list = {
    "flag_list",
    "SELECT e.since || '_' || e.id, json_build_object('case_id', e.case_id, 'citizen_id', e.citizen_id, "
    "'caseworker', e.caseworker, 'code', e.list, 'since', e.since, 'why', flag_why(e.list, e.details))::text "
    "FROM flag_page($1::text, $2::text, $3::date, $4::bigint, $5::integer) e ORDER BY e.since, e.id"};

int flag_cursor_read(const char *cursor, struct flag_cursor *c)
{
    if (!cursor) {
        snprintf(c->since, sizeof(c->since), "0001-01-01");
        snprintf(c->id, sizeof(c->id), "0");
        return 0;
    }
    size_t n = strlen(cursor), digits = n > 11 ? strspn(cursor + 11, "0123456789") : 0;
    struct cal_date d;
    if (n < 12 || cursor[10] != '_' || digits != n - 11 || digits >= sizeof(c->id))
        return -1;
    memcpy(c->since, cursor, 10);
    c->since[10] = '\0';
    memcpy(c->id, cursor + 11, digits + 1);
    return cal_parse_iso(c->since, &d);
}

enum db_status flag_list(struct db_conn *db, const struct flag_filter *f, const struct flag_cursor *after,
                         const struct page *p, PGresult **res)
{
    const char *values[] = {f->caseworker, f->code, after->since, after->id, p->fetch};
    return db_exec(db, &list, 5, values, res);
}
