package io.jlxd.cli.client.http;

import java.nio.charset.StandardCharsets;

/** A complete response: head and the whole body (empty if there was none). */
public record HttpResponse(ResponseHead head, byte[] body) {

    public int status() {
        return head.status();
    }

    public HttpHeaders headers() {
        return head.headers();
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
