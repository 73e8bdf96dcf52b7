package io.jlxd.daemon.instance.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlxd.daemon.instance.driver.DriverException.Kind;
import io.jlxd.daemon.instance.driver.RootfsShifter.IdShift;
import io.jlxd.daemon.lxc.LibLxc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real containers on the real liblxc: busybox rootfs built from the host's busybox-static, unprivileged (idmap
 * 1000000, shifted rootfs) and privileged. Every container is stopped and deleted after each test, and its cgroups
 * and lock file are checked gone, also when the test failed.
 */
@Timeout(60)
class LxcContainerDriverTest {
    static final long MEMORY = 128L << 20;
    static final long PIDS = 64;

    @TempDir
    Path tmp;
    LxcContainerDriver driver;
    final List<String> created = new ArrayList<>();

    /** Output of a finished exec. */
    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(LibLxc.available(), "liblxc not installed");
        assumeTrue(Files.isExecutable(BusyboxRootfs.BUSYBOX), "busybox-static not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        // an unprivileged container's root (1000000) must traverse down to its rootfs: JUnit makes tmp 0700
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx--x--x"));
        driver = new LxcContainerDriver(tmp.resolve("containers"), CgroupLayout.detect(), LxcTools.detect(), "INFO");
    }

    @AfterEach
    void cleanUp() throws Exception {
        List<String> problems = new ArrayList<>();
        StaleCgroups cgroups = new StaleCgroups(driver.cgroups(), driver.cgroupDirs());
        for (String name : created) {
            try {
                if (driver.exists(name)) {
                    driver.stop(name, true, Duration.ZERO);
                    driver.delete(name);
                }
            } catch (DriverException e) {
                problems.add(name + ": " + e.getMessage());
            }
            if (!cgroups.find(name).isEmpty()) {
                problems.add(name + ": cgroups left " + cgroups.remove(name) + " " + cgroups.find(name));
            }
            if (Files.exists(driver.lockFile(name))) {
                problems.add(name + ": lock file left");
            }
            if (Files.exists(driver.containerDir(name))) {
                problems.add(name + ": directory left");
            }
        }
        LiblxcContainerTest.removeLockDir(driver.lxcPath());
        driver.removeEmptyCgroupTops();
        assertTrue(problems.isEmpty(), problems.toString());
    }

    String newName() {
        String name = "jt-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        created.add(name);
        return name;
    }

    Path rootfs(String name, IdMap map) throws Exception {
        Path root = BusyboxRootfs.build(tmp.resolve("rootfs-" + name));
        if (map != null) {
            RootfsShifter.Result r = RootfsShifter.shift(root, IdShift.toHost(map));
            System.out.printf("TIMING shift busybox rootfs (%d inodes): %d ms%n", r.inodes(), r.elapsed().toMillis());
        }
        return root;
    }

    Run run(String name, ExecRequest request) throws Exception {
        ExecProcess p = driver.exec(name, request);
        p.process().getOutputStream().close();
        String out = new String(p.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.process().getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out, err);
    }

