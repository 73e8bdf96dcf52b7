package io.jlxd.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.Json;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiException;
import io.jlxd.cli.client.PathEscape;
import io.jlxd.cli.client.Transfers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jlxc file push|pull|delete} like {@code lxc file}: {@code NAME/PATH} names a path in an instance; files are
 * streamed ({@code /1.0/instances/NAME/files?path=}); {@code -r} walks directories, {@code -p} creates parents.
 */
@Command(name = "file", description = "Manage files in instances", addMethodSubcommands = false)
public final class FileCommand implements Runnable {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public FileCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    public static CommandLine commandLine(CliContext ctx) {
        return Subcommands.family(new FileCommand(ctx), ctx.subcommand(), List::of);
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    /** NAME/PATH split at the first "/": the path is absolute inside the instance. */
    record Target(String instance, String path) {
        static Target parse(String arg) {
            int slash = arg.indexOf('/');
            if (slash <= 0) {
                throw new CliException("Invalid target \"" + arg + "\": expected INSTANCE/PATH");
            }
            return new Target(arg.substring(0, slash), "/" + arg.substring(slash + 1));
        }

        String url() {
            return Instances.path(instance) + "/files?path=" + PathEscape.segment(path);
        }

        Target child(String name) {
            return new Target(instance, path.endsWith("/") ? path + name : path + "/" + name);
        }

        String name() {
            String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
            return p.substring(p.lastIndexOf('/') + 1);
        }
    }

    // ------------------------------------------------------------------------------------------ push

    @Command(name = "push", description = "Push files into instances")
    int push(@Option(names = {"-r", "--recursive"}, description = "Push directories recursively") boolean recursive,
             @Option(names = {"-p", "--create-dirs"}, description = "Create any directories necessary") boolean parents,
             @Option(names = "--uid", paramLabel = "UID", defaultValue = "-1", description = "Set the file's uid on push (default: the source's)") long uid,
             @Option(names = "--gid", paramLabel = "GID", defaultValue = "-1", description = "Set the file's gid on push (default: the source's)") long gid,
             @Option(names = "--mode", paramLabel = "MODE", description = "Set the file's perms on push (octal; default: the source's)") String mode,
             @Parameters(paramLabel = "SOURCE... INSTANCE/PATH", arity = "2..*") List<String> args) throws IOException {
        Target target = Target.parse(ctx.target(args.getLast()));
        List<String> sources = args.subList(0, args.size() - 1);
        if (mode != null && !mode.matches("0?[0-7]{3,4}")) {
            throw new CliException("Invalid --mode \"" + mode + "\": octal, e.g. 0644");
        }
        Owner owner = new Owner(uid, gid, mode == null ? -1 : Integer.parseInt(mode, 8));
        boolean intoDir = recursive || sources.size() > 1 || target.path().endsWith("/");
        if (parents) {
            mkdirs(intoDir ? target : parentOf(target), owner);
        }
        for (String s : sources) {
            Path src = Path.of(s);
            if (s.equals("-")) {
                if (intoDir) {
                    throw new CliException("Cannot push standard input into a directory: name the target file");
                }
                byte[] data = ctx.in().readAllBytes();
                upload(target, "file", data.length, out -> out.write(data), owner.uid(), owner.gid(), owner.mode() < 0 ? 0644 : owner.mode());
                continue;
            }
            if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) {
                throw new CliException("No such file or directory: " + s);
            }
            Target dst = intoDir ? target.child(src.getFileName().toString()) : target;
            if (Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
                if (!recursive) {
                    throw new CliException("\"" + s + "\" is a directory: use -r to push it");
                }
                pushTree(src, dst, owner);
            } else {
                pushOne(src, dst, owner);
            }
        }
        return 0;
    }

    /** --uid/--gid/--mode; -1: take the source's. */
    record Owner(long uid, long gid, int mode) {
    }

