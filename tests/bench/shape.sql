-- Benchmark data shape for the worklists, caseload and statistics (`make bench`, part 2).
-- psql variables: cases (total), municipalities (how many), largest (cases of the largest,
-- municipality 101; the rest are spread over the others, fewer the further down the list).
-- Run as the schema owner on a throwaway cluster, set-based (generate_series), so that every
-- row goes through the same triggers as any other write.
--
-- Proportions (of cases; see tests/bench/README.md for why these):
--   open 92 %; target groups: aktivitetsparat 40 %, jobparat 15 %, uddannelse_aktivitetsparat
--   10 %, uddannelsesparat 7 %, ressourceforløb 8 %, jobafklaring 5 %, fleksjob 8 %,
--   ledighedsydelse 7 %; in the group up to 5 years; one caseworker per ~45 cases;
--   completed reviews: none in the first year, then the last one within 12 months for 92 %
--   and overdue for 8 %, a second earlier one for 40 % of cases older than two years; each
--   completed review issued a placement and an overall decision (15 % "no intervention");
--   a scheduled review for 60 % of the open cases due within ±6 weeks;
--   interventions: 0-2 per open case (ended 45 %, started 30 %, requested 12 %, cancelled
--   13 %), and every fleksjob case has a started fleksjob (30 % under 5 hours a week, half
--   with a progress note);
--   exemptions: 10 % of open cases, one each, 90-390 days long over the last two years;
--   appeals: 3 % of overall decisions, open while within 4 weeks of receipt, otherwise
--   changed by the municipality, forwarded or ruled (10 % of rulings remitted);
--   draft decisions: 1.5 % of open cases with a hearing sent, 2 % with an application.
SET synchronous_commit = off;

CREATE FUNCTION pg_temp.r(i bigint, salt integer) RETURNS float8 LANGUAGE sql IMMUTABLE AS
$$ SELECT (hashint8extended(i, salt) & 16777215)::float8 / 16777216 $$;

SELECT current_date AS today \gset

-- Municipality 101 holds :largest cases; the others share the rest with weights 1/(k+2)^0.8.
CREATE TEMP TABLE bench_municipality AS
WITH others AS (
    SELECT k, lpad((150 + k * 8)::text, 3, '0') AS code, 1 / power(k + 2, 0.8) AS w
      FROM generate_series(1, :municipalities - 1) k),
sized AS (
    SELECT code, floor((:cases - :largest) * w / sum(w) OVER ())::bigint AS n, k FROM others
    UNION ALL SELECT '101', :largest, 0),
fixed AS (
    -- Rounding leaves a few cases over: the second largest takes them.
    SELECT code, k, (n + CASE WHEN k = 1 THEN :cases - sum(n) OVER () ELSE 0 END)::bigint AS n FROM sized)
SELECT code, n, (sum(n) OVER (ORDER BY k) - n + 1)::bigint AS first_i, (sum(n) OVER (ORDER BY k))::bigint AS last_i,
       greatest(1, ceil(n / 45.0))::integer AS workers
  FROM fixed WHERE n > 0;

CREATE TEMP TABLE bench_case AS
SELECT i, m.code AS municipality, 'cw-' || m.code || '-' || (i % m.workers) AS caseworker,
       CASE WHEN t < 0.40 THEN 'aktivitetsparat' WHEN t < 0.55 THEN 'jobparat'
            WHEN t < 0.65 THEN 'uddannelse_aktivitetsparat' WHEN t < 0.72 THEN 'uddannelsesparat'
            WHEN t < 0.80 THEN 'ressourceforloeb' WHEN t < 0.85 THEN 'jobafklaring'
            WHEN t < 0.93 THEN 'fleksjob' ELSE 'ledighedsydelse' END AS tg,
       (:'today'::date - floor(pg_temp.r(i, 2) * 1800)::integer) AS since,
       pg_temp.r(i, 3) >= 0.08 AS open
  FROM bench_municipality m, generate_series(m.first_i, m.last_i) i, pg_temp.r(i, 1) t;
