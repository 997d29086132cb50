-- 018 GET /v1/caseload is paged by caseworker (issue 9): a page reads its caseworkers' open
-- cases through this index, not the municipality's. The function's new signature is in
-- sql/functions/caseload.sql.
DROP FUNCTION IF EXISTS caseload(jsonb);
CREATE INDEX cases_open_caseworker ON cases (municipality, caseworker) INCLUDE (target_group_id, citizen_id)
    WHERE status = 'open';
