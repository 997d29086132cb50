/* Steering settings: processing deadlines with municipal overrides, caseload ranges. */
#include <criterion/criterion.h>

#include "law/settings.h"

Test(settings, deadlines_defaults_and_override)
{
    char out[256];
    const char *spec = "application=42,intervention_request=30,101:application=28";
    cr_assert_eq(settings_deadlines_json(spec, "751", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "{\"application\": 42, \"intervention_request\": 30}");
    cr_assert_eq(settings_deadlines_json(spec, "101", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "{\"application\": 28, \"intervention_request\": 30}");
}

Test(settings, deadlines_per_reference_code_with_their_own_overrides)
{
    char out[512];
    const char *spec = "application=42,application.fleksjob=90,intervention_request=30,"
                       "intervention_request.mentor=14,101:application.fleksjob=60";
    cr_assert_eq(settings_deadlines_json(spec, "751", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "{\"application\": 42, \"application.fleksjob\": 90, \"intervention_request\": 30, "
                          "\"intervention_request.mentor\": 14}");
    cr_assert_eq(settings_deadlines_json(spec, "101", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "{\"application\": 42, \"application.fleksjob\": 60, \"intervention_request\": 30, "
                          "\"intervention_request.mentor\": 14}");
    /* An override of a key with no default stands for that municipality only. */
    cr_assert_eq(settings_deadlines_json("101:application.ressourceforloeb=56", "101", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "{\"application.ressourceforloeb\": 56}");
    cr_assert_eq(settings_deadlines_json("101:application.ressourceforloeb=56", "751", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "{}");
}

Test(settings, deadlines_kind_left_out_is_absent)
{
    char out[256];
    cr_assert_eq(settings_deadlines_json("application=10", "101", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "{\"application\": 10}");
    cr_assert_eq(settings_deadlines_json("", "101", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "{}");
}

Test(settings, deadlines_malformed_refused)
{
    const char *bad[] = {"application", "application=", "application=0", "application=x", "unknown=3",
                         "1010:application=3", "10:application=3", "application=99999", "application=3,,",
                         "application.=3", "application.Fleksjob=3", "application.flex-job=3",
                         "unknown.fleksjob=3", ".fleksjob=3"};
    char out[256];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_expect_eq(settings_deadlines_json(bad[i], "101", out, sizeof(out)), -1, "accepted %s", bad[i]);
        cr_expect_str_eq(out, "{}");
    }
}

Test(settings, caseload_ranges)
{
    char out[256];
    cr_assert_eq(settings_caseload_json("young=35-50,adult=40-55,ressourceforloeb=30-40,job_ready=50-70", out,
                                        sizeof(out)), 0);
    cr_assert_str_eq(out, "{\"young\": {\"min\": 35, \"max\": 50}, \"adult\": {\"min\": 40, \"max\": 55}, "
                          "\"ressourceforloeb\": {\"min\": 30, \"max\": 40}, \"job_ready\": {\"min\": 50, \"max\": 70}}");
}

Test(settings, caseload_needs_every_category_and_order)
{
    char out[256];
    cr_expect_eq(settings_caseload_json("young=35-50,adult=40-55,ressourceforloeb=30-40", out, sizeof(out)), -1);
    cr_expect_eq(settings_caseload_json("young=50-35,adult=40-55,ressourceforloeb=30-40,job_ready=50-70", out,
                                        sizeof(out)), -1);
    cr_expect_eq(settings_caseload_json("young=35,adult=40-55,ressourceforloeb=30-40,job_ready=50-70", out,
                                        sizeof(out)), -1);
    cr_expect_eq(settings_caseload_json("elderly=1-2,young=35-50,adult=40-55,ressourceforloeb=30-40,job_ready=50-70",
                                        out, sizeof(out)), -1);
}
