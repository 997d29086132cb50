/* fremdrift: the fremdriftsgaranti case service.
 *   fremdrift [serve]   migrate (when owner credentials are configured) and serve
 *   fremdrift migrate   apply pending migrations and exit
 *   fremdrift config    list every environment variable with its default */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "log.h"
#include "migrate.h"
#include "server.h"

static int serve(struct app *app)
{
    const struct config *cfg = &app->cfg;
    int rc = *cfg->migration_database_url
                 ? migrate_apply(cfg->migration_database_url, cfg->migrations_dir, cfg->db_connect_timeout_s)
                 : migrate_verify(cfg->database_url, cfg->migrations_dir, cfg->db_connect_timeout_s);
    if (rc != 0)
        return 1;
    if (app_init(app) != 0)
        return 1;
    rc = server_run(app);
    app_destroy(app);
    return rc == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *command = argc > 1 ? argv[1] : "serve";
    if (strcmp(command, "config") == 0) {
        config_describe(stdout);
        return 0;
    }
    if (strcmp(command, "serve") != 0 && strcmp(command, "migrate") != 0) {
        fprintf(stderr, "usage: fremdrift [serve|migrate|config]\n");
        return 2;
    }

    static struct app app;
    if (config_load(&app.cfg, stderr) != 0)
        return 1;
    if (strcmp(command, "migrate") == 0) {
        if (!*app.cfg.migration_database_url) {
            fprintf(stderr, "config: FREMDRIFT_MIGRATION_DATABASE_URL is required to migrate\n");
            return 1;
        }
        return migrate_apply(app.cfg.migration_database_url, app.cfg.migrations_dir,
                             app.cfg.db_connect_timeout_s) == 0 ? 0 : 1;
    }
    return serve(&app);
}
