/* The decision letter over HTTP: text/plain or text/html chosen by Accept (406 when
 * neither is acceptable), the elements forvaltningsloven requires (legal basis, facts,
 * reasons, hearing) and the appeal guidance (deadline in Danish, where and how to
 * appeal), HTML escaping of every value, and who may read it. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixtures.h"

#define SUBJECT "Klage <script>alert(\"x\")</script> & 'ydelse'"
#define FACTS "Du har oplyst, at din ryg gør ondt.\nLægeattest af 2. december 2025."
#define REASONS "Kommunen lægger vægt på, at arbejdsevnen er nedsat.\nTimetallet svarer til lægens vurdering."
#define NOTE "Fleksjob efter reglerne før reformen."
#define HEARING_REASON "Afgørelsen bygger alene på dine egne oplysninger."

struct letter_world {
    struct fx_actor cw;
    char cpr[11];
    char citizen[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
    char id[FX_UUID_LEN];
};

/* A partly granted fleksjob decision in Copenhagen, issued on 28 December 2025
 * (appeal deadline Monday 26 January 2026: the 25th is a Sunday). */
static void letter_world_open(struct letter_world *w)
{
    fx_staff(&w->cw, "caseworker", FX_MUNICIPALITY);
    fx_new_case(&w->cw, w->cpr, w->citizen, w->case_id);
    json_t *body = fx_decision_body(w->case_id, "fleksjob", "partly_granted");
    json_object_set_new(body, "subject", json_string(SUBJECT));
    json_object_set_new(body, "facts", json_string(FACTS));
    json_object_set_new(body, "reasons", json_string(REASONS));
    json_object_set_new(body, "legal_basis_note", json_string(NOTE));
    json_object_set_new(body, "legal_basis", json_pack("[s, s]", "las_11", "lab_kap_13"));
    json_object_set_new(body, "decided_on", json_string("2025-12-22"));
    json_object_set_new(body, "applied_on", json_string("2025-11-03"));
    json_object_set_new(body, "hearing", json_pack("{s:s, s:s}", "status", "not_needed", "not_needed_reason",
                                                   HEARING_REASON));
    fx_create_decision(&w->cw, body, w->id);
    json_decref(fx_issue_decision(&w->cw, w->id, "2025-12-28"));
}

static void letter_world_close(struct letter_world *w)
{
    fx_actor_free(&w->cw);
}

/* GET the letter of id as a with Accept accept (NULL: no Accept header). */
static int get_letter(const struct fx_actor *a, const char *id, const char *accept, struct http_response *out)
{
    char path[160];
    snprintf(path, sizeof(path), "/v1/decisions/%s/letter", id);
    const struct http_header h[] = {{"Accept", accept}};
    return fx_call("GET", path, a, NULL, h, accept ? 1 : 0, out);
}

/* Fails unless r is a 200 letter of media type media (text/plain or text/html) in UTF-8
 * that no cache may keep. */
