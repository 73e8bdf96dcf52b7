package io.jlxd.daemon.routes;

import io.jlxd.api.Paths;
import io.jlxd.api.image.Image;
import io.jlxd.api.image.ImageAliasesEntry;
import io.jlxd.api.image.ImageAliasesEntryPost;
import io.jlxd.api.image.ImageAliasesEntryPut;
import io.jlxd.api.image.ImageAliasesPost;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Etag;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.image.ImageAliasNames;
import io.jlxd.daemon.image.ImageService;
import io.jlxd.storage.image.InvalidImageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /1.0/images/aliases}: names pointing at images. Untrusted callers see aliases of public images only. */
public final class ImageAliasRoutes {
    private final ImageService images;
    private final EventBus events;

    public ImageAliasRoutes(ImageService images, EventBus events) {
        this.images = images;
        this.events = events;
    }

    /** An alias as the API shows it: its name in its project. */
    private ImageAliasesEntry view(ImageAliasesEntry a) {
        return new ImageAliasesEntry(images.aliasName(a.name()), a.description(), a.target(), a.type());
    }

    /** The URL of a stored alias: its name in its project, and the project's query. */
    private String urlOf(String key, String owner) {
        return url(images.aliasName(key)) + io.jlxd.daemon.project.ProjectKeys.query(owner);
    }

    /** The stored name of alias {@code name} in the request's project's images (400 for a reserved default name). */
    private String newKey(ApiRequest req, String name) {
        String owner = images.owner(req.project());
        if (owner.equals(ApiRequest.DEFAULT_PROJECT)) {
            images.checkDefaultAlias(name);
        }
        return ImageService.aliasKey(owner, name);
    }

    public Reply list(ApiRequest req) {
        int recursion = req.recursion(1);
        String owner = images.owner(req.project());
        List<Object> out = new ArrayList<>();
        for (ImageAliasesEntry a : images.table().aliases()) {
            if (images.aliasOwnedBy(a.name(), owner) && visible(req, a)) {
                out.add(recursion == 0 ? urlOf(a.name(), owner) : view(a));
            }
        }
        return Reply.sync(out);
    }

    public Reply post(ApiRequest req) {
        ImageAliasesPost body = req.bodyAs(ImageAliasesPost.class);
        String name = ImageAliasNames.check(body.name());
        if (body.type() != null && !body.type().isEmpty() && !body.type().equals("container")) {
            throw ApiException.badRequest("Invalid alias type \"" + body.type() + "\" (only container images exist)");
        }
        Image target = target(req, body.target());
        String key = newKey(req, name);
        if (images.table().alias(key).isPresent()) {
            throw ApiException.conflict("Alias \"" + name + "\" already exists");
        }
        if (!images.table().createAlias(key, target.fingerprint(), body.description() == null ? "" : body.description())) {
            throw ApiException.conflict("Alias \"" + name + "\" already exists");
        }
        events.lifecycle("image-alias-created", urlOf(key, images.owner(req.project())), Map.of("target", target.fingerprint()),
                req.caller().requestor());
        return Reply.empty();
    }

    public Reply get(ApiRequest req) {
        ImageAliasesEntry a = find(req);
        return Reply.sync(view(a), etag(a));
    }

    public Reply put(ApiRequest req) {
        ImageAliasesEntry a = find(req);
        ImageAliasesEntryPut body = req.bodyAs(ImageAliasesEntryPut.class);
        req.checkEtag(etag(a));
        if (body.target() == null || body.target().isBlank()) {
            throw ApiException.badRequest("The target field is required");
        }
        return update(req, a, target(req, body.target()), body.description() == null ? "" : body.description());
    }

    public Reply patch(ApiRequest req) {
        ImageAliasesEntry a = find(req);
        ImageAliasesEntryPut body = req.bodyAs(ImageAliasesEntryPut.class);
        req.checkEtag(etag(a));
        Image t = body.target() == null || body.target().isBlank() ? target(req, a.target()) : target(req, body.target());
        return update(req, a, t, body.description() == null ? a.description() : body.description());
    }

    private Reply update(ApiRequest req, ImageAliasesEntry a, Image target, String description) {
        if (!images.table().updateAlias(a.name(), target.fingerprint(), description)) {
            throw ApiException.notFound("Alias not found");
        }
        events.lifecycle("image-alias-updated", urlOf(a.name(), images.owner(req.project())), Map.of("target", target.fingerprint()),
                req.caller().requestor());
        return Reply.empty();
    }

    public Reply rename(ApiRequest req) {
        ImageAliasesEntry a = find(req);
        ImageAliasesEntryPost body = req.bodyAs(ImageAliasesEntryPost.class);
        String name = ImageAliasNames.check(body.name());
        String key = newKey(req, name);
        if (images.table().alias(key).isPresent()) {
            throw ApiException.conflict("Alias \"" + name + "\" already exists");
        }
        if (!images.table().renameAlias(a.name(), key)) {
            throw ApiException.conflict("Alias \"" + name + "\" already exists");
        }
        events.lifecycle("image-alias-renamed", urlOf(key, images.owner(req.project())), Map.of("old_name", images.aliasName(a.name())),
                req.caller().requestor());
        return Reply.empty();
    }

    public Reply delete(ApiRequest req) {
        ImageAliasesEntry a = find(req);
        if (!images.table().deleteAlias(a.name())) {
            throw ApiException.notFound("Alias not found");
        }
        events.lifecycle("image-alias-deleted", urlOf(a.name(), images.owner(req.project())), null, req.caller().requestor());
        return Reply.empty();
    }

    private ImageAliasesEntry find(ApiRequest req) {
        String owner = images.owner(req.project());
        String key = ImageService.aliasKey(owner, req.param("name"));
        if (!images.aliasOwnedBy(key, owner)) {
            throw ApiException.notFound("Alias not found");
        }
        ImageAliasesEntry a = images.table().alias(key).orElseThrow(() -> ApiException.notFound("Alias not found"));
        if (!visible(req, a)) {
            throw ApiException.notFound("Alias not found");
        }
        return a;
    }

    private boolean visible(ApiRequest req, ImageAliasesEntry a) {
        return req.caller().mayUseProject(req.project()) || images.table().find(a.target()).map(Image::isPublic).orElse(false);
    }

    /** The target image, among the images of the request's project. */
    private Image target(ApiRequest req, String fingerprint) {
        if (fingerprint == null || fingerprint.isBlank()) {
            throw ApiException.badRequest("The target field is required (an image fingerprint)");
        }
        String owner = images.owner(req.project());
        try {
            return images.find(fingerprint).filter(i -> images.table().projects(i.fingerprint()).contains(owner))
                    .orElseThrow(() -> ApiException.notFound("Image \"" + fingerprint + "\" not found"));
        } catch (InvalidImageException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static String etag(ImageAliasesEntry a) {
        return Etag.of(a.description(), a.target());
    }

    static String url(String name) {
        return Paths.API + "/images/aliases/" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }
}
