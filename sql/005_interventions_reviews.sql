-- 005 interventions, the annual review (fremdriftsgaranti), exemptions, the citizen's
-- plan and the flags the service raises. The review must have substance: it cannot be
-- completed without every section, and completing it issues real decisions.
--
-- restated-from: 56eb15f30ac201f671af3558c120d0d28351c5990468fe5b6887f2b0c4c02ae7
-- Restated when functions, triggers and their grants moved to sql/functions/ (repeatable
-- files): a database that applied the earlier text of this file has applied this one.

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
