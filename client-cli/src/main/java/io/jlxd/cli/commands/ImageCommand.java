package io.jlxd.cli.commands;

import io.jlxd.api.http.MultipartReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlxd.api.Paths;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiResponse;
import io.jlxd.cli.client.PathEscape;
import io.jlxd.cli.client.Transfers;
import io.jlxd.cli.output.ListOutput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jlxc image ...}: images and aliases ({@code /1.0/images}), with lxc's columns and messages. */
@Command(name = "image", description = "Manage images", addMethodSubcommands = false)
public final class ImageCommand implements Runnable {
    static final String IMAGES = Paths.API + "/images";
    static final String ALIASES = IMAGES + "/aliases";
    static final List<String> HEADER = List.of("ALIAS", "FINGERPRINT", "PUBLIC", "DESCRIPTION", "ARCHITECTURE", "TYPE",
            "SIZE", "UPLOAD DATE");

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    public ImageCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    public static CommandLine commandLine(CliContext ctx) {
        return Subcommands.family(new ImageCommand(ctx), ctx.subcommand(), () -> List.of(new ImageAliasCommand(ctx)));
    }

    @Override
    public void run() {
        spec.commandLine().usage(ctx.out());
    }

    @Command(name = "list", aliases = "ls", description = "List images")
    int list(@Parameters(paramLabel = "REMOTE:", arity = "0..1") String remote) throws IOException {
        var format = ctx.listFormat();
        ctx.remoteArgument(remote);
        List<List<String>> rows = new ArrayList<>();
        ArrayNode raw = JsonNodeFactory.instance.arrayNode();
        for (JsonNode img : ctx.client().get(IMAGES + "?recursion=1").metadata()) {
            List<String> aliases = new ArrayList<>();
            img.path("aliases").forEach(a -> aliases.add(a.path("name").asText()));
            rows.add(List.of(String.join("\n", aliases), img.path("fingerprint").asText().substring(0, 12),
                    img.path("public").asBoolean() ? "yes" : "no", img.path("properties").path("description").asText(""),
                    img.path("architecture").asText(""), img.path("type").asText("container").equals("container")
                            ? "CONTAINER" : img.path("type").asText().toUpperCase(Locale.ROOT),
                    size(img.path("size").asLong()), date(img.path("uploaded_at").asText(""))));
            raw.add(img);
        }
        ctx.out().print(ListOutput.render(format, HEADER, rows, raw));
        return 0;
    }

    @Command(name = "info", description = "Show useful information about images")
    int info(@Parameters(paramLabel = "IMAGE") String ref) throws IOException {
        String fp = resolve(ref);
        JsonNode img = ctx.client().get(IMAGES + "/" + fp).metadata();
        StringBuilder sb = new StringBuilder();
        sb.append("Fingerprint: ").append(img.path("fingerprint").asText()).append('\n');
        sb.append("Size: ").append(size(img.path("size").asLong())).append('\n');
        sb.append("Architecture: ").append(img.path("architecture").asText()).append('\n');
        sb.append("Type: ").append(img.path("type").asText()).append('\n');
        sb.append("Public: ").append(img.path("public").asBoolean() ? "yes" : "no").append('\n');
        sb.append("Timestamps:\n");
        sb.append("    Created: ").append(date(img.path("created_at").asText(""))).append('\n');
        sb.append("    Uploaded: ").append(date(img.path("uploaded_at").asText(""))).append('\n');
        sb.append("    Expires: ").append(img.path("expires_at").isNull() ? "never" : date(img.path("expires_at").asText())).append('\n');
        sb.append("    Last used: ").append(img.path("last_used_at").isNull() ? "never" : date(img.path("last_used_at").asText())).append('\n');
        sb.append("Properties:\n");
        img.path("properties").properties().forEach(e -> sb.append("    ").append(e.getKey()).append(": ")
                .append(e.getValue().asText()).append('\n'));
        sb.append("Aliases:\n");
        img.path("aliases").forEach(a -> sb.append("    - ").append(a.path("name").asText()).append('\n'));
        sb.append("Cached: ").append(img.path("cached").asBoolean() ? "yes" : "no").append('\n');
        sb.append("Auto update: ").append(img.path("auto_update").asBoolean() ? "enabled" : "disabled").append('\n');
        ctx.out().print(sb);
        return 0;
    }

