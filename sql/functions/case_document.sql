-- The case as the API shows it; one definition for reads, writes and events.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

-- It shows the next review and the case's flags (plpgsql for the reason case_flags is).
CREATE OR REPLACE FUNCTION case_document(c cases) RETURNS json LANGUAGE plpgsql STABLE AS
$$
DECLARE
    doc json;
BEGIN
    SELECT json_build_object(
        'id', c.id,
        'citizen_id', c.citizen_id,
        'municipality', c.municipality,
        'target_group', reference_brief(tg),
        'target_group_since', c.target_group_since,
        'benefit', reference_brief(b),
        'benefit_start', c.benefit_start,
        'caseworker', c.caseworker,
        'coordinating_caseworker', c.coordinating_caseworker,
        'status', c.status,
        'close_reason', c.close_reason,
        'closed_at', rfc3339(c.closed_at),
        'caseworker_changes', c.caseworker_changes,
        'next_review_due', CASE WHEN c.status = 'open' THEN review_due(c) END,
        'flags', case_flags(c),
        'version', c.version,
        'created_at', rfc3339(c.created_at),
        'updated_at', rfc3339(c.updated_at))
      INTO doc
      FROM reference_items tg, reference_items b
     WHERE tg.id = c.target_group_id AND b.id = c.benefit_id;
    RETURN doc;
END
$$;
