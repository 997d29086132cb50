-- The citizen's own data, all of it (GDPR art. 15).
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- Everything the service holds about the calling citizen (GDPR art. 15), as documents;
-- row-level security limits it to their own rows. The service adds the citizen record
-- (it alone can open the sealed CPR number), the decision letters and the access log.
-- Each municipality's registration says what it entered (never which staff member did).
CREATE OR REPLACE FUNCTION citizen_export_data() RETURNS json LANGUAGE sql STABLE AS
$$
SELECT json_build_object(
    'registrations', (SELECT coalesce(json_agg(json_build_object('municipality', r.municipality, 'name', r.name,
                                                                 'registered_at', rfc3339(r.registered_at))
                                               ORDER BY r.registered_at, r.municipality), '[]')
                        FROM citizen_registrations r WHERE r.citizen_id = claim_citizen_id()),
    'cases', (SELECT coalesce(json_agg(case_document(c) ORDER BY c.seq), '[]') FROM cases c
               WHERE c.citizen_id = claim_citizen_id()),
    'plans', (SELECT coalesce(json_agg(plan_document(c) ORDER BY c.seq), '[]') FROM cases c
               WHERE c.citizen_id = claim_citizen_id()),
    'reviews', (SELECT coalesce(json_agg(review_document(r) ORDER BY r.seq), '[]') FROM reviews r
                 WHERE r.citizen_id = claim_citizen_id()),
    'interventions', (SELECT coalesce(json_agg(intervention_document(i) ORDER BY i.seq), '[]') FROM interventions i
                       WHERE i.citizen_id = claim_citizen_id()),
    'exemptions', (SELECT coalesce(json_agg(json_build_object('id', e.id, 'case_id', e.case_id, 'from_on', e.from_on,
                                                              'to_on', e.to_on, 'reason', e.reason) ORDER BY e.seq), '[]')
                     FROM exemptions e WHERE e.citizen_id = claim_citizen_id()),
    'decisions', (SELECT coalesce(json_agg(decision_document(d) ORDER BY d.seq), '[]') FROM decisions d
                   WHERE d.citizen_id = claim_citizen_id()),
    'appeals', (SELECT coalesce(json_agg(appeal_document(a) ORDER BY a.seq), '[]') FROM appeals a
                 WHERE a.citizen_id = claim_citizen_id()))
$$;
