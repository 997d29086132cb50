/* Every endpoint, who may call it, and what it needs from the pipeline. A role missing
 * here gets 403; rows a permitted role may not see are filtered by row-level security. */
#include "http/routes.h"

#include "api/handlers.h"
#include "auth/roles.h"
#include "http/health.h"
#include "http/portal.h"
#include "http/static.h"

static const char *const reference_query[] = {"on", NULL};
static const char *const case_list_query[] = {"caseworker", "target_group", "status", "citizen_id",
                                              "limit", "cursor", NULL};
static const char *const own_case_query[] = {"status", "limit", "cursor", NULL};
static const char *const access_log_query[] = {"citizen_id", "resource_id", "limit", "cursor", NULL};
static const char *const decision_list_query[] = {"case_id", "status", "kind", "limit", "cursor", NULL};
static const char *const appeal_list_query[] = {"status", "decision_id", "limit", "cursor", NULL};
static const char *const stats_query[] = {"municipality", "from", "to", NULL};
static const char *const page_query[] = {"limit", "cursor", NULL};
static const char *const status_page_query[] = {"status", "limit", "cursor", NULL};
static const char *const worklist_query[] = {"caseworker", "limit", "cursor", NULL};
static const char *const events_query[] = {"after", "limit", NULL};
static const char *const flag_list_query[] = {"code", "caseworker", "limit", "cursor", NULL};
/* The IdP's answer to the portal's sign-in arrives as the query of /portal/ (OAuth 2.0,
 * RFC 9207's iss); the page reads it. */
static const char *const sign_in_answer_query[] = {"code", "state", "iss", "session_state", "error",
                                                   "error_description", "error_uri", NULL};

