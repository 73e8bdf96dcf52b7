package io.jlxd.daemon.log;

import io.jlxd.api.Event;
import io.jlxd.daemon.events.EventBus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Logging for the daemon (java.util.logging): one line per record to stderr and to the log file, and every record
 * as a {@code logging} event for {@code jlxc monitor --type logging}.
 */
public final class Logs {
    /** Strong references: java.util.logging forgets the level of a logger nobody holds. */
    private static final Logger HELIDON = Logger.getLogger("io.helidon");
    private static final Logger FLYWAY = Logger.getLogger("org.flywaydb");
    private static final Logger JLXD = Logger.getLogger("io.jlxd");

    private Logs() {
    }

    public static void setup(Path file, boolean verbose) throws IOException {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level level = verbose ? Level.FINE : Level.INFO;
        root.setLevel(Level.INFO);
        JLXD.setLevel(level);
        Formatter f = new LineFormatter();
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(f);
        console.setLevel(level);
        root.addHandler(console);
        RotatingFileHandler fh = new RotatingFileHandler(file, 10 * 1024 * 1024);
        fh.setFormatter(f);
        fh.setLevel(level);
        root.addHandler(fh);
        HELIDON.setLevel(verbose ? Level.INFO : Level.WARNING);
        FLYWAY.setLevel(verbose ? Level.INFO : Level.WARNING);
    }

    /** Publishes log records as events once the bus exists. */
    public static void toEvents(EventBus bus) {
        Logger.getLogger("").addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (!bus.hasSubscribers(Event.LOGGING)) {
                    return;
                }
                bus.publish(Event.LOGGING, Map.of("message", message(r), "level", level(r.getLevel()),
                        "context", Map.of("logger", String.valueOf(r.getLoggerName()))));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    static String level(Level l) {
        if (l.intValue() >= Level.SEVERE.intValue()) {
            return "error";
        }
        if (l.intValue() >= Level.WARNING.intValue()) {
            return "warning";
        }
        return l.intValue() >= Level.INFO.intValue() ? "info" : "debug";
    }

    static String message(LogRecord r) {
        String msg = r.getMessage() == null ? "" : r.getMessage();
        if (r.getParameters() != null && r.getParameters().length > 0) {
            try {
                msg = java.text.MessageFormat.format(msg, r.getParameters());
            } catch (IllegalArgumentException e) {
                // keep the raw message
            }
        }
        return msg;
    }

    /** "2026-11-25T06:00:00.123Z INFO  message [logger]". */
    static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder();
            sb.append(Instant.ofEpochMilli(r.getMillis())).append(' ')
                    .append(String.format("%-8s", level(r.getLevel()).toUpperCase())).append(message(r));
            String logger = r.getLoggerName() == null ? "" : r.getLoggerName();
            sb.append(" [").append(logger.substring(logger.lastIndexOf('.') + 1)).append("]\n");
            if (r.getThrown() != null) {
                StringWriter sw = new StringWriter();
                r.getThrown().printStackTrace(new PrintWriter(sw));
                sb.append(sw);
            }
            return sb.toString();
        }
    }
}
