/* Flag SQL. The flags are the stored flag rows the database keeps on write
 * (worklist_entries), the same rows case_flags() shows on the case, so a list and a case
 * never disagree. */
#include "api/cases/flags.h"

/* The cursor is the last flag row's id: rows are listed in the order they were raised, and
 * a row keeps its id while its flag holds. flag_page() reads one page through an index. */
static const struct db_stmt list = {
    "flag_list",
    "SELECT e.id, json_build_object('case_id', e.case_id, 'citizen_id', e.citizen_id, "
    "'caseworker', e.caseworker, 'code', e.list, 'since', e.since, 'why', flag_why(e.list, e.details))::text "
    "FROM flag_page($1::text, $2::text, $3::bigint, $4::integer) e ORDER BY e.id"};

enum db_status flag_list(struct db_conn *db, const struct flag_filter *f, const struct page *p, PGresult **res)
{
    const char *values[] = {f->caseworker, f->code, p->after, p->fetch};
    return db_exec(db, &list, 4, values, res);
}
