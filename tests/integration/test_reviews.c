/* The annual review over HTTP: the full cycle from case to decisions, plan and next due
 * date; completion refused naming each missing section; "no interventions"; each review's
 * decisions superseding the last ones (a draft successor refusing that, 409); immutability;
 * who may write which section; advice; the placement hearing; progression between two
 * reviews (the first backdated as the schema owner). A remitted decision replaced by the
 * review's is test_plan.c's. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

/* A caseworker with a citizen (and the citizen's token) whose case entered its target
 * group, on kontanthjælp, ten months ago: no review is overdue and no flag is raised. */
struct world {
    char today[11];
    char since[11];
    struct fx_actor cw;
    struct fx_actor citizen;
    char cpr[11];
    char citizen_id[FX_UUID_LEN];
    char case_id[FX_UUID_LEN];
};

static void world_open(struct world *w, const char *municipality)
{
    fx_today(w->today);
    fx_date_add_months(w->today, -10, w->since);
    fx_staff(&w->cw, "caseworker", municipality);
    fx_new_citizen(&w->cw, w->cpr, w->citizen_id);
    fx_create_case_dated(&w->cw, w->citizen_id, w->since, "kontanthjaelp", w->since, w->case_id);
    fx_citizen(&w->citizen, w->cpr);
}

static void world_close(struct world *w)
{
    fx_actor_free(&w->citizen);
    fx_actor_free(&w->cw);
}

static void day(const struct world *w, int days, char out[11])
{
    fx_date_add(w->today, days, out);
}

static void review_path(const char *id, const char *suffix, char out[160])
{
    snprintf(out, 160, "/v1/reviews/%s%s", id, suffix ? suffix : "");
}

/* method on /v1/reviews/{id}<suffix> with If-Match if_match (NULL: none), not reading first. */
static int write_blind(const struct fx_actor *a, const char *method, const char *id, const char *suffix,
                       const char *if_match, json_t *body, struct http_response *out)
{
    char path[160];
    review_path(id, suffix, path);
    const struct http_header h[] = {{"If-Match", if_match}};
    return fx_call(method, path, a, body, h, if_match ? 1 : 0, out);
}

static long long integer_of(json_t *doc, const char *key)
{
    json_t *v = json_object_get(doc, key);
    cr_assert(json_is_integer(v), "%s is not an integer", key);
    return json_integer_value(v);
}

static json_t *section(json_t *review, const char *name)
{
    return json_object_get(json_object_get(review, "sections"), name);
}


static void assert_status_404(const struct fx_actor *a, const char *method, const char *path, json_t *body)
{
    struct http_response r;
    const struct http_header h[] = {{"If-Match", "\"1\""}};
    fx_call(method, path, a, body, h, strcmp(method, "GET") == 0 ? 0 : 1, &r);
    cr_assert_eq(r.status, 404, "%s %s answered %d, want 404: %.300s", method, path, r.status, r.body);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
}

/* The decisions of the case (every page of the first 100). The caller json_decref's. */
static json_t *case_decisions(const struct fx_actor *a, const char *case_id)
{
    char path[160];
    snprintf(path, sizeof(path), "/v1/decisions?case_id=%s&limit=100", case_id);
    json_t *doc = fx_get_json(a, path);
    json_t *items = json_incref(json_object_get(doc, "items"));
    cr_assert(json_is_array(items), "the decision list has no items[]");
    json_decref(doc);
    return items;
}

/* Fails unless ratings (an object) holds exactly these three values. */
static void assert_ratings(json_t *ratings, const int want[3], const char *what)
{
    static const char *const keys[] = {"life_mastery", "health", "labour_market_distance"};
    cr_assert(json_is_object(ratings), "%s: no ratings object", what);
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(ratings, keys[i]);
        cr_assert(json_is_integer(v) && json_integer_value(v) == want[i], "%s: %s is not %d", what, keys[i], want[i]);
    }
}

/* Fails unless the issued decision has an appeal deadline at least four weeks after its
 * notification today and guidance naming that deadline. Returns the deadline (owned by doc). */
static const char *assert_appealable(json_t *doc, const char *today)
{
    fx_assert_member(doc, "status", "issued");
    cr_assert(json_is_true(json_object_get(doc, "in_force")), "the decision is not in force");
    fx_assert_member(doc, "notified_on", today);
    char four_weeks[11];
    fx_date_add(today, 28, four_weeks);
    const char *deadline = json_string_value(json_object_get(doc, "appeal_deadline"));
    cr_assert(deadline && strcmp(deadline, four_weeks) >= 0, "appeal deadline %s is before %s",
              deadline ? deadline : "(none)", four_weeks);
    json_t *g = json_object_get(doc, "appeal_guidance");
    cr_assert(json_is_object(g), "no appeal guidance");
    fx_assert_member(g, "deadline", deadline);
    fx_assert_member(g, "appeals_body", "Ankestyrelsen");
    return deadline;
}

/* The entry for decision id in a plan's decisions_in_force (borrowed), or NULL. */
static json_t *in_force_entry(json_t *plan, const char *id)
{
    json_t *list = json_object_get(plan, "decisions_in_force"), *d, *found = NULL;
    cr_assert(json_is_array(list), "the plan has no decisions_in_force[]");
    size_t i;
    json_array_foreach(list, i, d) {
        const char *got = json_string_value(json_object_get(d, "id"));
        if (got && strcmp(got, id) == 0) {
            cr_assert_null(found, "decision %s is listed twice", id);
            found = d;
        }
    }
    return found;
}

/* Fails unless the plan lists decision id in force with its kind, outcome, notification and
 * appeal deadline as the decision itself has them. */
static void assert_plan_decision(json_t *plan, const struct fx_actor *a, const char *id)
{
    json_t *entry = in_force_entry(plan, id);
    cr_assert_not_null(entry, "decision %s is not in the plan's decisions_in_force", id);
    json_t *doc = fx_get_decision(a, id);
    static const char *const refs[] = {"kind", "outcome"};
    for (int i = 0; i < 2; i++)
        fx_assert_member(json_object_get(entry, refs[i]), "code",
                         json_string_value(json_object_get(json_object_get(doc, refs[i]), "code")));
    static const char *const plain[] = {"subject", "notified_on", "appeal_deadline"};
    for (int i = 0; i < 3; i++)
        fx_assert_member(entry, plain[i], json_string_value(json_object_get(doc, plain[i])));
    json_decref(doc);
}

/* Fails unless items holds exactly one intervention of type code (returned, borrowed). */
static json_t *only_of_type(json_t *items, const char *code, const char *what)
{
    cr_assert(json_is_array(items), "%s is not an array", what);
    json_t *found = NULL, *i;
    size_t k;
    json_array_foreach(items, k, i) {
        const char *got = json_string_value(json_object_get(json_object_get(i, "type"), "code"));
        if (got && strcmp(got, code) == 0) {
            cr_assert_null(found, "%s lists %s twice", what, code);
            found = i;
        }
    }
    cr_assert_not_null(found, "%s lists no %s", what, code);
    return found;
}

/* The ratings of who in an indicators_over_time entry. The contract names the member
 * "ratings" ({caseworker, citizen}); plan_document() in sql/005 writes caseworker and
 * citizen at the entry's top level. Either carries the same values. */
static json_t *entry_ratings(json_t *entry, const char *who)
{
    json_t *ratings = json_object_get(entry, "ratings");
    return json_is_object(ratings) ? json_object_get(ratings, who) : json_object_get(entry, who);
}

/* ---- the full cycle ---- */

