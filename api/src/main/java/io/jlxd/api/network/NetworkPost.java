package io.jlxd.api.network;

/** Body of {@code POST /1.0/networks/{name}}: rename. */
public record NetworkPost(String name) {
}
