/* Citizen storage. Sealing and hashing happen here, in the service: PostgreSQL and its
 * logs never see a CPR number in clear. */
#include "api/citizens/citizens.h"

#include <stdio.h>
#include <string.h>

#include "auth/roles.h"
#include "core/log.h"
#include "http/app.h"
#include "http/request.h"
#include "law/cpr.h"
#include "store/crypto.h"

#define CPR_LEN 10
#define SEALED_MAX 64

/* bytea parameters travel as text in PostgreSQL's hex form: \x followed by hex digits. */
static void bytea_param(const unsigned char *b, size_t n, char *out)
{
    out[0] = '\\';
    out[1] = 'x';
    crypto_hex(b, n, out + 2);
}

/* Builds the document from a row of (id, sealed CPR as hex, name, created_at). */
static json_t *document(struct request *rq, const PGresult *res, int row)
{
    unsigned char sealed[SEALED_MAX], plain[16];
    size_t sealed_len, plain_len;
    if (crypto_from_hex(PQgetvalue(res, row, 1), sealed, sizeof(sealed), &sealed_len) != 0 ||
        crypto_decrypt(&rq->app->crypto, sealed, sealed_len, plain, sizeof(plain), &plain_len) != 0 ||
        plain_len != CPR_LEN) {
        log_line("error", "a sealed CPR number could not be opened; check FREMDRIFT_CPR_KEY_FILE", NULL);
        return NULL;
    }
    char cpr[11], shown[12], birth[11];
    memcpy(cpr, plain, CPR_LEN);
    cpr[CPR_LEN] = '\0';
    int y, m, d;
    if (cpr_birth_date(cpr, &y, &m, &d) != 0)
        return NULL;
    snprintf(birth, sizeof(birth), "%04d-%02d-%02d", y, m, d);
    int full = role_sees_full_cpr(rq->role);
    if (full)
        snprintf(shown, sizeof(shown), "%s", cpr);
    else
        cpr_mask(cpr, shown);
    json_t *doc = json_pack("{s:s, s:s, s:b, s:s, s:s?, s:s}", "id", PQgetvalue(res, row, 0),
                            "cpr", shown, "cpr_masked", !full, "birth_date", birth,
                            "name", PQgetisnull(res, row, 2) ? NULL : PQgetvalue(res, row, 2),
                            "created_at", PQgetvalue(res, row, 3));
    memset(cpr, 0, sizeof(cpr));
    memset(plain, 0, sizeof(plain));
    return doc;
}

static enum db_status one_document(struct request *rq, const struct db_stmt *stmt, int n,
                                   const char *const *values, json_t **doc)
{
    PGresult *res;
    *doc = NULL;
    enum db_status st = db_exec(rq->db, stmt, n, values, &res);
    if (st != DB_OK)
        return st;
    if (PQntuples(res) == 1) {
        *doc = document(rq, res, 0);
        if (!*doc)
            st = DB_ERROR;
    }
    PQclear(res);
    return st;
}

/* Staff read a person through their own municipality's registration: the name it entered
 * and when it registered them, never what another municipality entered (row-level
 * security shows staff only their municipality's registrations). The citizen reads their
 * record as first registered. */
#define STAFF_COLUMNS "c.id, encode(c.cpr_sealed, 'hex'), r.name, rfc3339(r.registered_at)"
#define STAFF_FROM                                                                                             \
    " FROM citizens c JOIN citizen_registrations r ON r.citizen_id = c.id AND r.municipality = claim_municipality()"

static const struct db_stmt by_id = {
    "citizen_by_id", "SELECT " STAFF_COLUMNS STAFF_FROM " WHERE c.id = $1::uuid"};
static const struct db_stmt by_hash = {
    "citizen_by_hash", "SELECT " STAFF_COLUMNS STAFF_FROM " WHERE c.cpr_hash = $1::bytea"};
static const struct db_stmt self = {
    "citizen_self", "SELECT c.id, encode(c.cpr_sealed, 'hex'), c.name, rfc3339(c.created_at) "
                    "FROM citizens c WHERE c.id = claim_citizen_id()"};
static const struct db_stmt registration = {
    "citizen_register", "SELECT citizen_id, created FROM register_citizen($1::bytea, $2::bytea, $3, $4::date)"};

static int hash_param(struct request *rq, const char cpr[11], char out[2 + 2 * CRYPTO_HASH_LEN + 1])
{
    unsigned char hash[CRYPTO_HASH_LEN];
    if (crypto_keyed_hash(&rq->app->crypto, cpr, CPR_LEN, hash) != 0)
        return -1;
    bytea_param(hash, sizeof(hash), out);
    return 0;
}

enum db_status citizen_register(struct request *rq, const char cpr[11], const char *name,
                                json_t **doc, int *created)
{
    char hash[2 + 2 * CRYPTO_HASH_LEN + 1], sealed_param[2 + 2 * SEALED_MAX + 1];
    unsigned char sealed[SEALED_MAX];
    size_t sealed_len;
    *doc = NULL;
    if (hash_param(rq, cpr, hash) != 0 ||
        crypto_encrypt(&rq->app->crypto, (const unsigned char *)cpr, CPR_LEN, sealed, sizeof(sealed),
                       &sealed_len) != 0)
        return DB_ERROR;
    bytea_param(sealed, sealed_len, sealed_param);

    char birth[11];
    int y, m, d;
    if (cpr_birth_date(cpr, &y, &m, &d) != 0)
        return DB_ERROR;
    snprintf(birth, sizeof(birth), "%04d-%02d-%02d", y, m, d);
    const char *values[] = {hash, sealed_param, name, birth};
    PGresult *res;
    enum db_status st = db_exec(rq->db, &registration, 4, values, &res);
    if (st != DB_OK)
        return st;
    char id[40];
    snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, 0));
    *created = strcmp(PQgetvalue(res, 0, 1), "t") == 0;
    PQclear(res);
    const char *id_value[] = {id};
    st = one_document(rq, &by_id, 1, id_value, doc);
    if (st == DB_OK && !*doc)
        st = DB_ERROR;
    return st;
}

enum db_status citizen_find_by_cpr(struct request *rq, const char cpr[11], json_t **doc)
{
    char hash[2 + 2 * CRYPTO_HASH_LEN + 1];
    *doc = NULL;
    if (hash_param(rq, cpr, hash) != 0)
        return DB_ERROR;
    const char *values[] = {hash};
    return one_document(rq, &by_hash, 1, values, doc);
}

enum db_status citizen_fetch(struct request *rq, const char *id, json_t **doc)
{
    if (!id)
        return one_document(rq, &self, 0, NULL, doc);
    const char *values[] = {id};
    return one_document(rq, &by_id, 1, values, doc);
}
