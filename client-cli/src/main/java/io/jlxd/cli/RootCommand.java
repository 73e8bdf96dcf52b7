package io.jlxd.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code jlxc} itself: the global options (inherited by every subcommand) and the usage when run alone. */
@Command(name = "jlxc", mixinStandardHelpOptions = true, versionProvider = ClientVersion.class,
        description = "Command line client for jlxd, an LXD-compatible system container manager.",
        footer = {"", "Use \"jlxc COMMAND --help\" for more information about a command."})
public final class RootCommand implements Runnable {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public RootCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Option(names = "--format", scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "Output format: table, csv, json or yaml for lists (\",header\"/\",noheader\" for table"
                    + " and csv); yaml or json for single objects")
    void setFormat(String format) {
        ctx.setFormat(format);
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
