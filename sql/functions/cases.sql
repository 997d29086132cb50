-- Cases: every change of caseworker is kept.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

CREATE OR REPLACE FUNCTION record_caseworker_assignment() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.caseworker IS DISTINCT FROM OLD.caseworker THEN
        INSERT INTO caseworker_assignments (case_id, municipality, role, staff_id, assigned_by)
        VALUES (NEW.id, NEW.municipality, 'caseworker', NEW.caseworker, NEW.updated_by);
    END IF;
    IF (TG_OP = 'INSERT' AND NEW.coordinating_caseworker IS NOT NULL)
       OR (TG_OP = 'UPDATE' AND NEW.coordinating_caseworker IS DISTINCT FROM OLD.coordinating_caseworker) THEN
        INSERT INTO caseworker_assignments (case_id, municipality, role, staff_id, assigned_by)
        VALUES (NEW.id, NEW.municipality, 'coordinating_caseworker', NEW.coordinating_caseworker, NEW.updated_by);
    END IF;
    RETURN NULL;
END
$$;
CREATE OR REPLACE TRIGGER cases_assignments AFTER INSERT OR UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION record_caseworker_assignment();
REVOKE EXECUTE ON FUNCTION record_caseworker_assignment() FROM PUBLIC;

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
