-- 005 interventions, the annual review (fremdriftsgaranti), exemptions, the citizen's
-- plan and the flags the service raises. The review must have substance: it cannot be
-- completed without every section, and completing it issues real decisions.

-- Reference data. Intervention types carry their sector, whether hours apply, and the
-- provisions their sub-decision cites (those in force on the decision's date are used, so
-- the 2027 reform is a data change). Indicator scales are documented here, not in C.
INSERT INTO reference_items (kind, code, label_da, label_en, valid_from, valid_to, attributes) VALUES
 ('legal_provision', 'lab_kap_9a', 'Lov om en aktiv beskæftigelsesindsats kapitel 9 a', 'Active Employment Act ch. 9 a (coordinated, holistic effort)', '2020-01-01', '2027-01-01', '{}'),
 ('intervention_type', 'virksomhedspraktik', 'Virksomhedspraktik', 'Work placement', '2020-01-01', NULL, '{"sector": "employment", "hours_per_week": true, "legal_basis": ["lab_kap_10_12", "lov_1750_2025"]}'),
 ('intervention_type', 'loentilskud', 'Ansættelse med løntilskud', 'Wage-subsidised employment', '2020-01-01', NULL, '{"sector": "employment", "hours_per_week": true, "legal_basis": ["lab_kap_10_12", "lov_1750_2025"]}'),
 ('intervention_type', 'smaajob', 'Småjob', 'Small job', '2020-01-01', NULL, '{"sector": "employment", "hours_per_week": true, "legal_basis": ["lab_kap_10_12", "lov_1750_2025"]}'),
 ('intervention_type', 'udviklingsfleksjob', 'Udviklingsfleksjob', 'Developmental flexible job', '2020-01-01', NULL, '{"sector": "employment", "hours_per_week": true, "fleksjob": true, "legal_basis": ["lab_kap_13", "lov_1750_2025"]}'),
 ('intervention_type', 'fleksjob', 'Fleksjob', 'Flexible job', '2020-01-01', NULL, '{"sector": "employment", "hours_per_week": true, "fleksjob": true, "legal_basis": ["lab_kap_13", "lov_1750_2025"]}'),
 ('intervention_type', 'mentor', 'Mentorstøtte', 'Mentor support', '2020-01-01', NULL, '{"sector": "employment", "hours_per_week": true, "legal_basis": ["lab_kap_10_12", "lov_1750_2025"]}'),
 ('intervention_type', 'revalidering', 'Revalidering', 'Vocational rehabilitation', '2020-01-01', '2027-01-01', '{"sector": "employment", "hours_per_week": true, "legal_basis": ["las_kap_6"]}'),
 ('intervention_type', 'uddannelse', 'Uddannelse', 'Education', '2020-01-01', NULL, '{"sector": "employment", "hours_per_week": true, "legal_basis": ["lab_kap_10_12", "lov_1750_2025"]}'),
 ('intervention_type', 'behandling', 'Helbredsmæssig behandling', 'Health treatment', '2020-01-01', NULL, '{"sector": "health", "hours_per_week": false, "legal_basis": ["lab_kap_9a", "lov_1750_2025"]}'),
 ('intervention_type', 'psykiatrisk_behandling', 'Psykiatrisk behandling', 'Psychiatric treatment', '2020-01-01', NULL, '{"sector": "health", "hours_per_week": false, "legal_basis": ["lab_kap_9a", "lov_1750_2025"]}'),
 ('intervention_type', 'social_stoette', 'Social støtte', 'Social support', '2020-01-01', NULL, '{"sector": "social", "hours_per_week": true, "legal_basis": ["lab_kap_9a", "lov_1750_2025"]}'),
 ('intervention_type', 'misbrugsbehandling', 'Misbrugsbehandling', 'Addiction treatment', '2020-01-01', NULL, '{"sector": "health", "hours_per_week": false, "legal_basis": ["lab_kap_9a", "lov_1750_2025"]}'),
 ('intervention_type', 'stabiliserende_aktiviteter', 'Stabiliserende aktiviteter', 'Stabilising activities', '2020-01-01', NULL, '{"sector": "social", "hours_per_week": true, "legal_basis": ["lab_kap_9a", "lov_1750_2025"]}'),
 ('intervention_type', 'anden', 'Anden indsats', 'Other intervention', '2020-01-01', NULL, '{"sector": "social", "hours_per_week": true, "legal_basis": ["lab_kap_10_12", "lov_1750_2025"]}'),
 ('advisory_body', 'rehabiliteringsteam', 'Rehabiliteringsteamet', 'Rehabilitation team', '2020-01-01', '2027-01-01', '{}'),
 ('advisory_body', 'sundhedskoordinator', 'Sundhedskoordinator', 'Health coordinator', '2027-01-01', NULL, '{"provisional": true}'),
 ('advisory_body', 'klinisk_funktion', 'Klinisk funktion (regionen)', 'Regional clinical function', '2020-01-01', NULL, '{}'),
 ('indicator', 'who5', 'WHO-5 trivselsindeks', 'WHO-5 Well-Being Index', '2020-01-01', NULL,
  '{"items": 5, "item_min": 0, "item_max": 5, "multiplier": 4, "min": 0, "max": 100, "direction": "higher_is_better", "answered_by": "citizen",
    "anchors": {"0": "På intet tidspunkt", "5": "Hele tiden"}}'),
 ('indicator', 'life_mastery', 'Livsmestring', 'Life mastery', '2020-01-01', NULL,
  '{"min": 1, "max": 5, "direction": "higher_is_better",
    "anchors": {"1": "Klarer meget lidt af hverdagen selv", "3": "Klarer det meste med støtte", "5": "Klarer hverdagen selv"}}'),
 ('indicator', 'health', 'Helbred', 'Health', '2020-01-01', NULL,
  '{"min": 1, "max": 5, "direction": "higher_is_better",
    "anchors": {"1": "Meget dårligt", "3": "Hverken godt eller dårligt", "5": "Meget godt"}}'),
 ('indicator', 'labour_market_distance', 'Afstand til arbejdsmarkedet', 'Distance to the labour market', '2020-01-01', NULL,
  '{"min": 1, "max": 5, "direction": "lower_is_better",
    "anchors": {"1": "Tæt på: kan arbejde nu", "3": "Kan arbejde med støtte og tid", "5": "Langt fra: ikke i nærheden af arbejde"}}');

