/*
 * Unit tests for service/letter.c: HTML escaping, Accept negotiation and the elements of
 * the Danish decision letter in both formats. The decision documents are written out by
 * hand, and every expected Danish date was read off a calendar, not computed here.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "law/letter.h"

#define SUBJECT "Fleksjob hos Bager & Søn <ApS>"
#define SUBJECT_HTML "Fleksjob hos Bager &amp; Søn &lt;ApS&gt;"
#define NOTE "Reglerne om \"fleksjob\" gælder fra starten."
#define NOTE_HTML "Reglerne om &quot;fleksjob&quot; gælder fra starten."
#define FACTS "Lægen har vurderet 'arbejdsevnen'.\nDu har været i praktik i 13 uger."
#define FACTS_HTML "Lægen har vurderet &#39;arbejdsevnen&#39;.<br>\nDu har været i praktik i 13 uger."
#define REASONS "Kommunen lægger vægt på, at under 20 timer < fuld tid passer til dig."
#define REASONS_HTML "Kommunen lægger vægt på, at under 20 timer &lt; fuld tid passer til dig."
#define WHERE "Københavns Kommune (Jobcenter København), Gyldenløvesgade 9, 1600 København V"
#define HOW                                                                                                    \
    "Du kan klage skriftligt eller mundtligt. Klagen sendes til kommunen, som har truffet afgørelsen. Kommunen " \
    "vurderer afgørelsen igen inden 4 uger. Giver kommunen dig ikke helt medhold, sender kommunen klagen videre " \
    "til Ankestyrelsen sammen med sin begrundelse."
#define LATE "Hvis du klager for sent, kan Ankestyrelsen i særlige tilfælde alligevel behandle klagen."

static const struct letter_sender copenhagen = {"Københavns Kommune", "Jobcenter København",
                                                "Gyldenløvesgade 9, 1600 København V", "33 66 33 66", "www.kk.dk"};

/* A partly granted fleksjob decision, notified on Thursday 26 November 2026: four weeks on
 * is Juleaftensdag, so the deadline moved to Monday 28 December 2026. The hearing was sent
 * on 30 October with a deadline of 13 November and answered on 10 November. */
static json_t *issued_decision(void)
{
    json_t *d = json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:i}, s:{s:s, s:s, s:i}, s:s, s:b, s:n, s:n, s:n, s:n,"
        " s:s, s:s, s:s, s:[{s:s, s:s, s:i}, {s:s, s:s, s:i}], s:s, s:s, s:s, s:f,"
        " s:{s:s, s:s, s:s, s:s, s:n, s:n}, s:s, s:s, s:s, s:s,"
        " s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}, s:i}",
        "id", "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e", "case_id", "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3",
        "citizen_id", "1b2c3d4e-5f6a-4b7c-9d8e-9fa0b1c2d3e4", "municipality", "101",
        "kind", "code", "fleksjob", "label", "Afgørelse om fleksjob", "reference_id", 6,
        "outcome", "code", "partly_granted", "label", "Delvist bevilget", "reference_id", 11,
        "status", "issued", "in_force", 1, "force_lost", "parent_id", "supersedes_id", "superseded_by_id",
        "subject", SUBJECT, "applied_for", "Fleksjob med 20 timer om ugen", "decided_on", "2026-11-20",
        "legal_basis",
        "code", "lab_kap_13", "label", "Lov om en aktiv beskæftigelsesindsats kapitel 13", "reference_id", 20,
        "code", "las_11", "label", "Lov om aktiv socialpolitik § 11", "reference_id", 14,
        "legal_basis_note", NOTE, "facts", FACTS, "reasons", REASONS, "hours_per_week", 15.5,
        "hearing", "status", "answered", "sent_on", "2026-10-30", "response_deadline", "2026-11-13",
        "answered_on", "2026-11-10", "not_needed_reason", "urgency_reason",
        "notified_on", "2026-11-26", "appeal_deadline", "2026-12-28", "journal_number", "2026-101-000123",
        "addressee", "Anna Jensen",
        "appeal_guidance", "deadline", "2026-12-28", "deadline_text", "28. december 2026", "where", WHERE,
        "how", HOW, "late", LATE, "appeals_body", "Ankestyrelsen", "provision", "Retssikkerhedsloven §§ 66-67",
        "deadline_moved_from", "2026-12-24",
        "version", 2);
    cr_assert_not_null(d, "the test document does not pack");
    return d;
}

