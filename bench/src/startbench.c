/* startbench: starts a daemon, measures the time from exec to the first answered GET /1.0 on its Unix socket,
 * optionally runs a command against the ready daemon, then stops it with SIGTERM and waits for it to exit.
 *
 *   startbench --socket PATH [--log FILE] [--timeout-ms N] [--stop-timeout-ms N] [--poll-us N]
 *              [--then 'shell command'] -- program args...
 *
 * Prints one JSON object on stdout:
 *   {"ok":true,"connect_ms":..,"ready_ms":..,"first_get_ms":..,"cpu_ms_at_ready":..,"rss_kb_at_ready":..,
 *    "others_busy_pct":..,"polls":..,"status":200,"stop_ms":..,"exit_code":0,"killed":false,"error":""}
 * connect_ms: first successful connect() on the socket; ready_ms: first complete HTTP 200 answer to GET /1.0;
 * first_get_ms: duration of that one successful request (connect to last byte); stop_ms: SIGTERM to exit;
 * others_busy_pct: share of all CPUs' time, from exec to ready, used by processes other than the daemon (noise).
 * Bounded: gives up after --timeout-ms (default 60000) and SIGKILLs the daemon if it does not exit within
 * --stop-timeout-ms (default 30000) of SIGTERM. Exit status 0 only if ready and stopped cleanly. */
#define _GNU_SOURCE
#include "httpc.h"
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

extern char **environ;

static const char REQ[] = "GET /1.0 HTTP/1.1\r\nHost: jlxd\r\nUser-Agent: jlxd-bench-start\r\nAccept: */*\r\n\r\n";

static void proc_stats(pid_t pid, double *cpu_ms, long *rss_kb) {
    char path[64], buf[4096];
    *cpu_ms = -1; *rss_kb = -1;
    snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fgets(buf, sizeof buf, f)) {
            char *p = strrchr(buf, ')'); /* fields after the command name */
            unsigned long ut = 0, st = 0;
            long cut = 0, cst = 0;
            if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu %ld %ld", &ut, &st, &cut, &cst) == 4)
                *cpu_ms = (double) (ut + st + (unsigned long) cut + (unsigned long) cst) * 1000.0 / (double) sysconf(_SC_CLK_TCK);
        }
        fclose(f);
    }
    snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
    f = fopen(path, "r");
    if (f) {
        while (fgets(buf, sizeof buf, f))
            if (strncmp(buf, "VmRSS:", 6) == 0) *rss_kb = strtol(buf + 6, NULL, 10);
        fclose(f);
    }
}

static void json_str(const char *s) {
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') { putchar('\\'); putchar(*s); }
        else if ((unsigned char) *s < 0x20) printf("\\u%04x", *s);
        else putchar(*s);
    }
    putchar('"');
}

