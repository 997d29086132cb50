-- Roles and database of fremdrift, created by the cluster's superuser as a DBA would in
-- production: the owner role runs migrations; the service's role owns nothing and cannot
-- bypass RLS. Idempotent. psql variables: owner_pw, app_pw.
SELECT format('CREATE ROLE fremdrift_owner LOGIN PASSWORD %L', :'owner_pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fremdrift_owner') \gexec
SELECT format('CREATE ROLE fremdrift_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT PASSWORD %L', :'app_pw')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fremdrift_app') \gexec
SELECT 'CREATE DATABASE fremdrift OWNER fremdrift_owner ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'fremdrift') \gexec
REVOKE ALL ON DATABASE fremdrift FROM PUBLIC;
GRANT CONNECT ON DATABASE fremdrift TO fremdrift_app;
