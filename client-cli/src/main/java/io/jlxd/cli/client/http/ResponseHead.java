package io.jlxd.cli.client.http;

/** The status line and header fields of a response. */
public record ResponseHead(String version, int status, String reason, HttpHeaders headers) {

    /** False if the server asked to close the connection after this response. */
    public boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return !"HTTP/1.0".equals(version) || headers.hasToken("Connection", "keep-alive");
    }
}
