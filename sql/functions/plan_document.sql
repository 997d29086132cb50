-- The citizen's plan as the API shows it.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

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
