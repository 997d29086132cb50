/* See danish_text.h. */
#include "law/danish_text.h"

#include <string.h>

char *danish_in_sentence(const char *s, char *out, size_t cap)
{
    size_t n = s ? strlen(s) : 0;
    if (n >= cap) {
        n = cap - 1;
        /* Back off the continuation bytes of a character the cut would split. */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    if (n > 0)
        memcpy(out, s, n);
    out[n] = '\0';
    unsigned char *p = (unsigned char *)out;
    if (n >= 1 && p[0] >= 'A' && p[0] <= 'Z')
        p[0] = (unsigned char)(p[0] + ('a' - 'A'));
    /* Latin-1 capitals in UTF-8 (À..Þ without ×): Æ, Ø and Å among them. */
    else if (n >= 2 && p[0] == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E && p[1] != 0x97)
        p[1] = (unsigned char)(p[1] + 0x20);
    return out;
}
