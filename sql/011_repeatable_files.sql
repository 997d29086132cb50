-- 011 the record of the repeatable SQL files (sql/functions/*.sql): each file's checksum
-- when it last ran, so the runner runs a file again exactly when its content changed. The
-- service reads it at start-up to refuse a schema whose functions do not match its code.
CREATE TABLE schema_repeatables (
    name text PRIMARY KEY,
    checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
    applied_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON schema_repeatables TO fremdrift_app;
