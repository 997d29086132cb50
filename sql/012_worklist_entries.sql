-- 012 state kept on write (issue 9): a case's next review due date, its flags with their
-- `since`, and what every worklist sorts by are stored when the change that alters them is
-- written, by the database itself (triggers, in the same transaction), so every write
-- path — the service, a bulk load, a data fix — keeps them right. A list then reads the
-- rows of one page through an index; a condition that comes true with the passing of time
-- is a stored date compared with today.

ALTER TABLE cases ADD COLUMN next_review_due date;

-- One row per thing that is, or will be, on a list: what the list sorts by (since, then
-- resource_id), from which day it holds (holds_from) and until which day (holds_until,
-- NULL: until the data changes). Lists and flags select the rows that hold today. The why
-- of a row is worded when it is read (sql/functions), from list and details.
--   list                                      resource     since                 holds
--   review_upcoming                           case         due - 30              due - 30 .. due
--   review_overdue (also a flag)              case         due                   due + 1 ..
--   kontanthjaelp_year_without_assessment     case         the year's end        since ..
--   fleksjob_low_hours_without_progression    case (*)     a year without notes  since ..
--   exemption_expiring                        case (*)     to_on - 30            since .. to_on
--   appeal_reconsideration                    appeal       deadline - 7          since ..
--   hearing_overdue                           decision     deadline + 1          since ..
--   remitted_decision                         decision     force lost on         since ..
--   intervention_requested                    intervention requested on         (the list adds its days)
--   application_received                      decision     received on           (the list adds its days)
--   application_notice_passed                 decision     expected by + 1       since ..
-- (*) one row per intervention or exemption (instance_id); the list shows a case once.
CREATE TABLE worklist_entries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    list text NOT NULL,
    municipality text NOT NULL,
    case_id uuid NOT NULL,
    citizen_id uuid NOT NULL,
    caseworker text NOT NULL,
    resource_type text NOT NULL,
    resource_id uuid NOT NULL,
    instance_id uuid,
    code text,
    since date NOT NULL,
    holds_from date NOT NULL,
    holds_until date,
    details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX worklist_entries_page ON worklist_entries (municipality, list, since, resource_id);
CREATE INDEX worklist_entries_caseworker_page ON worklist_entries (municipality, list, caseworker, since, resource_id);
CREATE INDEX worklist_entries_request_code ON worklist_entries (municipality, list, code, since, resource_id)
    WHERE list IN ('intervention_requested', 'application_received');
CREATE INDEX worklist_entries_case ON worklist_entries (case_id, list);
CREATE INDEX worklist_entries_flags ON worklist_entries (municipality, id)
    WHERE list IN ('review_overdue', 'kontanthjaelp_year_without_assessment', 'fleksjob_low_hours_without_progression',
                   'exemption_expiring');
CREATE INDEX worklist_entries_flags_caseworker ON worklist_entries (municipality, caseworker, id)
    WHERE list IN ('review_overdue', 'kontanthjaelp_year_without_assessment', 'fleksjob_low_hours_without_progression',
                   'exemption_expiring');

ALTER TABLE worklist_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY worklist_entries_staff_read ON worklist_entries FOR SELECT
    USING (claim_is_municipal_staff() AND municipality = claim_municipality());
CREATE POLICY worklist_entries_citizen_read ON worklist_entries FOR SELECT
    USING (claim_role() = 'citizen' AND citizen_id = (SELECT claim_citizen_id()));
GRANT SELECT ON worklist_entries TO fremdrift_app;

-- The worklist functions now return one page each (sql/functions/worklists.sql); a new
-- database has none yet.
DROP FUNCTION IF EXISTS worklist_reviews_due(), worklist_appeal_reconsiderations(), worklist_hearings_overdue(),
              worklist_remitted_decisions(), worklist_flag(text), worklist_long_waits(integer),
              worklist_processing_deadlines(jsonb);

-- The stored state of the rows that exist, in plain SQL (the functions that keep it are
-- created after the migrations): the same rules as worklist_entries_of().
UPDATE cases c
   SET next_review_due = (coalesce((SELECT max(r.completed_on) FROM reviews r
                                     WHERE r.case_id = c.id AND r.status = 'completed'),
                                   c.target_group_since) + interval '12 months')::date;

INSERT INTO worklist_entries (list, municipality, case_id, citizen_id, caseworker, resource_type, resource_id,
                              instance_id, code, since, holds_from, holds_until, details)
