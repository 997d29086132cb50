-- 014 data protection (issue 10): what one municipality entered about a person stays
-- that municipality's, and a case reads the same to everyone allowed to read it.

-- A person is one citizen nationally, but the name a jobcenter typed in when it registered
-- them, and when it did, are that jobcenter's own record: another municipality that
-- registers the same person must not learn them. Each registration keeps its own.
ALTER TABLE citizen_registrations
    ADD COLUMN name text CHECK (name IS NULL OR length(name) BETWEEN 1 AND 200);
-- What each municipality entered about a person is still the person's data: they read
-- their own registrations (in their export, GDPR art. 15).
CREATE POLICY citizen_registrations_self ON citizen_registrations FOR SELECT
    USING (claim_role() = 'citizen' AND citizen_id = (SELECT claim_citizen_id()));
-- Until now only the first registration's name was kept (on citizens), so only the
-- earliest registration of each person is known to have entered it.
UPDATE citizen_registrations r SET name = c.name
  FROM citizens c
 WHERE c.id = r.citizen_id
   AND r.municipality = (SELECT f.municipality FROM citizen_registrations f
                          WHERE f.citizen_id = r.citizen_id
                          ORDER BY f.registered_at, f.municipality LIMIT 1);

-- Changes of responsible caseworker, counted when they happen: the assignments behind
-- the count are staff data that row-level security hides from the citizen, so a count
-- made at read time gave the citizen 0 where staff read 1 under the same ETag. The trigger
-- in sql/functions keeps it; the service may not write it.
ALTER TABLE cases ADD COLUMN caseworker_changes integer NOT NULL DEFAULT 0 CHECK (caseworker_changes >= 0);
UPDATE cases c SET caseworker_changes = (SELECT greatest(count(*) - 1, 0) FROM caseworker_assignments a
                                          WHERE a.case_id = c.id AND a.role = 'caseworker');
