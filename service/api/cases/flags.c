/* Flag SQL. The flags themselves are computed by case_flags() in the database, the same
 * function the case document shows, so a list and a case never disagree. */
#include "api/cases/flags.h"

/* The cursor is one number for two keys: the case's seq times 65536 plus the flag's
 * position in the case's flags (from 1; a case has a handful). A flag that appears on a
 * case already paged past shifts the positions after it, so a page boundary inside that
 * case may repeat or skip one of its flags; the flags are computed from today, so no list
 * of them is a snapshot anyway. */
static const struct db_stmt list = {
    "flag_list",
    "SELECT c.seq * 65536 + f.n, json_build_object('case_id', c.id, 'citizen_id', c.citizen_id, "
    "'caseworker', c.caseworker, 'code', f.flag->>'code', 'since', f.flag->'since', 'why', f.flag->'why')::text "
    "FROM cases c CROSS JOIN LATERAL json_array_elements(case_flags(c)) WITH ORDINALITY AS f(flag, n) "
    "WHERE c.municipality = claim_municipality() AND c.status = 'open' "
    "AND ($1::text IS NULL OR c.caseworker = $1) AND ($2::text IS NULL OR f.flag->>'code' = $2) "
    "AND c.seq >= $3::bigint / 65536 AND (c.seq, f.n) > ($3::bigint / 65536, $3::bigint % 65536) "
    "ORDER BY c.seq, f.n LIMIT $4::integer"};

enum db_status flag_list(struct db_conn *db, const struct flag_filter *f, const struct page *p, PGresult **res)
{
    const char *values[] = {f->caseworker, f->code, p->after, p->fetch};
    return db_exec(db, &list, 4, values, res);
}
