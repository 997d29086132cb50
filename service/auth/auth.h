/* Authentication: the check of an Authorization header against the key ring
 * (auth/keyring.h). The token rules themselves live in token.c. */
#ifndef FREMDRIFT_AUTH_H
#define FREMDRIFT_AUTH_H

#include "auth/keyring.h"
#include "auth/token.h"

/* Verifies "Bearer <token>" (authorization may be NULL) against the current keys. */
enum token_result auth_verify(struct keyring *k, const struct token_policy *policy,
                              const char *authorization, struct claims *out);

#endif
