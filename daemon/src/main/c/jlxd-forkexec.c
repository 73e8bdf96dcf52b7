/*
 * jlxd-forkexec: runs one command inside a running container, the way LXD's `forkexec` does, without going
 * through lxc-attach (which costs ~25 ms here: it asks the container's monitor for its state, namespaces and
 * cgroups over a socket and sets up a relay). The daemon already knows the container's init pid, its seccomp
 * policy and its capability drops, so it hands them over and this helper only:
 *
 *   1. closes every descriptor above 2 (only the command's stdio may cross into the container: CRIU refuses to
 *      dump a process holding host descriptors, see host-notes);
 *   2. joins the cgroups of the container's init, in every hierarchy (so limits and freezing apply);
 *   3. opens the init's namespaces first, then enters them: user (when it differs), mount, uts, ipc, net,
 *      cgroup, pid, time (each when it differs from the helper's own);
 *   4. forks (a new pid namespace applies to children only); the child drops the capability bounding set
 *      entries of the container (privileged containers), sets groups, gid, uid, loads the container's seccomp
 *      deny-list (lxc's policy format, the subset jlxd writes: version 2, denylist, reject_force_umount,
 *      "syscall errno N" and "syscall kill" lines), enters cwd, and execs with exactly the given environment;
 *   5. the parent waits and exits with the command's status: its exit code, or 128+N when it died of signal N.
 *
 * Exit codes of its own (lxc-attach's conventions): 126 cwd cannot be entered or the program cannot be run,
 * 127 program not found, 1 for any other failure before the exec (with a message on stderr).
 *
 * Usage: jlxd-forkexec --pid PID [--uid U] [--gid G] [--cwd DIR] [--seccomp FILE] [--cap-drop NAME,...]
 *                      [--env K=V]... -- COMMAND [ARG]...
 *        jlxd-forkexec --serve
 *
 * Server mode (what the daemon uses: a process spawn from the JVM costs two execs, jspawnhelper and the helper, and
 * on a busy machine ~10 ms): started once by the daemon, it listens on an abstract Unix socket whose name it prints
 * on stdout, accepts exactly one connection, from its parent process (SO_PEERCRED), and closes the listener. Each
 * request is one SOCK_SEQPACKET message: the arguments above (without argv[0]), NUL-separated, with the command's
 * stdin, stdout and stderr attached (SCM_RIGHTS). The server forks a waiter per request (a small C process, not the
 * JVM), which puts the three descriptors on 0-2, closes every other one and runs the one-shot path above. The server
 * answers with 12-byte messages {int type, int pid, int value}: type 1 "started" (pid of the waiter, value 0) right
 * after the fork, type 2 "exited" (value: the waiter's exit status as above) when it is reaped, type 3 "failed"
 * (value: errno) when a request could not be served. It exits when the daemon closes the connection; waiters still
 * running go on and are reaped by init.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/prctl.h>
#include <stddef.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ENV 4096

static void die(const char *what) {
    fprintf(stderr, "jlxd-forkexec: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void fail(const char *msg) {
    fprintf(stderr, "jlxd-forkexec: %s\n", msg);
    exit(1);
}

static int open_ns(long pid, const char *ns) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/ns/%s", pid, ns);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        die(path);
    }
    return fd;
}

static int same_ns(long pid, const char *ns) {
    char a[64], b[64];
    struct stat sa, sb;
    snprintf(a, sizeof a, "/proc/%ld/ns/%s", pid, ns);
    snprintf(b, sizeof b, "/proc/self/ns/%s", ns);
    if (stat(a, &sa) < 0 || stat(b, &sb) < 0) {
        die("stat namespace");
    }
    return sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

/* The mount point of a hierarchy from /proc/self/mountinfo: "name=systemd", a v1 controller list, or "" (v2). */
static int mount_point(const char *controllers, char *out, size_t len) {
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f) {
        die("/proc/self/mountinfo");
    }
    char *line = NULL;
    size_t cap = 0;
    int found = 0;
    while (!found && getline(&line, &cap, f) > 0) {
        char *sep = strstr(line, " - ");
        if (!sep) {
            continue;
        }
        char fstype[32], source[64], opts[512], mnt[512];
        if (sscanf(sep + 3, "%31s %63s %511s", fstype, source, opts) != 3) {
            continue;
        }
        if (sscanf(line, "%*s %*s %*s %*s %511s", mnt) != 1) {
            continue;
        }
        if (controllers[0] == '\0') {
            found = strcmp(fstype, "cgroup2") == 0;
        } else if (strcmp(fstype, "cgroup") == 0) {
            /* every controller of the list must be among the mount options */
            char want[256];
            snprintf(want, sizeof want, "%s", controllers);
            found = 1;
            for (char *save = NULL, *c = strtok_r(want, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
                char needle[300];
                snprintf(needle, sizeof needle, ",%s,", c);
                char hay[600];
                snprintf(hay, sizeof hay, ",%s,", opts);
                if (!strstr(hay, needle)) {
                    found = 0;
                    break;
                }
            }
        }
        if (found) {
            snprintf(out, len, "%s", mnt);
        }
    }
    free(line);
    fclose(f);
    return found;
}

