/* The Danish decision letter: what it says, part by part, read from one decision
 * document. How each part is written as text or HTML is letter_writer.c; which format a
 * client gets is letter_accept.c. */
#include "law/letter.h"

#include <stdio.h>
#include <string.h>

#include "law/calendar.h"
#include "law/danish_text.h"
#include "law/letter_writer.h"

/* ---- reading the document ---- */

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static const char *label_of(const json_t *obj, const char *key)
{
    return str(json_object_get(obj, key), "label");
}

/* An ISO date as a Danish letter writes it ("23. december 2026"); the ISO text itself if
 * it is not one, so nothing is silently dropped. */
struct danish_date {
    char text[CAL_DANISH_SIZE + CAL_ISO_SIZE];
};

static struct danish_date danish(const char *iso)
{
    struct danish_date out;
    struct cal_date d;
    if (iso && cal_parse_iso(iso, &d) == 0)
        cal_format_danish(d, out.text);
    else
        snprintf(out.text, sizeof(out.text), "%s", iso ? iso : "");
    return out;
}

/* Hours with a decimal comma, as Danish writes numbers: 15,5; 37. The schema keeps one
 * decimal. */
static void danish_hours(double hours, char out[24])
{
    long tenths = (long)(hours * 10.0 + 0.5);
    if (tenths % 10 == 0)
        snprintf(out, 24, "%ld", tenths / 10);
    else
        snprintf(out, 24, "%ld,%ld", tenths / 10, tenths % 10);
}

/* ---- the letter's parts ---- */

/* A decision that no longer applies says so before anything else, so nobody acts on it. */
static void notices(struct writer *w, const json_t *d)
{
    const json_t *lost = json_object_get(d, "force_lost");
    const char *status = str(d, "status");
    int superseded = status && strcmp(status, "superseded") == 0;
    if (!json_is_object(lost) && !superseded)
        return;
    writer_block_begin(w, "div", " class=\"notice\"");
    if (json_is_object(lost)) {
        const char *reason = str(lost, "reason");
        struct danish_date on = danish(str(lost, "on"));
        if (reason && strcmp(reason, "remitted") == 0)
            writer_labelled(w, "Bemærk",
                            "Ankestyrelsen har ophævet denne afgørelse og sendt sagen tilbage til kommunen "
                            "(hjemvist) den %s. Afgørelsen har derfor ikke længere virkning, og kommunen skal "
                            "træffe en ny afgørelse.",
                            on.text);
        else if (reason && strcmp(reason, "changed_by_appeals_board") == 0)
            writer_labelled(w, "Bemærk",
                            "Ankestyrelsen har ændret denne afgørelse den %s. Afgørelsen gælder derfor ikke "
                            "længere, som den står her.",
                            on.text);
        else
            writer_labelled(w, "Bemærk", "Afgørelsen har mistet sin virkning den %s.", on.text);
    }
    if (superseded) {
        const char *by = str(d, "superseded_by_id");
        if (by)
            writer_labelled(w, "Bemærk",
                            "Denne afgørelse er erstattet af en ny afgørelse (nummer %s) og gælder ikke længere.",
                            by);
        else
            writer_labelled(w, "Bemærk",
                            "Denne afgørelse er erstattet af en ny afgørelse og gælder ikke længere.");
    }
    writer_block_end(w, "div");
}

/* The municipality's name as the letter signs it: from the reference data, else by its
 * number, so a letter always says who sent it. */
static void sender_name(struct writer *w, const struct letter_sender *s, const char *municipality)
{
    if (s->name)
        writer_line(w, "%s", s->name);
    else
        writer_line(w, "Kommunen (kommunenummer %s)", municipality ? municipality : "ukendt");
}

static void sender_block(struct writer *w, const struct letter_sender *s, const char *municipality)
{
    writer_block_begin(w, "address", "");
    sender_name(w, s, municipality);
    if (s->office)
        writer_line(w, "%s", s->office);
    if (s->address)
        writer_line(w, "%s", s->address);
    if (s->phone)
        writer_line(w, "Telefon %s", s->phone);
    if (s->web)
        writer_line(w, "%s", s->web);
    writer_block_end(w, "address");
}

/* Who the letter is to: the citizen, by the name registered when the decision was issued.
 * A citizen registered without a name still gets a letter that says it is theirs. */
static void addressee_block(struct writer *w, const char *addressee)
{
    writer_block_begin(w, "address", " class=\"addressee\"");
    writer_line(w, "Til");
    writer_line(w, "%s", addressee ? addressee : "Dig, som afgørelsen handler om");
    writer_block_end(w, "address");
}

/* The date, and the numbers the citizen can quote: the journal number, short enough to
 * read out on the telephone, and the decision's id. */
static void reference_block(struct writer *w, const json_t *d)
{
    writer_block_begin(w, "p", "");
    writer_labelled(w, "Dato", "%s", danish(str(d, "notified_on")).text);
    if (str(d, "journal_number"))
        writer_labelled(w, "Journalnummer", "%s", str(d, "journal_number"));
    if (str(d, "id"))
        writer_labelled(w, "Afgørelsens id", "%s", str(d, "id"));
    writer_block_end(w, "p");
}

