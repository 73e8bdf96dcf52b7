package io.jlxd.daemon.instance.driver;

/**
 * Offsets of the members of {@code struct lxc_container} (liblxc 5.0.2, {@code lxc/lxccontainer.h} from lxc-dev,
 * x86_64 and every other LP64 ABI: pointers 8 bytes, int 4, bool 1) that {@link LiblxcContainer} uses.
 *
 * <p>Layout: 5 pointers (name, configfile, pidfile, slock, privlock) at 0..32, {@code int numthreads} at 40,
 * {@code lxc_conf*} at 48, {@code error_string} 56, {@code int error_num} 64, {@code bool daemonize} 68,
 * {@code config_path} 72, then the function pointers in declaration order from 80, 8 bytes apart. Verified with
 * gcc against the installed header by {@code LxcContainerStructTest} (it compiles this program and compares):
 *
 * <pre>{@code
 * #include <stdio.h>
 * #include <stddef.h>
 * #include <lxc/lxccontainer.h>
 * #define P(m) printf("%s=%zu\n", #m, offsetof(struct lxc_container, m))
 * int main(void) {
 *   printf("sizeof=%zu\n", sizeof(struct lxc_container));
 *   P(error_string); P(error_num); P(is_defined); P(state); P(is_running); P(freeze); P(unfreeze);
 *   P(init_pid); P(load_config); P(stop); P(set_config_item); P(save_config); P(shutdown);
 *   P(clear_config_item); P(get_config_item); P(get_running_config_item); P(console_getfd);
 *   return 0;
 * }
 * }</pre>
 * Output on this host: sizeof=568 error_string=56 error_num=64 is_defined=80 state=88 is_running=96 freeze=104
 * unfreeze=112 init_pid=120 load_config=128 stop=152 set_config_item=192 save_config=208 shutdown=248
 * clear_config_item=264 get_config_item=272 get_running_config_item=280 console_getfd=352.
 */
final class LxcContainerStruct {
    static final long SIZE = 568;

    static final long ERROR_STRING = 56;          // char *error_string
    static final long ERROR_NUM = 64;             // int error_num
    static final long IS_DEFINED = 80;            // bool (*)(c)
    static final long STATE = 88;                 // const char *(*)(c)
    static final long IS_RUNNING = 96;            // bool (*)(c)
    static final long FREEZE = 104;               // bool (*)(c)
    static final long UNFREEZE = 112;             // bool (*)(c)
    static final long INIT_PID = 120;             // pid_t (*)(c)
    static final long LOAD_CONFIG = 128;          // bool (*)(c, const char *alt_file)
    static final long STOP = 152;                 // bool (*)(c)
    static final long SET_CONFIG_ITEM = 192;      // bool (*)(c, const char *key, const char *value)
    static final long SAVE_CONFIG = 208;          // bool (*)(c, const char *alt_file)
    static final long SHUTDOWN = 248;             // bool (*)(c, int timeout)
    static final long CLEAR_CONFIG_ITEM = 264;    // bool (*)(c, const char *key)
    static final long GET_CONFIG_ITEM = 272;      // int (*)(c, const char *key, char *retv, int inlen)
    static final long GET_RUNNING_CONFIG_ITEM = 280; // char *(*)(c, const char *key), caller frees
    static final long CONSOLE_GETFD = 352;        // int (*)(c, int *ttynum, int *ptxfd): keep-alive fd

    private LxcContainerStruct() {
    }
}
