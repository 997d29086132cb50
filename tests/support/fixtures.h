/*
 * Helpers for the integration tests: the environment scripts/test.sh provides, tokens
 * (valid and hostile), unique test data for tests that run in parallel processes, and
 * small API calls with the assertions every suite repeats.
 */
#ifndef FREMDRIFT_FIXTURES_H
#define FREMDRIFT_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "http_client.h"

/* .timeout of every test that talks to the service, in seconds. */
#define FX_TIMEOUT 30

/* Municipalities (kommunenumre) the suites share: Copenhagen and Vejle. */
#define FX_MUNICIPALITY "101"
#define FX_OTHER_MUNICIPALITY "751"

#define FX_UUID_LEN 37

/* ---- environment ---- */

/* Value of the environment variable name; fails the test when it is unset or empty. The
 * string belongs to the environment. */
const char *fx_env(const char *name);

/* "$FREMDRIFT_TEST_STATE/relative" in a malloc'd string the caller frees. */
char *fx_state_path(const char *relative);

/* The checkout the tests run from: FREMDRIFT_TEST_STATE is <repo>/var/<name>. Malloc'd,
 * the caller frees it. */
char *fx_repo_root(void);

/* A token setting (FREMDRIFT_JWT_ISSUERS, FREMDRIFT_JWT_AUDIENCE): from the environment,
 * else from $FREMDRIFT_TEST_STATE/service.env. Only the first item of a comma-separated
 * list is written to out. Fails the test when neither has it. */
void fx_setting(const char *name, char *out, size_t cap);

/* ---- tokens (every returned token is malloc'd; the caller frees it with free()) ---- */

enum fx_alg { FX_ES256, FX_RS256 };

/* Claims of a valid token: iss, aud, sub, role, iat = now and exp = now + 600, plus
 * municipality and cpr when not NULL. A NULL role leaves the claim out. The caller
 * json_decref's the result. */
json_t *fx_claims(const char *role, const char *sub, const char *municipality, const char *cpr);

/* Signs claims (left owned by the caller) with the development key of alg, kid
 * dev-es256 or dev-rs256, as an identity provider would. */
char *fx_sign(json_t *claims, enum fx_alg alg);

/* A valid ES256 token. */
char *fx_token(const char *role, const char *sub, const char *municipality, const char *cpr);

/* Tokens the service must refuse with 401. All of them name a configured kid unless
 * the kind says otherwise, and are valid caseworker tokens of FX_MUNICIPALITY but for
 * the one fault. */
enum fx_bad_token {
    FX_BAD_OTHER_KEY,            /* ES256 by a freshly generated key, kid dev-es256 */
    FX_BAD_TAMPERED,             /* a valid token whose payload was changed after signing */
    FX_BAD_ALG_NONE,             /* alg none, empty signature, kid dev-es256 */
    FX_BAD_HS256_PUBLIC_KEY,     /* HS256 with the RS256 public key PEM as secret, kid dev-rs256 */
    FX_BAD_UNKNOWN_KID,          /* signed by the dev key but naming a kid nobody configured */
    FX_BAD_EXPIRED,              /* exp 120 s ago: beyond the 60 s skew */
    FX_BAD_NOT_YET_VALID,        /* nbf 300 s ahead */
    FX_BAD_WRONG_ISSUER,
    FX_BAD_WRONG_AUDIENCE,
    FX_BAD_NO_ROLE,
    FX_BAD_UNKNOWN_ROLE,
    FX_BAD_STAFF_NO_MUNICIPALITY,
    FX_BAD_CITIZEN_NO_CPR,
    FX_BAD_COUNT
};

/* One hostile token of the given kind; *what names it for assertion messages. */
char *fx_bad_token(enum fx_bad_token kind, const char **what);

/* Signs claims with an in-memory PEM key: alg "none" (key NULL), "HS256" (key is the
 * secret) or "ES256"/"RS256" (a private key). libjwt, not the service's signer, so it
 * can build what the signer refuses to. */
char *fx_sign_raw(json_t *claims, const char *alg, const char *kid, const unsigned char *key,
                  size_t key_len);

/* The decoded JOSE header of a compact token; the caller json_decref's it. */
json_t *fx_token_header(const char *token);

/* ---- unique test data ---- */

uint64_t fx_random_u64(void);

/* A CPR number nobody else in this run uses: a real DDMMYY birth date from 1900-1999, 7th
 * digit 0-3 (the century rule's 1900s), three random digits. */
