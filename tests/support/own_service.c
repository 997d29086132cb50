/* See own_service.h. */
#include "own_service.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fixtures.h"

static pid_t service = -1;
static int service_port = -1;

/* A port nothing listens on now: bind to port 0 and let the kernel choose. */
static int unused_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

pid_t own_service_start(const struct setting *settings, size_t n)
{
    int port = unused_port();
    cr_assert_gt(port, 0);
    char *root = fx_repo_root();
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    char binary[1024], port_text[16];
    snprintf(binary, sizeof(binary), "%s/%s/asan/fremdrift", root, build);
    snprintf(port_text, sizeof(port_text), "%d", port);
    free(root);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("FREMDRIFT_PORT", port_text, 1);
        for (size_t i = 0; i < n; i++)
            setenv(settings[i].name, settings[i].value, 1);
        unsetenv("FREMDRIFT_MIGRATION_DATABASE_URL");
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execl(binary, "fremdrift", "serve", (char *)NULL);
        _exit(127);
    }
    cr_assert_gt(pid, 0);
    service = pid;
    service_port = port;

    char url[64];
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
    setenv("FREMDRIFT_TEST_URL", url, 1);
    int ready = 0;
    /* Generous: an ASan build starting on a loaded machine took more than 10 s. */
    for (long long deadline = fx_now_ms() + 30000; !ready && fx_now_ms() < deadline;) {
        struct http_response r;
        if (http_request("GET", "/readyz", NULL, 0, NULL, 0, &r) == 0) {
            ready = r.status == 200;
            http_response_free(&r);
        }
        if (!ready)
            fx_pause_ms(100);
    }
    cr_assert(ready, "the service with its own settings did not become ready");
    return pid;
}

int own_service_port(void)
{
    return service_port;
}

void own_service_expect_clean_stop(void)
{
    int status;
    kill(service, SIGTERM);
    cr_assert_eq(waitpid(service, &status, 0), service);
    service = -1;
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the service did not stop cleanly");
}

int own_service_terminate(long long *took_ms)
{
    int status = -1;
    long long t0 = fx_now_ms();
    kill(service, SIGTERM);
    cr_assert_eq(waitpid(service, &status, 0), service);
    *took_ms = fx_now_ms() - t0;
    service = -1;
    return status;
}

void own_service_stop(void)
{
    if (service > 0) {
        kill(service, SIGTERM);
        waitpid(service, NULL, 0);
        service = -1;
    }
}
