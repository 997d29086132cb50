-- Benchmark data: :n citizens, each with one open case in municipality 101. Run as the
-- schema owner on a throwaway cluster. Ids are md5-derived so the pgbench script can
-- address the same rows as wrk without a lookup. Sealed CPRs are placeholders: the
-- measured endpoint (GET /v1/cases/{id}) never opens them.
INSERT INTO citizens (id, cpr_hash, cpr_sealed)
SELECT md5('citizen' || i)::uuid, sha256(('bench' || i)::bytea), '\x00'::bytea
  FROM generate_series(1, :n) AS i;

INSERT INTO citizen_registrations (citizen_id, municipality, registered_by)
SELECT md5('citizen' || i)::uuid, '101', 'bench' FROM generate_series(1, :n) AS i;

INSERT INTO cases (id, citizen_id, municipality, target_group_id, target_group_since, benefit_id,
                   benefit_start, caseworker, created_by, updated_by)
SELECT md5('case' || i)::uuid, md5('citizen' || i)::uuid, '101',
       (SELECT id FROM reference_items WHERE kind = 'target_group' AND code = 'aktivitetsparat'),
       date '2024-01-01' + (i % 700),
       (SELECT id FROM reference_items WHERE kind = 'benefit' AND code = 'kontanthjaelp'),
       date '2024-01-01' + (i % 700), 'cw-' || (i % 40), 'bench', 'bench'
  FROM generate_series(1, :n) AS i;

ANALYZE citizens, citizen_registrations, cases, caseworker_assignments;