void fx_random_cpr(char out[11]);

/* prefix-<16 hex digits>: a staff subject or request id no other test uses. */
void fx_unique(const char *prefix, char *out, size_t cap);

/* ---- actors: a token holder for one test ---- */

struct fx_actor {
    char role[16];
    char sub[64];
    char municipality[4];       /* staff only */
    char cpr[11];               /* citizens only */
    char *token;                /* ES256; owned by the actor */
};

/* A staff member with a fresh subject. Free with fx_actor_free. */
void fx_staff(struct fx_actor *a, const char *role, const char *municipality);

/* A citizen whose token carries cpr. Free with fx_actor_free. */
void fx_citizen(struct fx_actor *a, const char *cpr);

void fx_actor_free(struct fx_actor *a);

/* ---- calls ---- */

/* One request as a (NULL: no token), with body (consumed: json_decref'd here, may be
 * NULL) and extra headers. Fails the test when no well-formed response arrives. The
 * caller frees out with http_response_free. Returns out->status. */
int fx_call(const char *method, const char *path, const struct fx_actor *a, json_t *body,
            const struct http_header *extra, size_t n_extra, struct http_response *out);

/* The body as JSON; fails the test when it is not. The caller json_decref's it. */
json_t *fx_body(const struct http_response *r);

/* Fails the test unless r has this status (the message shows the body). */
void fx_assert_status(const struct http_response *r, int status);

/* Fails the test unless r is an RFC 9457 problem+json document with this status:
 * the media type, and type, title and status members that agree with the response. */
void fx_assert_problem(const struct http_response *r, int status);

/* Fails the test unless r is a 4xx problem (never a 5xx, never a crash). */
void fx_assert_client_problem(const struct http_response *r);

/* Fails the test unless the problem's errors[] has an entry whose pointer is pointer. */
void fx_assert_error_pointer(const struct http_response *r, const char *pointer);

/* Fails the test unless GET /healthz answers 200: the service survived what came before. */
void fx_assert_alive(void);

/* ---- the API ---- */

/* Registers cpr as staff and writes the citizen id; returns the status (200 or 201,
 * anything else fails the test). */
int fx_register_citizen(const struct fx_actor *staff, const char *cpr, char id[FX_UUID_LEN]);

/* A fresh random citizen registered by staff: writes its CPR and id. */
void fx_new_citizen(const struct fx_actor *staff, char cpr[11], char id[FX_UUID_LEN]);

/* Creates a case for citizen_id as staff with target group tg (NULL: jobparat) since
 * 2025-03-01 and benefit kontanthjaelp from the same day; caseworker is the creator.
 * Asserts 201 and writes the id. */
void fx_create_case(const struct fx_actor *staff, const char *citizen_id, const char *tg,
                    char id[FX_UUID_LEN]);

/* Milliseconds of CLOCK_MONOTONIC, for bounded polling. */
long long fx_now_ms(void);

/* Sleeps ms milliseconds; only between polls of a bounded wait. */
void fx_pause_ms(int ms);

/* ---- dates ---- */

/* Today's civil date in Denmark ("YYYY-MM-DD"): UTC plus one hour, two during EU summer
 * time (last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC). Written
 * here rather than taken from the service so that the tests do not trust its calendar. */
void fx_today(char out[11]);

/* date ("YYYY-MM-DD") plus days (may be negative) in out. */
void fx_date_add(const char *date, int days, char out[11]);

/* date ("YYYY-MM-DD") as a Danish letter writes it: "18. januar 2027". */
void fx_danish_date(const char *date, char out[32]);

/* ---- more actors ---- */

/* A national actor (the appeals board, role "appeals_board"): a token with no
 * municipality claim. Free with fx_actor_free. */
void fx_national(struct fx_actor *a, const char *role);

/* A random municipality code in [lo, hi] (both 3 digits), for a test that needs exact
 * counts in a municipality no other test uses. */
void fx_random_municipality(int lo, int hi, char out[4]);

/* A fresh citizen registered by staff with a case (fx_create_case, jobparat). */
void fx_new_case(const struct fx_actor *staff, char cpr[11], char citizen_id[FX_UUID_LEN],
                 char case_id[FX_UUID_LEN]);

/* ---- decisions ---- */