/* Everything the plan must show after the cycle, as staff or as the citizen reads it. */
static void assert_cycle_plan(json_t *plan, struct world *w, const char *review, const char *const *decisions,
                              size_t n_decisions, const char *planned, const char *due)
{
    static const int cw_ratings[3] = FX_RATINGS_CASEWORKER;
    static const int citizen_ratings[3] = FX_RATINGS_CITIZEN;
    fx_assert_member(plan, "case_id", w->case_id);
    fx_assert_member(plan, "citizen_id", w->citizen_id);
    fx_assert_member(plan, "as_of", w->today);
    fx_assert_member(plan, "next_review_due", due);

    json_t *last = json_object_get(plan, "last_review");
    cr_assert(json_is_object(last), "the plan has no last_review");
    fx_assert_member(last, "id", review);
    fx_assert_member(last, "completed_on", w->today);
    fx_assert_member(json_object_get(last, "status"), "current_situation", FX_SITUATION);
    cr_assert_eq(json_array_size(json_object_get(json_object_get(last, "status"), "interventions")), 2,
                 "the last review's status does not list the two interventions of the period");
    fx_assert_member(json_object_get(last, "own_assessment"), "wishes", FX_WISHES);
    fx_assert_member(json_object_get(last, "own_assessment"), "barriers", FX_BARRIERS);
    fx_assert_member(json_object_get(last, "own_assessment"), "written_by", "citizen");
    fx_assert_member(json_object_get(last, "work_capacity"), "current_capacity", FX_CAPACITY);
    fx_assert_member(last, "recommendation", FX_RECOMMENDATION);

    for (size_t i = 0; i < n_decisions; i++)
        assert_plan_decision(plan, &w->cw, decisions[i]);
    cr_assert_eq(json_array_size(json_object_get(plan, "decisions_in_force")), n_decisions,
                 "the plan has %zu decisions in force, want %zu",
                 json_array_size(json_object_get(plan, "decisions_in_force")), n_decisions);

    json_t *interventions = json_object_get(plan, "interventions");
    json_t *running = json_object_get(interventions, "running");
    cr_assert_eq(json_array_size(running), 1, "the plan runs %zu interventions, want 1", json_array_size(running));
    fx_assert_member(only_of_type(running, "mentor", "running"), "status", "started");
    json_t *upcoming = json_object_get(interventions, "planned");
    cr_assert_eq(json_array_size(upcoming), 2, "the plan has %zu planned interventions, want 2",
                 json_array_size(upcoming));
    fx_assert_member(only_of_type(upcoming, "behandling", "planned"), "status", "requested");
    json_t *placement = only_of_type(upcoming, FX_PLANNED_TYPE, "planned");
    fx_assert_member(placement, "status", "requested");
    fx_assert_member(placement, "planned_start", planned);

    char first[11], second[11];
    day(w, 30, first);
    day(w, 90, second);
    json_t *follow = json_object_get(plan, "next_follow_ups");
    cr_assert_eq(json_array_size(follow), 2, "the plan has %zu follow-ups, want 2", json_array_size(follow));
    fx_assert_member(json_array_get(follow, 0), "on", first);
    fx_assert_member(json_array_get(follow, 0), "purpose", FX_FOLLOW_UP_1);
    fx_assert_member(json_array_get(follow, 1), "on", second);
    fx_assert_member(json_array_get(follow, 1), "purpose", FX_FOLLOW_UP_2);

    json_t *over_time = json_object_get(plan, "indicators_over_time");
    cr_assert_eq(json_array_size(over_time), 1, "indicators_over_time has %zu entries, want 1",
                 json_array_size(over_time));
    json_t *entry = json_array_get(over_time, 0);
    fx_assert_member(entry, "review_id", review);
    fx_assert_member(entry, "completed_on", w->today);
    cr_assert_eq(integer_of(entry, "who5"), FX_WHO5_SCORE, "the plan's WHO-5 is not %d", FX_WHO5_SCORE);
    assert_ratings(entry_ratings(entry, "caseworker"), cw_ratings, "the plan's caseworker ratings");
    assert_ratings(entry_ratings(entry, "citizen"), citizen_ratings, "the plan's citizen ratings");
    cr_assert(json_is_array(json_object_get(plan, "flags")) && json_array_size(json_object_get(plan, "flags")) == 0,
              "the plan raises flags on a case with none");
}

