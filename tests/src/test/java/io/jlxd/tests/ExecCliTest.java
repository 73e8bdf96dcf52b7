package io.jlxd.tests;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code jlxc exec} against a real busybox container: output, stdin, exit codes, env, cwd, user, errors. */
@Timeout(120)
class ExecCliTest extends DaemonTestBase {
    static final String C = "cli-ex";
    static String fingerprint;

    @BeforeAll
    static void container() throws Exception {
        Instances.openTempRoot(daemon);
        fingerprint = Instances.ok(given().contentType("application/octet-stream")
                .body(Files.readAllBytes(Instances.busyboxImage())).when().post("/1.0/images"))
                .get("metadata").get("fingerprint").asText();
        Instances.ok(Instances.create(Map.of("name", C, "source", Map.of("type", "image", "fingerprint", fingerprint))));
        Instances.ok(Instances.action(C, Map.of("action", "start")));
    }

    @AfterAll
    static void cleanUp() {
        Instances.cleanup(daemon);
    }

    @Test
    void outputAndExitCode() {
        Jlxc.Result r = Jlxc.run(daemon.dataDir(), "exec", C, "--", "sh", "-c", "echo out; echo err >&2; exit 5");
        assertEquals(5, r.exitCode(), r::toString);
        assertEquals("out\n", r.stdout(), r::toString);
        assertTrue(r.stderr().contains("err"), r::toString);
        assertEquals(127, Jlxc.run(daemon.dataDir(), "exec", C, "--", "no-such-command").exitCode());
    }

    @Test
    void stdinEnvCwdUser() {
        Jlxc.Result cat = Jlxc.runWithInput(daemon.dataDir(), "piped\ninput\n", "exec", C, "--", "cat");
        assertEquals("piped\ninput\n", cat.stdout(), cat::toString);
        Jlxc.Result env = Jlxc.run(daemon.dataDir(), "exec", C, "--env", "FOO=bar", "--cwd", "/tmp", "--user", "1000",
                "--group", "1000", "--", "sh", "-c", "echo $FOO $(pwd) $(id -u) $(id -g)");
        assertEquals("bar /tmp 1000 1000\n", env.stdout(), env::toString);
        Jlxc.Result tty = Jlxc.run(daemon.dataDir(), "exec", C, "-T", "--", "sh", "-c", "tty -s || echo no-tty");
        assertEquals("no-tty\n", tty.stdout(), tty::toString);
    }

    /** Under a real terminal (script(1) allocates a pty): the command gets one of the local size; exit code kept. */
    @Test
    void interactiveWhenStdinIsATerminal() throws Exception {
        String jlxc = TestEnv.java() + " -jar " + TestEnv.cliJar();
        ProcessBuilder pb = new ProcessBuilder("script", "-qec",
                "stty rows 33 cols 111; " + jlxc + " exec " + C + " -- sh -c 'tty -s && echo IS-TTY; stty size; exit 4'", "/dev/null")
                .redirectInput(ProcessBuilder.Redirect.PIPE).redirectErrorStream(true);
        pb.environment().put("JLXD_DIR", daemon.dataDir().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace("\r", "");
        assertEquals(4, p.waitFor(), out);
        assertTrue(out.contains("IS-TTY\n33 111\n"), out);
    }

    @Test
    void errors() {
        Jlxc.Result missing = Jlxc.run(daemon.dataDir(), "exec", "nope", "--", "true");
        assertEquals(1, missing.exitCode(), missing::toString);
        assertTrue(missing.stderr().startsWith("Error: "), missing::toString);
        Jlxc.Result badEnv = Jlxc.run(daemon.dataDir(), "exec", C, "--env", "NOEQUALS", "--", "true");
        assertTrue(badEnv.exitCode() != 0 && badEnv.stderr().contains("KEY=VALUE"), badEnv::toString);
    }
}
