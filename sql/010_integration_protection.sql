-- 010 integration and data protection: the event feed's retention watermark, idempotent
-- writes, the data's municipality on every access-log row, the citizen's own view of the
-- log, and what worklists, caseload and statistics need.
--
-- restated-from: e09aaffc208711c4be4b3e0aeed1f1cc225210d4bc2d6486932df1de0ddf2636
-- Restated when functions, triggers and their grants moved to sql/functions/ (repeatable
-- files): a database that applied the earlier text of this file has applied this one.

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

-- Citizens' birth dates (from the CPR number, at registration) put a case in the right
-- caseload category: young people under 30 have their own recommended range.
ALTER TABLE citizens ADD COLUMN birth_date date;

DROP FUNCTION IF EXISTS register_citizen(bytea, bytea, text);

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