static void assert_letter(const struct http_response *r, const char *media)
{
    fx_assert_status(r, 200);
    const char *ct = http_response_header(r, "Content-Type");
    size_t n = strlen(media);
    cr_assert(ct && strncasecmp(ct, media, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '),
              "Content-Type %s, want %s", ct ? ct : "(none)", media);
    cr_assert(strcasestr(ct, "charset=utf-8"), "Content-Type %s names no UTF-8 charset", ct);
    const char *cc = http_response_header(r, "Cache-Control");
    cr_assert(cc && strcasestr(cc, "no-store"), "Cache-Control %s, want no-store", cc ? cc : "(none)");
    cr_assert_eq(strlen(r->body), r->body_len, "the letter holds a NUL byte");
}

static void assert_contains(const struct http_response *r, const char *text, const char *what)
{
    cr_assert(strstr(r->body, text), "the letter lacks %s (%s):\n%s", what, text, r->body);
}

/* Fails unless the body contains at least one of the variants. */
static void assert_contains_any(const struct http_response *r, const char *const *variants, size_t n,
                                const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (strstr(r->body, variants[i]))
            return;
    cr_assert_fail("the letter lacks %s (e.g. %s):\n%s", what, variants[0], r->body);
}

/* The elements every letter has, in either media type (lines of facts and reasons are
 * checked one by one: HTML may break them with <br>). */
static void assert_elements(const struct http_response *r)
{
    assert_contains(r, "Københavns Kommune", "the municipality");
    assert_contains(r, "Jobcenter København", "the office");
    assert_contains(r, "Gyldenløvesgade 9, 1600 København V", "the address");
    assert_contains(r, "28. december 2025", "the date of notification in Danish");
    assert_contains(r, "Afgørelse", "the heading");
    assert_contains(r, "Afgørelse om fleksjob", "the kind of decision");
    assert_contains(r, "Delvist bevilget", "the outcome");
    assert_contains(r, "Vi modtog din ansøgning", "when the application was received");
    assert_contains(r, "3. november 2025", "the day the application was received, in Danish");
    static const char *const hours[] = {"15,5", "15.5"};
    assert_contains_any(r, hours, 2, "the hours per week of the fleksjob");
    assert_contains(r, "Retsgrundlag", "the legal basis heading");
    assert_contains(r, "Lov om aktiv socialpolitik § 11", "the first provision");
    assert_contains(r, "Lov om en aktiv beskæftigelsesindsats kapitel 13", "the second provision");
    assert_contains(r, NOTE, "the note on the legal basis");
    assert_contains(r, "Oplysninger i sagen", "the facts heading");
    assert_contains(r, "Du har oplyst, at din ryg gør ondt.", "the facts");
    assert_contains(r, "Lægeattest af 2. december 2025.", "the second line of the facts");
    assert_contains(r, "Begrundelse", "the reasons heading");
    assert_contains(r, "Kommunen lægger vægt på, at arbejdsevnen er nedsat.", "the reasons");
    assert_contains(r, "Timetallet svarer til lægens vurdering.", "the second line of the reasons");
    assert_contains(r, "Partshøring", "the hearing heading");
    assert_contains(r, HEARING_REASON, "why no hearing was needed");
    assert_contains(r, "Klagevejledning", "the appeal guidance heading");
    assert_contains(r, "26. januar 2026", "the appeal deadline in Danish");
    assert_contains(r, "Ankestyrelsen", "the appeals body");
    assert_contains(r, "skriftligt eller mundtligt", "how to appeal");
    assert_contains(r, "4 uger", "that the municipality reconsiders within 4 weeks");
    assert_contains(r, "for sent", "what happens to a late appeal");
}

Test(letters, plain_text_letter_has_every_element_and_where_to_appeal, .timeout = FX_TIMEOUT)
{
    struct letter_world w;
    letter_world_open(&w);
    struct http_response r;
    get_letter(&w.cw, w.id, "text/plain", &r);
    assert_letter(&r, "text/plain");
    assert_elements(&r);
    assert_contains(&r, SUBJECT, "the subject as written");
    cr_assert_null(strstr(r.body, "&lt;"), "a text/plain letter must not be HTML-escaped");
    http_response_free(&r);
    letter_world_close(&w);
}

Test(letters, html_letter_is_a_complete_document_with_every_element, .timeout = FX_TIMEOUT)
{
    struct letter_world w;
    letter_world_open(&w);
    struct http_response r;
    get_letter(&w.cw, w.id, "text/html", &r);
    assert_letter(&r, "text/html");
    cr_assert(strcasestr(r.body, "<!doctype html"), "the HTML letter has no doctype");
    cr_assert(strcasestr(r.body, "<html") && strcasestr(r.body, "</html>"), "the HTML letter is not a whole document");
    cr_assert(strcasestr(r.body, "utf-8"), "the HTML letter declares no UTF-8 charset");
    assert_elements(&r);
    http_response_free(&r);
    letter_world_close(&w);
}

Test(letters, html_letter_escapes_every_value, .timeout = FX_TIMEOUT)
{
    struct letter_world w;
    letter_world_open(&w);
    struct http_response r;
    get_letter(&w.cw, w.id, "text/html", &r);
    assert_letter(&r, "text/html");
    cr_assert_null(strcasestr(r.body, "<script"), "the subject's <script> reached the HTML unescaped:\n%s", r.body);
    cr_assert_null(strstr(r.body, "alert(\"x\")"), "a \" in a value is not escaped");
    cr_assert_null(strstr(r.body, "'ydelse'"), "a ' in a value is not escaped");
    cr_assert_null(strstr(r.body, " & "), "a & in a value is not escaped");
    static const char *const lt[] = {"&lt;script&gt;", "&#60;script&#62;", "&#x3c;script&#x3e;", "&#x3C;script&#x3E;"};
    assert_contains_any(&r, lt, sizeof(lt) / sizeof(lt[0]), "the escaped <script>");
    static const char *const amp[] = {" &amp; ", " &#38; ", " &#x26; "};
    assert_contains_any(&r, amp, sizeof(amp) / sizeof(amp[0]), "the escaped &");
    static const char *const quot[] = {"&quot;x&quot;", "&#34;x&#34;", "&#x22;x&#x22;"};
    assert_contains_any(&r, quot, sizeof(quot) / sizeof(quot[0]), "the escaped \"");
    static const char *const apos[] = {"&#39;ydelse&#39;", "&apos;ydelse&apos;", "&#x27;ydelse&#x27;"};
    assert_contains_any(&r, apos, sizeof(apos) / sizeof(apos[0]), "the escaped '");
    http_response_free(&r);
    letter_world_close(&w);
}

Test(letters, accept_chooses_the_media_type, .timeout = FX_TIMEOUT)
{
    struct letter_world w;
    letter_world_open(&w);
    static const struct {
        const char *accept;
        const char *media;
    } cases[] = {
        {NULL, "text/plain"},
        {"*/*", "text/plain"},
        {"text/*", "text/plain"},
        {"text/html", "text/html"},
        {"text/plain", "text/plain"},
        {"application/json, text/html", "text/html"},
        {"text/html;q=0.4, text/plain;q=0.8", "text/plain"},
        {"text/plain;q=0.2, text/html", "text/html"},
        {"application/pdf, text/html;q=0.1", "text/html"},
        {"text/plain;q=0, */*", "text/html"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct http_response r;
        get_letter(&w.cw, w.id, cases[i].accept, &r);
        cr_assert_eq(r.status, 200, "Accept %s answered %d: %.300s", cases[i].accept ? cases[i].accept : "(none)",
                     r.status, r.body);
        const char *ct = http_response_header(&r, "Content-Type");
        cr_assert(ct && strncasecmp(ct, cases[i].media, strlen(cases[i].media)) == 0,
                  "Accept %s gave %s, want %s", cases[i].accept ? cases[i].accept : "(none)", ct ? ct : "(none)",
                  cases[i].media);
        http_response_free(&r);
    }
    letter_world_close(&w);
}

Test(letters, pdf_or_nothing_acceptable_is_406, .timeout = FX_TIMEOUT)
{
    struct letter_world w;
    letter_world_open(&w);
    static const char *const refused[] = {"application/pdf", "application/json", "image/*",
                                          "text/plain;q=0, text/html;q=0"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        struct http_response r;
        get_letter(&w.cw, w.id, refused[i], &r);
        cr_assert_eq(r.status, 406, "Accept %s answered %d", refused[i], r.status);
        fx_assert_problem(&r, 406);
        http_response_free(&r);
    }
    letter_world_close(&w);
}

Test(letters, a_draft_has_no_letter_409_state_draft, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], case_id[FX_UUID_LEN], id[FX_UUID_LEN];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_case(&cw, cpr, citizen, case_id);
    fx_draft_decision(&cw, case_id, "placement", "refused", id);
    struct http_response r;
    get_letter(&cw, id, "text/plain", &r);
    fx_assert_state(&r, "draft");
    http_response_free(&r);
    fx_actor_free(&cw);
}

Test(letters, citizen_reads_own_letter_others_get_404, .timeout = FX_TIMEOUT)
{
    struct letter_world w;
    letter_world_open(&w);
    struct fx_actor me, stranger, cw751;
    char cpr[11], stranger_id[FX_UUID_LEN];
    fx_new_citizen(&w.cw, cpr, stranger_id);
    fx_citizen(&me, w.cpr);
    fx_citizen(&stranger, cpr);
    fx_staff(&cw751, "caseworker", FX_OTHER_MUNICIPALITY);

    struct http_response r;
    get_letter(&me, w.id, "text/html", &r);
    assert_letter(&r, "text/html");
    assert_contains(&r, "26. januar 2026", "the appeal deadline");
    http_response_free(&r);

    const struct fx_actor *outsiders[] = {&stranger, &cw751};
    for (size_t i = 0; i < 2; i++) {
        get_letter(outsiders[i], w.id, "text/plain", &r);
        fx_assert_problem(&r, 404);
        cr_assert_null(strstr(r.body, "fleksjob"), "the 404 leaks the letter");
        http_response_free(&r);
    }
    fx_actor_free(&cw751);
    fx_actor_free(&stranger);
    fx_actor_free(&me);
    letter_world_close(&w);
}

Test(letters, superseded_decision_still_has_its_letter_with_a_notice, .timeout = FX_TIMEOUT)
{
    struct letter_world w;
    letter_world_open(&w);
    char successor[FX_UUID_LEN];
    struct http_response before;
    get_letter(&w.cw, w.id, "text/plain", &before);
    assert_letter(&before, "text/plain");

    json_t *body = fx_decision_body(w.case_id, "fleksjob", "granted");
    json_object_set_new(body, "supersedes_id", json_string(w.id));
    fx_create_decision(&w.cw, body, successor);
    json_decref(fx_issue_decision(&w.cw, successor, "2026-01-05"));

    struct http_response r;
    get_letter(&w.cw, w.id, "text/plain", &r);
    assert_letter(&r, "text/plain");
    assert_elements(&r);
    /* The superseded letter says so at the top, so it is no longer the letter it was. */
    cr_assert(strcmp(r.body, before.body) != 0, "the letter of a superseded decision does not say so");
    http_response_free(&r);
    http_response_free(&before);
    letter_world_close(&w);
}

/* ---- read as a Danish citizen would (issue 10) ---- */

/* Fails unless the letter holds needle exactly n times. */
static void assert_count(const struct http_response *r, const char *needle, size_t n)
{
    size_t got = 0;
    for (const char *p = strstr(r->body, needle); p; p = strstr(p + 1, needle))
        got++;
    cr_assert_eq(got, n, "the letter holds \"%s\" %zu times, want %zu:\n%s", needle, got, n, r->body);
}

Test(letters, a_decision_fully_in_the_citizens_favour_says_nothing_about_a_hearing, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], case_id[FX_UUID_LEN], id[FX_UUID_LEN];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_new_case(&cw, cpr, citizen, case_id);
    json_t *body = fx_decision_body(case_id, "placement", "granted");
    json_object_del(body, "hearing");
    fx_create_decision(&cw, body, id);
    json_t *doc = fx_issue_decision(&cw, id, "2026-03-06");
    fx_assert_member(json_object_get(doc, "hearing"), "status", "none");
    json_decref(doc);
    struct http_response r;
    get_letter(&cw, id, "text/plain", &r);
    assert_letter(&r, "text/plain");
    cr_assert_null(strstr(r.body, "Partshøring"), "a letter that needed no hearing has a hearing part:\n%s", r.body);
    cr_assert_null(strstr(r.body, "hørt"), "a letter that needed no hearing talks of one:\n%s", r.body);
    http_response_free(&r);
    fx_actor_free(&cw);
}

