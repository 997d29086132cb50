-- Worklists for caseworkers and team leads.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- Worklists: each is a function over the rows the caller may see (row-level security
-- applies: they run as the caller), in one shape, so the service pages them alike:
-- the case, the resource that needs attention, since when and why, and details that
-- depend on the list.
CREATE OR REPLACE FUNCTION worklist_reviews_due()
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT c.id, c.citizen_id, c.caseworker, 'case', c.id,
       CASE WHEN review_due(c) < danish_today() THEN review_due(c) ELSE review_due(c) - 30 END,
       CASE WHEN review_due(c) < danish_today()
            THEN 'Den årlige opfølgning skulle være gennemført senest ' || danish_date(review_due(c)) || '.'
            ELSE 'Den årlige opfølgning skal gennemføres senest ' || danish_date(review_due(c)) || '.' END,
       json_build_object('due', review_due(c))
  FROM cases c
 WHERE c.status = 'open' AND review_due(c) <= danish_today() + 30
$$;

CREATE OR REPLACE FUNCTION worklist_appeal_reconsiderations()
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT a.case_id, a.citizen_id, c.caseworker, 'appeal', a.id, a.reconsideration_deadline - 7,
       CASE WHEN a.reconsideration_deadline < danish_today()
            THEN 'Fristen for genvurdering af klagen udløb ' || danish_date(a.reconsideration_deadline) || '.'
            ELSE 'Klagen skal genvurderes senest ' || danish_date(a.reconsideration_deadline) || '.' END,
       json_build_object('decision_id', a.decision_id, 'received_on', a.received_on,
                         'reconsideration_deadline', a.reconsideration_deadline)
  FROM appeals a JOIN cases c ON c.id = a.case_id
 WHERE a.status = 'received' AND a.reconsideration_deadline <= danish_today() + 7
$$;

CREATE OR REPLACE FUNCTION worklist_hearings_overdue()
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT d.case_id, d.citizen_id, c.caseworker, 'decision', d.id, d.hearing_response_deadline + 1,
       'Fristen i partshøringen udløb ' || danish_date(d.hearing_response_deadline)
       || ' uden svar; afgørelsen kan nu træffes.',
       json_build_object('kind', reference_brief(k), 'response_deadline', d.hearing_response_deadline)
  FROM decisions d JOIN reference_items k ON k.id = d.kind_id JOIN cases c ON c.id = d.case_id
 WHERE d.status = 'draft' AND d.hearing_status = 'sent' AND d.hearing_response_deadline < danish_today()
$$;

CREATE OR REPLACE FUNCTION worklist_remitted_decisions()
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT d.case_id, d.citizen_id, c.caseworker, 'decision', d.id, d.force_lost_on,
       'Ankestyrelsen hjemviste afgørelsen; der skal træffes en ny afgørelse',
       json_build_object('kind', reference_brief(k), 'force_lost_on', d.force_lost_on, 'reason', d.force_lost_reason)
  FROM decisions d JOIN reference_items k ON k.id = d.kind_id JOIN cases c ON c.id = d.case_id
 WHERE d.force_lost_reason = 'remitted' AND d.status = 'issued'
$$;

CREATE OR REPLACE FUNCTION worklist_flag(p_code text)
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
-- A case is one row however often the flag holds for it (two exemptions ending, two
-- fleksjob): the earliest, since the list is of cases and is paged by (since, case).
SELECT DISTINCT ON (c.id) c.id, c.citizen_id, c.caseworker, 'case', c.id, (f ->> 'since')::date, f ->> 'why',
       json_build_object('flag', f ->> 'code')
  FROM cases c, json_array_elements(case_flags(c)) f
 WHERE c.status = 'open' AND f ->> 'code' = p_code
 ORDER BY c.id, (f ->> 'since')::date
$$;

CREATE OR REPLACE FUNCTION worklist_long_waits(p_days integer)
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT i.case_id, i.citizen_id, c.caseworker, 'intervention', i.id, i.requested_on + p_days + 1,
       'Indsatsen ' || t.label_da || ' blev anmodet ' || danish_date(i.requested_on)
       || ' og er endnu ikke startet.',
       json_build_object('type', reference_brief(t), 'requested_on', i.requested_on)
  FROM interventions i JOIN cases c ON c.id = i.case_id JOIN reference_items t ON t.id = i.type_id
 WHERE i.status = 'requested' AND i.requested_on + p_days < danish_today()
$$;

-- Requests past the municipality's published processing deadline (retssikkerhedsloven
-- § 3): applications awaiting a decision, and requested interventions not started. The
-- deadlines, in days, come from configuration as {"application": n, "intervention_request": n}.
CREATE OR REPLACE FUNCTION worklist_processing_deadlines(p_deadlines jsonb)
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
-- The deadline of a request is the municipality's for its kind and reference code
-- ("application.fleksjob"), else for its kind ("application"); a kind with neither has
-- no published deadline and is not listed. An application whose citizen was told in
-- writing when to expect a decision leaves the list until that day has passed.
SELECT d.case_id, d.citizen_id, c.caseworker, 'decision', d.id,
       coalesce(d.processing_notice_expected_by, x.received + x.days) + 1,
       CASE WHEN d.processing_notice_expected_by IS NULL THEN
           'Ansøgningen fra ' || danish_date(x.received)
           || ' har overskredet kommunens sagsbehandlingsfrist på ' || x.days || ' dage; borgeren skal skriftligt '
           || 'have besked om, hvornår der kan ventes en afgørelse.'
       ELSE
           'Borgeren fik ' || danish_date(d.processing_notice_sent_on) || ' skriftlig besked om en '
           || 'afgørelse senest ' || danish_date(d.processing_notice_expected_by)
           || '; den dag er passeret uden afgørelse. Borgeren skal have ny besked.'
       END,
       json_build_object('request', 'application', 'deadline_days', x.days,
                         'answer_expected_by', d.processing_notice_expected_by)
  FROM decisions d JOIN cases c ON c.id = d.case_id JOIN reference_items k ON k.id = d.kind_id,
       LATERAL (SELECT coalesce(d.applied_on, (d.created_at AT TIME ZONE 'Europe/Copenhagen')::date) AS received,
                       coalesce(p_deadlines ->> ('application.' || k.code), p_deadlines ->> 'application')::integer
                           AS days) x
 WHERE d.status = 'draft' AND d.applied_for IS NOT NULL AND x.days IS NOT NULL
   AND coalesce(d.processing_notice_expected_by, x.received + x.days) < danish_today()
UNION ALL
SELECT i.case_id, i.citizen_id, c.caseworker, 'intervention', i.id, i.requested_on + x.days + 1,
       'Anmodningen om ' || t.label_da || ' fra ' || danish_date(i.requested_on)
       || ' har overskredet kommunens sagsbehandlingsfrist på ' || x.days || ' dage; borgeren skal skriftligt have '
       || 'besked om, hvornår der kan ventes et svar.',
       json_build_object('request', 'intervention_request', 'deadline_days', x.days, 'answer_expected_by', NULL)
  FROM interventions i JOIN cases c ON c.id = i.case_id JOIN reference_items t ON t.id = i.type_id,
       LATERAL (SELECT coalesce(p_deadlines ->> ('intervention_request.' || t.code),
                                p_deadlines ->> 'intervention_request')::integer AS days) x
 WHERE i.status = 'requested' AND x.days IS NOT NULL AND i.requested_on + x.days < danish_today()
$$;
