-- 006 what completing a review needs beyond 005, and two documents brought in line with
-- the issue-4 contract.
--
-- The placement decision a completed review issues (forsørgelse og målgruppe) cites the
-- provisions its target group and its benefit are granted under. Which provisions those are
-- is reference data with effective dates, not C: each target group and benefit names its
-- legal_provision codes in attributes.provisions, and the review cites those in force on
-- the meeting date (so the 2027 reform is a data change, as for the intervention types).
UPDATE reference_items SET attributes = attributes || '{"provisions": ["lab_2"]}'
 WHERE kind = 'target_group'
   AND code IN ('jobparat', 'aktivitetsparat', 'uddannelsesparat', 'uddannelse_aktivitetsparat', 'ressourceforloeb',
                'jobafklaring', 'fleksjob', 'ledighedsydelse', 'revalidering');
UPDATE reference_items SET attributes = attributes || '{"provisions": ["lov_1750_2025"]}'
 WHERE kind = 'target_group' AND code IN ('jobklar', 'jobhjaelpsgruppe', 'sygemeldt', 'fleksjobgruppe', 'unge');
UPDATE reference_items SET attributes = attributes || '{"provisions": ["las_11"]}'
 WHERE kind = 'benefit' AND code = 'kontanthjaelp';
UPDATE reference_items SET attributes = attributes || '{"provisions": ["las_23"]}'
 WHERE kind = 'benefit' AND code = 'uddannelseshjaelp';
UPDATE reference_items SET attributes = attributes || '{"provisions": ["las_68"]}'
 WHERE kind = 'benefit' AND code = 'ressourceforloebsydelse';

-- The review document gains next_review_due (the contract's reviews carry it): a completed
-- review sets the next one due 12 months after its completion; a scheduled one sets none.
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

-- The plan's indicators over time carry the ratings as the contract names them:
-- {review_id, completed_on, who5, ratings: {caseworker, citizen}}.
CREATE OR REPLACE FUNCTION plan_document(c cases) RETURNS json LANGUAGE sql STABLE AS
$$
WITH last_review AS (
    SELECT r.* FROM reviews r WHERE r.case_id = c.id AND r.status = 'completed'
     ORDER BY r.completed_on DESC, r.seq DESC LIMIT 1)
SELECT json_build_object(
    'case_id', c.id,
    'citizen_id', c.citizen_id,
    'municipality', c.municipality,
    'as_of', danish_today(),
    'last_review', (SELECT json_build_object(
                        'id', lr.id, 'completed_on', lr.completed_on,
                        'status', json_build_object('interventions', lr.status_interventions,
                                                    'current_situation', lr.current_situation),
                        'own_assessment', json_build_object('wishes', lr.own_wishes, 'barriers', lr.own_barriers,
                                                            'written_by', lr.own_written_by),
                        'work_capacity', lr.work_capacity,
                        'overall_decision', lr.overall_decision,
                        'recommendation', lr.recommendation)
                      FROM last_review lr),
    'decisions_in_force', (SELECT coalesce(json_agg(json_build_object(
                                'id', d.id, 'kind', reference_brief(k), 'outcome', reference_brief(o),
                                'subject', d.subject, 'notified_on', d.notified_on,
                                'appeal_deadline', d.appeal_deadline) ORDER BY d.notified_on, d.seq), '[]')
                             FROM decisions d JOIN reference_items k ON k.id = d.kind_id
                             JOIN reference_items o ON o.id = d.outcome_id
                            WHERE d.case_id = c.id AND decision_in_force(d)),
    'interventions', json_build_object(
        'running', (SELECT coalesce(json_agg(intervention_document(i) ORDER BY i.started_on, i.seq), '[]')
                      FROM interventions i WHERE i.case_id = c.id AND i.status = 'started'),
        'planned', (SELECT coalesce(json_agg(intervention_document(i) ORDER BY i.requested_on, i.seq), '[]')
                      FROM interventions i WHERE i.case_id = c.id AND i.status = 'requested')),
    'next_follow_ups', (SELECT coalesce(json_agg(f ORDER BY f ->> 'on'), '[]')
                          FROM last_review lr, json_array_elements((lr.follow_up_plan -> 'follow_ups')::json) f
                         WHERE (f ->> 'on')::date >= danish_today()),
    'next_review_due', CASE WHEN c.status = 'open' THEN review_due(c) END,
    'indicators_over_time', (SELECT coalesce(json_agg(json_build_object(
                                  'review_id', r.id, 'completed_on', r.completed_on,
                                  'who5', who5_score(r.who5_items),
                                  'ratings', json_build_object('caseworker', r.caseworker_ratings,
                                                               'citizen', r.citizen_ratings))
                                  ORDER BY r.completed_on, r.seq), '[]')
                               FROM reviews r WHERE r.case_id = c.id AND r.status = 'completed'),
    'flags', case_flags(c))
$$;
