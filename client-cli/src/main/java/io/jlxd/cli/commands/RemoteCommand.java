package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.output.ListOutput;
import io.jlxd.cli.remote.RemoteAddress;
import io.jlxd.cli.remote.RemoteConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jlxc remote add|list|remove|rename|switch|get-default|set-url}: the remotes of {@code config.yml}, like
 * lxc's. {@code local} (the Unix socket) is static: it can't be removed, renamed or moved.
 */
@Command(name = "remote", description = "Manage the list of remote servers",
        footer = {"", "Examples:", "  jlxc remote add host2 TOKEN            (a token from `jlxc config trust add` on host2)",
            "  jlxc remote add host2 192.0.2.10 --token TOKEN", "  jlxc list host2:", "  jlxc remote switch host2"})
public final class RemoteCommand implements Runnable {
    static final List<String> HEADER = List.of("NAME", "URL", "PROTOCOL", "AUTH TYPE", "PUBLIC", "STATIC", "GLOBAL");

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public RemoteCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    @Command(name = "add", description = {"Add new remote servers",
        "ADDRESS is HOST, HOST:PORT (default port 8443), [IPv6]:PORT or https://HOST:PORT; or give a trust token",
        "alone (it carries the server's addresses and certificate fingerprint). With --project, commands on the remote",
        "use that project (kept in config.yml)."})
    int add(@Parameters(index = "0", paramLabel = "NAME") String name,
            @Parameters(index = "1", paramLabel = "ADDRESS|TOKEN") String address,
            @Option(names = "--token", paramLabel = "TOKEN", description = "Trust token to use when adding the remote") String token,
            @Option(names = "--accept-certificate", description = "Accept the server certificate without asking") boolean accept,
            @Option(names = "--public", description = "Public image server: add it without authentication") boolean isPublic,
            @Option(names = "--protocol", paramLabel = "PROTOCOL", description = "Server protocol (lxd)") String protocol,
            @Option(names = "--auth-type", paramLabel = "TYPE", description = "Server authentication type (tls)") String authType)
            throws IOException {
        // lxc's "remote add --project P": the global --project, given here, is the new remote's project
        String project = ctx.projectGiven();
        if (protocol != null && !protocol.equals("lxd")) {
            throw new CliException("Unsupported protocol \"" + protocol + "\": jlxc speaks the LXD protocol (lxd) only");
        }
        if (authType != null && !authType.equals("tls")) {
            throw new CliException("Unsupported authentication type \"" + authType + "\": only tls");
        }
        if (project != null && !project.isEmpty()) {
            try {
                io.jlxd.api.project.ProjectNames.check(project);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            }
        }
        new RemoteAdder(ctx).add(name, address, token, accept, isPublic);
        if (project != null && !project.isEmpty()) {
            // the remote's project, as lxc stores it in config.yml (its "project" key); commands on it use it
            RemoteConfig config = ctx.remotes();
            config.setProject(name, project);
            config.save();
        }
        return 0;
    }

    @Command(name = "list", aliases = "ls", description = "List the available remotes")
    int list() {
        var format = ctx.listFormat();
        RemoteConfig config = ctx.remotes();
        List<List<String>> rows = new ArrayList<>();
        ObjectNode raw = JsonNodeFactory.instance.objectNode();
        config.remotes().forEach((name, r) -> {
            String shown = name.equals(config.defaultRemote()) && format.kind() == io.jlxd.cli.output.OutputFormat.Kind.TABLE
                    ? name + " (current)" : name;
            boolean isStatic = RemoteConfig.isStatic(name);
            rows.add(List.of(shown, r.addr(), r.protocol(), r.authType(), r.isPublic() ? "YES" : "NO",
                    isStatic ? "YES" : "NO", "NO"));
            ObjectNode n = raw.putObject(name);
            n.put("Addr", r.addr());
            n.put("AuthType", r.authType());
            n.put("Project", config.project(name).equals("default") ? "" : config.project(name));
            n.put("Protocol", r.protocol());
            n.put("Public", r.isPublic());
            n.put("Global", false);
            n.put("Static", isStatic);
        });
        ctx.out().print(ListOutput.render(format, HEADER, rows, raw));
        return 0;
    }

    @Command(name = "remove", aliases = "rm", description = "Remove remotes")
    int remove(@Parameters(paramLabel = "NAME") String name) throws IOException {
        RemoteConfig config = ctx.remotes();
        config.require(name);
        notStatic(name);
        if (name.equals(config.defaultRemote())) {
            throw new CliException("Can't remove the default remote");
        }
        config.remove(name);
        config.save();
        Files.deleteIfExists(config.serverCertificate(name));
        return 0;
    }

    @Command(name = "rename", aliases = "mv", description = "Rename remotes")
    int rename(@Parameters(index = "0", paramLabel = "OLD") String from,
               @Parameters(index = "1", paramLabel = "NEW") String to) throws IOException {
        RemoteConfig config = ctx.remotes();
        RemoteConfig.Remote r = config.require(from);
        notStatic(from);
        RemoteConfig.checkName(to);
        if (config.has(to)) {
            throw new CliException("Remote " + to + " already exists");
        }
        Path oldCert = config.serverCertificate(from);
        Path newCert = config.serverCertificate(to);
        boolean hadCert = Files.exists(oldCert);
        if (hadCert) {
            Files.copy(oldCert, newCert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
        String project = config.project(from);
        config.remove(from);
        config.put(to, r);
        config.setProject(to, project);
        if (from.equals(config.defaultRemote())) {
            config.setDefaultRemote(to);
        }
        try {
            config.save();
        } catch (IOException e) {
            Files.deleteIfExists(newCert);
            throw e;
        }
        if (hadCert) {
            Files.deleteIfExists(oldCert);
        }
        return 0;
    }

    @Command(name = "switch", description = "Set the default remote")
    int switchTo(@Parameters(paramLabel = "NAME") String name) throws IOException {
        RemoteConfig config = ctx.remotes();
        config.setDefaultRemote(name);
        config.save();
        return 0;
    }

    @Command(name = "get-default", description = "Show the default remote")
    int getDefault() {
        ctx.out().println(ctx.remotes().defaultRemote());
        return 0;
    }

    @Command(name = "set-url", description = "Set the URL for the remote (its pinned certificate is kept)")
    int setUrl(@Parameters(index = "0", paramLabel = "NAME") String name,
               @Parameters(index = "1", paramLabel = "URL") String url) throws IOException {
        RemoteConfig config = ctx.remotes();
        RemoteConfig.Remote r = config.require(name);
        notStatic(name);
        RemoteAddress address;
        try {
            address = RemoteAddress.parse(url);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        String authType = address.isUnix() ? "file access" : "tls";
        config.put(name, new RemoteConfig.Remote(address.url(), r.protocol(), authType, r.isPublic()));
        config.save();
        return 0;
    }

    private static void notStatic(String name) {
        if (RemoteConfig.isStatic(name)) {
            throw new CliException("Remote " + name + " is static and cannot be modified");
        }
    }
}
