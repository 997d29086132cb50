/* fremdrift: the fremdriftsgaranti case service.
 *   fremdrift [serve]                 migrate (when owner credentials are set) and serve
 *   fremdrift migrate                 apply pending migrations and exit
 *   fremdrift purge [--every SECONDS] delete what is past its retention, once or repeatedly
 *   fremdrift config                  list every environment variable with its default */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/citizens/birth_dates.h"
#include "core/config.h"
#include "core/log.h"
#include "http/app.h"
#include "http/server.h"
#include "store/migrate.h"
#include "store/purge.h"

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
    sigset_t signals;
    server_block_signals(&signals);
    /* In the background, so that start-up does not grow with the data. */
    struct birth_dates *bf = birth_dates_start(app);
    rc = server_run(app);
    birth_dates_stop(bf);
    app_destroy(app);
    return rc == 0 ? 0 : 1;
}

static volatile sig_atomic_t stop_purging;

static void on_stop(int sig)
{
    (void)sig;
    stop_purging = 1;
}

/* Once, or every `every` seconds until SIGTERM/SIGINT (for a scheduler that keeps one
 * process running rather than starting one per run). */
static int purge(const struct config *cfg, long every)
{
    if (every <= 0)
        return purge_run(cfg) == 0 ? 0 : 1;
    signal(SIGTERM, on_stop);
    signal(SIGINT, on_stop);
    while (!stop_purging) {
        purge_run(cfg);
        for (long waited = 0; waited < every && !stop_purging; waited++)
            sleep(1);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *command = argc > 1 ? argv[1] : "serve";
    if (strcmp(command, "config") == 0) {
        config_describe(stdout);
        return 0;
    }
    enum config_command which;
    if (strcmp(command, "serve") == 0)
        which = CONFIG_SERVE;
    else if (strcmp(command, "migrate") == 0)
        which = CONFIG_MIGRATE;
    else if (strcmp(command, "purge") == 0)
        which = CONFIG_PURGE;
    else {
        fprintf(stderr, "usage: fremdrift [serve|migrate|purge [--every SECONDS]|config]\n");
        return 2;
    }
    long every = 0;
    if (which == CONFIG_PURGE && argc == 4 && strcmp(argv[2], "--every") == 0) {
        char *end;
        every = strtol(argv[3], &end, 10);
        if (*end || every < 60) {
            fprintf(stderr, "purge: --every takes whole seconds, at least 60\n");
            return 2;
        }
    } else if (argc > 2) {
        fprintf(stderr, "usage: fremdrift [serve|migrate|purge [--every SECONDS]|config]\n");
        return 2;
    }

    static struct app app;
    if (config_load(&app.cfg, which, stderr) != 0)
        return 1;
    if (which == CONFIG_MIGRATE)
        return migrate_apply(app.cfg.migration_database_url, app.cfg.migrations_dir,
                             app.cfg.db_connect_timeout_s) == 0 ? 0 : 1;
    if (which == CONFIG_PURGE)
        return purge(&app.cfg, every);
    return serve(&app);
}
