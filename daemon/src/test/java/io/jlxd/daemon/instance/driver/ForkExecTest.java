package io.jlxd.daemon.instance.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The helper's command line from a container's LXC config (no container needed). */
class ForkExecTest {
    private static final ForkExec F = new ForkExec(Path.of("/h/jlxd-forkexec"));

    @Test
    void commandCarriesSeccompCapsIdsCwdAndEnvironment() {
        List<String> config = List.of("lxc.uts.name = c1", "lxc.seccomp.profile = /d/c1/seccomp",
                "lxc.cap.drop = mac_admin sys_module", "# lxc.cap.keep = x", "lxc.cap.drop = sys_rawio");
        ExecRequest r = ExecRequest.of("ls", "-l").withUser(1000, 100).withCwd("/tmp").withEnvironment(Map.of("A", "b c"));
        assertEquals(Optional.of(List.of("/h/jlxd-forkexec", "--pid", "42", "--uid", "1000", "--gid", "100",
                "--seccomp", "/d/c1/seccomp", "--cap-drop", "mac_admin,sys_module,sys_rawio", "--cwd", "/tmp",
                "--env", "A=b c", "--", "ls", "-l")), F.command(42, config, r));
        // an empty lxc.cap.drop clears the drops before it
        assertEquals(Optional.of(List.of("/h/jlxd-forkexec", "--pid", "1", "--uid", "0", "--gid", "0", "--", "true")),
                F.command(1, List.of("lxc.cap.drop = sys_time", "lxc.cap.drop ="), ExecRequest.of("true")));
    }

    @Test
    void keysTheHelperDoesNotApplyFallBackToLxcAttach() {
        for (String line : List.of("lxc.cap.keep = sys_admin", "lxc.no_new_privs = 1", "lxc.prlimit.nofile = 10",
                "lxc.apparmor.profile = x", "lxc.environment = A=b", "lxc.cap.drop = 21")) {
            assertTrue(F.command(1, List.of("lxc.uts.name = c", line), ExecRequest.of("true")).isEmpty(), line);
        }
    }
}
