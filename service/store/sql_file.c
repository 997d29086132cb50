/* Reading and running the schema's SQL files. */
#include "store/sql_file.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"

void sql_fail(const char *what, const char *detail)
{
    log_line("error", what, detail ? json_pack("{s:s}", "detail", detail) : NULL);
}

static void sha256_hex(const char *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
    for (unsigned i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", md[i]);
}

int sql_file_read(const char *path, struct sql_file *f)
{
    f->text = NULL;
    f->len = 0;
    FILE *in = fopen(path, "rb");
    if (!in) {
        sql_fail("cannot read SQL file", path);
        return -1;
    }
    long size = -1;
    if (fseek(in, 0, SEEK_END) == 0 && (size = ftell(in)) >= 0 && fseek(in, 0, SEEK_SET) == 0)
        f->text = malloc((size_t)size + 1);
    if (f->text && fread(f->text, 1, (size_t)size, in) != (size_t)size) {
        free(f->text);
        f->text = NULL;
    }
    fclose(in);
    if (!f->text) {
        sql_fail("cannot read SQL file", path);
        return -1;
    }
    f->text[size] = '\0';
    f->len = (size_t)size;
    sha256_hex(f->text, f->len, f->checksum);
    return 0;
}

void sql_file_free(struct sql_file *f)
{
    free(f->text);
    f->text = NULL;
}

int sql_exec_ok(PGconn *c, const char *sql, const char *what)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    /* A file of comments only (a migration whose content moved) is an empty query. */
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
    if (!ok)
        sql_fail(what, PQresultErrorMessage(r));
    PQclear(r);
    return ok ? 0 : -1;
}
