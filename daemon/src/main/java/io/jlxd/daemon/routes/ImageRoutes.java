package io.jlxd.daemon.routes;

import io.jlxd.api.Json;
import io.jlxd.api.Paths;
import io.jlxd.api.image.Image;
import io.jlxd.api.image.ImagePut;
import io.jlxd.api.image.ImagesPost;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.ListFilter;
import io.jlxd.daemon.http.Etag;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.image.ImagePublisher;
import io.jlxd.daemon.image.ImageService;
import io.jlxd.daemon.image.ImageUploads;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.storage.image.Compression;
import io.jlxd.storage.image.ImageFiles;
import io.jlxd.storage.image.InvalidImageException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /1.0/images}: upload (raw unified tarball or multipart metadata + rootfs, see {@link ImageUploads}),
 * list, show, update, delete and export images. Untrusted callers see public images only.
 */
public final class ImageRoutes {
    private final ImageService images;
    private final ImageUploads uploads;
    private final Operations operations;
    private final EventBus events;
    private final ImagePublisher publisher;

    public ImageRoutes(ImageService images, ImageUploads uploads, ImagePublisher publisher, Operations operations, EventBus events) {
        this.publisher = publisher;
        this.images = images;
        this.uploads = uploads;
        this.operations = operations;
        this.events = events;
    }

    public Reply list(ApiRequest req) {
        int recursion = req.recursion(1);
        boolean trusted = req.caller().mayUseProject(req.project());
        String owner = images.owner(req.project());
        java.util.Set<String> own = new java.util.HashSet<>(images.table().fingerprints(owner));
        ListFilter filter = req.query("filter").filter(f -> !f.isBlank()).map(ListFilter::parse).orElse(null);
        List<Object> out = new ArrayList<>();
        for (Image img : images.table().list()) {
            if (own.contains(img.fingerprint()) && (trusted || img.isPublic())
                    && (filter == null || filter.matches(Json.lenient().valueToTree(img)))) {
                out.add(recursion == 0 ? url(img.fingerprint()) + io.jlxd.daemon.project.ProjectKeys.query(owner) : view(img, owner));
            }
        }
        return Reply.sync(out);
    }

    public Reply post(ApiRequest req) {
        if (!req.caller().mayUseProject(images.owner(req.project()))) {
            throw ApiException.forbidden("not authorized");
        }
        String type = req.header("Content-Type").orElse("application/octet-stream").trim();
        if (type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            ImagesPost body = req.bodyAs(ImagesPost.class);
            Object source = body.source() == null ? null : body.source().get("type");
            if ("instance".equals(source) || "container".equals(source) || "snapshot".equals(source)) {
                return Reply.async(publisher.publish(req.project(), body, req.caller().requestor()).view());
            }
            throw ApiException.badRequest("image servers are not supported (no network); upload the image"
                    + (source == null ? "" : " (source type \"" + source + "\")"));
        }
        return uploads.upload(req, type);
    }

    public Reply get(ApiRequest req) {
        Image img = find(req);
        return Reply.sync(view(img, images.owner(req.project())), etag(img));
    }

    public Reply put(ApiRequest req) {
        Image img = find(req);
        ImagePut body = req.bodyAs(ImagePut.class);
        req.checkEtag(etag(img));
        return update(req, img, new ImagePut(
                body.isPublic() != null && body.isPublic(),
                body.autoUpdate() != null && body.autoUpdate(),
                body.properties() == null ? Map.of() : body.properties(),
                body.expiresAt(), body.profiles()));
    }

    public Reply patch(ApiRequest req) {
        Image img = find(req);
        ImagePut body = req.bodyAs(ImagePut.class);
        req.checkEtag(etag(img));
        Map<String, String> props = new LinkedHashMap<>(img.properties());
        if (body.properties() != null) {
            props.putAll(body.properties());
        }
        return update(req, img, new ImagePut(
                body.isPublic() != null ? body.isPublic() : img.isPublic(),
                body.autoUpdate() != null ? body.autoUpdate() : img.autoUpdate(),
                props, body.expiresAt() != null ? body.expiresAt() : img.expiresAt(), body.profiles()));
    }

    private Reply update(ApiRequest req, Image img, ImagePut v) {
        if (v.profiles() != null && !v.profiles().isEmpty()) {
            throw ApiException.badRequest("image profiles are not supported");
        }
        for (String k : v.properties().keySet()) {
            if (k.isBlank() || k.length() > 255) {
                throw ApiException.badRequest("Invalid image property name \"" + k + "\"");
            }
        }
        if (!images.table().update(img.fingerprint(), v.isPublic(), v.autoUpdate(), v.properties(), v.expiresAt())) {
            throw ApiException.notFound("Image not found");
        }
        events.lifecycle("image-updated", url(img.fingerprint()) + io.jlxd.daemon.project.ProjectKeys.query(images.owner(req.project())),
                null, req.caller().requestor());
        return Reply.empty();
    }

