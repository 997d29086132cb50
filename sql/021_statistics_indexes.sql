-- 021 The appeal and waiting-time statistics read their period's rows through indexes on
-- the dates they filter by, with the columns they aggregate (issue 9), instead of every
-- appeal or intervention of the municipality.
CREATE INDEX appeals_municipality_received ON appeals (municipality, received_on);
CREATE INDEX appeals_municipality_ruled ON appeals (municipality, ruled_on) WHERE status = 'ruled';
DROP INDEX interventions_municipality_started;
CREATE INDEX interventions_municipality_started ON interventions (municipality, started_on)
    INCLUDE (sector, citizen_id, waiting_days);
CREATE INDEX interventions_municipality_waiting ON interventions (municipality, sector)
    INCLUDE (citizen_id, requested_on) WHERE status = 'requested';
