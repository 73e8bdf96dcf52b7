package io.jlxd.daemon.instance.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlxd.daemon.instance.driver.DriverException.Kind;
import io.jlxd.daemon.lxc.LibLxc;
import io.jlxd.snapshots.Criu;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CRIU checkpoint and restore of real unprivileged busybox containers through {@link LxcContainerDriver}: with and
 * without stopping, a refused dump (the container keeps running) and a failed restore (the container stays
 * stopped, the images stay).
 */
@Timeout(120)
class LxcCheckpointTest {
    @TempDir
    Path tmp;
    LxcContainerDriver driver;
    final List<String> created = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(LibLxc.available(), "liblxc not installed");
        assumeTrue(Files.isExecutable(BusyboxRootfs.BUSYBOX), "busybox-static not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        assumeTrue(Criu.version().map(Criu::isSupported).orElse(false), "CRIU >= 4.2 not installed");
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
        }
        LiblxcContainerTest.removeLockDir(driver.lxcPath());
        driver.removeEmptyCgroupTops();
        assertTrue(problems.isEmpty(), problems.toString());
    }

    String started() throws Exception {
        return started(false, false);
    }

    String started(boolean privileged, boolean nesting) throws Exception {
        String name = "cr-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        created.add(name);
        Path root = BusyboxRootfs.build(tmp.resolve("rootfs-" + name));
        if (!privileged) {
            RootfsShifter.shift(root, RootfsShifter.IdShift.toHost(IdMap.DEFAULT));
        }
        driver.define(ContainerSpec.builder(name, root).idmap(privileged ? null : IdMap.DEFAULT).nesting(nesting)
                .haltSignal(ContainerSpec.HALT_BUSYBOX).build());
        driver.start(name);
        return name;
    }

    /** A stop/restore cycle keeping the counter; for the variants the checkpoint report has no blocker for. */
    void cycle(String name) throws Exception {
        String pid = startCounter(name);
        long before = count(name);
        Path images = tmp.resolve("state-" + name);
        driver.checkpoint(name, images, true);
        assertEquals(ContainerState.STOPPED, driver.state(name));
        driver.restore(name, images);
        assertEquals(pid, run(name, "cat /tmp/pid"));
        Thread.sleep(100);
        assertTrue(count(name) > before);
    }

    @Test
    void privilegedContainer() throws Exception {
        cycle(started(true, false));
    }

    @Test
    void nestingContainer() throws Exception {
        cycle(started(false, true));
    }

    String run(String name, String script) throws Exception {
        ExecProcess p = driver.exec(name, ExecRequest.of("sh", "-c", script));
        p.process().getOutputStream().close();
        String out = new String(p.process().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.process().getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> script + ": " + err);
        return out.strip();
    }

    /** A shell counting in memory (written to /tmp/count); returns its pid in the container. */
    String startCounter(String name) throws Exception {
        run(name, "setsid sh -c 'echo $$ >/tmp/pid; i=0; while true; do i=$((i+1)); echo $i >/tmp/count; sleep 0.05; done' "
                + "</dev/null >/dev/null 2>&1 &");
        for (int i = 0; i < 100 && run(name, "cat /tmp/count 2>/dev/null || echo 0").equals("0"); i++) {
            Thread.sleep(20);
        }
        return run(name, "cat /tmp/pid");
    }

    /** The counter's last value (the shell truncates /tmp/count before it writes it: retry an empty read). */
    long count(String name) throws Exception {
        for (int i = 0; ; i++) {
            String v = run(name, "cat /tmp/count");
            if (!v.isEmpty() || i == 20) {
                return Long.parseLong(v);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void checkpointStopThenRestoreKeepsMemory() throws Exception {
        String name = started();
        String pid = startCounter(name);
        Thread.sleep(300);
        Path images = tmp.resolve("state-" + name);
        long t0 = System.nanoTime();
        driver.checkpoint(name, images, true);
        System.out.printf("TIMING checkpoint --stop busybox: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals(ContainerState.STOPPED, driver.state(name));
        assertTrue(Files.isRegularFile(images.resolve("inventory.img")));
        assertTrue(new StaleCgroups(driver.cgroups(), driver.cgroupDirs()).find(name).isEmpty(), "cgroups cleared after the dump");
        String saved = Files.readString(tmp.resolve("rootfs-" + name).resolve("tmp/count")).strip();
        long before = saved.isEmpty() ? 0 : Long.parseLong(saved);

        long t1 = System.nanoTime();
        driver.restore(name, images);
        System.out.printf("TIMING restore busybox: %d ms%n", (System.nanoTime() - t1) / 1_000_000);
        assertEquals(ContainerState.RUNNING, driver.state(name));
        Thread.sleep(200);
        assertEquals(pid, run(name, "cat /tmp/pid"));
        assertTrue(run(name, "ls /proc").lines().anyMatch(pid::equals), "the counter's pid is alive");
        long after = count(name);
        assertTrue(after > before, after + " > " + before);

        // the restored monitor is lxc-checkpoint's own process, holding no descriptor of ours beyond 0-2
        int init = driver.initPid(name).orElseThrow();
        ProcessHandle monitor = LxcContainerDriver.monitorOf(init);
        assertTrue(monitor != null && monitor.isAlive());
        try (var fds = Files.list(Path.of("/proc/" + monitor.pid() + "/fd"))) {
            for (Path fd : fds.toList()) {
                String target = Files.readSymbolicLink(fd).toString();
                assertFalse(target.contains(".jar") || target.contains("surefire"), "monitor holds " + target);
            }
        }
        // and it behaves like any monitor: a normal stop works
        assertEquals(StopResult.KILLED, driver.stop(name, true, Duration.ZERO));
        assertTrue(new StaleCgroups(driver.cgroups(), driver.cgroupDirs()).find(name).isEmpty());
    }

    @Test
    void checkpointLeavingRunning() throws Exception {
        String name = started();
        startCounter(name);
        Path images = tmp.resolve("state-" + name);
        driver.checkpoint(name, images, false);
        assertEquals(ContainerState.RUNNING, driver.state(name));
        long a = count(name);
        Thread.sleep(200);
        assertTrue(count(name) > a, "still counting");
        assertTrue(Files.isRegularFile(images.resolve("inventory.img")));
        // restore from it after a stop: the counter comes back from the moment of the dump
        driver.stop(name, true, Duration.ZERO);
        driver.restore(name, images);
        assertEquals(ContainerState.RUNNING, driver.state(name));
        assertTrue(count(name) > 0);
    }

    @Test
    void refusedDumpLeavesContainerRunning() throws Exception {
        String name = started();
        startCounter(name);
        // a nested user namespace, which CRIU cannot dump
        run(name, "setsid unshare -U sleep 1000 </dev/null >/dev/null 2>&1 &");
        Thread.sleep(200);
        Path images = tmp.resolve("state-" + name);
        DriverException e = assertThrows(DriverException.class, () -> driver.checkpoint(name, images, true));
        System.out.println("refused: " + e.getMessage());
        assertEquals(Kind.FAILED, e.kind());
        assertTrue(e.getMessage().contains("criu:"), e.getMessage());
        assertEquals(ContainerState.RUNNING, driver.state(name));
        long a = count(name);
        Thread.sleep(200);
        assertTrue(count(name) > a, "the container's processes run on");
    }

    @Test
    void failedRestoreLeavesContainerStoppedAndImagesKept() throws Exception {
        String name = started();
        Path images = tmp.resolve("state-" + name);
        driver.checkpoint(name, images, true);
        // damage: the core image of init is gone (truncated page images make CRIU 4.2.1 hang, not fail)
        try (var s = Files.list(images)) {
            for (Path f : s.filter(x -> x.getFileName().toString().startsWith("core-")).toList()) {
                Files.delete(f);
            }
        }
        DriverException e = assertThrows(DriverException.class, () -> driver.restore(name, images));
        System.out.println("restore failed: " + e.getMessage());
        assertEquals(ContainerState.STOPPED, driver.state(name));
        assertTrue(Files.isRegularFile(images.resolve("inventory.img")));
        assertTrue(new StaleCgroups(driver.cgroups(), driver.cgroupDirs()).find(name).isEmpty(), "cgroups cleared");
        // and a fresh start still works
        driver.start(name);
        assertEquals("ok", run(name, "echo ok"));
        assertEquals(Kind.INVALID_STATE, assertThrows(DriverException.class, () -> driver.restore(name, images)).kind());
    }
}
