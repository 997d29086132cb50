-- 002 decisions and appeals: every assessment becomes a formal, appealable decision
-- (forvaltningsloven §§ 19, 22-25), and every appeal has a record from receipt through
-- the municipality's reconsideration to Ankestyrelsen's ruling (retssikkerhedsloven
-- §§ 66-67).
--
-- restated-from: 6919db86f5b395021af2c986d8d7fc9eb6ba1536e600ee9f3bb539e857a0ede0
-- Restated when functions, triggers and their grants moved to sql/functions/ (repeatable
-- files): a database that applied the earlier text of this file has applied this one.

-- Reference data: kinds, outcomes, provisions, appeal guidance and municipalities are
-- rows with effective dates, so the 2027 reform is a data change.
INSERT INTO reference_items (kind, code, label_da, label_en, valid_from, valid_to, attributes) VALUES
 ('decision_kind', 'placement', 'Afgørelse om forsørgelse og målgruppe (visitation)', 'Benefit and target-group placement', '2020-01-01', NULL, '{}'),
 ('decision_kind', 'overall', 'Samlet afgørelse om indsatser', 'Overall decision on interventions', '2020-01-01', NULL, '{}'),
 ('decision_kind', 'intervention', 'Afgørelse om indsats', 'Decision on a single intervention', '2020-01-01', NULL, '{"requires_parent": "overall"}'),
 ('decision_kind', 'no_intervention', 'Afgørelse om ikke at iværksætte indsats', 'Decision to start no intervention', '2020-01-01', NULL, '{}'),
 ('decision_kind', 'ressourceforloeb', 'Afgørelse om ressourceforløb', 'Resource programme', '2020-01-01', '2027-01-01', '{}'),
 ('decision_kind', 'fleksjob', 'Afgørelse om fleksjob', 'Flexible job', '2020-01-01', NULL, '{"requires_hours_per_week": true}'),
 ('decision_kind', 'revalidering', 'Afgørelse om revalidering', 'Vocational rehabilitation', '2020-01-01', '2027-01-01', '{}'),
 ('decision_kind', 'foertidspension_referral', 'Afgørelse om at behandle sagen efter reglerne om førtidspension', 'Referral towards disability pension', '2020-01-01', NULL, '{}'),
 ('decision_kind', 'other', 'Anden afgørelse', 'Other decision', '2020-01-01', NULL, '{}'),
 ('decision_outcome', 'granted', 'Bevilget', 'Granted', '2020-01-01', NULL, '{"adverse": false, "reasons_required": false}'),
 ('decision_outcome', 'partly_granted', 'Delvist bevilget', 'Partly granted', '2020-01-01', NULL, '{"adverse": true, "reasons_required": true}'),
 ('decision_outcome', 'refused', 'Afslag', 'Refused', '2020-01-01', NULL, '{"adverse": true, "reasons_required": true}'),
 ('decision_outcome', 'no_intervention', 'Ingen indsats', 'No intervention', '2020-01-01', NULL, '{"adverse": true, "reasons_required": true}'),
 ('legal_provision', 'las_11', 'Lov om aktiv socialpolitik § 11', 'Active Social Policy Act s. 11 (social assistance)', '2020-01-01', NULL, '{}'),
 ('legal_provision', 'las_23', 'Lov om aktiv socialpolitik § 23', 'Active Social Policy Act s. 23 (education assistance)', '2020-01-01', NULL, '{}'),
 ('legal_provision', 'las_68', 'Lov om aktiv socialpolitik § 68', 'Active Social Policy Act s. 68 (resource programme benefit)', '2020-01-01', '2027-01-01', '{}'),
 ('legal_provision', 'lab_2', 'Lov om en aktiv beskæftigelsesindsats § 2', 'Active Employment Act s. 2 (target groups)', '2020-01-01', '2027-01-01', '{}'),
 ('legal_provision', 'lab_kap_10_12', 'Lov om en aktiv beskæftigelsesindsats kapitel 10-12', 'Active Employment Act ch. 10-12 (guidance, work placement, wage subsidy)', '2020-01-01', '2027-01-01', '{}'),
 ('legal_provision', 'lab_kap_12a', 'Lov om en aktiv beskæftigelsesindsats kapitel 12 a', 'Active Employment Act ch. 12 a (resource programme)', '2020-01-01', '2027-01-01', '{}'),
 ('legal_provision', 'lab_kap_13', 'Lov om en aktiv beskæftigelsesindsats kapitel 13', 'Active Employment Act ch. 13 (flexible jobs)', '2020-01-01', '2027-01-01', '{}'),
 ('legal_provision', 'las_kap_6', 'Lov om aktiv socialpolitik kapitel 6', 'Active Social Policy Act ch. 6 (vocational rehabilitation)', '2020-01-01', '2027-01-01', '{}'),
 ('legal_provision', 'lsp_17', 'Lov om social pension § 17', 'Social Pensions Act s. 17 (processing under the disability pension rules)', '2020-01-01', NULL, '{}'),
 ('legal_provision', 'lov_1750_2025', 'Lov om en aktiv beskæftigelsesindsats (LOV nr. 1750 af 29/12/2025)', 'Active Employment Act as reformed (Act no. 1750 of 29/12/2025)', '2027-01-01', NULL, '{"provisional": true}'),
 ('appeal_guidance', 'standard', 'Klagevejledning', 'Appeal guidance', '2020-01-01', NULL,
  '{"deadline_weeks": 4, "reconsideration_weeks": 4, "appeals_body": "Ankestyrelsen",
    "provision": "Retssikkerhedsloven §§ 66-67",
    "how_da": "Du kan klage skriftligt eller mundtligt. Klagen sendes til kommunen, som har truffet afgørelsen. Kommunen vurderer afgørelsen igen inden 4 uger. Giver kommunen dig ikke helt medhold, sender kommunen klagen videre til Ankestyrelsen sammen med sin begrundelse.",
    "late_da": "Hvis du klager for sent, kan Ankestyrelsen i særlige tilfælde alligevel behandle klagen. Kommunen registrerer altid din klage."}'),
 ('municipality', '101', 'Københavns Kommune', 'Copenhagen Municipality', '2007-01-01', NULL, '{"office": "Jobcenter København", "address": "Gyldenløvesgade 9, 1600 København V"}'),
 ('municipality', '751', 'Aarhus Kommune', 'Aarhus Municipality', '2007-01-01', NULL, '{"office": "Jobcenter Aarhus", "address": "Værkmestergade 15, 8000 Aarhus C"}'),
 ('municipality', '461', 'Odense Kommune', 'Odense Municipality', '2007-01-01', NULL, '{"office": "Jobcenter Odense", "address": "Buen 2, 5000 Odense C"}'),
 ('municipality', '851', 'Aalborg Kommune', 'Aalborg Municipality', '2007-01-01', NULL, '{"office": "Jobcenter Aalborg", "address": "Kayerødsgade 16, 9000 Aalborg"}');

