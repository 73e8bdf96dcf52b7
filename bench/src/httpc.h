/* Minimal blocking HTTP/1.1 client over a Unix socket, shared by startbench.c and loadgen.c.
 * Reads a response by Content-Length (or chunked transfer encoding), never waits for EOF:
 * the daemon keeps the connection open even after "Connection: close". */
#ifndef BENCH_HTTPC_H
#define BENCH_HTTPC_H

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static inline int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Connects to a Unix socket; returns the fd or -1 (errno set). */
static inline int unix_connect(const char *path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof a.sun_path) { close(fd); errno = ENAMETOOLONG; return -1; }
    strcpy(a.sun_path, path);
    if (connect(fd, (struct sockaddr *) &a, sizeof a) < 0) { int e = errno; close(fd); errno = e; return -1; }
    return fd;
}

typedef struct {
    char *buf;      /* receive buffer */
    size_t cap;
    size_t len;     /* bytes in buf */
} conn_buf;

static inline int write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        p += w; n -= (size_t) w;
    }
    return 0;
}

/* Reads more bytes into b, waiting at most until deadline (monotonic ns; 0 = no limit). 0 ok, -1 error/EOF/timeout. */
static inline int fill(int fd, conn_buf *b, int64_t deadline) {
    if (b->len == b->cap) {
        size_t nc = b->cap * 2;
        char *nb = realloc(b->buf, nc);
        if (!nb) return -1;
        b->buf = nb; b->cap = nc;
    }
    if (deadline) {
        int64_t left = deadline - now_ns();
        if (left <= 0) return -1;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        int r = poll(&p, 1, (int) ((left + 999999) / 1000000));
        if (r <= 0) return -1;
    }
    for (;;) {
        ssize_t r = recv(fd, b->buf + b->len, b->cap - b->len, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        b->len += (size_t) r;
        return 0;
    }
}

static inline char *find_crlf2(char *p, size_t n) {
    for (size_t i = 3; i < n; i++)
        if (p[i] == '\n' && p[i - 1] == '\r' && p[i - 2] == '\n' && p[i - 3] == '\r') return p + i + 1;
    return NULL;
}

/* Reads one response. Returns the HTTP status (>0) and sets *body_len, or -1 on error. Consumed bytes are removed
 * from b (anything after the response stays for the next call). */
static inline int read_response(int fd, conn_buf *b, int64_t deadline, size_t *body_len) {
    char *end;
    while ((end = find_crlf2(b->buf, b->len)) == NULL)
        if (fill(fd, b, deadline) < 0) return -1;
    size_t hlen = (size_t) (end - b->buf);
    int status = 0;
    if (hlen < 12 || strncmp(b->buf, "HTTP/1.", 7) != 0) return -1;
    status = atoi(b->buf + 9);
    long clen = -1;
    int chunked = 0;
    for (char *line = memchr(b->buf, '\n', hlen); line && line < end; line = memchr(line, '\n', (size_t) (end - line))) {
        line++;
        if (line >= end - 2) break;
        if (strncasecmp(line, "Content-Length:", 15) == 0) clen = strtol(line + 15, NULL, 10);
        else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0) {
            char *v = line + 18;
            while (*v == ' ') v++;
            if (strncasecmp(v, "chunked", 7) == 0) chunked = 1;
        }
    }
    size_t consumed;
    if (chunked) {
        size_t pos = hlen, total = 0;
        for (;;) {
            char *nl;
            while ((nl = memchr(b->buf + pos, '\n', b->len - pos)) == NULL)
                if (fill(fd, b, deadline) < 0) return -1;
            size_t sz = (size_t) strtoul(b->buf + pos, NULL, 16);
            pos = (size_t) (nl - b->buf) + 1;
            if (sz == 0) { /* trailers end with an empty line */
                for (;;) {
                    while ((nl = memchr(b->buf + pos, '\n', b->len - pos)) == NULL)
                        if (fill(fd, b, deadline) < 0) return -1;
                    int empty = (nl == b->buf + pos) || (nl == b->buf + pos + 1 && b->buf[pos] == '\r');
                    pos = (size_t) (nl - b->buf) + 1;
                    if (empty) break;
                }
                break;
            }
            while (b->len < pos + sz + 2)
                if (fill(fd, b, deadline) < 0) return -1;
            pos += sz + 2;
            total += sz;
        }
        consumed = pos;
        *body_len = total;
    } else {
        if (clen < 0) clen = 0; /* no body length: treat as empty (status 204/304 or a broken server) */
        while (b->len < hlen + (size_t) clen)
            if (fill(fd, b, deadline) < 0) return -1;
        consumed = hlen + (size_t) clen;
        *body_len = (size_t) clen;
    }
    memmove(b->buf, b->buf + consumed, b->len - consumed);
    b->len -= consumed;
    return status;
}

static inline void conn_buf_init(conn_buf *b) {
    b->cap = 65536;
    b->buf = malloc(b->cap);
    b->len = 0;
}

/* Busy jiffies of all CPUs together (user nice system irq softirq steal) and the total including idle/iowait. */
static inline void cpu_jiffies(unsigned long long *busy, unsigned long long *total) {
    unsigned long long v[8] = {0};
    *busy = *total = 0;
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return;
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
        *busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
        *total = *busy + v[3] + v[4];
    }
    fclose(f);
}

#endif
