package io.jlxd.daemon.image;

import io.jlxd.api.OperationClass;
import io.jlxd.api.Paths;
import io.jlxd.api.http.MultipartReader;
import io.jlxd.api.image.Image;
import io.jlxd.api.image.ImageAliasesEntry;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.storage.image.ImageCancelledException;
import io.jlxd.storage.image.ImageExistsException;
import io.jlxd.storage.image.ImageFiles;
import io.jlxd.storage.image.ImageFingerprint;
import io.jlxd.storage.image.ImageUpload;
import io.jlxd.storage.image.InvalidImageException;
import io.jlxd.storage.image.ProgressListener;
import io.jlxd.storage.image.StagedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code POST /1.0/images} uploads. The operation exists from the first byte (progress in its metadata under
 * {@code progress}: stage, percent, speed; cancellable with DELETE). The request thread streams the body into an
 * {@link ImageUpload} and validates it; anything wrong with the body is answered at once (400, 413, 409) and
 * fails the operation too. The operation then commits the files and inserts the row; a cancel or failure at any
 * point leaves nothing behind.
 */
public final class ImageUploads {
    /** Default cap of an upload body: 16 GiB (system property {@code jlxd.images.maxUpload} overrides it). */
    public static final long DEFAULT_MAX_UPLOAD = 16L << 30;

    private final ImageService images;
    private final Operations operations;
    private final EventBus events;
    private final long maxUpload;

    public ImageUploads(ImageService images, Operations operations, EventBus events) {
        this.images = images;
        this.operations = operations;
        this.events = events;
        this.maxUpload = Long.getLong("jlxd.images.maxUpload", DEFAULT_MAX_UPLOAD);
    }

    /** What the upload headers ask for. */
    private record Request(String fingerprint, boolean isPublic, String filename, Map<String, String> properties,
                           List<String> aliases) {
    }

    /** What the upload received: committed files, or ({@code existing}) an image another project holds already. */
    private record Received(ImageFiles files, StagedImage staged, String owner, boolean existing) {
    }