CREATE TABLE interventions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    case_id uuid NOT NULL REFERENCES cases,
    municipality text NOT NULL CHECK (municipality ~ '^[0-9]{3}$'),
    citizen_id uuid NOT NULL REFERENCES citizens,
    type_id bigint NOT NULL REFERENCES reference_items,
    sector text NOT NULL CHECK (sector IN ('employment', 'social', 'health')),
    status text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'started', 'ended', 'cancelled')),
    requested_on date NOT NULL,
    planned_start date,
    started_on date,
    ended_on date,
    cancelled_on date,
    cancel_reason text CHECK (length(cancel_reason) BETWEEN 1 AND 2000),
    provider text CHECK (length(provider) BETWEEN 1 AND 200),
    hours_per_week numeric(4, 1) CHECK (hours_per_week > 0 AND hours_per_week <= 37),
    outcome text CHECK (length(outcome) BETWEEN 1 AND 4000),
    -- Waiting time is stored, so it is reported as it was, whatever changes later.
    waiting_days integer GENERATED ALWAYS AS (started_on - requested_on) STORED,
    decision_id uuid REFERENCES decisions,
    review_id uuid,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT claim_sub(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT claim_sub(),
    CHECK (started_on IS NULL OR started_on >= requested_on),
    CHECK (ended_on IS NULL OR (started_on IS NOT NULL AND ended_on >= started_on)),
    CHECK (status <> 'started' OR started_on IS NOT NULL),
    CHECK (status <> 'ended' OR (ended_on IS NOT NULL AND outcome IS NOT NULL)),
    CHECK (status <> 'cancelled' OR (cancelled_on IS NOT NULL AND cancel_reason IS NOT NULL))
);
CREATE INDEX interventions_case ON interventions (case_id, seq);
CREATE INDEX interventions_municipality_started ON interventions (municipality, started_on);