CREATE TABLE decisions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    case_id uuid NOT NULL REFERENCES cases,
    municipality text NOT NULL CHECK (municipality ~ '^[0-9]{3}$'),
    citizen_id uuid NOT NULL REFERENCES citizens,
    kind_id bigint NOT NULL REFERENCES reference_items,
    outcome_id bigint REFERENCES reference_items,
    -- An intervention decision is a sub-decision of the overall decision in force.
    parent_id uuid REFERENCES decisions,
    -- A change to an issued decision is a new decision that supersedes it; both link.
    supersedes_id uuid UNIQUE REFERENCES decisions,
    superseded_by_id uuid UNIQUE REFERENCES decisions,
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued', 'superseded')),
    subject text CHECK (length(subject) BETWEEN 1 AND 500),
    applied_for text CHECK (length(applied_for) BETWEEN 1 AND 2000),
    decided_on date,
    legal_basis_note text CHECK (length(legal_basis_note) BETWEEN 1 AND 4000),
    facts text CHECK (length(facts) BETWEEN 1 AND 20000),
    reasons text CHECK (length(reasons) BETWEEN 1 AND 20000),
    hours_per_week numeric(4, 1) CHECK (hours_per_week > 0 AND hours_per_week <= 37),
    -- Partshøring (forvaltningsloven § 19).
    hearing_status text NOT NULL DEFAULT 'none'
        CHECK (hearing_status IN ('none', 'sent', 'answered', 'not_needed')),
    hearing_sent_on date,
    hearing_response_deadline date,
    hearing_answered_on date,
    hearing_not_needed_reason text CHECK (length(hearing_not_needed_reason) BETWEEN 1 AND 2000),
    notified_on date,
    appeal_deadline date,
    appeal_guidance jsonb,
    -- A decision the appeals board annulled and remitted, or changed, loses its force:
    -- the plan and the case then treat the citizen as if it had never been made.
    force_lost_on date,
    force_lost_reason text CHECK (force_lost_reason IN ('remitted', 'changed_by_appeals_board')),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT claim_sub(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT claim_sub(),
    issued_at timestamptz,
    issued_by text,
    CHECK (hearing_status <> 'sent' OR (hearing_sent_on IS NOT NULL AND hearing_response_deadline IS NOT NULL)),
    CHECK (hearing_status <> 'answered' OR hearing_answered_on IS NOT NULL),
    CHECK (hearing_status <> 'not_needed' OR hearing_not_needed_reason IS NOT NULL),
    CHECK (status = 'draft' OR (notified_on IS NOT NULL AND appeal_deadline IS NOT NULL
                                AND appeal_guidance IS NOT NULL AND outcome_id IS NOT NULL)),
    CHECK ((force_lost_on IS NULL) = (force_lost_reason IS NULL))
);
CREATE INDEX decisions_case ON decisions (case_id, seq);
CREATE INDEX decisions_municipality ON decisions (municipality, seq);
CREATE INDEX decisions_remitted ON decisions (municipality, force_lost_on) WHERE force_lost_reason = 'remitted';

