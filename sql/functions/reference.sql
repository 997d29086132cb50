-- Reference data as the API shows it.
--
-- Repeatable: applied after the migrations whenever this file changes (see sql/README.md).

CREATE OR REPLACE FUNCTION reference_document(r reference_items) RETURNS json LANGUAGE sql STABLE AS
$$ SELECT json_build_object('id', r.id, 'kind', r.kind, 'code', r.code, 'label', r.label_da,
                            'label_en', r.label_en, 'valid_from', r.valid_from,
                            'valid_to', r.valid_to, 'attributes', r.attributes) $$;

-- The short form embedded in other documents.
CREATE OR REPLACE FUNCTION reference_brief(r reference_items) RETURNS json LANGUAGE sql STABLE AS
$$ SELECT json_build_object('code', r.code, 'label', r.label_da, 'reference_id', r.id) $$;
