-- 013 letters: what a decision and its letter need beyond the decision itself
-- (forvaltningsloven § 19, and a letter the citizen can act on).

-- A hearing gives the citizen a minimum period to answer (FREMDRIFT_HEARING_MIN_DAYS);
-- a shorter one only when the matter is urgent, and then the reason is recorded here and
-- printed in the letter.
ALTER TABLE decisions
    ADD COLUMN hearing_urgency_reason text CHECK (length(hearing_urgency_reason) BETWEEN 1 AND 2000),
    ADD CHECK (hearing_urgency_reason IS NULL OR hearing_status IN ('sent', 'answered'));

-- The journal number: a short number the citizen can quote on the telephone, made of the
-- year of notification, the municipality and a running number per municipality and year
-- (2026-101-000123). Given when the decision is issued and never changed; decisions
-- issued before this migration have none.
ALTER TABLE decisions
    ADD COLUMN journal_number text UNIQUE CHECK (journal_number ~ '^[0-9]{4}-[0-9]{3}-[0-9]{6,}$');

-- The citizen's name as the letter was addressed when the decision was issued: the letter
-- is what was sent that day, the same for every reader, whatever the name is later.
ALTER TABLE decisions ADD COLUMN addressee text CHECK (length(addressee) BETWEEN 1 AND 200);

GRANT UPDATE (hearing_urgency_reason, journal_number, addressee) ON decisions TO fremdrift_app;

-- The last journal number given per municipality and year. A row, not a sequence: a
-- transaction that rolls back gives its number back, so the numbers have no gaps; issuing
-- in one municipality waits for another issue's commit in the same municipality, no
-- longer.
CREATE TABLE journal_counters (
    municipality text NOT NULL CHECK (municipality ~ '^[0-9]{3}$'),
    year integer NOT NULL CHECK (year BETWEEN 1000 AND 9999),
    last_number bigint NOT NULL CHECK (last_number >= 1),
    PRIMARY KEY (municipality, year)
);
ALTER TABLE journal_counters ENABLE ROW LEVEL SECURITY;
CREATE POLICY journal_counters_staff ON journal_counters FOR ALL
    USING (claim_is_case_staff() AND municipality = claim_municipality())
    WITH CHECK (claim_is_case_staff() AND municipality = claim_municipality());
GRANT SELECT, INSERT, UPDATE ON journal_counters TO fremdrift_app;

-- The municipality as the sender of its letters (reference kind municipality, effective
-- dated): its name, jobcenter and address, and how the citizen reaches the jobcenter. The
-- contact details of the seeded municipalities need the municipality's confirmation
-- before production use, as the other seeded texts do.
UPDATE reference_items SET attributes = attributes || c.contact
  FROM (VALUES
    ('101', '{"phone": "33 66 33 66", "web": "www.kk.dk"}'::jsonb),
    ('751', '{"phone": "89 40 20 00", "web": "www.aarhus.dk"}'::jsonb),
    ('461', '{"phone": "66 13 13 72", "web": "www.odense.dk"}'::jsonb),
    ('851', '{"phone": "99 31 31 31", "web": "www.aalborg.dk"}'::jsonb)) AS c (code, contact)
 WHERE reference_items.kind = 'municipality' AND reference_items.code = c.code;
-- A municipality row that could not sign a letter is refused.
ALTER TABLE reference_items ADD CONSTRAINT municipality_can_send_letters
    CHECK (kind <> 'municipality'
           OR (code ~ '^[0-9]{3}$' AND attributes ?& ARRAY['office', 'address', 'phone']));