    @Command(name = "import", description = {"Import images into the image store",
        "TARBALL is a unified image; with ROOTFS_TARBALL, TARBALL is the metadata of a split image."})
    int importImage(@Parameters(index = "0", paramLabel = "TARBALL") Path tarball,
                    @Parameters(index = "1", paramLabel = "ROOTFS_TARBALL", arity = "0..1") Path rootfs,
                    @Option(names = "--alias", paramLabel = "ALIAS", description = "New aliases to add to the image") List<String> aliases,
                    @Option(names = "--public", description = "Make the image public") boolean isPublic) throws IOException {
        if (rootfs != null && rootfs.toString().endsWith(":") && !Files.exists(rootfs)) {
            ctx.remoteArgument(rootfs.toString());
            rootfs = null;
        }
        String fp = upload(tarball, rootfs, aliases == null ? List.of() : aliases, isPublic);
        if (!ctx.quiet()) {
            ctx.out().println("Image imported with fingerprint: " + fp);
        }
        return 0;
    }

    /** Uploads a unified or split image and returns its fingerprint. */
    String upload(Path tarball, Path rootfs, List<String> aliases, boolean isPublic) throws IOException {
        for (Path p : rootfs == null ? List.of(tarball) : List.of(tarball, rootfs)) {
            if (!Files.isRegularFile(p)) {
                throw new CliException("No such file: " + p);
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-LXD-filename", tarball.getFileName().toString());
        headers.put("X-LXD-public", Boolean.toString(isPublic));
        if (!aliases.isEmpty()) {
            headers.put("X-LXD-aliases", String.join(",", aliases));
        }
        Progress progress = new Progress(ctx, "Transferring image");
        ApiResponse r;
        if (rootfs == null) {
            long size = Files.size(tarball);
            progress.total(size);
            r = Transfers.upload(ctx.client().transport(), ctx.client().scoped(IMAGES), headers, "application/octet-stream", size,
                    out -> copy(tarball, out, progress));
        } else {
            byte[] rnd = new byte[12];
            new SecureRandom().nextBytes(rnd);
            String boundary = "jlxc" + HexFormat.of().formatHex(rnd);
            byte[] h1 = partHead(boundary, "metadata", tarball, true);
            byte[] h2 = partHead(boundary, "rootfs", rootfs, false);
            byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
            long size = h1.length + Files.size(tarball) + h2.length + Files.size(rootfs) + end.length;
            progress.total(Files.size(tarball) + Files.size(rootfs));
            r = Transfers.upload(ctx.client().transport(), ctx.client().scoped(IMAGES), headers, "multipart/form-data; boundary=" + boundary,
                    size, out -> {
                        out.write(h1);
                        copy(tarball, out, progress);
                        out.write(h2);
                        copy(rootfs, out, progress);
                        out.write(end);
                    });
        }
        progress.done();
        var op = ctx.client().waitSuccess(r.operation());
        Object fp = op.metadata() == null ? null : op.metadata().get("fingerprint");
        if (fp == null) {
            throw new CliException("The server did not report the image's fingerprint");
        }
        return fp.toString();
    }

    private static byte[] partHead(String boundary, String name, Path file, boolean first) {
        return ((first ? "" : "\r\n") + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                + "\"; filename=\"" + file.getFileName().toString().replace("\"", "") + "\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void copy(Path file, OutputStream out, Progress progress) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                progress.add(n);
            }
        }
    }

    @Command(name = "export", description = {"Export and download images",
        "TARGET is a file or directory (default: the current directory); a split image gives two files in directory TARGET."})
    int export(@Parameters(index = "0", paramLabel = "IMAGE") String ref,
               @Parameters(index = "1", paramLabel = "TARGET", arity = "0..1") Path target) throws IOException {
        String fp = resolve(ref);
        Progress progress = new Progress(ctx, "Exporting the image");
        try (Transfers.Download d = Transfers.download(ctx.client().transport(), ctx.client().scoped(IMAGES + "/" + fp + "/export"))) {
            String type = d.head().headers().first("Content-Type").orElse("");
            progress.total(d.head().headers().first("Content-Length").map(Long::parseLong).orElse(-1L));
            Path dir = target == null ? Path.of(".") : target;
            if (type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
                if (!Files.isDirectory(dir)) {
                    throw new CliException("A split image is exported into a directory: " + dir + " is not one");
                }
                String boundary = MultipartReader.boundaryOf(type);
                if (boundary == null) {
                    throw new CliException("The server sent a multipart answer without a boundary");
                }
                MultipartReader parts = new MultipartReader(d.body(), boundary);
                MultipartReader.Part part;
                while ((part = parts.next()) != null) {
                    String name = filename("filename=" + (part.filename() == null ? "" : part.filename()),
                            fp + (part.name().equals("rootfs") ? ".rootfs" : ""));
                    save(part.body(), dir.resolve(name), progress);
                }
            } else {
                String name = filename(d.head().headers().first("Content-Disposition").orElse(""), fp);
                save(d.body(), Files.isDirectory(dir) ? dir.resolve(name) : dir, progress);
            }
            progress.done();
            if (!ctx.quiet()) {
                ctx.out().println("Image exported successfully!");
            }
        }
        return 0;
    }

    /** Writes a stream to a file through a temporary sibling, so that a failed export leaves no partial file. */
    private static void save(InputStream in, Path out, Progress progress) throws IOException {
        Path tmp = out.resolveSibling("." + out.getFileName() + ".part");
        try (OutputStream o = Files.newOutputStream(tmp)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                o.write(buf, 0, n);
                progress.add(n);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static String filename(String disposition, String fp) {
        int i = disposition.indexOf("filename=");
        String name = i < 0 ? fp : disposition.substring(i + 9).replace("\"", "").trim();
        name = Path.of(name).getFileName().toString();
        return name.isEmpty() || name.equals("..") ? fp : name;
    }

    @Command(name = "delete", aliases = "rm", description = "Delete images")
    int delete(@Parameters(paramLabel = "IMAGE", arity = "1..*") List<String> refs) throws IOException {
        for (String ref : refs) {
            String fp = resolve(ref);
            ApiResponse r = ctx.client().call("DELETE", IMAGES + "/" + fp, null, null);
            ctx.client().waitSuccess(r.operation());
        }
        return 0;
    }

    @Command(name = "build", description = {"Build an image with scripts/images/build-image.sh and import it",
        "NAME: busybox or debian/bookworm"})
    int build(@Parameters(index = "0", paramLabel = "NAME") String name,
              @Parameters(index = "1", paramLabel = "REMOTE:", arity = "0..1") String remote,
              @Option(names = "--alias", paramLabel = "ALIAS", description = "New aliases to add to the image") List<String> aliases)
            throws IOException, InterruptedException {
        ctx.remoteArgument(remote);
        if (!name.matches("busybox|debian/bookworm(/default)?")) {
            throw new CliException("Unknown image \"" + name + "\" (busybox, debian/bookworm or debian/bookworm/default)");
        }
        Path script = BuildScript.locate(ctx);
        Process p = new ProcessBuilder(script.toString(), name).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new CliException("build-image.sh " + name + " failed (exit code " + p.exitValue() + ")");
        }
        String path = out.lines().filter(l -> l.startsWith("path: ")).map(l -> l.substring(6).trim()).findFirst()
                .orElseThrow(() -> new CliException("build-image.sh printed no image path"));
        String fp = upload(Path.of(path), null, aliases == null ? List.of() : aliases, false);
        if (!ctx.quiet()) {
            ctx.out().println("Image imported with fingerprint: " + fp);
        }
        return 0;
    }

    /** An alias, or a fingerprint prefix, to a full fingerprint. */
    String resolve(String ref) throws IOException {
        ref = ref == null ? null : ctx.target(ref);
        if (ref == null || ref.isEmpty()) {
            throw new CliException("An image name is required");
        }
        try {
            return ctx.client().get(ALIASES + "/" + PathEscape.segment(ref)).metadata().path("target").asText();
        } catch (io.jlxd.cli.client.ApiException e) {
            if (e.errorCode() != 404) {
                throw e;
            }
        }
        if (!ref.matches("[0-9a-fA-F]{1,64}")) {
            throw new CliException("Image \"" + ref + "\" not found");
        }
        return ctx.client().get(IMAGES + "/" + ref).metadata().path("fingerprint").asText();
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.2f%s", v, units[u]);
    }

    static String date(String iso) {
        if (iso == null || iso.isEmpty()) {
            return "";
        }
        try {
            return OffsetDateTime.parse(iso).atZoneSameInstant(java.time.ZoneOffset.UTC)
                    .format(DateTimeFormatter.ofPattern("MMM d, yyyy 'at' h:mm a '(UTC)'", Locale.ENGLISH));
        } catch (java.time.format.DateTimeParseException e) {
            return iso;
        }
    }

    /** Writes a simple progress line to stderr when it is a terminal and -q is not given. */
    static final class Progress {
        private final CliContext ctx;
        private final String label;
        private final boolean show;
        private long total = -1;
        private long done;
        private long lastPrint;

        Progress(CliContext ctx, String label) {
            this.ctx = ctx;
            this.label = label;
            java.io.Console c = System.console();
            this.show = !ctx.quiet() && c != null && c.isTerminal();
        }

        void total(long t) {
            total = t;
        }

        void add(long n) {
            done += n;
            long now = System.nanoTime();
            if (show && now - lastPrint > 200_000_000L) {
                lastPrint = now;
                String pct = total > 0 ? (done * 100 / total) + "% " : "";
                ctx.err().print("\r" + label + ": " + pct + "(" + size(done) + ")   ");
                ctx.err().flush();
            }
        }

        void done() {
            if (show) {
                ctx.err().print("\r\033[K");
                ctx.err().flush();
            }
        }
    }
}