ALTER TABLE bench_case ADD PRIMARY KEY (i);

INSERT INTO citizens (id, cpr_hash, cpr_sealed, birth_date)
SELECT md5('citizen' || i)::uuid, sha256(('bench' || i)::bytea), '\x00'::bytea,
       :'today'::date - (6570 + floor(pg_temp.r(i, 4) * 16000))::integer
  FROM bench_case;

INSERT INTO citizen_registrations (citizen_id, municipality, registered_by)
SELECT md5('citizen' || i)::uuid, municipality, 'bench' FROM bench_case;

INSERT INTO cases (id, citizen_id, municipality, target_group_id, target_group_since, benefit_id, benefit_start,
                   caseworker, status, close_reason, closed_at, created_at, created_by, updated_by)
SELECT md5('case' || c.i)::uuid, md5('citizen' || c.i)::uuid, c.municipality, tg.id, c.since, b.id,
       c.since - floor(pg_temp.r(c.i, 5) * 365)::integer, c.caseworker,
       CASE WHEN c.open THEN 'open' ELSE 'closed' END,
       CASE WHEN c.open THEN NULL ELSE 'Borgeren er i arbejde.' END,
       CASE WHEN c.open THEN NULL ELSE now() - interval '30 days' END,
       c.since::timestamptz, 'bench', 'bench'
  FROM bench_case c
  JOIN reference_items tg ON tg.kind = 'target_group' AND tg.code = c.tg
  JOIN reference_items b ON b.kind = 'benefit' AND b.code = CASE c.tg
       WHEN 'aktivitetsparat' THEN 'kontanthjaelp' WHEN 'jobparat' THEN 'kontanthjaelp'
       WHEN 'uddannelse_aktivitetsparat' THEN 'uddannelseshjaelp' WHEN 'uddannelsesparat' THEN 'uddannelseshjaelp'
       WHEN 'ressourceforloeb' THEN 'ressourceforloebsydelse' WHEN 'jobafklaring' THEN 'jobafklaringsydelse'
       ELSE 'ledighedsydelse' END;

-- Completed reviews: k = 1 is the last, k = 2 a year before it.
CREATE TEMP TABLE bench_review AS
WITH last AS (
    SELECT c.i, c.municipality, c.since,
           :'today'::date - CASE WHEN pg_temp.r(c.i, 10) < 0.08
                                 THEN 366 + floor(pg_temp.r(c.i, 11) * (least(:'today'::date - c.since, 1500) - 366))
                                 ELSE floor(pg_temp.r(c.i, 11) * 365) END::integer AS on_date
      FROM bench_case c WHERE :'today'::date - c.since >= 366)
SELECT i, municipality, 1 AS k, on_date FROM last
UNION ALL
SELECT i, municipality, 2, on_date - 365 FROM last WHERE on_date - 365 >= since AND pg_temp.r(i, 12) < 0.4;

INSERT INTO decisions (id, case_id, municipality, citizen_id, kind_id, outcome_id, status, subject, decided_on,
                       reasons, notified_on, appeal_deadline, appeal_guidance, issued_at, issued_by,
                       created_by, updated_by)
SELECT md5('dp' || r.i || '-' || r.k)::uuid, md5('case' || r.i)::uuid, r.municipality, md5('citizen' || r.i)::uuid,
       k.id, o.id, 'issued', 'Forsørgelse og målgruppe', r.on_date, 'Vurderet ved den årlige opfølgning.',
       r.on_date, r.on_date + 28, '{"deadline_weeks": 4}', r.on_date::timestamptz, 'bench', 'bench', 'bench'
  FROM bench_review r
  JOIN reference_items k ON k.kind = 'decision_kind' AND k.code = 'placement'
  JOIN reference_items o ON o.kind = 'decision_outcome' AND o.code = 'granted';

INSERT INTO decisions (id, case_id, municipality, citizen_id, kind_id, outcome_id, status, subject, decided_on,
                       reasons, notified_on, appeal_deadline, appeal_guidance, issued_at, issued_by,
                       created_by, updated_by)