-- Documented progression, e.g. for a fleksjob under 5 hours a week.
CREATE TABLE intervention_progress (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    intervention_id uuid NOT NULL REFERENCES interventions,
    municipality text NOT NULL,
    noted_on date NOT NULL,
    note text NOT NULL CHECK (length(note) BETWEEN 1 AND 4000),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT claim_sub()
);
CREATE INDEX intervention_progress_intervention ON intervention_progress (intervention_id, noted_on);

-- Temporary exemption from requirements and sanctions. The right to interventions stays:
-- nothing here blocks starting one.
CREATE TABLE exemptions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    case_id uuid NOT NULL REFERENCES cases,
    municipality text NOT NULL CHECK (municipality ~ '^[0-9]{3}$'),
    citizen_id uuid NOT NULL REFERENCES citizens,
    from_on date NOT NULL,
    to_on date NOT NULL,
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT claim_sub(),
    CHECK (to_on >= from_on)
);
CREATE INDEX exemptions_case ON exemptions (case_id, to_on);

CREATE TABLE reviews (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    case_id uuid NOT NULL REFERENCES cases,
    municipality text NOT NULL CHECK (municipality ~ '^[0-9]{3}$'),
    citizen_id uuid NOT NULL REFERENCES citizens,
    status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'completed')),
    meeting_on date NOT NULL,
    meeting_at timestamptz,
    period_from date NOT NULL,
    -- (1) status: the interventions are read from the case, and frozen at completion.
    current_situation text CHECK (length(current_situation) BETWEEN 1 AND 20000),
    status_interventions jsonb,
    -- (2) the citizen's own assessment, by the citizen or on their behalf (marked).
    own_wishes text CHECK (length(own_wishes) BETWEEN 1 AND 20000),
    own_barriers text CHECK (length(own_barriers) BETWEEN 1 AND 20000),
    own_written_by text CHECK (own_written_by IN ('citizen', 'caseworker_on_behalf')),
    own_written_at timestamptz,
    -- (3) work capacity, (4) the overall decision, (5) the follow-up plan: documents whose
    -- shape the service validates.
    work_capacity jsonb,
    overall_decision jsonb,
    follow_up_plan jsonb,
    -- (6) indicators.
    who5_items smallint[] CHECK (who5_items IS NULL OR (array_length(who5_items, 1) = 5
                                 AND 0 <= ALL (who5_items) AND 5 >= ALL (who5_items))),
    who5_answered_by text CHECK (who5_answered_by IN ('citizen', 'caseworker_on_behalf')),
    caseworker_ratings jsonb,
    citizen_ratings jsonb,
    recommendation text CHECK (length(recommendation) BETWEEN 1 AND 20000),
    citizen_present boolean,
    completed_on date,
    completed_at timestamptz,
    completed_by text,
    placement_decision_id uuid REFERENCES decisions,
    overall_decision_id uuid REFERENCES decisions,
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT claim_sub(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT claim_sub(),
    CHECK (status <> 'completed' OR (completed_on IS NOT NULL AND placement_decision_id IS NOT NULL
                                     AND overall_decision_id IS NOT NULL AND status_interventions IS NOT NULL))
);
CREATE INDEX reviews_case ON reviews (case_id, seq);
CREATE INDEX reviews_completed ON reviews (case_id, completed_on) WHERE status = 'completed';
-- One scheduled review per case at a time.
CREATE UNIQUE INDEX reviews_one_open ON reviews (case_id) WHERE status = 'scheduled';

ALTER TABLE interventions ADD FOREIGN KEY (review_id) REFERENCES reviews;