Test(reviews, full_cycle_from_case_to_decisions_plan_and_next_review_in_12_months, .timeout = FX_TIMEOUT * 3)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    static const int who5[5] = FX_WHO5_ITEMS;
    static const int cw_ratings[3] = FX_RATINGS_CASEWORKER;
    static const int citizen_ratings[3] = FX_RATINGS_CITIZEN;

    /* The overall decision, then an intervention requested and started under it. */
    char overall[FX_UUID_LEN], mentor[FX_UUID_LEN], treatment[FX_UUID_LEN], d[11], requested[11], started[11];
    day(&w, -30, d);
    fx_issued_decision(&w.cw, w.case_id, "overall", "granted", d, overall);
    day(&w, -20, requested);
    day(&w, -14, started);
    fx_create_intervention(&w.cw, w.case_id, "mentor", requested, 4, mentor);
    json_t *doc = fx_start_intervention(&w.cw, mentor, started);
    fx_assert_member(doc, "status", "started");
    cr_assert_eq(integer_of(doc, "waiting_days"), 6);
    char sub[FX_UUID_LEN];
    snprintf(sub, sizeof(sub), "%s", json_string_value(json_object_get(doc, "decision_id")));
    json_decref(doc);
    doc = fx_get_decision(&w.cw, sub);
    fx_assert_member(doc, "parent_id", overall);
    fx_assert_member(json_object_get(doc, "kind"), "code", "intervention");
    json_decref(doc);
    day(&w, -5, requested);
    fx_create_intervention(&w.cw, w.case_id, "behandling", requested, 0, treatment);

    /* The review is scheduled; its status section lists the period's interventions. */
    char review[FX_UUID_LEN], planned[11];
    day(&w, 14, planned);
    fx_schedule_review(&w.cw, w.case_id, w.today, review);
    doc = fx_get_review(&w.cw, review);
    fx_assert_member(doc, "status", "scheduled");
    fx_assert_member(doc, "meeting_on", w.today);
    fx_assert_member(doc, "period_from", w.since);
    cr_assert_eq(json_array_size(json_object_get(section(doc, "status"), "interventions")), 2,
                 "the status section does not list the two interventions");
    json_decref(doc);

    /* The citizen writes their own assessment and WHO-5 with their own token. */
    fx_fill_review(&w.cw, &w.citizen, review, w.today, planned, FX_SEC_ALL);
    doc = fx_get_review(&w.citizen, review);
    json_t *own = section(doc, "own_assessment");
    fx_assert_member(own, "wishes", FX_WISHES);
    fx_assert_member(own, "barriers", FX_BARRIERS);
    fx_assert_member(own, "written_by", "citizen");
    cr_assert(json_is_string(json_object_get(own, "written_at")), "written_at is not set");
    json_t *indicators = section(doc, "indicators");
    json_t *w5 = json_object_get(indicators, "who5");
    cr_assert_eq(integer_of(w5, "score"), FX_WHO5_SCORE, "WHO-5 score is not the item sum × 4");
    for (size_t i = 0; i < 5; i++)
        cr_assert_eq(json_integer_value(json_array_get(json_object_get(w5, "items"), i)), who5[i]);
    fx_assert_member(w5, "answered_by", "citizen");
    assert_ratings(json_object_get(json_object_get(indicators, "ratings"), "caseworker"), cw_ratings,
                   "caseworker ratings");
    assert_ratings(json_object_get(json_object_get(indicators, "ratings"), "citizen"), citizen_ratings,
                   "citizen ratings");
    fx_assert_member(section(doc, "status"), "current_situation", FX_SITUATION);
    fx_assert_member(section(doc, "work_capacity"), "current_capacity", FX_CAPACITY);
    fx_assert_member(doc, "recommendation", FX_RECOMMENDATION);
    json_decref(doc);

    /* Completion issues the two decisions, sets the next review, freezes the review. */
    char due[11];
    fx_date_add_months(w.today, 12, due);
    doc = fx_complete_review(&w.cw, review);
    fx_assert_member(doc, "status", "completed");
    fx_assert_member(doc, "completed_on", w.today);
    fx_assert_member(doc, "next_review_due", due);
    char placement[FX_UUID_LEN], new_overall[FX_UUID_LEN];
    cr_assert(json_is_string(json_object_get(doc, "placement_decision_id")), "no placement decision");
    cr_assert(json_is_string(json_object_get(doc, "overall_decision_id")), "no overall decision");
    snprintf(placement, sizeof(placement), "%s", json_string_value(json_object_get(doc, "placement_decision_id")));
    snprintf(new_overall, sizeof(new_overall), "%s", json_string_value(json_object_get(doc, "overall_decision_id")));
    cr_assert_eq(json_array_size(json_object_get(section(doc, "status"), "interventions")), 2);
    json_decref(doc);
    doc = fx_get_review(&w.cw, review);
    fx_assert_member(doc, "status", "completed");
    fx_assert_member(doc, "next_review_due", due);
    json_decref(doc);

    doc = fx_get_decision(&w.cw, placement);
    fx_assert_member(doc, "case_id", w.case_id);
    fx_assert_member(json_object_get(doc, "kind"), "code", "placement");
    fx_assert_member(json_object_get(doc, "outcome"), "code", "granted");
    const char *facts = json_string_value(json_object_get(doc, "facts"));
    cr_assert(facts && strstr(facts, FX_CAPACITY), "the placement decision's facts are not the work capacity: %s",
              facts ? facts : "(none)");
    assert_appealable(doc, w.today);
    json_decref(doc);
    doc = fx_get_decision(&w.cw, new_overall);
    fx_assert_member(doc, "case_id", w.case_id);
    fx_assert_member(json_object_get(doc, "kind"), "code", "overall");
    fx_assert_member(json_object_get(doc, "outcome"), "code", "granted");
    const char *subject = json_string_value(json_object_get(doc, "subject"));
    facts = json_string_value(json_object_get(doc, "facts"));
    cr_assert((subject && strstr(subject, "Virksomhedspraktik")) || (facts && strstr(facts, "Virksomhedspraktik")),
              "the overall decision names no planned intervention: %s / %s", subject ? subject : "(none)",
              facts ? facts : "(none)");
    fx_assert_member(doc, "supersedes_id", overall);
    assert_appealable(doc, w.today);
    json_decref(doc);

    /* The review's overall decision replaced the one in force before it. The mentor's
     * sub-decision, granted under that one, stays in force under it: the intervention was
     * granted and runs. */
    doc = fx_get_decision(&w.cw, overall);
    fx_assert_member(doc, "status", "superseded");
    fx_assert_member(doc, "superseded_by_id", new_overall);
    cr_assert(json_is_false(json_object_get(doc, "in_force")), "the replaced overall decision is still in force");
    json_decref(doc);
    doc = fx_get_decision(&w.cw, sub);
    fx_assert_member(doc, "status", "issued");
    fx_assert_member(doc, "parent_id", overall);
    cr_assert(json_is_true(json_object_get(doc, "in_force")), "the running intervention's decision lost force");
    json_decref(doc);

    /* The plan, as staff and as the citizen reads it: this year's decisions and the
     * running intervention's, not the replaced overall decision. */
    const char *decisions[] = {sub, placement, new_overall};
    char path[160];
    snprintf(path, sizeof(path), "/v1/cases/%s/plan", w.case_id);
    json_t *plan = fx_get_json(&w.cw, path);
    assert_cycle_plan(plan, &w, review, decisions, 3, planned, due);
    json_decref(plan);
    plan = fx_get_json(&w.citizen, path);
    assert_cycle_plan(plan, &w, review, decisions, 3, planned, due);
    json_decref(plan);
    json_t *mine = fx_get_json(&w.citizen, "/v1/me/plan");
    json_t *plans = json_object_get(mine, "plans");
    cr_assert_eq(json_array_size(plans), 1, "/v1/me/plan has %zu plans, want 1", json_array_size(plans));
    assert_cycle_plan(json_array_get(plans, 0), &w, review, decisions, 3, planned, due);
    json_decref(mine);

    /* And the case itself. */
    doc = fx_get_case(&w.cw, w.case_id);
    fx_assert_member(doc, "next_review_due", due);
    cr_assert_eq(json_array_size(json_object_get(doc, "flags")), 0, "the case has flags");
    json_decref(doc);
    world_close(&w);
}

/* ---- completeness ---- */

/* A review scheduled today with every section but the missing ones; completing it is 422
 * naming exactly their pointers, and changes and issues nothing. */
static void assert_completion_names(unsigned missing)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char review[FX_UUID_LEN], planned[11];
    day(&w, 14, planned);
    fx_schedule_review(&w.cw, w.case_id, w.today, review);
    fx_fill_review(&w.cw, &w.citizen, review, w.today, planned, FX_SEC_ALL & ~missing);
    json_t *before = fx_get_review(&w.cw, review);

    const char *pointers[FX_SEC_COUNT];
    size_t n = 0;
    for (int s = 0; s < FX_SEC_COUNT; s++)
        if (missing & FX_SEC_BIT(s))
            pointers[n++] = fx_section_pointer((enum fx_section)s);
    struct http_response r;
    fx_review_write(&w.cw, "POST", review, "/complete", json_object(), &r);
    fx_assert_error_pointers(&r, pointers, n);
    http_response_free(&r);

    json_t *after = fx_get_review(&w.cw, review);
    fx_assert_member(after, "status", "scheduled");
    fx_assert_member(after, "completed_on", NULL);
    fx_assert_member(after, "placement_decision_id", NULL);
    fx_assert_member(after, "overall_decision_id", NULL);
    cr_assert_eq(integer_of(after, "version"), integer_of(before, "version"),
                 "a refused completion changed the review");
    json_decref(after);
    json_decref(before);
    json_t *decisions = case_decisions(&w.cw, w.case_id);
    cr_assert_eq(json_array_size(decisions), 0, "a refused completion left %zu decisions", json_array_size(decisions));
    json_decref(decisions);
    world_close(&w);
}

Test(reviews, completion_without_current_situation_is_422_naming_it, .timeout = FX_TIMEOUT)
{
    assert_completion_names(FX_SEC_BIT(FX_SEC_CURRENT_SITUATION));
}

Test(reviews, completion_without_own_assessment_is_422_naming_it, .timeout = FX_TIMEOUT)
{
    assert_completion_names(FX_SEC_BIT(FX_SEC_OWN_ASSESSMENT));
}

Test(reviews, completion_without_work_capacity_is_422_naming_it, .timeout = FX_TIMEOUT)
{
    assert_completion_names(FX_SEC_BIT(FX_SEC_WORK_CAPACITY));
}

Test(reviews, completion_without_overall_decision_is_422_naming_it, .timeout = FX_TIMEOUT)
{
    assert_completion_names(FX_SEC_BIT(FX_SEC_OVERALL_DECISION));
}

Test(reviews, completion_without_follow_up_plan_is_422_naming_it, .timeout = FX_TIMEOUT)
{
    assert_completion_names(FX_SEC_BIT(FX_SEC_FOLLOW_UP_PLAN));
}

Test(reviews, completion_without_who5_is_422_naming_it, .timeout = FX_TIMEOUT)
{
    assert_completion_names(FX_SEC_BIT(FX_SEC_WHO5));
}

