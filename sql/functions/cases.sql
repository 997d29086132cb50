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
