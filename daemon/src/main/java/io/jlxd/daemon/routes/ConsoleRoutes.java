package io.jlxd.daemon.routes;

import io.jlxd.api.OperationClass;
import io.jlxd.api.instance.InstanceConsolePost;
import io.jlxd.daemon.events.EventBus;
import io.jlxd.daemon.exec.ConsoleSession;
import io.jlxd.daemon.exec.ExecTargets;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.instance.SpecFactory;
import io.jlxd.daemon.instance.driver.ContainerDriver;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.DriverException;
import io.jlxd.daemon.instance.driver.LxcConfig;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.daemon.exec.Pty;
import io.jlxd.daemon.wsop.WsChannelSet;
import io.jlxd.daemon.wsop.WsOperations;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /1.0/instances/{name}/console}: GET the console log, DELETE clears it, POST attaches (a websocket
 * operation with channels "0" and "control", like LXD). Containers have a console only with
 * {@code migration.stateful=false} (a console pty cannot be checkpointed); otherwise 400 says so.
 */
public final class ConsoleRoutes {
    private static final long MAX_SERVED = 64L << 20;

    private final ContainerDriver driver;
    private final ExecTargets targets;
    private final Operations operations;
    private final WsOperations sockets;
    private final EventBus events;

    public ConsoleRoutes(ContainerDriver driver, ExecTargets targets, Operations operations, WsOperations sockets,
                         EventBus events) {
        this.driver = driver;
        this.targets = targets;
        this.operations = operations;
        this.sockets = sockets;
        this.events = events;
    }

    private ExecTargets.Target target(ApiRequest req) {
        String name = req.instanceKey();
        ExecTargets.Target t = targets.find(name).orElseThrow(() -> ApiException.notFound("Instance not found: " + name));
        if (!SpecFactory.console(t.config())) {
            throw ApiException.badRequest("The instance has no console: it is kept checkpointable (migration.stateful=true). "
                    + "Set migration.stateful=false and restart it to get a console");
        }
        return t;
    }

    private Path log(ExecTargets.Target t) {
        return ExecRoutes.logDir(driver, t.container()).resolve(LxcConfig.CONSOLE_LOG);
    }

    public Reply get(ApiRequest req) throws IOException {
        String type = req.query("type").orElse("log");
        if (!type.equals("log")) {
            throw ApiException.badRequest("Invalid console type \"" + type + "\": only \"log\" is supported for containers");
        }
        Path f = log(target(req));
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return new Reply.Raw(200, "application/octet-stream", new byte[0], Map.of());
        }
        long size = Files.size(f);
        if (size > MAX_SERVED) {
            throw ApiException.badRequest("Console log too large to serve (" + size + " bytes)");
        }
        return new Reply.Raw(200, "application/octet-stream", Files.readAllBytes(f), Map.of());
    }

    public Reply delete(ApiRequest req) throws IOException {
        Path f = log(target(req));
        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                c.truncate(0);
            }
        }
        return Reply.empty();
    }

    public Reply post(ApiRequest req) throws Exception {
        String name = req.instanceKey();
        InstanceConsolePost body = req.bodyAs(InstanceConsolePost.class);
        String type = body.type() == null || body.type().isEmpty() ? "console" : body.type();
        if (!type.equals("console")) {
            throw ApiException.badRequest("Invalid console type \"" + type + "\": containers only have \"console\"");
        }
        int width = size(body.width(), 80, "width");
        int height = size(body.height(), 24, "height");
        ExecTargets.Target t = target(req);
        ContainerState state;
        try {
            state = driver.state(t.container());
        } catch (DriverException e) {
            throw ApiException.notFound("Instance not found: " + name);
        }
        if (!state.active()) {
            throw ApiException.badRequest("Instance is not running");
        }
        ContainerDriver.ConsoleFds fds;
        try {
            fds = driver.console(t.container());
        } catch (DriverException e) {
            throw switch (e.kind()) {
                case INVALID_STATE -> ApiException.badRequest("Instance is not running");
                case INVALID_CONFIG -> ApiException.conflict("The console is not available (attached elsewhere, "
                        + "or the instance was started before migration.stateful=false: restart it)");
                default -> new ApiException(500, e.getMessage());
            };
        }
        WsChannelSet channels = new WsChannelSet(ConsoleSession.CHANNELS);
        CompletableFuture<String> id = new CompletableFuture<>();
        Map<String, List<String>> resources = Map.of("instances", List.of(io.jlxd.daemon.project.ProjectKeys.instanceUrl(name)));
        Operations.Spec spec = new Operations.Spec(OperationClass.WEBSOCKET, "Showing console", resources,
                Map.of("fds", channels.fds()), false, null);
        Op op;
        try {
            op = operations.startTask(spec, ctx -> {
                String opId = id.get();
                try {
                    if (!channels.awaitConnected(ExecRoutes.CONNECT_TIMEOUT)) {
                        Pty.closeFd(fds.keepAlive());
                        Pty.closeFd(fds.ptx());
                        throw ApiException.badRequest("Timed out waiting for the websockets to connect");
                    }
                    ConsoleSession.run(fds, width, height, channels);
                    return Map.of();
                } finally {
                    sockets.remove(opId);
                    channels.closeAll();
                }
            });
        } catch (RuntimeException e) {
            Pty.closeFd(fds.keepAlive());
            Pty.closeFd(fds.ptx());
            throw e;
        }
        sockets.register(op.id(), channels);
        id.complete(op.id());
        events.lifecycle("instance-console", io.jlxd.daemon.project.ProjectKeys.instanceUrl(name), Map.of("type", "console"), req.caller().requestor());
        return Reply.async(op.view());
    }

    private static int size(Integer value, int fallback, String field) {
        if (value == null || value == 0) {
            return fallback;
        }
        if (value < 0 || value > 0xffff) {
            throw ApiException.badRequest("\"" + field + "\" must be between 0 and 65535");
        }
        return value;
    }
}
