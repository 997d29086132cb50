/* The roles a token can carry, as bits so a route can list who may call it. */
#ifndef FREMDRIFT_ROLES_H
#define FREMDRIFT_ROLES_H

enum role {
    ROLE_CITIZEN = 1u << 0,
    ROLE_CASEWORKER = 1u << 1,
    ROLE_TEAM_LEAD = 1u << 2,
    ROLE_INTEGRATION = 1u << 3,
    ROLE_APPEALS_BOARD = 1u << 4,
    ROLE_AUDITOR = 1u << 5,
};

enum {
    ROLES_CASE_STAFF = ROLE_CASEWORKER | ROLE_TEAM_LEAD,
    ROLES_MUNICIPAL_STAFF = ROLE_CASEWORKER | ROLE_TEAM_LEAD | ROLE_INTEGRATION | ROLE_AUDITOR,
    ROLES_ANY = ROLE_CITIZEN | ROLE_CASEWORKER | ROLE_TEAM_LEAD | ROLE_INTEGRATION |
                ROLE_APPEALS_BOARD | ROLE_AUDITOR,
};

/* The bit for a role name, or 0 for an unknown name. */
unsigned role_bit(const char *name);

/* Whether a role is shown CPR numbers in full: the citizen their own, and the caseworkers
 * who act on the case. Everyone else sees DDMMYY-XXXX. */
int role_sees_full_cpr(unsigned role);

#endif
