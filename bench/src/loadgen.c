/* loadgen: bounded closed-loop HTTP/1.1 load generator over a Unix socket.
 *
 *   loadgen --socket PATH [--path /1.0] [--clients C] [--requests R] [--duration-ms D] [--warmup W] [--label L]
 *
 * C client threads, each with ONE persistent keep-alive connection, send GET PATH one after the other (no
 * pipelining) and read each answer by Content-Length. Each client first sends W untimed warm-up requests; then all
 * start together and each sends R requests, or stops when D ms have passed since the common start, whichever comes
 * first. Prints one JSON object: requests, errors, seconds, rps, and latency percentiles in ms. Exit status 0 if no
 * request failed. */
#define _GNU_SOURCE
#include "httpc.h"
#include <pthread.h>
#include <sys/resource.h>

typedef struct {
    int id;
    int64_t *lat;     /* ns per timed request */
    long n, errors, non200;
    int64_t end_ns;
    size_t body_bytes;
    char err[160];
} client;

static const char *g_sock, *g_path = "/1.0";
static long g_requests = 10000, g_warmup = 200, g_duration_ms = 10000;
static char g_req[512];
static size_t g_req_len;
static pthread_barrier_t g_barrier;
static int64_t g_start, g_deadline;

static int one(int fd, conn_buf *b, int64_t deadline, size_t *blen) {
    if (write_all(fd, g_req, g_req_len) < 0) return -1;
    return read_response(fd, b, deadline, blen);
}

static void *run(void *arg) {
    client *c = arg;
    conn_buf b;
    conn_buf_init(&b);
    int fd = unix_connect(g_sock);
    size_t blen = 0;
    if (fd < 0) snprintf(c->err, sizeof c->err, "connect: %s", strerror(errno));
    for (long i = 0; fd >= 0 && i < g_warmup; i++) {
        int st = one(fd, &b, now_ns() + 10000000000LL, &blen);
        if (st < 0) { snprintf(c->err, sizeof c->err, "warm-up request failed"); close(fd); fd = -1; }
    }
    pthread_barrier_wait(&g_barrier);  /* warm-up done */
    pthread_barrier_wait(&g_barrier);  /* g_start and g_deadline set */
    for (long i = 0; fd >= 0 && i < g_requests; i++) {
        int64_t t = now_ns();
        if (t >= g_deadline) break;
        int st = one(fd, &b, g_deadline + 5000000000LL, &blen);
        int64_t e = now_ns();
        if (st < 0) {
            c->errors++;
            snprintf(c->err, sizeof c->err, "request failed or connection lost");
            close(fd);
            b.len = 0;
            fd = unix_connect(g_sock);  /* one new connection per failure, still bounded by count and time */
            continue;
        }
        if (st != 200) c->non200++;
        c->lat[c->n++] = e - t;
        c->body_bytes = blen;
    }
    if (fd < 0 && !c->err[0]) snprintf(c->err, sizeof c->err, "no connection");
    if (fd >= 0) close(fd);
    c->end_ns = now_ns();
    free(b.buf);
    return NULL;
}

