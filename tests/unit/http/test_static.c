/*
 * Unit tests for service/http/static.c and portal.c: which embedded file a URL names (and
 * that nothing else can be named), ETag matching for If-None-Match, and the portal's
 * issuer origin and Content-Security-Policy built from the configuration.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "http/portal.h"
#include "http/static.h"
#include "http/static_files.h"

Test(static_files, a_directory_answers_with_its_index_and_files_by_exact_name)
{
    const struct static_file *f = static_find("/portal/");
    cr_assert_not_null(f);
    cr_assert_str_eq(f->path, "/portal/index.html");
    cr_assert_str_eq(f->content_type, "text/html; charset=utf-8");
    cr_assert_str_eq(static_find("/docs")->path, "/docs/index.html");
    cr_assert_str_eq(static_find("/docs/")->path, "/docs/index.html");
    cr_assert_str_eq(static_find("/portal/main.js")->content_type, "text/javascript; charset=utf-8");
    cr_assert_str_eq(static_find("/portal/portal.css")->content_type, "text/css; charset=utf-8");
    cr_assert_str_eq(static_find("/docs/redoc.standalone.js")->content_type, "text/javascript; charset=utf-8");
}

Test(static_files, no_path_outside_the_table_is_found)
{
    const char *const outside[] = {"/portal/../openapi.yaml", "/portal/..", "/portal/./main.js", "/portal//main.js",
                                   "/portal/MAIN.JS", "/portal/main.js/", "/portal/%2e%2e/etc/passwd", "/portal",
                                   "/portal/index.html/..", "/docs/../portal/main.js", "/etc/passwd", ""};
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++)
        cr_assert_null(static_find(outside[i]), "%s was found", outside[i]);
}

Test(static_files, every_file_has_a_strong_etag_of_its_bytes_and_a_known_type)
{
    cr_assert_gt(n_static_files, 8);
    for (size_t i = 0; i < n_static_files; i++) {
        const struct static_file *f = &static_files[i];
        cr_assert_eq(strlen(f->etag), 34, "%s: ETag %s", f->path, f->etag);
        cr_assert(f->etag[0] == '"' && f->etag[33] == '"', "%s: ETag %s", f->path, f->etag);
        cr_assert_gt(f->end - f->start, 0, "%s is empty", f->path);
        cr_assert(strncmp(f->path, "/portal/", 8) == 0 || strncmp(f->path, "/docs/", 6) == 0, "%s", f->path);
    }
}

Test(static_files, if_none_match_compares_weakly_and_accepts_lists_and_star)
{
    const char *etag = "\"0123456789abcdef0123456789abcdef\"";
    cr_assert(static_etag_matches("\"0123456789abcdef0123456789abcdef\"", etag));
    cr_assert(static_etag_matches("W/\"0123456789abcdef0123456789abcdef\"", etag));
    cr_assert(static_etag_matches("\"old\", \"0123456789abcdef0123456789abcdef\"", etag));
    cr_assert(static_etag_matches("*", etag));
    cr_assert_not(static_etag_matches("\"0123456789abcdef0123456789abcde\"", etag));
    cr_assert_not(static_etag_matches("\"0123456789abcdef0123456789abcdef0\"", etag));
    cr_assert_not(static_etag_matches("", etag));
    cr_assert_not(static_etag_matches("\"old\"", etag));
}

Test(portal, the_issuer_origin_is_scheme_host_and_port)
{
    char out[256];
    cr_assert_eq(portal_issuer_origin("https://login.example.dk/realms/borger", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "https://login.example.dk");
    cr_assert_eq(portal_issuer_origin("https://idp.example:8443", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "https://idp.example:8443");
    cr_assert_eq(portal_issuer_origin("http://127.0.0.1:4001", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "http://127.0.0.1:4001");
    cr_assert_eq(portal_issuer_origin("http://[::1]:4001/x", out, sizeof(out)), 0);
    cr_assert_str_eq(out, "http://[::1]:4001");
}

Test(portal, an_issuer_that_could_bend_the_csp_or_is_not_https_is_refused)
{
    char out[256];
    const char *const bad[] = {"http://idp.example", "ftp://idp.example", "idp.example", "https://",
                               "https://idp.example; script-src *", "https://idp.example 'unsafe-inline'",
                               "https://a,b.example", "https://user@idp.example", "https://idp.example:",
                               "https://idp.example:80x", "https://idp.example:123456", "http://127.0.0.1.evil.example"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_eq(portal_issuer_origin(bad[i], out, sizeof(out)), -1, "%s was accepted", bad[i]);
}

static struct config portal_config(const char *issuer)
{
    struct config cfg;
    memset(&cfg, 0, sizeof(cfg));
    snprintf(cfg.portal_issuer, sizeof(cfg.portal_issuer), "%s", issuer);
    snprintf(cfg.portal_client_id, sizeof(cfg.portal_client_id), "fremdrift-portal");
    snprintf(cfg.portal_scope, sizeof(cfg.portal_scope), "openid fremdrift");
    return cfg;
}

Test(portal, the_csp_lets_the_page_reach_itself_and_its_idp_only)
{
    struct config cfg = portal_config("https://login.example.dk/realms/borger");
    struct portal p;
    cr_assert_eq(portal_init(&p, &cfg, stderr), 0);
    cr_assert(strstr(p.csp, "connect-src 'self' https://login.example.dk;"), "%s", p.csp);
    cr_assert(strstr(p.csp, "script-src 'self';") && strstr(p.csp, "style-src 'self';"), "%s", p.csp);
    cr_assert(strstr(p.csp, "default-src 'none'") && strstr(p.csp, "frame-ancestors 'none'"), "%s", p.csp);
    cr_assert_null(strstr(p.csp, "unsafe"), "%s", p.csp);
    cr_assert_str_eq(p.config_json, "{\"issuer\":\"https://login.example.dk/realms/borger\",\"client_id\":"
                                    "\"fremdrift-portal\",\"scope\":\"openid fremdrift\",\"resource\":null}");
    portal_free(&p);
}

Test(portal, without_an_issuer_the_page_may_reach_only_itself)
{
    struct config cfg = portal_config("");
    struct portal p;
    cr_assert_eq(portal_init(&p, &cfg, stderr), 0);
    cr_assert(strstr(p.csp, "connect-src 'self';"), "%s", p.csp);
    cr_assert(strstr(p.config_json, "\"issuer\":null"), "%s", p.config_json);
    portal_free(&p);
}

Test(portal, a_bad_issuer_stops_start_up_naming_the_variable)
{
    struct config cfg = portal_config("http://idp.example");
    struct portal p;
    char msg[512] = "";
    FILE *err = fmemopen(msg, sizeof(msg), "w");
    cr_assert_eq(portal_init(&p, &cfg, err), -1);
    fclose(err);
    cr_assert(strstr(msg, "FREMDRIFT_PORTAL_ISSUER"), "%s", msg);
    portal_free(&p);
}
