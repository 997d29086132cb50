/* The Danish decision letter: Accept negotiation, HTML escaping, and the text and HTML
 * renderings of one decision document. Both formats are written by one sequence of calls,
 * so they cannot drift apart in what they tell the citizen. */
#include "letter.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"

/* ---- Accept negotiation ---- */

/* A type we can serve and the best match for it found so far in the header. */
struct offer {
    const char *type;
    const char *subtype;
    int q;              /* thousandths */
    int specificity;    /* 0 no range matched, 1 the any-type range, 2 type/star, 3 exact */
};

static int is_tchar(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch != '\0' && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static int is_token(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_tchar(s[i]))
            return 0;
    return 1;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths; -1 when
 * it is not one. */
static int parse_q(const char *s, size_t n)
{
    if (n == 0 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int q = (s[0] - '0') * 1000;
    if (n == 1)
        return q;
    if (s[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        q += (s[i] - '0') * scale;
        scale /= 10;
    }
    return q > 1000 ? -1 : q;
}

static void trim(const char **start, const char **end)
{
    while (*start < *end && (**start == ' ' || **start == '\t'))
        (*start)++;
    while (*end > *start && ((*end)[-1] == ' ' || (*end)[-1] == '\t'))
        (*end)--;
}

static int same(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && strncasecmp(s, word, n) == 0;
}

static void consider(struct offer *o, const char *type, size_t tl, const char *sub, size_t sl, int q)
{
    int specificity;
    if (same(type, tl, "*"))
        specificity = same(sub, sl, "*") ? 1 : 0;
    else if (!same(type, tl, o->type))
        specificity = 0;
    else if (same(sub, sl, "*"))
        specificity = 2;
    else
        specificity = same(sub, sl, o->subtype) ? 3 : 0;
    /* The most specific range decides; among equally specific ones the most generous. */
    if (specificity > o->specificity || (specificity && specificity == o->specificity && q > o->q)) {
        o->specificity = specificity;
        o->q = q;
    }
}

/* One element of the list, [start, end): "type/subtype *( OWS ; OWS parameter )". Returns
 * 0 when it does not parse, so the caller ignores it. */
static int parse_range(const char *start, const char *end, struct offer *text, struct offer *html)
{
    trim(&start, &end);
    const char *semi = memchr(start, ';', (size_t)(end - start));
    const char *range_end = semi ? semi : end;
    const char *r = start, *re = range_end;
    trim(&r, &re);
    const char *slash = memchr(r, '/', (size_t)(re - r));
    if (!slash || !is_token(r, (size_t)(slash - r)) || !is_token(slash + 1, (size_t)(re - slash - 1)))
        return 0;
    int q = 1000;
    const char *p = semi;
    while (p && p < end) {
        const char *next = memchr(p + 1, ';', (size_t)(end - p - 1));
        const char *ps = p + 1, *pe = next ? next : end;
        trim(&ps, &pe);
        /* Parameters after q are accept-extensions and do not matter here. */
        if (pe - ps >= 2 && (ps[0] == 'q' || ps[0] == 'Q') && ps[1] == '=') {
            q = parse_q(ps + 2, (size_t)(pe - ps - 2));
            if (q < 0)
                return 0;
            break;
        }
        p = next;
    }
    consider(text, r, (size_t)(slash - r), slash + 1, (size_t)(re - slash - 1), q);
    consider(html, r, (size_t)(slash - r), slash + 1, (size_t)(re - slash - 1), q);
    return 1;
}

enum letter_format letter_negotiate(const char *accept)
{
    struct offer text = {"text", "plain", 0, 0}, html = {"text", "html", 0, 0};
    int ranges = 0;
    for (const char *p = accept; p && *p;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        ranges += parse_range(p, end, &text, &html);
        p = comma ? comma + 1 : end;
    }
    /* No usable range says nothing about preferences: as if the header were absent. */
    if (ranges == 0)
        return LETTER_TEXT;
    if (text.q == 0 && html.q == 0)
        return LETTER_UNACCEPTABLE;
    return html.q > text.q ? LETTER_HTML : LETTER_TEXT;
}

const char *letter_media_type(enum letter_format f)
{
    switch (f) {
    case LETTER_TEXT:
        return "text/plain; charset=utf-8";
    case LETTER_HTML:
        return "text/html; charset=utf-8";
    case LETTER_UNACCEPTABLE:
        break;
    }
    return NULL;
}

/* ---- HTML escaping ---- */

static const char *html_entity(char ch)
{
    switch (ch) {
    case '&':
        return "&amp;";
    case '<':
        return "&lt;";
    case '>':
        return "&gt;";
    case '"':
        return "&quot;";
    case '\'':
        return "&#39;";
    default:
        return NULL;
    }
}

char *letter_html_escape(const char *s)
{
    size_t n = 1;
    for (const char *p = s; *p; p++) {
        const char *e = html_entity(*p);
        n += e ? strlen(e) : 1;
    }
    char *out = malloc(n), *o = out;
    if (!out)
        return NULL;
    for (const char *p = s; *p; p++) {
        const char *e = html_entity(*p);
        if (e) {
            memcpy(o, e, strlen(e));
            o += strlen(e);
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    return out;
}

/* ---- the writer: one set of calls, two formats ---- */

struct writer {
    FILE *f;
    enum letter_format fmt;
    int failed;             /* memory ran out while formatting */
    int lines;              /* lines written in the open block */
};

/* Text as it is shown: escaped in HTML, line breaks kept in both formats (CR LF and a
 * lone CR count as one break, as the citizen's own text may have either). */
static void emit(struct writer *w, const char *s)
{
    for (; *s; s++) {
        char ch = *s;
        if (ch == '\r') {
            if (s[1] == '\n')
                continue;
            ch = '\n';
        }
        const char *e = w->fmt == LETTER_HTML ? html_entity(ch) : NULL;
        if (e)
            fputs(e, w->f);
        else if (ch == '\n' && w->fmt == LETTER_HTML)
            fputs("<br>\n", w->f);
        else
            fputc(ch, w->f);
    }
}

/* Formats into a malloc'd string; NULL (and the writer marked failed) when memory ran
 * out. The caller frees it. */
static char *vformat(struct writer *w, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *s = n < 0 ? NULL : malloc((size_t)n + 1);
    if (!s) {
        w->failed = 1;
        return NULL;
    }
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static void heading(struct writer *w, int level, const char *title)
{
    if (w->fmt == LETTER_HTML) {
        fprintf(w->f, "<h%d>", level);
        emit(w, title);
        fprintf(w->f, "</h%d>\n", level);
        return;
    }
    emit(w, title);
    fputc('\n', w->f);
    /* Underlined by characters, not bytes: Danish headings have æ, ø and å. */
    for (const char *p = title; *p; p++)
        if (((unsigned char)*p & 0xC0) != 0x80)
            fputc(level == 1 ? '=' : '-', w->f);
    fputs("\n\n", w->f);
}

/* A block of lines: a paragraph, an address or a notice. */
static void block_begin(struct writer *w, const char *tag, const char *attributes)
{
    w->lines = 0;
    if (w->fmt == LETTER_HTML)
        fprintf(w->f, "<%s%s>", tag, attributes);
}

static void block_end(struct writer *w, const char *tag)
{
    if (w->fmt == LETTER_HTML)
        fprintf(w->f, "</%s>\n", tag);
    else
        fputs("\n\n", w->f);
}

static void line_break(struct writer *w)
{
    if (w->lines++ > 0)
        fputs(w->fmt == LETTER_HTML ? "<br>\n" : "\n", w->f);
}

static void __attribute__((format(printf, 2, 3))) line(struct writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(w, fmt, ap);
    va_end(ap);
    if (!s)
        return;
    line_break(w);
    emit(w, s);
    free(s);
}

/* "Label: value", the label in bold in HTML. */
static void __attribute__((format(printf, 3, 4))) labelled(struct writer *w, const char *label,
                                                           const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(w, fmt, ap);
    va_end(ap);
    if (!s)
        return;
    line_break(w);
    if (w->fmt == LETTER_HTML)
        fputs("<strong>", w->f);
    emit(w, label);
    fputc(':', w->f);
    if (w->fmt == LETTER_HTML)
        fputs("</strong>", w->f);
    fputc(' ', w->f);
    emit(w, s);
    free(s);
}

static void __attribute__((format(printf, 2, 3))) paragraph(struct writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = vformat(w, fmt, ap);
    va_end(ap);
    if (!s)
        return;
    block_begin(w, "p", "");
    line_break(w);
    emit(w, s);
    block_end(w, "p");
    free(s);
}

static void list_begin(struct writer *w)
{
    if (w->fmt == LETTER_HTML)
        fputs("<ul>\n", w->f);
}

static void list_item(struct writer *w, const char *text)
{
    fputs(w->fmt == LETTER_HTML ? "<li>" : "- ", w->f);
    emit(w, text);
    fputs(w->fmt == LETTER_HTML ? "</li>\n" : "\n", w->f);
}

static void list_end(struct writer *w)
{
    fputs(w->fmt == LETTER_HTML ? "</ul>\n" : "\n", w->f);
}

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

static void document_begin(struct writer *w, const char *subject)
{
    if (w->fmt != LETTER_HTML)
        return;
    fputs("<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          w->f);
    emit(w, "Afgørelse");
    if (subject) {
        emit(w, ": ");
        emit(w, subject);
    }
    fputs("</title>\n<style>body{font-family:sans-serif;max-width:42em;margin:2em auto;padding:0 1em;"
          "line-height:1.5}.notice{border:2px solid #a00;padding:.5em 1em}address{font-style:normal}"
          "</style>\n</head>\n<body>\n",
          w->f);
}

static void document_end(struct writer *w)
{
    if (w->fmt == LETTER_HTML)
        fputs("</body>\n</html>\n", w->f);
}

/* A decision that no longer applies says so before anything else, so nobody acts on it. */
static void notices(struct writer *w, const json_t *d)
{
    const json_t *lost = json_object_get(d, "force_lost");
    const char *status = str(d, "status");
    int superseded = status && strcmp(status, "superseded") == 0;
    if (!json_is_object(lost) && !superseded)
        return;
    block_begin(w, "div", " class=\"notice\"");
    if (json_is_object(lost)) {
        const char *reason = str(lost, "reason");
        struct danish_date on = danish(str(lost, "on"));
        if (reason && strcmp(reason, "remitted") == 0)
            labelled(w, "Bemærk",
                     "Ankestyrelsen har ophævet denne afgørelse og sendt sagen tilbage til kommunen "
                     "(hjemvist) den %s. Afgørelsen har derfor ikke længere virkning, og kommunen skal "
                     "træffe en ny afgørelse.",
                     on.text);
        else if (reason && strcmp(reason, "changed_by_appeals_board") == 0)
            labelled(w, "Bemærk",
                     "Ankestyrelsen har ændret denne afgørelse den %s. Afgørelsen gælder derfor ikke "
                     "længere, som den står her.",
                     on.text);
        else
            labelled(w, "Bemærk", "Afgørelsen har mistet sin virkning den %s.", on.text);
    }
    if (superseded) {
        const char *by = str(d, "superseded_by_id");
        if (by)
            labelled(w, "Bemærk",
                     "Denne afgørelse er erstattet af en ny afgørelse (nummer %s) og gælder ikke længere.", by);
        else
            labelled(w, "Bemærk", "Denne afgørelse er erstattet af en ny afgørelse og gælder ikke længere.");
    }
    block_end(w, "div");
}

static void sender_block(struct writer *w, const struct letter_sender *s, const char *municipality)
{
    block_begin(w, "address", "");
    if (s && s->name)
        line(w, "%s", s->name);
    else
        line(w, "Kommunen (kommunenummer %s)", municipality ? municipality : "ukendt");
    if (s && s->office)
        line(w, "%s", s->office);
    if (s && s->address)
        line(w, "%s", s->address);
    block_end(w, "address");
}

static void decision_part(struct writer *w, const json_t *d)
{
    heading(w, 1, "Afgørelse");
    if (str(d, "subject"))
        paragraph(w, "%s", str(d, "subject"));
    block_begin(w, "p", "");
    if (label_of(d, "kind"))
        labelled(w, "Afgørelsens art", "%s", label_of(d, "kind"));
    if (label_of(d, "outcome"))
        labelled(w, "Resultat", "%s", label_of(d, "outcome"));
    const json_t *hours = json_object_get(d, "hours_per_week");
    if (json_is_number(hours)) {
        char h[24];
        danish_hours(json_number_value(hours), h);
        labelled(w, "Timer om ugen", "%s", h);
    }
    if (str(d, "applied_for"))
        labelled(w, "Du har søgt om", "%s", str(d, "applied_for"));
    if (str(d, "decided_on"))
        labelled(w, "Dato for afgørelsen", "%s", danish(str(d, "decided_on")).text);
    if (str(d, "supersedes_id"))
        line(w, "Afgørelsen erstatter afgørelse nummer %s.", str(d, "supersedes_id"));
    if (str(d, "parent_id"))
        line(w, "Afgørelsen hører under afgørelse nummer %s.", str(d, "parent_id"));
    block_end(w, "p");
}

static void legal_basis_part(struct writer *w, const json_t *d)
{
    heading(w, 2, "Retsgrundlag");
    const json_t *basis = json_object_get(d, "legal_basis");
    if (json_array_size(basis) == 0) {
        paragraph(w, "Der er ikke angivet et retsgrundlag.");
    } else {
        paragraph(w, "Afgørelsen er truffet efter:");
        list_begin(w);
        size_t i;
        const json_t *p;
        json_array_foreach(basis, i, p)
            if (str(p, "label"))
                list_item(w, str(p, "label"));
        list_end(w);
    }
    if (str(d, "legal_basis_note"))
        paragraph(w, "%s", str(d, "legal_basis_note"));
}

static void facts_and_reasons(struct writer *w, const json_t *d)
{
    heading(w, 2, "Oplysninger i sagen");
    if (str(d, "facts"))
        paragraph(w, "%s", str(d, "facts"));
    else
        paragraph(w, "Der er ikke anført særlige oplysninger, fordi afgørelsen giver dig fuldt ud medhold "
                     "i det, du har søgt om.");
    heading(w, 2, "Begrundelse");
    if (str(d, "reasons"))
        paragraph(w, "%s", str(d, "reasons"));
    else
        paragraph(w, "Afgørelsen giver dig fuldt ud medhold i det, du har søgt om. Derfor er den ikke "
                     "begrundet nærmere (forvaltningslovens § 22).");
}

static void hearing_part(struct writer *w, const json_t *d)
{
    heading(w, 2, "Partshøring");
    const json_t *h = json_object_get(d, "hearing");
    const char *status = str(h, "status");
    const char *sent = str(h, "sent_on"), *deadline = str(h, "response_deadline");
    const char *answered = str(h, "answered_on");
    block_begin(w, "p", "");
    if (status && strcmp(status, "not_needed") == 0) {
        line(w, "Kommunen har vurderet, at det ikke var nødvendigt at høre dig, før afgørelsen blev truffet "
                "(forvaltningslovens § 19). Begrundelsen er:");
        if (str(h, "not_needed_reason"))
            line(w, "%s", str(h, "not_needed_reason"));
    } else if (status && (strcmp(status, "sent") == 0 || strcmp(status, "answered") == 0)) {
        if (sent && deadline)
            line(w, "Kommunen sendte den %s oplysningerne i sagen til dig, så du kunne komme med dine "
                    "bemærkninger senest den %s (forvaltningslovens § 19).",
                 danish(sent).text, danish(deadline).text);
        else if (sent)
            line(w, "Kommunen sendte den %s oplysningerne i sagen til dig, så du kunne komme med dine "
                    "bemærkninger (forvaltningslovens § 19).",
                 danish(sent).text);
        if (strcmp(status, "answered") == 0 && answered)
            line(w, "Kommunen modtog dine bemærkninger den %s og har taget dem med i vurderingen.",
                 danish(answered).text);
        else if (strcmp(status, "sent") == 0)
            line(w, "Kommunen modtog ikke bemærkninger fra dig inden fristen.");
    } else {
        line(w, "Du er ikke blevet hørt i sagen (partshøring efter forvaltningslovens § 19), før "
                "afgørelsen blev truffet.");
    }
    block_end(w, "p");
}

static void guidance_part(struct writer *w, const json_t *d, const struct letter_sender *s)
{
    const json_t *g = json_object_get(d, "appeal_guidance");
    const char *body = str(g, "appeals_body") ? str(g, "appeals_body") : "Ankestyrelsen";
    heading(w, 2, "Klagevejledning");
    block_begin(w, "p", "");
    line(w, "Du kan klage over afgørelsen. Fristen er 4 uger fra den dag, du fik besked om afgørelsen "
            "(den %s).",
         danish(str(d, "notified_on")).text);
    labelled(w, "Klagefrist", "Kommunen skal have modtaget din klage senest den %s.",
             danish(str(d, "appeal_deadline")).text);
    if (str(g, "deadline_moved_from"))
        line(w, "Fire uger efter afgørelsen er den %s. Det er ikke en hverdag, og derfor er fristen rykket "
                "til den første hverdag derefter.",
             danish(str(g, "deadline_moved_from")).text);
    block_end(w, "p");
    block_begin(w, "p", "");
    if (str(g, "where"))
        labelled(w, "Send din klage til", "%s", str(g, "where"));
    else
        labelled(w, "Send din klage til", "%s", s && s->name ? s->name : "din kommune");
    block_end(w, "p");
    if (str(g, "how"))
        paragraph(w, "%s", str(g, "how"));
    paragraph(w, "Kommunen ser på afgørelsen igen (genvurdering) inden 4 uger efter at have modtaget din "
                 "klage. Giver kommunen dig ikke fuldt ud medhold, sender kommunen klagen videre til %s, "
                 "som træffer afgørelse i klagesagen.",
              body);
    if (str(g, "late"))
        paragraph(w, "%s", str(g, "late"));
    if (str(g, "provision"))
        paragraph(w, "Reglerne om klage står i %s.", str(g, "provision"));
}

char *letter_render(const json_t *decision, const struct letter_sender *sender, enum letter_format f,
                    size_t *len)
{
    if (f == LETTER_UNACCEPTABLE || !json_is_object(decision) || !str(decision, "notified_on") ||
        !str(decision, "appeal_deadline") || !json_is_object(json_object_get(decision, "appeal_guidance")))
        return NULL;
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);
    if (!out)
        return NULL;
    struct writer w = {out, f, 0, 0};
    document_begin(&w, str(decision, "subject"));
    notices(&w, decision);
    sender_block(&w, sender, str(decision, "municipality"));
    block_begin(&w, "p", "");
    labelled(&w, "Dato", "%s", danish(str(decision, "notified_on")).text);
    if (str(decision, "id"))
        labelled(&w, "Afgørelsens nummer", "%s", str(decision, "id"));
    block_end(&w, "p");
    decision_part(&w, decision);
    legal_basis_part(&w, decision);
    facts_and_reasons(&w, decision);
    hearing_part(&w, decision);
    guidance_part(&w, decision, sender);
    document_end(&w);
    int failed = w.failed || ferror(out);
    if (fclose(out) != 0 || failed) {
        free(buf);
        return NULL;
    }
    *len = size;
    return buf;
}
