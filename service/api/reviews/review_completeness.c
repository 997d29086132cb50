/* What a review still lacks before it can be completed, and the facts of its sections
 * that completing it acts on (placement granted or refused, no interventions, a hearing
 * needed). See review_input.h. */
#include "api/reviews/review_input.h"

#include <stdio.h>
#include <string.h>

#include "law/validate.h"

static const char *str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* Present with a value other than null. */
static int has_value(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return v && !json_is_null(v);
}

int review_placement_granted(const json_t *work_capacity)
{
    return json_is_true(json_object_get(work_capacity, "target_group_right")) &&
           json_is_true(json_object_get(work_capacity, "benefit_right"));
}

int review_no_interventions(const json_t *sections)
{
    const char *outcome = str(json_object_get(sections, "overall_decision"), "outcome");
    return outcome && strcmp(outcome, "no_interventions") == 0;
}

/* The placement is known to be refused: both answers given, not both yes. */
static int placement_refused(const json_t *wc)
{
    return json_is_boolean(json_object_get(wc, "target_group_right")) &&
           json_is_boolean(json_object_get(wc, "benefit_right")) && !review_placement_granted(wc);
}

int review_needs_hearing(const json_t *doc)
{
    const json_t *sections = json_object_get(doc, "sections");
    int adverse = placement_refused(json_object_get(sections, "work_capacity")) || review_no_interventions(sections);
    return adverse && !json_is_true(json_object_get(doc, "citizen_present"));
}

/* Records pointer (below section) as missing when member of obj has no value. */
static void require(struct check *c, const json_t *obj, const char *section, const char *member,
                    const char *message)
{
    char pointer[128];
    if (has_value(obj, member))
        return;
    snprintf(pointer, sizeof(pointer), "%s/%s", section, member);
    check_fail_pointer(c, pointer, message);
}

static void complete_work_capacity(struct check *c, const json_t *doc, const json_t *wc,
                                   const struct review_context *ctx)
{
    static const char *const at = "/sections/work_capacity";
    if (!json_is_object(wc)) {
        check_fail_pointer(c, at, "required: the assessment of work capacity, the placement and the benefit");
        return;
    }
    require(c, wc, at, "current_capacity", "required: the current work capacity (the placement decision's facts)");
    require(c, wc, at, "deterioration_risk", "required: the risk of deterioration");
    require(c, wc, at, "interdisciplinary_need", "required: whether an interdisciplinary effort is needed");
    require(c, wc, at, "target_group_right", "required: whether the placement in the target group is right");
    require(c, wc, at, "benefit_right", "required: whether the benefit is right");
    require(c, wc, at, "compensation_options", "required: the compensation options");
    if (placement_refused(wc))
        require(c, wc, at, "placement_note", "required: the reasons for refusing the placement or the benefit");
    if (ctx->ressourceforloeb)
        require(c, wc, at, "ressourceforloeb_assessed",
                "required while the rules in force on the meeting date have ressourceforløb");
    const char *hearing = str(json_object_get(wc, "hearing"), "status");
    if (review_needs_hearing(doc) && (!hearing || strcmp(hearing, "none") == 0))
        check_fail_pointer(c, "/sections/work_capacity/hearing",
                           "a decision against the citizen needs the hearing recorded (sent, answered or not_needed "
                           "with a reason) when the citizen did not take part in the meeting (forvaltningsloven § 19)");
}

static void complete_overall_decision(struct check *c, const json_t *od)
{
    static const char *const at = "/sections/overall_decision";
    if (!json_is_object(od)) {
        check_fail_pointer(c, at, "required: the overall decision on future interventions");
        return;
    }
    const char *outcome = str(od, "outcome");
    if (!outcome)
        require(c, od, at, "outcome", "required: interventions or no_interventions");
    else if (strcmp(outcome, "interventions") == 0 && json_array_size(json_object_get(od, "interventions")) == 0)
        check_fail_pointer(c, "/sections/overall_decision/interventions", "name at least one planned intervention");
    else if (strcmp(outcome, "no_interventions") == 0)
        require(c, od, at, "reasons", "required: why no intervention is to start");
    if (json_array_size(json_object_get(od, "legal_basis")) == 0)
        check_fail_pointer(c, "/sections/overall_decision/legal_basis",
                           "name at least one provision the decision is made under (forvaltningsloven § 24)");
}

void review_check_complete(struct check *c, const json_t *doc, const struct review_context *ctx)
{
    struct cal_date meeting = ctx->meeting_on;
    const json_t *sections = json_object_get(doc, "sections");
    const json_t *indicators = json_object_get(sections, "indicators");
    const json_t *ratings = json_object_get(indicators, "ratings");
    if (cal_after(meeting, ctx->today))
        check_fail_pointer(c, "/meeting_on", "the meeting has not been held: complete the review on or after its day");
    require(c, json_object_get(sections, "status"), "/sections/status", "current_situation",
            "required: the citizen's current situation");
    if (!has_value(sections, "own_assessment"))
        check_fail_pointer(c, "/sections/own_assessment",
                           "required: the citizen's own wishes and barriers, by the citizen or on their behalf");
    complete_work_capacity(c, doc, json_object_get(sections, "work_capacity"), ctx);
    complete_overall_decision(c, json_object_get(sections, "overall_decision"));
    const json_t *plan = json_object_get(sections, "follow_up_plan");
    if (!json_is_object(plan))
        check_fail_pointer(c, "/sections/follow_up_plan", "required: the follow-up plan with dated follow-ups");
    else if (json_array_size(json_object_get(plan, "follow_ups")) == 0)
        check_fail_pointer(c, "/sections/follow_up_plan/follow_ups", "name at least one dated follow-up");
    if (!has_value(indicators, "who5"))
        check_fail_pointer(c, "/sections/indicators/who5", "required: the citizen's WHO-5 answers");
    if (!has_value(ratings, "caseworker"))
        check_fail_pointer(c, "/sections/indicators/ratings/caseworker", "required: the caseworker's ratings");
    if (!has_value(ratings, "citizen"))
        check_fail_pointer(c, "/sections/indicators/ratings/citizen", "required: the citizen's ratings");
}