    public Reply delete(ApiRequest req) {
        String fp = find(req).fingerprint();
        String owner = images.owner(req.project());
        String u = url(fp) + io.jlxd.daemon.project.ProjectKeys.query(owner);
        EventBus.Requestor who = req.caller().requestor();
        Op op = operations.startTask(Operations.Spec.task("Deleting image", Map.of("images", List.of(u))), ctx -> {
            // out of this project's images; the files go when no project holds the image any more
            if (images.delete(fp, owner)) {
                events.lifecycle("image-deleted", u, null, who);
            }
            return null;
        });
        return Reply.async(op.view());
    }

    public Reply export(ApiRequest req) {
        Image img = find(req);
        ImageFiles files;
        try {
            files = images.store().find(img.fingerprint())
                    .orElseThrow(() -> ApiException.notFound("Image files not found: " + img.fingerprint()));
            if (!files.isSplit()) {
                Path f = files.metadata();
                return new Reply.Stream(200, "application/octet-stream", Files.size(f),
                        Map.of("Content-Disposition", "attachment; filename=" + fileName(img, f)), out -> Files.copy(f, out));
            }
            return splitExport(img, files);
        } catch (IOException e) {
            throw new ApiException(500, "Cannot export the image: " + e.getMessage(), e);
        }
    }

    /** LXD's export of a split image: multipart/form-data with parts "metadata" and "rootfs". */
    private Reply splitExport(Image img, ImageFiles files) throws IOException {
        byte[] r = new byte[16];
        new SecureRandom().nextBytes(r);
        String boundary = HexFormat.of().formatHex(r);
        Path meta = files.metadata();
        Path rootfs = files.rootfs().orElseThrow();
        byte[] h1 = partHeader(boundary, "metadata", fileName(img, meta), true);
        byte[] h2 = partHeader(boundary, "rootfs", img.fingerprint() + ".rootfs" + extension(rootfs), false);
        byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        long length = h1.length + Files.size(meta) + h2.length + Files.size(rootfs) + end.length;
        return new Reply.Stream(200, "multipart/form-data; boundary=" + boundary, length, Map.of(), (OutputStream out) -> {
            out.write(h1);
            Files.copy(meta, out);
            out.write(h2);
            Files.copy(rootfs, out);
            out.write(end);
        });
    }

    private static byte[] partHeader(String boundary, String name, String filename, boolean first) {
        return ((first ? "" : "\r\n") + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                + "\"; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String fileName(Image img, Path f) throws IOException {
        if (img.filename() != null && !img.filename().isBlank()) {
            return img.filename();
        }
        return img.fingerprint() + extension(f);
    }

    private static String extension(Path f) throws IOException {
        try {
            return Compression.detect(f).extension();
        } catch (InvalidImageException e) {
            return "";
        }
    }

    /** The image named by the {fingerprint} parameter (unique prefix); untrusted callers find public ones only. */
    Image find(ApiRequest req) {
        String fp = req.param("fingerprint");
        try {
            String owner = images.owner(req.project());
            Image img = images.find(fp).filter(i -> images.table().projects(i.fingerprint()).contains(owner))
                    .orElseThrow(() -> ApiException.notFound("Image not found"));
            if (!req.caller().mayUseProject(req.project()) && !img.isPublic()) {
                throw ApiException.notFound("Image not found");
            }
            return img;
        } catch (InvalidImageException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /** An image as a project sees it: its aliases are that project's, by their names there. */
    private Image view(Image img, String owner) {
        List<Image.ImageAlias> al = img.aliases() == null ? List.of() : img.aliases().stream()
                .filter(a -> images.aliasOwnedBy(a.name(), owner))
                .map(a -> new Image.ImageAlias(images.aliasName(a.name()), a.description())).toList();
        return new Image(img.fingerprint(), img.filename(), img.size(), img.architecture(), img.type(), img.isPublic(), img.autoUpdate(),
                img.cached(), img.properties(), al, img.createdAt(), img.uploadedAt(), img.lastUsedAt(), img.expiresAt(), img.profiles());
    }

    static String etag(Image img) {
        return Etag.of(img.isPublic(), img.autoUpdate(), img.properties(), img.expiresAt());
    }

    static String url(String fingerprint) {
        return Paths.API + "/images/" + fingerprint;
    }
}
