/* fremdrift-token: signs a development token with a private key, for `make token` and
 * curl. Production services hold public keys only and never run this. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/token_sign.h"

static int usage(void)
{
    fprintf(stderr, "usage: fremdrift-token --key PEM --kid KID --alg ES256|RS256 --issuer ISS "
                    "--audience AUD --role ROLE --sub SUB [--municipality NNN] [--cpr DDMMYYSSSS] "
                    "[--ttl SECONDS]\n");
    return 2;
}

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"key", required_argument, NULL, 'k'},      {"kid", required_argument, NULL, 'i'},
        {"alg", required_argument, NULL, 'a'},      {"issuer", required_argument, NULL, 's'},
        {"audience", required_argument, NULL, 'u'}, {"role", required_argument, NULL, 'r'},
        {"sub", required_argument, NULL, 'b'},      {"municipality", required_argument, NULL, 'm'},
        {"cpr", required_argument, NULL, 'c'},      {"ttl", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    const char *key = NULL, *kid = NULL, *alg = "ES256", *iss = NULL, *aud = NULL, *role = NULL,
               *sub = NULL, *municipality = NULL, *cpr = NULL;
    long ttl = 3600;
    int opt;
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case 'k': key = optarg; break;
        case 'i': kid = optarg; break;
        case 'a': alg = optarg; break;
        case 's': iss = optarg; break;
        case 'u': aud = optarg; break;
        case 'r': role = optarg; break;
        case 'b': sub = optarg; break;
        case 'm': municipality = optarg; break;
        case 'c': cpr = optarg; break;
        case 't': ttl = strtol(optarg, NULL, 10); break;
        default: return usage();
        }
    }
    if (!key || !kid || !iss || !aud || !role || !sub || ttl <= 0)
        return usage();

    time_t now = time(NULL);
    json_t *claims = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "iss", iss, "aud", aud, "sub", sub,
                               "role", role, "iat", (json_int_t)now, "exp", (json_int_t)(now + ttl));
    if (municipality && *municipality)
        json_object_set_new(claims, "municipality", json_string(municipality));
    if (cpr && *cpr)
        json_object_set_new(claims, "cpr", json_string(cpr));
    char err[256];
    char *token = token_sign(key, alg, kid, claims, err, sizeof(err));
    json_decref(claims);
    if (!token) {
        fprintf(stderr, "fremdrift-token: %s\n", err);
        return 1;
    }
    puts(token);
    free(token);
    return 0;
}