    public Reply upload(ApiRequest req, String contentType) {
        Request r = parseHeaders(req);
        String boundary = null;
        String lower = contentType.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("multipart/form-data")) {
            boundary = MultipartReader.boundaryOf(contentType); // case matters in the boundary
            if (boundary == null) {
                throw ApiException.badRequest("multipart/form-data without a boundary");
            }
        } else if (!lower.startsWith("application/octet-stream")) {
            throw ApiException.badRequest("Unsupported Content-Type \"" + contentType
                    + "\": upload application/octet-stream (unified image) or multipart/form-data (metadata, rootfs)");
        }
        String owner = images.owner(req.project());
        for (String a : r.aliases()) {
            if (owner.equals(ApiRequest.DEFAULT_PROJECT)) {
                images.checkDefaultAlias(a);
            }
            if (images.table().alias(ImageService.aliasKey(owner, a)).isPresent()) {
                throw ApiException.conflict("Alias \"" + a + "\" already exists");
            }
        }
        InputStream body = req.bodyStream(maxUpload);
        EventBus.Requestor who = req.caller().requestor();
        CompletableFuture<Received> received = new CompletableFuture<>();
        Op op = operations.startTask(new Operations.Spec(OperationClass.TASK, "Uploading image", Map.of(),
                progress("upload", 0, req.contentLength(), 0), true, null), ctx -> store(ctx, received, r, who));
        long start = System.nanoTime();
        long[] last = {0};
        ProgressListener progress = (done, total) -> {
            long now = System.nanoTime();
            if (now - last[0] >= 250_000_000L || done == total) {
                last[0] = now;
                long speed = (long) (done / Math.max(1e-3, (now - start) / 1e9));
                op.updateMetadata(progress("upload", done, total, speed));
            }
        };
        ImageUpload up = images.store().newUpload(ImageUpload.Options.defaults()
                .withProgress(progress, req.contentLength()).withCancellation(op::isCancelled));
        try {
            Received got;
            try (up) {
                if (boundary == null) {
                    up.writeUnified(body);
                } else {
                    receiveMultipart(new MultipartReader(body, boundary), up);
                }
                StagedImage staged = up.finish(r.fingerprint());
                if (images.table().find(staged.fingerprint()).isPresent()) {
                    if (images.table().projects(staged.fingerprint()).contains(owner)) {
                        throw new ImageExistsException(staged.fingerprint());
                    }
                    got = new Received(null, staged, owner, true); // another project's: this project gets it too (LXD)
                } else {
                    op.updateMetadata(progress("validate", 0, -1, 0));
                    got = new Received(up.commit(), staged, owner, false);
                }
            }
            if (!got.existing()) {
                try {
                    ImageCheck.scan(got.files(), op::isCancelled);
                } catch (IOException | RuntimeException e) {
                    images.store().delete(got.staged().fingerprint());
                    throw e;
                }
            }
            received.complete(got);
            return Reply.async(op.view());
        } catch (ImageCancelledException e) {
            throw refuse(received, new CancellationException("image upload cancelled"),
                    ApiException.badRequest("image upload cancelled"));
        } catch (ImageExistsException e) {
            ApiException x = ApiException.conflict("Image with same fingerprint already exists");
            throw refuse(received, x, x);
        } catch (ApiRequest.BodyTooLargeException e) {
            ApiException x = ApiException.tooLarge(e.getMessage());
            throw refuse(received, x, x);
        } catch (InvalidImageException | MultipartReader.MalformedException e) {
            ApiException x = ApiException.badRequest(e.getMessage());
            throw refuse(received, x, x);
        } catch (IOException e) {
            ApiException x = ApiException.badRequest("Cannot read the image upload: " + e.getMessage());
            throw refuse(received, x, x);
        } catch (RuntimeException e) {
            throw refuse(received, e, e);
        } catch (Error e) {
            throw refuse(received, e, e);
        }
    }

    private static <T extends Throwable> T refuse(CompletableFuture<Received> received, Throwable forOp, T answer) {
        received.completeExceptionally(forOp);
        return answer;
    }

    private static void receiveMultipart(MultipartReader parts, ImageUpload up) throws IOException {
        MultipartReader.Part p = parts.next();
        if (p == null || !p.name().equals("metadata")) {
            throw new InvalidImageException("multipart upload: the first part must be \"metadata\""
                    + (p == null ? "" : ", not \"" + p.name() + "\""));
        }
        up.writeMetadata(p.body());
        p = parts.next();
        if (p == null) {
            throw new InvalidImageException("multipart upload: the \"rootfs\" part is missing");
        }
        if (p.name().equals("rootfs.img")) {
            throw new InvalidImageException("virtual-machine images (rootfs.img) are not supported");
        }
        if (!p.name().equals("rootfs")) {
            throw new InvalidImageException("multipart upload: the second part must be \"rootfs\", not \"" + p.name() + "\"");
        }
        up.writeRootfs(p.body());
        if (parts.next() != null) {
            throw new InvalidImageException("multipart upload: unexpected part after \"rootfs\"");
        }
    }

    /** The operation's half: commit the staged files, insert the row, announce it. */
    private Map<String, Object> store(io.jlxd.daemon.ops.OperationContext ctx, CompletableFuture<Received> received,
                                      Request r, EventBus.Requestor who) throws Exception {
        Received got;
        try {
            got = received.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            throw e;
        }
        String fp = got.staged().fingerprint();
        if (ctx.isCancelled()) {
            if (!got.existing()) {
                images.store().delete(fp);
            }
            throw new CancellationException("image upload cancelled");
        }
        String owner = got.owner();
        List<ImageAliasesEntry> aliases = new ArrayList<>();
        for (String a : r.aliases()) {
            aliases.add(new ImageAliasesEntry(ImageService.aliasKey(owner, a), "", fp, "container"));
        }
        Map<String, String> props = new LinkedHashMap<>(got.staged().metadata().properties());
        props.putAll(r.properties());
        Image img;
        try {
            if (got.existing()) {
                if (!images.table().addToProject(fp, owner, aliases)) {
                    throw new ImageExistsException(fp);
                }
                img = images.table().find(fp).orElseThrow(() -> ApiException.notFound("Image not found"));
            } else {
                img = images.record(got.staged(), got.files(), r.filename(), r.isPublic(), props, aliases, owner);
            }
        } catch (ImageExistsException e) {
            throw ApiException.conflict("Image with same fingerprint already exists");
        } catch (RuntimeException e) {
            throw ApiException.conflict("Cannot record the image: " + e.getMessage());
        }
        String q = io.jlxd.daemon.project.ProjectKeys.query(owner);
        String url = Paths.API + "/images/" + img.fingerprint() + q;
        events.lifecycle("image-created", url, null, who);
        for (String a : r.aliases()) {
            events.lifecycle("image-alias-created", Paths.API + "/images/aliases/" + a + q, Map.of("target", img.fingerprint()), who);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fingerprint", img.fingerprint());
        out.put("size", img.size());
        return out;
    }

    private static Map<String, Object> progress(String stage, long done, long total, long speed) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("stage", stage);
        p.put("percent", String.valueOf(Math.max(0, ProgressListener.percent(done, total))));
        p.put("processed", String.valueOf(done));
        p.put("speed", String.valueOf(speed));
        return Map.of("progress", p);
    }

    private static Request parseHeaders(ApiRequest req) {
        String fp = req.header("X-LXD-fingerprint").orElse("").trim();
        if (!fp.isEmpty() && !ImageFingerprint.isValid(fp.toLowerCase(java.util.Locale.ROOT))) {
            throw ApiException.badRequest("Invalid X-LXD-fingerprint \"" + fp + "\": 64 hexadecimal digits expected");
        }
        String pub = req.header("X-LXD-public").orElse("").trim();
        boolean isPublic = switch (pub.toLowerCase(java.util.Locale.ROOT)) {
            case "", "0", "false" -> false;
            case "1", "true" -> true;
            default -> throw ApiException.badRequest("Invalid X-LXD-public \"" + pub + "\": true or false expected");
        };
        String filename = req.header("X-LXD-filename").orElse("").trim();
        if (filename.contains("/") || filename.contains("\0") || filename.equals("..") || filename.length() > 255) {
            throw ApiException.badRequest("Invalid X-LXD-filename \"" + filename + "\": a plain file name expected");
        }
        Map<String, String> props = new LinkedHashMap<>();
        String raw = req.header("X-LXD-properties").orElse("").trim();
        if (!raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                try {
                    String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    if (k.isBlank()) {
                        throw ApiException.badRequest("Invalid X-LXD-properties: empty property name");
                    }
                    props.put(k, v);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("Invalid X-LXD-properties (url-encoded key=value pairs expected): "
                            + e.getMessage());
                }
            }
        }
        List<String> aliases = new ArrayList<>();
        for (String a : req.header("X-LXD-aliases").orElse("").split(",")) {
            String name = a.trim();
            if (!name.isEmpty()) {
                ImageAliasNames.check(name);
                aliases.add(name);
            }
        }
        return new Request(fp.isEmpty() ? null : fp.toLowerCase(java.util.Locale.ROOT), isPublic, filename, props, aliases);
    }
}
