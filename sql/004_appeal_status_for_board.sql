-- 004 the appeals board learns the state of an appeal it may not read yet.
--
-- The board reads only appeals forwarded to it (policy appeals_board_read), and locks for
-- a ruling only those still forwarded (appeals_board_change). A ruling on an appeal the
-- municipality has not forwarded, or has already closed, must still answer 409 naming the
-- appeal's state (issue 3), not 404. This function tells the board that state and nothing
-- else: no grounds, no citizen, no decision.
CREATE FUNCTION appeal_status_for_board(p_appeal uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT a.status FROM appeals a WHERE claim_role() = 'appeals_board' AND a.id = p_appeal $$;

REVOKE EXECUTE ON FUNCTION appeal_status_for_board(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION appeal_status_for_board(uuid) TO fremdrift_app;
