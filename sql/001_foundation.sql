-- 001 foundation: the caller's claims, reference data with effective dates, citizens,
-- cases with their caseworker history, the access log and the event outbox.
--
-- Ownership: everything here belongs to the migration role (fremdrift_owner). The
-- service connects as fremdrift_app, which owns nothing, is granted only what it needs
-- and is subject to row-level security on every table holding case data. Tables do not
-- FORCE row-level security so that the few SECURITY DEFINER functions below, which check
-- the claims themselves, can act across rows the caller cannot see.
--
-- restated-from: 6a99e0539ebab14dc434f5a09aa5a260c0e2d85f1a2c018b6c62c21518d5f6f6
-- Restated when functions, triggers and their grants moved to sql/functions/ (repeatable
-- files): a database that applied the earlier text of this file has applied this one.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- The caller's claims, set by the service at the start of each transaction with
-- set_config(..., true). Unset or empty means no claim, and every policy then denies.
CREATE FUNCTION claim(name text) RETURNS text
    LANGUAGE sql STABLE AS
$$ SELECT nullif(current_setting('fremdrift.' || name, true), '') $$;

CREATE FUNCTION claim_role() RETURNS text LANGUAGE sql STABLE AS $$ SELECT claim('role') $$;
CREATE FUNCTION claim_sub() RETURNS text LANGUAGE sql STABLE AS $$ SELECT claim('sub') $$;
CREATE FUNCTION claim_municipality() RETURNS text LANGUAGE sql STABLE AS $$ SELECT claim('municipality') $$;

-- Staff of a municipality: the roles that act within one kommune.
CREATE FUNCTION claim_is_municipal_staff() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(claim_role() IN ('caseworker', 'team_lead', 'integration', 'auditor')
                   AND claim_municipality() IS NOT NULL, false) $$;

CREATE FUNCTION claim_is_case_staff() RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT coalesce(claim_role() IN ('caseworker', 'team_lead') AND claim_municipality() IS NOT NULL, false) $$;

-- Reference data. The law moves (LOV nr. 1750 af 29/12/2025 from 1 January 2027), so
-- target groups, benefits and later intervention types and decision kinds are rows with
-- effective dates [valid_from, valid_to), never C enums: next year's rules are new rows.
CREATE TABLE reference_items (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
    code text NOT NULL CHECK (code ~ '^[a-z0-9_]{1,60}$'),
    label_da text NOT NULL,
    label_en text NOT NULL,
    valid_from date NOT NULL,
    valid_to date,
    attributes jsonb NOT NULL DEFAULT '{}',
    CHECK (valid_to IS NULL OR valid_to > valid_from),
    EXCLUDE USING gist (kind WITH =, code WITH =, daterange(valid_from, valid_to) WITH &&)
);

-- Citizens. The CPR number is stored only sealed (AES-256-GCM, by the service) and as a
-- keyed hash for look-ups; PostgreSQL never sees it in clear.
CREATE TABLE citizens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    cpr_hash bytea NOT NULL UNIQUE CHECK (length(cpr_hash) = 32),
    cpr_sealed bytea NOT NULL,
    name text CHECK (name IS NULL OR length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Which municipalities know a citizen. A citizen is one person nationally; staff see a
-- citizen once their municipality has registered them.
CREATE TABLE citizen_registrations (
    citizen_id uuid NOT NULL REFERENCES citizens,
    municipality text NOT NULL CHECK (municipality ~ '^[0-9]{3}$'),
    registered_at timestamptz NOT NULL DEFAULT now(),
    registered_by text NOT NULL,
    PRIMARY KEY (citizen_id, municipality)
);

-- The citizen the caller is, for citizen tokens (NULL otherwise).
CREATE FUNCTION claim_citizen_id() RETURNS uuid LANGUAGE sql STABLE AS
$$ SELECT id FROM citizens
    WHERE claim_role() = 'citizen' AND cpr_hash = decode(claim('cpr_hash'), 'hex') $$;

CREATE TABLE cases (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    citizen_id uuid NOT NULL REFERENCES citizens,
    municipality text NOT NULL CHECK (municipality ~ '^[0-9]{3}$'),
    target_group_id bigint NOT NULL REFERENCES reference_items,
    target_group_since date NOT NULL,
    benefit_id bigint NOT NULL REFERENCES reference_items,
    benefit_start date NOT NULL,
    caseworker text NOT NULL,
    coordinating_caseworker text,
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    close_reason text CHECK (close_reason IS NULL OR length(close_reason) BETWEEN 1 AND 1000),
    closed_at timestamptz,
    version integer NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT claim_sub(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text NOT NULL DEFAULT claim_sub(),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL AND close_reason IS NOT NULL))
);
CREATE INDEX cases_municipality_seq ON cases (municipality, seq);
CREATE INDEX cases_municipality_caseworker ON cases (municipality, caseworker, seq);
CREATE INDEX cases_citizen ON cases (citizen_id);