SELECT md5('do' || r.i || '-' || r.k)::uuid, md5('case' || r.i)::uuid, r.municipality, md5('citizen' || r.i)::uuid,
       k.id, o.id, 'issued', 'Samlet afgørelse om indsatser', r.on_date, 'Vurderet ved den årlige opfølgning.',
       r.on_date, r.on_date + 28, '{"deadline_weeks": 4}', r.on_date::timestamptz, 'bench', 'bench', 'bench'
  FROM bench_review r, LATERAL (SELECT pg_temp.r(r.i * 4 + r.k, 13) < 0.15 AS none) x
  JOIN reference_items k ON k.kind = 'decision_kind' AND k.code = CASE WHEN x.none THEN 'no_intervention' ELSE 'overall' END
  JOIN reference_items o ON o.kind = 'decision_outcome' AND o.code = CASE WHEN x.none THEN 'no_intervention' ELSE 'granted' END;

INSERT INTO reviews (id, case_id, municipality, citizen_id, status, meeting_on, period_from, current_situation,
                     status_interventions, work_capacity, overall_decision, who5_items, who5_answered_by,
                     caseworker_ratings, citizen_ratings, completed_on, completed_at, completed_by,
                     placement_decision_id, overall_decision_id, created_by, updated_by)
SELECT md5('rv' || r.i || '-' || r.k)::uuid, md5('case' || r.i)::uuid, r.municipality, md5('citizen' || r.i)::uuid,
       'completed', r.on_date, r.on_date - 365, 'Status ved opfølgningen.', '[]',
       CASE WHEN pg_temp.r(s, 14) < 0.85 THEN '{"ressourceforloeb_assessed": true}'::jsonb END,
       '{"outcome": "interventions"}',
       ARRAY[floor(pg_temp.r(s, 15) * 6), floor(pg_temp.r(s, 16) * 6), floor(pg_temp.r(s, 17) * 6),
             floor(pg_temp.r(s, 18) * 6), floor(pg_temp.r(s, 19) * 6)]::smallint[], 'citizen',
       jsonb_build_object('life_mastery', 1 + floor(pg_temp.r(s, 20) * 5), 'health', 1 + floor(pg_temp.r(s, 21) * 5),
                          'labour_market_distance', 1 + floor(pg_temp.r(s, 22) * 5)),
       jsonb_build_object('life_mastery', 1 + floor(pg_temp.r(s, 23) * 5), 'health', 1 + floor(pg_temp.r(s, 24) * 5),
                          'labour_market_distance', 1 + floor(pg_temp.r(s, 25) * 5)),
       r.on_date, r.on_date::timestamptz + interval '12 hours', 'bench',
       md5('dp' || r.i || '-' || r.k)::uuid, md5('do' || r.i || '-' || r.k)::uuid, 'bench', 'bench'
  FROM bench_review r, LATERAL (SELECT r.i * 4 + r.k AS s) x;

-- A scheduled review for most open cases due within six weeks either way.
INSERT INTO reviews (case_id, municipality, citizen_id, meeting_on, period_from, created_by, updated_by)
SELECT md5('case' || c.i)::uuid, c.municipality, md5('citizen' || c.i)::uuid, greatest(:'today'::date, d.due - 10),
       d.due - 365, 'bench', 'bench'
  FROM bench_case c
  LEFT JOIN (SELECT i, max(on_date) AS last FROM bench_review GROUP BY i) r ON r.i = c.i,
       LATERAL (SELECT (coalesce(r.last, c.since) + interval '12 months')::date AS due) d
 WHERE c.open AND d.due BETWEEN :'today'::date - 42 AND :'today'::date + 42 AND pg_temp.r(c.i, 30) < 0.6;

-- Interventions: 0-2 per open case, and a fleksjob for every fleksjob case.
CREATE TEMP TABLE bench_type AS
SELECT (row_number() OVER (ORDER BY id) - 1)::integer AS n, id, attributes FROM reference_items
 WHERE kind = 'intervention_type' AND valid_to IS NULL AND NOT coalesce((attributes ->> 'fleksjob')::boolean, false);

