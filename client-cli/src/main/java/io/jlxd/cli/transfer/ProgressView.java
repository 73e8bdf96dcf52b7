package io.jlxd.cli.transfer;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Progress of a transfer on stderr, from the operations' metadata: every key named {@code progress} or ending in
 * {@code _progress} (LXD's {@code fs_progress}, {@code criu_progress}...) is a stage; its value is LXD's text
 * ({@code "c1: 12.34MB (5.67MB/s)"}) or an object with {@code bytes} (or {@code processed}) and {@code rate} (bytes
 * per second, or {@code speed}) which is rendered the same way. The target's value of a stage wins over the
 * source's (what arrived rather than what left). On a terminal one line is rewritten in place ({@code \r}, then
 * erase to the end of the line) and cleared at the end, as lxc does; otherwise each change is a line of its own.
 */
public final class ProgressView {
    private final PrintStream err;
    private final boolean tty;
    private final boolean quiet;
    private final String label;
    private String shown;

    public ProgressView(PrintStream err, boolean tty, boolean quiet, String label) {
        this.err = err;
        this.tty = tty;
        this.quiet = quiet;
        this.label = label;
    }

    /** Whether file descriptor 2 of this process is a terminal (Linux: /proc/self/fd/2 is a tty or pty device). */
    public static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** Shows the progress in these metadata objects (nulls skipped) if it changed. */
    public void update(JsonNode... metadata) {
        String text = text(label, metadata);
        if (quiet || text == null || text.equals(shown)) {
            return;
        }
        shown = text;
        if (tty) {
            err.print("\r" + text + "\033[K");
        } else {
            err.println(text);
        }
        err.flush();
    }

    /** Ends the progress display: on a terminal the line is cleared. */
    public void done() {
        if (tty && shown != null && !quiet) {
            err.print("\r\033[K");
            err.flush();
        }
        shown = null;
    }

    /** A line of its own (a step of a move: "Stopping the source"...), ending any progress line first. */
    public void step(String text) {
        if (quiet) {
            return;
        }
        done();
        err.println(text);
        err.flush();
    }

    /** The text for these metadata objects, or null when they report no progress. */
    static String text(String label, JsonNode... metadata) {
        Map<String, String> stages = new LinkedHashMap<>();
        for (JsonNode m : metadata) {
            if (m == null || !m.isObject()) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (!key.equals("progress") && !key.endsWith("_progress")) {
                    continue;
                }
                String value = value(e.getValue());
                if (value != null && !value.isEmpty()) {
                    String stage = key.equals("progress") ? "" : key.substring(0, key.length() - "_progress".length());
                    stages.remove(stage); // keep the order of the latest report
                    stages.put(stage, value);
                }
            }
        }
        if (stages.isEmpty()) {
            return null;
        }
        if (stages.size() == 1) {
            return (label == null ? "" : label + ": ") + stages.values().iterator().next();
        }
        List<String> parts = new ArrayList<>();
        stages.forEach((stage, value) -> parts.add(stage.isEmpty() ? value : stage + " " + value));
        return (label == null ? "" : label + ": ") + String.join(", ", parts);
    }

    private static String value(JsonNode v) {
        if (v.isTextual() || v.isNumber()) {
            return v.asText();
        }
        if (v.isObject()) {
            JsonNode bytes = v.has("bytes") ? v.get("bytes") : v.get("processed");
            if (bytes == null || !bytes.canConvertToLong()) {
                return null;
            }
            StringBuilder s = new StringBuilder();
            if (v.hasNonNull("name")) {
                s.append(v.get("name").asText()).append(": ");
            }
            s.append(size(bytes.asLong()));
            if (v.hasNonNull("total") && v.get("total").asLong() > 0) {
                s.append(" of ").append(size(v.get("total").asLong()));
            }
            JsonNode rate = v.has("rate") ? v.get("rate") : v.get("speed");
            if (rate != null && rate.canConvertToLong()) {
                s.append(" (").append(size(rate.asLong())).append("/s)");
            }
            return s.toString();
        }
        return null;
    }

    /** LXD's progress units: decimal, two decimals ("12.34MB"). */
    static String size(long bytes) {
        String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? bytes + "B" : String.format(Locale.ROOT, "%.2f%s", v, units[u]);
    }
}
