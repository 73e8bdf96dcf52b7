/* rawserver: the "raw tool" reference for the load bench. Serves one fixed HTTP/1.1 answer (a JSON body read from
 * a file, e.g. a copy of the daemon's own GET /1.0 answer) to every request on a Unix socket, keep-alive, one
 * thread per connection. Whatever the load generator measures against it is the ceiling of this machine + loadgen.
 *
 *   rawserver --socket PATH --body FILE [--max-seconds N]
 *
 * Stops by itself after --max-seconds (default 600), or on SIGTERM/SIGINT. */
#define _GNU_SOURCE
#include "httpc.h"
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

static char *g_resp;
static size_t g_resp_len;

static void *serve(void *arg) {
    int fd = (int) (intptr_t) arg;
    conn_buf b;
    conn_buf_init(&b);
    for (;;) {
        char *end;
        while ((end = find_crlf2(b.buf, b.len)) == NULL)
            if (fill(fd, &b, 0) < 0) goto out;
        size_t used = (size_t) (end - b.buf);  /* GET requests only: no body */
        memmove(b.buf, end, b.len - used);
        b.len -= used;
        if (write_all(fd, g_resp, g_resp_len) < 0) goto out;
    }
out:
    close(fd);
    free(b.buf);
    return NULL;
}

static void on_alarm(int s) { (void) s; _exit(0); }

int main(int argc, char **argv) {
    const char *sock = NULL, *bodyf = NULL;
    int max_s = 600;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--socket") == 0) sock = argv[i + 1];
        else if (strcmp(argv[i], "--body") == 0) bodyf = argv[i + 1];
        else if (strcmp(argv[i], "--max-seconds") == 0) max_s = atoi(argv[i + 1]);
    }
    if (!sock || !bodyf) { fprintf(stderr, "usage: rawserver --socket PATH --body FILE [--max-seconds N]\n"); return 2; }
    FILE *f = fopen(bodyf, "rb");
    if (!f) { perror(bodyf); return 2; }
    struct stat st;
    fstat(fileno(f), &st);
    char *body = malloc((size_t) st.st_size + 1);
    size_t blen = fread(body, 1, (size_t) st.st_size, f);
    fclose(f);
    g_resp = malloc(blen + 512);
    int h = snprintf(g_resp, 512, "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: %zu\r\n"
                     "Content-Type: application/json\r\nETag: \"0123456789abcdef0123456789abcdef\"\r\n\r\n", blen);
    memcpy(g_resp + h, body, blen);
    g_resp_len = (size_t) h + blen;

    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_alarm);
    signal(SIGINT, on_alarm);
    signal(SIGALRM, on_alarm);
    alarm((unsigned) max_s);

    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    strncpy(a.sun_path, sock, sizeof a.sun_path - 1);
    unlink(sock);
    if (bind(ls, (struct sockaddr *) &a, sizeof a) < 0 || listen(ls, 512) < 0) { perror("bind/listen"); return 2; }
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    for (;;) {
        int c = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) { if (errno == EINTR) continue; perror("accept"); return 1; }
        pthread_t t;
        pthread_create(&t, &at, serve, (void *) (intptr_t) c);
    }
}