-- Advice from other bodies (a rehabiliteringsteam before 2027, a health coordinator after),
-- recorded with its source and date.
CREATE TABLE review_advice (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    review_id uuid NOT NULL REFERENCES reviews,
    municipality text NOT NULL,
    body_id bigint NOT NULL REFERENCES reference_items,
    given_on date NOT NULL,
    summary text NOT NULL CHECK (length(summary) BETWEEN 1 AND 20000),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT claim_sub()
);
CREATE INDEX review_advice_review ON review_advice (review_id, id);

-- A completed review is immutable; and a citizen may write only their own sections.
CREATE FUNCTION guard_review() RETURNS trigger LANGUAGE plpgsql AS
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
CREATE TRIGGER reviews_guard BEFORE UPDATE ON reviews FOR EACH ROW EXECUTE FUNCTION guard_review();

CREATE FUNCTION guard_review_advice() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    IF EXISTS (SELECT 1 FROM reviews r WHERE r.id = NEW.review_id AND r.status = 'completed') THEN
        RAISE EXCEPTION 'review % is completed and cannot change', NEW.review_id USING ERRCODE = '55000';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER review_advice_guard BEFORE INSERT ON review_advice
    FOR EACH ROW EXECUTE FUNCTION guard_review_advice();

-- Today in Denmark, for deadlines and flags computed in SQL.
CREATE FUNCTION danish_today() RETURNS date LANGUAGE sql STABLE AS
$$ SELECT (now() AT TIME ZONE 'Europe/Copenhagen')::date $$;

-- The next review is due at most 12 months after the last completed review, or after the
-- case entered its target group. Computed, so it is never stale.
CREATE FUNCTION review_due(c cases) RETURNS date LANGUAGE sql STABLE AS
$$ SELECT (coalesce((SELECT max(r.completed_on) FROM reviews r
                      WHERE r.case_id = c.id AND r.status = 'completed'),
                    c.target_group_since) + interval '12 months')::date $$;

CREATE FUNCTION intervention_document(i interventions) RETURNS json LANGUAGE sql STABLE AS
$$
SELECT json_build_object(
    'id', i.id, 'case_id', i.case_id, 'citizen_id', i.citizen_id, 'municipality', i.municipality,
    'type', reference_brief(t), 'sector', i.sector, 'status', i.status,
    'requested_on', i.requested_on, 'planned_start', i.planned_start, 'started_on', i.started_on,
    'ended_on', i.ended_on, 'cancelled_on', i.cancelled_on, 'cancel_reason', i.cancel_reason,
    'provider', i.provider, 'hours_per_week', i.hours_per_week, 'outcome', i.outcome,
    'waiting_days', i.waiting_days, 'decision_id', i.decision_id, 'review_id', i.review_id,
    'progress', (SELECT coalesce(json_agg(json_build_object('noted_on', p.noted_on, 'note', p.note)
                                          ORDER BY p.noted_on, p.id), '[]')
                   FROM intervention_progress p WHERE p.intervention_id = i.id),
    'version', i.version, 'created_at', rfc3339(i.created_at), 'updated_at', rfc3339(i.updated_at))
FROM reference_items t WHERE t.id = i.type_id
$$;

-- Section 1: the interventions since the previous review, with their outcomes.
CREATE FUNCTION review_period_interventions(r reviews) RETURNS json LANGUAGE sql STABLE AS
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

CREATE FUNCTION who5_score(items smallint[]) RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE WHEN items IS NULL THEN NULL ELSE (SELECT sum(x) * 4 FROM unnest(items) x)::integer END $$;

-- The indicators of one review, as the plan and progression show them.
CREATE FUNCTION review_indicators(r reviews) RETURNS json LANGUAGE sql STABLE AS
$$ SELECT json_build_object('who5', who5_score(r.who5_items), 'caseworker', r.caseworker_ratings,
                            'citizen', r.citizen_ratings) $$;

