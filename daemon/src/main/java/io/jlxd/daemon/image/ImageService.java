package io.jlxd.daemon.image;

import io.jlxd.api.image.Image;
import io.jlxd.api.image.ImageAliasesEntry;
import io.jlxd.daemon.db.ImageTable;
import io.jlxd.daemon.instance.ImageProvider;
import io.jlxd.storage.image.ImageFiles;
import io.jlxd.storage.image.ImageFingerprint;
import io.jlxd.storage.image.ImageStore;
import io.jlxd.storage.image.ImageUnpacker;
import io.jlxd.storage.image.InvalidImageException;
import io.jlxd.storage.image.ProgressListener;
import io.jlxd.storage.image.StagedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * The images of the daemon: files in the {@link ImageStore} and their rows in {@link ImageTable}, kept together
 * (files are committed first, then the row is inserted, and the files removed if that fails; at start, files
 * without a row and rows without files are removed). Also what instance creation uses: resolve an alias or
 * fingerprint, and unpack an image into an instance directory.
 */
public final class ImageService implements ImageProvider {
    private static final Logger LOG = Logger.getLogger(ImageService.class.getName());

    private final ImageStore store;
    private final ImageTable table;

    private ImageService(ImageStore store, ImageTable table) {
        this.store = store;
        this.table = table;
    }

    /** Opens the store (removing interrupted uploads) and reconciles it with the table. */
    public static ImageService open(Path imagesDir, ImageTable table) throws IOException {
        ImageService s = new ImageService(ImageStore.open(imagesDir), table);
        s.reconcile();
        return s;
    }

    private void reconcile() throws IOException {
        Set<String> files = new HashSet<>(store.fingerprints());
        Set<String> rows = new HashSet<>(table.fingerprints());
        for (String fp : files) {
            if (!rows.contains(fp)) {
                LOG.warning("image " + fp + ": files without a database row (interrupted upload?), removing them");
                store.delete(fp);
            }
        }
        for (String fp : rows) {
            if (!files.contains(fp)) {
                LOG.warning("image " + fp + ": database row without files, removing it");
                table.delete(fp);
            }
        }
    }

    public ImageStore store() {
        return store;
    }

    public ImageTable table() {
        return table;
    }

    /**
     * Records a committed upload. When the row cannot be inserted (same fingerprint raced in, alias taken),
     * the files are removed again unless they belong to the existing row.
     */
    public Image record(StagedImage staged, ImageFiles files, String filename, boolean isPublic,
                        Map<String, String> properties, List<ImageAliasesEntry> aliases) throws IOException {
        return record(staged, files, filename, isPublic, properties, aliases, "default");
    }

    /** {@link #record} into {@code project}'s images (aliases: names as stored). */
    public Image record(StagedImage staged, ImageFiles files, String filename, boolean isPublic,
                        Map<String, String> properties, List<ImageAliasesEntry> aliases, String project) throws IOException {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Image img = new Image(staged.fingerprint(), filename, files.size(), staged.metadata().architecture(), "container",
                isPublic, false, false, properties, List.of(), staged.metadata().creationDate().atOffset(ZoneOffset.UTC),
                now, null, staged.metadata().expiryDate().map(t -> t.atOffset(ZoneOffset.UTC)).orElse(null), List.of());
        boolean inserted;
        try {
            inserted = table.insert(img, aliases, project);
        } catch (RuntimeException e) {
            store.delete(staged.fingerprint());
            throw e;
        }
        if (!inserted) {
            throw new io.jlxd.storage.image.ImageExistsException(staged.fingerprint());
        }
        return table.find(staged.fingerprint()).orElseThrow();
    }

    /** The one image whose fingerprint starts with {@code prefix}. */
    public Optional<Image> find(String prefix) throws InvalidImageException {
        if (!ImageFingerprint.isPrefix(prefix)) {
            throw new InvalidImageException("invalid image fingerprint '" + prefix + "'");
        }
        String p = prefix.toLowerCase(java.util.Locale.ROOT);
        List<String> matches = table.fingerprints().stream().filter(f -> f.startsWith(p)).toList();
        if (matches.size() > 1) {
            throw new InvalidImageException("more than one image matches the fingerprint prefix " + prefix);
        }
        return matches.isEmpty() ? Optional.empty() : table.find(matches.getFirst());
    }

    private final List<java.util.function.Consumer<String>> deleteListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Called with the fingerprint after an image is deleted (storage pools remove their image volumes). */
    public void onDelete(java.util.function.Consumer<String> listener) {
        deleteListeners.add(listener);
    }

    private volatile io.jlxd.daemon.project.ProjectFeatures features;

    /** The projects' features (set at start): images and aliases are per project with {@code features.images}. */
    public void features(io.jlxd.daemon.project.ProjectFeatures value) {
        features = value;
    }

    private static final io.jlxd.daemon.project.ProjectFeatures.Feature IMAGES = io.jlxd.daemon.project.ProjectFeatures.Feature.IMAGES;

    /** The project whose images {@code project} uses (itself with features.images, else default). */
    public String owner(String project) {
        return features == null ? "default" : features.owner(project, IMAGES);
    }

    /** The stored name of an alias of {@code owner}'s ({@code <owner>_<name>} outside default). */
    public static String aliasKey(String owner, String name) {
        return io.jlxd.daemon.project.ProjectKeys.key(owner, name);
    }