static char *render(const json_t *d, enum letter_format f)
{
    size_t len = 0;
    char *text = letter_render(d, &copenhagen, f, &len);
    cr_assert_not_null(text, "no letter was rendered");
    cr_assert_eq(strlen(text), len, "the reported length is not the text's");
    return text;
}

static void assert_has(const char *letter, const char *needle)
{
    cr_assert(strstr(letter, needle), "the letter lacks \"%s\":\n%s", needle, letter);
}

static void assert_lacks(const char *letter, const char *needle)
{
    cr_assert(!strstr(letter, needle), "the letter has \"%s\":\n%s", needle, letter);
}

/* What both formats must say, with values already in the format's form. */
static void assert_every_element(const char *l, const char *subject, const char *note, const char *facts,
                                 const char *reasons)
{
    /* the municipality and the date */
    assert_has(l, "Københavns Kommune");
    assert_has(l, "Jobcenter København");
    assert_has(l, "Gyldenløvesgade 9, 1600 København V");
    assert_has(l, "26. november 2026");
    /* the decision */
    assert_has(l, "Afgørelse");
    assert_has(l, subject);
    assert_has(l, "Afgørelse om fleksjob");
    assert_has(l, "Delvist bevilget");
    assert_has(l, "15,5");
    assert_has(l, "20. november 2026");
    /* legal basis, facts, reasons */
    assert_has(l, "Retsgrundlag");
    assert_has(l, "Lov om en aktiv beskæftigelsesindsats kapitel 13");
    assert_has(l, "Lov om aktiv socialpolitik § 11");
    assert_has(l, note);
    assert_has(l, "Oplysninger i sagen");
    assert_has(l, facts);
    assert_has(l, "Begrundelse");
    assert_has(l, reasons);
    /* the hearing */
    assert_has(l, "Partshøring");
    assert_has(l, "30. oktober 2026");
    assert_has(l, "13. november 2026");
    assert_has(l, "10. november 2026");
    /* the appeal guidance */
    assert_has(l, "Klagevejledning");
    assert_has(l, "28. december 2026");
    assert_has(l, "24. december 2026");
    assert_has(l, WHERE);
    assert_has(l, HOW);
    assert_has(l, "inden 4 uger");
    assert_has(l, "videre til Ankestyrelsen");
    assert_has(l, LATE);
    assert_has(l, "retssikkerhedsloven §§ 66-67");
    /* to whom, the numbers to quote, how to reach the jobcenter, the sign-off */
    assert_has(l, "Anna Jensen");
    assert_has(l, "2026-101-000123");
    assert_has(l, "33 66 33 66");
    assert_has(l, "Med venlig hilsen");
}

/* ---- escaping ---- */

Test(letter, escape_replaces_all_five_html_special_characters)
{
    char *e = letter_html_escape("a & b < c > d \" e ' f");
    cr_assert_str_eq(e, "a &amp; b &lt; c &gt; d &quot; e &#39; f");
    free(e);
}

Test(letter, escape_leaves_danish_letters_and_plain_text_alone)
{
    char *e = letter_html_escape("Ærø, Øster Åby: 5 æbler");
    cr_assert_str_eq(e, "Ærø, Øster Åby: 5 æbler");
    free(e);
}

Test(letter, escape_does_not_double_escape_an_entity_sent_as_text)
{
    char *e = letter_html_escape("&amp;&lt;");
    cr_assert_str_eq(e, "&amp;amp;&amp;lt;");
    free(e);
}

Test(letter, escape_of_the_empty_string_is_empty)
{
    char *e = letter_html_escape("");
    cr_assert_str_eq(e, "");
    free(e);
}

/* ---- Accept negotiation ---- */

struct accept_case {
    const char *accept;
    enum letter_format want;
};

static void assert_negotiates(const struct accept_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cr_expect_eq(letter_negotiate(cases[i].accept), cases[i].want, "Accept: %s",
                     cases[i].accept ? cases[i].accept : "(absent)");
}

