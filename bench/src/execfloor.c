/* execfloor: the floors of an exec in a running container, timed here (no JVM, no shell in between):
 *
 *   execfloor N PID SETNSFLOOR FORKEXEC
 *
 * N runs of each, interleaved; prints one JSON object: {"helper":[ms..],"inproc":[ms..],"forkexec":[ms..]}
 *   helper:   posix_spawn of SETNSFLOOR PID true (bench/src/setnsfloor.c: setns + fork + execve, nothing else), wait
 *   inproc:   fork; the child does setns into PID's namespaces, forks, execs true; wait (no helper exec at all)
 *   forkexec: posix_spawn of jlxd's one-shot helper FORKEXEC --pid PID -- true (cgroups, caps, ids too), wait
 * A run whose exit status is not 0 makes the program exit 1. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void check(int st, const char *what) {
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "execfloor: %s failed (status %d)\n", what, st);
        exit(1);
    }
}

static double spawn(char **argv) {
    double t = now_ms();
    pid_t p;
    int st;
    if (posix_spawn(&p, argv[0], NULL, NULL, argv, environ) != 0 || waitpid(p, &st, 0) < 0) {
        perror(argv[0]);
        exit(1);
    }
    check(st, argv[0]);
    return now_ms() - t;
}

static double inproc(const char *pid) {
    double t = now_ms();
    pid_t c = fork();
    if (c == 0) {
        const char *ns[] = {"user", "mnt", "uts", "ipc", "net", "cgroup", "pid"};
        int fds[7];
        for (int k = 0; k < 7; k++) {
            char a[64], b[64];
            struct stat sa, sb;
            snprintf(a, sizeof a, "/proc/%s/ns/%s", pid, ns[k]);
            snprintf(b, sizeof b, "/proc/self/ns/%s", ns[k]);
            fds[k] = (stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_ino == sb.st_ino) ? -1 : open(a, O_RDONLY);
        }
        for (int k = 0; k < 7; k++) {
            if (fds[k] >= 0 && setns(fds[k], 0) < 0) {
                _exit(1);
            }
        }
        pid_t g = fork();
        if (g == 0) {
            char *argv[] = {"true", NULL};
            char *env[] = {"PATH=/usr/bin:/bin", NULL};
            execvpe("true", argv, env);
            _exit(127);
        }
        int st;
        waitpid(g, &st, 0);
        _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
    }
    int st;
    waitpid(c, &st, 0);
    check(st, "inproc");
    return now_ms() - t;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: execfloor N PID SETNSFLOOR FORKEXEC\n");
        return 2;
    }
    int n = atoi(argv[1]);
    if (n < 1 || n > 1000) {
        return 2;
    }
    char *helper[] = {argv[3], argv[2], "true", NULL};
    char *fe[] = {argv[4], "--pid", argv[2], "--", "true", NULL};
    double *h = calloc(n, sizeof *h), *i = calloc(n, sizeof *i), *f = calloc(n, sizeof *f);
    for (int r = 0; r < n; r++) {
        h[r] = spawn(helper);
        i[r] = inproc(argv[2]);
        f[r] = spawn(fe);
    }
    const char *names[] = {"helper", "inproc", "forkexec"};
    double *v[] = {h, i, f};
    printf("{");
    for (int k = 0; k < 3; k++) {
        printf("%s\"%s\":[", k ? "," : "", names[k]);
        for (int r = 0; r < n; r++) {
            printf("%s%.3f", r ? "," : "", v[k][r]);
        }
        printf("]");
    }
    printf("}\n");
    return 0;
}
