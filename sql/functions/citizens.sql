-- Citizens: registration in a municipality, and birth dates filled in from sealed CPR
-- numbers.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- Registers the person in the caller's municipality. A person is one citizen nationally,
-- so the row in citizens is created once, by whichever municipality comes first; but the
-- name a municipality gives and when it registered are its own (citizen_registrations),
-- and `created` says whether this municipality's registration is new. So a municipality
-- that registers a person another one knows learns nothing from the answer. Runs as the
-- owner, since the caller cannot see the other municipality's rows, after checking the
-- claims itself.
CREATE OR REPLACE FUNCTION register_citizen(p_hash bytea, p_sealed bytea, p_name text, p_birth_date date)
    RETURNS TABLE (citizen_id uuid, created boolean)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    v_id uuid;
    v_registered text;
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
    END IF;
    INSERT INTO citizen_registrations (citizen_id, municipality, registered_by, name)
        VALUES (v_id, claim_municipality(), claim_sub(), p_name)
        ON CONFLICT DO NOTHING
        RETURNING municipality INTO v_registered;
    RETURN QUERY SELECT v_id, v_registered IS NOT NULL;
END
$$;

-- Citizens registered before birth dates were kept have none. Only the service can open
-- a sealed CPR number, so it fills them in, in the background, through these functions:
-- the sealed numbers of the next batch of such citizens after a given id (keyset, on the
-- partial index of the rows still to do), the date it read from one, and the mark on one
-- it could not read. Only outside any request (no caller's claims): no caller may list
-- sealed numbers across municipalities.
CREATE OR REPLACE FUNCTION citizens_without_birth_date(p_after uuid, p_limit integer)
    RETURNS TABLE (id uuid, cpr_sealed_hex text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT c.id, encode(c.cpr_sealed, 'hex') FROM citizens c
    WHERE c.birth_date IS NULL AND NOT c.birth_date_unreadable AND c.id > p_after AND claim_role() IS NULL
    ORDER BY c.id LIMIT p_limit $$;
CREATE OR REPLACE FUNCTION citizen_set_birth_date(p_id uuid, p_birth_date date)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ UPDATE citizens SET birth_date = p_birth_date WHERE id = p_id AND birth_date IS NULL AND claim_role() IS NULL $$;
CREATE OR REPLACE FUNCTION citizen_birth_date_unreadable(p_id uuid)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ UPDATE citizens SET birth_date_unreadable = true WHERE id = p_id AND birth_date IS NULL AND claim_role() IS NULL $$;
REVOKE EXECUTE ON FUNCTION citizens_without_birth_date(uuid, integer), citizen_set_birth_date(uuid, date),
    citizen_birth_date_unreadable(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION citizens_without_birth_date(uuid, integer), citizen_set_birth_date(uuid, date),
    citizen_birth_date_unreadable(uuid) TO fremdrift_app;
REVOKE EXECUTE ON FUNCTION register_citizen(bytea, bytea, text, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION register_citizen(bytea, bytea, text, date) TO fremdrift_app;
