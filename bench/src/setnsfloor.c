/* setnsfloor: the least a host process can do to run a command in a running container, the exec floor of
 * bench/exec.sh: open the namespaces of the container's init, setns into each that differs from ours (user first),
 * fork (a new pid namespace applies to children), execve the command in the child with an empty environment
 * (PATH only), wait, exit with its status. No cgroups, no capability or seccomp work, no id change.
 *
 *   setnsfloor PID COMMAND [ARG]...
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: setnsfloor PID COMMAND [ARG]...\n");
        return 2;
    }
    const char *ns[] = {"user", "mnt", "uts", "ipc", "net", "cgroup", "pid"};
    int fds[7];
    for (int k = 0; k < 7; k++) {
        char a[64], b[64];
        struct stat sa, sb;
        snprintf(a, sizeof a, "/proc/%s/ns/%s", argv[1], ns[k]);
        snprintf(b, sizeof b, "/proc/self/ns/%s", ns[k]);
        fds[k] = -1;
        if (stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_ino == sb.st_ino) {
            continue;
        }
        if ((fds[k] = open(a, O_RDONLY | O_CLOEXEC)) < 0) {
            perror(a);
            return 1;
        }
    }
    for (int k = 0; k < 7; k++) {
        if (fds[k] >= 0 && setns(fds[k], 0) < 0) {
            perror("setns");
            return 1;
        }
    }
    pid_t c = fork();
    if (c == 0) {
        char *env[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
        execvpe(argv[2], argv + 2, env);
        _exit(127);
    }
    int st;
    if (c < 0 || waitpid(c, &st, 0) < 0) {
        return 1;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
