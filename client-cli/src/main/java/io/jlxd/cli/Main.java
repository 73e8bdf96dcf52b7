package io.jlxd.cli;

import io.jlxd.cli.client.ApiException;
import io.jlxd.cli.commands.ConfigCommand;
import io.jlxd.cli.commands.ConsoleCommand;
import io.jlxd.cli.commands.CopyCommand;
import io.jlxd.cli.commands.RestoreCommand;
import io.jlxd.cli.commands.SnapshotCommand;
import io.jlxd.cli.commands.DeleteCommand;
import io.jlxd.cli.commands.ExecCommand;
import io.jlxd.cli.commands.FileCommand;
import io.jlxd.cli.commands.ImageCommand;
import io.jlxd.cli.commands.InfoCommand;
import io.jlxd.cli.commands.InitCommand;
import io.jlxd.cli.commands.LaunchCommand;
import io.jlxd.cli.commands.ListCommand;
import io.jlxd.cli.commands.MonitorCommand;
import io.jlxd.cli.commands.MoveCommand;
import io.jlxd.cli.commands.OperationCommand;
import io.jlxd.cli.commands.PauseCommand;
import io.jlxd.cli.commands.ProfileCommand;
import io.jlxd.cli.commands.ProjectCommand;
import io.jlxd.cli.commands.QueryCommand;
import io.jlxd.cli.commands.RemoteCommand;
import io.jlxd.cli.commands.RenameCommand;
import io.jlxd.cli.commands.RestartCommand;
import io.jlxd.cli.commands.StartCommand;
import io.jlxd.cli.commands.StopCommand;
import io.jlxd.cli.commands.NetworkCommand;
import io.jlxd.cli.commands.StorageCommand;
import io.jlxd.cli.commands.VersionCommand;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * Entry point of {@code jlxc}. Builds the command tree (new command families are added to {@link #FAMILIES}),
 * runs it, and maps failures to lxc's conventions: {@code Error: <message>} on stderr, exit code 1, usage errors 2.
 */
public final class Main {
    public static final int EXIT_ERROR = 1;
    public static final int EXIT_USAGE = 2;

    static {
        // Start-up time: picocli's default factory otherwise looks for Groovy's Closure class (a failing lookup over
        // every jar of the class path), and its interpreter loads and reflects on converters for java.sql and
        // java.time types at every start; no jlxc option has such a type.
        System.setProperty("picocli.disable.closures", "true");
        System.setProperty("picocli.converters.excludes", "java\\.(sql|time)\\..*");
    }

    private Main() {
    }

    /**
     * The command families by name, in the order "jlxc --help" lists them. Add new families (instances, images,
     * storage...) here: each is a picocli {@code @Command} class constructed with the {@link CliContext}.
     */
    static final Map<String, Function<CliContext, Object>> FAMILIES = families();

    private static Map<String, Function<CliContext, Object>> families() {
        Map<String, Function<CliContext, Object>> f = new LinkedHashMap<>();
        f.put("config", ConfigCommand::commandLine);
        f.put("console", ConsoleCommand::new);
        f.put("copy", CopyCommand::new);
        f.put("delete", DeleteCommand::new);
        f.put("exec", ExecCommand::new);
        f.put("file", FileCommand::commandLine);
        f.put("image", ImageCommand::commandLine);
        f.put("info", InfoCommand::new);
        f.put("init", InitCommand::new);
        f.put("launch", LaunchCommand::new);
        f.put("list", ListCommand::new);
        f.put("monitor", MonitorCommand::new);
        f.put("move", MoveCommand::new);
        f.put("network", NetworkCommand::commandLine);
        f.put("operation", OperationCommand::new);
        f.put("pause", PauseCommand::new);
        f.put("profile", ProfileCommand::commandLine);
        f.put("project", ProjectCommand::new);
        f.put("query", QueryCommand::new);
        f.put("remote", RemoteCommand::new);
        f.put("rename", RenameCommand::new);
        f.put("restart", RestartCommand::new);
        f.put("restore", RestoreCommand::new);
        f.put("snapshot", SnapshotCommand::new);
        f.put("start", StartCommand::new);
        f.put("stop", StopCommand::new);
        f.put("storage", StorageCommand::commandLine);
        f.put("version", VersionCommand::new);
        return Collections.unmodifiableMap(f);
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 14),
                false, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = run(args, System.getenv(), System.in, out, err);
        // Streams are flushed and nothing else runs: halt, which unlike exit() doesn't start the JDK's logging
        // (Runtime.exit is logged) only to throw it away.
        Runtime.getRuntime().halt(code);
    }

    /** Runs one command line with the given environment and streams; returns the exit code. */
    public static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
        try (CliContext ctx = new CliContext(env, in, out, err)) {
            return commandLine(ctx, args).execute(args);
        }
    }

    /**
     * The command line for {@code args}. picocli reflects over every registered command, which is most of the
     * start-up cost, so when the arguments name a family only that one is registered; otherwise (no command,
     * help, a typo) all of them are, for the usage and the suggestions.
     */
    static CommandLine commandLine(CliContext ctx, String[] args) {
        CommandLine cl = new CommandLine(new RootCommand(ctx));
        String wanted = commandName(args);
        ctx.setSubcommand(subcommandName(args));
        boolean all = wanted == null || !FAMILIES.containsKey(wanted);
        FAMILIES.forEach((name, factory) -> {
            if (all || name.equals(wanted)) {
                cl.addSubcommand(factory.apply(ctx));
            }
        });
        if (all) {
            cl.addSubcommand(new HelpCommand(ctx));
        }
        cl.setOut(new PrintWriter(ctx.out(), true));
        cl.setErr(new PrintWriter(ctx.err(), true));
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            ctx.out().flush();
            ctx.err().println("Error: " + message(ex) + ctx.hint(ex));
            if (ctx.debug()) {
                ex.printStackTrace(ctx.err());
            }
            return EXIT_ERROR;
        });
        cl.setParameterExceptionHandler((ex, ignored) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("Error: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return EXIT_USAGE;
        });
        return cl;
    }

    /** The first argument that is not a global option (nor the value of --format), or null. */
    static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                return i + 1 < args.length ? args[i + 1] : null;
            }
            if (arg.equals("--format") || arg.equals("--project")) {
                i++;
            } else if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return null;
    }

    /** The argument right after the command name when it is not an option (a family's subcommand), or null. */
    static String subcommandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                return null;
            }
            if (arg.equals("--format")) {
                i++;
            } else if (!arg.startsWith("-")) {
                return i + 1 < args.length && !args[i + 1].startsWith("-") ? args[i + 1] : null;
            }
        }
        return null;
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
