-- Decisions: issued means immutable, and which decision is in force.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- An issued decision is immutable: after issuing, only being superseded and losing
-- force (with the version stamp) may change. The service checks first to answer 409
-- with the state; this makes it true whatever the code does.
CREATE OR REPLACE FUNCTION guard_issued_decision() RETURNS trigger LANGUAGE plpgsql AS
$$
DECLARE
    mutable CONSTANT text[] := ARRAY['status', 'superseded_by_id', 'force_lost_on', 'force_lost_reason',
                                     'version', 'updated_at', 'updated_by'];
BEGIN
    IF OLD.status <> 'draft' AND (to_jsonb(NEW) - mutable) IS DISTINCT FROM (to_jsonb(OLD) - mutable) THEN
        RAISE EXCEPTION 'decision % is % and cannot change', OLD.id, OLD.status USING ERRCODE = '55000';
    END IF;
    IF OLD.status = 'superseded' AND NEW.status <> 'superseded'
       OR OLD.status = 'issued' AND NEW.status NOT IN ('issued', 'superseded')
       OR OLD.force_lost_on IS NOT NULL AND NEW.force_lost_on IS DISTINCT FROM OLD.force_lost_on THEN
        RAISE EXCEPTION 'decision % cannot go from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = '55000';
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER decisions_immutable BEFORE UPDATE ON decisions
    FOR EACH ROW EXECUTE FUNCTION guard_issued_decision();

CREATE OR REPLACE FUNCTION guard_issued_provisions() RETURNS trigger LANGUAGE plpgsql AS
$$
BEGIN
    IF EXISTS (SELECT 1 FROM decisions d
                WHERE d.id = coalesce(NEW.decision_id, OLD.decision_id) AND d.status <> 'draft') THEN
        RAISE EXCEPTION 'the legal basis of an issued decision cannot change' USING ERRCODE = '55000';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;
CREATE OR REPLACE TRIGGER decision_provisions_immutable BEFORE INSERT OR UPDATE OR DELETE ON decision_provisions
    FOR EACH ROW EXECUTE FUNCTION guard_issued_provisions();

-- In force: issued, not superseded, not annulled by the appeals board.
CREATE OR REPLACE FUNCTION decision_in_force(d decisions) RETURNS boolean LANGUAGE sql STABLE AS
$$ SELECT d.status = 'issued' AND d.force_lost_on IS NULL $$;

-- The next journal number of a decision of p_municipality notified on p_on
-- ("2026-101-000123"): the running number of that municipality and year, counted in
-- journal_counters in the caller's transaction (row-level security: the municipality's
-- own case staff), so a rolled-back issue gives its number back.
CREATE OR REPLACE FUNCTION journal_number_next(p_municipality text, p_on date) RETURNS text
    LANGUAGE sql VOLATILE AS
$$
INSERT INTO journal_counters AS j (municipality, year, last_number)
VALUES (p_municipality, extract(year FROM p_on)::integer, 1)
ON CONFLICT (municipality, year) DO UPDATE SET last_number = j.last_number + 1
RETURNING j.year::text || '-' || j.municipality || '-'
          || CASE WHEN j.last_number < 1000000 THEN lpad(j.last_number::text, 6, '0') ELSE j.last_number::text END
$$;
