package io.jlxd.daemon.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.jlxd.api.Paths;
import io.jlxd.api.image.Image;
import io.jlxd.api.image.ImageAliasesEntry;
import io.jlxd.api.image.ImageAliasesPost;
import io.jlxd.api.image.ImagesPost;
import io.jlxd.api.instance.Names;
import io.jlxd.daemon.db.InstanceTable;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.instance.InstanceManager;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.storage.image.ImageExistsException;
import io.jlxd.storage.image.ImageFiles;
import io.jlxd.storage.image.ImageUpload;
import io.jlxd.storage.image.StagedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /1.0/images} with {@code source.type} {@code instance} (or LXD's older {@code container}) or
 * {@code snapshot}: publishes a stopped instance, or a snapshot, as a unified image tarball (metadata.yaml,
 * templates/, rootfs/), as LXD does. The instance must be stopped (a running one is refused: its file system would
 * change under the archive); snapshots can be published at any time. Ids are written as the container sees them
 * (the unprivileged shift is undone with GNU tar's owner and group maps). {@code compression_algorithm}
 * {@code gzip} (default, like LXD), {@code xz} or {@code none}; {@code properties} are merged over the instance's
 * metadata.yaml properties; {@code public}, {@code aliases}, {@code expires_at} as for uploads.
 */
public final class ImagePublisher {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final long TAR_TIMEOUT_MINUTES = 60;

    private final ImageService images;
    private final InstanceManager instances;
    private final Operations operations;
    private final EventBus events;

    public ImagePublisher(ImageService images, InstanceManager instances, Operations operations, EventBus events) {
        this.images = images;
        this.instances = instances;
        this.operations = operations;
        this.events = events;
    }

    /** Checks the request (4xx before any operation) and starts the publishing operation. */
    public Op publish(ImagesPost body, EventBus.Requestor who) {
        return publish(io.jlxd.api.project.ProjectNames.DEFAULT, body, who);
    }

    /** Publishes an instance (or snapshot) of {@code project}; the image goes to the images every project shares. */
    public Op publish(String project, ImagesPost body, EventBus.Requestor who) {
        Object typeObj = body.source().get("type");
        String type = typeObj == null ? "" : typeObj.toString();
        Object nameObj = body.source().get("name");
        String source = nameObj == null ? "" : nameObj.toString();
        for (String k : body.source().keySet()) {
            if (!List.of("type", "name").contains(k) && body.source().get(k) != null && !"".equals(body.source().get(k))) {
                throw ApiException.badRequest("Unsupported source field \"" + k + "\" for a " + type + " source");
            }
        }
        String instance;
        String snap = null;
        if (type.equals("snapshot")) {
            int slash = source.indexOf('/');
            if (slash <= 0 || slash == source.length() - 1) {
                throw ApiException.badRequest("A snapshot source is named \"instance/snapshot\", not \"" + source + "\"");
            }
            instance = source.substring(0, slash);
            snap = source.substring(slash + 1);
        } else if (type.equals("instance") || type.equals("container")) {
            if (source.contains("/")) {
                throw ApiException.badRequest("Use source type \"snapshot\" to publish a snapshot (\"" + source + "\")");
            }
            instance = source;
        } else {
            throw ApiException.badRequest("Unsupported source type \"" + type + "\" (instance, container, snapshot)");
        }
        if (instance.isEmpty()) {
            throw ApiException.badRequest("The source needs a \"name\"");
        }
        if (instance.indexOf('_') >= 0) {
            throw ApiException.notFound("Instance not found");
        }
        instance = io.jlxd.daemon.project.ProjectKeys.key(project, instance);
        InstanceTable.Row row = instances.row(instance);
        String compression = body.compressionAlgorithm() == null || body.compressionAlgorithm().isEmpty()
                ? "gzip" : body.compressionAlgorithm();
        String tarFlag = switch (compression) {
            case "gzip" -> "-z";
            case "xz" -> "-J";
            case "none" -> null;
            default -> throw ApiException.badRequest("Unsupported compression algorithm \"" + compression + "\" (gzip, xz, none)");
        };
        Path volume;
        if (snap != null) {
            try {
                Names.snapshot(snap);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            volume = instances.storage().snapshotVolume(instance, snap);
            if (!Files.isDirectory(volume.resolve("rootfs"))) {
                throw ApiException.notFound("Snapshot \"" + source + "\" not found");
            }
        } else {
            volume = instances.storage().volume(instance);
            ContainerState state = instances.containerState(instance);
            if (state == null || state != ContainerState.STOPPED) {
                throw ApiException.badRequest("Cannot publish a running instance \"" + instance + "\": stop it first");
            }
        }
        String owner = images.owner(project); // the image goes to the images the project uses
        List<String> aliases = new ArrayList<>();
        if (body.aliases() != null) {
            for (ImageAliasesPost a : body.aliases()) {
                String n = ImageAliasNames.check(a.name());
                if (owner.equals("default")) {
                    images.checkDefaultAlias(n);
                }
                String key = ImageService.aliasKey(owner, n);
                if (images.table().alias(key).isPresent()) {
                    throw ApiException.conflict("Alias \"" + n + "\" already exists");
                }
                aliases.add(key);
            }
        }
        Map<String, String> properties = body.properties() == null ? Map.of() : body.properties();
        boolean isPublic = Boolean.TRUE.equals(body.isPublic());
        Path metadataSource = Files.isRegularFile(volume.resolve("metadata.yaml"))
                ? volume.resolve("metadata.yaml") : instances.storage().volume(instance).resolve("metadata.yaml");
        Map<String, List<String>> res = Map.of("instances", List.of(InstanceManager.url(instance)));
        String instanceName = instance;
        return operations.startTask(Operations.Spec.task("Publishing instance", res), ctx -> {
            Map<String, Object> out = instances.withLock(instanceName, () -> {
                if (volume.equals(instances.storage().volume(instanceName))
                        && instances.containerState(instanceName) != ContainerState.STOPPED) {
                    throw ApiException.badRequest("Cannot publish a running instance \"" + instanceName + "\": stop it first");
                }
                return build(volume, metadataSource, row, tarFlag, properties, isPublic, aliases, owner, ctx::isCancelled);
            });
            String q = io.jlxd.daemon.project.ProjectKeys.query(owner);
            events.lifecycle("image-created", Paths.API + "/images/" + out.get("fingerprint") + q, null, who);
            for (String a : aliases) {
                events.lifecycle("image-alias-created", Paths.API + "/images/aliases/" + images.aliasName(a) + q,
                        Map.of("target", out.get("fingerprint")), who);
            }
            return out;
        });
    }

    private Map<String, Object> build(Path volume, Path metadataSource, InstanceTable.Row row, String tarFlag,
                                      Map<String, String> properties, boolean isPublic, List<String> aliases, String owner,
                                      java.util.function.BooleanSupplier cancelled) throws Exception {
        Path work = Files.createTempDirectory(images.store().directory(), ".publish-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            Map<String, Object> meta = metadata(metadataSource, row, properties);
            Path metadataFile = work.resolve("metadata.yaml");
            YAML.writeValue(metadataFile.toFile(), meta);
            long base = idmapBase(row);
            List<String> cmd = new ArrayList<>(List.of("tar", "--numeric-owner", "--xattrs", "--xattrs-include=security.capability",
                    "--xattrs-include=user.*", "--acls", "--sparse", "-c", "-f", work.resolve("image.tar").toString()));
            if (tarFlag != null) {
                cmd.add(tarFlag);
            }
            if (base > 0) {
                writeMaps(volume, base, work.resolve("owners"), work.resolve("groups"));
                cmd.add("--owner-map=" + work.resolve("owners"));
                cmd.add("--group-map=" + work.resolve("groups"));
            }
            cmd.addAll(List.of("-C", work.toString(), "metadata.yaml", "-C", volume.toString(), "rootfs"));
            if (Files.isDirectory(volume.resolve("templates"), LinkOption.NOFOLLOW_LINKS)) {
                cmd.add("templates");
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve("tar.log").toFile()).start();
            if (!p.waitFor(TAR_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("tar did not finish within " + TAR_TIMEOUT_MINUTES + " minutes");
            }
            if (p.exitValue() != 0 || cancelled.getAsBoolean()) {
                throw new IOException("tar failed (exit " + p.exitValue() + "): " + Files.readString(work.resolve("tar.log")).strip());
            }
            StagedImage staged;
            ImageFiles files;
            try (ImageUpload up = images.store().newUpload(ImageUpload.Options.defaults().withCancellation(cancelled));
                 InputStream in = Files.newInputStream(work.resolve("image.tar"))) {
                up.writeUnified(in);
                staged = up.finish(null);
                files = up.commit();
            }
            Map<String, String> props = new LinkedHashMap<>(staged.metadata().properties());
            List<ImageAliasesEntry> entries = aliases.stream()
                    .map(a -> new ImageAliasesEntry(a, "", staged.fingerprint(), "container")).toList();
            Image img;
            try {
                img = images.record(staged, files, "", isPublic, props, entries, owner);
            } catch (ImageExistsException e) {
                throw ApiException.conflict("Image with same fingerprint already exists");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("fingerprint", img.fingerprint());
            out.put("size", img.size());
            return out;
        } finally {
            deleteTree(work);
        }
    }

    /** The instance's metadata.yaml with a new creation date and the request's properties merged in. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> metadata(Path source, InstanceTable.Row row, Map<String, String> properties) throws IOException {
        Map<String, Object> meta = Files.isRegularFile(source)
                ? new LinkedHashMap<>(YAML.readValue(source.toFile(), Map.class)) : new LinkedHashMap<>();
        meta.putIfAbsent("architecture", row.architecture());
        meta.put("creation_date", Instant.now().getEpochSecond());
        meta.remove("expiry_date");
        Map<String, Object> props = meta.get("properties") instanceof Map<?, ?> m
                ? new LinkedHashMap<>((Map<String, Object>) m) : new LinkedHashMap<>();
        props.putAll(properties);
        meta.put("properties", props);
        return meta;
    }

    private static long idmapBase(InstanceTable.Row row) {
        String v = row.volatileConfig().getOrDefault("volatile.idmap.base", row.config().get("volatile.idmap.base"));
        try {
            return v == null ? 0 : Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** GNU tar owner/group maps: every shifted id in the tree back to the container's id. */
    private static void writeMaps(Path volume, long base, Path owners, Path groups) throws IOException {
        TreeSet<Long> uids = new TreeSet<>();
        TreeSet<Long> gids = new TreeSet<>();
        Files.walkFileTree(volume, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                add(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                add(file);
                return FileVisitResult.CONTINUE;
            }

            private void add(Path p) throws IOException {
                uids.add(((Number) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue());
                gids.add(((Number) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue());
            }
        });
        Files.writeString(owners, map(uids, base));
        Files.writeString(groups, map(gids, base));
    }

    private static String map(TreeSet<Long> ids, long base) {
        StringBuilder sb = new StringBuilder();
        for (long id : ids) {
            if (id >= base && id < base + 65536) {
                long c = id - base;
                sb.append('+').append(id).append(' ').append(c).append(':').append(c).append('\n');
            }
        }
        return sb.toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