    /** A new alias name of default's must not read as another project's stored alias (400). */
    public void checkDefaultAlias(String name) {
        if (features != null) {
            features.checkDefaultName(name, IMAGES);
        }
    }

    /** Whether a stored alias name belongs to {@code owner}. */
    public boolean aliasOwnedBy(String key, String owner) {
        return features == null ? owner.equals("default") : features.ownedBy(key, IMAGES, owner);
    }

    /** An alias's name in its project. */
    public String aliasName(String key) {
        return features == null ? key : features.nameOfKey(key, IMAGES);
    }

    /**
     * Takes the image out of {@code owner}'s images with that project's aliases of it; when no project holds it any
     * more, deletes it. Returns whether it was in the project.
     */
    public boolean delete(String fingerprint, String owner) throws IOException {
        if (!table.projects(fingerprint).contains(owner)) {
            return false;
        }
        List<String> aliases = table.aliases().stream().filter(a -> a.target().equals(fingerprint) && aliasOwnedBy(a.name(), owner))
                .map(ImageAliasesEntry::name).toList();
        if (table.removeFromProject(fingerprint, owner, aliases) == 0) {
            delete(fingerprint);
        }
        return true;
    }

    /**
     * An alias of {@code project}'s images, or else a fingerprint (prefix) of one of them; empty when neither matches
     * (the images of another project are not found).
     */
    public Optional<Resolved> resolve(String project, String aliasOrFingerprint) throws IOException {
        if (aliasOrFingerprint == null || aliasOrFingerprint.isEmpty()) {
            return Optional.empty();
        }
        String owner = owner(project);
        String key = aliasKey(owner, aliasOrFingerprint);
        Optional<ImageAliasesEntry> alias = aliasOwnedBy(key, owner) ? table.alias(key) : Optional.empty();
        Optional<Image> img = alias.isPresent() ? table.find(alias.get().target())
                : ImageFingerprint.isPrefix(aliasOrFingerprint) ? find(aliasOrFingerprint) : Optional.empty();
        return img.filter(i -> table.projects(i.fingerprint()).contains(owner))
                .map(i -> new Resolved(i.fingerprint(), i.architecture(), i.properties()));
    }

    /** Deletes the row (aliases cascade), then the files, then what listeners keep of it. */
    public boolean delete(String fingerprint) throws IOException {
        boolean had = table.delete(fingerprint);
        store.delete(fingerprint);
        deleteListeners.forEach(l -> l.accept(fingerprint));
        return had;
    }

    /** An alias name, or else a fingerprint (prefix), to an image; empty when neither matches. */
    @Override
    public Optional<Resolved> resolve(String aliasOrFingerprint) throws IOException {
        if (aliasOrFingerprint == null || aliasOrFingerprint.isEmpty()) {
            return Optional.empty();
        }
        Optional<ImageAliasesEntry> alias = table.alias(aliasOrFingerprint);
        Optional<Image> img = alias.isPresent() ? table.find(alias.get().target())
                : ImageFingerprint.isPrefix(aliasOrFingerprint) ? find(aliasOrFingerprint) : Optional.empty();
        return img.map(i -> new Resolved(i.fingerprint(), i.architecture(), i.properties()));
    }

    /**
     * Bytes free for an unprivileged writer on the file system that will hold {@code target} (its nearest existing
     * ancestor): an image is refused as soon as its files add up to more, before it fills the pool (on a dir pool,
     * a host file system).
     */
    private static long usableSpace(Path target) throws IOException {
        Path p = target.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? Long.MAX_VALUE : Files.getFileStore(p).getUsableSpace();
    }

    /** An image may expand to at most this many bytes of files (an xz "bomb" is refused, not written out). */
    public static final long MAX_UNPACKED_BYTES = 64L << 30;
    /** ... and this many archive entries. */
    public static final long MAX_UNPACKED_ENTRIES = 4_000_000;

    /**
     * Unpacks an image into {@code target} (LXD's instance layout: metadata.yaml, templates/, rootfs/), shifting
     * ownership by {@code shift} (NONE for privileged containers); complete or absent.
     */
    @Override
    public void unpack(String fingerprintOrAlias, Path target, ImageUnpacker.IdShift shift,
                       ProgressListener progress, BooleanSupplier cancelled) throws IOException {
        String fingerprint = resolve(fingerprintOrAlias)
                .orElseThrow(() -> new InvalidImageException("Image not found: " + fingerprintOrAlias)).fingerprint();
        ImageFiles files = store.find(fingerprint)
                .orElseThrow(() -> new InvalidImageException("image " + fingerprint + " is not in the store"));
        long free = usableSpace(target);
        long limit = Math.min(MAX_UNPACKED_BYTES, free);
        try {
            ImageUnpacker.unpack(files, target, ImageUnpacker.Options.defaults()
                    .withIdShift(shift).withProgress(progress).withCancellation(cancelled).withTargetMode(0700)
                    .withLimits(limit, MAX_UNPACKED_ENTRIES));
        } catch (InvalidImageException e) {
            if (limit == free && e.getMessage().startsWith("the image expands to more than")) {
                throw new InvalidImageException(e.getMessage() + ": more than the free space of the storage pool", e);
            }
            throw e;
        }
        table.touch(fingerprint, OffsetDateTime.now(ZoneOffset.UTC));
    }
}