Test(reviews, completion_without_caseworker_ratings_is_422_naming_them, .timeout = FX_TIMEOUT)
{
    assert_completion_names(FX_SEC_BIT(FX_SEC_RATINGS_CASEWORKER));
}

Test(reviews, completion_without_citizen_ratings_is_422_naming_them, .timeout = FX_TIMEOUT)
{
    assert_completion_names(FX_SEC_BIT(FX_SEC_RATINGS_CITIZEN));
}

Test(reviews, completion_with_every_section_missing_names_them_all, .timeout = FX_TIMEOUT)
{
    assert_completion_names(FX_SEC_ALL);
}

Test(reviews, writes_and_completion_need_if_match, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char review[FX_UUID_LEN], planned[11];
    day(&w, 14, planned);
    fx_schedule_review(&w.cw, w.case_id, w.today, review);
    struct http_response r;
    write_blind(&w.cw, "PATCH", review, NULL, NULL, json_pack("{s:s}", "current_situation", "Uden If-Match"), &r);
    fx_assert_problem(&r, 428);
    http_response_free(&r);
    write_blind(&w.citizen, "PUT", review, "/own-assessment", NULL,
                json_pack("{s:s, s:s}", "wishes", "Uden", "barriers", "If-Match"), &r);
    fx_assert_problem(&r, 428);
    http_response_free(&r);
    write_blind(&w.cw, "PATCH", review, NULL, "\"9\"", json_pack("{s:s}", "current_situation", "Forældet"), &r);
    fx_assert_problem(&r, 412);
    http_response_free(&r);
    json_t *doc = fx_get_review(&w.cw, review);
    cr_assert_eq(integer_of(doc, "version"), 1, "a write without a valid If-Match changed the review");
    json_decref(doc);

    fx_fill_review(&w.cw, &w.citizen, review, w.today, planned, FX_SEC_ALL);
    write_blind(&w.cw, "POST", review, "/complete", NULL, json_object(), &r);
    fx_assert_problem(&r, 428);
    http_response_free(&r);
    write_blind(&w.cw, "POST", review, "/complete", "\"1\"", json_object(), &r);
    fx_assert_problem(&r, 412);
    http_response_free(&r);
    doc = fx_get_review(&w.cw, review);
    fx_assert_member(doc, "status", "scheduled");
    json_decref(doc);
    world_close(&w);
}

/* ---- what completion issues ---- */

/* A review of w's case held today with the sections of mask filled; id gets it. */
static void scheduled_review(const struct world *w, unsigned mask, char id[FX_UUID_LEN])
{
    char planned[11];
    day(w, 14, planned);
    fx_schedule_review(&w->cw, w->case_id, w->today, id);
    fx_fill_review(&w->cw, &w->citizen, id, w->today, planned, mask);
}

/* Sets the review's overall decision to no interventions, for reasons. */
static void decide_no_interventions(const struct world *w, const char *review, const char *reasons)
{
    json_decref(fx_review_ok(&w->cw, "PATCH", review, NULL,
                             json_pack("{s:{s:s, s:s, s:[s]}}", "overall_decision", "outcome", "no_interventions",
                                       "reasons", reasons, "legal_basis", fx_provision_on(w->today))));
}

Test(reviews, no_interventions_review_issues_a_no_intervention_decision_with_reasons_and_guidance,
     .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char review[FX_UUID_LEN];
    scheduled_review(&w, FX_SEC_ALL & ~FX_SEC_BIT(FX_SEC_OVERALL_DECISION), review);
    static const char reasons[] = "Borgeren er i behandling på hospitalet, og en indsats nu vil forværre helbredet.";
    decide_no_interventions(&w, review, reasons);
    json_t *doc = fx_complete_review(&w.cw, review);
    fx_assert_member(section(doc, "overall_decision"), "outcome", "no_interventions");
    char id[FX_UUID_LEN];
    cr_assert(json_is_string(json_object_get(doc, "overall_decision_id")), "no overall decision id");
    snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(doc, "overall_decision_id")));
    json_decref(doc);

    doc = fx_get_decision(&w.cw, id);
    fx_assert_member(json_object_get(doc, "kind"), "code", "no_intervention");
    fx_assert_member(json_object_get(doc, "outcome"), "code", "no_intervention");
    const char *got = json_string_value(json_object_get(doc, "reasons"));
    cr_assert(got && strstr(got, reasons), "the decision's reasons are not the review's: %s", got ? got : "(none)");
    json_t *basis = json_object_get(doc, "legal_basis");
    cr_assert(json_array_size(basis) >= 1, "the decision cites no provision");
    assert_appealable(doc, w.today);
    json_decref(doc);

    /* Nothing was planned, so nothing was requested. */
    char path[160];
    snprintf(path, sizeof(path), "/v1/cases/%s/interventions?status=requested", w.case_id);
    doc = fx_get_json(&w.cw, path);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 0, "a no-interventions review requested some");
    json_decref(doc);
    world_close(&w);
}

Test(reviews, refused_placement_without_the_citizen_at_the_meeting_needs_a_hearing, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char review[FX_UUID_LEN], planned[11];
    day(&w, 14, planned);
    fx_schedule_review(&w.cw, w.case_id, w.today, review);
    fx_fill_review(&w.cw, &w.citizen, review, w.today, planned, FX_SEC_ALL);
    json_t *capacity = fx_work_capacity_body(w.today);
    json_object_set_new(capacity, "benefit_right", json_false());
    json_decref(fx_review_ok(&w.cw, "PATCH", review, NULL,
                             json_pack("{s:o, s:b}", "work_capacity", capacity, "citizen_present", 0)));
    struct http_response r;
    fx_review_write(&w.cw, "POST", review, "/complete", json_object(), &r);
    static const char *const want[] = {"/sections/work_capacity/hearing"};
    fx_assert_error_pointers(&r, want, 1);
    http_response_free(&r);

    /* With the citizen at the meeting, the facts were gone through there: no hearing. */
    json_decref(fx_review_ok(&w.cw, "PATCH", review, NULL, json_pack("{s:b}", "citizen_present", 1)));
    json_t *doc = fx_complete_review(&w.cw, review);
    char id[FX_UUID_LEN];
    snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(doc, "placement_decision_id")));
    json_decref(doc);
    doc = fx_get_decision(&w.cw, id);
    fx_assert_member(json_object_get(doc, "kind"), "code", "placement");
    fx_assert_member(json_object_get(doc, "outcome"), "code", "refused");
    json_t *hearing = json_object_get(doc, "hearing");
    fx_assert_member(hearing, "status", "not_needed");
    const char *why = json_string_value(json_object_get(hearing, "not_needed_reason"));
    cr_assert(why && strstr(why, "Vi gennemgik oplysningerne med dig på opfølgningsmødet den "),
              "the hearing is not waived for the meeting: %s", why ? why : "(none)");
    const char *reasons = json_string_value(json_object_get(doc, "reasons"));
    cr_assert(reasons && strstr(reasons, FX_PLACEMENT_NOTE), "the reasons are not the placement note: %s",
              reasons ? reasons : "(none)");
    assert_appealable(doc, w.today);
    json_decref(doc);
    world_close(&w);
}

/* ---- last year's decisions replaced ---- */

/* The ids of the decisions the completed review doc issued. */
static void issued_by(json_t *doc, char placement[FX_UUID_LEN], char overall[FX_UUID_LEN])
{
    const char *p = json_string_value(json_object_get(doc, "placement_decision_id"));
    const char *o = json_string_value(json_object_get(doc, "overall_decision_id"));
    cr_assert(p && o, "the completed review names no decisions");
    snprintf(placement, FX_UUID_LEN, "%s", p);
    snprintf(overall, FX_UUID_LEN, "%s", o);
}

