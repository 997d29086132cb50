/* Reads the role out of a token under an issuer's claim names. */
#include "auth/claim_map.h"

#include <stdio.h>
#include <string.h>

#include "auth/roles.h"

const struct claim_map claim_map_default = {
    .role = "",
    .role_claim = "role",
    .allowed_roles = ROLES_ANY,
    .cpr_claim = "cpr",
    .municipality_claim = "municipality",
};

static const char *const map_members[] = {
    "role", "role_claim", "roles", "cpr_claim", "municipality_claim",
};

int claim_map_role(const struct claim_map *map, json_t *claims, char role[16])
{
    json_t *value = map->role_claim[0] ? json_object_get(claims, map->role_claim) : NULL;
    const char *found = NULL;

    role[0] = '\0';
    if (value == NULL) {
        found = map->role[0] ? map->role : NULL;
    } else if (json_is_string(value)) {
        found = json_string_value(value);
        if (role_bit(found) == 0)
            return -1;
    } else if (json_is_array(value)) {
        size_t i;
        json_t *v;
        json_array_foreach(value, i, v) {
            if (!json_is_string(v))
                return -1;
            if (role_bit(json_string_value(v)) == 0)
                continue;
            if (found != NULL)
                return -1;
            found = json_string_value(v);
        }
    } else {
        return -1;
    }
    if (found == NULL || (role_bit(found) & map->allowed_roles) == 0 || strlen(found) >= 16)
        return -1;
    strcpy(role, found);
    return 0;
}

static int copy_name(json_t *obj, const char *member, char *dst, size_t cap, char *err,
                     size_t errlen)
{
    json_t *v = json_object_get(obj, member);
    const char *s = json_string_value(v);

    if (v == NULL)
        return 0;
    if (s == NULL || s[0] == '\0' || strlen(s) >= cap) {
        snprintf(err, errlen, "%s must be a claim name of 1..%zu characters", member, cap - 1);
        return -1;
    }
    strcpy(dst, s);
    return 0;
}

int claim_map_from_json(json_t *obj, struct claim_map *map, char *err, size_t errlen)
{
    const char *name;
    json_t *value, *roles;

    *map = claim_map_default;
    json_object_foreach(obj, name, value) {
        size_t i = 0;
        while (i < sizeof(map_members) / sizeof(map_members[0]) && strcmp(name, map_members[i]) != 0)
            i++;
        if (i == sizeof(map_members) / sizeof(map_members[0])) {
            snprintf(err, errlen, "unknown member \"%.64s\"", name);
            return -1;
        }
    }
    value = json_object_get(obj, "role");
    if (value != NULL) {
        if (!json_is_string(value) || role_bit(json_string_value(value)) == 0) {
            snprintf(err, errlen, "role must name a role (citizen, caseworker, team_lead, "
                                  "integration, appeals_board, auditor)");
            return -1;
        }
        strcpy(map->role, json_string_value(value));
        /* A fixed role alone: nothing in the token can change it. */
        if (json_object_get(obj, "role_claim") == NULL)
            map->role_claim[0] = '\0';
    }
    if (copy_name(obj, "role_claim", map->role_claim, sizeof(map->role_claim), err, errlen) != 0
        || copy_name(obj, "cpr_claim", map->cpr_claim, sizeof(map->cpr_claim), err, errlen) != 0
        || copy_name(obj, "municipality_claim", map->municipality_claim,
                     sizeof(map->municipality_claim), err, errlen) != 0)
        return -1;
    roles = json_object_get(obj, "roles");
    if (roles != NULL) {
        size_t i;
        json_t *v;
        if (!json_is_array(roles) || json_array_size(roles) == 0) {
            snprintf(err, errlen, "roles must be a non-empty array of role names");
            return -1;
        }
        map->allowed_roles = 0;
        json_array_foreach(roles, i, v) {
            unsigned bit = role_bit(json_string_value(v));
            if (bit == 0) {
                snprintf(err, errlen, "roles[%zu] is not a role name", i);
                return -1;
            }
            map->allowed_roles |= bit;
        }
    } else if (map->role[0] && !map->role_claim[0]) {
        map->allowed_roles = role_bit(map->role);
    }
    if (map->role[0] && (role_bit(map->role) & map->allowed_roles) == 0) {
        snprintf(err, errlen, "role %s is not among roles", map->role);
        return -1;
    }
    return 0;
}
