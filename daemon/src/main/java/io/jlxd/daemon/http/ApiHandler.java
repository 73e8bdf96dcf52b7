package io.jlxd.daemon.http;

/** Handles one API request and answers with a reply; throws {@link ApiException} for errors. */
@FunctionalInterface
public interface ApiHandler {
    Reply handle(ApiRequest request) throws Exception;
}