/* Fails unless decision old is superseded by replacement and out of force, and replacement
 * is issued and names old as the decision it supersedes. */
/* Forvaltningsloven § 19: a decision is made after the hearing has ended. The citizen was
 * not at the meeting, so the hearing was sent two days later and answered after its
 * deadline had passed; the review is completed today, and so are its decisions made. */
Test(reviews, a_hearing_after_the_meeting_dates_the_decisions_on_the_completion_day, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char meeting[11], sent[11], deadline[11], answered[11], planned[11], review[FX_UUID_LEN];
    day(&w, -20, meeting);
    day(&w, -18, sent);
    day(&w, -9, deadline);
    day(&w, -6, answered);
    day(&w, 14, planned);
    fx_schedule_review(&w.cw, w.case_id, meeting, review);
    fx_fill_review(&w.cw, &w.citizen, review, meeting, planned, FX_SEC_ALL & ~FX_SEC_BIT(FX_SEC_OVERALL_DECISION));
    decide_no_interventions(&w, review, "Du er i behandling på hospitalet, og en indsats nu vil forværre dit helbred.");
    json_t *capacity = fx_work_capacity_body(meeting);
    json_object_set_new(capacity, "hearing",
                        json_pack("{s:s, s:s, s:s, s:s}", "status", "answered", "sent_on", sent, "response_deadline",
                                  deadline, "answered_on", answered));
    json_decref(fx_review_ok(&w.cw, "PATCH", review, NULL,
                             json_pack("{s:o, s:b}", "work_capacity", capacity, "citizen_present", 0)));
    json_t *doc = fx_complete_review(&w.cw, review);
    char placement[FX_UUID_LEN], overall[FX_UUID_LEN];
    issued_by(doc, placement, overall);
    json_decref(doc);

    const char *const ids[] = {placement, overall};
    for (size_t i = 0; i < 2; i++) {
        doc = fx_get_decision(&w.cw, ids[i]);
        fx_assert_member(doc, "decided_on", w.today);
        fx_assert_member(doc, "notified_on", w.today);
        json_decref(doc);
    }
    doc = fx_get_decision(&w.cw, overall);
    fx_assert_member(json_object_get(doc, "hearing"), "answered_on", answered);
    json_decref(doc);

    /* The letter dates the decision after the answer it took into account. */
    char path[160], decided[32], remarks[32], want[96];
    snprintf(path, sizeof(path), "/v1/decisions/%s/letter", overall);
    struct http_response r;
    fx_call("GET", path, &w.cw, NULL, NULL, 0, &r);
    fx_assert_status(&r, 200);
    fx_danish_date(w.today, decided);
    fx_danish_date(answered, remarks);
    snprintf(want, sizeof(want), "Dato for afgørelsen: %s", decided);
    cr_assert(strstr(r.body, want), "the letter lacks \"%s\":\n%s", want, r.body);
    snprintf(want, sizeof(want), "modtog dine bemærkninger den %s", remarks);
    cr_assert(strstr(r.body, want), "the letter lacks \"%s\":\n%s", want, r.body);
    http_response_free(&r);
    world_close(&w);
}

static void assert_replaced(const struct fx_actor *a, const char *old, const char *replacement)
{
    json_t *doc = fx_get_decision(a, old);
    fx_assert_member(doc, "status", "superseded");
    fx_assert_member(doc, "superseded_by_id", replacement);
    cr_assert(json_is_false(json_object_get(doc, "in_force")), "the replaced decision %s is in force", old);
    json_decref(doc);
    doc = fx_get_decision(a, replacement);
    fx_assert_member(doc, "status", "issued");
    fx_assert_member(doc, "supersedes_id", old);
    cr_assert(json_is_true(json_object_get(doc, "in_force")), "the replacement %s is not in force", replacement);
    json_decref(doc);
}

/* The number of items GET path lists (its first page, up to 100). */
static size_t count_items(const struct fx_actor *a, const char *path)
{
    json_t *doc = fx_get_json(a, path);
    size_t n = json_array_size(json_object_get(doc, "items"));
    json_decref(doc);
    return n;
}

Test(reviews, a_second_review_supersedes_the_first_reviews_decisions_and_the_plan_shows_only_its_own,
     .timeout = FX_TIMEOUT * 3)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char first[FX_UUID_LEN], second[FX_UUID_LEN], path[160];
    char placement1[FX_UUID_LEN], overall1[FX_UUID_LEN], placement2[FX_UUID_LEN], overall2[FX_UUID_LEN];
    json_t *doc = fx_completed_review(&w.cw, &w.citizen, w.case_id, first);
    issued_by(doc, placement1, overall1);
    json_decref(doc);

    /* This year the review decides on no interventions: a no_intervention decision replaces
     * last year's overall decision all the same. */
    scheduled_review(&w, FX_SEC_ALL & ~FX_SEC_BIT(FX_SEC_OVERALL_DECISION), second);
    decide_no_interventions(&w, second, "Borgeren er i behandling og skal ikke have en indsats nu.");
    doc = fx_complete_review(&w.cw, second);
    issued_by(doc, placement2, overall2);
    json_decref(doc);

    assert_replaced(&w.cw, placement1, placement2);
    assert_replaced(&w.cw, overall1, overall2);
    doc = fx_get_decision(&w.cw, overall2);
    fx_assert_member(json_object_get(doc, "kind"), "code", "no_intervention");
    json_decref(doc);

    snprintf(path, sizeof(path), "/v1/cases/%s/plan", w.case_id);
    const struct fx_actor *readers[] = {&w.cw, &w.citizen};
    for (int i = 0; i < 2; i++) {
        json_t *plan = fx_get_json(readers[i], path);
        json_t *list = json_object_get(plan, "decisions_in_force");
        cr_assert_eq(json_array_size(list), 2, "the plan has %zu decisions in force, want this year's 2",
                     json_array_size(list));
        assert_plan_decision(plan, &w.cw, placement2);
        assert_plan_decision(plan, &w.cw, overall2);
        cr_assert_null(in_force_entry(plan, placement1), "last year's placement decision is still in the plan");
        cr_assert_null(in_force_entry(plan, overall1), "last year's overall decision is still in the plan");
        json_decref(plan);
    }
    world_close(&w);
}

