package io.jlxd.cli.aot;

import io.jlxd.cli.aot.CannedDaemon.Reply;
import io.jlxd.cli.aot.CannedDaemon.Request;
import io.jlxd.cli.client.ws.Frame;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Canned answers shaped like jlxd's (docs/api.md, openapi.yaml): the server, its config with ETag, operations,
 * a token operation and an event stream. Written as JSON text so that it does not follow changes of the wire
 * records: the client must cope with what servers send.
 */
public final class CannedJlxd implements CannedDaemon.Handler {
    public static final String ETAG = "c0ffee";
    public static final String RUNNING_ID = "8c5e4a8e-1f0e-4a8e-9a6b-2b0e6c3d1a01";
    public static final String DONE_ID = "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b";
    public static final String EXEC_ID = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";

    static final String SERVER = """
            {"config":{"core.https_address":":8443","user.foo":"bar","core.trust_password":"hunter2"},
             "api_extensions":["etag","patch","operation_wait","event_lifecycle"],
             "api_status":"stable","api_version":"1.0","auth":"trusted","auth_methods":["tls"],"public":false,
             "environment":{"addresses":[":8443"],"architectures":["x86_64"],
              "certificate":"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n",
              "certificate_fingerprint":"5d2f","driver":"lxc","driver_version":"5.0.2","firewall":"nftables",
              "kernel":"Linux","kernel_architecture":"x86_64","kernel_version":"6.1.0","os_name":"Debian GNU/Linux",
              "os_version":"12","project":"default","server":"jlxd","server_clustered":false,
              "server_event_mode":"full-mesh","server_name":"host","server_pid":4242,"server_version":"0.1.0",
              "storage":"dir","storage_version":"1",
              "storage_supported_drivers":[{"name":"dir","version":"1","remote":false}]}}""";

    static final String INSTANCE = """
            {"name":"c1","type":"container","status":"Running","status_code":103,"architecture":"x86_64",
             "config":{"user.role":"web"},"devices":{},"ephemeral":false,"profiles":["default"],"description":"",
             "expanded_config":{"user.role":"web"},"expanded_devices":{"root":{"type":"disk","path":"/"}},
             "created_at":"2025-11-25T06:00:00Z","last_used_at":"2025-11-25T06:00:01Z","stateful":false,
             "snapshots":[],"state":{"status":"Running","status_code":103,"pid":4321,"processes":3,
              "cpu":{"usage":1500000000},"memory":{"usage":4194304,"usage_peak":5242880},
              "network":{"eth0":{"type":"broadcast","state":"up","hwaddr":"00:16:3e:00:00:01","mtu":1500,
               "counters":{"bytes_received":1024,"bytes_sent":2048,"packets_received":10,"packets_sent":20},
               "addresses":[{"family":"inet","address":"10.0.3.5","netmask":"24","scope":"global"}]}}}}""";
    static final String PROFILE = """
            {"name":"default","description":"Default profile","config":{},
             "devices":{"root":{"type":"disk","path":"/","pool":"default"}},"used_by":["/1.0/instances/c1"]}""";

    static String operation(String id, String cls, String status, int code, boolean mayCancel, String err) {
        return """
                {"id":"%s","class":"%s","description":"Creating instance","created_at":"2025-11-25T06:00:00.123456789Z",
                 "updated_at":"2025-11-25T06:00:01Z","status":"%s","status_code":%d,
                 "resources":{"instances":["/1.0/instances/c1"]},"metadata":{"progress":"50%%"},
                 "may_cancel":%s,"err":"%s","location":"host"}"""
                .formatted(id, cls, status, code, mayCancel, err);
    }

    static String sync(String metadata) {
        return "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\",\"error_code\":0,"
                + "\"error\":\"\",\"metadata\":" + metadata + "}";
    }

    static String async(String id, String metadata) {
        return "{\"type\":\"async\",\"status\":\"Operation created\",\"status_code\":100,"
                + "\"operation\":\"/1.0/operations/" + id + "\",\"error_code\":0,\"error\":\"\",\"metadata\":"
                + metadata + "}";
    }

    static String error(int code, String message) {
        return "{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\",\"error_code\":" + code
                + ",\"error\":\"" + message + "\",\"metadata\":null}";
    }

