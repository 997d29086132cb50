-- 020 Planner settings for this database (issue 9); they apply to every new session.
-- random_page_cost: PostgreSQL's default (4, a spinning disk) made it read every row of a
-- municipality's list and sort them rather than read one page in index order; on the SSDs
-- or memory any deployment of the service has, 1.1 is the usual setting.
-- jit: a list whose plan holds switched-off branches (a caseworker's scan, other flag
-- codes) is estimated above jit_above_cost, and compiling it took 30 ms to 1.3 s for a
-- query that runs in 1-3 ms at 1,000,000 cases. The service runs short queries only.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
    EXECUTE format('ALTER DATABASE %I SET jit = off', current_database());
END
$$;
