/* The letter's writer (letter_writer.h) and HTML escaping: text and HTML from one set of
 * calls, every text escaped for HTML and its line breaks kept. */
#include "law/letter_writer.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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
int writer_open(struct writer *w, enum letter_format fmt)
{
    memset(w, 0, sizeof(*w));
    w->fmt = fmt;
    w->f = open_memstream(&w->buf, &w->size);
    return w->f ? 0 : -1;
}

char *writer_close(struct writer *w, size_t *len)
{
    int failed = w->failed || ferror(w->f);
    if (fclose(w->f) != 0 || failed) {
        free(w->buf);
        return NULL;
    }
    *len = w->size;
    return w->buf;
}

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

/* Formats and emits a text; marks the writer failed when memory ran out. */
static void emit_format(struct writer *w, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    char *s = n < 0 ? NULL : malloc((size_t)n + 1);
    if (!s) {
        w->failed = 1;
        return;
    }
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    emit(w, s);
    free(s);
}

void writer_document_begin(struct writer *w, const char *title, const char *detail)
{
    if (w->fmt != LETTER_HTML)
        return;
    fputs("<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          w->f);
    emit(w, title);
    if (detail) {
        emit(w, ": ");
        emit(w, detail);
    }
    fputs("</title>\n<style>body{font-family:sans-serif;max-width:42em;margin:2em auto;padding:0 1em;"
          "line-height:1.5}.notice{border:2px solid #a00;padding:.5em 1em}address{font-style:normal}"
          "</style>\n</head>\n<body>\n",
          w->f);
}

void writer_document_end(struct writer *w)
{
    if (w->fmt == LETTER_HTML)
        fputs("</body>\n</html>\n", w->f);
}

void writer_heading(struct writer *w, int level, const char *title)
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

void writer_block_begin(struct writer *w, const char *tag, const char *attributes)
{
    w->lines = 0;
    if (w->fmt == LETTER_HTML)
        fprintf(w->f, "<%s%s>", tag, attributes);
}

void writer_block_end(struct writer *w, const char *tag)
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

void writer_line(struct writer *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    line_break(w);
    emit_format(w, fmt, ap);
    va_end(ap);
}

void writer_labelled(struct writer *w, const char *label, const char *fmt, ...)
{
    line_break(w);
    if (w->fmt == LETTER_HTML)
        fputs("<strong>", w->f);
    emit(w, label);
    fputc(':', w->f);
    if (w->fmt == LETTER_HTML)
        fputs("</strong>", w->f);
    fputc(' ', w->f);
    va_list ap;
    va_start(ap, fmt);
    emit_format(w, fmt, ap);
    va_end(ap);
}

void writer_paragraph(struct writer *w, const char *fmt, ...)
{
    writer_block_begin(w, "p", "");
    line_break(w);
    va_list ap;
    va_start(ap, fmt);
    emit_format(w, fmt, ap);
    va_end(ap);
    writer_block_end(w, "p");
}

void writer_list_begin(struct writer *w)
{
    if (w->fmt == LETTER_HTML)
        fputs("<ul>\n", w->f);
}

void writer_list_item(struct writer *w, const char *text)
{
    fputs(w->fmt == LETTER_HTML ? "<li>" : "- ", w->f);
    emit(w, text);
    fputs(w->fmt == LETTER_HTML ? "</li>\n" : "\n", w->f);
}

void writer_list_end(struct writer *w)
{
    fputs(w->fmt == LETTER_HTML ? "</ul>\n" : "\n", w->f);
}
