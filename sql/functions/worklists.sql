-- Worklists for caseworkers and team leads.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- Worklists: each is a function over the rows the caller may see (row-level security
-- applies: they run as the caller), in one shape, so the service pages them alike: the
-- case, the resource that needs attention, since when and why, and details that depend on
-- the list. Each returns one page: the rows after (p_since, p_id) in (since, resource_id)
-- order, at most p_limit, of one caseworker or all. The rows are the stored ones of
-- worklist_entries (kept on write) that hold today, read through an index in list order,
-- so a page reads its own rows and not the municipality's.

-- Where a page starts in (since, id) order: after the cursor (p_since, p_id), and never
-- before p_floor (the first day a row can still hold). Both in one row comparison, so that
-- the index scan starts there instead of filtering the rows before it. STABLE, not
-- IMMUTABLE: PostgreSQL inlines a function only into an expression no less volatile than
-- it says it is, and the floor depends on today; not inlined, the comparison is no index
-- condition.
-- The first day a row of a list that holds at most p_window days can still hold (NULL: no
-- such day). A CASE, not coalesce(): under row-level security PostgreSQL lets only
-- expressions it knows cannot leak into an index condition, and it does not know that
-- of COALESCE, which kept the whole comparison out of the index.
CREATE OR REPLACE FUNCTION keyset_floor(p_window integer) RETURNS date LANGUAGE sql STABLE AS
$$ SELECT CASE WHEN p_window IS NULL THEN '-infinity'::date ELSE danish_today() - p_window END $$;
CREATE OR REPLACE FUNCTION keyset_since(p_since date, p_floor date) RETURNS date LANGUAGE sql STABLE AS
$$ SELECT greatest(p_since, p_floor - 1) $$;
CREATE OR REPLACE FUNCTION keyset_uuid(p_since date, p_id uuid, p_floor date) RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT CASE WHEN p_since >= p_floor THEN p_id ELSE 'ffffffff-ffff-ffff-ffff-ffffffffffff' END $$;
CREATE OR REPLACE FUNCTION keyset_bigint(p_since date, p_id bigint, p_floor date) RETURNS bigint LANGUAGE sql STABLE AS
$$ SELECT CASE WHEN p_since >= p_floor THEN p_id ELSE 9223372036854775807 END $$;

-- One page of one stored list. p_shift: days the list adds to the stored date (a wait
-- counted from the request); p_window: the days a row holds at most (so the scan starts
-- at today - p_window instead of at the oldest row that ever held); p_one_per_case: a case
-- with several rows (two exemptions) is listed once, by its first row that holds. The
-- caseworker's and the municipality's pages are two index scans, of which the one that
-- does not apply is switched off by its parameter, so a cached plan serves both.
CREATE OR REPLACE FUNCTION worklist_entry_page(p_list text, p_caseworker text, p_since date, p_id uuid,
                                               p_limit integer, p_shift integer, p_window integer,
                                               p_one_per_case boolean)
    RETURNS SETOF worklist_entries LANGUAGE sql STABLE AS
$$
(SELECT e.* FROM worklist_entries e
  WHERE p_caseworker IS NULL AND e.municipality = claim_municipality() AND e.list = p_list
    AND e.since <= danish_today() - p_shift
    AND (e.since, e.resource_id)
        > (keyset_since(p_since - p_shift, keyset_floor(p_window)),
           keyset_uuid(p_since - p_shift, p_id, keyset_floor(p_window)))
    AND e.holds_from <= danish_today() AND (e.holds_until IS NULL OR e.holds_until >= danish_today())
    AND NOT (p_one_per_case AND EXISTS (
            SELECT 1 FROM worklist_entries o
             WHERE o.case_id = e.case_id AND o.list = e.list AND (o.since, o.id) < (e.since, e.id)
               AND o.holds_from <= danish_today() AND (o.holds_until IS NULL OR o.holds_until >= danish_today())))
  ORDER BY e.since, e.resource_id LIMIT p_limit)
UNION ALL
(SELECT e.* FROM worklist_entries e
  WHERE e.caseworker = p_caseworker AND e.municipality = claim_municipality() AND e.list = p_list
    AND e.since <= danish_today() - p_shift
    AND (e.since, e.resource_id)
        > (keyset_since(p_since - p_shift, keyset_floor(p_window)),
           keyset_uuid(p_since - p_shift, p_id, keyset_floor(p_window)))
    AND e.holds_from <= danish_today() AND (e.holds_until IS NULL OR e.holds_until >= danish_today())
    AND NOT (p_one_per_case AND EXISTS (
            SELECT 1 FROM worklist_entries o
             WHERE o.case_id = e.case_id AND o.list = e.list AND (o.since, o.id) < (e.since, e.id)
               AND o.holds_from <= danish_today() AND (o.holds_until IS NULL OR o.holds_until >= danish_today())))
  ORDER BY e.since, e.resource_id LIMIT p_limit)
