-- The rollup behind the progress and appeal statistics (migration 019 says what each
-- measure is):
-- what each citizen adds to each figure on each day, refreshed by triggers in the same
-- transaction as any write that changes it, and its sums per municipality and day.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).
-- A change of these rules changes what is stored, so the file ends by rebuilding it.

-- What the given citizens add to each measure on each day, from the data as it is now:
-- the same rules as the statistics always had (sql/functions/statistics.sql).
CREATE OR REPLACE FUNCTION statistics_rows_of(p_citizens uuid[])
    RETURNS TABLE (municipality text, citizen_id uuid, measure text, day date, value bigint)
    LANGUAGE sql STABLE AS
$$
WITH their_cases AS (
    SELECT c.* FROM cases c WHERE c.citizen_id = ANY (p_citizens)),
-- Each completed review with the one before it on the same case (an earlier day): the due
-- date it answered (12 months after that one, or after the case entered its target
-- group) and the change in the indicators since.
completed AS (
    SELECT r.municipality, r.citizen_id, r.case_id, r.completed_on,
           (coalesce(p.completed_on, c.target_group_since) + interval '12 months')::date AS due,
           p.id IS NOT NULL AS paired,
           who5_score(r.who5_items) - who5_score(p.who5_items) AS who5,
           (r.caseworker_ratings ->> 'life_mastery')::int - (p.caseworker_ratings ->> 'life_mastery')::int AS cw_life_mastery,
           (r.caseworker_ratings ->> 'health')::int - (p.caseworker_ratings ->> 'health')::int AS cw_health,
           (r.caseworker_ratings ->> 'labour_market_distance')::int
               - (p.caseworker_ratings ->> 'labour_market_distance')::int AS cw_distance,
           (r.citizen_ratings ->> 'life_mastery')::int - (p.citizen_ratings ->> 'life_mastery')::int AS ci_life_mastery,
           (r.citizen_ratings ->> 'health')::int - (p.citizen_ratings ->> 'health')::int AS ci_health,
           (r.citizen_ratings ->> 'labour_market_distance')::int
               - (p.citizen_ratings ->> 'labour_market_distance')::int AS ci_distance
      FROM their_cases c
      JOIN reviews r ON r.case_id = c.id AND r.status = 'completed'
      LEFT JOIN LATERAL (SELECT * FROM reviews p
                          WHERE p.case_id = r.case_id AND p.status = 'completed' AND p.completed_on < r.completed_on
                          ORDER BY p.completed_on DESC LIMIT 1) p ON true),
