/*
 * Unit tests for service/law/danish_text.c: reference labels written inside a Danish
 * sentence.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "law/danish_text.h"

static void assert_in_sentence(const char *label, const char *want)
{
    char out[64];
    cr_assert_str_eq(danish_in_sentence(label, out, sizeof(out)), want);
}

Test(danish_text, a_label_inside_a_sentence_starts_in_lower_case)
{
    assert_in_sentence("Kontanthjælp", "kontanthjælp");
    assert_in_sentence("Retssikkerhedsloven §§ 66-67", "retssikkerhedsloven §§ 66-67");
    assert_in_sentence("Aktivitetsparat kontanthjælpsmodtager", "aktivitetsparat kontanthjælpsmodtager");
}

Test(danish_text, danish_capitals_are_lowered_too)
{
    assert_in_sentence("Ældre", "ældre");
    assert_in_sentence("Øvrige", "øvrige");
    assert_in_sentence("Årlig opfølgning", "årlig opfølgning");
}

Test(danish_text, what_is_already_lower_case_or_not_a_letter_is_left_alone)
{
    assert_in_sentence("kontanthjælp", "kontanthjælp");
    assert_in_sentence("§ 19", "§ 19");
    assert_in_sentence("", "");
    char out[8];
    cr_assert_str_eq(danish_in_sentence(NULL, out, sizeof(out)), "");
}

Test(danish_text, a_short_buffer_cuts_between_characters)
{
    char out[6];
    /* "Kontanthjælp" would need 14 bytes; "æ" is two bytes and is never split. */
    cr_assert_str_eq(danish_in_sentence("Kæææ", out, sizeof(out)), "kææ");
    cr_assert_eq(strlen(out), 5);
    char tiny[4];
    cr_assert_str_eq(danish_in_sentence("Kæææ", tiny, sizeof(tiny)), "kæ");
}