-- The legal basis: provisions in force on the decision's date.
CREATE TABLE decision_provisions (
    decision_id uuid NOT NULL REFERENCES decisions,
    provision_id bigint NOT NULL REFERENCES reference_items,
    position smallint NOT NULL,
    PRIMARY KEY (decision_id, provision_id)
);

CREATE TABLE appeals (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    decision_id uuid NOT NULL REFERENCES decisions,
    case_id uuid NOT NULL REFERENCES cases,
    municipality text NOT NULL CHECK (municipality ~ '^[0-9]{3}$'),
    citizen_id uuid NOT NULL REFERENCES citizens,
    received_on date NOT NULL,
    channel text NOT NULL CHECK (channel IN ('digital', 'written', 'oral')),
    filed_by_role text NOT NULL,
    grounds text CHECK (length(grounds) BETWEEN 1 AND 20000),
    -- The software never refuses a late appeal; it records how late it was.
    late boolean NOT NULL,
    days_late integer NOT NULL CHECK (days_late >= 0),
    reconsideration_deadline date NOT NULL,
    status text NOT NULL DEFAULT 'received'
        CHECK (status IN ('received', 'changed_by_municipality', 'forwarded', 'ruled')),
    reconsideration_outcome text CHECK (reconsideration_outcome IN ('changed_in_full', 'changed_in_part', 'upheld')),
    reconsidered_on date,
    reconsidered_late boolean,
    new_decision_id uuid REFERENCES decisions,
    municipality_statement text CHECK (length(municipality_statement) BETWEEN 1 AND 20000),
    forwarded_on date,
    ruling text CHECK (ruling IN ('upheld', 'changed', 'remitted', 'dismissed')),
    ruled_on date,
    ruling_reference text CHECK (length(ruling_reference) BETWEEN 1 AND 200),
    ruling_note text CHECK (length(ruling_note) BETWEEN 1 AND 20000),
    suspensive_effect text CHECK (suspensive_effect IN ('granted', 'refused')),
    suspensive_effect_on date,
    suspensive_effect_note text CHECK (length(suspensive_effect_note) BETWEEN 1 AND 4000),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT claim_sub(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT claim_sub(),
    CHECK (status = 'received' OR reconsideration_outcome IS NOT NULL),
    CHECK (status NOT IN ('forwarded', 'ruled') OR forwarded_on IS NOT NULL),
    CHECK (status <> 'ruled' OR (ruling IS NOT NULL AND ruled_on IS NOT NULL))
);
CREATE INDEX appeals_municipality ON appeals (municipality, seq);
CREATE INDEX appeals_decision ON appeals (decision_id);
CREATE INDEX appeals_forwarded ON appeals (status, seq) WHERE status IN ('forwarded', 'ruled');
-- One open appeal per decision at a time.
CREATE UNIQUE INDEX appeals_one_open ON appeals (decision_id) WHERE status IN ('received', 'forwarded');

-- The appeal's timeline, one row per step, as the citizen and the staff read it. Steps
-- name the role that took them, not the person.
CREATE TABLE appeal_steps (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    appeal_id uuid NOT NULL REFERENCES appeals,
    step text NOT NULL CHECK (step IN ('received', 'suspensive_effect', 'changed_by_municipality',
                                       'forwarded', 'ruled', 'new_decision_issued')),
    at timestamptz NOT NULL DEFAULT now(),
    on_date date NOT NULL,
    by_role text NOT NULL DEFAULT claim_role(),
    details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX appeal_steps_appeal ON appeal_steps (appeal_id, id);

-- Visibility. Staff see their municipality's decisions and appeals; a citizen their own
-- (drafts included: they are part of the citizen's case file); the appeals board sees the
-- appeals forwarded to it, the decisions they concern and the new decisions they led to.
CREATE FUNCTION board_sees_decision(p_decision uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT claim_role() = 'appeals_board' AND EXISTS (
       SELECT 1 FROM appeals a
        WHERE a.status IN ('forwarded', 'ruled')
          AND (a.decision_id = p_decision OR a.new_decision_id = p_decision)) $$;

ALTER TABLE decisions ENABLE ROW LEVEL SECURITY;
CREATE POLICY decisions_staff_read ON decisions FOR SELECT
    USING (claim_is_municipal_staff() AND municipality = claim_municipality());
CREATE POLICY decisions_citizen_read ON decisions FOR SELECT
    USING (claim_role() = 'citizen' AND citizen_id = (SELECT claim_citizen_id()));
CREATE POLICY decisions_board_read ON decisions FOR SELECT
    USING (board_sees_decision(id));
CREATE POLICY decisions_create ON decisions FOR INSERT
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality()
                AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_id
                               AND c.municipality = decisions.municipality
                               AND c.citizen_id = decisions.citizen_id));
CREATE POLICY decisions_change ON decisions FOR UPDATE
    USING (claim_is_case_staff() AND municipality = claim_municipality())
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality());
-- The board's ruling takes force from a decision; that is its only change.
CREATE POLICY decisions_board_change ON decisions FOR UPDATE
    USING (board_sees_decision(id)) WITH CHECK (board_sees_decision(id));

ALTER TABLE decision_provisions ENABLE ROW LEVEL SECURITY;
CREATE POLICY decision_provisions_read ON decision_provisions FOR SELECT
    USING (EXISTS (SELECT 1 FROM decisions d WHERE d.id = decision_id));
CREATE POLICY decision_provisions_write ON decision_provisions FOR ALL
    USING (claim_is_case_staff() AND EXISTS (SELECT 1 FROM decisions d WHERE d.id = decision_id))
    WITH CHECK (claim_is_case_staff() AND EXISTS (SELECT 1 FROM decisions d WHERE d.id = decision_id));

ALTER TABLE appeals ENABLE ROW LEVEL SECURITY;
CREATE POLICY appeals_staff_read ON appeals FOR SELECT
    USING (claim_is_municipal_staff() AND municipality = claim_municipality());
CREATE POLICY appeals_citizen_read ON appeals FOR SELECT
    USING (claim_role() = 'citizen' AND citizen_id = (SELECT claim_citizen_id()));
CREATE POLICY appeals_board_read ON appeals FOR SELECT
    USING (claim_role() = 'appeals_board' AND status IN ('forwarded', 'ruled'));
CREATE POLICY appeals_staff_create ON appeals FOR INSERT
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality()
                AND EXISTS (SELECT 1 FROM decisions d WHERE d.id = decision_id
                               AND d.municipality = appeals.municipality));
