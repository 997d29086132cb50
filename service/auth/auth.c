/* Bearer-token extraction; the key ring does the rest. */
#include "auth/auth.h"

#include <strings.h>

enum token_result auth_verify(struct keyring *k, const struct token_policy *policy,
                              const char *authorization, struct claims *out)
{
    const char *token = NULL;
    if (authorization && strncasecmp(authorization, "Bearer ", 7) == 0) {
        token = authorization + 7;
        while (*token == ' ')
            token++;
    }
    return keyring_verify(k, policy, token, out);
}