static void decision_part(struct writer *w, const json_t *d)
{
    writer_heading(w, 1, "Afgørelse");
    if (str(d, "subject"))
        writer_paragraph(w, "%s", str(d, "subject"));
    writer_block_begin(w, "p", "");
    if (label_of(d, "kind"))
        writer_labelled(w, "Afgørelsens art", "%s", label_of(d, "kind"));
    if (label_of(d, "outcome"))
        writer_labelled(w, "Resultat", "%s", label_of(d, "outcome"));
    const json_t *hours = json_object_get(d, "hours_per_week");
    if (json_is_number(hours)) {
        char h[24];
        danish_hours(json_number_value(hours), h);
        writer_labelled(w, "Timer om ugen", "%s", h);
    }
    if (str(d, "applied_for"))
        writer_labelled(w, "Du har søgt om", "%s", str(d, "applied_for"));
    if (str(d, "applied_on"))
        writer_labelled(w, "Vi modtog din ansøgning", "%s", danish(str(d, "applied_on")).text);
    if (str(d, "decided_on"))
        writer_labelled(w, "Dato for afgørelsen", "%s", danish(str(d, "decided_on")).text);
    if (str(d, "supersedes_id"))
        writer_line(w, "Afgørelsen erstatter afgørelse nummer %s.", str(d, "supersedes_id"));
    if (str(d, "parent_id"))
        writer_line(w, "Afgørelsen hører under afgørelse nummer %s.", str(d, "parent_id"));
    writer_block_end(w, "p");
}

static void legal_basis_part(struct writer *w, const json_t *d)
{
    writer_heading(w, 2, "Retsgrundlag");
    const json_t *basis = json_object_get(d, "legal_basis");
    if (json_array_size(basis) == 0) {
        writer_paragraph(w, "Der er ikke angivet et retsgrundlag.");
    } else {
        writer_paragraph(w, "Afgørelsen er truffet efter:");
        writer_list_begin(w);
        size_t i;
        const json_t *p;
        json_array_foreach(basis, i, p)
            if (str(p, "label"))
                writer_list_item(w, str(p, "label"));
        writer_list_end(w);
    }
    if (str(d, "legal_basis_note"))
        writer_paragraph(w, "%s", str(d, "legal_basis_note"));
}

static void facts_and_reasons(struct writer *w, const json_t *d)
{
    writer_heading(w, 2, "Oplysninger i sagen");
    if (str(d, "facts"))
        writer_paragraph(w, "%s", str(d, "facts"));
    else
        writer_paragraph(w, "Der er ikke anført særlige oplysninger, fordi afgørelsen giver dig fuldt ud medhold "
                            "i det, du har søgt om.");
    writer_heading(w, 2, "Begrundelse");
    if (str(d, "reasons"))
        writer_paragraph(w, "%s", str(d, "reasons"));
    else
        writer_paragraph(w, "Afgørelsen giver dig fuldt ud medhold i det, du har søgt om. Derfor er den ikke "
                            "begrundet nærmere (forvaltningslovens § 22).");
}

/* The hearing (partshøring) as it took place. A decision that needed none (one fully in
 * the citizen's favour: issuing refuses an adverse decision without a hearing record)
 * says nothing about it, for a sentence saying "you were not heard" reads as a breach. */
static void hearing_part(struct writer *w, const json_t *d)
{
    const json_t *h = json_object_get(d, "hearing");
    const char *status = str(h, "status");
    if (!status || strcmp(status, "none") == 0)
        return;
    const char *sent = str(h, "sent_on"), *deadline = str(h, "response_deadline");
    const char *answered = str(h, "answered_on");
    writer_heading(w, 2, "Partshøring");
    writer_block_begin(w, "p", "");
    if (status && strcmp(status, "not_needed") == 0) {
        writer_line(w, "Kommunen har vurderet, at det ikke var nødvendigt at høre dig, før afgørelsen blev truffet "
                       "(forvaltningslovens § 19). Begrundelsen er:");
        if (str(h, "not_needed_reason"))
            writer_line(w, "%s", str(h, "not_needed_reason"));
    } else if (status && (strcmp(status, "sent") == 0 || strcmp(status, "answered") == 0)) {
        if (sent && deadline)
            writer_line(w, "Kommunen sendte den %s oplysningerne i sagen til dig, så du kunne komme med dine "
                           "bemærkninger senest den %s (forvaltningslovens § 19).",
                        danish(sent).text, danish(deadline).text);
        else if (sent)
            writer_line(w, "Kommunen sendte den %s oplysningerne i sagen til dig, så du kunne komme med dine "
                           "bemærkninger (forvaltningslovens § 19).",
                        danish(sent).text);
        if (str(h, "urgency_reason"))
            writer_line(w, "Fristen for at svare var kortere end normalt, fordi sagen hastede: %s",
                        str(h, "urgency_reason"));
        if (strcmp(status, "answered") == 0 && answered)
            writer_line(w, "Kommunen modtog dine bemærkninger den %s og har taget dem med i vurderingen.",
                        danish(answered).text);
        else if (strcmp(status, "sent") == 0)
            writer_line(w, "Kommunen modtog ikke bemærkninger fra dig inden fristen.");
    }
    writer_block_end(w, "p");
}