$$;

-- Reviews due within 30 days (since: 30 days before the due date) or overdue (since: the
-- due date).
CREATE OR REPLACE FUNCTION worklist_reviews_due(p_caseworker text, p_since date, p_id uuid, p_limit integer)
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT e.case_id, e.citizen_id, e.caseworker, 'case', e.case_id, e.since,
       CASE e.list WHEN 'review_overdue' THEN 'Den årlige opfølgning skulle være gennemført senest '
                   ELSE 'Den årlige opfølgning skal gennemføres senest ' END
       || danish_date((e.details ->> 'due')::date) || '.',
       json_build_object('due', (e.details ->> 'due')::date)
  FROM (SELECT * FROM worklist_entry_page('review_upcoming', p_caseworker, p_since, p_id, p_limit, 0, 30, false)
        UNION ALL
        SELECT * FROM worklist_entry_page('review_overdue', p_caseworker, p_since, p_id, p_limit, 0, NULL, false)) e
 ORDER BY e.since, e.case_id
 LIMIT p_limit
$$;

CREATE OR REPLACE FUNCTION worklist_appeal_reconsiderations(p_caseworker text, p_since date, p_id uuid, p_limit integer)
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT e.case_id, e.citizen_id, e.caseworker, 'appeal', e.resource_id, e.since,
       CASE WHEN (e.details ->> 'reconsideration_deadline')::date < danish_today()
            THEN 'Fristen for genvurdering af klagen udløb '
                 || danish_date((e.details ->> 'reconsideration_deadline')::date) || '.'
            ELSE 'Klagen skal genvurderes senest '
                 || danish_date((e.details ->> 'reconsideration_deadline')::date) || '.' END,
       json_build_object('decision_id', (e.details ->> 'decision_id')::uuid,
                         'received_on', (e.details ->> 'received_on')::date,
                         'reconsideration_deadline', (e.details ->> 'reconsideration_deadline')::date)
  FROM worklist_entry_page('appeal_reconsideration', p_caseworker, p_since, p_id, p_limit, 0, NULL, false) e
$$;

CREATE OR REPLACE FUNCTION worklist_hearings_overdue(p_caseworker text, p_since date, p_id uuid, p_limit integer)
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT e.case_id, e.citizen_id, e.caseworker, 'decision', e.resource_id, e.since,
       'Fristen i partshøringen udløb ' || danish_date((e.details ->> 'response_deadline')::date)
       || ' uden svar; afgørelsen kan nu træffes.',
       json_build_object('kind', e.details -> 'kind', 'response_deadline', (e.details ->> 'response_deadline')::date)
  FROM worklist_entry_page('hearing_overdue', p_caseworker, p_since, p_id, p_limit, 0, NULL, false) e
$$;

CREATE OR REPLACE FUNCTION worklist_remitted_decisions(p_caseworker text, p_since date, p_id uuid, p_limit integer)
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT e.case_id, e.citizen_id, e.caseworker, 'decision', e.resource_id, e.since,
       'Ankestyrelsen hjemviste afgørelsen; der skal træffes en ny afgørelse',
       json_build_object('kind', e.details -> 'kind', 'force_lost_on', (e.details ->> 'force_lost_on')::date,
                         'reason', e.details ->> 'reason')
  FROM worklist_entry_page('remitted_decision', p_caseworker, p_since, p_id, p_limit, 0, NULL, false) e
$$;

-- The lists of case flags (case_flags() codes): a case once, by its earliest flag of the code.
CREATE OR REPLACE FUNCTION worklist_flag(p_code text, p_caseworker text, p_since date, p_id uuid, p_limit integer)
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT e.case_id, e.citizen_id, e.caseworker, 'case', e.case_id, e.since, flag_why(e.list, e.details),
       json_build_object('flag', e.list)
  FROM worklist_entry_page(p_code, p_caseworker, p_since, p_id, p_limit, 0,
                           CASE WHEN p_code = 'exemption_expiring' THEN 30 END, true) e
$$;