CREATE POLICY appeals_citizen_create ON appeals FOR INSERT
    WITH CHECK (claim_role() = 'citizen' AND citizen_id = (SELECT claim_citizen_id())
                AND EXISTS (SELECT 1 FROM decisions d WHERE d.id = decision_id
                               AND d.citizen_id = appeals.citizen_id));
CREATE POLICY appeals_staff_change ON appeals FOR UPDATE
    USING (claim_is_case_staff() AND municipality = claim_municipality())
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality());
CREATE POLICY appeals_board_change ON appeals FOR UPDATE
    USING (claim_role() = 'appeals_board' AND status = 'forwarded')
    WITH CHECK (claim_role() = 'appeals_board' AND status IN ('forwarded', 'ruled'));

ALTER TABLE appeal_steps ENABLE ROW LEVEL SECURITY;
CREATE POLICY appeal_steps_read ON appeal_steps FOR SELECT
    USING (EXISTS (SELECT 1 FROM appeals a WHERE a.id = appeal_id));
CREATE POLICY appeal_steps_write ON appeal_steps FOR INSERT
    WITH CHECK (by_role = claim_role() AND EXISTS (SELECT 1 FROM appeals a WHERE a.id = appeal_id));

GRANT SELECT, INSERT ON decisions, appeals, appeal_steps TO fremdrift_app;
GRANT UPDATE (outcome_id, parent_id, status, subject, applied_for, decided_on, legal_basis_note, facts,
              reasons, hours_per_week, hearing_status, hearing_sent_on, hearing_response_deadline,
              hearing_answered_on, hearing_not_needed_reason, notified_on, appeal_deadline,
              appeal_guidance, superseded_by_id, force_lost_on, force_lost_reason, version,
              updated_at, updated_by, issued_at, issued_by, kind_id) ON decisions TO fremdrift_app;
GRANT SELECT, INSERT, DELETE ON decision_provisions TO fremdrift_app;
GRANT UPDATE (status, reconsideration_outcome, reconsidered_on, reconsidered_late, new_decision_id,
              municipality_statement, forwarded_on, ruling, ruled_on, ruling_reference, ruling_note,
              suspensive_effect, suspensive_effect_on, suspensive_effect_note, version, updated_at,
              updated_by) ON appeals TO fremdrift_app;
