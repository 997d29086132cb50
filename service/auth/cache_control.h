/* How long a fetched JWKS may be kept: the Cache-Control header, read as RFC 9111 says. */
#ifndef FREMDRIFT_CACHE_CONTROL_H
#define FREMDRIFT_CACHE_CONTROL_H

/*
 * The freshness lifetime a Cache-Control header value gives, in seconds:
 *   -1  when header is NULL or has no max-age, no-cache or no-store (the IdP said nothing);
 *    0  for no-cache, no-store, or a max-age that is invalid or given twice (RFC 9111
 *       §4.2.1 and §1.2.2: treat as stale);
 *    N  for max-age=N (or max-age="N"); values too large for a long read as LONG_MAX.
 * Directive names are case-insensitive; s-maxage and unknown directives are ignored.
 */
long cache_control_max_age(const char *header);

/* When to refresh after a fetch: max_age bounded to [min_s, max_s]; -1 (none given) gives
 * max_s. min_s <= max_s. */
long cache_control_refresh_after(long max_age, long min_s, long max_s);

#endif
