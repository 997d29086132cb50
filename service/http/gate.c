/* See gate.h. */
#include "http/gate.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "http/head.h"
#include "http/refusal.h"

#define LISTENER UINT64_MAX
#define TICK_MS 100

enum slot_state { SLOT_FREE, SLOT_WAITING, SLOT_CLOSING };

/* A connection at the gate: waiting for its first head, or answered and lingering. */
struct slot {
    enum slot_state state;
    int fd;
    int counted;                /* holds a place in the limits */
    struct sockaddr_in addr;
    long long deadline_ms;
};

struct address_count {
    uint32_t addr;
    int count;
};

struct gate {
    struct gate_options opt;
    int listener, epoll;
    struct MHD_Daemon *daemon;
    pthread_t thread;
    int started;
    atomic_int stop;
    struct slot *slots;
    int n_slots;
    char *peek;                 /* max_head + 1 bytes */
    pthread_mutex_t lock;       /* guards what follows: libmicrohttpd's threads report closes */
    int open;
    struct address_count *addresses;    /* dense: only addresses with open connections */
    int n_addresses;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the limits ---- */

static struct address_count *find_address(struct gate *g, uint32_t addr)
{
    for (int i = 0; i < g->n_addresses; i++)
        if (g->addresses[i].addr == addr)
            return &g->addresses[i];
    return NULL;
}

/* Takes a place for a connection from addr: 1, or 0 when a limit is reached. */
static int take_place(struct gate *g, uint32_t addr)
{
    pthread_mutex_lock(&g->lock);
    struct address_count *a = find_address(g, addr);
    int ok = g->open < g->opt.max_connections && (g->opt.per_address == 0 || !a || a->count < g->opt.per_address);
    if (ok) {
        g->open++;
        if (!a) {
            a = &g->addresses[g->n_addresses++];
            a->addr = addr;
            a->count = 0;
        }
        a->count++;
    }
    pthread_mutex_unlock(&g->lock);
    return ok;
}

static void give_place(struct gate *g, uint32_t addr)
{
    pthread_mutex_lock(&g->lock);
    struct address_count *a = find_address(g, addr);
    g->open--;
    if (a && --a->count == 0)
        *a = g->addresses[--g->n_addresses];
    pthread_mutex_unlock(&g->lock);
}

int gate_open_connections(struct gate *g)
{
    pthread_mutex_lock(&g->lock);
    int n = g->open;
    pthread_mutex_unlock(&g->lock);
    return n;
}

void gate_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                 enum MHD_ConnectionNotificationCode code)
{
    (void)socket_context;
    struct gate *g = cls;
    if (code != MHD_CONNECTION_NOTIFY_CLOSED)
        return;
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr_in *in = info ? (const struct sockaddr_in *)info->client_addr : NULL;
    give_place(g, in ? in->sin_addr.s_addr : 0);
}

/* ---- connections at the gate ---- */

static struct slot *free_slot(struct gate *g)
{
    for (int i = 0; i < g->n_slots; i++)
        if (g->slots[i].state == SLOT_FREE)
            return &g->slots[i];
    return NULL;
}

static void drop(struct gate *g, struct slot *s)
{
    close(s->fd);
    if (s->counted)
        give_place(g, s->addr.sin_addr.s_addr);
    s->state = SLOT_FREE;
}

/* After a refusal (refusal.h) the slot lingers, reading and discarding what the client
 * still sends, until it closes or REFUSAL_LINGER_MS pass. */
static void linger(struct slot *s)
{
    s->state = SLOT_CLOSING;
    s->deadline_ms = now_ms() + REFUSAL_LINGER_MS;
}

static void discard_input(struct gate *g, struct slot *s)
{
    char sink[4096];
    ssize_t n;
    while ((n = recv(s->fd, sink, sizeof(sink), MSG_DONTWAIT)) > 0)
        ;
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        drop(g, s);
}

static void hand_over(struct gate *g, struct slot *s)
{
    epoll_ctl(g->epoll, EPOLL_CTL_DEL, s->fd, NULL);
    s->state = SLOT_FREE;
    /* From here libmicrohttpd owns the socket and reports its close (gate_notify). When it
     * refuses the connection it has closed the socket already and reports nothing. */
    if (MHD_add_connection(g->daemon, s->fd, (const struct sockaddr *)&s->addr, sizeof(s->addr)) != MHD_YES)
        give_place(g, s->addr.sin_addr.s_addr);
}

/* Looks at what has arrived of the first request without taking it off the socket. */
static void examine(struct gate *g, struct slot *s)
{
    ssize_t n = recv(s->fd, g->peek, g->opt.max_head + 1, MSG_PEEK | MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        drop(g, s);
        return;
    }
    if (n < 0)
        return;
    enum head_verdict v = head_check(g->peek, (size_t)n, g->opt.max_head, g->opt.max_body);
    if (v == HEAD_INCOMPLETE)
        return;
    if (v == HEAD_OK) {
        hand_over(g, s);
        return;
    }
    refusal_send_head(s->fd, v);
    linger(s);
}

