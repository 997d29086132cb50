-- Annual reviews: guards, and what a review reports of the period before it.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- A completed review is immutable; and a citizen may write only their own sections.
CREATE OR REPLACE FUNCTION guard_review() RETURNS trigger LANGUAGE plpgsql AS
$$
DECLARE
    citizen_columns CONSTANT text[] := ARRAY['own_wishes', 'own_barriers', 'own_written_by', 'own_written_at',
                                             'who5_items', 'who5_answered_by', 'citizen_ratings',
                                             'version', 'updated_at', 'updated_by'];
BEGIN
    IF OLD.status = 'completed' THEN
        RAISE EXCEPTION 'review % is completed and cannot change', OLD.id USING ERRCODE = '55000';
    END IF;
    IF claim_role() = 'citizen'
       AND (to_jsonb(NEW) - citizen_columns) IS DISTINCT FROM (to_jsonb(OLD) - citizen_columns) THEN
        RAISE EXCEPTION 'a citizen writes only their own sections' USING ERRCODE = '42501';
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER reviews_guard BEFORE UPDATE ON reviews FOR EACH ROW EXECUTE FUNCTION guard_review();

CREATE OR REPLACE FUNCTION guard_review_advice() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    IF EXISTS (SELECT 1 FROM reviews r WHERE r.id = NEW.review_id AND r.status = 'completed') THEN
        RAISE EXCEPTION 'review % is completed and cannot change', NEW.review_id USING ERRCODE = '55000';
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER review_advice_guard BEFORE INSERT ON review_advice
    FOR EACH ROW EXECUTE FUNCTION guard_review_advice();

-- Section 1: the interventions since the previous review, with their outcomes.
CREATE OR REPLACE FUNCTION review_period_interventions(r reviews) RETURNS json LANGUAGE sql STABLE AS
$$
SELECT coalesce(json_agg(json_build_object(
           'intervention_id', i.id, 'type', reference_brief(t), 'sector', i.sector, 'status', i.status,
           'requested_on', i.requested_on, 'started_on', i.started_on, 'ended_on', i.ended_on,
           'cancelled_on', i.cancelled_on, 'hours_per_week', i.hours_per_week, 'outcome', i.outcome,
           'cancel_reason', i.cancel_reason) ORDER BY i.requested_on, i.seq), '[]')
  FROM interventions i JOIN reference_items t ON t.id = i.type_id
 WHERE i.case_id = r.case_id
   AND (i.status IN ('requested', 'started')
        OR coalesce(i.ended_on, i.cancelled_on) >= r.period_from)
$$;

CREATE OR REPLACE FUNCTION who5_score(items smallint[]) RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN items IS NULL THEN NULL ELSE (SELECT sum(x) * 4 FROM unnest(items) x)::integer END $$;

-- The indicators of one review, as the plan and progression show them.
CREATE OR REPLACE FUNCTION review_indicators(r reviews) RETURNS json LANGUAGE sql STABLE AS
$$ SELECT json_build_object('who5', who5_score(r.who5_items), 'caseworker', r.caseworker_ratings,
                            'citizen', r.citizen_ratings) $$;

-- Progression: each indicator's change since the previous completed review.
CREATE OR REPLACE FUNCTION review_progression(r reviews) RETURNS json LANGUAGE sql STABLE AS
$$
WITH prev AS (
    SELECT p.* FROM reviews p
     WHERE p.case_id = r.case_id AND p.status = 'completed' AND p.id <> r.id
       AND p.completed_on <= coalesce(r.completed_on, danish_today())
     ORDER BY p.completed_on DESC, p.seq DESC LIMIT 1)
SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM prev) THEN NULL ELSE (
    SELECT json_build_object(
        'previous_review_id', prev.id,
        'who5', json_build_object('previous', who5_score(prev.who5_items), 'current', who5_score(r.who5_items),
                                  'change', who5_score(r.who5_items) - who5_score(prev.who5_items)),
        'caseworker', (SELECT json_object_agg(k, json_build_object(
                          'previous', (prev.caseworker_ratings ->> k)::int, 'current', (r.caseworker_ratings ->> k)::int,
                          'change', (r.caseworker_ratings ->> k)::int - (prev.caseworker_ratings ->> k)::int))
                         FROM unnest(ARRAY['life_mastery', 'health', 'labour_market_distance']) k),
        'citizen', (SELECT json_object_agg(k, json_build_object(
                       'previous', (prev.citizen_ratings ->> k)::int, 'current', (r.citizen_ratings ->> k)::int,
                       'change', (r.citizen_ratings ->> k)::int - (prev.citizen_ratings ->> k)::int))
                      FROM unnest(ARRAY['life_mastery', 'health', 'labour_market_distance']) k))
    FROM prev) END
$$;