-- Progression: each indicator's change since the previous completed review.
CREATE FUNCTION review_progression(r reviews) RETURNS json LANGUAGE sql STABLE AS
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

CREATE FUNCTION review_document(r reviews) RETURNS json LANGUAGE sql STABLE AS
$$
SELECT json_build_object(
    'id', r.id, 'case_id', r.case_id, 'citizen_id', r.citizen_id, 'municipality', r.municipality,
    'status', r.status, 'meeting_on', r.meeting_on, 'meeting_at', rfc3339(r.meeting_at),
    'period_from', r.period_from,
    'sections', json_build_object(
        'status', json_build_object(
            'interventions', coalesce(r.status_interventions::json, review_period_interventions(r)),
            'current_situation', r.current_situation),
        'own_assessment', CASE WHEN r.own_written_by IS NULL THEN NULL ELSE json_build_object(
            'wishes', r.own_wishes, 'barriers', r.own_barriers, 'written_by', r.own_written_by,
            'written_at', rfc3339(r.own_written_at)) END,
        'work_capacity', r.work_capacity,
        'overall_decision', r.overall_decision,
        'follow_up_plan', r.follow_up_plan,
        'indicators', json_build_object(
            'who5', CASE WHEN r.who5_items IS NULL THEN NULL ELSE json_build_object(
                'items', to_json(r.who5_items), 'score', who5_score(r.who5_items),
                'answered_by', r.who5_answered_by) END,
            'ratings', json_build_object('caseworker', r.caseworker_ratings, 'citizen', r.citizen_ratings))),
    'recommendation', r.recommendation,
    'citizen_present', r.citizen_present,
    'advice', (SELECT coalesce(json_agg(json_build_object('body', reference_brief(b), 'given_on', a.given_on,
                                                          'summary', a.summary) ORDER BY a.given_on, a.id), '[]')
                 FROM review_advice a JOIN reference_items b ON b.id = a.body_id WHERE a.review_id = r.id),
    'progression', review_progression(r),
    'completed_on', r.completed_on,
    'placement_decision_id', r.placement_decision_id,
    'overall_decision_id', r.overall_decision_id,
    'version', r.version, 'created_at', rfc3339(r.created_at), 'updated_at', rfc3339(r.updated_at))
$$;

-- The flags the service raises on a case, each with since when and why. plpgsql, not
-- SQL, because it runs on every read of a case: plpgsql keeps its query plans for the
-- session, where a SQL function is planned again on each call.
CREATE FUNCTION case_flags(c cases) RETURNS json LANGUAGE plpgsql STABLE AS
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
            'why', 'Fritagelsen for krav og sanktioner udløber ' || to_char(f.to_on, 'YYYY-MM-DD')
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

-- The case document now shows its next review and its flags (plpgsql for the reason
-- case_flags is).
CREATE OR REPLACE FUNCTION case_document(c cases) RETURNS json LANGUAGE plpgsql STABLE AS
$$
DECLARE
    doc json;
BEGIN
    SELECT json_build_object(
        'id', c.id,
        'citizen_id', c.citizen_id,
        'municipality', c.municipality,
        'target_group', reference_brief(tg),
        'target_group_since', c.target_group_since,
        'benefit', reference_brief(b),
        'benefit_start', c.benefit_start,
        'caseworker', c.caseworker,
        'coordinating_caseworker', c.coordinating_caseworker,
        'status', c.status,
        'close_reason', c.close_reason,
        'closed_at', rfc3339(c.closed_at),
        'caseworker_changes', (SELECT greatest(count(*) - 1, 0) FROM caseworker_assignments a
                                WHERE a.case_id = c.id AND a.role = 'caseworker'),
        'next_review_due', CASE WHEN c.status = 'open' THEN review_due(c) END,
        'flags', case_flags(c),
        'version', c.version,
        'created_at', rfc3339(c.created_at),
        'updated_at', rfc3339(c.updated_at))
      INTO doc
      FROM reference_items tg, reference_items b
     WHERE tg.id = c.target_group_id AND b.id = c.benefit_id;
    RETURN doc;
