package io.jlxd.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * LXD's own clients (Debian's {@code lxc} 5.0.2 from lxd-client, python3-pylxd) pointed at a {@link ContractProxy}
 * in front of a real jlxd: {@code LXD_DIR=<proxy dir> lxc ...}, {@code pylxd.Client(endpoint=<proxy socket>)}.
 * scripts/setup-host.sh installs both; without them the tests are skipped with the reason.
 */
final class LxdClients implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(120);

    final Path dir;        // LXD_DIR of the clients: holds the proxy's unix.socket
    final Path conf;       // LXD_CONF of lxc (its client config, never the user's)
    final ContractProxy proxy;

    private LxdClients(Path dir, ContractProxy proxy) {
        this.dir = dir;
        this.conf = dir.resolve("lxc-conf");
        this.proxy = proxy;
    }

    /** A proxy for {@code d} in a private directory next to the daemon's data directory. */
    static LxdClients start(JlxdDaemon d) {
        try {
            Path dir = Files.createDirectories(d.dataDir().resolveSibling("lxd-clients"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            return new LxdClients(dir, ContractProxy.start(dir.resolve("unix.socket"), d.socket()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void assumeInstalled(String binary, String pkg) {
        Assumptions.assumeTrue(Files.exists(Path.of(binary)), binary + " is not installed (Debian package "
                + pkg + ", scripts/setup-host.sh installs it)");
    }

    record Result(List<String> cmd, int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return String.join(" ", cmd) + " -> exit " + exitCode + "\n  stdout: " + stdout + "\n  stderr: " + stderr;
        }
    }

    /** Runs {@code lxc args} with stdin from {@code stdin} (null: /dev/null). */
    Result lxc(String stdin, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("lxc");
        cmd.addAll(List.of(args));
        return run(cmd, stdin, Map.of("LXD_DIR", dir.toString(), "LXD_CONF", conf.toString()));
    }

    /** Runs a command (the client) with extra environment; stdout and stderr captured in files. */
    Result run(List<String> cmd, String stdin, Map<String, String> env) {
        Path out = null;
        Path err = null;
        Path in = null;
        try {
            out = Files.createTempFile(dir, "out-", ".txt");
            err = Files.createTempFile(dir, "err-", ".txt");
            in = Files.createTempFile(dir, "in-", ".txt");
            Files.writeString(in, stdin == null ? "" : stdin, StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                            : ProcessBuilder.Redirect.from(in.toFile()));
            pb.environment().putAll(env);
            pb.environment().put("HOME", dir.toString());
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + TIMEOUT.toSeconds()
                        + " s\n  stdout: " + Files.readString(out) + "\n  stderr: " + Files.readString(err));
            }
            return new Result(List.copyOf(cmd), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            for (Path p : new Path[] {out, err, in}) {
                if (p != null) {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // temp file
                    }
                }
            }
        }
    }

    Result ok(String... args) {
        Result r = lxc(null, args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    Result okIn(String stdin, String... args) {
        Result r = lxc(stdin, args);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    /**
     * Makes the daemon (already serving this test's socket) an HTTPS remote of lxc, added with a trust token as
     * {@code name} and switched to as lxc's default remote: every later command goes over HTTPS with lxc's client
     * certificate (these exchanges do not pass the contract proxy).
     */
    void useHttpsRemote(String name) throws Exception {
        Trust.enableHttps();
        ok("remote", "add", name, Trust.encode(Trust.token("lxc-" + name, java.util.Map.of())));
        ok("remote", "switch", name);
        assertEquals(name, ok("remote", "get-default").stdout().trim());
    }

    /** Whether the test class {@code info} runs says so: an instance of it answers {@code viaSocket} (see the tests). */
    static <T> T instanceOf(org.junit.jupiter.api.TestInfo info, Class<T> type) throws Exception {
        var ctor = info.getTestClass().orElseThrow().getDeclaredConstructor();
        ctor.setAccessible(true);
        return type.cast(ctor.newInstance());
    }

    /** The contract violations since the last call (and forgets them). */
    List<String> takeViolations() {
        return proxy.drainViolations();
    }

    @Override
    public void close() throws IOException {
        proxy.close();
        JlxdDaemon.deleteTree(dir);
    }
}
