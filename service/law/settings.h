/* Municipal steering settings given as configuration text: processing deadlines per kind
 * of request (retssikkerhedsloven § 3) and the recommended caseload ranges. Pure parsing,
 * checked once at start-up, turned into the JSON the SQL functions take. */
#ifndef FREMDRIFT_SETTINGS_H
#define FREMDRIFT_SETTINGS_H

#include <stddef.h>

/* spec: "kind=days,…" defaults and "NNN:kind=days" overrides for one municipality. A kind
 * is application or intervention_request, alone or with a reference code after a dot
 * (application.fleksjob: applications decided by a fleksjob decision;
 * intervention_request.mentor: requests for a mentor), which then replaces the kind's
 * general deadline for those. Writes {"application": n, …} as they apply to municipality.
 * Returns 0, or -1 (with out = "{}") when spec is malformed or out too small. */
int settings_deadlines_json(const char *spec, const char *municipality, char *out, size_t cap);

/* Room for any deadlines JSON a valid spec gives: at most 32 keys of under 80 characters. */
#define SETTINGS_DEADLINES_JSON_MAX 4096

/* spec: "category=min-max,…" for young, adult, ressourceforloeb and job_ready, every one
 * required, min <= max, max > 0. Writes {"young": {"min": 35, "max": 50}, …}. 0 or -1. */
int settings_caseload_json(const char *spec, char *out, size_t cap);

#endif
