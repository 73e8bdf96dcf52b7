package io.jlxd.api.instance;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** Body of {@code POST /1.0/instances/{name}/exec}, with LXD's hyphenated field names. */
public record InstanceExecPost(
        List<String> command,
        Map<String, String> environment,
        @JsonProperty("wait-for-websocket") Boolean waitForWebsocket,
        Boolean interactive,
        Integer width,
        Integer height,
        Long user,
        Long group,
        String cwd,
        @JsonProperty("record-output") Boolean recordOutput) {
}