Test(reviews, a_draft_already_superseding_last_years_decision_is_409_naming_it_and_nothing_is_written,
     .timeout = FX_TIMEOUT * 3)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char first[FX_UUID_LEN], second[FX_UUID_LEN], decisions_path[160], interventions_path[160];
    char placement1[FX_UUID_LEN], overall1[FX_UUID_LEN], placement2[FX_UUID_LEN], overall2[FX_UUID_LEN];
    json_t *doc = fx_completed_review(&w.cw, &w.citizen, w.case_id, first);
    issued_by(doc, placement1, overall1);
    json_decref(doc);

    /* The caseworker has begun replacing both decisions by hand. */
    char drafts[2][FX_UUID_LEN];
    const char *const kinds[2] = {"placement", "overall"}, *const replaced[2] = {placement1, overall1};
    for (int i = 0; i < 2; i++) {
        json_t *body = fx_decision_body(w.case_id, kinds[i], "granted");
        json_object_set_new(body, "supersedes_id", json_string(replaced[i]));
        fx_create_decision(&w.cw, body, drafts[i]);
    }
    scheduled_review(&w, FX_SEC_ALL, second);
    snprintf(decisions_path, sizeof(decisions_path), "/v1/decisions?case_id=%s&limit=100", w.case_id);
    snprintf(interventions_path, sizeof(interventions_path), "/v1/cases/%s/interventions?limit=100", w.case_id);
    size_t decisions = count_items(&w.cw, decisions_path);
    size_t interventions = count_items(&w.cw, interventions_path);
    cr_assert_eq(decisions, 4, "the case has %zu decisions, want last year's 2 and the 2 drafts", decisions);

    /* Each draft in turn refuses the completion, named; once it is issued, it is what the
     * review replaces. */
    for (int i = 0; i < 2; i++) {
        json_t *before = fx_get_review(&w.cw, second);
        struct http_response r;
        fx_review_write(&w.cw, "POST", second, "/complete", json_object(), &r);
        cr_assert_eq(r.status, 409, "completion with a draft successor answered %d: %.300s", r.status, r.body);
        fx_assert_problem(&r, 409);
        json_t *problem = fx_body(&r);
        http_response_free(&r);
        fx_assert_member(problem, "type", "https://fremdrift.dk/problems/conflict");
        const char *detail = json_string_value(json_object_get(problem, "detail"));
        cr_assert(detail && strstr(detail, drafts[i]), "the 409 does not name the %s draft %s: %s", kinds[i],
                  drafts[i], detail ? detail : "(none)");
        json_decref(problem);

        json_t *after = fx_get_review(&w.cw, second);
        fx_assert_member(after, "status", "scheduled");
        fx_assert_member(after, "placement_decision_id", NULL);
        fx_assert_member(after, "overall_decision_id", NULL);
        cr_assert_eq(integer_of(after, "version"), integer_of(before, "version"), "a refused completion wrote");
        json_decref(after);
        json_decref(before);
        cr_assert_eq(count_items(&w.cw, decisions_path), decisions, "a refused completion left decisions");
        cr_assert_eq(count_items(&w.cw, interventions_path), interventions,
                     "a refused completion requested interventions");
        doc = fx_get_decision(&w.cw, replaced[i]);
        fx_assert_member(doc, "status", "issued");
        json_decref(doc);
        doc = fx_get_decision(&w.cw, drafts[i]);
        fx_assert_member(doc, "status", "draft");
        json_decref(doc);

        json_decref(fx_issue_decision(&w.cw, drafts[i], NULL));
        assert_replaced(&w.cw, replaced[i], drafts[i]);
    }

    doc = fx_complete_review(&w.cw, second);
    issued_by(doc, placement2, overall2);
    json_decref(doc);
    assert_replaced(&w.cw, drafts[0], placement2);
    assert_replaced(&w.cw, drafts[1], overall2);
    world_close(&w);
}

/* ---- immutability ---- */

Test(reviews, a_completed_review_is_immutable, .timeout = FX_TIMEOUT * 2)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char review[FX_UUID_LEN];
    json_decref(fx_completed_review(&w.cw, &w.citizen, w.case_id, review));
    json_t *before = fx_get_review(&w.cw, review);
    /* Section 1 was frozen at completion: a later intervention does not join it. */
    char later[FX_UUID_LEN];
    fx_create_intervention(&w.cw, w.case_id, "mentor", w.today, 3, later);
    struct {
        const struct fx_actor *who;
        const char *method;
        const char *suffix;
        json_t *body;
    } writes[] = {
        {&w.cw, "PATCH", NULL, json_pack("{s:s}", "current_situation", "Ændret bagefter")},
        {&w.cw, "PATCH", NULL, json_pack("{s:s}", "recommendation", "Ændret bagefter")},
        {&w.cw, "PUT", "/own-assessment", json_pack("{s:s, s:s}", "wishes", "Nye ønsker", "barriers", "Nye")},
        {&w.citizen, "PUT", "/own-assessment", json_pack("{s:s, s:s}", "wishes", "Nye ønsker", "barriers", "Nye")},
        {&w.cw, "PUT", "/who5", json_pack("{s:[i, i, i, i, i]}", "items", 0, 0, 0, 0, 0)},
        {&w.citizen, "PUT", "/who5", json_pack("{s:[i, i, i, i, i]}", "items", 0, 0, 0, 0, 0)},
        {&w.cw, "PUT", "/ratings",
         json_pack("{s:s, s:i, s:i, s:i}", "by", "caseworker", "life_mastery", 1, "health", 1,
                   "labour_market_distance", 5)},
        {&w.citizen, "PUT", "/ratings", json_pack("{s:i, s:i, s:i}", "life_mastery", 1, "health", 1,
                                                  "labour_market_distance", 5)},
        {&w.cw, "POST", "/advice",
         json_pack("{s:s, s:s, s:s}", "body", strcmp(w.today, "2027-01-01") < 0 ? "rehabiliteringsteam"
                                                                                : "sundhedskoordinator",
                   "given_on", w.today, "summary", "Sent råd")},
        {&w.cw, "POST", "/complete", json_object()},
    };
    for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        struct http_response r;
        fx_review_write(writes[i].who, writes[i].method, review, writes[i].suffix, writes[i].body, &r);
        cr_assert_eq(r.status, 409, "%s %s as %s on a completed review answered %d: %.300s", writes[i].method,
                     writes[i].suffix ? writes[i].suffix : "", writes[i].who->role, r.status, r.body);
        fx_assert_state(&r, "completed");
        http_response_free(&r);
    }
    json_t *after = fx_get_review(&w.cw, review);
    char *a = json_dumps(before, JSON_SORT_KEYS | JSON_COMPACT), *b = json_dumps(after, JSON_SORT_KEYS | JSON_COMPACT);
    cr_assert_str_eq(a, b, "the completed review changed");
    free(a);
    free(b);
    json_decref(after);
    json_decref(before);
    world_close(&w);
}

/* ---- who writes what ---- */

Test(reviews, the_citizen_writes_own_sections_and_staff_on_their_behalf_is_marked, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char review[FX_UUID_LEN];
    fx_schedule_review(&w.cw, w.case_id, w.today, review);

    json_t *doc = fx_review_ok(&w.citizen, "PUT", review, "/own-assessment",
                               json_pack("{s:s, s:s}", "wishes", "Arbejde med børn", "barriers", "Rygsmerter"));
    fx_assert_member(section(doc, "own_assessment"), "written_by", "citizen");
    fx_assert_member(section(doc, "own_assessment"), "wishes", "Arbejde med børn");
    json_decref(doc);
    static const int items[5] = {5, 5, 5, 5, 4};
    doc = fx_put_who5(&w.citizen, review, items);
    json_t *w5 = json_object_get(section(doc, "indicators"), "who5");
    cr_assert_eq(integer_of(w5, "score"), 96, "24 × 4 is 96");
    fx_assert_member(w5, "answered_by", "citizen");
    json_decref(doc);

    /* The caseworker rewrites both on the citizen's behalf, marked as such. */
    doc = fx_review_ok(&w.cw, "PUT", review, "/own-assessment",
                       json_pack("{s:s, s:s}", "wishes", "Arbejde i en børnehave", "barriers", "Rygsmerter"));
    fx_assert_member(section(doc, "own_assessment"), "written_by", "caseworker_on_behalf");
    fx_assert_member(section(doc, "own_assessment"), "wishes", "Arbejde i en børnehave");
    json_decref(doc);
    static const int zero[5] = {0, 0, 0, 0, 0};
    doc = fx_put_who5(&w.cw, review, zero);
    w5 = json_object_get(section(doc, "indicators"), "who5");
    cr_assert_eq(integer_of(w5, "score"), 0);
    fx_assert_member(w5, "answered_by", "caseworker_on_behalf");
    json_decref(doc);
    world_close(&w);
}

