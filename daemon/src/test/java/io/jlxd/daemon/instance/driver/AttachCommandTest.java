package io.jlxd.daemon.instance.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lxc-attach command line an exec becomes (no container needed). */
class AttachCommandTest {
    @Test
    void commandLine(@TempDir Path tmp) throws Exception {
        LxcContainerDriver d = new LxcContainerDriver(tmp.resolve("lxc"), LxcConfigTest.HYBRID,
                new LxcTools(Path.of("/usr/bin/lxc-start"), Path.of("/usr/bin/lxc-attach")), "WARN");
        String p = tmp.resolve("lxc").toString();
        assertEquals(List.of("/usr/bin/lxc-attach", "-n", "c1", "-P", p, "-o", "/dev/null", "--clear-env", "-u", "0", "-g", "0", "--", "echo", "hi"),
                d.attachCommand("c1", ExecRequest.of("echo", "hi")));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/bin");
        env.put("X", "a=b c");
        assertEquals(List.of("/usr/bin/lxc-attach", "-n", "c1", "-P", p, "-o", "/dev/null", "--clear-env", "-v", "PATH=/bin", "-v", "X=a=b c",
                "-u", "1000", "-g", "100", "--", "/bin/sh", "-c", "cd \"$1\" || exit 126; shift; exec \"$@\"", "jlxd-exec", "/home/u",
                "-x", "$HOME"),
                d.attachCommand("c1", ExecRequest.of("-x", "$HOME").withEnvironment(env).withCwd("/home/u").withUser(1000, 100)));
        assertEquals(d.attachCommand("c1", ExecRequest.of("pwd")), d.attachCommand("c1", ExecRequest.of("pwd").withCwd("/")));
    }

    @Test
    void requestValidation() {
        assertThrows(IllegalArgumentException.class, () -> ExecRequest.of());
        assertThrows(IllegalArgumentException.class, () -> ExecRequest.of("pwd").withCwd("relative"));
        assertThrows(IllegalArgumentException.class, () -> ExecRequest.of("pwd").withUser(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> ExecRequest.of("env").withEnvironment(Map.of("A=B", "x")));
    }
}
