-- Cases: every change of caseworker is kept.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- Once per statement over its changed cases, so that a bulk write of cases writes their
-- assignments in one statement (and the statistics that follow the assignments refresh
-- once, not once per case).
CREATE OR REPLACE FUNCTION record_caseworker_assignments() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO caseworker_assignments (case_id, municipality, role, staff_id, assigned_by)
        SELECT n.id, n.municipality, r.role, r.staff_id, n.updated_by
          FROM new_cases n,
               LATERAL (VALUES (1, 'caseworker', n.caseworker),
                               (2, 'coordinating_caseworker', n.coordinating_caseworker)) AS r(k, role, staff_id)
         WHERE r.staff_id IS NOT NULL
         ORDER BY n.id, r.k;
    ELSE
        INSERT INTO caseworker_assignments (case_id, municipality, role, staff_id, assigned_by)
        SELECT n.id, n.municipality, r.role, r.staff_id, n.updated_by
          FROM new_cases n JOIN old_cases o ON o.id = n.id,
               LATERAL (VALUES (1, 'caseworker', n.caseworker, o.caseworker),
                               (2, 'coordinating_caseworker', n.coordinating_caseworker, o.coordinating_caseworker))
                   AS r(k, role, staff_id, was)
         WHERE r.staff_id IS DISTINCT FROM r.was
         ORDER BY n.id, r.k;
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE TRIGGER cases_assignments_insert AFTER INSERT ON cases REFERENCING NEW TABLE AS new_cases
    FOR EACH STATEMENT EXECUTE FUNCTION record_caseworker_assignments();
CREATE OR REPLACE TRIGGER cases_assignments_update AFTER UPDATE ON cases
    REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases
    FOR EACH STATEMENT EXECUTE FUNCTION record_caseworker_assignments();
REVOKE EXECUTE ON FUNCTION record_caseworker_assignments() FROM PUBLIC;

-- Changes of responsible caseworker, counted on the case when they happen (continuity):
-- the case document shows the count to every reader, and the assignments behind it are
-- staff data that row-level security hides from the citizen. Whatever the service sends,
-- a new case starts at 0 and only a change of caseworker counts.
CREATE OR REPLACE FUNCTION count_caseworker_changes() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.caseworker_changes := 0;
    ELSE
        NEW.caseworker_changes := OLD.caseworker_changes
                                  + CASE WHEN NEW.caseworker IS DISTINCT FROM OLD.caseworker THEN 1 ELSE 0 END;
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER cases_caseworker_changes BEFORE INSERT OR UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION count_caseworker_changes();
REVOKE EXECUTE ON FUNCTION count_caseworker_changes() FROM PUBLIC;
