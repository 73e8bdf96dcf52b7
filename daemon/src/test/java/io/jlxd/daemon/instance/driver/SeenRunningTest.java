package io.jlxd.daemon.instance.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decision of {@link SeenRunning} on files laid out like {@code /proc} and the cgroup hierarchies (the driver's
 * tests and the e2e suite run it against real containers).
 */
class SeenRunningTest {
    @TempDir
    Path tmp;

    private static String stat(int pid, String comm, String state, int ppid, long start) {
        StringBuilder sb = new StringBuilder().append(pid).append(" (").append(comm).append(") ").append(state).append(' ').append(ppid);
        for (int field = 5; field <= 21; field++) {
            sb.append(" 0");
        }
        return sb.append(' ').append(start).append(" 100 200 300\n").toString();
    }

    @Test
    void parsesStartTimeAndParentAfterTheLastParenthesis() {
        SeenRunning.Init i = SeenRunning.parse(42, stat(42, "a) (b", "S", 7, 123456));
        assertEquals(new SeenRunning.Init(42, 123456, 7), i);
        assertNull(SeenRunning.parse(42, stat(42, "init", "Z", 7, 1)), "a zombie is no running init");
        assertNull(SeenRunning.parse(42, "42 (init) S 1"), "truncated");
    }

    @Test
    void readsThisProcess() {
        SeenRunning.Init me = new SeenRunning(null, new CgroupDirs("jlxd-test"), Path.of("/proc")).read((int) ProcessHandle.current().pid());
        assertNotNull(me);
        assertEquals(ProcessHandle.current().parent().orElseThrow().pid(), me.parent());
    }

    @Test
    void answersOnlyForTheSameThawedInit() throws Exception {
        Path proc = tmp.resolve("proc");
        Path freezer = tmp.resolve("freezer");
        CgroupDirs dirs = new CgroupDirs("jlxd-test");
        Path cg = Files.createDirectories(freezer.resolve(dirs.container("c1")));
        Files.writeString(cg.resolve("freezer.state"), "THAWED\n");
        Files.createDirectories(proc.resolve("100"));
        Files.writeString(proc.resolve("100/stat"), stat(100, "init", "S", 99, 5000));
        SeenRunning seen = new SeenRunning(new CgroupLayout(Map.of("freezer", freezer), null, Set.of()), dirs, proc);

        assertEquals(-1, seen.runningInit("c1"), "nothing recorded yet: ask liblxc");
        seen.running("c1", 100);
        assertEquals(100, seen.runningInit("c1"));

        Files.writeString(cg.resolve("freezer.state"), "FREEZING\n");
        assertEquals(-1, seen.runningInit("c1"), "freezing: ask liblxc");
        Files.writeString(cg.resolve("freezer.state"), "THAWED\n");
        assertEquals(-1, seen.runningInit("c1"), "a miss forgets the entry");

        seen.running("c1", 100);
        Files.writeString(proc.resolve("100/stat"), stat(100, "init", "S", 99, 6000));
        assertEquals(-1, seen.runningInit("c1"), "the pid was recycled by another process");

        Files.writeString(proc.resolve("100/stat"), stat(100, "init", "S", 99, 5000));
        seen.running("c1", 100);
        Files.writeString(proc.resolve("100/stat"), stat(100, "init", "S", 1, 5000));
        assertEquals(-1, seen.runningInit("c1"), "the monitor is gone (re-parented)");

        Files.writeString(proc.resolve("100/stat"), stat(100, "init", "S", 99, 5000));
        seen.running("c1", 100);
        Files.delete(proc.resolve("100/stat"));
        assertEquals(-1, seen.runningInit("c1"), "the init is gone");

        Files.writeString(proc.resolve("100/stat"), stat(100, "init", "S", 99, 5000));
        seen.running("c1", 100);
        seen.forget("c1");
        assertEquals(-1, seen.runningInit("c1"));
    }

    @Test
    void cgroup2FreezerIsReadFromCgroupEvents() throws Exception {
        Path proc = tmp.resolve("proc");
        Path root = tmp.resolve("unified");
        CgroupDirs dirs = new CgroupDirs("jlxd-test");
        Path cg = Files.createDirectories(root.resolve(dirs.container("c2")));
        Files.writeString(cg.resolve("cgroup.events"), "populated 1\nfrozen 0\n");
        Files.createDirectories(proc.resolve("200"));
        Files.writeString(proc.resolve("200/stat"), stat(200, "systemd", "S", 199, 7000));
        SeenRunning seen = new SeenRunning(new CgroupLayout(Map.of(), root, Set.of("memory", "pids")), dirs, proc);
        seen.running("c2", 200);
        assertEquals(200, seen.runningInit("c2"));
        Files.writeString(cg.resolve("cgroup.events"), "populated 1\nfrozen 1\n");
        assertEquals(-1, seen.runningInit("c2"));
    }
}
