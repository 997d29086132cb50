-- 017 GET /v1/flags lists flags in the order they were raised (since, then the row's id),
-- each flag code an index range of the rows that hold today (issue 9). Before, it listed
-- them by row id and filtered the rows that do not hold yet — every open case has a
-- review_overdue row from the day its next review is known — reading a municipality's
-- rows for a page. The function's new signature is in sql/functions/flags.sql.
DROP FUNCTION IF EXISTS flag_page(text, text, bigint, integer);
DROP INDEX IF EXISTS worklist_entries_flags, worklist_entries_flags_caseworker;
CREATE INDEX worklist_entries_flag_page ON worklist_entries (municipality, list, since, id)
    WHERE list IN ('review_overdue', 'kontanthjaelp_year_without_assessment', 'fleksjob_low_hours_without_progression',
                   'exemption_expiring');
CREATE INDEX worklist_entries_flag_caseworker_page ON worklist_entries (municipality, caseworker, list, since, id)
    WHERE list IN ('review_overdue', 'kontanthjaelp_year_without_assessment', 'fleksjob_low_hours_without_progression',
                   'exemption_expiring');
