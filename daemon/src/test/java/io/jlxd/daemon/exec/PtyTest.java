package io.jlxd.daemon.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A real pty pair: a host process on the slave sees a terminal of the size set on the master. */
@Timeout(20)
class PtyTest {
    @Test
    void commandOnSlaveSeesTerminalAndSize() throws Exception {
        try (Pty pty = Pty.open(100, 40)) {
            assertTrue(pty.slave().toString().startsWith("/dev/pts/"));
            assertArrayEquals(new int[] {100, 40}, pty.size());
            pty.resize(120, 50);
            assertArrayEquals(new int[] {120, 50}, pty.size());
            // the child opens the slave itself (as the driver does)
            Process p = new ProcessBuilder("/bin/sh", "-c", "exec \"$@\" <\"$0\" >\"$0\" 2>&1", pty.slave().toString(),
                    "/bin/sh", "-c", "tty -s && echo TTY-OK; stty size; read line; echo got=$line").start();
            pty.write("hello\n".getBytes(StandardCharsets.UTF_8), 0, 6);
            StringBuilder out = new StringBuilder();
            byte[] buf = new byte[4096];
            int n;
            while ((n = pty.read(buf)) > 0) {
                out.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            assertEquals(0, p.waitFor());
            String s = out.toString();
            assertTrue(s.contains("TTY-OK"), s);
            assertTrue(s.contains("50 120"), s);
            assertTrue(s.contains("got=hello"), s);
        }
    }
}
