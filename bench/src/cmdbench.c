/* cmdbench: runs shell commands many times, interleaved, and records each run's wall time and CPU time.
 *
 *   cmdbench ROUNDS NAME=COMMAND...
 *
 * Every round runs each command once (`/bin/sh -c "exec COMMAND"`, stdin /dev/null, stdout and stderr discarded),
 * in an order that rotates from round to round, so that background load spreads evenly over the commands. One
 * unmeasured warm-up run of each comes first (page cache). Wall time: fork to the end of wait4(); CPU time: the
 * child's user + system time from wait4()'s rusage (all its threads and the children it waited for).
 * Prints one JSON object per command on stdout:
 *   {"name":"..","runs":N,"failures":F,"wall_ms":[..],"cpu_ms":[..]}
 * A run that exits non-zero counts as a failure (its times are still recorded); its first failure's exit status
 * is printed on stderr. Bounded: ROUNDS <= 1000; a run that lasts more than 60 s is killed (and is a failure). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 32
#define RUN_LIMIT_S 60

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec * 1000.0 + (double) t.tv_nsec / 1e6;
}

/* Runs one command; returns its wait status (or -1); sets wall and cpu in ms. */
static int run(const char *cmd, double *wall, double *cpu) {
    char line[8192];
    snprintf(line, sizeof line, "exec %s", cmd);
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid < 0) {
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        alarm(RUN_LIMIT_S); /* SIGALRM's default action ends the command if it outlives the limit */
        execl("/bin/sh", "sh", "-c", line, (char *) NULL);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
    }
    *wall = now_ms() - t0;
    *cpu = (double) (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0
            + (double) (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
    return status;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: cmdbench ROUNDS NAME=COMMAND...\n");
        return 2;
    }
    int rounds = atoi(argv[1]);
    int n = argc - 2;
    if (rounds < 1 || rounds > 1000 || n > MAX_CMDS) {
        fprintf(stderr, "cmdbench: 1..1000 rounds, at most %d commands\n", MAX_CMDS);
        return 2;
    }
    char *names[MAX_CMDS], *cmds[MAX_CMDS];
    for (int i = 0; i < n; i++) {
        char *eq = strchr(argv[i + 2], '=');
        if (!eq) {
            fprintf(stderr, "cmdbench: expected NAME=COMMAND, got %s\n", argv[i + 2]);
            return 2;
        }
        *eq = 0;
        names[i] = argv[i + 2];
        cmds[i] = eq + 1;
    }
    double *wall = calloc((size_t) (n * rounds), sizeof(double));
    double *cpu = calloc((size_t) (n * rounds), sizeof(double));
    int failures[MAX_CMDS] = {0};
    if (!wall || !cpu) {
        return 1;
    }
    for (int i = 0; i < n; i++) {
        double w, c;
        run(cmds[i], &w, &c);
    }
    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < n; k++) {
            int i = (k + r) % n;
            int st = run(cmds[i], &wall[i * rounds + r], &cpu[i * rounds + r]);
            if (st != 0) {
                if (failures[i]++ == 0) {
                    fprintf(stderr, "cmdbench: %s failed (wait status %d)\n", names[i], st);
                }
            }
        }
    }
    for (int i = 0; i < n; i++) {
        printf("{\"name\":\"%s\",\"runs\":%d,\"failures\":%d,\"wall_ms\":[", names[i], rounds, failures[i]);
        for (int r = 0; r < rounds; r++) {
            printf("%s%.3f", r ? "," : "", wall[i * rounds + r]);
        }
        printf("],\"cpu_ms\":[");
        for (int r = 0; r < rounds; r++) {
            printf("%s%.3f", r ? "," : "", cpu[i * rounds + r]);
        }
        printf("]}\n");
    }
    return 0;
}
