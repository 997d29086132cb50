/* A case is one citizen's employment case in one municipality (DESIGN): a second open
 * case for the same citizen in the same municipality is refused with 409 naming the one
 * that is open, also when two requests race; another municipality, or a case opened after
 * the first was closed, is not a second open case. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "fixtures.h"

static json_t *case_body(const char *citizen)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s}", "citizen_id", citizen, "target_group", "jobparat",
                     "target_group_since", "2025-03-01", "benefit", "kontanthjaelp", "benefit_start", "2025-03-01");
}

/* The open cases of citizen that a may see. */
static size_t open_cases(const struct fx_actor *a, const char *citizen)
{
    char path[160];
    snprintf(path, sizeof(path), "/v1/cases?citizen_id=%s&status=open&limit=100", citizen);
    json_t *doc = fx_get_json(a, path);
    size_t n = json_array_size(json_object_get(doc, "items"));
    json_decref(doc);
    return n;
}

/* Fails unless r is the 409 that names the open case case_id. */
static void assert_names_open_case(const struct http_response *r, const char *case_id)
{
    fx_assert_problem(r, 409);
    json_t *doc = fx_body(r);
    cr_assert(strstr(json_string_value(json_object_get(doc, "type")), "/conflict"), "%s", r->body);
    fx_assert_member(doc, "case_id", case_id);
    json_decref(doc);
    char want[80];
    snprintf(want, sizeof(want), "/v1/cases/%s", case_id);
    const char *location = http_response_header(r, "Location");
    cr_assert(location && strcmp(location, want) == 0, "Location %s, want %s", location ? location : "(none)", want);
}

Test(one_open_case, a_second_open_case_is_refused_naming_the_first, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw, lead;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_staff(&lead, "team_lead", FX_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN], first[FX_UUID_LEN];
    fx_new_case(&cw, cpr, citizen, first);

    struct http_response r;
    fx_call("POST", "/v1/cases", &cw, case_body(citizen), NULL, 0, &r);
    assert_names_open_case(&r, first);
    http_response_free(&r);
    /* Another caseworker of the municipality is no exception. */
    json_t *body = case_body(citizen);
    json_object_set_new(body, "caseworker", json_string(lead.sub));
    fx_call("POST", "/v1/cases", &lead, body, NULL, 0, &r);
    assert_names_open_case(&r, first);
    http_response_free(&r);
    cr_assert_eq(open_cases(&cw, citizen), 1);

    /* Once the first is closed, a new case may open. */
    fx_close_case(&cw, first);
    char second[FX_UUID_LEN];
    fx_create_case(&cw, citizen, NULL, second);
    cr_assert_str_neq(first, second);
    fx_actor_free(&lead);
    fx_actor_free(&cw);
}

Test(one_open_case, another_municipality_opens_its_own, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw, other;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    fx_staff(&other, "caseworker", FX_OTHER_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN], here[FX_UUID_LEN], there_citizen[FX_UUID_LEN], there[FX_UUID_LEN];
    fx_new_case(&cw, cpr, citizen, here);
    fx_register_citizen(&other, cpr, there_citizen);
    fx_create_case(&other, there_citizen, NULL, there);
    cr_assert_str_neq(here, there);
    fx_actor_free(&other);
    fx_actor_free(&cw);
}

struct racer {
    const struct fx_actor *cw;
    const char *citizen;
    int status;
    char location[128];
};

static void *race(void *arg)
{
    struct racer *x = arg;
    struct http_response r;
    json_t *body = case_body(x->citizen);
    /* Not fx_call: criterion's assertions belong to the test's own thread. */
    if (http_json("POST", "/v1/cases", x->cw->token, body, NULL, 0, &r) == 0) {
        x->status = r.status;
        const char *location = http_response_header(&r, "Location");
        snprintf(x->location, sizeof(x->location), "%s", location ? location : "");
        http_response_free(&r);
    }
    json_decref(body);
    return NULL;
}

Test(one_open_case, of_two_racing_requests_one_opens_a_case, .timeout = FX_TIMEOUT)
{
    struct fx_actor cw;
    fx_staff(&cw, "caseworker", FX_MUNICIPALITY);
    char cpr[11], citizen[FX_UUID_LEN];
    fx_new_citizen(&cw, cpr, citizen);
    struct racer racers[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        racers[i] = (struct racer){&cw, citizen, 0, ""};
        cr_assert_eq(pthread_create(&threads[i], NULL, race, &racers[i]), 0);
    }
    int created = 0, refused = 0;
    const char *opened = NULL;
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(pthread_join(threads[i], NULL), 0);
        created += racers[i].status == 201;
        refused += racers[i].status == 409;
        if (racers[i].status == 201)
            opened = racers[i].location;
    }
    cr_assert(created == 1 && refused == 3, "%d created, %d refused of 4", created, refused);
    for (int i = 0; i < 4; i++)
        cr_assert_str_eq(racers[i].location, opened, "a refusal names another case than the one opened");
    cr_assert_eq(open_cases(&cw, citizen), 1);
    fx_actor_free(&cw);
}