-- Every caseworker change is kept, so continuity can be counted. Rows are written by a
-- trigger, never by the service, so no code path can forget or forge one.
CREATE TABLE caseworker_assignments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id uuid NOT NULL REFERENCES cases,
    municipality text NOT NULL,
    role text NOT NULL CHECK (role IN ('caseworker', 'coordinating_caseworker')),
    staff_id text,
    assigned_at timestamptz NOT NULL DEFAULT now(),
    assigned_by text NOT NULL
);
CREATE INDEX caseworker_assignments_case ON caseworker_assignments (case_id, id);

-- The access log (Datatilsynet's logging guidance): who used whose data, how and when.
-- Who and when are filled from the claims, so the service cannot record someone else.
-- The service may insert and never update or delete; purging old rows is the owner's job.
CREATE TABLE access_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor_sub text NOT NULL DEFAULT claim_sub(),
    actor_role text NOT NULL DEFAULT claim_role(),
    municipality text DEFAULT claim_municipality(),
    action text NOT NULL CHECK (action IN ('read', 'search', 'create', 'update', 'export')),
    resource_type text NOT NULL,
    resource_id uuid,
    citizen_id uuid,
    purpose text,
    criteria jsonb,
    request_id text NOT NULL DEFAULT coalesce(claim('request_id'), '')
);
CREATE INDEX access_log_citizen ON access_log (citizen_id, at);
CREATE INDEX access_log_municipality ON access_log (municipality, id);
CREATE INDEX access_log_at ON access_log (at);

-- The transactional outbox for integrating systems. txid lets a reader skip past only
-- those events whose transactions can no longer commit out of order.
CREATE TABLE events (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    occurred_at timestamptz NOT NULL DEFAULT now(),
    type text NOT NULL,
    resource_type text NOT NULL,
    resource_id uuid NOT NULL,
    resource_version integer,
    municipality text NOT NULL CHECK (municipality ~ '^[0-9]{3}$'),
    payload jsonb NOT NULL
);
CREATE INDEX events_municipality_seq ON events (municipality, seq);
CREATE INDEX events_occurred ON events (occurred_at);

-- Row-level security: staff see their municipality's rows, a citizen their own.
ALTER TABLE citizens ENABLE ROW LEVEL SECURITY;
CREATE POLICY citizens_staff ON citizens FOR SELECT
    USING (claim_is_municipal_staff() AND EXISTS (
        SELECT 1 FROM citizen_registrations r
         WHERE r.citizen_id = citizens.id AND r.municipality = claim_municipality()));
CREATE POLICY citizens_self ON citizens FOR SELECT
    USING (claim_role() = 'citizen' AND cpr_hash = decode(claim('cpr_hash'), 'hex'));

ALTER TABLE citizen_registrations ENABLE ROW LEVEL SECURITY;
CREATE POLICY citizen_registrations_staff ON citizen_registrations FOR SELECT
    USING (claim_is_municipal_staff() AND municipality = claim_municipality());

ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
CREATE POLICY cases_staff_read ON cases FOR SELECT
    USING (claim_is_municipal_staff() AND municipality = claim_municipality());
