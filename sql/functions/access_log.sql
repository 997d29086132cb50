-- The access log: the data's municipality on every row, the purpose of a use, and the
-- citizen's own view of the uses of their data.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- Every access-log row names the municipality whose data was used, so its auditors see
-- every use of their data and nothing of another municipality's: for staff that is their
-- own municipality; for a citizen's own uses and the appeals board's it is the
-- municipality of the resource, filled in here from the row it names (whatever the caller
-- sent). A search names no resource: the service writes one row per citizen and
-- municipality it showed, naming that municipality, which must be one where the citizen is
-- registered; a search that showed nothing belongs to the municipality of the case or
-- decision its criteria name, if any. A use of the citizen as a whole (the export, reading
-- their own log) belongs to no single municipality: it has none, and the auditor policy
-- shows it to every municipality where the citizen is registered. Whatever a citizen uses
-- is their own data, so their rows always name them.
CREATE OR REPLACE FUNCTION access_log_data_municipality() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    uuid_pattern CONSTANT text := '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
BEGIN
    IF claim_role() = 'citizen' THEN
        NEW.citizen_id := claim_citizen_id();
    END IF;
    IF coalesce(claim_role() NOT IN ('citizen', 'appeals_board'), true) THEN
        RETURN NEW;
    END IF;
    IF NEW.resource_id IS NOT NULL THEN
        NEW.municipality := CASE NEW.resource_type
            WHEN 'case' THEN (SELECT municipality FROM cases WHERE id = NEW.resource_id)
            WHEN 'plan' THEN (SELECT municipality FROM cases WHERE id = NEW.resource_id)
            WHEN 'decision' THEN (SELECT municipality FROM decisions WHERE id = NEW.resource_id)
            WHEN 'appeal' THEN (SELECT municipality FROM appeals WHERE id = NEW.resource_id)
            WHEN 'review' THEN (SELECT municipality FROM reviews WHERE id = NEW.resource_id)
            WHEN 'intervention' THEN (SELECT municipality FROM interventions WHERE id = NEW.resource_id)
            WHEN 'exemption' THEN (SELECT municipality FROM exemptions WHERE id = NEW.resource_id)
        END;
    ELSIF NEW.municipality IS NULL THEN
        NEW.municipality := CASE
            WHEN NEW.criteria ->> 'case_id' ~ uuid_pattern
                THEN (SELECT municipality FROM cases WHERE id = (NEW.criteria ->> 'case_id')::uuid)
            WHEN NEW.criteria ->> 'decision_id' ~ uuid_pattern
                THEN (SELECT municipality FROM decisions WHERE id = (NEW.criteria ->> 'decision_id')::uuid)
        END;
    ELSIF NOT EXISTS (SELECT 1 FROM citizen_registrations r
                       WHERE r.citizen_id = NEW.citizen_id AND r.municipality = NEW.municipality) THEN
        RAISE EXCEPTION 'an access-log row of a search names a municipality where its citizen is not registered';
    END IF;
    RETURN NEW;
END
$$;
CREATE OR REPLACE TRIGGER access_log_municipality BEFORE INSERT ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_data_municipality();

-- What a use of personal data was for, in words a citizen reads. The citizen's own uses
-- are their insight or their own input, not casework; an auditor's is control.
CREATE OR REPLACE FUNCTION access_purpose(p_action text, p_resource_type text, p_role text) RETURNS text
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
CREATE OR REPLACE FUNCTION citizen_access_log(p_before_us bigint, p_before_id bigint, p_limit integer)
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