Test(letter, missing_or_empty_accept_gives_text_plain)
{
    static const struct accept_case cases[] = {{NULL, LETTER_TEXT}, {"", LETTER_TEXT}, {"  \t ", LETTER_TEXT}};
    assert_negotiates(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(letter, wildcards_give_text_plain)
{
    static const struct accept_case cases[] = {
        {"*/*", LETTER_TEXT}, {"text/*", LETTER_TEXT}, {"image/png, */*;q=0.5", LETTER_TEXT}};
    assert_negotiates(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(letter, exact_types_are_chosen_case_insensitively)
{
    static const struct accept_case cases[] = {{"text/plain", LETTER_TEXT},
                                               {"text/html", LETTER_HTML},
                                               {"TEXT/HTML", LETTER_HTML},
                                               {"Text/Plain; charset=utf-8", LETTER_TEXT}};
    assert_negotiates(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(letter, higher_q_value_wins)
{
    static const struct accept_case cases[] = {
        {"text/html;q=0.5, text/plain;q=0.4", LETTER_HTML},
        {"text/html;q=0.4, text/plain;q=0.5", LETTER_TEXT},
        {"text/plain;q=0.001, text/html;q=0.002", LETTER_HTML},
        {"text/html ; q=0.8 , text/plain ; Q=0.7", LETTER_HTML},
        {"text/html;charset=utf-8;q=0.9, text/plain;q=0.8", LETTER_HTML},
        {"text/html;q=1.000, text/plain;q=0.999", LETTER_HTML},
        {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", LETTER_HTML}};
    assert_negotiates(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(letter, most_specific_range_decides_a_types_q)
{
    static const struct accept_case cases[] = {{"text/plain;q=0, */*", LETTER_HTML},
                                               {"text/html;q=0, text/*;q=0.3", LETTER_TEXT},
                                               {"*/*;q=0.1, text/html;q=0", LETTER_TEXT},
                                               {"text/*;q=0.2, text/html;q=0.9", LETTER_HTML}};
    assert_negotiates(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(letter, equal_q_values_prefer_text_plain)
{
    static const struct accept_case cases[] = {{"text/html, text/plain", LETTER_TEXT},
                                               {"text/html;q=0.5, text/plain;q=0.5", LETTER_TEXT}};
    assert_negotiates(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(letter, nothing_acceptable_is_the_406_choice)
{
    static const struct accept_case cases[] = {{"application/json", LETTER_UNACCEPTABLE},
                                               {"application/pdf, image/*", LETTER_UNACCEPTABLE},
                                               {"*/*;q=0", LETTER_UNACCEPTABLE},
                                               {"text/*;q=0, application/json", LETTER_UNACCEPTABLE},
                                               {"text/html;q=0, text/plain;q=0.000", LETTER_UNACCEPTABLE}};
    assert_negotiates(cases, sizeof(cases) / sizeof(cases[0]));
    cr_assert_null(letter_media_type(LETTER_UNACCEPTABLE));
}

Test(letter, ranges_that_do_not_parse_are_ignored)
{
    static const struct accept_case cases[] = {{"text/html;q=2", LETTER_TEXT},
                                               {"text/html;q=0.5x, application/json", LETTER_UNACCEPTABLE},
                                               {"garbage, text/html", LETTER_HTML},
                                               {"text/, /html, text/html;q=0.3", LETTER_HTML}};
    assert_negotiates(cases, sizeof(cases) / sizeof(cases[0]));
}

Test(letter, media_types_name_utf8)
{
    cr_assert_str_eq(letter_media_type(LETTER_TEXT), "text/plain; charset=utf-8");
    cr_assert_str_eq(letter_media_type(LETTER_HTML), "text/html; charset=utf-8");
}

/* ---- the letter ---- */

Test(letter, text_letter_has_every_required_element)
{
    json_t *d = issued_decision();
    char *l = render(d, LETTER_TEXT);
    assert_every_element(l, SUBJECT, NOTE, FACTS, REASONS);
    assert_lacks(l, "<p>");
    free(l);
    json_decref(d);
}

Test(letter, html_letter_has_every_required_element_escaped)
{
    json_t *d = issued_decision();
    char *l = render(d, LETTER_HTML);
    assert_every_element(l, SUBJECT_HTML, NOTE_HTML, FACTS_HTML, REASONS_HTML);
    free(l);
    json_decref(d);
}

Test(letter, html_letter_is_a_complete_utf8_document)
{
    json_t *d = issued_decision();
    char *l = render(d, LETTER_HTML);
    cr_assert(strncmp(l, "<!DOCTYPE html>\n<html lang=\"da\">", 32) == 0, "starts: %.40s", l);
    assert_has(l, "<meta charset=\"utf-8\">");
    assert_has(l, "<title>Afgørelse: " SUBJECT_HTML "</title>");
    assert_has(l, "<body>");
    size_t n = strlen(l);
    cr_assert(n > 8 && strcmp(l + n - 8, "</html>\n") == 0, "ends: %s", l + (n > 20 ? n - 20 : 0));
    free(l);
    json_decref(d);
}

Test(letter, html_letter_never_shows_a_value_unescaped)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "subject", json_string("<script>alert('x')</script>"));
    json_object_set_new(d, "reasons", json_string("\"><img src=x onerror=alert(1)>"));
    json_object_set_new(json_object_get(d, "appeal_guidance"), "where", json_string("Rådhuset <b>&</b>"));
    char *l = render(d, LETTER_HTML);
    assert_lacks(l, "<script>");
    assert_lacks(l, "<img");
    assert_lacks(l, "<b>");
    assert_has(l, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    assert_has(l, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    assert_has(l, "Rådhuset &lt;b&gt;&amp;&lt;/b&gt;");
    free(l);
    json_decref(d);
}

Test(letter, text_letter_shows_values_verbatim)
{
    json_t *d = issued_decision();
    char *l = render(d, LETTER_TEXT);
    assert_has(l, SUBJECT);
    assert_lacks(l, "&amp;");
    assert_lacks(l, "&lt;");
    free(l);
    json_decref(d);
}

Test(letter, citizens_line_breaks_survive_in_both_formats)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "facts", json_string("Første linje\r\nAnden linje\rTredje linje"));
    char *text = render(d, LETTER_TEXT);
    char *html = render(d, LETTER_HTML);
    assert_has(text, "Første linje\nAnden linje\nTredje linje");
    assert_has(html, "Første linje<br>\nAnden linje<br>\nTredje linje");
    free(text);
    free(html);
    json_decref(d);
}

Test(letter, dates_are_written_the_danish_way)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "decided_on", json_string("2027-01-01"));
    json_object_set_new(d, "notified_on", json_string("2027-02-03"));
    json_object_set_new(d, "appeal_deadline", json_string("2027-03-03"));
    json_object_set_new(json_object_get(d, "appeal_guidance"), "deadline_moved_from", json_null());
    char *l = render(d, LETTER_TEXT);
    assert_has(l, "Dato: 3. februar 2027");
    assert_has(l, "1. januar 2027");
    assert_has(l, "senest den 3. marts 2027");
    assert_lacks(l, "2027-");
    assert_lacks(l, "rykket");
    free(l);
    json_decref(d);
}

Test(letter, moved_deadline_says_from_which_day)
{
    json_t *d = issued_decision();
    char *l = render(d, LETTER_TEXT);
    assert_has(l, "senest den 28. december 2026");
    assert_has(l, "Fire uger efter den dag, du fik besked om afgørelsen, er den 24. december 2026");
    assert_lacks(l, "efter afgørelsen er den");
    assert_has(l, "rykket til den første hverdag");
    free(l);
    json_decref(d);
}

Test(letter, whole_hours_have_no_decimal_comma)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "hours_per_week", json_real(37.0));
    char *l = render(d, LETTER_TEXT);
    assert_has(l, "Timer om ugen: 37\n");
    free(l);
    json_decref(d);
}

Test(letter, no_hours_line_without_hours)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "hours_per_week", json_null());
    char *l = render(d, LETTER_TEXT);
    assert_lacks(l, "Timer om ugen");
    free(l);
    json_decref(d);
}

Test(letter, hearing_not_needed_gives_the_reason)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "hearing", json_pack("{s:s, s:n, s:n, s:n, s:s}", "status", "not_needed", "sent_on",
                                                "response_deadline", "answered_on", "not_needed_reason",
                                                "Afgørelsen bygger alene på dine egne oplysninger."));
    char *l = render(d, LETTER_TEXT);
    assert_has(l, "ikke var nødvendigt at høre dig");
    assert_has(l, "Afgørelsen bygger alene på dine egne oplysninger.");
    free(l);
    json_decref(d);
}

Test(letter, unanswered_hearing_says_no_answer_came_in_time)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "hearing", json_pack("{s:s, s:s, s:s, s:n, s:n}", "status", "sent", "sent_on",
                                                "2026-10-30", "response_deadline", "2026-11-13", "answered_on",
                                                "not_needed_reason"));
    char *l = render(d, LETTER_TEXT);
    assert_has(l, "30. oktober 2026");
    assert_has(l, "senest den 13. november 2026");
    assert_has(l, "modtog ikke bemærkninger fra dig inden fristen");
    free(l);
    json_decref(d);
}

Test(letter, granted_without_reasons_says_why_none_are_given)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "outcome", json_pack("{s:s, s:s, s:i}", "code", "granted", "label", "Bevilget",
                                                "reference_id", 10));
    json_object_set_new(d, "facts", json_null());
    json_object_set_new(d, "reasons", json_null());
    char *l = render(d, LETTER_TEXT);
    assert_has(l, "Bevilget");
    assert_has(l, "fuldt ud medhold");
    assert_has(l, "forvaltningslovens § 22");
    free(l);
    json_decref(d);
}