    static String status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip();
            }
        }
        throw new AssertionError(field + " not in /proc/" + pid + "/status");
    }

    static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void unprivilegedContainerLifecycle() throws Exception {
        String name = newName();
        Path root = rootfs(name, IdMap.DEFAULT);
        driver.define(ContainerSpec.builder(name, root).idmap(IdMap.DEFAULT).haltSignal(ContainerSpec.HALT_BUSYBOX)
                .env("INIT_VAR", "from-spec").limits(Limits.NONE.withMemoryBytes(MEMORY).withProcesses(PIDS)).build());
        assertTrue(driver.exists(name));
        assertEquals(ContainerState.STOPPED, driver.state(name));

        long t0 = System.nanoTime();
        driver.start(name);
        System.out.printf("TIMING start to RUNNING (unprivileged): %d ms%n", ms(t0));
        assertEquals(ContainerState.RUNNING, driver.state(name));
        int pid = driver.initPid(name).orElseThrow();
        assertTrue(pid > 0);

        // init: pid 1 in its own pid namespace, root mapped to 1000000
        assertTrue(status(pid, "NSpid").matches(pid + "\\s+1"), status(pid, "NSpid"));
        assertTrue(status(pid, "Uid").startsWith("1000000"), status(pid, "Uid"));
        assertEquals(List.of("0", "1000000", "65536"), Arrays.asList(Files.readString(Path.of("/proc/" + pid + "/uid_map")).strip().split("\\s+")));
        assertEquals(List.of("0", "1000000", "65536"), Arrays.asList(Files.readString(Path.of("/proc/" + pid + "/gid_map")).strip().split("\\s+")));
        assertTrue(Files.readString(Path.of("/proc/" + pid + "/environ")).contains("INIT_VAR=from-spec"));

        // the monitor is lxc-start's process, not a copy of the JVM
        ProcessHandle monitor = LxcContainerDriver.monitorOf(pid);
        assertEquals(Path.of("/usr/bin/lxc-start"), Files.readSymbolicLink(Path.of("/proc/" + monitor.pid() + "/exe")));
        String cmdline = Files.readString(Path.of("/proc/" + monitor.pid() + "/cmdline")).replace('\0', ' ').strip();
        assertTrue(cmdline.startsWith("[lxc monitor] " + driver.lxcPath() + " " + name), cmdline);
        long rssKb = Long.parseLong(status(monitor.pid(), "VmRSS").split("\\s+")[0]);
        System.out.printf("monitor pid %d rss %d kB: %s%n", monitor.pid(), rssKb, cmdline);
        assertTrue(rssKb < 50 * 1024, "monitor RSS " + rssKb + " kB");

        // exec
        Run hi = run(name, ExecRequest.of("echo", "hi"));
        assertEquals(new Run(0, "hi\n", ""), hi);
        long[] rt = new long[7];
        for (int i = 0; i < rt.length; i++) {
            long t = System.nanoTime();
            assertEquals(0, run(name, ExecRequest.of("true")).exit());
            rt[i] = System.nanoTime() - t;
        }
        Arrays.sort(rt);
        System.out.printf("TIMING exec 'true' round trip: median %.1f ms (min %.1f)%n", rt[3] / 1e6, rt[0] / 1e6);
        assertEquals(3, run(name, ExecRequest.of("sh", "-c", "exit 3")).exit());
        assertEquals(127, run(name, ExecRequest.of("no-such-command")).exit());
        Run env = run(name, ExecRequest.of("env").withEnvironment(Map.of("FOO", "bar baz", "HOME", "/root")));
        List<String> vars = env.out().lines().sorted().toList();
        assertTrue(vars.contains("FOO=bar baz") && vars.contains("HOME=/root") && vars.contains("container=lxc"), vars.toString());
        assertTrue(vars.stream().noneMatch(v -> v.startsWith("JAVA_HOME=") || v.startsWith("MAVEN")), "daemon env leaked: " + vars);
        assertEquals("/\n", run(name, ExecRequest.of("pwd")).out());
        assertEquals("/tmp\n", run(name, ExecRequest.of("pwd").withCwd("/tmp")).out());
        assertEquals(126, run(name, ExecRequest.of("pwd").withCwd("/nonexistent")).exit());
        assertEquals("1000 1000\n", run(name, ExecRequest.of("sh", "-c", "echo $(id -u) $(id -g)").withUser(1000, 1000)).out());
        // only 0-2 cross into the container (3 is ls's own directory fd)
        assertEquals("0\n1\n2\n3\n", run(name, ExecRequest.of("ls", "/proc/self/fd")).out());
        // through jlxd-forkexec (the build puts it beside the classes): the container's cgroups, seccomp, user ns
        assertTrue(driver.tools().forkexec() != null, "jlxd-forkexec built into target/native");
        assertEquals("2\n", run(name, ExecRequest.of("sh", "-c", "grep ^Seccomp: /proc/self/status | cut -f2")).out());
        ExecProcess sleeper = driver.exec(name, ExecRequest.of("sleep", "100"));
        long cmd = sleeper.command(Duration.ofSeconds(5)).orElseThrow().pid();
        assertTrue(Files.readString(Path.of("/proc/" + cmd + "/cgroup")).contains(driver.cgroupDirs().container(name)),
                "the command is in the container's cgroups");
        assertEquals(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/user")), Files.readSymbolicLink(Path.of("/proc/" + cmd + "/ns/user")));
        assertEquals(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")), Files.readSymbolicLink(Path.of("/proc/" + cmd + "/ns/mnt")));
        assertTrue(status(cmd, "NSpid").matches(cmd + "\\s+\\d+"), "in the container's pid namespace: " + status(cmd, "NSpid"));
        sleeper.kill();

        // limits: the host cgroup files, and the pids cgroup mounted inside (busybox init mounts none itself)
        Path memory = driver.cgroups().v1().get("memory");
        Path pids = driver.cgroups().v1().get("pids");
        if (memory != null && pids != null) {
            assertEquals(Long.toString(MEMORY), Files.readString(memory.resolve(driver.cgroupDirs().container(name) + "/memory.limit_in_bytes")).strip());
            assertEquals(Long.toString(PIDS), Files.readString(pids.resolve(driver.cgroupDirs().container(name) + "/pids.max")).strip());
            Run inside = run(name, ExecRequest.of("sh", "-c",
                    "mkdir -p /tmp/cg && mount -t cgroup -o pids none /tmp/cg && cat /tmp/cg/pids.max; umount /tmp/cg"));
            assertEquals(new Run(0, PIDS + "\n", ""), inside);
        }

        // freeze / unfreeze
        long tf = System.nanoTime();
        driver.freeze(name);
        assertEquals(ContainerState.FROZEN, driver.state(name));
        System.out.printf("TIMING freeze: %d ms%n", ms(tf));
        DriverException frozen = assertThrows(DriverException.class, () -> driver.exec(name, ExecRequest.of("true")));
        assertEquals(Kind.INVALID_STATE, frozen.kind());
        driver.unfreeze(name);
        assertEquals(ContainerState.RUNNING, driver.state(name));
        assertEquals("hi\n", run(name, ExecRequest.of("echo", "hi")).out());

        // graceful stop through SIGUSR1: busybox init runs its shutdown action (~2 s of sleeps in busybox itself)
        long ts = System.nanoTime();
        assertEquals(StopResult.CLEAN, driver.stop(name, false, Duration.ofSeconds(10)));
        System.out.printf("TIMING graceful stop (busybox SIGUSR1): %d ms%n", ms(ts));
        assertEquals(ContainerState.STOPPED, driver.state(name));
        assertTrue(Files.exists(root.resolve(BusyboxRootfs.HALTED_MARKER)), "init ran its shutdown action");
        assertTrue(!monitor.isAlive() || LxcContainerDriver.isZombie(monitor.pid()), "monitor exited");
        assertTrue(new StaleCgroups(driver.cgroups(), driver.cgroupDirs()).find(name).isEmpty());
        assertTrue(driver.initPid(name).isEmpty());
        assertEquals(StopResult.ALREADY_STOPPED, driver.stop(name, false, Duration.ofSeconds(1)));

        // again, then a forced stop
        t0 = System.nanoTime();
        driver.start(name);
        System.out.printf("TIMING start to RUNNING (unprivileged, second): %d ms%n", ms(t0));
        long tk = System.nanoTime();
        assertEquals(StopResult.KILLED, driver.stop(name, true, Duration.ZERO));
        System.out.printf("TIMING forced stop: %d ms%n", ms(tk));
        assertEquals(ContainerState.STOPPED, driver.state(name));

        driver.delete(name);
        assertFalse(driver.exists(name));
        assertFalse(Files.exists(driver.containerDir(name)));
        assertFalse(Files.exists(driver.lockFile(name)));
        assertEquals(Kind.NOT_FOUND, assertThrows(DriverException.class, () -> driver.state(name)).kind());
    }

    @Test
    void privilegedContainer() throws Exception {
        String name = newName();
        Path root = rootfs(name, null);
        driver.define(ContainerSpec.builder(name, root).haltSignal(ContainerSpec.HALT_BUSYBOX)
                .limits(Limits.NONE.withMemoryBytes(MEMORY).withProcesses(PIDS)).build());
        long t0 = System.nanoTime();
        driver.start(name);
        System.out.printf("TIMING start to RUNNING (privileged): %d ms%n", ms(t0));
        int pid = driver.initPid(name).orElseThrow();
        assertTrue(status(pid, "Uid").startsWith("0\t"), status(pid, "Uid"));
        assertTrue(status(pid, "NSpid").matches(pid + "\\s+1"));
        assertEquals(List.of("0", "0", "4294967295"), Arrays.asList(Files.readString(Path.of("/proc/" + pid + "/uid_map")).strip().split("\\s+")));
        long capBnd = Long.parseUnsignedLong(status(pid, "CapBnd"), 16);
        assertEquals(0, capBnd & (1L << 16), "CAP_SYS_MODULE dropped");
        assertEquals("2", status(pid, "Seccomp"), "lxc's seccomp deny-list is loaded");
        assertEquals(new Run(0, "hi\n", ""), run(name, ExecRequest.of("echo", "hi")));
        assertEquals(3, run(name, ExecRequest.of("sh", "-c", "exit 3")).exit());
        // an exec'd command gets the container's capability drops and seccomp deny-list too
        String execCapBnd = run(name, ExecRequest.of("sh", "-c", "grep ^CapBnd: /proc/self/status | cut -f2")).out().strip();
        assertEquals(0, Long.parseUnsignedLong(execCapBnd, 16) & (1L << 16), "CAP_SYS_MODULE dropped for exec: " + execCapBnd);
        assertEquals("2\n", run(name, ExecRequest.of("sh", "-c", "grep ^Seccomp: /proc/self/status | cut -f2")).out());
        Path pids = driver.cgroups().v1().get("pids");
        if (pids != null) {
            assertEquals(Long.toString(PIDS), Files.readString(pids.resolve(driver.cgroupDirs().container(name) + "/pids.max")).strip());
        }

        assertEquals(Kind.INVALID_STATE, assertThrows(DriverException.class, () -> driver.start(name)).kind());
        assertEquals(Kind.INVALID_STATE, assertThrows(DriverException.class, () -> driver.delete(name)).kind());
        assertEquals(Kind.INVALID_STATE, assertThrows(DriverException.class, () -> driver.unfreeze(name)).kind());

        // freeze, then a graceful stop thaws first
        driver.freeze(name);
        assertEquals(StopResult.CLEAN, driver.stop(name, false, Duration.ofSeconds(10)));
        assertEquals(ContainerState.STOPPED, driver.state(name));
        driver.delete(name);
    }

    @Test
    void stopKillsWhenInitIgnoresTheHaltSignal() throws Exception {
        String name = newName();
        // SIGCONT asks busybox init for nothing: the timeout passes, then the container is killed
        driver.define(ContainerSpec.builder(name, rootfs(name, null)).haltSignal("SIGCONT").build());
        driver.start(name);
        long t = System.nanoTime();
        assertEquals(StopResult.KILLED, driver.stop(name, false, Duration.ofMillis(300)));
        long took = ms(t);
        assertTrue(took >= 300 && took < 5000, took + " ms");
        assertEquals(ContainerState.STOPPED, driver.state(name));
    }

    @Test
    void failedStartCarriesLiblxcErrorsAndLeavesNothing() throws Exception {
        String name = newName();
        driver.define(ContainerSpec.builder(name, rootfs(name, null)).init("/sbin/no-such-init").build());
        DriverException e = assertThrows(DriverException.class, () -> driver.start(name));
        assertEquals(Kind.FAILED, e.kind());
        assertTrue(e.getMessage().contains("Failed to exec \"/sbin/no-such-init\""), e.getMessage());
        assertEquals(ContainerState.STOPPED, driver.state(name));
        assertTrue(new StaleCgroups(driver.cgroups(), driver.cgroupDirs()).find(name).isEmpty(), "cgroups of the failed start removed");
    }

    @Test
    void killingAnExecKillsTheCommandInside() throws Exception {
        String name = newName();
        driver.define(ContainerSpec.builder(name, rootfs(name, IdMap.DEFAULT)).idmap(IdMap.DEFAULT).haltSignal(ContainerSpec.HALT_BUSYBOX).build());
        driver.start(name);
        ExecProcess p = driver.exec(name, ExecRequest.of("sleep", "1000"));
        ProcessHandle command = p.command(Duration.ofSeconds(5)).orElseThrow();
        // found as soon as lxc-attach forked it into the container; it execs sleep a moment later
        Path cmdline = Path.of("/proc/" + command.pid() + "/cmdline");
        for (int i = 0; i < 500 && !Files.readString(cmdline).startsWith("sleep"); i++) {
            Thread.sleep(10);
        }
        assertTrue(Files.readString(cmdline).startsWith("sleep"));
        assertEquals(2, status(command.pid(), "NSpid").split("\\s+").length, "in the container's pid namespace");
        p.kill();
        assertEquals(137, p.waitFor(), "lxc-attach reports the command's SIGKILL");
        assertFalse(command.isAlive(), "the command inside is gone, not re-parented");

        ExecProcess term = driver.exec(name, ExecRequest.of("sleep", "1000"));
        assertTrue(term.signal(15));
        assertEquals(128 + 15, term.waitFor());
    }

    @Test
    void unknownContainer() {
        assertFalse(driver.exists("jt-none"));
        for (DriverCall call : List.<DriverCall>of(
                () -> driver.start("jt-none"), () -> driver.stop("jt-none", true, Duration.ZERO), () -> driver.freeze("jt-none"),
                () -> driver.state("jt-none"), () -> driver.exec("jt-none", ExecRequest.of("true")), () -> driver.delete("jt-none"))) {
            assertEquals(Kind.NOT_FOUND, assertThrows(DriverException.class, call::run).kind());
        }
        assertThrows(IllegalArgumentException.class, () -> driver.state("../etc"));
    }

    interface DriverCall {
        void run() throws Exception;
    }
}
