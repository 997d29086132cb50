/* The schema: numbered SQL migrations (NNN_name.sql) for what holds data, each applied
 * once, in its own transaction, and recorded with its checksum in schema_migrations; then
 * the repeatable files of functions/ (store/repeatable.h), run whenever they changed. */
#ifndef FREMDRIFT_MIGRATE_H
#define FREMDRIFT_MIGRATE_H

/* Applies pending migrations and changed repeatable files as the schema owner, logging
 * each file it applied and a summary. Returns 0, or -1 after logging why (an applied
 * migration that changed since is an error unless it names the text it restates: history
 * is not rewritten). */
int migrate_apply(const char *owner_url, const char *dir, int connect_timeout_s);

/* Returns 0 when every migration in dir is applied and every repeatable file ran with its
 * present content, else -1 after logging what is missing.
 * Used at start-up when the service has no owner credentials to migrate with. */
int migrate_verify(const char *url, const char *dir, int connect_timeout_s);

#endif
