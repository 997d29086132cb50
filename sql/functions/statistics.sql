-- Statistics: appeals, waiting times and progress, aggregates only.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).
--
-- jit = off on each (and for the whole database since migration 020): PostgreSQL's JIT
-- compilation took longer than the queries themselves (the issue measured 1.7 s of 2.3 s
-- of the progress statistics at 1,000,000 cases).

-- Appeal statistics for one municipality and period. Aggregates only; staff see their
-- own municipality, the appeals board any (it publishes these per municipality). The
-- board's change rate (omgørelsesprocent) is Ankestyrelsen's: changed and remitted
-- rulings over the rulings on substance, i.e. without dismissals. As in the progress
-- statistics, each group (decisions issued, appeals filed, rulings) shows how many there
-- were, and every figure about them is withheld (null, with suppressed) when they are of
-- fewer than 5 citizens, so that no one can be recognised.
CREATE OR REPLACE FUNCTION appeal_statistics(p_municipality text, p_from date, p_to date) RETURNS json
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET jit = off AS
$$
DECLARE
    result json;
BEGIN
    IF NOT (claim_role() = 'appeals_board'
            OR (claim_role() IN ('team_lead', 'auditor', 'caseworker') AND claim_municipality() = p_municipality)) THEN
        RAISE EXCEPTION 'no statistics for that municipality' USING ERRCODE = '42501';
    END IF;
    -- Decisions issued: from the rollup (statistics_rollup.sql), per kind and in all.
    WITH issued AS (
        SELECT substr(d.measure, length('decisions_issued:') + 1) AS code, sum(d.value) AS n FROM statistics_days d
         WHERE d.municipality = p_municipality AND d.measure LIKE 'decisions\_issued:%'
           AND d.day BETWEEN p_from AND p_to
         GROUP BY d.measure HAVING sum(d.value) <> 0),
    filed AS (
        SELECT * FROM appeals a
         WHERE a.municipality = p_municipality AND a.received_on BETWEEN p_from AND p_to),
    ruled AS (
        SELECT * FROM appeals a
         WHERE a.municipality = p_municipality AND a.status = 'ruled' AND a.ruled_on BETWEEN p_from AND p_to),
    shown AS (
        SELECT statistics_five_citizens(p_municipality, 'decisions_issued', p_from, p_to) AS decisions,
               (SELECT count(DISTINCT citizen_id) FROM filed) >= 5 AS appeals,
               (SELECT count(DISTINCT citizen_id) FROM ruled) >= 5 AS rulings)
    SELECT json_build_object(
        'municipality', p_municipality,
        'from', p_from,
        'to', p_to,
        'decisions_issued', CASE WHEN shown.decisions THEN
            (SELECT json_object_agg(g.code, g.n ORDER BY g.code) FROM issued g) END,
        'decisions_issued_total', (SELECT coalesce(sum(g.n), 0) FROM issued g),
        'appeals_filed', (SELECT count(*) FROM filed),
        'appeals_late', CASE WHEN shown.appeals THEN (SELECT count(*) FROM filed WHERE late) END,
        'reconsidered', CASE WHEN shown.appeals THEN
            (SELECT count(*) FROM filed WHERE reconsideration_outcome IS NOT NULL) END,
        'changed_on_reconsideration', CASE WHEN shown.appeals THEN
            (SELECT count(*) FROM filed WHERE reconsideration_outcome IN ('changed_in_full', 'changed_in_part')) END,
        'share_changed_on_reconsideration', CASE WHEN shown.appeals THEN
            (SELECT round(count(*) FILTER (WHERE reconsideration_outcome IN ('changed_in_full', 'changed_in_part'))::numeric
                          / nullif(count(*) FILTER (WHERE reconsideration_outcome IS NOT NULL), 0), 4)
               FROM filed) END,
        'rulings', CASE WHEN shown.rulings THEN json_build_object(
            'upheld', (SELECT count(*) FROM ruled WHERE ruling = 'upheld'),
            'changed', (SELECT count(*) FROM ruled WHERE ruling = 'changed'),
            'remitted', (SELECT count(*) FROM ruled WHERE ruling = 'remitted'),
            'dismissed', (SELECT count(*) FROM ruled WHERE ruling = 'dismissed')) END,
        'board_change_rate', CASE WHEN shown.rulings THEN
            (SELECT round(count(*) FILTER (WHERE ruling IN ('changed', 'remitted'))::numeric
                          / nullif(count(*) FILTER (WHERE ruling <> 'dismissed'), 0), 4)
               FROM ruled) END,
        'median_days_to_reconsideration', CASE WHEN shown.appeals THEN
            (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY reconsidered_on - received_on)
               FROM filed WHERE reconsidered_on IS NOT NULL) END,
        'median_days_to_ruling', CASE WHEN shown.rulings THEN
            (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ruled_on - received_on) FROM ruled) END,
        'suppressed', json_build_object('decisions_issued', NOT shown.decisions, 'appeals', NOT shown.appeals,
                                        'rulings', NOT shown.rulings))
    INTO result
    FROM shown;
    RETURN result;
