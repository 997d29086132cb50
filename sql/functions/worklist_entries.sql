-- State kept on write: cases.next_review_due and the rows of worklist_entries (migration
-- 020 says what each list's row holds). Triggers keep them in the same transaction as the
-- write that changes them, whoever writes: the service, a bulk load, a data fix. They are
-- statement-level triggers over the changed rows (transition tables), so a bulk write is
-- one set-based refresh, not one per row.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- The next review is due at most 12 months after the last completed review, or after the
-- case entered its target group. The query is written out here, not called, so that the
-- trigger's plan is kept for the session (a bulk insert runs it once per row); the writer
-- of a case can read its reviews (staff of the municipality, or the owner).
CREATE OR REPLACE FUNCTION cases_keep_review_due() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    SELECT (coalesce(max(r.completed_on), NEW.target_group_since) + interval '12 months')::date
      INTO NEW.next_review_due
      FROM reviews r WHERE r.case_id = NEW.id AND r.status = 'completed';
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER cases_review_due BEFORE INSERT OR UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_keep_review_due();

-- The rows the given lists should hold for the given cases, from the data as it is now.
CREATE OR REPLACE FUNCTION worklist_entries_of(p_cases uuid[], p_lists text[])
    RETURNS TABLE (list text, municipality text, case_id uuid, citizen_id uuid, caseworker text,
                   resource_type text, resource_id uuid, instance_id uuid, code text, since date,
                   holds_from date, holds_until date, details jsonb)
    LANGUAGE sql STABLE AS
$$
WITH every_case AS (
    SELECT c.* FROM cases c JOIN unnest(p_cases) AS k(id) ON k.id = c.id),
open_case AS (
    SELECT * FROM every_case WHERE status = 'open')
SELECT 'review_upcoming', c.municipality, c.id, c.citizen_id, c.caseworker, 'case', c.id, NULL::uuid, NULL::text,
       c.next_review_due - 30, c.next_review_due - 30, c.next_review_due, jsonb_build_object('due', c.next_review_due)
  FROM open_case c WHERE 'review_upcoming' = ANY (p_lists)
UNION ALL
SELECT 'review_overdue', c.municipality, c.id, c.citizen_id, c.caseworker, 'case', c.id, NULL, NULL,
       c.next_review_due, c.next_review_due + 1, NULL, jsonb_build_object('due', c.next_review_due)
  FROM open_case c WHERE 'review_overdue' = ANY (p_lists)
UNION ALL
-- A year of kontanthjælp without a work capacity assessment (and, while the rules have
-- ressourceforløb, without an assessment of the right to one).
SELECT 'kontanthjaelp_year_without_assessment', c.municipality, c.id, c.citizen_id, c.caseworker, 'case', c.id,
       NULL, NULL, s.since, s.since, NULL, '{}'
  FROM open_case c JOIN reference_items b ON b.id = c.benefit_id AND b.code = 'kontanthjaelp',
       LATERAL (SELECT greatest(c.benefit_start + interval '1 year', max(r.completed_on) + interval '1 year')::date AS since
                  FROM reviews r
                 WHERE r.case_id = c.id AND r.status = 'completed' AND r.work_capacity IS NOT NULL
                   AND (NOT EXISTS (SELECT 1 FROM reference_items k
                                     WHERE k.kind = 'decision_kind' AND k.code = 'ressourceforloeb'
                                       AND k.valid_from <= r.completed_on
                                       AND (k.valid_to IS NULL OR k.valid_to > r.completed_on))
                        OR (r.work_capacity ->> 'ressourceforloeb_assessed')::boolean)) s
 WHERE 'kontanthjaelp_year_without_assessment' = ANY (p_lists)
UNION ALL
-- A fleksjob under 5 hours a week without documented progression for 12 months.
SELECT 'fleksjob_low_hours_without_progression', c.municipality, c.id, c.citizen_id, c.caseworker, 'case', c.id,
       i.id, NULL, f.since, f.since, NULL, '{}'
  FROM open_case c
  JOIN interventions i ON i.case_id = c.id AND i.status = 'started' AND i.hours_per_week < 5
  JOIN reference_items t ON t.id = i.type_id AND coalesce((t.attributes ->> 'fleksjob')::boolean, false),
       LATERAL (SELECT (greatest(i.started_on, coalesce(max(p.noted_on), i.started_on)) + interval '1 year')::date AS since
                  FROM intervention_progress p WHERE p.intervention_id = i.id) f
 WHERE 'fleksjob_low_hours_without_progression' = ANY (p_lists)
UNION ALL
-- An exemption from requirements and sanctions that ends within 30 days.
SELECT 'exemption_expiring', c.municipality, c.id, c.citizen_id, c.caseworker, 'case', c.id, e.id, NULL,
       e.to_on - 30, e.to_on - 30, e.to_on, jsonb_build_object('to_on', e.to_on)
  FROM open_case c JOIN exemptions e ON e.case_id = c.id
 WHERE 'exemption_expiring' = ANY (p_lists)
UNION ALL
SELECT 'appeal_reconsideration', a.municipality, a.case_id, a.citizen_id, c.caseworker, 'appeal', a.id, NULL, NULL,
       a.reconsideration_deadline - 7, a.reconsideration_deadline - 7, NULL,
       jsonb_build_object('decision_id', a.decision_id, 'received_on', a.received_on,
                          'reconsideration_deadline', a.reconsideration_deadline)
  FROM every_case c JOIN appeals a ON a.case_id = c.id AND a.status = 'received'
 WHERE 'appeal_reconsideration' = ANY (p_lists)
UNION ALL
SELECT 'hearing_overdue', d.municipality, d.case_id, d.citizen_id, c.caseworker, 'decision', d.id, NULL, NULL,
       d.hearing_response_deadline + 1, d.hearing_response_deadline + 1, NULL,
       jsonb_build_object('kind', reference_brief(k), 'response_deadline', d.hearing_response_deadline)
  FROM every_case c JOIN decisions d ON d.case_id = c.id AND d.status = 'draft' AND d.hearing_status = 'sent'
  JOIN reference_items k ON k.id = d.kind_id
 WHERE 'hearing_overdue' = ANY (p_lists)
UNION ALL
SELECT 'remitted_decision', d.municipality, d.case_id, d.citizen_id, c.caseworker, 'decision', d.id, NULL, NULL,
       d.force_lost_on, d.force_lost_on, NULL,
       jsonb_build_object('kind', reference_brief(k), 'force_lost_on', d.force_lost_on, 'reason', d.force_lost_reason)
  FROM every_case c JOIN decisions d ON d.case_id = c.id AND d.force_lost_reason = 'remitted' AND d.status = 'issued'
  JOIN reference_items k ON k.id = d.kind_id
 WHERE 'remitted_decision' = ANY (p_lists)
UNION ALL
SELECT 'intervention_requested', i.municipality, i.case_id, i.citizen_id, c.caseworker, 'intervention', i.id, NULL,
       t.code, i.requested_on, i.requested_on, NULL,
       jsonb_build_object('type', reference_brief(t), 'label', t.label_da, 'requested_on', i.requested_on)
  FROM every_case c JOIN interventions i ON i.case_id = c.id AND i.status = 'requested'
  JOIN reference_items t ON t.id = i.type_id
 WHERE 'intervention_requested' = ANY (p_lists)
UNION ALL
-- An application awaiting a decision, from the day it was received; once the citizen was
-- told in writing when to expect one, from the day after that.
SELECT CASE WHEN d.processing_notice_expected_by IS NULL THEN 'application_received' ELSE 'application_notice_passed' END,
       d.municipality, d.case_id, d.citizen_id, c.caseworker, 'decision', d.id, NULL, k.code,
       coalesce(d.processing_notice_expected_by + 1, x.received), coalesce(d.processing_notice_expected_by + 1, x.received),
       NULL, jsonb_build_object('received', x.received, 'notice_sent_on', d.processing_notice_sent_on,
                                'answer_expected_by', d.processing_notice_expected_by)
  FROM every_case c JOIN decisions d ON d.case_id = c.id AND d.status = 'draft' AND d.applied_for IS NOT NULL
  JOIN reference_items k ON k.id = d.kind_id,
       LATERAL (SELECT coalesce(d.applied_on, (d.created_at AT TIME ZONE 'Europe/Copenhagen')::date) AS received) x
 WHERE 'application_received' = ANY (p_lists)
$$;

-- A bulk write (a load, a data fix) gets plans made for its number of rows (hash joins
-- over the tables); a write of a few keeps the cached plan (index probes). Sets the plan
-- mode for the rest of the transaction when p_rows is large, and returns the mode to put
-- back when the caller is done.
CREATE OR REPLACE FUNCTION plan_for_rows(p_rows integer) RETURNS text LANGUAGE plpgsql AS
$$
DECLARE
    before CONSTANT text := current_setting('plan_cache_mode');
BEGIN
    IF p_rows > 1000 THEN
        PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
    END IF;
    RETURN before;
END
$$;

-- Brings the given lists' rows of the given cases in line with the data: removes the rows
-- that no longer hold and adds the missing ones; rows that stay keep their id (the order
-- of GET /v1/flags).
CREATE OR REPLACE FUNCTION worklist_refresh(p_cases uuid[], p_lists text[]) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    plan_mode text;
BEGIN
    IF coalesce(cardinality(p_cases), 0) = 0 THEN
        RETURN;
    END IF;
    plan_mode := plan_for_rows(cardinality(p_cases));
    -- application_received stands for both rows an application can have.
    IF 'application_received' = ANY (p_lists) THEN
        p_lists := p_lists || 'application_notice_passed'::text;
    END IF;
    WITH wanted AS MATERIALIZED (SELECT * FROM worklist_entries_of(p_cases, p_lists))
    DELETE FROM worklist_entries e
     WHERE e.case_id IN (SELECT unnest(p_cases)) AND e.list = ANY (p_lists)
       AND NOT EXISTS (SELECT 1 FROM wanted w
                        WHERE w.case_id = e.case_id AND w.list = e.list AND w.resource_id = e.resource_id
                          AND (w.instance_id, w.municipality, w.citizen_id, w.caseworker, w.resource_type, w.code,
                               w.since, w.holds_from, w.holds_until, w.details)
                              IS NOT DISTINCT FROM
                              (e.instance_id, e.municipality, e.citizen_id, e.caseworker, e.resource_type, e.code,
                               e.since, e.holds_from, e.holds_until, e.details));
    INSERT INTO worklist_entries (list, municipality, case_id, citizen_id, caseworker, resource_type, resource_id,
                                  instance_id, code, since, holds_from, holds_until, details)
    SELECT w.* FROM worklist_entries_of(p_cases, p_lists) w
     WHERE NOT EXISTS (SELECT 1 FROM worklist_entries e
                        WHERE e.case_id = w.case_id AND e.list = w.list AND e.resource_id = w.resource_id
                          AND (w.instance_id, w.municipality, w.citizen_id, w.caseworker, w.resource_type, w.code,
                               w.since, w.holds_from, w.holds_until, w.details)
                              IS NOT DISTINCT FROM
                              (e.instance_id, e.municipality, e.citizen_id, e.caseworker, e.resource_type, e.code,
                               e.since, e.holds_from, e.holds_until, e.details));
    PERFORM set_config('plan_cache_mode', plan_mode, true);
END
$$;
REVOKE EXECUTE ON FUNCTION worklist_refresh(uuid[], text[]) FROM PUBLIC;

-- Every list a case's own columns feed (caseworker, citizen, status, benefit, due date).
CREATE OR REPLACE FUNCTION worklist_all_lists() RETURNS text[] LANGUAGE sql IMMUTABLE AS
$$ SELECT ARRAY['review_upcoming', 'review_overdue', 'kontanthjaelp_year_without_assessment',
                'fleksjob_low_hours_without_progression', 'exemption_expiring', 'appeal_reconsideration',
                'hearing_overdue', 'remitted_decision', 'intervention_requested', 'application_received'] $$;

-- The statement-level trigger of a table: TG_ARGV[0] names the case column of the changed
-- rows (the transition table "changed"), the further arguments the lists they feed.
CREATE OR REPLACE FUNCTION worklists_follow() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    cases uuid[];
BEGIN
    EXECUTE format('SELECT array_agg(DISTINCT %I) FROM changed', TG_ARGV[0]) INTO cases;
    PERFORM worklist_refresh(cases, CASE WHEN TG_NARGS = 1 THEN worklist_all_lists() ELSE TG_ARGV[1:] END);
    RETURN NULL;
END
$$;

-- A completed review moves the case's next review (the case's own trigger then refreshes
-- every list of it) and may be the assessment the kontanthjælp flag waits for.
CREATE OR REPLACE FUNCTION reviews_keep_state() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    cases uuid[];
BEGIN
    SELECT array_agg(DISTINCT case_id) INTO cases FROM changed;
    UPDATE cases c SET next_review_due = d.due
      FROM (SELECT k.id, (coalesce(max(r.completed_on), k.target_group_since) + interval '12 months')::date AS due
              FROM cases k LEFT JOIN reviews r ON r.case_id = k.id AND r.status = 'completed'
             WHERE k.id IN (SELECT unnest(cases)) GROUP BY k.id) d
     WHERE c.id = d.id AND c.next_review_due IS DISTINCT FROM d.due;
    PERFORM worklist_refresh(cases, ARRAY['kontanthjaelp_year_without_assessment']);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION intervention_progress_keep_state() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