const struct route routes[] = {
    {"GET", "/healthz", api_health_live, 0, ROUTE_NO_DB, 0, NULL},
    {"GET", "/readyz", api_health_ready, 0, ROUTE_NO_DB, 0, NULL},
    {"GET", "/metrics", api_health_metrics, 0, ROUTE_NO_DB, 0, NULL},
    {"GET", "/openapi.yaml", api_health_openapi, 0, ROUTE_NO_DB, 0, NULL},

    /* The citizen's page and the API docs page (embedded files; no token: the page signs
     * in itself, and calls the routes below with the citizen's token). */
    {"GET", "/portal", api_portal_redirect, 0, ROUTE_NO_DB, 0, NULL},
    {"GET", "/portal/", api_static_file, 0, ROUTE_NO_DB, 0, sign_in_answer_query},
    {"GET", "/portal/config.json", api_portal_config, 0, ROUTE_NO_DB, 0, NULL},
    {"GET", "/portal/{file}", api_static_file, 0, ROUTE_NO_DB, 0, NULL},
    {"GET", "/docs", api_static_file, 0, ROUTE_NO_DB, 0, NULL},
    {"GET", "/docs/", api_static_file, 0, ROUTE_NO_DB, 0, NULL},
    {"GET", "/docs/{file}", api_static_file, 0, ROUTE_NO_DB, 0, NULL},

    {"GET", "/v1/reference/{kind}", api_reference_list, ROLES_ANY, ROUTE_DB_READ, 0, reference_query},

    {"POST", "/v1/citizens", api_citizens_create, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"POST", "/v1/citizens/search", api_citizens_search, ROLES_CASE_STAFF | ROLE_AUDITOR, ROUTE_DB_READ, 1, NULL},
    {"GET", "/v1/citizens/{citizen_id}", api_citizens_get, ROLES_MUNICIPAL_STAFF, ROUTE_DB_READ, 0, NULL},

    {"POST", "/v1/cases", api_cases_create, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"GET", "/v1/cases", api_cases_list, ROLES_MUNICIPAL_STAFF, ROUTE_DB_READ, 0, case_list_query},
    {"GET", "/v1/cases/{case_id}", api_cases_get, ROLES_MUNICIPAL_STAFF | ROLE_CITIZEN, ROUTE_DB_READ, 0, NULL},
    {"PATCH", "/v1/cases/{case_id}", api_cases_update, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"POST", "/v1/cases/{case_id}/close", api_cases_close, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"GET", "/v1/cases/{case_id}/assignments", api_cases_assignments, ROLES_MUNICIPAL_STAFF, ROUTE_DB_READ, 0, NULL},

    {"GET", "/v1/me", api_me_citizen, ROLE_CITIZEN, ROUTE_DB_READ, 0, NULL},
    {"GET", "/v1/me/cases", api_cases_list, ROLE_CITIZEN, ROUTE_DB_READ, 0, own_case_query},
    {"GET", "/v1/me/access-log", api_me_access_log, ROLE_CITIZEN, ROUTE_DB_READ, 0, page_query},
    {"GET", "/v1/me/export", api_me_export, ROLE_CITIZEN, ROUTE_DB_READ, 0, NULL},

    {"POST", "/v1/decisions", api_decisions_create, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"GET", "/v1/decisions", api_decisions_list, ROLES_MUNICIPAL_STAFF | ROLE_CITIZEN, ROUTE_DB_READ, 0,
     decision_list_query},
    {"GET", "/v1/decisions/{decision_id}", api_decisions_get, ROLES_ANY, ROUTE_DB_READ, 0, NULL},
    {"PATCH", "/v1/decisions/{decision_id}", api_decisions_update, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"POST", "/v1/decisions/{decision_id}/issue", api_decisions_issue, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"GET", "/v1/decisions/{decision_id}/letter", api_decisions_letter, ROLES_ANY, ROUTE_DB_READ, 0, NULL},

    {"POST", "/v1/appeals", api_appeals_create, ROLES_CASE_STAFF | ROLE_CITIZEN, ROUTE_DB_WRITE, 1, NULL},
    {"GET", "/v1/appeals", api_appeals_list, ROLES_ANY, ROUTE_DB_READ, 0, appeal_list_query},
    {"GET", "/v1/appeals/{appeal_id}", api_appeals_get, ROLES_ANY, ROUTE_DB_READ, 0, NULL},
    {"POST", "/v1/appeals/{appeal_id}/reconsideration", api_appeals_reconsider, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1,
     NULL},
    {"POST", "/v1/appeals/{appeal_id}/ruling", api_appeals_rule, ROLE_APPEALS_BOARD, ROUTE_DB_WRITE, 1, NULL},
    {"POST", "/v1/appeals/{appeal_id}/suspensive-effect", api_appeals_suspensive_effect,
     ROLES_CASE_STAFF | ROLE_APPEALS_BOARD, ROUTE_DB_WRITE, 1, NULL},

    {"GET", "/v1/stats/appeals", api_stats_appeals, ROLES_CASE_STAFF | ROLE_AUDITOR | ROLE_APPEALS_BOARD,
     ROUTE_DB_READ, 0, stats_query},
    {"GET", "/v1/stats/progress", api_stats_progress, ROLES_CASE_STAFF | ROLE_AUDITOR, ROUTE_DB_READ, 0,
     stats_query},
    {"GET", "/v1/worklists/{name}", api_worklist, ROLES_CASE_STAFF, ROUTE_DB_READ, 0, worklist_query},
    {"GET", "/v1/caseload", api_caseload, ROLES_CASE_STAFF, ROUTE_DB_READ, 0, page_query},
    {"POST", "/v1/caseload/reassignments", api_caseload_reassign, ROLE_TEAM_LEAD, ROUTE_DB_WRITE, 1, NULL},

    {"POST", "/v1/cases/{case_id}/interventions", api_interventions_create, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"GET", "/v1/cases/{case_id}/interventions", api_interventions_list, ROLES_MUNICIPAL_STAFF | ROLE_CITIZEN,
     ROUTE_DB_READ, 0, status_page_query},
    {"GET", "/v1/interventions/{intervention_id}", api_interventions_get, ROLES_MUNICIPAL_STAFF | ROLE_CITIZEN,
     ROUTE_DB_READ, 0, NULL},
    {"POST", "/v1/interventions/{intervention_id}/start", api_interventions_start, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1,
     NULL},
    {"POST", "/v1/interventions/{intervention_id}/end", api_interventions_end, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"POST", "/v1/interventions/{intervention_id}/cancel", api_interventions_cancel, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1,
     NULL},
    {"POST", "/v1/interventions/{intervention_id}/progress", api_interventions_progress, ROLES_CASE_STAFF,
     ROUTE_DB_WRITE, 1, NULL},

    {"POST", "/v1/cases/{case_id}/exemptions", api_exemptions_create, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"GET", "/v1/cases/{case_id}/exemptions", api_exemptions_list, ROLES_MUNICIPAL_STAFF | ROLE_CITIZEN, ROUTE_DB_READ,
     0, page_query},

    {"GET", "/v1/cases/{case_id}/flags", api_case_flags, ROLES_MUNICIPAL_STAFF | ROLE_CITIZEN, ROUTE_DB_READ, 0, NULL},
    {"GET", "/v1/flags", api_flags_list, ROLES_CASE_STAFF, ROUTE_DB_READ, 0, flag_list_query},
    {"GET", "/v1/stats/waiting-times", api_stats_waiting_times, ROLES_CASE_STAFF | ROLE_AUDITOR, ROUTE_DB_READ, 0,
     stats_query},

    {"POST", "/v1/cases/{case_id}/reviews", api_reviews_create, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"GET", "/v1/cases/{case_id}/reviews", api_reviews_list, ROLES_MUNICIPAL_STAFF | ROLE_CITIZEN, ROUTE_DB_READ, 0,
     page_query},
    {"GET", "/v1/reviews/{review_id}", api_reviews_get, ROLES_MUNICIPAL_STAFF | ROLE_CITIZEN, ROUTE_DB_READ, 0, NULL},
    {"PATCH", "/v1/reviews/{review_id}", api_reviews_update, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"PUT", "/v1/reviews/{review_id}/own-assessment", api_reviews_own_assessment, ROLES_CASE_STAFF | ROLE_CITIZEN,
     ROUTE_DB_WRITE, 1, NULL},
    {"PUT", "/v1/reviews/{review_id}/who5", api_reviews_who5, ROLES_CASE_STAFF | ROLE_CITIZEN, ROUTE_DB_WRITE, 1, NULL},
    {"PUT", "/v1/reviews/{review_id}/ratings", api_reviews_ratings, ROLES_CASE_STAFF | ROLE_CITIZEN, ROUTE_DB_WRITE, 1,
     NULL},
    {"POST", "/v1/reviews/{review_id}/advice", api_reviews_advice, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},
    {"POST", "/v1/reviews/{review_id}/complete", api_reviews_complete, ROLES_CASE_STAFF, ROUTE_DB_WRITE, 1, NULL},

    {"GET", "/v1/cases/{case_id}/plan", api_case_plan, ROLES_MUNICIPAL_STAFF | ROLE_CITIZEN, ROUTE_DB_READ, 0, NULL},
    {"GET", "/v1/me/plan", api_me_plan, ROLE_CITIZEN, ROUTE_DB_READ, 0, NULL},

    /* A write: reading the feed numbers events, and the numbers must be durable before a
     * consumer sees them. */
    {"GET", "/v1/events", api_events_feed, ROLE_INTEGRATION | ROLE_AUDITOR, ROUTE_DB_WRITE, 0, events_query},

    {"GET", "/v1/access-log", api_access_log_list, ROLE_AUDITOR, ROUTE_DB_READ, 0, access_log_query},
};

const size_t n_routes = sizeof(routes) / sizeof(routes[0]);
