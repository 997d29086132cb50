-- Statistics: appeals, waiting times and progress, aggregates only.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).
--
-- jit = off on each: these aggregate a municipality, so their plans cost enough to trip
-- PostgreSQL's JIT (jit_above_cost), whose compilation took longer than the query itself
-- (the issue measured 1.7 s of 2.3 s of the progress statistics at 1,000,000 cases).

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
    WITH issued AS (
        SELECT k.code, d.citizen_id
          FROM decisions d JOIN reference_items k ON k.id = d.kind_id
         WHERE d.municipality = p_municipality AND d.status <> 'draft'
           AND d.notified_on BETWEEN p_from AND p_to),
    filed AS (
        SELECT * FROM appeals a
         WHERE a.municipality = p_municipality AND a.received_on BETWEEN p_from AND p_to),
    ruled AS (
        SELECT * FROM appeals a
         WHERE a.municipality = p_municipality AND a.status = 'ruled' AND a.ruled_on BETWEEN p_from AND p_to),
    shown AS (
        SELECT (SELECT count(DISTINCT citizen_id) FROM issued) >= 5 AS decisions,
               (SELECT count(DISTINCT citizen_id) FROM filed) >= 5 AS appeals,
               (SELECT count(DISTINCT citizen_id) FROM ruled) >= 5 AS rulings)
    SELECT json_build_object(
        'municipality', p_municipality,
        'from', p_from,
        'to', p_to,
        'decisions_issued', CASE WHEN shown.decisions THEN
            (SELECT json_object_agg(g.code, g.n ORDER BY g.code)
               FROM (SELECT code, count(*) AS n FROM issued GROUP BY code) g) END,
        'decisions_issued_total', (SELECT count(*) FROM issued),
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
                'started', count(i.id),
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

-- Progress beyond employment for a municipality and period. Aggregates only, and any
-- figure over fewer than 5 citizens is withheld so that no one can be recognised.
CREATE OR REPLACE FUNCTION progress_statistics(p_municipality text, p_from date, p_to date) RETURNS json
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET jit = off AS
$$
DECLARE
    result json;
BEGIN
    IF NOT (claim_role() IN ('team_lead', 'auditor', 'caseworker') AND claim_municipality() = p_municipality) THEN
        RAISE EXCEPTION 'no statistics for that municipality' USING ERRCODE = '42501';
    END IF;
    WITH completed AS (
        SELECT r.*, (coalesce((SELECT max(p.completed_on) FROM reviews p
                                WHERE p.case_id = r.case_id AND p.status = 'completed' AND p.completed_on < r.completed_on),
                              c.target_group_since) + interval '12 months')::date AS due
          FROM reviews r JOIN cases c ON c.id = r.case_id
         WHERE r.municipality = p_municipality AND r.status = 'completed' AND r.completed_on BETWEEN p_from AND p_to),
    last_reviews AS (
        SELECT DISTINCT ON (r.case_id) r.case_id, r.citizen_id, r.completed_on FROM reviews r
         WHERE r.municipality = p_municipality AND r.status = 'completed' AND r.completed_on <= p_to
         ORDER BY r.case_id, r.completed_on DESC),
    with_intervention AS (
        SELECT lr.citizen_id, EXISTS (SELECT 1 FROM interventions i WHERE i.case_id = lr.case_id
                                        AND i.started_on > lr.completed_on AND i.started_on <= p_to) AS yes
          FROM last_reviews lr),
    overall AS (
        SELECT d.citizen_id, k.code FROM decisions d JOIN reference_items k ON k.id = d.kind_id
         WHERE d.municipality = p_municipality AND d.status <> 'draft' AND d.notified_on BETWEEN p_from AND p_to
           AND k.code IN ('overall', 'no_intervention')),
    pairs AS (
        SELECT r.citizen_id,
               who5_score(r.who5_items) - who5_score(p.who5_items) AS who5,
               (r.caseworker_ratings ->> 'life_mastery')::int - (p.caseworker_ratings ->> 'life_mastery')::int AS cw_life_mastery,
               (r.caseworker_ratings ->> 'health')::int - (p.caseworker_ratings ->> 'health')::int AS cw_health,
               (r.caseworker_ratings ->> 'labour_market_distance')::int - (p.caseworker_ratings ->> 'labour_market_distance')::int AS cw_distance,
               (r.citizen_ratings ->> 'life_mastery')::int - (p.citizen_ratings ->> 'life_mastery')::int AS ci_life_mastery,
               (r.citizen_ratings ->> 'health')::int - (p.citizen_ratings ->> 'health')::int AS ci_health,
               (r.citizen_ratings ->> 'labour_market_distance')::int - (p.citizen_ratings ->> 'labour_market_distance')::int AS ci_distance
          FROM completed r
          JOIN LATERAL (SELECT * FROM reviews p WHERE p.case_id = r.case_id AND p.status = 'completed'
                          AND p.completed_on < r.completed_on ORDER BY p.completed_on DESC LIMIT 1) p ON true),
    changes AS (
        SELECT c.id, c.citizen_id, (SELECT count(*) FROM caseworker_assignments a
                                     WHERE a.case_id = c.id AND a.role = 'caseworker'
                                       AND (a.assigned_at AT TIME ZONE 'Europe/Copenhagen')::date BETWEEN p_from AND p_to
                                       AND a.id <> (SELECT min(a2.id) FROM caseworker_assignments a2
                                                     WHERE a2.case_id = c.id AND a2.role = 'caseworker')) AS n
          FROM cases c WHERE c.municipality = p_municipality
                                     AND (c.created_at AT TIME ZONE 'Europe/Copenhagen')::date <= p_to)
    SELECT json_build_object(
        'municipality', p_municipality, 'from', p_from, 'to', p_to,
        'reviews', (SELECT json_build_object(
            'completed', count(*),
            'on_time', CASE WHEN count(DISTINCT citizen_id) >= 5 THEN count(*) FILTER (WHERE completed_on <= due) END,
            'late', CASE WHEN count(DISTINCT citizen_id) >= 5 THEN count(*) FILTER (WHERE completed_on > due) END,
            'suppressed', count(DISTINCT citizen_id) < 5) FROM completed),
        'citizens_with_intervention_since_last_review', (SELECT json_build_object(
            'citizens', count(DISTINCT citizen_id),
            'with_intervention', CASE WHEN count(DISTINCT citizen_id) >= 5 THEN count(DISTINCT citizen_id) FILTER (WHERE yes) END,
            'share', CASE WHEN count(DISTINCT citizen_id) >= 5
                          THEN round(count(DISTINCT citizen_id) FILTER (WHERE yes)::numeric / count(DISTINCT citizen_id), 4) END,
            'suppressed', count(DISTINCT citizen_id) < 5) FROM with_intervention),
        'no_intervention_decisions', (SELECT json_build_object(
            'overall_decisions', count(*),
            'no_intervention', CASE WHEN count(DISTINCT citizen_id) >= 5 THEN count(*) FILTER (WHERE code = 'no_intervention') END,
            'share', CASE WHEN count(DISTINCT citizen_id) >= 5
                          THEN round(count(*) FILTER (WHERE code = 'no_intervention')::numeric / count(*), 4) END,
            'suppressed', count(DISTINCT citizen_id) < 5) FROM overall),
        'waiting_by_sector', waiting_statistics(p_municipality, p_from, p_to) -> 'sectors',
        'indicator_change', (SELECT json_build_object(
            'pairs', count(*),
            'who5_mean_change', CASE WHEN count(DISTINCT citizen_id) >= 5 THEN round(avg(who5), 2) END,
            'caseworker', CASE WHEN count(DISTINCT citizen_id) >= 5 THEN json_build_object(
                'life_mastery', round(avg(cw_life_mastery), 2), 'health', round(avg(cw_health), 2),
                'labour_market_distance', round(avg(cw_distance), 2)) END,
            'citizen', CASE WHEN count(DISTINCT citizen_id) >= 5 THEN json_build_object(
                'life_mastery', round(avg(ci_life_mastery), 2), 'health', round(avg(ci_health), 2),
                'labour_market_distance', round(avg(ci_distance), 2)) END,
            'suppressed', count(DISTINCT citizen_id) < 5) FROM pairs),
        'caseworker_changes_per_case', (SELECT json_build_object(
            'cases', count(*),
            'mean', CASE WHEN count(DISTINCT citizen_id) >= 5 THEN round(avg(n), 2) END,
            'suppressed', count(DISTINCT citizen_id) < 5) FROM changes))
    INTO result;
    RETURN result;
END
$$;
REVOKE EXECUTE ON FUNCTION progress_statistics(text, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION progress_statistics(text, date, date) TO fremdrift_app;
