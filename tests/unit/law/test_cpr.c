/*
 * Unit tests for service/cpr.c: syntax, century rule, calendar dates and
 * masking. Expected values are worked out by hand from the CPR rules and a
 * calendar, not computed with the code under test.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "law/cpr.h"

static void expect_normalised(const char *in, const char *want)
{
    char out[11];

    cr_assert_eq(cpr_normalise(in, out), 0, "normalise(\"%s\") should succeed", in);
    cr_assert_str_eq(out, want);
}

static void expect_not_normalised(const char *in)
{
    char out[11];

    memset(out, 'Z', sizeof out);
    cr_assert_eq(cpr_normalise(in, out), -1, "normalise(\"%s\") should fail", in);
    cr_assert_eq(out[0], '\0', "failed normalise(\"%s\") must leave out empty", in);
}

static void expect_date(const char *cpr10, int y, int m, int d)
{
    int year = 0, month = 0, day = 0;

    cr_assert_eq(cpr_birth_date(cpr10, &year, &month, &day), 0,
                 "%s should have a birth date", cpr10);
    cr_assert_eq(year, y, "%s: year %d, want %d", cpr10, year, y);
    cr_assert_eq(month, m, "%s: month %d, want %d", cpr10, month, m);
    cr_assert_eq(day, d, "%s: day %d, want %d", cpr10, day, d);
}

static void expect_no_date(const char *cpr10)
{
    int year = -7, month = -7, day = -7;

    cr_assert_eq(cpr_birth_date(cpr10, &year, &month, &day), -1,
                 "%s should have no valid birth date", cpr10);
    cr_assert(year == -7 && month == -7 && day == -7,
              "%s: outputs must be untouched on failure", cpr10);
}

/* Weighted sum with weights 4,3,2,7,6,5,4,3,2,1: the old modulus-11 control. */
static int mod11_remainder(const char *cpr10)
{
    static const int w[10] = {4, 3, 2, 7, 6, 5, 4, 3, 2, 1};
    int sum = 0;
    int i;

    for (i = 0; i < 10; i++) {
        sum += (cpr10[i] - '0') * w[i];
    }
    return sum % 11;
}

Test(cpr, normalise_accepts_ten_digits)
{
    expect_normalised("0101901234", "0101901234");
}

Test(cpr, normalise_accepts_six_digits_dash_four_digits)
{
    expect_normalised("010190-1234", "0101901234");
}

Test(cpr, normalise_rejects_eleven_digits)
{
    expect_not_normalised("01019012345");
}

Test(cpr, normalise_rejects_nine_digits)
{
    expect_not_normalised("010190123");
}

Test(cpr, normalise_rejects_space_instead_of_dash)
{
    expect_not_normalised("010190 1234");
}

Test(cpr, normalise_rejects_letter_o_for_zero)
{
    expect_not_normalised("01019O1234");
}

Test(cpr, normalise_rejects_leading_space)
{
    expect_not_normalised(" 0101901234");
}

Test(cpr, normalise_rejects_trailing_space_or_newline)
{
    expect_not_normalised("0101901234 ");
    expect_not_normalised("0101901234\n");
    expect_not_normalised("010190-1234 ");
}

Test(cpr, normalise_rejects_empty_string)
{
    expect_not_normalised("");
}

Test(cpr, normalise_rejects_double_dash)
{
    expect_not_normalised("010190--234");
}

Test(cpr, normalise_rejects_dash_in_wrong_place)
{
    expect_not_normalised("01019-01234");
    expect_not_normalised("0101901-234");
}

Test(cpr, normalise_rejects_non_ascii_digits)
{
    /* U+0661 ARABIC-INDIC DIGIT ONE in UTF-8, in place of the last digit. */
    expect_not_normalised("010190123\xd9\xa1");
}

Test(cpr, normalise_rejects_null)
{
    expect_not_normalised(NULL);
}

Test(cpr, seventh_digit_0_is_always_1900s)
{
    expect_date("0101000000", 1900, 1, 1);
    expect_date("3112990999", 1999, 12, 31);
}

Test(cpr, seventh_digit_1_is_always_1900s)
{
    expect_date("1506001234", 1900, 6, 15);
    expect_date("1506361234", 1936, 6, 15);
    expect_date("1506991234", 1999, 6, 15);
}

Test(cpr, seventh_digit_2_is_always_1900s)
{
    expect_date("0203002000", 1900, 3, 2);
    expect_date("0203572999", 1957, 3, 2);
    expect_date("0203992500", 1999, 3, 2);
}

Test(cpr, seventh_digit_3_is_always_1900s)
{
    expect_date("0304003000", 1900, 4, 3);
    expect_date("0304583999", 1958, 4, 3);
    expect_date("0304993500", 1999, 4, 3);
}

Test(cpr, seventh_digit_4_years_00_to_36_are_2000s_37_to_99_are_1900s)
{
    expect_date("0101004000", 2000, 1, 1);
    expect_date("0101364123", 2036, 1, 1);
    expect_date("0101374123", 1937, 1, 1);
    expect_date("0101994999", 1999, 1, 1);
}

Test(cpr, seventh_digit_5_years_00_to_57_are_2000s_58_to_99_are_1800s)
{
    expect_date("0505005000", 2000, 5, 5);
    expect_date("0505575123", 2057, 5, 5);
    expect_date("0505585123", 1858, 5, 5);
    expect_date("0505995999", 1899, 5, 5);
}

