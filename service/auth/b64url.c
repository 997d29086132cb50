/* Unpadded base64url: the one decoder every token and key passes through. */
#include "auth/b64url.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

int b64url_canonical(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (b64url_value(s[i]) < 0)
            return 0;
    }
    if (len % 4 == 1)
        return 0;
    if (len % 4 == 2)
        return (b64url_value(s[len - 1]) & 0x0f) == 0;
    if (len % 4 == 3)
        return (b64url_value(s[len - 1]) & 0x03) == 0;
    return 1;
}

size_t b64url_decode(const char *s, size_t len, unsigned char *dst)
{
    unsigned int acc = 0;
    int bits = 0;
    size_t n = 0;

    for (size_t i = 0; i < len; i++) {
        acc = ((acc << 6) | (unsigned int)b64url_value(s[i])) & 0xffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            dst[n++] = (unsigned char)(acc >> bits);
        }
    }
    return n;
}

size_t b64url_encode(const unsigned char *src, size_t n, char *dst)
{
    unsigned int acc = 0;
    int bits = 0;
    size_t out = 0;

    for (size_t i = 0; i < n; i++) {
        acc = ((acc << 8) | src[i]) & 0xffff;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            dst[out++] = alphabet[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0)
        dst[out++] = alphabet[(acc << (6 - bits)) & 0x3f];
    dst[out] = '\0';
    return out;
}