INSERT INTO interventions (case_id, municipality, citizen_id, type_id, sector, status, requested_on, started_on,
                           ended_on, cancelled_on, cancel_reason, hours_per_week, outcome, created_by, updated_by)
SELECT md5('case' || c.i)::uuid, c.municipality, md5('citizen' || c.i)::uuid, t.id, t.attributes ->> 'sector',
       st.status, dt.requested_on,
       CASE WHEN st.status IN ('started', 'ended') THEN dt.started_on END,
       CASE WHEN st.status = 'ended' THEN least(:'today'::date, dt.started_on + 90) END,
       CASE WHEN st.status = 'cancelled' THEN dt.requested_on + 10 END,
       CASE WHEN st.status = 'cancelled' THEN 'Borgeren blev syg.' END,
       CASE WHEN (t.attributes ->> 'hours_per_week')::boolean THEN 10 + floor(pg_temp.r(s, 33) * 27) END,
       CASE WHEN st.status = 'ended' THEN 'Gennemført.' END, 'bench', 'bench'
  FROM bench_case c, generate_series(1, floor(pg_temp.r(c.i, 31) * 3)::integer) n,
       LATERAL (SELECT c.i * 4 + n AS s) x,
       LATERAL (SELECT CASE WHEN v < 0.45 THEN 'ended' WHEN v < 0.75 THEN 'started'
                            WHEN v < 0.87 THEN 'requested' ELSE 'cancelled' END AS status
                  FROM pg_temp.r(x.s, 32) v) st,
       LATERAL (SELECT d AS requested_on, least(:'today'::date, d + floor(pg_temp.r(x.s, 35) * 60)::integer) AS started_on
                  FROM (SELECT :'today'::date - CASE WHEN st.status = 'requested' THEN floor(pg_temp.r(x.s, 34) * 120)
                                                     ELSE 90 + floor(pg_temp.r(x.s, 34) * 600) END::integer AS d) q) dt,
       bench_type t
 WHERE c.open AND t.n = floor(pg_temp.r(x.s, 36) * (SELECT count(*) FROM bench_type))::integer;

INSERT INTO interventions (case_id, municipality, citizen_id, type_id, sector, status, requested_on, started_on,
                           hours_per_week, created_by, updated_by)
SELECT md5('case' || c.i)::uuid, c.municipality, md5('citizen' || c.i)::uuid, t.id, 'employment', 'started',
       c.since, c.since, CASE WHEN pg_temp.r(c.i, 40) < 0.3 THEN 2 + floor(pg_temp.r(c.i, 41) * 3) ELSE 8 + floor(pg_temp.r(c.i, 41) * 20) END,
       'bench', 'bench'
  FROM bench_case c JOIN reference_items t ON t.kind = 'intervention_type' AND t.code = 'fleksjob'
 WHERE c.open AND c.tg = 'fleksjob';

INSERT INTO intervention_progress (intervention_id, municipality, noted_on, note, created_by)
SELECT i.id, i.municipality, :'today'::date - floor(pg_temp.r(i.seq, 42) * 500)::integer, 'Flere timer.', 'bench'
  FROM interventions i JOIN reference_items t ON t.id = i.type_id AND t.code = 'fleksjob'
 WHERE pg_temp.r(i.seq, 43) < 0.5;

INSERT INTO exemptions (case_id, municipality, citizen_id, from_on, to_on, reason, created_by)
SELECT md5('case' || c.i)::uuid, c.municipality, md5('citizen' || c.i)::uuid, f.from_on,
       f.from_on + 90 + floor(pg_temp.r(c.i, 51) * 300)::integer, 'Sygdom.', 'bench'
  FROM bench_case c, LATERAL (SELECT :'today'::date - floor(pg_temp.r(c.i, 52) * 700)::integer AS from_on) f
 WHERE c.open AND pg_temp.r(c.i, 50) < 0.10;

