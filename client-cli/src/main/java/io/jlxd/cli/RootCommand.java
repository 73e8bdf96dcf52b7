package io.jlxd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code jlxc} itself: the global options (inherited by every subcommand) and the usage when run alone. */
@Command(name = "jlxc", versionProvider = ClientVersion.class,
        description = "Command line client for jlxd, an LXD-compatible system container manager.",
        footer = {"", "Use \"jlxc COMMAND --help\" for more information about a command."})
public final class RootCommand implements Runnable {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public RootCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Print help")
    boolean help;

    @Option(names = "--version", versionHelp = true, description = "Print version number")
    boolean version;

    @Option(names = "--format", scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "Format (table|csv|json|yaml; lists take \",header\"/\",noheader\")")
    void setFormat(String format) {
        ctx.setFormat(format);
    }

    @Option(names = "--project", scope = ScopeType.INHERIT, paramLabel = "PROJECT",
            description = "Override the source project (default: the remote's current project)")
    void setProject(String project) {
        ctx.setProject(project);
    }

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "Don't show progress information")
    void setQuiet(boolean quiet) {
        ctx.setQuiet(quiet);
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Show stack traces of unexpected errors")
    void setDebug(boolean debug) {
        ctx.setDebug(debug);
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }
}
