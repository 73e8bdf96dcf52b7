package io.jlxd.cli;

import io.jlxd.cli.client.JlxdClient;
import io.jlxd.cli.output.OutputFormat;
import io.jlxd.cli.remote.RemoteConfig;
import io.jlxd.cli.remote.Remotes;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.LinkedHashMap;
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
    /** --project: the project of this command, over the remote's current one. */
    private String project;
    /** The word after the command family on the command line (its subcommand, probably), or null. */
    private String subcommand;
    private RemoteConfig remotes;
    /** The remote this command works on, once an argument named one (or the default when asked first). */
    private String remote;
    private final Map<String, JlxdClient> clients = new LinkedHashMap<>();

    public CliContext(Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        this.env = env;
        this.in = in;
        this.out = out;
        this.err = err;
    }

    /**
     * The client for the remote this command works on: the one an argument named ({@link #target}), else the
     * default remote ({@code local}: {@code $JLXD_DIR/unix.socket}). Opened on first use.
     */
    public JlxdClient client() {
        if (remote == null) {
            remote = remotes().defaultRemote();
        }
        return client(remote);
    }

    /** The client for a configured remote, opened on first use. */
    public JlxdClient client(String name) {
        JlxdClient c = clients.get(name);
        if (c == null) {
            try {
                c = new JlxdClient(Remotes.transport(remotes(), name, env), "jlxc/" + ClientVersion.get())
                        .project(project != null ? project : remotes().project(name));
            } catch (IOException e) {
                throw new CliException(e.getMessage());
            }
            clients.put(name, c);
        }
        return c;
    }

    /** The client configuration ({@code $JLXC_CONF} or {@code ~/.config/jlxc}), read on first use. */
    public RemoteConfig remotes() {
        if (remotes == null) {
            try {
                remotes = RemoteConfig.load(RemoteConfig.directory(env));
            } catch (IOException e) {
                throw new CliException(e.getMessage());
            }
        }
        return remotes;
    }

    /**
     * Splits {@code [REMOTE:]NAME} and makes REMOTE (or the default remote) the one this command works on; returns
     * NAME (empty for {@code REMOTE:}). A command works on one remote: naming a second one is an error.
     */
    public String target(String raw) {
        Remotes.Ref ref = Remotes.parse(remotes(), raw);
        useRemote(ref.remote());
        return ref.name();
    }

    /** Like {@link #target} for a name that must be there: {@code REMOTE:} alone is an error. */
    public String instance(String raw) {
        String name = target(raw);
        if (name.isEmpty() && !raw.isEmpty()) { // "" itself goes on to the usual "name is required" checks
            throw new CliException("Missing name after \"" + raw + "\"");
        }
        return name;
    }

    /** Like {@link #target} for an optional first argument: only parsed when it has a ":" (lxc's [REMOTE:]). */
    public boolean remoteOnly(String raw) {
        if (raw == null || !raw.endsWith(":")) {
            return false;
        }
        String name = target(raw);
        if (!name.isEmpty()) {
            throw new CliException("Expected a remote (REMOTE:), got \"" + raw + "\"");
        }
        return true;
    }

    /** An optional {@code REMOTE:} argument of commands that take no name (list commands): anything else is an error. */
    public void remoteArgument(String raw) {
        if (raw != null && !remoteOnly(raw)) {
            throw new CliException("Expected a remote (REMOTE:), got \"" + raw + "\"");
        }
    }

    /**
     * A hint appended to an error: a 403 from an HTTPS remote means that it doesn't trust this client (any more).
     * Empty otherwise, and never fails.
     */
    String hint(Throwable ex) {
        if (!(ex instanceof io.jlxd.cli.client.ApiException api) || api.errorCode() != 403 || remote == null
                || remotes == null || !remotes.has(remote) || !remotes.require(remote).addr().startsWith("https:")) {
            return "";
        }
        return " (remote \"" + remote + "\" doesn't trust this client: its certificate was removed or restricted;"
                + " ask for a new token and add the remote again)";
    }

    /** Makes {@code name} the remote of this command. */
    public void useRemote(String name) {
        remotes().require(name);
        if (remote != null && !remote.equals(name)) {
            throw new CliException("This command works on one remote at a time (\"" + remote + "\" and \"" + name
                    + "\")");
        }
        remote = name;
    }

    /** The remote this command works on (the default remote when none was named). */
    public String remote() {
        return remote == null ? remotes().defaultRemote() : remote;
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

    void setProject(String project) {
        this.project = project;
    }

    /** The project of this command on its remote: --project, else the remote's current project, else default. */
    /** The project given with the global {@code --project}, null when none was. */
    public String projectGiven() {
        return project == null || project.isEmpty() ? null : project;
    }

    public String project() {
        return project != null && !project.isEmpty() ? project : remotes().project(remote());
    }

    /** Whether --project was given. */
    public boolean projectOption() {
        return project != null && !project.isEmpty();
    }

    void setQuiet(boolean quiet) {
        this.quiet = quiet;
    }

    void setSubcommand(String subcommand) {
        this.subcommand = subcommand;
    }

    /**
     * The word after the command family on the command line when it is not an option, or null: families build only
     * that subcommand when it names one (start-up time), see {@code commands/Subcommands}.
     */
    public String subcommand() {
        return subcommand;
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
        clients.values().forEach(JlxdClient::close);
        out.flush();
        err.flush();
    }
}