Test(reviews, who5_items_and_ratings_outside_their_scales_are_422, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char review[FX_UUID_LEN];
    fx_schedule_review(&w.cw, w.case_id, w.today, review);
    json_t *bad[] = {
        json_pack("{s:[i, i, i, i, i]}", "items", 6, 0, 0, 0, 0),
        json_pack("{s:[i, i, i, i, i]}", "items", 0, 0, -1, 0, 0),
        json_pack("{s:[i, i, i, i]}", "items", 1, 2, 3, 4),
        json_pack("{s:[i, i, i, i, i, i]}", "items", 1, 2, 3, 4, 5, 1),
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct http_response r;
        fx_review_write(&w.citizen, "PUT", review, "/who5", bad[i], &r);
        fx_assert_problem(&r, 422);
        http_response_free(&r);
    }
    /* Ratings run 1-5 on every scale. */
    json_t *ratings[] = {
        json_pack("{s:s, s:i, s:i, s:i}", "by", "caseworker", "life_mastery", 6, "health", 3, "labour_market_distance",
                  3),
        json_pack("{s:s, s:i, s:i, s:i}", "by", "caseworker", "life_mastery", 3, "health", 0, "labour_market_distance",
                  3),
    };
    for (size_t i = 0; i < sizeof(ratings) / sizeof(ratings[0]); i++) {
        struct http_response r;
        fx_review_write(&w.cw, "PUT", review, "/ratings", ratings[i], &r);
        fx_assert_problem(&r, 422);
        http_response_free(&r);
    }
    json_t *doc = fx_get_review(&w.cw, review);
    json_t *indicators = section(doc, "indicators");
    cr_assert(json_is_null(json_object_get(indicators, "who5")), "a refused WHO-5 was stored");
    cr_assert(json_is_null(json_object_get(json_object_get(indicators, "ratings"), "caseworker")),
              "refused ratings were stored");
    json_decref(doc);
    world_close(&w);
}

Test(reviews, a_citizen_cannot_write_another_citizens_assessment_nor_staff_sections, .timeout = FX_TIMEOUT)
{
    struct world w, other;
    world_open(&w, FX_MUNICIPALITY);
    world_open(&other, FX_MUNICIPALITY);
    char review[FX_UUID_LEN];
    fx_schedule_review(&w.cw, w.case_id, w.today, review);
    struct http_response r;

    /* Another citizen's review does not exist for them. */
    write_blind(&other.citizen, "PUT", review, "/own-assessment", "\"1\"",
                json_pack("{s:s, s:s}", "wishes", "Falsk", "barriers", "Falsk"), &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    write_blind(&other.citizen, "PUT", review, "/who5", "\"1\"",
                json_pack("{s:[i, i, i, i, i]}", "items", 0, 0, 0, 0, 0), &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);
    write_blind(&other.citizen, "GET", review, NULL, NULL, NULL, &r);
    fx_assert_problem(&r, 404);
    http_response_free(&r);

    /* Their own review's staff sections are not theirs to change. */
    json_t *body = json_pack("{s:s}", "current_situation", "Jeg har det fint");
    fx_review_write(&w.citizen, "PATCH", review, NULL, body, &r);
    fx_assert_problem(&r, 403);
    http_response_free(&r);
    fx_review_write(&w.citizen, "POST", review, "/complete", json_object(), &r);
    fx_assert_problem(&r, 403);
    http_response_free(&r);
    fx_review_write(&w.citizen, "POST", review, "/advice",
                    json_pack("{s:s, s:s, s:s}", "body", "rehabiliteringsteam", "given_on", w.today, "summary", "x"),
                    &r);
    fx_assert_problem(&r, 403);
    http_response_free(&r);

    json_t *doc = fx_get_review(&w.cw, review);
    cr_assert_eq(integer_of(doc, "version"), 1, "refused writes changed the review");
    cr_assert(json_is_null(section(doc, "own_assessment")), "another citizen wrote the assessment");
    fx_assert_member(section(doc, "status"), "current_situation", NULL);
    json_decref(doc);

    /* Positive control: the citizen writes their own. */
    doc = fx_review_ok(&w.citizen, "PUT", review, "/own-assessment",
                       json_pack("{s:s, s:s}", "wishes", "Mit eget", "barriers", "Mine egne"));
    fx_assert_member(section(doc, "own_assessment"), "written_by", "citizen");
    json_decref(doc);
    world_close(&other);
    world_close(&w);
}

Test(reviews, staff_of_another_municipality_see_nothing, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char review[FX_UUID_LEN], path[160];
    fx_schedule_review(&w.cw, w.case_id, w.today, review);
    static const char *const roles[] = {"caseworker", "team_lead", "auditor"};
    for (size_t i = 0; i < 3; i++) {
        struct fx_actor outsider;
        fx_staff(&outsider, roles[i], FX_OTHER_MUNICIPALITY);
        review_path(review, NULL, path);
        assert_status_404(&outsider, "GET", path, NULL);
        snprintf(path, sizeof(path), "/v1/cases/%s/reviews", w.case_id);
        assert_status_404(&outsider, "GET", path, NULL);
        snprintf(path, sizeof(path), "/v1/cases/%s/plan", w.case_id);
        assert_status_404(&outsider, "GET", path, NULL);
        snprintf(path, sizeof(path), "/v1/cases/%s/interventions", w.case_id);
        assert_status_404(&outsider, "GET", path, NULL);
        if (strcmp(roles[i], "auditor") != 0) {
            review_path(review, NULL, path);
            assert_status_404(&outsider, "PATCH", path, json_pack("{s:s}", "current_situation", "Fremmed"));
            review_path(review, "/own-assessment", path);
            assert_status_404(&outsider, "PUT", path, json_pack("{s:s, s:s}", "wishes", "x", "barriers", "y"));
            review_path(review, "/complete", path);
            assert_status_404(&outsider, "POST", path, json_object());
            snprintf(path, sizeof(path), "/v1/cases/%s/reviews", w.case_id);
            assert_status_404(&outsider, "POST", path, json_pack("{s:s}", "meeting_on", w.today));
        }
        fx_actor_free(&outsider);
    }
    /* Untouched, and there for the municipality's own staff. */
    json_t *doc = fx_get_review(&w.cw, review);
    cr_assert_eq(integer_of(doc, "version"), 1);
    json_decref(doc);
    world_close(&w);
}

/* ---- scheduling, advice, progression ---- */

Test(reviews, scheduling_creates_one_open_review_whose_period_starts_at_the_target_group, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char meeting[11], review[FX_UUID_LEN], path[160];
    day(&w, 7, meeting);
    snprintf(path, sizeof(path), "/v1/cases/%s/reviews", w.case_id);
    struct http_response r;
    fx_call("POST", path, &w.cw, json_pack("{s:s}", "meeting_on", meeting), NULL, 0, &r);
    fx_assert_status(&r, 201);
    json_t *doc = fx_body(&r);
    http_response_free(&r);
    snprintf(review, sizeof(review), "%s", json_string_value(json_object_get(doc, "id")));
    fx_assert_member(doc, "case_id", w.case_id);
    fx_assert_member(doc, "citizen_id", w.citizen_id);
    fx_assert_member(doc, "status", "scheduled");
    fx_assert_member(doc, "meeting_on", meeting);
    fx_assert_member(doc, "period_from", w.since);
    fx_assert_member(doc, "completed_on", NULL);
    static const char *const empty[] = {"own_assessment", "work_capacity", "overall_decision", "follow_up_plan"};
    for (size_t i = 0; i < 4; i++)
        cr_assert(json_is_null(section(doc, empty[i])), "a new review has section %s", empty[i]);
    cr_assert(json_is_null(json_object_get(section(doc, "indicators"), "who5")), "a new review has a WHO-5");
    cr_assert_eq(integer_of(doc, "version"), 1);
    json_decref(doc);

    /* One open review per case. */
    fx_call("POST", path, &w.cw, json_pack("{s:s}", "meeting_on", meeting), NULL, 0, &r);
    fx_assert_problem(&r, 409);
    http_response_free(&r);
    doc = fx_get_json(&w.cw, path);
    cr_assert_eq(json_array_size(json_object_get(doc, "items")), 1, "the case lists %zu reviews, want 1",
                 json_array_size(json_object_get(doc, "items")));
    json_decref(doc);
    /* The citizen reads their own review. */
    json_decref(fx_get_review(&w.citizen, review));
    world_close(&w);
}

Test(reviews, advice_is_recorded_with_its_body_in_force_and_date, .timeout = FX_TIMEOUT)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char review[FX_UUID_LEN], given[11];
    day(&w, -3, given);
    fx_schedule_review(&w.cw, w.case_id, w.today, review);
    /* The rehabiliteringsteam advises until the 2027 reform, the health coordinator after. */
    int before_reform = strcmp(given, "2027-01-01") < 0;
    const char *in_force = before_reform ? "rehabiliteringsteam" : "sundhedskoordinator";
    const char *not_in_force = before_reform ? "sundhedskoordinator" : "rehabiliteringsteam";

    struct http_response r;
    fx_review_write(&w.cw, "POST", review, "/advice",
                    json_pack("{s:s, s:s, s:s}", "body", not_in_force, "given_on", given, "summary", "Forkert organ"),
                    &r);
    static const char *const want[] = {"/body"};
    fx_assert_error_pointers(&r, want, 1);
    http_response_free(&r);

    fx_review_write(&w.cw, "POST", review, "/advice",
                    json_pack("{s:s, s:s, s:s}", "body", in_force, "given_on", given, "summary",
                              "Teamet anbefaler et ressourceforløb med mentor."),
                    &r);
    cr_assert(r.status == 200 || r.status == 201, "advice answered %d: %.300s", r.status, r.body);
    http_response_free(&r);
    json_t *doc = fx_get_review(&w.cw, review);
    json_t *advice = json_object_get(doc, "advice");
    cr_assert_eq(json_array_size(advice), 1, "the review has %zu pieces of advice, want 1", json_array_size(advice));
    json_t *a = json_array_get(advice, 0);
    fx_assert_member(json_object_get(a, "body"), "code", in_force);
    fx_assert_member(a, "given_on", given);
    fx_assert_member(a, "summary", "Teamet anbefaler et ressourceforløb med mentor.");
    json_decref(doc);
    world_close(&w);
}

