-- 010 integration and data protection: the event feed's retention watermark, idempotent
-- writes, the data's municipality on every access-log row, the citizen's own view of the
-- log, and what worklists, caseload and statistics need.

-- The feed's sequence numbers. An event's seq is taken when it is written, but
-- transactions commit in another order than they write, so a reader that followed seq
-- could pass an event whose transaction was still running and never see it. The feed
-- therefore numbers events itself, in a second step, and only those of transactions that
-- can no longer commit before others (txid below the oldest running transaction): each
-- read first gives the next positions, under a lock, to such events in (txid, seq) order.
-- Positions only ever grow and are given once, so a consumer that keeps the last one it
-- saw never misses an event or sees one twice; writers are never serialised.
ALTER TABLE events ADD COLUMN position bigint UNIQUE;
CREATE SEQUENCE event_positions AS bigint;

CREATE FUNCTION events_assign_positions() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    e record;
BEGIN
    PERFORM pg_advisory_xact_lock(7201405513);
    FOR e IN SELECT seq FROM events
              WHERE position IS NULL AND txid < pg_snapshot_xmin(pg_current_snapshot())
              ORDER BY txid, seq
    LOOP
        UPDATE events SET position = nextval('event_positions') WHERE seq = e.seq;
    END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION events_assign_positions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION events_assign_positions() TO fremdrift_app;

-- Everything at or below purged_through (a position) has been deleted from events; the
-- feed answers 410 for a reader that is further behind than that.
CREATE TABLE event_retention (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    purged_through bigint NOT NULL DEFAULT 0
);
INSERT INTO event_retention DEFAULT VALUES;

