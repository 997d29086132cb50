/* Role names and the few facts that follow from a role alone. */
#include "auth/roles.h"

#include <string.h>

static const struct {
    const char *name;
    unsigned bit;
} roles[] = {
    {"citizen", ROLE_CITIZEN},
    {"caseworker", ROLE_CASEWORKER},
    {"team_lead", ROLE_TEAM_LEAD},
    {"integration", ROLE_INTEGRATION},
    {"appeals_board", ROLE_APPEALS_BOARD},
    {"auditor", ROLE_AUDITOR},
};

unsigned role_bit(const char *name)
{
    for (size_t i = 0; name && i < sizeof(roles) / sizeof(roles[0]); i++)
        if (strcmp(roles[i].name, name) == 0)
            return roles[i].bit;
    return 0;
}

int role_sees_full_cpr(unsigned role)
{
    return (role & (ROLE_CITIZEN | ROLE_CASEWORKER)) != 0;
}
