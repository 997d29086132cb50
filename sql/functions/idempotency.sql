-- Idempotency keys: claiming, answering, replaying and releasing.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- Claims the key for this request, or says why not: 'new' (claimed), 'replay' (with the
-- stored answer), 'mismatch' (the key was used for another request), 'running' (the
-- first request is still at work). The claimant holds a session advisory lock on the key
-- (on the connection that does the work) until it finishes or gives the key back, so a
-- claim is still running exactly while that lock is held: a claim whose lock is free
-- belongs to a connection or process that died, and is taken over. No clock decides it,
-- so a slow request is never run twice.
CREATE OR REPLACE FUNCTION idempotency_lock_id(p_caller text, p_key text) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$$ SELECT hashtextextended(p_caller || ':' || p_key, 7201405514) $$;

CREATE OR REPLACE FUNCTION idempotency_begin(p_caller text, p_key text, p_hash text)
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

CREATE OR REPLACE FUNCTION idempotency_finish(p_caller text, p_key text, p_status integer, p_headers jsonb, p_body bytea)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ UPDATE idempotency_keys SET state = 'done', status = p_status, headers = p_headers, body = p_body,
                               request_id = coalesce(claim('request_id'), ''), work_at = now()
    WHERE caller = p_caller AND key = p_key AND state = 'running' $$;

-- After the work has committed: the claim is done, its lock no longer needed.
CREATE OR REPLACE FUNCTION idempotency_unlock(p_caller text, p_key text)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT pg_advisory_unlock(idempotency_lock_id(p_caller, p_key)) $$;

-- A replay hands out the first answer again, so it is a use of the same data: it is
-- logged as a read (a search stays a search) of whatever the first request logged, under
-- the replay's own request id and the caller's claims. The first request's rows carry its
-- transaction's now(), which is work_at, so they are found by the index on at.
CREATE OR REPLACE FUNCTION idempotency_log_replay(p_caller text, p_key text)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ INSERT INTO access_log (action, resource_type, resource_id, citizen_id, criteria)
   SELECT CASE WHEN l.action = 'search' THEN 'search' ELSE 'read' END, l.resource_type, l.resource_id,
          l.citizen_id, CASE WHEN l.action = 'search' THEN l.criteria END
     FROM idempotency_keys k
     JOIN access_log l ON l.at = k.work_at AND l.request_id = k.request_id AND l.actor_sub = claim_sub()
    WHERE k.caller = p_caller AND k.key = p_key AND k.state = 'done'
    ORDER BY l.id $$;

CREATE OR REPLACE FUNCTION idempotency_release(p_caller text, p_key text)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS
$$ DELETE FROM idempotency_keys WHERE caller = p_caller AND key = p_key AND state = 'running';
   SELECT pg_advisory_unlock(idempotency_lock_id(p_caller, p_key)) $$;

REVOKE EXECUTE ON FUNCTION idempotency_begin(text, text, text), idempotency_finish(text, text, integer, jsonb, bytea),
    idempotency_release(text, text), idempotency_log_replay(text, text), idempotency_unlock(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION idempotency_begin(text, text, text), idempotency_finish(text, text, integer, jsonb, bytea),
    idempotency_release(text, text), idempotency_log_replay(text, text), idempotency_unlock(text, text)
    TO fremdrift_app;
