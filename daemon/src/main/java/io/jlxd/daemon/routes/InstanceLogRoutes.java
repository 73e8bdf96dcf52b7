package io.jlxd.daemon.routes;

import io.jlxd.daemon.exec.ExecTargets;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.instance.driver.ContainerDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code /1.0/instances/{name}/logs} (lxc.log, console.log and the record-output files of exec). File names are plain names (no "/", no leading "."), and
 * only regular files (no symlinks) are served or deleted.
 */
public final class InstanceLogRoutes {
    static final String LXC_LOG = "lxc.log";
    static final String CONSOLE_LOG = "console.log";
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,254}");
    private static final long MAX_SERVED = 64L << 20;

    private final ContainerDriver driver;
    private final ExecTargets targets;

    public InstanceLogRoutes(ContainerDriver driver, ExecTargets targets) {
        this.driver = driver;
        this.targets = targets;
    }

    private String container(ApiRequest req) {
        String name = req.instanceKey();
        return targets.find(name).orElseThrow(() -> ApiException.notFound("Instance not found: " + name)).container();
    }

    private Path dir(ApiRequest req) {
        return ExecRoutes.logDir(driver, container(req));
    }

    public Reply list(ApiRequest req) throws IOException {
        String name = req.instanceKey();
        Path dir = dir(req);
        List<String> urls = new ArrayList<>();
        for (String f : List.of(LXC_LOG, CONSOLE_LOG)) {
            if (Files.isRegularFile(dir.resolve(f), LinkOption.NOFOLLOW_LINKS)) {
                urls.add(io.jlxd.daemon.project.ProjectKeys.instanceUrl(name, "/logs/" + f));
            }
        }
        for (String f : outputFiles(dir)) {
            urls.add(io.jlxd.daemon.project.ProjectKeys.instanceUrl(name, "/logs/" + ExecRoutes.EXEC_OUTPUT + "/" + f));
        }
        return Reply.sync(urls);
    }

    public Reply listOutput(ApiRequest req) throws IOException {
        String name = req.instanceKey();
        List<String> urls = new ArrayList<>();
        for (String f : outputFiles(dir(req))) {
            urls.add(io.jlxd.daemon.project.ProjectKeys.instanceUrl(name, "/logs/" + ExecRoutes.EXEC_OUTPUT + "/" + f));
        }
        return Reply.sync(urls);
    }

    public Reply get(ApiRequest req) throws IOException {
        return serve(logFile(req));
    }

    public Reply delete(ApiRequest req) throws IOException {
        String file = name(req.param("file"));
        if (file.equals(LXC_LOG)) {
            throw ApiException.badRequest("lxc.log may not be deleted");
        }
        return remove(logFile(req));
    }

    public Reply getOutput(ApiRequest req) throws IOException {
        return serve(outputFile(req));
    }

    public Reply deleteOutput(ApiRequest req) throws IOException {
        return remove(outputFile(req));
    }

    private Path logFile(ApiRequest req) {
        String file = name(req.param("file"));
        if (!file.equals(LXC_LOG) && !file.equals(CONSOLE_LOG)) {
            throw ApiException.notFound("Log file not found: " + file);
        }
        return dir(req).resolve(file);
    }

    private Path outputFile(ApiRequest req) {
        String file = name(req.param("file"));
        if (!file.startsWith("exec_")) {
            throw ApiException.notFound("Exec output file not found: " + file);
        }
        return dir(req).resolve(ExecRoutes.EXEC_OUTPUT).resolve(file);
    }

    static String name(String file) {
        if (file == null || !FILE.matcher(file).matches() || file.contains("..")) {
            throw ApiException.badRequest("Invalid log file name: \"" + file + "\"");
        }
        return file;
    }

    private static Reply serve(Path f) throws IOException {
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.notFound("Log file not found: " + f.getFileName());
        }
        if (Files.size(f) > MAX_SERVED) {
            throw ApiException.badRequest("Log file too large to serve (" + Files.size(f) + " bytes)");
        }
        return new Reply.Raw(200, "application/octet-stream", Files.readAllBytes(f), Map.of());
    }

    private static Reply remove(Path f) throws IOException {
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.notFound("Log file not found: " + f.getFileName());
        }
        Files.delete(f);
        return Reply.empty();
    }

    private static List<String> outputFiles(Path dir) throws IOException {
        Path out = dir.resolve(ExecRoutes.EXEC_OUTPUT);
        if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