/* The body of a draft with every element an issue needs: subject, applied_for,
 * legal_basis [las_11, lsp_17] with a note, facts, reasons, hearing not_needed with a
 * reason, and hours_per_week 15.5 when kind is fleksjob. outcome NULL leaves it out. The
 * caller owns the result (fx_create_decision consumes it). */
json_t *fx_decision_body(const char *case_id, const char *kind, const char *outcome);

/* POST /v1/decisions as staff with body (consumed); asserts 201 and writes the id. */
void fx_create_decision(const struct fx_actor *staff, json_t *body, char id[FX_UUID_LEN]);

/* fx_create_decision(fx_decision_body(case_id, kind, outcome)). */
void fx_draft_decision(const struct fx_actor *staff, const char *case_id, const char *kind,
                       const char *outcome, char id[FX_UUID_LEN]);

/* POST /v1/decisions/{id}/issue with the current ETag (read first) and notified_on (NULL:
 * an empty body, i.e. today); asserts 200 and returns the issued document, which the
 * caller json_decref's. */
json_t *fx_issue_decision(const struct fx_actor *staff, const char *id, const char *notified_on);

/* A draft made with fx_draft_decision and issued with notified_on; writes its id. */
void fx_issued_decision(const struct fx_actor *staff, const char *case_id, const char *kind,
                        const char *outcome, const char *notified_on, char id[FX_UUID_LEN]);

/* GET /v1/decisions/{id} as a; asserts 200 and an ETag equal to the version. The caller
 * json_decref's the document. */
json_t *fx_get_decision(const struct fx_actor *a, const char *id);

/* ---- appeals ---- */

/* POST /v1/appeals as a. A citizen sends {decision_id} (received_on and channel must be
 * NULL); staff also received_on and channel. grounds may be NULL. Asserts 201 and writes
 * the id. */
void fx_file_appeal(const struct fx_actor *a, const char *decision_id, const char *received_on,
                    const char *channel, const char *grounds, char id[FX_UUID_LEN]);

/* GET /v1/appeals/{id} as a; asserts 200 and an ETag equal to the version. The caller
 * json_decref's it. */
json_t *fx_get_appeal(const struct fx_actor *a, const char *id);

/* POST /v1/appeals/{id}/<action> as a with If-Match set to the version a reads first;
 * body is consumed. The caller frees out. Returns out->status. */
int fx_appeal_step(const struct fx_actor *a, const char *id, const char *action, json_t *body,
                   struct http_response *out);

/* Reconsideration as staff: outcome, reconsidered_on, new_decision_id and statement (NULL:
 * left out). Asserts 200; returns the appeal document (caller json_decref's). */
json_t *fx_reconsider(const struct fx_actor *staff, const char *id, const char *outcome, const char *on,
                      const char *new_decision_id, const char *statement);

/* Ruling as the board with outcome and ruled_on. Asserts 200; returns the document. */
json_t *fx_rule(const struct fx_actor *board, const char *id, const char *outcome, const char *on);

/* ---- more assertions ---- */

/* The "version" member of doc as an If-Match value ("\"N\""). */
void fx_if_match(json_t *doc, char out[24]);

/* Fails unless r is a 409 invalid-state problem whose state member is state. */
void fx_assert_state(const struct http_response *r, const char *state);

/* Fails unless r is a 422 problem whose errors[] names exactly the pointers (each once,
 * in any order, each with a message). */
void fx_assert_error_pointers(const struct http_response *r, const char *const *pointers, size_t n);

/* Fails unless the string member key of doc equals want (want NULL: doc[key] is null). */
void fx_assert_member(json_t *doc, const char *key, const char *want);

/* Fails unless obj[key] is the integer want. */
void fx_assert_integer(json_t *obj, const char *key, long long want);

/* A reason for an exemption from requirements and sanctions, as a caseworker writes it. */
#define FX_EXEMPTION_REASON "Alvorlig sygdom i familien."

/* POST /v1/cases/{case_id}/exemptions as staff from from to to with reason; asserts 201
 * and writes the exemption's id to id (NULL: not kept). */
void fx_create_exemption(const struct fx_actor *staff, const char *case_id, const char *from, const char *to,
                         const char *reason, char id[FX_UUID_LEN]);

/* The auditor's access-log rows for resource_id (NULL: every row of the auditor's
 * municipality), every page; the caller json_decref's. */
json_t *fx_access_log_rows(const struct fx_actor *auditor, const char *resource_id);