/* Joins the cgroups of process pid, in every hierarchy it is in. */
static void join_cgroups(long pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/cgroup", pid);
    FILE *f = fopen(path, "re");
    if (!f) {
        die(path);
    }
    char *line = NULL;
    size_t cap = 0;
    char self[32];
    snprintf(self, sizeof self, "%d", getpid());
    while (getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) {
            continue;
        }
        *c2 = '\0';
        const char *controllers = c1 + 1;
        const char *cg = c2 + 1;
        char mnt[512];
        if (!mount_point(controllers, mnt, sizeof mnt)) {
            continue; /* a hierarchy not mounted here (none of the daemon's business) */
        }
        char procs[1200];
        snprintf(procs, sizeof procs, "%s%s/cgroup.procs", mnt, cg);
        int fd = open(procs, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, self, strlen(self)) < 0) {
            fprintf(stderr, "jlxd-forkexec: joining %s: %s\n", procs, strerror(errno));
            exit(1);
        }
        close(fd);
    }
    free(line);
    fclose(f);
}

/* The whole of a (small) host file, read before the mount namespace changes. */
static char *slurp(const char *file, size_t *len) {
    FILE *f = fopen(file, "re");
    if (!f) {
        die(file);
    }
    char *buf = NULL;
    size_t cap = 0, n = 0, r;
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            if (cap > (1 << 20) || !(buf = realloc(buf, cap))) {
                fail("seccomp policy too large");
            }
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
    } while (r > 0);
    fclose(f);
    *len = n;
    return buf;
}

/* The container's seccomp policy (lxc format, the subset jlxd writes) as a libseccomp filter. */
static void load_seccomp(char *policy, size_t len) {
    FILE *f = fmemopen(policy, len, "r");
    if (!f) {
        die("fmemopen");
    }
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        fail("seccomp_init failed");
    }
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, in_section = 1;
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#') {
            continue;
        }
        if (lineno == 1) {
            if (strcmp(line, "2") != 0) {
                fail("seccomp policy: only version 2 is supported");
            }
            continue;
        }
        if (strcmp(line, "denylist") == 0 || strcmp(line, "blacklist") == 0) {
            continue;
        }
        if (strcmp(line, "reject_force_umount") == 0) {
            if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(umount2), 1,
                                 SCMP_A1(SCMP_CMP_MASKED_EQ, MNT_FORCE, MNT_FORCE)) < 0) {
                fail("seccomp: umount2 rule");
            }
            continue;
        }
        if (line[0] == '[') {
            /* [all] or the native architecture's section apply; other architectures' do not */
            in_section = strcmp(line, "[all]") == 0 || strcmp(line, "[ALL]") == 0
                    || (seccomp_arch_native() == SCMP_ARCH_X86_64 && strcmp(line, "[x86_64]") == 0)
                    || (seccomp_arch_native() == SCMP_ARCH_AARCH64 && strcmp(line, "[arm64]") == 0);
            continue;
        }
        if (!in_section) {
            continue;
        }
        char name[128], action[32];
        int err = 0;
        int n = sscanf(line, "%127s %31s %d", name, action, &err);
        uint32_t act;
        if (n == 3 && strcmp(action, "errno") == 0) {
            act = SCMP_ACT_ERRNO(err);
        } else if ((n == 2 && strcmp(action, "kill") == 0) || n == 1) {
            act = SCMP_ACT_KILL;
        } else {
            fprintf(stderr, "jlxd-forkexec: seccomp policy line %d not supported: %s\n", lineno, line);
            exit(1);
        }
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR) {
            continue; /* a call this architecture does not have (lxc skips them too) */
        }
        if (seccomp_rule_add(ctx, act, nr, 0) < 0) {
            fprintf(stderr, "jlxd-forkexec: seccomp rule for %s failed\n", name);
            exit(1);
        }
    }
    free(line);
    fclose(f);
    if (seccomp_load(ctx) < 0) {
        fail("seccomp_load failed");
    }
    seccomp_release(ctx);
}