BEGIN
    PERFORM worklist_refresh((SELECT array_agg(DISTINCT i.case_id) FROM changed p
                                JOIN interventions i ON i.id = p.intervention_id),
                             ARRAY['fleksjob_low_hours_without_progression']);
    RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION worklists_follow(), reviews_keep_state(), intervention_progress_keep_state() FROM PUBLIC;

CREATE OR REPLACE TRIGGER cases_worklists_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('id');
CREATE OR REPLACE TRIGGER cases_worklists_update AFTER UPDATE ON cases REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('id');
CREATE OR REPLACE TRIGGER cases_worklists_delete AFTER DELETE ON cases REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('id');

CREATE OR REPLACE TRIGGER reviews_state_insert AFTER INSERT ON reviews REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_keep_state();
CREATE OR REPLACE TRIGGER reviews_state_update AFTER UPDATE ON reviews REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_keep_state();
CREATE OR REPLACE TRIGGER reviews_state_delete AFTER DELETE ON reviews REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION reviews_keep_state();

CREATE OR REPLACE TRIGGER interventions_worklists_insert AFTER INSERT ON interventions REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('case_id', 'fleksjob_low_hours_without_progression',
                                                         'intervention_requested');
CREATE OR REPLACE TRIGGER interventions_worklists_update AFTER UPDATE ON interventions REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('case_id', 'fleksjob_low_hours_without_progression',
                                                         'intervention_requested');