-- Interventions requested more than p_days ago and not started.
CREATE OR REPLACE FUNCTION worklist_long_waits(p_caseworker text, p_since date, p_id uuid, p_limit integer,
                                               p_days integer)
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT e.case_id, e.citizen_id, e.caseworker, 'intervention', e.resource_id, e.since + p_days + 1,
       'Indsatsen ' || (e.details ->> 'label') || ' blev anmodet '
       || danish_date((e.details ->> 'requested_on')::date) || ' og er endnu ikke startet.',
       json_build_object('type', e.details -> 'type', 'requested_on', (e.details ->> 'requested_on')::date)
  FROM worklist_entry_page('intervention_requested', p_caseworker, p_since, p_id, p_limit, p_days + 1, NULL, false) e
$$;

-- Requests past the municipality's published processing deadline (retssikkerhedsloven
-- § 3): applications awaiting a decision, and requested interventions not started. The
-- deadlines, in days, come from configuration as {"application": n, "intervention_request": n,
-- "application.<kind>": n, …}: the deadline of a request is the one for its kind and
-- reference code, else the one for its kind; a kind with neither has no published deadline
-- and is not listed. Each configured deadline is one index scan of the rows it governs,
-- shifted by its days; an application whose citizen was told in writing when to expect a
-- decision is listed from the day after that day.
CREATE OR REPLACE FUNCTION worklist_processing_deadlines(p_caseworker text, p_since date, p_id uuid, p_limit integer,
                                                         p_deadlines jsonb)
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
WITH deadline AS (
    SELECT split_part(key, '.', 1) AS request, nullif(split_part(key, '.', 2), '') AS code, value::integer AS days,
           CASE split_part(key, '.', 1) WHEN 'application' THEN 'application_received'
                                        ELSE 'intervention_requested' END AS list
      FROM jsonb_each_text(p_deadlines)
     WHERE split_part(key, '.', 1) IN ('application', 'intervention_request')),
rows AS (
    SELECT d.request, d.days, e.* FROM deadline d,
           LATERAL (SELECT e.* FROM worklist_entries e
                     WHERE e.municipality = claim_municipality() AND e.list = d.list
                       AND (p_caseworker IS NULL OR e.caseworker = p_caseworker)
                       AND (e.code = d.code
                            OR d.code IS NULL AND NOT EXISTS (SELECT 1 FROM deadline o
                                                               WHERE o.request = d.request AND o.code = e.code))
                       AND e.since <= danish_today() - d.days - 1
                       AND (e.since, e.resource_id) > (p_since - d.days - 1, p_id)
                     ORDER BY e.since, e.resource_id LIMIT p_limit) e
    UNION ALL
    SELECT 'application_notice', x.days, e.*
      FROM worklist_entries e,
           LATERAL (SELECT coalesce(p_deadlines ->> ('application.' || e.code), p_deadlines ->> 'application')::integer
                               AS days) x
     WHERE e.municipality = claim_municipality() AND e.list = 'application_notice_passed'
       AND (p_caseworker IS NULL OR e.caseworker = p_caseworker) AND x.days IS NOT NULL
       AND e.since <= danish_today() AND (e.since, e.resource_id) > (p_since, p_id))
SELECT r.case_id, r.citizen_id, r.caseworker, r.resource_type, r.resource_id,
       CASE r.request WHEN 'application_notice' THEN r.since ELSE r.since + r.days + 1 END AS since,
       CASE r.request
           WHEN 'application' THEN
               'Ansøgningen fra ' || danish_date((r.details ->> 'received')::date)
               || ' har overskredet kommunens sagsbehandlingsfrist på ' || r.days || ' dage; borgeren skal skriftligt '
               || 'have besked om, hvornår der kan ventes en afgørelse.'
           WHEN 'application_notice' THEN
               'Borgeren fik ' || danish_date((r.details ->> 'notice_sent_on')::date) || ' skriftlig besked om en '
               || 'afgørelse senest ' || danish_date((r.details ->> 'answer_expected_by')::date)
               || '; den dag er passeret uden afgørelse. Borgeren skal have ny besked.'
           ELSE
               'Anmodningen om ' || (r.details ->> 'label') || ' fra '
               || danish_date((r.details ->> 'requested_on')::date)
               || ' har overskredet kommunens sagsbehandlingsfrist på ' || r.days || ' dage; borgeren skal skriftligt have '
               || 'besked om, hvornår der kan ventes et svar.'
       END,
       json_build_object('request', CASE r.request WHEN 'intervention_request' THEN 'intervention_request'
                                                   ELSE 'application' END,
                         'deadline_days', r.days,
                         'answer_expected_by', (r.details ->> 'answer_expected_by')::date)
  FROM rows r
 ORDER BY 6, r.resource_id
 LIMIT p_limit
$$;
