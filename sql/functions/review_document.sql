-- The annual review (fremdriftsgaranti) as the API shows it.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- next_review_due: a completed review sets the next one due 12 months after its
-- completion; a scheduled one sets none.
CREATE OR REPLACE FUNCTION review_document(r reviews) RETURNS json LANGUAGE sql STABLE AS
$$
SELECT json_build_object(
    'id', r.id, 'case_id', r.case_id, 'citizen_id', r.citizen_id, 'municipality', r.municipality,
    'status', r.status, 'meeting_on', r.meeting_on, 'meeting_at', rfc3339(r.meeting_at),
    'period_from', r.period_from,
    'sections', json_build_object(
        'status', json_build_object(
            'interventions', coalesce(r.status_interventions::json, review_period_interventions(r)),
            'current_situation', r.current_situation),
        'own_assessment', CASE WHEN r.own_written_by IS NULL THEN NULL ELSE json_build_object(
            'wishes', r.own_wishes, 'barriers', r.own_barriers, 'written_by', r.own_written_by,
            'written_at', rfc3339(r.own_written_at)) END,
        'work_capacity', r.work_capacity,
        'overall_decision', r.overall_decision,
        'follow_up_plan', r.follow_up_plan,
        'indicators', json_build_object(
            'who5', CASE WHEN r.who5_items IS NULL THEN NULL ELSE json_build_object(
                'items', to_json(r.who5_items), 'score', who5_score(r.who5_items),
                'answered_by', r.who5_answered_by) END,
            'ratings', json_build_object('caseworker', r.caseworker_ratings, 'citizen', r.citizen_ratings))),
    'recommendation', r.recommendation,
    'citizen_present', r.citizen_present,
    'advice', (SELECT coalesce(json_agg(json_build_object('body', reference_brief(b), 'given_on', a.given_on,
                                                          'summary', a.summary) ORDER BY a.given_on, a.id), '[]')
                 FROM review_advice a JOIN reference_items b ON b.id = a.body_id WHERE a.review_id = r.id),
    'progression', review_progression(r),
    'completed_on', r.completed_on,
    'next_review_due', CASE WHEN r.status = 'completed' THEN (r.completed_on + interval '12 months')::date END,
    'placement_decision_id', r.placement_decision_id,
    'overall_decision_id', r.overall_decision_id,
    'version', r.version, 'created_at', rfc3339(r.created_at), 'updated_at', rfc3339(r.updated_at))
$$;