int main(int argc, char **argv) {
    const char *sock = NULL, *log = "/dev/null", *then = NULL;
    long timeout_ms = 60000, stop_timeout_ms = 30000, poll_us = 1000;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) { i++; break; }
        if (i + 1 >= argc) { fprintf(stderr, "startbench: %s needs a value\n", argv[i]); return 2; }
        if (strcmp(argv[i], "--socket") == 0) sock = argv[++i];
        else if (strcmp(argv[i], "--log") == 0) log = argv[++i];
        else if (strcmp(argv[i], "--then") == 0) then = argv[++i];
        else if (strcmp(argv[i], "--timeout-ms") == 0) timeout_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--stop-timeout-ms") == 0) stop_timeout_ms = atol(argv[++i]);
        else if (strcmp(argv[i], "--poll-us") == 0) poll_us = atol(argv[++i]);
        else { fprintf(stderr, "startbench: unknown option %s\n", argv[i]); return 2; }
    }
    if (!sock || i >= argc) {
        fprintf(stderr, "usage: startbench --socket PATH [--log FILE] [--timeout-ms N] [--stop-timeout-ms N] [--then CMD] -- prog args...\n");
        return 2;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid;
    unsigned long long busy0, total0, busy1, total1;
    cpu_jiffies(&busy0, &total0);
    int64_t t0 = now_ns();
    int rc = posix_spawn(&pid, argv[i], &fa, NULL, argv + i, environ);
    if (rc != 0) { fprintf(stderr, "startbench: cannot exec %s: %s\n", argv[i], strerror(rc)); return 2; }

    int64_t deadline = t0 + timeout_ms * 1000000LL;
    int64_t t_connect = -1, t_ready = -1, t_get = -1;
    long polls = 0;
    int status = 0, exited_early = 0, wstatus = 0;
    char err[256] = "";
    conn_buf b;
    conn_buf_init(&b);
    struct timespec nap = { 0, poll_us * 1000 };
    while (now_ns() < deadline) {
        polls++;
        int64_t ts = now_ns();
        int fd = unix_connect(sock);
        if (fd >= 0) {
            if (t_connect < 0) t_connect = now_ns();
            b.len = 0;
            size_t blen;
            int st = -1;
            if (write_all(fd, REQ, sizeof REQ - 1) == 0) st = read_response(fd, &b, deadline, &blen);
            close(fd);
            if (st > 0) status = st;
            if (st == 200) { t_ready = now_ns(); t_get = t_ready - ts; break; }
        }
        if (waitpid(pid, &wstatus, WNOHANG) == pid) { exited_early = 1; break; }
        nanosleep(&nap, NULL);
    }
    double cpu_ms = -1; long rss_kb = -1;
    double others_pct = -1;
    if (t_ready > 0) {
        proc_stats(pid, &cpu_ms, &rss_kb);
        cpu_jiffies(&busy1, &total1);
        /* share of all CPUs' time, during the start, used by other processes than the daemon (and this poller) */
        if (total1 > total0 && cpu_ms >= 0) {
            double hz = (double) sysconf(_SC_CLK_TCK);
            double others = (double) (busy1 - busy0) - cpu_ms * hz / 1000.0;
            if (others < 0) others = 0;
            others_pct = 100.0 * others / (double) (total1 - total0);
        }
    }
    if (t_ready < 0 && exited_early)
        snprintf(err, sizeof err, "daemon exited before answering (wait status %d)", wstatus);
    else if (t_ready < 0)
        snprintf(err, sizeof err, "no 200 answer within %ld ms (last status %d)", timeout_ms, status);

    int then_rc = 0;
    if (t_ready > 0 && then) {
        setenv("BENCH_SOCKET", sock, 1);
        fflush(stdout);
        then_rc = system(then);
        if (then_rc != 0) snprintf(err, sizeof err, "--then command failed (%d)", then_rc);
    }

    int64_t stop_ns = -1;
    int killed = 0, exit_code = -1;
    if (!exited_early) {
        int64_t ts = now_ns();
        kill(pid, SIGTERM);
        int64_t sd = ts + stop_timeout_ms * 1000000LL;
        struct timespec w = { 0, 1000000 };
        for (;;) {
            pid_t r = waitpid(pid, &wstatus, WNOHANG);
            if (r == pid) break;
            if (now_ns() > sd && !killed) { kill(pid, SIGKILL); killed = 1; }
            nanosleep(&w, NULL);
        }
        stop_ns = now_ns() - ts;
    }
    if (WIFEXITED(wstatus)) exit_code = WEXITSTATUS(wstatus);
    else if (WIFSIGNALED(wstatus)) exit_code = 128 + WTERMSIG(wstatus);
    if (killed && !err[0]) snprintf(err, sizeof err, "did not exit within %ld ms of SIGTERM; killed", stop_timeout_ms);

    int ok = t_ready > 0 && !killed && exit_code == 0 && then_rc == 0;
    printf("{\"ok\":%s,\"pid\":%d,\"connect_ms\":%.3f,\"ready_ms\":%.3f,\"first_get_ms\":%.3f,\"cpu_ms_at_ready\":%.0f,"
           "\"rss_kb_at_ready\":%ld,\"others_busy_pct\":%.0f,\"polls\":%ld,\"status\":%d,\"stop_ms\":%.3f,\"exit_code\":%d,\"killed\":%s,\"error\":",
           ok ? "true" : "false", (int) pid, t_connect < 0 ? -1.0 : (t_connect - t0) / 1e6, t_ready < 0 ? -1.0 : (t_ready - t0) / 1e6,
           t_get < 0 ? -1.0 : t_get / 1e6, cpu_ms, rss_kb, others_pct, polls, status, stop_ns < 0 ? -1.0 : stop_ns / 1e6, exit_code,
           killed ? "true" : "false");
    json_str(err);
    printf("}\n");
    return ok ? 0 : 1;
}
