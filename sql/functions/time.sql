-- Time as the API shows it: RFC 3339 timestamps and the Danish calendar day.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- RFC 3339 UTC text for timestamps in API documents.
CREATE OR REPLACE FUNCTION rfc3339(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- Today in Denmark, for deadlines and flags computed in SQL.
CREATE OR REPLACE FUNCTION danish_today() RETURNS date LANGUAGE sql STABLE AS
$$ SELECT (now() AT TIME ZONE 'Europe/Copenhagen')::date $$;

-- A date as a Danish sentence writes it: "2. juni 2026" (the service's letters write dates
-- the same way, service/law/calendar.c). For the texts the service writes in SQL, such as
-- the worklists' and flags' `why`.
CREATE OR REPLACE FUNCTION danish_date(d date) RETURNS text LANGUAGE sql IMMUTABLE AS
$$
SELECT extract(day FROM d)::integer || '. '
       || (ARRAY['januar', 'februar', 'marts', 'april', 'maj', 'juni', 'juli', 'august', 'september',
                 'oktober', 'november', 'december'])[extract(month FROM d)::integer]
       || ' ' || extract(year FROM d)::integer
$$;