END
$$;

-- The citizen's plan: what the last review found, the decisions in force (a remitted
-- decision is absent: the citizen is treated as if it had never been made), the running
-- and planned interventions, what comes next, and the indicators over time.
CREATE FUNCTION plan_document(c cases) RETURNS json LANGUAGE sql STABLE AS
$$
WITH last_review AS (
    SELECT r.* FROM reviews r WHERE r.case_id = c.id AND r.status = 'completed'
     ORDER BY r.completed_on DESC, r.seq DESC LIMIT 1)
SELECT json_build_object(
    'case_id', c.id,
    'citizen_id', c.citizen_id,
    'municipality', c.municipality,
    'as_of', danish_today(),
    'last_review', (SELECT json_build_object(
                        'id', lr.id, 'completed_on', lr.completed_on,
                        'status', json_build_object('interventions', lr.status_interventions,
                                                    'current_situation', lr.current_situation),
                        'own_assessment', json_build_object('wishes', lr.own_wishes, 'barriers', lr.own_barriers,
                                                            'written_by', lr.own_written_by),
                        'work_capacity', lr.work_capacity,
                        'overall_decision', lr.overall_decision,
                        'recommendation', lr.recommendation)
                      FROM last_review lr),
    'decisions_in_force', (SELECT coalesce(json_agg(json_build_object(
                                'id', d.id, 'kind', reference_brief(k), 'outcome', reference_brief(o),
                                'subject', d.subject, 'notified_on', d.notified_on,
                                'appeal_deadline', d.appeal_deadline) ORDER BY d.notified_on, d.seq), '[]')
                             FROM decisions d JOIN reference_items k ON k.id = d.kind_id
                             JOIN reference_items o ON o.id = d.outcome_id
                            WHERE d.case_id = c.id AND decision_in_force(d)),
    'interventions', json_build_object(
        'running', (SELECT coalesce(json_agg(intervention_document(i) ORDER BY i.started_on, i.seq), '[]')
                      FROM interventions i WHERE i.case_id = c.id AND i.status = 'started'),
        'planned', (SELECT coalesce(json_agg(intervention_document(i) ORDER BY i.requested_on, i.seq), '[]')
                      FROM interventions i WHERE i.case_id = c.id AND i.status = 'requested')),
    'next_follow_ups', (SELECT coalesce(json_agg(f ORDER BY f ->> 'on'), '[]')
                          FROM last_review lr, json_array_elements((lr.follow_up_plan -> 'follow_ups')::json) f
                         WHERE (f ->> 'on')::date >= danish_today()),
    'next_review_due', CASE WHEN c.status = 'open' THEN review_due(c) END,
    'indicators_over_time', (SELECT coalesce(json_agg(json_build_object(
                                  'review_id', r.id, 'completed_on', r.completed_on,
                                  'who5', who5_score(r.who5_items),
                                  'caseworker', r.caseworker_ratings, 'citizen', r.citizen_ratings)
                                  ORDER BY r.completed_on, r.seq), '[]')
                               FROM reviews r WHERE r.case_id = c.id AND r.status = 'completed'),
    'flags', case_flags(c))
$$;

-- Waiting time from request to start, per sector, for interventions started in a period.
-- Groups of fewer than 5 report their size but no figures, so no one can be identified.
CREATE FUNCTION waiting_statistics(p_municipality text, p_from date, p_to date) RETURNS json
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
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

-- Visibility: staff of the municipality, the citizen their own; the citizen writes only
-- their own review sections (guard_review enforces the columns).
ALTER TABLE interventions ENABLE ROW LEVEL SECURITY;
CREATE POLICY interventions_staff_read ON interventions FOR SELECT
    USING (claim_is_municipal_staff() AND municipality = claim_municipality());
CREATE POLICY interventions_citizen_read ON interventions FOR SELECT
    USING (claim_role() = 'citizen' AND citizen_id = (SELECT claim_citizen_id()));
