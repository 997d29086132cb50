-- When a case's next review is due, and the flags a case raises.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- The next review is due at most 12 months after the last completed review, or after the
-- case entered its target group: kept in cases.next_review_due by the case's own trigger
-- and by every change of its reviews (worklist_entries.sql).
CREATE OR REPLACE FUNCTION review_due(c cases) RETURNS date LANGUAGE sql STABLE AS
$$ SELECT c.next_review_due $$;

-- Why a flag is raised, in the words the case and the lists show.
CREATE OR REPLACE FUNCTION flag_why(p_code text, p_details jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS
$$
SELECT CASE p_code
    WHEN 'kontanthjaelp_year_without_assessment' THEN
        'Borgeren har modtaget kontanthjælp sammenhængende i over et år uden en vurdering af '
        || 'arbejdsevnen (og, så længe reglerne har ressourceforløb, en vurdering af ret til ressourceforløb).'
    WHEN 'fleksjob_low_hours_without_progression' THEN
        'Fleksjob under 5 timer om ugen uden dokumenteret progression i 12 måneder.'
    WHEN 'exemption_expiring' THEN
        'Fritagelsen for krav og sanktioner udløber ' || danish_date((p_details ->> 'to_on')::date)
        || '. Retten til indsatser gælder under fritagelsen.'
    WHEN 'review_overdue' THEN
        'Den årlige opfølgning (fremdriftsgarantien) er ikke gennemført inden fristen.'
END
$$;

-- The flags raised on a case today, each with since when and why: its stored flag rows
-- (worklist_entries) that hold today. plpgsql, not SQL, because it runs on every read of
-- a case: plpgsql keeps its query plan for the session.
CREATE OR REPLACE FUNCTION case_flags(c cases) RETURNS json LANGUAGE plpgsql STABLE AS
$$
BEGIN
    IF c.status <> 'open' THEN
        RETURN '[]';
    END IF;
    RETURN (SELECT coalesce(json_agg(json_build_object('code', e.list, 'since', e.since,
                                                       'why', flag_why(e.list, e.details))
                                     ORDER BY e.since, e.list), '[]')
              FROM worklist_entries e
             WHERE e.case_id = c.id
               AND e.list IN ('review_overdue', 'kontanthjaelp_year_without_assessment',
                              'fleksjob_low_hours_without_progression', 'exemption_expiring')
               AND e.holds_from <= danish_today() AND (e.holds_until IS NULL OR e.holds_until >= danish_today()));
END
$$;

-- The days a flag holds at most after its since (an exemption expiring: the 30 days before
-- its end), so that its scan starts there and not at the oldest row it ever had; NULL: it
-- holds until the data changes.
CREATE OR REPLACE FUNCTION flag_window(p_list text) RETURNS integer LANGUAGE sql IMMUTABLE AS
$$ SELECT CASE p_list WHEN 'exemption_expiring' THEN 30 END $$;

-- GET /v1/flags: a page of the flags that hold today in the caller's municipality, in the
-- order they were raised (since, then the case, then the row), optionally of one
-- caseworker and one code. Each flag code is its own index range of the rows that hold
-- today (a flag comes true on a stored date, so "holds today" is a range of since),
-- merged in order; the codes and the caseworker's or municipality's scan that do not
-- apply are switched off by their parameters, so one cached plan serves every filter.
CREATE OR REPLACE FUNCTION flag_code_page(p_code text, p_list text, p_caseworker text, p_since date,
                                          p_case uuid, p_id bigint, p_limit integer)
    RETURNS SETOF worklist_entries LANGUAGE sql STABLE AS
$$
(SELECT e.* FROM worklist_entries e
  WHERE (p_code IS NULL OR p_code = p_list) AND p_caseworker IS NULL
    AND e.municipality = claim_municipality() AND e.list = p_list
    AND e.since <= danish_today()
    AND (e.since, e.resource_id, e.id) > (keyset_since(p_since, keyset_floor(flag_window(p_list))),
                                          keyset_uuid(p_since, p_case, keyset_floor(flag_window(p_list))),
                                          keyset_bigint(p_since, p_id, keyset_floor(flag_window(p_list))))
    AND e.holds_from <= danish_today() AND (e.holds_until IS NULL OR e.holds_until >= danish_today())
  ORDER BY e.since, e.resource_id, e.id LIMIT p_limit)
UNION ALL
(SELECT e.* FROM worklist_entries e
  WHERE (p_code IS NULL OR p_code = p_list) AND e.caseworker = p_caseworker
    AND e.municipality = claim_municipality() AND e.list = p_list
    AND e.since <= danish_today()
    AND (e.since, e.resource_id, e.id) > (keyset_since(p_since, keyset_floor(flag_window(p_list))),
                                          keyset_uuid(p_since, p_case, keyset_floor(flag_window(p_list))),
                                          keyset_bigint(p_since, p_id, keyset_floor(flag_window(p_list))))
    AND e.holds_from <= danish_today() AND (e.holds_until IS NULL OR e.holds_until >= danish_today())
  ORDER BY e.since, e.resource_id, e.id LIMIT p_limit)
$$;

CREATE OR REPLACE FUNCTION flag_page(p_caseworker text, p_code text, p_since date, p_case uuid, p_id bigint,
                                     p_limit integer)
    RETURNS SETOF worklist_entries LANGUAGE sql STABLE AS
$$
SELECT * FROM (
    SELECT * FROM flag_code_page(p_code, 'review_overdue', p_caseworker, p_since, p_case, p_id, p_limit)
    UNION ALL
    SELECT * FROM flag_code_page(p_code, 'kontanthjaelp_year_without_assessment', p_caseworker, p_since, p_case, p_id,
                                 p_limit)
    UNION ALL
    SELECT * FROM flag_code_page(p_code, 'fleksjob_low_hours_without_progression', p_caseworker, p_since, p_case, p_id,
                                 p_limit)
    UNION ALL
    SELECT * FROM flag_code_page(p_code, 'exemption_expiring', p_caseworker, p_since, p_case, p_id, p_limit)) e
 ORDER BY e.since, e.resource_id, e.id LIMIT p_limit
$$;
