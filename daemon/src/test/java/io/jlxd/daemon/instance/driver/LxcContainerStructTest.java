package io.jlxd.daemon.instance.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks {@link LxcContainerStruct} against the installed liblxc header: compiles a C program printing
 * {@code offsetof} of every member the driver calls and compares. Needs gcc and lxc-dev
 * ({@code /usr/include/lxc/lxccontainer.h}); skipped without them.
 */
class LxcContainerStructTest {
    static final String PROGRAM = """
            #include <stdio.h>
            #include <stddef.h>
            #include <lxc/lxccontainer.h>
            #define P(m) printf("%s=%zu\\n", #m, offsetof(struct lxc_container, m))
            int main(void) {
              printf("sizeof=%zu\\n", sizeof(struct lxc_container));
              P(error_string); P(error_num); P(is_defined); P(state); P(is_running); P(freeze); P(unfreeze);
              P(init_pid); P(load_config); P(stop); P(set_config_item); P(save_config); P(shutdown);
              P(clear_config_item); P(get_config_item); P(get_running_config_item); P(console_getfd);
              return 0;
            }
            """;

    @Test
    void offsetsMatchTheHeader(@TempDir Path dir) throws IOException, InterruptedException {
        assumeTrue(Files.exists(Path.of("/usr/include/lxc/lxccontainer.h")), "lxc-dev not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc not installed");
        Path src = dir.resolve("offsets.c");
        Files.writeString(src, PROGRAM);
        Path bin = dir.resolve("offsets");
        Process cc = new ProcessBuilder("/usr/bin/gcc", "-o", bin.toString(), src.toString()).redirectErrorStream(true).start();
        String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, cc.waitFor(), ccOut);
        Process run = new ProcessBuilder(bin.toString()).start();
        Map<String, Long> got = new LinkedHashMap<>();
        for (String line : new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            String[] kv = line.split("=");
            got.put(kv[0], Long.parseLong(kv[1]));
        }
        assertEquals(0, run.waitFor());
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("sizeof", LxcContainerStruct.SIZE);
        expected.put("error_string", LxcContainerStruct.ERROR_STRING);
        expected.put("error_num", LxcContainerStruct.ERROR_NUM);
        expected.put("is_defined", LxcContainerStruct.IS_DEFINED);
        expected.put("state", LxcContainerStruct.STATE);
        expected.put("is_running", LxcContainerStruct.IS_RUNNING);
        expected.put("freeze", LxcContainerStruct.FREEZE);
        expected.put("unfreeze", LxcContainerStruct.UNFREEZE);
        expected.put("init_pid", LxcContainerStruct.INIT_PID);
        expected.put("load_config", LxcContainerStruct.LOAD_CONFIG);
        expected.put("stop", LxcContainerStruct.STOP);
        expected.put("set_config_item", LxcContainerStruct.SET_CONFIG_ITEM);
        expected.put("save_config", LxcContainerStruct.SAVE_CONFIG);
        expected.put("shutdown", LxcContainerStruct.SHUTDOWN);
        expected.put("clear_config_item", LxcContainerStruct.CLEAR_CONFIG_ITEM);
        expected.put("get_config_item", LxcContainerStruct.GET_CONFIG_ITEM);
        expected.put("get_running_config_item", LxcContainerStruct.GET_RUNNING_CONFIG_ITEM);
        expected.put("console_getfd", LxcContainerStruct.CONSOLE_GETFD);
        assertEquals(expected, got);
    }
}