Test(letters, the_appeal_guidance_reads_as_a_citizen_would, .timeout = FX_TIMEOUT)
{
    struct letter_world w;
    letter_world_open(&w);
    struct http_response r;
    get_letter(&w.cw, w.id, "text/plain", &r);
    assert_letter(&r, "text/plain");
    /* 28 December 2025 + 4 weeks is Sunday 25 January: the four weeks run from the day
     * the citizen was told. */
    assert_contains(&r, "Fire uger efter den dag, du fik besked om afgørelsen, er den 25. januar 2026", "the weeks");
    cr_assert_null(strstr(r.body, "Fire uger efter afgørelsen"), "the weeks run from the decision:\n%s", r.body);
    /* The reconsideration is told once. */
    assert_count(&r, "videre til Ankestyrelsen", 1);
    assert_count(&r, "inden 4 uger", 1);
    /* A law named inside a sentence is in lower case. */
    assert_contains(&r, "Reglerne om klage står i retssikkerhedsloven §§ 66-67.", "the law in lower case");
    cr_assert_null(strstr(r.body, " Retssikkerhedsloven"), "a capital inside a sentence:\n%s", r.body);
    http_response_free(&r);
    letter_world_close(&w);
}

Test(letters, a_letter_is_addressed_to_the_citizen_and_signed_by_the_municipality, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    char cpr[11], citizen[FX_UUID_LEN], case_id[FX_UUID_LEN], id[FX_UUID_LEN];
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_random_cpr(cpr);
    struct http_response r;
    fx_call("POST", "/v1/citizens", &cw, json_pack("{s:s, s:s}", "cpr", cpr, "name", "Anna Jensen"), NULL, 0, &r);
    cr_assert(r.status == 201 || r.status == 200, "registering answered %d: %s", r.status, r.body);
    json_t *doc = fx_body(&r);
    snprintf(citizen, sizeof(citizen), "%s", json_string_value(json_object_get(doc, "id")));
    json_decref(doc);
    http_response_free(&r);
    fx_create_case(&cw, citizen, NULL, case_id);
    fx_issued_decision(&cw, case_id, "placement", "granted", "2026-03-06", id);
    doc = fx_get_decision(&cw, id);
    fx_assert_member(doc, "addressee", "Anna Jensen");
    const char *journal = json_string_value(json_object_get(doc, "journal_number"));
    cr_assert(journal && strncmp(journal, "2026-101-", 9) == 0, "journal number %s", journal ? journal : "(none)");
    char line[64];
    snprintf(line, sizeof(line), "Journalnummer: %s\n", journal);

    get_letter(&cw, id, "text/plain", &r);
    assert_letter(&r, "text/plain");
    assert_contains(&r, "Til\nAnna Jensen\n", "the addressee");
    assert_contains(&r, line, "the journal number");
    assert_contains(&r, "Afgørelsens id: ", "the id beside it");
    assert_contains(&r, "Telefon 33 66 33 66", "the jobcenter's telephone");
    assert_contains(&r, "ringe til Jobcenter København på telefon 33 66 33 66", "how to ask a question");
    assert_contains(&r, "Med venlig hilsen\nJobcenter København\nKøbenhavns Kommune\n", "the sign-off");
    http_response_free(&r);
    json_decref(doc);
    fx_actor_free(&cw);
}
