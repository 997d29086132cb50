/* Danish words inside Danish sentences. Pure: no allocation, no global state. */
#ifndef FREMDRIFT_DANISH_TEXT_H
#define FREMDRIFT_DANISH_TEXT_H

#include <stddef.h>

/* s with its first letter in lower case, as a reference label is written inside a Danish
 * sentence ("Kontanthjælp" -> "kontanthjælp", "Retssikkerhedsloven §§ 66-67" ->
 * "retssikkerhedsloven §§ 66-67", "Ældre" -> "ældre"); the rest unchanged. Writes at most
 * cap bytes (cap >= 1) with the NUL into out, cut at a character boundary, and returns
 * out. NULL s gives "". */
char *danish_in_sentence(const char *s, char *out, size_t cap);

#endif