static void drop_caps(char *list) {
    for (char *save = NULL, *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        cap_value_t v;
        char name[64];
        snprintf(name, sizeof name, "cap_%s", c);
        if (cap_from_name(name, &v) < 0) {
            fprintf(stderr, "jlxd-forkexec: unknown capability %s\n", c);
            exit(1);
        }
        if (prctl(PR_CAPBSET_DROP, v, 0, 0, 0) < 0 && errno != EINVAL) {
            die("PR_CAPBSET_DROP");
        }
    }
}

/* execvpe with the PATH of the command's own environment (not the helper's). */
static void exec_command(char **argv, char **envp) {
    const char *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    for (char **e = envp; *e; e++) {
        if (strncmp(*e, "PATH=", 5) == 0) {
            path = *e + 5;
        }
    }
    if (strchr(argv[0], '/')) {
        execve(argv[0], argv, envp);
    } else {
        int eacces = 0;
        char buf[4096];
        const char *p = path;
        while (*p || p == path) {
            const char *end = strchrnul(p, ':');
            int len = (int)(end - p);
            snprintf(buf, sizeof buf, "%.*s%s%s", len, p, len ? "/" : "", argv[0]);
            execve(buf, argv, envp);
            if (errno == EACCES) {
                eacces = 1;
            }
            if (!*end) {
                break;
            }
            p = end + 1;
        }
        if (eacces) {
            errno = EACCES;
        } else {
            errno = ENOENT;
        }
    }
    int e = errno;
    fprintf(stderr, "jlxd-forkexec: %s: %s\n", argv[0], strerror(e));
    _exit(e == ENOENT || e == ENOTDIR ? 127 : 126);
}

