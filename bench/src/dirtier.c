/* dirtier MIB: allocates MIB MiB of anonymous memory and rewrites every page of it in a loop, forever (the
 * "rewriting 500 MB of memory" workload of bench/migration.sh). Static, so it runs in any container. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 500;
    size_t len = mib << 20;
    volatile unsigned char *p = malloc(len);
    if (p == NULL) {
        return 1;
    }
    for (unsigned char v = 1;; v++) {
        for (size_t i = 0; i < len; i += 4096) {
            p[i] = v;
        }
        usleep(10000);
    }
}
