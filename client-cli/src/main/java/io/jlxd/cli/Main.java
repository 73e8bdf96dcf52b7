package io.jlxd.cli;

import io.jlxd.cli.client.ApiException;
import io.jlxd.cli.commands.ConfigCommand;
import io.jlxd.cli.commands.InfoCommand;
import io.jlxd.cli.commands.MonitorCommand;
import io.jlxd.cli.commands.OperationCommand;
import io.jlxd.cli.commands.QueryCommand;
import io.jlxd.cli.commands.VersionCommand;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Entry point of {@code jlxc}. Builds the command tree (new command families are added in {@link #commands}),
 * runs it, and maps failures to lxc's conventions: {@code Error: <message>} on stderr, exit code 1, usage errors 2.
 */
public final class Main {
    public static final int EXIT_ERROR = 1;
    public static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 14),
                false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = run(args, System.getenv(), System.in, out, err);
        System.exit(code);
    }

    /** Runs one command line with the given environment and streams; returns the exit code. */
    public static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        try (CliContext ctx = new CliContext(env, in, out, err)) {
            return commandLine(ctx).execute(args);
        }
    }

    /** The command families, in the order "jlxc --help" lists them. */
    static List<Object> commands(CliContext ctx) {
        return List.of(
                new ConfigCommand(ctx),
                new InfoCommand(ctx),
                new MonitorCommand(ctx),
                new OperationCommand(ctx),
                new QueryCommand(ctx),
                new VersionCommand(ctx));
    }

    static CommandLine commandLine(CliContext ctx) {
        CommandLine cl = new CommandLine(new RootCommand(ctx));
        for (Object command : commands(ctx)) {
            cl.addSubcommand(command);
        }
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        cl.setOut(new PrintWriter(ctx.out(), true));
        cl.setErr(new PrintWriter(ctx.err(), true));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            ctx.out().flush();
            ctx.err().println("Error: " + message(ex));
            if (ctx.debug()) {
                ex.printStackTrace(ctx.err());
            }
            return EXIT_ERROR;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("Error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return EXIT_USAGE;
        });
        return cl;
    }

    /** What the user sees for a failure: the server's or our message, or the exception for real bugs. */
    static String message(Throwable ex) {
        if (ex instanceof CliException || ex instanceof ApiException
                || (ex instanceof IOException && ex.getMessage() != null)) {
            return ex.getMessage();
        }
        return ex.toString();
    }
}
