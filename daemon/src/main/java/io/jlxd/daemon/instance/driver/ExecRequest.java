package io.jlxd.daemon.instance.driver;

import java.lang.ProcessBuilder.Redirect;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A command to run in a running container through {@code lxc-attach}.
 *
 * @param command     program and arguments; the program is looked up in the container's PATH
 * @param environment the command's whole environment (lxc-attach {@code --clear-env}: nothing of the daemon's
 *                    leaks in; liblxc adds {@code container=lxc} and, when absent, a default PATH). The API layer
 *                    adds LXD's defaults (PATH, HOME, USER, LANG, TERM) and {@code environment.*}.
 * @param cwd         working directory inside the container (absolute), or null for "/". Anything but "/" needs a
 *                    {@code /bin/sh} in the container: lxc-attach has no cwd option, so the command is wrapped in
 *                    {@code sh -c 'cd "$1" || exit 126; shift; exec "$@"'}
 * @param uid         user id inside the container
 * @param gid         group id inside the container
 * @param stdin       where the command's stdin comes from (PIPE: {@link Process#getOutputStream()})
 * @param stdout      where its stdout goes (PIPE: {@link Process#getInputStream()})
 * @param stderr      where its stderr goes (lxc-attach's own errors land there too)
 */
public record ExecRequest(List<String> command, Map<String, String> environment, String cwd, int uid, int gid,
        Redirect stdin, Redirect stdout, Redirect stderr) {
    private static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public ExecRequest {
        command = List.copyOf(command);
        if (command.isEmpty() || command.getFirst().isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        for (String arg : command) {
            if (arg.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("command arguments may not contain NUL");
            }
        }
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment == null ? Map.of() : environment));
        environment.forEach((k, v) -> {
            if (!ENV_KEY.matcher(k).matches() || v.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("invalid environment variable: " + k);
            }
        });
        if (cwd != null && (!cwd.startsWith("/") || cwd.indexOf('\0') >= 0)) {
            throw new IllegalArgumentException("cwd must be an absolute path: " + cwd);
        }
        if (uid < 0 || gid < 0) {
            throw new IllegalArgumentException("uid and gid must be >= 0");
        }
        stdin = stdin == null ? Redirect.PIPE : stdin;
        stdout = stdout == null ? Redirect.PIPE : stdout;
        stderr = stderr == null ? Redirect.PIPE : stderr;
    }

    /** {@code command} as root in "/", empty environment, all three streams piped. */
    public static ExecRequest of(String... command) {
        return new ExecRequest(List.of(command), Map.of(), null, 0, 0, null, null, null);
    }

    public ExecRequest withEnvironment(Map<String, String> value) {
        return new ExecRequest(command, value, cwd, uid, gid, stdin, stdout, stderr);
    }

    public ExecRequest withCwd(String value) {
        return new ExecRequest(command, environment, value, uid, gid, stdin, stdout, stderr);
    }

    public ExecRequest withUser(int newUid, int newGid) {
        return new ExecRequest(command, environment, cwd, newUid, newGid, stdin, stdout, stderr);
    }

    public ExecRequest withStdio(Redirect in, Redirect out, Redirect err) {
        return new ExecRequest(command, environment, cwd, uid, gid, in, out, err);
    }
}
