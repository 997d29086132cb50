-- 016 birth-date back-fill in the background: the service fills in birth dates of
-- citizens registered before they were kept while it serves, a batch at a time in id
-- order (keyset: each batch starts after the last id of the one before, so no row is read
-- twice), and marks a citizen whose sealed CPR number it cannot read so that no later
-- start reads it again. Clearing the mark (birth_date_unreadable = false) lets the next
-- start try again, e.g. after the CPR key was put right. Functions: functions/citizens.sql.
ALTER TABLE citizens ADD COLUMN birth_date_unreadable boolean NOT NULL DEFAULT false;

-- Only the rows still to do: empty once the back-fill is done, so a start-up's first look
-- costs nothing however many citizens there are.
CREATE INDEX citizens_birth_date_todo ON citizens (id) WHERE birth_date IS NULL AND NOT birth_date_unreadable;

-- Its batches now start after an id instead of skipping rows (on an empty database the
-- repeatable files have not run yet, so there may be nothing to drop).
DROP FUNCTION IF EXISTS citizens_without_birth_date(integer);
