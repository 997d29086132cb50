/* The decision letter in Danish (forvaltningsloven §§ 19, 22-25 and the appeal guidance
 * of retssikkerhedsloven §§ 66-67), built from the decision document alone. Pure: no
 * database, no clock, no global state, so the letter a citizen reads is exactly what the
 * stored document says and every function is thread-safe. letter.c writes its content,
 * letter_writer.c its two formats, letter_accept.c negotiates between them. */
#ifndef FREMDRIFT_LETTER_H
#define FREMDRIFT_LETTER_H

#include <jansson.h>
#include <stddef.h>

enum letter_format {
    LETTER_UNACCEPTABLE = 0,    /* the client accepts neither: 406 */
    LETTER_TEXT,                /* text/plain */
    LETTER_HTML,                /* text/html */
};

/* The format an Accept header asks for (RFC 9110 § 12.5.1). No header, an empty one, the
 * any-type range and the text range (text/ and a star) give text/plain; q-values are
 * honoured, the most specific matching range decides a type's q, q=0 refuses it, and a
 * tie goes to text/plain, the format every client can show. Ranges that do not parse are
 * ignored. */
enum letter_format letter_negotiate(const char *accept);

/* The Content-Type of a format, with charset: a static string (NULL for
 * LETTER_UNACCEPTABLE). */
const char *letter_media_type(enum letter_format f);

/* The municipality that sends the letter and how the citizen reaches its jobcenter; any
 * member may be NULL when the reference data does not have it. Borrowed. */
struct letter_sender {
    const char *name;       /* "Københavns Kommune" */
    const char *office;     /* "Jobcenter København" */
    const char *address;    /* "Gyldenløvesgade 9, 1600 København V" */
    const char *phone;      /* "33 66 33 66" */
    const char *web;        /* "www.kk.dk" */
};

/* The letter for an issued or superseded decision document (decision_document() in SQL),
 * as UTF-8 in format f: to the citizen the document names as its addressee, from sender
 * (NULL: a sender the reference data does not know). Returns a malloc'd NUL-terminated
 * string with its length in *len (the caller frees it with free()), or NULL when decision
 * is not such a document (no notification date, appeal deadline or guidance), f is
 * LETTER_UNACCEPTABLE, or memory ran out. */
char *letter_render(const json_t *decision, const struct letter_sender *sender, enum letter_format f,
                    size_t *len);

/* s with & < > " ' replaced by their HTML character references, in a malloc'd string the
 * caller frees; NULL when memory ran out. */
char *letter_html_escape(const char *s);

#endif
