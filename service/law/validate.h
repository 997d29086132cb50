/* Field-by-field validation of JSON request bodies. A check collects every problem as
 * {pointer, message} so one 422 names all the fields at once. Messages never quote the
 * submitted value. */
#ifndef FREMDRIFT_VALIDATE_H
#define FREMDRIFT_VALIDATE_H

#include <jansson.h>
#include <stddef.h>

#include "law/calendar.h"

struct check {
    json_t *obj;            /* borrowed: the object being checked */
    json_t *errors;         /* owned until check_take_errors */
    char prefix[128];       /* JSON Pointer of obj; "" for the whole body */
};

enum text_kind { TEXT_LINE, TEXT_MULTILINE };

/* Results of the getters: present and valid, absent, or invalid (error recorded). */
enum { CHECK_INVALID = -1, CHECK_ABSENT = 0, CHECK_OK = 1 };

void check_begin(struct check *c, json_t *obj, const char *prefix);
/* A check of obj, member key of what parent checks: its pointers run below parent's. */
void check_begin_member(struct check *nested, const struct check *parent, json_t *obj, const char *key);
/* Frees the errors unless taken. */
void check_end(struct check *c);
int check_failed(const struct check *c);
/* The errors array (caller owns it); the check is left with none. */
json_t *check_take_errors(struct check *c);
/* Moves the errors of nested (a check begun with check_begin_member) into c and ends it. */
void check_merge(struct check *c, struct check *nested);

/* key NULL: the error is about the checked object as a whole. */
void check_fail(struct check *c, const char *key, const char *message);
/* An error at a JSON Pointer below the checked object that is already escaped, such as
 * one the database named ("/legal_basis/2"). */
void check_fail_pointer(struct check *c, const char *pointer, const char *message);
/* Records an error for every key not in allowed (NULL-terminated). */
void check_only(struct check *c, const char *const *allowed);

int check_text(struct check *c, const char *key, int required, enum text_kind kind,
               size_t max_chars, const char **out);
int check_date(struct check *c, const char *key, int required, struct cal_date *out);
/* A date of something that has happened: not after today. *out is set only when valid. */
int check_past_date(struct check *c, const char *key, int required, struct cal_date today,
                    struct cal_date *out);
int check_int(struct check *c, const char *key, int required, long min, long max, long *out);
int check_number(struct check *c, const char *key, int required, double min, double max, double *out);
int check_bool(struct check *c, const char *key, int required, int *out);
int check_choice(struct check *c, const char *key, int required, const char *const *choices,
                 const char **out);
int check_uuid(struct check *c, const char *key, int required, const char **out);
int check_object(struct check *c, const char *key, int required, json_t **out);
int check_array(struct check *c, const char *key, int required, size_t max_items, json_t **out);
/* 1 when key is present with the JSON value null (PATCH: clear the field). */
int check_is_null(const struct check *c, const char *key);

/* Canonical 8-4-4-4-12 hex UUID. */
int text_is_uuid(const char *s);
/* Staff identifiers (a staff token's sub; caseworker fields and filters): 1..128
 * characters from A-Z a-z 0-9 . _ @ : -, the first a letter or digit. They reach logs, the
 * access log, letters, front-ends and spreadsheets, so nothing a browser, a template or
 * lookup engine (`${jndi:...}`) or a spreadsheet formula (=, +, - or @ first) would act on
 * fits. */
int text_is_identifier(const char *s);
#define IDENTIFIER_MESSAGE \
    "must be a staff identifier: 1 to 128 of A-Z a-z 0-9 . _ @ : -, beginning with a letter or digit"
/* A client's X-Request-Id worth keeping: 8..64 characters from A-Z a-z 0-9 - _ . with at
 * least one letter, so that no number (a CPR number, with or without its dash) passes for
 * one. */
int text_is_request_id(const char *s);
/* 1 when s is one of choices (NULL-terminated); 0 otherwise and for NULL. */
int text_is_one_of(const char *s, const char *const *choices);
/* JSON Pointer escaping of one reference token into out (~ → ~0, / → ~1). Runs of six or
 * more digits are masked so that a CPR number sent as a key is never echoed. */
void json_pointer_token(const char *key, char *out, size_t outlen);

#endif