-- Appeals of 3 % of the overall decisions.
CREATE TEMP TABLE bench_appeal AS
SELECT r.i, r.k, r.municipality, r.on_date + floor(pg_temp.r(r.i * 4 + r.k, 60) * 28)::integer AS received_on,
       pg_temp.r(r.i * 4 + r.k, 61) AS fate, pg_temp.r(r.i * 4 + r.k, 62) AS ruling
  FROM bench_review r WHERE pg_temp.r(r.i * 4 + r.k, 63) < 0.03;

INSERT INTO appeals (decision_id, case_id, municipality, citizen_id, received_on, channel, filed_by_role, grounds,
                     late, days_late, reconsideration_deadline, status, reconsideration_outcome, reconsidered_on,
                     reconsidered_late, forwarded_on, ruling, ruled_on, created_by, updated_by)
SELECT md5('do' || a.i || '-' || a.k)::uuid, md5('case' || a.i)::uuid, a.municipality, md5('citizen' || a.i)::uuid,
       a.received_on, 'digital', 'citizen', 'Jeg er uenig.', false, 0, a.received_on + 28, s.status,
       CASE WHEN s.status = 'changed_by_municipality' THEN 'changed_in_full'
            WHEN s.status <> 'received' THEN 'upheld' END,
       CASE WHEN s.status <> 'received' THEN a.received_on + 20 END,
       CASE WHEN s.status <> 'received' THEN false END,
       CASE WHEN s.status IN ('forwarded', 'ruled') THEN a.received_on + 21 END,
       CASE WHEN s.status = 'ruled' THEN CASE WHEN a.ruling < 0.7 THEN 'upheld' WHEN a.ruling < 0.8 THEN 'changed'
                                              WHEN a.ruling < 0.9 THEN 'remitted' ELSE 'dismissed' END END,
       CASE WHEN s.status = 'ruled' THEN a.received_on + 120 END, 'bench', 'bench'
  FROM bench_appeal a,
       LATERAL (SELECT CASE WHEN a.received_on > :'today'::date - 28 THEN 'received'
                            WHEN a.fate < 0.25 THEN 'changed_by_municipality'
                            WHEN a.fate < 0.40 OR a.received_on + 120 > :'today'::date THEN 'forwarded'
                            ELSE 'ruled' END AS status) s;

UPDATE decisions d SET force_lost_on = a.ruled_on, force_lost_reason = 'remitted'
  FROM appeals a WHERE a.decision_id = d.id AND a.ruling = 'remitted';

-- Draft decisions: a hearing sent, or an application awaiting a decision.
INSERT INTO decisions (case_id, municipality, citizen_id, kind_id, subject, hearing_status, hearing_sent_on,
                       hearing_response_deadline, created_by, updated_by)
SELECT md5('case' || c.i)::uuid, c.municipality, md5('citizen' || c.i)::uuid, k.id, 'Partshøring', 'sent', h.sent,
       h.sent + 14, 'bench', 'bench'
  FROM bench_case c, LATERAL (SELECT :'today'::date - floor(pg_temp.r(c.i, 70) * 40)::integer AS sent) h
  JOIN reference_items k ON k.kind = 'decision_kind' AND k.code = 'other'
 WHERE c.open AND pg_temp.r(c.i, 71) < 0.015;

INSERT INTO decisions (case_id, municipality, citizen_id, kind_id, subject, applied_for, applied_on, created_by, updated_by)
SELECT md5('case' || c.i)::uuid, c.municipality, md5('citizen' || c.i)::uuid, k.id, 'Ansøgning', 'Fleksjob',
       :'today'::date - floor(pg_temp.r(c.i, 72) * 90)::integer, 'bench', 'bench'
  FROM bench_case c JOIN reference_items k ON k.kind = 'decision_kind' AND k.code = 'fleksjob'
 WHERE c.open AND pg_temp.r(c.i, 73) < 0.02;

ANALYZE citizens, citizen_registrations, cases, caseworker_assignments, reviews, decisions, interventions,
        intervention_progress, exemptions, appeals, worklist_entries;
