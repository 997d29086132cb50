-- Caseload per caseworker against the recommended ranges, and continuity.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- One page of the caseload of the caller's municipality (row-level security): the
-- caseworkers with open cases after p_after in id order, at most p_limit, or only
-- p_caseworker; for each, the open cases by category against the recommended ranges given
-- as {"young": {"min": 35, "max": 50}, …}, and the caseworker changes per case over the
-- last 12 months (continuity). The page's caseworkers are found one index descent each
-- (cases_open_caseworker), and only their own open cases are read, so a page costs the
-- same in a municipality of 10,000 cases as in one of 100,000.
CREATE OR REPLACE FUNCTION caseload_page(p_ranges jsonb, p_caseworker text, p_after text, p_limit integer)
    RETURNS TABLE (caseworker text, line json) LANGUAGE sql STABLE AS
$$
WITH RECURSIVE worker(caseworker) AS (
    (SELECT c.caseworker FROM cases c
      WHERE c.municipality = claim_municipality() AND c.status = 'open' AND c.caseworker > p_after
        AND (p_caseworker IS NULL OR c.caseworker = p_caseworker)
      ORDER BY c.caseworker LIMIT 1)
    UNION ALL
    SELECT (SELECT c.caseworker FROM cases c
             WHERE c.municipality = claim_municipality() AND c.status = 'open' AND c.caseworker > w.caseworker
               AND (p_caseworker IS NULL OR c.caseworker = p_caseworker)
             ORDER BY c.caseworker LIMIT 1)
      FROM worker w WHERE w.caseworker IS NOT NULL),
page AS (
    SELECT w.caseworker FROM worker w WHERE w.caseworker IS NOT NULL LIMIT p_limit),
per_category AS (
    SELECT p.caseworker, k.category, count(*) AS n, sum(k.changes) AS changes
      FROM page p
      JOIN cases c ON c.municipality = claim_municipality() AND c.caseworker = p.caseworker AND c.status = 'open'
      JOIN reference_items tg ON tg.id = c.target_group_id
      JOIN citizens ci ON ci.id = c.citizen_id,
           LATERAL (SELECT CASE WHEN tg.code = 'ressourceforloeb' THEN 'ressourceforloeb'
                                WHEN tg.code IN ('jobparat', 'jobklar') THEN 'job_ready'
                                WHEN ci.birth_date > danish_today() - interval '30 years' THEN 'young'
                                ELSE 'adult' END AS category,
                           (SELECT count(*) FROM caseworker_assignments a
                             WHERE a.case_id = c.id AND a.role = 'caseworker'
                               AND a.assigned_at > now() - interval '12 months'
                               AND a.id <> (SELECT min(a2.id) FROM caseworker_assignments a2
                                             WHERE a2.case_id = c.id AND a2.role = 'caseworker')) AS changes) k
     GROUP BY p.caseworker, k.category),
per_worker AS (
    SELECT p.caseworker, sum(p.n) AS open_cases, round(sum(p.changes) / sum(p.n), 2) AS changes_per_case,
           (SELECT json_object_agg(cat, coalesce((SELECT q.n FROM per_category q
                                                   WHERE q.caseworker = p.caseworker AND q.category = cat), 0))
              FROM unnest(ARRAY['young', 'adult', 'ressourceforloeb', 'job_ready']) cat) AS by_category,
           sum(p.n::numeric / ((p_ranges -> p.category ->> 'max')::numeric)) AS load,
           sum(p.n::numeric / ((p_ranges -> p.category ->> 'min')::numeric)) AS of_minimum
      FROM per_category p GROUP BY p.caseworker)
SELECT w.caseworker, json_build_object(
        'caseworker', w.caseworker, 'open_cases', w.open_cases, 'by_category', w.by_category,
        'load', round(w.load, 3),
        'status', CASE WHEN w.load > 1 THEN 'above' WHEN w.of_minimum >= 1 THEN 'within' ELSE 'below' END,
        'changes_per_case_12m', w.changes_per_case)
  FROM per_worker w ORDER BY w.caseworker
$$;

-- GET /v1/caseload: {as_of, ranges, caseworkers, next_cursor} of one page; the cursor is
-- the last caseworker shown.
CREATE OR REPLACE FUNCTION caseload(p_ranges jsonb, p_caseworker text, p_after text, p_limit integer)
    RETURNS json LANGUAGE sql STABLE AS
$$
WITH lines AS (
    SELECT l.caseworker, l.line, row_number() OVER (ORDER BY l.caseworker) AS k
      FROM caseload_page(p_ranges, p_caseworker, p_after, p_limit + 1) l)
SELECT json_build_object(
    'as_of', danish_today(),
    'ranges', p_ranges,
    'caseworkers', coalesce((SELECT json_agg(l.line ORDER BY l.caseworker) FROM lines l WHERE l.k <= p_limit), '[]'),
    'next_cursor', (SELECT l.caseworker FROM lines l WHERE l.k = p_limit AND EXISTS (SELECT 1 FROM lines m WHERE m.k > p_limit)))
$$;