WITH every_case AS (
    SELECT c.* FROM cases c),
open_case AS (
    SELECT * FROM every_case WHERE status = 'open')
SELECT 'review_upcoming', c.municipality, c.id, c.citizen_id, c.caseworker, 'case', c.id, NULL::uuid, NULL::text,
       c.next_review_due - 30, c.next_review_due - 30, c.next_review_due, jsonb_build_object('due', c.next_review_due)
  FROM open_case c
UNION ALL
SELECT 'review_overdue', c.municipality, c.id, c.citizen_id, c.caseworker, 'case', c.id, NULL, NULL,
       c.next_review_due, c.next_review_due + 1, NULL, jsonb_build_object('due', c.next_review_due)
  FROM open_case c
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
UNION ALL
-- A fleksjob under 5 hours a week without documented progression for 12 months.
SELECT 'fleksjob_low_hours_without_progression', c.municipality, c.id, c.citizen_id, c.caseworker, 'case', c.id,
       i.id, NULL, f.since, f.since, NULL, '{}'
  FROM open_case c
  JOIN interventions i ON i.case_id = c.id AND i.status = 'started' AND i.hours_per_week < 5
  JOIN reference_items t ON t.id = i.type_id AND coalesce((t.attributes ->> 'fleksjob')::boolean, false),
       LATERAL (SELECT (greatest(i.started_on, coalesce(max(p.noted_on), i.started_on)) + interval '1 year')::date AS since
                  FROM intervention_progress p WHERE p.intervention_id = i.id) f
UNION ALL
-- An exemption from requirements and sanctions that ends within 30 days.
SELECT 'exemption_expiring', c.municipality, c.id, c.citizen_id, c.caseworker, 'case', c.id, e.id, NULL,
       e.to_on - 30, e.to_on - 30, e.to_on, jsonb_build_object('to_on', e.to_on)
  FROM open_case c JOIN exemptions e ON e.case_id = c.id
UNION ALL
SELECT 'appeal_reconsideration', a.municipality, a.case_id, a.citizen_id, c.caseworker, 'appeal', a.id, NULL, NULL,
       a.reconsideration_deadline - 7, a.reconsideration_deadline - 7, NULL,
       jsonb_build_object('decision_id', a.decision_id, 'received_on', a.received_on,
                          'reconsideration_deadline', a.reconsideration_deadline)
  FROM every_case c JOIN appeals a ON a.case_id = c.id AND a.status = 'received'
UNION ALL
SELECT 'hearing_overdue', d.municipality, d.case_id, d.citizen_id, c.caseworker, 'decision', d.id, NULL, NULL,
       d.hearing_response_deadline + 1, d.hearing_response_deadline + 1, NULL,
       jsonb_build_object('kind', json_build_object('code', k.code, 'label', k.label_da, 'reference_id', k.id), 'response_deadline', d.hearing_response_deadline)
  FROM every_case c JOIN decisions d ON d.case_id = c.id AND d.status = 'draft' AND d.hearing_status = 'sent'
  JOIN reference_items k ON k.id = d.kind_id
UNION ALL
SELECT 'remitted_decision', d.municipality, d.case_id, d.citizen_id, c.caseworker, 'decision', d.id, NULL, NULL,
       d.force_lost_on, d.force_lost_on, NULL,
       jsonb_build_object('kind', json_build_object('code', k.code, 'label', k.label_da, 'reference_id', k.id), 'force_lost_on', d.force_lost_on, 'reason', d.force_lost_reason)
  FROM every_case c JOIN decisions d ON d.case_id = c.id AND d.force_lost_reason = 'remitted' AND d.status = 'issued'
  JOIN reference_items k ON k.id = d.kind_id
UNION ALL
SELECT 'intervention_requested', i.municipality, i.case_id, i.citizen_id, c.caseworker, 'intervention', i.id, NULL,
       t.code, i.requested_on, i.requested_on, NULL,
       jsonb_build_object('type', json_build_object('code', t.code, 'label', t.label_da, 'reference_id', t.id), 'label', t.label_da, 'requested_on', i.requested_on)
  FROM every_case c JOIN interventions i ON i.case_id = c.id AND i.status = 'requested'
  JOIN reference_items t ON t.id = i.type_id
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
       LATERAL (SELECT coalesce(d.applied_on, (d.created_at AT TIME ZONE 'Europe/Copenhagen')::date) AS received) x;

ALTER TABLE cases ALTER COLUMN next_review_due SET NOT NULL;
