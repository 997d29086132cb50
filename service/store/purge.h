/* Retention: deleting what the service keeps only for a while — access-log rows, events
 * for integrations and idempotency keys. Case records are archive material and are never
 * purged by the service. */
#ifndef FREMDRIFT_PURGE_H
#define FREMDRIFT_PURGE_H

struct config;

/* Runs one purge as the schema owner (cfg->migration_database_url). Returns 0, or -1
 * after logging why. */
int purge_run(const struct config *cfg);

#endif
