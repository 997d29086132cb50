-- The decision as the API shows it.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

CREATE OR REPLACE FUNCTION decision_document(d decisions) RETURNS json LANGUAGE sql STABLE AS
$$
SELECT json_build_object(
    'id', d.id,
    'case_id', d.case_id,
    'citizen_id', d.citizen_id,
    'municipality', d.municipality,
    'kind', reference_brief(k),
    'outcome', CASE WHEN o.id IS NULL THEN NULL ELSE reference_brief(o) END,
    'status', d.status,
    'in_force', decision_in_force(d),
    'force_lost', CASE WHEN d.force_lost_on IS NULL THEN NULL
                       ELSE json_build_object('on', d.force_lost_on, 'reason', d.force_lost_reason) END,
    'parent_id', d.parent_id,
    'supersedes_id', d.supersedes_id,
    'superseded_by_id', d.superseded_by_id,
    'subject', d.subject,
    'applied_for', d.applied_for,
    'applied_on', d.applied_on,
    'processing_notice', CASE WHEN d.processing_notice_sent_on IS NULL THEN NULL
                              ELSE json_build_object('sent_on', d.processing_notice_sent_on,
                                                     'answer_expected_by', d.processing_notice_expected_by) END,
    'decided_on', d.decided_on,
    'legal_basis', (SELECT coalesce(json_agg(reference_brief(p) ORDER BY dp.position), '[]')
                      FROM decision_provisions dp JOIN reference_items p ON p.id = dp.provision_id
                     WHERE dp.decision_id = d.id),
    'legal_basis_note', d.legal_basis_note,
    'facts', d.facts,
    'reasons', d.reasons,
    'hours_per_week', d.hours_per_week,
    'hearing', json_build_object('status', d.hearing_status, 'sent_on', d.hearing_sent_on,
                                 'response_deadline', d.hearing_response_deadline,
                                 'answered_on', d.hearing_answered_on,
                                 'not_needed_reason', d.hearing_not_needed_reason,
                                 'urgency_reason', d.hearing_urgency_reason),
    'notified_on', d.notified_on,
    'journal_number', d.journal_number,
    'addressee', d.addressee,
    'appeal_deadline', d.appeal_deadline,
    'appeal_guidance', d.appeal_guidance,
    'version', d.version,
    'created_at', rfc3339(d.created_at),
    'updated_at', rfc3339(d.updated_at),
    'issued_at', rfc3339(d.issued_at))
FROM reference_items k LEFT JOIN reference_items o ON o.id = d.outcome_id
WHERE k.id = d.kind_id
$$;