Test(letter, superseded_decision_says_so_before_anything_else)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "status", json_string("superseded"));
    json_object_set_new(d, "in_force", json_false());
    json_object_set_new(d, "superseded_by_id", json_string("7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"));
    char *l = render(d, LETTER_HTML);
    const char *notice = strstr(l, "erstattet af en ny afgørelse");
    const char *sender = strstr(l, "Københavns Kommune");
    cr_assert(notice && sender && notice < sender, "the notice is not at the top:\n%s", l);
    assert_has(l, "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d");
    assert_has(l, "class=\"notice\"");
    free(l);
    json_decref(d);
}

Test(letter, remitted_decision_says_it_lost_force_and_when)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "in_force", json_false());
    json_object_set_new(d, "force_lost", json_pack("{s:s, s:s}", "on", "2027-03-02", "reason", "remitted"));
    char *l = render(d, LETTER_TEXT);
    const char *notice = strstr(l, "hjemvist");
    const char *sender = strstr(l, "Københavns Kommune");
    cr_assert(notice && sender && notice < sender, "the notice is not at the top:\n%s", l);
    assert_has(l, "2. marts 2027");
    assert_has(l, "ikke længere virkning");
    free(l);
    json_decref(d);
}

Test(letter, decision_in_force_has_no_notice)
{
    json_t *d = issued_decision();
    char *l = render(d, LETTER_TEXT);
    assert_lacks(l, "Bemærk");
    free(l);
    json_decref(d);
}