-- A case has "an intervention started since its last review" from the first start after a
-- review until its next review (a start on the review's own day is not after it).
review_spans AS (
    SELECT DISTINCT r.municipality, r.citizen_id, r.case_id, r.completed_on,
           lead(r.completed_on) OVER (PARTITION BY r.case_id ORDER BY r.completed_on) AS next_on
      FROM (SELECT DISTINCT municipality, citizen_id, case_id, completed_on FROM completed) r),
intervention_spans AS (
    SELECT s.municipality, s.citizen_id, f.started_on AS from_on, s.next_on AS until_on
      FROM review_spans s,
           LATERAL (SELECT min(i.started_on) AS started_on FROM interventions i
                     WHERE i.case_id = s.case_id AND i.started_on > s.completed_on
                       AND (s.next_on IS NULL OR i.started_on < s.next_on)) f
     WHERE f.started_on IS NOT NULL),
-- A citizen is counted once whichever of their cases has it: the days covered by any span.
span_edges AS (
    SELECT municipality, citizen_id, day, sum(delta) AS delta
      FROM (SELECT municipality, citizen_id, from_on AS day, 1 AS delta FROM intervention_spans
            UNION ALL
            SELECT municipality, citizen_id, until_on, -1 FROM intervention_spans WHERE until_on IS NOT NULL) e
     GROUP BY municipality, citizen_id, day),
covered AS (
    SELECT municipality, citizen_id, day,
           (sum(delta) OVER w > 0)::int - (sum(delta) OVER w - delta > 0)::int AS delta
      FROM span_edges
    WINDOW w AS (PARTITION BY municipality, citizen_id ORDER BY day)),
contributions AS (
    SELECT x.municipality, x.citizen_id, m.measure, x.completed_on AS day, m.value
      FROM completed x,
           LATERAL (VALUES ('reviews_completed', 1), ('reviews_on_time', (x.completed_on <= x.due)::int),
                           ('pairs', x.paired::int),
                           ('who5_sum', x.who5), ('who5_n', (x.who5 IS NOT NULL)::int),
                           ('cw_life_mastery_sum', x.cw_life_mastery), ('cw_life_mastery_n', (x.cw_life_mastery IS NOT NULL)::int),
                           ('cw_health_sum', x.cw_health), ('cw_health_n', (x.cw_health IS NOT NULL)::int),
                           ('cw_distance_sum', x.cw_distance), ('cw_distance_n', (x.cw_distance IS NOT NULL)::int),
                           ('ci_life_mastery_sum', x.ci_life_mastery), ('ci_life_mastery_n', (x.ci_life_mastery IS NOT NULL)::int),
                           ('ci_health_sum', x.ci_health), ('ci_health_n', (x.ci_health IS NOT NULL)::int),
                           ('ci_distance_sum', x.ci_distance), ('ci_distance_n', (x.ci_distance IS NOT NULL)::int))
                   AS m(measure, value)
    UNION ALL
    SELECT municipality, citizen_id, 'reviewed', min(completed_on), 1 FROM completed GROUP BY municipality, citizen_id
    UNION ALL
    SELECT municipality, citizen_id, 'with_intervention', day, delta FROM covered
    UNION ALL
    SELECT d.municipality, d.citizen_id, m.measure, d.notified_on, m.value
      FROM their_cases c
      JOIN decisions d ON d.case_id = c.id AND d.status <> 'draft' AND d.notified_on IS NOT NULL
      JOIN reference_items k ON k.id = d.kind_id,
           LATERAL (VALUES ('decisions_issued', 1), ('decisions_issued:' || k.code, 1),
                           ('overall_decisions', (k.code IN ('overall', 'no_intervention'))::int),
                           ('no_intervention_decisions', (k.code = 'no_intervention')::int))
                   AS m(measure, value)
    UNION ALL
    SELECT c.municipality, c.citizen_id, 'cases_created', (c.created_at AT TIME ZONE 'Europe/Copenhagen')::date, 1
      FROM their_cases c
    UNION ALL
    SELECT c.municipality, c.citizen_id, 'caseworker_changes', (a.assigned_at AT TIME ZONE 'Europe/Copenhagen')::date, 1
      FROM their_cases c
      JOIN caseworker_assignments a ON a.case_id = c.id AND a.role = 'caseworker'
     WHERE a.id <> (SELECT min(f.id) FROM caseworker_assignments f WHERE f.case_id = c.id AND f.role = 'caseworker'))
SELECT municipality, citizen_id, measure, day, sum(value)::bigint FROM contributions
 GROUP BY municipality, citizen_id, measure, day
HAVING sum(value) <> 0
$$;

-- Brings the given citizens' rows in line with their data and the sums per municipality
-- and day with their rows, in one statement, in the transaction of the write that called
-- it. Writers of one municipality's sums first take its lock, in municipality order, so
-- two transactions adding to the same days queue instead of deadlocking.
CREATE OR REPLACE FUNCTION statistics_refresh(p_citizens uuid[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    plan_mode text;
BEGIN
    IF coalesce(cardinality(p_citizens), 0) = 0 THEN
        RETURN;
    END IF;
    plan_mode := plan_for_rows(cardinality(p_citizens));
    PERFORM pg_advisory_xact_lock(hashtext('statistics_days'), hashtext(m.municipality))
       FROM (SELECT DISTINCT c.municipality FROM cases c WHERE c.citizen_id = ANY (p_citizens) ORDER BY 1) m;
    -- The difference between the rows the citizens have and those they should have, as a
    -- full join: PostgreSQL can only hash or merge it, whatever it estimates of the
    -- derived rows (a nested loop over them had not ended after 4 minutes of a bulk load
    -- of 100,000 cases).
    WITH wanted AS MATERIALIZED (
        SELECT * FROM statistics_rows_of(p_citizens)),
    have AS MATERIALIZED (
        SELECT o.municipality, o.citizen_id, o.measure, o.day, o.value FROM statistics_citizen_days o
         WHERE o.citizen_id = ANY (p_citizens)),
    diff AS MATERIALIZED (
        SELECT municipality, citizen_id, measure, day, value, w.citizen_id IS NOT NULL AS wanted
          FROM wanted w FULL JOIN have h USING (municipality, citizen_id, measure, day, value)
         WHERE w.citizen_id IS NULL OR h.citizen_id IS NULL),
    gone AS (
        DELETE FROM statistics_citizen_days o USING diff d
         WHERE NOT d.wanted AND (o.citizen_id, o.municipality, o.measure, o.day, o.value)
                                = (d.citizen_id, d.municipality, d.measure, d.day, d.value)
        RETURNING o.municipality, o.measure, o.day, -o.value AS value),
    came AS (
        INSERT INTO statistics_citizen_days (municipality, citizen_id, measure, day, value)
        SELECT d.municipality, d.citizen_id, d.measure, d.day, d.value FROM diff d WHERE d.wanted
        RETURNING municipality, measure, day, value)
    INSERT INTO statistics_days AS t (municipality, measure, day, value)
    SELECT municipality, measure, day, sum(value) FROM (SELECT * FROM gone UNION ALL SELECT * FROM came) c
     GROUP BY municipality, measure, day HAVING sum(value) <> 0
     ORDER BY municipality, measure, day
        ON CONFLICT (municipality, measure, day) DO UPDATE SET value = t.value + excluded.value;
    PERFORM set_config('plan_cache_mode', plan_mode, true);
END
$$;
REVOKE EXECUTE ON FUNCTION statistics_refresh(uuid[]) FROM PUBLIC;

-- The statement-level trigger of a table, over its changed rows (transition tables
-- new_rows, old_rows): TG_ARGV[0] is the rows' citizen column, or "case_id" for rows that
-- know only their case; the further arguments are the columns the statistics read, so
-- that an update of other columns (a draft's text, a case's next review date) refreshes
-- nothing. The names come from the trigger definitions below, not from any caller.
CREATE OR REPLACE FUNCTION statistics_follow() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    citizens uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE 'SELECT array_agg(DISTINCT ' || statistics_citizen_of(TG_ARGV[0], 'n') || ') FROM new_rows n'
            INTO citizens;
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE 'SELECT array_agg(DISTINCT ' || statistics_citizen_of(TG_ARGV[0], 'o') || ') FROM old_rows o'
            INTO citizens;
    ELSE
        EXECUTE 'SELECT array_agg(DISTINCT x) FROM new_rows n JOIN old_rows o ON o.id = n.id, '
                || 'LATERAL (VALUES (' || statistics_citizen_of(TG_ARGV[0], 'n') || '), ('
                || statistics_citizen_of(TG_ARGV[0], 'o') || ')) AS v(x) '
                || 'WHERE (' || (SELECT string_agg('n.' || quote_ident(c), ', ') FROM unnest(TG_ARGV[1:]) c)
                || ') IS DISTINCT FROM ('
                || (SELECT string_agg('o.' || quote_ident(c), ', ') FROM unnest(TG_ARGV[1:]) c) || ')'
            INTO citizens;
    END IF;
    PERFORM statistics_refresh(citizens);
    RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION statistics_follow() FROM PUBLIC;

-- The citizen of a changed row aliased p_alias, as an SQL expression (statistics_follow).
CREATE OR REPLACE FUNCTION statistics_citizen_of(p_column text, p_alias text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE p_column WHEN 'case_id' THEN '(SELECT c.citizen_id FROM cases c WHERE c.id = ' || p_alias || '.case_id)'
                        ELSE p_alias || '.' || quote_ident(p_column) END $$;

-- No trigger for a new case: every new case gets its caseworker's assignment in the same
-- statement (record_caseworker_assignments, sql/functions/cases.sql), whose trigger below
-- refreshes the citizen once both exist; a second refresh per new case would find nothing
-- to change.
CREATE OR REPLACE TRIGGER cases_statistics_update AFTER UPDATE ON cases
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('citizen_id', 'citizen_id', 'municipality', 'created_at', 'target_group_since');
CREATE OR REPLACE TRIGGER cases_statistics_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('citizen_id');
CREATE OR REPLACE TRIGGER reviews_statistics_insert AFTER INSERT ON reviews REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('citizen_id');
CREATE OR REPLACE TRIGGER reviews_statistics_update AFTER UPDATE ON reviews
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('citizen_id', 'citizen_id', 'municipality', 'case_id', 'status', 'completed_on', 'who5_items', 'caseworker_ratings', 'citizen_ratings');
CREATE OR REPLACE TRIGGER reviews_statistics_delete AFTER DELETE ON reviews REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('citizen_id');
CREATE OR REPLACE TRIGGER decisions_statistics_insert AFTER INSERT ON decisions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('citizen_id');
CREATE OR REPLACE TRIGGER decisions_statistics_update AFTER UPDATE ON decisions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('citizen_id', 'citizen_id', 'municipality', 'case_id', 'status', 'notified_on', 'kind_id');
CREATE OR REPLACE TRIGGER decisions_statistics_delete AFTER DELETE ON decisions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('citizen_id');
CREATE OR REPLACE TRIGGER interventions_statistics_insert AFTER INSERT ON interventions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('citizen_id');
CREATE OR REPLACE TRIGGER interventions_statistics_update AFTER UPDATE ON interventions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('citizen_id', 'citizen_id', 'municipality', 'case_id', 'started_on');
CREATE OR REPLACE TRIGGER interventions_statistics_delete AFTER DELETE ON interventions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('citizen_id');
CREATE OR REPLACE TRIGGER caseworker_assignments_statistics_insert AFTER INSERT ON caseworker_assignments REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('case_id');
CREATE OR REPLACE TRIGGER caseworker_assignments_statistics_update AFTER UPDATE ON caseworker_assignments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('case_id', 'case_id', 'municipality', 'role', 'assigned_at');
CREATE OR REPLACE TRIGGER caseworker_assignments_statistics_delete AFTER DELETE ON caseworker_assignments REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION statistics_follow('case_id');

-- 1 when at least five citizens add to measure on the days from p_from to p_to: reads the
-- rows of those days until it has met five, so it stops early in any municipality where
-- the figure is shown.
CREATE OR REPLACE FUNCTION statistics_five_citizens(p_municipality text, p_measure text, p_from date, p_to date)
    RETURNS boolean LANGUAGE plpgsql STABLE AS
$$
DECLARE
    seen uuid[] := '{}';
    row record;
BEGIN
    FOR row IN SELECT p.citizen_id FROM statistics_citizen_days p
                WHERE p.municipality = p_municipality AND p.measure = p_measure AND p.day BETWEEN p_from AND p_to
    LOOP
        IF NOT row.citizen_id = ANY (seen) THEN
            seen := seen || row.citizen_id;
            IF cardinality(seen) >= 5 THEN
                RETURN true;
            END IF;
        END IF;
    END LOOP;
    RETURN false;
END
$$;

-- The stored rollup follows these rules: rebuilt whole whenever this file changes.
TRUNCATE statistics_citizen_days, statistics_days;
SELECT statistics_refresh(array_agg(id)) FROM citizens;
