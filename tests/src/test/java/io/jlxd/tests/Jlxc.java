package io.jlxd.tests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real CLI: {@code <jlxd.java> -jar <jlxc.jar> args...} with {@code JLXD_DIR=<datadir>}. */
public final class Jlxc {
    public static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The client configuration directory of runs that don't give one: never created. */
    static final Path NO_CONF = Path.of(System.getProperty("java.io.tmpdir"), "jlxc-tests-no-client-config");

    private Jlxc() {
    }

    /** Exit code, stdout and stderr of one run. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return String.join(" ", command) + "\n  exit " + exitCode + "\n  stdout: " + stdout + "\n  stderr: " + stderr;
        }
    }

    public static Result run(Path dataDir, String... args) {
        return run(dataDir, TIMEOUT, args);
    }

    public static Result run(Path dataDir, Duration timeout, String... args) {
        return run(dataDir, timeout, null, args);
    }

    /** Like {@link #run(Path, String...)} with {@code stdin} as the standard input (null: /dev/null). */
    public static Result runWithInput(Path dataDir, String stdin, String... args) {
        return run(dataDir, TIMEOUT, stdin, args);
    }

    /** Like {@link #runWithInput} with extra environment variables (e.g. {@code JLXC_CONF}); stdin may be null. */
    public static Result runWithEnv(Path dataDir, java.util.Map<String, String> env, String stdin, String... args) {
        return run(dataDir, TIMEOUT, stdin, env, args);
    }

    /** Like {@link #runWithEnv(Path, java.util.Map, String, String...)} with its own time limit (long moves). */
    public static Result runWithEnvTimed(Path dataDir, java.util.Map<String, String> env, Duration timeout, String... args) {
        return run(dataDir, timeout, null, env, args);
    }

    private static Result run(Path dataDir, Duration timeout, String stdin, String... args) {
        return run(dataDir, timeout, stdin, java.util.Map.of(), args);
    }

    private static Result run(Path dataDir, Duration timeout, String stdin, java.util.Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(TestEnv.java());
        cmd.add("-jar");
        cmd.add(TestEnv.cliJar().toString());
        cmd.addAll(List.of(args));
        Path out = null;
        Path err = null;
        Path in = null;
        try {
            if (stdin != null) {
                in = Files.createTempFile("jlxc-", ".stdin");
                Files.writeString(in, stdin, StandardCharsets.UTF_8);
            }
            out = Files.createTempFile("jlxc-", ".stdout");
            err = Files.createTempFile("jlxc-", ".stderr");
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(in != null ? in.toFile() : new java.io.File("/dev/null")));
            pb.environment().put("JLXD_DIR", dataDir.toString());
            // never the remotes of the user running the tests (~/.config/jlxc): a configuration that doesn't exist
            pb.environment().put("JLXC_CONF", NO_CONF.toString());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("jlxc " + String.join(" ", args) + " did not finish within " + timeout.toSeconds()
                        + " s\n  stdout: " + Files.readString(out) + "\n  stderr: " + Files.readString(err));
            }
            return new Result(List.copyOf(cmd.subList(3, cmd.size())), p.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
            deleteQuietly(in);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // temp file
            }
        }
    }
}
