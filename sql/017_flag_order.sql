-- 017 GET /v1/flags lists flags in the order they were raised (since, then the case, then
-- the row's id), each flag code an index range of the rows that hold today (issue 9).
-- Before, it listed them by row id and filtered the rows that do not hold yet — every open
-- case has a review_overdue row from the day its next review is known — reading a
-- municipality's rows for a page. The worklists' page indexes end in the row's id, so
-- one index gives lists and flags their whole order. The function's new signature is in
-- sql/functions/flags.sql.
DROP FUNCTION IF EXISTS flag_page(text, text, bigint, integer);
DROP INDEX IF EXISTS worklist_entries_flags, worklist_entries_flags_caseworker;
DROP INDEX worklist_entries_page, worklist_entries_caseworker_page;
CREATE INDEX worklist_entries_page ON worklist_entries (municipality, list, since, resource_id, id);
CREATE INDEX worklist_entries_caseworker_page ON worklist_entries (municipality, list, caseworker, since, resource_id, id);