static int forkexec_main(int argc, char **argv) {
    long pid = -1;
    uid_t uid = 0;
    gid_t gid = 0;
    const char *cwd = "/", *seccomp = NULL;
    char *policy = NULL;
    size_t policy_len = 0;
    char *capdrop = NULL;
    char *envp[MAX_ENV + 2];
    int nenv = 0, i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (i + 1 >= argc) {
            fail("usage: jlxd-forkexec --pid PID [--uid U] [--gid G] [--cwd DIR] [--seccomp FILE] "
                 "[--cap-drop LIST] [--env K=V]... -- COMMAND [ARG]...");
        }
        const char *v = argv[++i];
        if (strcmp(a, "--pid") == 0) {
            pid = strtol(v, NULL, 10);
        } else if (strcmp(a, "--uid") == 0) {
            uid = (uid_t)strtoul(v, NULL, 10);
        } else if (strcmp(a, "--gid") == 0) {
            gid = (gid_t)strtoul(v, NULL, 10);
        } else if (strcmp(a, "--cwd") == 0) {
            cwd = v;
        } else if (strcmp(a, "--seccomp") == 0) {
            seccomp = v;
        } else if (strcmp(a, "--cap-drop") == 0) {
            capdrop = strdup(v);
        } else if (strcmp(a, "--env") == 0) {
            if (nenv >= MAX_ENV) {
                fail("too many environment variables");
            }
            envp[nenv++] = (char *)v;
        } else {
            fprintf(stderr, "jlxd-forkexec: unknown option %s\n", a);
            exit(1);
        }
    }
    if (pid <= 0 || i >= argc) {
        fail("--pid and a command are required");
    }
    int has_container = 0;
    for (int k = 0; k < nenv; k++) {
        if (strncmp(envp[k], "container=", 10) == 0) {
            has_container = 1;
        }
    }
    if (!has_container) {
        envp[nenv++] = "container=lxc";
    }
    envp[nenv] = NULL;

    /* 1. only stdio crosses (ProcessBuilder already closes the rest; this makes it a property of the helper) */
    if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0) {
        die("close_range");
    }
    if (seccomp) {
        policy = slurp(seccomp, &policy_len);
    }
    /* 2. the init's cgroups, joined as host root before any namespace changes what we may write */
    join_cgroups(pid);
    /* 3. namespaces: all opened before the first setns (after setns(mnt) /proc is the container's) */
    int userns = same_ns(pid, "user") ? -1 : open_ns(pid, "user");
    /* time: after a CRIU restore the container runs in a time namespace of its own; a command left in the host's
       would make the next checkpoint fail ("Can't restore sub-task in NS") */
    const char *names[] = {"mnt", "uts", "ipc", "net", "cgroup", "pid", "time"};
    const int types[] = {CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWPID, CLONE_NEWTIME};
    int fds[7];
    for (int k = 0; k < 7; k++) {
        char probe[64];
        snprintf(probe, sizeof probe, "/proc/%ld/ns/%s", pid, names[k]);
        if (k == 6 && access(probe, F_OK) < 0) {
            fds[k] = -1; /* a kernel without time namespaces */
            continue;
        }
        fds[k] = same_ns(pid, names[k]) ? -1 : open_ns(pid, names[k]);
    }
    if (userns >= 0 && setns(userns, CLONE_NEWUSER) < 0) {
        die("setns user");
    }
    for (int k = 0; k < 7; k++) {
        if (fds[k] >= 0 && setns(fds[k], types[k]) < 0) {
            char what[32];
            snprintf(what, sizeof what, "setns %s", names[k]);
            die(what);
        }
        if (fds[k] >= 0) {
            close(fds[k]);
        }
    }
    /* 4. the command, a child in the container's pid namespace */
    pid_t child = fork();
    if (child < 0) {
        die("fork");
    }
    if (child == 0) {
        if (capdrop) {
            drop_caps(capdrop);
        }
        if (setgroups(0, NULL) < 0) {
            die("setgroups");
        }
        if (setgid(gid) < 0) {
            die("setgid");
        }
        if (setuid(uid) < 0) {
            die("setuid");
        }
        if (policy) {
            load_seccomp(policy, policy_len);
        }
        if (chdir(cwd) < 0) {
            fprintf(stderr, "jlxd-forkexec: cannot enter %s: %s\n", cwd, strerror(errno));
            _exit(126);
        }
        exec_command(argv + i, envp);
    }
    /* 5. wait; signals meant for the command are sent to it directly by the daemon */
    int status;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) {
            die("waitpid");
        }
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

/* ---- server mode ---------------------------------------------------------------------------------------------- */

#define MAX_REQUEST (256 * 1024)

static void reply(int sock, int type, int pid, int value) {
    int msg[3] = {type, pid, value};
    while (send(sock, msg, sizeof msg, MSG_NOSIGNAL) < 0) {
        if (errno != EINTR) {
            exit(0); /* the daemon is gone */
        }
    }
}

