package io.jlxd.cli.commands;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.jlxd.api.Json;
import io.jlxd.api.Operation;
import io.jlxd.cli.CliContext;
import io.jlxd.cli.CliException;
import io.jlxd.cli.client.ApiResponse;
import io.jlxd.cli.client.JlxdClient;
import io.jlxd.cli.client.http.HttpResponse;
import io.jlxd.cli.output.JsonText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlxc query}, like {@code lxc query}: sends any request and prints the metadata as indented JSON (the
 * whole envelope with {@code --raw}); {@code --wait} waits for an async answer's operation and prints it, failing
 * with the operation's error. A success that is not JSON is printed as is.
 */
@Command(name = "query", description = "Send a raw query to jlxd",
        footer = {"", "Examples:", "  jlxc query -X DELETE --wait /1.0/operations/<id>",
                "  echo '{\"config\":{\"user.a\":\"b\"}}' | jlxc query -X PATCH -d - /1.0"})
public final class QueryCommand implements Callable<Integer> {
    private static final Set<String> ACTIONS = Set.of("GET", "PUT", "POST", "PATCH", "DELETE");

    private final CliContext ctx;

    @Option(names = {"-X", "--request"}, defaultValue = "GET", paramLabel = "METHOD",
            description = "Action: GET, PUT, POST, PATCH or DELETE (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = {"-d", "--data"}, paramLabel = "DATA",
            description = "Input data: JSON (anything else is sent as a JSON string), or - to read it from stdin")
    String data;

    @Option(names = "--raw", description = "Print the raw response")
    boolean raw;

    @Option(names = "--wait", description = "Wait for the operation to complete")
    boolean await;

    @Parameters(paramLabel = "PATH", description = "API path, e.g. /1.0/operations?recursion=1")
    String path;

    public QueryCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() throws IOException {
        String action = method.toUpperCase(Locale.ROOT);
        if (!ACTIONS.contains(action)) {
            throw new CliException("Action \"" + method + "\" isn't supported by this tool");
        }
        path = ctx.target(path);
        if (!path.startsWith("/")) {
            throw new CliException("Query path must start with /");
        }
        byte[] body = null;
        if (data != null) {
            String text = data.equals("-") ? new String(ctx.in().readAllBytes(), StandardCharsets.UTF_8) : data;
            body = encodeBody(text);
        }
        JlxdClient client = ctx.client();
        HttpResponse http = client.exchange(action, path, body, JlxdClient.JSON, null);
        ApiResponse response = ApiResponse.parseOrNull(http);
        if (response == null) {
            ctx.out().write(http.body());
            return 0;
        }
        if (await && !response.operation().isEmpty()) {
            response = client.await(response.operation(), -1);
            Operation op = JlxdClient.convert(response.metadata(), Operation.class);
            if (op.err() != null && !op.err().isEmpty()) {
                throw new CliException(op.err());
            }
        }
        if (raw) {
            ctx.out().println(JsonText.pretty(response.json()));
        } else {
            JsonNode metadata = response.metadata();
            boolean empty = metadata.isNull() || metadata.isMissingNode()
                    || (metadata.isObject() && metadata.isEmpty());
            if (!empty) {
                ctx.out().println(JsonText.pretty(metadata));
            }
        }
        return 0;
    }

    /** JSON input is sent as it is; any other text is sent as a JSON string, like lxc does. */
    static byte[] encodeBody(String text) throws JsonProcessingException {
        try {
            JsonNode parsed = Json.lenient().readTree(text);
            if (parsed != null && !parsed.isMissingNode()) {
                return text.getBytes(StandardCharsets.UTF_8);
            }
        } catch (JsonProcessingException notJson) {
            // fall through: send as a string
        }
        return Json.lenient().writeValueAsBytes(text);
    }
}
