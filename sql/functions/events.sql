-- The event feed's positions.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

CREATE OR REPLACE FUNCTION events_assign_positions() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS
$$
DECLARE
    e record;
BEGIN
    PERFORM pg_advisory_xact_lock(7201405513);
    FOR e IN SELECT seq FROM events
              WHERE position IS NULL AND txid < pg_snapshot_xmin(pg_current_snapshot())
              ORDER BY txid, seq
    LOOP
        UPDATE events SET position = nextval('event_positions') WHERE seq = e.seq;
    END LOOP;
END
$$;
REVOKE EXECUTE ON FUNCTION events_assign_positions() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION events_assign_positions() TO fremdrift_app;