CREATE POLICY interventions_create ON interventions FOR INSERT
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality()
                AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_id AND c.municipality = interventions.municipality
                               AND c.citizen_id = interventions.citizen_id));
CREATE POLICY interventions_change ON interventions FOR UPDATE
    USING (claim_is_case_staff() AND municipality = claim_municipality())
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality());

ALTER TABLE intervention_progress ENABLE ROW LEVEL SECURITY;
CREATE POLICY intervention_progress_read ON intervention_progress FOR SELECT
    USING (EXISTS (SELECT 1 FROM interventions i WHERE i.id = intervention_id));
CREATE POLICY intervention_progress_create ON intervention_progress FOR INSERT
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality()
                AND EXISTS (SELECT 1 FROM interventions i WHERE i.id = intervention_id
                               AND i.municipality = intervention_progress.municipality));

ALTER TABLE exemptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY exemptions_staff_read ON exemptions FOR SELECT
    USING (claim_is_municipal_staff() AND municipality = claim_municipality());
CREATE POLICY exemptions_citizen_read ON exemptions FOR SELECT
    USING (claim_role() = 'citizen' AND citizen_id = (SELECT claim_citizen_id()));
CREATE POLICY exemptions_create ON exemptions FOR INSERT
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality()
                AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_id AND c.municipality = exemptions.municipality
                               AND c.citizen_id = exemptions.citizen_id));

ALTER TABLE reviews ENABLE ROW LEVEL SECURITY;
CREATE POLICY reviews_staff_read ON reviews FOR SELECT
    USING (claim_is_municipal_staff() AND municipality = claim_municipality());
CREATE POLICY reviews_citizen_read ON reviews FOR SELECT
    USING (claim_role() = 'citizen' AND citizen_id = (SELECT claim_citizen_id()));
CREATE POLICY reviews_create ON reviews FOR INSERT
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality()
                AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_id AND c.municipality = reviews.municipality
                               AND c.citizen_id = reviews.citizen_id));
CREATE POLICY reviews_staff_change ON reviews FOR UPDATE
    USING (claim_is_case_staff() AND municipality = claim_municipality())
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality());
CREATE POLICY reviews_citizen_change ON reviews FOR UPDATE
    USING (claim_role() = 'citizen' AND citizen_id = (SELECT claim_citizen_id()) AND status = 'scheduled')
    WITH CHECK (claim_role() = 'citizen' AND citizen_id = (SELECT claim_citizen_id()));

ALTER TABLE review_advice ENABLE ROW LEVEL SECURITY;
CREATE POLICY review_advice_read ON review_advice FOR SELECT
    USING (EXISTS (SELECT 1 FROM reviews r WHERE r.id = review_id));
CREATE POLICY review_advice_create ON review_advice FOR INSERT
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality()
                AND EXISTS (SELECT 1 FROM reviews r WHERE r.id = review_id AND r.municipality = review_advice.municipality));

GRANT SELECT, INSERT ON interventions, intervention_progress, exemptions, reviews, review_advice TO fremdrift_app;
GRANT UPDATE (status, planned_start, started_on, ended_on, cancelled_on, cancel_reason, provider, hours_per_week,
              outcome, decision_id, version, updated_at, updated_by) ON interventions TO fremdrift_app;
GRANT UPDATE (meeting_on, meeting_at, current_situation, status_interventions, own_wishes, own_barriers,
              own_written_by, own_written_at, work_capacity, overall_decision, follow_up_plan, who5_items,
              who5_answered_by, caseworker_ratings, citizen_ratings, recommendation, citizen_present, status,
              completed_on, completed_at, completed_by, placement_decision_id, overall_decision_id, version,
              updated_at, updated_by) ON reviews TO fremdrift_app;
REVOKE EXECUTE ON FUNCTION waiting_statistics(text, date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION waiting_statistics(text, date, date) TO fremdrift_app;