CREATE POLICY cases_citizen_read ON cases FOR SELECT
    USING (claim_role() = 'citizen' AND citizen_id = (SELECT claim_citizen_id()));
CREATE POLICY cases_create ON cases FOR INSERT
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality()
                AND EXISTS (SELECT 1 FROM citizen_registrations r
                             WHERE r.citizen_id = cases.citizen_id
                               AND r.municipality = claim_municipality()));
CREATE POLICY cases_change ON cases FOR UPDATE
    USING (claim_is_case_staff() AND municipality = claim_municipality())
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality());

ALTER TABLE caseworker_assignments ENABLE ROW LEVEL SECURITY;
CREATE POLICY caseworker_assignments_staff ON caseworker_assignments FOR SELECT
    USING (claim_is_municipal_staff() AND municipality = claim_municipality());

ALTER TABLE access_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY access_log_write ON access_log FOR INSERT
    WITH CHECK (claim_role() IS NOT NULL AND actor_sub = claim_sub() AND actor_role = claim_role()
                AND municipality IS NOT DISTINCT FROM claim_municipality());
CREATE POLICY access_log_auditor ON access_log FOR SELECT
    USING (claim_role() = 'auditor' AND municipality = claim_municipality());

ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE POLICY events_write ON events FOR INSERT
    WITH CHECK ((claim_is_municipal_staff() AND municipality = claim_municipality())
                OR (claim_role() = 'citizen' AND EXISTS (
                        SELECT 1 FROM cases c WHERE c.municipality = events.municipality
                                                AND c.citizen_id = (SELECT claim_citizen_id())))
                OR claim_role() = 'appeals_board');
CREATE POLICY events_read ON events FOR SELECT
    USING (claim_role() IN ('integration', 'auditor') AND municipality = claim_municipality());

-- What the service's role may do. No DELETE anywhere, no UPDATE of the logs.
GRANT SELECT ON schema_migrations, reference_items TO fremdrift_app;
GRANT SELECT ON citizens, citizen_registrations, caseworker_assignments TO fremdrift_app;
GRANT SELECT, INSERT ON cases TO fremdrift_app;
GRANT UPDATE (target_group_id, target_group_since, benefit_id, benefit_start, caseworker,
              coordinating_caseworker, status, close_reason, closed_at, version, updated_at,
              updated_by) ON cases TO fremdrift_app;
GRANT SELECT, INSERT ON access_log, events TO fremdrift_app;

