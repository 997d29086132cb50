-- Appeals: the appeal document, and the one fact the appeals board may learn of an appeal
-- it may not read yet.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

CREATE OR REPLACE FUNCTION appeal_document(a appeals) RETURNS json LANGUAGE sql STABLE AS
$$
SELECT json_build_object(
    'id', a.id,
    'decision_id', a.decision_id,
    'case_id', a.case_id,
    'citizen_id', a.citizen_id,
    'municipality', a.municipality,
    'status', a.status,
    'received_on', a.received_on,
    'channel', a.channel,
    'filed_by_role', a.filed_by_role,
    'grounds', a.grounds,
    'late', a.late,
    'days_late', a.days_late,
    'reconsideration_deadline', a.reconsideration_deadline,
    'reconsideration', CASE WHEN a.reconsideration_outcome IS NULL THEN NULL ELSE json_build_object(
        'outcome', a.reconsideration_outcome, 'on', a.reconsidered_on, 'late', a.reconsidered_late,
        'new_decision_id', a.new_decision_id, 'municipality_statement', a.municipality_statement) END,
    'forwarded_on', a.forwarded_on,
    'ruling', CASE WHEN a.ruling IS NULL THEN NULL ELSE json_build_object(
        'outcome', a.ruling, 'on', a.ruled_on, 'reference', a.ruling_reference, 'note', a.ruling_note) END,
    'suspensive_effect', CASE WHEN a.suspensive_effect IS NULL THEN NULL ELSE json_build_object(
        'decision', a.suspensive_effect, 'on', a.suspensive_effect_on, 'note', a.suspensive_effect_note) END,
    'timeline', (SELECT coalesce(json_agg(json_build_object('step', s.step, 'on', s.on_date,
                                                            'at', rfc3339(s.at), 'by_role', s.by_role,
                                                            'details', s.details) ORDER BY s.id), '[]')
                   FROM appeal_steps s WHERE s.appeal_id = a.id),
    'version', a.version,
    'created_at', rfc3339(a.created_at),
    'updated_at', rfc3339(a.updated_at))
$$;-- 004 the appeals board learns the state of an appeal it may not read yet.
--
-- The board reads only appeals forwarded to it (policy appeals_board_read), and locks for
-- a ruling only those still forwarded (appeals_board_change). A ruling on an appeal the
-- municipality has not forwarded, or has already closed, must still answer 409 naming the
-- appeal's state (issue 3), not 404. This function tells the board that state and nothing
-- else: no grounds, no citizen, no decision.
CREATE OR REPLACE FUNCTION appeal_status_for_board(p_appeal uuid) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS
$$ SELECT a.status FROM appeals a WHERE claim_role() = 'appeals_board' AND a.id = p_appeal $$;

REVOKE EXECUTE ON FUNCTION appeal_status_for_board(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION appeal_status_for_board(uuid) TO fremdrift_app;
