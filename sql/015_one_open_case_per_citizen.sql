-- 015 one open employment case per citizen per municipality. A case is one citizen's
-- employment case in one municipality (DESIGN): a second open one split the case's
-- history, reviews and deadlines in two. POST /v1/cases answers 409 naming the open case
-- (INSERT ... ON CONFLICT DO NOTHING against this index), also when two requests race.
--
-- A database that already holds a second open case cannot take the index: which case to
-- close is a caseworker's decision, not a migration's, so the migration stops and says so.
DO $$
DECLARE
    citizens bigint;
BEGIN
    SELECT count(*) INTO citizens
      FROM (SELECT 1 FROM cases WHERE status = 'open'
             GROUP BY citizen_id, municipality HAVING count(*) > 1) twice;
    IF citizens > 0 THEN
        RAISE EXCEPTION '% citizen(s) have more than one open case in one municipality', citizens
            USING HINT = 'Close all but one open case of each (POST /v1/cases/{case_id}/close), then migrate again.';
    END IF;
END
$$;

CREATE UNIQUE INDEX cases_one_open_per_citizen ON cases (citizen_id, municipality) WHERE status = 'open';
