/* Unit tests for reading a JWKS response's Cache-Control (service/auth/cache_control.c). */
#include <criterion/criterion.h>

#include <limits.h>

#include "auth/cache_control.h"

Test(cache_control, absent_header_says_nothing)
{
    cr_assert_eq(cache_control_max_age(NULL), -1);
    cr_assert_eq(cache_control_max_age(""), -1);
    cr_assert_eq(cache_control_max_age("public"), -1);
}

Test(cache_control, max_age_read_among_other_directives)
{
    cr_assert_eq(cache_control_max_age("max-age=300"), 300);
    cr_assert_eq(cache_control_max_age("public, max-age=3600, must-revalidate"), 3600);
    cr_assert_eq(cache_control_max_age("  MAX-AGE = 60 "), 60);
    cr_assert_eq(cache_control_max_age("max-age=\"120\""), 120);
    cr_assert_eq(cache_control_max_age("max-age=0"), 0);
}

Test(cache_control, s_maxage_is_for_shared_caches_and_ignored)
{
    cr_assert_eq(cache_control_max_age("s-maxage=999"), -1);
    cr_assert_eq(cache_control_max_age("s-maxage=999, max-age=10"), 10);
}

Test(cache_control, no_cache_and_no_store_mean_stale)
{
    cr_assert_eq(cache_control_max_age("no-cache"), 0);
    cr_assert_eq(cache_control_max_age("no-store"), 0);
    cr_assert_eq(cache_control_max_age("max-age=3600, no-cache"), 0);
    cr_assert_eq(cache_control_max_age("No-Store, max-age=3600"), 0);
}

Test(cache_control, invalid_or_repeated_max_age_means_stale)
{
    cr_assert_eq(cache_control_max_age("max-age"), 0);
    cr_assert_eq(cache_control_max_age("max-age="), 0);
    cr_assert_eq(cache_control_max_age("max-age=-5"), 0);
    cr_assert_eq(cache_control_max_age("max-age=1e3"), 0);
    cr_assert_eq(cache_control_max_age("max-age=10, max-age=20"), 0);
}

Test(cache_control, a_huge_max_age_does_not_overflow)
{
    cr_assert_eq(cache_control_max_age("max-age=99999999999999999999999999"), LONG_MAX);
}

Test(cache_control, refresh_interval_is_bounded)
{
    cr_assert_eq(cache_control_refresh_after(-1, 60, 3600), 3600);
    cr_assert_eq(cache_control_refresh_after(0, 60, 3600), 60);
    cr_assert_eq(cache_control_refresh_after(5, 60, 3600), 60);
    cr_assert_eq(cache_control_refresh_after(600, 60, 3600), 600);
    cr_assert_eq(cache_control_refresh_after(86400, 60, 3600), 3600);
    cr_assert_eq(cache_control_refresh_after(LONG_MAX, 60, 3600), 3600);
}
