package io.jlxd.daemon.routes;

import io.jlxd.api.Json;
import io.jlxd.api.Response;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.files.ContainerPath;
import io.jlxd.daemon.files.FileStat;
import io.jlxd.daemon.files.FileTree;
import io.jlxd.daemon.files.InstanceFiles;
import io.jlxd.daemon.files.SysException;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET/HEAD/POST/DELETE /1.0/instances/{name}/files?path=...} like LXD: raw file content or a directory's
 * entry names with the {@code X-LXD-uid/gid/mode/type} headers; uploads with {@code X-LXD-type}
 * ({@code file}/{@code directory}/{@code symlink}) and {@code X-LXD-write} ({@code overwrite}/{@code append}).
 * Ids in headers are container ids. Paths are resolved in the container's root by {@link FileTree}.
 */
public final class FileRoutes {
    static final String INSTANCES = "/1.0/instances/";
    private static final Pattern MODE = Pattern.compile("(0o|0)?[0-7]{1,4}");
    private static final Pattern ID = Pattern.compile("-1|[0-9]{1,10}");
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

    private final InstanceFiles files;
    private final EventBus events;

    public FileRoutes(InstanceFiles files, EventBus events) {
        this.files = files;
        this.events = events;
    }

    private static ContainerPath path(ApiRequest req) {
        try {
            return ContainerPath.parse(req.query("path").orElse(null));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    public Reply get(ApiRequest req) throws IOException {
        return read(req, false);
    }

    public Reply head(ApiRequest req) throws IOException {
        return read(req, true);
    }

    private Reply read(ApiRequest req, boolean head) throws IOException {
        String name = req.instanceKey();
        ContainerPath p = path(req);
        try (InstanceFiles.Opened o = open(name)) {
            FileTree.Node node = get(o, p);
            Map<String, String> headers = headers(o, node);
            switch (node) {
                case FileTree.FileNode f -> {
                    if (head) {
                        f.close();
                        return new Reply.Stream(200, "application/octet-stream", f.stat().size(), headers, out -> { });
                    }
                    events.lifecycle("instance-file-retrieved", io.jlxd.daemon.project.ProjectKeys.instanceUrl(name), Map.of("path", p.text()), req.caller().requestor());
                    return new Reply.Stream(200, "application/octet-stream", f.stat().size(), headers, out -> {
                        try (f) {
                            f.copyTo(out);
                        }
                    });
                }
                case FileTree.DirNode d -> {
                    return new Reply.Raw(200, "application/json", Json.lenient().writeValueAsBytes(Response.sync(d.entries())), headers);
                }
                case FileTree.LinkNode l -> {
                    return new Reply.Raw(200, "application/octet-stream",
                            absolute(p.parentText(), l.target()).getBytes(StandardCharsets.UTF_8), headers);
                }
            }
        }
    }

    public Reply post(ApiRequest req) throws IOException {
        String name = req.instanceKey();
        ContainerPath p = path(req);
        String type = req.header("X-LXD-type").filter(s -> !s.isEmpty()).orElse("file");
        String write = req.header("X-LXD-write").filter(s -> !s.isEmpty()).orElse("overwrite");
        if (!type.equals("file") && !type.equals("directory") && !type.equals("symlink")) {
            throw ApiException.badRequest("Bad file type: \"" + type + "\" (file, directory or symlink)");
        }
        if (!write.equals("overwrite") && !write.equals("append")) {
            throw ApiException.badRequest("Bad file write mode: \"" + write + "\" (overwrite or append)");
        }
        long uid = id(req, "X-LXD-uid");
        long gid = id(req, "X-LXD-gid");
        int mode = mode(req);
        if (p.isRoot()) {
            throw ApiException.badRequest("Invalid path \"" + p.text() + "\": the root directory cannot be written");
        }
        try (InstanceFiles.Opened o = open(name)) {
            long hostUid = o.toHost(uid, "X-LXD-uid");
            long hostGid = o.toHost(gid, "X-LXD-gid");
            try {
                switch (type) {
                    case "directory" -> o.tree().asMapped(() -> o.tree().mkdir(p, hostUid, hostGid, mode));
                    case "symlink" -> {
                        String target = new String(req.bodyBytes(4095), StandardCharsets.UTF_8);
                        if (target.isEmpty() || target.indexOf('\0') >= 0) {
                            throw ApiException.badRequest("A symlink needs its target as the request body (no NUL)");
                        }
                        o.tree().asMapped(() -> o.tree().symlink(p, target, hostUid, hostGid));
                    }
                    default -> {
                        InputStream body = req.bodyStream(Long.MAX_VALUE);
                        long declared = req.contentLength();
                        o.tree().asMapped(() -> o.tree().write(p, body, declared, write.equals("append"), hostUid, hostGid, mode));
                    }
                }
            } catch (SysException e) {
                throw error(e, p);
            } catch (io.jlxd.daemon.files.FileTree.TooLarge e) {
                // refused before anything is written (LXD writes until the storage is full, then answers 500)
                throw ApiException.tooLarge(e.getMessage());
            } catch (IOException e) {
                throw ApiException.badRequest("Cannot read the request body: " + e.getMessage());
            }
        }
        events.lifecycle("instance-file-pushed", io.jlxd.daemon.project.ProjectKeys.instanceUrl(name), Map.of("path", p.text(), "type", type), req.caller().requestor());
        return Reply.empty();
    }

    public Reply delete(ApiRequest req) throws IOException {
        String name = req.instanceKey();
        ContainerPath p = path(req);
        if (p.isRoot()) {
            throw ApiException.badRequest("Invalid path \"" + p.text() + "\": the root directory cannot be deleted");
        }
        try (InstanceFiles.Opened o = open(name)) {
            o.tree().delete(p);
        } catch (SysException e) {
            throw error(e, p);
        }
        events.lifecycle("instance-file-deleted", io.jlxd.daemon.project.ProjectKeys.instanceUrl(name), Map.of("path", p.text()), req.caller().requestor());
        return Reply.empty();
    }

    private InstanceFiles.Opened open(String name) {
        try {
            return files.open(name);
        } catch (SysException e) {
            throw new ApiException(500, "Cannot open the instance's root: " + e.getMessage());
        }
    }

    private static FileTree.Node get(InstanceFiles.Opened o, ContainerPath p) {
        try {
            return o.tree().get(p);
        } catch (SysException e) {
            throw error(e, p);
        }
    }

    private static Map<String, String> headers(InstanceFiles.Opened o, FileTree.Node node) {
        FileStat st = node.stat();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("X-LXD-uid", Long.toString(o.toContainer(st.uid())));
        h.put("X-LXD-gid", Long.toString(o.toContainer(st.gid())));
        h.put("X-LXD-mode", String.format("%04o", st.permissions()));
        h.put("X-LXD-type", switch (node) {
            case FileTree.FileNode f -> "file";
            case FileTree.DirNode d -> "directory";
            case FileTree.LinkNode l -> "symlink";
        });
        h.put("X-LXD-modified", HTTP_DATE.format(Instant.ofEpochSecond(st.mtimeSeconds())));
        return h;
    }

    /** A relative symlink target made absolute against the link's directory, cleaned (LXD: filepath.Join). */
    static String absolute(String dir, String target) {
        String joined = target.startsWith("/") ? target : dir + "/" + target;
        Deque<String> parts = new ArrayDeque<>();
        for (String c : joined.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(c);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static long id(ApiRequest req, String header) {
        String v = req.header(header).map(String::trim).orElse("");
        if (v.isEmpty()) {
            return -1;
        }
        if (!ID.matcher(v).matches()) {
            throw ApiException.badRequest("Invalid " + header + ": \"" + v + "\" is not a user or group id");
        }
        return Long.parseLong(v);
    }

    private static int mode(ApiRequest req) {
        String v = req.header("X-LXD-mode").map(String::trim).orElse("");
        if (v.isEmpty()) {
            return -1;
        }
        if (!MODE.matcher(v).matches()) {
            throw ApiException.badRequest("Invalid X-LXD-mode: \"" + v + "\" (octal, e.g. 0644)");
        }
        return Integer.parseInt(v.startsWith("0o") ? v.substring(2) : v, 8);
    }

    /** errno to HTTP: missing 404, exists 409, refused 403, the rest of the caller's doing 400. */
    static ApiException error(SysException e, ContainerPath p) {
        String where = "\"" + p.text() + "\": ";
        return switch (e.errno()) {
            case 2, 20 -> ApiException.notFound("Not found: " + where + e.getMessage());
            case 17 -> ApiException.conflict("Already exists: " + where + e.getMessage());
            case 1, 13 -> ApiException.forbidden("Refused: " + where + e.getMessage());
            case 39 -> ApiException.badRequest("Directory not empty: " + where + e.getMessage());
            case 75 -> ApiException.badRequest("Cannot create files on " + where + "a file system mounted by the container's own "
                    + "user namespace (the daemon's ids are not mapped there): " + e.getMessage());
            case 21, 22, 40, 18, 30, 36 -> ApiException.badRequest("Cannot do that on " + where + e.getMessage());
            default -> new ApiException(500, where + e.getMessage());
        };
    }
}
