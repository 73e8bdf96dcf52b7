package io.jlxd.api.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds and runs a host tool (criu, btrfs, nft...) for a short probe. The JVM is never forked: ProcessBuilder
 * spawns the tool directly.
 */
public final class Tool {
    private static final List<String> PATH = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");
    private static final Pattern VERSION = Pattern.compile("(\\d+\\.\\d+(?:\\.\\d+)?)");

    private Tool() {
    }

    /** The tool's absolute path, searching the usual system directories (the daemon's PATH may be minimal). */
    public static Optional<Path> find(String name) {
        return PATH.stream().map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    /** Runs the tool with arguments and returns its combined output, or empty if it is missing or fails. */
    public static Optional<String> output(String name, String... args) {
        Optional<Path> tool = find(name);
        if (tool.isEmpty()) {
            return Optional.empty();
        }
        String[] cmd = new String[args.length + 1];
        cmd[0] = tool.get().toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The first dotted version number in a tool's output ("btrfs-progs v6.2" gives "6.2"). */
    public static Optional<String> version(String output) {
        Matcher m = VERSION.matcher(output == null ? "" : output);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
