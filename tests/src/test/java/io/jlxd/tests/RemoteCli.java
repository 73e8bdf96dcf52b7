package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The real {@code jlxc} run with its own configuration directory ({@code JLXC_CONF}) and a local daemon
 * ({@code JLXD_DIR}), plus long-running jlxc processes (monitor, console) whose output is collected as it comes.
 */
final class RemoteCli {
    private final Path local;
    private final Path conf;

    private RemoteCli(Path local, Path conf) {
        this.local = local;
        this.conf = conf;
    }

    /** A client with a fresh, not yet existing configuration directory (jlxc creates it). */
    static RemoteCli fresh(Path localDataDir) {
        try {
            return new RemoteCli(localDataDir, Files.createTempDirectory("jlxc-conf-").resolve("jlxc"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path conf() {
        return conf;
    }

    Map<String, String> env() {
        return Map.of("JLXC_CONF", conf.toString());
    }

    Jlxc.Result run(String... args) {
        return Jlxc.runWithEnv(local, env(), null, args);
    }

    /** Runs with its own time limit (a live move of a systemd container on a loaded machine takes a while). */
    Jlxc.Result run(java.time.Duration timeout, String... args) {
        return Jlxc.runWithEnvTimed(local, env(), timeout, args);
    }

    Jlxc.Result runWithInput(String stdin, String... args) {
        return Jlxc.runWithEnv(local, env(), stdin, args);
    }

    /** Runs and asserts exit code 0. */
    Jlxc.Result ok(String... args) {
        Jlxc.Result r = run(args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    /** Runs and asserts exit code 1 with "Error: " and {@code expected} on stderr. */
    Jlxc.Result fails(String expected, String... args) {
        Jlxc.Result r = run(args);
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.stderr().startsWith("Error: ") && r.stderr().contains(expected), r::toString);
        return r;
    }

    /** The command line of jlxc under script(1), which gives it a pseudo-terminal. */
    List<String> underPty(String jlxcArgs) {
        String cmd = "JLXC_CONF='" + conf + "' JLXD_DIR='" + local + "' " + TestEnv.java() + " -jar " + TestEnv.cliJar()
                + " " + jlxcArgs;
        return List.of("script", "-qec", cmd, "/dev/null");
    }

    /** A jlxc process left running, its stdout and stderr collected together. */
    Running start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(TestEnv.java(), "-jar", TestEnv.cliJar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JLXD_DIR", local.toString());
        pb.environment().putAll(env());
        return new Running(pb.start());
    }

    /** Deletes (forced) every instance on each of {@code remotes} ("local:", "b:"). */
    void deleteAllInstances(String... remotes) {
        for (String remote : remotes) {
            run("list", remote, "--format", "csv", "-c", "n").stdout().lines().filter(l -> !l.isBlank())
                    .forEach(n -> run("delete", "--force", remote + n.strip()));
        }
    }

    void delete() {
        JlxdDaemon.deleteTree(conf.getParent());
    }

    static final class Running implements AutoCloseable {
        private final Process process;
        private final StringBuffer out = new StringBuffer();
        private final Thread reader;

        Running(Process process) {
            this.process = process;
            this.reader = Thread.ofPlatform().daemon().start(() -> {
                try (InputStream in = process.getInputStream()) {
                    byte[] b = new byte[4096];
                    int n;
                    while ((n = in.read(b)) > 0) {
                        out.append(new String(b, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
        }

        String output() {
            return out.toString();
        }

        void write(byte[] bytes) throws IOException {
            process.getOutputStream().write(bytes);
            process.getOutputStream().flush();
        }

        /** Runs {@code poke} every half second until {@code done} holds (or 60 s pass): no fixed sleeps in tests. */
        boolean await(BooleanSupplier done, Runnable poke) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!done.getAsBoolean()) {
                if (System.nanoTime() > deadline || !process.isAlive() && !done.getAsBoolean()) {
                    return done.getAsBoolean();
                }
                poke.run();
                Thread.sleep(500);
            }
            return true;
        }

        boolean alive() {
            return process.isAlive();
        }

        int waitFor(long seconds) throws InterruptedException {
            assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), this::output);
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            reader.join(5000);
        }
    }
}