Test(letter, unknown_municipality_is_named_by_its_number)
{
    json_t *d = issued_decision();
    const struct letter_sender none = {NULL, NULL, NULL, NULL, NULL};
    size_t len;
    char *l = letter_render(d, &none, LETTER_TEXT, &len);
    cr_assert_not_null(l);
    assert_has(l, "Kommunen (kommunenummer 101)");
    free(l);
    json_decref(d);
}

Test(letter, draft_or_unacceptable_format_renders_nothing)
{
    json_t *d = issued_decision();
    size_t len = 0;
    cr_assert_null(letter_render(d, &copenhagen, LETTER_UNACCEPTABLE, &len));
    json_object_set_new(d, "notified_on", json_null());
    json_object_set_new(d, "appeal_deadline", json_null());
    json_object_set_new(d, "appeal_guidance", json_null());
    cr_assert_null(letter_render(d, &copenhagen, LETTER_TEXT, &len));
    cr_assert_null(letter_render(NULL, &copenhagen, LETTER_TEXT, &len));
    json_decref(d);
}

/* ---- read as a Danish citizen would (issue 10) ---- */

Test(letter, a_decision_that_needed_no_hearing_says_nothing_about_one)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "outcome", json_pack("{s:s, s:s, s:i}", "code", "granted", "label", "Bevilget",
                                                "reference_id", 10));
    json_object_set_new(d, "hearing", json_pack("{s:s, s:n, s:n, s:n, s:n, s:n}", "status", "none", "sent_on",
                                                "response_deadline", "answered_on", "not_needed_reason",
                                                "urgency_reason"));
    for (int f = LETTER_TEXT; f <= LETTER_HTML; f++) {
        char *l = render(d, (enum letter_format)f);
        assert_lacks(l, "Partshøring");
        assert_lacks(l, "hørt");
        assert_lacks(l, "§ 19");
        free(l);
    }
    json_decref(d);
}

