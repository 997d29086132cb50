/* Unpadded base64url (RFC 7515 §2) as JWS and JWK use it: one spelling per value. */
#ifndef FREMDRIFT_B64URL_H
#define FREMDRIFT_B64URL_H

#include <stddef.h>

/* The 6-bit value of c, or -1 when c is not in the base64url alphabet. */
int b64url_value(char c);

/* 1 when s[0..len) is alphabet-only, has a possible length and no stray low bits. */
int b64url_canonical(const char *s, size_t len);

/* Decodes a segment that passed b64url_canonical(); dst must hold len * 3 / 4 bytes.
 * Returns the number of bytes written. */
size_t b64url_decode(const char *s, size_t len, unsigned char *dst);

/* Encodes n bytes without padding into dst, which must hold (n * 4 + 2) / 3 + 1 bytes
 * (a NUL is written). Returns the length without the NUL. */
size_t b64url_encode(const unsigned char *src, size_t n, char *dst);

#endif
