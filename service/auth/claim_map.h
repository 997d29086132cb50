/*
 * How one issuer's token claims map to fremdrift's role, CPR and municipality: identity
 * providers do not all say `role`, `cpr` and `municipality` in those words.
 */
#ifndef FREMDRIFT_CLAIM_MAP_H
#define FREMDRIFT_CLAIM_MAP_H

#include <jansson.h>

#define CLAIM_NAME_MAX 127

struct claim_map {
    char role[16];                      /* role when role_claim is "" or absent, or "" */
    char role_claim[CLAIM_NAME_MAX + 1];    /* a string, or an array of strings; "" = none */
    unsigned allowed_roles;             /* bits of roles.h this issuer may grant */
    char cpr_claim[CLAIM_NAME_MAX + 1];
    char municipality_claim[CLAIM_NAME_MAX + 1];
};

/* The key file's issuers: `role`, `cpr` and `municipality`, every role allowed. */
extern const struct claim_map claim_map_default;

/*
 * The role the claims give under map, copied into role (a name of roles.h). From
 * role_claim when the token has it: a string naming a role, or an array in which exactly
 * one name is a role (names that are not roles are other applications' and ignored; two
 * roles are ambiguous and refused). Without that claim, map->role. The role must be in
 * allowed_roles. Returns 0, or -1 when no single allowed role follows.
 */
int claim_map_role(const struct claim_map *map, json_t *claims, char role[16]);

/*
 * Fills map from a JSON object {"role", "role_claim", "roles", "cpr_claim",
 * "municipality_claim"} (each optional; unknown members refused), starting from the
 * defaults: role_claim "role" unless `role` alone is given, every role allowed unless
 * `roles` lists them, claims `cpr` and `municipality`. Returns 0, or -1 with a message.
 */
int claim_map_from_json(json_t *obj, struct claim_map *map, char *err, size_t errlen);

#endif
