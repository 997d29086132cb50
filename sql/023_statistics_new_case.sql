-- 023 A new case refreshes its citizen's statistics once, through the trigger on its
-- caseworker assignment (sql/functions/statistics_rollup.sql), not a second time through
-- one on cases.
DROP TRIGGER IF EXISTS cases_statistics_insert ON cases;