    @Override
    public Reply handle(Request r) {
        String path = r.path();
        String running = operation(RUNNING_ID, "task", "Running", 103, true, "");
        String done = operation(DONE_ID, "token", "Success", 200, false, "");
        return switch (r.method() + " " + path) {
            case "GET /" -> ok(sync("[\"/1.0\"]"));
            case "GET /1.0" -> Reply.json(200, sync(SERVER), Map.of("ETag", ETAG));
            case "PUT /1.0", "PATCH /1.0" -> ETAG.equals(r.headers().first("If-Match").orElse(ETAG))
                    ? ok(sync("{}")) : Reply.json(412, error(412, "ETag doesn't match"), Map.of());
            case "GET /1.0/operations" -> ok(sync("{\"running\":[" + running + "],\"success\":[" + done + "]}"));
            case "GET /1.0/operations/" + RUNNING_ID -> ok(sync(running));
            case "GET /1.0/operations/" + RUNNING_ID + "/wait", "GET /1.0/operations/" + DONE_ID + "/wait" ->
                    ok(sync(done));
            case "DELETE /1.0/operations/" + RUNNING_ID -> ok(sync("{}"));
            case "POST /1.0/certificates" -> Reply.json(202, async(DONE_ID, done),
                    Map.of("Location", "/1.0/operations/" + DONE_ID));
            case "GET /1.0/events" -> Reply.websocket(events(running));
            case "GET /1.0/instances" -> ok(sync("[" + INSTANCE + "]"));
            case "GET /1.0/instances/c1" -> Reply.json(200, sync(INSTANCE), Map.of("ETag", ETAG));
            case "PUT /1.0/instances/c1", "PUT /1.0/instances/c1/state", "DELETE /1.0/instances/c1" ->
                    Reply.json(202, async(DONE_ID, done), Map.of("Location", "/1.0/operations/" + DONE_ID));
            case "POST /1.0/instances/c1/exec" -> Reply.json(202, async(EXEC_ID, operation(EXEC_ID, "websocket",
                    "Running", 103, false, "").replace("{\"progress\":\"50%\"}",
                    "{\"fds\":{\"0\":\"s0\",\"1\":\"s1\",\"2\":\"s2\",\"control\":\"sc\"}}")),
                    Map.of("Location", "/1.0/operations/" + EXEC_ID));
            case "GET /1.0/operations/" + EXEC_ID + "/websocket" -> Reply.websocket(execStream(r.target()));
            case "GET /1.0/operations/" + EXEC_ID + "/wait" -> ok(sync(operation(EXEC_ID, "websocket", "Success", 200,
                    false, "").replace("{\"progress\":\"50%\"}", "{\"return\":0}")));
            case "GET /1.0/profiles" -> ok(sync("[" + PROFILE + "]"));
            case "GET /1.0/profiles/default" -> Reply.json(200, sync(PROFILE), Map.of("ETag", ETAG));
            case "PUT /1.0/profiles/default" -> ok(sync("{}"));
            default -> Reply.json(404, error(404, "not found"), Map.of());
        };
    }

    private static Reply ok(String json) {
        return Reply.json(200, json, Map.of());
    }

    /** An exec's stream: some output on stdout and stderr, then a close (the control and stdin streams just close). */
    private static List<Frame> execStream(String target) {
        Frame close = new Frame(true, Frame.CLOSE, new byte[] {0x03, (byte) 0xE8});
        if (target.endsWith("secret=s1") || target.endsWith("secret=s2")) {
            return List.of(new Frame(true, Frame.BINARY, "output\n".getBytes(StandardCharsets.UTF_8)), close);
        }
        return List.of(close);
    }

    /** An operation event, a ping, a lifecycle event sent in two fragments, a logging event, then a close. */
    private static List<Frame> events(String operation) {
        String op = "{\"type\":\"operation\",\"timestamp\":\"2025-11-25T06:00:00Z\",\"location\":\"host\","
                + "\"project\":\"default\",\"metadata\":" + operation + "}";
        String lifecycle = "{\"type\":\"lifecycle\",\"timestamp\":\"2025-11-25T06:00:01Z\",\"location\":\"host\","
                + "\"project\":\"default\",\"metadata\":{\"action\":\"config-updated\",\"source\":\"/1.0\","
                + "\"context\":{},\"requestor\":{\"username\":\"root\",\"protocol\":\"unix\",\"address\":\"@\"}}}";
        String logging = "{\"type\":\"logging\",\"timestamp\":\"2025-11-25T06:00:02Z\",\"location\":\"host\","
                + "\"project\":\"\",\"metadata\":{\"message\":\"Updated server config\",\"level\":\"info\","
                + "\"context\":{\"keys\":\"user.foo\"}}}";
        byte[] lc = lifecycle.getBytes(StandardCharsets.UTF_8);
        int half = lc.length / 2;
        return List.of(
                new Frame(true, Frame.TEXT, op.getBytes(StandardCharsets.UTF_8)),
                new Frame(true, Frame.PING, "hb".getBytes(StandardCharsets.UTF_8)),
                new Frame(false, Frame.TEXT, java.util.Arrays.copyOfRange(lc, 0, half)),
                new Frame(true, Frame.CONTINUATION, java.util.Arrays.copyOfRange(lc, half, lc.length)),
                new Frame(true, Frame.TEXT, logging.getBytes(StandardCharsets.UTF_8)),
                new Frame(true, Frame.CLOSE, new byte[] {0x03, (byte) 0xE8}));
    }
}
