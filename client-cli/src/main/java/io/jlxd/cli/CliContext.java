package io.jlxd.cli;

import io.jlxd.cli.client.JlxdClient;
import io.jlxd.cli.client.UnixSocketTransport;
import io.jlxd.cli.output.OutputFormat;
import java.io.Console;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What every command shares: the environment, the standard streams, the global options and the (lazily opened)
 * API client. Commands get it in their constructor, so they can be run in-process by tests and the AOT training.
 */
public final class CliContext implements AutoCloseable {
    private final Map<String, String> env;
    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private String format;
    private boolean quiet;
    private boolean debug;
    private JlxdClient client;

    public CliContext(Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        this.env = env;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /** The client for the local daemon ({@code $JLXD_DIR/unix.socket}), opened on first use. */
    public JlxdClient client() {
        if (client == null) {
            client = new JlxdClient(UnixSocketTransport.fromEnvironment(env), "jlxc/" + ClientVersion.get());
        }
        return client;
    }

    /** An environment variable, or null. */
    public String env(String name) {
        return env.get(name);
    }

    public InputStream in() {
        return in;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    void setFormat(String format) {
        this.format = format;
    }

    void setQuiet(boolean quiet) {
        this.quiet = quiet;
    }

    void setDebug(boolean debug) {
        this.debug = debug;
    }

    public boolean quiet() {
        return quiet;
    }

    public boolean debug() {
        return debug || env.containsKey("JLXC_DEBUG");
    }

    /** The --format value as given, or null. */
    public String rawFormat() {
        return format;
    }

    /** The format of list commands: table unless --format says otherwise. */
    public OutputFormat listFormat() {
        return format == null ? OutputFormat.TABLE : OutputFormat.parse(format);
    }

    /** The format of commands that show one object: YAML (like lxc) or JSON. */
    public OutputFormat.Kind documentFormat() {
        if (format == null) {
            return OutputFormat.Kind.YAML;
        }
        OutputFormat.Kind kind = OutputFormat.parse(format).kind();
        if (kind != OutputFormat.Kind.YAML && kind != OutputFormat.Kind.JSON) {
            throw new CliException("Invalid format \"" + format + "\" for this command (yaml or json)");
        }
        return kind;
    }

    /** True when stdin is (probably) a terminal: lxc only reads "-" values from stdin when it is not. */
    public boolean interactive() {
        if (in != System.in) {
            return false;
        }
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        out.flush();
        err.flush();
    }
}