static int cmp64(const void *a, const void *b) {
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

static double pct(int64_t *v, long n, double p) {
    if (n == 0) return -1;
    long k = (long) (p / 100.0 * (double) n + 0.5) - 1; /* nearest rank */
    if (k < 0) k = 0;
    if (k >= n) k = n - 1;
    return v[k] / 1e6;
}

int main(int argc, char **argv) {
    int clients = 1;
    const char *label = "";
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) { fprintf(stderr, "loadgen: %s needs a value\n", argv[i]); return 2; }
        if (strcmp(argv[i], "--socket") == 0) g_sock = argv[++i];
        else if (strcmp(argv[i], "--path") == 0) g_path = argv[++i];
        else if (strcmp(argv[i], "--clients") == 0) clients = atoi(argv[++i]);
        else if (strcmp(argv[i], "--requests") == 0) g_requests = atol(argv[++i]);
        else if (strcmp(argv[i], "--duration-ms") == 0) g_duration_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--warmup") == 0) g_warmup = atol(argv[++i]);
        else if (strcmp(argv[i], "--label") == 0) label = argv[++i];
        else { fprintf(stderr, "loadgen: unknown option %s\n", argv[i]); return 2; }
    }
    if (!g_sock || clients < 1 || clients > 1024 || g_requests < 1 || g_requests > 100000000 || g_duration_ms < 1) {
        fprintf(stderr, "usage: loadgen --socket PATH [--path P] [--clients 1..1024] [--requests R] [--duration-ms D] [--warmup W]\n");
        return 2;
    }
    g_req_len = (size_t) snprintf(g_req, sizeof g_req,
                                  "GET %s HTTP/1.1\r\nHost: jlxd\r\nUser-Agent: jlxd-bench-loadgen\r\nAccept: */*\r\n\r\n", g_path);
    client *cs = calloc((size_t) clients, sizeof *cs);
    pthread_t *th = calloc((size_t) clients, sizeof *th);
    pthread_barrier_init(&g_barrier, NULL, (unsigned) clients + 1);
    for (int k = 0; k < clients; k++) {
        cs[k].id = k;
        cs[k].lat = malloc((size_t) g_requests * sizeof(int64_t));
        if (!cs[k].lat) { fprintf(stderr, "loadgen: out of memory\n"); return 2; }
        pthread_create(&th[k], NULL, run, &cs[k]);
    }
    /* first barrier: every client has finished its warm-up; the clock starts then; second barrier: go */
    pthread_barrier_wait(&g_barrier);
    unsigned long long busy0, total0, busy1, total1;
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    cpu_jiffies(&busy0, &total0);
    g_start = now_ns();
    g_deadline = g_start + g_duration_ms * 1000000LL;
    pthread_barrier_wait(&g_barrier);
    for (int k = 0; k < clients; k++) pthread_join(th[k], NULL);
    cpu_jiffies(&busy1, &total1);
    getrusage(RUSAGE_SELF, &ru1);
    double hz = (double) sysconf(_SC_CLK_TCK);
    double self_ms = (ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec - ru0.ru_stime.tv_sec) * 1000.0
                   + (ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec - ru0.ru_stime.tv_usec) / 1000.0;
    int64_t end = g_start;
    long total = 0, errors = 0, non200 = 0;
    size_t body = 0;
    const char *err = "";
    for (int k = 0; k < clients; k++) {
        total += cs[k].n; errors += cs[k].errors; non200 += cs[k].non200;
        if (cs[k].end_ns > end) end = cs[k].end_ns;
        if (cs[k].body_bytes) body = cs[k].body_bytes;
        if (cs[k].err[0] && !err[0]) err = cs[k].err;
    }
    int64_t *all = malloc((size_t) (total ? total : 1) * sizeof(int64_t));
    long m = 0;
    double sum = 0;
    for (int k = 0; k < clients; k++)
        for (long j = 0; j < cs[k].n; j++) { all[m++] = cs[k].lat[j]; sum += (double) cs[k].lat[j]; }
    qsort(all, (size_t) m, sizeof *all, cmp64);
    double secs = (double) (end - g_start) / 1e9;
    printf("{\"label\":\"%s\",\"path\":\"%s\",\"clients\":%d,\"requests_per_client\":%ld,\"duration_cap_ms\":%ld,"
           "\"warmup_per_client\":%ld,\"requests\":%ld,\"errors\":%ld,\"non_200\":%ld,\"body_bytes\":%zu,\"seconds\":%.4f,"
           "\"rps\":%.1f,\"lat_ms\":{\"min\":%.4f,\"mean\":%.4f,\"p50\":%.4f,\"p90\":%.4f,\"p99\":%.4f,\"p999\":%.4f,\"max\":%.4f},"
           "\"loadgen_cpu_ms\":%.0f,\"machine_busy_ms\":%.0f,\"machine_total_ms\":%.0f,\"error\":\"%s\"}\n",
           label, g_path, clients, g_requests, g_duration_ms, g_warmup, total, errors, non200, body, secs,
           secs > 0 ? (double) total / secs : 0.0, m ? all[0] / 1e6 : -1.0, m ? sum / (double) m / 1e6 : -1.0,
           pct(all, m, 50), pct(all, m, 90), pct(all, m, 99), pct(all, m, 99.9), m ? all[m - 1] / 1e6 : -1.0,
           self_ms, (double) (busy1 - busy0) * 1000.0 / hz, (double) (total1 - total0) * 1000.0 / hz, err);
    return (errors == 0 && non200 == 0 && total > 0) ? 0 : 1;
}