    private void pushTree(Path dir, Target dst, Owner owner) throws IOException {
        pushOne(dir, dst, owner);
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                Target child = dst.child(p.getFileName().toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    pushTree(p, child, owner);
                } else {
                    pushOne(p, child, owner);
                }
            }
        }
    }

    private void pushOne(Path src, Target dst, Owner owner) throws IOException {
        PosixFileAttributes a = Files.readAttributes(src, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long uid = owner.uid() >= 0 ? owner.uid() : (int) Files.getAttribute(src, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        long gid = owner.gid() >= 0 ? owner.gid() : (int) Files.getAttribute(src, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        int mode = owner.mode() >= 0 ? owner.mode() : (int) Files.getAttribute(src, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        if (a.isSymbolicLink()) {
            byte[] t = Files.readSymbolicLink(src).toString().getBytes(StandardCharsets.UTF_8);
            upload(dst, "symlink", t.length, out -> out.write(t), uid, gid, -1);
        } else if (a.isDirectory()) {
            upload(dst, "directory", 0, out -> { }, uid, gid, owner.mode() >= 0 ? owner.mode() : mode);
        } else if (a.isRegularFile()) {
            upload(dst, "file", a.size(), out -> {
                try (InputStream in = Files.newInputStream(src)) {
                    in.transferTo(out);
                }
            }, uid, gid, mode);
        } else {
            ctx.err().println("Skipping \"" + src + "\": not a regular file, directory or symlink");
        }
    }

    private void upload(Target dst, String type, long length, Transfers.BodyWriter body, long uid, long gid, int mode)
            throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-LXD-type", type);
        h.put("X-LXD-write", "overwrite");
        if (uid >= 0) {
            h.put("X-LXD-uid", Long.toString(uid));
        }
        if (gid >= 0) {
            h.put("X-LXD-gid", Long.toString(gid));
        }
        if (mode >= 0) {
            h.put("X-LXD-mode", String.format("%04o", mode));
        }
        Transfers.upload(ctx.client().transport(), ctx.client().scoped(dst.url()), h, "application/octet-stream", length, body);
    }

    private static Target parentOf(Target t) {
        String p = t.path();
        int slash = p.lastIndexOf('/');
        return new Target(t.instance(), slash <= 0 ? "/" : p.substring(0, slash));
    }

    /** mkdir -p inside the instance (existing directories are left as they are). */
    private void mkdirs(Target dir, Owner owner) throws IOException {
        StringBuilder p = new StringBuilder();
        for (String c : dir.path().split("/")) {
            if (c.isEmpty()) {
                continue;
            }
            p.append('/').append(c);
            upload(new Target(dir.instance(), p.toString()), "directory", 0, out -> { },
                    owner.uid(), owner.gid(), owner.mode() >= 0 ? owner.mode() : 0755);
        }
    }

    // ------------------------------------------------------------------------------------------ pull

    @Command(name = "pull", description = "Pull files from instances")
    int pull(@Option(names = {"-r", "--recursive"}, description = "Pull directories recursively") boolean recursive,
             @Option(names = {"-p", "--create-dirs"}, description = "Create any directories necessary") boolean parents,
             @Parameters(paramLabel = "INSTANCE/PATH... TARGET", arity = "2..*") List<String> args) throws IOException {
        String dest = args.getLast();
        List<Target> sources = new ArrayList<>();
        for (String a : args.subList(0, args.size() - 1)) {
            sources.add(Target.parse(ctx.target(a)));
        }
        if (dest.equals("-")) {
            for (Target t : sources) {
                try (Transfers.Download d = Transfers.download(ctx.client().transport(), ctx.client().scoped(t.url()))) {
                    if (!"file".equals(type(d))) {
                        throw new CliException("\"" + t.path() + "\" is a " + type(d) + ", not a file");
                    }
                    d.body().transferTo(ctx.out());
                }
            }
            ctx.out().flush();
            return 0;
        }
        Path target = Path.of(dest);
        boolean intoDir = sources.size() > 1 || dest.endsWith("/") || Files.isDirectory(target);
        if (parents) {
            Files.createDirectories(intoDir ? target : target.toAbsolutePath().getParent());
        }
        if (intoDir && !Files.isDirectory(target)) {
            throw new CliException("Target directory \"" + dest + "\" does not exist (use -p)");
        }
        for (Target t : sources) {
            pullOne(t, intoDir ? target.resolve(t.name().isEmpty() ? "rootfs" : t.name()) : target, recursive);
        }
        return 0;
    }

    private static String type(Transfers.Download d) {
        return d.head().headers().first("X-LXD-type").orElse("file");
    }

    private void pullOne(Target src, Path dst, boolean recursive) throws IOException {
        List<String> entries;
        int mode;
        try (Transfers.Download d = Transfers.download(ctx.client().transport(), ctx.client().scoped(src.url()))) {
            String type = type(d);
            mode = d.head().headers().first("X-LXD-mode").map(m -> Integer.parseInt(m, 8)).orElse(-1);
            switch (type) {
                case "symlink" -> {
                    String target = new String(d.body().readAllBytes(), StandardCharsets.UTF_8);
                    Files.deleteIfExists(dst);
                    Files.createSymbolicLink(dst, Path.of(target));
                    return;
                }
                case "directory" -> {
                    if (!recursive) {
                        throw new CliException("\"" + src.path() + "\" is a directory: use -r to pull it");
                    }
                    JsonNode env = Json.lenient().readTree(d.body().readAllBytes());
                    entries = new ArrayList<>();
                    env.path("metadata").forEach(n -> entries.add(n.asText()));
                }
                default -> {
                    Path tmp = Files.createTempFile(dst.toAbsolutePath().getParent(), "." + dst.getFileName(), ".part");
                    try {
                        try (OutputStream out = Files.newOutputStream(tmp)) {
                            d.body().transferTo(out);
                        }
                        setMode(tmp, mode);
                        Files.move(tmp, dst, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(tmp);
                    }
                    return;
                }
            }
        }
        if (!Files.isDirectory(dst, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(dst);
        }
        setMode(dst, mode);
        for (String e : entries) {
            pullOne(src.child(e), dst.resolve(e), true);
        }
    }

    private static void setMode(Path p, int mode) throws IOException {
        if (mode < 0) {
            return;
        }
        Set<PosixFilePermission> perms = java.util.EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                perms.add(order[i]);
            }
        }
        Files.setPosixFilePermissions(p, perms);
    }

    // ------------------------------------------------------------------------------------------ delete

    @Command(name = "delete", aliases = "rm", description = "Delete files in instances")
    int delete(@Parameters(paramLabel = "INSTANCE/PATH", arity = "1..*") List<String> args) throws IOException {
        for (String a : args) {
            Target t = Target.parse(ctx.target(a));
            try {
                ctx.client().call("DELETE", t.url(), null, null);
            } catch (ApiException e) {
                throw new CliException(e.getMessage());
            }
        }
        return 0;
    }
}