-- Reference data in force today and from the 2027 reform. Labels and codes follow the
-- rules as published; rows marked provisional await the final executive orders.
INSERT INTO reference_items (kind, code, label_da, label_en, valid_from, valid_to, attributes) VALUES
 ('target_group', 'jobparat', 'Jobparat kontanthjælpsmodtager', 'Job-ready recipient of social assistance', '2020-01-01', '2027-01-01', '{"legal_basis": "LAB § 2, nr. 2"}'),
 ('target_group', 'aktivitetsparat', 'Aktivitetsparat kontanthjælpsmodtager', 'Activity-ready recipient of social assistance', '2020-01-01', '2027-01-01', '{"legal_basis": "LAB § 2, nr. 3"}'),
 ('target_group', 'uddannelsesparat', 'Uddannelsesparat uddannelseshjælpsmodtager', 'Education-ready recipient of education assistance', '2020-01-01', '2027-01-01', '{"legal_basis": "LAB § 2, nr. 4"}'),
 ('target_group', 'uddannelse_aktivitetsparat', 'Aktivitetsparat uddannelseshjælpsmodtager', 'Activity-ready recipient of education assistance', '2020-01-01', '2027-01-01', '{"legal_basis": "LAB § 2, nr. 5"}'),
 ('target_group', 'ressourceforloeb', 'Person i ressourceforløb', 'Person in a resource programme', '2020-01-01', '2027-01-01', '{"legal_basis": "LAB § 2, nr. 13"}'),
 ('target_group', 'jobafklaring', 'Person i jobafklaringsforløb', 'Person in a job clarification programme', '2020-01-01', '2027-01-01', '{"legal_basis": "LAB § 2, nr. 12"}'),
 ('target_group', 'fleksjob', 'Person i fleksjob', 'Person in a flexible job', '2020-01-01', '2027-01-01', '{"legal_basis": "LAB § 2, nr. 9"}'),
 ('target_group', 'ledighedsydelse', 'Ledighedsydelsesmodtager', 'Recipient of unemployment benefit for flexible-job applicants', '2020-01-01', '2027-01-01', '{"legal_basis": "LAB § 2, nr. 8"}'),
 ('target_group', 'revalidering', 'Revalidend', 'Person in vocational rehabilitation', '2020-01-01', '2027-01-01', '{"legal_basis": "LAB § 2, nr. 7"}'),
 ('target_group', 'jobklar', 'Jobklar', 'Job-ready', '2027-01-01', NULL, '{"legal_basis": "LOV nr. 1750 af 29/12/2025", "provisional": true}'),
 ('target_group', 'jobhjaelpsgruppe', 'Jobhjælpsgruppen', 'Job assistance group', '2027-01-01', NULL, '{"legal_basis": "LOV nr. 1750 af 29/12/2025", "provisional": true, "fremdriftsgaranti": true}'),
 ('target_group', 'sygemeldt', 'Sygemeldt', 'On sick leave', '2027-01-01', NULL, '{"legal_basis": "LOV nr. 1750 af 29/12/2025", "provisional": true}'),
 ('target_group', 'fleksjobgruppe', 'Fleksjob og ledighedsydelse', 'Flexible job and related benefit', '2027-01-01', NULL, '{"legal_basis": "LOV nr. 1750 af 29/12/2025", "provisional": true}'),
 ('target_group', 'unge', 'Unge under 30 uden uddannelse', 'Young people under 30 without education', '2027-01-01', NULL, '{"legal_basis": "LOV nr. 1750 af 29/12/2025", "provisional": true}'),
 ('benefit', 'kontanthjaelp', 'Kontanthjælp', 'Social assistance', '2020-01-01', NULL, '{"legal_basis": "LAS § 11"}'),
 ('benefit', 'uddannelseshjaelp', 'Uddannelseshjælp', 'Education assistance', '2020-01-01', NULL, '{"legal_basis": "LAS § 23"}'),
 ('benefit', 'selvforsoergelsesydelse', 'Selvforsørgelses- og hjemrejseydelse', 'Self-support and return benefit', '2020-01-01', NULL, '{"legal_basis": "LAS § 22"}'),
 ('benefit', 'ressourceforloebsydelse', 'Ressourceforløbsydelse', 'Resource programme benefit', '2020-01-01', '2027-01-01', '{"legal_basis": "LAS § 68"}'),
 ('benefit', 'jobafklaringsydelse', 'Ressourceforløbsydelse under jobafklaringsforløb', 'Job clarification benefit', '2020-01-01', NULL, '{"legal_basis": "LAS § 69 j"}'),
 ('benefit', 'revalideringsydelse', 'Revalideringsydelse', 'Rehabilitation benefit', '2020-01-01', '2027-01-01', '{"legal_basis": "LAS § 52"}'),
 ('benefit', 'ledighedsydelse', 'Ledighedsydelse', 'Unemployment benefit for flexible-job applicants', '2020-01-01', NULL, '{"legal_basis": "LAS § 74"}'),
 ('benefit', 'sygedagpenge', 'Sygedagpenge', 'Sickness benefit', '2020-01-01', NULL, '{"legal_basis": "Sygedagpengeloven"}'),
 ('benefit', 'foertidspension', 'Førtidspension', 'Disability pension', '2020-01-01', NULL, '{"legal_basis": "Lov om social pension § 16"}');