static void guidance_part(struct writer *w, const json_t *d, const struct letter_sender *s)
{
    const json_t *g = json_object_get(d, "appeal_guidance");
    const char *body = str(g, "appeals_body") ? str(g, "appeals_body") : "Ankestyrelsen";
    writer_heading(w, 2, "Klagevejledning");
    writer_block_begin(w, "p", "");
    writer_line(w, "Du kan klage over afgørelsen. Fristen er 4 uger fra den dag, du fik besked om afgørelsen "
                   "(den %s).",
                danish(str(d, "notified_on")).text);
    writer_labelled(w, "Klagefrist", "Kommunen skal have modtaget din klage senest den %s.",
                    danish(str(d, "appeal_deadline")).text);
    if (str(g, "deadline_moved_from"))
        writer_line(w, "Fire uger efter den dag, du fik besked om afgørelsen, er den %s. Det er ikke en hverdag, "
                       "og derfor er fristen rykket til den første hverdag derefter.",
                    danish(str(g, "deadline_moved_from")).text);
    writer_block_end(w, "p");
    writer_block_begin(w, "p", "");
    if (str(g, "where"))
        writer_labelled(w, "Send din klage til", "%s", str(g, "where"));
    else
        writer_labelled(w, "Send din klage til", "%s", s->name ? s->name : "din kommune");
    writer_block_end(w, "p");
    /* The guidance in force says how to appeal and what the municipality then does; the
     * letter's own words stand in only when it says nothing, so the citizen reads it once. */
    if (str(g, "how"))
        writer_paragraph(w, "%s", str(g, "how"));
    else
        writer_paragraph(w, "Kommunen ser på afgørelsen igen (genvurdering) inden 4 uger efter at have modtaget din "
                            "klage. Giver kommunen dig ikke fuldt ud medhold, sender kommunen klagen videre til %s, "
                            "som træffer afgørelse i klagesagen.",
                         body);
    if (str(g, "late"))
        writer_paragraph(w, "%s", str(g, "late"));
    if (str(g, "provision")) {
        char provision[256];
        writer_paragraph(w, "Reglerne om klage står i %s.",
                         danish_in_sentence(str(g, "provision"), provision, sizeof(provision)));
    }
}

/* How to reach the jobcenter with a question, quoting the journal number, and the
 * municipality's sign-off. */
static void contact_and_sign_off(struct writer *w, const json_t *d, const struct letter_sender *s)
{
    writer_heading(w, 2, "Spørgsmål");
    writer_block_begin(w, "p", "");
    const char *who = s->office ? s->office : "jobcentret";
    if (s->phone)
        writer_line(w, "Har du spørgsmål til afgørelsen, kan du ringe til %s på telefon %s eller skrive til os "
                       "med Digital Post på borger.dk.",
                    who, s->phone);
    else
        writer_line(w, "Har du spørgsmål til afgørelsen, kan du skrive til %s med Digital Post på borger.dk.", who);
    if (str(d, "journal_number"))
        writer_line(w, "Oplys journalnummer %s, så finder vi hurtigt din sag.", str(d, "journal_number"));
    writer_block_end(w, "p");
    writer_block_begin(w, "p", " class=\"sign-off\"");
    writer_line(w, "Med venlig hilsen");
    if (s->office)
        writer_line(w, "%s", s->office);
    sender_name(w, s, str(d, "municipality"));
    writer_block_end(w, "p");
}

char *letter_render(const json_t *decision, const struct letter_sender *sender, enum letter_format f,
                    size_t *len)
{
    static const struct letter_sender unknown;
    if (!sender)
        sender = &unknown;
    if (f == LETTER_UNACCEPTABLE || !json_is_object(decision) || !str(decision, "notified_on") ||
        !str(decision, "appeal_deadline") || !json_is_object(json_object_get(decision, "appeal_guidance")))
        return NULL;
    struct writer w;
    if (writer_open(&w, f) != 0)
        return NULL;
    writer_document_begin(&w, "Afgørelse", str(decision, "subject"));
    notices(&w, decision);
    sender_block(&w, sender, str(decision, "municipality"));
    addressee_block(&w, str(decision, "addressee"));
    reference_block(&w, decision);
    decision_part(&w, decision);
    legal_basis_part(&w, decision);
    facts_and_reasons(&w, decision);
    hearing_part(&w, decision);
    guidance_part(&w, decision, sender);
    contact_and_sign_off(&w, decision, sender);
    writer_document_end(&w);
    return writer_close(&w, len);
}
