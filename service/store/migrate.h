/* Schema migrations: numbered SQL files (NNN_name.sql), each applied once, in its own
 * transaction, and recorded with its checksum in schema_migrations. */
#ifndef FREMDRIFT_MIGRATE_H
#define FREMDRIFT_MIGRATE_H

/* Applies pending migrations as the schema owner. Returns 0, or -1 after logging why (an
 * applied file that changed since is an error: history is not rewritten). */
int migrate_apply(const char *owner_url, const char *dir, int connect_timeout_s);

/* Returns 0 when every file in dir is applied, else -1 after logging what is missing.
 * Used at start-up when the service has no owner credentials to migrate with. */
int migrate_verify(const char *url, const char *dir, int connect_timeout_s);

#endif
