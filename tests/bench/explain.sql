-- EXPLAIN (ANALYZE, BUFFERS) of every list query as the service runs it: as the service's
-- role, with a team lead's claims for municipality 101 (row-level security applies), first
-- page (25 rows and one more). `make bench` writes the output to var/bench-lists/explain.txt.
BEGIN;
SELECT set_config('fremdrift.role', 'team_lead', true), set_config('fremdrift.sub', 'bench-lead', true),
       set_config('fremdrift.municipality', '101', true);
\set first_since '''0001-01-01'''
\set first_id '''00000000-0000-0000-0000-000000000000'''
\echo == reviews-due
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.since, w.resource_id FROM worklist_reviews_due(NULL, :first_since, :first_id, 26) w ORDER BY w.since, w.resource_id;
\echo == reviews-due?caseworker=cw-101-7
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.since, w.resource_id FROM worklist_reviews_due('cw-101-7', :first_since, :first_id, 26) w ORDER BY w.since, w.resource_id;
\echo == review-overdue
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.since, w.resource_id FROM worklist_flag('review_overdue', NULL, :first_since, :first_id, 26) w ORDER BY w.since, w.resource_id;
\echo == exemptions-expiring
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.since, w.resource_id FROM worklist_flag('exemption_expiring', NULL, :first_since, :first_id, 26) w ORDER BY w.since, w.resource_id;
\echo == kontanthjaelp-year-without-assessment
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.since, w.resource_id FROM worklist_flag('kontanthjaelp_year_without_assessment', NULL, :first_since, :first_id, 26) w ORDER BY w.since, w.resource_id;
\echo == fleksjob-low-hours-without-progression
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.since, w.resource_id FROM worklist_flag('fleksjob_low_hours_without_progression', NULL, :first_since, :first_id, 26) w ORDER BY w.since, w.resource_id;
\echo == appeal-reconsiderations
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.since, w.resource_id FROM worklist_appeal_reconsiderations(NULL, :first_since, :first_id, 26) w ORDER BY w.since, w.resource_id;
\echo == hearings-overdue
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.since, w.resource_id FROM worklist_hearings_overdue(NULL, :first_since, :first_id, 26) w ORDER BY w.since, w.resource_id;
\echo == remitted-decisions
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.since, w.resource_id FROM worklist_remitted_decisions(NULL, :first_since, :first_id, 26) w ORDER BY w.since, w.resource_id;
\echo == long-waits
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.since, w.resource_id FROM worklist_long_waits(NULL, :first_since, :first_id, 26, 30) w ORDER BY w.since, w.resource_id;
\echo == processing-deadlines
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT w.since, w.resource_id FROM worklist_processing_deadlines(NULL, :first_since, :first_id, 26, '{"application": 42, "intervention_request": 30}') w ORDER BY w.since, w.resource_id;
\echo == /v1/flags
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT e.since, e.resource_id, e.id FROM flag_page(NULL, NULL, :first_since, :first_id, 0, 26) e ORDER BY e.since, e.resource_id, e.id;
\echo == /v1/flags?code=review_overdue
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT e.since, e.resource_id, e.id FROM flag_page(NULL, 'review_overdue', :first_since, :first_id, 0, 26) e ORDER BY e.since, e.resource_id, e.id;
\echo == /v1/caseload (one page of caseworkers)
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM caseload_page('{"young": {"min": 35, "max": 50}, "adult": {"min": 40, "max": 55}, "ressourceforloeb": {"min": 30, "max": 40}, "job_ready": {"min": 50, "max": 70}}', NULL, '', 26);
ROLLBACK;
-- The statistics functions are SECURITY DEFINER over the rollup, which only its owner
-- reads: their two queries, as the owner, for the last year.
\c :owner_url
SELECT (current_date - interval '1 year')::date AS year_ago \gset
\echo == /v1/stats/progress and decisions of /v1/stats/appeals: the period's sums
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT d.measure, sum(d.value) FROM statistics_days d WHERE d.municipality = '101' AND d.day BETWEEN :'year_ago' AND current_date GROUP BY d.measure;
\echo == five citizens or more (statistics_five_citizens, reviews completed in the period)
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT p.citizen_id FROM statistics_citizen_days p WHERE p.municipality = '101' AND p.measure = 'reviews_completed' AND p.day BETWEEN :'year_ago' AND current_date LIMIT 5;