/* The waiter: the request's descriptors on 0-2, nothing else open, default signals, then the one-shot path. */
static void waiter(char *buf, size_t len, const int *fds, const sigset_t *mask) {
    for (int k = 0; k < 3; k++) {
        /* dup first (a received descriptor may itself be 0-2), then place */
        int d = fcntl(fds[k], F_DUPFD_CLOEXEC, 10);
        if (d < 0 || dup2(d, k) < 0) {
            _exit(1);
        }
    }
    if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0) {
        _exit(1);
    }
    sigprocmask(SIG_SETMASK, mask, NULL);
    char *argv[MAX_ENV * 2 + 64];
    int argc = 0;
    argv[argc++] = "jlxd-forkexec";
    for (size_t off = 0; off < len && argc < (int)(sizeof argv / sizeof argv[0]) - 1;) {
        argv[argc++] = buf + off;
        off += strlen(buf + off) + 1;
    }
    argv[argc] = NULL;
    _exit(forkexec_main(argc, argv));
}

static int serve(void) {
    /* descriptors and signals of the spawn must not reach the waiters: every disposition default, nothing blocked
       but SIGCHLD (read through a signalfd) */
    for (int s = 1; s < NSIG; s++) {
        signal(s, SIG_DFL);
    }
    sigset_t empty, chld;
    sigemptyset(&empty);
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_SETMASK, &chld, NULL);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0) {
        die("signalfd");
    }
    umask(022);
    if (chdir("/") < 0) {
        die("chdir /");
    }
    int lsock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (lsock < 0) {
        die("socket");
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    unsigned char rnd[8];
    if (getrandom(rnd, sizeof rnd, 0) != sizeof rnd) {
        die("getrandom");
    }
    int n = snprintf(addr.sun_path + 1, sizeof addr.sun_path - 1, "jlxd-forkexec-%d-%02x%02x%02x%02x%02x%02x%02x%02x",
                     getpid(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    socklen_t alen = offsetof(struct sockaddr_un, sun_path) + 1 + n;
    if (bind(lsock, (struct sockaddr *)&addr, alen) < 0 || listen(lsock, 4) < 0) {
        die("bind");
    }
    printf("%s\n", addr.sun_path + 1);
    fflush(stdout);
    int sock = -1;
    while (sock < 0) {
        int c = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("accept");
        }
        struct ucred cred;
        socklen_t cl = sizeof cred;
        if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0 && cred.pid == getppid() && cred.uid == getuid()) {
            sock = c;
        } else {
            close(c); /* only the daemon that started us */
        }
    }
    close(lsock);
    int stdio = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (stdio >= 0) {
        dup2(stdio, 0);
        dup2(stdio, 1);
        close(stdio);
    }
    char *buf = malloc(MAX_REQUEST);
    if (!buf) {
        die("malloc");
    }
    for (;;) {
        struct pollfd p[2] = {{.fd = sock, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("poll");
        }
        if (p[1].revents) {
            struct signalfd_siginfo si;
            while (read(sfd, &si, sizeof si) > 0) {
            }
            int status;
            pid_t w;
            while ((w = waitpid(-1, &status, WNOHANG)) > 0) {
                reply(sock, 2, w, WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status));
            }
        }
        if (!p[0].revents) {
            continue;
        }
        char cbuf[CMSG_SPACE(3 * sizeof(int))];
        struct iovec iov = {.iov_base = buf, .iov_len = MAX_REQUEST - 1};
        struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
        ssize_t r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return 0; /* the daemon closed the connection */
        }
        int fds[3] = {-1, -1, -1}, nfds = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                nfds = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
                memcpy(fds, CMSG_DATA(c), (nfds > 3 ? 3 : nfds) * sizeof(int));
            }
        }
        if (nfds != 3 || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
            for (int k = 0; k < 3; k++) {
                if (fds[k] >= 0) {
                    close(fds[k]);
                }
            }
            reply(sock, 3, 0, EINVAL);
            continue;
        }
        buf[r] = '\0';
        pid_t w = fork();
        if (w == 0) {
            waiter(buf, (size_t)r, fds, &empty);
        }
        for (int k = 0; k < 3; k++) {
            close(fds[k]);
        }
        if (w < 0) {
            reply(sock, 3, 0, errno);
        } else {
            reply(sock, 1, w, 0);
        }
    }
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--serve") == 0) {
        return serve();
    }
    return forkexec_main(argc, argv);
}