CREATE OR REPLACE TRIGGER interventions_worklists_delete AFTER DELETE ON interventions REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('case_id', 'fleksjob_low_hours_without_progression',
                                                         'intervention_requested');

CREATE OR REPLACE TRIGGER intervention_progress_state_insert AFTER INSERT ON intervention_progress
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION intervention_progress_keep_state();
CREATE OR REPLACE TRIGGER intervention_progress_state_update AFTER UPDATE ON intervention_progress
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION intervention_progress_keep_state();
CREATE OR REPLACE TRIGGER intervention_progress_state_delete AFTER DELETE ON intervention_progress
    REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION intervention_progress_keep_state();

CREATE OR REPLACE TRIGGER exemptions_worklists_insert AFTER INSERT ON exemptions REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('case_id', 'exemption_expiring');
CREATE OR REPLACE TRIGGER exemptions_worklists_update AFTER UPDATE ON exemptions REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('case_id', 'exemption_expiring');
CREATE OR REPLACE TRIGGER exemptions_worklists_delete AFTER DELETE ON exemptions REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('case_id', 'exemption_expiring');

CREATE OR REPLACE TRIGGER appeals_worklists_insert AFTER INSERT ON appeals REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('case_id', 'appeal_reconsideration');
CREATE OR REPLACE TRIGGER appeals_worklists_update AFTER UPDATE ON appeals REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('case_id', 'appeal_reconsideration');
CREATE OR REPLACE TRIGGER appeals_worklists_delete AFTER DELETE ON appeals REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('case_id', 'appeal_reconsideration');

CREATE OR REPLACE TRIGGER decisions_worklists_insert AFTER INSERT ON decisions REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('case_id', 'hearing_overdue', 'remitted_decision',
                                                         'application_received');
CREATE OR REPLACE TRIGGER decisions_worklists_update AFTER UPDATE ON decisions REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('case_id', 'hearing_overdue', 'remitted_decision',
                                                         'application_received');
CREATE OR REPLACE TRIGGER decisions_worklists_delete AFTER DELETE ON decisions REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION worklists_follow('case_id', 'hearing_overdue', 'remitted_decision',
                                                         'application_received');