static void admit(struct gate *g, int fd, const struct sockaddr_in *addr)
{
    struct slot *s = free_slot(g);
    if (!s) {
        close(fd);
        return;
    }
    s->fd = fd;
    s->addr = *addr;
    s->counted = take_place(g, addr->sin_addr.s_addr);
    s->state = SLOT_WAITING;
    s->deadline_ms = now_ms() + g->opt.header_timeout_ms;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.ptr = s};
    if (epoll_ctl(g->epoll, EPOLL_CTL_ADD, fd, &ev) != 0) {
        drop(g, s);
        return;
    }
    if (s->counted) {
        examine(g, s);
        return;
    }
    refusal_send(fd, PROBLEM_UNAVAILABLE, "Too many connections; try again shortly.");
    linger(s);
}

static void accept_all(struct gate *g)
{
    for (;;) {
        struct sockaddr_in addr;
        socklen_t len = sizeof(addr);
        int fd = accept4(g->listener, (struct sockaddr *)&addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        admit(g, fd, &addr);
    }
}

static void expire(struct gate *g, long long now)
{
    for (int i = 0; i < g->n_slots; i++) {
        struct slot *s = &g->slots[i];
        if (s->state == SLOT_FREE || now < s->deadline_ms)
            continue;
        if (s->state == SLOT_CLOSING) {
            drop(g, s);
            continue;
        }
        refusal_send_late(s->fd);
        linger(s);
    }
}

static void *run(void *arg)
{
    struct gate *g = arg;
    struct epoll_event events[64];
    long long last_scan = 0;
    while (!atomic_load(&g->stop)) {
        int n = epoll_wait(g->epoll, events, 64, TICK_MS);
        for (int i = 0; i < n; i++) {
            if (events[i].data.u64 == LISTENER) {
                accept_all(g);
                continue;
            }
            struct slot *s = events[i].data.ptr;
            if (s->state == SLOT_WAITING)
                examine(g, s);
            else if (s->state == SLOT_CLOSING)
                discard_input(g, s);
        }
        long long now = now_ms();
        if (now - last_scan >= TICK_MS) {
            expire(g, now);
            last_scan = now;
        }
    }
    for (int i = 0; i < g->n_slots; i++)
        if (g->slots[i].state != SLOT_FREE)
            drop(g, &g->slots[i]);
    return NULL;
}

/* ---- life ---- */

struct gate *gate_open(const struct gate_options *opt)
{
    struct gate *g = calloc(1, sizeof(*g));
    if (!g)
        return NULL;
    g->opt = *opt;
    g->listener = g->epoll = -1;
    /* Room for every counted connection, and as many refused ones lingering. */
    g->n_slots = 2 * opt->max_connections;
    g->slots = calloc((size_t)g->n_slots, sizeof(*g->slots));
    g->addresses = calloc((size_t)opt->max_connections, sizeof(*g->addresses));
    g->peek = malloc(opt->max_head + 1);
    pthread_mutex_init(&g->lock, NULL);
    atomic_init(&g->stop, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt->port)};
    int one = 1;
    if (!g->slots || !g->addresses || !g->peek || inet_pton(AF_INET, opt->bind_address, &addr.sin_addr) != 1 ||
        (g->listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0 ||
        setsockopt(g->listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(g->listener, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(g->listener, 1024) != 0 ||
        (g->epoll = epoll_create1(EPOLL_CLOEXEC)) < 0) {
        log_line("error", "could not listen",
                 json_pack("{s:s, s:i, s:s}", "bind", opt->bind_address, "port", opt->port, "error", strerror(errno)));
        gate_free(g);
        return NULL;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = LISTENER};
    epoll_ctl(g->epoll, EPOLL_CTL_ADD, g->listener, &ev);
    return g;
}

int gate_start(struct gate *g, struct MHD_Daemon *daemon)
{
    g->daemon = daemon;
    if (pthread_create(&g->thread, NULL, run, g) != 0)
        return -1;
    g->started = 1;
    return 0;
}

void gate_close(struct gate *g)
{
    if (!g)
        return;
    atomic_store(&g->stop, 1);
    if (g->started)
        pthread_join(g->thread, NULL);
    g->started = 0;
    if (g->listener >= 0)
        close(g->listener);
    g->listener = -1;
}

void gate_free(struct gate *g)
{
    if (!g)
        return;
    gate_close(g);
    if (g->epoll >= 0)
        close(g->epoll);
    pthread_mutex_destroy(&g->lock);
    free(g->slots);
    free(g->addresses);
    free(g->peek);
    free(g);
}