/* Fails unless progression[group][key] is {previous, current, change}. */
static void assert_change(json_t *progression, const char *group, const char *key, int previous, int current)
{
    json_t *g = key ? json_object_get(json_object_get(progression, group), key) : json_object_get(progression, group);
    cr_assert(json_is_object(g), "progression has no %s%s%s", group, key ? "." : "", key ? key : "");
    cr_assert_eq(integer_of(g, "previous"), previous, "%s %s: previous", group, key ? key : "");
    cr_assert_eq(integer_of(g, "current"), current, "%s %s: current", group, key ? key : "");
    cr_assert_eq(integer_of(g, "change"), current - previous, "%s %s: change", group, key ? key : "");
}

Test(reviews, a_second_review_reports_each_indicators_change_since_the_first, .timeout = FX_TIMEOUT * 3)
{
    struct world w;
    world_open(&w, FX_MUNICIPALITY);
    char first[FX_UUID_LEN], second[FX_UUID_LEN], planned[11], held[11], due[11], path[160];
    day(&w, 14, planned);

    /* The first review: WHO-5 1+2+1+2+1 = 7 → 28. */
    static const int who5_1[5] = {1, 2, 1, 2, 1}, cw_1[3] = {2, 2, 4}, citizen_1[3] = {1, 2, 5};
    fx_schedule_review(&w.cw, w.case_id, w.today, first);
    fx_fill_review(&w.cw, &w.citizen, first, w.today, planned, FX_SEC_ALL);
    json_decref(fx_put_who5(&w.citizen, first, who5_1));
    json_decref(fx_put_ratings(&w.cw, first, cw_1));
    json_decref(fx_put_ratings(&w.citizen, first, citizen_1));
    json_t *doc = fx_complete_review(&w.cw, first);
    cr_assert(json_is_null(json_object_get(doc, "progression")), "a first review has a progression");
    json_decref(doc);

    /* It was held eleven months ago: the next is due in one month. */
    fx_date_add_months(w.today, -11, held);
    fx_backdate_review(first, held);
    fx_date_add_months(held, 12, due);
    doc = fx_get_case(&w.cw, w.case_id);
    fx_assert_member(doc, "next_review_due", due);
    json_decref(doc);

    /* The second review: its period starts at the first; WHO-5 3+3+4+3+4 = 17 → 68. */
    static const int who5_2[5] = {3, 3, 4, 3, 4}, cw_2[3] = {3, 3, 3}, citizen_2[3] = {2, 4, 4};
    fx_schedule_review(&w.cw, w.case_id, w.today, second);
    doc = fx_get_review(&w.cw, second);
    fx_assert_member(doc, "period_from", held);
    json_decref(doc);
    fx_fill_review(&w.cw, &w.citizen, second, w.today, planned, FX_SEC_ALL);
    json_decref(fx_put_who5(&w.citizen, second, who5_2));
    json_decref(fx_put_ratings(&w.cw, second, cw_2));
    json_decref(fx_put_ratings(&w.citizen, second, citizen_2));
    json_decref(fx_complete_review(&w.cw, second));

    doc = fx_get_review(&w.cw, second);
    json_t *p = json_object_get(doc, "progression");
    cr_assert(json_is_object(p), "the second review has no progression");
    fx_assert_member(p, "previous_review_id", first);
    assert_change(p, "who5", NULL, 28, 68);
    static const char *const keys[] = {"life_mastery", "health", "labour_market_distance"};
    for (int i = 0; i < 3; i++) {
        assert_change(p, "caseworker", keys[i], cw_1[i], cw_2[i]);
        assert_change(p, "citizen", keys[i], citizen_1[i], citizen_2[i]);
    }
    json_decref(doc);
    doc = fx_get_review(&w.cw, first);
    cr_assert(json_is_null(json_object_get(doc, "progression")), "the first review gained a progression");
    json_decref(doc);

    /* The plan shows both, oldest first, and the next review a year from today. */
    fx_date_add_months(w.today, 12, due);
    snprintf(path, sizeof(path), "/v1/cases/%s/plan", w.case_id);
    json_t *plan = fx_get_json(&w.cw, path);
    fx_assert_member(plan, "next_review_due", due);
    fx_assert_member(json_object_get(plan, "last_review"), "id", second);
    json_t *over_time = json_object_get(plan, "indicators_over_time");
    cr_assert_eq(json_array_size(over_time), 2, "indicators_over_time has %zu entries, want 2",
                 json_array_size(over_time));
    fx_assert_member(json_array_get(over_time, 0), "review_id", first);
    fx_assert_member(json_array_get(over_time, 0), "completed_on", held);
    cr_assert_eq(integer_of(json_array_get(over_time, 0), "who5"), 28);
    assert_ratings(entry_ratings(json_array_get(over_time, 0), "caseworker"), cw_1, "first review, caseworker");
    fx_assert_member(json_array_get(over_time, 1), "review_id", second);
    fx_assert_member(json_array_get(over_time, 1), "completed_on", w.today);
    cr_assert_eq(integer_of(json_array_get(over_time, 1), "who5"), 68);
    assert_ratings(entry_ratings(json_array_get(over_time, 1), "citizen"), citizen_2, "second review, citizen");
    json_decref(plan);
    world_close(&w);
}