/* Fails unless rows holds exactly one row with request_id, done by actor with action and
 * resource_type, naming citizen_id (NULL: not checked). */
void fx_assert_logged(json_t *rows, const char *request_id, const char *action, const char *resource_type,
                      const struct fx_actor *actor, const char *citizen_id);

/* The row for decision_id on a's remitted-decisions worklist, every page walked (a new
 * reference the caller json_decref's), or NULL when it is absent. A decision listed twice
 * fails the test. */
json_t *fx_worklist_row(const struct fx_actor *a, const char *decision_id);

/* ---- interventions, reviews, the plan, flags (issue 4) ---- */

/* date plus months (may be negative) as PostgreSQL's `date + interval 'N months'` counts:
 * the day is clamped to the last day of the month it lands in (2024-02-29 + 12 months is
 * 2025-02-28). */
void fx_date_add_months(const char *date, int months, char out[11]);

/* A target group in force on date (jobparat until the 2027 reform, then jobhjaelpsgruppe),
 * and a legal provision in force on date that an overall decision on employment
 * interventions may cite (lab_kap_10_12, then lov_1750_2025). Static strings. */
const char *fx_target_group_on(const char *date);
const char *fx_provision_on(const char *date);

/* POST /v1/cases for citizen_id with target group fx_target_group_on(target_group_since)
 * since target_group_since, and benefit (a code) from benefit_start; the creator is the
 * caseworker. Asserts 201 and writes the id. */
void fx_create_case_dated(const struct fx_actor *staff, const char *citizen_id, const char *target_group_since,
                          const char *benefit, const char *benefit_start, char id[FX_UUID_LEN]);

/* GET /v1/cases/{id} as a; asserts 200. The caller json_decref's it. */
json_t *fx_get_case(const struct fx_actor *a, const char *case_id);

/* POST /v1/cases/{case_id}/interventions {type, requested_on, hours_per_week if > 0} as
 * staff; asserts 201 and writes the id. */
void fx_create_intervention(const struct fx_actor *staff, const char *case_id, const char *type,
                            const char *requested_on, double hours_per_week, char id[FX_UUID_LEN]);

/* GET /v1/interventions/{id} as a; asserts 200 and an ETag equal to the version. The
 * caller json_decref's it. */
json_t *fx_get_intervention(const struct fx_actor *a, const char *id);

/* POST /v1/interventions/{id}/<action> as a with If-Match set to the version a reads
 * first; body is consumed. The caller frees out. Returns out->status. */
int fx_intervention_step(const struct fx_actor *a, const char *id, const char *action, json_t *body,
                         struct http_response *out);

/* Starts the intervention on started_on; asserts 200 and returns the document (the caller
 * json_decref's it). */
json_t *fx_start_intervention(const struct fx_actor *staff, const char *id, const char *started_on);

/* POST /v1/cases/{case_id}/reviews {meeting_on} as staff; asserts 201 and writes the id. */
void fx_schedule_review(const struct fx_actor *staff, const char *case_id, const char *meeting_on,
                        char id[FX_UUID_LEN]);

/* GET /v1/reviews/{id} as a; asserts 200 and an ETag equal to the version. The caller
 * json_decref's it. */
json_t *fx_get_review(const struct fx_actor *a, const char *id);

/* method /v1/reviews/{id}<suffix> (suffix NULL: the review itself, e.g. PATCH) as a, with
 * If-Match set to the version a reads first; body is consumed. The caller frees out.
 * Returns out->status. */
int fx_review_write(const struct fx_actor *a, const char *method, const char *id, const char *suffix, json_t *body,
                    struct http_response *out);

/* fx_review_write asserting 200; returns the review document (the caller json_decref's). */
json_t *fx_review_ok(const struct fx_actor *a, const char *method, const char *id, const char *suffix,
                     json_t *body);

