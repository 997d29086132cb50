-- When a case's next review is due, and the flags a case raises.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- The next review is due at most 12 months after the last completed review, or after the
-- case entered its target group. Computed, so it is never stale.
CREATE OR REPLACE FUNCTION review_due(c cases) RETURNS date LANGUAGE sql STABLE AS
$$ SELECT (coalesce((SELECT max(r.completed_on) FROM reviews r
                      WHERE r.case_id = c.id AND r.status = 'completed'),
                    c.target_group_since) + interval '12 months')::date $$;

-- The flags the service raises on a case, each with since when and why. plpgsql, not
-- SQL, because it runs on every read of a case: plpgsql keeps its query plans for the
-- session, where a SQL function is planned again on each call.
CREATE OR REPLACE FUNCTION case_flags(c cases) RETURNS json LANGUAGE plpgsql STABLE AS
$$
DECLARE
    today CONSTANT date := danish_today();
    due date;
    assessed date;
    flags json[] := '{}';
    f record;
BEGIN
    IF c.status <> 'open' THEN
        RETURN '[]';
    END IF;

    -- A year of kontanthjælp without a work capacity assessment (and, while the rules
    -- have ressourceforløb, without an assessment of the right to one).
    IF c.benefit_start + interval '1 year' <= today
       AND (SELECT b.code FROM reference_items b WHERE b.id = c.benefit_id) = 'kontanthjaelp' THEN
        SELECT max(r.completed_on) INTO assessed FROM reviews r
         WHERE r.case_id = c.id AND r.status = 'completed' AND r.work_capacity IS NOT NULL
           AND (NOT EXISTS (SELECT 1 FROM reference_items k
                             WHERE k.kind = 'decision_kind' AND k.code = 'ressourceforloeb'
                               AND k.valid_from <= r.completed_on
                               AND (k.valid_to IS NULL OR k.valid_to > r.completed_on))
                OR (r.work_capacity ->> 'ressourceforloeb_assessed')::boolean);
        IF assessed IS NULL OR assessed + interval '1 year' <= today THEN
            flags := flags || json_build_object(
                'code', 'kontanthjaelp_year_without_assessment',
                'since', greatest(c.benefit_start + interval '1 year', assessed + interval '1 year')::date,
                'why', 'Borgeren har modtaget kontanthjælp sammenhængende i over et år uden en vurdering af '
                       || 'arbejdsevnen (og, så længe reglerne har ressourceforløb, en vurdering af ret til '
                       || 'ressourceforløb).');
        END IF;
    END IF;

    -- A fleksjob under 5 hours a week without documented progression for 12 months.
    FOR f IN
        SELECT (greatest(i.started_on, coalesce(max(p.noted_on), i.started_on)) + interval '1 year')::date AS since
          FROM interventions i JOIN reference_items t ON t.id = i.type_id
          LEFT JOIN intervention_progress p ON p.intervention_id = i.id
         WHERE i.case_id = c.id AND i.status = 'started' AND i.hours_per_week < 5
           AND coalesce((t.attributes ->> 'fleksjob')::boolean, false)
         GROUP BY i.id, i.started_on
        HAVING greatest(i.started_on, coalesce(max(p.noted_on), i.started_on)) + interval '1 year' <= today
    LOOP
        flags := flags || json_build_object(
            'code', 'fleksjob_low_hours_without_progression', 'since', f.since,
            'why', 'Fleksjob under 5 timer om ugen uden dokumenteret progression i 12 måneder.');
    END LOOP;

    -- An exemption from requirements and sanctions that ends within 30 days.
    FOR f IN
        SELECT e.to_on FROM exemptions e
         WHERE e.case_id = c.id AND e.to_on >= today AND e.to_on - 30 <= today
    LOOP
        flags := flags || json_build_object(
            'code', 'exemption_expiring', 'since', f.to_on - 30,
            'why', 'Fritagelsen for krav og sanktioner udløber ' || danish_date(f.to_on)
                   || '. Retten til indsatser gælder under fritagelsen.');
    END LOOP;

    due := review_due(c);
    IF due < today THEN
        flags := flags || json_build_object(
            'code', 'review_overdue', 'since', due,
            'why', 'Den årlige opfølgning (fremdriftsgarantien) er ikke gennemført inden fristen.');
    END IF;

    RETURN (SELECT coalesce(json_agg(x ORDER BY x ->> 'since', x ->> 'code'), '[]') FROM unnest(flags) x);
END
$$;
