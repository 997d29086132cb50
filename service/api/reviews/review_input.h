/* What a request about an annual review (fremdriftsgaranti) says, read field by field: the
 * sections a PATCH sets, the citizen's own assessment, the WHO-5 answers and the ratings
 * checked against the scales the `indicator` reference rows document (no scale lives in
 * C), and everything a review still lacks before it can be completed. Pure: the caller
 * reads the database (scales, what is in force) and passes it in. */
#ifndef FREMDRIFT_REVIEW_INPUT_H
#define FREMDRIFT_REVIEW_INPUT_H

#include <jansson.h>
#include <stddef.h>

#include "law/calendar.h"

struct check;

#define REVIEW_CODE_MAX 60
#define REVIEW_MAX_SCALES 16
/* The most items a questionnaire's reference row may declare. */
#define REVIEW_MAX_ITEMS 32
#define REVIEW_MAX_INTERVENTIONS 20
#define REVIEW_MAX_FOLLOW_UPS 50

/* One indicator's scale as its reference row documents it. A rating has items 0 and a
 * value in [min, max]; a questionnaire (WHO-5) has `items` answers in [item_min, item_max]
 * and a score of their sum times multiplier, in [min, max]. */
struct review_scale {
    char code[REVIEW_CODE_MAX + 1];
    long min;
    long max;
    long items;
    long item_min;
    long item_max;
    long multiplier;
};

/* The indicators in force on a review's meeting date: the WHO-5 questionnaire (the row of
 * code who5) and every rating (each row without items). */
struct review_scales {
    struct review_scale who5;
    int has_who5;
    struct review_scale ratings[REVIEW_MAX_SCALES];
    size_t n_ratings;
};

/* Reads the scale of indicator code from its reference attributes into out. Returns 0, or
 * -1 when the row documents no usable scale (bounds missing or not integers, min not below
 * max, a questionnaire whose documented score range is not what its items give). */
int review_scale_read(const char *code, const json_t *attributes, struct review_scale *out);

/* Adds indicator code to s: the WHO-5 questionnaire, a rating, or nothing for another
 * questionnaire. Returns 0, or -1 when its scale is unusable or s is full. */
int review_scales_add(struct review_scales *s, const char *code, const json_t *attributes);

/* The questionnaire's score of n answers: their sum times the multiplier. */
long review_who5_score(const struct review_scale *who5, const long *items, size_t n);

/* 1 when s is an RFC 3339 date-time with a time zone (2026-11-25T09:30:00+01:00, …Z,
 * optional fraction of a second); *unix_seconds is then the instant it names. */
int review_parse_timestamp(const char *s, long long *unix_seconds);

/* What a section is checked against: today, the meeting date, whether the decision kind
 * ressourceforloeb is in force on it (then work_capacity.ressourceforloeb_assessed is
 * required; otherwise it must stay null), and the least number of days a hearing gives
 * the citizen to answer without an urgency reason. */
struct review_context {
    struct cal_date today;
    struct cal_date meeting_on;
    int ressourceforloeb;
    int hearing_min_days;
};

/* The members a PATCH body names. */
enum {
    REVIEW_SET_CURRENT_SITUATION = 1u << 0,
    REVIEW_SET_WORK_CAPACITY = 1u << 1,
    REVIEW_SET_OVERALL_DECISION = 1u << 2,
    REVIEW_SET_FOLLOW_UP_PLAN = 1u << 3,
    REVIEW_SET_RECOMMENDATION = 1u << 4,
    REVIEW_SET_CITIZEN_PRESENT = 1u << 5,
};

/* A PATCH body after the checks: each member it names replaces the stored one, null
 * clears it. Texts and objects are borrowed from the body. */
struct review_patch {
    unsigned set;                   /* REVIEW_SET_* */
    const char *current_situation;  /* NULL: cleared */
    const char *recommendation;
    json_t *work_capacity;
    json_t *overall_decision;
    json_t *follow_up_plan;
    int citizen_present;            /* -1: cleared, else 0 or 1 */
};

/* Reads the PATCH body c->obj: every member's shape (a section may be saved unfinished;
 * completion asks for what is missing), dates against the meeting, and
 * ressourceforloeb_assessed against ctx. The intervention types the overall decision names
 * are checked only as codes: the caller resolves them. Errors go to c under its prefix. */
void review_read_patch(struct check *c, const struct review_context *ctx, struct review_patch *out);

/* Reads a PUT own-assessment body: wishes and barriers, both required. */
void review_read_own_assessment(struct check *c, const char **wishes, const char **barriers);

/* Reads a PUT who5 body {items: [...]}: exactly who5->items integers, each within
 * [item_min, item_max], into items (room for REVIEW_MAX_ITEMS). */
void review_read_who5(struct check *c, const struct review_scale *who5, long *items);

/* Reads a PUT ratings body: `by`, whose ratings they are (caseworker or citizen; staff
 * must name it, a citizen_caller may leave it out, meaning citizen), and one integer per
 * rating of s within its scale. Returns the ratings as a new object {code: value} in the
 * order of s (the caller json_decref()s it), or NULL when c holds errors. *by is the rater
 * named (NULL when invalid): a citizen naming caseworker is the caller's to refuse. */
json_t *review_read_ratings(struct check *c, const struct review_scales *s, int citizen_caller, const char **by);

/* 1 when the review's placement decision grants: work_capacity says both the target group
 * and the benefit are right. */
int review_placement_granted(const json_t *work_capacity);

/* 1 when the overall decision of sections says no interventions. */
int review_no_interventions(const json_t *sections);

/* 1 when a decision the review issues is adverse (the placement refused, or no
 * interventions), the citizen did not take part in the meeting, and so the review must
 * carry its own record of the hearing. */
int review_needs_hearing(const json_t *doc);

/* Records in c every element the review document doc (review_document()) lacks before
 * completion, each as a JSON Pointer into the document: the meeting not yet held, each
 * section, each required member of a section, the hearing an adverse decision needs. */
void review_check_complete(struct check *c, const json_t *doc, const struct review_context *ctx);

#endif
