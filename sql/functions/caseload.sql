-- Caseload per caseworker against the recommended ranges, and continuity.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- Caseload per caseworker of the caller's municipality (row-level security), by category,
-- against the recommended ranges given as {"young": {"min": 35, "max": 50}, …}, and the
-- caseworker changes per case over the last 12 months (continuity).
CREATE OR REPLACE FUNCTION caseload(p_ranges jsonb) RETURNS json LANGUAGE sql STABLE AS
$$
WITH open_cases AS (
    SELECT c.id, c.caseworker,
           CASE WHEN tg.code = 'ressourceforloeb' THEN 'ressourceforloeb'
                WHEN tg.code IN ('jobparat', 'jobklar') THEN 'job_ready'
                WHEN ci.birth_date > danish_today() - interval '30 years' THEN 'young'
                ELSE 'adult' END AS category,
           (SELECT count(*) FROM caseworker_assignments a
             WHERE a.case_id = c.id AND a.role = 'caseworker'
               AND a.assigned_at > now() - interval '12 months'
               AND a.id <> (SELECT min(a2.id) FROM caseworker_assignments a2
                             WHERE a2.case_id = c.id AND a2.role = 'caseworker')) AS changes
      FROM cases c JOIN reference_items tg ON tg.id = c.target_group_id
      JOIN citizens ci ON ci.id = c.citizen_id
     WHERE c.status = 'open'),
per_category AS (
    SELECT caseworker, category, count(*) AS n FROM open_cases GROUP BY caseworker, category),
per_worker AS (
    SELECT o.caseworker, count(*) AS open_cases, round(avg(o.changes), 2) AS changes_per_case,
           (SELECT json_object_agg(cat, coalesce((SELECT n FROM per_category p
                                                   WHERE p.caseworker = o.caseworker AND p.category = cat), 0))
              FROM unnest(ARRAY['young', 'adult', 'ressourceforloeb', 'job_ready']) cat) AS by_category,
           (SELECT sum(p.n::numeric / ((p_ranges -> p.category ->> 'max')::numeric))
              FROM per_category p WHERE p.caseworker = o.caseworker) AS load,
           (SELECT sum(p.n::numeric / ((p_ranges -> p.category ->> 'min')::numeric))
              FROM per_category p WHERE p.caseworker = o.caseworker) AS of_minimum
      FROM open_cases o GROUP BY o.caseworker)
SELECT json_build_object(
    'as_of', danish_today(),
    'ranges', p_ranges,
    'caseworkers', coalesce((SELECT json_agg(json_build_object(
        'caseworker', w.caseworker, 'open_cases', w.open_cases, 'by_category', w.by_category,
        'load', round(w.load, 3),
        'status', CASE WHEN w.load > 1 THEN 'above' WHEN w.of_minimum >= 1 THEN 'within' ELSE 'below' END,
        'changes_per_case_12m', w.changes_per_case) ORDER BY w.caseworker) FROM per_worker w), '[]'))
$$;