/* What fx_fill_review writes, so that tests can compare. */
#define FX_SITUATION "Borgeren er i praktik tre dage om ugen og har fået bedre struktur i hverdagen."
#define FX_WISHES "Jeg vil gerne arbejde i en butik."
#define FX_BARRIERS "Jeg har svært ved at møde tidligt på grund af min medicin."
#define FX_CAPACITY "Kan arbejde 15 timer om ugen med skånehensyn."
#define FX_PLACEMENT_NOTE "Målgruppe og ydelse passer til din situation."
#define FX_RECOMMENDATION "Sagsbehandleren anbefaler at fortsætte med virksomhedspraktik."
#define FX_FOLLOW_UP_1 "Opfølgning på praktikken"
#define FX_FOLLOW_UP_2 "Status på helbred og trivsel"
#define FX_PLANNED_TYPE "virksomhedspraktik"
/* WHO-5 items 3+4+2+5+1 = 15, score 60. */
#define FX_WHO5_ITEMS {3, 4, 2, 5, 1}
#define FX_WHO5_SCORE 60
/* Ratings: life_mastery, health, labour_market_distance. */
#define FX_RATINGS_CASEWORKER {3, 2, 4}
#define FX_RATINGS_CITIZEN {2, 3, 5}

/* The sections a review must have before it can be completed, each by the JSON Pointer
 * the 422 of POST /complete names when it is missing. */
enum fx_section {
    FX_SEC_CURRENT_SITUATION,       /* /sections/status/current_situation */
    FX_SEC_OWN_ASSESSMENT,          /* /sections/own_assessment */
    FX_SEC_WORK_CAPACITY,           /* /sections/work_capacity */
    FX_SEC_OVERALL_DECISION,        /* /sections/overall_decision */
    FX_SEC_FOLLOW_UP_PLAN,          /* /sections/follow_up_plan */
    FX_SEC_WHO5,                    /* /sections/indicators/who5 */
    FX_SEC_RATINGS_CASEWORKER,      /* /sections/indicators/ratings/caseworker */
    FX_SEC_RATINGS_CITIZEN,         /* /sections/indicators/ratings/citizen */
    FX_SEC_COUNT
};
#define FX_SEC_BIT(s) (1u << (s))
#define FX_SEC_ALL ((1u << FX_SEC_COUNT) - 1u)

/* The JSON Pointer of a section (static string). */
const char *fx_section_pointer(enum fx_section s);

/* Section bodies as PATCH /v1/reviews/{id} takes them; the caller owns each result.
 * work_capacity: FX_CAPACITY, medium risk, target group and benefit right, and
 * ressourceforloeb_assessed true when meeting_on is before 2027-01-01 (null after).
 * overall_decision: interventions, one FX_PLANNED_TYPE starting planned_start, citing
 * fx_provision_on(meeting_on). follow_up_plan: FX_FOLLOW_UP_1 on meeting_on + 30 days and
 * FX_FOLLOW_UP_2 on meeting_on + 90 days. */
json_t *fx_work_capacity_body(const char *meeting_on);
json_t *fx_overall_interventions_body(const char *meeting_on, const char *planned_start);
json_t *fx_follow_up_body(const char *meeting_on);

/* PUT /v1/reviews/{id}/who5 {items} as a; asserts 200 and returns the review. */
json_t *fx_put_who5(const struct fx_actor *a, const char *id, const int items[5]);

/* PUT /v1/reviews/{id}/ratings as a: staff send {by: "caseworker", ...}, a citizen only the
 * three ratings (life_mastery, health, labour_market_distance in r). Asserts 200 and
 * returns the review. */
json_t *fx_put_ratings(const struct fx_actor *a, const char *id, const int r[3]);

/* Writes the sections in mask (FX_SEC_BIT of each) with the FX_* contents above, the
 * review's meeting on meeting_on and its planned intervention on planned_start: the own
 * assessment, WHO-5 and the citizen's ratings with citizen's token (citizen NULL: staff
 * on the citizen's behalf), the rest as staff. recommendation and citizen_present (true)
 * are always written. */
void fx_fill_review(const struct fx_actor *staff, const struct fx_actor *citizen, const char *id,
                    const char *meeting_on, const char *planned_start, unsigned mask);

/* POST /v1/reviews/{id}/complete as staff with the current If-Match; asserts 200 and
 * returns the completed review (the caller json_decref's). */
json_t *fx_complete_review(const struct fx_actor *staff, const char *id);

/* A review scheduled on today, every section filled (citizen as fx_fill_review takes
 * it) and completed; writes its id and returns the completed review. */
json_t *fx_completed_review(const struct fx_actor *staff, const struct fx_actor *citizen, const char *case_id,
                            char id[FX_UUID_LEN]);

/* The flag with code in a flags array (a borrowed reference), or NULL. Two flags of one
 * code fail the test unless allow_many. */
json_t *fx_find_flag(json_t *flags, const char *code, int allow_many);

