/* The letter's writer: one sequence of calls writes the letter as text/plain or as a
 * complete HTML document, so the two formats cannot drift apart in what they tell the
 * citizen. Every text it is given is shown as it is: HTML-escaped, line breaks kept. Used
 * by letter.c only. */
#ifndef FREMDRIFT_LETTER_WRITER_H
#define FREMDRIFT_LETTER_WRITER_H

#include <stddef.h>
#include <stdio.h>

#include "law/letter.h"

struct writer {
    FILE *f;
    char *buf;              /* what f has written; owned until writer_close */
    size_t size;
    enum letter_format fmt;
    int failed;             /* memory ran out while formatting */
    int lines;              /* lines written in the open block */
};

/* Opens a writer of format fmt into memory: 0, or -1 when memory ran out. */
int writer_open(struct writer *w, enum letter_format fmt);

/* Closes the writer: what it wrote as a malloc'd NUL-terminated string (the caller frees
 * it) with its length in *len, or NULL when anything failed. */
char *writer_close(struct writer *w, size_t *len);

/* The HTML document around the letter, titled "title" or "title: detail" (detail may be
 * NULL); nothing in text. */
void writer_document_begin(struct writer *w, const char *title, const char *detail);
void writer_document_end(struct writer *w);

/* A heading of level 1 or 2 (underlined in text). */
void writer_heading(struct writer *w, int level, const char *title);

/* A block of lines: a paragraph, an address or a notice (tag and its attributes in HTML,
 * e.g. "div", " class=\"notice\""). */
void writer_block_begin(struct writer *w, const char *tag, const char *attributes);
void writer_block_end(struct writer *w, const char *tag);

/* A line of the open block. */
void writer_line(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* "Label: value" as a line of the open block, the label in bold in HTML. */
void writer_labelled(struct writer *w, const char *label, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A paragraph of one text. */
void writer_paragraph(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A bulleted list. */
void writer_list_begin(struct writer *w);
void writer_list_item(struct writer *w, const char *text);
void writer_list_end(struct writer *w);

#endif