-- Idempotency keys, scoped to the caller (a hash of token issuer, subject, role and
-- municipality). The claim is committed before the work; the answer is stored in the
-- work's own transaction, so it exists exactly when the work does. The answer's body is
-- sealed by the service with the key of CPR numbers, since an answer may carry one.
CREATE TABLE idempotency_keys (
    caller text NOT NULL CHECK (caller ~ '^[0-9a-f]{64}$'),
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
    state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done')),
    status integer,
    headers jsonb,
    body bytea,
    created_at timestamptz NOT NULL DEFAULT now(),
    claimed_at timestamptz NOT NULL DEFAULT now(),
    -- The first request's id and transaction time: its access-log rows, for a replay.
    request_id text,
    work_at timestamptz,
    PRIMARY KEY (caller, key),
    CHECK (state = 'running' OR status IS NOT NULL)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Claims the key for this request, or says why not: 'new' (claimed), 'replay' (with the
-- stored answer), 'mismatch' (the key was used for another request), 'running' (the
-- first request is still at work). The claimant holds a session advisory lock on the key
-- (on the connection that does the work) until it finishes or gives the key back, so a
-- claim is still running exactly while that lock is held: a claim whose lock is free
-- belongs to a connection or process that died, and is taken over. No clock decides it,
-- so a slow request is never run twice.
CREATE FUNCTION idempotency_lock_id(p_caller text, p_key text) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$$ SELECT hashtextextended(p_caller || ':' || p_key, 7201405514) $$;

CREATE FUNCTION idempotency_begin(p_caller text, p_key text, p_hash text)
    RETURNS TABLE (outcome text, status integer, headers jsonb, body bytea)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    k idempotency_keys;
    lock_id CONSTANT bigint := idempotency_lock_id(p_caller, p_key);
BEGIN
    -- The row may be given back (released) between a failed insert and the read of it:
    -- then claim it afresh.
    LOOP
        INSERT INTO idempotency_keys (caller, key, request_hash) VALUES (p_caller, p_key, p_hash)
            ON CONFLICT DO NOTHING;
        IF FOUND THEN
            -- A lock already held means a claimant whose row was just given back is still
            -- letting go: this request waits its turn like any other.
            IF NOT pg_try_advisory_lock(lock_id) THEN
                DELETE FROM idempotency_keys i WHERE i.caller = p_caller AND i.key = p_key;
                RETURN QUERY SELECT 'running'::text, NULL::integer, NULL::jsonb, NULL::bytea;
                RETURN;
            END IF;
            RETURN QUERY SELECT 'new'::text, NULL::integer, NULL::jsonb, NULL::bytea;
            RETURN;
        END IF;
        SELECT * INTO k FROM idempotency_keys i WHERE i.caller = p_caller AND i.key = p_key FOR UPDATE;
        EXIT WHEN FOUND;
    END LOOP;
    IF k.request_hash <> p_hash THEN
        RETURN QUERY SELECT 'mismatch'::text, NULL::integer, NULL::jsonb, NULL::bytea;
    ELSIF k.state = 'done' THEN
        RETURN QUERY SELECT 'replay'::text, k.status, k.headers, k.body;
    ELSIF pg_try_advisory_lock(lock_id) THEN
        UPDATE idempotency_keys i SET claimed_at = now() WHERE i.caller = p_caller AND i.key = p_key;
        RETURN QUERY SELECT 'new'::text, NULL::integer, NULL::jsonb, NULL::bytea;
    ELSE
        RETURN QUERY SELECT 'running'::text, NULL::integer, NULL::jsonb, NULL::bytea;
    END IF;
END
$$;

CREATE FUNCTION idempotency_finish(p_caller text, p_key text, p_status integer, p_headers jsonb, p_body bytea)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ UPDATE idempotency_keys SET state = 'done', status = p_status, headers = p_headers, body = p_body,
                               request_id = coalesce(claim('request_id'), ''), work_at = now()
    WHERE caller = p_caller AND key = p_key AND state = 'running' $$;

-- After the work has committed: the claim is done, its lock no longer needed.
CREATE FUNCTION idempotency_unlock(p_caller text, p_key text)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT pg_advisory_unlock(idempotency_lock_id(p_caller, p_key)) $$;

-- A replay hands out the first answer again, so it is a use of the same data: it is
-- logged as a read (a search stays a search) of whatever the first request logged, under
-- the replay's own request id and the caller's claims. The first request's rows carry its
-- transaction's now(), which is work_at, so they are found by the index on at.
CREATE FUNCTION idempotency_log_replay(p_caller text, p_key text)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ INSERT INTO access_log (action, resource_type, resource_id, citizen_id, criteria)
   SELECT CASE WHEN l.action = 'search' THEN 'search' ELSE 'read' END, l.resource_type, l.resource_id,
          l.citizen_id, CASE WHEN l.action = 'search' THEN l.criteria END
     FROM idempotency_keys k
     JOIN access_log l ON l.at = k.work_at AND l.request_id = k.request_id AND l.actor_sub = claim_sub()
    WHERE k.caller = p_caller AND k.key = p_key AND k.state = 'done'
    ORDER BY l.id $$;

CREATE FUNCTION idempotency_release(p_caller text, p_key text)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ DELETE FROM idempotency_keys WHERE caller = p_caller AND key = p_key AND state = 'running';
   SELECT pg_advisory_unlock(idempotency_lock_id(p_caller, p_key)) $$;

REVOKE EXECUTE ON FUNCTION idempotency_begin(text, text, text), idempotency_finish(text, text, integer, jsonb, bytea),
    idempotency_release(text, text), idempotency_log_replay(text, text), idempotency_unlock(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION idempotency_begin(text, text, text), idempotency_finish(text, text, integer, jsonb, bytea),
    idempotency_release(text, text), idempotency_log_replay(text, text), idempotency_unlock(text, text)
    TO fremdrift_app;
GRANT SELECT ON event_retention TO fremdrift_app;

-- The day an application was received: a processing deadline (retssikkerhedsloven § 3)
-- runs from it, not from the day a caseworker opened the draft that answers it.
ALTER TABLE decisions ADD COLUMN applied_on date CHECK (applied_on IS NULL OR applied_for IS NOT NULL);
-- When an application cannot be decided within the deadline, the citizen must be told in
-- writing when to expect a decision (retssikkerhedsloven § 3, stk. 2): the day that letter
-- was sent and the day it promised.
ALTER TABLE decisions
    ADD COLUMN processing_notice_sent_on date,
    ADD COLUMN processing_notice_expected_by date,
    ADD CHECK ((processing_notice_sent_on IS NULL) = (processing_notice_expected_by IS NULL)),
    ADD CHECK (processing_notice_expected_by >= processing_notice_sent_on),
    ADD CHECK (processing_notice_sent_on IS NULL OR applied_for IS NOT NULL);
GRANT UPDATE (applied_on, processing_notice_sent_on, processing_notice_expected_by) ON decisions TO fremdrift_app;
CREATE OR REPLACE FUNCTION decision_document(d decisions) RETURNS json LANGUAGE sql STABLE AS
$$
SELECT json_build_object(
    'id', d.id,
    'case_id', d.case_id,
    'citizen_id', d.citizen_id,
    'municipality', d.municipality,
    'kind', reference_brief(k),
    'outcome', CASE WHEN o.id IS NULL THEN NULL ELSE reference_brief(o) END,
    'status', d.status,
    'in_force', decision_in_force(d),
    'force_lost', CASE WHEN d.force_lost_on IS NULL THEN NULL
                       ELSE json_build_object('on', d.force_lost_on, 'reason', d.force_lost_reason) END,
    'parent_id', d.parent_id,
    'supersedes_id', d.supersedes_id,
    'superseded_by_id', d.superseded_by_id,
    'subject', d.subject,
    'applied_for', d.applied_for,
    'applied_on', d.applied_on,
    'processing_notice', CASE WHEN d.processing_notice_sent_on IS NULL THEN NULL
                              ELSE json_build_object('sent_on', d.processing_notice_sent_on,
                                                     'answer_expected_by', d.processing_notice_expected_by) END,
    'decided_on', d.decided_on,
    'legal_basis', (SELECT coalesce(json_agg(reference_brief(p) ORDER BY dp.position), '[]')
                      FROM decision_provisions dp JOIN reference_items p ON p.id = dp.provision_id
                     WHERE dp.decision_id = d.id),
    'legal_basis_note', d.legal_basis_note,
    'facts', d.facts,
    'reasons', d.reasons,
    'hours_per_week', d.hours_per_week,
    'hearing', json_build_object('status', d.hearing_status, 'sent_on', d.hearing_sent_on,
                                 'response_deadline', d.hearing_response_deadline,
                                 'answered_on', d.hearing_answered_on,
                                 'not_needed_reason', d.hearing_not_needed_reason),
    'notified_on', d.notified_on,
    'appeal_deadline', d.appeal_deadline,
    'appeal_guidance', d.appeal_guidance,
    'version', d.version,
    'created_at', rfc3339(d.created_at),
    'updated_at', rfc3339(d.updated_at),
    'issued_at', rfc3339(d.issued_at))
FROM reference_items k LEFT JOIN reference_items o ON o.id = d.outcome_id
WHERE k.id = d.kind_id
$$;

-- Citizens' birth dates (from the CPR number, at registration) put a case in the right
-- caseload category: young people under 30 have their own recommended range.
ALTER TABLE citizens ADD COLUMN birth_date date;

-- Citizens registered before birth dates were kept have none. Only the service can open
-- a sealed CPR number, so it fills them in at start-up through these two functions: the
-- sealed numbers of a batch of such citizens, and the date it read from one. Only outside
-- any request (no caller's claims): no caller may list sealed numbers across municipalities.
CREATE FUNCTION citizens_without_birth_date(p_limit integer)
    RETURNS TABLE (id uuid, cpr_sealed_hex text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT c.id, encode(c.cpr_sealed, 'hex') FROM citizens c
    WHERE c.birth_date IS NULL AND claim_role() IS NULL ORDER BY c.id LIMIT p_limit $$;
CREATE FUNCTION citizen_set_birth_date(p_id uuid, p_birth_date date)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ UPDATE citizens SET birth_date = p_birth_date WHERE id = p_id AND birth_date IS NULL AND claim_role() IS NULL $$;
REVOKE EXECUTE ON FUNCTION citizens_without_birth_date(integer), citizen_set_birth_date(uuid, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION citizens_without_birth_date(integer), citizen_set_birth_date(uuid, date) TO fremdrift_app;

DROP FUNCTION register_citizen(bytea, bytea, text);
CREATE FUNCTION register_citizen(p_hash bytea, p_sealed bytea, p_name text, p_birth_date date)
    RETURNS TABLE (citizen_id uuid, created boolean)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    v_id uuid;
    v_created boolean := false;
BEGIN
    IF NOT claim_is_case_staff() THEN
        RAISE EXCEPTION 'only caseworkers register citizens' USING ERRCODE = '42501';
    END IF;
    INSERT INTO citizens (cpr_hash, cpr_sealed, name, birth_date) VALUES (p_hash, p_sealed, p_name, p_birth_date)
        ON CONFLICT (cpr_hash) DO NOTHING
        RETURNING id INTO v_id;
    IF v_id IS NULL THEN
        SELECT c.id INTO v_id FROM citizens c WHERE c.cpr_hash = p_hash;
        UPDATE citizens c SET birth_date = p_birth_date WHERE c.id = v_id AND c.birth_date IS NULL;
    ELSE
        v_created := true;
    END IF;
    INSERT INTO citizen_registrations (citizen_id, municipality, registered_by)
        VALUES (v_id, claim_municipality(), claim_sub())
        ON CONFLICT DO NOTHING;
    RETURN QUERY SELECT v_id, v_created;
END
$$;
REVOKE EXECUTE ON FUNCTION register_citizen(bytea, bytea, text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION register_citizen(bytea, bytea, text, date) TO fremdrift_app;

-- Every access-log row names the municipality whose data was used, so its auditors see
-- every use: for staff that is their own municipality; for a citizen's own uses and the
-- appeals board's it is the municipality of the resource, filled in here from the row it
-- names (whatever the caller sent). A use of the citizen as a whole (the export, reading
-- their own log) belongs to no single municipality: it has none, and the auditor policy
-- below shows it to every municipality where the citizen is registered. Whatever a
-- citizen uses is their own data, so their rows always name them.
CREATE FUNCTION access_log_data_municipality() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
BEGIN
    IF claim_role() = 'citizen' THEN
        NEW.citizen_id := claim_citizen_id();
    END IF;
    IF claim_role() IN ('citizen', 'appeals_board') THEN
        NEW.municipality := CASE NEW.resource_type
            WHEN 'case' THEN (SELECT municipality FROM cases WHERE id = NEW.resource_id)
            WHEN 'plan' THEN (SELECT municipality FROM cases WHERE id = NEW.resource_id)
            WHEN 'decision' THEN (SELECT municipality FROM decisions WHERE id = NEW.resource_id)
            WHEN 'appeal' THEN (SELECT municipality FROM appeals WHERE id = NEW.resource_id)
            WHEN 'review' THEN (SELECT municipality FROM reviews WHERE id = NEW.resource_id)
            WHEN 'intervention' THEN (SELECT municipality FROM interventions WHERE id = NEW.resource_id)
            WHEN 'exemption' THEN (SELECT municipality FROM exemptions WHERE id = NEW.resource_id)
        END;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER access_log_municipality BEFORE INSERT ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_data_municipality();

DROP POLICY access_log_auditor ON access_log;
CREATE POLICY access_log_auditor ON access_log FOR SELECT
    USING (claim_role() = 'auditor' AND claim_municipality() IS NOT NULL
           AND (municipality = claim_municipality()
                OR (municipality IS NULL AND citizen_id IS NOT NULL AND EXISTS (
                        SELECT 1 FROM citizen_registrations r
                         WHERE r.citizen_id = access_log.citizen_id AND r.municipality = claim_municipality()))));
CREATE INDEX access_log_citizen_without_municipality ON access_log (citizen_id, id) WHERE municipality IS NULL;

DROP POLICY access_log_write ON access_log;
CREATE POLICY access_log_write ON access_log FOR INSERT
    WITH CHECK (claim_role() IS NOT NULL AND actor_sub = claim_sub() AND actor_role = claim_role()
                AND (claim_role() IN ('citizen', 'appeals_board')
                     OR municipality IS NOT DISTINCT FROM claim_municipality()));

-- What a use of personal data was for, in words a citizen reads. The citizen's own uses
-- are their insight or their own input, not casework; an auditor's is control.
CREATE FUNCTION access_purpose(p_action text, p_resource_type text, p_role text) RETURNS text
    LANGUAGE sql IMMUTABLE AS
$$
SELECT CASE
           WHEN p_action = 'export' THEN 'Indsigt: udlevering af '
           WHEN p_role = 'citizen' AND p_action IN ('read', 'search') THEN 'Din egen indsigt: opslag i '
           WHEN p_role = 'citizen' AND p_action = 'create' THEN 'Din egen henvendelse: oprettelse af '
           WHEN p_role = 'citizen' AND p_action = 'update' THEN 'Dit eget bidrag: ændring af '
           WHEN p_role = 'auditor' THEN 'Kontrol af behandlingen: opslag i '
           WHEN p_role = 'integration' THEN 'Overførsel til kommunens fagsystemer: '
           WHEN p_action = 'read' THEN 'Sagsbehandling: opslag i '
           WHEN p_action = 'search' THEN 'Sagsbehandling: søgning i '
           WHEN p_action = 'create' THEN 'Sagsbehandling: oprettelse af '
           WHEN p_action = 'update' THEN 'Sagsbehandling: ændring af '
           ELSE 'Behandling af '
       END
    || CASE p_resource_type
           WHEN 'case' THEN 'din sag'
           WHEN 'citizen' THEN 'dine personoplysninger'
           WHEN 'decision' THEN 'en afgørelse'
           WHEN 'appeal' THEN 'en klage'
           WHEN 'review' THEN 'din årlige opfølgning'
           WHEN 'intervention' THEN 'en indsats'
           WHEN 'exemption' THEN 'en fritagelse'
           WHEN 'plan' THEN 'din plan'
           WHEN 'export' THEN 'alle dine oplysninger'
           WHEN 'access_log' THEN 'loggen over brugen af dine oplysninger'
           WHEN 'worklist' THEN 'sagsbehandlernes arbejdslister'
           WHEN 'event' THEN 'ændringer i dine sager'
           ELSE 'dine oplysninger'
       END
$$;

-- The citizen's own view of the access log (Datatilsynet, 2024): when and for what their
-- data was used, by which kind of actor, never by whom. Newest first by the time of the
-- use (a row's id is the order of writing, and a use that began earlier may be written
-- later), keyset by (time in microseconds, id): the cursor "<microseconds>_<id>".
CREATE FUNCTION citizen_access_log(p_before_us bigint, p_before_id bigint, p_limit integer)
    RETURNS TABLE (cursor text, at text, on_date date, action text, resource_type text, by_role text,
                   purpose text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$
SELECT (extract(epoch FROM l.at) * 1000000)::bigint || '_' || l.id, rfc3339(l.at),
       (l.at AT TIME ZONE 'Europe/Copenhagen')::date, l.action, l.resource_type, l.actor_role,
       access_purpose(l.action, l.resource_type, l.actor_role)
  FROM access_log l
 WHERE claim_role() = 'citizen' AND l.citizen_id = claim_citizen_id()
   AND (p_before_id IS NULL
        OR (l.at, l.id) < (timestamptz 'epoch' + p_before_us * interval '1 microsecond', p_before_id))
 ORDER BY l.at DESC, l.id DESC
 LIMIT p_limit
$$;
REVOKE EXECUTE ON FUNCTION citizen_access_log(bigint, bigint, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION citizen_access_log(bigint, bigint, integer) TO fremdrift_app;

-- Worklists: each is a function over the rows the caller may see (row-level security
-- applies: they run as the caller), in one shape, so the service pages them alike:
-- the case, the resource that needs attention, since when and why, and details that
-- depend on the list.
CREATE FUNCTION worklist_reviews_due()
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT c.id, c.citizen_id, c.caseworker, 'case', c.id,
       CASE WHEN review_due(c) < danish_today() THEN review_due(c) ELSE review_due(c) - 30 END,
       CASE WHEN review_due(c) < danish_today()
            THEN 'Den årlige opfølgning skulle være gennemført senest ' || to_char(review_due(c), 'YYYY-MM-DD') || '.'
            ELSE 'Den årlige opfølgning skal gennemføres senest ' || to_char(review_due(c), 'YYYY-MM-DD') || '.' END,
       json_build_object('due', review_due(c))
  FROM cases c
 WHERE c.status = 'open' AND review_due(c) <= danish_today() + 30
$$;

CREATE FUNCTION worklist_appeal_reconsiderations()
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT a.case_id, a.citizen_id, c.caseworker, 'appeal', a.id, a.reconsideration_deadline - 7,
       CASE WHEN a.reconsideration_deadline < danish_today()
            THEN 'Fristen for genvurdering af klagen udløb ' || to_char(a.reconsideration_deadline, 'YYYY-MM-DD') || '.'
            ELSE 'Klagen skal genvurderes senest ' || to_char(a.reconsideration_deadline, 'YYYY-MM-DD') || '.' END,
       json_build_object('decision_id', a.decision_id, 'received_on', a.received_on,
                         'reconsideration_deadline', a.reconsideration_deadline)
  FROM appeals a JOIN cases c ON c.id = a.case_id
 WHERE a.status = 'received' AND a.reconsideration_deadline <= danish_today() + 7
$$;

CREATE FUNCTION worklist_hearings_overdue()
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT d.case_id, d.citizen_id, c.caseworker, 'decision', d.id, d.hearing_response_deadline + 1,
       'Fristen i partshøringen udløb ' || to_char(d.hearing_response_deadline, 'YYYY-MM-DD')
       || ' uden svar; afgørelsen kan nu træffes.',
       json_build_object('kind', reference_brief(k), 'response_deadline', d.hearing_response_deadline)
  FROM decisions d JOIN reference_items k ON k.id = d.kind_id JOIN cases c ON c.id = d.case_id
 WHERE d.status = 'draft' AND d.hearing_status = 'sent' AND d.hearing_response_deadline < danish_today()
$$;

CREATE FUNCTION worklist_remitted_decisions()
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

CREATE FUNCTION worklist_flag(p_code text)
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

CREATE FUNCTION worklist_long_waits(p_days integer)
    RETURNS TABLE (case_id uuid, citizen_id uuid, caseworker text, resource_type text, resource_id uuid,
                   since date, why text, details json)
    LANGUAGE sql STABLE AS
$$
SELECT i.case_id, i.citizen_id, c.caseworker, 'intervention', i.id, i.requested_on + p_days + 1,
       'Indsatsen ' || t.label_da || ' blev anmodet ' || to_char(i.requested_on, 'YYYY-MM-DD')
       || ' og er endnu ikke startet.',
       json_build_object('type', reference_brief(t), 'requested_on', i.requested_on)
  FROM interventions i JOIN cases c ON c.id = i.case_id JOIN reference_items t ON t.id = i.type_id
 WHERE i.status = 'requested' AND i.requested_on + p_days < danish_today()
$$;

-- Requests past the municipality's published processing deadline (retssikkerhedsloven
-- § 3): applications awaiting a decision, and requested interventions not started. The
-- deadlines, in days, come from configuration as {"application": n, "intervention_request": n}.
CREATE FUNCTION worklist_processing_deadlines(p_deadlines jsonb)
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
           'Ansøgningen fra ' || to_char(x.received, 'YYYY-MM-DD')
           || ' har overskredet kommunens sagsbehandlingsfrist på ' || x.days || ' dage; borgeren skal skriftligt '
           || 'have besked om, hvornår der kan ventes en afgørelse.'
       ELSE
           'Borgeren fik ' || to_char(d.processing_notice_sent_on, 'YYYY-MM-DD') || ' skriftlig besked om en '
           || 'afgørelse senest ' || to_char(d.processing_notice_expected_by, 'YYYY-MM-DD')
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
       'Anmodningen om ' || t.label_da || ' fra ' || to_char(i.requested_on, 'YYYY-MM-DD')
       || ' har overskredet kommunens sagsbehandlingsfrist på ' || x.days || ' dage; borgeren skal skriftligt have '
       || 'besked om, hvornår der kan ventes et svar.',
       json_build_object('request', 'intervention_request', 'deadline_days', x.days, 'answer_expected_by', NULL)
  FROM interventions i JOIN cases c ON c.id = i.case_id JOIN reference_items t ON t.id = i.type_id,
       LATERAL (SELECT coalesce(p_deadlines ->> ('intervention_request.' || t.code),
                                p_deadlines ->> 'intervention_request')::integer AS days) x
 WHERE i.status = 'requested' AND x.days IS NOT NULL AND i.requested_on + x.days < danish_today()
$$;

-- Caseload per caseworker of the caller's municipality (row-level security), by category,
-- against the recommended ranges given as {"young": {"min": 35, "max": 50}, …}, and the
-- caseworker changes per case over the last 12 months (continuity).
CREATE FUNCTION caseload(p_ranges jsonb) RETURNS json LANGUAGE sql STABLE AS
$$
WITH open_cases AS (
    SELECT c.id, c.caseworker,
           CASE WHEN tg.code = 'ressourceforloeb' THEN 'ressourceforloeb'
                WHEN tg.code IN ('jobparat', 'jobklar') THEN 'job_ready'
                WHEN ci.birth_date > danish_today() - interval '30 years' THEN 'young'
                ELSE 'adult' END AS category,
           (SELECT count(*) FROM caseworker_assignments a
             WHERE a.case_id = c.id AND a.role = 'caseworker'
               AND a.assigned_at > now() - interval '12 months'
               AND a.id <> (SELECT min(a2.id) FROM caseworker_assignments a2
                             WHERE a2.case_id = c.id AND a2.role = 'caseworker')) AS changes
      FROM cases c JOIN reference_items tg ON tg.id = c.target_group_id
      JOIN citizens ci ON ci.id = c.citizen_id
     WHERE c.status = 'open'),
per_category AS (
    SELECT caseworker, category, count(*) AS n FROM open_cases GROUP BY caseworker, category),
per_worker AS (
    SELECT o.caseworker, count(*) AS open_cases, round(avg(o.changes), 2) AS changes_per_case,
           (SELECT json_object_agg(cat, coalesce((SELECT n FROM per_category p
                                                   WHERE p.caseworker = o.caseworker AND p.category = cat), 0))
              FROM unnest(ARRAY['young', 'adult', 'ressourceforloeb', 'job_ready']) cat) AS by_category,
           (SELECT sum(p.n::numeric / ((p_ranges -> p.category ->> 'max')::numeric))
              FROM per_category p WHERE p.caseworker = o.caseworker) AS load,
           (SELECT sum(p.n::numeric / ((p_ranges -> p.category ->> 'min')::numeric))
              FROM per_category p WHERE p.caseworker = o.caseworker) AS of_minimum
      FROM open_cases o GROUP BY o.caseworker)
SELECT json_build_object(
    'as_of', danish_today(),
    'ranges', p_ranges,
    'caseworkers', coalesce((SELECT json_agg(json_build_object(
        'caseworker', w.caseworker, 'open_cases', w.open_cases, 'by_category', w.by_category,
        'load', round(w.load, 3),
        'status', CASE WHEN w.load > 1 THEN 'above' WHEN w.of_minimum >= 1 THEN 'within' ELSE 'below' END,
        'changes_per_case_12m', w.changes_per_case) ORDER BY w.caseworker) FROM per_worker w), '[]'))
$$;

-- Progress beyond employment for a municipality and period. Aggregates only, and any
-- figure over fewer than 5 citizens is withheld so that no one can be recognised.
CREATE FUNCTION progress_statistics(p_municipality text, p_from date, p_to date) RETURNS json
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
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

-- Everything the service holds about the calling citizen (GDPR art. 15), as documents;
-- row-level security limits it to their own rows. The service adds the citizen record
-- (it alone can open the sealed CPR number), the decision letters and the access log.
CREATE FUNCTION citizen_export_data() RETURNS json LANGUAGE sql STABLE AS
$$
SELECT json_build_object(
    'cases', (SELECT coalesce(json_agg(case_document(c) ORDER BY c.seq), '[]') FROM cases c
               WHERE c.citizen_id = claim_citizen_id()),
    'plans', (SELECT coalesce(json_agg(plan_document(c) ORDER BY c.seq), '[]') FROM cases c
               WHERE c.citizen_id = claim_citizen_id()),
    'reviews', (SELECT coalesce(json_agg(review_document(r) ORDER BY r.seq), '[]') FROM reviews r
                 WHERE r.citizen_id = claim_citizen_id()),
    'interventions', (SELECT coalesce(json_agg(intervention_document(i) ORDER BY i.seq), '[]') FROM interventions i
                       WHERE i.citizen_id = claim_citizen_id()),
    'exemptions', (SELECT coalesce(json_agg(json_build_object('id', e.id, 'case_id', e.case_id, 'from_on', e.from_on,
                                                              'to_on', e.to_on, 'reason', e.reason) ORDER BY e.seq), '[]')
                     FROM exemptions e WHERE e.citizen_id = claim_citizen_id()),
    'decisions', (SELECT coalesce(json_agg(decision_document(d) ORDER BY d.seq), '[]') FROM decisions d
                   WHERE d.citizen_id = claim_citizen_id()),
    'appeals', (SELECT coalesce(json_agg(appeal_document(a) ORDER BY a.seq), '[]') FROM appeals a
                 WHERE a.citizen_id = claim_citizen_id()))
$$;
