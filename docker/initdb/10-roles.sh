#!/bin/bash
# Run once by the postgres image, on an empty data volume, as the postgres user: creates the
# roles and the database exactly as scripts/pg.sh bootstrap() does. The owner role runs
# migrations; the service's role owns nothing and cannot bypass row-level security.
# Passwords arrive in the environment (docker/.env through compose); psql's \getenv reads
# them, so they never appear on a command line.
: "${DB_OWNER_PASSWORD:?is required (docker/.env)}"
: "${DB_APP_PASSWORD:?is required (docker/.env)}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password \
    --username "${POSTGRES_USER:-postgres}" --dbname postgres <<'SQL'
\getenv owner_pw DB_OWNER_PASSWORD
\getenv app_pw DB_APP_PASSWORD
SELECT format('CREATE ROLE fremdrift_owner LOGIN PASSWORD %L', :'owner_pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fremdrift_owner') \gexec
SELECT format('CREATE ROLE fremdrift_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT PASSWORD %L', :'app_pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fremdrift_app') \gexec
SELECT 'CREATE DATABASE fremdrift OWNER fremdrift_owner ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'fremdrift') \gexec
REVOKE ALL ON DATABASE fremdrift FROM PUBLIC;
GRANT CONNECT ON DATABASE fremdrift TO fremdrift_app;
SQL
