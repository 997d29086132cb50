/* Content negotiation for the decision letter: which of text/plain and text/html an
 * Accept header asks for (RFC 9110 § 12.5.1), and the Content-Type of each. */
#include "law/letter.h"

#include <string.h>
#include <strings.h>

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