/* Occurrences of needle in haystack. */
static size_t count(const char *haystack, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(haystack, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

Test(letter, the_reconsideration_is_described_once)
{
    json_t *d = issued_decision();
    char *l = render(d, LETTER_TEXT);
    cr_assert_eq(count(l, "videre til Ankestyrelsen"), 1, "%s", l);
    cr_assert_eq(count(l, "inden 4 uger"), 1, "%s", l);
    free(l);
    /* Guidance without its own words gets the letter's, once. */
    json_object_del(json_object_get(d, "appeal_guidance"), "how");
    l = render(d, LETTER_TEXT);
    cr_assert_eq(count(l, "videre til Ankestyrelsen"), 1, "%s", l);
    assert_has(l, "genvurdering");
    free(l);
    json_decref(d);
}

Test(letter, a_law_named_inside_a_sentence_is_in_lower_case)
{
    json_t *d = issued_decision();
    char *l = render(d, LETTER_TEXT);
    assert_has(l, "Reglerne om klage står i retssikkerhedsloven §§ 66-67.");
    assert_lacks(l, "Retssikkerhedsloven");
    free(l);
    json_decref(d);
}

Test(letter, a_letter_is_addressed_numbered_and_signed_in_both_formats)
{
    json_t *d = issued_decision();
    char *text = render(d, LETTER_TEXT);
    assert_has(text, "Til\nAnna Jensen\n");
    assert_has(text, "Journalnummer: 2026-101-000123\n");
    assert_has(text, "Afgørelsens id: 6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e\n");
    assert_has(text, "Telefon 33 66 33 66\nwww.kk.dk\n");
    assert_has(text, "ringe til Jobcenter København på telefon 33 66 33 66");
    assert_has(text, "Oplys journalnummer 2026-101-000123");
    assert_has(text, "Med venlig hilsen\nJobcenter København\nKøbenhavns Kommune\n");
    /* The sign-off ends the letter: nothing comes after the sender's name. */
    const char *end = strstr(text, "Med venlig hilsen\nJobcenter København\nKøbenhavns Kommune\n");
    cr_assert(end && strspn(end + strlen("Med venlig hilsen\nJobcenter København\nKøbenhavns Kommune\n"), "\n") ==
                         strlen(end + strlen("Med venlig hilsen\nJobcenter København\nKøbenhavns Kommune\n")),
              "the sign-off is not the end:\n%s", text);
    /* The addressee comes after the sender and before the decision. */
    const char *to = strstr(text, "Anna Jensen"), *heading = strstr(text, "Afgørelse\n=");
    cr_assert(to && heading && strstr(text, "Gyldenløvesgade") < to && to < heading, "%s", text);
    char *html = render(d, LETTER_HTML);
    assert_has(html, "<address class=\"addressee\">Til<br>\nAnna Jensen</address>");
    assert_has(html, "<strong>Journalnummer:</strong> 2026-101-000123");
    assert_has(html, "<p class=\"sign-off\">Med venlig hilsen<br>\nJobcenter København<br>\nKøbenhavns Kommune</p>");
    free(text);
    free(html);
    json_decref(d);
}

Test(letter, a_citizen_registered_without_a_name_is_still_the_addressee)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "addressee", json_null());
    json_object_set_new(d, "journal_number", json_null());
    char *l = render(d, LETTER_TEXT);
    assert_has(l, "Til\nDig, som afgørelsen handler om\n");
    assert_lacks(l, "Journalnummer");
    free(l);
    json_decref(d);
}

Test(letter, a_shortened_answer_period_says_why)
{
    json_t *d = issued_decision();
    json_object_set_new(d, "hearing", json_pack("{s:s, s:s, s:s, s:s, s:n, s:s}", "status", "answered", "sent_on",
                                                "2026-11-18", "response_deadline", "2026-11-20", "answered_on",
                                                "2026-11-19", "not_needed_reason", "urgency_reason",
                                                "Huslejen skal betales 1. december."));
    char *l = render(d, LETTER_TEXT);
    assert_has(l, "Fristen for at svare var kortere end normalt, fordi sagen hastede: Huslejen skal betales "
                  "1. december.");
    free(l);
    json_decref(d);
}

Test(letter, without_contact_details_the_citizen_is_told_to_write)
{
    json_t *d = issued_decision();
    const struct letter_sender bare = {"Københavns Kommune", NULL, NULL, NULL, NULL};
    size_t len;
    char *l = letter_render(d, &bare, LETTER_TEXT, &len);
    cr_assert_not_null(l);
    assert_has(l, "skrive til jobcentret med Digital Post på borger.dk");
    assert_has(l, "Med venlig hilsen\nKøbenhavns Kommune\n");
    assert_lacks(l, "Telefon");
    free(l);
    json_decref(d);
}
