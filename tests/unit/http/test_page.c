/*
 * Unit tests for the end of a list in service/page.c when the list could not be read: the
 * answer is the database error, never an empty page. Expected statuses are the API
 * contract's (503 with Retry-After for an unavailable database).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "http/page.h"
#include "http/reply.h"

Test(page, a_failed_list_answers_the_database_error_not_an_empty_page)
{
    struct reply r;
    struct page p = {25, "26", "0"};
    memset(&r, 0, sizeof(r));
    page_reply_result(&r, DB_TIMEOUT, NULL, &p);
    cr_assert_eq(r.status, 503);
    cr_assert_null(json_object_get(r.json, "items"));
    reply_reset(&r);
}
