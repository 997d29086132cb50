/* Every HTTP handler, grouped by the file that holds it. Handlers are thin: they read
 * the request, call the resource's storage functions (or, for decisions, the decision
 * module's internal API) and set the reply. */
#ifndef FREMDRIFT_HANDLERS_H
#define FREMDRIFT_HANDLERS_H

struct request;
struct reply;


/* reference_http.c */
void api_reference_list(struct request *rq, struct reply *r);

/* citizens_http.c */
void api_citizens_create(struct request *rq, struct reply *r);
void api_citizens_search(struct request *rq, struct reply *r);
void api_citizens_get(struct request *rq, struct reply *r);
void api_me_citizen(struct request *rq, struct reply *r);

/* cases_http.c */
void api_cases_create(struct request *rq, struct reply *r);
void api_cases_list(struct request *rq, struct reply *r);
void api_cases_get(struct request *rq, struct reply *r);
void api_cases_update(struct request *rq, struct reply *r);
void api_cases_close(struct request *rq, struct reply *r);
void api_cases_assignments(struct request *rq, struct reply *r);

/* decisions_http.c */
void api_decisions_create(struct request *rq, struct reply *r);
void api_decisions_list(struct request *rq, struct reply *r);
void api_decisions_get(struct request *rq, struct reply *r);
void api_decisions_update(struct request *rq, struct reply *r);
void api_decisions_issue(struct request *rq, struct reply *r);

/* letter_http.c */
void api_decisions_letter(struct request *rq, struct reply *r);

/* appeals_http.c */
void api_appeals_create(struct request *rq, struct reply *r);
void api_appeals_list(struct request *rq, struct reply *r);
void api_appeals_get(struct request *rq, struct reply *r);

/* appeal_steps_http.c */
void api_appeals_reconsider(struct request *rq, struct reply *r);
void api_appeals_rule(struct request *rq, struct reply *r);
void api_appeals_suspensive_effect(struct request *rq, struct reply *r);

/* stats_http.c */
void api_stats_appeals(struct request *rq, struct reply *r);
void api_stats_progress(struct request *rq, struct reply *r);
void api_stats_waiting_times(struct request *rq, struct reply *r);

/* worklists_http.c */
void api_worklist(struct request *rq, struct reply *r);

/* caseload_http.c */
void api_caseload(struct request *rq, struct reply *r);
void api_caseload_reassign(struct request *rq, struct reply *r);

/* me_http.c */
void api_me_access_log(struct request *rq, struct reply *r);
void api_me_export(struct request *rq, struct reply *r);

/* interventions_http.c */
void api_interventions_create(struct request *rq, struct reply *r);
void api_interventions_list(struct request *rq, struct reply *r);
void api_interventions_get(struct request *rq, struct reply *r);
void api_interventions_start(struct request *rq, struct reply *r);
void api_interventions_end(struct request *rq, struct reply *r);
void api_interventions_cancel(struct request *rq, struct reply *r);
void api_interventions_progress(struct request *rq, struct reply *r);

/* exemptions_http.c */
void api_exemptions_create(struct request *rq, struct reply *r);
void api_exemptions_list(struct request *rq, struct reply *r);

/* flags_http.c */
void api_case_flags(struct request *rq, struct reply *r);
void api_flags_list(struct request *rq, struct reply *r);

/* reviews_http.c */
void api_reviews_create(struct request *rq, struct reply *r);
void api_reviews_list(struct request *rq, struct reply *r);
void api_reviews_get(struct request *rq, struct reply *r);
void api_reviews_update(struct request *rq, struct reply *r);

/* review_sections_http.c */
void api_reviews_own_assessment(struct request *rq, struct reply *r);
void api_reviews_who5(struct request *rq, struct reply *r);
void api_reviews_ratings(struct request *rq, struct reply *r);
void api_reviews_advice(struct request *rq, struct reply *r);

/* review_complete_http.c */
void api_reviews_complete(struct request *rq, struct reply *r);

/* plan_http.c */
void api_case_plan(struct request *rq, struct reply *r);
void api_me_plan(struct request *rq, struct reply *r);

/* events_http.c */
void api_events_feed(struct request *rq, struct reply *r);

/* access_log_http.c */
void api_access_log_list(struct request *rq, struct reply *r);

#endif
