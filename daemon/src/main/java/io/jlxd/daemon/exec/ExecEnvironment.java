package io.jlxd.daemon.exec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment of an exec, built as LXD does: its defaults (PATH, HOME, USER for root, LANG), then the
 * instance's {@code environment.*} keys, then the request's variables; later layers win. Interactive commands
 * also get {@code TERM=xterm} unless set.
 */
public final class ExecEnvironment {
    public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    public static final String INSTANCE_PREFIX = "environment.";

    private ExecEnvironment() {
    }

    public static Map<String, String> build(Map<String, String> instanceConfig, Map<String, String> request, long uid,
                                            boolean interactive) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", PATH);
        env.put("LANG", "C.UTF-8");
        if (uid == 0) {
            env.put("HOME", "/root");
            env.put("USER", "root");
        }
        if (instanceConfig != null) {
            instanceConfig.forEach((k, v) -> {
                if (k.startsWith(INSTANCE_PREFIX) && k.length() > INSTANCE_PREFIX.length()) {
                    env.put(k.substring(INSTANCE_PREFIX.length()), v);
                }
            });
        }
        if (request != null) {
            env.putAll(request);
        }
        if (interactive) {
            env.putIfAbsent("TERM", "xterm");
        }
        return env;
    }
}
