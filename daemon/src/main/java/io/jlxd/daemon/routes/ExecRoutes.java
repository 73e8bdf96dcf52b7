package io.jlxd.daemon.routes;

import io.jlxd.api.OperationClass;
import io.jlxd.api.instance.InstanceExecPost;
import io.jlxd.daemon.exec.ExecEnvironment;
import io.jlxd.daemon.exec.ExecSession;
import io.jlxd.daemon.exec.ExecTargets;
import io.jlxd.daemon.http.ApiException;
import io.jlxd.daemon.http.ApiRequest;
import io.jlxd.daemon.http.Reply;
import io.jlxd.daemon.instance.driver.ContainerDriver;
import io.jlxd.daemon.instance.driver.ContainerState;
import io.jlxd.daemon.instance.driver.DriverException;
import io.jlxd.daemon.instance.driver.ExecRequest;
import io.jlxd.daemon.ops.Op;
import io.jlxd.daemon.ops.Operations;
import io.jlxd.daemon.wsop.WsChannelSet;
import io.jlxd.daemon.wsop.WsOperations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /1.0/instances/{name}/exec}: runs a command in a running instance. With {@code wait-for-websocket}
 * it is a websocket operation whose metadata {@code fds} holds a secret per channel; the command starts once every
 * channel is connected (or the operation fails after {@link #CONNECT_TIMEOUT}). Without, it runs at once and its
 * output is discarded or, with {@code record-output}, written to {@code logs/exec-output}. The exit status ends
 * in the operation metadata as {@code return}.
 */
public final class ExecRoutes {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final String EXEC_OUTPUT = "exec-output";

    private final ContainerDriver driver;
    private final ExecTargets targets;
    private final Operations operations;
    private final WsOperations sockets;

    public ExecRoutes(ContainerDriver driver, ExecTargets targets, Operations operations, WsOperations sockets) {
        this.driver = driver;
        this.targets = targets;
        this.operations = operations;
        this.sockets = sockets;
    }

    /** The directory of an instance's logs (lxc.log) and exec output: the container's LXC directory. */
    static Path logDir(ContainerDriver driver, String container) {
        return driver.lxcPath().resolve(container);
    }

    public Reply post(ApiRequest req) throws Exception {
        String name = req.instanceKey();
        InstanceExecPost body = req.bodyAs(InstanceExecPost.class);
        if (body == null) {
            throw ApiException.badRequest("Request body is required");
        }
        ExecTargets.Target target = targets.find(name)
                .orElseThrow(() -> ApiException.notFound("Instance not found: " + name));
        boolean ws = Boolean.TRUE.equals(body.waitForWebsocket());
        boolean interactive = Boolean.TRUE.equals(body.interactive());
        boolean record = Boolean.TRUE.equals(body.recordOutput());
        ExecRequest request = request(body, target, interactive && ws);
        if (record && ws) {
            throw ApiException.badRequest("\"record-output\" can only be used without \"wait-for-websocket\"");
        }
        int width = size(body.width(), 80, "width");
        int height = size(body.height(), 24, "height");
        ContainerState state;
        try {
            state = driver.state(target.container());
        } catch (DriverException e) {
            throw ApiException.notFound("Instance not found: " + name);
        }
        if (state == ContainerState.FROZEN || state == ContainerState.FREEZING) {
            throw ApiException.badRequest("Instance is frozen");
        }
        if (state != ContainerState.RUNNING) {
            throw ApiException.badRequest("Instance is not running");
        }
        ExecSession session = new ExecSession(driver, target.container());
        Map<String, List<String>> resources = Map.of("instances", List.of(io.jlxd.daemon.project.ProjectKeys.instanceUrl(name)));
        if (!ws) {
            return detached(name, target, session, request, record, resources);
        }
        WsChannelSet channels = new WsChannelSet(interactive ? ExecSession.PTY_CHANNELS : ExecSession.PIPE_CHANNELS);
        CompletableFuture<String> id = new CompletableFuture<>();
        Operations.Spec spec = new Operations.Spec(OperationClass.WEBSOCKET, "Executing command", resources,
                Map.of("fds", channels.fds()), false, null);
        Op op = operations.startTask(spec, ctx -> {
            String opId = id.get();
            try {
                if (!channels.awaitConnected(CONNECT_TIMEOUT)) {
                    throw ApiException.badRequest("Timed out waiting for the websockets to connect");
                }
                int exit = interactive ? session.runPty(request, width, height, channels) : session.runPiped(request, channels);
                return Map.of("return", exit);
            } finally {
                sockets.remove(opId);
                channels.closeAll();
            }
        });
        sockets.register(op.id(), channels);
        id.complete(op.id());
        return Reply.async(op.view());
    }

    private Reply detached(String name, ExecTargets.Target target, ExecSession session, ExecRequest request,
                           boolean record, Map<String, List<String>> resources) {
        CompletableFuture<String> id = new CompletableFuture<>();
        Op op = operations.startTask(new Operations.Spec(OperationClass.TASK, "Executing command", resources, null,
                false, null), ctx -> {
            String opId = id.get();
            Map<String, Object> result = new LinkedHashMap<>();
            Path out = null;
            Path err = null;
            if (record) {
                Path dir = logDir(driver, target.container()).resolve(EXEC_OUTPUT);
                Files.createDirectories(dir);
                out = dir.resolve("exec_" + opId + ".stdout");
                err = dir.resolve("exec_" + opId + ".stderr");
                String base = "/1.0/instances/" + io.jlxd.daemon.project.ProjectKeys.name(name) + "/logs/" + EXEC_OUTPUT + "/exec_" + opId;
                result.put("output", Map.of("1", base + ".stdout", "2", base + ".stderr"));
            }
            int exit = session.runDetached(request, out, err);
            result.put("return", exit);
            return result;
        });
        id.complete(op.id());
        return Reply.async(op.view());
    }

    static ExecRequest request(InstanceExecPost body, ExecTargets.Target target, boolean interactive) {
        List<String> command = body.command();
        if (command == null || command.isEmpty() || command.getFirst() == null || command.getFirst().isEmpty()) {
            throw ApiException.badRequest("Command cannot be empty");
        }
        if (command.stream().anyMatch(a -> a == null)) {
            throw ApiException.badRequest("Command arguments cannot be null");
        }
        long uid = id(body.user(), "user");
        long gid = id(body.group(), "group");
        String cwd = body.cwd() == null || body.cwd().isEmpty() ? null : body.cwd();
        if (cwd != null && (!cwd.startsWith("/") || cwd.indexOf('\0') >= 0)) {
            throw ApiException.badRequest("\"cwd\" must be an absolute path");
        }
        Map<String, String> env = ExecEnvironment.build(target.config(), body.environment(), uid, interactive);
        try {
            return new ExecRequest(command, env, cwd, (int) uid, (int) gid, null, null, null);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private static long id(Long value, String field) {
        if (value == null) {
            return 0;
        }
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw ApiException.badRequest("\"" + field + "\" must be between 0 and " + Integer.MAX_VALUE);
        }
        return value;
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
