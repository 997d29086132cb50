-- The intervention as the API shows it.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

CREATE OR REPLACE FUNCTION intervention_document(i interventions) RETURNS json LANGUAGE sql STABLE AS
$$
SELECT json_build_object(
    'id', i.id, 'case_id', i.case_id, 'citizen_id', i.citizen_id, 'municipality', i.municipality,
    'type', reference_brief(t), 'sector', i.sector, 'status', i.status,
    'requested_on', i.requested_on, 'planned_start', i.planned_start, 'started_on', i.started_on,
    'ended_on', i.ended_on, 'cancelled_on', i.cancelled_on, 'cancel_reason', i.cancel_reason,
    'provider', i.provider, 'hours_per_week', i.hours_per_week, 'outcome', i.outcome,
    'waiting_days', i.waiting_days, 'decision_id', i.decision_id, 'review_id', i.review_id,
    'progress', (SELECT coalesce(json_agg(json_build_object('noted_on', p.noted_on, 'note', p.note)
                                          ORDER BY p.noted_on, p.id), '[]')
                   FROM intervention_progress p WHERE p.intervention_id = i.id),
    'version', i.version, 'created_at', rfc3339(i.created_at), 'updated_at', rfc3339(i.updated_at))
FROM reference_items t WHERE t.id = i.type_id
$$;
