-- 022 A case's caseworker assignments are written once per statement over its changed
-- cases (sql/functions/cases.sql, record_caseworker_assignments), no longer once per row,
-- so a bulk write of cases is one insert of assignments and one refresh of the statistics
-- that follow them (issue 9).
DROP TRIGGER IF EXISTS cases_assignments ON cases;
DROP FUNCTION IF EXISTS record_caseworker_assignment();