/* GET /v1/flags?code=code&caseworker=caseworker as a, every page walked; returns the rows
 * (a new array the caller json_decref's). */
json_t *fx_flag_rows(const struct fx_actor *a, const char *code, const char *caseworker);

/* ---- past dates the API cannot make: written as the schema owner ---- */

/* Runs one statement with params as the schema owner (FREMDRIFT_MIGRATION_DATABASE_URL;
 * the owner bypasses row-level security) and fails unless it changes exactly one row. Only
 * for dates in the past that no API call can produce. */
void fx_owner_update_one(const char *sql, int n, const char *const *params);

/* An intervention as if requested on requested_on and started on started_on. */
void fx_backdate_intervention(const char *id, const char *requested_on, const char *started_on);

/* A completed review as if its meeting was held and it was completed on completed_on. */
void fx_backdate_review(const char *id, const char *completed_on);

/* ---- integration and data protection (issue 5) ---- */

/*
 * Municipality codes for tests that need exact figures or a feed of their own. Every code
 * in 900-998 is already some test's range (appeal_stats 900-929, 930-949 and 950-979;
 * decisions and interventions 980-998), so the issue-5 suites use 861-899, which no real
 * municipality has (the last kommunenummer is 860), each test a range of its own (see
 * the suite files for the split):
 *   events 861-869, worklists 870-877, caseload 878-883, my_data 884-887,
 *   progress_stats 888-899.
 */

/* GET path as a; asserts 200 and returns the body, which the caller json_decref's. */
json_t *fx_get_json(const struct fx_actor *a, const char *path);

/* A CPR number nobody else in this run uses, of someone born in year (1900-2036): the
 * seventh digit follows the century rule (0-3 for 1900-1999, 4 for 2000-2036). */
void fx_random_cpr_born(int year, char out[11]);

/* POST /v1/cases/{id}/close as staff with the current If-Match and a reason; asserts 200. */
void fx_close_case(const struct fx_actor *staff, const char *case_id);

/* Every row of GET /v1/worklists/{name} as a, filtered by caseworker (NULL: no filter),
 * walked page by page with limit. Fails unless each page holds at most limit rows, the rows
 * come in (since, resource_id) order and no resource is listed twice. The caller
 * json_decref's the array. */
json_t *fx_worklist_rows(const struct fx_actor *a, const char *name, const char *caseworker, int limit);

/* The first element of the array rows whose string member key equals value (borrowed), or
 * NULL; a second one fails the test. */
json_t *fx_find_row(json_t *rows, const char *key, const char *value);

/* ---- the database directly, through libpq ---- */

/* A connection as the service's role (FREMDRIFT_DATABASE_URL; subject to row-level
 * security) or as the schema owner (FREMDRIFT_MIGRATION_DATABASE_URL), the password from
 * PGPASSFILE. Fails the test when it cannot connect; the caller PQfinish'es it. */
PGconn *fx_pg_service(void);
PGconn *fx_pg_owner(void);

/* Runs sql with params on c; fails unless it succeeds. The caller PQclear's the result. */
PGresult *fx_pg_ok(PGconn *c, const char *sql, int n, const char *const *params);

/* The first column of the only row sql returns, as a number (NULL fails the test). */
long long fx_pg_value(PGconn *c, const char *sql, int n, const char *const *params);

/* BEGIN on c and the claims the service sets for such a caller, local to the transaction
 * (set_config of fremdrift.role, .sub and .municipality). */
void fx_pg_begin_as(PGconn *c, const char *role, const char *sub, const char *municipality);

/* fx_pg_value and a statement's count of changed rows, as the schema owner on a
 * connection of their own. Only for facts and past dates no API call can give or make. */
long long fx_owner_value(const char *sql, int n, const char *const *params);
long long fx_owner_exec(const char *sql, int n, const char *const *params);

/* Runs <repo>/<BUILD>/asan/fremdrift purge with the default retention periods, except
 * FREMDRIFT_EVENT_RETENTION_DAYS=event_days when that is not NULL (its stderr, where a
 * sanitizer would report, goes to the suite's log), and waits up to 60 s; returns its exit
 * status, or -1 when it did not end in time. Only in the serial resilience phase: a purge
 * deletes old data of every test. */
int fx_run_purge(const char *event_days);

/* A draft decision as if it had been created at noon (Copenhagen) on created_on. */
void fx_backdate_decision_created(const char *id, const char *created_on);

#endif
