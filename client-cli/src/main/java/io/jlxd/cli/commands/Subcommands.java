package io.jlxd.cli.commands;

import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line of a family with {@code @Command} methods, built lazily: picocli reflects over every method's
 * options and parameters to build a subcommand, which is most of the start-up time of a family with many of them.
 * The family's class says {@code addMethodSubcommands = false}; when the command line names one of its methods'
 * subcommands (or an alias), only that one is added, since nothing else of the family takes part in parsing and
 * running it; otherwise (no name, help, a nested family, a typo) all of them are, in picocli's own order, then the
 * nested families, as picocli would have built them.
 */
final class Subcommands {
    private Subcommands() {
    }

    static CommandLine family(Object command, String wanted, Supplier<List<Object>> nested) {
        CommandLine cl = new CommandLine(command);
        List<Method> methods = CommandLine.getCommandMethods(command.getClass(), null);
        if (wanted != null) {
            for (Method m : methods) {
                Command c = m.getAnnotation(Command.class);
                if (c.name().equals(wanted) || List.of(c.aliases()).contains(wanted)) {
                    cl.addSubcommand(new CommandLine(m));
                    return cl;
                }
            }
        }
        for (Method m : methods) {
            cl.addSubcommand(new CommandLine(m));
        }
        for (Object n : nested.get()) {
            cl.addSubcommand(n);
        }
        return cl;
    }
}
