-- 019 The progress statistics and the decisions of the appeal statistics served from a
-- rollup kept on write (issue 9): computing them from the reviews, decisions,
-- interventions and caseworker changes of a municipality took seconds at 100,000 cases.
-- What each citizen adds to each figure on each day is stored (statistics_citizen_days),
-- refreshed by triggers whenever their data changes, and summed per municipality and day
-- (statistics_days) in the same transaction; the statistics read a period's days. The
-- rules that fill them are in sql/functions/statistics_rollup.sql, which rebuilds both
-- whenever it changes (this migration adds the empty tables).

-- measure: reviews_completed, reviews_on_time, pairs, who5_sum/_n and the six ratings'
-- *_sum/_n (by the day a review was completed); decisions_issued,
-- decisions_issued:<kind>, overall_decisions, no_intervention_decisions (by the day
-- notified); cases_created, caseworker_changes (by the Danish day); reviewed and
-- with_intervention: +1/-1 on the day a citizen comes into or out of "has a completed
-- review" and "an intervention started since their last review", so that their sum up to
-- a day is the count on that day.
CREATE TABLE statistics_citizen_days (
    municipality text NOT NULL,
    citizen_id uuid NOT NULL,
    measure text NOT NULL,
    day date NOT NULL,
    value bigint NOT NULL,
    -- The value is part of the key so that a refresh can delete a changed row and insert
    -- its new value in one statement.
    PRIMARY KEY (citizen_id, municipality, measure, day, value)
);
-- Which citizens a figure is over, for withholding it under 5 (statistics_five_citizens).
CREATE INDEX statistics_citizen_days_measure ON statistics_citizen_days (municipality, measure, day) INCLUDE (citizen_id);

CREATE TABLE statistics_days (
    municipality text NOT NULL,
    measure text NOT NULL,
    day date NOT NULL,
    value bigint NOT NULL,
    PRIMARY KEY (municipality, measure, day)
);

-- Both hold data about citizens: only the statistics functions (their owner) read them.
ALTER TABLE statistics_citizen_days ENABLE ROW LEVEL SECURITY;
ALTER TABLE statistics_days ENABLE ROW LEVEL SECURITY;