Test(cpr, seventh_digit_6_years_00_to_57_are_2000s_58_to_99_are_1800s)
{
    expect_date("0606006000", 2000, 6, 6);
    expect_date("0606576123", 2057, 6, 6);
    expect_date("0606586123", 1858, 6, 6);
    expect_date("0606996999", 1899, 6, 6);
}

Test(cpr, seventh_digit_7_years_00_to_57_are_2000s_58_to_99_are_1800s)
{
    expect_date("0707007000", 2000, 7, 7);
    expect_date("0707577123", 2057, 7, 7);
    expect_date("0707587123", 1858, 7, 7);
    expect_date("0707997999", 1899, 7, 7);
}

Test(cpr, seventh_digit_8_years_00_to_57_are_2000s_58_to_99_are_1800s)
{
    expect_date("0808008000", 2000, 8, 8);
    expect_date("0808578123", 2057, 8, 8);
    expect_date("0808588123", 1858, 8, 8);
    expect_date("0808998999", 1899, 8, 8);
}

Test(cpr, seventh_digit_9_years_00_to_36_are_2000s_37_to_99_are_1900s)
{
    expect_date("0909009000", 2000, 9, 9);
    expect_date("0909369123", 2036, 9, 9);
    expect_date("0909379123", 1937, 9, 9);
    expect_date("0909999999", 1999, 9, 9);
}

Test(cpr, feb_29_valid_in_2000_a_400_year_leap_year)
{
    expect_date("2902004123", 2000, 2, 29);
}

Test(cpr, feb_29_invalid_in_1900_a_century_non_leap_year)
{
    expect_no_date("2902001123");
}

Test(cpr, feb_29_same_digits_depend_on_century)
{
    /* 290158: 7th digit 5 → 1858 (not leap); 7th digit 4 → 1958 (not leap). */
    expect_no_date("2902585123");
    /* 290156: 7th digit 5 → 2056 (leap); 7th digit 1 → 1956 (leap). */
    expect_date("2902565123", 2056, 2, 29);
    expect_date("2902561123", 1956, 2, 29);
}

Test(cpr, feb_29_valid_in_ordinary_leap_year_invalid_otherwise)
{
    expect_date("2902961234", 1996, 2, 29);
    expect_no_date("2902971234");
    expect_date("2802971234", 1997, 2, 28);
}

Test(cpr, feb_30_always_invalid)
{
    expect_no_date("3002004123");
}

Test(cpr, day_31_invalid_in_30_day_months)
{
    expect_no_date("3104901234");
    expect_no_date("3106901234");
    expect_no_date("3109901234");
    expect_no_date("3111901234");
    expect_date("3004901234", 1990, 4, 30);
}

Test(cpr, day_31_valid_in_31_day_months)
{
    expect_date("3101901234", 1990, 1, 31);
    expect_date("3107901234", 1990, 7, 31);
    expect_date("3108901234", 1990, 8, 31);
    expect_date("3112901234", 1990, 12, 31);
}

Test(cpr, month_00_and_13_invalid)
{
    expect_no_date("0100901234");
    expect_no_date("0113901234");
}

Test(cpr, day_00_and_32_invalid)
{
    expect_no_date("0001901234");
    expect_no_date("3201901234");
}

Test(cpr, birth_date_rejects_non_normalised_input)
{
    expect_no_date("010190-1234");
    expect_no_date("010190123");
    expect_no_date("");
}

Test(cpr, validate_accepts_number_failing_modulus_11)
{
    char out[11];

    /* 0*4+1*3+0*2+1*7+9*6+0*5+1*4+2*3+3*2+4*1 = 84, 84 mod 11 = 7. */
    cr_assert_eq(mod11_remainder("0101901234"), 7);
    cr_assert_eq(cpr_validate("0101901234", out), 0);
    cr_assert_str_eq(out, "0101901234");
}

Test(cpr, validate_accepts_number_passing_modulus_11)
{
    char out[11];

    /* Same as above with last digit 8: sum 88, 88 mod 11 = 0. */
    cr_assert_eq(mod11_remainder("0101901238"), 0);
    cr_assert_eq(cpr_validate("010190-1238", out), 0);
    cr_assert_str_eq(out, "0101901238");
}

Test(cpr, validate_rejects_bad_syntax_and_leaves_out_empty)
{
    char out[11];

    memset(out, 'Z', sizeof out);
    cr_assert_eq(cpr_validate("010190 1234", out), -1);
    cr_assert_eq(out[0], '\0');
}

Test(cpr, validate_rejects_impossible_date_and_leaves_out_empty)
{
    char out[11];

    memset(out, 'Z', sizeof out);
    cr_assert_eq(cpr_validate("310490-1234", out), -1);
    cr_assert_eq(out[0], '\0');
}

Test(cpr, mask_keeps_birth_date_and_hides_sequence)
{
    char out[12];

    cpr_mask("0101901234", out);
    cr_assert_str_eq(out, "010190-XXXX");
}

Test(cpr, mask_hides_everything_when_input_is_not_digits)
{
    char out[12];
    const char empty[11] = "";

    cpr_mask("01a1901234", out);
    cr_assert_str_eq(out, "XXXXXX-XXXX");
    cpr_mask(empty, out);
    cr_assert_str_eq(out, "XXXXXX-XXXX");
}