END
$$;
REVOKE EXECUTE ON FUNCTION appeal_statistics(text, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION appeal_statistics(text, date, date) TO fremdrift_app;

-- Waiting time from request to start, per sector, for interventions started in a period.
-- Groups of fewer than 5 report their size but no figures, so no one can be identified.
CREATE OR REPLACE FUNCTION waiting_statistics(p_municipality text, p_from date, p_to date) RETURNS json
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET jit = off AS
$$
DECLARE
    result json;
BEGIN
    IF NOT (claim_role() IN ('team_lead', 'auditor', 'caseworker') AND claim_municipality() = p_municipality) THEN
        RAISE EXCEPTION 'no statistics for that municipality' USING ERRCODE = '42501';
    END IF;
    SELECT json_build_object('municipality', p_municipality, 'from', p_from, 'to', p_to,
                             'sectors', json_object_agg(s.sector, s.figures ORDER BY s.sector))
      INTO result
      FROM (SELECT sec.sector, json_build_object(
                -- citizen_id, not id: the index holds it, so the period is read from the index alone.
                'started', count(i.citizen_id),
                -- Withheld over fewer than 5 citizens (not interventions): one citizen's
                -- several starts must not make their waits readable.
                'median_days', CASE WHEN count(DISTINCT i.citizen_id) >= 5
                                    THEN percentile_cont(0.5) WITHIN GROUP (ORDER BY i.waiting_days) END,
                'p90_days', CASE WHEN count(DISTINCT i.citizen_id) >= 5
                                 THEN percentile_cont(0.9) WITHIN GROUP (ORDER BY i.waiting_days) END,
                'waiting_now', (SELECT count(*) FROM interventions w
                                 WHERE w.municipality = p_municipality AND w.sector = sec.sector
                                   AND w.status = 'requested'),
                'longest_waiting_days', (SELECT CASE WHEN count(DISTINCT w.citizen_id) >= 5 THEN max(danish_today() - w.requested_on) END
                                           FROM interventions w
                                          WHERE w.municipality = p_municipality AND w.sector = sec.sector
                                            AND w.status = 'requested')) AS figures
              FROM (VALUES ('employment'), ('social'), ('health')) AS sec(sector)
              LEFT JOIN interventions i ON i.sector = sec.sector AND i.municipality = p_municipality
                                       AND i.started_on BETWEEN p_from AND p_to
             GROUP BY sec.sector) s;
    RETURN result;
END
$$;
REVOKE EXECUTE ON FUNCTION waiting_statistics(text, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION waiting_statistics(text, date, date) TO fremdrift_app;

-- The mean of an indicator's change over the pairs where both reviews have it, to two
-- decimals (null when none has): from the rollup's sum (absent when it is 0) and count.
CREATE OR REPLACE FUNCTION progress_mean(p_figures jsonb, p_indicator text) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS
$$ SELECT round(coalesce((p_figures ->> (p_indicator || '_sum'))::numeric, 0)
                / nullif((p_figures ->> (p_indicator || '_n'))::numeric, 0), 2) $$;

-- Progress beyond employment for a municipality and period. Aggregates only, and any
-- figure over fewer than 5 citizens is withheld so that no one can be recognised. Read from
-- the rollup kept on write (sql/functions/statistics_rollup.sql): the sums of the period's
-- days, and for the counts "on a day" (citizens with a review, with an intervention since
-- it, cases) the sums of every day up to p_to; statistics_five_citizens() says whether a
-- figure is over five citizens or more.
CREATE OR REPLACE FUNCTION progress_statistics(p_municipality text, p_from date, p_to date) RETURNS json
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET jit = off AS
$$
DECLARE
    f jsonb;
    result json;
BEGIN
    IF NOT (claim_role() IN ('team_lead', 'auditor', 'caseworker') AND claim_municipality() = p_municipality) THEN
        RAISE EXCEPTION 'no statistics for that municipality' USING ERRCODE = '42501';
    END IF;
    SELECT jsonb_object_agg(measure, value) INTO f
      FROM (SELECT d.measure, sum(d.value) AS value FROM statistics_days d
             WHERE d.municipality = p_municipality AND d.day BETWEEN p_from AND p_to
               AND d.measure NOT IN ('reviewed', 'with_intervention', 'cases_created')
             GROUP BY d.measure
            UNION ALL
            SELECT d.measure, sum(d.value) FROM statistics_days d
             WHERE d.municipality = p_municipality AND d.day <= p_to
               AND d.measure IN ('reviewed', 'with_intervention', 'cases_created')
             GROUP BY d.measure) m;
    f := coalesce(f, '{}');
    WITH n AS (
        SELECT coalesce((f ->> 'reviews_completed')::bigint, 0) AS completed,
               coalesce((f ->> 'reviews_on_time')::bigint, 0) AS on_time,
               coalesce((f ->> 'reviewed')::bigint, 0) AS reviewed,
               coalesce((f ->> 'with_intervention')::bigint, 0) AS with_intervention,
               coalesce((f ->> 'overall_decisions')::bigint, 0) AS overall,
               coalesce((f ->> 'no_intervention_decisions')::bigint, 0) AS no_intervention,
               coalesce((f ->> 'pairs')::bigint, 0) AS pairs,
               coalesce((f ->> 'cases_created')::bigint, 0) AS cases,
               coalesce((f ->> 'caseworker_changes')::bigint, 0) AS changes),
    shown AS (
        SELECT statistics_five_citizens(p_municipality, 'reviews_completed', p_from, p_to) AS reviews,
               n.reviewed >= 5 AS reviewed,
               statistics_five_citizens(p_municipality, 'overall_decisions', p_from, p_to) AS overall,
               statistics_five_citizens(p_municipality, 'pairs', p_from, p_to) AS pairs,
               statistics_five_citizens(p_municipality, 'cases_created', '-infinity', p_to) AS cases
          FROM n)
    SELECT json_build_object(
        'municipality', p_municipality, 'from', p_from, 'to', p_to,
        'reviews', json_build_object(
            'completed', n.completed,
            'on_time', CASE WHEN shown.reviews THEN n.on_time END,
            'late', CASE WHEN shown.reviews THEN n.completed - n.on_time END,
            'suppressed', NOT shown.reviews),
        'citizens_with_intervention_since_last_review', json_build_object(
            'citizens', n.reviewed,
            'with_intervention', CASE WHEN shown.reviewed THEN n.with_intervention END,
            'share', CASE WHEN shown.reviewed THEN round(n.with_intervention::numeric / n.reviewed, 4) END,
            'suppressed', NOT shown.reviewed),
        'no_intervention_decisions', json_build_object(
            'overall_decisions', n.overall,
            'no_intervention', CASE WHEN shown.overall THEN n.no_intervention END,
            'share', CASE WHEN shown.overall THEN round(n.no_intervention::numeric / n.overall, 4) END,
            'suppressed', NOT shown.overall),
        'waiting_by_sector', waiting_statistics(p_municipality, p_from, p_to) -> 'sectors',
        'indicator_change', json_build_object(
            'pairs', n.pairs,
            'who5_mean_change', CASE WHEN shown.pairs THEN progress_mean(f, 'who5') END,
            'caseworker', CASE WHEN shown.pairs THEN json_build_object(
                'life_mastery', progress_mean(f, 'cw_life_mastery'), 'health', progress_mean(f, 'cw_health'),
                'labour_market_distance', progress_mean(f, 'cw_distance')) END,
            'citizen', CASE WHEN shown.pairs THEN json_build_object(
                'life_mastery', progress_mean(f, 'ci_life_mastery'), 'health', progress_mean(f, 'ci_health'),
                'labour_market_distance', progress_mean(f, 'ci_distance')) END,
            'suppressed', NOT shown.pairs),
        'caseworker_changes_per_case', json_build_object(
            'cases', n.cases,
            'mean', CASE WHEN shown.cases THEN round(n.changes::numeric / n.cases, 2) END,
            'suppressed', NOT shown.cases))
    INTO result
    FROM n, shown;
    RETURN result;
END
$$;
REVOKE EXECUTE ON FUNCTION progress_statistics(text, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION progress_statistics(text, date, date) TO fremdrift_app;
