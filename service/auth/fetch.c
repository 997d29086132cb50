/* libcurl GET with every limit set: an IdP that hangs or floods cannot hold the service. */
#include "auth/fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

struct sink {
    struct fetched *out;
    size_t cap;
    size_t max;
    int too_large;
};

int fetch_url_allowed(const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *user = NULL;
    int ok = 0;

    if (u == NULL || url == NULL)
        goto done;
    if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK
        || curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK
        || curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
        goto done;
    /* Credentials in a configured URL would be sent to whoever answers it. */
    if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK)
        goto done;
    if (strcasecmp(scheme, "https") == 0)
        ok = 1;
    else if (strcasecmp(scheme, "http") == 0)
        ok = strcmp(host, "127.0.0.1") == 0 || strcmp(host, "[::1]") == 0
             || strcasecmp(host, "localhost") == 0;
done:
    curl_free(scheme);
    curl_free(host);
    curl_free(user);
    curl_url_cleanup(u);
    return ok;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct sink *s = userdata;
    size_t n = size * nmemb;

    if (s->out->len + n > s->max) {
        s->too_large = 1;
        return 0;   /* aborts the transfer */
    }
    if (s->out->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        char *grown;
        while (cap < s->out->len + n + 1)
            cap *= 2;
        grown = realloc(s->out->body, cap);
        if (grown == NULL)
            return 0;
        s->out->body = grown;
        s->cap = cap;
    }
    memcpy(s->out->body + s->out->len, data, n);
    s->out->len += n;
    s->out->body[s->out->len] = '\0';
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct fetched *out = userdata;
    size_t n = size * nmemb;
    static const char name[] = "cache-control:";

    if (n > sizeof(name) - 1 && strncasecmp(data, name, sizeof(name) - 1) == 0) {
        const char *v = data + sizeof(name) - 1;
        size_t len = n - (sizeof(name) - 1);
        while (len > 0 && (*v == ' ' || *v == '\t')) {
            v++;
            len--;
        }
        while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' '))
            len--;
        if (len >= sizeof(out->cache_control))
            len = sizeof(out->cache_control) - 1;
        memcpy(out->cache_control, v, len);
        out->cache_control[len] = '\0';
    }
    return n;
}

int fetch_document(const char *url, const struct fetch_limits *lim, struct fetched *out,
                   char *err, size_t errlen)
{
    struct sink sink = { .out = out, .max = lim->max_bytes };
    char curl_err[CURL_ERROR_SIZE] = "";
    CURLcode rc;
    long status = 0;
    CURL *c;

    memset(out, 0, sizeof(*out));
    if (!fetch_url_allowed(url)) {
        snprintf(err, errlen, "%.200s: only https, or http to a loopback host, is fetched", url);
        return -1;
    }
    c = curl_easy_init();
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (lim->ca_file != NULL && lim->ca_file[0] != '\0')
        curl_easy_setopt(c, CURLOPT_CAINFO, lim->ca_file);
    /* Threads: no SIGALRM-based DNS timeouts. */
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, lim->timeout_s);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, lim->timeout_s);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)lim->max_bytes);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, out);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "fremdrift");

    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    out->status = (int)status;
    if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
        snprintf(err, errlen, "%.200s: larger than %zu bytes", url, lim->max_bytes);
    else if (rc != CURLE_OK)
        snprintf(err, errlen, "%.200s: %s", url, curl_err[0] ? curl_err : curl_easy_strerror(rc));
    else if (status != 200)
        snprintf(err, errlen, "%.200s: HTTP %ld", url, status);
    else if (out->body == NULL)
        snprintf(err, errlen, "%.200s: empty body", url);
    else
        return 0;
    free(out->body);
    out->body = NULL;
    out->len = 0;
    return -1;
}
